"""Figures for duplicate-issue clusters, drawn from the frames toolkit.duplicates returns.

- :func:`cluster_impact` -- the top clusters by impact score, emerging ones highlighted.
- :func:`cluster_trend` -- weekly tickets of the top clusters.
- :func:`cluster_growth` -- size against growth, bubble size = customers affected.
"""

from __future__ import annotations

import html

import pandas as pd
import plotly.graph_objects as go

EMERGING = "#d62728"
STEADY = "#1f77b4"


def _label(frame: pd.DataFrame) -> pd.Series:
    names = frame["name"].fillna("").astype("str").map(html.escape)
    return "#" + frame["cluster_id"].astype("str") + " " + names


def cluster_impact(clusters: pd.DataFrame, top: int = 15, title: str = "Duplicate clusters by impact") -> go.Figure:
    """Horizontal bars of ``impact`` for the ``top`` clusters of ``DuplicateFinder.clusters_`` (red = emerging)."""
    rows = clusters.sort_values("impact", ascending=False).head(top).iloc[::-1]
    emerging = rows["emerging"].fillna(False).astype(bool)
    fig = go.Figure(go.Bar(
        x=rows["impact"], y=_label(rows), orientation="h",
        marker_color=[EMERGING if e else STEADY for e in emerging],
        customdata=rows[["tickets", "customers", "growth"]].astype("float64").to_numpy(),
        hovertemplate="%{y}<br>impact %{x:.0f}<br>%{customdata[0]:.0f} tickets, %{customdata[1]:.0f} customers"
                      "<br>growth x%{customdata[2]:.1f}<extra></extra>"))
    fig.update_layout(title=title, xaxis_title="impact score", template="plotly_white",
                      height=max(300, 28 * len(rows) + 100), margin=dict(l=10, r=10, t=50, b=40))
    return fig


def cluster_trend(weekly: pd.DataFrame, clusters: pd.DataFrame, top: int = 6,
                  title: str = "Weekly tickets of the top clusters") -> go.Figure:
    """Lines of weekly tickets (``weekly_counts`` frame: cluster_id, week, tickets) for the top clusters by impact."""
    chosen = clusters.sort_values("impact", ascending=False).head(top)
    labels = dict(zip(chosen["cluster_id"], _label(chosen), strict=True))
    fig = go.Figure()
    for cluster_id in chosen["cluster_id"]:
        series = weekly[weekly["cluster_id"] == cluster_id]
        fig.add_trace(go.Scatter(x=series["week"], y=series["tickets"], mode="lines", name=labels[cluster_id],
                                 hovertemplate="week of %{x|%Y-%m-%d}: %{y} tickets<extra></extra>"))
    fig.update_layout(title=title, yaxis_title="tickets per week", template="plotly_white",
                      legend=dict(orientation="h", y=-0.2), margin=dict(l=10, r=10, t=50, b=40))
    return fig


def cluster_growth(clusters: pd.DataFrame, title: str = "Cluster size and growth") -> go.Figure:
    """Tickets (x) against growth (y, log) per cluster; bubble area ~ customers, red = emerging."""
    rows = clusters.copy()
    size = rows["customers"].astype("float64").fillna(rows["tickets"].astype("float64"))
    emerging = rows["emerging"].fillna(False).astype(bool)
    fig = go.Figure(go.Scatter(
        x=rows["tickets"], y=rows["growth"].astype("float64").clip(lower=0.01), mode="markers", text=_label(rows),
        marker=dict(size=size, sizemode="area", sizeref=max(size.max(), 1) / 900, sizemin=3,
                    color=[EMERGING if e else STEADY for e in emerging], opacity=0.7),
        hovertemplate="%{text}<br>%{x} tickets, growth x%{y:.1f}<extra></extra>"))
    fig.add_hline(y=2, line_dash="dot", annotation_text="emerging: 2x its baseline", line_color=EMERGING)
    fig.update_layout(title=title, xaxis_title="tickets", yaxis_title="recent rate / baseline rate",
                      yaxis_type="log", template="plotly_white", margin=dict(l=10, r=10, t=50, b=40))
    return fig
