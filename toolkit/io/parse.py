"""Vectorised parsers for the values exports are full of: dates, durations, numbers, flags, lists.

Each parser takes a raw column (strings, or native values from Parquet/JSON) and
returns ``(values, bad)``: the parsed column and a boolean mask of non-empty
inputs it could not read, so the caller can reject those rows with a reason
instead of silently treating them as missing.
"""

from __future__ import annotations

import re
import warnings

import numpy as np
import pandas as pd

from toolkit.schema import DATETIME_DTYPE

# A string pattern without \s or \d, so pandas runs it in pyarrow (RE2) rather than Python's re.
ZONE_NAMES = {"UTC": "+00:00", "GMT": "+00:00", "WET": "+00:00", "WEST": "+01:00", "CET": "+01:00", "CEST": "+02:00",
              "MET": "+01:00", "MEST": "+02:00", "EET": "+02:00", "EEST": "+03:00", "EST": "-05:00", "EDT": "-04:00",
              "CDT": "-05:00", "MST": "-07:00", "MDT": "-06:00", "PST": "-08:00", "PDT": "-07:00", "AKST": "-09:00",
              "AKDT": "-08:00", "HST": "-10:00", "JST": "+09:00", "KST": "+09:00", "AEST": "+10:00",
              "AEDT": "+11:00", "NZST": "+12:00", "NZDT": "+13:00"}
"""Time-zone abbreviations exports write after a time ('10:00 CET'), with their UTC offsets. Names that mean two
zones (CST: US Central or China; IST: India, Ireland or Israel; BST: British Summer or Bangladesh) are left out, so
such times are rejected rather than guessed."""
ZONE_AT_END = " (" + "|".join(ZONE_NAMES) + "|utc|gmt)$"
"""A zone name after a time ('10:00 CET'), group 1 the name."""
_NAMED = ZONE_AT_END.replace(" (", " (?:", 1)
# An offset after a time: +01:00, +0100, or the hours alone (+01, ISO 8601 allows it; only after a time, as a date
# ends in -01 too).
_OFFSET = r"(?:Z|z|[+-][0-9][0-9]:?[0-9][0-9]|:[0-9][0-9](?:\.[0-9]+)?[+-][0-9][0-9]|" + _NAMED + ")"
# Excel's day 0 is 1899-12-30 (it counts 1900 as a leap year); serials 20000-80000 are 1954-2119.
_EXCEL_EPOCH = pd.Timestamp("1899-12-30")
_SERIAL = re.compile(r"^\d{5}(?:\.\d+)?$")
_HMS = re.compile(r"^\s*(-)?(\d+):([0-5]?\d)(?::([0-5]?\d(?:\.\d+)?))?\s*$")
DURATION_UNITS = {"seconds": 1 / 60, "minutes": 1.0, "hours": 60.0, "days": 1440.0}
DURATION_WORDS = {"days": "d|days?", "hours": "h|hrs?|hours?", "minutes": "m|mins?|minutes?",
                  "seconds": "s|secs?|seconds?"}
"""How exports and people write each unit of a duration ('1h 30m', '5 mins', '2 hours')."""
_DURATION_PART = "[0-9]+(?:[.][0-9]+)? ?(?:" + "|".join(DURATION_WORDS.values()) + ")"
WITH_UNITS = "(?i)^ *" + _DURATION_PART + "(?: *,? *" + _DURATION_PART + ")* *$"
"""A duration written with its units, e.g. '1h 30m', '5 min', '1 day, 2 hours' (Python, RE2 and Java syntax)."""


_ISO_NUMBER = "([0-9]+(?:[.][0-9]+)?)"
ISO_DURATION = (f"(?i)^ *P(?:{_ISO_NUMBER}W)?(?:{_ISO_NUMBER}D)?"
                f"(?:T(?:{_ISO_NUMBER}H)?(?:{_ISO_NUMBER}M)?(?:{_ISO_NUMBER}S)?)? *$")
"""An ISO 8601 duration as APIs write it ('PT1H30M', 'P1DT2H', 'PT45S'); groups 1-5 are the weeks, days, hours,
minutes and seconds (:data:`ISO_MINUTES`). Years and months are no fixed length and do not match. A match
without a digit ('P', 'PT') is no duration (Python and Java syntax)."""
ISO_MINUTES = (10080.0, 1440.0, 60.0, 1.0, 1 / 60)
"""Minutes per unit of :data:`ISO_DURATION`'s groups 1-5."""


def iso_minutes(text: pd.Series) -> pd.Series:
    """Minutes of the :data:`ISO_DURATION` values in ``text`` (NaN elsewhere).

    >>> iso_minutes(pd.Series(["PT1H30M", "P1DT2H", "pt45s", "P", "P1M", "90"])).tolist()
    [90.0, 1560.0, 0.75, nan, nan, nan]
    """
    parts = text.astype("str").str.extract(ISO_DURATION).astype("float64")
    total = sum(parts[i].fillna(0) * factor for i, factor in enumerate(ISO_MINUTES))
    return total.where(parts.notna().any(axis=1))


def unit_part(unit: str) -> str:
    """The pattern whose group 1 is the number written before ``unit`` in a :data:`WITH_UNITS` duration."""
    return "(?i)([0-9]+(?:[.][0-9]+)?) ?(?:" + DURATION_WORDS[unit] + ")(?:[^a-z]|$)"


def with_units_note(count: int, example: str, minutes: float) -> str:
    """The load report's note on durations written with their units."""
    return f"{count} durations written with units read (e.g. {example!r} = {minutes:g} minutes)"


