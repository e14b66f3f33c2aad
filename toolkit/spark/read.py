"""Read an export for the Spark engine: a CSV file, a Parquet path or a Spark table name, as text columns.

The pandas reader (:mod:`toolkit.io.read`) repairs what it can in one process (encodings, ragged rows,
Excel and JSON files). Here Spark's own readers do the reading, in parallel; the header, the encoding
and the delimiter are read on the driver from the file's first megabyte, with the pandas reader's
rules, so both engines see the same columns. Every row gets its number in the file (the header is
row 1, as in the pandas load report) without a per-row Python step: Spark numbers rows within each
partition and one small aggregate (rows per partition) turns those into file positions.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import os
from dataclasses import dataclass, field
from pathlib import Path

from toolkit.errors import DataError
from toolkit.io.read import SAMPLE_BYTES, sniff_delimiter, unique_names

_PARTITION_BITS = 33  # monotonically_increasing_id(): partition index in the upper bits, row within it below


@dataclass
class SparkRaw:
    """An export as Spark reads it: text columns named as in the header (made unique), and ``_row``.

    ``rejected`` holds rows set aside while reading (blank rows, repeated header rows) as a Spark
    frame with the load report's columns: row, column, value, reason.
    """

    file: str
    frame: object
    rejected: object
    format: str
    rows_read: int
    encoding: str | None = None
    delimiter: str | None = None
    notes: list[str] = field(default_factory=list)


def read_export(spark, path: str | os.PathLike) -> SparkRaw:
    """Read ``path``: a ``.csv``/``.tsv``/``.txt`` file (or gzipped), a Parquet file or folder, a Delta table's
    folder (where the session has Delta Lake), or a Spark table."""
    from pyspark.sql import functions as F

    file = str(path)
    location = Path(file)
    if not location.exists() and "://" not in file:
        if spark.catalog.tableExists(file):
            return _numbered(spark.table(file), file=file, fmt="table", first_row=1)
        raise DataError("no such file, folder or Spark table", file=file,
                        fix="check the path, or give a table name the session's catalog knows (db.table)")
    suffix = "".join(location.suffixes).lower()
    compressed = suffix.endswith(".gz")  # Spark decompresses gzip by the extension (one task per file)
    suffix = suffix.removesuffix(".gz")
    uri_folder = "://" in file and not any(suffix.endswith(s) for s in (".csv", ".tsv", ".txt"))
    if location.is_dir() or suffix.endswith(".parquet") or uri_folder:  # s3://.../tickets/: a lake folder
        if _is_delta(spark, file):
            return _numbered(_read_delta(spark, file), file=file, fmt="delta", first_row=1)
        return _numbered(spark.read.parquet(file), file=file, fmt="parquet", first_row=1, by_file=True)
    if not any(suffix.endswith(s) for s in (".csv", ".tsv", ".txt")):
        raise DataError("the Spark engine reads CSV/TSV exports, Parquet and Spark tables, not "
                        f"{suffix or 'this file'}",
                        file=file, fix="load it with the pandas engine (leave out --engine spark), or save it as "
                                       "CSV or Parquet first")
    if "://" in file:
        raise DataError("the Spark engine reads CSV exports from local or mounted paths", file=file,
                        fix="copy the export to a mounted path (e.g. /dbfs/...), or land it as Parquet")
    with (gzip.open if compressed else open)(location, "rb") as fh:
        head = fh.read(SAMPLE_BYTES)
    encoding = "utf-8"
    if head[:3] == codecs.BOM_UTF8:
        head, encoding = head[3:], "utf-8-sig"
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # not just a character cut at the end of the sample
            raise DataError("the file is not UTF-8, and the Spark engine reads UTF-8 CSV only", file=file,
                            fix="load it with the pandas engine (it detects the encoding), or save it as UTF-8"
                            ) from None
        text = head[: exc.start].decode("utf-8")
    lines = text.splitlines()[:50]
    if lines and lines[0].strip().startswith("sep="):
        raise DataError("the file starts with an Excel 'sep=' line, which the Spark reader cannot skip", file=file,
                        fix="delete the first line, or load it with the pandas engine")
    delimiter = sniff_delimiter(lines)
    header = next(csv.reader(io.StringIO(text), delimiter=delimiter), [])
    if not any(h.strip() for h in header):
        raise DataError("the file has no header row", file=file, fix="export with column names in the first row")
    names = unique_names([h.strip() for h in header])
    # multiLine: exports hold descriptions with line breaks inside quotes. It also means one task reads one file;
    # a folder of files (or Parquet) is read in parallel (see docs/spark.md).
    frame = (spark.read.option("header", True).option("multiLine", True).option("sep", delimiter)
             .option("quote", '"').option("escape", '"').option("mode", "PERMISSIVE")
             .option("inferSchema", False).option("encoding", "UTF-8").csv(file))
    if len(frame.columns) != len(names):
        raise DataError(f"Spark read {len(frame.columns)} columns, the header names {len(names)}", file=file,
                        fix="check the delimiter and quotes in the header row, or load it with the pandas engine")
    frame = frame.toDF(*names)
    raw = _numbered(frame, file=file, fmt="csv" if delimiter != "\t" else "tsv", first_row=2)
    raw.encoding, raw.delimiter = encoding, delimiter
    blank = F.lit(True)
    for name in names:
        blank = blank & (F.col(f"`{name}`").isNull() | (F.trim(F.col(f"`{name}`")) == ""))
    named = [(n, h.strip().lower()) for n, h in zip(names, header, strict=False) if h.strip()]
    matches = sum((F.coalesce(F.lower(F.trim(F.col(f"`{n}`"))) == h, F.lit(False))).cast("int") for n, h in named)
    repeated = matches >= max(2, len(named) // 2)
    reason = F.when(blank, F.lit("row is blank")).when(repeated, F.lit("repeated header row (files joined together?)"))
    marked = raw.frame.withColumn("_read_reason", reason)
    raw.rejected = marked.where(F.col("_read_reason").isNotNull()).select(
        F.col("_row").alias("row"), F.lit("").alias("column"), F.lit("").alias("value"),
        F.col("_read_reason").alias("reason"))
    raw.frame = marked.where(F.col("_read_reason").isNull()).drop("_read_reason")
    return raw


def _is_delta(spark, folder: str) -> bool:
    """Whether ``folder`` (local or a lake URI) is a Delta table: it has a ``_delta_log`` folder.

    Its Parquet files then include versions the table has since removed or replaced, so reading them as
    plain Parquet would count old rows as well: a Delta table is read through Delta Lake or not at all.
    """
    jvm = spark.sparkContext._jvm
    log = jvm.org.apache.hadoop.fs.Path(folder.rstrip("/") + "/_delta_log")
    return bool(log.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration()).exists(log))


def _read_delta(spark, folder: str):
    """The Delta table's current version, or a DataError saying how to get a Delta reader."""
    try:
        return spark.read.format("delta").load(folder)
    except Exception as exc:  # pyspark wraps the JVM's ClassNotFoundException in several exception types
        if "delta" not in str(exc).lower() or "data source" not in str(exc).lower():
            raise
        raise DataError("this folder is a Delta table (it has a _delta_log folder), and this Spark session has "
                        "no Delta Lake reader", file=folder,
                        fix="run on a session with Delta Lake (Databricks has it; elsewhere install delta-spark for "
                            "your Spark version and start Spark with its package and extension), or give a Parquet "
                            "copy of the table's current version") from None


