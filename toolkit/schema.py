"""The canonical tables: the one place that says which columns exist and what they mean.

Every loader turns a vendor export into these tables, and analysis code only ever
sees them. ``conform`` coerces a DataFrame into canonical form and returns the rows
it had to reject (with row number, column, value and reason); ``validate`` does
the same but raises one :class:`~toolkit.errors.DataError` instead.

Conventions
-----------
- Timestamps are tz-aware UTC (``datetime64[us, UTC]``). Naive input is read in the
  client's time zone (``tz``) and converted; input with an explicit offset keeps it.
- Missing optional columns are added, empty, so every canonical frame has every
  column; use :func:`has_values` to ask whether a column carries data.
- Columns the schema does not know are kept as they are, after the canonical ones.
- Row numbers in errors are the numbers given in ``row_numbers`` (loaders pass the
  line of the source file), else the 1-based position in the frame.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from toolkit.errors import DataError

DATETIME_DTYPE = "datetime64[us, UTC]"

CHANNELS = ("email", "chat", "phone", "web", "social", "other")
STATUSES = ("new", "open", "pending", "hold", "solved", "closed")
PRIORITIES = ("low", "normal", "high", "urgent")
AUTHOR_ROLES = ("agent", "customer", "system")
SURVEYS = ("csat", "nps", "ces")
SCALES = {"0-10": (0, 10), "1-5": (1, 5), "1-7": (1, 7), "binary": (0, 1)}
ANSWER_STATUSES = ("answered", "not_applicable", "dont_know")
SATISFACTION_VALUES = ("good", "bad", "1", "2", "3", "4", "5")

_NOT_APPLICABLE = {"n/a", "na", "not applicable", "not_applicable"}
_DONT_KNOW = {"don't know", "dont know", "dont_know", "dk", "?", "unknown"}
_TRUE = {"true", "yes", "y", "1", "t"}
_FALSE = {"false", "no", "n", "0", "f"}
_OFFSET = re.compile(r"(?:Z|[+-]\d\d:?\d\d)$")


@dataclass(frozen=True)
class Column:
    """One canonical column: its name, kind, whether it is required, and what it means.

    ``kind`` is one of id, text, category, datetime, float, int, bool, list, mapping.
    """

    name: str
    kind: str
    required: bool
    meaning: str
    allowed: tuple[str, ...] | None = None
    minimum: float | None = None
    maximum: float | None = None

    @property
    def dtype(self) -> str:
        return {
            "id": "str",
            "text": "str",
            "category": "str",
            "datetime": DATETIME_DTYPE,
            "float": "float64",
            "int": "Int64",
            "bool": "boolean",
            "list": "object",
            "mapping": "object",
        }[self.kind]


@dataclass(frozen=True)
class Table:
    """A canonical table: its columns, and the column whose values must be unique."""

    name: str
    meaning: str
    columns: tuple[Column, ...]
    key: str | None = None
    notes: tuple[str, ...] = field(default=())

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def required(self) -> list[str]:
        return [c.name for c in self.columns if c.required]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def _col(name, kind, required, meaning, **kw) -> Column:
    return Column(name, kind, required, meaning, **kw)


TICKETS = Table(
    "tickets",
    "One row per support ticket (case, conversation, incident).",
    (
        _col("ticket_id", "id", True, "Unique ticket identifier from the helpdesk."),
        _col("created_at", "datetime", True, "When the customer opened the ticket (UTC)."),
        _col("solved_at", "datetime", False, "When the ticket was last solved or resolved (UTC); empty while open."),
        _col("status", "category", True, "Current state.", allowed=STATUSES),
        _col("channel", "category", True, "How the customer reached support.", allowed=CHANNELS),
        _col("priority", "category", False, "Priority set on the ticket.", allowed=PRIORITIES),
        _col("team", "text", False, "Team or group that owned the ticket."),
        _col("assignee", "text", False, "Agent who owned the ticket at the end."),
        _col("requester_id", "id", False, "The customer (person) who asked."),
        _col("organization_id", "id", False, "The customer's organisation (account)."),
        _col("product", "text", False, "Product or category the ticket is about."),
        _col("tags", "list", False, "Tags on the ticket, a list of strings."),
        _col("subject", "text", False, "Subject line or title."),
        _col("description", "text", False, "The customer's first message."),
        _col("first_reply_minutes", "float", False, "Calendar minutes from creation to the first public agent reply.",
             minimum=0),
        _col("full_resolution_minutes", "float", False, "Calendar minutes from creation to the final solve.",
             minimum=0),
        _col("first_resolution_minutes", "float", False, "Calendar minutes from creation to the first solve; "
             "equals full_resolution_minutes unless the ticket was reopened.", minimum=0),
        _col("reopens", "int", False, "Times the ticket was reopened after being solved.", minimum=0),
        _col("agent_replies", "int", False, "Public replies written by agents.", minimum=0),
        _col("customer_replies", "int", False, "Messages written by the customer, the first one included.",
             minimum=0),
        _col("sla_breached", "bool", False, "Whether any SLA target on the ticket was breached."),
        _col("satisfaction", "category", False, "The ticket's satisfaction rating: good/bad, or 1-5.",
             allowed=SATISFACTION_VALUES),
        _col("problem_id", "id", False, "Helpdesk link to a problem ticket this ticket is an incident of."),
        _col("parent_id", "id", False, "Helpdesk link to a parent ticket (e.g. ServiceNow parent_incident)."),
        _col("extra", "mapping", False, "Vendor columns kept as a {name: value} mapping."),
    ),
    key="ticket_id",
)

MESSAGES = Table(
    "messages",
    "One row per message in a ticket's conversation (optional table).",
    (
        _col("ticket_id", "id", True, "The ticket the message belongs to."),
        _col("created_at", "datetime", True, "When the message was written (UTC)."),
        _col("author_role", "category", True, "Who wrote it.", allowed=AUTHOR_ROLES),
        _col("public", "bool", True, "Whether the customer could see it (internal notes are not public)."),
        _col("body", "text", True, "The message text."),
        _col("message_id", "id", False, "Unique message identifier, when the source has one."),
        _col("author", "text", False, "Name or id of the author (the agent, for agent messages)."),
    ),
    key="message_id",
)

SURVEY_RESPONSES = Table(
    "survey_responses",
    "One row per answered survey (CSAT, NPS or CES). Extra columns are segments.",
    (
        _col("response_id", "id", True, "Unique response identifier."),
        _col("survey", "category", True, "Which survey: csat, nps or ces.", allowed=SURVEYS),
        _col("score", "float", True, "The answer on its scale (binary: good = 1, bad = 0)."),
        _col("scale", "category", True, "The answer scale: 0-10, 1-5, 1-7 or binary.", allowed=tuple(SCALES)),
        _col("submitted_at", "datetime", True, "When the customer answered (UTC)."),
        _col("ticket_id", "id", False, "The ticket the survey was about (transactional surveys)."),
        _col("requester_id", "id", False, "The customer who answered."),
        _col("organization_id", "id", False, "The customer's organisation."),
        _col("comment", "text", False, "Free-text comment."),
    ),
    key="response_id",
    notes=("Any further column is kept and may be used as a segment (e.g. region, plan).",),
)

SURVEY_INVITATIONS = Table(
    "survey_invitations",
    "One row per survey invitation sent, answered or not (optional, for response rates).",
    (
        _col("invitation_id", "id", True, "Unique invitation identifier."),
        _col("survey", "category", True, "Which survey: csat, nps or ces.", allowed=SURVEYS),
        _col("sent_at", "datetime", True, "When the invitation was sent (UTC)."),
        _col("ticket_id", "id", False, "The ticket the invitation was about."),
        _col("requester_id", "id", False, "The customer invited."),
        _col("organization_id", "id", False, "The customer's organisation."),
        _col("survey_channel", "text", False, "How the invitation reached the customer (e.g. email, chat, in-app)."),
    ),
    key="invitation_id",
)

MATURITY_ANSWERS = Table(
    "maturity_answers",
    "One row per respondent and maturity question.",
    (
        _col("respondent", "text", True, "Name or alias of the person interviewed."),
        _col("role", "text", True, "Their role (e.g. head of support, team lead, agent, product manager)."),
        _col("question_id", "id", True, "The question's id in the maturity model."),
        _col("level", "int", False, "Level 1-5; empty when not applicable or not known.", minimum=1, maximum=5),
        _col("status", "category", True, "answered, not_applicable or dont_know.", allowed=ANSWER_STATUSES),
        _col("note", "text", False, "What the respondent said, as evidence."),
    ),
    notes=(
        "`level` also accepts 'n/a' / 'not applicable' and \"don't know\" / 'dk'; these set `status`.",
        "A missing `status` column is derived from `level`.",
    ),
)

TABLES: dict[str, Table] = {t.name: t for t in (TICKETS, MESSAGES, SURVEY_RESPONSES, SURVEY_INVITATIONS,
                                                 MATURITY_ANSWERS)}


@dataclass
class Conformed:
    """What :func:`conform` returns: the canonical frame and the rows it rejected.

    ``rejected`` has columns row, column, value, reason (one row per rejected input row);
    ``notes`` lists coercions and defaults applied, as sentences.
    """

    frame: pd.DataFrame
    rejected: pd.DataFrame
    notes: list[str]


REJECTED_COLUMNS = ["row", "column", "value", "reason"]


def get_table(table: str | Table) -> Table:
    """Return the canonical :class:`Table` for a name, or raise naming the valid ones.

    Examples
    --------
    >>> from toolkit.schema import get_table
    >>> get_table("tickets").required
    ['ticket_id', 'created_at', 'status', 'channel']
    >>> get_table("ticket")
    Traceback (most recent call last):
    ...
    toolkit.errors.DataError: unknown table 'ticket'. Fix: use one of tickets, messages, survey_responses, \
