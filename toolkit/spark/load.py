"""Loading on Spark: an export or a lake table in, a canonical Spark DataFrame and its load report out.

The same steps as :mod:`toolkit.io.load`, in the same order, with the same rejection reasons: choose the
mapping from the header, map and parse (:mod:`toolkit.spark.mapping`), keep one row per duplicated key by
the source's rule, then coerce to the canonical table (:mod:`toolkit.schema`) and reject what cannot be
used. Each row carries the first reason it fails, as a column; the rejected rows are the only row-level
data that comes back to the driver, for the load report, and at most :data:`MAX_REJECTED` of them.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd

from toolkit.errors import ConfigError, DataError
from toolkit.io.load import REPORT_FILE, choose_spec, header_fits, read_table_raw, two_header_note
from toolkit.io.load import load_messages as load_messages_on_driver
from toolkit.io.load import load_tickets as load_tickets_on_driver
from toolkit.io.mapping import missing_column_error
from toolkit.io.read import REPEATED_NAMES, unique_names
from toolkit.io.report import REJECTED_COLUMNS, LoadReport
from toolkit.schema import get_table
from toolkit.spark.mapping import Rule, SparkMapped, apply_spec, check_supported, first_reason, normal_words
from toolkit.spark.read import MAX_COLUMNS, TooWide, driver_reader, from_pandas_raw, read_export
from toolkit.spark.repair import MAX_DRIVER_BYTES
from toolkit.spark.session import get_session
from toolkit.validation import check_tz

MAX_REJECTED = 1_000_000
"""Most rejected rows a load brings to the driver for its report; more stops the load (the mapping is wrong)."""


TABLES = ("tickets", "messages")
"""Canonical tables the Spark engine loads from exports; surveys are small and load with pandas."""


def load_tickets(path: str | os.PathLike, *, spark=None, source: str | None = None, mapping=None, tz: str = "UTC",
                 extra=(), dayfirst: bool = False):
    """Load a helpdesk ticket export (CSV), a Parquet path or a Spark table into the canonical ``tickets`` table.

    Parameters as :func:`toolkit.io.load_tickets`; ``spark`` is the session (default: the active one, or a
    local one). Returns (tickets, report): a Spark DataFrame with the canonical columns (``extra`` as JSON
    text, as :func:`toolkit.io.write_table` stores it) and the :class:`~toolkit.io.report.LoadReport`, equal
    to the pandas engine's for the same file.
    """
    return load_table(path, "tickets", spark=spark, source=source, mapping=mapping, tz=tz, extra=extra,
                      dayfirst=dayfirst)


def load_messages(path: str | os.PathLike, *, spark=None, source: str | None = None, mapping=None, tz: str = "UTC",
                  dayfirst: bool = False):
    """Load ticket conversations (generic CSV, Parquet or a Spark table) into ``messages``; as :func:`load_tickets`."""
    return load_table(path, "messages", spark=spark, source=source, mapping=mapping, tz=tz, dayfirst=dayfirst)


def load_table(path, table: str, *, spark=None, source=None, mapping=None, tz: str = "UTC", extra=(),
               dayfirst: bool = False, where=None):
    """The pipeline behind :func:`load_tickets` and :func:`load_messages`.

    ``where`` (Spark DataFrame -> DataFrame) chooses which of the kept rows are returned, in the file's
    order; the load report counts every row.

    Whole-stage code generation is off while the rows are mapped: the parsers' expressions exceed the
    JVM's method size, so Spark would try to compile them, fail, and fall back to the same interpreted
    evaluation seconds later, once per job. The session's setting is restored afterwards.
    """
    check_tz(tz)
    if table not in TABLES:
        raise ConfigError(f"the Spark engine loads {' and '.join(TABLES)}, not {table}", key="table",
                          fix="load survey files with the pandas engine (they are small)")
    spark = spark or get_session()
    before = spark.conf.get("spark.sql.codegen.wholeStage", "true")
    spark.conf.set("spark.sql.codegen.wholeStage", "false")
    try:
        return _load_table(spark, path, table, source=source, mapping=mapping, tz=tz, extra=extra, dayfirst=dayfirst,
                           where=where)
    finally:
        spark.conf.set("spark.sql.codegen.wholeStage", before)


def _load_table(spark, path, table: str, *, source, mapping, tz, extra, dayfirst, where):
    from pyspark.sql import functions as F

    file = str(path)
    extra = [extra] if isinstance(extra, str) else list(extra)
    reader = driver_reader(path)
    on_driver = {"source": source, "mapping": mapping, "tz": tz, "extra": extra, "dayfirst": dayfirst, "where": where}
    if reader == "whole":
        return _loaded_on_driver(spark, path, table, "JSON exports and zip archives", **on_driver)
    if reader == "workbook":
        raw = from_pandas_raw(spark, read_table_raw(path, table, source, mapping, file, {}))
    else:
        try:
            raw = _header_below_groups(spark, read_export(spark, path), path, table, source, mapping)
        except TooWide:
            return _loaded_on_driver(spark, path, table, f"CSV exports of more than {MAX_COLUMNS:,} columns",
                                     **on_driver)
    header = [c for c in raw.frame.columns if c != "_row"]
    spec, detected = choose_spec(header, table, source, mapping, file, {})
    if Path(file).is_file() and any(spec.hooks.get(stage) for stage in ("raw", "mapped")):
        # a mapping that runs code (Intercom's conversation parts) runs in the pandas engine only
        return _loaded_on_driver(spark, path, table, f"exports whose mapping runs code ({spec.source})", **on_driver)
    check_supported(spec)  # a lake table under such a mapping: the error says so
    error = missing_column_error(spec, header, file=file)
    if error is not None:
        raise error
    if raw.rows_read == 0:
        raise DataError("the file has a header row but no data rows", file=file,
                        fix="check the export's filters and date range, and export again")
    mapped = apply_spec(raw, spec, tz=tz, dayfirst=dayfirst, extra=extra)
    vendor = {t: cols[0] for t, cols in mapped.used.items() if cols}
    # Materialised once: the parsers' expressions are large, and every later step (duplicates, checks, counts,
    # the rejected rows, the write) reads this instead of planning them again.
    frame = mapped.frame.persist()
    schema = get_table(table)
    if schema.key and schema.key in frame.columns:
        frame = _resolve_duplicates(frame, schema.key, spec.duplicates or {}, vendor)
    key = schema.key if schema.key in frame.columns else None
    changed = key is not None and frame.where(F.col(key) != _conformed_id(F.col(key))).limit(1).count() > 0
    frame = _conform(frame, table, vendor)
    if changed:  # ids the conforming trimmed (' 12 ', '123.0') can meet an earlier row's: reject as pandas does
        frame = _reject_later_duplicates(frame, key, vendor)
    kept_rows = F.col("_reject").isNull()
    note_aggs = [a for note in mapped.notes for a in note.aggs]
    note_counts = mapped.source.agg(*note_aggs).first().asDict() if note_aggs else {}  # every mapped row, as pandas
    notes = list(raw.notes) + _notes(mapped, note_counts)
    counts = frame.agg(F.count_if(kept_rows).alias("__kept"), F.count_if(~kept_rows).alias("__rejected"),
                       *(_business_time_aggs(kept_rows) if table == "tickets" else [])).first().asDict()
    rejected = _rejected(raw, frame, counts, file=file)
    kept = frame.where(kept_rows)
    kept = (where(kept) if where is not None else kept).orderBy("_row").select(*schema.names)  # the file's order
    rows_kept = counts["__kept"]
    if table == "tickets":
        notes += _business_time_notes(counts)
    report = LoadReport(file=file, table=table, source=spec.source, source_detected=detected, format=raw.format,
                        encoding=raw.encoding, delimiter=raw.delimiter, rows_read=raw.rows_read,
                        rows_kept=rows_kept, rejected=rejected, notes=notes, columns_used=mapped.used,
                        columns_ignored=mapped.ignored, columns_extra=mapped.extra)
    if not report.balanced:  # a bug, not a user mistake: say so loudly rather than lose rows
        raise AssertionError(f"load report does not balance: {report.rows_read} read, {report.rows_kept} kept, "
                             f"{report.rows_rejected} rejected")
    return kept, report


def _loaded_on_driver(spark, path, table: str, what: str, *, source, mapping, tz, extra, dayfirst, where):
    """A file Spark does not read (``what``: JSON exports and zip archives, see
    :func:`toolkit.spark.read.driver_reader`; CSVs too wide to plan) loaded by the pandas engine on the driver, its
    canonical rows handed to Spark in the file's order."""
    size = Path(path).stat().st_size
    if size > MAX_DRIVER_BYTES:
        raise DataError(f"the file holds {size / 2**20:,.1f} MB; the Spark engine reads {what} whole on the driver, "
                        f"up to {MAX_DRIVER_BYTES / 2**20:,.1f} MB", file=str(path),
                        fix="land the export as Parquet, or load it with the pandas engine")
    if table == "tickets":
        frame, report = load_tickets_on_driver(path, source=source, mapping=mapping, tz=tz, extra=extra,
                                               dayfirst=dayfirst)
    else:
        frame, report = load_messages_on_driver(path, source=source, mapping=mapping, tz=tz, dayfirst=dayfirst)
    rows = to_spark(frame.assign(_row=np.arange(len(frame), dtype=np.int64)), spark=spark)
    rows = where(rows) if where is not None else rows
    return rows.orderBy("_row").select(*get_table(table).names), report


