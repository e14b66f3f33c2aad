"""The house style: one template for every figure, readable names, partial periods left out, no dual axes."""

import re

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import pytest

from toolkit.plots import ops as ops_plots
from toolkit.plots import periods, theme
from toolkit.plots import survey as survey_plots
from toolkit.report.theme import contrast_ratio

SNAKE = re.compile(r"^[a-z0-9]+(?:_[a-z0-9]+)+$")


def test_template_is_registered_once_as_the_default():
    assert pio.templates.default == theme.NAME
    layout = pio.templates[theme.NAME].layout
    assert layout.font.family == theme.FONT
    assert list(layout.colorway)[:3] == [theme.DEFAULT_ACCENT, *theme.PALETTE[:2]]
    assert layout.title.x == 0 and layout.xaxis.automargin is True


def test_accent_leads_the_colour_cycle_without_repeating():
    template = theme.template(theme.PALETTE[2])
    assert list(template.layout.colorway) == [theme.PALETTE[2], *(c for c in theme.PALETTE if c != theme.PALETTE[2])]


@pytest.mark.parametrize(("name", "expected"), [
    ("sla_attainment", "SLA attainment"), ("first_reply_minutes", "First reply"), ("year_end", "Year end"),
    ("median_wait_time", "Median wait time"), ("Rapid Response", "Rapid Response"), ("csat", "CSAT"),
    ("all", "All tickets")])
def test_readable_names(name, expected):
    assert theme.readable(name) == expected


def test_chart_text_colours_reach_wcag_aa_on_white():
    for colour in (theme.TEXT, theme.MUTED):
        assert contrast_ratio(colour, "#ffffff") >= 4.5


def test_period_length_and_complete_periods():
    weeks = pd.Series(pd.to_datetime(["2026-09-07", "2026-09-14", "2026-09-21", "2026-09-28"]))
    assert periods.period_length(weeks) == "week"
    keep = periods.complete(weeks, (pd.Timestamp("2026-09-09"), pd.Timestamp("2026-09-30")))
    assert keep.tolist() == [False, True, True, False]
    assert periods.left_out_sentence(weeks, keep) == (
        " Left out: week of 7 Sep 2026 and week of 28 Sep 2026 (the data covers only part of them).")
    months = pd.Series(pd.to_datetime(["2025-10-01", "2025-11-01", "2025-12-01"]))
    assert periods.period_length(months) == "month"
    assert periods.complete(months, (pd.Timestamp("2025-10-01"), pd.Timestamp("2025-12-31"))).all()
    assert periods.complete(months, None).all()
    assert periods.left_out_sentence(months, periods.complete(months, None)) == ""


def test_with_fewer_than_two_whole_periods_all_are_drawn_and_the_partial_ones_named():
    quarters = pd.Series(pd.to_datetime(["2025-10-01", "2026-01-01"]))
    keep, sentence = periods.choose(quarters, (pd.Timestamp("2025-10-01"), pd.Timestamp("2025-10-20")))
    assert keep.tolist() == [True, True]
    assert sentence == " Only partly covered by the data: Q4 2025 and Q1 2026."


def test_volume_drops_the_partial_last_week_and_says_so():
    frame = pd.DataFrame({"segment": "all", "period": pd.to_datetime(["2026-09-14", "2026-09-21", "2026-09-28"]),
                          "created": [100, 110, 30], "solved": [90, 100, 20], "open_at_period_end": [10, 20, 30]})
    fig = ops_plots.volume_lines(frame, span=(pd.Timestamp("2026-09-14"), pd.Timestamp("2026-09-30")))
    assert [len(t.x) for t in fig.data] == [2, 2, 2]
    assert theme.takeaway_of(fig) == ("Tickets created per week ranged from 100 (week of 14 Sep 2026) to 110 "
                                      "(week of 21 Sep 2026). Left out: week of 28 Sep 2026 (the data covers "
                                      "only part of it).")


def test_small_samples_are_not_measurable_not_zero():
    frame = pd.DataFrame({"segment": ["email", "other"], "finished": [400, 2], "incomplete": [40, 2],
                          "incomplete_rate": [0.1, 1.0], "ci_low": [0.07, 0.34], "ci_high": [0.13, 1.0],
                          "small_sample": [False, True]})
    fig = ops_plots.incomplete_conversations_bars(frame)
    assert list(fig.data[0].y)[0] == 0.1 and pd.isna(list(fig.data[0].y)[1])
    assert [(a.x, a.text) for a in fig.layout.annotations] == [("other", "not measurable")]
    assert theme.takeaway_of(fig) == "Customers left before a resolution in email (10%)."


def test_ops_and_csat_over_time_are_two_panels_not_two_axes():
    frame = pd.DataFrame({"period": pd.to_datetime(["2026-01-01", "2026-02-01", "2026-03-01"]),
                          "sla_attainment": [0.9, 0.95, 0.97], "csat": [0.8, 0.75, 0.7]})
    fig = ops_plots.kiwi_watermelon_trend(frame)
    layout = fig.to_dict()["layout"]
    assert "overlaying" not in layout.get("yaxis2", {}) and layout["yaxis2"]["domain"] != layout["yaxis"]["domain"]
    assert theme.takeaway_of(fig) == "SLA attainment went from 90% to 97% while CSAT went from 80% to 70%."
    assert list(fig.layout.xaxis.ticktext) == ["Jan 2026", "Feb 2026", "Mar 2026"]


def test_score_trend_labels_its_interval_band():
    frame = pd.DataFrame({"period": pd.to_datetime(["2025-10-01", "2026-01-01"]), "score": [15.0, -6.0],
                          "low": [8.0, -12.0], "high": [21.0, 1.0], "n": [500, 480]})
    frame.attrs["survey"] = "nps"
    fig = survey_plots.score_trend(frame)
    assert [t.name for t in fig.data if t.showlegend is not False] == [theme.INTERVAL, "NPS"]
    assert theme.takeaway_of(fig) == "NPS went from +15 in Q4 2025 to −6 in Q1 2026."
    assert list(fig.layout.xaxis.ticktext) == ["Q4 2025", "Q1 2026"]


def test_finish_applies_the_template_and_records_the_takeaway():
    fig = theme.finish(go.Figure(go.Bar(x=[1], y=[2])), "T", takeaway="One sentence.", y_title="tickets")
    assert fig.layout.template.layout.font.family == theme.FONT
    assert fig.layout.meta == {"takeaway": "One sentence.", "note": ""} and fig.layout.yaxis.title.text == "tickets"
    assert not any(SNAKE.match(str(t.name or "")) for t in fig.data)
