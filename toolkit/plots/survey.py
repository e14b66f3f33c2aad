"""Figures for the survey analysis, each drawn from the frame one :mod:`toolkit.survey` function returns.

- :func:`score_by_segment` — scores with interval bars per segment (``compare_segments``);
  small samples hollow and grey, labelled with their n.
- :func:`score_trend` — score per period with its interval band (``survey_trend``);
  statistically supported changes marked.
- :func:`driver_forest` — odds ratios with intervals on a log axis (``satisfaction_drivers``).
- :func:`theme_bars` — share of unfavourable vs favourable comments per theme (``comment_themes``).
- :func:`response_rate_bars` — response rate per segment with intervals (``response_rates``).
- :func:`nonresponse_bars` — respondents vs non-respondents per ticket attribute (``nonresponse_bias``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from toolkit.errors import ConfigError

FAVOURABLE_COLOUR = "#2a9d8f"
UNFAVOURABLE_COLOUR = "#e76f51"
NEUTRAL_COLOUR = "#264653"
SMALL_COLOUR = "#9aa5ab"
MEASURE_TITLES = {"nps": "NPS (-100 to 100)", "csat": "CSAT (% satisfied)", "ces": "CES (% agreeing)"}


def _require(frame: pd.DataFrame, columns: list[str], function: str) -> None:
    if not isinstance(frame, pd.DataFrame):
        raise ConfigError(f"{function} needs a DataFrame, got {type(frame).__name__}", key="frame",
                          fix="pass the frame the matching toolkit.survey function returns")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ConfigError(f"{function} needs columns {', '.join(missing)}", key="frame",
                          fix="pass the frame the matching toolkit.survey function returns")


def _layout(fig: go.Figure, title: str | None, height: int | None = None) -> go.Figure:
    fig.update_layout(title=title, template="plotly_white", margin={"l": 10, "r": 10, "t": 50 if title else 20,
                                                                   "b": 10}, height=height, legend_title_text="")
    return fig


def score_by_segment(frame: pd.DataFrame, segment: str | None = None, *, title: str | None = None) -> go.Figure:
    """Horizontal dot plot of each segment's score with its interval; small samples hollow and grey.

    ``frame`` is :func:`toolkit.survey.compare_segments` output (or any frame with
    ``score``, ``low``, ``high``, ``n`` and optionally ``small_sample``, ``rest_score``,
    ``direction``); ``segment`` defaults to its first column. Significantly above/below
    segments are coloured; the rest's overall score is a dashed line when present.
    """
    _require(frame, ["score", "low", "high", "n"], "score_by_segment")
    segment = segment or frame.columns[0]
    data = frame.iloc[::-1]
    small = data["small_sample"] if "small_sample" in data.columns else pd.Series(False, index=data.index)
    direction = data["direction"] if "direction" in data.columns else pd.Series("", index=data.index)
    colour = np.where(small, SMALL_COLOUR, np.where(direction.eq("above"), FAVOURABLE_COLOUR,
                                                    np.where(direction.eq("below"), UNFAVOURABLE_COLOUR,
                                                             NEUTRAL_COLOUR)))
    labels = [f"{s} (n={n}{', too few' if sm else ''})" for s, n, sm in zip(data[segment], data["n"], small,
                                                                               strict=True)]
    fig = go.Figure(go.Scatter(
        x=data["score"], y=labels, mode="markers",
        marker={"color": colour, "size": 10, "symbol": np.where(small, "circle-open", "circle")},
        error_x={"type": "data", "symmetric": False, "array": data["high"] - data["score"],
                 "arrayminus": data["score"] - data["low"], "color": "#7f8c8d"},
        customdata=np.stack([data["low"], data["high"]], axis=1),
        hovertemplate="%{y}<br>score %{x:.1f} (%{customdata[0]:.1f} to %{customdata[1]:.1f})<extra></extra>",
        showlegend=False))
    survey = frame.attrs.get("survey")
    fig.update_xaxes(title=MEASURE_TITLES.get(survey, "score"))
    if survey == "nps":
        fig.update_xaxes(range=[-100, 100])
    return _layout(fig, title, height=max(250, 40 * len(data) + 80))


def score_trend(frame: pd.DataFrame, *, segment: str | None = None, title: str | None = None) -> go.Figure:
    """Line of the score per period with its interval as a shaded band; supported changes marked.

    ``frame`` is :func:`toolkit.survey.survey_trend` output (``period``, ``score``,
    ``low``, ``high``, optional ``change_significant``/``direction``). With ``segment``
    (the trend's ``by`` column) one line per segment.
    """
    _require(frame, ["period", "score", "low", "high"], "score_trend")
    fig = go.Figure()
    groups = [(None, frame)] if segment is None else list(frame.groupby(segment, sort=True))
    palette = ["#264653", "#2a9d8f", "#e9c46a", "#f4a261", "#e76f51", "#6d597a", "#355070", "#b56576"]
    for i, (name, data) in enumerate(groups):
        colour = palette[i % len(palette)]
        label = "score" if name is None else str(name)
        fig.add_trace(go.Scatter(x=data["period"], y=data["high"], mode="lines", line={"width": 0},
                                 showlegend=False, hoverinfo="skip", legendgroup=label))
        fig.add_trace(go.Scatter(x=data["period"], y=data["low"], mode="lines", line={"width": 0}, fill="tonexty",
                                 fillcolor=_transparent(colour), showlegend=False, hoverinfo="skip",
                                 legendgroup=label))
        fig.add_trace(go.Scatter(x=data["period"], y=data["score"], mode="lines+markers", name=label,
                                 line={"color": colour}, legendgroup=label, customdata=data.get("n"),
                                 hovertemplate="%{x|%Y-%m-%d}: %{y:.1f} (n=%{customdata})<extra></extra>"))
        if "change_significant" in data.columns and data["change_significant"].any():
            marked = data[data["change_significant"]]
            fig.add_trace(go.Scatter(x=marked["period"], y=marked["score"], mode="markers", legendgroup=label,
                                     marker={"symbol": np.where(marked["direction"].eq("up"), "triangle-up",
                                                                "triangle-down"), "size": 14, "color": colour,
                                             "line": {"width": 1, "color": "black"}},
                                     name=f"{label}: significant change", showlegend=True))
    fig.update_yaxes(title=MEASURE_TITLES.get(frame.attrs.get("survey"), "score"))
    return _layout(fig, title)


def _transparent(colour: str, alpha: float = 0.18) -> str:
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def driver_forest(frame: pd.DataFrame, *, title: str | None = None) -> go.Figure:
    """Forest plot of odds ratios with intervals on a log axis, a reference line at 1.

    ``frame`` is :func:`toolkit.survey.satisfaction_drivers` output (``label``,
    ``odds_ratio``, ``low``, ``high``, ``significant``, optional ``unit``).
    """
    _require(frame, ["label", "odds_ratio", "low", "high"], "driver_forest")
    data = frame.iloc[::-1]
    significant = data["significant"] if "significant" in data.columns else pd.Series(True, index=data.index)
    colour = np.where(~significant, SMALL_COLOUR, np.where(data["odds_ratio"] > 1, UNFAVOURABLE_COLOUR,
                                                           FAVOURABLE_COLOUR))
    units = data["unit"] if "unit" in data.columns else pd.Series("", index=data.index)
    labels = [f"{lab} [{u}]" if u and k in ("count", "time") else lab
              for lab, u, k in zip(data["label"], units, data.get("kind", units), strict=True)]
    fig = go.Figure(go.Scatter(
        x=data["odds_ratio"], y=labels, mode="markers", marker={"color": colour, "size": 10},
        error_x={"type": "data", "symmetric": False, "array": data["high"] - data["odds_ratio"],
                 "arrayminus": data["odds_ratio"] - data["low"], "color": "#7f8c8d"},
        customdata=np.stack([data["low"], data["high"]], axis=1),
        hovertemplate="%{y}<br>odds ratio %{x:.2f} (%{customdata[0]:.2f} to %{customdata[1]:.2f})<extra></extra>",
        showlegend=False))
    fig.add_vline(x=1, line_dash="dash", line_color="#7f8c8d")
    outcome = frame.attrs.get("outcome", "an unfavourable rating")
    ticks = [t for t in (0.1, 0.2, 0.25, 0.5, 1, 2, 4, 5, 10, 20, 50)
             if data["low"].min() / 1.5 <= t <= data["high"].max() * 1.5]
    fig.update_xaxes(type="log", title=f"odds ratio of {outcome} (log scale)", tickvals=ticks,
                     ticktext=[f"{t:g}" for t in ticks])
    return _layout(fig, title, height=max(250, 36 * len(data) + 100))


def theme_bars(frame: pd.DataFrame, *, title: str | None = None) -> go.Figure:
    """Grouped horizontal bars: share of each side's comments per theme (``comment_themes`` output)."""
    _require(frame, ["label", "share_unfavourable", "share_favourable"], "theme_bars")
    names = frame.attrs.get("groups", ("unfavourable", "favourable"))
    data = frame.iloc[::-1]
    labels = [f"{lab} ★" if lean else lab for lab, lean in zip(data["label"], data.get("leans", [""] * len(data)),
                                                              strict=True)]
    fig = go.Figure([
        go.Bar(y=labels, x=data["share_unfavourable"], orientation="h", name=names[0],
               marker_color=UNFAVOURABLE_COLOUR, hovertemplate="%{y}: %{x:.0f}%<extra>" + names[0] + "</extra>"),
        go.Bar(y=labels, x=data["share_favourable"], orientation="h", name=names[1],
               marker_color=FAVOURABLE_COLOUR, hovertemplate="%{y}: %{x:.0f}%<extra>" + names[1] + "</extra>"),
    ])
    fig.update_layout(barmode="group")
    fig.update_xaxes(title="% of that group's comments (★ = significant difference)")
    return _layout(fig, title, height=max(250, 50 * len(data) + 100))


def response_rate_bars(frame: pd.DataFrame, segment: str | None = None, *, title: str | None = None) -> go.Figure:
    """Bars of the response rate per segment with Wilson intervals (``response_rates`` output)."""
    _require(frame, ["rate", "low", "high", "invited"], "response_rate_bars")
    segment = segment or frame.columns[0]
    small = frame["small_sample"] if "small_sample" in frame.columns else pd.Series(False, index=frame.index)
    fig = go.Figure(go.Bar(
        x=frame[segment].astype("str"), y=frame["rate"], marker_color=np.where(small, SMALL_COLOUR, NEUTRAL_COLOUR),
        error_y={"type": "data", "symmetric": False, "array": frame["high"] - frame["rate"],
                 "arrayminus": frame["rate"] - frame["low"]},
        customdata=np.stack([frame["invited"], frame.get("responded", frame["invited"])], axis=1),
        hovertemplate="%{x}: %{y:.1f}% (%{customdata[1]} of %{customdata[0]})<extra></extra>"))
    fig.update_yaxes(title="response rate (%)", rangemode="tozero")
    return _layout(fig, title)


def nonresponse_bars(frame: pd.DataFrame, *, title: str | None = None) -> go.Figure:
    """Respondents vs non-respondents on the share and category attributes (``nonresponse_bias`` output).

    Medians have different units, so only ``share`` and ``category`` rows (percentages)
    are drawn; significant differences are starred.
    """
    _require(frame, ["attribute", "measure", "respondents", "nonrespondents"], "nonresponse_bars")
    data = frame[frame["measure"].isin(["share", "category"])]
    names = data["label"] if "label" in data.columns else data["attribute"]
    labels = [f"{a}{' ' + d if d else ''}{' ★' if s else ''}" for a, d, s in
              zip(names, data.get("detail", [""] * len(data)),
                  data.get("significant", [False] * len(data)), strict=True)]
    fig = go.Figure([
        go.Bar(x=labels, y=data["respondents"], name="respondents", marker_color=FAVOURABLE_COLOUR),
        go.Bar(x=labels, y=data["nonrespondents"], name="non-respondents", marker_color=SMALL_COLOUR),
    ])
    fig.update_layout(barmode="group")
    fig.update_yaxes(title="% of tickets (★ = significant difference)")
    return _layout(fig, title)
