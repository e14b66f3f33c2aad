"""The parsers of :mod:`toolkit.io.parse` as Spark column expressions: dates, numbers, durations, flags, lists.

Same rules, same rejection reasons, no per-row Python: each function takes a text column and returns
Spark expressions for the value and the reason a non-empty value was not read. Where the pandas parser
decides something once per column (day or month first, decimal comma or point) the caller passes the
decision, made from one aggregate over the column (:func:`number_stats`, :func:`date_stats`).

What the Spark engine reads differs from the pandas one in one documented way (docs/spark.md): of the
free-form date spellings the pandas engine reads one by one, Spark reads those of :data:`SPELLED_DATES`
(English month names, or another language's after :func:`english_months`) and rejects the rest as
``value is not a date``.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from toolkit.errors import ConfigError
from toolkit.io import parse as pandas_parse

MISSING_TEXT = ["", "nan", "NaN", "None", "<NA>", "NaT", "null", "NULL"]
"""Cells that mean "no value" (as :func:`toolkit.io.parse.present`)."""

_PLAIN_NUMBER = r"^-?[0-9]+(\.[0-9]+)?$"
_SERIAL = r"^[0-9]{5}(\.[0-9]+)?$"
_HMS = r"^\s*(-)?([0-9]+):([0-5]?[0-9])(?::([0-5]?[0-9](?:\.[0-9]+)?))?\s*$"
_DMY = r"^([0-9]{1,2})[/.-]([0-9]{1,2})[/.-]([0-9]{2}|[0-9]{4})([^0-9].*)?$"
_YMD = r"^([0-9]{4})[/.]([0-9]{1,2})[/.]([0-9]{1,2})(.*)$"
_ISO = r"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([T ].*)?$"
_TIME_12H = r"^[T ]*([0-9]{1,2}):([0-9]{2})(?::([0-9]{2}(?:\.[0-9]+)?))? *([AaPp])\.? *[Mm]\.?(.*)$"


def _f():
    """pyspark's functions module, imported when an expression is built (pyspark is an optional extra)."""
    from pyspark.sql import functions

    return functions


def present(column, dtype: str = "string"):
    """Non-missing, non-blank values (numbers: not null and not NaN)."""
    f = _f()
    if dtype == "string":
        return column.isNotNull() & ~f.trim(column).isin(MISSING_TEXT)
    if dtype in ("double", "float"):
        return column.isNotNull() & ~f.isnan(column)
    return column.isNotNull()


# --- numbers -----------------------------------------------------------------------------------------------------

def _grouping_cleaned(text):
    """Text with non-breaking spaces made plain and the spaces and apostrophes that only group digits removed
    (:data:`toolkit.io.parse.DIGIT_GROUP_MARK`)."""
    f = _f()
    t = f.regexp_replace(f.regexp_replace(text, "\u00a0", " "), "\u202f", " ")
    return f.regexp_replace(t, pandas_parse.DIGIT_GROUP_MARK, "")


def number_stats(text, has, name: str) -> list:
    """Aggregates that decide a number column's convention, as :func:`toolkit.io.parse.parse_numbers` does."""
    f = _f()
    t = _grouping_cleaned(text)
    comma = has & t.rlike(f"^(?:{pandas_parse.COMMA_DECIMAL})$")
    point = has & t.rlike(f"^(?:{pandas_parse.POINT_DECIMAL})$")
    return [f.count_if(has & text.try_cast("double").isNull()).alias(f"{name}__retry"),
            f.count_if(comma).alias(f"{name}__comma"), f.count_if(point).alias(f"{name}__point"),
            f.min_by(t, f.when(comma, f.col("_row"))).alias(f"{name}__comma_example"),
            f.min_by(t, f.when(point, f.col("_row"))).alias(f"{name}__point_example")]


def _same(expr, hint):
    return expr


