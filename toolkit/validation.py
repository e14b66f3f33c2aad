"""Argument checks shared by every compute function, one wording per error.

Each check raises :class:`~toolkit.errors.ConfigError` (a bad parameter: it names the
argument, the value received and what to pass instead) or
:class:`~toolkit.errors.DataError` (a table that cannot be used). :mod:`toolkit.ops`,
:mod:`toolkit.survey`, :mod:`toolkit.maturity`, :mod:`toolkit.report` and
:mod:`toolkit.io` use these, so the same mistake reads the same everywhere.

Survey answers are checked here too, before anything is computed: a value outside its
scale is a DataError naming the offending rows (the Series' index labels, or 1-based
positions for plain sequences) and values. Missing answers (None, NaN, empty strings)
are not errors: they are left out and counted in the result's ``missing`` column.

Shared constants live here too: :data:`MIN_N` (the small-sample cut-off),
:data:`FREQS` (bucket sizes), :data:`SEGMENT_COLUMNS` (ticket columns a result can be
split by) and :data:`PRIORITIES` (from the canonical schema).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import pandas as pd

from toolkit.errors import ConfigError, DataError
from toolkit.schema import PRIORITIES, SCALES, TABLES, has_values, validate

__all__ = [
    "FREQS", "MIN_N", "PRIORITIES", "SEGMENT_COLUMNS", "as_list", "check_by", "check_choice", "check_confidence",
    "check_freq", "check_min_n", "check_positive", "check_scale", "check_sla_targets", "check_table", "check_tz",
    "require_columns",
]

MIN_N = 30
"""Segments (periods, teams...) with fewer tickets, answers or replies than this are flagged
``small_sample``: shown, never ranked or flagged as reliable. Every function's ``min_n`` defaults to it."""

FREQS = ("day", "week", "month", "quarter", "year")
"""Bucket sizes for ``freq``; weeks start on Monday, all in the client's time zone ``tz``."""

SEGMENT_COLUMNS = ("team", "channel", "priority", "product", "assignee", "organization_id")
"""Ticket columns a result can be split by (``by``); ``period`` adds the ``freq`` bucket."""


ENGINES = ("pandas", "spark")
"""Where the row-level work runs: pandas in this process (the default), or Apache Spark (``docs/spark.md``)."""


def check_engine(engine: object, key: str = "engine") -> str:
    """``engine`` in lower case if it is one of :data:`ENGINES`, else raise ConfigError; ``spark`` needs pyspark.

    >>> check_engine("Spark") if __import__("importlib").util.find_spec("pyspark") else "spark"
    'spark'
    """
    text = str(engine or "").strip().lower() or ENGINES[0]  # empty means pandas
    if text not in ENGINES:
        raise ConfigError(f"{text!r} is not an engine", key=key, fix=f"use one of {', '.join(ENGINES)}")
    if text == "spark":
        from toolkit.spark.session import pyspark

        pyspark()  # not installed: says how to install the extra, before any work starts
    return text


def check_tz(tz: object, key: str = "tz") -> str:
    """Return ``tz`` if it is an IANA time zone name, else raise ConfigError.

    >>> check_tz("Europe/London")
    'Europe/London'
    """
    try:
        ZoneInfo(str(tz))
        ok = isinstance(tz, str) and bool(tz)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        ok = False
    if not ok:
        raise ConfigError(f"unknown time zone {tz!r}", key=key,
                          fix="use an IANA name such as 'Europe/London', 'America/New_York' or 'UTC'")
    return tz


def check_freq(freq: object, *, optional: bool = False, key: str = "freq") -> str | None:
    """Return ``freq`` if it is one of :data:`FREQS` (or None when ``optional``), else raise ConfigError."""
    if (freq is None and optional) or freq in FREQS:
        return freq
    allowed = ", ".join(FREQS) + (" or None" if optional else "")
    raise ConfigError(f"unknown freq {freq!r}", key=key, fix=f"use one of {allowed}")


def as_list(by: str | Sequence[str] | None) -> list[str]:
    """``by`` as a list of column names (None: no grouping)."""
    if by is None:
        return []
    return [by] if isinstance(by, str) else list(by)


def check_by(by: str | Sequence[str] | None, allowed: Sequence[str] = ("period", *SEGMENT_COLUMNS)) -> list[str]:
    """Return ``by`` as a list, raising ConfigError for a column that cannot segment."""
    columns = as_list(by)
    for col in columns:
        if col not in allowed:
            raise ConfigError(f"cannot group by {col!r}", key="by", fix=f"use any of {', '.join(allowed)}")
    return columns


def check_positive(value: object, key: str, *, integer: bool = False) -> float:
    """Return ``value`` if it is a positive (whole, when ``integer``) number, else raise ConfigError."""
    ok = (not isinstance(value, bool) and isinstance(value, int | float | np.integer | np.floating)
          and value > 0 and math.isfinite(value))
    if integer:
        ok = ok and float(value).is_integer()
    if not ok:
        kind = "positive whole number" if integer else "positive number"
        raise ConfigError(f"{key} must be a {kind}, got {value!r}", key=key,
                          fix=f"pass e.g. {key}=30" if integer else f"pass a number above 0 for {key}")
    return value


