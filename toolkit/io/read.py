"""Read any file a client hands over into a raw table of strings, saying how it was read.

:func:`read_raw` opens CSV/TSV (any of ``,`` ``;`` tab ``|``), Excel ``.xlsx``,
Parquet, JSON and JSON lines (also gzip-compressed), detects the encoding (UTF-8,
UTF-8 with BOM, UTF-16, else cp1252/latin-1 via charset-normalizer) and the
delimiter, and returns a :class:`RawTable`: the values, the row number of each
record in the source file (the header is row 1, as a spreadsheet shows it), and
the rows it could not use at all (blank rows, repeated header rows, rows with the
wrong number of fields) with the reason. Nothing is interpreted here; mapping
vendor columns to canonical ones happens in :mod:`toolkit.io.mapping`.

Large CSV files go through pyarrow's multi-threaded reader; a file pyarrow cannot
parse cleanly (ragged rows, a huge field) is re-read with the standard library's
``csv`` module, which is slower but can say exactly which row is wrong.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import gzip
import io
import itertools
import json
import os
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from toolkit.errors import DataError
from toolkit.files import read_regular_bytes

DELIMITERS = (",", ";", "\t", "|")
MAX_FIELD_BYTES = 16 * 1024 * 1024
"""A single field larger than this is taken as a broken file (an unclosed quote), not data."""

SAMPLE_BYTES = 1 << 20
REPEATED_NAMES = "repeated column names numbered"
_RECORD_KEYS = ("tickets", "ticket_metrics", "satisfaction_ratings", "comments", "ticket_comments", "conversations",
                "conversation_parts", "incidents", "issues", "results", "records", "result", "data", "items",
                "responses", "invitations", "messages")
_DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}


@dataclass
class RawTable:
    """A file as read, before any mapping: values, source row numbers and unusable rows.

    ``frame`` holds the data rows (strings for text formats; native values for
    Parquet and JSON); ``row_numbers`` gives each row's number in the file;
    ``rejected`` lists rows dropped while reading (row, column, value, reason);
    ``rows_read`` counts data rows, the dropped ones included; ``skipped`` names columns left
    unread because ``select`` did not ask for them; ``sheets`` names a workbook's sheets, the one read first.
    """

    file: str
    frame: pd.DataFrame
    row_numbers: np.ndarray
    format: str
    encoding: str | None = None
    delimiter: str | None = None
    rejected: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["row", "column", "value", "reason"]))
    notes: list[str] = field(default_factory=list)
    rows_read: int = 0
    skipped: list[str] = field(default_factory=list)
    sheets: list[str] = field(default_factory=list)


GZIP_MAGIC = b"\x1f\x8b"
ZIP_MAGIC = b"PK\x03\x04"  # a zip archive, or an .xlsx workbook (a zip of XML)
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an old binary .xls, or a password-protected workbook
PARQUET_MAGIC = b"PAR1"
"""The first bytes the reader tells a file's format by, whatever its name says (the Spark reader too)."""


def read_raw(path: str | os.PathLike, *, sheet: str | int | None = None, encoding: str | None = None,
             delimiter: str | None = None, select=None) -> RawTable:
    """Read ``path`` into a :class:`RawTable`, detecting format, encoding and delimiter.

    Parameters
    ----------
    path : the file (CSV, TSV, TXT, XLSX, Parquet, JSON, JSONL/NDJSON; ``.gz`` allowed).
    sheet : Excel sheet name or 0-based index (default: the first sheet with data).
    encoding, delimiter : override detection.
    select : optional ``f(header names) -> names to read``; CSV columns not named are not converted
        (a loader reads only the columns its mapping uses, which saves time and memory on big files).

    Raises
    ------
    DataError : the file is missing, empty, binary, or cannot be parsed at all.

    Examples
    --------
    A semicolon-separated export with a byte-order mark; row numbers are lines of the file:

    >>> import tempfile
    >>> from pathlib import Path
    >>> from toolkit.io import read_raw
    >>> folder = tempfile.TemporaryDirectory()
    >>> export = Path(folder.name) / "export.csv"
    >>> _ = export.write_bytes("\\ufeffId;Status\\n101;Solved\\n102;Open\\n".encode("utf-8"))
    >>> raw = read_raw(export)
    >>> raw.format, raw.encoding, raw.delimiter, raw.row_numbers.tolist()
    ('csv', 'utf-8-sig', ';', [2, 3])
    >>> raw.frame
        Id  Status
    0  101  Solved
    1  102    Open
    >>> read_raw(Path(folder.name) / "missing.csv")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    toolkit.errors.DataError: file .../missing.csv: file not found. Fix: check the path (relative paths start \
from the current folder, ...)
    >>> folder.cleanup()
    """
    file = str(path)
    p = Path(path)
    data = read_regular_bytes(p)  # a FIFO, device or folder is refused at once, never read
    return read_bytes(data, file=file, suffix=suffix_of(p.name), sheet=sheet, encoding=encoding, delimiter=delimiter,
                      select=select)


def suffix_of(name: str) -> str:
    """A file name's format suffix, lower case, without its dot or a ``.gz`` after it (``A.CSV.gz``: ``csv``)."""
    name = name.lower()
    if name.endswith(".gz"):
        name = name[:-3]
    return Path(name).suffix.lstrip(".")


def read_bytes(data: bytes, *, file: str, suffix: str = "", sheet: str | int | None = None,
               encoding: str | None = None, delimiter: str | None = None, select=None) -> RawTable:
    """Like :func:`read_raw` for bytes already in memory (``file`` is used in messages)."""
    if len(data) == 0 or (len(data) <= SAMPLE_BYTES and not data.strip()):
        raise DataError("the file is empty", file=file, fix="export the data again; the file has no content")
    if data[:2] == GZIP_MAGIC:
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as exc:
            raise DataError(f"the gzip file is damaged ({exc})", file=file, fix="compress or export it again") from None
        return read_bytes(data, file=file, suffix=suffix, sheet=sheet, encoding=encoding, delimiter=delimiter,
                          select=select)
    if data[:4] == ZIP_MAGIC:
        members = zip_members(data)
        if members is not None:
            return _read_zip(data, members, file=file, sheet=sheet, encoding=encoding, delimiter=delimiter,
                             select=select)
        return _read_xlsx(data, file=file, sheet=sheet)
    if data[:8] == OLE_MAGIC:
        if "EncryptedPackage".encode("utf-16-le") in data:  # Office keeps a password-protected .xlsx in this container
            raise DataError("this Excel workbook is protected with a password", file=file,
                            fix="open it in Excel, remove the password (File > Info > Protect Workbook) and save it "
                                "again as .xlsx, or export CSV")
        raise DataError("this is an old binary Excel (.xls) file", file=file,
                        fix="open it in Excel and save as .xlsx or CSV (UTF-8)")
    if data[:4] == PARQUET_MAGIC:
        return _read_parquet(data, file=file)
    text_encoding, decoded, notes = decode_text(data, file=file, encoding=encoding, repair=True)
    try:
        raw = _read_text(decoded, file=file, suffix=suffix, delimiter=delimiter, select=select)
    except UnicodeDecodeError:
        # Only the start was checked (a full check costs seconds on big files); invalid UTF-8 further in.
        text_encoding, decoded, notes = decode_text(data, file=file, encoding=encoding, full=True, repair=True)
        raw = _read_text(decoded, file=file, suffix=suffix, delimiter=delimiter, select=select)
    raw.encoding = text_encoding
    raw.notes = notes + raw.notes
    return raw


JSON_SUFFIXES = ("json", "jsonl", "ndjson")