def parse_numbers(text, has, stats: dict, name: str, stage=_same):
    """(value, reason, changed, ambiguous, decimal_comma) as :func:`toolkit.io.parse.parse_numbers`.

    ``text`` is the trimmed cell; ``stats`` the row of :func:`number_stats`. ``changed`` marks values read
    through the thousands/decimal-comma rules (for the report's note). ``stage(expr, hint)`` may put an
    intermediate result in a column of its own, so later steps refer to it instead of repeating it.
    """
    f = _f()
    fast = stage(f.when(has, text.try_cast("double")), "fast")
    false = f.lit(False)
    if not stats[f"{name}__retry"]:
        reason = f.when(has & fast.isNull(), f.lit("value is not a number"))
        return fast, reason, false, false, False
    n_comma, n_point = stats[f"{name}__comma"], stats[f"{name}__point"]
    decimal_comma = n_comma > n_point
    t = stage(_grouping_cleaned(text), "grouped")
    if decimal_comma:
        cleaned = f.regexp_replace(f.regexp_replace(t, r"\.", ""), ",", ".")
    else:
        cleaned = f.regexp_replace(t, ",", "")
    cleaned = stage(cleaned, "cleaned")
    again = f.when(cleaned.rlike(r"^[+-]?[0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?$"), cleaned.try_cast("double"))
    against_pattern = pandas_parse.POINT_DECIMAL if decimal_comma else pandas_parse.COMMA_DECIMAL
    against = has & t.rlike(f"^(?:{against_pattern})$") if (n_comma and n_point) else false
    mixed = None
    if n_comma and n_point:
        mark, other = ("comma", "point") if decimal_comma else ("point", "comma")
        example = stats[f"{name}__comma_example" if decimal_comma else f"{name}__point_example"]
        mixed = (f"number written with a decimal {other}, but this column uses a decimal {mark} (e.g. "
                 f"{example!r}); the two are mixed")
    again = stage(f.when(~against, again), "again")
    value = stage(f.when(has, f.coalesce(again, fast)), "number")
    changed = has & again.isNotNull() & (cleaned != t)
    ambiguous = changed & t.rlike(f"^(?:{pandas_parse.AMBIGUOUS_NUMBER})$")
    reason = f.when(has & against, f.lit(mixed or "")).when(has & value.isNull(), f.lit("value is not a number"))
    return value, stage(reason, "reason"), changed, ambiguous, decimal_comma


def parse_durations(text, has, stats: dict, name: str, unit: str, stage=_same):
    """(minutes, reason, changed, ambiguous, decimal_comma, hms, worded) as :func:`toolkit.io.parse.parse_durations`
    (``worded``: written with units, '1h 30m', or in ISO 8601, 'PT1H30M')."""
    f = _f()
    value, reason, changed, ambiguous, decimal_comma = parse_numbers(text, has, stats, name, stage)
    minutes = value * f.lit(pandas_parse.DURATION_UNITS[unit])
    not_number = reason == f.lit("value is not a number")
    hms = stage(f.coalesce(not_number, f.lit(False)) & text.rlike(_HMS), "hms")
    sign = f.when(f.regexp_extract(text, _HMS, 1) == "-", f.lit(-1.0)).otherwise(f.lit(1.0))
    part = lambda i: f.nullif(f.regexp_extract(text, _HMS, i), f.lit("")).cast("double")
    from_hms = (part(2) * 60 + part(3) + f.coalesce(part(4), f.lit(0.0)) / 60) * sign
    iso_part = lambda i: f.nullif(f.regexp_extract(text, pandas_parse.ISO_DURATION, i), f.lit("")).cast("double")
    iso = stage(f.coalesce(text.rlike(pandas_parse.ISO_DURATION) & text.rlike("[0-9]"), f.lit(False)), "iso")
    from_iso = sum(f.coalesce(iso_part(i + 1), f.lit(0.0)) * f.lit(factor)
                   for i, factor in enumerate(pandas_parse.ISO_MINUTES))
    worded = stage(f.coalesce(reason.isNotNull() & ~hms & (text.rlike(pandas_parse.WITH_UNITS) | iso), f.lit(False)),
                   "worded")
    from_words = f.when(iso, from_iso).otherwise(sum(
        f.coalesce(f.nullif(f.regexp_extract(text, pandas_parse.unit_part(u), 1), f.lit("")).cast("double"),
                   f.lit(0.0)) * f.lit(factor) for u, factor in pandas_parse.DURATION_UNITS.items()))
    return (stage(f.when(hms, from_hms).when(worded, from_words).otherwise(minutes), "minutes"),
            stage(f.when(~hms & ~worded, reason), "reason"), changed, ambiguous, decimal_comma, hms, worded)


