"""Maturity figures: radar (client vs target vs portfolio), respondents x dimensions heatmap, gaps, roadmap.

Each function takes a frame returned by ``toolkit.maturity`` and returns a plotly
``Figure``; nothing here computes scores.
"""

from __future__ import annotations

import plotly.graph_objects as go
from pandas import DataFrame

from toolkit import formatting as fmt
from toolkit.plots import theme

LEVEL_RANGE = (1, 5)
COLORS = {"score": theme.PALETTE[0], "target": theme.NEUTRAL, "portfolio_median": theme.REFERENCE}
DASHES = {"score": "solid", "target": "dot", "portfolio_median": "dash"}
NAMES = {"score": "client", "target": "target", "portfolio_median": "portfolio median"}
CONTRADICTED_FILL = "#fde0c5"  # light orange: a contradicted claim stands out without red/green


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
    names = [theme.wrap(d, 18) for d in frame["dimension"]]
    closed = names + [names[0]] if len(frame) else []
    for column in ("target", "portfolio_median", "score"):
        if column not in frame.columns:
            continue
        values = list(frame[column]) + [frame[column].iloc[0]] if len(frame) else []
        fig.add_trace(go.Scatterpolar(
            r=values, theta=closed, name=NAMES[column], line={"color": COLORS[column], "dash": DASHES[column]},
            fill="toself" if column == "score" else None, opacity=0.85,
            hovertemplate="%{theta}: %{r:.2f}<extra>" + NAMES[column] + "</extra>"))
    scored = frame.dropna(subset=["score"]) if "score" in frame.columns else frame.iloc[:0]
    if len(scored):
        high, low = scored.loc[scored["score"].idxmax()], scored.loc[scored["score"].idxmin()]
        takeaway = (f"Most mature: {high['dimension']} (level {fmt.level(high['score'])}); least mature: "
                    f"{low['dimension']} (level {fmt.level(low['score'])}), on a scale of 1 to 5.")
    else:
        takeaway = "No dimension could be scored."
    # Polar charts get no automatic margins: the wrapped dimension names need room on both sides.
    return theme.finish(fig, title, takeaway=takeaway, height=600, margin={"l": 120, "r": 120, "b": 90},
                        legend={"y": -0.16, "yanchor": "top"},
                        polar={"radialaxis": {"range": list(LEVEL_RANGE), "dtick": 1, "angle": 90,
                                              "tickangle": 90}})


def respondent_heatmap(respondent_scores: DataFrame, *, title: str = "Each respondent's view") -> go.Figure:
    """Heatmap of respondents (rows, with role) by dimensions (columns), coloured by level 1-5.

    Parameters
    ----------
    respondent_scores : from :func:`toolkit.maturity.scoring.score_respondents` (or its role-group form,
        :func:`toolkit.report.people.group_scores`).
    """
    role = respondent_scores["role"].fillna("").astype("str")
    # grouped scores (toolkit.report.people.group_scores) carry no role: their label says who they are
    frame = respondent_scores.assign(who=respondent_scores["respondent"].where(
        role.eq(""), respondent_scores["respondent"] + " (" + role + ")"))
    dims = list(dict.fromkeys(frame["dimension"]))
    grid = frame.pivot_table(index="who", columns="dimension", values="score", sort=False).reindex(columns=dims)
    fig = go.Figure(go.Heatmap(
        z=grid.to_numpy(), x=dims, y=list(grid.index), zmin=LEVEL_RANGE[0], zmax=LEVEL_RANGE[1],
        colorscale=theme.LEVELS, colorbar={"title": "level"}, text=grid.round(1).to_numpy(),
        texttemplate="%{text}", hovertemplate="%{y}<br>%{x}: %{z:.2f}<extra></extra>"))
    spread = (grid.max() - grid.min()).dropna()
    takeaway = (f"Respondents disagree most on {spread.idxmax()} (levels {fmt.level(grid[spread.idxmax()].min())} "
                f"to {fmt.level(grid[spread.idxmax()].max())})." if len(spread) else "No answers to compare.")
    return theme.finish(fig, title, takeaway=takeaway, xaxis={"tickangle": -30}, yaxis={"autorange": "reversed"},
                        height=max(300, 30 * len(grid) + 160))