MONTH_NAMES = {
    "Jan": ("januari", "januar", "jänner", "janvier", "janv", "enero", "ene", "gennaio", "janeiro"),
    "Feb": ("februari", "februar", "février", "fevrier", "févr", "fevr", "febrero", "febbraio", "fevereiro"),
    "Mar": ("maart", "mrt", "märz", "maerz", "mrz", "mär", "mars", "marzo", "março", "marco"),
    "Apr": ("avril", "avr", "abril", "abr", "aprile"),
    "May": ("mei", "mai", "mayo", "maggio", "maio"),
    "Jun": ("juni", "juin", "junio", "giugno", "junho"),
    "Jul": ("juli", "juillet", "juil", "julio", "luglio", "julho"),
    "Aug": ("augustus", "août", "aout", "agosto"),
    "Sep": ("septembre", "septiembre", "settembre", "setembro"),
    "Oct": ("oktober", "okt", "octobre", "octubre", "ottobre", "outubro"),
    "Nov": ("novembre", "noviembre", "novembro"),
    "Dec": ("dezember", "dez", "décembre", "decembre", "déc", "diciembre", "dic", "dicembre", "dezembro"),
}
"""Dutch, German, French, Spanish, Italian and Portuguese month names and abbreviations that differ from the
English ones, by the English abbreviation they are read as ('5 januari 2026' is read as '5 Jan 2026')."""
DAY_NAMES = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag", "montag", "dienstag",
             "mittwoch", "donnerstag", "freitag", "samstag", "sonntag", "lundi", "mardi", "mercredi", "jeudi",
             "vendredi", "samedi", "dimanche", "lunes", "martes", "miércoles", "jueves", "viernes", "sábado",
             "domingo", "lunedì", "martedì", "mercoledì", "giovedì", "venerdì", "sabato")
"""The same languages' day names, which a date may start with ('maandag 5 januari 2026'): left out."""
_FOREIGN_MONTH = "(?i)(?:^|[^\\w])(" + "|".join(sorted((n for names in MONTH_NAMES.values() for n in names),
                                                        key=len, reverse=True)) + ")(?:$|[^\\w])"
ANY_FOREIGN_MONTH = _FOREIGN_MONTH.replace("])(", "])(?:", 1)  # the same without a group, to test for one
DOTTED_MONTH = r"(?i)\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\."
"""An English month abbreviated with a full stop ('6 Feb. 2026'), which parsers read without it."""
_ANY_DOTTED_MONTH = DOTTED_MONTH.replace("\\b(", "\\b(?:", 1)  # the same without a group, to test for one
_ENGLISH = {name: english for english, names in MONTH_NAMES.items() for name in names}
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_PARTIAL_TIME = r"(?:,? (?:at )?[0-9]{1,2}:[0-9]{2}(?::[0-9]{2})? ?(?:[AaPp]\.?[Mm]\.?)?)?"
WITHOUT_YEAR = (r"(?i)^(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,? )?(?:" + _MONTH + r" [0-9]{1,2}(?:st|nd|rd|th)?"
                r"|[0-9]{1,2}(?:st|nd|rd|th)?\.? " + _MONTH + r"|[0-9]{1,2}[/.][0-9]{1,2}\.?)" + _PARTIAL_TIME + "$")
"""Dates written without a year ('Jan 5', '5 March 10:00', '05/03'): a parser would put them in some year."""
WITHOUT_DAY = r"(?i)^(?:" + _MONTH + r",? [0-9]{4}|[0-9]{4}[-/.][0-9]{1,2}|[0-9]{1,2}[-/.][0-9]{4})$"
"""A month without a day ('March 2026', '2026-03', '03/2026'): a parser would read the 1st, a made-up day."""
WITHOUT_YEAR_REASON = "value is a date without a year"
TIME_ONLY_REASON = "value is a time of day without a date"
WITHOUT_DAY_REASON = "value is a month without a day"


def english_months(text: pd.Series) -> tuple[pd.Series, str | None]:
    """Dates with other languages' month names (:data:`MONTH_NAMES`) written with the English ones, day names
    (:data:`DAY_NAMES`), Spanish and Portuguese 'de' and the full stop after an abbreviated month left out, and a
    note saying how many dates had another language's month names.

    >>> dates = pd.Series(["5 januari 2026", "lundi 2 févr. 2026 10:00", "5 de marzo de 2026", "Jan 5"])
    >>> english_months(dates)[0].tolist()
    ['5 Jan 2026', '2 Feb 2026 10:00', '5 Mar 2026', 'Jan 5']
    """
    foreign = text.str.contains(ANY_FOREIGN_MONTH, na=False)
    rewrite = foreign | text.str.contains(_ANY_DOTTED_MONTH, na=False)
    if not rewrite.any():
        return text, None
    rows = text[rewrite]
    words = rows.str.replace(_FOREIGN_MONTH, lambda m: m.group(0).replace(m.group(1), _ENGLISH[m.group(1).lower()]),
                             regex=True)
    words = words.str.replace(r"(?i)^(?:" + "|".join(DAY_NAMES) + r")\.?,? *", "", regex=True)
    words = words.str.replace(r"(?i) (?:de|del) ", " ", regex=True).str.replace(DOTTED_MONTH, r"\1", regex=True)
    words = words.str.replace(r"^([0-9]{1,2})\. ", r"\1 ", regex=True)
    out = text.copy()
    out[words.index] = words
    if not foreign.any():
        return out, None
    first = foreign[foreign].index[0]
    return out, foreign_months_note(int(foreign.sum()), text[first], out[first])


def foreign_months_note(count: int, example: str, read_as: str) -> str:
    """The load report's note on dates with month names in another language."""
    return f"{count} dates with month names in another language than English read (e.g. {example!r} as {read_as!r})"


PLACEHOLDERS = ("n/a", "#n/a", "na", "-", "--", "\u2013", "\u2014", "none", "null", "nil", "(none)", "(blank)",
                "(empty)", "not set", "not applicable")
