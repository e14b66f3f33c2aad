"""How every number, date and duration reads in a report: one rule per kind, used by sentences, tables and charts.

The rules (pinned by ``tests/test_formatting.py``):

- counts and numbers carry thousands separators: ``1,306``; ``2.4``;
- percentages take fractions (0-1, as every frame holds them) and show whole percents,
  with one decimal only where rounding would turn a value that is not exactly 0 or 1
  into "0%" or "100%": ``32%``, ``0.4%``, ``99.6%``;
- NPS is signed everywhere, in whole points, with a true minus sign: ``+5``, ``−3``, ``0``;
- intervals join their ends with an en dash and one unit: ``78–80%``; ends that carry a
  sign read "−3 to +5" (a dash between signed numbers reads as a subtraction);
- p-values: ``p < 0.001``, ``p = 0.004``, ``p = 0.03``;
- dates: ``1 Oct 2025``; months ``Oct 2025``; quarters ``Q4 2025``;
- durations (given in minutes) take their unit by size: ``45 min``, ``1.5 h``, ``14 h``,
  ``3.2 days``;
- a missing value reads "–" (a table's empty cell); a value from too small a sample reads
  "not measurable", never 0%.

Nothing here rounds data: the functions only turn a value into text at the report's edge.
"""

from __future__ import annotations

import math
from datetime import date, datetime

import pandas as pd

from toolkit.errors import ConfigError

MISSING = "–"
NOT_MEASURABLE = "not measurable"
MINUS = "−"
EN_DASH = "–"


def is_missing(value: object) -> bool:
    """True for None, pandas' NA/NaT and NaN."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _minus(text: str) -> str:
    return text.replace("-", MINUS)


def number(value: float | None, digits: int = 0) -> str:
    """``value`` with thousands separators and ``digits`` decimals: ``number(1306) == "1,306"``."""
    if is_missing(value):
        return MISSING
    value = float(value)
    if round(value, digits) == 0:
        value = 0.0  # no "−0"
    return _minus(f"{value:,.{digits}f}")


def count(value: float | None) -> str:
    """A whole count with thousands separators: ``count(12500) == "12,500"``."""
    return number(value, 0)


def _percent_digits(fraction: float) -> int:
    whole = round(fraction * 100)
    near_edge = (whole == 0 and fraction != 0) or (whole == 100 and fraction != 1)
    return 1 if near_edge else 0


def percent(fraction: float | None, *, small_sample: bool = False) -> str:
    """A fraction (0-1) as a percentage by the house rule: ``percent(0.32) == "32%"``, ``percent(0.004) == "0.4%"``.

    ``small_sample=True`` gives "not measurable": a rate from too few cases is not a number to read.
    """
    if small_sample:
        return NOT_MEASURABLE
    if is_missing(value := fraction):
        return MISSING
    value = float(value)
    return f"{number(value * 100, _percent_digits(value))}%"


def points(difference: float | None, digits: int = 0) -> str:
    """A signed difference in percentage points or NPS points: ``points(3.2) == "+3"``."""
    if is_missing(difference):
        return MISSING
    text = number(difference, digits)
    zero = float(f"{float(difference):.{digits}f}") == 0
    return text if zero or text.startswith(MINUS) else f"+{text}"


def nps(score: float | None) -> str:
    """An NPS (−100..+100), signed in whole points everywhere: ``+5``, ``−3``, ``0``."""
    return points(score, 0)


def interval(low: float | None, high: float | None, kind: str = "percent") -> str:
    """An interval's two ends in one unit: ``78–80%`` (``kind="percent"``, fractions), ``−3 to +5`` (``"nps"``),
    ``1.2–3.4`` (``"ratio"``), ``45 min–1.5 h`` (``"minutes"``)."""
    if is_missing(low) or is_missing(high):
        return MISSING
    if kind == "percent":
        digits = max(_percent_digits(float(low)), _percent_digits(float(high)))
        return f"{number(float(low) * 100, digits)}{EN_DASH}{number(float(high) * 100, digits)}%"
    if kind == "nps":
        return f"{nps(low)} to {nps(high)}"
    if kind == "points":
        return f"{points(low)} to {points(high)}"
    if kind == "ratio":
        return f"{ratio(low)}{EN_DASH}{ratio(high)}"
    if kind == "minutes":
        return f"{duration(low)}{EN_DASH}{duration(high)}"
    raise ConfigError(f"interval kind {kind!r} is not known", key="kind",
                      fix="use percent, nps, points, ratio or minutes")


def score(value: float | None, survey: str) -> str:
    """A survey score in its unit: NPS in signed points (``+5``), CSAT and CES shares (0-1) as percentages."""
    return nps(value) if survey == "nps" else percent(value)


def score_interval(low: float | None, high: float | None, survey: str) -> str:
    """A survey score's interval in its unit: ``−3 to +5`` for NPS, ``78–80%`` for CSAT and CES shares."""
    return interval(low, high, "nps" if survey == "nps" else "percent")


