"""Certainty of language: hedging phrases in agent replies (seed 004, "On certainty in support").

An agent reply is **hedged** when, after removing the lexicon's guard phrases ("should you
need anything", "as it should", ...), it still contains one of the lexicon's hedging
phrases ("should", "looks like", "I think", ...) as whole words, case-insensitively. The
lexicon is data (``hedging_lexicon.yaml`` beside this module); pass your own file to extend
it. Only public agent messages are replies; internal notes and customer messages are not
looked at.

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
REPLY_COLUMNS = ["ticket_id", "message_id", "author", "created_at", "hedged", "matched_phrases", "rewrite", "body"]
SUMMARY_COLUMNS = ["segment", "replies", "hedged_replies", "hedged_share", "ci_low", "ci_high", "small_sample",
                   "rank", "top_phrases", "example", "example_rewrite"]
ASSOCIATION_COLUMNS = ["outcome", "exposure", "with_hedge", "without_hedge", "difference", "ci_low", "ci_high",
                       "p_value", "tickets_hedged", "tickets_certain", "small_sample", "note"]


@dataclass(frozen=True)
class Lexicon:
    """Hedging phrases, guard phrases and certain rewrites ({hedge: certain}), all lower-case."""

    phrases: tuple[str, ...]
    guards: tuple[str, ...]
    rewrites: tuple[tuple[str, str], ...]

    def _alternation(self, items: Sequence[str]) -> str:
        ordered = sorted(set(items), key=lambda p: (-len(p), p))  # longest first: "should now be" before "should"
        return "|".join(r"\s+".join(re.escape(w) for w in p.split()) for p in ordered)

    @property
    def phrase_pattern(self) -> str:
        return rf"(?i)\b(?:{self._alternation(self.phrases)})\b"

    @property
    def guard_pattern(self) -> str | None:
        return rf"(?i)\b(?:{self._alternation(self.guards)})\b" if self.guards else None

    @property
    def rewrite_pattern(self) -> str | None:
        return rf"(?i)\b(?:{self._alternation([h for h, _ in self.rewrites])})\b" if self.rewrites else None


def load_lexicon(path: str | Path | None = None) -> Lexicon:
    """Read a hedging lexicon YAML file (default: the bundled ``hedging_lexicon.yaml``).

    The file has ``phrases`` (list of strings, required), ``guards`` (list of strings) and
    ``rewrites`` (list of {hedge, certain}). A malformed file raises :class:`ConfigError`
    naming the key and the fix.
    """
    path = str(path or DEFAULT_LEXICON)
    try:
        stamp = os.stat(path).st_mtime_ns
    except OSError:
        stamp = None  # let the reader raise the error with the fix
    return _load_lexicon(path, stamp)


@lru_cache(maxsize=8)
def _load_lexicon(path: str, stamp: int | None) -> Lexicon:
    """Read and check one lexicon file (cached per path and modification time)."""
    data = read_yaml(path, what="hedging lexicon")
    if not isinstance(data, dict):
        raise ConfigError("the hedging lexicon must be a mapping with `phrases`", file=path,
                          fix="start the file with `phrases:` followed by a list")

    def strings(key: str, required: bool) -> tuple[str, ...]:
        values = data.get(key)
        if values is None and not required:
            return ()
        if not isinstance(values, list) or not values or not all(isinstance(v, str) and v.strip() for v in values):
            raise ConfigError(f"`{key}` must be a non-empty list of phrases", file=path, key=key,
                              fix=f"write `{key}:` followed by lines like `  - looks like`")
        return tuple(" ".join(v.lower().split()) for v in values)

    rewrites = data.get("rewrites") or []
    if not isinstance(rewrites, list) or not all(
            isinstance(r, dict) and isinstance(r.get("hedge"), str) and isinstance(r.get("certain"), str)
            for r in rewrites):
        raise ConfigError("`rewrites` must be a list of {hedge, certain} pairs", file=path, key="rewrites",
                          fix="write entries like `  - hedge: should now be` / `    certain: is now`")
    certain = {}
    for r in rewrites:  # the first rewrite given for a hedge wins
        certain.setdefault(" ".join(r["hedge"].lower().split()), r["certain"])
    return Lexicon(strings("phrases", True), strings("guards", False), tuple(certain.items()))


def hedging(messages: pd.DataFrame, lexicon: str | Path | Lexicon | None = None) -> pd.DataFrame:
    """Mark each public agent reply as hedged or not, with the phrases that matched.

    Parameters
    ----------
    messages : canonical messages.
    lexicon : a :class:`Lexicon`, the path of a lexicon YAML file, or None for the bundled one.

    Returns
    -------
    One row per public agent reply: ``ticket_id``, ``message_id``, ``author``, ``created_at``,
    ``hedged`` (bool), ``matched_phrases`` (tuple of the lexicon phrases found, in lexicon
    order; empty when not hedged), ``rewrite`` (categorical: the first certain rewrite that
    applies, e.g. "should now be -> is now (after verifying)", else "") and ``body``.

    Examples
    --------
    >>> messages = pd.DataFrame({"message_id": ["M1", "M2", "M3"], "ticket_id": ["T1", "T1", "T2"],
    ...     "created_at": pd.to_datetime(["2026-01-05 10:00"] * 3, utc=True), "author_role": "agent",
    ...     "public": True, "body": ["That should fix it.", "It is fixed.", "Maybe try again?"]})
    >>> hedging(messages)["hedged"].tolist()
    [True, False, True]
    """
    messages = check_table(messages, "messages", argument="messages")
    lex = lexicon if isinstance(lexicon, Lexicon) else load_lexicon(lexicon)
    public = messages["public"].fillna(False).astype(bool)
    replies = messages.loc[(messages["author_role"] == "agent") & public].reset_index(drop=True)
    body = replies["body"].fillna("").astype("str")
    # Case-insensitive patterns ((?i), RE2) instead of a lower-cased copy of every reply.
    text = pa.array(body, from_pandas=True)
    hedged = _matches(text, lex.phrase_pattern)
    text_hedged = pc.filter(text, pa.array(hedged))
    if lex.guard_pattern and hedged.any():
        # Removing guards can only clear a match: only candidates that contain a guard need the second pass.
        candidates = np.flatnonzero(hedged)
        guarded = _matches(text_hedged, lex.guard_pattern)
        if guarded.any():
            cleared = pc.replace_substring_regex(pc.filter(text_hedged, pa.array(guarded)), lex.guard_pattern, " # ")
            still = np.ones(len(candidates), dtype=bool)
            still[guarded] = _matches(cleared, lex.phrase_pattern)
            hedged[candidates[~still]] = False
            text_hedged = pc.filter(pc.replace_with_mask(text_hedged, pa.array(guarded), cleared), pa.array(still))
    matched = np.empty(len(replies), dtype=object)
    matched.fill(())  # one shared empty tuple: cheap for millions of unhedged replies
    suggestions = [f"{h} -> {c} (after verifying)" for h, c in lex.rewrites]
    rewrite = np.full(len(replies), len(suggestions), dtype=np.int64)  # code of "" (no rewrite)
    if hedged.any():
        hedged_text = text_hedged
        found = _phrases_found(hedged_text, lex)
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
        matched[hedged] = names[inverse.ravel()]
        if lex.rewrite_pattern:
            first = pc.struct_field(pc.extract_regex(hedged_text, f"(?P<hedge>{lex.rewrite_pattern})"), [0])
            first = pc.utf8_lower(pc.replace_substring_regex(first, r"\s+", " "))
            hedges = [h for h, _ in lex.rewrites]
            which = pc.fill_null(pc.index_in(first, value_set=pa.array(hedges)), len(hedges))
            rewrite[hedged] = which.to_numpy(zero_copy_only=False)
    missing = pd.Series(pd.NA, index=replies.index, dtype="str")
    out = pd.DataFrame({
        "ticket_id": replies["ticket_id"], "message_id": replies.get("message_id", missing),
        "author": replies.get("author", missing), "created_at": replies["created_at"], "hedged": hedged,
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


def hedging_summary(
    replies: pd.DataFrame,
    tickets: pd.DataFrame | None = None,
    by: str = "author",
    min_n: int = MIN_N,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Share of hedged agent replies per agent or team, ranked, with a redacted example.

    Parameters
    ----------
    replies : the frame :func:`hedging` returns.
    tickets : canonical tickets, needed when ``by`` is a ticket column (``team``, ``channel``...).
    by : ``author`` (the agent who wrote the reply) or a ticket column such as ``team``.
    min_n : segments with fewer replies are flagged ``small_sample`` and not ranked.

    Returns
    -------
    One row per segment, most hedged first: ``segment``, ``replies``, ``hedged_replies``,
    ``hedged_share`` with its Wilson ``ci_low``/``ci_high``, ``small_sample``, ``rank`` (1 =
    most hedged among segments with enough replies; empty for small ones), ``top_phrases``
    (e.g. "should (41), looks like (12)"), ``example`` (the sentence with the segment's
    earliest hedge, PII-redacted) and ``example_rewrite`` (the certain rewrite for it).
    """
    _check_replies(replies)
    check_min_n(min_n)
    notes: list[str] = []
    if by == "author":
        codes, labels = pd.factorize(replies["author"], sort=True)
        if not has_values(replies, "author"):
            notes.append("Replies carry no author: all are grouped as one.")
    else:
        if tickets is None:
            raise ConfigError(f"hedging by {by!r} needs the tickets table", key="tickets",
                              fix="pass tickets=... or use by='author'")
        tickets = check_table(tickets, "tickets", argument="tickets")
        if by not in tickets.columns:
            raise ConfigError(f"cannot group hedging by {by!r}", key="by",
                              fix="use 'author' or a tickets column such as 'team' or 'channel'")
        ticket_codes, labels = pd.factorize(tickets[by].astype("str"), sort=True)
        position = ticket_positions(tickets, replies["ticket_id"])
        codes = np.where(position >= 0, ticket_codes[np.maximum(position, 0)], -1)
    # Integer segment codes (-1 = not set) keep the counting vectorised over millions of replies.
    labels = np.append(np.asarray(labels, dtype=object), NOT_SET)
    codes = np.where(codes < 0, len(labels) - 1, codes)
    hedged = replies["hedged"].to_numpy(dtype=bool)
    total = np.bincount(codes, minlength=len(labels))
    hedged_count = np.bincount(codes, weights=hedged, minlength=len(labels)).astype("int64")
    present = np.flatnonzero(total)
    out = pd.DataFrame({"segment": pd.array(labels[present].astype(str), dtype="str"), "replies": total[present],
                        "hedged_replies": hedged_count[present]})
    out["hedged_share"] = out["hedged_replies"] / out["replies"]
    low, high = proportion_confint(out["hedged_replies"], out["replies"], alpha=1 - confidence, method="wilson")
    out["ci_low"], out["ci_high"] = np.asarray(low), np.asarray(high)
    out = flag_small(out, "replies", min_n)
    hedged_rows = replies[hedged]
    phrases = _top_phrases(hedged_rows, codes[hedged], labels)
    examples = _examples(hedged_rows, codes[hedged], labels)
    out["top_phrases"] = out["segment"].map(phrases).fillna("")
    out["example"] = out["segment"].map(examples["example"]).fillna("")
    out["example_rewrite"] = out["segment"].map(examples["rewrite"]).fillna("")
    out = out.sort_values(["small_sample", "hedged_share", "segment"], ascending=[True, False, True], kind="stable")
    reliable = ~out["small_sample"]
    out["rank"] = pd.array(np.where(reliable, np.cumsum(reliable), 0), dtype="Int64")
    out.loc[~reliable, "rank"] = pd.NA
    out = out[SUMMARY_COLUMNS]
    if by != "author":
        out.insert(1, by, out["segment"])
    if (~reliable).any():
        notes.append(f"{int((~reliable).sum())} segments have fewer than {min_n} replies: shown, not ranked.")
    return with_notes(out.reset_index(drop=True), notes)