# --- flags and lists ---------------------------------------------------------------------------------------------

def parse_bools(column, dtype: str, true_values, false_values, true_pattern: str | None = None):
    """(value, bad) as :func:`toolkit.io.parse.parse_bools`."""
    f = _f()
    has = present(column, dtype)
    if dtype in ("double", "float", "int", "bigint", "smallint", "tinyint"):
        number = column.cast("double")
        value = f.when(number == 1, f.lit(True)).when(number == 0, f.lit(False))
        return value, has & value.isNull()
    if dtype == "boolean":
        return column, f.lit(False)
    text = f.lower(f.trim(column.cast("string")))
    if true_pattern:
        return f.when(has, text.rlike(true_pattern)), f.lit(False)
    value = (f.when(has & text.isin([str(v).lower() for v in true_values]), f.lit(True))
             .when(has & text.isin([str(v).lower() for v in false_values]), f.lit(False)))
    return value, has & value.isNull()


def split_list(column, split: str | None):
    """Delimited text as a list of trimmed, non-empty items (``toolkit.io.mapping`` splits the same way)."""
    f = _f()
    parts = f.split(f.trim(f.coalesce(column, f.lit(""))), split or r"[,\s]+")
    return f.filter(f.transform(parts, lambda x: f.trim(x)), lambda x: x != "")


# --- dates -------------------------------------------------------------------------------------------------------

def date_stats(text, has, name: str) -> list:
    """Aggregates that decide a date column's day/month order, as :func:`toolkit.io.parse._day_month_order`
    (on the text as :func:`written_dates` writes it, as pandas decides on it)."""
    f = _f()
    text = written_dates(text)
    found = has & ~text.rlike(_PLAIN_NUMBER) & text.rlike(_DMY)
    first = f.regexp_extract(text, _DMY, 1).cast("int")
    second = f.regexp_extract(text, _DMY, 2).cast("int")
    return [f.count_if(found).alias(f"{name}__dmy"), f.count_if(found & (first > 12)).alias(f"{name}__dayfirst"),
            f.count_if(found & (second > 12)).alias(f"{name}__monthfirst"),
            f.count_if(found & text.rlike(pandas_parse.DOTTED_DATE)).alias(f"{name}__dotted"),
            f.min_by(text, f.when(found, f.col("_row"))).alias(f"{name}__dmy_example"),
            f.min_by(text, f.when(found & (first > 12), f.col("_row"))).alias(f"{name}__day_example"),
            f.min_by(text, f.when(found & (second > 12), f.col("_row"))).alias(f"{name}__month_example")]


