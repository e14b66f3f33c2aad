"""A UTF-8 copy of a CSV export whose bytes the pandas reader repairs, for Spark to read.

The pandas reader decodes the whole file in memory (:func:`toolkit.io.read.decode_text`): it removes a few NUL
bytes, reads a file that mixes UTF-8 and legacy lines one line at a time, and judges a legacy encoding on the
file's start and on the bytes around its first invalid UTF-8, wherever that is. Spark's CSV reader reads one
charset and keeps NUL bytes, so such a file is streamed once on the driver to learn what the pandas reader would
decide (:func:`scan`), and, where it would change the bytes or end lines where Spark does not (two kinds of line
end, such as a carriage return alone among line feeds), streamed again into a UTF-8 copy with the same text, line
ends and notes (:func:`repaired_copy`). Memory stays at one block of :data:`BLOCK_BYTES`; a file that is UTF-8
without NUL bytes with one kind of line end (the usual export) costs one read and no copy.
"""

from __future__ import annotations

import atexit
import codecs
import gzip
import io
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from toolkit.errors import DataError
from toolkit.io.read import (
    HALF_CHARACTER_NOTE,
    SAMPLE_BYTES,
    broken_line_value,
    broken_quote_reason,
    check_nuls,
    detected_encoding,
    detected_notes,
    exact_records,
    legacy_encoding,
    mixed_note,
    nul_note,
)

BLOCK_BYTES = 16 << 20
LINE_END = re.compile(rb"\r\n?")
MAX_DRIVER_BYTES = 1 << 30
"""Largest file the driver reads whole with the pandas rules (a CSV with broken quoting, read record by record by
:func:`without_broken_records`; a JSON export or a zip archive, :func:`toolkit.spark.read.driver_reader`); a larger
one stops with a fix."""
PROBE_BYTES = 2048
"""Bytes either side of the first invalid UTF-8 that the encoding is judged on, as the pandas reader does."""


@dataclass
class Scan:
    """What one pass over a file tells about its bytes (after a UTF-8 BOM, if any), as the pandas reader judges
    them on the whole file."""

    bom: bool = False
    size: int = 0  # bytes after the BOM, NUL bytes included
    nuls: int = 0
    first_nul_line: int = 0
    head: bytes = b""  # the first SAMPLE_BYTES of the text without NUL bytes
    line_feeds: int = 0  # before the current block
    lines: int = 0  # before the current block, as bytes.splitlines counts them
    first_invalid: int = -1  # offset of the first invalid UTF-8 byte in the text without NUL bytes
    probe: bytes = b""  # the bytes around it
    probe_missing: int = 0  # bytes of the probe still to come in the next block
    utf8_beyond_ascii: bool = False  # a whole line of UTF-8 with a character beyond ASCII
    other_lines: int = 0  # lines that are not UTF-8
    first_other_line: int = 0
    first_other: bytes = b""
    others_head: bytes = b""  # the first SAMPLE_BYTES of those lines, joined
    in_quotes: bool = False  # at the end of the current block; after the scan, a quote the file never closes
    line_ends: set = field(default_factory=set)  # LF, CR LF, CR: the kinds that end lines outside quotes
    excel_text: bool = False  # a value written as an Excel text formula ('="00123"') somewhere

    @property
    def valid(self) -> bool:
        return self.first_invalid < 0

    def needs_copy(self) -> bool:
        """Whether the pandas reader reads other text or other lines than Spark reading the file as UTF-8 (a
        valid UTF-8 file with a BOM is taken as it is, NUL bytes and all, as the pandas reader takes it)."""
        return not self.valid or (self.nuls > 0 and not self.bom) or self.mixed_line_ends

    @property
    def mixed_line_ends(self) -> bool:
        """Lines outside quotes end in two kinds of line end (files joined or edited on two systems): Spark takes
        the first line's kind for all of them, the pandas reader ends a line at each."""
        return len(self.line_ends) > 1


def blocks(location: Path, compressed: bool):
    """The file's bytes in blocks that end after a line feed (the last one wherever the file ends)."""
    with (gzip.open if compressed else open)(location, "rb") as fh:
        rest = b""
        while block := fh.read(BLOCK_BYTES):
            block = rest + block
            cut = block.rfind(b"\n") + 1
            rest = block[cut:]
            if cut:
                yield block[:cut]
        if rest:
            yield rest