def check_min_n(min_n: object, key: str = "min_n") -> int:
    """Return ``min_n`` if it is a positive whole number, else raise ConfigError."""
    return int(check_positive(min_n, key, integer=True))


def check_confidence(confidence: object) -> float:
    """Return ``confidence`` if it is strictly between 0 and 1, else raise ConfigError."""
    if isinstance(confidence, bool) or not isinstance(confidence, int | float) or not 0 < confidence < 1:
        raise ConfigError(f"confidence must be a number between 0 and 1, got {confidence!r}",
                          key="confidence", fix="pass e.g. confidence=0.95 for a 95% interval")
    return float(confidence)


def check_choice(value: object, allowed: Sequence[str], key: str) -> str:
    """Return ``value`` if it is one of ``allowed``, else raise ConfigError listing them."""
    if value not in allowed:
        raise ConfigError(f"unknown {key} {value!r}", key=key,
                          fix=f"use one of {', '.join(repr(a) for a in allowed)}")
    return value


def check_sla_targets(targets: object, key: str = "targets") -> dict[str, float]:
    """The first-reply targets given, as ``{priority: minutes}``; ConfigError for an unknown priority or bad minutes.

    Only the priorities given are returned (callers complete them with their defaults). The
    helpdesk functions (``targets``) and the report parameters (``sla_targets``) both check here,
    so a wrong priority reads the same wherever it is passed.

    >>> check_sla_targets({"urgent": 60})
    {'urgent': 60.0}
    """
    if targets is None:
        return {}
    if not isinstance(targets, Mapping):
        raise ConfigError(f"expected a mapping of priority to minutes, got {type(targets).__name__}", key=key,
                          fix='pass e.g. {"urgent": 60, "high": 240, "normal": 480, "low": 1440}')
    checked = {}
    for priority, minutes in targets.items():
        if priority not in PRIORITIES:
            raise ConfigError(f"unknown priority {priority!r} in SLA targets", key=key,
                              fix=f"use the priorities {', '.join(PRIORITIES)}")
        if (isinstance(minutes, bool) or not isinstance(minutes, int | float) or not minutes > 0
                or not math.isfinite(minutes)):
            raise ConfigError(f"SLA target for {priority!r} must be a positive number of minutes, got {minutes!r}",
                              key=f"{key}.{priority}", fix="give the first-reply target in calendar minutes, "
                                                           "e.g. 240 for 4 hours")
        checked[priority] = float(minutes)
    return checked


def check_table(frame: object, table: str, *, argument: str) -> pd.DataFrame:
    """Return ``frame`` in canonical form, validating only when it is not canonical already.

    A frame with every required column and tz-aware timestamps is trusted (validation of
    10^6 rows is not free); anything else goes through :func:`toolkit.schema.validate`,
    whose DataError names the missing column or bad rows.
    """
    if not isinstance(frame, pd.DataFrame):
        raise DataError(f"`{argument}` must be a pandas DataFrame of canonical {table}, got {type(frame).__name__}",
                        table=table, fix=f"load it with toolkit.io or pass toolkit.schema.validate(frame, {table!r})")
    spec = TABLES[table]
    times = [c.name for c in spec.columns if c.kind == "datetime" and c.name in frame.columns]
    canonical = all(c in frame.columns for c in spec.required) and all(
        isinstance(frame[c].dtype, pd.DatetimeTZDtype) for c in times)
    return frame if canonical else validate(frame, table)


def require_columns(frame: object, columns: Sequence[str], table: str) -> None:
    """Raise DataError if ``frame`` lacks any of ``columns`` or, when it has rows, holds no values in them."""
    if not isinstance(frame, pd.DataFrame):
        raise DataError(f"expected a pandas DataFrame, got {type(frame).__name__}", table=table,
                        fix=f"pass the canonical {table} table, e.g. toolkit.samples.load_sample()['{table}']")
    lacking = [c for c in columns if c not in frame.columns or (len(frame) and not has_values(frame, c))]
    if lacking:
        raise DataError(f"needs values in {', '.join(f'`{c}`' for c in lacking)}", table=table,
                        fix=f"load the {table} with these columns (see docs/data-model.md)")


# --------------------------------------------------------------------------- survey answers

BINARY_GOOD = ("good", "satisfied", "yes", "positive", "thumbs up", "\U0001f44d")
BINARY_BAD = ("bad", "unsatisfied", "dissatisfied", "no", "negative", "thumbs down", "\U0001f44e")





