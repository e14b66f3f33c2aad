"""Per-ticket facts that several measures share, each defined once here.

- *solved*: status ``solved`` or ``closed``. *Ever solved*: solved now, or has a
  ``solved_at``, or was reopened (it was solved at least once).
- *Resolution minutes*: ``full_resolution_minutes`` when the tickets carry it, else
  ``solved_at - created_at`` in minutes for solved tickets (with a note saying so).
- *Replies*: public agent and customer messages per ticket from ``messages`` when given
  (system messages and internal notes are not replies), else the tickets'
  ``agent_replies`` / ``customer_replies`` columns.
- *Satisfied* (CSAT per ticket, 1 satisfied / 0 not / missing): the ticket's latest CSAT
  survey response when ``survey_responses`` has one (top two boxes: >= 4 on 1-5, >= 6 on
  1-7, >= 9 on 0-10, 1 on binary), otherwise the ticket's ``satisfaction`` (good, 4, 5 are
  satisfied; bad, 1, 2, 3 are not).
- *First reply within target*: ``first_reply_minutes`` <= the target for the ticket's
  priority (:data:`DEFAULT_FIRST_REPLY_TARGETS`); tickets without a priority use the
  ``normal`` target.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from toolkit.notes import add_note, with_notes
from toolkit.notes import notes as notes_of
from toolkit.schema import has_values
from toolkit.validation import check_sla_targets, check_table

DEFAULT_FIRST_REPLY_TARGETS: dict[str, float] = {"urgent": 60.0, "high": 240.0, "normal": 480.0, "low": 1440.0}
"""Default first-reply SLA targets in calendar minutes by priority: urgent 1 h, high 4 h, normal 8 h, low 24 h.