def scan(location: Path, compressed: bool) -> Scan:
    """One pass over the file: NUL bytes, UTF-8 validity line by line, the samples the pandas reader judges on."""
    seen = Scan()
    tail = b""  # the last PROBE_BYTES of text before the current block
    offset = 0  # bytes of text (without NUL bytes) before the current block
    for number, block in enumerate(blocks(location, compressed)):
        if number == 0 and block[:3] == codecs.BOM_UTF8:
            seen.bom, block = True, block[3:]
        seen.size += len(block)
        nuls = block.count(b"\x00")
        if nuls:
            if not seen.nuls:
                seen.first_nul_line = seen.line_feeds + block.count(b"\n", 0, block.index(b"\x00")) + 1
            seen.nuls += nuls
            block = block.replace(b"\x00", b"")
        if seen.probe_missing:
            seen.probe += block[:seen.probe_missing]
            seen.probe_missing = max(0, seen.probe_missing - len(block))
        if len(seen.head) < SAMPLE_BYTES:
            seen.head += block[:SAMPLE_BYTES - len(seen.head)]
        try:
            block.decode("utf-8")
            seen.utf8_beyond_ascii = seen.utf8_beyond_ascii or not block.isascii()
        except UnicodeDecodeError as error:
            if seen.valid:
                seen.first_invalid = offset + error.start
                at = len(tail) + error.start
                around = tail + block
                seen.probe = around[max(0, at - PROBE_BYTES): at + PROBE_BYTES]
                seen.probe_missing = max(0, at + PROBE_BYTES - len(around))
            _scan_lines(seen, block)
        seen.line_ends |= _line_ends(block, seen.in_quotes)
        seen.excel_text = seen.excel_text or b'="' in block
        seen.in_quotes ^= block.count(b'"') % 2 == 1
        seen.line_feeds += block.count(b"\n")
        seen.lines += _line_count(block)
        offset += len(block)
        tail = (tail + block)[-PROBE_BYTES:]
    return seen


def _kinds(text: bytes) -> set:
    crlf = text.count(b"\r\n")
    counts = {"CR LF": crlf, "LF": text.count(b"\n") - crlf, "CR": text.count(b"\r") - crlf}
    return {kind for kind, count in counts.items() if count}


def _line_ends(block: bytes, in_quotes: bool) -> set:
    """The kinds of line end in ``block`` outside quotes (a line break inside a quoted field is text)."""
    return _kinds(block if not in_quotes and b'"' not in block else _outside(block, in_quotes))


def _outside(block: bytes, in_quotes: bool) -> bytes:
    """The parts of ``block`` outside quotes (every other piece between quotes: a doubled quote closes and opens)."""
    return b'"'.join(block.split(b'"')[int(in_quotes)::2])


def _line_feeds_outside_quotes(block: bytes, in_quotes: bool) -> bytes:
    """``block`` with every line end outside quotes a line feed, as the pandas reader ends lines at each kind."""
    pieces = block.split(b'"')
    pieces[int(in_quotes)::2] = [LINE_END.sub(b"\n", piece) for piece in pieces[int(in_quotes)::2]]
    return b'"'.join(pieces)


def _line_count(block: bytes) -> int:
    """Lines in ``block`` as ``bytes.splitlines`` counts them (LF, CR LF and a lone CR end a line)."""
    ends = block.count(b"\n") + block.count(b"\r") - block.count(b"\r\n")
    return ends + (bool(block) and not block.endswith((b"\n", b"\r")))


def _scan_lines(seen: Scan, block: bytes) -> None:
    """Which lines of ``block`` are UTF-8 (for a file that mixes encodings), as the pandas reader splits them."""
    for index, line in enumerate(block.splitlines(keepends=True)):
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            if not seen.other_lines:
                seen.first_other_line, seen.first_other = seen.lines + index + 1, line
            seen.other_lines += 1
            if len(seen.others_head) < SAMPLE_BYTES:
                seen.others_head += line
        else:
            seen.utf8_beyond_ascii = seen.utf8_beyond_ascii or not line.isascii()


def repaired_copy(location: Path, compressed: bool, file: str, seen: Scan, folder: Path) -> tuple[Path, str, list[str]]:
    """Write the text the pandas reader reads from the file as UTF-8 into ``folder``: (the copy, the encoding the
    pandas reader reports, its notes). Raises its error for a binary file."""
    notes = []
    if seen.nuls:
        check_nuls(seen.nuls, seen.size, seen.head, file)
        notes.append(nul_note(seen.nuls, seen.first_nul_line))
    encoding, line_codec, decoder = "utf-8", None, None
    if not seen.valid and seen.utf8_beyond_ascii:  # UTF-8 lines and lines in one legacy encoding: each in its own
        line_codec = legacy_encoding(seen.others_head[:SAMPLE_BYTES])
        notes.append(mixed_note(seen.other_lines, line_codec, seen.first_other_line, seen.first_other))
    elif not seen.valid:  # one legacy encoding throughout
        encoding = detected_encoding(seen.head + seen.probe, seen.head, file)
        decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    copy = folder / Path(file).name.removesuffix(".gz")  # a plain copy, named as Spark reads it
    replaced = 0
    in_quotes = False
    with open(copy, "wb") as out:
        for number, block in enumerate(blocks(location, compressed)):
            if number == 0 and seen.bom:
                block = block[3:]
            block = block.replace(b"\x00", b"")
            if decoder is not None:
                text = decoder.decode(block)
                replaced += text.count("\ufffd")
                block = text.encode("utf-8")
            elif line_codec is not None:
                block = _mixed_to_utf8(block, line_codec)
            if seen.mixed_line_ends:  # quotes and line ends are the same bytes in UTF-8 and the legacy encodings
                flips = block.count(b'"') % 2 == 1
                block, in_quotes = _line_feeds_outside_quotes(block, in_quotes), in_quotes ^ flips
            out.write(block)
        if decoder is not None:
            text = decoder.decode(b"", final=True)
            replaced += text.count("\ufffd")
            out.write(text.encode("utf-8"))
            notes += detected_notes(encoding, replaced)
    return copy, encoding, notes


