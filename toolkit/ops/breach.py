"""Wow despite a breach: the SLA is not the experience (seed 003).

Among rated tickets whose first reply missed its SLA target, the share of satisfied customers
(``satisfied_despite_breach_share``); among rated tickets whose first reply met it, the share
of dissatisfied ones (``dissatisfied_despite_met_share``). Both come with Wilson intervals
(:func:`toolkit.survey.scores.wilson_interval`). When many customers are satisfied despite a
breach, or dissatisfied despite a met target, the SLA measures something customers do not
weigh much.

One definition of each part, reused: *met* is :func:`toolkit.ops.facts.within_first_reply_target`
(the first reply within the target for the ticket's priority, calendar or business minutes as
:func:`toolkit.ops.sla_attainment`); *satisfied* is :func:`toolkit.ops.facts.ticket_csat`. Tickets
without a first reply or without a rating are left out, with counts in the notes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from toolkit.notes import notes as notes_of
from toolkit.notes import with_notes
from toolkit.ops.business_time import ScheduleSpec, on_clock
from toolkit.ops.facts import check_targets, ticket_csat, within_first_reply_target
from toolkit.ops.segments import add_segment_label, segment_frame
from toolkit.survey.scores import wilson_interval
from toolkit.validation import MIN_N, check_by, check_confidence, check_min_n, check_table, check_tz, require_columns

BREACH_COLUMNS = ["rated", "breached", "satisfied_despite_breach", "satisfied_despite_breach_share",
                  "breach_low", "breach_high", "met", "dissatisfied_despite_met", "dissatisfied_despite_met_share",
                  "met_low", "met_high", "small_sample_breached", "small_sample_met"]


def breach_experience(
    tickets: pd.DataFrame,
    survey_responses: pd.DataFrame | None = None,
    by: str | Sequence[str] | None = "team",
    *,
    targets: Mapping[str, float] | None = None,
    tz: str = "UTC",
    schedule: ScheduleSpec | None = None,
    confidence: float = 0.95,
    min_n: int = MIN_N,
) -> pd.DataFrame:
    """Satisfied customers among SLA-breached tickets, dissatisfied ones among met tickets, by segment.

    Parameters
    ----------
    tickets : canonical tickets with ``first_reply_minutes``.
    survey_responses : canonical responses (CSAT joined by ``ticket_id``); without them CSAT
        comes from the tickets' ``satisfaction``.
    by : segment columns (default ``team``); None for one row over all tickets.
    targets : first-reply targets by priority in minutes (merged over the defaults).
    schedule : a business-hours schedule or rule set: the first reply on the business clock.
    min_n : a share resting on fewer rated tickets is flagged small (``small_sample_*``).

    Returns
    -------
    One row per segment: ``segment``, the ``by`` columns, ``rated`` (tickets with a first reply
    and a rating), ``breached``, ``satisfied_despite_breach``, ``satisfied_despite_breach_share``
    with ``breach_low``/``breach_high``, ``met``, ``dissatisfied_despite_met``,
    ``dissatisfied_despite_met_share`` with ``met_low``/``met_high``, ``small_sample_breached``
    and ``small_sample_met``.

    Examples
    --------
    >>> tickets = pd.DataFrame({"ticket_id": ["1", "2", "3", "4"], "status": "solved", "channel": "email",
    ...     "created_at": "2026-01-05T09:00Z", "priority": "urgent", "team": "A",
    ...     "first_reply_minutes": [30.0, 30.0, 90.0, 90.0], "satisfaction": ["bad", "good", "good", "bad"]})
    >>> row = breach_experience(tickets, min_n=1).iloc[0]
    >>> int(row["breached"]), float(row["satisfied_despite_breach_share"]), float(row["dissatisfied_despite_met_share"])
    (2, 0.5, 0.5)
    """
    tickets = check_table(tickets, "tickets", argument="tickets")
    require_columns(tickets, ["first_reply_minutes"], "tickets")
    check_tz(tz)
    confidence, min_n = check_confidence(confidence), check_min_n(min_n)
    merged = check_targets(targets)
    keys = segment_frame(tickets, check_by(by), freq=None, tz=tz)
    used, notes = list(keys.columns), notes_of(keys)
    tickets = on_clock(tickets, schedule)
    clock, tickets.attrs = notes_of(tickets), {}  # pandas copies attrs into derived Series: keep notes out
    within = within_first_reply_target(tickets, merged)
    satisfied = ticket_csat(tickets, survey_responses)
    notes += notes_of(satisfied) + clock
    known = (within.notna() & satisfied.notna()).to_numpy()
    no_reply = int((satisfied.notna() & within.isna()).sum())
    if no_reply:
        notes.append(f"{no_reply} rated tickets without a first reply are left out of the SLA comparison.")
    met = within.to_numpy()[known] == 1.0
    good = satisfied.to_numpy()[known] == 1.0
    frame = keys[known].assign(rated=1, breached=(~met).astype("int64"), met=met.astype("int64"),
                               satisfied_despite_breach=(~met & good).astype("int64"),
                               dissatisfied_despite_met=(met & ~good).astype("int64"))
    counts = ["rated", "breached", "satisfied_despite_breach", "met", "dissatisfied_despite_met"]
    grouped = frame.groupby(used, sort=True) if used else frame.assign(_all=0).groupby("_all")
    out = grouped[counts].sum().reset_index().drop(columns="_all", errors="ignore")
    if not used and out.empty:
        out = pd.DataFrame({c: [0] for c in counts})
    out["satisfied_despite_breach_share"] = out["satisfied_despite_breach"] / out["breached"].replace(0, np.nan)
    out["breach_low"], out["breach_high"] = wilson_interval(out["satisfied_despite_breach"], out["breached"],
                                                            confidence)
    out["dissatisfied_despite_met_share"] = out["dissatisfied_despite_met"] / out["met"].replace(0, np.nan)
    out["met_low"], out["met_high"] = wilson_interval(out["dissatisfied_despite_met"], out["met"], confidence)
    out["small_sample_breached"] = out["breached"] < min_n
    out["small_sample_met"] = out["met"] < min_n
    out = add_segment_label(out, used, None)
    return with_notes(out[["segment", *used, *BREACH_COLUMNS]], notes)
