"""Figures for ticket operations, each drawn from the frame one :mod:`toolkit.ops` function returns.

- :func:`volume_lines` — created, solved and open-at-period-end per period (``volume``).
- :func:`weekday_hour_heatmap` — tickets per weekday x hour (``weekday_hour``).
- :func:`month_of_year_bars` — tickets per day by calendar month (``month_of_year``).
- :func:`period_effects_forest` — end-of-quarter / year-end rate ratios with intervals (``period_effects``).
- :func:`response_time_bars` — median, p75, p90 of first reply and resolution (``response_times``).
- :func:`sla_attainment_bars` — share of first replies within target (``sla_attainment``).
- :func:`reply_distribution_bars` — tickets by number of replies (``reply_distribution``).
- :func:`conversation_quality_bars` — one-touch, FCR, long conversations, reopens (``conversation_summary``).
- :func:`too_quick_bars` — how often fast solves come back vs the rest (``too_quick``).
- :func:`incomplete_conversations_bars` — customers who left, by channel, with intervals
  (``incomplete_conversations``).
- :func:`hedging_bars` — hedged share of replies per agent or team (``hedging_summary``).
- :func:`hedging_association_forest` — hedged vs certain first replies, differences (``hedging_association``).
- :func:`spike_timeline` — new tickets a day, spikes marked with the change before them (``volume``,
  ``volume_spikes``).
- :func:`workload_lorenz` — cumulative share of tickets by agent (``agent_workload``).
- :func:`watermelon_quadrant` — ops score against experience score, watermelons marked (``watermelon``).
- :func:`kiwi_watermelon_trend` — an ops metric and CSAT over time, as two panels (``ops_experience_over_time``).

Rates stay fractions (0-1) and are formatted as percentages by the axes. Rates of segments
too small to measure (``small_sample``) are not drawn as bars: the chart says "not
measurable" there. Hover text from tickets is HTML-escaped. Styling comes from
:mod:`toolkit.plots.theme`.
"""

from __future__ import annotations

import html

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from toolkit import formatting as fmt
from toolkit.errors import ConfigError
from toolkit.plots import periods, theme
from toolkit.plots.theme import FAVOURABLE, HIGHLIGHT, NEUTRAL, PALETTE, REFERENCE, SMALL, UNFAVOURABLE, readable


def _require(frame: pd.DataFrame, columns: list[str], function: str, source: str) -> None:
    if not isinstance(frame, pd.DataFrame):
        raise ConfigError(f"{function} needs a DataFrame, got {type(frame).__name__}", key="frame",
                          fix=f"pass the frame toolkit.ops.{source} returns")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ConfigError(f"{function} needs columns {', '.join(missing)}", key="frame",
                          fix=f"pass the frame toolkit.ops.{source} returns")


def _escape(text: str) -> str:
    """Hover labels are rendered as HTML: ticket text must not bring tags along."""
    return html.escape(str(text), quote=False)


def _small(frame: pd.DataFrame) -> np.ndarray:
    return frame["small_sample"].fillna(False).to_numpy(dtype=bool) if "small_sample" in frame.columns else \
        np.zeros(len(frame), dtype=bool)


def _segments(frame: pd.DataFrame) -> list[str]:
    return list(dict.fromkeys(frame["segment"].astype("str"))) if "segment" in frame.columns else ["all"]


def _segment_names(values: pd.Series) -> list[str]:
    return [readable(v) for v in values.astype("str")]


def _measured(values: pd.Series, small: np.ndarray) -> pd.Series:
    """The values to draw: a small sample's rate is not a number to read, so it is left blank."""
    return values.astype("float64").mask(small)


def _not_measurable(fig: go.Figure, labels: list[str], small: np.ndarray, *, horizontal: bool = False) -> None:
    """Write "not measurable" where a small sample's bar would stand (a bar at 0% would read as a result)."""
    for label, is_small in zip(labels, small, strict=True):
        if is_small:
            position = {"y": label, "x": 0, "xanchor": "left"} if horizontal else {"x": label, "y": 0,
                                                                                  "yanchor": "bottom"}
            fig.add_annotation(**position, text="not measurable", showarrow=False,
                               font={"size": 11, "color": theme.MUTED})