"""What exports and people write in a cell that has no value (lower case), read as empty in the kinds of
:data:`TYPED_KINDS`."""
TYPED_KINDS = ("datetime", "float", "int", "score", "bool", "category", "id")
"""Canonical column kinds whose cells :data:`PLACEHOLDERS` are read as empty: dates, numbers, flags, values from
a fixed list and ids (a requester or problem id written 'N/A' is no requester or problem shared by every such
ticket); text keeps them: 'NA' may be a region, '-' a subject."""


def without_placeholders(raw: pd.Series) -> tuple[pd.Series, str | None]:
    """``raw`` with its :data:`PLACEHOLDERS` cells empty, and a note saying how many and which.

    >>> without_placeholders(pd.Series(["2026-03-02", "N/A", " - ", "#N/A", None]))[1]
    "3 placeholders for 'no value' read as empty ('#N/A', '-', 'N/A')"
    """
    if not (raw.dtype == object or pd.api.types.is_string_dtype(raw.dtype)):
        return raw, None
    text = raw.astype("str").str.strip()
    placeholder = present(raw) & text.str.lower().isin(PLACEHOLDERS)
    if not placeholder.any():
        return raw, None
    return raw.where(~placeholder), placeholders_note(int(placeholder.sum()), text[placeholder].unique().tolist())


def placeholders_note(count: int, written: list[str]) -> str:
    """The load report's note on placeholder cells read as empty (``written``: their distinct spellings)."""
    shown = ", ".join(repr(w) for w in sorted(written)[:5])
    return f"{count} placeholders for 'no value' read as empty ({shown})"


def present(raw: pd.Series) -> pd.Series:
    """Non-missing, non-blank values."""
    if raw.dtype == object or pd.api.types.is_string_dtype(raw.dtype):
        text = raw.astype("str").str.strip()
        return raw.notna() & ~text.isin(["", "nan", "NaN", "None", "<NA>", "NaT", "null", "NULL"])
    return raw.notna()


def localize(naive: pd.Series, tz: str) -> tuple[pd.Series, int, int]:
    """Read naive timestamps as wall-clock time in ``tz``; return UTC, and how many fell in a repeated / skipped hour.

    Times in the hour repeated when summer time ends are read as the first (summer-time)
    occurrence; times in the hour skipped when it starts (they never happened on a clock
    there) are moved forward to the first valid time. Both are counted for the load report.
    """
    naive = pd.to_datetime(naive)
    if naive.dt.tz is not None:
        return naive.dt.tz_convert("UTC").astype(DATETIME_DTYPE), 0, 0
    # Localize everything in one vectorised pass; a second pass only counts the ambiguous and skipped
    # times for the report (converting to Python objects would cost seconds per million).
    local = naive.dt.tz_localize(tz, ambiguous=np.ones(len(naive), dtype=bool), nonexistent="shift_forward")
    probe = naive.dt.tz_localize(tz, ambiguous="NaT", nonexistent="NaT")
    missing = probe.isna() & naive.notna()
    skipped = 0
    if missing.any():
        gap = naive[missing].dt.tz_localize(tz, ambiguous=np.ones(int(missing.sum()), dtype=bool),
                                            nonexistent="NaT").isna()
        skipped = int(gap.sum())
    return local.dt.tz_convert("UTC").astype(DATETIME_DTYPE), int(missing.sum()) - skipped, skipped


_TIME = "([0-9]{1,2}:[0-9]{2}(?::[0-9]{2})?)"
_AFTER_UTC = "(?i) ?(?:UTC|GMT) ?([+-])"
_ZONE_LABEL = "(?: [(][^)]*[)])?$"
DATE_REWRITES = (
    # a tab, a line break or a non-breaking space between date and time is a space (the same class in Python and Java)
    (r"[\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+", " "),
    (_AFTER_UTC + "([0-9]{2}):?([0-9]{2})" + _ZONE_LABEL, "$1$2:$3"),  # '10:00 GMT+01:00', 'GMT+0100 (CET)'
    (_AFTER_UTC + "([0-9]{2})" + _ZONE_LABEL, "$1$2:00"),  # 'UTC+10'
    (_AFTER_UTC + "([0-9])" + _ZONE_LABEL, "$10$2:00"),  # 'UTC+1'
    ("^[A-Za-z]{3},? ([A-Za-z]{3}) ([0-9]{1,2}) ([0-9]{4}) " + _TIME, "$2 $1 $3 $4"),  # JavaScript 'Tue Mar 04 2025'
    ("^[A-Za-z]{3} ([A-Za-z]{3}) +([0-9]{1,2}) " + _TIME + " ([A-Za-z]{2,5}) ([0-9]{4})$", "$2 $1 $5 $3 $4"),  # date(1)
    (" ?([+-][0-9]{2}):?([0-9]{2}) [A-Za-z]{2,5}$", "$1:$2"),  # Go's '2026-03-02 09:00:00 +0000 UTC'
)
"""Date spellings rewritten before reading, the same in both engines (pattern, replacement in Java's ``$n``
syntax): an offset written after UTC or GMT, or before a zone name, as a plain offset; and the orders of
JavaScript's and the ``date`` command's dates as '4 Mar 2025 10:00:00'. Python and Java regex syntax."""


def written_dates(text: pd.Series) -> pd.Series:
    """``text`` with :data:`DATE_REWRITES` applied.

    >>> written_dates(pd.Series(["2026-03-02 10:00 UTC+1", "Tue Mar 04 2025 10:00:00 GMT+0100 (CET)",
    ...                          "Mon Mar  2 09:00:00 UTC 2026", "2026-03-02 09:00:00 +0000 UTC"])).tolist()
    ['2026-03-02 10:00+01:00', '04 Mar 2025 10:00:00+01:00', '2 Mar 2026 09:00:00 UTC', '2026-03-02 09:00:00+00:00']
    """
    for pattern, replacement in DATE_REWRITES:
        text = text.str.replace(pattern, re.sub(r"\$([0-9])", r"\\g<\1>", replacement), regex=True)
    return text


