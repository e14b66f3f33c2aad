"""Figures for the survey analysis, each drawn from the frame one :mod:`toolkit.survey` function returns.

- :func:`score_by_segment` — scores with interval bars per segment (``compare_segments``);
  small samples hollow and grey, labelled with their n.
- :func:`score_trend` — score per period with its labelled interval band (``survey_trend``);
  statistically supported changes marked.
- :func:`driver_forest` — odds ratios with intervals on a log axis (``satisfaction_drivers``).
- :func:`theme_bars` — share of unfavourable vs favourable comments per theme (``comment_themes``).
- :func:`response_rate_bars` — response rate per segment with intervals (``response_rates``).
- :func:`nonresponse_bars` — respondents vs non-respondents per ticket attribute (``nonresponse_bias``).
- :func:`survey_timing_bars` — response rate and CSAT per survey delay or channel (``survey_timing``).

Survey frames hold CSAT, CES shares and rates as fractions (0-1) and NPS in points
(``docs/vocabulary.md``); axes show fractions as percentages through plotly's ``tickformat``,
never by rescaling the data. Styling comes from :mod:`toolkit.plots.theme`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from toolkit import formatting as fmt
from toolkit.errors import ConfigError
from toolkit.plots import periods, theme
from toolkit.plots.theme import FAVOURABLE, NEUTRAL, PALETTE, REFERENCE, SMALL, UNFAVOURABLE, readable

MEASURE_TITLES = {"nps": "NPS (−100 to +100)", "csat": "CSAT (% satisfied)", "ces": "CES (% agreeing)"}
PERCENT_AXIS = {"tickformat": ".0%"}
"""Axis settings for fractions (0-1): ticks read 0%-100%."""


def _require(frame: pd.DataFrame, columns: list[str], function: str) -> None:
    if not isinstance(frame, pd.DataFrame):
        raise ConfigError(f"{function} needs a DataFrame, got {type(frame).__name__}", key="frame",
                          fix="pass the frame the matching toolkit.survey function returns")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ConfigError(f"{function} needs columns {', '.join(missing)}", key="frame",
                          fix="pass the frame the matching toolkit.survey function returns")


def _hover_format(survey: str | None) -> str:
    """The d3 format of a score in hover text: a percentage for CSAT/CES shares, one decimal otherwise."""
    return ".1%" if survey in ("csat", "ces") else ".1f"


def score_by_segment(frame: pd.DataFrame, segment: str | None = None, *, title: str | None = None) -> go.Figure:
    """Horizontal dot plot of each segment's score with its 95% interval; small samples hollow and grey.

    ``frame`` is :func:`toolkit.survey.compare_segments` output (or any frame with
    ``score``, ``low``, ``high``, ``n`` and optionally ``small_sample``, ``rest_score``,
    ``direction``); ``segment`` defaults to its first column. Segments significantly above
    (blue, triangle up) or below (vermillion, triangle down) the rest stand out by colour and shape.
    """
    _require(frame, ["score", "low", "high", "n"], "score_by_segment")
    segment = segment or frame.columns[0]
    data = frame.iloc[::-1]
    small = data["small_sample"] if "small_sample" in data.columns else pd.Series(False, index=data.index)
    direction = data["direction"] if "direction" in data.columns else pd.Series("", index=data.index)
    colour = np.where(small, SMALL, np.where(direction.eq("above"), FAVOURABLE,
                                             np.where(direction.eq("below"), UNFAVOURABLE, NEUTRAL)))
    symbol = np.where(small, "circle-open", np.where(direction.eq("above"), "triangle-up",
                                                     np.where(direction.eq("below"), "triangle-down", "circle")))
    labels = [f"{s} (n={fmt.count(n)}{', too few' if sm else ''})" for s, n, sm in zip(data[segment], data["n"], small,
                                                                                       strict=True)]
    survey = frame.attrs.get("survey")
    value = _hover_format(survey)
    fig = go.Figure(go.Scatter(
        x=data["score"], y=labels, mode="markers", marker={"color": colour, "size": 11, "symbol": symbol},
        error_x={"type": "data", "symmetric": False, "array": data["high"] - data["score"],
                 "arrayminus": data["score"] - data["low"], "color": REFERENCE},
        customdata=np.stack([data["low"], data["high"]], axis=1),
        hovertemplate=f"%{{y}}<br>score %{{x:{value}}} (95% CI %{{customdata[0]:{value}}} to "
                      f"%{{customdata[1]:{value}}})<extra></extra>",
        showlegend=False))
    fig.update_xaxes(title=MEASURE_TITLES.get(survey, "score"))
    if survey == "nps":
        fig.update_xaxes(range=[-100, 100])
    elif survey in ("csat", "ces"):
        fig.update_xaxes(**PERCENT_AXIS)
    measured = frame[~frame.get("small_sample", pd.Series(False, index=frame.index)).astype(bool)]
    if len(measured) > 1:
        top, low = measured.loc[measured["score"].idxmax()], measured.loc[measured["score"].idxmin()]
        takeaway = (f"Highest: {top[segment]} ({fmt.score(top['score'], survey)}); lowest: {low[segment]} "
                    f"({fmt.score(low['score'], survey)}).")
    else:
        takeaway = "Too few segments with enough answers to compare."
    below = measured[measured.get("direction", pd.Series("", index=measured.index)).eq("below")]
    if len(below):
        takeaway += f" Significantly below the rest: {', '.join(map(str, below[segment]))}."
    return theme.finish(fig, title, takeaway=takeaway, height=max(250, 40 * len(data) + 110), note=theme.WHISKERS)


def score_trend(frame: pd.DataFrame, *, segment: str | None = None, span: tuple | None = None,
                title: str | None = None) -> go.Figure:
    """Line of the score per period with its 95% interval as a labelled band; supported changes marked.

    ``frame`` is :func:`toolkit.survey.survey_trend` output (``period``, ``score``,
    ``low``, ``high``, optional ``change_significant``/``direction``). With ``segment``
    (the trend's ``by`` column) one line per segment. Periods the data's ``span`` (first
    and last day) covers only in part are left out, and the takeaway names them.
    """
    _require(frame, ["period", "score", "low", "high"], "score_trend")
    keep, dropped = periods.choose(frame["period"], span)
    kept = frame[keep.to_numpy()]
    fig = go.Figure()
    survey = frame.attrs.get("survey")
    value = _hover_format(survey)
    groups = [(None, kept)] if segment is None else list(kept.groupby(segment, sort=True))
    for i, (name, data) in enumerate(groups):
        colour = PALETTE[i % len(PALETTE)]
        label = readable(frame.attrs.get("survey", "score")) if name is None else str(name)
        fig.add_trace(go.Scatter(x=data["period"], y=data["high"], mode="lines", line={"width": 0},
                                 showlegend=False, hoverinfo="skip", legendgroup=f"{label} band"))
        fig.add_trace(go.Scatter(x=data["period"], y=data["low"], mode="lines", line={"width": 0}, fill="tonexty",
                                 fillcolor=theme.band_colour(colour), hoverinfo="skip", legendgroup=f"{label} band",
                                 name=theme.INTERVAL if name is None else f"{label}: {theme.INTERVAL}",
                                 showlegend=i == 0))
        fig.add_trace(go.Scatter(x=data["period"], y=data["score"], mode="lines+markers", name=label,
                                 line={"color": colour}, legendgroup=label, customdata=data.get("n"),
                                 hovertemplate=f"%{{x|%d %b %Y}}: %{{y:{value}}} (n=%{{customdata:,}})"
                                               "<extra></extra>"))
        if "change_significant" in data.columns and data["change_significant"].fillna(False).any():
            marked = data[data["change_significant"].fillna(False).astype(bool)]
            fig.add_trace(go.Scatter(x=marked["period"], y=marked["score"], mode="markers", legendgroup=label,
                                     marker={"symbol": np.where(marked["direction"].eq("up"), "triangle-up",
                                                                "triangle-down"), "size": 14, "color": colour,
                                             "line": {"width": 1, "color": theme.TEXT}},
                                     name=f"{label}: significant change", showlegend=True))
    fig.update_yaxes(title=MEASURE_TITLES.get(survey, "score"), **(PERCENT_AXIS if survey in ("csat", "ces") else {}))
    freq = periods.period_length(frame["period"]) or "day"
    theme.period_ticks(fig, kept["period"], freq)
    series = kept.groupby("period", sort=True)["score"].mean().dropna() if segment else \
        kept.set_index("period")["score"].dropna()
    if len(series) >= 2:
        takeaway = (f"{readable(survey or 'score')} went from {fmt.score(series.iloc[0], survey)} in "
                    f"{fmt.period(series.index[0], freq)} to {fmt.score(series.iloc[-1], survey)} in "
                    f"{fmt.period(series.index[-1], freq)}.")
    else:
        takeaway = "Too few complete periods to show a trend."
    return theme.finish(fig, title, takeaway=takeaway + dropped, x_title=freq)


def driver_forest(frame: pd.DataFrame, *, title: str | None = None) -> go.Figure:
    """Forest plot of odds ratios with 95% intervals on a log axis, a reference line at 1.

    ``frame`` is :func:`toolkit.survey.satisfaction_drivers` output (``label``,
    ``odds_ratio``, ``low``, ``high``, ``significant``, optional ``unit``). Significant
    drivers of dissatisfaction are vermillion triangles, protective ones blue, the rest grey.
    """
    _require(frame, ["label", "odds_ratio", "low", "high"], "driver_forest")
    data = frame.iloc[::-1]
    significant = data["significant"] if "significant" in data.columns else pd.Series(True, index=data.index)
    harmful, protective = (significant & (data["odds_ratio"] > 1)), (significant & (data["odds_ratio"] <= 1))
    colour = np.where(harmful, UNFAVOURABLE, np.where(protective, FAVOURABLE, SMALL))
    symbol = np.where(harmful, "triangle-right", np.where(protective, "triangle-left", "circle"))
    units = data["unit"] if "unit" in data.columns else pd.Series("", index=data.index)
    labels = [f"{lab} [{u}]" if u and k in ("count", "time") else lab
              for lab, u, k in zip(data["label"], units, data.get("kind", units), strict=True)]
    fig = go.Figure(go.Scatter(
        x=data["odds_ratio"], y=labels, mode="markers", marker={"color": colour, "size": 11, "symbol": symbol},
        error_x={"type": "data", "symmetric": False, "array": data["high"] - data["odds_ratio"],
                 "arrayminus": data["odds_ratio"] - data["low"], "color": REFERENCE},
        customdata=np.stack([data["low"], data["high"]], axis=1),
        hovertemplate="%{y}<br>odds ratio %{x:.2f} (95% CI %{customdata[0]:.2f} to %{customdata[1]:.2f})"
                      "<extra></extra>", showlegend=False))
    fig.add_vline(x=1, line_dash="dash", line_color=REFERENCE, annotation_text="no effect",
                  annotation_font_color=theme.MUTED)
    outcome = frame.attrs.get("outcome", "an unfavourable rating")
    ticks = [t for t in (0.1, 0.2, 0.25, 0.5, 1, 2, 4, 5, 10, 20, 50)
             if data["low"].min() / 1.5 <= t <= data["high"].max() * 1.5]
    fig.update_xaxes(type="log", title=f"odds ratio of {outcome} (log scale)",
                     tickvals=ticks, ticktext=[f"{t:g}" for t in ticks])
    worst = frame[(frame["significant"] if "significant" in frame.columns else True) & (frame["odds_ratio"] > 1)]
    if len(worst):
        top = worst.loc[worst["odds_ratio"].idxmax()]
        takeaway = (f"Strongest driver of {outcome}: {top['label']} (odds ratio {fmt.ratio(top['odds_ratio'])}, "
                    f"95% CI {fmt.interval(top['low'], top['high'], 'ratio')}).")
    else:
        takeaway = f"No ticket attribute clearly raises the odds of {outcome}."
    return theme.finish(fig, title, takeaway=takeaway, height=max(250, 36 * len(data) + 120), note=theme.WHISKERS)


def theme_bars(frame: pd.DataFrame, *, title: str | None = None) -> go.Figure:
    """Grouped horizontal bars: share of each side's comments per theme (``comment_themes`` output)."""
    _require(frame, ["label", "unfavourable_share", "favourable_share"], "theme_bars")
    names = frame.attrs.get("groups", ("unfavourable", "favourable"))
    data = frame.iloc[::-1]
    labels = [f"{lab} ★" if lean else lab for lab, lean in zip(data["label"], data.get("leans", [""] * len(data)),
                                                              strict=True)]
    fig = go.Figure([
        go.Bar(y=labels, x=data["unfavourable_share"], orientation="h", name=names[0], marker_color=UNFAVOURABLE,
               marker_pattern_shape="/", hovertemplate="%{y}: %{x:.0%}<extra>" + names[0] + "</extra>"),
        go.Bar(y=labels, x=data["favourable_share"], orientation="h", name=names[1], marker_color=FAVOURABLE,
               hovertemplate="%{y}: %{x:.0%}<extra>" + names[1] + "</extra>"),
    ])
    fig.update_layout(barmode="group")
    fig.update_xaxes(title="% of that group's comments (★ = significant difference)", **PERCENT_AXIS)
    gap = (frame["unfavourable_share"] - frame["favourable_share"])
    if len(frame):
        top = frame.loc[gap.idxmax()]
        takeaway = (f"“{top['label']}” sets {names[0]} apart most: {fmt.percent(top['unfavourable_share'])} "
                    f"of their comments vs {fmt.percent(top['favourable_share'])} of {names[1]}'.")
    else:
        takeaway = "No comment themes."
    return theme.finish(fig, title, takeaway=takeaway, height=max(250, 50 * len(data) + 120))


def response_rate_bars(frame: pd.DataFrame, segment: str | None = None, *, title: str | None = None) -> go.Figure:
    """Bars of the response rate per segment with 95% Wilson intervals (``response_rates`` output).

    Segments with too few invitations are not drawn as bars: the chart says "not measurable".
    """
    _require(frame, ["response_rate", "low", "high", "invited"], "response_rate_bars")
    segment = segment or frame.columns[0]
    small = (frame["small_sample"] if "small_sample" in frame.columns else
             pd.Series(False, index=frame.index)).fillna(False).to_numpy(dtype=bool)
    labels = [readable(s) for s in frame[segment].astype("str")]
    rate = frame["response_rate"].astype("float64").mask(small)
    fig = go.Figure(go.Bar(
        x=labels, y=rate, marker_color=NEUTRAL,
        error_y={"type": "data", "symmetric": False, "array": frame["high"] - rate, "arrayminus": rate - frame["low"],
                 "color": REFERENCE},
        customdata=np.stack([frame["invited"], frame.get("responded", frame["invited"])], axis=1),
        hovertemplate="%{x}: %{y:.1%} (%{customdata[1]:,} of %{customdata[0]:,})<extra></extra>"))
    for label, is_small in zip(labels, small, strict=True):
        if is_small:
            fig.add_annotation(x=label, y=0, yanchor="bottom", text="not measurable", showarrow=False,
                               font={"size": 11, "color": theme.MUTED})
    fig.update_yaxes(title="response rate (%)", rangemode="tozero", **PERCENT_AXIS)
    shown = [f"{lab} {fmt.percent(r)}" for lab, r in zip(labels, rate, strict=True) if pd.notna(r)]
    takeaway = ("Response rates: " + ", ".join(shown) + "." if shown else "Too few invitations to measure.")
    return theme.finish(fig, title, takeaway=takeaway, showlegend=False, note=theme.WHISKERS)


def survey_timing_bars(frame: pd.DataFrame, segment: str = "delay_band", *, title: str | None = None) -> go.Figure:
    """Response rate and CSAT side by side per delay band (or survey channel), each with its Wilson interval
    (``survey_timing`` output). Groups with too few answers show the response rate only."""
    _require(frame, [segment, "response_rate", "response_low", "response_high", "score", "low", "high"],
             "survey_timing_bars")
    small = frame["small_sample"].fillna(False).to_numpy(dtype=bool) if "small_sample" in frame.columns else \
        np.zeros(len(frame), dtype=bool)
    labels = [str(v) for v in frame[segment]]
    rate, score = frame["response_rate"].astype("float64"), frame["score"].astype("float64").mask(small)

    def whiskers(value, low, high):
        return {"type": "data", "symmetric": False, "array": high - value, "arrayminus": value - low,
                "color": REFERENCE}

    fig = go.Figure([
        go.Bar(x=labels, y=rate, name="Response rate", marker_color=NEUTRAL,
               error_y=whiskers(rate, frame["response_low"], frame["response_high"]),
               hovertemplate="%{x}: %{y:.1%} answered<extra></extra>"),
        go.Bar(x=labels, y=score, name="CSAT (% satisfied)", marker_color=FAVOURABLE,
               error_y=whiskers(score, frame["low"], frame["high"]),
               hovertemplate="%{x}: %{y:.1%} satisfied<extra></extra>"),
    ])
    fig.update_layout(barmode="group")
    fig.update_yaxes(title="% of invitations / answers", rangemode="tozero", **PERCENT_AXIS)
    shown = [f"{lab}: {fmt.percent(r)} answered, {fmt.percent(c)} satisfied"
             for lab, r, c in zip(labels, rate, score, strict=True) if pd.notna(c)]
    takeaway = "; ".join(shown) + "." if shown else "Too few answers to compare."
    return theme.finish(fig, title, takeaway=takeaway, note=theme.WHISKERS)


def nonresponse_bars(frame: pd.DataFrame, *, title: str | None = None) -> go.Figure:
    """Respondents vs non-respondents on the share and category attributes (``nonresponse_bias`` output).

    Medians have different units, so only ``share`` and ``category`` rows (fractions 0-1,
    shown as percentages) are drawn; significant differences are starred.
    """
    _require(frame, ["attribute", "measure", "respondents", "nonrespondents"], "nonresponse_bars")
    data = frame[frame["measure"].isin(["share", "category"])]
    names = data["label"] if "label" in data.columns else data["attribute"].map(readable)
    labels = [f"{a}{' ' + d if d else ''}{' ★' if s else ''}" for a, d, s in
              zip(names, data.get("detail", [""] * len(data)),
                  data.get("significant", [False] * len(data)), strict=True)]
    fig = go.Figure([
        go.Bar(x=labels, y=data["respondents"], name="Respondents", marker_color=FAVOURABLE),
        go.Bar(x=labels, y=data["nonrespondents"], name="Non-respondents", marker_color=SMALL,
               marker_pattern_shape="/"),
    ])
    fig.update_layout(barmode="group")
    fig.update_yaxes(title="% of tickets (★ = significant difference)", **PERCENT_AXIS)
    gap = (data["respondents"] - data["nonrespondents"]).abs()
    if len(data):
        i = gap.idxmax()
        takeaway = (f"Largest difference: {labels[data.index.get_loc(i)].rstrip(' ★')}, "
                    f"{fmt.percent(data.loc[i, 'respondents'])} of respondents' tickets vs "
                    f"{fmt.percent(data.loc[i, 'nonrespondents'])} of non-respondents'.")
    else:
        takeaway = "No attribute to compare."
    return theme.finish(fig, title, takeaway=takeaway)