def _header_below_groups(spark, raw, path, table: str, source, mapping):
    """``raw`` read again with the line below its header as the header when its first row names the columns below
    a row of group names, as the pandas loader takes it (:func:`toolkit.io.load._header_below_groups`)."""

    header = [c for c in raw.frame.columns if c != "_row"]
    file = str(path)
    if raw.format not in ("csv", "tsv") or not raw.rows_read or header_fits(header, table, source, mapping, file, {}):
        return raw
    first = raw.frame.orderBy("_row").limit(1).collect()
    if not first:
        return raw
    row = first[0]
    names = unique_names(["" if row[c] is None else str(row[c]).strip() for c in header])
    if not header_fits(names, table, source, mapping, file, {}):
        return raw
    below = read_export(spark, path, below_groups=True)
    if [c for c in below.frame.columns if c != "_row"] != names:  # a blank line or a quoted break between the two
        return raw
    below.notes = [n for n in below.notes if not n.startswith(REPEATED_NAMES)]  # as pandas, which names them once
    below.notes.append(two_header_note(header, row["_row"]))
    return below


def _resolve_duplicates(frame, key_col: str, rule: dict, vendor: dict):
    """Keep one row per key by the source's rule (as :func:`toolkit.io.load._resolve_duplicates`)."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    by = rule.get("by")
    if rule.get("keep") == "latest" and by in frame.columns:
        order = [F.col(by).desc_nulls_last(), F.col("_row").desc()]
        how = f"the row with the latest `{vendor.get(by, by)}`"
    elif rule.get("keep") == "first":
        order = [F.col("_row").asc()]
        how = "the first row in the file"
    else:
        order = [F.col("_row").desc()]
        how = "the last row in the file"
    candidates = F.col("_reject").isNull() & F.col(key_col).isNotNull()
    # rows already rejected take no part: their key goes to a group of its own
    group = F.when(candidates, F.col(key_col))
    window = Window.partitionBy(group).orderBy(*order)
    winner = F.first("_row").over(window)
    lose = candidates & (F.row_number().over(window) > 1)
    reason = F.concat(F.lit(f"duplicate {key_col}: {how} (row "), winner.cast("string"), F.lit(") is kept"))
    entry = F.struct(F.lit(vendor.get(key_col, key_col)).alias("column"), F.col(key_col).cast("string").alias("value"),
                     reason.alias("reason"))
    return frame.withColumn("_reject", F.when(lose, entry).otherwise(F.col("_reject")))


def _conformed_id(text):
    """An id as :func:`toolkit.schema.conform` makes it: trimmed, a float's ``.0`` dropped."""
    from pyspark.sql import functions as F

    return F.regexp_replace(F.trim(text), r"\.0$", "")