def _extremes(labels: list[str], values: pd.Series, show) -> tuple[str, str] | None:
    """("label (value)" of the highest, of the lowest) among drawn values, or None when nothing is drawn."""
    values = pd.Series(values.to_numpy(dtype="float64"), index=labels).dropna()
    if values.empty:
        return None
    return f"{values.idxmax()} ({show(values.max())})", f"{values.idxmin()} ({show(values.min())})"


def volume_lines(frame: pd.DataFrame, *, span: tuple | None = None,
                 title: str | None = "Tickets created, solved and open") -> go.Figure:
    """Lines per period: created and solved, and the backlog open at period end (dashed); one colour per segment.

    Periods the data's ``span`` (first day, last day) covers only in part are left out and named in the takeaway.
    """
    _require(frame, ["period", "created", "solved", "open_at_period_end"], "volume_lines", "volume")
    keep, dropped = periods.choose(frame["period"], span)
    data = frame[keep.to_numpy()]
    fig = go.Figure()
    styles = {"created": "solid", "solved": "dot", "open_at_period_end": "dash"}
    names = {"created": "Created", "solved": "Solved", "open_at_period_end": "Open at period end"}
    for i, segment in enumerate(_segments(data)):
        part = data[data["segment"].astype("str") == segment] if "segment" in data.columns else data
        colour = PALETTE[i % len(PALETTE)]
        for column, dash in styles.items():
            label = names[column] if segment == "all" else f"{readable(segment)}: {names[column].lower()}"
            fig.add_trace(go.Scatter(x=part["period"], y=part[column], mode="lines+markers", name=label,
                                     line={"color": colour, "dash": dash}))
    freq = periods.period_length(frame["period"]) or "day"
    theme.period_ticks(fig, data["period"], freq)
    totals = data.groupby("period", sort=True)["created"].sum()
    if len(totals):
        takeaway = (f"Tickets created per {freq} ranged from {fmt.count(totals.min())} "
                    f"({fmt.period(totals.idxmin(), freq)}) to {fmt.count(totals.max())} "
                    f"({fmt.period(totals.idxmax(), freq)}).")
    else:
        takeaway = "No complete period to show."
    return theme.finish(fig, title, takeaway=takeaway + dropped, y_title="tickets", x_title=freq)


def weekday_hour_heatmap(frame: pd.DataFrame, *, value: str = "tickets_per_week",
                         title: str | None = "When tickets arrive (local time)") -> go.Figure:
    """Heatmap of ``value`` (default tickets per week) by weekday (rows) and hour (columns); all segments summed."""
    _require(frame, ["weekday", "weekday_name", "hour", value], "weekday_hour_heatmap", "weekday_hour")
    grid = frame.groupby(["weekday", "weekday_name", "hour"], sort=True)[value].sum().reset_index()
    table = grid.pivot(index=["weekday", "weekday_name"], columns="hour", values=value).sort_index()
    unit = readable(value).lower()
    fig = go.Figure(go.Heatmap(z=table.to_numpy(), x=[f"{h:02d}:00" for h in table.columns],
                               y=table.index.get_level_values("weekday_name"), colorbar={"title": unit},
                               hovertemplate="%{y} %{x}: %{z:.1f} " + unit + "<extra></extra>"))
    fig.update_yaxes(autorange="reversed")
    if len(grid):
        peak = grid.loc[grid[value].idxmax()]
        takeaway = (f"Tickets peak on {peak['weekday_name']} at {int(peak['hour']):02d}:00 "
                    f"({fmt.number(peak[value], 1)} {unit}).")
    else:
        takeaway = "No tickets to place in the week."
    return theme.finish(fig, title, takeaway=takeaway, x_title="hour of day (local time)")


def month_of_year_bars(frame: pd.DataFrame, *, title: str | None = "Tickets per day by month") -> go.Figure:
    """Bars of tickets per day for each calendar month (months without data left out); one colour per segment."""
    _require(frame, ["month", "month_name", "tickets_per_day"], "month_of_year_bars", "month_of_year")
    fig = go.Figure()
    segments = _segments(frame)
    for i, segment in enumerate(segments):
        part = frame[frame["segment"].astype("str") == segment] if "segment" in frame.columns else frame
        part = part[part["tickets_per_day"].notna()]
        fig.add_trace(go.Bar(x=part["month_name"], y=part["tickets_per_day"], name=readable(segment),
                             marker_color=PALETTE[i % len(PALETTE)],
                             hovertemplate="%{x}: %{y:.1f} tickets per day<extra></extra>"))
    totals = frame.groupby("month_name", sort=False)["tickets_per_day"].sum(min_count=1).dropna()
    takeaway = (f"{totals.idxmax()} is the busiest month ({fmt.number(totals.max(), 1)} tickets per day), "
                f"{totals.idxmin()} the quietest ({fmt.number(totals.min(), 1)})." if len(totals) > 1
                else "Only one calendar month has data.")
    return theme.finish(fig, title, takeaway=takeaway, barmode="group", y_title="tickets per day",
                        showlegend=len(segments) > 1)