EXPOSURES = ("first_reply", "last_reply", "any_reply")


def hedging_association(
    replies: pd.DataFrame,
    tickets: pd.DataFrame,
    survey_responses: pd.DataFrame | None = None,
    confidence: float = 0.95,
    exposure: str = "first_reply",
) -> pd.DataFrame:
    """Do tickets with hedged replies go worse? Differences with confidence intervals.

    ``exposure`` says which reply makes a ticket "hedged":

    - ``first_reply`` (default): the first agent reply. Not inflated by long conversations,
      but where agents hedge mostly in resolutions, a hedged first reply is often a one-touch
      resolution, which lowers its back-and-forth.
    - ``last_reply``: the final agent reply (usually the resolution); a reopened ticket's
      earlier, reopened resolution is not what is looked at.
    - ``any_reply``: any agent reply. Long conversations have more replies to hedge in, so
      back-and-forth is biased upwards; use for reopens and CSAT.

    Outcomes: ``additional_exchanges`` (agent replies beyond the first, mean; Welch
    interval), ``reopen_rate`` (needs ``reopens``; over tickets solved at least once; Newcombe
    interval for the difference) and
    ``csat`` (share satisfied, from ticket satisfaction or CSAT survey responses; Newcombe).

    Returns one row per outcome with ``outcome``, ``exposure``, ``with_hedge`` and
    ``without_hedge`` (the outcome among tickets with / without the hedged reply),
    ``difference`` (with - without) with ``ci_low``/``ci_high``, ``p_value``,
    ``tickets_hedged``, ``tickets_certain``, ``small_sample`` (either side < 30) and ``note``
    (why an outcome is empty). Association, not proof of cause.
    """
    _check_replies(replies)
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
    hedged_sorted = replies["hedged"].to_numpy(dtype=bool)[mine][order]
    n = len(tickets)
    known = np.zeros(n, dtype=bool)
    known[pos_sorted] = True
    hedged = np.zeros(n, dtype=bool)
    if exposure == "any_reply":
        hedged[pos_sorted[hedged_sorted]] = True
    elif len(pos_sorted):
        change = pos_sorted[1:] != pos_sorted[:-1]
        pick = np.r_[True, change] if exposure == "first_reply" else np.r_[change, True]
        hedged[pos_sorted[pick]] = hedged_sorted[pick]
    rows = []
    exchanges = np.where(known, np.bincount(pos_sorted, minlength=n) - 1, np.nan).astype("float64")
    rows.append(_mean_difference("additional_exchanges", exchanges, hedged, known, confidence))
    again = reopened(tickets)
    if again is None:
        rows.append(_empty_row("reopen_rate", "skipped: the tickets have no reopens values"))
    else:
        # Reopen rate over tickets solved at least once (ops.facts.ever_solved), as everywhere else.
        solved_once = ever_solved(tickets).to_numpy(dtype=bool)
        rows.append(_rate_difference("reopen_rate", again.astype("float64").to_numpy(), hedged, known & solved_once,
                                     confidence))
    csat = ticket_csat(tickets, survey_responses)
    csat_notes = notes_of(csat)
    if csat.isna().all():
        rows.append(_empty_row("csat", csat_notes[0]))
    else:
        rows.append(_rate_difference("csat", csat.to_numpy(), hedged, known, confidence))
    out = pd.DataFrame(rows, columns=ASSOCIATION_COLUMNS)
    out["exposure"] = exposure
    out["small_sample"] = (out["tickets_hedged"].fillna(0) < MIN_N) | (out["tickets_certain"].fillna(0)
                                                                             < MIN_N)
    return with_notes(out, [n for n in csat_notes if "skipped" not in n])


