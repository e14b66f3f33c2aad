"""Which periods of a time series the data covers only in part, so charts leave them out and say so.

A last week holding three days of tickets looks like a collapse; a first month that starts
mid-month looks like a slow month. Trend figures take the data's ``span`` (first and last
day with data, see :attr:`toolkit.report.inputs.Engagement.span`) and drop the periods it
does not cover whole (:func:`choose`); the figure's caption names them. When fewer than two
whole periods would remain, every period is kept and the caption says which are partial.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from toolkit import formatting

_LENGTHS = ((1, "day"), (7, "week"), (31, "month"), (92, "quarter"), (366, "year"))


def period_length(periods: Sequence) -> str | None:
    """The period length (day/week/month/quarter/year) of a series of period starts, from their spacing."""
    starts = pd.DatetimeIndex(pd.to_datetime(pd.Series(periods).dropna().unique())).sort_values()
    if len(starts) < 2:
        return None
    gap = pd.Series(starts[1:] - starts[:-1]).dt.days.median()
    return next((name for days, name in _LENGTHS if gap <= days), "year")


def _period_end(start: pd.Timestamp, freq: str) -> pd.Timestamp:
    offsets = {"day": pd.DateOffset(days=1), "week": pd.DateOffset(days=7), "month": pd.DateOffset(months=1),
               "quarter": pd.DateOffset(months=3), "year": pd.DateOffset(years=1)}
    return start + offsets[freq]


def complete(periods: pd.Series, span: tuple | None, freq: str | None = None) -> pd.Series:
    """True for each period start in ``periods`` whose whole period lies inside ``span`` (first day, last day).

    Without a span (or a length that cannot be told) every period counts as complete.
    """
    periods = pd.to_datetime(pd.Series(periods, index=getattr(periods, "index", None)))
    freq = freq or period_length(periods)
    if span is None or freq is None or not len(periods):
        return pd.Series(True, index=periods.index)
    first = pd.Timestamp(span[0]).tz_localize(None).normalize()
    after_last = pd.Timestamp(span[1]).tz_localize(None).normalize() + pd.Timedelta(days=1)
    starts = periods.dt.tz_localize(None) if periods.dt.tz is not None else periods
    ends = starts.map(lambda s: _period_end(s, freq))
    return (starts >= first) & (ends <= after_last)


def _named(periods: pd.Series, chosen: pd.Series, freq: str | None) -> tuple[str, int]:
    """The chosen periods' labels joined ("Oct 2025 and Oct 2026"), and how many there are."""
    picked = sorted(pd.to_datetime(pd.Series(periods)[chosen.to_numpy()]).unique())
    freq = freq or period_length(periods) or "day"
    names = [formatting.period(p, freq) for p in picked]
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1] if names else ""
    return listed, len(names)


def left_out_sentence(periods: pd.Series, keep: pd.Series, freq: str | None = None) -> str:
    """" Left out: Oct 2025 and Oct 2026 (the data covers only part of them)." or "" when nothing was dropped."""
    listed, n = _named(periods, ~keep, freq)
    if not n:
        return ""
    return f" Left out: {listed} (the data covers only part of {'it' if n == 1 else 'them'})."


def choose(periods: pd.Series, span: tuple | None, freq: str | None = None) -> tuple[pd.Series, str]:
    """(which periods to draw, the sentence the caption adds) for a trend over ``periods``.

    Partial periods are dropped while at least two whole ones remain; otherwise all are drawn
    and the sentence names the partial ones.
    """
    keep = complete(periods, span, freq)
    if keep.all():
        return keep, ""
    if _named(periods, keep, freq)[1] >= 2:
        return keep, left_out_sentence(periods, keep, freq)
    listed, _ = _named(periods, ~keep, freq)
    return pd.Series(True, index=keep.index), f" Only partly covered by the data: {listed}."
