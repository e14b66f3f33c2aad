"""Maturity figures: radar (client vs target vs portfolio), respondents x dimensions heatmap, gaps, roadmap.

Each function takes a frame returned by ``toolkit.maturity`` and returns a plotly
``Figure``; nothing here computes scores.
"""

from __future__ import annotations

import plotly.graph_objects as go
from pandas import DataFrame

LEVEL_RANGE = (1, 5)
COLORS = {"score": "#1f77b4", "target": "#2ca02c", "portfolio_median": "#7f7f7f"}
NAMES = {"score": "client", "target": "target", "portfolio_median": "portfolio median"}
PHASE_COLORS = {"first 90 days": "#e8f5e9", "3-6 months": "#fff8e1", "6-12 months": "#fdecea",
                "after 12 months": "#eeeeee"}


def maturity_radar(dimension_scores: DataFrame, portfolio: DataFrame | None = None, *,
                   title: str = "Maturity by dimension") -> go.Figure:
    """Radar of the client's dimension scores against the targets and, if given, the portfolio median.

    Parameters
    ----------
    dimension_scores : from :func:`toolkit.maturity.scoring.score_dimensions` (dimension, score, target).
    portfolio : from :func:`toolkit.maturity.portfolio.portfolio_percentiles` (dimension_id, portfolio_median).
    """
    frame = dimension_scores
    if portfolio is not None:
        frame = frame.merge(portfolio[["dimension_id", "portfolio_median"]], on="dimension_id", how="left")
    fig = go.Figure()
    closed = list(frame["dimension"]) + [frame["dimension"].iloc[0]] if len(frame) else []
    for column in ("target", "portfolio_median", "score"):
        if column not in frame.columns:
            continue
        values = list(frame[column]) + [frame[column].iloc[0]] if len(frame) else []
        fig.add_trace(go.Scatterpolar(
            r=values, theta=closed, name=NAMES[column], line={"color": COLORS[column],
                                                              "dash": "dot" if column != "score" else "solid"},
            fill="toself" if column == "score" else None, opacity=0.85,
            hovertemplate="%{theta}: %{r:.2f}<extra>" + NAMES[column] + "</extra>"))
    fig.update_layout(title=title, polar={"radialaxis": {"range": list(LEVEL_RANGE), "dtick": 1}},
                      legend={"orientation": "h"})
    return fig


def respondent_heatmap(respondent_scores: DataFrame, *, title: str = "Each respondent's view") -> go.Figure:
    """Heatmap of respondents (rows, with role) by dimensions (columns), coloured by level 1-5.

    Parameters
    ----------
    respondent_scores : from :func:`toolkit.maturity.scoring.score_respondents`.
    """
    frame = respondent_scores.assign(who=respondent_scores["respondent"] + " (" + respondent_scores["role"] + ")")
    dims = list(dict.fromkeys(frame["dimension"]))
    grid = frame.pivot_table(index="who", columns="dimension", values="score", sort=False).reindex(columns=dims)
    fig = go.Figure(go.Heatmap(
        z=grid.to_numpy(), x=dims, y=list(grid.index), zmin=LEVEL_RANGE[0], zmax=LEVEL_RANGE[1],
        colorscale="RdYlGn", colorbar={"title": "level"}, text=grid.round(1).to_numpy(),
        texttemplate="%{text}", hovertemplate="%{y}<br>%{x}: %{z:.2f}<extra></extra>"))
    fig.update_layout(title=title, xaxis={"tickangle": -30}, yaxis={"autorange": "reversed"})
    return fig


def gap_bars(dimension_scores: DataFrame, *, title: str = "Gap to target") -> go.Figure:
    """Horizontal bars of each dimension's gap to its target, largest first.

    Parameters
    ----------
    dimension_scores : from :func:`toolkit.maturity.scoring.score_dimensions` (dimension, score, target, gap).
    """
    frame = dimension_scores.sort_values("gap", ascending=True, na_position="first")
    fig = go.Figure(go.Bar(
        x=frame["gap"], y=frame["dimension"], orientation="h", marker_color="#d62728",
        text=[f"{s:.2f} → {t:.1f}" if s == s else "not scored" for s, t in zip(frame["score"], frame["target"],
                                                                                strict=True)],
        textposition="outside", hovertemplate="%{y}: gap %{x:.2f}<extra></extra>"))
    fig.update_layout(title=title, xaxis={"title": "levels below target", "rangemode": "tozero"})
    return fig


def roadmap_table(roadmap: DataFrame, *, title: str = "Roadmap") -> go.Figure:
    """The roadmap as a table: priority, phase, dimension, recommendation, effort, gap closed.

    Parameters
    ----------
    roadmap : from :func:`toolkit.maturity.roadmap.build_roadmap`.
    """
    colors = [PHASE_COLORS.get(p, "white") for p in roadmap["phase"]]
    columns = {"priority": "#", "phase": "phase", "dimension": "dimension", "question_id": "question",
               "recommendation": "recommendation", "effort": "effort", "gap_closed": "gap closed"}
    cells = [roadmap[c].round(2) if c == "gap_closed" else roadmap[c] for c in columns]
    fig = go.Figure(go.Table(
        columnwidth=[4, 10, 18, 7, 50, 7, 7],
        header={"values": list(columns.values()), "fill_color": "#444", "font": {"color": "white"}, "align": "left"},
        cells={"values": cells, "fill_color": [colors] * len(columns), "align": "left"}))
    fig.update_layout(title=title)
    return fig


def evidence_table(evidence: DataFrame, *, title: str = "Interview claims vs data") -> go.Figure:
    """One row per interview claim with its verdict and reason; contradicted claims highlighted.

    Parameters
    ----------
    evidence : from :func:`toolkit.maturity.evidence.evaluate_evidence`.
    """
    shade = {"contradicted": "#fdecea", "supported": "#e8f5e9"}
    colors = [shade.get(v, "#eeeeee") for v in evidence["verdict"]]
    columns = ["question", "claim", "verdict", "why", "claimed by", "contradicted"]
    cells = [evidence["question_id"], evidence["claim"], evidence["verdict"], evidence["reason"],
             evidence["claimed_by"], evidence["contradicted_respondents"]]
    fig = go.Figure(go.Table(
        columnwidth=[6, 20, 10, 34, 15, 15],
        header={"values": columns, "fill_color": "#444", "font": {"color": "white"}, "align": "left"},
        cells={"values": cells, "fill_color": [colors] * len(columns), "align": "left"}))
    fig.update_layout(title=title)
    return fig
