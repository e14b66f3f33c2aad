"""Segments shared by every operations measure: input checks, periods, groups, notes.

A *segment* is one combination of the ``by`` columns: a period (computed in the
client's time zone), a team, a channel, a priority, a product, an agent. Every
measure in :mod:`toolkit.ops` accepts ``by`` and ``tz`` and uses these helpers so
that grouping, labelling, small-sample flags and skip notes behave the same way
everywhere.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from toolkit.errors import ConfigError, DataError
from toolkit.schema import DATETIME_DTYPE, TABLES, has_values, validate

MIN_SAMPLE = 30
"""Segments with fewer tickets (or responses) than this are flagged ``small_sample``."""

NOT_SET = "(not set)"
"""Label for tickets whose grouping column is empty, so they are counted, never dropped."""

PERIODS = {"day": "D", "week": "W", "month": "M", "quarter": "Q", "year": "Y"}
_PERIOD_LABELS = {"day": "%Y-%m-%d", "week": "%Y-%m-%d", "month": "%Y-%m", "quarter": None, "year": "%Y"}
GROUPABLE = ("period", "team", "channel", "priority", "product", "assignee", "organization_id")


# --------------------------------------------------------------------------- notes


def add_note(frame: pd.DataFrame, text: str) -> pd.DataFrame:
    """Append one sentence to ``frame.attrs["notes"]`` (the skip/caveat convention of toolkit.ops)."""
    frame.attrs.setdefault("notes", [])
    if text not in frame.attrs["notes"]:
        frame.attrs["notes"].append(text)
    return frame


def notes(frame: pd.DataFrame) -> list[str]:
    """The notes a measure attached to its result (skipped parts, caveats); empty when none."""
    return list(frame.attrs.get("notes", []))


def with_notes(frame: pd.DataFrame, texts: Sequence[str]) -> pd.DataFrame:
    """Attach several notes at once and return the frame."""
    for text in texts:
        add_note(frame, text)
    return frame


# --------------------------------------------------------------------------- input checks


def check_table(frame: pd.DataFrame | None, table: str, *, argument: str) -> pd.DataFrame:
    """Return ``frame`` in canonical form, validating only when it is not canonical already.

    A frame with every required column and tz-aware timestamps is trusted (validation of
    10^6 rows is not free); anything else goes through :func:`toolkit.schema.validate`,
    whose :class:`DataError` names the missing column or bad rows.
    """
    if not isinstance(frame, pd.DataFrame):
        raise DataError(f"`{argument}` must be a pandas DataFrame of canonical {table}, got {type(frame).__name__}",
                        table=table, fix=f"load it with toolkit.io or pass toolkit.schema.validate(frame, {table!r})")
    spec = TABLES[table]
    times = [c.name for c in spec.columns if c.kind == "datetime" and c.name in frame.columns]
    canonical = all(c in frame.columns for c in spec.required) and all(
        isinstance(frame[c].dtype, pd.DatetimeTZDtype) for c in times)
    if canonical:
        return frame
    return validate(frame, table)


def check_tz(tz: str) -> str:
    """Raise :class:`ConfigError` unless ``tz`` is a time zone name pandas knows."""
    try:
        pd.Timestamp(0, tz=tz)
    except Exception:
        raise ConfigError(f"unknown time zone {tz!r}", key="tz",
                          fix="pass an IANA name such as 'Europe/London' or 'America/New_York'") from None
    return tz


def check_period(period: str | None) -> str | None:
    if period is None or period in PERIODS:
        return period
    raise ConfigError(f"unknown period {period!r}", key="period", fix=f"use one of {', '.join(PERIODS)} or None")


def as_list(by: str | Sequence[str] | None) -> list[str]:
    if by is None:
        return []
    return [by] if isinstance(by, str) else list(by)


def check_by(by: str | Sequence[str] | None, allowed: Sequence[str] = GROUPABLE) -> list[str]:
    """Return ``by`` as a list, raising :class:`ConfigError` for a column that cannot segment."""
    columns = as_list(by)
    for col in columns:
        if col not in allowed:
            raise ConfigError(f"cannot group by {col!r}", key="by", fix=f"use any of {', '.join(allowed)}")
    return columns


def check_positive(value: float, key: str, *, integer: bool = False) -> None:
    ok = isinstance(value, int | float | np.integer | np.floating) and value > 0 and math.isfinite(value)
    if integer:
        ok = ok and float(value).is_integer()
    if not ok:
        raise ConfigError(f"{key} must be a positive {'whole ' if integer else ''}number, got {value!r}", key=key,
                          fix=f"pass e.g. {key}=7" if integer else f"pass a number above 0 for {key}")


# --------------------------------------------------------------------------- periods


def local_times(times: pd.Series, tz: str) -> pd.Series:
    """UTC timestamps as naive wall-clock times in the client's time zone ``tz``."""
    if not isinstance(times.dtype, pd.DatetimeTZDtype):
        times = pd.to_datetime(times, utc=True)
    return times.dt.tz_convert(tz).dt.tz_localize(None)


