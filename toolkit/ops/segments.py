"""Segments and periods shared by every measure: period starts, groups, labels, small-sample flags.

A *segment* is one combination of the ``by`` columns: a period (a ``freq`` bucket
computed in the client's time zone ``tz``), a team, a channel, a priority, a product,
an agent. Every measure in :mod:`toolkit.ops` (and the survey trends, for periods)
uses these helpers so that grouping, labelling and small-sample flags behave the same
way everywhere. Argument checks are in :mod:`toolkit.validation`, notes in
:mod:`toolkit.notes`.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from toolkit.notes import with_notes
from toolkit.schema import has_values
from toolkit.validation import FREQS, MIN_N

NOT_SET = "(not set)"
"""Label for tickets whose grouping column is empty, so they are counted, never dropped."""

_PANDAS_FREQ = dict(zip(FREQS, ("D", "W", "M", "Q", "Y"), strict=True))
_PERIOD_LABELS = {"day": "%Y-%m-%d", "week": "%Y-%m-%d", "month": "%Y-%m", "quarter": None, "year": "%Y"}


# --------------------------------------------------------------------------- periods


def local_times(times: pd.Series, tz: str) -> pd.Series:
    """UTC timestamps as naive wall-clock times in the client's time zone ``tz``."""
    if not isinstance(times.dtype, pd.DatetimeTZDtype):
        times = pd.to_datetime(times, utc=True)
    return times.dt.tz_convert(tz).dt.tz_localize(None)


def period_start(times: pd.Series, freq: str, tz: str = "UTC") -> pd.Series:
    """The start (naive local date-time) of the ``freq`` bucket each timestamp falls in, in ``tz``.

    Weeks start on Monday.

    >>> times = pd.Series(pd.to_datetime(["2026-03-31 23:30", "2026-04-01 08:00"], utc=True))
    >>> period_start(times, "month", "Europe/London").dt.strftime("%Y-%m-%d").tolist()
    ['2026-04-01', '2026-04-01']
    """
    local = local_times(times, tz)
    if freq == "day":
        return local.dt.floor("D").astype("datetime64[us]")
    if freq == "week":
        day = local.dt.floor("D")
        return (day - pd.to_timedelta(day.dt.day_of_week, unit="D")).astype("datetime64[us]")
    return local.dt.to_period(_PANDAS_FREQ[freq]).dt.start_time.astype("datetime64[us]")


def period_label(starts: pd.Series, freq: str) -> pd.Series:
    """Readable labels for period starts: 2026-01 (month), 2026Q1 (quarter), 2026-01-05 (week of)."""
    if freq == "quarter":
        return starts.dt.year.astype("str") + "Q" + starts.dt.quarter.astype("str")
    return starts.dt.strftime(_PERIOD_LABELS[freq])


# --------------------------------------------------------------------------- grouping


def segment_frame(
    tickets: pd.DataFrame,
    by: Sequence[str],
    *,
    freq: str | None,
    tz: str,
    time_column: str = "created_at",
) -> pd.DataFrame:
    """The grouping keys aligned with ``tickets``: one column per key used; notes in ``attrs``.

    ``period`` in ``by`` is the ``freq`` bucket (month when None) of ``time_column`` in the
    client's zone. A grouping column without any value is left out of the grouping with a
    note (the measure is then reported over all tickets instead of silently by an empty
    key); empty values in a column that has some are labelled :data:`NOT_SET`.
    """
    keys: dict[str, pd.Series] = {}
    skipped: list[str] = []
    for col in by:
        if col == "period":
            keys["period"] = period_start(tickets[time_column], freq or "month", tz)
        elif has_values(tickets, col):
            keys[col] = tickets[col].astype("str").fillna(NOT_SET)
        else:
            skipped.append(f"Grouping by `{col}` skipped: the tickets have no {col} values.")
    return with_notes(pd.DataFrame(keys, index=tickets.index), skipped)


def add_segment_label(frame: pd.DataFrame, used: Sequence[str], freq: str | None) -> pd.DataFrame:
    """Add a ``segment`` column: the group values joined with " | " ("all" without grouping)."""
    if not used:
        frame.insert(0, "segment", "all")
        return frame
    parts = []
    for col in used:
        if col == "period":
            parts.append(period_label(frame[col], freq or "month"))
        else:
            parts.append(frame[col].astype("str"))
    label = parts[0]
    for part in parts[1:]:
        label = label + " | " + part
    frame.insert(0, "segment", label.to_numpy())
    return frame


def flag_small(frame: pd.DataFrame, count_column: str, min_n: int = MIN_N) -> pd.DataFrame:
    """Add ``small_sample``: True where ``count_column`` is below ``min_n``."""
    frame["small_sample"] = frame[count_column].fillna(0).to_numpy() < min_n
    return frame