def as_series(values: Iterable | pd.Series, name: str) -> pd.Series:
    """Turn a sequence of answers into a Series whose index names the rows (1-based unless a Series)."""
    if isinstance(values, pd.DataFrame):
        raise ConfigError(f"{name} must be one column of answers, got a DataFrame with columns "
                          f"{', '.join(map(str, values.columns[:5]))}", key=name,
                          fix=f"pass one column, e.g. frame['score'] as {name}")
    if isinstance(values, pd.Series):
        return values
    if isinstance(values, np.ndarray) and values.ndim == 1:
        return pd.Series(values, index=pd.RangeIndex(1, len(values) + 1))
    if values is None or isinstance(values, str | bytes | int | float) or not isinstance(values, Iterable):
        raise ConfigError(f"{name} must be a sequence of answers, got {type(values).__name__}", key=name,
                          fix=f"pass a list, array or Series of answers as {name}")
    array = list(values)
    return pd.Series(array, index=pd.RangeIndex(1, len(array) + 1), dtype=None if array else float)


def _blank(series: pd.Series) -> pd.Series:
    """Missing answers: NA values and empty or whitespace-only strings."""
    if _is_numeric(series):
        return series.isna()
    text = series.astype("str").str.strip()
    return series.isna() | text.eq("") | text.str.lower().isin(["nan", "<na>", "none"])


def numeric_answers(values: Iterable | pd.Series, *, name: str, scale: tuple[int, int], what: str,
                    whole: bool = True, scale_fix: str | None = None) -> tuple[pd.Series, int]:
    """Answers as floats on ``scale`` (missing ones dropped) and how many were missing.

    Raises DataError for values that are not numbers, not whole numbers (when ``whole``)
    or outside ``scale``, naming the rows and values.
    """
    series = as_series(values, name)
    if isinstance(series.dtype, pd.BooleanDtype) or series.dtype == bool:
        series = series.astype("Int64")
    missing = _blank(series)
    present = series[~missing]
    if _is_numeric(present):
        numbers = present.astype(float)
    else:
        numbers = pd.to_numeric(present.astype(object), errors="coerce").astype(float)
    low, high = scale
    scale_text = f"{low}-{high}"
    checks = (
        (numbers.isna(), "are not numbers", "use plain numbers, without words or units"),
        (numbers.notna() & (numbers != np.round(numbers)) if whole else pd.Series(False, index=numbers.index),
         "are not whole numbers", f"use the whole numbers {scale_text}"),
        ((numbers < low) | (numbers > high), f"are outside the {scale_text} scale",
         scale_fix or "correct or remove these answers, or pass the scale they were given on as `scale`"),
    )
    for bad, problem, fix in checks:
        if bad.any():
            raise DataError(f"{what} answers {problem}", column=name, rows=present.index[bad].tolist(),
                            values=_plain(present[bad]), fix=fix)
    return numbers, int(missing.sum())


def binary_answers(values: pd.Series, *, name: str) -> pd.Series | None:
    """Good/bad words as 1.0/0.0 (missing dropped), or None when the answers are not words.

    Mixed words and numbers raise DataError, as do words that are neither good nor bad.
    """
    if _is_numeric(values):
        return None
    missing = _blank(values)
    present = values[~missing]
    if present.empty:
        return None
    text = present.astype("str").str.strip().str.lower()
    is_number = pd.to_numeric(text, errors="coerce").notna()
    if is_number.all():
        return None
    good, bad = text.isin(BINARY_GOOD), text.isin(BINARY_BAD)
    unknown = ~(good | bad)
    if unknown.any():
        kind = "mix words and numbers" if (is_number & unknown).any() else "have words that are neither good nor bad"
        raise DataError(f"the ratings {kind}", column=name, rows=present.index[unknown].tolist(),
                        values=_plain(present[unknown]),
                        fix="use 'good'/'bad' for binary ratings or numbers on one scale, not both")
    return good.astype(float)


def check_scale(scale: tuple[int, int] | str, key: str = "scale") -> tuple[int, int]:
    """A scale as (lowest, highest), from a tuple or a canonical name ('1-5', '1-7', '0-10', 'binary')."""
    if isinstance(scale, str):
        if scale not in SCALES:
            raise ConfigError(f"unknown scale {scale!r}", key=key,
                              fix=f"use one of {', '.join(repr(s) for s in SCALES)} or a (lowest, highest) tuple")
        return SCALES[scale]
    ok = (isinstance(scale, tuple | list) and len(scale) == 2
          and all(isinstance(v, int | np.integer) and not isinstance(v, bool) for v in scale) and scale[0] < scale[1])
    if not ok:
        raise ConfigError(f"scale must be (lowest, highest) whole numbers, got {scale!r}", key=key,
                          fix="pass e.g. scale=(1, 5)")
    return int(scale[0]), int(scale[1])



def _is_numeric(series: pd.Series) -> bool:
    """Whether the Series holds numbers (not booleans, not text), so no text checks are needed."""
    return pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(series.dtype)


def _plain(values: pd.Series) -> list:
    """Values as plain Python objects, so that messages show 11 rather than np.int64(11)."""
    return [v.item() if isinstance(v, np.generic) else v for v in values.tolist()]