def day_month_order(stats: dict, name: str, dayfirst: bool) -> tuple[bool, str | None, str | None]:
    """(dayfirst, note, contradiction reason) for a date column, with the pandas parser's wording."""
    found = stats[f"{name}__dmy"]
    if not found:
        return dayfirst, None, None
    n_day, n_month = stats[f"{name}__dayfirst"], stats[f"{name}__monthfirst"]
    example = stats[f"{name}__dmy_example"]
    if not dayfirst and not n_day and not n_month:
        if stats[f"{name}__dotted"] == found:
            return True, pandas_parse.dotted_note(found, example), None
        return False, (f"{found} dates such as {example!r} could be day or month first; read month first (pass "
                       "dayfirst=True, CLI --dayfirst, if they are day first)"), None
    order = True if dayfirst else n_day >= n_month
    name_, other = ("day", "month") if order else ("month", "day")
    proof = stats[f"{name}__day_example"] if order else stats[f"{name}__month_example"]
    why = "as dayfirst says" if dayfirst else f"decided from the whole column, e.g. {proof!r}"
    note = f"{found} dates written like {example!r} read {name_} first ({why})"
    reason = (f"date can only be {other} first, but this column is read {name_} first ({why}); day and month order "
              "are mixed")
    return order, note, reason


_STRFTIME = {"%Y": "yyyy", "%y": "yy", "%m": "MM", "%d": "dd", "%H": "HH", "%I": "hh", "%M": "mm", "%S": "ss",
             "%p": "a", "%b": "MMM", "%B": "MMMM", "%f": "SSSSSS", "%z": "XX", "%j": "DDD", "%a": "EEE",
             "%A": "EEEE", "%%": "%", "%-d": "d", "%-m": "M", "%-H": "H", "%-I": "h"}
# Python's strptime reads these one- or two-digit fields ('9:41 AM' with %I:%M %p); Spark's two-letter patterns
# want exactly two digits, its one-letter ones take either, where separators (not other numbers) surround them.
_ONE_OR_TWO_DIGITS = {"%m": "M", "%d": "d", "%H": "H", "%I": "h", "%M": "m", "%S": "s"}


def java_date_format(date_format: str, *, key: str) -> str:
    """A mapping's ``date_format`` (Python strftime) as a Spark datetime pattern that reads what strptime reads.

    >>> java_date_format("%d/%b/%y %I:%M %p", key="created_at")  # Jira's '12/Mar/26 9:41 AM'
    'd/MMM/yy h:m a'
    >>> java_date_format("%Y%m%d", key="created_at")
    'yyyyMMdd'
    """
    import re

    directives = list(re.finditer(r"%-?[A-Za-z%]", date_format))
    out, pos = [], 0
    for i, match in enumerate(directives):
        literal = date_format[pos:match.start()]
        if literal:
            out.append("'" + literal.replace("'", "''") + "'" if re.search(r"[A-Za-z]", literal) else literal)
        directive = match.group()
        if directive not in _STRFTIME:
            raise ConfigError(f"the Spark engine cannot read the date format directive {directive!r}", key=key,
                              fix=f"use {', '.join(sorted(_STRFTIME))}, or the pandas engine")
        separated = ((i + 1 == len(directives) or directives[i + 1].start() > match.end())
                     and (i == 0 or directives[i - 1].end() < match.start()))
        out.append(_ONE_OR_TWO_DIGITS[directive] if separated and directive in _ONE_OR_TWO_DIGITS
                   else _STRFTIME[directive])
        pos = match.end()
    tail = date_format[pos:]
    if tail:
        out.append("'" + tail.replace("'", "''") + "'" if re.search(r"[A-Za-z]", tail) else tail)
    return "".join(out)


SPELLED_DATES = (
    "d MMM yyyy h:mm a", "d MMM yyyy H:mm:ss", "d MMM yyyy H:mm", "d MMM yyyy", "d MMMM yyyy h:mm a",
    "d MMMM yyyy H:mm:ss", "d MMMM yyyy H:mm", "d MMMM yyyy", "d-MMM-yyyy H:mm:ss", "d-MMM-yyyy", "d-MMM-yy",
    "MMM d, yyyy h:mm a", "MMM d, yyyy H:mm:ss", "MMM d, yyyy H:mm", "MMM d, yyyy", "MMMM d, yyyy 'at' h:mm a",
    "MMMM d, yyyy h:mm a", "MMMM d, yyyy H:mm", "MMMM d, yyyy", "d MMMM yyyy 'at' H:mm", "d MMM yyyy 'at' H:mm",
    "d MMMM yyyy 'at' h:mm a", "d/MMM/yy h:mm a", "d/MMM/yy H:mm", "d/MMM/yy", "d/MMM/yyyy h:mm a",
    "d/MMM/yyyy H:mm", "d/MMM/yyyy",
)
"""Dates with the month spelled out ('2 Mar 2026 9:00 AM', 'March 2, 2026 at 9:00 AM', Jira's '12/Mar/26 9:41 AM'
outside the Jira mapping), which the pandas reader reads one by one: the spellings helpdesk exports and
spreadsheets write (English names; a leading day name such as 'Mon, ' is dropped first, since Spark parses no day
names)."""