Common helpdesk defaults; pass the client's own contract targets as ``targets`` wherever a
measure takes them."""

SOLVED_STATUSES = ("solved", "closed")
_SATISFIED_FROM = {"1-5": 4.0, "1-7": 6.0, "0-10": 9.0, "binary": 1.0}
SATISFACTION_VALUES = {"good": 1.0, "5": 1.0, "4": 1.0, "bad": 0.0, "3": 0.0, "2": 0.0, "1": 0.0}


def ticket_positions(tickets: pd.DataFrame, ticket_ids: pd.Series) -> np.ndarray:
    """Row position in ``tickets`` of each id in ``ticket_ids`` (-1 where the ticket is not there).

    Arrow's hash lookup: pandas' ``isin``/``map`` on string columns of 10^6-10^7 rows are
    several times slower, and every per-message measure starts with this join.
    """
    keys = pa.array(tickets["ticket_id"].astype("str"), from_pandas=True)
    values = pa.array(ticket_ids.astype("str"), from_pandas=True)
    return pc.fill_null(pc.index_in(values, value_set=keys), -1).to_numpy().astype(np.int64)


def is_solved(tickets: pd.DataFrame) -> pd.Series:
    """True for tickets whose status is solved or closed."""
    return tickets["status"].isin(SOLVED_STATUSES).fillna(False).astype(bool)


def ever_solved(tickets: pd.DataFrame) -> pd.Series:
    """True for tickets that were solved at least once (solved now, a solve time, or a reopen)."""
    result = is_solved(tickets)
    if "solved_at" in tickets.columns:
        result = result | tickets["solved_at"].notna()
    if has_values(tickets, "reopens"):
        result = result | (tickets["reopens"].fillna(0) > 0)
    return result.astype(bool)


def reopened(tickets: pd.DataFrame) -> pd.Series | None:
    """True where the ticket was reopened at least once; None when ``reopens`` has no values."""
    if not has_values(tickets, "reopens"):
        return None
    return (tickets["reopens"].fillna(0) > 0).astype(bool)


def resolution_minutes(tickets: pd.DataFrame) -> pd.Series:
    """Minutes from creation to final solve for solved tickets (NaN otherwise); notes in ``attrs``."""
    solved = is_solved(tickets)
    if has_values(tickets, "full_resolution_minutes"):
        return tickets["full_resolution_minutes"].astype("float64").where(solved)
    if has_values(tickets, "solved_at"):
        minutes = (tickets["solved_at"] - tickets["created_at"]).dt.total_seconds() / 60.0
        minutes = minutes.astype("float64").where(solved & (minutes >= 0))
        return add_note(minutes, "Resolution time derived from solved_at - created_at (no full_resolution_minutes "
                                 "given).")
    return add_note(pd.Series(np.nan, index=tickets.index),
                    "Resolution time skipped: the tickets have neither full_resolution_minutes nor solved_at values.")


FIRST_RESOLUTION_KEYS = ("first_resolution_minutes", "First resolution time in minutes")
"""Where a first-solve time can come from: a ``first_resolution_minutes`` column, or that key (or
Zendesk's "First resolution time in minutes") in the tickets' ``extra`` mapping."""


def first_resolution_minutes(tickets: pd.DataFrame) -> pd.Series:
    """Minutes from creation to the *first* solve (NaN when unknown); notes in ``attrs``.

    A reopened ticket's final resolution time includes the time after it came back, so it
    cannot show that the first solve was quick. The first-solve time is taken from a
    ``first_resolution_minutes`` column or the ``extra`` mapping (Zendesk exports carry it);
    otherwise tickets never reopened use their resolution time and reopened ones theirs too,
    with a note that this undercounts quick first solves that were reopened.
    """
    minutes = resolution_minutes(tickets)
    notes = notes_of(minutes)
    solved = minutes.notna()
    given = pd.Series(np.nan, index=tickets.index, dtype="float64")
    if has_values(tickets, "first_resolution_minutes"):
        given = pd.to_numeric(tickets["first_resolution_minutes"], errors="coerce").astype("float64")
    elif "extra" in tickets.columns:
        extra = tickets["extra"]
        nonempty = extra.map(lambda d: isinstance(d, dict) and bool(d)).to_numpy(dtype=bool)
        if nonempty.any():
            def pick(d):
                for key in FIRST_RESOLUTION_KEYS:
                    if key in d and d[key] not in (None, ""):
                        return d[key]
                return None
            given.loc[nonempty] = pd.to_numeric(extra[nonempty].map(pick), errors="coerce").astype("float64")
    if given.notna().any():
        return with_notes(given.where(solved & (given >= 0)).fillna(minutes.where(given.isna())), notes)
    again = reopened(tickets)
    if again is not None and (again & solved).any():
        notes.append("First-solve times unknown (no first_resolution_minutes): reopened tickets are timed to their "
                     "final solve, so quick first solves that were reopened are undercounted.")
    return with_notes(minutes, notes)


@dataclass(frozen=True)
class MessageFacts:
    """Per message, aligned with the messages table: the ticket's row in ``tickets`` (-1 when absent),
    and whether it is a public agent / public customer message of one of those tickets."""

    position: np.ndarray
    public_agent: np.ndarray
    public_customer: np.ndarray


def message_facts(tickets: pd.DataFrame, messages: pd.DataFrame) -> MessageFacts:
    """The join of messages to tickets that every per-message measure starts from (one hash pass)."""
    messages = check_table(messages, "messages", argument="messages")
    position = ticket_positions(tickets, messages["ticket_id"])
    public = messages["public"].fillna(False).to_numpy(dtype=bool) & (position >= 0)
    agent = (messages["author_role"] == "agent").to_numpy(dtype=bool)
    customer = (messages["author_role"] == "customer").to_numpy(dtype=bool)
    return MessageFacts(position, public & agent, public & customer)


def reply_counts(tickets: pd.DataFrame, messages: pd.DataFrame | None = None) -> pd.DataFrame:
    """Public agent and customer replies per ticket, aligned with ``tickets`` (NaN when unknown); notes in ``attrs``.

    Columns ``agent_replies`` and ``customer_replies`` (float, so unknown stays NaN).
    From ``messages`` when given: tickets without any message there count 0 replies.
    """
    if messages is not None:
        thread = message_facts(tickets, messages)
        n = len(tickets)
        agent = np.bincount(thread.position[thread.public_agent], minlength=n)
        customer = np.bincount(thread.position[thread.public_customer], minlength=n)
        out = pd.DataFrame({"agent_replies": agent.astype("float64"), "customer_replies": customer.astype("float64")},
                           index=tickets.index)
        return out
    out = pd.DataFrame(index=tickets.index)
    found = []
    for col in ("agent_replies", "customer_replies"):
        if has_values(tickets, col):
            out[col] = tickets[col].astype("float64")
            found.append(col)
        else:
            out[col] = np.nan
    missing = [c for c in ("agent_replies", "customer_replies") if c not in found]
    note = [f"Reply counts: no messages table and no {' / '.join(missing)} values on the tickets."] if missing else []
    return with_notes(out, note)


def ticket_csat(tickets: pd.DataFrame, survey_responses: pd.DataFrame | None = None) -> pd.Series:
    """Per ticket: 1.0 satisfied, 0.0 not satisfied, NaN without a rating; notes on the source in ``attrs``."""
    result = pd.Series(np.nan, index=tickets.index, dtype="float64")
    sources = []
    if survey_responses is not None:
        responses = check_table(survey_responses, "survey_responses", argument="survey_responses")
        linked = responses["ticket_id"].notna() if has_values(responses, "ticket_id") else False
        csat = responses[(responses["survey"] == "csat") & linked]
        if len(csat):
            cut = csat["scale"].map(_SATISFIED_FROM)
            satisfied = (csat["score"] >= cut).astype("float64").where(csat["score"].notna() & cut.notna())
            position = ticket_positions(tickets, csat["ticket_id"])
            keep = (position >= 0) & satisfied.notna().to_numpy()
            times = csat["submitted_at"].dt.tz_convert("UTC").dt.tz_localize(None).to_numpy(dtype="datetime64[us]")
            order = np.flatnonzero(keep)[np.argsort(times[keep], kind="stable")]
            # The latest response per ticket wins: keep the last occurrence of each position.
            last = order[::-1][np.unique(position[order[::-1]], return_index=True)[1]]
            values = np.full(len(tickets), np.nan)
            values[position[last]] = satisfied.to_numpy()[last]
            result = pd.Series(values, index=tickets.index)
            sources.append("CSAT survey responses")
    if has_values(tickets, "satisfaction"):
        rating = tickets["satisfaction"].astype("str").str.lower().map(SATISFACTION_VALUES).astype("float64")
        if result.isna().any() and rating.notna().any():
            result = result.fillna(rating)
            sources.append("ticket satisfaction ratings")
    if result.isna().all():
        return add_note(result, "CSAT skipped: no CSAT survey responses linked to tickets and no ticket satisfaction "
                                "values.")
    words = {"CSAT survey responses": "the CSAT survey answers",
             "ticket satisfaction ratings": "the helpdesk's satisfaction ratings"}
    source = ("the CSAT survey answers, and the helpdesk's satisfaction rating where a ticket has no answer"
              if len(sources) == 2 else words[sources[0]])
    return add_note(result, f"A ticket's CSAT comes from {source}: satisfied means one of the top two scores "
                            "(4-5 on 1-5) or 'good'.")


def check_targets(targets: Mapping[str, float] | None) -> dict[str, float]:
    """Complete ``targets`` with the defaults, raising :class:`ConfigError` for unknown priorities or bad minutes."""
    return {**DEFAULT_FIRST_REPLY_TARGETS, **check_sla_targets(targets, "targets")}


def target_minutes(tickets: pd.DataFrame, targets: Mapping[str, float]) -> pd.Series:
    """The first-reply target for each ticket's priority (``normal`` when the priority is empty)."""
    if "priority" not in tickets.columns:
        return pd.Series(targets["normal"], index=tickets.index, dtype="float64")
    codes, names = pd.factorize(tickets["priority"])
    minutes = np.array([targets.get(name, targets["normal"]) for name in names] + [targets["normal"]])
    return pd.Series(minutes[codes], index=tickets.index, dtype="float64")  # code -1 (empty) -> normal


def within_first_reply_target(tickets: pd.DataFrame, targets: Mapping[str, float]) -> pd.Series:
    """1.0 when the first reply met its target, 0.0 when late, NaN without a first reply."""
    minutes = tickets["first_reply_minutes"].astype("float64")
    return (minutes <= target_minutes(tickets, targets)).astype("float64").where(minutes.notna())
