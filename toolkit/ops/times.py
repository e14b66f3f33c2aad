"""First reply and resolution times (percentiles), and first-reply SLA attainment."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from toolkit.notes import notes as notes_of
from toolkit.notes import with_notes
from toolkit.ops.business_time import ScheduleSpec, on_clock
from toolkit.ops.facts import check_targets, resolution_minutes, target_minutes
from toolkit.ops.segments import add_segment_label, flag_small, segment_frame
from toolkit.schema import has_values
from toolkit.validation import check_by, check_freq, check_table, check_tz

TIME_COLUMNS = ["segment", "metric", "tickets", "mean", "median", "p75", "p90", "small_sample"]
SLA_COLUMNS = ["segment", "target_minutes", "tickets", "tickets_replied", "within_target", "sla_attainment",
               "helpdesk_sla_attainment", "small_sample"]


def response_times(
    tickets: pd.DataFrame,
    by: str | Sequence[str] | None = None,
    freq: str | None = None,
    tz: str = "UTC",
    *,
    schedule: ScheduleSpec | None = None,
) -> pd.DataFrame:
    """Median, 75th and 90th percentile (and mean) of first reply and resolution time, in minutes.

    - ``first_reply_minutes``: tickets with a first reply (``first_reply_minutes`` given).
    - ``full_resolution_minutes``: solved tickets (from ``full_resolution_minutes``, else
      ``solved_at - created_at``).

    Calendar minutes by default; with ``schedule`` (one schedule or a rule set, see
    :mod:`toolkit.ops.business_time`) business minutes. A note says which clock was used.

    Percentiles use linear interpolation (numpy's default). A metric without values is
    skipped with a note.

    Returns
    -------
    One row per segment x metric: ``segment``, the ``by`` columns, ``metric``, ``tickets``
    (measured tickets), ``mean``, ``median``, ``p75``, ``p90``, ``small_sample`` (< 30
    tickets: do not rank).
    """
    tickets = check_table(tickets, "tickets", argument="tickets")
    check_tz(tz)
    check_freq(freq, optional=True)
    keys = segment_frame(tickets, check_by(by), freq=freq, tz=tz)
    tickets = on_clock(tickets, schedule)
    clock, tickets.attrs = notes_of(tickets), {}  # pandas copies attrs into derived Series: keep notes out
    used, notes = list(keys.columns), notes_of(keys)
    metrics = {}
    if has_values(tickets, "first_reply_minutes"):
        metrics["first_reply_minutes"] = tickets["first_reply_minutes"].astype("float64")
    else:
        notes.append("First reply time skipped: the tickets have no first_reply_minutes values.")
    resolution = resolution_minutes(tickets)
    resolution_notes = notes_of(resolution)
    notes += resolution_notes
    if resolution.notna().any():
        metrics["full_resolution_minutes"] = resolution
    elif not resolution_notes:
        notes.append("Resolution time skipped: no solved ticket has a resolution time.")
    parts = []
    for name, values in metrics.items():
        frame = keys.assign(value=values.to_numpy())
        frame = frame[frame["value"].notna()]
        grouped = frame.groupby(used, sort=True)["value"] if used else frame.assign(_all=0).groupby("_all")["value"]
        stats = grouped.agg(tickets="size", mean="mean", median="median",
                            p75=lambda v: v.quantile(0.75), p90=lambda v: v.quantile(0.90)).reset_index()
        if not used:
            stats = stats.drop(columns="_all")
        stats.insert(len(used), "metric", name)
        parts.append(stats)
    notes += clock
    if not parts:
        return with_notes(pd.DataFrame(columns=TIME_COLUMNS), notes)
    out = pd.concat(parts, ignore_index=True)
    out["tickets"] = out["tickets"].astype("int64")
    out = flag_small(add_segment_label(out, used, freq), "tickets")
    return with_notes(out, notes)


def sla_attainment(
    tickets: pd.DataFrame,
    targets: Mapping[str, float] | None = None,
    by: str | Sequence[str] | None = "priority",
    freq: str | None = None,
    tz: str = "UTC",
    *,
    schedule: ScheduleSpec | None = None,
) -> pd.DataFrame:
    """Share of first replies within the SLA target for the ticket's priority.

    The first reply time is in calendar minutes by default; with ``schedule`` (one schedule
    or a rule set, see :mod:`toolkit.ops.business_time`) in business minutes, as helpdesks
    count SLAs on a business-hours schedule, and the targets are business minutes too. A
    note says which clock was used.

    ``targets`` maps priority to minutes and is merged over the defaults
    (:data:`toolkit.ops.facts.DEFAULT_FIRST_REPLY_TARGETS`: urgent 60, high 240, normal 480,
    low 1440). Tickets without a priority are held to the ``normal`` target. Tickets not
    replied to yet are not counted (``tickets`` - ``tickets_replied`` says how many).

    Returns
    -------
    One row per segment: ``segment``, the ``by`` columns, ``target_minutes`` (when grouping by
    priority, else empty), ``tickets``, ``tickets_replied``, ``within_target``,
    ``sla_attainment`` (within_target / tickets_replied), ``helpdesk_sla_attainment`` (share of
    tickets the helpdesk did not mark ``sla_breached``; empty when it has no such values) and
    ``small_sample`` (< 30 replied tickets).

    Examples
    --------
    >>> tickets = pd.DataFrame({"ticket_id": ["T1", "T2", "T3"], "status": "solved", "channel": "email",
    ...     "created_at": "2026-01-05T10:00Z", "priority": ["urgent", "urgent", None],
    ...     "first_reply_minutes": [30.0, 90.0, 100.0]})
    >>> sla_attainment(tickets)[["segment", "target_minutes", "tickets_replied", "sla_attainment"]]
         segment  target_minutes  tickets_replied  sla_attainment
    0  (not set)           480.0                1             1.0
    1     urgent            60.0                2             0.5
    """
    tickets = check_table(tickets, "tickets", argument="tickets")
    check_tz(tz)
    check_freq(freq, optional=True)
    merged = check_targets(targets)
    keys = segment_frame(tickets, check_by(by), freq=freq, tz=tz)
    used, notes = list(keys.columns), notes_of(keys)
    if not has_values(tickets, "first_reply_minutes"):
        out = pd.DataFrame(columns=SLA_COLUMNS)
        return with_notes(out, notes + ["SLA attainment skipped: the tickets have no first_reply_minutes values."])
    tickets = on_clock(tickets, schedule)
    clock, tickets.attrs = notes_of(tickets), {}  # pandas copies attrs into derived Series: keep notes out
    minutes = tickets["first_reply_minutes"].astype("float64")
    replied = minutes.notna()
    within = (minutes <= target_minutes(tickets, merged)) & replied
    breached_known = has_values(tickets, "sla_breached")
    frame = keys.assign(
        tickets=1, tickets_replied=replied.astype("int64").to_numpy(), within_target=within.astype("int64").to_numpy(),
        met_helpdesk=(~tickets["sla_breached"].astype("boolean")).astype("float64").to_numpy() if breached_known
        else np.nan)
    grouped = frame.groupby(used, sort=True) if used else frame.assign(_all=0).groupby("_all")
    out = grouped.agg(tickets=("tickets", "sum"), tickets_replied=("tickets_replied", "sum"),
                      within_target=("within_target", "sum"), helpdesk_sla_attainment=("met_helpdesk", "mean"))
    out = out.reset_index()
    if not used:
        out = out.drop(columns="_all")
    out["sla_attainment"] = out["within_target"] / out["tickets_replied"].replace(0, np.nan)
    # Tickets without a priority are held to the normal target: say so in their row too.
    out["target_minutes"] = (out["priority"].map(merged).fillna(merged["normal"]) if "priority" in used
                             else np.nan)
    if "priority" not in used:
        notes.append("Targets by priority: " + ", ".join(f"{k} {v:g} min" for k, v in merged.items()) + ".")
    if not breached_known:
        notes.append("helpdesk_sla_attainment empty: the tickets have no sla_breached values.")
    notes += clock
    out = flag_small(add_segment_label(out, used, freq), "tickets_replied")
    return with_notes(out[["segment", *used, *SLA_COLUMNS[1:]]], notes)