survey_invitations, maturity_answers
    """
    if isinstance(table, Table):
        return table
    try:
        return TABLES[table]
    except KeyError:
        raise DataError(f"unknown table {table!r}", fix=f"use one of {', '.join(TABLES)}") from None


def empty(table: str | Table) -> pd.DataFrame:
    """An empty canonical frame with every column and its dtype.

    Examples
    --------
    >>> from toolkit.schema import empty
    >>> frame = empty("messages")
    >>> list(frame.columns)
    ['ticket_id', 'created_at', 'author_role', 'public', 'body', 'message_id', 'author']
    >>> str(frame["created_at"].dtype), len(frame)
    ('datetime64[us, UTC]', 0)
    """
    spec = get_table(table)
    return pd.DataFrame({c.name: pd.Series(dtype=c.dtype) for c in spec.columns})


def has_values(frame: pd.DataFrame, column: str) -> bool:
    """Whether ``column`` exists in ``frame`` and holds at least one non-missing value.

    Canonical frames have every column, so "is the column there" is not the question; this is.

    Examples
    --------
    >>> import pandas as pd
    >>> from toolkit.schema import has_values
    >>> frame = pd.DataFrame({"priority": [None, None], "team": ["Billing", None]})
    >>> has_values(frame, "priority"), has_values(frame, "team"), has_values(frame, "assignee")
    (False, True, False)
    """
    return column in frame.columns and bool(frame[column].notna().any())


def conform(
    frame: pd.DataFrame,
    table: str | Table,
    *,
    tz: str = "UTC",
    file: str | None = None,
    row_numbers: Sequence[int] | None = None,
) -> Conformed:
    """Coerce ``frame`` into the canonical ``table``, rejecting rows it cannot use.

    Structural problems (a required column missing) raise :class:`DataError`.
    Row problems (an unparseable date, a value outside the allowed set, a missing
    required value, a duplicate key) reject the row and record why; the first
    occurrence of a duplicated key is kept.

    Parameters
    ----------
    frame : the input table, with canonical column names.
    table : ``"tickets"``, ``"messages"``, ``"survey_responses"``, ``"survey_invitations"``
        or ``"maturity_answers"``.
    tz : time zone of naive timestamps (the client's zone).
    file : source file, named in errors.
    row_numbers : the number to report for each row (e.g. the line in the file).

    Returns
    -------
    :class:`Conformed`: ``frame`` (canonical columns and dtypes, the kept rows), ``rejected`` (row,
    column, value, reason) and ``notes``.

    Examples
    --------
    Naive times are read in ``tz`` (London is on summer time in July) and stored in UTC; the
    duplicated ticket and the unreadable date are rejected with their row numbers:

    >>> import pandas as pd
    >>> from toolkit.schema import conform
    >>> raw = pd.DataFrame({"ticket_id": ["101", "102", "102", "103"],
    ...                     "created_at": ["2026-07-01 09:00", "2026-07-01 10:30", "2026-07-01 10:30", "soon"],
    ...                     "status": ["Solved", "open", "open", "new"], "channel": ["email", "chat", "chat", "web"]})
    >>> result = conform(raw, "tickets", tz="Europe/London")
    >>> result.frame[["ticket_id", "created_at", "status", "channel"]]
      ticket_id                created_at  status channel
    0       101 2026-07-01 08:00:00+00:00  solved   email
    1       102 2026-07-01 09:30:00+00:00    open    chat
    >>> result.rejected[["row", "column", "value"]]
       row      column value
    0    3   ticket_id   102
    1    4  created_at  soon
    """
    return _Conformer(frame, get_table(table), tz=tz, file=file, row_numbers=row_numbers).run()


def validate(
    frame: pd.DataFrame,
    table: str | Table,
    *,
    tz: str = "UTC",
    file: str | None = None,
    row_numbers: Sequence[int] | None = None,
) -> pd.DataFrame:
    """Return ``frame`` in canonical form, or raise one :class:`DataError` for the first bad column.

    Same coercions as :func:`conform`, but any rejected row is an error naming the
    table, the column, the first offending rows with their values, and the fix.

    Examples
    --------
    >>> import pandas as pd
    >>> from toolkit.schema import validate
    >>> raw = pd.DataFrame({"ticket_id": ["101", "102"], "created_at": ["2026-07-01 09:00", "soon"],
    ...                     "status": ["solved", "open"], "channel": ["email", "chat"]})
    >>> validate(raw.iloc[:1], "tickets", tz="Europe/London")["created_at"].iloc[0]
    Timestamp('2026-07-01 08:00:00+0000', tz='UTC')
    >>> validate(raw, "tickets", tz="Europe/London", file="tickets.csv")
    Traceback (most recent call last):
    ...
    toolkit.errors.DataError: file tickets.csv, table tickets, column `created_at`: value is not a date \
(row 2 ('soon')). Fix: write dates as ISO 8601 (2026-03-31 14:05) or pass the source's date format to the loader
    """
    spec = get_table(table)
    result = _Conformer(frame, spec, tz=tz, file=file, row_numbers=row_numbers).run()
    if len(result.rejected):
        first = result.rejected.iloc[0]
        same = result.rejected[(result.rejected["column"] == first["column"])
                               & (result.rejected["reason"] == first["reason"])]
        raise DataError(
            first["reason"],
            fix=_FIXES.get(_reason_kind(first["reason"]), "correct or remove these rows"),
            file=file,
            table=spec.name,
            column=first["column"],
            rows=same["row"].tolist(),
            values=same["value"].tolist(),
        )
    return result.frame


_FIXES = {
    "date": "write dates as ISO 8601 (2026-03-31 14:05) or pass the source's date format to the loader",
    "number": "use plain numbers without units or text",
    "integer": "use whole numbers",
    "allowed": "map the values to the allowed ones (a loader mapping can do this)",
    "missing": "fill in the value or remove the rows",
    "duplicate": "make the identifiers unique or remove the duplicated rows",
    "range": "correct the values or check that the right column was mapped",
    "bool": "use true/false or yes/no",
}


def _reason_kind(reason: str) -> str:
    for kind, marker in (("date", "not a date"), ("integer", "not a whole number"), ("number", "not a number"),
                         ("allowed", "not one of"), ("missing", "is empty"), ("duplicate", "duplicate"),
                         ("range", "outside"), ("bool", "not true/false")):
        if marker in reason:
            return kind
    return ""


class _Conformer:
    """Does the work of :func:`conform` for one frame; collects rejections per row."""

    def __init__(self, frame: pd.DataFrame, spec: Table, *, tz: str, file: str | None,
                 row_numbers: Sequence[int] | None) -> None:
        if not isinstance(frame, pd.DataFrame):
            raise DataError(f"expected a pandas DataFrame, got {type(frame).__name__}", table=spec.name,
                            fix="load the file first, e.g. toolkit.io.load_tickets(path)")
        self.spec = spec
        self.tz = tz
        self.file = file
        self.source = frame
        n = len(frame)
        self.row_numbers = np.arange(1, n + 1) if row_numbers is None else np.asarray(row_numbers)
        if len(self.row_numbers) != n:
            raise ValueError(f"row_numbers has {len(self.row_numbers)} entries for {n} rows")
        self.bad = np.zeros(n, dtype=bool)
        self.rejections: list[pd.DataFrame] = []
        self.notes: list[str] = []

    def run(self) -> Conformed:
        self._check_columns()
        src = self.source.reset_index(drop=True)
        out = {}
        special = {"level", "status"} if self.spec is MATURITY_ANSWERS else set()
        for col in self.spec.columns:
            if col.name in special:
                continue
            out[col.name] = self._coerce(col, src[col.name]) if col.name in src.columns else _missing(col, src.index)
        if special:
            out.update(self._maturity_levels(src))
        result = pd.DataFrame({name: out[name] for name in self.spec.names}, index=src.index)
        for name in src.columns:
            if name not in result.columns:
                result[name] = src[name]
        for col in self.spec.columns:
            if col.required:
                self._reject(result[col.name].isna(), col.name, src.get(col.name, result[col.name]),
                             "required value is empty")
        if self.spec.key:
            key = result[self.spec.key]
            dup = key.notna() & key.duplicated(keep="first") & ~self.bad
            self._reject(dup, self.spec.key, key, first_kept_reason(self.spec.key))
        kept = result[~self.bad].reset_index(drop=True)
        rejected = (pd.concat(self.rejections, ignore_index=True).sort_values("row", kind="stable")
                    .reset_index(drop=True) if self.rejections else pd.DataFrame(columns=REJECTED_COLUMNS))
        return Conformed(kept, rejected, self.notes)

    def _check_columns(self) -> None:
        present = [str(c) for c in self.source.columns]
        missing = [c for c in self.spec.required if c not in present
                   and not (self.spec is MATURITY_ANSWERS and c == "status")]
        if not missing:
            return
        name = missing[0]
        close = difflib.get_close_matches(name, present, n=3, cutoff=0.5)
        found = f"found {', '.join(f'`{c}`' for c in close)}" if close else \
            f"the frame has {', '.join(f'`{c}`' for c in present[:12]) or 'no columns'}"
        fix = (f"pass mapping={{'{name}': '{close[0]}'}}" if close
               else f"add a `{name}` column or map one of your columns to it")
        raise DataError(f"required column is missing; {found}", fix=fix, file=self.file, table=self.spec.name,
                        column=name)

    def _reject(self, mask, column: str, values: pd.Series, reason: str) -> None:
        if isinstance(mask, pd.Series):
            mask = mask.fillna(False)  # nullable comparisons leave NA where the value is missing
        mask = np.asarray(mask, dtype=bool) & ~self.bad
        if not mask.any():
            return
        self.bad |= mask
        self.rejections.append(pd.DataFrame({
            "row": self.row_numbers[mask],
            "column": column,
            "value": [_show(v) for v in np.asarray(values, dtype=object)[mask]],
            "reason": reason,
        }))

    def _coerce(self, col: Column, raw: pd.Series) -> pd.Series:
        present = raw.notna()
        if col.kind not in ("list", "mapping") and (raw.dtype == object or pd.api.types.is_string_dtype(raw.dtype)):
            # only text can hold a blank or 'nan' that means missing; formatting a million dates costs seconds
            present &= ~raw.astype("str").str.strip().isin(["", "nan", "NaN", "None", "<NA>", "NaT"])
        kind = col.kind
        if kind in ("id", "text"):
            values = raw.astype("str").where(present)
            if kind == "id":
                values = values.str.strip().str.replace(r"\.0$", "", regex=True)
            return values.astype("str")
        if kind == "category":
            values = raw.astype("str").str.strip().str.lower().where(present)
            if col.allowed is not None:
                wrong = present & ~values.isin(col.allowed)
                self._reject(wrong, col.name, raw, f"value is not one of {', '.join(col.allowed)}")
            return values.astype("str")
        if kind == "datetime":
            values = self._datetimes(raw, present)
            self._reject(present & values.isna(), col.name, raw, "value is not a date")
            return values
        if kind in ("float", "int"):
            values = pd.to_numeric(raw.where(present), errors="coerce")
            self._reject(present & values.isna(), col.name, raw, "value is not a number")
            if kind == "int":
                frac = values.notna() & (values != np.round(values))
                self._reject(frac, col.name, raw, "value is not a whole number")
            self._range(col, values, raw)
            return values.round().astype("Int64") if kind == "int" else values.astype("float64")
        if kind == "bool":
            text = raw.astype("str").str.strip().str.lower()
            values = pd.Series(pd.NA, index=raw.index, dtype="boolean")
            values[present & text.isin(_TRUE)] = True
            values[present & text.isin(_FALSE)] = False
            self._reject(present & values.isna(), col.name, raw, "value is not true/false")
            return values
        if kind == "list":
            return raw.map(_as_list)
        if kind == "mapping":
            return raw.map(lambda v: v if isinstance(v, dict) else {})
        raise AssertionError(kind)

    def _range(self, col: Column, values: pd.Series, raw: pd.Series) -> None:
        if col.minimum is not None:
            self._reject(values < col.minimum, col.name, raw,
                         f"value is outside the allowed range (>= {col.minimum:g})")
        if col.maximum is not None:
            self._reject(values > col.maximum, col.name, raw,
                         f"value is outside the allowed range (<= {col.maximum:g})")

    def _datetimes(self, raw: pd.Series, present: pd.Series) -> pd.Series:
        if isinstance(raw.dtype, pd.DatetimeTZDtype):
            return raw.dt.tz_convert("UTC").astype(DATETIME_DTYPE)
        if pd.api.types.is_datetime64_dtype(raw.dtype):
            return self._localize(raw)
        text = raw.astype("str").str.strip().where(present)
        result = pd.Series(pd.NaT, index=raw.index, dtype=DATETIME_DTYPE)
        with_offset = text.str.contains(_OFFSET, na=False)
        if with_offset.any():
            result[with_offset] = _parse(text[with_offset], utc=True)
        naive = present & ~with_offset
        if naive.any():
            result[naive] = self._localize(_parse(text[naive], utc=False))
        return result

    def _localize(self, values: pd.Series) -> pd.Series:
        values = pd.to_datetime(values)
        if values.dt.tz is None:
            values = values.dt.tz_localize(self.tz, ambiguous="NaT", nonexistent="shift_forward")
        return values.dt.tz_convert("UTC").astype(DATETIME_DTYPE)

    def _maturity_levels(self, src: pd.DataFrame) -> dict[str, pd.Series]:
        """Level 1-5 or a not-applicable / don't-know word; status derived unless given."""
        raw = src["level"] if "level" in src.columns else pd.Series(pd.NA, index=src.index, dtype=object)
        text = raw.astype("str").str.strip().str.lower()
        not_applicable = text.isin(_NOT_APPLICABLE)
        dont_know = text.isin(_DONT_KNOW)
        words = not_applicable | dont_know
        present = raw.notna() & ~text.isin(["", "nan", "none", "<na>"]) & ~words
        numeric = pd.to_numeric(raw.where(present), errors="coerce")
        self._reject(present & numeric.isna(), "level", raw, "value is not a number")
        self._reject(numeric.notna() & (numeric != np.round(numeric)), "level", raw, "value is not a whole number")
        self._range(MATURITY_ANSWERS.column("level"), numeric, raw)
        derived = pd.Series(np.where(not_applicable, "not_applicable",
                                     np.where(dont_know, "dont_know", "answered")), index=src.index)
        if "status" in src.columns:
            given = src["status"].astype("str").str.strip().str.lower().where(src["status"].notna())
            status = given.fillna(derived)
            self._reject(~status.isin(ANSWER_STATUSES), "status", src["status"],
                         f"value is not one of {', '.join(ANSWER_STATUSES)}")
        else:
            status = derived
        self._reject((status == "answered") & numeric.isna(), "level", raw,
                     "value is empty for an answered question")
        return {"level": numeric.round().astype("Int64"), "status": status.astype("str")}


def _missing(col: Column, index: pd.Index) -> pd.Series:
    """An empty column of the right dtype, for an optional column the input lacks."""
    if col.kind == "mapping":
        return pd.Series([{} for _ in range(len(index))], index=index, dtype=object)
    if col.kind == "list":
        return pd.Series([[] for _ in range(len(index))], index=index, dtype=object)
    return pd.Series(None, index=index, dtype=col.dtype)


def _parse(text: pd.Series, *, utc: bool) -> pd.Series:
    """Parse date strings fast (one inferred format), falling back to per-value parsing."""
    first = pd.to_datetime(text, errors="coerce", utc=utc)
    retry = first.isna() & text.notna()
    if retry.any():
        first = first.astype(object)
        first[retry] = pd.to_datetime(text[retry], errors="coerce", utc=utc, format="mixed")
        first = pd.to_datetime(first, utc=utc)
    return first


def _as_list(value) -> list[str]:
    if isinstance(value, list | tuple | np.ndarray):
        return [str(v) for v in value]
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return []
    return [t for t in re.split(r"[,\s]+", str(value).strip()) if t]


def _show(value) -> object:
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return ""
    return value


def data_model_markdown() -> str:
    """The data model as Markdown (``docs/data-model.md`` is this text; a test keeps them equal).

    Examples
    --------
    >>> from toolkit.schema import data_model_markdown
    >>> text = data_model_markdown()
    >>> text.splitlines()[0], "| `ticket_id` | str | yes | Unique ticket identifier from the helpdesk. |" in text
    ('# Canonical data model', True)
    """
    lines = [
        "# Canonical data model",
        "",
        "Generated from `toolkit/schema.py` by `support-toolkit schema`; a test checks this file against it.",
        "Every loader produces these tables; analysis code only reads them.",
        "",
        "Timestamps are tz-aware UTC. Naive timestamps are read in the client's time zone.",
        "Missing optional columns are added empty; unknown columns are kept after the canonical ones.",
        "",
    ]
    for spec in TABLES.values():
        lines += [f"## {spec.name}", "", spec.meaning, ""]
        if spec.key:
            lines += [f"Key: `{spec.key}` (unique).", ""]
        lines += ["| column | type | required | meaning |", "| --- | --- | --- | --- |"]
        for c in spec.columns:
            meaning = c.meaning
            if c.allowed:
                meaning += f" One of: {', '.join(f'`{a}`' for a in c.allowed)}."
            lines.append(f"| `{c.name}` | {c.dtype} | {'yes' if c.required else 'no'} | {meaning} |")
        lines.append("")
        for note in spec.notes:
            lines.append(f"- {note}")
        if spec.notes:
            lines.append("")
    return "\n".join(lines)


def first_kept_reason(key: str) -> str:
    """The reason a row is rejected whose key (as conformed: trimmed, ``123.0`` read as ``123``) an earlier row has."""
    return f"duplicate {key} (the first occurrence is kept)"