def _reject_later_duplicates(frame, key: str, vendor: dict):
    """Rows whose conformed key an earlier kept row has, rejected with :func:`toolkit.schema.first_kept_reason`."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    from toolkit.schema import first_kept_reason

    candidates = F.col("_reject").isNull() & F.col(key).isNotNull()
    later = candidates & (F.row_number().over(Window.partitionBy(F.when(candidates, F.col(key))).orderBy("_row")) > 1)
    entry = F.struct(F.lit(vendor.get(key, key)).alias("column"), F.col(key).cast("string").alias("value"),
                     F.lit(first_kept_reason(key)).alias("reason"))
    return frame.withColumn("_reject", F.when(later, entry).otherwise(F.col("_reject")))


def _conform(frame, table: str, vendor: dict):
    """Canonical columns and types; rows :func:`toolkit.schema.conform` would reject get its reason, in its order."""
    from pyspark.sql import functions as F

    from toolkit.spark.parse import MISSING_TEXT

    spec = get_table(table)
    rules: list[Rule] = []
    columns = {}
    dtypes = dict(frame.dtypes)
    for col in spec.columns:
        name = col.name
        label = vendor.get(name, name)
        if name not in frame.columns:
            columns[name] = _missing(col)
            continue
        raw = F.col(name)
        dtype = dtypes[name]
        present = raw.isNotNull()
        if dtype == "string" and col.kind not in ("list", "mapping"):
            present = present & ~F.trim(raw).isin(MISSING_TEXT[:6])
        shown = F.coalesce(raw.cast("string"), F.lit(""))
        if col.kind in ("id", "text"):
            text = F.when(present, raw.cast("string"))
            columns[name] = _conformed_id(text) if col.kind == "id" else text
        elif col.kind == "category":
            value = F.when(present, normal_words(raw))
            if col.allowed is not None:
                rules.append(Rule(present & ~value.isin(list(col.allowed)), label, shown,
                                  F.lit(f"value is not one of {', '.join(col.allowed)}")))
            columns[name] = value
        elif col.kind == "datetime":
            columns[name] = raw.cast("timestamp")
            rules.append(Rule(present & columns[name].isNull(), label, shown, F.lit("value is not a date")))
        elif col.kind in ("float", "int"):
            value = F.when(present, raw.cast("string").try_cast("double"))
            rules.append(Rule(present & value.isNull(), label, shown, F.lit("value is not a number")))
            if col.kind == "int":
                rules.append(Rule(value.isNotNull() & (value != F.round(value)), label, shown,
                                  F.lit("value is not a whole number")))
            if col.minimum is not None:
                rules.append(Rule(value < col.minimum, label, shown,
                                  F.lit(f"value is outside the allowed range (>= {col.minimum:g})")))
            if col.maximum is not None:
                rules.append(Rule(value > col.maximum, label, shown,
                                  F.lit(f"value is outside the allowed range (<= {col.maximum:g})")))
            columns[name] = F.round(value).cast("long") if col.kind == "int" else value
        elif col.kind == "bool":
            if dtype == "boolean":
                columns[name] = raw
            else:
                from toolkit.schema import _FALSE, _TRUE

                text = normal_words(raw)
                columns[name] = F.when(present & text.isin(list(_TRUE)), F.lit(True)).when(
                    present & text.isin(list(_FALSE)), F.lit(False))
                rules.append(Rule(present & columns[name].isNull(), label, shown, F.lit("value is not true/false")))
        elif col.kind == "list":
            columns[name] = F.coalesce(raw, F.array().cast("array<string>"))
        elif col.kind == "mapping":
            columns[name] = F.coalesce(raw.cast("string"), F.lit("{}"))
    for col in spec.columns:
        if col.required:
            rules.append(Rule(columns[col.name].isNull(), vendor.get(col.name, col.name),
                              F.coalesce(F.col(col.name).cast("string"), F.lit("")) if col.name in frame.columns
                              else F.lit(""), F.lit("required value is empty")))
    # One select: the rules read the columns as mapped, the outputs replace them.
    reject = F.coalesce(F.col("_reject"), first_reason(rules))
    helpers = [F.col(c) for c in frame.columns
               if c not in columns and c.startswith("_") and c not in ("_row", "_reject")]
    return frame.select("_row", reject.alias("_reject"), *[expr.alias(name) for name, expr in columns.items()],
                        *helpers)


def _missing(col):
    from pyspark.sql import functions as F

    types = {"id": "string", "text": "string", "category": "string", "datetime": "timestamp", "float": "double",
             "int": "long", "bool": "boolean"}
    if col.kind == "list":
        return F.array().cast("array<string>")
    if col.kind == "mapping":
        return F.lit("{}")
    return F.lit(None).cast(types[col.kind])


def _notes(mapped: SparkMapped, counts: dict) -> list[str]:
    """The mapping's report sentences from the final aggregate's counts (and the few top-value lists they name)."""
    from pyspark.sql import functions as F

    follow = [agg for note in mapped.notes if note.follow for agg in note.follow(counts)]
    if follow:  # the aggregates the first counts decide, in one more pass over the rows
        counts = {**counts, **mapped.source.agg(*follow).first().asDict()}
    out = []
    for note in mapped.notes:
        top = {}
        for name, condition, column in note.top:
            if not counts.get(name.replace("_top", "")):
                top[name] = []
                continue
            counted = (mapped.source.where(condition).groupBy(column.alias("v"))
                       .agg(F.count(F.lit(1)).alias("n"), F.min("_row").alias("first"))
                       .orderBy(F.col("n").desc(), F.col("first")).limit(6).collect())
            top[name] = [(r["v"], r["n"]) for r in counted]
        out += note.write(counts, top)
    return out


def _rejected(raw, frame, counts: dict, *, file: str) -> pd.DataFrame:
    """Every rejected row (row, column, value, reason) sorted by row, at most :data:`MAX_REJECTED` of them."""
    from pyspark.sql import functions as F

    mapped = counts["__rejected"]
    read = raw.rows_read - counts["__kept"] - mapped  # blank and repeated-header rows, set aside while reading
    if mapped > MAX_REJECTED:
        top = (frame.where(F.col("_reject").isNotNull()).groupBy("_reject.column", "_reject.reason").count()
               .orderBy(F.col("count").desc()).limit(3).collect())
        raise DataError(f"{mapped} rows would be rejected, more than the {MAX_REJECTED} a load report lists ("
                        + "; ".join(f"`{r['column']}`: {r['reason']} ({r['count']} rows)" for r in top) + ")",
                        file=file, fix="check the mapping and the time zone against a few rows of the export "
                                       "(the pandas engine on a sample of the file shows them)")
    parts = []
    if mapped:
        parts.append(frame.where(F.col("_reject").isNotNull()).select(
            F.col("_row").alias("row"), F.col("_reject.column").alias("column"),
            F.col("_reject.value").alias("value"), F.col("_reject.reason").alias("reason")).toPandas())
    if read:
        parts.append(raw.rejected.toPandas())
    if not parts:
        return pd.DataFrame(columns=REJECTED_COLUMNS).astype({"row": "int64"})
    out = pd.concat(parts, ignore_index=True).sort_values("row", kind="stable").reset_index(drop=True)
    out = out[REJECTED_COLUMNS]
    out["row"] = out["row"].astype("int64")
    return out


def _business_time_aggs(kept_rows) -> list:
    """Counts of the kept tickets whose ``extra`` carries each of the helpdesk's business-hours times."""
    from pyspark.sql import functions as F

    from toolkit.ops.business_time import CHECKED_TIMES

    return [F.count_if(kept_rows & F.get_json_object("extra", f"$.{key}").isNotNull()).alias(f"__business_{key}")
            for key in CHECKED_TIMES]


