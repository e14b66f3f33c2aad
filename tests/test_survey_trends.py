"""toolkit.survey.trends: scores per period with bands, changes flagged only when supported."""

import pandas as pd
import pytest

from toolkit.errors import ConfigError
from toolkit.schema import validate
from toolkit.survey import nps_difference_from_counts, proportion_difference, survey_trend


def frame(periods: dict[str, list[float]], survey: str = "csat", scale: str = "1-5") -> pd.DataFrame:
    rows = [(when, score) for when, scores in periods.items() for score in scores]
    return validate(pd.DataFrame({
        "response_id": [f"r{i}" for i in range(len(rows))], "survey": survey, "score": [s for _, s in rows],
        "scale": scale, "submitted_at": [w for w, _ in rows],
        "team": ["a", "b"] * (len(rows) // 2) + ["a"] * (len(rows) % 2)}),
        "survey_responses")


def test_monthly_csat_with_gap_month_and_supported_change():
    data = frame({"2026-01-10T10:00Z": [5] * 80 + [1] * 20, "2026-03-05T10:00Z": [5] * 40 + [1] * 60,
                  "2026-04-05T10:00Z": [5] * 42 + [1] * 58})
    trend = survey_trend(data, "csat", "month")
    assert trend["period"].dt.strftime("%Y-%m-%d").tolist() == ["2026-01-01", "2026-02-01", "2026-03-01", "2026-04-01"]
    assert trend["n"].tolist() == [100, 0, 100, 100]
    assert trend["score"].tolist()[0] == 0.8 and pd.isna(trend["score"].iloc[1])  # a share (0-1)
    assert trend["segment"].tolist() == ["2026-01", "2026-02", "2026-03", "2026-04"]
    # Feb is empty, so no change can be computed into or out of it
    assert trend["change"].isna().tolist() == [True, True, True, False]
    april = trend.iloc[3]
    expected = proportion_difference(42, 100, 40, 100)
    assert april["change"] == pytest.approx(0.02)
    assert (april["change_low"], april["change_high"]) == pytest.approx(
        (float(expected["low"].iloc[0]), float(expected["high"].iloc[0])))
    assert april["p_value"] == pytest.approx(float(expected["p_value"].iloc[0]))
    assert not april["change_significant"] and april["direction"] == ""


def test_significant_change_is_flagged_and_small_periods_are_not_tested():
    data = frame({"2026-01-10T10:00Z": [5] * 80 + [1] * 20, "2026-02-10T10:00Z": [5] * 40 + [1] * 60,
                  "2026-03-10T10:00Z": [1] * 10, "2026-04-10T10:00Z": [5] * 10})
    trend = survey_trend(data, "csat", "month")
    assert trend["change_significant"].tolist() == [False, True, False, False]
    assert trend["direction"].tolist() == ["", "down", "", ""]
    assert trend["small_sample"].tolist() == [False, False, True, True]
    assert pd.isna(trend["p_adjusted"].iloc[3])  # 0% -> 100% on 10 answers each: shown, not tested
    # only one change was tested, so Holm leaves its p-value as it is
    assert trend["p_adjusted"].iloc[1] == pytest.approx(trend["p_value"].iloc[1])


def test_periods_start_in_the_client_time_zone():
    # 23:30 UTC on 30 June is 00:30 on 1 July in London (BST); weeks start on Monday
    data = frame({"2026-06-30T23:30Z": [5], "2026-06-29T10:00Z": [4]})
    months = survey_trend(data, "csat", "month", tz="Europe/London", min_n=1)
    assert months["period"].dt.strftime("%Y-%m").tolist() == ["2026-06", "2026-07"]
    utc = survey_trend(data, "csat", "month", min_n=1)
    assert utc["period"].dt.strftime("%Y-%m").tolist() == ["2026-06"]
    weeks = survey_trend(data, "csat", "week", min_n=1)
    assert weeks["period"].dt.strftime("%Y-%m-%d %a").tolist() == ["2026-06-29 Mon"]


def test_nps_trend_by_segment_uses_nps_differences():
    data = frame({"2026-01-10T10:00Z": [10] * 40 + [0] * 20, "2026-04-10T10:00Z": [10] * 20 + [0] * 40},
                 "nps", "0-10")
    trend = survey_trend(data, "nps", "quarter", by="team")
    assert trend[["team", "n"]].values.tolist() == [["a", 30], ["a", 30], ["b", 30], ["b", 30]]
    assert trend["segment"].tolist() == ["a | 2026Q1", "a | 2026Q2", "b | 2026Q1", "b | 2026Q2"]
    b = trend[trend["team"] == "b"].iloc[1]
    # team b: quarter 1 has 20 promoters and 10 detractors, quarter 2 has 10 and 20
    expected = nps_difference_from_counts((20, 0, 10), (10, 0, 20))
    assert b["change"] == pytest.approx(float(expected["difference"]))
    assert b["p_value"] == pytest.approx(float(expected["p_value"]))
    assert pd.isna(trend["change"].iloc[2])  # the first period of each segment has no previous one


def test_trend_errors():
    data = frame({"2026-01-10T10:00Z": [5]})
    with pytest.raises(ConfigError, match=r"^`freq`: unknown freq 'fortnight'. Fix: use one of day, week, month, "
                                          r"quarter, year$"):
        survey_trend(data, "csat", "fortnight")
    with pytest.raises(ConfigError, match="min_n must be a positive whole number"):
        survey_trend(data, "csat", min_n=0)
    assert survey_trend(data.iloc[:0], "csat").empty