def _numbered(frame, *, file: str, fmt: str, first_row: int, by_file: bool = False) -> SparkRaw:
    """Add ``_row`` (the row's number in the file, ``first_row`` for the first data row) and count the rows.

    ``by_file`` (Parquet): rows are numbered file after file in name order (``part-00000`` first), and by position
    within each file, as a reader taking the files one after another sees them: Spark hands out a folder's files
    largest first, and that order would change which ticket comes first (the duplicate search's cells depend on it).
    """
    from pyspark.sql import functions as F

    if by_file:
        frame = frame.withColumns({"_group": F.col("_metadata.file_path"), "_within": F.col("_metadata.row_index")})
    else:  # partition after partition, as Spark read them (a CSV file is one partition)
        frame = frame.withColumn("_id", F.monotonically_increasing_id())
        frame = frame.withColumn("_group", F.shiftright("_id", _PARTITION_BITS))
        frame = frame.withColumn("_within", F.col("_id") - F.shiftleft(F.col("_group"), _PARTITION_BITS)).drop("_id")
    frame = frame.cache()
    counts = sorted((r["_group"], r["count"]) for r in frame.groupBy("_group").count().collect())  # a row a group
    offsets, total = {}, 0
    for group, count in counts:
        offsets[group] = total
        total += count
    start = F.create_map(*[F.lit(x) for group, offset in offsets.items() for x in (group, offset)]) if offsets else None
    row = F.element_at(start, F.col("_group")) + F.col("_within") + first_row if start is not None else F.lit(first_row)
    frame = frame.withColumn("_row", row.cast("long")).drop("_group", "_within")
    empty = frame.limit(0)
    return SparkRaw(file=file, frame=frame, rejected=empty.select(
        F.lit(0).cast("long").alias("row"), F.lit("").alias("column"), F.lit("").alias("value"),
        F.lit("").alias("reason")), format=fmt, rows_read=total)