SPELLED_WITH_OFFSET = ("d MMM yyyy H:mm:ss Z", "d MMM yyyy H:mm Z", "d MMM yyyy H:mm:ss XXX", "d MMM yyyy H:mm XXX",
                       "d MMM yyyy H:mm:ssXXX", "d MMM yyyy H:mmXXX")
"""Spelled-out dates with a UTC offset, as e-mail headers write them ('Thu, 01 Jan 2026 10:00:00 +0100')."""


def written_dates(text):
    """``text`` with :data:`toolkit.io.parse.DATE_REWRITES` applied, as :func:`toolkit.io.parse.written_dates`."""
    f = _f()
    for pattern, replacement in pandas_parse.DATE_REWRITES:
        text = f.regexp_replace(text, pattern, replacement)
    return text


def english_months(text):
    """``text`` with other languages' month and day names written as :func:`toolkit.io.parse.english_months`
    writes them ('5 januari 2026' is '5 Jan 2026')."""
    f = _f()
    words = text
    for english, names in pandas_parse.MONTH_NAMES.items():
        words = f.regexp_replace(words, "(?iU)(^|[^\\w])(?:" + "|".join(names) + ")($|[^\\w])", f"$1{english}$2")
    words = f.regexp_replace(words, "(?iU)^(?:" + "|".join(pandas_parse.DAY_NAMES) + ")\\.?,? *", "")
    words = f.regexp_replace(words, "(?i) (?:de|del) ", " ")
    words = f.regexp_replace(words, pandas_parse.DOTTED_MONTH, "$1")
    return f.regexp_replace(words, "^([0-9]{1,2})\\. ", "$1 ")


def dotted_month(text):
    """Whether ``text`` abbreviates an English month with a full stop (:data:`toolkit.io.parse.DOTTED_MONTH`)."""
    return text.rlike(pandas_parse.DOTTED_MONTH)


def foreign_months(text):
    """Whether ``text`` holds another language's month name (:data:`toolkit.io.parse.MONTH_NAMES`)."""
    return text.rlike("(?U)" + pandas_parse.ANY_FOREIGN_MONTH)  # (?U): accented letters are letters, as in Python


def spelled_date(text, *, offset: bool = False):
    """The first of :data:`SPELLED_DATES` (``offset``: :data:`SPELLED_WITH_OFFSET`, an instant) that reads ``text``
    as a timestamp (null where none does)."""
    f = _f()
    bare = f.regexp_replace(text, r"^(?i)(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,? +", "")
    patterns = SPELLED_WITH_OFFSET if offset else SPELLED_DATES
    return f.coalesce(*[f.try_to_timestamp(bare, f.lit(pattern)) for pattern in patterns])