def period_effects_forest(frame: pd.DataFrame, *,
                          title: str | None = "End of quarter and year end vs other days") -> go.Figure:
    """Rate ratios with their 95% intervals on a log axis; 1 (no difference) marked; higher load in vermillion."""
    _require(frame, ["effect", "rate_ratio", "ci_low", "ci_high"], "period_effects_forest", "period_effects")
    data = frame[frame["rate_ratio"].notna()]
    labels = [readable(e) + ("" if "segment" not in data.columns or str(s) == "all" else f" ({readable(s)})")
              for e, s in zip(data["effect"], data.get("segment", pd.Series("all", index=data.index)), strict=True)]
    higher, lower = (data["ci_low"] > 1).to_numpy(), (data["ci_high"] < 1).to_numpy()
    fig = go.Figure(go.Scatter(
        x=data["rate_ratio"], y=labels, mode="markers", name="rate ratio",
        marker={"size": 12, "color": np.where(higher, UNFAVOURABLE, np.where(lower, FAVOURABLE, NEUTRAL)),
                "symbol": np.where(higher, "triangle-right", np.where(lower, "triangle-left", "circle"))},
        # one colour for the whiskers: they would inherit the per-point marker colours, which plotly.js rejects
        error_x={"type": "data", "symmetric": False, "array": data["ci_high"] - data["rate_ratio"],
                 "arrayminus": data["rate_ratio"] - data["ci_low"], "color": NEUTRAL},
        customdata=[_escape(s) for s in data.get("sentence", pd.Series("", index=data.index))],
        hovertemplate="%{customdata}<extra></extra>"))
    fig.add_vline(x=1, line_dash="dash", line_color=REFERENCE, annotation_text="no difference",
                  annotation_font_color=theme.MUTED)
    fig.update_xaxes(type="log")
    clear = [f"{lab}: {fmt.ratio(r)} times the tickets per day of other days ({fmt.interval(lo, hi, 'ratio')})"
             for lab, r, lo, hi, real in zip(labels, data["rate_ratio"], data["ci_low"], data["ci_high"],
                                            higher | lower, strict=True) if real]
    takeaway = ("; ".join(clear) + "." if clear else
                "No window differs clearly from other days: every interval includes 1.")
    return theme.finish(fig, title, takeaway=takeaway, showlegend=False,
                        x_title="rate ratio, window vs other days (log scale)", note=theme.WHISKERS)


def response_time_bars(frame: pd.DataFrame, *, title: str | None = "First reply and resolution time") -> go.Figure:
    """Grouped bars of median, p75 and p90 (hours) per segment, one panel per metric; small samples left out."""
    _require(frame, ["metric", "median", "p75", "p90"], "response_time_bars", "response_times")
    metrics = list(dict.fromkeys(frame["metric"]))
    fig = make_subplots(rows=1, cols=max(len(metrics), 1), subplot_titles=[readable(m) for m in metrics])
    shades = {"median": NEUTRAL, "p75": PALETTE[0], "p90": HIGHLIGHT}
    for col, metric in enumerate(metrics, start=1):
        part = frame[frame["metric"] == metric]
        small = _small(part)
        x = _segment_names(part["segment"]) if "segment" in part.columns else ["all"] * len(part)
        for stat, colour in shades.items():
            fig.add_trace(go.Bar(x=x, y=_measured(part[stat], small) / 60, name=readable(stat), legendgroup=stat,
                                 showlegend=col == 1, marker_color=colour,
                                 customdata=[fmt.duration(v) for v in part[stat]],
                                 hovertemplate=f"{readable(stat)}: %{{customdata}}<extra></extra>"), row=1, col=col)
        if small.any():
            for label, is_small in zip(x, small, strict=True):
                if is_small:
                    fig.add_annotation(x=label, y=0, text="not measurable", showarrow=False, yanchor="bottom",
                                       font={"size": 11, "color": theme.MUTED}, row=1, col=col)
    fig.update_yaxes(title_text="hours", row=1, col=1)
    first = frame[(frame["metric"] == metrics[0]) & ~_small(frame)] if metrics else frame.iloc[:0]
    if len(first):
        row = first.sort_values("tickets", ascending=False).iloc[0] if "tickets" in first.columns else first.iloc[0]
        who = "" if str(row.get("segment", "all")) == "all" else f" for {readable(row['segment'])}"
        takeaway = (f"{readable(metrics[0])}{who}: half the tickets within {fmt.duration(row['median'])}, "
                    f"nine in ten within {fmt.duration(row['p90'])}.")
    else:
        takeaway = "Too few tickets to measure response times."
    return theme.finish(fig, title, takeaway=takeaway, barmode="group")