# Dates written year first (ISO 8601, its basic form 20260401 or 20260401T093000Z, or 2026/04/01) are never read
# day- or month-first.
_ISO = r"^(?:[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[T ]|$)|[0-9]{8}(?:T[0-9]{2}|$))"
_ISO_12H = (r"^([0-9]{4}-[0-9]{1,2}-[0-9]{1,2})[T ]+([0-9]{1,2}):([0-9]{2})(?::([0-9]{2}(?:\.[0-9]+)?))? *([AaPp])\.? *"
            r"[Mm]\.?$")
_YMD = r"^([0-9]{4})[/.]([0-9]{1,2})[/.]([0-9]{1,2})(.*)$"
# Dates written 03/04/2026, 3.4.26 or 03-04-2026: day/month order decided once per column.
_DMY = r"^([0-9]{1,2})[/.-]([0-9]{1,2})[/.-]([0-9]{2}|[0-9]{4})(?:[^0-9]|$)"
# A time of day without a date ("10:00", "9:30:15 PM"): dateutil would put it on today's date.
TIME_ONLY = r"[0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)? ?(?:[AaPp]\.?[Mm]\.?)?"
RELATIVE_DAYS = r"(?:today|now|tomorrow)(?:[ ,].*)?"
"""'today' or 'now' (lower case): the day the file was exported, which the file does not say; not a date."""
FUTURE_DAYS = 366
"""A date more than this many days after the load is a typo (a wrong year), and its row is rejected."""
EARLIEST = pd.Timestamp("1970-01-01", tz="UTC")
"""Dates before this are placeholders or typos (no helpdesk export reaches back further), and are rejected."""


def parse_datetimes(raw: pd.Series, *, tz: str = "UTC", date_format: str | None = None, dayfirst: bool = False,
                    epoch: str | None = None) -> tuple[pd.Series, pd.Series, list[str]]:
    """Parse timestamps to UTC: ISO 8601, offsets, ``date_format``, dd/mm or mm/dd dates, Excel serials, Unix epochs.

    Naive values are wall-clock time in ``tz``. ``epoch`` ('s' or 'ms') reads numbers as Unix time. Any
    whitespace between date and time (a tab, a line break, a non-breaking space) reads as one space.
    Year-first dates (``2026-04-01``, ``2026-04-01T10:00:00Z``, ``2026/04/01``) are always read
    year-month-day. For dates like ``03/04/2026`` the order is decided once for the whole column
    from all its values: day first if some first number is above 12, month first if some second
    number is; when none tells, ``dayfirst`` says (default month first), and the report says which.
    Values that contradict the column's order, and dates more than :data:`FUTURE_DAYS` days ahead,
    are rejected with their own reason.

    Returns (values, reasons, notes): ``reasons`` holds, per row, why a non-empty value could not be
    used (None where it was).
    """
    notes: list[str] = []
    index = raw.index
    reasons = pd.Series(None, index=index, dtype=object)
    out = pd.Series(pd.NaT, index=index, dtype=DATETIME_DTYPE)
    has = present(raw)
    if isinstance(raw.dtype, pd.DatetimeTZDtype):
        return raw.dt.tz_convert("UTC").astype(DATETIME_DTYPE), reasons, notes
    if pd.api.types.is_datetime64_dtype(raw.dtype):
        values, amb, gap = localize(raw, tz)
        return _future(values, reasons, raw), reasons, notes + dst_notes(amb, gap, tz)
    if pd.api.types.is_numeric_dtype(raw.dtype) and not pd.api.types.is_bool_dtype(raw.dtype):
        numbers = raw.astype("float64")
        text = None
    else:
        text = written_dates(raw.astype("str").str.strip()).where(has)
        numbers = pd.to_numeric(text.where(text.str.fullmatch(r"-?[0-9]+(?:\.[0-9]+)?", na=False)), errors="coerce")
    todo = has.copy()
    if numbers.notna().any():
        if epoch:
            unit = {"s": "s", "ms": "ms"}[epoch]
            ok = numbers.notna() & numbers.abs().lt(1e14 if unit == "ms" else 1e11)  # beyond year 5000: not a time
            out[ok] = pd.to_datetime(numbers[ok], unit=unit, utc=True).astype(DATETIME_DTYPE)
            todo &= ~ok
        else:
            serial = numbers.between(20000, 80000) & (text is None or text.str.match(_SERIAL, na=False)) \
                if text is not None else numbers.between(20000, 80000)
            if serial.any():
                naive = _EXCEL_EPOCH + pd.to_timedelta(numbers[serial] * 86400, unit="s").dt.round("s")
                out[serial], amb, gap = localize(naive, tz)
                notes.append(f"{int(serial.sum())} Excel serial dates converted (e.g. {numbers[serial].iloc[0]:g})")
                notes += dst_notes(amb, gap, tz)
                todo &= ~serial
            for unit, digits in UNIX_DIGITS.items():
                low, high = UNIX_RANGE[0] * UNIX_SCALE[unit], UNIX_RANGE[1] * UNIX_SCALE[unit]
                unix = numbers.between(low, high) & (numbers == numbers.round())
                if text is not None:
                    unix &= text.str.fullmatch(f"[0-9]{{{digits}}}", na=False)
                if unix.any():
                    out[unix] = pd.to_datetime(numbers[unix].astype("int64"), unit=unit, utc=True).astype(
                        DATETIME_DTYPE)
                    notes.append(unix_note(int(unix.sum()), unit, int(numbers[unix].iloc[0])))
                    todo &= ~unix
        # other plain numbers are not dates (dateutil would read '-3.5' as a year); 20260401 is (ISO basic)
        compact = text.str.fullmatch(r"[0-9]{8}", na=False) if text is not None else pd.Series(False, index=index)
        todo &= ~(numbers.notna() & ~compact)
    if text is not None and todo.any():
        todo_text = text[todo]
        time_only = todo_text.str.fullmatch(TIME_ONLY, na=False)
        if time_only.any() and not date_format:
            reasons[time_only[time_only].index] = TIME_ONLY_REASON
            todo_text = todo_text[~time_only]
        # 'today' or 'now' means the day the file was exported, which the file does not say; numpy would read it
        # as the moment it is loaded. Not a date, as 'yesterday' is not.
        relative = todo_text.str.lower().str.fullmatch(RELATIVE_DAYS, na=False)
        todo_text = todo_text[~relative]
        written = todo_text[~todo_text.str.contains(_ISO, na=False)]  # ISO: no month names, never partial
        if len(written):
            words, translated = english_months(written)
            notes += [translated] if translated else []
            todo_text = todo_text.copy()
            todo_text[words.index] = words
            for pattern, reason in ((WITHOUT_YEAR, WITHOUT_YEAR_REASON), (WITHOUT_DAY, WITHOUT_DAY_REASON)):
                partial = words.str.contains(pattern, na=False)
                reasons[partial[partial].index] = reason
                todo_text = todo_text.drop(partial[partial].index)
                words = words[~partial]
        order, wrong = _day_month_order(todo_text, date_format, dayfirst, notes)
        reasons[wrong.index[wrong.notna()]] = wrong.dropna()
        todo_text = todo_text[wrong.isna()]
        with_offset = todo_text.str.contains(_OFFSET, na=False)
        if with_offset.any():
            cleaned = todo_text[with_offset]
            named = cleaned.str.contains(_NAMED, na=False)
            if named.any():
                zone = cleaned[named].str.extract(r" ([A-Za-z]+)$")[0].str.upper()
                cleaned[named] = cleaned[named].str.replace(_NAMED, "", regex=True) + zone.map(ZONE_NAMES)
                elsewhere = ~zone.isin(["UTC", "GMT"])
                if elsewhere.any():
                    notes.append(zone_names_note(int(elsewhere.sum()), zone[elsewhere].unique().tolist()))
            out[cleaned.index] = _to_datetime(cleaned, utc=True, date_format=date_format, dayfirst=order,
                                              notes=notes).astype(DATETIME_DTYPE)
        naive_text = todo_text[~with_offset]
        if len(naive_text):
            parsed = _to_datetime(naive_text, utc=False, date_format=date_format, dayfirst=order, notes=notes)
            ok = parsed.notna()
            if ok.any():
                values, amb, gap = localize(parsed[ok], tz)
                out[values.index] = values
                notes += dst_notes(amb, gap, tz)
    out = _future(out, reasons, raw)
    unread = has & out.isna() & reasons.isna()
    reasons[unread] = "value is not a date"
    return out, reasons, notes