def period_start(times: pd.Series, period: str, tz: str) -> pd.Series:
    """The start (naive local date-time) of the ``period`` each UTC timestamp falls in, in ``tz``."""
    local = local_times(times, tz)
    if period == "day":
        return local.dt.floor("D")
    if period == "week":
        day = local.dt.floor("D")
        return day - pd.to_timedelta(day.dt.day_of_week, unit="D")
    return local.dt.to_period(PERIODS[period]).dt.start_time.astype("datetime64[us]")


def period_label(starts: pd.Series, period: str) -> pd.Series:
    """Readable labels for period starts: 2026-01 (month), 2026Q1 (quarter), 2026-01-05 (week of)."""
    if period == "quarter":
        return starts.dt.year.astype("str") + "Q" + starts.dt.quarter.astype("str")
    return starts.dt.strftime(_PERIOD_LABELS[period])


# --------------------------------------------------------------------------- grouping


def segment_frame(
    tickets: pd.DataFrame,
    by: Sequence[str],
    *,
    period: str | None,
    tz: str,
    time_column: str = "created_at",
) -> tuple[pd.DataFrame, list[str], list[str]]:
    """Return (frame of grouping keys aligned with ``tickets``, the key names used, notes).

    ``period`` in ``by`` is computed from ``time_column`` in the client's zone. A grouping
    column without any value is left out of the grouping with a note (the measure is then
    reported over all tickets instead of silently by an empty key); empty values in a
    column that has some are labelled :data:`NOT_SET`.
    """
    keys: dict[str, pd.Series] = {}
    used: list[str] = []
    skipped: list[str] = []
    for col in by:
        if col == "period":
            keys["period"] = period_start(tickets[time_column], period or "month", tz)
            used.append("period")
        elif has_values(tickets, col):
            keys[col] = tickets[col].astype("str").fillna(NOT_SET)
            used.append(col)
        else:
            skipped.append(f"Grouping by `{col}` skipped: the tickets have no {col} values.")
    return pd.DataFrame(keys, index=tickets.index), used, skipped


def add_segment_label(frame: pd.DataFrame, used: Sequence[str], period: str | None) -> pd.DataFrame:
    """Add a ``segment`` column: the group values joined with " | " ("all" without grouping)."""
    if not used:
        frame.insert(0, "segment", "all")
        return frame
    parts = []
    for col in used:
        if col == "period":
            parts.append(period_label(frame[col], period or "month"))
        else:
            parts.append(frame[col].astype("str"))
    label = parts[0]
    for part in parts[1:]:
        label = label + " | " + part
    frame.insert(0, "segment", label.to_numpy())
    return frame


def flag_small(frame: pd.DataFrame, count_column: str, min_sample: int = MIN_SAMPLE) -> pd.DataFrame:
    """Add ``small_sample``: True where ``count_column`` is below ``min_sample``."""
    frame["small_sample"] = frame[count_column].fillna(0).to_numpy() < min_sample
    return frame


def empty_result(columns: Sequence[str], note: str) -> pd.DataFrame:
    """An empty result with the documented columns and a note saying why."""
    frame = pd.DataFrame({c: pd.Series(dtype="float64") for c in columns})
    return add_note(frame, note)


def utc(values) -> pd.Series:
    """Coerce to the canonical timestamp dtype (used for hand-made inputs in helpers)."""
    return pd.to_datetime(values, utc=True).astype(DATETIME_DTYPE)
