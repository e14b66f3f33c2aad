"""Figures for duplicate-issue clusters, drawn from the frames toolkit.duplicates returns.

- :func:`cluster_impact` -- the top clusters by impact score, emerging ones highlighted.
- :func:`cluster_trend` -- weekly tickets of the top clusters.
- :func:`cluster_growth` -- size against growth, bubble size = customers affected.
"""

from __future__ import annotations

import html

import pandas as pd
import plotly.graph_objects as go

from toolkit import formatting as fmt
from toolkit.plots import periods, theme

EMERGING = theme.UNFAVOURABLE
STEADY = theme.NEUTRAL


def _label(frame: pd.DataFrame) -> pd.Series:
    """What a reader sees for a cluster: its name (HTML-escaped), "(question)" after a recurring question, and
    a count after a name that repeats ("sms codes (2)"), never the internal cluster number."""
    names = frame["name"].fillna("").astype("str")
    if "kind" in frame.columns:
        names = names.where(frame["kind"].ne("recurring question").to_numpy(), names + " (question)")
    repeat = names.groupby(names.to_numpy()).cumcount().to_numpy()
    names = names.where(repeat == 0, names + " (" + pd.Series(repeat + 1, index=names.index).astype("str") + ")")
    return names.map(html.escape)


def cluster_impact(clusters: pd.DataFrame, top: int = 15, title: str = "Duplicate clusters by impact") -> go.Figure:
    """Horizontal bars of ``impact`` for the ``top`` clusters of ``DuplicateFinder.clusters_``.

    Emerging clusters are vermillion and hatched (the hatching carries it without colour).
    """
    ranked = clusters.sort_values("impact", ascending=False).head(top)
    rows, labels = ranked.iloc[::-1], _label(ranked).iloc[::-1]  # a repeated name is numbered by impact
    emerging = rows["emerging"].fillna(False).astype(bool)
    fig = go.Figure(go.Bar(
        x=rows["impact"], y=labels, orientation="h",
        marker_color=[EMERGING if e else STEADY for e in emerging],
        # one hatch colour: plotly.js takes it from the bar colours otherwise, and rejects a list there
        marker_pattern={"shape": ["/" if e else "" for e in emerging], "fgcolor": "#ffffff"},
        customdata=rows[["tickets", "customers", "growth"]].astype("float64").to_numpy(),
        hovertemplate="%{y}<br>impact %{x:.0f}<br>%{customdata[0]:.0f} tickets, %{customdata[1]:.0f} customers"
                      "<br>growth x%{customdata[2]:.1f}<extra></extra>"))
    if len(rows):
        top = rows.iloc[-1]
        takeaway = (f"Highest impact: {labels.iloc[-1]} ({fmt.count(top['tickets'])} tickets); "
                    f"{int(emerging.sum())} of the {len(rows)} shown {'is' if int(emerging.sum()) == 1 else 'are'} "
                    "emerging (hatched).")
    else:
        takeaway = "No recurring problems found."
    return theme.finish(fig, title, takeaway=takeaway, x_title="impact score (tickets, customers, effort, CSAT)",
                        height=max(300, 28 * len(rows) + 110))


def cluster_trend(weekly: pd.DataFrame, clusters: pd.DataFrame, top: int = 6, *, span: tuple | None = None,
                  title: str = "Weekly tickets of the top clusters") -> go.Figure:
    """Lines of weekly tickets (``weekly_counts`` frame: cluster_id, week, tickets) for the top clusters by impact.

    Weeks the data's ``span`` (first and last day) covers only in part are left out and named in the takeaway.
    """
    chosen = clusters.sort_values("impact", ascending=False).head(top)
    labels = dict(zip(chosen["cluster_id"], _label(chosen), strict=True))
    keep, dropped = periods.choose(weekly["week"], span, "week")
    kept = weekly[keep.to_numpy()]
    fig = go.Figure()
    for cluster_id in chosen["cluster_id"]:
        series = kept[kept["cluster_id"] == cluster_id]
        fig.add_trace(go.Scatter(x=series["week"], y=series["tickets"], mode="lines", name=labels[cluster_id],
                                 hovertemplate="week of %{x|%d %b %Y}: %{y:,} tickets<extra></extra>"))
    chosen_weeks = kept[kept["cluster_id"].isin(chosen["cluster_id"])]
    if len(chosen_weeks):
        last = chosen_weeks[chosen_weeks["week"] == chosen_weeks["week"].max()]
        peak = last.loc[last["tickets"].idxmax()]
        takeaway = (f"In the last full week ({fmt.period(peak['week'], 'week')}), {labels[peak['cluster_id']]} "
                    f"had the most tickets ({fmt.count(peak['tickets'])}).")
    else:
        takeaway = "No complete week to show."
    return theme.finish(fig, title, takeaway=takeaway + dropped, y_title="tickets per week", x_title="week")


def cluster_growth(clusters: pd.DataFrame, title: str = "Cluster size and growth") -> go.Figure:
    """Tickets (x) against growth (y, log) per cluster; bubble area ~ customers, emerging = vermillion diamonds."""
    rows = clusters.copy()
    size = rows["customers"].astype("float64").fillna(rows["tickets"].astype("float64"))
    emerging = rows["emerging"].fillna(False).astype(bool)
    fig = go.Figure(go.Scatter(
        x=rows["tickets"], y=rows["growth"].astype("float64").clip(lower=0.01), mode="markers", text=_label(rows),
        marker=dict(size=size, sizemode="area", sizeref=max(size.max(), 1) / 900, sizemin=3,
                    color=[EMERGING if e else STEADY for e in emerging],
                    symbol=["diamond" if e else "circle" for e in emerging], opacity=0.7),
        hovertemplate="%{text}<br>%{x} tickets, growth x%{y:.1f}<extra></extra>"))
    fig.add_hline(y=2, line_dash="dot", annotation_text="emerging: 2x its baseline", line_color=EMERGING)
    takeaway = (f"{int(emerging.sum())} of {len(rows)} recurring problems grow at least twice their usual rate."
                if len(rows) else "No recurring problems found.")
    return theme.finish(fig, title, takeaway=takeaway, x_title="tickets",
                        y_title="growth: recent rate / usual rate (log scale)", yaxis_type="log")
