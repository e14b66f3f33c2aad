"""Read an export for the Spark engine: a CSV file, a Parquet path or a Spark table name, as text columns.

The pandas reader (:mod:`toolkit.io.read`) repairs what it can in one process. Here Spark's own readers do
the reading, in parallel; the header, the encoding and the delimiter are read on the driver from the file's
first megabyte with the pandas reader's rules and messages, so both engines see the same columns, and rows
with the wrong number of fields, broken quotes, blank and repeated header rows and summary rows at the end are
set aside with the pandas reasons. Excel workbooks, JSON exports and zip archives are read on the driver by the
pandas engine (:func:`driver_reader`); what cannot be read either way stops with a fix (see docs/spark.md).
Every row gets its number in the file (the header is
row 1, as in the pandas load report) without a per-row Python step: Spark numbers rows within each
partition and one small aggregate (rows per partition) turns those into file positions.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from toolkit.errors import DataError
from toolkit.files import read_regular_bytes
from toolkit.io.read import (
    BACKSLASH_NOTE,
    CR_ONLY_NOTE,
    EXCEL_TEXT,
    GZIP_MAGIC,
    OLE_MAGIC,
    PARQUET_MAGIC,
    SAMPLE_BYTES,
    SUMMARY_REASON,
    TRAILING_NOTE,
    ZIP_MAGIC,
    RawTable,
    backslash_escaped,
    broken_quote_reason,
    decode_text,
    ends_in_empty_field,
    excel_text_note,
    header_layout,
    quotes_well_formed,
    ragged_reason,
    repeated_names_note,
    suffix_of,
    summary_rows,
    text_kind,
    unique_names,
    utf16_codec,
    visible_names,
    zip_members,
)
from toolkit.spark.repair import (
    MAX_DRIVER_BYTES,
    copy_folder,
    repaired_copy,
    scan,
    utf16_copy,
    without_broken_records,
)

CORRUPT = "_malformed_record"
RAGGED = "row has other fields than the header"
MAX_COLUMNS = 1_000
"""Most columns a CSV may have on Spark: the per-row checks over thousands of columns exhaust the JVM's memory
while they are planned (a 5,005-column export did); a wider one is loaded by the pandas engine on the driver."""


class TooWide(DataError):
    """A CSV with more columns than :data:`MAX_COLUMNS`, which the loader hands to the pandas engine."""
SUMMARY_TAIL = 10
"""Rows at the end of a file looked at for summary rows (the pandas reader looks at five records, blank rows aside)."""
_JAVA_CHARSETS = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8", "utf-16": "UTF-16", "utf-16-le": "UTF-16LE",
                  "utf-16-be": "UTF-16BE"}
"""The charsets Spark reads an export in: UTF-8 or UTF-16; other encodings are read from a UTF-8 copy."""
_PARTITION_BITS = 33  # monotonically_increasing_id(): partition index in the upper bits, row within it below


@dataclass
class SparkRaw:
    """An export as Spark reads it: text columns named as in the header (made unique), and ``_row``.

    ``rejected`` holds rows set aside while reading (blank, ragged or broken-quote rows, repeated header rows,
    summary rows) as a Spark frame with the load report's columns: row, column, value, reason.
    """

    file: str
    frame: object
    rejected: object
    format: str
    rows_read: int
    encoding: str | None = None
    delimiter: str | None = None
    notes: list[str] = field(default_factory=list)


WORKBOOK_SUFFIXES = ("xlsx", "xlsm", "xls")


def driver_reader(path) -> str | None:
    """Which files the driver reads with the pandas engine, judged as the pandas reader judges them (by content,
    whatever the name says), and how; None where Spark reads the file.

    ``workbook``: an Excel workbook (or a binary Office file, which gets the pandas reader's message). The pandas
    reader reads it, and Spark maps and checks its rows: a sheet holds at most 1,048,576 rows.
    ``whole``: a JSON export (one JSON document, or JSON lines), a zip archive holding an export, or a web page or
    XML file under another name. The pandas loader loads it whole on the driver (a JSON document is parsed in one
    piece anyway, and its nested and typed values are read by the pandas mapping's own rules), or raises its
    error; files over :data:`MAX_DRIVER_BYTES` stop with a fix.
    """
    location, file = Path(path), str(path)
    if "://" in file or not location.is_file():
        return None  # a folder, a table name or a URI: Spark reads it (or says why not)
    suffix = suffix_of(location.name)
    if suffix in WORKBOOK_SUFFIXES:
        return "workbook"
    compressed = _gzipped(location)
    head = _head(location, compressed, file)
    if head[:4] == ZIP_MAGIC:  # a workbook, or a zip archive holding an export
        return "workbook" if not compressed and zip_members(location) is None else "whole"
    if head[:8] == OLE_MAGIC:
        return "workbook"
    if head[:4] == PARQUET_MAGIC:
        return None
    try:
        _, decoded, _ = decode_text(head, file=file, encoding=None)
    except DataError:
        return None  # binary or unreadable: the Spark reader raises the pandas reader's error
    return None if text_kind(decoded, suffix) == "csv" else "whole"


def _named_as_read(spark, location: Path, compressed: bool, file: str) -> Path:
    """``location`` under a name Spark reads it by (it decompresses a file named ``.gz``, where the pandas reader
    looks at the first bytes): the file itself, or a link to it in the copy folder."""
    if location.name.lower().endswith(".gz") == compressed:
        return location
    name = location.name + ".gz" if compressed else location.name[:-3]
    link = copy_folder(spark, location, file) / name
    try:
        link.symlink_to(location.resolve())
    except OSError:  # a file system without links
        shutil.copyfile(location, link)
    return link


def _gzipped(location: Path) -> bool:
    """Whether the file is gzip-compressed, by its first bytes (the pandas reader's test, whatever its name says)."""
    with open(location, "rb") as fh:
        return fh.read(2) == GZIP_MAGIC


def from_pandas_raw(spark, raw: RawTable) -> SparkRaw:
    """A table the pandas reader read (values, row numbers, rows set aside, notes) as a Spark frame with ``_row``,
    so the Spark mapping and checks run on exactly what the pandas engine maps."""
    frame = raw.frame.copy()
    frame["_row"] = np.asarray(raw.row_numbers, dtype=np.int64)
    rejected = raw.rejected.astype({"row": "int64"}).astype({c: str for c in ("column", "value", "reason")})
    return SparkRaw(file=raw.file, frame=spark.createDataFrame(frame),
                    rejected=spark.createDataFrame(rejected[["row", "column", "value", "reason"]],
                                                   "row long, column string, value string, reason string"),
                    format=raw.format, rows_read=raw.rows_read, encoding=raw.encoding, delimiter=raw.delimiter,
                    notes=list(raw.notes))


def read_export(spark, path: str | os.PathLike, *, below_groups: bool = False) -> SparkRaw:
    """Read ``path``: a CSV/TSV file (gzipped or not, by its content), a Parquet file or folder, a Delta table's
    folder (where the session has Delta Lake), or a Spark table. ``below_groups``: the CSV's header is the line
    below the one it would be, under a row of group names."""
    from pyspark.sql import functions as F
    from pyspark.sql import types as T

    file = str(path)
    location = Path(file)
    if not location.exists() and "://" not in file:
        if _is_table(spark, file):
            return _numbered(spark.table(file), file=file, fmt="table", first_row=1)
        raise DataError("no such file, folder or Spark table", file=file,
                        fix="check the path, or give a table name the session's catalog knows (db.table)")
    uri_folder = "://" in file and suffix_of(location.name) not in ("csv", "tsv", "txt")
    if location.is_dir() or uri_folder:  # a Parquet or Delta folder, or s3://.../tickets/
        if _is_delta(spark, file):
            return _numbered(_read_delta(spark, file), file=file, fmt="delta", first_row=1)
        if location.is_dir():
            _check_parquet_folder(location, file)
        return _numbered(spark.read.parquet(file), file=file, fmt="parquet", first_row=1, by_file=True)
    if "://" in file:
        raise DataError("the Spark engine reads CSV exports from local or mounted paths", file=file,
                        fix="copy the export to a mounted path (e.g. /dbfs/...), or land it as Parquet")
    if not location.is_file():
        read_regular_bytes(location)  # a FIFO or a device: the pandas reader's error, never a read that blocks
    # a local file is read by its content, whatever its name says, as the pandas reader reads it
    compressed = _gzipped(location)
    head = _head(location, compressed, file)
    if head[:4] == PARQUET_MAGIC and not compressed:  # Parquet under another name, read by content as pandas
        return _numbered(spark.read.parquet(file), file=file, fmt="parquet", first_row=1, by_file=True)
    repaired: list[str] = []
    encoding = None
    wide = utf16_codec(head)
    decoded_copy = utf16_copy(location, compressed, *wide, copy_folder(spark, location, file)) if wide else None
    if decoded_copy is not None:  # UTF-16 read as UTF-8, decoded as pandas decodes it
        (location, repaired), encoding = decoded_copy, wide[0]
        compressed, head = False, _head(location, False, file)
    seen = None if wide and decoded_copy is None else scan(location, compressed)
    if seen is not None and seen.needs_copy():  # NUL bytes, two encodings, a legacy one, two line ends: as pandas
        location, legacy, notes_on_bytes = repaired_copy(location, compressed, file, seen,
                                                         copy_folder(spark, location, file))
        encoding, repaired = encoding or legacy, repaired + notes_on_bytes
        compressed, head = False, _head(location, False, file)
    detected, decoded, notes = decode_text(head, file=file, encoding=None)  # the pandas reader's rules and messages
    charset = java_charset(detected)
    encoding, notes = encoding or detected, repaired + notes
    text = decoded.decode("utf-8", errors="replace")
    cr_only = "\r" in text and "\n" not in text  # Spark's reader splits such lines; the head is read as pandas reads it
    if cr_only:
        text, decoded = text.replace("\r", "\n"), decoded.replace(b"\r", b"\n")
        notes.append(CR_ONLY_NOTE)
    skip, delimiter, above = header_layout(text.splitlines()[:50])
    skip += below_groups
    notes += above
    # Spark skips blank lines and takes the first other line for the header: with an Excel hint or a title above
    # the header, that line is dropped and the rest of them and the header are read as records, dropped below
    dropped = sum(1 for line in text.splitlines()[:skip] if line.strip())
    text = text.split("\n", skip)[-1] if skip else text
    header = next(csv.reader(io.StringIO(text), delimiter=delimiter), [])
    header, named = visible_names(header)
    notes += named
    if any(header) and ends_in_empty_field(text, delimiter, len(header), complete=len(head) < SAMPLE_BYTES):
        header.append("")
        notes.append(TRAILING_NOTE)
    if not any(header):
        raise DataError("the file has no header row", file=file, fix="export with column names in the first row")
    if len(header) > MAX_COLUMNS:
        raise TooWide(f"the export has {len(header):,} columns; the Spark reader reads at most {MAX_COLUMNS:,}",
                      file=file, fix="export only the columns the analysis needs, or load it with the pandas engine")
    names = unique_names(header)
    notes += repeated_names_note(header)
    # A record with more or fewer fields than the header is malformed to Spark: with a corrupt-record column it
    # keeps the record's text there, so such rows are set aside with the pandas reader's reason, never padded.
    schema = T.StructType([T.StructField(n, T.StringType()) for n in [*names, CORRUPT]])
    # multiLine: exports hold descriptions with line breaks inside quotes. It also means one task reads one file;
    # a folder of files (or Parquet) is read in parallel (see docs/spark.md).
    escape = '"'
    if backslash_escaped(decoded, delimiter, len(names)) and not quotes_well_formed(decoded, delimiter, len(names)):
        escape = "\\"  # judged on the head as pandas judges the whole file
        notes.append(BACKSLASH_NOTE)

    def records(location: Path, charset: str) -> SparkRaw:
        frame = (spark.read.schema(schema).option("header", True).option("enforceSchema", True)
                 .option("multiLine", True).option("sep", delimiter).option("quote", '"').option("escape", escape)
                 .option("mode", "PERMISSIVE").option("columnNameOfCorruptRecord", CORRUPT)
                 .option("encoding", charset).csv(str(location)))
        raw = _numbered(frame, file=file, fmt="csv" if delimiter != "\t" else "tsv", first_row=2 + skip - dropped)
        if dropped:
            raw.frame = raw.frame.where(F.col("_row") >= 2 + skip)
            raw.rows_read -= dropped
        raw.encoding, raw.delimiter, raw.notes = encoding, delimiter, notes
        return raw

    raw = records(_named_as_read(spark, location, compressed, file), charset)
    broken: dict[int, tuple[str, str]] = {}
    swallowed = _swallowed_row(raw.frame, names, delimiter)
    ends_in_quotes = seen is not None and seen.in_quotes and escape == '"'  # a quote the file never closes
    if swallowed is not None or ends_in_quotes:  # read record by record as the pandas reader does, on the driver
        if escape != '"' or location.stat().st_size > MAX_DRIVER_BYTES:
            raise DataError('a quote (") is never closed where its field ends, so the records below it would be '
                            "read as one field", file=file, rows=[swallowed] if swallowed is not None else None,
                            fix="load it with the pandas engine (it sets that record aside and reads on), or fix "
                                "the quote in that row")
        folder = copy_folder(spark, location, file)
        location, broken = without_broken_records(location, compressed, detected, file=file, delimiter=delimiter,
                                                  width=len(names), skip=skip, folder=folder)
        raw = records(location, "UTF-8")
    # flat expressions over the columns (one function of n arguments), not chains n deep: exports of thousands of
    # columns would overflow the planner's stack
    blank = F.trim(F.concat_ws("", *[F.col(f"`{name}`") for name in names])) == ""
    named = [(n, h.lower()) for n, h in zip(names, header, strict=False) if h]
    same = [F.coalesce(F.lower(F.trim(F.col(f"`{n}`"))) == h, F.lit(False)) for n, h in named]
    matches = F.size(F.filter(F.array(*same), lambda hit: hit))
    # as the pandas reader: a row repeats the header where one of the first two names and half of all of them do
    repeated = (F.greatest(*same[:2], F.lit(False)) & (matches >= max(2, len(named) // 2))) if same else F.lit(False)
    ragged = F.col(CORRUPT).isNotNull()
    reason = (F.when(blank, F.lit("row is blank")).when(ragged, F.lit(RAGGED))
              .when(repeated, F.lit("repeated header row (files joined together?)")))
    last_row = 2 + skip + raw.rows_read - 1
    if broken:
        said = F.create_map(*[F.lit(x) for row, (_, why) in broken.items() for x in (row, why)])
        reason = F.coalesce(F.element_at(said, F.col("_row")), reason)
    marked = raw.frame.withColumn("_read_reason", reason)
    footer = _footer(marked, names, last_row=last_row)
    values = {**footer, **{row: value for row, (value, _) in broken.items()}}
    if footer:
        marked = marked.withColumn("_read_reason", F.when(F.col("_row").isin(list(footer)), F.lit(SUMMARY_REASON))
                                   .otherwise(F.col("_read_reason")))
    if values:
        said = F.create_map(*[F.lit(x) for row, value in values.items() for x in (row, value)])
        marked = marked.withColumn("_read_value", F.element_at(said, F.col("_row")))
    else:
        marked = marked.withColumn("_read_value", F.lit(None).cast("string"))
    set_aside = marked.where(F.col("_read_reason").isNotNull())
    malformed = _malformed(delimiter, len(names))(F.col(CORRUPT))
    raw.rejected = set_aside.select(
        F.col("_row").alias("row"), F.lit("").alias("column"),
        F.when(F.col("_read_reason") == RAGGED, malformed["value"]).otherwise(
            F.coalesce(F.col("_read_value"), F.lit(""))).alias("value"),
        F.when(F.col("_read_reason") == RAGGED, malformed["reason"]).otherwise(F.col("_read_reason")).alias("reason"))
    kept = marked.where(F.col("_read_reason").isNull()).drop("_read_reason", "_read_value", CORRUPT)
    # empty fields are missing values, as in the pandas reader (quoted or not)
    # and a line break inside a quoted field is "\n", as the pandas reader gives it, whatever the file's line ends
    breaks = "\r" if cr_only else "\r\n"
    raw.frame = kept.withColumns({n: F.when(F.col(f"`{n}`") != "", F.replace(F.col(f"`{n}`"), F.lit(breaks),
                                                                              F.lit("\n"))) for n in names})
    if '="' in text or (seen is not None and seen.excel_text):  # as the pandas reader: anywhere in the file
        _unwrap_excel_text(raw, names)
    return raw


def _unwrap_excel_text(raw, names: list[str]) -> None:
    """``raw``'s values written as Excel text formulas (``="00123"``) as their text, said in its notes as the
    pandas reader says it."""
    from pyspark.sql import functions as F

    found = {n: F.coalesce(F.col(f"`{n}`").rlike(f"^{EXCEL_TEXT}$"), F.lit(False)) for n in names}
    counts = raw.frame.agg(*[F.count_if(found[n]).alias(f"c{i}") for i, n in enumerate(names)]).first()
    hits = {n: counts[f"c{i}"] for i, n in enumerate(names) if counts[f"c{i}"]}
    if hits:
        raw.notes.append(excel_text_note(sum(hits.values()), [f"`{n}`" for n in hits]))
    raw.frame = raw.frame.withColumns({n: F.when(found[n], F.expr(f"substring(`{n}`, 3, length(`{n}`) - 3)"))
                                       .otherwise(F.col(f"`{n}`")) for n in hits})


def _footer(marked, names: list[str], last_row: int) -> dict[int, str]:
    """Summary rows below the records ('Total', 'Grand total: 3'), by row, with their first value: the pandas
    reader's rule applied to the last few rows, the only ones brought to the driver."""
    from pyspark.sql import functions as F

    tail = (marked.where((F.col("_row") > last_row - SUMMARY_TAIL)
                         & (F.col("_read_reason").isNull() | (F.col("_read_reason") == "row is blank")))
            .select("_row", "_read_reason", *[F.col(f"`{n}`") for n in names]).orderBy("_row").toPandas())
    if tail.empty:
        return {}
    mask, said = summary_rows(tail[names].replace("", None), tail["_read_reason"].notna().to_numpy())
    return dict(zip(tail["_row"][mask].astype(int).tolist(), said, strict=True))


def _malformed(delimiter: str, width: int):
    """A Spark function giving a malformed record's reason and shown value as the pandas reader words them (its
    number of fields, or its broken quote); it runs on the set-aside rows only."""
    from pyspark.sql import functions as F
    from pyspark.sql import types as T

    def describe(record):  # no type hints: Spark would read them as a pandas UDF's
        if record is None:
            return None
        try:
            fields = next(csv.reader(io.StringIO(record, newline=""), delimiter=delimiter, strict=True), [])
        except csv.Error as error:
            return broken_quote_reason(error), record.splitlines()[0][:80] if record else ""
        return ragged_reason(len(fields), width), delimiter.join(fields)[:80]

    return F.udf(describe, T.StructType([T.StructField("reason", T.StringType()),
                                         T.StructField("value", T.StringType())]))


def _head(location: Path, compressed: bool, file: str) -> bytes:
    """The file's first :data:`SAMPLE_BYTES` (decompressed), cut after its last whole line when there is more,
    so the encoding is judged on whole characters; empty and damaged files raise the pandas reader's errors."""
    try:
        with (gzip.open if compressed else open)(location, "rb") as fh:
            head = fh.read(SAMPLE_BYTES)
            more = bool(fh.read(1))
    except (OSError, EOFError) as exc:
        raise DataError(f"the gzip file is damaged ({exc})", file=file, fix="compress or export it again") from None
    if not head.strip():
        raise DataError("the file is empty", file=file, fix="export the data again; the file has no content")
    if more and b"\n" in head:
        wide = head[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE) or head.count(0) > len(head) // 4
        cut = head.rfind(b"\n") + 1
        head = head[:cut + (cut % 2 if wide else 0)]
    return head


def java_charset(encoding: str) -> str:
    """The Java name of a UTF-8 or UTF-16 codec the pandas reader detected (``utf-16-le`` -> ``UTF-16LE``)."""
    return _JAVA_CHARSETS[codecs.lookup(encoding).name]


def _swallowed_row(frame, names: list[str], delimiter: str) -> int | None:
    """The first row whose quote was never closed where its field ends: Spark reads the records below it into that
    field, where the pandas reader sets the record aside and reads on. Such a field has a line with a whole record's
    delimiters."""
    from pyspark.sql import functions as F

    width = len(names)
    if width <= 2:
        return None

    def holds_a_record(name):
        later = F.slice(F.split(F.col(f"`{name}`"), "\n"), 2, 1 << 30)
        return F.coalesce(F.exists(later, lambda line: F.size(F.split(line, re.escape(delimiter))) - 1 >= width - 1),
                          F.lit(False))

    swallowed = F.exists(F.array(*[holds_a_record(name) for name in names]), lambda found: found)
    first = frame.where(swallowed).select("_row").orderBy("_row").limit(1).collect()
    return first[0]["_row"] if first else None


def _is_table(spark, name: str) -> bool:
    """Whether the session's catalog has a table ``name`` (a path such as ``exports/tickets.csv`` is no table name)."""
    from pyspark.errors import AnalysisException

    try:
        return spark.catalog.tableExists(name)
    except AnalysisException:  # ParseException: not a valid table name
        return False


def _check_parquet_folder(location: Path, file: str) -> None:
    """A DataError naming the first file of a local folder that is not Parquet (a folder of CSV exports, say),
    which Spark would meet as an unreadable Parquet footer. Files Spark skips (``_SUCCESS``, ``.crc``) are skipped."""
    for part in sorted(location.rglob("*")):
        if not part.is_file() or part.name.startswith(("_", ".")):
            continue
        with open(part, "rb") as fh:
            if fh.read(4) != PARQUET_MAGIC:
                raise DataError(f"the folder holds a file that is not Parquet ({part.relative_to(location)})",
                                file=file, fix="pass a folder of Parquet files (a lake table's folder), or load each "
                                               "export file on its own")


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
