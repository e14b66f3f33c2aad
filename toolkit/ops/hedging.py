"""Language of agent replies: hedging, false hope and over-apology (seed 004, "On certainty in support").

Each **kind** of language is a section of one lexicon (``hedging_lexicon.yaml`` beside this
module; pass your own file to extend it) and is measured by the same three functions:
:func:`language` marks replies, :func:`language_summary` ranks agents or teams,
:func:`language_association` compares outcomes (back-and-forth, reopens, CSAT) of tickets
with and without such a reply. :func:`hedging`, :func:`hedging_summary` and
:func:`hedging_association` are the same calls for ``kind="hedging"``.

- ``hedging`` (column ``hedged``): uncertain wording about a fix ("should", "looks like").
- ``false_hope`` (column ``false_hope``): a promise without commitment ("I've passed your
  feedback on", "I've recorded your vote", "we'll consider it").
- ``over_apology`` (column ``over_apology``): apologising beyond one plain "sorry" ("I'm so
  sorry", "apologies for any inconvenience", "sorry again").

A reply has a kind when, after removing that kind's guard phrases ("should you need
anything", "no need to apologise", ...) and, where the section says ``ignore_quoted: true``,
quoted text (lines starting with ">" and text in quotation marks: the customer's words
repeated back), it still contains one of the kind's phrases as whole words,
case-insensitively. Only public agent messages are replies; internal notes and customer
messages are not looked at.

Speed: guard removal and the hedged/not-hedged test are single vectorised regular
expressions over the whole column (Arrow-backed strings); only the hedged replies are then
scanned for which phrases matched.
"""

from __future__ import annotations

import os
import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from scipy import stats
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint, test_proportions_2indep

from toolkit.errors import ConfigError, DataError
from toolkit.files import read_yaml
from toolkit.notes import notes as notes_of
from toolkit.notes import with_notes
from toolkit.ops.facts import ever_solved, reopened, ticket_csat, ticket_positions
from toolkit.ops.segments import NOT_SET, flag_small
from toolkit.pii import redact
from toolkit.schema import has_values
from toolkit.validation import MIN_N, check_min_n, check_table

DEFAULT_LEXICON = Path(str(resources.files("toolkit.ops").joinpath("hedging_lexicon.yaml")))
KINDS = {"hedging": "hedged", "false_hope": "false_hope", "over_apology": "over_apology"}
"""Each kind of language and the reply column that marks it; the summary's columns are
``<column>_replies`` and ``<column>_share`` (``hedged_share``... in :mod:`toolkit.vocabulary`)."""
REPLY_COLUMNS = ["ticket_id", "message_id", "author", "created_at", "hedged", "matched_phrases", "rewrite", "body"]
SUMMARY_COLUMNS = ["segment", "replies", "hedged_replies", "hedged_share", "ci_low", "ci_high", "small_sample",
                   "rank", "top_phrases", "example", "example_rewrite"]
ASSOCIATION_COLUMNS = ["outcome", "exposure", "with_phrase", "without_phrase", "difference", "ci_low", "ci_high",
                       "p_value", "tickets_with", "tickets_without", "small_sample", "note"]
# Text the customer wrote, repeated in a reply: quoted e-mail lines and text in quotation marks.
QUOTED_PATTERN = r'(?m:^[ \t]*>.*$)|"[^"\n]{0,400}"|\x{201C}[^\x{201D}\n]{0,400}\x{201D}'


