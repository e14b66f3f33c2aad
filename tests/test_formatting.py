"""The house rules for numbers, dates and durations in reports (toolkit.formatting)."""

from datetime import date

import numpy as np
import pandas as pd
import pytest

from toolkit import formatting as fmt
from toolkit.errors import ConfigError


@pytest.mark.parametrize(("value", "expected"), [
    (1306, "1,306"), (0, "0"), (1_234_567, "1,234,567"), (-2500, "−2,500"), (np.int64(12), "12"),
    (None, "–"), (np.nan, "–"), (pd.NA, "–")])
def test_count(value, expected):
    assert fmt.count(value) == expected


def test_number_decimals_and_no_negative_zero():
    assert fmt.number(2.449, 1) == "2.4"
    assert fmt.number(-0.04, 1) == "0.0"
    assert fmt.number(12345.678, 2) == "12,345.68"


@pytest.mark.parametrize(("fraction", "expected"), [
    (0.32, "32%"), (0.3249, "32%"), (0.1, "10%"), (0.0, "0%"), (1.0, "100%"), (0.004, "0.4%"),
    (0.996, "99.6%"), (0.0004, "0.0%"), (0.005, "0.5%"), (0.9951, "99.5%"), (1.5, "150%"), (np.nan, "–")])
def test_percent_whole_with_one_decimal_only_near_0_and_100(fraction, expected):
    assert fmt.percent(fraction) == expected


def test_percent_of_a_small_sample_is_not_measurable_not_zero():
    assert fmt.percent(0.0, small_sample=True) == "not measurable"
    assert fmt.percent(1.0, small_sample=True) == "not measurable"


@pytest.mark.parametrize(("score", "expected"), [
    (5, "+5"), (4.6, "+5"), (-3.2, "−3"), (0, "0"), (0.4, "0"), (-0.4, "0"), (100, "+100"), (None, "–")])
def test_nps_is_signed_everywhere(score, expected):
    assert fmt.nps(score) == expected


def test_points_keep_their_sign_and_digits():
    assert fmt.points(3.24, 1) == "+3.2"
    assert fmt.points(-12) == "−12"


@pytest.mark.parametrize(("low", "high", "kind", "expected"), [
    (0.78, 0.80, "percent", "78–80%"), (0.001, 0.02, "percent", "0.1–2.0%"), (-3, 5, "nps", "−3 to +5"),
    (2, 9, "nps", "+2 to +9"), (1.234, 3.456, "ratio", "1.2–3.5"), (45, 90, "minutes", "45 min–1.5 h"),
    (-2.5, 1, "points", "−2 to +1"), (np.nan, 0.5, "percent", "–")])
def test_interval(low, high, kind, expected):
    assert fmt.interval(low, high, kind) == expected


def test_interval_of_an_unknown_kind_names_the_kinds():
    with pytest.raises(ConfigError) as info:
        fmt.interval(1, 2, "hours")
    assert str(info.value) == ("`kind`: interval kind 'hours' is not known. "
                               "Fix: use percent, nps, points, ratio or minutes")


@pytest.mark.parametrize(("p", "expected"), [
    (4.9e-14, "p < 0.001"), (0.0009, "p < 0.001"), (0.001, "p = 0.001"), (0.0042, "p = 0.004"), (0.03, "p = 0.03"),
    (0.0312, "p = 0.03"), (0.5, "p = 0.50"), (0.999, "p > 0.99"), (None, "–")])
def test_p_value(p, expected):
    assert fmt.p_value(p) == expected


@pytest.mark.parametrize(("value", "expected"), [
    (date(2025, 10, 1), "1 Oct 2025"), ("2025-10-01", "1 Oct 2025"), (pd.Timestamp("2026-03-15 13:45"), "15 Mar 2026"),
    (pd.Timestamp("2026-03-15", tz="Europe/London"), "15 Mar 2026"), (pd.NaT, "–")])
def test_day(value, expected):
    assert fmt.day(value) == expected


def test_periods_by_length():
    start = pd.Timestamp("2025-10-06")
    assert fmt.period(start, "day") == "6 Oct 2025"
    assert fmt.period(start, "week") == "week of 6 Oct 2025"
    assert fmt.period(start, "month") == "Oct 2025"
    assert fmt.period(start, "quarter") == "Q4 2025"
    assert fmt.period(start, "year") == "2025"
    with pytest.raises(ConfigError, match="`freq`: period length 'fortnight' is not known"):
        fmt.period(start, "fortnight")


@pytest.mark.parametrize(("minutes", "expected"), [
    (0, "0 min"), (45, "45 min"), (59.4, "59 min"), (59.6, "1.0 h"), (91, "1.5 h"), (599, "10 h"), (594, "9.9 h"),
    (600, "10 h"), (840, "14 h"), (47.9 * 60, "48 h"), (2880, "2.0 days"), (3.24 * 1440, "3.2 days"),
    (12 * 1440, "12 days"),
    (np.nan, "–")])
def test_duration_unit_by_size(minutes, expected):
    assert fmt.duration(minutes) == expected


def test_ratio_two_significant_figures():
    assert [fmt.ratio(v) for v in (2.345, 0.4712, 12.4, 1.0, 0)] == ["2.3", "0.47", "12", "1.0", "0"]


def test_formatter_by_name_and_unknown_name():
    assert fmt.formatter("percent")(0.5) == "50%"
    assert fmt.formatter("minutes")(90) == "1.5 h"
    with pytest.raises(ConfigError) as info:
        fmt.formatter("pct")
    assert str(info.value).startswith("`formats`: format 'pct' is not known. Fix: use one of count, number,")


def test_survey_scores_read_in_their_unit():
    from toolkit import formatting as fmt

    assert fmt.score(4.8, "nps") == "+5" and fmt.score(0.79, "csat") == "79%" and fmt.score(0.675, "ces") == "68%"
    assert fmt.score_interval(-3.2, 8.2, "nps") == "−3 to +8"
    assert fmt.score_interval(0.778, 0.802, "csat") == "78–80%"
    assert fmt.score_change(-0.3125, "csat") == "−31" and fmt.score_change(44.0, "nps") == "+44"
    assert fmt.score_change(None, "csat") == fmt.MISSING