def text_kind(data: bytes, suffix: str) -> str:
    """How decoded text is read, by its first bytes and the file's suffix: ``markup`` (a web page or an XML file,
    refused with a fix), ``json`` (JSON or JSON lines) or ``csv``."""
    head = data[:4096].lstrip()
    if head[:200].lower().startswith((b"<!doctype html", b"<html", b"<table", b"<?xml")):
        return "markup"
    return "json" if suffix in JSON_SUFFIXES or head[:1] in (b"{", b"[") else "csv"


def _read_text(data: bytes, *, file: str, suffix: str, delimiter: str | None, select=None) -> RawTable:
    kind = text_kind(data, suffix)
    if kind == "markup":
        head = data[:4096].lstrip()
        markup = head[:200].lower()
        what = ("an Excel 2003 XML spreadsheet" if b"urn:schemas-microsoft-com:office:spreadsheet" in head
                else "an XML file" if markup.startswith(b"<?xml") else "a web page (HTML)")
        why = " (some tools save an HTML table under an .xls name)" if what.endswith("(HTML)") else ""
        raise DataError(f"this is {what}, not a CSV, Excel workbook or JSON export{why}", file=file,
                        fix="open it in Excel and save it as .xlsx or CSV (UTF-8), or export CSV from the tool")
    if kind == "json":
        return _read_json(data, file=file)
    return _read_csv(data, file=file, delimiter=delimiter, select=select)


# --- encodings ---------------------------------------------------------------------------------------------------

def decode_text(data: bytes, *, file: str, encoding: str | None, full: bool = False,
                repair: bool = False) -> tuple[str, bytes, list[str]]:
    """Return (encoding name, UTF-8 bytes without BOM, notes).

    With ``repair`` (the pandas reader, which parses the bytes returned), a few NUL bytes are removed and a file
    mixing UTF-8 and legacy lines is decoded line by line; without it (a caller that reads the file itself, as
    the Spark reader does) such files are refused or decoded as one encoding, as the returned bytes are not used.

    Unless ``full``, only the first megabyte is checked for UTF-8; the parsers raise
    UnicodeDecodeError if invalid bytes come later, and the caller then asks again with ``full``.
    """
    if encoding:
        try:
            return encoding, data.decode(encoding).encode("utf-8"), [f"encoding {encoding} (as given)"]
        except (UnicodeDecodeError, LookupError) as exc:
            raise DataError(f"the file cannot be read as {encoding} ({exc})", file=file,
                            fix="leave the encoding out to have it detected") from None
    if data[:3] == codecs.BOM_UTF8:
        data = data[3:]
        if _valid_utf8(data if full else data[:SAMPLE_BYTES], final=full):
            return "utf-8-sig", data, []
    sample = data[:SAMPLE_BYTES]
    wide = utf16_codec(sample)
    if wide is not None:
        name, notes = wide
        if name == "utf-16" and len(data) % 2:  # half a character at the end: the file was cut off
            data = data[:-1]
            notes.append(HALF_CHARACTER_NOTE)
        try:
            return name, data.decode(name).encode("utf-8"), notes
        except UnicodeDecodeError:
            pass
    if b"\x00" in (data if repair else sample):
        # A few NUL bytes in text (a database's string terminators) are no data; many, or other control bytes
        # besides, make a binary file.
        stripped = data.replace(b"\x00", b"")
        nuls = len(data) - len(stripped)
        if not repair:
            raise nul_error(file)
        check_nuls(nuls, len(data), stripped[:SAMPLE_BYTES], file)
        name, text, notes = decode_text(stripped, file=file, encoding=None, full=full, repair=True)
        return name, text, [nul_note(nuls, data.count(b"\n", 0, data.index(b"\x00")) + 1), *notes]
    if _valid_utf8(data if full else sample, final=full or len(data) <= SAMPLE_BYTES):
        return "utf-8", data, []

    mixed = mixed_encoding_lines(data) if repair else None
    if mixed is not None:
        decoded, others = mixed
        name = legacy_encoding(b"".join(others)[:SAMPLE_BYTES])
        converted = iter([line.decode(name, errors="replace") for line in others])
        text = "".join(line if line is not None else next(converted) for line in decoded)
        return "utf-8", text.encode("utf-8"), [mixed_note(len(others), name, decoded.index(None) + 1, others[0])]

    # Look where UTF-8 fails as well as at the start, so a lone 'é' deep in the file is seen.
    bad = _first_invalid_utf8(data)
    name = detected_encoding(sample + data[max(0, bad - 2048): bad + 2048], sample, file)
    text = data.decode(name, errors="replace")
    return name, text.encode("utf-8"), detected_notes(name, text.count("\ufffd"))


LEGACY_CODECS = ["cp1252", "latin_1", "iso8859_15", "mac_roman", "cp850"]
"""Single-byte encodings looked for first when a file is not UTF-8 (Windows, Latin-1, old Mac, DOS exports)."""


def nul_error(file: str) -> DataError:
    return DataError("this looks like a binary file, not a text export (it contains NUL bytes)", file=file,
                     fix="export the data as CSV, Excel (.xlsx), JSON or Parquet")


def check_nuls(nuls: int, size: int, stripped_head: bytes, file: str) -> None:
    """A few NUL bytes in text (a database's string terminators) are no data; many (over one byte in 20), or other
    control bytes besides in the first megabyte without them, make a binary file."""
    if nuls > size // 20 or _binaryish(stripped_head):
        raise nul_error(file)


def nul_note(nuls: int, line: int) -> str:
    return f"{nuls} NUL byte{'s' if nuls > 1 else ''} (\\0, never text) removed, the first on line {line}"


def legacy_encoding(lines: bytes) -> str:
    """The single-byte encoding of the lines of a mixed file that are not UTF-8 (cp1252 when unsure)."""
    from charset_normalizer import from_bytes

    legacy = from_bytes(lines, cp_isolation=LEGACY_CODECS).best()
    return legacy.encoding if legacy is not None else "cp1252"


def mixed_note(count: int, name: str, first: int, first_line: bytes) -> str:
    """The note on a file mixing UTF-8 lines and ``count`` lines in ``name``, the first of them line ``first``."""
    example = first_line.decode(name, errors="replace").strip()[:60]
    return (f"encoding UTF-8, but {count} line{'s' if count > 1 else ''} in {name} (the file mixes two encodings; "
            f"each line read in its own, e.g. line {first}: {example!r})")


def detected_encoding(probe: bytes, head: bytes, file: str) -> str:
    """The encoding of a file that is not UTF-8, judged on ``probe`` (its start and the bytes around the first
    invalid UTF-8); a binary ``head`` (the first megabyte) or bytes no encoding explains stop with an error."""
    from charset_normalizer import from_bytes

    best = from_bytes(probe, cp_isolation=LEGACY_CODECS).best()
    if best is None:
        best = from_bytes(probe).best()
    if best is None or _binaryish(head):
        raise DataError("this looks like a binary file, not a text export", file=file,
                        fix="export the data as CSV, Excel (.xlsx), JSON or Parquet")
    return best.encoding


def detected_notes(name: str, replaced: int) -> list[str]:
    """The notes on a file read in the detected encoding ``name``, ``replaced`` characters of it undecodable."""
    notes = [f"encoding {name} detected (not UTF-8); text converted to UTF-8"]
    if replaced:
        notes.append(f"{replaced} characters could not be decoded and were replaced by '\ufffd'")
    return notes