def _business_time_notes(counts: dict) -> list[str]:
    """The export-check sentence of :func:`toolkit.ops.business_time.export_check_notes` without a schedule."""
    from toolkit.ops.business_time import CHECKED_TIMES

    found = [CHECKED_TIMES[key] for key in CHECKED_TIMES if counts[f"__business_{key}"]]
    if not found:
        return []
    names = found[0] if len(found) == 1 else f"{', '.join(found[:-1])} and {found[-1]}"
    return [f"The export carries the helpdesk's business-hours {names} times; give the helpdesk's business-hours "
            "schedule to check the recomputed business-hours times against them."]


def write_table(frame, path: str | os.PathLike, *, report: LoadReport | None = None) -> Path:
    """Write a canonical Spark table as Parquet (a folder of part files), the load report beside it.

    :func:`toolkit.io.read_table` and :func:`toolkit.io.read_report` read the folder back in pandas.
    """
    path = Path(path)
    spark = frame.sparkSession
    # instants as UTC microseconds (not INT96), so pyarrow and pandas read them back as UTC timestamps
    spark.conf.set("spark.sql.parquet.outputTimestampType", "TIMESTAMP_MICROS")
    frame.write.mode("overwrite").parquet(str(path))
    if report is not None:
        (path / REPORT_FILE).write_text(report.to_json(), encoding="utf-8")
    return path