def _future(values: pd.Series, reasons: pd.Series, raw: pd.Series) -> pd.Series:
    """Reject (in ``reasons``) and empty dates more than :data:`FUTURE_DAYS` days ahead or before 1970: a wrong year."""
    limit = pd.Timestamp.now(tz="UTC") + pd.Timedelta(days=FUTURE_DAYS)
    ahead = values.notna() & (values > limit)
    before = values.notna() & (values < EARLIEST)
    if ahead.any():
        reasons[ahead] = (f"date is more than {FUTURE_DAYS} days in the future (after {limit:%Y-%m-%d}); "
                          "a wrong year?")
    if before.any():
        reasons[before] = f"date is before {EARLIEST:%Y}; a wrong year or a placeholder?"
    return values.where(~(ahead | before))


def _day_month_order(text: pd.Series, date_format: str | None, dayfirst: bool,
                     notes: list[str]) -> tuple[bool, pd.Series]:
    """Decide day-first or month-first once for a column of dd/mm vs mm/dd dates; reject values that contradict it.

    Returns (dayfirst, reasons) where reasons is None except for values that cannot be read in the order
    decided. ``notes`` gets one sentence saying the order and why.
    """
    reasons = pd.Series(None, index=text.index, dtype=object)
    if date_format:
        return dayfirst, reasons
    maybe = text.str.contains(r"^[0-9]{1,2}[/.-]", na=False)  # cheap test first: most columns are ISO
    if not maybe.any():
        return dayfirst, reasons
    parts = text[maybe].str.extract(_DMY).reindex(text.index)
    found = parts[0].notna()
    if not found.any():
        return dayfirst, reasons
    first, second = parts[0][found].astype(int), parts[1][found].astype(int)
    day_first = first > 12  # only a day can be above 12
    month_first = second > 12
    n_day, n_month = int(day_first.sum()), int(month_first.sum())
    examples = text[found]
    if not dayfirst and not n_day and not n_month:
        if examples.str.match(DOTTED_DATE).all():
            notes.append(dotted_note(int(found.sum()), examples.iloc[0]))
            return True, reasons
        notes.append(f"{int(found.sum())} dates such as {examples.iloc[0]!r} could be day or month first; read "
                     "month first (pass dayfirst=True, CLI --dayfirst, if they are day first)")
        return False, reasons
    order = True if dayfirst else n_day >= n_month
    name, other = ("day", "month") if order else ("month", "day")
    proof = day_first if order else month_first
    why = "as dayfirst says" if dayfirst else f"decided from the whole column, e.g. {examples[proof].iloc[0]!r}"
    notes.append(f"{int(found.sum())} dates written like {examples.iloc[0]!r} read {name} first ({why})")
    against = month_first if order else day_first
    if against.any():
        reasons[against[against].index] = (f"date can only be {other} first, but this column is read {name} first "
                                           f"({why}); day and month order are mixed")
    return order, reasons


UNIX_DIGITS = {"s": 10, "ms": 13}
"""Whole numbers of 10 digits are read as Unix seconds and of 13 digits as Unix milliseconds, within
:data:`UNIX_RANGE` (without a mapping's ``epoch``, where any number is)."""
UNIX_SCALE = {"s": 1, "ms": 1000}
UNIX_RANGE = (1_000_000_000, 4_000_000_000)
"""Seconds since 1970 that a date column's Unix times fall in: 2001-09-09 to 2096-10-02."""


