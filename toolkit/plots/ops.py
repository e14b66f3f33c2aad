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
- :func:`workload_lorenz` — cumulative share of tickets by agent (``agent_workload``).
- :func:`watermelon_quadrant` — ops score against experience score, watermelons marked (``watermelon``).
- :func:`kiwi_watermelon_trend` — an ops metric and CSAT over time (``ops_experience_over_time``).

Small samples are drawn grey. Hover text from tickets is HTML-escaped.
"""

from __future__ import annotations

import html

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from toolkit.errors import ConfigError

GOOD_COLOUR = "#2a9d8f"
BAD_COLOUR = "#e76f51"
NEUTRAL_COLOUR = "#264653"
ACCENT_COLOUR = "#e9c46a"
SMALL_COLOUR = "#9aa5ab"
PALETTE = ["#264653", "#2a9d8f", "#e9c46a", "#f4a261", "#e76f51", "#8ab17d", "#6d597a", "#b56576"]
_METRIC_TITLES = {"first_reply_minutes": "First reply", "full_resolution_minutes": "Resolution"}


def _require(frame: pd.DataFrame, columns: list[str], function: str, source: str) -> None:
    if not isinstance(frame, pd.DataFrame):
        raise ConfigError(f"{function} needs a DataFrame, got {type(frame).__name__}", key="frame",
                          fix=f"pass the frame toolkit.ops.{source} returns")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ConfigError(f"{function} needs columns {', '.join(missing)}", key="frame",
                          fix=f"pass the frame toolkit.ops.{source} returns")


def _layout(fig: go.Figure, title: str | None, height: int | None = None, **extra) -> go.Figure:
    fig.update_layout(title=title, template="plotly_white", height=height, legend_title_text="",
                      margin={"l": 10, "r": 10, "t": 50 if title else 20, "b": 10}, **extra)
    return fig


def _escape(text: str) -> str:
    """Hover labels are rendered as HTML: ticket text must not bring tags along."""
    return html.escape(str(text), quote=False)


def _small(frame: pd.DataFrame) -> np.ndarray:
    return frame["small_sample"].fillna(False).to_numpy(dtype=bool) if "small_sample" in frame.columns else \
        np.zeros(len(frame), dtype=bool)


def _segments(frame: pd.DataFrame) -> list[str]:
    return list(dict.fromkeys(frame["segment"].astype("str"))) if "segment" in frame.columns else ["all"]


def volume_lines(frame: pd.DataFrame, *, title: str | None = "Tickets created, solved and open") -> go.Figure:
    """Lines per period: created and solved (solid), open at period end (dashed); one colour per segment."""
    _require(frame, ["period", "created", "solved", "open_at_period_end"], "volume_lines", "volume")
    fig = go.Figure()
    styles = {"created": "solid", "solved": "dot", "open_at_period_end": "dash"}
    names = {"created": "created", "solved": "solved", "open_at_period_end": "open at period end"}
    for i, segment in enumerate(_segments(frame)):
        part = frame[frame["segment"].astype("str") == segment] if "segment" in frame.columns else frame
        colour = PALETTE[i % len(PALETTE)]
        for column, dash in styles.items():
            label = names[column] if segment == "all" else f"{segment}: {names[column]}"
            fig.add_trace(go.Scatter(x=part["period"], y=part[column], mode="lines+markers", name=label,
                                     line={"color": colour, "dash": dash}))
    return _layout(fig, title, yaxis_title="tickets", xaxis_title="period")


def weekday_hour_heatmap(frame: pd.DataFrame, *, value: str = "tickets_per_week",
                         title: str | None = "When tickets arrive (local time)") -> go.Figure:
    """Heatmap of ``value`` (default tickets per week) by weekday (rows) and hour (columns); all segments summed."""
    _require(frame, ["weekday", "weekday_name", "hour", value], "weekday_hour_heatmap", "weekday_hour")
    grid = frame.groupby(["weekday", "weekday_name", "hour"], sort=True)[value].sum().reset_index()
    table = grid.pivot(index=["weekday", "weekday_name"], columns="hour", values=value).sort_index()
    fig = go.Figure(go.Heatmap(z=table.to_numpy(), x=[f"{h:02d}:00" for h in table.columns],
                               y=table.index.get_level_values("weekday_name"), colorscale="Teal",
                               colorbar={"title": value.replace("_", " ")},
                               hovertemplate="%{y} %{x}: %{z:.1f}<extra></extra>"))
    fig.update_yaxes(autorange="reversed")
    return _layout(fig, title, xaxis_title="hour of day")


def month_of_year_bars(frame: pd.DataFrame, *, title: str | None = "Tickets per day by month") -> go.Figure:
    """Bars of tickets per day for each calendar month (months without data left out); one colour per segment."""
    _require(frame, ["month", "month_name", "tickets_per_day"], "month_of_year_bars", "month_of_year")
    fig = go.Figure()
    for i, segment in enumerate(_segments(frame)):
        part = frame[frame["segment"].astype("str") == segment] if "segment" in frame.columns else frame
        part = part[part["tickets_per_day"].notna()]
        fig.add_trace(go.Bar(x=part["month_name"], y=part["tickets_per_day"], name=segment,
                             marker_color=PALETTE[i % len(PALETTE)]))
    return _layout(fig, title, barmode="group", yaxis_title="tickets per day", showlegend=len(_segments(frame)) > 1)


def period_effects_forest(frame: pd.DataFrame, *,
                          title: str | None = "End of quarter and year end vs other days") -> go.Figure:
    """Rate ratios with their intervals on a log axis; 1 (no difference) marked."""
    _require(frame, ["effect", "rate_ratio", "ci_low", "ci_high"], "period_effects_forest", "period_effects")
    data = frame[frame["rate_ratio"].notna()]
    labels = (data["effect"].str.replace("_", " ") + ("" if "segment" not in data.columns else
                                                      " (" + data["segment"].astype("str") + ")")).tolist()
    colour = np.where(data["ci_low"] > 1, BAD_COLOUR, np.where(data["ci_high"] < 1, GOOD_COLOUR, NEUTRAL_COLOUR))
    fig = go.Figure(go.Scatter(
        x=data["rate_ratio"], y=labels, mode="markers", marker={"size": 12, "color": colour},
        # one colour for the whiskers: they would inherit the per-point marker colours, which plotly.js rejects
        error_x={"type": "data", "symmetric": False, "array": data["ci_high"] - data["rate_ratio"],
                 "arrayminus": data["rate_ratio"] - data["ci_low"], "color": NEUTRAL_COLOUR},
        customdata=[_escape(s) for s in data.get("sentence", pd.Series("", index=data.index))],
        hovertemplate="%{customdata}<extra></extra>"))
    fig.add_vline(x=1, line_dash="dash", line_color=SMALL_COLOUR)
    fig.update_xaxes(type="log", title="rate ratio (tickets per day, window / other days)")
    return _layout(fig, title, showlegend=False)


def response_time_bars(frame: pd.DataFrame, *, title: str | None = "First reply and resolution time") -> go.Figure:
    """Grouped bars of median, p75 and p90 (hours) per segment, one panel per metric; small samples grey."""
    _require(frame, ["metric", "median", "p75", "p90"], "response_time_bars", "response_times")
    metrics = list(dict.fromkeys(frame["metric"]))
    fig = make_subplots(rows=1, cols=max(len(metrics), 1),
                        subplot_titles=[_METRIC_TITLES.get(m, m) for m in metrics])
    shades = {"median": NEUTRAL_COLOUR, "p75": GOOD_COLOUR, "p90": ACCENT_COLOUR}
    for col, metric in enumerate(metrics, start=1):
        part = frame[frame["metric"] == metric]
        small = _small(part)
        x = part["segment"].astype("str") if "segment" in part.columns else ["all"] * len(part)
        for stat, colour in shades.items():
            fig.add_trace(go.Bar(x=x, y=part[stat] / 60, name=stat, legendgroup=stat, showlegend=col == 1,
                                 marker_color=np.where(small, SMALL_COLOUR, colour),
                                 hovertemplate=f"{stat}: %{{y:.1f}} h<extra></extra>"), row=1, col=col)
    fig.update_yaxes(title_text="hours", row=1, col=1)
    return _layout(fig, title, barmode="group")


def sla_attainment_bars(frame: pd.DataFrame, *, title: str | None = "First replies within SLA target") -> go.Figure:
    """Bars of ``sla_attainment`` (%) per segment, labelled with the target when grouped by priority."""
    _require(frame, ["segment", "sla_attainment"], "sla_attainment_bars", "sla_attainment")
    small = _small(frame)
    labels = frame["segment"].astype("str")
    if "target_minutes" in frame.columns and frame["target_minutes"].notna().any():
        labels = labels + frame["target_minutes"].map(lambda m: f" (≤ {m:g} min)" if pd.notna(m) else "")
    fig = go.Figure(go.Bar(x=labels, y=frame["sla_attainment"] * 100,
                           marker_color=np.where(small, SMALL_COLOUR, GOOD_COLOUR),
                           text=[f"{v:.0%}" if pd.notna(v) else "" for v in frame["sla_attainment"]],
                           textposition="outside", hovertemplate="%{x}: %{y:.1f}%<extra></extra>"))
    fig.update_yaxes(range=[0, 105], title="% within target")
    return _layout(fig, title, showlegend=False)


def reply_distribution_bars(frame: pd.DataFrame, *, title: str | None = "Replies per ticket") -> go.Figure:
    """Bars of the share of tickets by number of replies, agent and customer side by side (all segments)."""
    _require(frame, ["role", "replies", "tickets"], "reply_distribution_bars", "reply_distribution")
    data = frame.groupby(["role", "replies"], sort=True)["tickets"].sum().reset_index()
    data["share"] = data["tickets"] / data.groupby("role")["tickets"].transform("sum")
    cap = data["replies"].max()
    fig = go.Figure()
    for role, colour in (("agent", NEUTRAL_COLOUR), ("customer", GOOD_COLOUR)):
        part = data[data["role"] == role]
        x = [f"{r}+" if r == cap else str(r) for r in part["replies"]]
        fig.add_trace(go.Bar(x=x, y=part["share"] * 100, name=f"{role} replies", marker_color=colour))
    return _layout(fig, title, barmode="group", xaxis_title="replies", yaxis_title="% of tickets")


def conversation_quality_bars(frame: pd.DataFrame, *, title: str | None = "Conversation quality") -> go.Figure:
    """Grouped bars per segment: one-touch, FCR, long-conversation and reopen rates (%)."""
    rates = {"one_touch_rate": ("one-touch", GOOD_COLOUR), "fcr_rate": ("first-contact resolution", NEUTRAL_COLOUR),
             "long_conversation_rate": ("long conversations", ACCENT_COLOUR), "reopen_rate": ("reopened", BAD_COLOUR)}
    _require(frame, ["segment", *rates], "conversation_quality_bars", "conversation_summary")
    fig = go.Figure()
    for column, (name, colour) in rates.items():
        fig.add_trace(go.Bar(x=frame["segment"].astype("str"), y=frame[column] * 100, name=name, marker_color=colour,
                             hovertemplate=f"{name}: %{{y:.1f}}%<extra></extra>"))
    return _layout(fig, title, barmode="group", yaxis_title="% of tickets")


def too_quick_bars(frame: pd.DataFrame, *, title: str | None = "Do fast solves come back?") -> go.Figure:
    """Per segment: share of fast solves that came back vs share of the other solves that came back."""
    _require(frame, ["segment", "came_back_rate_fast", "came_back_rate_other"], "too_quick_bars", "too_quick")
    fig = go.Figure([
        go.Bar(x=frame["segment"].astype("str"), y=frame["came_back_rate_fast"] * 100, name="fast solves",
               marker_color=BAD_COLOUR),
        go.Bar(x=frame["segment"].astype("str"), y=frame["came_back_rate_other"] * 100, name="other solves",
               marker_color=NEUTRAL_COLOUR)])
    return _layout(fig, title, barmode="group", yaxis_title="% reopened or followed up")


def incomplete_conversations_bars(frame: pd.DataFrame, *,
                                  title: str | None = "Customers who left before a resolution") -> go.Figure:
    """Bars of the incomplete rate (%) per segment with Wilson intervals; small samples grey."""
    _require(frame, ["segment", "incomplete_rate", "ci_low", "ci_high"], "incomplete_conversations_bars",
             "incomplete_conversations")
    small = _small(frame)
    fig = go.Figure(go.Bar(
        x=frame["segment"].astype("str"), y=frame["incomplete_rate"] * 100,
        marker_color=np.where(small, SMALL_COLOUR, BAD_COLOUR),
        error_y={"type": "data", "symmetric": False, "array": (frame["ci_high"] - frame["incomplete_rate"]) * 100,
                 "arrayminus": (frame["incomplete_rate"] - frame["ci_low"]) * 100},
        hovertemplate="%{x}: %{y:.1f}%<extra></extra>"))
    return _layout(fig, title, yaxis_title="% of finished tickets", showlegend=False)


def hedging_bars(frame: pd.DataFrame, *, top: int | None = 25,
                 title: str | None = "Share of replies that hedge") -> go.Figure:
    """Horizontal bars of ``hedged_share`` with intervals, most hedged on top; small samples grey.

    Hover shows the top phrases and the (already PII-redacted, here HTML-escaped) example.
    """
    _require(frame, ["segment", "hedged_share", "ci_low", "ci_high"], "hedging_bars", "hedging_summary")
    data = frame.head(top) if top else frame
    data = data.iloc[::-1]
    small = _small(data)
    hover = [_escape(f"{p} — e.g. \"{e}\"") if e else _escape(str(p))
             for p, e in zip(data.get("top_phrases", pd.Series("", index=data.index)),
                             data.get("example", pd.Series("", index=data.index)), strict=True)]
    fig = go.Figure(go.Bar(
        y=data["segment"].astype("str"), x=data["hedged_share"] * 100, orientation="h",
        marker_color=np.where(small, SMALL_COLOUR, ACCENT_COLOUR),
        error_x={"type": "data", "symmetric": False, "array": (data["ci_high"] - data["hedged_share"]) * 100,
                 "arrayminus": (data["hedged_share"] - data["ci_low"]) * 100},
        customdata=hover, hovertemplate="%{y}: %{x:.1f}%<br>%{customdata}<extra></extra>"))
    return _layout(fig, title, xaxis_title="% of agent replies with a hedge", showlegend=False,
                   height=max(300, 22 * len(data) + 80))


def hedging_association_forest(frame: pd.DataFrame, *,
                               title: str | None = "Hedged vs certain first replies") -> go.Figure:
    """Difference (hedged - certain) per outcome with its interval; 0 (no difference) marked."""
    _require(frame, ["outcome", "difference", "ci_low", "ci_high"], "hedging_association_forest",
             "hedging_association")
    data = frame[frame["difference"].notna()]
    fig = go.Figure(go.Scatter(
        x=data["difference"], y=data["outcome"].str.replace("_", " "), mode="markers",
        marker={"size": 12, "color": NEUTRAL_COLOUR},
        error_x={"type": "data", "symmetric": False, "array": data["ci_high"] - data["difference"],
                 "arrayminus": data["difference"] - data["ci_low"]}))
    fig.add_vline(x=0, line_dash="dash", line_color=SMALL_COLOUR)
    return _layout(fig, title, xaxis_title="hedged minus certain", showlegend=False)


def workload_lorenz(frame: pd.DataFrame, *, title: str | None = "How tickets spread over agents") -> go.Figure:
    """Cumulative share of tickets against cumulative share of agents (busiest first), one line per segment.

    The diagonal is a perfectly even spread; a curve far above it means a few agents carry the load.
    """
    _require(frame, ["assignee", "cumulative_ticket_share"], "workload_lorenz", "agent_workload")
    fig = go.Figure()
    for i, segment in enumerate(_segments(frame)):
        part = frame[frame["segment"].astype("str") == segment] if "segment" in frame.columns else frame
        x = np.arange(0, len(part) + 1) / max(len(part), 1) * 100
        y = np.r_[0.0, part["cumulative_ticket_share"].to_numpy(dtype="float64")] * 100
        fig.add_trace(go.Scatter(x=x, y=y, mode="lines+markers", name=segment,
                                 line={"color": PALETTE[i % len(PALETTE)]},
                                 text=["", *part["assignee"].astype("str")],
                                 hovertemplate="%{text}: %{y:.0f}% of tickets<extra></extra>"))
    fig.add_trace(go.Scatter(x=[0, 100], y=[0, 100], mode="lines", name="even spread",
                             line={"color": SMALL_COLOUR, "dash": "dash"}))
    return _layout(fig, title, xaxis_title="% of agents (busiest first)", yaxis_title="% of tickets")


def watermelon_quadrant(frame: pd.DataFrame, *,
                        title: str | None = "Operations vs experience (watermelons red)") -> go.Figure:
    """Scatter of ``ops_score`` (x) against ``experience_score`` (y) per segment.

    Tier boundaries (thirds) are dotted; flagged watermelons are red, small samples grey,
    others green; hover shows the one-sentence explanation.
    """
    _require(frame, ["segment", "ops_score", "experience_score", "flag", "explanation"], "watermelon_quadrant",
             "watermelon")
    small = _small(frame)
    flag = frame["flag"].fillna(False).to_numpy(dtype=bool)
    colour = np.where(flag, BAD_COLOUR, np.where(small, SMALL_COLOUR, GOOD_COLOUR))
    fig = go.Figure(go.Scatter(
        x=frame["ops_score"], y=frame["experience_score"], mode="markers+text",
        text=frame["segment"].astype("str"), textposition="top center",
        marker={"size": 16, "color": colour, "line": {"width": 1, "color": NEUTRAL_COLOUR}},
        customdata=[_escape(e) for e in frame["explanation"].astype("str")],
        hovertemplate="%{customdata}<extra></extra>"))
    for cut in (1 / 3, 2 / 3):
        fig.add_vline(x=cut, line_dash="dot", line_color=SMALL_COLOUR)
        fig.add_hline(y=cut, line_dash="dot", line_color=SMALL_COLOUR)
    fig.add_annotation(x=0.98, y=0.02, xref="paper", yref="paper", showarrow=False, text="watermelon zone",
                       font={"color": BAD_COLOUR})
    fig.update_xaxes(range=[0, 1.05], title="operations score (SLA, speed) →")
    fig.update_yaxes(range=[0, 1.05], title="experience score (CSAT, reopens, back-and-forth) →")
    return _layout(fig, title, showlegend=False)


def kiwi_watermelon_trend(frame: pd.DataFrame, *, ops_metric: str = "sla_attainment", by: str | None = None,
                          title: str | None = "Do operations and CSAT move together?") -> go.Figure:
    """An ops metric (solid, left axis) and CSAT (dashed, right axis) per period.

    ``by`` names a segment column of the frame (e.g. ``team``) to draw one pair of lines per
    value; by default all rows form one series.
    """
    _require(frame, ["period", ops_metric, "csat", *([by] if by else [])], "kiwi_watermelon_trend",
             "ops_experience_over_time")
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    as_percent = ops_metric == "sla_attainment"
    name = ops_metric.replace("_", " ")
    groups = [(None, frame)] if by is None else list(frame.groupby(by, sort=True))
    for i, (value, part) in enumerate(groups):
        part = part.sort_values("period")
        colour = PALETTE[i % len(PALETTE)]
        suffix = "" if value is None else f" ({value})"
        fig.add_trace(go.Scatter(x=part["period"], y=part[ops_metric] * (100 if as_percent else 1),
                                 name=f"{name}{suffix}", line={"color": colour}), secondary_y=False)
        fig.add_trace(go.Scatter(x=part["period"], y=part["csat"] * 100, name=f"CSAT{suffix}",
                                 line={"color": colour, "dash": "dash"}), secondary_y=True)
    fig.update_yaxes(title_text=f"{name}{' (%)' if as_percent else ''}", secondary_y=False)
    fig.update_yaxes(title_text="CSAT (% satisfied)", secondary_y=True)
    return _layout(fig, title)