def sla_attainment_bars(frame: pd.DataFrame, *, title: str | None = "First replies within SLA target") -> go.Figure:
    """Bars of ``sla_attainment`` per segment, labelled with the target when grouped by priority."""
    _require(frame, ["segment", "sla_attainment"], "sla_attainment_bars", "sla_attainment")
    small = _small(frame)
    labels = _segment_names(frame["segment"])
    if "target_minutes" in frame.columns and frame["target_minutes"].notna().any():
        labels = [lab + (f" (≤ {fmt.duration(m)})" if pd.notna(m) else "")
                  for lab, m in zip(labels, frame["target_minutes"], strict=True)]
    fig = go.Figure(go.Bar(x=labels, y=_measured(frame["sla_attainment"], small), marker_color=FAVOURABLE,
                           text=[fmt.percent(v, small_sample=s) if not s else "" for v, s in
                                 zip(frame["sla_attainment"], small, strict=True)],
                           textposition="outside", hovertemplate="%{x}: %{y:.1%}<extra></extra>"))
    _not_measurable(fig, labels, small)
    fig.update_yaxes(range=[0, 1.08], tickformat=".0%")
    ends = _extremes(labels, _measured(frame["sla_attainment"], small), fmt.percent)
    takeaway = ("No segment has enough first replies to measure." if ends is None else
                f"{fmt.percent(frame.loc[~small, 'sla_attainment'].iloc[0])} of first replies were within target."
                if (~small).sum() == 1 else f"Highest SLA attainment: {ends[0]}; lowest: {ends[1]}.")
    return theme.finish(fig, title, takeaway=takeaway, showlegend=False, y_title="first replies within target")


def reply_distribution_bars(frame: pd.DataFrame, *, title: str | None = "Replies per ticket") -> go.Figure:
    """Bars of the share of tickets by number of replies, agent and customer side by side (all segments)."""
    _require(frame, ["role", "replies", "tickets"], "reply_distribution_bars", "reply_distribution")
    data = frame.groupby(["role", "replies"], sort=True)["tickets"].sum().reset_index()
    data["share"] = data["tickets"] / data.groupby("role")["tickets"].transform("sum")
    cap = data["replies"].max()
    fig = go.Figure()
    for role, colour, pattern in (("agent", NEUTRAL, ""), ("customer", PALETTE[1], "/")):
        part = data[data["role"] == role]
        x = [f"{r}+" if r == cap else str(r) for r in part["replies"]]
        fig.add_trace(go.Bar(x=x, y=part["share"], name=f"{role.capitalize()} replies", marker_color=colour,
                             marker_pattern_shape=pattern, hovertemplate="%{x}: %{y:.0%} of tickets<extra></extra>"))
    agent = data[data["role"] == "agent"]
    one = agent.loc[agent["replies"] <= 1, "share"].sum()
    takeaway = (f"{fmt.percent(one)} of tickets needed at most one agent reply." if len(agent)
                else "No agent replies to count.")
    fig.update_yaxes(tickformat=".0%")
    return theme.finish(fig, title, takeaway=takeaway, barmode="group", x_title="replies per ticket",
                        y_title="share of tickets")