def unix_note(count: int, unit: str, example: int) -> str:
    """The note on whole numbers a date column holds as Unix times."""
    return (f"{count} whole numbers read as Unix times ({'seconds' if unit == 's' else 'milliseconds'} since "
            f"1 January 1970, e.g. {example})")


DOTTED_DATE = r"^[0-9]{1,2}\.[0-9]{1,2}\."
"""Day and month separated by full stops ('02.03.2026'): the German, Dutch, Nordic and Eastern European style,
which writes the day first; the month-first (US) style never uses them."""


def dotted_note(count: int, example: str) -> str:
    """The note on a column whose undecided dates are all written with full stops, read day first."""
    return (f"{count} dates such as {example!r} could be day or month first; read day first, as dates written "
            "with full stops are")


def zone_names_note(count: int, names: list[str]) -> str:
    """The note on times written with a zone name other than UTC or GMT ('10:00 CET')."""
    return f"{count} times written with a zone name ({', '.join(sorted(names))}) read at that zone's offset from UTC"


def dst_notes(ambiguous: int, skipped: int, tz: str) -> list[str]:
    notes = []
    if ambiguous:
        notes.append(f"{ambiguous} times fell in the hour repeated when summer time ends in {tz}; read as the "
                     "first occurrence")
    if skipped:
        notes.append(f"{skipped} times fell in the hour skipped when summer time starts in {tz} (they never "
                     "happened on a clock there); moved forward to the first valid time")
    return notes


def _to_datetime(text: pd.Series, *, utc: bool, date_format: str | None, dayfirst: bool,
                 notes: list[str] | None = None) -> pd.Series:
    """ISO values in one pass (never day- or month-first); the rest in one pass with one format, then per value.

    ``dayfirst`` is the column's decided order (see :func:`_day_month_order`), so per-value parsing
    never swaps day and month on its own.
    """
    result = pd.Series(pd.NaT, index=text.index, dtype=f"datetime64[us{', UTC' if utc else ''}]")
    if date_format:
        rest = text
    else:
        slashed = text.str.contains(r"^[0-9]{4}[/.]", na=False)
        iso_text = text
        if slashed.any():
            ymd = text[slashed].str.extract(_YMD)
            slashed[ymd.index] = ymd[0].notna()
            iso_text = text.copy()
            iso_text[ymd.index[ymd[0].notna()]] = (ymd[0] + "-" + ymd[1] + "-" + ymd[2] + ymd[3].fillna("")).dropna()
        iso = text.str.contains(_ISO, na=False) | slashed
        clock = iso & text.str.contains(r"[AaPp]\.? *[Mm]\.?$", na=False)
        twelve = iso_text[clock].str.extract(_ISO_12H).dropna(subset=[0])
        if len(twelve):  # '2026-03-02 9:00 PM': the time on a 24-hour clock, so the date stays year first
            hour = twelve[1].astype(int) % 12 + np.where(twelve[4].str.lower() == "p", 12, 0)
            iso_text = iso_text.copy()
            iso_text[twelve.index] = (twelve[0] + " " + hour.map("{:02d}".format) + ":" + twelve[2] + ":"
                                      + twelve[3].fillna("00"))
        if iso.any():
            try:
                parsed = pd.to_datetime(iso_text[iso], errors="coerce", utc=utc, format="ISO8601")
            except ValueError:  # an offset among naive times that the offset test missed: those are not read
                parsed = iso_text[iso].map(lambda v: _naive_iso(v) if not utc else pd.NaT)
            result[iso] = _as_us(parsed, utc)
        rest = text[~iso]
    if not len(rest):
        return result
    if date_format:
        first = pd.to_datetime(rest, errors="coerce", utc=utc, format=date_format)
    else:
        try:
            with warnings.catch_warnings():  # "could not infer format": expected for mixed columns, handled below
                warnings.simplefilter("ignore", UserWarning)
                first = pd.to_datetime(rest, errors="coerce", utc=utc, dayfirst=dayfirst)
        except (ValueError, TypeError, OverflowError):
            first = pd.Series(pd.NaT, index=rest.index)
    first = _as_us(first, utc)
    retry = first.isna()
    if retry.any():
        n_retry, retried = int(retry.sum()), retry.copy()
        first = first.astype(object)
        for fmt in ("ISO8601", "mixed"):
            if not retry.any():
                break
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", UserWarning)
                    again = pd.to_datetime(rest[retry], errors="coerce", utc=utc, format=fmt, dayfirst=dayfirst)
            except (ValueError, TypeError, OverflowError):
                continue
            first[retry] = again
            retry = pd.Series(pd.isna(first.to_numpy()), index=rest.index)
        first = _as_us(pd.to_datetime(first, utc=utc, errors="coerce"), utc)
        rescued = n_retry - int(first.isna().sum())
        if rescued and notes is not None:
            notes.append(one_by_one_note(rescued, rest[retried & first.notna()].iloc[0], dayfirst))
    result[rest.index] = first
    return result


def one_by_one_note(count: int, example: str, dayfirst: bool) -> str:
    """The note on a column's dates that another format than the rest's made the parser read one by one."""
    return (f"{count} dates were written in another format than the rest and were read one by one (e.g. "
            f"{example!r}; {'day' if dayfirst else 'month'} first, as decided for the column)")


def _naive_iso(value: str):
    """One ISO 8601 time without an offset, or NaT (a time with an offset cannot join naive ones)."""
    stamp = pd.to_datetime(value, errors="coerce", format="ISO8601")
    return pd.NaT if stamp is pd.NaT or stamp.tzinfo is not None else stamp