def load_collected(path, table: str, *, where=None, **kwargs) -> tuple[pd.DataFrame, LoadReport]:
    """:func:`load_table` with the kept rows collected: (pandas frame, load report), as :func:`toolkit.io.load_tickets`
    and :func:`toolkit.io.load_messages` return them (the report's Spark engine reads its inputs so).

    ``where`` (Spark DataFrame -> DataFrame, e.g. :func:`created_near`) chooses the rows collected; the
    load report still counts every row.
    """
    frame, report = load_table(path, table, where=where, **kwargs)
    return to_pandas(frame, table), report


def created_near(start, end):
    """A ``where`` for :func:`load_collected`: tickets created from the day before ``start`` to the day after
    ``end`` (dates; ``None``: open), in UTC: every time zone's days of the period, cut exactly by the caller."""
    from pyspark.sql import functions as F

    if start is None and end is None:
        return None

    def near(frame):
        keep = F.lit(True)
        if start is not None:
            keep &= F.col("created_at") >= F.lit(pd.Timestamp(start) - pd.Timedelta(days=1))
        if end is not None:
            keep &= F.col("created_at") < F.lit(pd.Timestamp(end) + pd.Timedelta(days=2))
        return frame.where(keep)
    return near


def of_tickets(ticket_ids: pd.Series):
    """A ``where`` for :func:`load_collected`: the rows (messages) whose ``ticket_id`` is one of ``ticket_ids``."""
    def of(frame):
        from pyspark.sql import functions as F

        ids = frame.sparkSession.createDataFrame(pd.DataFrame({"ticket_id": ticket_ids.astype(str).unique()}))
        return frame.join(F.broadcast(ids), "ticket_id", "left_semi")
    return of


def to_pandas(frame, table: str) -> pd.DataFrame:
    """A canonical Spark table collected to the driver as the pandas engine's frame (same columns and dtypes).

    Row-level: the driver then holds the whole table (the report's statistics read it there), so it is
    for tables that fit one machine's memory; Arrow carries it without a Python object per value.
    """
    from toolkit.io.load import frame_from_arrow

    return frame_from_arrow(frame.toArrow(), table)


def to_spark(frame: pd.DataFrame, *, spark=None):
    """A canonical pandas frame as a Spark DataFrame, the way the Spark loader holds it (``extra`` as JSON text).

    The report's Spark engine hands the tickets it has checked, cut to the period and masked for personal data
    back to Spark for the duplicate search, so both engines cluster the same text.
    """
    import json

    spark = spark or get_session()
    frame = frame.copy()
    if "extra" in frame.columns:
        frame["extra"] = [json.dumps(e, ensure_ascii=False, default=str) if isinstance(e, dict) and e else None
                          for e in frame["extra"]]
    for column in frame.columns:  # Arrow has no type for pandas' categories or nullable extension dtypes
        if isinstance(frame[column].dtype, pd.CategoricalDtype):
            frame[column] = frame[column].astype(object)
    return spark.createDataFrame(frame)