def conversation_quality_bars(frame: pd.DataFrame, *, title: str | None = "Conversation quality") -> go.Figure:
    """Grouped bars per segment: one-touch, FCR, long-conversation and reopen rates."""
    rates = {"one_touch_rate": (PALETTE[0], ""), "fcr_rate": (PALETTE[2], "."),
             "long_conversation_rate": (HIGHLIGHT, "/"), "reopen_rate": (UNFAVOURABLE, "x")}
    _require(frame, ["segment", *rates], "conversation_quality_bars", "conversation_summary")
    small = _small(frame)
    labels = _segment_names(frame["segment"])
    fig = go.Figure()
    for column, (colour, pattern) in rates.items():
        fig.add_trace(go.Bar(x=labels, y=_measured(frame[column], small), name=readable(column),
                             marker_color=colour, marker_pattern_shape=pattern,
                             hovertemplate=f"{readable(column)}: %{{y:.1%}}<extra></extra>"))
    _not_measurable(fig, labels, small)
    fig.update_yaxes(tickformat=".0%")
    ends = _extremes(labels, _measured(frame["reopen_rate"], small), fmt.percent)
    takeaway = ("Too few tickets to measure conversation quality." if ends is None else
                f"Reopen rate: {ends[0]}." if (~small).sum() == 1 else
                f"Reopen rate is highest for {ends[0]} and lowest for {ends[1]}.")
    return theme.finish(fig, title, takeaway=takeaway, barmode="group", y_title="share of tickets")


def too_quick_bars(frame: pd.DataFrame, *, title: str | None = "Do fast solves come back?") -> go.Figure:
    """Per segment: share of fast solves that came back vs share of the other solves that came back."""
    _require(frame, ["segment", "came_back_rate_fast", "came_back_rate_other"], "too_quick_bars", "too_quick")
    small = _small(frame)
    labels = _segment_names(frame["segment"])
    fig = go.Figure([
        go.Bar(x=labels, y=_measured(frame["came_back_rate_fast"], small), name="Fast solves",
               marker_color=UNFAVOURABLE, marker_pattern_shape="/", hovertemplate="%{x}: %{y:.1%}<extra></extra>"),
        go.Bar(x=labels, y=_measured(frame["came_back_rate_other"], small), name="Other solves",
               marker_color=NEUTRAL, hovertemplate="%{x}: %{y:.1%}<extra></extra>")])
    _not_measurable(fig, labels, small)
    fig.update_yaxes(tickformat=".0%")
    gap = (frame["came_back_rate_fast"] - frame["came_back_rate_other"]).mask(small).dropna()
    if len(gap):
        i = gap.idxmax()
        takeaway = (f"For {labels[frame.index.get_loc(i)]}, {fmt.percent(frame.loc[i, 'came_back_rate_fast'])} of "
                    f"fast solves came back, against {fmt.percent(frame.loc[i, 'came_back_rate_other'])} of "
                    "the others.")
    else:
        takeaway = "Too few solved tickets to compare."
    return theme.finish(fig, title, takeaway=takeaway, barmode="group", y_title="share reopened or followed up")


def incomplete_conversations_bars(frame: pd.DataFrame, *,
                                  title: str | None = "Customers who left before a resolution") -> go.Figure:
    """Bars of the incomplete rate per segment with 95% Wilson intervals; small samples "not measurable"."""
    _require(frame, ["segment", "incomplete_rate", "ci_low", "ci_high"], "incomplete_conversations_bars",
             "incomplete_conversations")
    small = _small(frame)
    labels = _segment_names(frame["segment"])
    rate = _measured(frame["incomplete_rate"], small)
    fig = go.Figure(go.Bar(
        x=labels, y=rate, marker_color=UNFAVOURABLE, name="share of finished conversations",
        error_y={"type": "data", "symmetric": False, "array": (frame["ci_high"] - rate),
                 "arrayminus": (rate - frame["ci_low"]), "color": NEUTRAL},
        customdata=[fmt.interval(lo, hi) for lo, hi in zip(frame["ci_low"], frame["ci_high"], strict=True)],
        hovertemplate="%{x}: %{y:.1%} (95% CI %{customdata})<extra></extra>"))
    _not_measurable(fig, labels, small)
    fig.update_yaxes(tickformat=".0%", rangemode="tozero")
    ends = _extremes(labels, rate, fmt.percent)
    takeaway = ("Too few finished conversations to measure." if ends is None else
                f"Customers left before a resolution in {ends[0]}." if rate.notna().sum() == 1 else
                f"Customers left before a resolution most often in {ends[0]}, least often in {ends[1]}.")
    return theme.finish(fig, title, takeaway=takeaway, showlegend=False,
                        y_title="share of finished conversations", note=theme.WHISKERS)


