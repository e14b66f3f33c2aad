"""Turn raw ticket text into the words that describe the customer's problem.

Helpdesk text is full of things that make unrelated tickets look alike (greetings,
sign-offs, signatures, "please reply above this line" templates, quoted earlier
messages) and things that make the same problem look different (order numbers,
dates, e-mail addresses). :class:`TicketCleaner` removes the first kind and
normalises the second into placeholder words (``_num_``, ``_date_``, ``_url_``,
``_email_``), so that the representation sees the problem itself. Identifiers are kept
as whole tokens: bug-tracker keys (``APP-1234``), bug numbers, version strings, error
codes, exception and class names: two tickets quoting the same one are about the same
failure. Pasted technical text loses what differs between two reports of one failure
(timestamps, thread ids, hex addresses, routine log lines, deep stack frames).

Everything is a handful of regular expressions applied column-wise by pyarrow's RE2
engine, which cleans a million tickets in seconds.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from sklearn.base import BaseEstimator, TransformerMixin

from toolkit.duplicates.bug_keys import KEY_RE2
from toolkit.errors import DataError

# The patterns are RE2 syntax (run by pyarrow in C++, ~20x faster than Python's re on a million
# tickets): no look-arounds, ``\z`` for the end of the text; ``\b`` and ``\w`` are ASCII.
# A quoted earlier message starts with one of these lines; everything after it is dropped.
_QUOTE_HEADER = (
    r"(?ims)("
    r"^\s*On\b[^\n]{0,200}\bwrote:\s*$"                      # On Mon, 3 Mar 2026, Jane <...> wrote:
    r"|^\s*-{2,}\s*Original Message\s*-{2,}"                  # -----Original Message-----
    r"|^\s*-{2,}\s*Forwarded message\s*-{2,}"
    r"|^\s*From:\s[^\n]+\n\s*(Sent|Date):"                     # Outlook reply header
    r"|^\s*_{10,}\s*$"                                        # Outlook separator line
    r"|^\s*>"                                                 # first '>' quoted line
    r").*\z"
)
# Signature and sign-off: from the sign-off line to the end of the message.
_SIGN_OFF = (
    r"(?ims)^\s*(--\s*$"
    r"|(best|kind|warm|many)?\s*(regards|wishes)\b[^\n]{0,40}$"
    r"|(thanks|thank you|many thanks|thanks in advance|cheers|sincerely|br|rgds|best)[ ,.!]*$"
    r"|sent from my \w+"
    r"|get outlook for \w+"
    r").*\z"
)
# Greeting line at the start ("Hi team,", "Hello Support,", "Dear Sir or Madam,").
_GREETING = (r"(?i)\A\s*(hi|hello|hey|dear|good (morning|afternoon|evening)|greetings)\b"
             r"[^\n,.!:]{0,40}[,.!:]?\s*")
# Helpdesk template text.
_BOILERPLATE = (
    r"(?i)(##-\s*please type your reply above this line\s*-##"
    r"|please (type|write) your reply above this line"
    r"|this (e-?mail|message) (is|was) (a service|sent) from [^\n.]*\.?"
    r"|\[?(ticket|case|request) #?\d+\]?:?"
    r"|(confidentiality|disclaimer) notice:?[^\n]*"
    r"|this e-?mail and any attachments? (are|is) confidential[^\n]*"
    r"|how would you rate (the|our) (support|service)[^\n]*"
    r"|\[(image|attachment|cid)[^\]]*\])"
)
# A link keeps its host: the site or service that fails is an identifier ("elster.de", "api.acme.com").
_URL = r"(?i)\b(?:https?://|www\.)(?:www\.)?([\w-]+(?:\.[\w-]+)*)\S*"
_EMAIL = r"(?i)\b[\w.+-]+@[\w-]+(\.[\w-]+)+\b"
_DATE = (
    r"(?i)\b(\d{4}-\d{1,2}-\d{1,2}(?:[ t]\d{1,2}:\d{2}(?::\d{2})?)?"
    r"|\d{1,2}[/.]\d{1,2}[/.]\d{2,4}"
    r"|\d{1,2}(?:st|nd|rd|th)?\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?(?:\s+\d{4})?"
    r"|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2}(?:st|nd|rd|th)?(?:,?\s+\d{4})?"
    r"|\d{1,2}:\d{2}(?:\s*[ap]m)?)\b"
)
# Technical text (bug reports, pasted errors): what identifies the failure is kept, what only
# differs between two reports of it is dropped.
_TECHNICAL_DROP = [
    r"(?im)^[ \t]*(user[- ]agent|build id(entifier)?)[ \t]*:[^\n]*",           # browser/build line of a form
    r"(?m)^[^\n]{0,40}\b(DEBUG|TRACE|VERBOSE|INFO)\b[^\n]*",                  # routine log lines
    r"(?i)\b\d{4}-\d{2}-\d{2}t\d{2}:\d{2}(:\d{2})?([.,]\d+)?(z|[+-]\d{2}:?\d{2})?",  # ISO timestamps
    r"\b\d{1,2}:\d{2}:\d{2}([.,]\d+)?\b",                                          # clock times to the second
    r"(?i)\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b",       # UUIDs
    r"(?i)\b0x[0-9a-f]{9,}\b|\b[0-9a-f]*[0-9][0-9a-f]*[a-f][0-9a-f]*\b",          # addresses, hashes
    r"(?i)\b(thread|tid|pid)[ \t#:=-]*(id)?[ \t#:=-]*\d+\b",                      # thread and process ids
    r"(?m)^[ \t]*\.\.\. \d+ more[ \t]*$",                                         # "... 12 more" (Java)
    r"\((([\w$-]+\.)+(java|kt|scala|cs|js|mjs|ts|py|cpp|cc|c|h|rs|go|rb|php|swift):\d+(:\d+)?"
    r"|Native Method|Unknown Source)\)",                                          # frame locations
]
_TECHNICAL_KEEP = [
    # a stack trace's top three frames say where it failed; deeper ones are the same for every crash
    (r"((\n[ \t]*at [^\n]*){3})(\n[ \t]*at [^\n]*)+", r"\1"),
    # frames keep class and method: "at com.acme.sync.FileLock.acquire" -> "at FileLock.acquire"
    (r"\bat ([a-z_$][\w$]*\.)+([A-Z][\w$]*\.[\w$<>]+)", r"at \2"),
    (r"File \"([^\"\n]*[/\\])?([^\"/\\\n]+)\", line \d+, in ([\w<>]+)", r"\2 \3"),  # Python frames
]
# Identifiers survive number normalisation: versions ("2.49.5" -> "2_49_5"), bug numbers
# ("bug 752376" -> "bug_752376") and error codes ("error 500" -> "error code_500").
_VERSION = (r"(\d)\.(\d)", r"\1_\2")
_BUG_NUMBER = (r"(?i)\bbug[ \t]*#?[ \t]*(\d{3,8})\b", r" bug_\1 ")
_ERROR_CODE = (r"(?i)\b(error|code|status|http|errno|exit)[ \t]*[:#=]?[ \t]*(\d{2,6})\b", r"\1 code_\2")
_ID_NUMBER = r"#?\b\d+(?:[-/]\d+)*\b"
_SPACE = r"\s+"

DEFAULT_TEXT_COLUMNS = ("subject", "description")


class TicketCleaner(BaseEstimator, TransformerMixin):
    """Build one cleaned text per ticket from its subject and first customer message.

    Parameters
    ----------
    subject_weight : how many times the subject is repeated before the message; the
        subject is short and says what the ticket is about, so it counts more.
    strip_quotes, strip_signatures, strip_greetings, strip_boilerplate : which parts to drop.
    technical : treat pasted technical text: drop browser/build lines, routine (DEBUG/INFO) log
        lines, timestamps, UUIDs, hex addresses and hashes, thread ids and stack frames below the
        third; keep exception names, frames' class and method names, version strings, bug
        numbers and error codes as whole tokens.
    normalise : replace URLs, e-mail addresses, dates and numbers with placeholder words.
    redact_pii : mask personal data with :func:`toolkit.pii.redact` first (off by default
        for clustering, where the placeholders already hide it; on for anything shown).
    max_chars : texts are cut to this length (the problem is stated early; long pasted logs
        would otherwise dominate).

    ``transform`` accepts a canonical tickets frame (uses ``subject`` and ``description``)
    or a Series/list of plain texts, and returns a Series of cleaned texts (same index).
    """

    def __init__(self, subject_weight: int = 2, strip_quotes: bool = True, strip_signatures: bool = True,
                 strip_greetings: bool = True, strip_boilerplate: bool = True, technical: bool = True,
                 normalise: bool = True, redact_pii: bool = False, max_chars: int = 2000) -> None:
        self.subject_weight = subject_weight
        self.strip_quotes = strip_quotes
        self.strip_signatures = strip_signatures
        self.strip_greetings = strip_greetings
        self.strip_boilerplate = strip_boilerplate
        self.technical = technical
        self.normalise = normalise
        self.redact_pii = redact_pii
        self.max_chars = max_chars

    def fit(self, tickets=None, y=None) -> TicketCleaner:
        return self

    def transform(self, tickets) -> pd.Series:
        subject, body = ticket_text_parts(tickets)
        index = body.index
        body = self._clean(_arrow(body), message=True)
        subject = self._clean(_arrow(subject), message=False)
        weight = max(int(self.subject_weight), 0)
        separator = pa.scalar(" . ", pa.large_string())
        text = pc.binary_join_element_wise(*([subject] * weight + [body]), separator) if weight else body
        text = pc.utf8_trim(pc.replace_substring_regex(text, _SPACE, " "), " .")
        return pd.Series(text, index=index, dtype="str")

    def clean_message(self, text: pd.Series, message: bool = True) -> pd.Series:
        """Clean one column of texts (a subject when ``message`` is False: no quote/signature cuts)."""
        return pd.Series(self._clean(_arrow(text), message), index=text.index, dtype="str")

    def _clean(self, text: pa.ChunkedArray, message: bool) -> pa.ChunkedArray:
        text = pc.replace_substring(text, "\r\n", "\n")
        if self.technical:  # before the cut, so that dropped log lines leave room for the report itself
            for pattern in _TECHNICAL_DROP:
                text = pc.replace_substring_regex(text, pattern, " ")
            for pattern, replacement in _TECHNICAL_KEEP:
                text = pc.replace_substring_regex(text, pattern, replacement)
        text = pc.utf8_slice_codeunits(text, 0, self.max_chars)
        if self.redact_pii:
            from toolkit.pii import redact

            text = _arrow(redact(pd.Series(text, dtype="str")))
        steps = []
        if self.strip_boilerplate:
            steps.append((_BOILERPLATE, " "))
        if message and self.strip_quotes:
            steps.append((_QUOTE_HEADER, ""))
        if message and self.strip_greetings:
            steps.append((_GREETING, ""))
        if message and self.strip_signatures:
            steps.append((_SIGN_OFF, ""))
        if self.normalise:
            steps += NORMALISE
        for pattern, replacement in steps:
            text = pc.replace_substring_regex(text, pattern, replacement)
        return pc.utf8_lower(text) if self.normalise else text


# Bug-tracker keys survive normalisation: ``APP-1234`` (or ``app-1234``) becomes the token ``app_1234``.
NORMALISE = [(KEY_RE2, r" \1_\2 "), (_URL, r" _url_ \1 "), (_EMAIL, " _email_ "), (_DATE, " _date_ "),
             _VERSION, _VERSION, _BUG_NUMBER, _ERROR_CODE, (_ID_NUMBER, " _num_ ")]


def _arrow(text: pd.Series) -> pa.ChunkedArray:
    """The texts as a pyarrow string array, missing values as empty strings."""
    text = text.fillna("")
    array = text.array
    if hasattr(array, "_pa_array"):
        return pc.cast(array._pa_array, pa.large_string())
    return pa.chunked_array([pa.array(text.astype("str").tolist(), type=pa.large_string())])


def normalise_text(text: pd.Series) -> pd.Series:
    """Lower-case and replace URLs, e-mails, dates and numbers by placeholder words; keep bug keys."""
    array = _arrow(text)
    for pattern, replacement in NORMALISE:
        array = pc.replace_substring_regex(array, pattern, replacement)
    return pd.Series(pc.utf8_lower(array), index=text.index, dtype="str")


def ticket_text_parts(tickets) -> tuple[pd.Series, pd.Series]:
    """Subject and first customer message of each ticket (empty subject for plain texts)."""
    if isinstance(tickets, pd.DataFrame):
        cols = [c for c in DEFAULT_TEXT_COLUMNS if c in tickets.columns]
        if not cols:
            raise DataError("the tickets have no text to cluster", table="tickets", column="subject, description",
                            fix="pass a canonical tickets frame with a subject or description column")
        empty = pd.Series("", index=tickets.index, dtype="str")
        subject = tickets["subject"].astype("str") if "subject" in cols else empty
        body = tickets["description"].astype("str") if "description" in cols else empty
        return subject.fillna(""), body.fillna("")
    if isinstance(tickets, pd.Series):
        body = tickets.astype("str").fillna("")
    else:
        body = pd.Series(np.asarray(list(tickets), dtype=object), dtype="str").fillna("")
    return pd.Series("", index=body.index, dtype="str"), body