def _as_us(values: pd.Series, utc: bool) -> pd.Series:
    """Timestamps at microsecond resolution (``...123456789Z`` truncated, year 9999 kept), naive unless ``utc``."""
    values = pd.to_datetime(values, errors="coerce", utc=utc)
    if not utc and getattr(values.dt, "tz", None) is not None:
        values = values.dt.tz_localize(None)
    return values.astype(f"datetime64[us{', UTC' if utc else ''}]")


# Separators that prove a column's convention: a decimal comma (1.234,5 / 12,5 / 1.234.567) or a decimal point
# (1,234.5 / 12.5 / 1,234,567). "1.234" or "1,234" alone could be either and follow the column.
COMMA_DECIMAL = r"-?[0-9]{1,3}(?:\.[0-9]{3})+,[0-9]+|-?[0-9]+,(?:[0-9]{1,2}|[0-9]{4,})|-?[0-9]{1,3}(?:\.[0-9]{3}){2,}"
POINT_DECIMAL = r"-?[0-9]{1,3}(?:,[0-9]{3})+\.[0-9]+|-?[0-9]+\.(?:[0-9]{1,2}|[0-9]{4,})|-?[0-9]{1,3}(?:,[0-9]{3}){2,}"
AMBIGUOUS_NUMBER = r"-?[0-9]{1,3}[.,][0-9]{3}"


# A score written with its label ("10 - Extremely likely", "4 (Satisfied)", "2: Disagree") or out of its scale
# ("9/10", "4 / 5"): the number, then a separator and words, or a slash and the scale's top.
LABELLED_SCORE = r"\s*([0-9]+(?:\.[0-9]+)?)\s*(?:[-–:(]\s*[^\W\d_][^0-9]*|/\s*(5|7|10))\s*"


def score_labels(raw: pd.Series) -> tuple[pd.Series, list[str]]:
    """Scores written with their label or out of the scale, as their number; other values unchanged.

    A survey tool's export often writes the answer's label beside its number. "9/10" counts only where
    the number is not above the top it is written out of.

    >>> values, notes = score_labels(pd.Series(["10 - Extremely likely", "9/10", "12/10", "7", "N/A"]))
    >>> values.tolist()
    ['10', '9', '12/10', '7', 'N/A']
    >>> notes[0]
    "2 scores written with a label or out of the scale read as their number (e.g. '10 - Extremely likely' = 10)"
    """
    if pd.api.types.is_numeric_dtype(raw.dtype):
        return raw, []
    text = raw.astype("str").where(present(raw))
    found = text.str.fullmatch(LABELLED_SCORE).fillna(False).astype(bool)
    if not found.any():
        return raw, []
    parts = text[found].str.extract(LABELLED_SCORE)
    within = parts[1].isna() | (parts[0].astype(float) <= parts[1].astype(float))
    use = parts.index[within.to_numpy()]
    if not len(use):
        return raw, []
    out = raw.astype(object).copy()
    out[use] = parts.loc[use, 0]
    first = use[0]
    return out, [f"{len(use)} scores written with a label or out of the scale read as their number "
                 f"(e.g. {text[first]!r} = {parts.loc[first, 0]})"]


DIGIT_GROUP_MARK = r"(?<=[0-9])[ '\u2019](?=[0-9]{3}(?:[^0-9]|$))"
"""A space or an apostrophe that only groups digits ('1 234 567,5'; Swiss '1'234.50'), removed before reading a
number (Python and Java syntax)."""


def parse_numbers(raw: pd.Series) -> tuple[pd.Series, pd.Series, list[str]]:
    """Numbers with thousands separators (``1,234.5``, ``1.234,5``, ``1 234``, ``1'234``) or a decimal comma, per
    column.

    The convention (decimal point or decimal comma) is decided once for the column from the
    values that prove one (``12,5`` or ``1.234,5`` a comma; ``12.5`` or ``1,234.5`` a point), so
    ``1.234`` means the same in every row: 1234 in a decimal-comma column, 1.234 otherwise.
    Values that prove the other convention than most are rejected, not guessed.

    Returns (float values, reasons, notes): ``reasons`` says per row why a non-empty value was not
    read (None where it was).
    """
    has = present(raw)
    reasons = pd.Series(None, index=raw.index, dtype=object)
    notes: list[str] = []
    if pd.api.types.is_numeric_dtype(raw.dtype) and not pd.api.types.is_bool_dtype(raw.dtype):
        return raw.astype("float64"), reasons, notes
    text = raw.astype("str").str.strip().where(has)
    values = _fast_float(text)
    if values is None:
        values = pd.to_numeric(text, errors="coerce")
    retry = has & values.isna()
    if retry.any():
        t = text[has].str.replace("\u00a0", " ").str.replace("\u202f", " ").str.replace(
            DIGIT_GROUP_MARK, "", regex=True)
        comma = t.str.fullmatch(COMMA_DECIMAL)
        point = t.str.fullmatch(POINT_DECIMAL)
        n_comma, n_point = int(comma.sum()), int(point.sum())
        decimal_comma = n_comma > n_point
        if decimal_comma:
            cleaned = t.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
        else:
            cleaned = t.str.replace(",", "", regex=False)
        again = pd.to_numeric(cleaned.where(cleaned.str.fullmatch(r"[+-]?[0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?")),
                              errors="coerce")
        against = point if decimal_comma else comma
        # The column's grouping mark anywhere but between groups of three digits is the other convention's decimal
        # mark ('.5' or '1.2E+05' in a decimal-comma column): never dropped as a thousands separator.
        grouping = "." if decimal_comma else ","
        grouped = t.str.fullmatch(rf"[+-]?[0-9]{{1,3}}(?:\{grouping}[0-9]{{3}})+(?:[^0-9{grouping}][0-9]*)?")
        misplaced = t.str.contains(grouping, regex=False) & ~grouped
        mixed = (against | misplaced) if n_comma and n_point else misplaced
        if mixed.any():
            mark, other = ("comma", "point") if decimal_comma else ("point", "comma")
            proof = comma if decimal_comma else point
            example = f" (e.g. {t[proof].iloc[0]!r})" if proof.any() else ""
            reasons[mixed[mixed].index] = (f"number written with a decimal {other}, but this column uses a "
                                           f"decimal {mark}{example}; the two are mixed")
            again[mixed] = np.nan
        changed = again.notna() & (cleaned != t)
        values = values.copy()
        values[again.index] = again.where(again.notna(), values[again.index])
        if changed.any():
            ambiguous = t.str.fullmatch(AMBIGUOUS_NUMBER) & changed
            how = "decimal comma, '.' groups thousands" if decimal_comma else "decimal point, ',' groups thousands"
            note = f"{int(changed.sum())} numbers with thousands separators or decimal commas read ({how}"
            if ambiguous.any() and not (n_comma if decimal_comma else n_point):
                note += "; no value proves it, so the usual decimal point was assumed"
            first = changed[changed].index[0]
            notes.append(note + f"; e.g. {text[first]!r} = {again[first]:.15g})")
    unread = has & values.isna() & reasons.isna()
    reasons[unread] = "value is not a number"
    return values.astype("float64"), reasons, notes