def _mixed_to_utf8(block: bytes, legacy: str) -> bytes:
    try:
        block.decode("utf-8")
        return block
    except UnicodeDecodeError:
        pass
    lines = []
    for line in block.splitlines(keepends=True):
        try:
            line.decode("utf-8")
            lines.append(line)
        except UnicodeDecodeError:
            lines.append(line.decode(legacy, errors="replace").encode("utf-8"))
    return b"".join(lines)


def copy_folder(spark, location: Path, file: str) -> Path:
    """Where repaired copies go: the driver's temporary folder in local mode; on a cluster a hidden folder beside
    the export, on the mount the executors read it from. Removed when the Python process ends."""
    if spark.sparkContext.master.startswith("local"):
        folder = Path(tempfile.mkdtemp(prefix="support-toolkit-utf8-"))
    else:
        try:
            folder = Path(tempfile.mkdtemp(prefix=".support-toolkit-utf8-", dir=location.parent))
        except OSError as error:
            raise DataError(f"the export needs a repaired UTF-8 copy for Spark to read, and its folder cannot take "
                            f"one ({error.strerror})", file=file,
                            fix="copy the export to a folder on the cluster's mount that you can write to, or load "
                                "it with the pandas engine") from None
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


def without_broken_records(location: Path, compressed: bool, encoding: str, *, file: str, delimiter: str, width: int,
                           skip: int, folder: Path) -> tuple[Path, dict[int, tuple[str, str]]]:
    """A UTF-8 copy of a CSV with broken quoting (a stray quote that Spark would read the records below into) in
    which each record the pandas reader sets aside is an empty record on its first line, so every other record is
    read as the pandas reader reads it and keeps its row number; and those rows' value and reason.

    Reads the file on the driver, as the pandas reader's exact path does (at most :data:`MAX_DRIVER_BYTES`)."""
    with (gzip.open if compressed else open)(location, "rb") as fh:
        text = fh.read().decode(encoding)
    if "\r" in text and "\n" not in text:  # lines ending in a carriage return alone, as the pandas reader reads them
        text = text.replace("\r", "\n")
    lines = io.StringIO(text, newline="").readlines()
    broken = {}
    for row, first, fields, error in exact_records(text, file=file, delimiter=delimiter, width=width, skip=skip):
        if fields is None:
            line = lines[first]
            broken[row] = (broken_line_value(line), broken_quote_reason(error))
            lines[first] = delimiter * (width - 1) + line[len(line.rstrip("\r\n")):]
    copy = folder / f"records-{Path(file).name.removesuffix('.gz')}"
    with open(copy, "w", encoding="utf-8", newline="") as out:
        out.writelines(lines)
    return copy, broken


def utf16_copy(location: Path, compressed: bool, codec: str, notes: list[str],
               folder: Path) -> tuple[Path, list[str]] | None:
    """A UTF-8 copy of a UTF-16 export, decoded as the pandas reader decodes it (half a character at the end of a
    file with a byte-order mark is dropped and said), and its notes; None where the bytes are not UTF-16 after all
    (the pandas reader then tries other encodings, and so does the caller)."""
    decoder = codecs.getincrementaldecoder(codec)()
    copy = folder / f"utf8-{location.name.removesuffix('.gz')}"
    size = 0
    try:
        with (gzip.open if compressed else open)(location, "rb") as fh, open(copy, "wb") as out:
            while chunk := fh.read(BLOCK_BYTES):
                size += len(chunk)
                out.write(decoder.decode(chunk).encode("utf-8"))
            if codec == "utf-16" and size % 2:  # the decoder holds the odd byte back: dropped
                return copy, [*notes, HALF_CHARACTER_NOTE]
            out.write(decoder.decode(b"", final=True).encode("utf-8"))
    except UnicodeDecodeError:
        return None
    return copy, notes
