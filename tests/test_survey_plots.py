"""toolkit.plots.survey: each figure draws the frame its survey function returns."""

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from toolkit.errors import ConfigError
from toolkit.plots import survey as plots
from toolkit.plots import theme
from toolkit.schema import validate
from toolkit.survey import compare_segments, survey_trend


def responses() -> pd.DataFrame:
    scores = [10] * 40 + [3] * 10 + [9] * 20 + [2] * 30 + [8] * 5
    region = ["north"] * 50 + ["south"] * 50 + ["west"] * 5
    return validate(pd.DataFrame({
        "response_id": [f"r{i}" for i in range(len(scores))], "survey": "nps", "score": scores, "scale": "0-10",
        "submitted_at": [f"2026-0{1 + i % 4}-15T10:00Z" for i in range(len(scores))], "region": region}),
        "survey_responses")


def test_score_by_segment_marks_small_samples_and_significance():
    frame = compare_segments(responses(), "region")
    fig = plots.score_by_segment(frame)
    assert isinstance(fig, go.Figure)
    trace = fig.data[0]
    assert list(trace.y) == ["west (n=5, too few)", "south (n=50)", "north (n=50)"]
    assert list(trace.marker.symbol) == ["circle-open", "triangle-down", "triangle-up"]
    assert list(trace.marker.color) == [theme.SMALL, theme.UNFAVOURABLE, theme.FAVOURABLE]
    assert list(trace.error_x.array) == pytest.approx((frame["high"] - frame["score"]).iloc[::-1].tolist())
    assert fig.layout.xaxis.range == (-100, 100)


def test_csat_scores_are_fractions_on_a_percent_axis():
    frame = responses().assign(survey="csat", scale="1-5", score=lambda f: f["score"].clip(1, 5))
    segments = compare_segments(frame, "region", "csat")
    fig = plots.score_by_segment(segments)
    assert fig.layout.xaxis.tickformat == ".0%" and fig.layout.xaxis.range is None
    assert max(fig.data[0].x) <= 1
    assert fig.layout.meta["takeaway"] == ("Highest: north (80%); lowest: south (40%). Significantly below the rest: "
                                           "south.")
    trend = plots.score_trend(survey_trend(frame, "csat", "month", min_n=5))
    assert trend.layout.yaxis.tickformat == ".0%"


def test_score_trend_draws_band_and_line_per_segment():
    fig = plots.score_trend(survey_trend(responses(), "nps", "month", min_n=5))
    assert [t.mode for t in fig.data[:3]] == ["lines", "lines", "lines+markers"]
    assert fig.data[1].fill == "tonexty"
    by = survey_trend(responses(), "nps", "month", by="region", min_n=5)
    assert len([t for t in plots.score_trend(by, segment="region").data if t.mode == "lines+markers"]) == 3


def test_driver_forest_theme_and_response_figures():
    drivers = pd.DataFrame({"label": ["tickets reopened at least once", "agent replies"], "kind": ["binary", "count"],
                            "unit": ["yes vs no", "1 SD ≈ 2.0 agent replies"], "odds_ratio": [2.3, 0.8],
                            "low": [1.9, 0.7], "high": [2.8, 0.9], "significant": [True, False]})
    forest = plots.driver_forest(drivers)
    assert forest.layout.xaxis.type == "log"
    assert list(forest.data[0].y) == ["agent replies [1 SD ≈ 2.0 agent replies]",
                                      "tickets reopened at least once"]
    themes = pd.DataFrame({"label": ["refund / invoice", "friendly / agent"], "unfavourable_share": [0.6, 0.05],
                           "favourable_share": [0.04, 0.7], "leans": ["detractors", "promoters"]})
    themes.attrs["groups"] = ("detractors", "promoters")
    bars = plots.theme_bars(themes)
    assert [t.name for t in bars.data] == ["detractors", "promoters"]
    assert list(bars.data[0].y) == ["friendly / agent ★", "refund / invoice ★"]
    assert list(bars.data[0].x) == [0.05, 0.6]  # fractions drawn as given; the axis shows percent
    assert bars.layout.xaxis.tickformat == ".0%"
    assert bars.layout.meta["takeaway"] == "“refund / invoice” sets detractors apart most: 60% of their comments " \
                                           "vs 4% of promoters'."
    rates = pd.DataFrame({"segment": ["a", "b"], "team": ["a", "b"], "invited": [100, 10], "responded": [30, 2],
                          "response_rate": [0.3, 0.2], "low": [0.22, 0.05], "high": [0.4, 0.5],
                          "small_sample": [False, True]})
    rate_bars = plots.response_rate_bars(rates)
    assert list(rate_bars.data[0].x) == ["a", "b"]
    assert rate_bars.data[0].y[0] == 0.3 and rate_bars.layout.yaxis.tickformat == ".0%"
    assert rate_bars.layout.meta["takeaway"] == "Response rates: a 30%."
    bias = pd.DataFrame({"attribute": ["reopens", "agent_replies", "channel"],
                         "measure": ["share", "median", "category"],
                         "respondents": [0.1, 2.0, 0.3], "nonrespondents": [0.25, 4.0, 0.2],
                         "detail": ["", "", "chat"], "significant": [True, True, False]})
    bias_bars = plots.nonresponse_bars(bias)
    assert list(bias_bars.data[0].x) == ["reopens ★", "channel chat"]
    assert bias_bars.layout.yaxis.tickformat == ".0%"
    assert bias_bars.layout.meta["takeaway"] == ("Largest difference: reopens, 10% of respondents' tickets vs 25% of "
                                                 "non-respondents'.")


def test_plots_name_missing_columns():
    with pytest.raises(ConfigError, match="driver_forest needs columns odds_ratio"):
        plots.driver_forest(pd.DataFrame({"label": ["x"], "low": [1], "high": [2]}))


def test_survey_timing_bars_response_rate_and_csat_per_delay():
    timing = pd.DataFrame({"delay_band": ["under 15 minutes", "1 to 4 hours"], "response_rate": [0.3, 0.2],
                           "response_low": [0.25, 0.18], "response_high": [0.35, 0.22], "score": [0.9, 0.8],
                           "low": [0.85, 0.7], "high": [0.94, 0.88], "small_sample": [False, True]})
    fig = plots.survey_timing_bars(timing)
    assert [t.name for t in fig.data] == ["Response rate", "CSAT (% satisfied)"]
    assert list(fig.data[0].x) == ["under 15 minutes", "1 to 4 hours"] and list(fig.data[0].y) == [0.3, 0.2]
    assert fig.data[1].y[0] == 0.9 and np.isnan(fig.data[1].y[1])  # too few answers: no CSAT bar
    assert fig.layout.yaxis.tickformat == ".0%"
    assert fig.layout.meta["takeaway"] == "under 15 minutes: 30% answered, 90% satisfied."
    with pytest.raises(ConfigError, match="survey_timing_bars"):
        plots.survey_timing_bars(timing.drop(columns="score"))