def score_change(difference: float | None, survey: str) -> str:
    """A change of a survey score in points: NPS points as given, a share difference (−1..1) x 100."""
    return points(difference if survey == "nps" or is_missing(difference) else float(difference) * 100)


def ratio(value: float | None) -> str:
    """A ratio (odds ratio, rate ratio, growth) to two significant figures: ``2.3``, ``0.47``, ``12``."""
    if is_missing(value):
        return MISSING
    value = float(value)
    if value == 0:
        return "0"
    digits = max(0, 1 - int(math.floor(math.log10(abs(value)))))
    return number(value, digits)


def p_value(p: float | None) -> str:
    """``p < 0.001`` below a thousandth, three decimals below 0.01, else two: ``p = 0.004``, ``p = 0.03``."""
    if is_missing(p):
        return MISSING
    p = float(p)
    if p < 0.001:
        return "p < 0.001"
    if p < 0.01:
        return f"p = {p:.3f}"
    if p > 0.99:
        return "p > 0.99"
    return f"p = {p:.2f}"


def _timestamp(value: date | datetime | str | pd.Timestamp) -> pd.Timestamp:
    return pd.Timestamp(value)


def day(value: date | datetime | str | pd.Timestamp | None) -> str:
    """A date as ``1 Oct 2025``."""
    if is_missing(value):
        return MISSING
    stamp = _timestamp(value)
    return f"{stamp.day} {stamp:%b %Y}"


def month(value: date | datetime | str | pd.Timestamp | None) -> str:
    """A month as ``Oct 2025``."""
    if is_missing(value):
        return MISSING
    return f"{_timestamp(value):%b %Y}"


def quarter(value: date | datetime | str | pd.Timestamp | None) -> str:
    """The quarter a date falls in, as ``Q4 2025``."""
    if is_missing(value):
        return MISSING
    stamp = _timestamp(value)
    return f"Q{stamp.quarter} {stamp.year}"


def period(value: date | datetime | str | pd.Timestamp | None, freq: str) -> str:
    """A period's start as its readable label for ``freq`` (day/week/month/quarter/year).

    Weeks read "week of 6 Oct 2025"; days read as dates.
    """
    if is_missing(value):
        return MISSING
    if freq == "month":
        return month(value)
    if freq == "quarter":
        return quarter(value)
    if freq == "year":
        return str(_timestamp(value).year)
    if freq == "week":
        return f"week of {day(value)}"
    if freq == "day":
        return day(value)
    raise ConfigError(f"period length {freq!r} is not known", key="freq", fix="use day, week, month, quarter or year")


def duration(minutes: float | None) -> str:
    """A duration given in minutes, in the unit its size calls for.

    Under an hour in whole minutes (``45 min``); under two days in hours, one decimal under
    ten (``1.5 h``, ``14 h``); beyond in days, one decimal under ten (``3.2 days``, ``12 days``).
    """
    if is_missing(minutes):
        return MISSING
    minutes = float(minutes)
    size = abs(minutes)
    if round(size) < 60:
        return f"{number(minutes)} min"
    hours = minutes / 60
    if round(abs(hours), 1) < 48:
        return f"{number(hours, 1 if round(abs(hours), 1) < 10 else 0)} h"
    days = hours / 24
    return f"{number(days, 1 if round(abs(days), 1) < 10 else 0)} days"


def level(value: float | None) -> str:
    """A maturity level on its 1-5 scale, one decimal: ``2.4``."""
    return number(value, 1)


FORMATTERS = {
    "count": count,
    "number": number,
    "decimal": lambda v: number(v, 1),
    "decimal2": lambda v: number(v, 2),
    "percent": percent,
    "points": points,
    "nps": nps,
    "ratio": ratio,
    "p_value": p_value,
    "date": day,
    "month": month,
    "quarter": quarter,
    "minutes": duration,
    "level": level,
    "level_difference": lambda v: points(v, 1),
    "difference": lambda v: points(v, 2),
}
"""The formats a report table names per column (``formats={"reopen_rate": "percent"}``)."""


def formatter(kind: str):
    """The function for one kind of :data:`FORMATTERS`; a :class:`ConfigError` naming the kinds otherwise."""
    if kind not in FORMATTERS:
        raise ConfigError(f"format {kind!r} is not known", key="formats", fix=f"use one of {', '.join(FORMATTERS)}")
    return FORMATTERS[kind]
