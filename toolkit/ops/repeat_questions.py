"""Repeat questions: agent replies asking for what the customer already gave in the same ticket.

A public agent reply is a **repeat question** when it asks for an item (an order or invoice
number, an e-mail address, a version or browser, a screenshot or attachment) that a public
customer message of the same ticket gave *earlier*: the customer wrote the value ("INV-2026-01234",
"anna@example.com", "version 4.2.1", "Chrome 129", "screenshot attached"); where the report masked
personal data before the analysis (:mod:`toolkit.pii`), the masks ``[email]`` and "order ...
[reference]" still count as given. Each item is two regular expressions (:class:`Item`):
``asked`` finds the agent asking (a question sentence, or "please send/confirm/...", that names
the item) and ``given`` finds the value in customer text.
Quoted mail (lines starting with ">", "On ... wrote:", "From:" headers) is left out of the
customer's text: what is quoted there is the agent's own earlier mail.

:func:`repeat_question_summary` and :func:`repeat_question_association` rank teams or agents
and compare back-and-forth, reopens and CSAT through the same code as hedging
(:func:`toolkit.ops.language_summary`, :func:`toolkit.ops.language_association`).

Speed: one vectorised regular-expression pass (Arrow, RE2) over all agent replies finds those
that ask for any item; only they, and the customer messages of their tickets, are then read
item by item, with a per-ticket minimum: linear in the messages.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from toolkit.errors import ConfigError
from toolkit.notes import with_notes
from toolkit.ops.hedging import language_association, language_summary
from toolkit.validation import MIN_N, check_table

COLUMN = "repeat_question"
REWRITE = "read the thread first: use what the customer already gave"
# Quoted mail in a customer's message: the agent's earlier words, not the customer's.
QUOTED_MAIL = r"(?m:^[ \t]*>.*$)|(?m:^On .{0,200} wrote:[ \t]*$)|(?m:^(?:From|Sent|To|Date|Subject):.*$)"
# A sentence that asks: ends with "?", or a polite imperative ("please send ...", "could you ...").
_ASK = r"(?:[^.?!\n]*\b{noun}\b[^.?!\n]*\?|\b(?:please|kindly)\s+(?:send|share|confirm|provide|give|attach|let me " \
       r"know)\b[^.?!\n]{{0,80}}\b{noun}\b)"


@dataclass(frozen=True)
class Item:
    """Something an agent may ask for: its ``name``, how an agent asks (``asked``) and how a customer
    gives it (``given``); both RE2 patterns, matched case-insensitively."""

    name: str
    asked: str
    given: str


def _asks(noun: str) -> str:
    return "(?i)" + _ASK.format(noun=noun)


ITEMS: tuple[Item, ...] = (
    Item("order number", _asks(r"(?:order|invoice)\s+(?:number|no|id|reference)"),
         r"(?i)\b(?:INV|ORD|ORDER)-?\d{4}(?:-\d{3,})?\b|\b(?:order|invoice)\s*(?:number|no\.?|id|#)\s*(?:is\s*)?"
         r"[:#]?\s*[A-Z]{0,4}-?\d{4,}|\b(?:order|invoice)\b[^.\n]{0,30}\[reference\]"),
    Item("e-mail", _asks(r"e-?mail(?:\s+address)?"),
         # an address, or the mark left where the report masked one (toolkit.pii): still given
         r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}|\[email\]"),
    Item("version", _asks(r"(?:version|browser)"),
         r"(?i)\b(?:chrome|firefox|safari|edge|opera|brave)\b|\bversion\s+v?\d+(?:\.\d+)*\b|\bv\d+(?:\.\d+)+\b"),
    Item("screenshot", _asks(r"(?:screenshot|screen\s*shot|screen recording|attachment)"),
         r"(?i)\b(?:screenshot|screen\s*shot|screen recording|file|image|photo)s?\b[^.\n]{0,40}\battached\b|"
         r"\battached\b[^.\n]{0,40}\b(?:screenshot|screen\s*shot|file|image|photo|recording)s?\b|"
         r"\bhere(?:'s| is) (?:a|the) (?:screenshot|screen\s*shot)\b"),
)
"""The items looked for, in the order ``matched_phrases`` lists them."""


def repeat_questions(messages: pd.DataFrame, items: Sequence[Item] = ITEMS) -> pd.DataFrame:
    """Mark each public agent reply that asks for an item the customer gave earlier in the ticket.

    Parameters
    ----------
    messages : canonical messages.
    items : the :class:`Item` definitions (default :data:`ITEMS`).

    Returns
    -------
    One row per public agent reply: ``ticket_id``, ``message_id``, ``author``, ``created_at``,
    ``repeat_question`` (bool), ``matched_phrases`` (tuple of the item names asked again, e.g.
    ``("e-mail",)``; empty otherwise), ``rewrite`` (the advice for flagged replies, else "") and
    ``body``; the same shape as :func:`toolkit.ops.language`, so that
    :func:`repeat_question_summary` and :func:`repeat_question_association` can use its code.

    Examples
    --------
    >>> messages = pd.DataFrame({"message_id": ["M1", "M2", "M3"], "ticket_id": "T1",
    ...     "created_at": pd.to_datetime(["2026-01-05 10:00", "2026-01-05 10:05", "2026-01-05 10:09"], utc=True),
    ...     "author_role": ["customer", "agent", "agent"], "public": True,
    ...     "body": ["Invoice INV-2026-01234 is blank.", "Could you send me the invoice number?",
    ...              "Which browser do you use?"]})
    >>> repeat_questions(messages)[["repeat_question", "matched_phrases"]].values.tolist()
    [[True, ('order number',)], [False, ()]]
    """
    messages = check_table(messages, "messages", argument="messages")
    items = _check_items(items)
    public = messages["public"].fillna(False).astype(bool).to_numpy()
    role = messages["author_role"].to_numpy()
    used = messages[[c for c in ("ticket_id", "message_id", "author", "created_at", "body") if c in messages.columns]]
    customer = used.loc[public & (role == "customer"), ["ticket_id", "created_at", "body"]]
    replies = used.loc[public & (role == "agent")].reset_index(drop=True)
    codes, _ = pd.factorize(pd.concat([replies["ticket_id"], customer["ticket_id"]], ignore_index=True))
    reply_codes, customer_codes = codes[: len(replies)], codes[len(replies):]
    asked_again = np.zeros((len(replies), len(items)), dtype=bool)
    # Few replies ask for anything: one pass over all replies finds them, and only the customer
    # messages of their tickets are read for the values given.
    asking = np.flatnonzero(_matches(_text(replies["body"]), "|".join(f"(?:{item.asked})" for item in items)))
    if len(asking):
        reply_times = _utc_ns(replies["created_at"].iloc[asking])
        mine = np.flatnonzero(np.isin(customer_codes, reply_codes[asking]))
        said = pc.replace_substring_regex(_text(customer["body"].iloc[mine]), QUOTED_MAIL, " ")
        said_codes, said_times = customer_codes[mine], _utc_ns(customer["created_at"].iloc[mine])
        reply_text = _text(replies["body"].iloc[asking])
        never = np.iinfo(np.int64).max
        for k, item in enumerate(items):
            given = _matches(said, item.given) & (said_times != never)
            first_given = pd.Series(said_times[given]).groupby(said_codes[given]).min()
            earliest = first_given.reindex(reply_codes[asking], fill_value=never).to_numpy(dtype="int64")
            asked = _matches(reply_text, item.asked)
            asked_again[asking, k] = asked & (earliest < reply_times)
    flagged = asked_again.any(axis=1)
    matched = np.empty(len(replies), dtype=object)
    matched.fill(())
    names = [item.name for item in items]
    matched[flagged] = pd.Series([tuple(n for n, on in zip(names, row, strict=True) if on)
                                  for row in asked_again[flagged]], dtype=object).to_numpy()
    missing = pd.Series(pd.NA, index=replies.index, dtype="str")
    out = pd.DataFrame({
        "ticket_id": replies["ticket_id"], "message_id": replies.get("message_id", missing),
        "author": replies.get("author", missing), "created_at": replies["created_at"], COLUMN: flagged,
        "matched_phrases": matched,
        "rewrite": pd.Categorical.from_codes(np.where(flagged, 0, 1), categories=[REWRITE, ""]),
        "body": replies["body"].fillna("").astype("str"),
    })
    if out.empty:
        with_notes(out, ["No public agent replies in the messages table."])
    return out


def repeat_question_summary(replies: pd.DataFrame, tickets: pd.DataFrame | None = None, by: str = "team",
                            min_n: int = MIN_N, confidence: float = 0.95) -> pd.DataFrame:
    """Share of agent replies that are repeat questions per team (or agent), ranked.

    ``replies`` is the frame :func:`repeat_questions` returns; the result is
    :func:`toolkit.ops.language_summary`'s with ``repeat_question_replies`` and
    ``repeat_question_share`` (Wilson interval, ``small_sample``, ``rank``, ``top_phrases``
    naming the items asked again, a redacted ``example``).
    """
    return language_summary(replies, COLUMN, tickets, by, min_n, confidence)


def repeat_question_association(replies: pd.DataFrame, tickets: pd.DataFrame,
                                survey_responses: pd.DataFrame | None = None,
                                confidence: float = 0.95) -> pd.DataFrame:
    """Back-and-forth, reopens and CSAT of tickets with a repeat question against those without.

    :func:`toolkit.ops.language_association` with ``exposure="any_reply"``: a repeat question
    can come at any point of the conversation. Long conversations have more replies in which
    to ask again, so the back-and-forth difference is partly built in (association, not cause).
    """
    return language_association(replies, tickets, COLUMN, survey_responses, confidence, exposure="any_reply")


def _check_items(items: Sequence[Item]) -> tuple[Item, ...]:
    items = tuple(items)
    if not items or not all(isinstance(i, Item) for i in items):
        raise ConfigError("items must be a non-empty list of toolkit.ops.repeat_questions.Item", key="items",
                          fix="leave items out for the defaults (ITEMS) or pass Item(name, asked, given) values")
    return items


def _text(body: pd.Series) -> pa.Array:
    return pa.array(body.fillna("").astype("str"), type=pa.large_string(), from_pandas=True)


def _matches(text: pa.Array, pattern: str) -> np.ndarray:
    return pc.match_substring_regex(text, pattern).to_numpy(zero_copy_only=False).astype(bool)


def _utc_ns(times: pd.Series) -> np.ndarray:
    """Nanoseconds since the epoch (UTC); missing times become the largest integer (never "earlier")."""
    times = pd.to_datetime(times, utc=True)
    values = times.to_numpy(dtype="datetime64[ns]").view("int64").copy()
    values[times.isna().to_numpy()] = np.iinfo(np.int64).max
    return values