@dataclass(frozen=True)
class Lexicon:
    """One kind's phrases, guard phrases and rewrites ({phrase: instead}), all lower-case.

    ``ignore_quoted``: quoted text (see :data:`QUOTED_PATTERN`) is removed like a guard.
    """

    phrases: tuple[str, ...]
    guards: tuple[str, ...]
    rewrites: tuple[tuple[str, str], ...]
    ignore_quoted: bool = False
    kind: str = "hedging"

    @property
    def column(self) -> str:
        """The reply column that marks this kind (``hedged`` for hedging)."""
        return KINDS[self.kind]

    def _alternation(self, items: Sequence[str]) -> str:
        ordered = sorted(set(items), key=lambda p: (-len(p), p))  # longest first: "should now be" before "should"
        return "|".join(r"\s+".join(re.escape(w) for w in p.split()) for p in ordered)

    @property
    def phrase_pattern(self) -> str:
        return rf"(?i)\b(?:{self._alternation(self.phrases)})\b"

    @property
    def guard_pattern(self) -> str | None:
        parts = [rf"\b(?:{self._alternation(self.guards)})\b"] if self.guards else []
        parts += [QUOTED_PATTERN] if self.ignore_quoted else []
        return f"(?i){'|'.join(parts)}" if parts else None

    @property
    def rewrite_pattern(self) -> str | None:
        return rf"(?i)\b(?:{self._alternation([h for h, _ in self.rewrites])})\b" if self.rewrites else None


def load_lexicon(path: str | Path | None = None, kind: str = "hedging") -> Lexicon:
    """Read one kind's section of a lexicon YAML file (default: the bundled ``hedging_lexicon.yaml``).

    Hedging is at the top of the file: ``phrases`` (list of strings, required), ``guards``
    (list of strings) and ``rewrites`` (list of {hedge, certain}). Every other kind of
    :data:`KINDS` is a section named after it (``false_hope:``, ``over_apology:``) with the same
    keys (rewrites as {phrase, instead}) and ``ignore_quoted`` (true: quoted text is not
    matched). A malformed file raises :class:`ConfigError` naming the key and the fix.
    """
    if kind not in KINDS:
        raise ConfigError(f"unknown kind of language {kind!r}", key="kind", fix=f"use one of {', '.join(KINDS)}")
    path = str(path or DEFAULT_LEXICON)
    try:
        stamp = os.stat(path).st_mtime_ns
    except OSError:
        stamp = None  # let the reader raise the error with the fix
    return _load_lexicon(path, stamp, kind)


@lru_cache(maxsize=16)
def _load_lexicon(path: str, stamp: int | None, kind: str) -> Lexicon:
    """Read and check one kind of one lexicon file (cached per path, modification time and kind)."""
    data = read_yaml(path, what="hedging lexicon")
    if not isinstance(data, dict):
        raise ConfigError("the hedging lexicon must be a mapping with `phrases`", file=path,
                          fix="start the file with `phrases:` followed by a list")
    prefix = ""
    if kind != "hedging":
        section = data.get(kind)
        if not isinstance(section, dict):
            raise ConfigError(f"the lexicon has no `{kind}` section", file=path, key=kind,
                              fix=f"add `{kind}:` with `phrases:` (see the bundled {DEFAULT_LEXICON.name}), "
                                  "or leave the lexicon out to use the bundled one")
        data, prefix = section, f"{kind}."

    def strings(key: str, required: bool) -> tuple[str, ...]:
        values = data.get(key)
        if values is None and not required:
            return ()
        if not isinstance(values, list) or not values or not all(isinstance(v, str) and v.strip() for v in values):
            raise ConfigError(f"`{key}` must be a non-empty list of phrases", file=path, key=prefix + key,
                              fix=f"write `{key}:` followed by lines like `  - looks like`")
        return tuple(" ".join(v.lower().split()) for v in values)

    # Hedging's rewrites say {hedge, certain}; the other kinds' {phrase, instead}.
    said, instead = ("hedge", "certain") if kind == "hedging" else ("phrase", "instead")
    rewrites = data.get("rewrites") or []
    if not isinstance(rewrites, list) or not all(
            isinstance(r, dict) and isinstance(r.get(said), str) and isinstance(r.get(instead), str)
            for r in rewrites):
        raise ConfigError(f"`rewrites` must be a list of {{{said}, {instead}}} pairs", file=path,
                          key=prefix + "rewrites",
                          fix=f"write entries like `  - {said}: should now be` / `    {instead}: is now`")
    ignore_quoted = data.get("ignore_quoted", False)
    if not isinstance(ignore_quoted, bool):
        raise ConfigError("`ignore_quoted` must be true or false", file=path, key=prefix + "ignore_quoted",
                          fix="write `ignore_quoted: true` to leave quoted customer text out of the matching")
    better = {}
    for r in rewrites:  # the first rewrite given for a phrase wins
        better.setdefault(" ".join(r[said].lower().split()), r[instead])
    return Lexicon(strings("phrases", True), strings("guards", False), tuple(better.items()), ignore_quoted, kind)