def mixed_encoding_lines(data: bytes) -> tuple[list[str | None], list[bytes]] | None:
    """Split a file that mixes encodings line by line: each line decoded if it is UTF-8 (None if not), and the
    lines that are not; None when no line holds a UTF-8 character beyond ASCII (a file in one legacy encoding).

    Exports pasted together from two tools (or rows added in Excel) mix UTF-8 lines and, say, cp1252 lines;
    decoding the whole file as either garbles the other's accents ('café' read as cp1252 is 'cafÃ©').
    """
    valid = data.decode("utf-8", errors="ignore")
    if valid.isascii():
        return None
    decoded: list[str | None] = []
    others: list[bytes] = []
    for line in data.splitlines(keepends=True):  # only files that are not valid UTF-8 come here
        try:
            decoded.append(line.decode("utf-8"))
        except UnicodeDecodeError:
            decoded.append(None)
            others.append(line)
    if not any(text is not None and not text.isascii() for text in decoded):
        return None
    return decoded, others


HALF_CHARACTER_NOTE = "the file ends in half a character (cut off?); that last byte was dropped"


def utf16_codec(head: bytes) -> tuple[str, list[str]] | None:
    """The UTF-16 codec of a file starting with ``head`` (a byte-order mark, or every other byte NUL) and the note
    saying so; None for other files."""
    if head[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        return "utf-16", ["encoding UTF-16 (Excel 'Unicode text')"]
    wide = _utf16_without_bom(head[:SAMPLE_BYTES])
    return (wide, [f"encoding {wide.upper()} without a byte-order mark"]) if wide is not None else None


def _utf16_without_bom(sample: bytes) -> str | None:
    """``utf-16-le`` or ``utf-16-be`` when every other byte is NUL (Latin text saved as UTF-16 without a BOM)."""
    pairs = sample[: len(sample) // 2 * 2]
    if len(pairs) < 8:
        return None
    low, high = pairs[0::2], pairs[1::2]
    if high.count(0) >= 0.9 * len(high) and low.count(0) <= 0.1 * len(low):
        return "utf-16-le"
    if low.count(0) >= 0.9 * len(low) and high.count(0) <= 0.1 * len(high):
        return "utf-16-be"
    return None


def _valid_utf8(data: bytes, final: bool = True) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    step = 1 << 24
    try:
        for start in range(0, len(data), step):
            decoder.decode(data[start:start + step], final=final and start + step >= len(data))
    except UnicodeDecodeError:
        return False
    return True


def _first_invalid_utf8(data: bytes) -> int:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start
    return 0


def _binaryish(sample: bytes) -> bool:
    control = sum(sample.count(bytes([c])) for c in (*range(0, 9), 11, 12, *range(14, 32)))
    return control > max(8, len(sample) // 100)


# --- CSV ---------------------------------------------------------------------------------------------------------

def sniff_delimiter(lines: list[str]) -> str:
    """Pick the delimiter that splits the header into the most fields, consistently over the first lines."""
    best, best_score = ",", 0.0
    for delim in DELIMITERS:
        try:
            rows = list(csv.reader(lines, delimiter=delim))
        except csv.Error:
            continue
        if not rows:
            continue
        width = len(rows[0])
        if width < 2:
            continue
        same = sum(len(r) == width for r in rows[1:] if r) / max(1, sum(1 for r in rows[1:] if r))
        score = width * (0.5 + same)
        if score > best_score:
            best, best_score = delim, score
    return best


MAX_LINES_ABOVE_HEADER = 10


def lines_before_header(lines: list[str], delimiter: str | None = None) -> int:
    """Blank lines and a title block above the header ("Tickets report, January 2026"), at most
    :data:`MAX_LINES_ABOVE_HEADER`; 0 when the first line is the header.

    The header is the first non-blank line that :func:`is_header` accepts.

    >>> lines_before_header(["", "Export of 5 Jan 2026", "", "id,created,status", "1,2026-01-01,open"])
    3
    >>> lines_before_header(["id,created,status", "1,2026-01-01,open,"])
    0
    >>> lines_before_header(['"Ticket', 'ID",Created,Status', "1,2026-01-01,open"])  # a name with a line break
    0
    """
    for i, line in enumerate(lines[:MAX_LINES_ABOVE_HEADER + 1]):
        if not line.strip():
            continue
        if line.count('"') % 2:
            return i  # a quoted name goes on below this line: a title is one line, this is the header
        below = [other for other in lines[i + 1:] if other.strip()][:20]
        try:
            if len(next(csv.reader([line], delimiter=delimiter or sniff_delimiter(lines[i:])))) >= 3:
                return i  # a header by its own delimiter
            delim = delimiter or sniff_delimiter(below or [line])  # the rows' delimiter: a title's comma is none
            width = len(next(csv.reader([line], delimiter=delim)))
            widths = [len(row) for row in csv.reader(below, delimiter=delim)]
        except csv.Error:
            return 0
        if is_header(width, widths):
            return i
    return 0


def ends_in_empty_field(text: str, delimiter: str, width: int, complete: bool) -> bool:
    """Whether the records below a header of ``width`` names all have one field more, an empty one: rows written
    with a delimiter after their last value, which the header lacks. ``text`` starts at the header and holds the
    first records (``complete``: the whole file; else its last record may be cut and is not looked at).

    >>> ends_in_empty_field("id,created\\n1,2026-01-01,\\n2,2026-01-02,\\n", ",", 2, complete=True)
    True
    >>> ends_in_empty_field("id,created\\n1,2026-01-01,\\n2,2026-01-02,x\\n", ",", 2, complete=True)
    False
    """
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        next(reader, None)
        records = [r for r in itertools.islice(reader, TRAILING_SAMPLE + 1) if r]
    except csv.Error:
        return False
    if not complete or len(records) > TRAILING_SAMPLE:
        records = records[:-1]
    return bool(records) and all(len(r) == width + 1 and not r[-1].strip() for r in records)


TRAILING_SAMPLE = 20
"""Records below the header that :func:`ends_in_empty_field` looks at."""
HEAD_BYTES = 65_536
"""The start of a CSV the header, delimiter and layout are read from."""
TRAILING_NOTE = ("every row ends in a delimiter after its last value, which the header lacks: read as an empty "
                 "column without a name")


def lines_above_note(lines: list[str]) -> str:
    """The load report's note on the title or blank lines skipped above a CSV's header."""
    title = "; ".join(f"'{line.strip()[:80]}'" for line in lines if line.strip())
    return f"{len(lines)} line{'s' if len(lines) > 1 else ''} above the header skipped" + (
        f": {title}" if title else " (blank)")


def is_header(width: int, below: list[int]) -> bool:
    """Whether a row of ``width`` fields heads rows of ``below`` fields: a title ("Tickets report, January
    2026") has one or two fields where the rows below have more; a header has three or more, or as many."""
    usual = max(sorted(set(below)), key=below.count) if below else width
    return width >= 3 or width >= usual


def repeated_names_note(header: list[str]) -> list[str]:
    """The load report's note on header names that repeat (whatever their case), which :func:`unique_names` numbers."""
    lower = [h.lower() for h in header if h]
    repeated = sorted({h for h in header if h and lower.count(h.lower()) > 1})
    return [f"{REPEATED_NAMES}: {', '.join(repeated)}"] if repeated else []


_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
"""Zero-width spaces, joiners and byte-order marks: copied in with header names from web pages and other tools,
they make ``Id`` and ``\u200bId`` look the same but not match."""


def visible_names(header: list[str]) -> tuple[list[str], list[str]]:
    """Header names without surrounding spaces and invisible characters, a line break inside a name read as a
    space, and the notes naming those that had any.

    >>> visible_names(["\u200bId", "Ticket\\nID", "Subject"])
    (['Id', 'Ticket ID', 'Subject'], ['invisible characters (zero-width spaces or joiners) removed from 1 header \
name: `Id`', 'line breaks inside 1 header name read as spaces: `Ticket ID`'])
    """
    cleaned = [re.sub(r"\s*[\r\n]+\s*", " ", _INVISIBLE.sub("", h).strip()) for h in header]
    notes = []
    # a second byte-order mark before the first name, as some tools add, is not worth a note
    said = [c for h, c in zip(header, cleaned, strict=True) if _INVISIBLE.search(h.strip().lstrip("\ufeff"))]
    if said:
        notes.append(f"invisible characters (zero-width spaces or joiners) removed from {len(said)} header "
                     f"name{'s' if len(said) > 1 else ''}: {', '.join(f'`{c}`' for c in said[:5])}")
    broken = [c for h, c in zip(header, cleaned, strict=True) if re.search(r"[\r\n]", h.strip())]
    if broken:
        notes.append(f"line breaks inside {len(broken)} header name{'s' if len(broken) > 1 else ''} read as "
                     f"spaces: {', '.join(f'`{c}`' for c in broken[:5])}")
    return cleaned, notes


def unique_names(names: list[str]) -> list[str]:
    """Make header names unique: a second ``Labels`` becomes ``Labels (2)`` (Jira repeats columns)."""
    seen: dict[str, int] = {}
    out = []
    for name in names:
        name = name.strip() or "(unnamed)"
        key = name.lower()
        if key in seen:
            seen[key] += 1
            out.append(f"{name} ({seen[key]})")
        else:
            seen[key] = 1
            out.append(name)
    return out


CR_ONLY_NOTE = "lines end in a carriage return alone (old Mac style); read as line breaks"
SEP_LINE = r"sep=(.)"
SEP_LINE_NOTE = "first line 'sep=…' (an Excel hint) skipped"


def header_layout(lines: list[str], delimiter: str | None = None) -> tuple[int, str, list[str]]:
    """Where a CSV's header is, from the first ``lines`` of its text: the lines above it (an Excel ``sep=`` hint,
    blank lines, a title), the delimiter (``delimiter``, else the hint's, else sniffed from the rows) and the load
    report's notes on what is skipped. Both engines' readers start here.

    >>> header_layout(["sep=;", "id;created", "1;2026-01-01"])
    (1, ';', ["first line 'sep=…' (an Excel hint) skipped"])
    >>> header_layout(["Tickets, January 2026", "id,created,status", "1,2026-01-01,open"])[:2]
    (1, ',')
    """
    notes, skip = [], 0
    if lines and re.fullmatch(SEP_LINE, lines[0].strip()):
        delimiter = delimiter or lines[0].strip()[4]
        skip, lines = 1, lines[1:]
        notes.append(SEP_LINE_NOTE)
    lead = lines_before_header(lines, delimiter)
    if lead:
        notes.append(lines_above_note(lines[:lead]))
    return skip + lead, delimiter or sniff_delimiter(lines[lead:]), notes


def _read_csv(data: bytes, *, file: str, delimiter: str | None, select=None) -> RawTable:
    notes: list[str] = []
    if b"\r" in data and b"\n" not in data:
        data = data.replace(b"\r", b"\n")
        notes.append(CR_ONLY_NOTE)
    head_text = data[:HEAD_BYTES].decode("utf-8", errors="replace")
    skip, delimiter, above = header_layout(head_text.splitlines()[:50], delimiter)
    notes += above
    try:
        header = next(csv.reader(io.StringIO(head_text.split("\n", skip)[-1] if skip else head_text),
                                 delimiter=delimiter))
    except (csv.Error, StopIteration):
        header = []
    header_breaks = sum(name.count("\n") for name in header)  # pyarrow skips lines, not records
    header, named = visible_names(header)
    notes += named
    if header and ends_in_empty_field(head_text.split("\n", skip)[-1] if skip else head_text, delimiter, len(header),
                                      complete=len(data) <= HEAD_BYTES):
        header.append("")
        notes.append(TRAILING_NOTE)
    if not header or not any(header):
        raise DataError("the file has no header row", file=file,
                        fix="export with column names in the first row")
    if len(header) == 1 and len(header[0]) > 200:
        raise DataError("the first line is not a header row (one field of "
                        f"{len(header[0])} characters)", file=file,
                        fix="export the data as CSV with a header row, or check that this is the right file")
    names = unique_names(header)
    notes += repeated_names_note(header)
    wanted = set(select(names)) if select is not None else set(names)
    keep = [n for n in names if n in wanted] or names
    escape = None
    well_formed = quotes_well_formed(data, delimiter, len(names))
    if not well_formed and backslash_escaped(data, delimiter, len(names)):
        escape, well_formed = "\\", True
        notes.append(BACKSLASH_NOTE)
    if not well_formed:
        # a stray or unclosed quote: pyarrow would read on into the next records; the exact reader stops there
        frame, numbers, rejected = _read_csv_exactly(data, file=file, delimiter=delimiter, names=names, skip=skip)
        frame = frame[keep]
        return _finish_csv(file, frame, numbers, rejected, delimiter, notes, names, wanted, keep, header,
                           crlf=b"\r\n" in data, excel_text=b'="' in data)
    try:
        table = pacsv.read_csv(
            io.BytesIO(data),
            read_options=pacsv.ReadOptions(column_names=names, skip_rows=1 + skip + header_breaks, block_size=1 << 24),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True,
                                             escape_char=escape or False),
            convert_options=pacsv.ConvertOptions(include_columns=keep, column_types={n: pa.string() for n in keep},
                                                 strings_can_be_null=True, null_values=[""],
                                                 quoted_strings_can_be_null=True),
        )
        frame = table.to_pandas()
        numbers = np.arange(2 + skip, 2 + skip + len(frame))
        rejected: list[pd.DataFrame] = []
    except (pa.ArrowInvalid, pa.ArrowException, OverflowError):
        frame, numbers, rejected = _read_csv_exactly(data, file=file, delimiter=delimiter, names=names, skip=skip)
        frame = frame[keep]
    return _finish_csv(file, frame, numbers, rejected, delimiter, notes, names, wanted, keep, header,
                       crlf=b"\r\n" in data, excel_text=b'="' in data)


def _finish_csv(file, frame, numbers, rejected, delimiter, notes, names, wanted, keep, header, *,
                crlf: bool = False, excel_text: bool = False) -> RawTable:
    if crlf:  # a line break inside a quoted field reads as "\n", as Spark's reader gives it, whatever the file's
        for name in frame.columns:
            values = frame[name]
            broken = values.str.contains("\r\n", regex=False, na=False)
            if broken.any():
                frame[name] = values.where(~broken, values.str.replace("\r\n", "\n", regex=False))
    if excel_text:
        frame, note = _unwrap_excel_text(frame)
        notes += [note] if note else []
    raw = RawTable(file=file, frame=frame, row_numbers=numbers, format="csv" if delimiter != "\t" else "tsv",
                   delimiter=delimiter, notes=notes, skipped=[n for n in names if n not in wanted])
    raw.rows_read = len(frame) + sum(len(r) for r in rejected)
    _drop_unusable(raw, [header[names.index(k)] for k in keep], rejected)
    return raw


def _unwrap_excel_text(frame: pd.DataFrame) -> tuple[pd.DataFrame, str | None]:
    """Values written as Excel text formulas (``="00123"``, so that Excel keeps leading zeros) as their text."""
    count, columns = 0, []
    for name in frame.columns:
        column = frame[name]
        found = column.str.fullmatch(EXCEL_TEXT, na=False) if pd.api.types.is_string_dtype(column.dtype) or \
            column.dtype == object else None
        if found is not None and found.any():
            frame[name] = column.where(~found, column.str.slice(2, -1))
            count += int(found.sum())
            columns.append(f"`{name}`")
    if not count:
        return frame, None
    return frame, excel_text_note(count, columns)


EXCEL_TEXT = r'="[^"]*"'
"""A value written as an Excel text formula (``="00123"``, so that Excel keeps leading zeros)."""


def excel_text_note(count: int, columns: list[str]) -> str:
    """The load report's note on values unwrapped from Excel text formulas (``columns``: their names, quoted)."""
    return (f"{count} values written as Excel text formulas (e.g. =\"00123\", which keeps leading zeros) read "
            f"as their text, in {', '.join(columns[:5])}{' …' if len(columns) > 5 else ''}")


def backslash_escaped(data: bytes, delimiter: str, width: int) -> bool:
    """Whether ``data`` writes quotes inside quoted values as ``\\"`` (and backslashes as ``\\\\``), as MySQL
    and some scripts export: its quotes are well formed once those pairs are taken out, and not before.

    >>> backslash_escaped(b'id,subject\\n1,"He said \\\\"hi\\\\" to me"\\n', ",", 2)
    True
    >>> backslash_escaped(b'id,subject\\n1,"He said ""hi"" to me"\\n', ",", 2)
    False
    """
    if b'\\"' not in data:
        return False
    return quotes_well_formed(data.replace(b"\\\\", b"").replace(b'\\"', b""), delimiter, width)


BACKSLASH_NOTE = 'quotes inside values are written \\" (a backslash before the quote): read as quotes'


def quotes_well_formed(data: bytes, delimiter: str, width: int) -> bool:
    """Whether every quote in ``data`` opens or closes a field as RFC 4180 says (checked on the bytes, vectorised).

    Quotes alternate open/close; an opening quote follows a delimiter, a line end, the file start or
    (an escaped ``""``) the previous quote; a closing quote is followed by a delimiter, a line end, the
    file end or the next quote; and a quoted field over several lines holds no line with a whole
    record's delimiters (``width - 1``: a stray quote closed by a later record's quote). A stray quote
    breaks this, and pyarrow would then read the following records into one field; such files go to
    the exact reader, which sets the damaged record aside.
    """
    buf = np.frombuffer(data, dtype=np.uint8)
    quotes = np.flatnonzero(buf == 34)
    if len(quotes) == 0:
        return True
    if len(quotes) % 2:
        return False
    ends = np.array([ord(delimiter), 10, 13, 34], dtype=np.uint8)
    opening, closing = quotes[0::2], quotes[1::2]
    before = buf[np.maximum(opening - 1, 0)]
    ok_open = np.isin(before, ends) | (opening == 0)
    after = buf[np.minimum(closing + 1, len(buf) - 1)]
    ok_close = np.isin(after, ends) | (closing == len(buf) - 1)
    if not (ok_open.all() and ok_close.all()):
        return False
    newlines = np.flatnonzero(buf == 10)
    spanning = np.searchsorted(newlines, opening) < np.searchsorted(newlines, closing)
    mark = delimiter.encode()
    return not any(_holds_a_record(line, mark, width)
                   for start, end in zip(opening[spanning], closing[spanning], strict=True)
                   for line in data[start:end].split(b"\n")[1:])


def _holds_a_record(line, delimiter, width: int) -> bool:
    """Whether a line inside a quoted field holds a whole record's delimiters (``str`` or ``bytes`` alike): the
    quote was a stray one, closed by a later record's quote."""
    return width > 2 and line.count(delimiter) >= width - 1


MAX_BROKEN_QUOTES = 1000
"""More records with broken quoting than this and the file is taken as not CSV at all."""


def _csv_records(text: str, delimiter: str, width: int):
    """Yield ``(first line index, fields or None, error)`` per record, setting aside records with broken quotes.

    The reader is strict about quotes; when a record's quoting is broken (a quote never closed, text
    after a closing quote, or a quoted field running over several lines into a record with the wrong
    number of fields or over a line that holds as many delimiters as a whole record), that record's
    first line is reported as damaged and reading resumes on the next line, so one stray quote costs
    one record and never swallows the records after it.
    """
    lines = io.StringIO(text, newline="").readlines()
    pos = [0]

    def feed():
        while pos[0] < len(lines):
            pos[0] += 1
            yield lines[pos[0] - 1]

    reader = csv.reader(feed(), delimiter=delimiter, strict=True)
    broken = 0
    while True:
        first = pos[0]
        try:
            fields = next(reader)
            over = lines[first + 1:pos[0]]
            if fields and len(fields) != width and pos[0] - first > 1 and (
                    width <= 2 or any(_holds_a_record(line, delimiter, width) for line in over)):
                # a stray quote closed in a later record; a quoted field over lines that are no records of their
                # own is a real line break in a row of the wrong width (rejected as such, one record)
                raise csv.Error(f"a quoted field runs over {pos[0] - first} lines into a record of {len(fields)} "
                                f"fields, the header has {width}")
            swallowed = next((first + 1 + i for i, line in enumerate(over)
                              if _holds_a_record(line, delimiter, width)), None)
            if fields and swallowed is not None:
                raise csv.Error(f"a quoted field runs over line {swallowed + 1}, which holds a whole record of its "
                                "own")
        except StopIteration:
            return
        except csv.Error as exc:
            broken += 1
            if broken > MAX_BROKEN_QUOTES:
                raise _TooBroken(first) from None
            yield first, None, str(exc)
            pos[0] = first + 1
            reader = csv.reader(feed(), delimiter=delimiter, strict=True)
            continue
        yield first, fields, None


class _TooBroken(Exception):
    def __init__(self, line: int) -> None:
        self.line = line


def exact_records(text: str, *, file: str, delimiter: str, width: int, skip: int):
    """Yield ``(row, first line index, fields or None, error)`` per data record of ``text``, as the exact path
    numbers them (the header is row 1; the lines above it count; empty lines are no records)."""
    csv.field_size_limit(MAX_FIELD_BYTES)
    record = 0
    header_left = 1 + skip
    try:
        for first, fields, error in _csv_records(text, delimiter, width):
            if header_left:
                header_left -= 1
                record += 1
                continue
            if fields is not None and not fields:
                continue  # an empty line is not a record (pyarrow skips it too)
            record += 1
            yield record, first, fields, error
    except _TooBroken as exc:
        raise DataError(f"more than {MAX_BROKEN_QUOTES} records have broken quoting (the last at line "
                        f"{exc.line + 1})", file=file, fix="check that this is a CSV file and the delimiter is "
                        f"{_DELIMITER_NAMES.get(delimiter, repr(delimiter))}; export the file again") from None


def broken_line_value(line: str) -> str:
    """The load report's value for a record with broken quoting: its first line as written."""
    return line.rstrip("\r\n")[:80]


def _read_csv_exactly(data: bytes, *, file: str, delimiter: str, names: list[str], skip: int):
    """The slow, exact path: every record with its row number; ragged rows and broken quotes rejected, not guessed."""
    text = data.decode("utf-8")
    lines_text = None
    width = len(names)
    good, good_rows, bad_rows, bad_values, bad_reasons = [], [], [], [], []
    for record, first, fields, error in exact_records(text, file=file, delimiter=delimiter, width=width, skip=skip):
        if fields is None:
            if lines_text is None:
                lines_text = io.StringIO(text, newline="").readlines()
            bad_rows.append(record)
            bad_values.append(broken_line_value(lines_text[first]))
            bad_reasons.append(broken_quote_reason(error))
        elif len(fields) == width:
            good.append(fields)
            good_rows.append(record)
        elif len(fields) < width and not any(f.strip() for f in fields):
            good.append(fields + [""] * (width - len(fields)))
            good_rows.append(record)
        else:
            bad_rows.append(record)
            bad_values.append(delimiter.join(fields)[:80])
            bad_reasons.append(ragged_reason(len(fields), width))
    frame = pd.DataFrame(good, columns=names, dtype="str") if good else pd.DataFrame(
        {n: pd.Series(dtype="str") for n in names})
    frame = frame.replace("", np.nan) if len(frame) else frame
    rejected = []
    if bad_rows:
        rejected.append(pd.DataFrame({"row": bad_rows, "column": "", "value": bad_values, "reason": bad_reasons}))
    return frame, np.asarray(good_rows, dtype=np.int64), rejected


def broken_quote_reason(error) -> str:
    """The load report's reason for a record whose quote is not closed where its field ends."""
    return (f'broken quoting: a quote (") opened in this record is not closed where its field ends ({error}); the '
            "record is set aside and the next line read as the next record")


def ragged_reason(fields: int, width: int) -> str:
    """The load report's reason for a record with another number of fields than the header."""
    return f"row has {fields} fields, the header has {width} (an unquoted delimiter or a broken quote)"


_SUMMARY = re.compile(r"(?:grand\s+|sub-?)?(?:totals?|sum|summe|gesamt|totaal|average|avg|count)\s*(?:$|[:(=0-9])",
                      re.IGNORECASE)
"""The first value of a footer row that reports tools add below the records ('Total', 'Grand total: 3 tickets'); not
a subject that starts with the word ('Total outage in EU')."""


SUMMARY_REASON = "summary row at the end of the export (a total, not a record)"


def summary_rows(frame: pd.DataFrame, blank: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """Footer rows at the end (below the last record, blank rows aside): fewer values than a record and the first
    one a total, sum, average or count. Returns the mask and each such row's first value."""
    mask = np.zeros(len(frame), dtype=bool)
    said = []
    for i in range(len(frame) - 1, max(-1, len(frame) - 6), -1):  # a footer is a line or two, never more than five
        if blank[i]:
            continue
        values = [str(v).strip() for v in frame.iloc[i] if not pd.isna(v) and str(v).strip()]
        if not values or len(values) >= frame.shape[1] or not _SUMMARY.match(values[0]):
            break
        mask[i] = True
        said.insert(0, values[0][:80])
    return mask, said


def _drop_unusable(raw: RawTable, header: list[str], rejected: list[pd.DataFrame]) -> None:
    """Reject blank rows and header rows repeated mid-file (concatenated exports), in place."""
    frame = raw.frame
    if len(frame):
        # A row can only be blank if its first values are: check all columns only for those candidates.
        head = frame.iloc[:, : min(3, frame.shape[1])]
        maybe = np.asarray(head.isna().all(axis=1), dtype=bool)
        all_blank = np.zeros(len(frame), dtype=bool)
        if maybe.any():
            all_blank[maybe] = np.asarray(frame[maybe].isna().all(axis=1), dtype=bool)
        # Cheap first pass on two columns, full comparison only for the few candidate rows.
        named = [(col, name.lower()) for col, name in zip(frame.columns, header, strict=False) if name]
        candidate = np.zeros(len(frame), dtype=bool)
        for col, name in named[:2]:
            candidate |= (frame[col].astype("str").str.strip().str.lower() == name).to_numpy()
        repeated = np.zeros(len(frame), dtype=bool)
        if candidate.any():
            sub = frame[candidate]
            matches = sum((sub[col].astype("str").str.strip().str.lower() == name).to_numpy() for col, name in named)
            repeated[np.flatnonzero(candidate)] = matches >= max(2, len(named) // 2)
        first = frame.iloc[:, 0]
        blank_text = ~all_blank & (first.isna() | (first.astype("str").str.strip() == "")).to_numpy()
        if blank_text.any():
            # whitespace-only rows (",  , ,") count as blank too; checked only where the first value is blank
            sub = frame[blank_text]
            ws = sub.apply(lambda c: c.isna() | (c.astype("str").str.strip() == ""))
            all_blank[np.flatnonzero(blank_text)] = ws.all(axis=1).to_numpy()
        for mask, reason in ((all_blank, "row is blank"), (repeated, "repeated header row (files joined together?)")):
            if mask.any():
                rejected.append(pd.DataFrame({"row": raw.row_numbers[mask], "column": "", "value": "",
                                              "reason": reason}))
        summary, said = summary_rows(frame, all_blank)
        if summary.any():
            rejected.append(pd.DataFrame({"row": raw.row_numbers[summary], "column": "", "value": said,
                                          "reason": SUMMARY_REASON}))
        keep = ~(all_blank | repeated | summary)
        if not keep.all():
            raw.frame = frame[keep].reset_index(drop=True)
            raw.row_numbers = raw.row_numbers[keep]
    if rejected:
        raw.rejected = pd.concat(rejected, ignore_index=True).sort_values("row", kind="stable").reset_index(drop=True)


# --- Excel, Parquet, JSON ----------------------------------------------------------------------------------------

def _read_xlsx(data: bytes, *, file: str, sheet: str | int | None) -> RawTable:
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise DataError(f"the file cannot be opened as an Excel workbook ({type(exc).__name__})", file=file,
                        fix="open it in Excel and save it again as .xlsx, or export CSV") from None
    except Exception as exc:  # openpyxl raises its own InvalidFileException and friends
        raise DataError(f"the file cannot be opened as an Excel workbook ({exc})", file=file,
                        fix="open it in Excel and save it again as .xlsx, or export CSV") from None
    try:
        if sheet is None:
            ws = next((w for w in book.worksheets if (w.max_row or 0) > 0), book.worksheets[0])
        elif isinstance(sheet, int):
            ws = book.worksheets[sheet]
        else:
            ws = book[sheet]
    except (KeyError, IndexError):
        raise DataError(f"there is no sheet {sheet!r}", file=file,
                        fix=f"use one of {', '.join(repr(n) for n in book.sheetnames)}") from None
    import xml.etree.ElementTree as ET

    try:  # read-only mode parses the sheet's XML while the rows are read: damage shows here, not on opening
        rows = ws.iter_rows(values_only=True)
        empty, first = 0, []
        for values in rows:  # leading empty rows
            if _filled(values):
                first = [values, *itertools.islice(rows, MAX_LINES_ABOVE_HEADER + 20)]
                break
            empty += 1
        if not first:
            raise DataError(f"the sheet {ws.title!r} is empty", file=file, fix="choose the sheet that holds the data")
        filled = [_filled(values) for values in first]
        # a title block above the header ("Tickets export - Acme"): the header is the first row as wide as its rows
        start = next((i for i in range(min(len(first), MAX_LINES_ABOVE_HEADER + 1))
                      if filled[i] and is_header(filled[i], [n for n in filled[i + 1:] if n][:20])), 0)
        header, header_row = [("" if v is None else str(v)).strip() for v in first[start]], empty + start + 1
        title = "; ".join(f"'{' '.join(str(v).strip() for v in values if v is not None and str(v).strip())[:80]}'"
                          for values, n in zip(first[:start], filled[:start], strict=True) if n)
        rows = itertools.chain(first[start + 1:], rows)
        header, named = visible_names(header)
        while header and not header[-1]:
            header.pop()
        names = unique_names(header)
        width = len(names)
        body = [list(v[:width]) + [None] * (width - len(v[:width])) for v in rows]
    except DataError:
        raise
    except (ET.ParseError, ValueError, KeyError, TypeError, IndexError) as exc:
        raise DataError(f"the sheet {ws.title!r} cannot be read, its XML is damaged ({exc})", file=file,
                        fix="open it in Excel and save it again as .xlsx, or export CSV") from None
    book.close()
    while body and all(v is None or (isinstance(v, str) and not v.strip()) for v in body[-1]):
        body.pop()  # Excel keeps formatted but empty rows at the end of a sheet
    sheet_path = getattr(ws, "_worksheet_path", None)
    formulas, merged = _sheet_formulas_and_merges(data, sheet_path) if sheet_path else ([], [])
    notes = [f"sheet {ws.title!r}"] if len(book.sheetnames) > 1 else []
    notes += named
    if title:
        notes.append(f"{start} row{'s' if start > 1 else ''} above the header skipped: {title}")
    notes += _fill_merged(body, merged, header_row, width)
    if formulas:
        shown = ", ".join(f"{ref} ('={text[:30]}')" for ref, text in formulas[:3])
        notes.append(f"{len(formulas)} cells hold a formula whose result was never calculated and saved ({shown}"
                     f"{' …' if len(formulas) > 3 else ''}); they were read as empty: open the file in Excel, let it "
                     "calculate, save it and load it again")
    frame = pd.DataFrame(body, columns=names, dtype=object)
    frame = frame.apply(_excel_text)
    numbers = np.arange(header_row + 1, header_row + 1 + len(frame))
    raw = RawTable(file=file, frame=frame, row_numbers=numbers, format="xlsx", notes=notes,
                   sheets=[ws.title] + [name for name in book.sheetnames if name != ws.title])
    raw.rows_read = len(frame)
    _drop_unusable(raw, header, [])
    return raw


def zip_members(data: bytes | Path) -> list[str] | None:
    """The files in a zip archive that is not an Excel workbook (an export sent zipped); None for a workbook or a
    damaged archive (the workbook reader then says what is wrong)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data) if isinstance(data, bytes) else data) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    if "xl/workbook.xml" in names or "[Content_Types].xml" in names:
        return None
    return [n for n in names if not n.endswith("/") and not n.startswith("__MACOSX/")
            and not Path(n).name.startswith(".")]


def _read_zip(data: bytes, members: list[str], *, file: str, sheet, encoding, delimiter, select) -> RawTable:
    """The one export inside a zip archive, read as if it were the file given."""
    if len(members) != 1:
        shown = ", ".join(repr(m) for m in members[:8]) + (" …" if len(members) > 8 else "")
        raise DataError(f"this is a zip archive holding {len(members)} files ({shown or 'none'}), not one export",
                        file=file, fix="unzip it and pass the file that holds the data")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        try:
            inner = archive.read(members[0])
        except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError) as exc:  # damaged or encrypted
            raise DataError(f"the zip archive cannot be unpacked ({exc})", file=file,
                            fix="unzip it yourself and pass the file inside") from None
    if inner[:4] == ZIP_MAGIC and zip_members(inner) is not None:  # never unpack without end
        raise DataError(f"this zip archive holds another zip archive ({members[0]!r})", file=file,
                        fix="unzip both and pass the file inside")
    raw = read_bytes(inner, file=file, suffix=suffix_of(members[0]), sheet=sheet, encoding=encoding,
                     delimiter=delimiter, select=select)
    raw.notes.insert(0, f"read {members[0]!r} from the zip archive")
    return raw


def _filled(values) -> int:
    """How many cells of a worksheet row hold something."""
    return sum(v is not None and bool(str(v).strip()) for v in values or ())


def _cell(ref: str) -> tuple[int, int]:
    """``'C5'`` -> (row 5, column index 2)."""
    letters = re.match(r"[A-Z]+", ref).group(0)
    col = 0
    for ch in letters:
        col = col * 26 + ord(ch) - 64
    return int(ref[len(letters):]), col - 1


def _sheet_formulas_and_merges(data: bytes, sheet_path: str) -> tuple[list[tuple[str, str]], list[str]]:
    """Formula cells without a saved result, and merged ranges, read from the sheet's XML (streamed).

    openpyxl's read-only mode (used for speed) shows neither: a formula never calculated reads as
    empty, and the cells under a merged cell are empty although a person sees the merged value.
    """
    import xml.etree.ElementTree as ET

    ns = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    formulas, merged = [], []
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive, archive.open(sheet_path.lstrip("/")) as fh:
            for _, elem in ET.iterparse(fh):
                if elem.tag == f"{ns}c":
                    f = elem.find(f"{ns}f")
                    v = elem.find(f"{ns}v")
                    if f is not None and f.text and (v is None or not (v.text or "").strip()):
                        formulas.append((elem.get("r", "?"), f.text))
                    elem.clear()
                elif elem.tag == f"{ns}mergeCell" and elem.get("ref"):
                    merged.append(elem.get("ref"))
    except (KeyError, zipfile.BadZipFile, ET.ParseError):
        return [], []  # the values were read; only these two checks are skipped
    return formulas, merged


def _fill_merged(body: list[list], merged: list[str], header_row: int, width: int) -> list[str]:
    """Give every cell of a merged range the value shown for it (the top-left cell's), in place; say so."""
    filled = []
    for ref in merged:
        if not re.fullmatch(r"[A-Z]+[0-9]+:[A-Z]+[0-9]+", ref):
            continue  # a single cell, whole rows or columns ('2:3'), or damage: nothing to fill
        (r1, c1), (r2, c2) = (_cell(x) for x in ref.split(":"))
        first = r1 - header_row - 1
        if first < 0 or first >= len(body) or c1 >= width:
            continue  # a merged title or header: not data
        value = body[first][c1]
        for r in range(max(first, 0), min(r2 - header_row, len(body))):
            for c in range(c1, min(c2 + 1, width)):
                if body[r][c] is None:
                    body[r][c] = value
        filled.append(ref)
    if not filled:
        return []
    return [f"{len(filled)} merged cell ranges ({', '.join(filled[:3])}{' …' if len(filled) > 3 else ''}): every "
            "cell of a range was given the range's value, as Excel shows it"]


def _excel_text(col: pd.Series) -> pd.Series:
    """Excel cells as text: dates in ISO form, whole numbers without '.0'; unformatted date serials stay numbers."""
    def one(v):
        if v is None:
            return np.nan
        if isinstance(v, datetime.datetime):
            return v.isoformat(sep=" ")
        if isinstance(v, datetime.date | datetime.time):  # a time-only cell (a time of day, or a duration < 1 day)
            return v.isoformat()
        if isinstance(v, datetime.timedelta):  # a duration cell formatted [h]:mm:ss
            sign, seconds = "-" if v < datetime.timedelta(0) else "", abs(int(v.total_seconds()))
            return f"{sign}{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"
        if isinstance(v, float) and v.is_integer():
            # beyond 2**53 a float holds no exact integer: say it as Excel shows it, not as made-up digits
            return str(int(v)) if abs(v) < 2**53 else f"{v:.15G}"
        return str(v)
    return col.map(one).astype("str")


def _read_parquet(data: bytes, *, file: str) -> RawTable:
    import pyarrow.parquet as pq

    try:
        frame = pq.read_table(io.BytesIO(data)).to_pandas()
    except (pa.ArrowException, OSError) as exc:
        raise DataError(f"the Parquet file cannot be read ({exc})", file=file, fix="write it again") from None
    frame.columns = unique_names([str(c) for c in frame.columns])
    raw = RawTable(file=file, frame=frame.reset_index(drop=True), row_numbers=np.arange(1, len(frame) + 1),
                   format="parquet")
    raw.rows_read = len(frame)
    return raw


class _Unusable(str):
    """Why a wrapped record cannot be used (its row is rejected with this reason)."""


MAX_JSON_DEPTH = 100
"""Records nested deeper than this are rejected (no export nests that deep; deeper would exhaust the stack)."""


_SINGER_MESSAGE = _Unusable("a Singer SCHEMA/STATE message")
"""What :func:`_unwrap` gives for a Singer message that is not a record (skipped and said, not rejected)."""


def _unwrap(record):
    """Airbyte and Singer wrap each record; return the record itself (:data:`_SINGER_MESSAGE` for Singer SCHEMA/STATE).

    An Airbyte record whose ``_airbyte_data`` text is not a JSON object comes back as :class:`_Unusable`.
    """
    if isinstance(record, dict):
        if "_airbyte_data" in record:
            inner = record["_airbyte_data"]
            if isinstance(inner, str):
                try:
                    inner = json.loads(inner)
                except (json.JSONDecodeError, RecursionError) as exc:
                    return _Unusable(f"the Airbyte record's _airbyte_data is not valid JSON ({_json_problem(exc)})")
            return inner
        if record.get("type") == "RECORD" and isinstance(record.get("record"), dict):
            return record["record"]
        if record.get("type") in ("SCHEMA", "STATE", "ACTIVATE_VERSION") and "stream" in record or \
                record.get("type") == "STATE":
            return _SINGER_MESSAGE
    return record


def _json_problem(exc: Exception) -> str:
    return "nested too deeply" if isinstance(exc, RecursionError) else str(exc)


def _depth(value, limit: int) -> bool:
    """Whether ``value`` nests deeper than ``limit`` levels (iterative: safe on any depth)."""
    stack = [(value, 1)]
    while stack:
        item, level = stack.pop()
        if level > limit:
            return True
        if isinstance(item, dict):
            stack.extend((v, level + 1) for v in item.values() if isinstance(v, dict | list))
        elif isinstance(item, list):
            stack.extend((v, level + 1) for v in item if isinstance(v, dict | list))
    return False


def _json_lines(text: str) -> bool:
    """Whether text that is not one JSON document is JSON lines: one of its first lines is a JSON object on its
    own (a pretty-printed document's lines are not)."""
    for line in [line for line in text.splitlines()[:50] if line.strip()][:5]:
        try:
            if isinstance(json.loads(line.lstrip("\ufeff")), dict):
                return True
        except (json.JSONDecodeError, RecursionError):
            continue
    return False


def _read_json(data: bytes, *, file: str) -> RawTable:
    text = data.decode("utf-8")
    records: list = []
    numbers: list[int] = []
    bad_rows, bad_values, bad_reasons = [], [], []
    try:
        whole = json.loads(text)
        lines = False
    except RecursionError:
        raise DataError("the JSON is nested too deeply to be an export (thousands of levels)",
                        file=file, fix="export the records as a JSON array of objects or JSON lines") from None
    except json.JSONDecodeError as exc:
        lines = _json_lines(text)
        if not lines:  # one document (its first line is no record on its own), broken
            cut = exc.pos >= len(text.rstrip()) or exc.msg.startswith("Unterminated string")
            raise DataError(f"the file is not valid JSON or JSON lines ({exc})"
                            + ("; it stops before the JSON is complete: the file was cut off" if cut else ""),
                            file=file, fix="download or export it again" if cut else
                            "export as JSON (an array of objects) or JSON lines (one object per line)") from None
    if not lines:
        if isinstance(whole, dict) and isinstance(whole.get("_embedded"), dict):
            whole = whole["_embedded"]  # HAL-style APIs (Help Scout) put the records one level down
        if isinstance(whole, dict):
            key = next((k for k in _RECORD_KEYS if isinstance(whole.get(k), list)), None)
            if key is None:
                key = next((k for k, v in whole.items() if isinstance(v, list) and v and isinstance(v[0], dict)), None)
            whole = whole[key] if key is not None else [whole]
        if not isinstance(whole, list):
            raise DataError("the JSON holds no list of records", file=file,
                            fix="export a JSON array of objects, or one object per line (JSON lines)")
        records, numbers = whole, list(range(1, len(whole) + 1))
    else:
        for i, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                records.append(json.loads(line.lstrip("\ufeff")))  # files joined with `cat` keep their BOMs
                numbers.append(i)
            except (json.JSONDecodeError, RecursionError) as exc:
                bad_rows.append(i)
                bad_values.append(line[:80])
                bad_reasons.append("line is nested too deeply" if isinstance(exc, RecursionError)
                                   else "line is not valid JSON")
                if len(bad_rows) == 1:
                    first_error = _json_problem(exc)
        if not records:
            raise DataError(f"the file is not valid JSON or JSON lines ({first_error})", file=file,
                            rows=bad_rows[:5], total=len(bad_rows),
                            fix="export as JSON (an array of objects) or JSON lines (one object per line)")
    unwrapped = [_unwrap(r) for r in records]
    skipped = sum(r is _SINGER_MESSAGE for r in unwrapped)
    unusable = [(numbers[i], str(r)) for i, r in enumerate(unwrapped)
                if isinstance(r, _Unusable) and r is not _SINGER_MESSAGE]
    deep = [numbers[i] for i, r in enumerate(unwrapped) if isinstance(r, dict) and _depth(r, MAX_JSON_DEPTH)]
    deep_set = set(deep)
    keep = [i for i, r in enumerate(unwrapped) if isinstance(r, dict) and numbers[i] not in deep_set]
    not_objects = [numbers[i] for i, r in enumerate(unwrapped)
                   if not isinstance(r, dict) and not isinstance(r, _Unusable)]  # null, a number, a list
    records = [unwrapped[i] for i in keep]
    numbers = [numbers[i] for i in keep]
    if not records and (unusable or deep or not_objects):
        why = (unusable[0][1] if unusable else f"nested more than {MAX_JSON_DEPTH} levels deep" if deep
               else "not a JSON object")
        raise DataError(f"none of the {len(unwrapped)} records can be used (the first: {why})", file=file,
                        fix="export the records again as JSON objects, one per record")
    if not any(records) and not (unusable or deep or not_objects):  # [] or {"tickets": []} or [{}, {}]
        raise DataError(f"the JSON holds no records{' with any fields' if records else ''}", file=file,
                        fix="check the export's filters and date range, and export again")
    frame = pd.json_normalize(records, sep=".") if records else pd.DataFrame()
    frame.columns = unique_names([str(c) for c in frame.columns])
    raw = RawTable(file=file, frame=frame, row_numbers=np.asarray(numbers, dtype=np.int64),
                   format="jsonl" if lines else "json")
    rejected = []
    if bad_rows:
        rejected.append(pd.DataFrame({"row": bad_rows, "column": "", "value": bad_values, "reason": bad_reasons}))
    if unusable:
        rejected.append(pd.DataFrame({"row": [r for r, _ in unusable], "column": "_airbyte_data", "value": "",
                                      "reason": [why for _, why in unusable]}))
    if deep:
        rejected.append(pd.DataFrame({"row": deep, "column": "", "value": "",
                                      "reason": f"record is nested more than {MAX_JSON_DEPTH} levels deep"}))
    if not_objects:
        rejected.append(pd.DataFrame({"row": not_objects, "column": "", "value": "",
                                      "reason": "record is not a JSON object"}))
    if skipped:
        raw.notes.append(f"{skipped} Singer SCHEMA/STATE messages skipped (not records)")
    raw.rows_read = len(frame) + len(bad_rows) + len(not_objects) + len(unusable) + len(deep)
    if rejected:
        raw.rejected = pd.concat(rejected, ignore_index=True)
    return raw