def _check_replies(replies: pd.DataFrame) -> None:
    needed = {"ticket_id", "hedged", "created_at"}
    if not isinstance(replies, pd.DataFrame) or not needed <= set(replies.columns):
        raise DataError("expected the frame returned by toolkit.ops.hedging(messages)", table="replies",
                        fix="call replies = toolkit.ops.hedging(messages) and pass `replies`")


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


def _groups(outcome: str, values: np.ndarray, hedged: np.ndarray,
            known: np.ndarray) -> tuple[np.ndarray, np.ndarray, dict]:
    """The outcome's known values for hedged and for certain tickets, and the row that describes them."""
    a = values[known & hedged]
    b = values[known & ~hedged]
    a, b = a[~np.isnan(a)], b[~np.isnan(b)]
    row = {"outcome": outcome, "tickets_hedged": len(a), "tickets_certain": len(b), "note": ""}
    if len(a) == 0 or len(b) == 0:
        row["note"] = "needs tickets with hedged and with certain first replies"
    return a, b, row


def _mean_difference(outcome: str, values: np.ndarray, hedged: np.ndarray, known: np.ndarray,
                     confidence: float) -> dict:
    a, b, row = _groups(outcome, values, hedged, known)
    if row["note"]:
        return row
    row.update(with_hedge=a.mean(), without_hedge=b.mean(), difference=a.mean() - b.mean())
    if len(a) > 1 and len(b) > 1 and (a.var() > 0 or b.var() > 0):
        test = stats.ttest_ind(a, b, equal_var=False)
        ci = test.confidence_interval(confidence_level=confidence)
        row.update(ci_low=ci.low, ci_high=ci.high, p_value=test.pvalue)
    return row


def _rate_difference(outcome: str, values: np.ndarray, hedged: np.ndarray, known: np.ndarray,
                     confidence: float) -> dict:
    a, b, row = _groups(outcome, values, hedged, known)
    if row["note"]:
        return row
    ca, cb = int(a.sum()), int(b.sum())
    row.update(with_hedge=ca / len(a), without_hedge=cb / len(b), difference=ca / len(a) - cb / len(b))
    with warnings.catch_warnings():  # statsmodels also computes ratios we do not use (0/0 at the extremes)
        warnings.simplefilter("ignore", RuntimeWarning)
        low, high = confint_proportions_2indep(ca, len(a), cb, len(b), method="newcomb", compare="diff",
                                               alpha=1 - confidence)
        row.update(ci_low=low, ci_high=high)
        if 0 < ca + cb < len(a) + len(b):
            row["p_value"] = test_proportions_2indep(ca, len(a), cb, len(b), method="score").pvalue
    return row