def _fast_float(text: pd.Series) -> pd.Series | None:
    """Cast text to float in pyarrow (C++, several times faster than pandas); None if any value is not a number."""
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        arr = pa.array(text.array) if isinstance(text.dtype, pd.StringDtype) else None
        if arr is None:
            return None
        return pd.Series(pc.cast(arr, pa.float64()).to_numpy(zero_copy_only=False), index=text.index)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError, TypeError):
        return None


def parse_durations(raw: pd.Series, unit: str = "minutes") -> tuple[pd.Series, pd.Series, list[str]]:
    """Durations in minutes from numbers in ``unit`` (seconds/minutes/hours/days), ``[-]H:MM[:SS]`` text, text
    with its units (:data:`WITH_UNITS`) or ISO 8601 durations (:data:`ISO_DURATION`, counted with the latter).

    ``HH:MM:SS`` text is read as hours:minutes:seconds and '1h 30m' by its own units, whatever the unit. Returns
    (minutes, reasons, notes) as :func:`parse_numbers`.

    >>> parse_durations(pd.Series(["90", "1:30:00", "1h 30m", "2 days", "1 day, 2 hours", "PT1H", "5"]))[0].tolist()
    [90.0, 90.0, 90.0, 2880.0, 1560.0, 60.0, 5.0]
    """
    factor = DURATION_UNITS[unit]
    if pd.api.types.is_timedelta64_dtype(raw.dtype):
        return raw.dt.total_seconds() / 60, pd.Series(None, index=raw.index, dtype=object), []
    numbers, reasons, notes = parse_numbers(raw)
    minutes = numbers * factor
    unread = reasons == "value is not a number"
    if unread.any():
        parts = raw[unread].astype("str").str.extract(_HMS)
        ok = parts[1].notna()
        if ok.any():
            sign = np.where(parts[0] == "-", -1.0, 1.0)
            value = (parts[1].astype("float64") * 60 + parts[2].astype("float64")
                     + parts[3].astype("float64").fillna(0) / 60) * sign
            minutes[parts.index[ok]] = value[ok]
            reasons[parts.index[ok]] = None
            notes.append(f"{int(ok.sum())} durations written as H:MM:SS read")
    text = raw[reasons.notna()].astype("str")  # '1 day, 2 hours' has a comma, but is no decimal comma
    iso = iso_minutes(text)
    worded = text[text.str.contains(WITH_UNITS, na=False) | iso.notna()]
    if len(worded):
        total = sum(worded.str.extract(unit_part(part))[0].astype("float64").fillna(0) * DURATION_UNITS[part]
                    for part in DURATION_WORDS)
        total = iso[worded.index].fillna(total)
        minutes[worded.index] = total
        reasons[worded.index] = None
        notes.append(with_units_note(len(worded), worded.iloc[0], total.iloc[0]))
    return minutes.astype("float64"), reasons, notes


def parse_bools(raw: pd.Series, true_values, false_values, true_pattern: str | None = None) -> tuple[pd.Series,
                                                                                                     pd.Series]:
    """Flags from words: values in ``true_values`` / ``false_values`` (case-insensitive).

    With ``true_pattern`` (a regex), any non-empty value is a flag: true where it matches, false
    elsewhere (Jira SLA fields: ``-3h 10m`` left means breached).
    """
    has = present(raw)
    out = pd.Series(pd.NA, index=raw.index, dtype="boolean")
    if pd.api.types.is_numeric_dtype(raw.dtype) and not pd.api.types.is_bool_dtype(raw.dtype):
        # 0/1 flags (nullable integers arrive from Parquet as 1.0/0.0/NaN): 1 is true, 0 false
        numbers = raw.astype("float64")
        out[numbers == 1] = True
        out[numbers == 0] = False
        return out, has & out.isna()
    text = raw.astype("str").str.strip().str.lower()
    if true_pattern:
        out[has] = text[has].str.contains(true_pattern, regex=True).astype(bool)
        return out, pd.Series(False, index=raw.index)
    out[has & text.isin([str(v).lower() for v in true_values])] = True
    out[has & text.isin([str(v).lower() for v in false_values])] = False
    return out, has & out.isna()


def as_list(value, split: str | None = None, key: str | None = None) -> list[str]:
    """One value as a list of strings: JSON lists (of strings or of ``{key: ...}`` objects) or delimited text."""
    if isinstance(value, list | tuple | np.ndarray):
        items = [v.get(key) if isinstance(v, dict) and key else v for v in value]
        return [str(v) for v in items if v is not None and str(v) != ""]
    if isinstance(value, dict) and key:
        inner = value.get(key + "s") or value.get(key) or []
        return as_list(inner, key=key)
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return []
    pattern = split if split else r"[,\s]+"
    return [t.strip() for t in re.split(pattern, str(value).strip()) if t.strip()]