def hedging_bars(frame: pd.DataFrame, *, top: int | None = 25,
                 title: str | None = "Share of replies that hedge") -> go.Figure:
    """Horizontal bars of ``hedged_share`` with 95% intervals, most hedged on top; small samples "not measurable".

    Hover shows the top phrases and the (already PII-redacted, here HTML-escaped) example.
    """
    _require(frame, ["segment", "hedged_share", "ci_low", "ci_high"], "hedging_bars", "hedging_summary")
    data = frame.head(top) if top else frame
    data = data.iloc[::-1]
    small = _small(data)
    labels = [str(s) for s in data["segment"]]
    share = _measured(data["hedged_share"], small)
    hover = [_escape(f"{p} — e.g. \"{e}\"") if e else _escape(str(p))
             for p, e in zip(data.get("top_phrases", pd.Series("", index=data.index)),
                             data.get("example", pd.Series("", index=data.index)), strict=True)]
    fig = go.Figure(go.Bar(
        y=labels, x=share, orientation="h", marker_color=HIGHLIGHT,
        error_x={"type": "data", "symmetric": False, "array": data["ci_high"] - share,
                 "arrayminus": share - data["ci_low"], "color": NEUTRAL},
        customdata=hover, hovertemplate="%{y}: %{x:.1%}<br>%{customdata}<extra></extra>"))
    _not_measurable(fig, labels, small, horizontal=True)
    fig.update_xaxes(tickformat=".0%", rangemode="tozero")
    ends = _extremes(labels, share, fmt.percent)
    takeaway = ("Too few replies to measure hedging." if ends is None else
                f"{ends[0].split(' (')[0]} hedges most: {fmt.percent(share.max())} of replies.")
    return theme.finish(fig, title, takeaway=takeaway, showlegend=False, height=max(300, 24 * len(data) + 110),
                        x_title="share of agent replies with a hedge", note=theme.WHISKERS)


def hedging_association_forest(frame: pd.DataFrame, *,
                               title: str | None = "Hedged vs certain first replies") -> go.Figure:
    """Difference (hedged - certain) per outcome with its 95% interval; 0 (no difference) marked."""
    _require(frame, ["outcome", "difference", "ci_low", "ci_high"], "hedging_association_forest",
             "hedging_association")
    data = frame[frame["difference"].notna()]
    labels = [readable(o) for o in data["outcome"]]
    fig = go.Figure(go.Scatter(
        x=data["difference"], y=labels, mode="markers", marker={"size": 12, "color": NEUTRAL},
        error_x={"type": "data", "symmetric": False, "array": data["ci_high"] - data["difference"],
                 "arrayminus": data["difference"] - data["ci_low"], "color": NEUTRAL},
        hovertemplate="%{y}: %{x:+.2f}<extra></extra>"))
    fig.add_vline(x=0, line_dash="dash", line_color=REFERENCE, annotation_text="no difference",
                  annotation_font_color=theme.MUTED)
    clear = [lab for lab, lo, hi in zip(labels, data["ci_low"], data["ci_high"], strict=True) if lo > 0 or hi < 0]
    takeaway = (f"Hedged first replies differ clearly from certain ones in: {', '.join(clear).lower()}." if clear
                else "No outcome differs clearly between hedged and certain first replies.")
    return theme.finish(fig, title, takeaway=takeaway, showlegend=False,
                        x_title="hedged minus certain (each outcome's unit)", note=theme.WHISKERS)


