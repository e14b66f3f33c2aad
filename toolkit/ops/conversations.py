"""Conversation quality: back-and-forth, one-touch and first-contact resolution, reopens,
too-quick resolutions that came back, and incomplete problem sets (customers who left).

Definitions (used by every function here and by :func:`toolkit.ops.watermelon`):

- **agent replies** (the measure of back-and-forth here): public agent messages on a
  ticket, every one counted, so two agent messages in a row are two replies. From
  ``messages`` when given, else the tickets' ``agent_replies``. This is not the number of
  *exchanges* (customer turns answered, where a run of consecutive agent messages would
  count once): the helpdesk exports carry reply counts, not turns, and the two agree
  whenever agent and customer alternate. ``additional_exchanges`` in
  :func:`toolkit.ops.hedging_association` is agent replies beyond the first, likewise.
- **one-touch resolution**: a solved ticket with exactly one agent reply.
- **first-contact resolution (FCR)**: a one-touch ticket that was never reopened.
- **long conversation**: more than ``long_after`` agent replies (default 4).
- **reopen rate**: share of tickets solved at least once that were reopened.
- **too quick**: a solved ticket whose *first* solve came faster than the ``quantile``
  (default 10th percentile) of first-solve times of tickets with the same priority and
  channel (falling back to the priority, then to all solved tickets, when a group has fewer
  than 30), *and* that came back: it was reopened, or the same requester opened a new ticket
  on the same topic within ``within_days`` after the solve. Speeds are compared within
  priority and channel because a chat solved in 5 minutes is normal and an e-mail is not.
  First-solve time: see :func:`toolkit.ops.facts.first_resolution_minutes`.
- **same topic**: the new ticket's subject or description names the earlier ticket's id
  (e.g. "#100183"); or else every check that can be made passes, and at least one can be
  made: same ``product`` (when both tickets have one), and subjects at least
  ``min_similarity`` alike (Jaccard overlap of their word sets after lower-casing and
  dropping Re:/Fwd: prefixes, numbers, English stop words and support filler such as
  "again", "urgent", "help"; when both subjects have words).
- **incomplete problem set**: a finished ticket (solved or closed) where the customer left
  before the problem was worked through: *left before reply* (no public agent reply at all,
  e.g. a chat abandoned in the queue) or *left after a question* (an agent asked something —
  a public message containing "?", courtesy questions such as "anything else?" aside —
  after the customer's last public message, and the customer never answered: the typical
  abandoned chat). The second needs ``messages``; without it only the first is measured,
  with a note.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from scipy import sparse
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS
from statsmodels.stats.proportion import proportion_confint

from toolkit.errors import ConfigError
from toolkit.notes import add_note, with_notes
from toolkit.notes import notes as notes_of
from toolkit.ops.business_time import CALENDAR_NOTE, ScheduleSpec, business_times, clock_note, load_schedules
from toolkit.ops.facts import (
    MessageFacts,
    ever_solved,
    first_resolution_minutes,
    is_solved,
    message_facts,
    reopened,
    reply_counts,
)
from toolkit.ops.segments import NOT_SET, add_segment_label, flag_small, segment_frame
from toolkit.schema import has_values
from toolkit.validation import MIN_N, check_by, check_freq, check_positive, check_table, check_tz

SUMMARY_COLUMNS = ["segment", "tickets", "solved", "mean_agent_replies", "median_agent_replies",
                   "mean_customer_replies", "one_touch_rate", "fcr_rate", "long_conversation_rate", "reopen_rate",
                   "small_sample"]
INCOMPLETE_COLUMNS = ["segment", "finished", "incomplete", "incomplete_rate", "ci_low", "ci_high",
                      "left_before_reply", "left_after_question", "small_sample"]
TOO_QUICK_COLUMNS = ["segment", "solved", "fast", "fast_came_back", "too_quick_rate", "came_back_rate_fast",
                     "came_back_rate_other", "small_sample"]


def _grouped(frame: pd.DataFrame, used: list[str]):
    return frame.groupby(used, sort=True) if used else frame.assign(_all=0).groupby("_all")


def _finish(out: pd.DataFrame, used: list[str], freq: str | None, count: str, notes: list[str],
            columns: list[str]) -> pd.DataFrame:
    out = out.reset_index()
    if "_all" in out.columns:
        out = out.drop(columns="_all")
    out = flag_small(add_segment_label(out, used, freq), count)
    return with_notes(out[["segment", *used, *columns[1:]]], notes)


def conversation_summary(
    tickets: pd.DataFrame,
    messages: pd.DataFrame | None = None,
    by: str | Sequence[str] | None = None,
    freq: str | None = None,
    tz: str = "UTC",
    long_after: int = 4,
) -> pd.DataFrame:
    """Back-and-forth, one-touch resolution, FCR, long conversations and reopen rate per segment.

    See the module docstring for the definitions. Rates are shares: ``one_touch_rate`` and
    ``fcr_rate`` of solved tickets with known replies, ``long_conversation_rate`` of tickets
    with known replies, ``reopen_rate`` of tickets solved at least once. A rate whose input
    is missing (no replies, no ``reopens``) is left empty with a note.

    Returns
    -------
    One row per segment with ``segment``, the ``by`` columns, ``tickets``, ``solved``,
    ``mean_agent_replies``, ``median_agent_replies``, ``mean_customer_replies``,
    ``one_touch_rate``, ``fcr_rate``, ``long_conversation_rate``, ``reopen_rate`` and
    ``small_sample`` (< 30 tickets).
    """
    tickets = check_table(tickets, "tickets", argument="tickets")
    check_tz(tz)
    check_freq(freq, optional=True)
    check_positive(long_after, "long_after", integer=True)
    keys = segment_frame(tickets, check_by(by), freq=freq, tz=tz)
    used, notes = list(keys.columns), notes_of(keys)
    replies = reply_counts(tickets, messages)
    reply_notes = notes_of(replies)
    notes += reply_notes
    solved = is_solved(tickets)
    agent = replies["agent_replies"]
    known = agent.notna()
    again = reopened(tickets)
    if again is None:
        notes.append("Reopen rate and FCR skipped: the tickets have no reopens values.")
    frame = keys.assign(
        tickets=1,
        solved=solved.astype("int64").to_numpy(),
        agent_replies=agent.to_numpy(),
        customer_replies=replies["customer_replies"].to_numpy(),
        one_touch=((agent == 1).astype("float64").where(solved & known)).to_numpy(),
        fcr=(((agent == 1) & ~again).astype("float64").where(solved & known)).to_numpy() if again is not None
        else np.nan,
        long=((agent > long_after).astype("float64").where(known)).to_numpy(),
        reopened=(again.astype("float64").where(ever_solved(tickets))).to_numpy() if again is not None else np.nan,
    )
    out = _grouped(frame, used).agg(
        tickets=("tickets", "sum"), solved=("solved", "sum"), mean_agent_replies=("agent_replies", "mean"),
        median_agent_replies=("agent_replies", "median"), mean_customer_replies=("customer_replies", "mean"),
        one_touch_rate=("one_touch", "mean"), fcr_rate=("fcr", "mean"), long_conversation_rate=("long", "mean"),
        reopen_rate=("reopened", "mean"))
    if not solved.any():
        notes.append("No solved tickets: one-touch and FCR rates are empty.")
    return _finish(out, used, freq, "tickets", notes, SUMMARY_COLUMNS)


def reply_distribution(
    tickets: pd.DataFrame,
    messages: pd.DataFrame | None = None,
    by: str | Sequence[str] | None = None,
    cap: int = 10,
    tz: str = "UTC",
    freq: str | None = None,
) -> pd.DataFrame:
    """How many tickets had 0, 1, 2, ... public replies, for agents and for customers.

    Returns one row per segment x role x replies with ``segment``, the ``by`` columns,
    ``role`` (agent / customer), ``replies`` (``cap`` stands for ``cap`` or more), ``tickets``
    and ``share`` (of the segment's tickets with known replies for that role).
    """
    tickets = check_table(tickets, "tickets", argument="tickets")
    check_tz(tz)
    check_positive(cap, "cap", integer=True)
    keys = segment_frame(tickets, check_by(by), freq=freq, tz=tz)
    used, notes = list(keys.columns), notes_of(keys)
    replies = reply_counts(tickets, messages)
    reply_notes = notes_of(replies)
    notes += reply_notes
    parts = []
    for role in ("agent", "customer"):
        counts = replies[f"{role}_replies"]
        frame = keys.assign(replies=counts.clip(upper=cap).to_numpy())[counts.notna().to_numpy()]
        if frame.empty:
            continue
        frame["replies"] = frame["replies"].astype("int64")
        dist = frame.groupby([*used, "replies"], sort=True).size().rename("tickets").reset_index()
        dist.insert(len(used), "role", role)
        parts.append(dist)
    if not parts:
        return with_notes(pd.DataFrame(columns=["segment", "role", "replies", "tickets", "share"]), notes)
    out = pd.concat(parts, ignore_index=True)
    totals = out.groupby([*used, "role"])["tickets"].transform("sum")
    out["share"] = out["tickets"] / totals
    out = add_segment_label(out, used, freq)
    return with_notes(out, notes)


def too_quick_tickets(
    tickets: pd.DataFrame,
    quantile: float = 0.10,
    within_days: float = 7,
    min_similarity: float = 0.5,
    *,
    schedule: ScheduleSpec | None = None,
) -> pd.DataFrame:
    """Per solved ticket: was it solved unusually fast, and did it come back?

    "Fast" is judged on the calendar clock, or on business hours with ``schedule`` (the
    same clock as :func:`toolkit.ops.sla_attainment`; a note says which); the follow-up
    window ``within_days`` is always calendar days.

    Returns one row per solved ticket with a resolution time: ``ticket_id``, ``priority``,
    ``resolution_minutes`` (to the first solve, on that clock), ``fast_threshold_minutes``
    (the ``quantile`` for its priority and channel),
    ``fast``, ``reopened``, ``followup_ticket_id`` (the first new ticket from the same
    requester on the same topic within ``within_days`` of the solve, else empty),
    ``came_back`` (reopened or followed up) and ``too_quick`` (fast and came back).
    """
    tickets = check_table(tickets, "tickets", argument="tickets")
    flags = _too_quick_flags(tickets, quantile, within_days, min_similarity, schedule)
    measured = flags["resolution_minutes"].notna().to_numpy()
    out = flags[measured].reset_index(drop=True)
    if out.empty:
        out = out.astype({"fast": bool, "reopened": bool, "came_back": bool, "too_quick": bool})
    return with_notes(out, flags.attrs.get("notes", []))


def _too_quick_flags(tickets: pd.DataFrame, quantile: float, within_days: float,
                     min_similarity: float, schedule: ScheduleSpec | None) -> pd.DataFrame:
    """The too-quick columns for every ticket, aligned with ``tickets`` (unsolved rows empty).

    Speed is compared on the chosen clock; the follow-up window starts at the first solve,
    an instant, so it is found from the calendar minutes.
    """
    if not 0 < quantile < 1:
        raise ConfigError(f"quantile must be between 0 and 1, got {quantile!r}", key="quantile",
                          fix="pass e.g. quantile=0.10 for the 10th percentile")
    check_positive(within_days, "within_days")
    if not 0 <= min_similarity <= 1:
        raise ConfigError(f"min_similarity must be between 0 and 1, got {min_similarity!r}", key="min_similarity",
                          fix="pass e.g. min_similarity=0.5")
    calendar = first_resolution_minutes(tickets)
    notes = notes_of(calendar)
    minutes = calendar
    if schedule is None:
        notes.append(CALENDAR_NOTE)
    else:
        plans = load_schedules(schedule)
        times = business_times(tickets, plans)
        minutes = times["first_resolution_business_minutes"].where(calendar.notna())
        notes.append(clock_note(plans, times["schedule"]))
    measured = minutes.notna()
    priority = (tickets["priority"].fillna(NOT_SET) if "priority" in tickets.columns
                else pd.Series(NOT_SET, index=tickets.index)).astype("str")
    channel = tickets["channel"].fillna(NOT_SET).astype("str")
    threshold = pd.Series(np.nan, index=tickets.index)
    followup = pd.Series(pd.NA, index=tickets.index, dtype="str")
    again = reopened(tickets)
    if not measured.any():
        notes.append("Too-quick resolutions skipped: no solved ticket with a resolution time.")
    else:
        threshold = _fast_thresholds(minutes, measured, priority, channel, quantile)
        if again is None:
            notes.append("Reopens unknown (no reopens values): only follow-up tickets count as coming back.")
        followup = _followups(tickets, calendar, within_days, min_similarity)
        follow_notes = notes_of(followup)
        notes += follow_notes
    if again is None:
        again = pd.Series(False, index=tickets.index)
    fast = (minutes < threshold) & measured
    came_back = (again | followup.notna()) & measured
    out = pd.DataFrame({
        "ticket_id": tickets["ticket_id"], "priority": priority, "resolution_minutes": minutes,
        "fast_threshold_minutes": threshold, "fast": fast, "reopened": again.astype(bool),
        "followup_ticket_id": followup, "came_back": came_back, "too_quick": fast & came_back,
    })
    return with_notes(out, notes)


def _fast_thresholds(minutes: pd.Series, measured: pd.Series, priority: pd.Series, channel: pd.Series,
                     quantile: float) -> pd.Series:
    """The ``quantile`` of first-solve minutes per priority x channel, else per priority, else overall."""
    solved = pd.DataFrame({"m": minutes[measured], "p": priority[measured], "c": channel[measured]})
    overall = solved["m"].quantile(quantile)
    result = pd.Series(overall, index=minutes.index, dtype="float64")
    for keys in (["p"], ["p", "c"]):  # finer groups overwrite coarser ones where they have enough tickets
        grouped = solved.groupby(keys)["m"]
        cut = grouped.quantile(quantile)[grouped.size() >= MIN_N]
        if cut.empty:
            continue
        lookup = pd.MultiIndex.from_arrays([priority, channel][:len(keys)]) if len(keys) > 1 else priority
        found = pd.Series(cut.reindex(lookup).to_numpy(), index=minutes.index)
        result = found.fillna(result)
    return result


def too_quick(
    tickets: pd.DataFrame,
    by: str | Sequence[str] | None = None,
    freq: str | None = None,
    tz: str = "UTC",
    quantile: float = 0.10,
    within_days: float = 7,
    min_similarity: float = 0.5,
    *,
    schedule: ScheduleSpec | None = None,
) -> pd.DataFrame:
    """Too-quick resolutions per segment, and whether fast solves come back more than others.

    Returns one row per segment with ``segment``, the ``by`` columns, ``solved`` (solved
    tickets with a resolution time), ``fast``, ``fast_came_back``, ``too_quick_rate``
    (fast_came_back / solved), ``came_back_rate_fast`` (fast_came_back / fast),
    ``came_back_rate_other`` (came back among the other solved tickets) and
    ``small_sample`` (< 30 solved). See :func:`too_quick_tickets` for the rule and ``schedule``.
    """
    tickets = check_table(tickets, "tickets", argument="tickets")
    check_tz(tz)
    check_freq(freq, optional=True)
    keys = segment_frame(tickets, check_by(by), freq=freq, tz=tz)
    used, notes = list(keys.columns), notes_of(keys)
    flags = _too_quick_flags(tickets, quantile, within_days, min_similarity, schedule)
    notes += flags.attrs.get("notes", [])
    measured = flags["resolution_minutes"].notna().to_numpy()
    if not measured.any():
        return with_notes(pd.DataFrame(columns=TOO_QUICK_COLUMNS), notes)
    fast = flags["fast"].to_numpy()
    back = flags["came_back"].to_numpy()
    frame = keys[measured].assign(
        solved=1, fast=fast[measured].astype("int64"), fast_came_back=(fast & back)[measured].astype("int64"),
        other_back=np.where(fast, np.nan, back.astype("float64"))[measured])
    out = _grouped(frame, used).agg(solved=("solved", "sum"), fast=("fast", "sum"),
                                    fast_came_back=("fast_came_back", "sum"),
                                    came_back_rate_other=("other_back", "mean"))
    out["too_quick_rate"] = out["fast_came_back"] / out["solved"]
    out["came_back_rate_fast"] = out["fast_came_back"] / out["fast"].replace(0, np.nan)
    return _finish(out, used, freq, "solved", notes, TOO_QUICK_COLUMNS)


def _followups(tickets: pd.DataFrame, minutes: pd.Series, within_days: float, min_similarity: float,
               lookahead: int = 5) -> pd.Series:
    """First later ticket (id) from the same requester on the same topic within the window, per solved ticket.

    Looks at the next ``lookahead`` tickets of the same requester (in creation order): linear
    in the number of tickets, never pairwise over all of them. Notes in ``attrs``.
    """
    result = pd.Series(pd.NA, index=tickets.index, dtype="str")
    if not has_values(tickets, "requester_id"):
        return add_note(result, "Follow-up tickets skipped: the tickets have no requester_id values.")
    use_product, use_subject = has_values(tickets, "product"), has_values(tickets, "subject")
    notes = []
    if not (use_product or use_subject):
        notes.append("Topic unknown (no product or subject values): any new ticket from the same requester "
                     "within the window counts as a follow-up.")
    solved_time = tickets["created_at"] + pd.to_timedelta(minutes, unit="min")
    requester_codes = pd.factorize(tickets["requester_id"])[0]
    created_all = _naive_utc(tickets["created_at"])
    solved_all = _naive_utc(solved_time)
    known = np.flatnonzero(requester_codes >= 0)
    pos = known[np.lexsort((created_all[known].view("int64"), requester_codes[known]))]  # by requester, then time
    requester, created, solved = requester_codes[pos], created_all[pos], solved_all[pos]
    window = np.timedelta64(int(within_days * 86400 * 1e6), "us")
    n = len(pos)
    found = np.full(n, -1, dtype=np.int64)
    pairs_a, pairs_b, pairs_k = [], [], []
    for k in range(1, lookahead + 1):  # a handful of vectorised passes, one per lookahead step
        a = np.arange(n - k)
        b = a + k
        candidate = (requester[a] == requester[b]) & ~np.isnat(solved[a])
        candidate &= (created[b] > solved[a]) & (created[b] <= solved[a] + window)
        idx = np.flatnonzero(candidate)
        pairs_a.append(idx)
        pairs_b.append(idx + k)
        pairs_k.append(np.full(idx.size, k))
    a_all, b_all = np.concatenate(pairs_a), np.concatenate(pairs_b)
    if a_all.size:
        pa_pos, pb_pos = pos[a_all], pos[b_all]
        product = pd.factorize(tickets["product"])[0] if use_product else None  # -1 where empty
        involved = np.unique(np.concatenate([pa_pos, pb_pos]))
        vectors = _subject_vectors(tickets["subject"].iloc[involved]) if use_subject else None
        same = _same_topic(pa_pos, pb_pos, product, vectors, np.searchsorted(involved, pa_pos),
                           np.searchsorted(involved, pb_pos), min_similarity)
        same |= _names_earlier_ticket(tickets, pa_pos, pb_pos)
        hit_a, hit_b = a_all[same], b_all[same]
        first = np.lexsort((hit_b, hit_a))  # earliest follow-up for each solved ticket
        hit_a, hit_b = hit_a[first], hit_b[first]
        keep = np.r_[True, hit_a[1:] != hit_a[:-1]] if hit_a.size else np.array([], dtype=bool)
        found[hit_a[keep]] = hit_b[keep]
    has = found >= 0
    values = np.full(len(tickets), None, dtype=object)
    values[pos[has]] = tickets["ticket_id"].take(pos[found[has]]).to_numpy(dtype=object)
    return with_notes(pd.Series(values, index=tickets.index, dtype="str"), notes)


def _names_earlier_ticket(tickets: pd.DataFrame, pa_pos: np.ndarray, pb_pos: np.ndarray) -> np.ndarray:
    """Whether ticket b's subject or description contains ticket a's id as a word ("#100183", "ticket 100183")."""
    texts = []
    for col in ("subject", "description"):
        if has_values(tickets, col):
            texts.append(tickets[col].take(pb_pos).fillna("").astype("str").to_numpy(dtype=object))
    if not texts:
        return np.zeros(len(pa_pos), dtype=bool)
    ids = tickets["ticket_id"].take(pa_pos).astype("str").to_numpy(dtype=object)
    # Candidate pairs are few (same requester, inside the window): a plain loop over them is cheap.
    found = np.fromiter((any(_mentions(text[i], ids[i]) for text in texts) for i in range(len(ids))), dtype=bool,
                        count=len(ids))
    return found


def _mentions(text: str, ticket_id: str) -> bool:
    start = text.find(ticket_id)
    while start >= 0:
        before = text[start - 1] if start else " "
        end = start + len(ticket_id)
        after = text[end] if end < len(text) else " "
        if not before.isalnum() and not after.isalnum():
            return True
        start = text.find(ticket_id, start + 1)
    return False


def _naive_utc(times: pd.Series) -> np.ndarray:
    """datetime64[us] values in UTC (tz-aware columns would otherwise become slow object arrays)."""
    times = pd.Series(times)
    if isinstance(times.dtype, pd.DatetimeTZDtype):
        times = times.dt.tz_convert("UTC").dt.tz_localize(None)
    return times.to_numpy(dtype="datetime64[us]")


# English stop words plus support filler that says nothing about the topic ("Again: ...", "Urgent").
SUBJECT_FILLER = frozenset({"again", "still", "broken", "help", "issue", "problem", "question", "query", "request",
                            "urgent", "please", "hi", "hello", "thanks", "ticket", "support", "follow", "followup",
                            "update", "asap"})
_STOP_WORDS = pa.array(sorted(ENGLISH_STOP_WORDS | SUBJECT_FILLER))


def _subject_vectors(subjects: pd.Series) -> sparse.csr_matrix:
    """Binary word-presence rows for subjects (lower-cased, Re:/Fwd: and digits dropped, stop words removed).

    Tokenised with Arrow's vectorised string kernels rather than scikit-learn's
    CountVectorizer, whose per-document Python analyzer takes ~15 s per million subjects.
    """
    text = pc.utf8_lower(pa.array(subjects.fillna("").astype("str"), from_pandas=True))
    text = pc.replace_substring_regex(text, r"^\s*((re|fwd?|aw|sv)\s*:\s*)+", "")
    text = pc.utf8_trim_whitespace(pc.replace_substring_regex(text, r"[^\pL]+", " "))
    tokens = pc.split_pattern(text, " ")
    words = pc.list_flatten(tokens)
    rows = pc.list_parent_indices(tokens)
    keep = pc.and_(pc.greater_equal(pc.utf8_length(words), 2), pc.invert(pc.is_in(words, value_set=_STOP_WORDS)))
    words, rows = pc.filter(words, keep), pc.filter(rows, keep)
    codes = pc.dictionary_encode(words).indices.to_numpy(zero_copy_only=False)
    rows = rows.to_numpy(zero_copy_only=False)
    matrix = sparse.csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, codes)),
                               shape=(len(subjects), int(codes.max()) + 1 if len(codes) else 1))
    matrix.sum_duplicates()
    matrix.data[:] = 1.0
    return matrix


def _same_topic(pa_pos: np.ndarray, pb_pos: np.ndarray, product, vectors, va: np.ndarray, vb: np.ndarray,
                min_similarity: float) -> np.ndarray:
    """Whether each pair (positions in tickets; ``va``/``vb`` rows in ``vectors``) is about the same topic."""
    checked = np.zeros(len(pa_pos), dtype=bool)
    ok = np.ones(len(pa_pos), dtype=bool)
    if product is not None:
        both = (product[pa_pos] >= 0) & (product[pb_pos] >= 0)
        checked |= both
        ok &= ~both | (product[pa_pos] == product[pb_pos])
    if vectors is not None:
        xa, xb = vectors[va], vectors[vb]
        inter = np.asarray(xa.multiply(xb).sum(axis=1)).ravel()
        size_a, size_b = np.diff(xa.indptr), np.diff(xb.indptr)
        both = (size_a > 0) & (size_b > 0)
        union = size_a + size_b - inter
        similarity = np.divide(inter, union, out=np.zeros(len(pa_pos)), where=union > 0)
        checked |= both
        ok &= ~both | (similarity >= min_similarity)
    if product is None and vectors is None:
        return ok
    return ok & checked


def incomplete_conversations(
    tickets: pd.DataFrame,
    messages: pd.DataFrame | None = None,
    by: str | Sequence[str] | None = "channel",
    freq: str | None = None,
    tz: str = "UTC",
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Incomplete problem sets: finished tickets where the customer left before a resolution.

    See the module docstring for the rule. Compare channels (the default ``by``): a chat
    channel with a much higher rate than e-mail loses customers midway.

    Returns
    -------
    One row per segment with ``segment``, the ``by`` columns, ``finished`` (solved or closed
    tickets), ``incomplete``, ``incomplete_rate`` with its Wilson ``ci_low``/``ci_high``,
    ``left_before_reply``, ``left_after_question`` (empty without messages) and
    ``small_sample`` (< 30 finished tickets).
    """
    tickets = check_table(tickets, "tickets", argument="tickets")
    check_tz(tz)
    check_freq(freq, optional=True)
    keys = segment_frame(tickets, check_by(by), freq=freq, tz=tz)
    used, notes = list(keys.columns), notes_of(keys)
    finished = is_solved(tickets)
    thread = None if messages is None else message_facts(tickets, messages)
    if thread is None:
        replies = reply_counts(tickets, None)
        reply_notes = notes_of(replies)
        agent = replies["agent_replies"]
    else:
        reply_notes = []
        agent = pd.Series(np.bincount(thread.position[thread.public_agent], minlength=len(tickets)),
                          index=tickets.index, dtype="float64")
    if agent.isna().all():
        out = pd.DataFrame(columns=INCOMPLETE_COLUMNS)
        return with_notes(out, notes + reply_notes + ["Incomplete problem sets skipped: no replies known."])
    before = (agent == 0) & finished
    if messages is not None:
        after = _left_after_question(tickets, messages, thread) & finished & ~before
    else:
        after = pd.Series(np.nan, index=tickets.index)
        notes.append("Without a messages table only customers who left before any agent reply are counted "
                     "(left_after_question is empty).")
    incomplete = before | (after.fillna(0).astype(bool))
    frame = keys.assign(finished=finished.astype("int64").to_numpy(),
                        incomplete=(incomplete & finished).astype("int64").to_numpy(),
                        before=before.astype("int64").to_numpy(),
                        after=after.astype("float64").where(finished).to_numpy())
    out = _grouped(frame, used).agg(finished=("finished", "sum"), incomplete=("incomplete", "sum"),
                                    left_before_reply=("before", "sum"), left_after_question=("after", "sum"))
    if messages is None:
        out["left_after_question"] = np.nan
    out["incomplete_rate"] = out["incomplete"] / out["finished"].replace(0, np.nan)
    low, high = proportion_confint(out["incomplete"].to_numpy(), out["finished"].clip(lower=1).to_numpy(),
                                   alpha=1 - confidence, method="wilson")
    out["ci_low"] = np.where(out["finished"] > 0, low, np.nan)
    out["ci_high"] = np.where(out["finished"] > 0, high, np.nan)
    return _finish(out, used, freq, "finished", notes, INCOMPLETE_COLUMNS)


_COURTESY_QUESTION = (r"[^.!?\n]*\b(?:anything else|any other questions?|any further questions?|anything more)\b"
                      r"[^.!?\n]*\?")


def _left_after_question(tickets: pd.DataFrame, messages: pd.DataFrame, thread: MessageFacts) -> pd.Series:
    """True where an agent asked something after the customer's last public message.

    A question is a public agent message containing "?" once courtesy questions ("Is there
    anything else I can help with?") are removed. Follow-ups without a question mark ("I
    haven't heard back, I'll close this chat") do not undo an unanswered question.
    """
    position, agent, customer = thread.position, thread.public_agent, thread.public_customer
    times = _naive_utc(messages["created_at"]).view("int64")
    body = pa.array(messages["body"][agent].fillna("").astype("str"), from_pandas=True)
    asks = pc.match_substring(body, "?").to_numpy(zero_copy_only=False).astype(bool)
    courtesy = np.flatnonzero(asks)
    if courtesy.size:  # the slower regex runs only on messages with a question mark
        cleaned = pc.replace_substring_regex(pc.utf8_lower(pc.take(body, pa.array(courtesy))), _COURTESY_QUESTION, "")
        asks[courtesy] = pc.match_substring(cleaned, "?").to_numpy(zero_copy_only=False)
    question = np.zeros(len(messages), dtype=bool)
    question[np.flatnonzero(agent)] = asks
    n = len(tickets)
    never = np.iinfo(np.int64).min
    last_question = np.full(n, never)
    last_customer = np.full(n, never)
    np.maximum.at(last_question, position[question], times[question])
    np.maximum.at(last_customer, position[customer], times[customer])
    return pd.Series((last_question > never) & (last_question > last_customer), index=tickets.index)
