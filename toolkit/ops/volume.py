"""Ticket volume and backlog over time."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from toolkit.notes import notes as notes_of
from toolkit.notes import with_notes
from toolkit.ops.facts import is_solved
from toolkit.ops.segments import add_segment_label, period_start, segment_frame
from toolkit.schema import has_values
from toolkit.validation import check_by, check_freq, check_table, check_tz

VOLUME_COLUMNS = ["segment", "period", "created", "solved", "open_at_period_end"]


def volume(
    tickets: pd.DataFrame,
    by: str | Sequence[str] | None = None,
    freq: str = "month",
    tz: str = "UTC",
) -> pd.DataFrame:
    """Tickets created and solved per period, and the backlog open at each period's end.

    - ``created``: tickets created in the period.
    - ``solved``: tickets whose final solve (``solved_at``, status solved/closed) falls in the period.
    - ``open_at_period_end``: tickets created up to the period's end and not solved by then
      (backlog). Solved tickets without ``solved_at`` cannot be placed in time: they count in
      ``created`` only and are left out of the backlog (a note says how many).

    Periods start in the client's time zone ``tz``; every period between the first and the
    last event appears, with zeros where nothing happened.

    Parameters
    ----------
    tickets : canonical tickets.
    by : extra segment columns besides the period (team, channel, priority, product, assignee).
    freq : day, week, month, quarter or year.
    tz : the client's time zone, e.g. "Europe/London".

    Returns
    -------
    DataFrame with ``segment``, ``period`` (naive local start), one column per ``by``,
    ``created``, ``solved``, ``open_at_period_end``; notes in ``attrs["notes"]``.
    """
    tickets = check_table(tickets, "tickets", argument="tickets")
    check_tz(tz)
    check_freq(freq)
    keys_wanted = [c for c in check_by(by) if c != "period"]
    keys = segment_frame(tickets, keys_wanted, freq=freq, tz=tz)
    used, notes = list(keys.columns), notes_of(keys)
    solved = is_solved(tickets)
    has_time = tickets["solved_at"].notna() if has_values(tickets, "solved_at") else pd.Series(False, tickets.index)
    placed = solved & has_time
    unplaced = int((solved & ~has_time).sum())
    if unplaced:
        notes.append(f"{unplaced} solved tickets have no solved_at: counted as created, left out of solved "
                     "and of the backlog.")

    created_period = period_start(tickets["created_at"], freq, tz)
    events = [keys.assign(period=created_period, created=1, solved=0, backlog_in=(~(solved & ~has_time)).astype(int))]
    if placed.any():
        solved_period = period_start(tickets.loc[placed, "solved_at"], freq, tz)
        events.append(keys[placed].assign(period=solved_period, created=0, solved=1, backlog_in=0))
    frame = pd.concat(events, ignore_index=True)
    counts = frame.groupby(used + ["period"], sort=True)[["created", "solved", "backlog_in"]].sum()

    if len(counts) == 0:
        out = pd.DataFrame(columns=VOLUME_COLUMNS)
        return with_notes(out, notes + ["No tickets to count."])
    all_periods = _period_range(frame["period"], freq)
    groups = counts.index.droplevel("period").unique() if used else None
    if used:
        grid = pd.MultiIndex.from_tuples(
            [(*(g if isinstance(g, tuple) else (g,)), p) for g in groups for p in all_periods],
            names=used + ["period"])
    else:
        grid = pd.Index(all_periods, name="period")
    counts = counts.reindex(grid, fill_value=0)
    cum = counts.groupby(level=used, sort=False).cumsum() if used else counts.cumsum()
    counts["open_at_period_end"] = (cum["backlog_in"] - cum["solved"]).astype("int64")
    out = counts.drop(columns="backlog_in").reset_index()
    out = add_segment_label(out, used, freq)
    out = out[["segment", "period", *used, "created", "solved", "open_at_period_end"]]
    out[["created", "solved"]] = out[["created", "solved"]].astype("int64")
    return with_notes(out.reset_index(drop=True), notes)


def _period_range(starts: pd.Series, freq: str) -> pd.DatetimeIndex:
    first, last = starts.min(), starts.max()
    step = {"day": "D", "week": "7D", "month": "MS", "quarter": "QS", "year": "YS"}[freq]
    return pd.date_range(first, last, freq=step, unit="us")