def language(messages: pd.DataFrame, kind: str = "hedging", lexicon: str | Path | Lexicon | None = None
             ) -> pd.DataFrame:
    """Mark each public agent reply as having one kind of language or not, with the phrases that matched.

    Parameters
    ----------
    messages : canonical messages.
    kind : a key of :data:`KINDS`: ``hedging``, ``false_hope`` or ``over_apology``.
    lexicon : a :class:`Lexicon` (its own kind is used), the path of a lexicon YAML file, or
        None for the bundled one.

    Returns
    -------
    One row per public agent reply: ``ticket_id``, ``message_id``, ``author``, ``created_at``,
    the kind's column (``hedged``, ``false_hope`` or ``over_apology``: bool),
    ``matched_phrases`` (tuple of the lexicon phrases found, in lexicon order; empty when the
    reply has none), ``rewrite`` (categorical: the first rewrite that applies, e.g. "should now
    be -> is now (after verifying)", else "") and ``body``.

    Examples
    --------
    >>> messages = pd.DataFrame({"message_id": ["M1", "M2"], "ticket_id": ["T1", "T2"],
    ...     "created_at": pd.to_datetime(["2026-01-05 10:00"] * 2, utc=True), "author_role": "agent",
    ...     "public": True, "body": ["I've passed your feedback on to the team.",
    ...                              'You wrote "we will consider it", and we did: it ships in May.']})
    >>> language(messages, "false_hope")["false_hope"].tolist()
    [True, False]
    """
    lex = lexicon if isinstance(lexicon, Lexicon) else load_lexicon(lexicon, kind)
    return _mark(messages, lex)


def hedging(messages: pd.DataFrame, lexicon: str | Path | Lexicon | None = None) -> pd.DataFrame:
    """:func:`language` for ``kind="hedging"``: each public agent reply, ``hedged`` or not.

    Examples
    --------
    >>> messages = pd.DataFrame({"message_id": ["M1", "M2", "M3"], "ticket_id": ["T1", "T1", "T2"],
    ...     "created_at": pd.to_datetime(["2026-01-05 10:00"] * 3, utc=True), "author_role": "agent",
    ...     "public": True, "body": ["That should fix it.", "It is fixed.", "Maybe try again?"]})
    >>> hedging(messages)["hedged"].tolist()
    [True, False, True]
    """
    return language(messages, "hedging", lexicon)