def spike_timeline(daily: pd.DataFrame, spikes: pd.DataFrame | None, *,
                   title: str | None = "New tickets a day, and the rises in them") -> go.Figure:
    """New tickets a day (``volume(freq="day")``) as a line; the organisation-wide spikes of ``volume_spikes``
    marked on their first day, highlighted where a known release or change came just before."""
    _require(daily, ["period", "created"], "spike_timeline", "volume")
    days = daily.groupby("period", sort=True)["created"].sum()
    fig = go.Figure(go.Scatter(x=days.index, y=days.to_numpy(), mode="lines", name="New tickets a day",
                               line={"color": NEUTRAL, "width": 1},
                               hovertemplate="%{x|%d %b %Y}: %{y} new tickets<extra></extra>"))
    marked = (spikes[spikes["level"] == "all"] if spikes is not None and len(spikes)
              else pd.DataFrame(columns=["date", "release", "after_per_day"]))
    known = marked["release"] != "no known change"
    for flag, name, colour in ((known, "Rise after a known change", HIGHLIGHT),
                               (~known, "Rise with no known change", REFERENCE)):
        part = marked[flag.to_numpy(dtype=bool)]
        if len(part):
            fig.add_trace(go.Scatter(
                x=part["date"], y=days.reindex(part["date"]).to_numpy(), mode="markers", name=name,
                marker={"color": colour, "size": 11, "symbol": "triangle-up"},
                customdata=[_escape(f"{fmt.number(a, 0)} a day from here; {r}") for a, r in
                            zip(part["after_per_day"], part["release"], strict=True)],
                hovertemplate="%{x|%d %b %Y}: %{customdata}<extra></extra>"))
    linked = marked[known.to_numpy(dtype=bool)]
    takeaway = (f"{len(marked)} rise{'s' if len(marked) != 1 else ''} in all new tickets; "
                f"{len(linked)} followed a known release or change"
                + (f" (\"{linked['release'].iloc[-1]}\", {fmt.day(linked['release_date'].iloc[-1])})."
                   if len(linked) else "."))
    return theme.finish(fig, title, takeaway=takeaway if len(days) else "No tickets to show.", y_title="tickets",
                        x_title="day")


def workload_lorenz(frame: pd.DataFrame, *, title: str | None = "How tickets spread over agents") -> go.Figure:
    """Cumulative share of tickets against cumulative share of agents (busiest first), one line per segment.

    The diagonal is a perfectly even spread; a curve far above it means a few agents carry the load.
    """
    _require(frame, ["assignee", "cumulative_ticket_share"], "workload_lorenz", "agent_workload")
    fig = go.Figure()
    fifth = []
    for i, segment in enumerate(_segments(frame)):
        part = frame[frame["segment"].astype("str") == segment] if "segment" in frame.columns else frame
        x = np.arange(0, len(part) + 1) / max(len(part), 1)
        y = np.r_[0.0, part["cumulative_ticket_share"].to_numpy(dtype="float64")]
        fig.add_trace(go.Scatter(x=x, y=y, mode="lines+markers", name=readable(segment),
                                 line={"color": PALETTE[i % len(PALETTE)]},
                                 text=["", *part["assignee"].astype("str")],
                                 hovertemplate="%{text}: %{y:.0%} of tickets<extra></extra>"))
        if len(part):
            fifth.append((float(np.interp(0.2, x, y)), readable(segment)))
    fig.add_trace(go.Scatter(x=[0, 1], y=[0, 1], mode="lines", name="Even spread",
                             line={"color": REFERENCE, "dash": "dash"}))
    fig.update_xaxes(tickformat=".0%")
    fig.update_yaxes(tickformat=".0%")
    if fifth:
        share, who = max(fifth)
        takeaway = (f"The busiest fifth of agents{'' if who == readable('all') else ' in ' + who} handle "
                    f"{fmt.percent(share)} of tickets.")
    else:
        takeaway = "No assigned tickets to spread."
    return theme.finish(fig, title, takeaway=takeaway, x_title="share of agents (busiest first)",
                        y_title="share of tickets")


