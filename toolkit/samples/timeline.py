"""When tickets arrive and how local (Europe/London) time relates to business hours.

Daily volume follows the weekday, a slow growth, an end-of-quarter surge (the last
14 days of March, June and September at 1.4x), a year-end dip (18-31 December at
0.55x) and bank holidays; within a day, arrivals follow an office-hours profile.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from toolkit.samples.company import (
    BUSINESS_CLOSE_MINUTE,
    BUSINESS_OPEN_MINUTE,
    END,
    HOLIDAYS,
    START,
    TIME_ZONE,
)

WEEKDAY_FACTOR = np.array([1.15, 1.1, 1.05, 1.0, 0.9, 0.3, 0.25])
QUARTER_END_FACTOR = 1.4
YEAR_END_FACTOR = 0.55
HOLIDAY_FACTOR = 0.3
# Arrivals per local hour (relative), business days and weekends/holidays.
HOURS_WORKDAY = np.array([0.2, 0.1, 0.1, 0.1, 0.15, 0.3, 0.6, 1.5, 4, 7, 8, 7.5, 6, 6.5, 7, 6.5, 5, 3.5, 2, 1.5,
                          1.2, 1, 0.7, 0.4])
HOURS_WEEKEND = np.array([0.4, 0.3, 0.2, 0.2, 0.2, 0.3, 0.5, 0.8, 1.2, 1.6, 1.8, 1.8, 1.7, 1.6, 1.6, 1.5, 1.4, 1.3,
                          1.2, 1.1, 1, 0.9, 0.7, 0.5])


def days() -> pd.DatetimeIndex:
    """Every local calendar day of the sample year."""
    return pd.date_range(START, END - pd.Timedelta(days=1), freq="D")


def quarter_end_days(index: pd.DatetimeIndex) -> np.ndarray:
    """Whether each day is in the last 14 days of March, June or September (the surge weeks)."""
    month_end = index + pd.offsets.MonthEnd(0)
    return np.asarray(index.month.isin([3, 6, 9]) & ((month_end - index).days < 14))


def year_end_days(index: pd.DatetimeIndex) -> np.ndarray:
    """Whether each day is in the last two weeks of December (the dip)."""
    return np.asarray((index.month == 12) & (index.day >= 18))


def is_business_day(index: pd.DatetimeIndex) -> np.ndarray:
    """Monday to Friday and not a bank holiday."""
    return np.is_busday(index.values.astype("datetime64[D]"), holidays=HOLIDAYS)


def season(index: pd.DatetimeIndex) -> np.ndarray:
    """Relative ticket volume for each day."""
    t = np.arange(len(index)) / max(len(index) - 1, 1)
    w = WEEKDAY_FACTOR[index.day_of_week] * (1.0 + 0.15 * t)
    w = np.where(quarter_end_days(index), w * QUARTER_END_FACTOR, w)
    w = np.where(year_end_days(index), w * YEAR_END_FACTOR, w)
    holiday = np.isin(index.values.astype("datetime64[D]"), HOLIDAYS)
    return np.where(holiday, w * HOLIDAY_FACTOR, w)


def arrivals(rng: np.random.Generator, day_weight: np.ndarray, n: int) -> np.ndarray:
    """Draw ``n`` local arrival times (datetime64[s], naive local) from per-day weights."""
    index = days()
    if n == 0:
        return np.array([], dtype="datetime64[s]")
    day = rng.choice(len(index), size=n, p=day_weight / day_weight.sum())
    business = is_business_day(index)[day]
    hour = np.where(business,
                    rng.choice(24, size=n, p=HOURS_WORKDAY / HOURS_WORKDAY.sum()),
                    rng.choice(24, size=n, p=HOURS_WEEKEND / HOURS_WEEKEND.sum()))
    seconds = hour * 3600 + rng.integers(0, 3600, n)
    return index.values.astype("datetime64[D]")[day].astype("datetime64[s]") + seconds.astype("timedelta64[s]")


def local_to_utc(local: np.ndarray) -> pd.DatetimeIndex:
    """Naive Europe/London times to UTC (ambiguous autumn hour read as summer time)."""
    idx = pd.DatetimeIndex(local)
    return (idx.tz_localize(TIME_ZONE, ambiguous=np.ones(len(idx), dtype=bool), nonexistent="shift_forward")
            .tz_convert("UTC").as_unit("s"))


def utc_to_local(stamps: pd.Series | pd.DatetimeIndex) -> pd.Series:
    """UTC timestamps to naive Europe/London wall-clock times."""
    s = pd.Series(stamps)
    return s.dt.tz_convert(TIME_ZONE).dt.tz_localize(None)


def minutes_to_business_open(local: pd.Series) -> np.ndarray:
    """Minutes from each local time until business hours are next open (0 if open now)."""
    day = local.dt.normalize().to_numpy().astype("datetime64[D]")
    minute = (local.dt.hour * 60 + local.dt.minute).to_numpy()
    busday = np.is_busday(day, holidays=HOLIDAYS)
    open_today = busday & (minute < BUSINESS_CLOSE_MINUTE)
    next_day = np.where(open_today, day,
                        np.where(busday, np.busday_offset(day, 1, roll="forward", holidays=HOLIDAYS),
                                 np.busday_offset(day, 0, roll="forward", holidays=HOLIDAYS)))
    target = next_day.astype("datetime64[m]") + np.timedelta64(BUSINESS_OPEN_MINUTE, "m")
    wait = (target - local.to_numpy().astype("datetime64[m]")).astype(float)
    in_hours = busday & (minute >= BUSINESS_OPEN_MINUTE) & (minute < BUSINESS_CLOSE_MINUTE)
    return np.where(in_hours, 0.0, np.clip(wait, 0, None))


def business_minutes_between(start_local: pd.Series, end_local: pd.Series) -> np.ndarray:
    """Minutes inside business hours (Mon-Fri 08:00-18:00, bank holidays off) between two local times."""
    return _business_clock(end_local) - _business_clock(start_local)


def _business_clock(local: pd.Series) -> np.ndarray:
    """Business minutes elapsed since the start of the sample period, at each local time (NaN stays NaN)."""
    missing = local.isna().to_numpy()
    filled = local.fillna(START)
    day = filled.dt.normalize().to_numpy().astype("datetime64[D]")
    minute = (filled.dt.hour * 60 + filled.dt.minute + filled.dt.second / 60).to_numpy()
    origin = np.datetime64(START.date() - pd.Timedelta(days=60), "D")
    full_days = np.busday_count(origin, day, holidays=HOLIDAYS)
    today = np.where(np.is_busday(day, holidays=HOLIDAYS),
                     np.clip(minute, BUSINESS_OPEN_MINUTE, BUSINESS_CLOSE_MINUTE) - BUSINESS_OPEN_MINUTE, 0.0)
    clock = full_days * float(BUSINESS_CLOSE_MINUTE - BUSINESS_OPEN_MINUTE) + today
    return np.where(missing, np.nan, clock)