def _century(two_digits):
    """Two-digit years as dateutil reads them: within 50 years of today."""
    f = _f()
    now = dt.date.today().year
    year = two_digits.cast("int") + (now // 100) * 100
    return f.when(year > now + 49, year - 100).when(year < now - 50, year + 100).otherwise(year)


def _time_24h(rest):
    """The time after a date (``" 2:05 PM"``, ``"T14:05:00+01:00"``) in 24-hour form, as the ISO tail to append."""
    f = _f()
    twelve = rest.rlike(_TIME_12H)
    hour = f.regexp_extract(rest, _TIME_12H, 1).cast("int")
    pm = f.lower(f.regexp_extract(rest, _TIME_12H, 4)) == "p"
    hour24 = f.when(pm & (hour < 12), hour + 12).when(~pm & (hour == 12), f.lit(0)).otherwise(hour)
    seconds = f.regexp_extract(rest, _TIME_12H, 3)
    converted = f.concat(f.lit(" "), f.lpad(hour24.cast("string"), 2, "0"), f.lit(":"),
                         f.regexp_extract(rest, _TIME_12H, 2),
                         f.when(seconds != "", f.concat(f.lit(":"), seconds)).otherwise(f.lit("")),
                         f.regexp_extract(rest, _TIME_12H, 5))
    return f.when(twelve, converted).otherwise(rest)


def iso_text(text, dayfirst: bool):
    """Rewrite the date spellings the engine reads into ISO 8601 text (None where the spelling is not one)."""
    f = _f()
    ymd = text.rlike(_YMD)
    dmy = text.rlike(_DMY)
    a, b, year = (f.regexp_extract(text, _DMY, i) for i in (1, 2, 3))
    day, month = (a, b) if dayfirst else (b, a)
    year = f.when(f.length(year) == 2, _century(year).cast("string")).otherwise(year)
    from_dmy = f.concat(year, f.lit("-"), f.lpad(month, 2, "0"), f.lit("-"), f.lpad(day, 2, "0"),
                        _time_24h(f.regexp_extract(text, _DMY, 4)))
    from_ymd = f.concat(f.regexp_extract(text, _YMD, 1), f.lit("-"), f.lpad(f.regexp_extract(text, _YMD, 2), 2, "0"),
                        f.lit("-"), f.lpad(f.regexp_extract(text, _YMD, 3), 2, "0"),
                        _time_24h(f.regexp_extract(text, _YMD, 4)))
    compact = f.concat(f.substring(text, 1, 4), f.lit("-"), f.substring(text, 5, 2), f.lit("-"),
                       f.substring(text, 7, 2))
    iso = f.concat(f.regexp_extract(text, r"^([0-9]{4}-[0-9]{1,2}-[0-9]{1,2})", 1),
                   _time_24h(f.regexp_extract(text, r"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(.*)$", 1)))
    return (f.when(text.rlike(_ISO), iso).when(ymd, from_ymd).when(text.rlike(r"^[0-9]{8}$"), compact)
            .when(dmy, from_dmy))


def future_limit() -> pd.Timestamp:
    """The latest date accepted, as :func:`toolkit.io.parse._future` computes it."""
    return pd.Timestamp.now(tz="UTC") + pd.Timedelta(days=pandas_parse.FUTURE_DAYS)


def localize(naive, tz: str, stage=_same):
    """(UTC instant, in_gap, ambiguous) for wall-clock timestamps in ``tz``, as :func:`toolkit.io.parse.localize`.

    Times in the repeated hour read as the first (summer-time) occurrence, as Java also does; times in the
    skipped hour move to the first valid time (pandas' ``shift_forward``), where Java would add the gap.
    """
    f = _f()
    if tz == "UTC":
        return naive, f.lit(False), f.lit(False)
    naive = stage(naive, "naive")
    utc = stage(f.to_utc_timestamp(naive, tz), "utc")
    wall = stage(f.from_utc_timestamp(utc, tz), "wall")
    gap = stage(naive.isNotNull() & (wall != naive), "gap")
    hour = f.expr("INTERVAL 1 HOUR")
    ambiguous = naive.isNotNull() & ~gap & (utc != f.to_utc_timestamp(naive + hour, tz) - hour)
    shifted = f.to_utc_timestamp(f.date_trunc("hour", wall), tz)
    return stage(f.when(gap, shifted).otherwise(utc), "local"), gap, stage(ambiguous, "ambiguous")