def _mark(messages: pd.DataFrame, lex: Lexicon) -> pd.DataFrame:
    messages = check_table(messages, "messages", argument="messages")
    public = messages["public"].fillna(False).astype(bool)
    replies = messages.loc[(messages["author_role"] == "agent") & public].reset_index(drop=True)
    body = replies["body"].fillna("").astype("str")
    # Case-insensitive patterns ((?i), RE2) instead of a lower-cased copy of every reply.
    text = pa.array(body, from_pandas=True)
    flagged = _matches(text, lex.phrase_pattern)
    text_flagged = pc.filter(text, pa.array(flagged))
    if lex.guard_pattern and flagged.any():
        # Removing guards can only clear a match: only candidates that contain a guard need the second pass.
        candidates = np.flatnonzero(flagged)
        guarded = _matches(text_flagged, lex.guard_pattern)
        if guarded.any():
            cleared = pc.replace_substring_regex(pc.filter(text_flagged, pa.array(guarded)), lex.guard_pattern, " # ")
            still = np.ones(len(candidates), dtype=bool)
            still[guarded] = _matches(cleared, lex.phrase_pattern)
            flagged[candidates[~still]] = False
            text_flagged = pc.filter(pc.replace_with_mask(text_flagged, pa.array(guarded), cleared), pa.array(still))
    matched = np.empty(len(replies), dtype=object)
    matched.fill(())  # one shared empty tuple: cheap for millions of unhedged replies
    if lex.kind == "hedging":  # a certain wording to put in the hedge's place
        suggestions = [f"{h} -> {c} (after verifying)" for h, c in lex.rewrites]
    else:  # advice on what to write instead of the phrase
        suggestions = [f"Instead of “{h}”: {c.strip('()')}." for h, c in lex.rewrites]
    rewrite = np.full(len(replies), len(suggestions), dtype=np.int64)  # code of "" (no rewrite)
    if flagged.any():
        flagged_text = text_flagged
        found = _phrases_found(flagged_text, lex)
        packed = np.packbits(found, axis=1)
        width = -(-packed.shape[1] // 8) * 8
        packed = np.pad(packed, ((0, 0), (0, width - packed.shape[1]))).view(np.uint64)
        if packed.shape[1] == 1:
            _, first_row, inverse = np.unique(packed[:, 0], return_index=True, return_inverse=True)
        else:  # more than 64 phrases: compare rows of several words
            _, first_row, inverse = np.unique(packed, axis=0, return_index=True, return_inverse=True)
        combos = found[first_row]
        names = pd.Series([tuple(p for p, on in zip(lex.phrases, row, strict=True) if on) for row in combos],
                          dtype=object).to_numpy()
        matched[flagged] = names[inverse.ravel()]
        if lex.rewrite_pattern:
            first = pc.struct_field(pc.extract_regex(flagged_text, f"(?P<hedge>{lex.rewrite_pattern})"), [0])
            first = pc.utf8_lower(pc.replace_substring_regex(first, r"\s+", " "))
            hedges = [h for h, _ in lex.rewrites]
            which = pc.fill_null(pc.index_in(first, value_set=pa.array(hedges)), len(hedges))
            rewrite[flagged] = which.to_numpy(zero_copy_only=False)
    missing = pd.Series(pd.NA, index=replies.index, dtype="str")
    out = pd.DataFrame({
        "ticket_id": replies["ticket_id"], "message_id": replies.get("message_id", missing),
        "author": replies.get("author", missing), "created_at": replies["created_at"], lex.column: flagged,
        "matched_phrases": matched, "rewrite": pd.Categorical.from_codes(rewrite, categories=[*suggestions, ""]),
        "body": body,
    })
    if out.empty:
        with_notes(out, ["No public agent replies in the messages table."])
    return out


def _matches(text: pa.Array, pattern: str) -> np.ndarray:
    return pc.match_substring_regex(text, pattern).to_numpy(zero_copy_only=False).astype(bool)


def _phrases_found(text: pa.Array, lex: Lexicon, max_rounds: int = 64) -> np.ndarray:
    """Boolean matrix (texts x lexicon phrases): which phrases each text contains.

    Each round extracts the leftmost match of the whole alternation from the texts that still
    match, then removes it: a few vectorised passes over a shrinking set (most replies hedge
    once or twice) instead of one pass per phrase.
    """
    found = np.zeros((len(text), len(lex.phrases)), dtype=bool)
    phrases = pa.array(list(lex.phrases))
    rows = np.arange(len(text))
    remaining = text
    pattern = f"(?P<hedge>{lex.phrase_pattern})"
    for _ in range(max_rounds):
        match = pc.struct_field(pc.extract_regex(remaining, pattern), [0])
        hit = pc.is_valid(match).to_numpy(zero_copy_only=False)
        if not hit.any():
            break
        mask = pa.array(hit)
        phrase = pc.utf8_lower(pc.replace_substring_regex(pc.filter(match, mask), r"\s+", " "))
        found[rows[hit], pc.index_in(phrase, value_set=phrases).to_numpy(zero_copy_only=False)] = True
        rows = rows[hit]
        # Replaced by a mark, not a space, so that removing a phrase cannot join two words into another.
        remaining = pc.replace_substring_regex(pc.filter(remaining, mask), lex.phrase_pattern, " # ",
                                               max_replacements=1)
    return found


def language_summary(
    replies: pd.DataFrame,
    kind: str = "hedging",
    tickets: pd.DataFrame | None = None,
    by: str = "author",
    min_n: int = MIN_N,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Share of agent replies with one kind of language per agent or team, ranked, with a redacted example.

    Parameters
    ----------
    replies : the frame :func:`language` returns for ``kind``.
    kind : a key of :data:`KINDS`; the columns below are named after its reply column
        (``hedged_replies``, ``false_hope_share``, ...).
    tickets : canonical tickets, needed when ``by`` is a ticket column (``team``, ``channel``...).
    by : ``author`` (the agent who wrote the reply) or a ticket column such as ``team``.
    min_n : segments with fewer replies are flagged ``small_sample`` and not ranked.

    Returns
    -------
    One row per segment, highest share first: ``segment``, ``replies``, ``<column>_replies``,
    ``<column>_share`` with its Wilson ``ci_low``/``ci_high``, ``small_sample``, ``rank`` (1 =
    highest share among segments with enough replies; empty for small ones), ``top_phrases``
    (e.g. "should (41), looks like (12)"), ``example`` (the sentence with the segment's
    earliest match, PII-redacted) and ``example_rewrite`` (the rewrite for it).
    """
    column = _check_replies(replies, kind)
    check_min_n(min_n)
    notes: list[str] = []
    if by == "author":
        codes, labels = pd.factorize(replies["author"], sort=True)
        if not has_values(replies, "author"):
            notes.append("Replies carry no author: all are grouped as one.")
    else:
        if tickets is None:
            raise ConfigError(f"{kind.replace('_', ' ')} by {by!r} needs the tickets table", key="tickets",
                              fix="pass tickets=... or use by='author'")
        tickets = check_table(tickets, "tickets", argument="tickets")
        if by not in tickets.columns:
            raise ConfigError(f"cannot group {kind.replace('_', ' ')} by {by!r}", key="by",
                              fix="use 'author' or a tickets column such as 'team' or 'channel'")
        ticket_codes, labels = pd.factorize(tickets[by].astype("str"), sort=True)
        position = ticket_positions(tickets, replies["ticket_id"])
        codes = np.where(position >= 0, ticket_codes[np.maximum(position, 0)], -1)
    # Integer segment codes (-1 = not set) keep the counting vectorised over millions of replies.
    labels = np.append(np.asarray(labels, dtype=object), NOT_SET)
    codes = np.where(codes < 0, len(labels) - 1, codes)
    flagged = replies[column].to_numpy(dtype=bool)
    count, share = f"{column}_replies", f"{column}_share"
    total = np.bincount(codes, minlength=len(labels))
    flagged_count = np.bincount(codes, weights=flagged, minlength=len(labels)).astype("int64")
    present = np.flatnonzero(total)
    out = pd.DataFrame({"segment": pd.array(labels[present].astype(str), dtype="str"), "replies": total[present],
                        count: flagged_count[present]})
    out[share] = out[count] / out["replies"]
    low, high = proportion_confint(out[count], out["replies"], alpha=1 - confidence, method="wilson")
    out["ci_low"], out["ci_high"] = np.asarray(low), np.asarray(high)
    out = flag_small(out, "replies", min_n)
    flagged_rows = replies[flagged]
    phrases = _top_phrases(flagged_rows, codes[flagged], labels)
    examples = _examples(flagged_rows, codes[flagged], labels)
    out["top_phrases"] = out["segment"].map(phrases).fillna("")
    out["example"] = out["segment"].map(examples["example"]).fillna("")
    out["example_rewrite"] = out["segment"].map(examples["rewrite"]).fillna("")
    out = out.sort_values(["small_sample", share, "segment"], ascending=[True, False, True], kind="stable")
    reliable = ~out["small_sample"]
    out["rank"] = pd.array(np.where(reliable, np.cumsum(reliable), 0), dtype="Int64")
    out.loc[~reliable, "rank"] = pd.NA
    out = out[[{"hedged_replies": count, "hedged_share": share}.get(c, c) for c in SUMMARY_COLUMNS]]
    if by != "author":
        out.insert(1, by, out["segment"])
    if (~reliable).any():
        notes.append(f"{int((~reliable).sum())} segments have fewer than {min_n} replies: shown, not ranked.")
    return with_notes(out.reset_index(drop=True), notes)


def hedging_summary(replies: pd.DataFrame, tickets: pd.DataFrame | None = None, by: str = "author",
                    min_n: int = MIN_N, confidence: float = 0.95) -> pd.DataFrame:
    """:func:`language_summary` for ``kind="hedging"``: ``hedged_replies`` and ``hedged_share`` per segment."""
    return language_summary(replies, "hedging", tickets, by, min_n, confidence)


EXPOSURES = ("first_reply", "last_reply", "any_reply")


def language_association(
    replies: pd.DataFrame,
    tickets: pd.DataFrame,
    kind: str = "hedging",
    survey_responses: pd.DataFrame | None = None,
    confidence: float = 0.95,
    exposure: str = "first_reply",
) -> pd.DataFrame:
    """Do tickets with a reply of one kind go worse? Differences with confidence intervals.

    ``replies`` is the frame :func:`language` returns for ``kind``, or any frame of agent
    replies (``ticket_id``, ``created_at``) with a yes/no column named ``kind`` (e.g. the
    ``repeat_question`` column of :func:`toolkit.ops.repeat_questions`).
    ``exposure`` says which reply makes a ticket count as "with":

    - ``first_reply`` (default): the first agent reply. Not inflated by long conversations,
      but where agents hedge mostly in resolutions, a hedged first reply is often a one-touch
      resolution, which lowers its back-and-forth.
    - ``last_reply``: the final agent reply (usually the resolution); a reopened ticket's
      earlier, reopened resolution is not what is looked at.
    - ``any_reply``: any agent reply. Long conversations have more replies to match in, so
      back-and-forth is biased upwards; use for reopens and CSAT.

    Outcomes: ``additional_exchanges`` (agent replies beyond the first, mean; Welch
    interval), ``reopen_rate`` (needs ``reopens``; over tickets solved at least once; Newcombe
    interval for the difference) and
    ``csat`` (share satisfied, from ticket satisfaction or CSAT survey responses; Newcombe).

    Returns one row per outcome with ``outcome``, ``exposure``, ``with_phrase`` and
    ``without_phrase`` (the outcome among tickets with / without such a reply),
    ``difference`` (with - without) with ``ci_low``/``ci_high``, ``p_value``,
    ``tickets_with``, ``tickets_without``, ``small_sample`` (either side < 30) and ``note``
    (why an outcome is empty). Association, not proof of cause.
    """
    column = _check_replies(replies, kind)
    if exposure not in EXPOSURES:
        raise ConfigError(f"unknown exposure {exposure!r}", key="exposure", fix=f"use one of {', '.join(EXPOSURES)}")
    tickets = check_table(tickets, "tickets", argument="tickets")
    position = ticket_positions(tickets, replies["ticket_id"])
    mine = position >= 0
    times = replies["created_at"]
    times = (times.dt.tz_convert("UTC").dt.tz_localize(None) if isinstance(times.dtype, pd.DatetimeTZDtype)
             else times).to_numpy(dtype="datetime64[us]")[mine]
    order = np.lexsort((times, position[mine]))  # by ticket, then time
    pos_sorted = position[mine][order]
    flagged_sorted = replies[column].to_numpy(dtype=bool)[mine][order]
    n = len(tickets)
    known = np.zeros(n, dtype=bool)
    known[pos_sorted] = True
    flagged = np.zeros(n, dtype=bool)
    if exposure == "any_reply":
        flagged[pos_sorted[flagged_sorted]] = True
    elif len(pos_sorted):
        change = pos_sorted[1:] != pos_sorted[:-1]
        pick = np.r_[True, change] if exposure == "first_reply" else np.r_[change, True]
        flagged[pos_sorted[pick]] = flagged_sorted[pick]
    rows = []
    exchanges = np.where(known, np.bincount(pos_sorted, minlength=n) - 1, np.nan).astype("float64")
    rows.append(_mean_difference("additional_exchanges", exchanges, flagged, known, confidence))
    again = reopened(tickets)
    if again is None:
        rows.append(_empty_row("reopen_rate", "skipped: the tickets have no reopens values"))
    else:
        # Reopen rate over tickets solved at least once (ops.facts.ever_solved), as everywhere else.
        solved_once = ever_solved(tickets).to_numpy(dtype=bool)
        rows.append(_rate_difference("reopen_rate", again.astype("float64").to_numpy(), flagged, known & solved_once,
                                     confidence))
    csat = ticket_csat(tickets, survey_responses)
    csat_notes = notes_of(csat)
    if csat.isna().all():
        rows.append(_empty_row("csat", csat_notes[0]))
    else:
        rows.append(_rate_difference("csat", csat.to_numpy(), flagged, known, confidence))
    out = pd.DataFrame(rows, columns=ASSOCIATION_COLUMNS)
    out["exposure"] = exposure
    out["small_sample"] = (out["tickets_with"].fillna(0) < MIN_N) | (out["tickets_without"].fillna(0) < MIN_N)
    return with_notes(out, [n for n in csat_notes if "skipped" not in n])


def hedging_association(replies: pd.DataFrame, tickets: pd.DataFrame, survey_responses: pd.DataFrame | None = None,
                        confidence: float = 0.95, exposure: str = "first_reply") -> pd.DataFrame:
    """:func:`language_association` for ``kind="hedging"``: tickets with and without a hedged reply."""
    return language_association(replies, tickets, "hedging", survey_responses, confidence, exposure)


def _check_replies(replies: pd.DataFrame, kind: str) -> str:
    """The reply column of ``kind`` (``hedged`` for hedging; other names are taken as the column itself)."""
    column = KINDS.get(kind, kind)
    needed = {"ticket_id", column, "created_at"}
    if not isinstance(replies, pd.DataFrame) or not needed <= set(replies.columns):
        if kind not in KINDS:  # a frame of replies marked by another measure (repeat questions)
            raise DataError(f"expected a frame of agent replies with ticket_id, created_at and `{column}`",
                            table="replies", fix=f"pass the frame of the toolkit.ops function that marks `{column}`")
        call = "hedging(messages)" if kind == "hedging" else f"language(messages, kind={kind!r})"
        raise DataError(f"expected the frame returned by toolkit.ops.{call}", table="replies",
                        fix=f"call replies = toolkit.ops.{call} and pass `replies`")
    return column


def _top_phrases(hedged_rows: pd.DataFrame, codes: np.ndarray, labels: np.ndarray, top: int = 3) -> pd.Series:
    """Per segment label: its most frequent phrases with counts, e.g. "should (41), looks like (12)"."""
    if hedged_rows.empty:
        return pd.Series(dtype="str")
    # Count each distinct (segment, combination of phrases) first - few - then split the combinations.
    combo_codes, combos = pd.factorize(hedged_rows["matched_phrases"].to_numpy())
    pair = codes.astype("int64") * len(combos) + combo_codes
    keys, counts = np.unique(pair, return_counts=True)
    table = pd.DataFrame({"segment": labels[keys // len(combos)].astype(str),
                          "phrase": [combos[k] for k in keys % len(combos)], "n": counts})
    exploded = table.explode("phrase").dropna()
    counted = exploded.groupby(["segment", "phrase"])["n"].sum().reset_index()
    counted = counted.sort_values(["segment", "n", "phrase"], ascending=[True, False, True])
    counted = counted.groupby("segment").head(top)
    counted["text"] = counted["phrase"] + " (" + counted["n"].astype("str") + ")"
    return counted.groupby("segment")["text"].agg(", ".join)


def _examples(hedged_rows: pd.DataFrame, codes: np.ndarray, labels: np.ndarray) -> pd.DataFrame:
    """The sentence holding the first hedge of each segment's earliest hedged reply, redacted."""
    if hedged_rows.empty:
        return pd.DataFrame({"example": pd.Series(dtype="str"), "rewrite": pd.Series(dtype="str")})
    times = hedged_rows["created_at"]
    if isinstance(times.dtype, pd.DatetimeTZDtype):
        times = times.dt.tz_convert("UTC").dt.tz_localize(None)
    order = np.lexsort((np.arange(len(codes)), times.to_numpy(dtype="datetime64[us]").view("int64"), codes))
    sorted_codes = codes[order]
    first = order[np.r_[True, sorted_codes[1:] != sorted_codes[:-1]]]
    rows = hedged_rows.iloc[first]
    index = pd.Index(labels[codes[first]].astype(str), name="segment")
    sentences = [_hedged_sentence(body, phrases) for body, phrases in zip(rows["body"], rows["matched_phrases"],
                                                                          strict=True)]
    return pd.DataFrame({"example": redact_texts(pd.Series(sentences, index=index, dtype="str")),
                         "rewrite": rows["rewrite"].to_numpy()}, index=index)


def _hedged_sentence(body: str, phrases: Sequence[str], limit: int = 240) -> str:
    pattern = re.compile(r"\b(?:" + "|".join(r"\s+".join(map(re.escape, p.split())) for p in phrases) + r")\b",
                         re.IGNORECASE)
    for sentence in re.split(r"(?<=[.!?])\s+|\n+", body):
        if pattern.search(sentence):
            sentence = " ".join(sentence.split())
            return sentence if len(sentence) <= limit else sentence[: limit - 1] + "…"
    return " ".join(body.split())[:limit]


def redact_texts(texts: pd.Series) -> pd.Series:
    """PII-redact ticket text before it is shown: e-mail addresses, phone numbers, cards... (``toolkit.pii``)."""
    return redact(texts)


def _empty_row(outcome: str, note: str) -> dict:
    return {"outcome": outcome, "note": note}


def _groups(outcome: str, values: np.ndarray, flagged: np.ndarray,
            known: np.ndarray) -> tuple[np.ndarray, np.ndarray, dict]:
    """The outcome's known values for tickets with and without the reply, and the row that describes them."""
    a = values[known & flagged]
    b = values[known & ~flagged]
    a, b = a[~np.isnan(a)], b[~np.isnan(b)]
    row = {"outcome": outcome, "tickets_with": len(a), "tickets_without": len(b), "note": ""}
    if len(a) == 0 or len(b) == 0:
        row["note"] = "needs tickets with and without such a reply"
    return a, b, row


def _mean_difference(outcome: str, values: np.ndarray, flagged: np.ndarray, known: np.ndarray,
                     confidence: float) -> dict:
    a, b, row = _groups(outcome, values, flagged, known)
    if row["note"]:
        return row
    row.update(with_phrase=a.mean(), without_phrase=b.mean(), difference=a.mean() - b.mean())
    if len(a) > 1 and len(b) > 1 and (a.var() > 0 or b.var() > 0):
        test = stats.ttest_ind(a, b, equal_var=False)
        ci = test.confidence_interval(confidence_level=confidence)
        row.update(ci_low=ci.low, ci_high=ci.high, p_value=test.pvalue)
    return row


def _rate_difference(outcome: str, values: np.ndarray, flagged: np.ndarray, known: np.ndarray,
                     confidence: float) -> dict:
    a, b, row = _groups(outcome, values, flagged, known)
    if row["note"]:
        return row
    ca, cb = int(a.sum()), int(b.sum())
    row.update(with_phrase=ca / len(a), without_phrase=cb / len(b), difference=ca / len(a) - cb / len(b))
    with warnings.catch_warnings():  # statsmodels also computes ratios we do not use (0/0 at the extremes)
        warnings.simplefilter("ignore", RuntimeWarning)
        low, high = confint_proportions_2indep(ca, len(a), cb, len(b), method="newcomb", compare="diff",
                                               alpha=1 - confidence)
        row.update(ci_low=low, ci_high=high)
        if 0 < ca + cb < len(a) + len(b):
            row["p_value"] = test_proportions_2indep(ca, len(a), cb, len(b), method="score").pvalue
    return row