def gap_bars(dimension_scores: DataFrame, *, title: str = "Gap to target") -> go.Figure:
    """Horizontal bars of each dimension's gap to its target, largest first.

    Parameters
    ----------
    dimension_scores : from :func:`toolkit.maturity.scoring.score_dimensions` (dimension, score, target, gap).
    """
    frame = dimension_scores.sort_values("gap", ascending=True, na_position="first")
    fig = go.Figure(go.Bar(
        x=frame["gap"], y=frame["dimension"], orientation="h", marker_color=theme.HIGHLIGHT,
        text=[f"{fmt.level(s)} → {fmt.level(t)}" if s == s else "not scored" for s, t in
              zip(frame["score"], frame["target"], strict=True)],
        textposition="outside", cliponaxis=False, hovertemplate="%{y}: gap %{x:.2f}<extra></extra>"))
    gaps = frame.dropna(subset=["gap"])
    takeaway = (f"Largest gap to target: {gaps.iloc[-1]['dimension']} ({fmt.level(gaps.iloc[-1]['gap'])} levels)."
                if len(gaps) else "No dimension could be scored.")
    widest = float(frame["gap"].max()) if frame["gap"].notna().any() else 1.0
    return theme.finish(fig, title, takeaway=takeaway, margin={"r": 70},
                        xaxis={"title": "levels below target", "range": [0, max(widest, 0.5) * 1.3]})


def roadmap_table(roadmap: DataFrame, *, title: str = "Roadmap") -> go.Figure:
    """The roadmap as a table: priority, phase, dimension, recommendation, effort, gap closed.

    Parameters
    ----------
    roadmap : from :func:`toolkit.maturity.roadmap.build_roadmap`.
    """
    columns = {"priority": "#", "phase": "phase", "dimension": "dimension", "question_id": "question",
               "recommendation": "recommendation", "effort": "effort", "gap_closed": "gap closed"}
    cells = [roadmap[c].round(2) if c == "gap_closed" else roadmap[c] for c in columns]
    fig = go.Figure(go.Table(
        columnwidth=[4, 10, 18, 7, 50, 7, 7],
        header={"values": list(columns.values())}, cells={"values": cells}))
    first = roadmap["phase"].iloc[0] if len(roadmap) else ""
    takeaway = (f"{len(roadmap)} steps; the first phase ({first}) holds {int((roadmap['phase'] == first).sum())}."
                if len(roadmap) else "No roadmap steps: every dimension meets its target.")
    return theme.finish(fig, title, takeaway=takeaway)


def evidence_table(evidence: DataFrame, *, title: str = "Interview claims vs data") -> go.Figure:
    """One row per interview claim with its verdict and reason; contradicted claims highlighted.

    Parameters
    ----------
    evidence : from :func:`toolkit.maturity.evidence.evaluate_evidence`.
    """
    colors = [CONTRADICTED_FILL if v == "contradicted" else "#ffffff" for v in evidence["verdict"]]
    columns = ["question", "claim", "verdict", "why", "claimed by", "contradicted"]
    cells = [evidence["question_id"], evidence["claim"], evidence["verdict"], evidence["reason"],
             evidence["claimed_by"], evidence["contradicted_respondents"]]
    fig = go.Figure(go.Table(
        columnwidth=[6, 20, 10, 34, 15, 15],
        header={"values": columns}, cells={"values": cells, "fill_color": [colors] * len(columns)}))
    contradicted = int((evidence["verdict"] == "contradicted").sum())
    takeaway = f"{len(evidence)} interview claims tested against the data; {contradicted} contradicted."
    return theme.finish(fig, title, takeaway=takeaway)
