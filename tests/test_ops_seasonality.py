import numpy as np
import pandas as pd
import pytest
from ops_frames import tickets

import toolkit.ops as ops
from toolkit.errors import ConfigError


def test_weekday_hour_has_every_cell_and_counts_in_local_time():
    frame = tickets([{"created_at": "2026-01-05T23:30Z"},   # Monday 23:30 UTC = Tuesday 01:30 in Helsinki
                     {"created_at": "2026-01-06T00:10Z"},   # Tuesday 02:10 in Helsinki
                     {"created_at": "2026-01-12T23:45Z"}])  # Tuesday 01:45 in Helsinki
    out = ops.weekday_hour(frame, tz="Europe/Helsinki")
    assert len(out) == 168 and out["tickets"].sum() == 3
    cell = out.set_index(["weekday", "hour"])["tickets"]
    assert cell[(1, 1)] == 2 and cell[(1, 2)] == 1 and cell[(0, 23)] == 0
    assert out.loc[(out["weekday"] == 1) & (out["hour"] == 1), "weekday_name"].item() == "Tuesday"
    assert out.loc[(out["weekday"] == 1) & (out["hour"] == 1), "share"].item() == pytest.approx(2 / 3)
    utc = ops.weekday_hour(frame, tz="UTC").set_index(["weekday", "hour"])["tickets"]
    assert utc[(0, 23)] == 2 and utc[(1, 0)] == 1


def test_weekday_hour_by_channel_gives_one_grid_per_channel():
    frame = tickets([{"created_at": "2026-01-05T09:00Z", "channel": "chat"},
                     {"created_at": "2026-01-05T09:00Z", "channel": "email"}])
    out = ops.weekday_hour(frame, by="channel")
    assert len(out) == 336
    assert out.groupby("channel")["tickets"].sum().to_dict() == {"chat": 1, "email": 1}


def test_month_of_year_normalises_by_days_observed():
    days = pd.date_range("2026-01-01", "2026-03-31", freq="D")
    rows = [{"created_at": f"{d:%Y-%m-%d}T12:00Z"} for d in days]
    rows += [{"created_at": "2026-02-10T12:00Z"}] * 28  # February twice as busy per day
    out = ops.month_of_year(tickets(rows))
    first = out.set_index("month").loc[[1, 2, 3]]
    assert first["tickets"].tolist() == [31, 56, 31]
    assert first["days_observed"].tolist() == [31, 28, 31]
    assert first["tickets_per_day"].tolist() == [1.0, 2.0, 1.0]
    assert first["index"].tolist() == pytest.approx([90 / 118, 180 / 118, 90 / 118])
    assert out.set_index("month").loc[7, "days_observed"] == 0 and np.isnan(out.set_index("month").loc[7, "index"])


def _year(per_day, quarter_end, year_end):
    days = pd.date_range("2025-01-01", "2025-12-31", freq="D")
    month_end = days + pd.offsets.MonthEnd(0)
    last_two_weeks = (month_end - days).days < 14
    counts = np.where(last_two_weeks & days.month.isin([3, 6, 9]), quarter_end,
                      np.where(last_two_weeks & (days.month == 12), year_end, per_day))
    created = np.repeat(days + pd.Timedelta(hours=12), counts)
    return tickets([{"created_at": f"{c:%Y-%m-%dT%H:%M}Z"} for c in created])


def test_period_effects_recover_exact_rate_ratios():
    out = ops.period_effects(_year(10, 15, 5)).set_index("effect")
    assert out.loc["end_of_quarter", "days_in_window"] == 42 and out.loc["year_end", "days_in_window"] == 14
    assert out.loc["end_of_quarter", "days_rest"] == 365 - 56
    assert out.loc["end_of_quarter", "rate_in_window"] == 15 and out.loc["end_of_quarter", "rate_rest"] == 10
    assert out.loc["end_of_quarter", "rate_ratio"] == pytest.approx(1.5)
    assert out.loc["year_end", "rate_ratio"] == pytest.approx(0.5)
    assert out.loc["end_of_quarter", "sentence"].startswith(
        "The last two weeks of a quarter carry 1.5 times the usual tickets per day (95% CI ")
    assert out.loc["year_end", "sentence"].startswith(
        "The last two weeks of the year carry 0.50 times the usual tickets per day (95% CI ")


def test_period_effects_interval_covers_the_truth_with_noise():
    rng = np.random.default_rng(3)
    base = _year(10, 14, 5)
    keep = rng.random(len(base)) < 0.9  # thin at random: ratios stay 1.4 and 0.5 in expectation
    out = ops.period_effects(base[keep].reset_index(drop=True)).set_index("effect")
    eoq = out.loc["end_of_quarter"]
    assert eoq["ci_low"] < 1.4 < eoq["ci_high"] and eoq["ci_low"] > 1 and eoq["p_value"] < 0.001
    assert "(95% CI " in eoq["sentence"]


def test_period_effects_skip_windows_the_data_does_not_cover():
    frame = tickets([{"created_at": "2026-01-10T10:00Z"}, {"created_at": "2026-02-10T10:00Z"}])
    out = ops.period_effects(frame)
    assert out.empty
    assert ops.notes(out) == [
        "end_of_quarter skipped: the data covers no day in its window (last 14 days of March, June and September).",
        "year_end skipped: the data covers no day in its window (last 14 days of December)."]


def test_period_effects_rejects_bad_window():
    with pytest.raises(ConfigError, match="window_days must be a positive whole number"):
        ops.period_effects(_year(1, 1, 1), window_days=0)
