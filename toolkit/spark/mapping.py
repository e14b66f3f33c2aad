"""A vendor mapping (:class:`toolkit.io.mapping.Spec`) applied as Spark column expressions.

One mapping definition, two executors: :func:`toolkit.io.mapping.apply_spec` runs a mapping in pandas,
:func:`apply_spec` here builds the same columns, rejections and report notes as Spark expressions.
Column-level decisions (decimal comma or point, day or month first) come from one aggregate over the
raw columns; the notes' counts from a second one. Per-row work is all native Spark: no Python UDF.

Mapping features that need code (``hooks``) or HTML stripping are not available here: such a mapping
raises a :class:`~toolkit.errors.ConfigError` naming the key, and the pandas engine loads the file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from toolkit.errors import ConfigError
from toolkit.io import mapping as pandas_mapping
from toolkit.io import parse as pandas_parse
from toolkit.io.mapping import Spec, column_kind, extra_columns, norm, norm_value
from toolkit.schema import get_table
from toolkit.spark import parse


@dataclass
class Rule:
    """One reason to reject a row: where ``when`` holds, the row goes with ``column``, its ``value`` and ``reason``.

    Rules are tried in the order the pandas loader applies them; a row keeps the first reason that holds.
    """

    when: object
    column: str
    value: object
    reason: object


@dataclass
class Note:
    """A report sentence from aggregate counts: ``aggs`` name what to count, ``write`` turns the counts into text."""

    aggs: list
    write: object  # (row of counts, top values) -> list of sentences
    top: list = field(default_factory=list)  # (name, condition, column): the most common values where it holds
    follow: object = None  # counts -> more aggregates, which the first counts decide (one more pass for all notes)


@dataclass
class SparkMapped:
    """The mapped frame (canonical names, helpers, ``_row``, ``_reject``), the notes, and the columns used."""

    frame: object
    source: object  # the raw columns under positional names: what the rules and notes are expressions over
    rules: list[Rule]
    notes: list[Note]
    used: dict[str, list[str]]
    ignored: list[str]
    extra: list[str]


def _f():
    from pyspark.sql import functions

    return functions


class _Stages:
    """Intermediate results as columns of their own, so an expression used several times is computed once.

    Building a parser's steps as one nested expression repeats each shared part wherever it is used, and the
    plan grows exponentially; a column per step keeps it linear. Steps are added in layers (one ``select``
    per level of dependency, not one per step), so Spark analyses a plan a dozen projections deep, not
    two hundred.
    """

    _NAME = re.compile(r"__[a-z_]+[0-9]+")

    def __init__(self, frame) -> None:
        self._frame = frame
        self._layers: list[list] = []
        self._level: dict[str, int] = {}
        self.count = 0

    def __call__(self, expr, hint: str):
        name = f"__{hint}{self.count}"
        self.count += 1
        # the steps an expression reads appear by name in its text (the staged names are ours, __<hint><n>)
        level = 1 + max((self._level.get(n, -1) for n in self._NAME.findall(str(expr))), default=-1)
        self._level[name] = level
        while len(self._layers) <= level:
            self._layers.append([])
        self._layers[level].append(expr.alias(name))
        return _f().col(name)

    @property
    def frame(self):
        """The frame with every step added so far."""
        for layer in self._layers:
            if layer:
                self._frame = self._frame.select("*", *layer)
        self._layers = []
        self._level = dict.fromkeys(self._level, -1)  # in the frame now: later steps may read them at once
        return self._frame


def safe_names(columns: list[str]) -> dict[str, str]:
    """{header name: positional name}: Spark expressions never quote a vendor name with dots or brackets."""
    return {c: f"c{i}" for i, c in enumerate(columns)}


def apply_spec(raw, spec: Spec, *, tz: str, dayfirst: bool = False, extra=()) -> SparkMapped:
    """Map ``raw`` (:class:`toolkit.spark.read.SparkRaw`) through ``spec``, as the pandas ``apply_spec`` does."""
    f = _f()
    check_supported(spec)
    table = get_table(spec.table)
    header = [c for c in raw.frame.columns if c != "_row"]
    safe = safe_names(header)
    dtypes = {safe[c]: t for c, t in raw.frame.dtypes if c in safe}
    stage = _Stages(raw.frame.select(*[f.col(f"`{c}`").alias(safe[c]) for c in header], "_row"))
    lookup: dict[str, str] = {}
    for c in header:
        lookup.setdefault(norm(c), c)
    col = lambda name: f.col(safe[name])
    kind_of = {target: column_kind(table, target) for target in spec.columns}
    found_of: dict[str, list[str]] = {}
    for target, cands in spec.columns.items():
        found = [lookup[norm(c)] for c in cands if norm(c) in lookup]
        if kind_of[target] == "list":
            found = [c for x in found for c in header if c == x or re.fullmatch(re.escape(x) + r" \(\d+\)", c)]
        if found:
            found_of[target] = found
    # Pass 1: column-level decisions (decimal convention, day/month order), one aggregate.
    merged = {t: stage(_coalesce([col(c) for c in cols], [dtypes[safe[c]] for c in cols]), "vendor")
              if len(cols) > 1 else col(cols[0]) for t, cols in found_of.items() if kind_of[t] != "list"}
    texts = {t: _text(merged[t], dtypes[safe[found_of[t][0]]], stage) for t in merged}
    placeholders = {}  # typed columns: 'N/A', '-' ... are empty, as in the pandas loader
    for t, (text, has) in texts.items():
        if pandas_mapping.blanks_placeholders(spec, t, kind_of[t]) and _is_text(dtypes[safe[found_of[t][0]]]):
            placeholders[t] = stage(f.coalesce(f.lower(text).isin(list(pandas_parse.PLACEHOLDERS)), f.lit(False)),
                                    "placeholder")
            has = stage(has & ~placeholders[t], "has")
            texts[t] = (stage(f.when(has, text), "text"), has)
    stats_aggs = []
    for target, (text, has) in texts.items():
        kind = kind_of[target]
        if not _is_text(dtypes[safe[found_of[target][0]]]) or target in spec.values:
            continue
        if kind in ("float", "int", "score"):
            stats_aggs += parse.number_stats(text, has, target)
        elif kind == "datetime":
            stats_aggs += parse.date_stats(text, has, target)
    stats = stage.frame.agg(*stats_aggs).first().asDict() if stats_aggs else {}

    rules: list[Rule] = []
    notes: list[Note] = []
    out: dict[str, object] = {}
    used: dict[str, list[str]] = {}
    for rule in spec.exclude:  # before parsing, so an excluded 'offered' is not also 'not a number'
        cols = [lookup[norm(c)] for c in spec.columns.get(rule["column"], []) if norm(c) in lookup]
        if not cols:
            continue
        vendor = _coalesce([col(c) for c in cols], [dtypes[safe[c]] for c in cols])
        words = [norm_value(v) for v in rule["values"]]
        rules.append(Rule(f.coalesce(f.lower(f.trim(vendor.cast("string"))).isin(words), f.lit(False)), cols[0],
                          _shown(vendor), f.lit(rule["reason"])))
    for target, cols in found_of.items():
        kind = kind_of[target]
        used[target] = cols
        opts = spec.parse.get(target) or {}
        label = cols[0]
        dtype = dtypes[safe[label]]
        if kind == "list":
            if dtype.startswith("array"):  # a lake table's list column: items as text, empty ones dropped
                out[target] = f.filter(f.coalesce(col(label).cast("array<string>"), f.array().cast("array<string>")),
                                       lambda x: x.isNotNull() & (x != ""))
                continue
            lists = [parse.split_list(col(c).cast("string"), opts.get("split")) for c in cols]
            if opts.get("key") or not _is_text(dtype):
                raise ConfigError("the Spark engine reads lists from delimited text only", file=spec.file,
                                  key=f"parse.{target}", fix="load this export with the pandas engine")
            out[target] = lists[0] if len(lists) == 1 else f.concat(*lists)
            continue
        if kind == "bool" and opts.get("combine") == "any":
            out[target] = _bools_any(cols, [col(c) for c in cols], [dtypes[safe[c]] for c in cols], opts, spec,
                                     target, rules)
            continue
        if target in placeholders:
            said = placeholders[target]
            notes.append(Note([f.count_if(said).alias(f"{target}__placeholders"),
                               f.array_sort(f.collect_set(f.when(said, f.trim(merged[target].cast("string"))))).alias(
                                   f"{target}__placeholder_words")],
                              lambda r, t, target=target, label=label: [
                                  f"`{label}`: " + pandas_parse.placeholders_note(
                                      r[f"{target}__placeholders"], list(r[f"{target}__placeholder_words"]))]
                              if r[f"{target}__placeholders"] else []))
            merged[target] = f.when(~said, merged[target])
        out[target] = _convert(merged[target], texts[target], dtype, kind, target, opts, spec, stats, tz=tz,
                               dayfirst=dayfirst, rules=rules, label=label, notes=notes, stage=stage)
    for target, value in spec.constants.items():
        out[target] = f.lit(value)
        used.setdefault(target, [])
    for target, value in spec.defaults.items():
        if target not in out:
            out[target] = f.lit(value)
            notes.append(Note([f.count(f.lit(1)).alias(f"{target}__rows")],
                              lambda r, t, target=target, value=value:
                              [f"`{target}` is not in the file; set to {value!r} for every row"]
                              if r[f"{target}__rows"] else []))
        else:
            empty = out[target].isNull()
            notes.append(Note([f.count_if(empty).alias(f"{target}__defaulted")],
                              lambda r, t, target=target, value=value:
                              [f"`{target}`: {r[f'{target}__defaulted']} empty values set to {value!r}"]
                              if r[f"{target}__defaulted"] else []))
            out[target] = f.coalesce(out[target], f.lit(value))
    for target, rule in spec.derive.items():
        start, end = rule["minutes_between"]
        if start not in out or end not in out:
            continue
        current = out.get(target, f.lit(None).cast("double"))
        both = out[start].isNotNull() & out[end].isNotNull()
        fill = both if rule.get("replace") else current.isNull() & both
        minutes = (out[end].cast("double") - out[start].cast("double")) / 60
        negative = fill & (minutes < 0)
        kept = (current.isNotNull() & ~fill) if rule.get("replace") else f.lit(False)
        out[target] = f.when(fill, f.when(minutes >= 0, minutes)).otherwise(current)
        notes.append(Note([f.count_if(fill).alias(f"{target}__derived"), f.count_if(negative).alias(f"{target}__neg"),
                           f.count_if(kept).alias(f"{target}__kept")],
                          lambda r, t, target=target, start=start, end=end: _derive_notes(r, target, start, end)))
    extra_cols = extra_columns(header, list(spec.extra) + list(extra), used)
    if extra_cols and "extra" in table.names:
        out["extra"] = f.to_json(f.struct(*[col(c).cast("string").alias(name) for name, c in extra_cols.items()]),
                                 {"ignoreNullFields": "false"})
    elif "extra" in table.names and "extra" in lookup and "extra" not in used:
        out["extra"] = col(lookup["extra"]).cast("string")  # a canonical table written as CSV: JSON text already
        extra_cols = {"extra": lookup["extra"]}
    elif extra_cols:  # tables without `extra` (surveys) keep vendor columns as plain columns: segments
        for name, c in extra_cols.items():
            if name not in out and name not in table.names:
                out[name] = col(c)
    for name in list(out):
        out[name] = stage(out[name], "out")
    src = stage.frame
    frame = src.select("_row", first_reason(rules).alias("_reject"), *[expr.alias(name) for name, expr in out.items()])
    mapped_cols = {c for cols in used.values() for c in cols} | set(extra_cols.values())
    ignored = [c for c in header if c not in mapped_cols]
    return SparkMapped(frame=frame, source=src, rules=rules, notes=notes, used=used, ignored=ignored,
                       extra=list(extra_cols))


def check_supported(spec: Spec) -> None:
    """Raise a ConfigError for a mapping that runs a code step (``hooks``), which only the pandas engine has."""
    for stage in ("raw", "mapped"):
        if spec.hooks.get(stage):
            raise ConfigError(f"the {spec.source} mapping runs the step {spec.hooks[stage]!r}, which the Spark "
                              "engine does not have", file=spec.file, key=f"hooks.{stage}",
                              fix="load this export with the pandas engine (leave out --engine spark)")


def first_reason(rules: list[Rule]):
    """The first rule that holds for a row, as a struct (column, value, reason); null if none does."""
    f = _f()
    out = None
    for rule in rules:
        entry = f.struct(f.lit(rule.column).alias("column"), rule.value.cast("string").alias("value"),
                         rule.reason.cast("string").alias("reason"))
        condition = f.coalesce(rule.when, f.lit(False))
        out = f.when(condition, entry) if out is None else out.when(condition, entry)
    empty = f.lit(None).cast("struct<column:string,value:string,reason:string>")
    return empty if out is None else out.otherwise(empty)


def _is_text(dtype: str) -> bool:
    return dtype == "string"


def _coalesce(columns: list, dtypes: list[str]):
    """The first present value among candidate columns (the last column's value when none is)."""
    f = _f()
    if len(columns) == 1:
        return columns[0]
    strings = any(_is_text(d) for d in dtypes)
    columns = [c.cast("string") for c in columns] if strings else columns
    dtype = "string" if strings else dtypes[0]
    out = f.when(parse.present(columns[0], dtype), columns[0])
    for c in columns[1:-1]:
        out = out.when(parse.present(c, dtype), c)
    return out.otherwise(columns[-1])


def _text(column, dtype: str, stage):
    """(trimmed text where present, present) for a raw column."""
    f = _f()
    has = stage(parse.present(column, dtype), "has")
    return stage(f.when(has, f.trim(column.cast("string"))), "text"), has


def _shown(column):
    """A rejected row's value as the report shows it: text, at most 200 characters, empty for nothing."""
    f = _f()
    return f.coalesce(f.substring(column.cast("string"), 1, 200), f.lit(""))


def _convert(column, text_has, dtype, kind, target, opts, spec: Spec, stats, *, tz, dayfirst, rules, label, notes,
             stage):
    f = _f()
    text, has = text_has
    if target in spec.values:
        column, has, dtype = _translate(column, has, dtype, target, spec, label, notes, stage)
        text = stage(f.when(has, f.trim(column)), "text")
    if kind == "datetime":
        return _datetimes(column, text, has, dtype, target, opts, stats, tz=tz,
                          dayfirst=opts.get("dayfirst", dayfirst), rules=rules, label=label, notes=notes, stage=stage)
    if kind in ("float", "int", "score"):
        if not _is_text(dtype):
            return f.when(has, column.cast("double"))
        unit = pandas_mapping.duration_unit(target, opts)
        if unit:
            value, reason, changed, ambiguous, comma, hms, worded = parse.parse_durations(text, has, stats, target,
                                                                                         unit, stage)
        else:
            value, reason, changed, ambiguous, comma = parse.parse_numbers(text, has, stats, target, stage)
            hms = worded = f.lit(False)
        rules.append(Rule(reason.isNotNull(), label, _shown(column), reason))
        proof = stats.get(f"{target}__comma" if comma else f"{target}__point", 0)
        # the note's example is the number as written, before a conversion to minutes, as pandas gives it
        written = value / f.lit(pandas_parse.DURATION_UNITS[unit]) if unit else value
        notes.append(Note([f.count_if(changed).alias(f"{target}__changed"),
                           f.count_if(ambiguous).alias(f"{target}__ambiguous"),
                           f.min_by(f.struct(text.alias("text"), written.alias("value")),
                                    f.when(changed, f.col("_row"))).alias(f"{target}__first"),
                           f.count_if(hms).alias(f"{target}__hms"), f.count_if(worded).alias(f"{target}__worded"),
                           f.min_by(f.struct(text.alias("text"), value.alias("value")),
                                    f.when(worded, f.col("_row"))).alias(f"{target}__worded_eg")],
                          lambda r, t, target=target, label=label, comma=comma, proof=proof, unit=unit:
                          _number_notes(r, target, label, comma, proof, unit)))
        return value
    if kind == "bool":
        true = opts.get("true", pandas_mapping.TRUE_WORDS)
        false = opts.get("false", pandas_mapping.FALSE_WORDS)
        values, bad = parse.parse_bools(column, dtype, true, false, opts.get("true_pattern"))
        if target in spec.unknown:
            values = f.when(bad, f.lit(bool(spec.unknown[target]))).otherwise(values)
        else:
            rules.append(Rule(bad, label, _shown(column), f.lit("value is not true/false")))
        if opts.get("negate"):
            values = ~values
            notes.append(Note([], lambda r, t, target=target, label=label:
                              [f"`{target}` is the opposite of `{label}`"]))
        return values
    if kind == "id" and _is_text(dtype):
        rules.append(Rule(has & text.rlike(f"^(?:{pandas_mapping.EXCEL_SCIENTIFIC})$"), label, _shown(column),
                          f.lit(pandas_mapping.SCIENTIFIC_ID_REASON)))
        if not pandas_mapping.blanks_placeholders(spec, target, kind):
            written = f.lower(f.trim(column))
            rules.append(Rule(column.isNotNull() & (~has | written.isin(list(pandas_parse.PLACEHOLDERS))), label,
                              _shown(column), f.lit(pandas_mapping.PLACEHOLDER_ID_REASON)))
    if kind in ("id", "category") and dtype in ("double", "float"):
        whole = column == f.round(column)
        return f.when(has & whole, column.cast("long").cast("string")).when(has, column.cast("string"))
    if not _is_text(dtype):
        return f.when(column.isNotNull(), column.cast("string"))
    if kind == "text" and opts.get("html"):
        return _html_stripped()(column)
    return column


def _html_stripped():
    """A pandas UDF running the pandas loader's :func:`toolkit.io.mapping.strip_html`."""
    from pyspark.sql.functions import pandas_udf

    @pandas_udf("string")
    def stripped(column: pd.Series) -> pd.Series:
        return pandas_mapping.strip_html(column)

    return stripped


def normal_words(column):
    """A value as the pandas loader compares it: lower case, any whitespace (a non-breaking space too) one space,
    trimmed."""
    f = _f()
    return f.trim(f.regexp_replace(f.lower(column.cast("string")), r"(?U)\s+", " "))


def _translate(column, has, dtype, target, spec: Spec, label, notes, stage):
    """Vendor values to canonical ones through the mapping's ``values`` (case- and space-insensitive)."""
    f = _f()
    table = spec.values[target]
    key = stage(normal_words(column), "key")
    pairs = [x for k, v in table.items() for x in (f.lit(k), f.lit(None if v is None else str(v)).cast("string"))]
    lookup = f.create_map(*pairs)
    known = stage(column.isNotNull() & f.coalesce(f.map_contains_key(lookup, key), f.lit(False)), "known")
    mapped = stage(f.element_at(lookup, key), "mapped")
    fallback = f.lit(str(spec.unknown[target])) if target in spec.unknown else column.cast("string")
    result = stage(f.when(known, mapped).when(column.isNotNull(), fallback), "translated")
    to_empty = stage(known & mapped.isNull() & has, "none")
    unknown = column.isNotNull() & ~known & has
    shown = column.cast("string")
    top = [(f"{target}__empty_top", to_empty, shown)]
    if target in spec.unknown:
        top.append((f"{target}__unknown_top", unknown, shown))
    notes.append(Note([f.count_if(to_empty).alias(f"{target}__empty"), f.count_if(unknown).alias(f"{target}__unknown")],
                      lambda r, t, target=target, label=label, spec=spec: _translate_notes(r, t, target, label, spec),
                      top=top))
    return result, stage(has & ~to_empty, "has"), "string"


def _translate_notes(row, top, target, label, spec) -> list[str]:
    out = []
    if row[f"{target}__empty"]:
        counts = top[f"{target}__empty_top"]
        out.append(f"`{label}`: {row[f'{target}__empty']} values meaning 'none' left empty ("
                   + ", ".join(f"{v!r} {n}" for v, n in counts[:5]) + ")")
    if row[f"{target}__unknown"] and target in spec.unknown:
        counts = top[f"{target}__unknown_top"]
        out.append(f"`{label}`: {row[f'{target}__unknown']} values not in the mapping set to {spec.unknown[target]!r} ("
                   + ", ".join(f"{v!r} {n}" for v, n in counts[:5]) + (", …" if len(counts) > 5 else "") + ")")
    return out


def _number_notes(row, target, label, comma, proof, unit) -> list[str]:
    out = []
    changed = row[f"{target}__changed"]
    if changed:
        how = "decimal comma, '.' groups thousands" if comma else "decimal point, ',' groups thousands"
        note = f"{changed} numbers with thousands separators or decimal commas read ({how}"
        if row[f"{target}__ambiguous"] and not proof:
            note += "; no value proves it, so the usual decimal point was assumed"
        first = row[f"{target}__first"]
        out.append(f"`{label}`: " + note + f"; e.g. {first['text']!r} = {first['value']:.15g})")
    if row[f"{target}__hms"]:
        out.append(f"`{label}`: {row[f'{target}__hms']} durations written as H:MM:SS read")
    if row[f"{target}__worded"]:
        example = row[f"{target}__worded_eg"]
        out.append(f"`{label}`: " + pandas_parse.with_units_note(row[f"{target}__worded"], example["text"],
                                                                       example["value"]))
    if unit and unit != "minutes":
        out.append(f"`{label}`: converted from {unit} to minutes")
    return out


def _derive_notes(row, target, start, end) -> list[str]:
    out = []
    if row[f"{target}__derived"]:
        note = f"`{target}`: {row[f'{target}__derived']} values computed from {start} and {end}"
        if row[f"{target}__neg"]:
            note += f" ({row[f'{target}__neg']} left empty because {end} is before {start})"
        out.append(note)
    if row[f"{target}__kept"]:
        out.append(f"`{target}`: {row[f'{target}__kept']} values taken as the export gives them ({end} missing), "
                   "not calendar minutes")
    return out


def _bools_any(labels, columns, dtypes, opts, spec, target, rules):
    """True if any column says true; false if none does and at least one says false; else empty."""
    f = _f()
    any_true, any_known = f.lit(False), f.lit(False)
    for label, column, dtype in zip(labels, columns, dtypes, strict=True):
        values, bad = parse.parse_bools(column, dtype, opts.get("true", []), opts.get("false", []),
                                        opts.get("true_pattern"))
        if target in spec.unknown:
            values = f.when(bad, f.lit(bool(spec.unknown[target]))).otherwise(values)
        else:
            rules.append(Rule(bad, label, _shown(column), f.lit("value is not one of the known flag values")))
        any_true = any_true | f.coalesce(values, f.lit(False))
        any_known = any_known | values.isNotNull()
    return f.when(any_known, any_true)


def _datetimes(column, text, has, dtype, target, opts, stats, *, tz, dayfirst, rules, label, notes, stage):
    """Timestamps in UTC with the pandas parser's reasons and notes (see :mod:`toolkit.spark.parse`)."""
    f = _f()
    if dtype.startswith("timestamp"):
        naive = dtype == "timestamp_ntz"
        value = column.cast("timestamp")
        gap = amb = f.lit(False)
        partial = f.lit(None).cast("string")  # typed timestamps: no partial dates
        if naive:
            value, gap, amb = parse.localize(value, tz, stage)
    else:
        text = stage(parse.written_dates(text), "written")
        number = stage(f.when(text.rlike(parse._PLAIN_NUMBER), text.try_cast("double")), "number")
        compact = text.rlike(r"^[0-9]{8}$")  # '20260302': ISO 8601's basic form, a date and not a number
        epoch = opts.get("epoch")
        order, order_note, contradiction = parse.day_month_order(stats, target, dayfirst) if _is_text(dtype) else \
            (dayfirst, None, None)
        wrong = f.lit(False)
        if contradiction:
            first = f.regexp_extract(text, parse._DMY, 1).cast("int")
            second = f.regexp_extract(text, parse._DMY, 2).cast("int")
            dmy = ~text.rlike(parse._PLAIN_NUMBER) & text.rlike(parse._DMY)
            wrong = stage(f.coalesce(dmy & ((first > 12) if not order else (second > 12)), f.lit(False)), "wrong")
            rules.append(Rule(has & wrong, label, _shown(column), f.lit(contradiction)))
        numbers_first = len(notes)  # the notes on numbers read as dates come first, as in the pandas report
        foreign = stage(f.coalesce(parse.foreign_months(text), f.lit(False)), "foreign")
        # ordinals ('1st January 2026') as dateutil reads them: the day's number
        translated = stage(f.when(foreign | f.coalesce(parse.dotted_month(text), f.lit(False)),
                                  parse.english_months(text)).otherwise(text), "translated")  # the pandas text
        words = stage(f.regexp_replace(translated, r"(?i)\b([0-9]{1,2})(?:st|nd|rd|th)\b", "$1"), "words")
        notes.append(Note([f.count_if(has & foreign).alias(f"{target}__foreign"),
                           f.min_by(f.struct(text.alias("text"), words.alias("words")),
                                    f.when(has & foreign, f.col("_row"))).alias(f"{target}__foreign_eg")],
                          lambda r, t, target=target, label=label: [
                              f"`{label}`: " + pandas_parse.foreign_months_note(
                                  r[f"{target}__foreign"], r[f"{target}__foreign_eg"]["text"],
                                  r[f"{target}__foreign_eg"]["words"])] if r[f"{target}__foreign"] else []))
        if order_note:
            notes.append(Note([], lambda r, t, label=label, note=order_note: [f"`{label}`: {note}"]))
        # a zone name after the time ('10:00 CET') is its offset from UTC, as the pandas parser reads it
        zone = stage(f.upper(f.regexp_extract(text, pandas_parse.ZONE_AT_END, 1)), "zone")
        named = stage(f.coalesce(zone != "", f.lit(False)), "named")
        offset = stage(text.rlike(r"(?:Z|z|[+-][0-9][0-9]:?[0-9][0-9])$") | named, "offset")
        zone_offset = f.element_at(f.create_map(*[f.lit(x) for pair in pandas_parse.ZONE_NAMES.items() for x in pair]),
                                   zone)
        elsewhere = has & named & ~zone.isin("UTC", "GMT")
        notes.append(Note([f.count_if(elsewhere).alias(f"{target}__zones"),
                           f.array_sort(f.collect_set(f.when(elsewhere, zone))).alias(f"{target}__zone_names")],
                          lambda r, t, target=target, label=label: [
                              f"`{label}`: " + pandas_parse.zone_names_note(r[f"{target}__zones"],
                                                                            list(r[f"{target}__zone_names"]))]
                          if r[f"{target}__zones"] else []))
        spelled_out = ~text.rlike(parse._PLAIN_NUMBER)  # a plain number is never a partial date
        partial = (f.when(spelled_out & words.rlike(pandas_parse.WITHOUT_YEAR), f.lit(pandas_parse.WITHOUT_YEAR_REASON))
                   .when(spelled_out & words.rlike(pandas_parse.WITHOUT_DAY), f.lit(pandas_parse.WITHOUT_DAY_REASON)))
        if not opts.get("date_format"):
            partial = f.when(text.rlike(f"^(?:{pandas_parse.TIME_ONLY})$"),
                             f.lit(pandas_parse.TIME_ONLY_REASON)).otherwise(partial)
        partial = stage(partial, "partial")
        if opts.get("date_format"):
            fmt = parse.java_date_format(opts["date_format"], key=f"parse.{target}.date_format")
            parsed = f.try_to_timestamp(words, f.lit(fmt))
            aware = parsed if "%z" in opts["date_format"] else None
            naive_value = None if aware is not None else parsed
        else:
            normal = f.when(named, f.concat(f.regexp_replace(text, pandas_parse.ZONE_AT_END, ""), zone_offset)
                            ).otherwise(text)
            # ISO 8601's basic form, '20260302T100000Z', in the extended form the parsers read
            basic = r"^([0-9]{4})([0-9]{2})([0-9]{2})T([0-9]{2})([0-9]{2})"
            normal = f.regexp_replace(normal, basic + r"([0-9]{2}(?:\.[0-9]+)?)", "$1-$2-$3T$4:$5:$6")
            normal = f.regexp_replace(normal, basic, "$1-$2-$3T$4:$5")
            normal = f.regexp_replace(normal, r"([+-][0-9][0-9])([0-9][0-9])$", "$1:$2")
            # Spark reads an offset only after seconds: '10:00+01:00' is '10:00:00+01:00', '10:00 Z' '10:00:00 Z'
            normal = stage(f.regexp_replace(normal, r"([T ][0-9]{1,2}:[0-9]{2})( ?)([+-][0-9][0-9]:[0-9][0-9]|[Zz])$",
                                            "$1:00$2$3"), "normal")
            zoned_words = f.when(named, f.concat(f.regexp_replace(words, pandas_parse.ZONE_AT_END, " "), zone_offset)
                                 ).otherwise(words)
            iso = stage(parse.iso_text(normal, order), "iso")
            aware = f.when(offset, iso.try_cast("timestamp"))
            aware = stage(f.coalesce(aware, f.when(offset & aware.isNull() & words.rlike("[A-Za-z]{3}"),
                                                   parse.spelled_date(zoned_words, offset=True))), "aware")
            naive_value = f.when(~offset, iso.try_cast("timestamp"))
            # '02-Mar-2026' ends like an offset (-2026): spelled dates are read wherever neither reading worked
            spelled = stage(f.when(aware.isNull() & naive_value.isNull() & words.rlike("[A-Za-z]{3}"),
                                   parse.spelled_date(words)), "spelled")
            naive_value = stage(f.coalesce(naive_value, spelled), "naive")
            # the values the pandas parser reads in one pass with the format of the first of them (ISO dates,
            # plain numbers, partial dates, days against the column's order and words such as 'today' aside)
            plain_number = f.coalesce(number.isNotNull() & ~compact, f.lit(False))
            formatted = stage(has & partial.isNull() & ~wrong & ~plain_number
                              & ~f.lower(text).rlike(f"^{pandas_parse.RELATIVE_DAYS}$")
                              & ~text.rlike(pandas_parse._ISO) & ~text.rlike(parse._YMD), "formatted")
            as_pandas = {"aware": f.when(named, f.concat(f.regexp_replace(translated, pandas_parse._NAMED, ""),
                                                         zone_offset)).otherwise(translated),
                         "naive": translated}
            read = aware.isNotNull() | naive_value.isNotNull()  # '02-Mar-2026' ends like an offset, reads naive
            group = {"aware": formatted & offset, "naive": formatted & ~offset}
            # a date's shape (digits as 9, letters as a): where every date of a group has the first one's, all
            # are in its format (or not dates), and the pass that matches them against it is not needed
            shape = f.regexp_replace(f.regexp_replace(translated, "[0-9]", "9"), "(?U)[^\\W\\d_]", "a")
            notes.append(Note([agg for g in group for agg in (
                               f.min_by(as_pandas[g], f.when(group[g], f.col("_row"))).alias(f"{target}__first_{g}"),
                               f.min(f.when(group[g], shape)).alias(f"{target}__shape_{g}"),
                               f.max(f.when(group[g], shape)).alias(f"{target}__shapes_{g}"))],
                              lambda r, t, target=target, label=label, order=order: [
                                  f"`{label}`: " + pandas_parse.one_by_one_note(r[f"{target}__one_{g}"],
                                                                               r[f"{target}__one_{g}_eg"], order)
                                  for g in ("aware", "naive") if r.get(f"{target}__one_{g}")],
                              follow=lambda r, target=target, order=order, texts=as_pandas, read=read,
                              group=group: _read_one_by_one(r, target, order, texts, read, group)))
        serial = f.lit(False)
        if epoch:
            limit = 1e14 if epoch == "ms" else 1e11
            ok = number.isNotNull() & (f.abs(number) < limit)
            seconds = number / 1000 if epoch == "ms" else number
            from_number = f.when(ok, f.timestamp_micros((seconds * 1_000_000).cast("long")))
            not_date = number.isNotNull() & ~ok
        else:
            serial = stage(f.coalesce(number.between(20000, 80000) & text.rlike(parse._SERIAL), f.lit(False)),
                           "serial")
            excel = f.timestamp_micros((f.round(number * 86400) * 1_000_000).cast("long") + f.lit(
                -2209161600 * 1_000_000))  # Excel's day 0, 1899-12-30, in microseconds since 1970
            naive_value = f.when(serial, excel).otherwise(naive_value) if naive_value is not None else \
                f.when(serial, excel)
            unix = {}
            for unit, digits in pandas_parse.UNIX_DIGITS.items():
                low, high = (bound * pandas_parse.UNIX_SCALE[unit] for bound in pandas_parse.UNIX_RANGE)
                unix[unit] = stage(f.coalesce(number.between(low, high) & text.rlike(f"^[0-9]{{{digits}}}$"),
                                              f.lit(False)), f"unix_{unit}")
            micros = (number * f.lit(1_000_000 // pandas_parse.UNIX_SCALE["ms"])).cast("long")
            from_number = (f.when(unix["s"], f.timestamp_micros((number * 1_000_000).cast("long")))
                           .when(unix["ms"], f.timestamp_micros(micros)))
            not_date = number.isNotNull() & ~serial & ~unix["s"] & ~unix["ms"] & ~compact
            unix_notes = []
            for unit in pandas_parse.UNIX_DIGITS:
                unix_notes.append(Note([f.count_if(has & unix[unit]).alias(f"{target}__unix_{unit}"),
                                   f.min_by(number, f.when(has & unix[unit], f.col("_row"))).alias(
                                       f"{target}__unix_{unit}_eg")],
                                  lambda r, t, target=target, label=label, unit=unit: [
                                      f"`{label}`: " + pandas_parse.unix_note(r[f"{target}__unix_{unit}"], unit, int(
                                          r[f"{target}__unix_{unit}_eg"]))] if r[f"{target}__unix_{unit}"] else []))
        localized, gap, amb = (parse.localize(naive_value, tz, stage) if naive_value is not None
                               else (None, f.lit(False), f.lit(False)))
        value = f.coalesce(*[v for v in (from_number, aware, localized) if v is not None])
        value = stage(f.when(has & ~wrong & ~f.coalesce(not_date, f.lit(False)) & partial.isNull(), value), "instant")
        if not epoch:
            notes[numbers_first:numbers_first] = [
                Note([f.count_if(has & serial).alias(f"{target}__serial"),
                      f.min_by(number, f.when(has & serial, f.col("_row"))).alias(f"{target}__serial_eg")],
                     lambda r, t, target=target, label=label: [
                         f"`{label}`: {r[f'{target}__serial']} Excel serial dates converted (e.g. "
                         f"{r[f'{target}__serial_eg']:g})"] if r[f"{target}__serial"] else []),
                *unix_notes]
    notes.append(Note([f.count_if(has & amb).alias(f"{target}__amb"), f.count_if(has & gap).alias(f"{target}__gap")],
                      lambda r, t, target=target, label=label: [f"`{label}`: {m}" for m in parse_dst_notes(
                          r[f"{target}__amb"], r[f"{target}__gap"], tz)]))
    limit = parse.future_limit()
    earliest = pandas_parse.EARLIEST
    # as text read in the session's zone (UTC): a Python datetime would go through the driver's local zone
    ahead = value > f.lit(f"{limit:%Y-%m-%d %H:%M:%S.%f}").cast("timestamp")
    before = value < f.lit(f"{earliest:%Y-%m-%d %H:%M:%S}").cast("timestamp")
    reason = (f.when(has & partial.isNotNull(), partial)
              .when(has & ahead, f.lit(f"date is more than {pandas_parse.FUTURE_DAYS} days in the future "
                                        f"(after {limit:%Y-%m-%d}); a wrong year?"))
              .when(has & before, f.lit(f"date is before {earliest:%Y}; a wrong year or a placeholder?"))
              .when(has & value.isNull(), f.lit("value is not a date")))
    reason = stage(reason, "reason")
    rules.append(Rule(reason.isNotNull(), label, _shown(column), reason))
    return f.when(reason.isNull(), value)


def _read_one_by_one(counts: dict, target: str, dayfirst: bool, texts: dict, read, group: dict) -> list:
    """Aggregates counting the dates of each group (with an offset, without) the pandas parser reads one by one,
    and the first of them.

    The pandas parser reads a group's non-ISO dates in one pass with the format it guesses from the first of them
    (:func:`toolkit.io.parse._to_datetime`); those that do not match that format and are read on retry are the
    note's. The format is guessed here on the driver from the same first value, and each date is matched against
    it on the executors by pandas itself, so both engines count the same dates.
    """
    from pandas.tseries.api import guess_datetime_format

    f = _f()
    aggs = []
    for g in ("aware", "naive"):
        first = counts.get(f"{target}__first_{g}")
        if first is None or counts[f"{target}__shape_{g}"] == counts[f"{target}__shapes_{g}"]:
            continue  # no such dates, or all written alike
        fmt = guess_datetime_format(first, dayfirst=dayfirst)
        if fmt is None:  # no format to read in one pass: pandas reads each value on its own, without a note
            continue
        other = group[g] & read & ~_in_format(fmt, utc=g == "aware")(texts[g])
        aggs += [f.count_if(other).alias(f"{target}__one_{g}"),
                 f.min_by(texts[g], f.when(other, f.col("_row"))).alias(f"{target}__one_{g}_eg")]
    return aggs


def _in_format(fmt: str, *, utc: bool):
    """A pandas UDF: whether each text reads as a date in the strptime format ``fmt``, as pandas reads it."""
    from pyspark.sql.functions import pandas_udf

    @pandas_udf("boolean")
    def in_format(values: pd.Series) -> pd.Series:
        return pd.to_datetime(values, format=fmt, errors="coerce", utc=utc).notna()

    return in_format


def parse_dst_notes(ambiguous: int, skipped: int, tz: str) -> list[str]:
    """The load report's sentences about repeated and skipped hours (the pandas parser's wording)."""
    return pandas_parse.dst_notes(ambiguous, skipped, tz)