def watermelon_quadrant(frame: pd.DataFrame, *,
                        title: str | None = "Operations vs experience (watermelons marked ✕)") -> go.Figure:
    """Scatter of ``ops_score`` (x) against ``experience_score`` (y) per segment.

    Tier boundaries (thirds) are dotted; flagged watermelons are vermillion crosses, small
    samples grey open circles, the others blue circles; hover shows the one-sentence explanation.
    """
    _require(frame, ["segment", "ops_score", "experience_score", "flag", "explanation"], "watermelon_quadrant",
             "watermelon")
    small = _small(frame)
    flag = frame["flag"].fillna(False).to_numpy(dtype=bool)
    fig = go.Figure(go.Scatter(
        x=frame["ops_score"], y=frame["experience_score"], mode="markers+text", cliponaxis=False,
        # labels lean towards the middle, so names near the edges are not cut
        text=_segment_names(frame["segment"]),
        textposition=np.where(frame["ops_score"] < 0.5, "top right", "top left"),
        marker={"size": 16, "color": np.where(flag, UNFAVOURABLE, np.where(small, SMALL, FAVOURABLE)),
                "symbol": np.where(flag, "x", np.where(small, "circle-open", "circle")),
                "line": {"width": 1, "color": NEUTRAL}},
        customdata=[_escape(e) for e in frame["explanation"].astype("str")],
        hovertemplate="%{customdata}<extra></extra>"))
    for cut in (1 / 3, 2 / 3):
        fig.add_vline(x=cut, line_dash="dot", line_color=REFERENCE)
        fig.add_hline(y=cut, line_dash="dot", line_color=REFERENCE)
    fig.add_annotation(x=0.98, y=0.02, xref="paper", yref="paper", showarrow=False, text="watermelon zone",
                       font={"color": UNFAVOURABLE})
    fig.update_xaxes(range=[0, 1.05])
    fig.update_yaxes(range=[0, 1.05])
    flagged = [readable(s) for s in frame.loc[flag, "segment"]]
    takeaway = (f"Watermelon{'s' if len(flagged) > 1 else ''} (good operations, poor experience): "
                f"{', '.join(flagged)}." if flagged else
                "No segment combines good operations with poor experience.")
    return theme.finish(fig, title, takeaway=takeaway, showlegend=False,
                        x_title="operations score, 0-1 (SLA, speed) →",
                        y_title="experience score, 0-1 (CSAT, reopens, back-and-forth) →")


def kiwi_watermelon_trend(frame: pd.DataFrame, *, ops_metric: str = "sla_attainment", by: str | None = None,
                          span: tuple | None = None,
                          title: str | None = "Do operations and CSAT move together?") -> go.Figure:
    """The ops metric (top panel) and CSAT (bottom panel) per period, on one shared time axis.

    Two panels rather than two y-axes: each measure keeps its own scale and unit and neither
    line can be read against the other's axis. ``by`` names a segment column (e.g. ``team``)
    for one line per value; periods the data's ``span`` covers only in part are left out.
    """
    _require(frame, ["period", ops_metric, "csat", *([by] if by else [])], "kiwi_watermelon_trend",
             "ops_experience_over_time")
    keep, dropped = periods.choose(frame["period"], span)
    data = frame[keep.to_numpy()]
    as_rate = ops_metric == "sla_attainment"
    name = readable(ops_metric)
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.1,
                        subplot_titles=[name, "CSAT (share satisfied)"])
    groups = [(None, data)] if by is None else list(data.groupby(by, sort=True))
    for i, (value, part) in enumerate(groups):
        part = part.sort_values("period")
        colour = PALETTE[i % len(PALETTE)]
        label = name if value is None else readable(value)
        fig.add_trace(go.Scatter(x=part["period"], y=part[ops_metric], name=label, legendgroup=label,
                                 line={"color": colour}, mode="lines+markers",
                                 hovertemplate=f"{name}: %{{y:{'.0%' if as_rate else '.1f'}}}<extra>{label}</extra>"),
                      row=1, col=1)
        fig.add_trace(go.Scatter(x=part["period"], y=part["csat"], name=label, legendgroup=label, showlegend=False,
                                 line={"color": colour}, mode="lines+markers",
                                 hovertemplate=f"CSAT: %{{y:.0%}}<extra>{label}</extra>"), row=2, col=1)
    fig.update_yaxes(tickformat=".0%", row=2, col=1)
    fig.update_yaxes(tickformat=".0%" if as_rate else None, row=1, col=1)
    fig.update_yaxes(title_text="share of first replies" if as_rate else "minutes", row=1, col=1)
    fig.update_yaxes(title_text="share satisfied", row=2, col=1)
    theme.period_ticks(fig, data["period"], periods.period_length(frame["period"]))
    series = data.sort_values("period").groupby("period")[[ops_metric, "csat"]].mean()
    show = fmt.percent if as_rate else fmt.duration
    if len(series) >= 2:
        first, last = series.iloc[0], series.iloc[-1]
        takeaway = (f"{name} went from {show(first[ops_metric])} to {show(last[ops_metric])} while CSAT went "
                    f"from {fmt.percent(first['csat'])} to {fmt.percent(last['csat'])}.")
    else:
        takeaway = "Too few complete periods to follow over time."
    return theme.finish(fig, title, takeaway=takeaway + dropped, showlegend=by is not None, height=520)
