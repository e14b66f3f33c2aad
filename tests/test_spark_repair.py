"""The Spark reader's UTF-8 copy of an export whose bytes the pandas reader repairs: the same text, encoding and
notes as :func:`toolkit.io.read.decode_text` gives for the whole file, whatever the blocks it is streamed in."""

from __future__ import annotations

import errno
import gzip

import pytest

from toolkit.errors import DataError
from toolkit.io.read import decode_text
from toolkit.spark import repair

HEADER = b"ticket_id,created_at,status,channel,subject\n"
FILES = {
    "NUL bytes": HEADER + b"1,2026-03-02,open,email,Printer\x00\x00 jams\n2,2026-03-03,open,web,Login\x00\n",
    "UTF-8 and cp1252 lines": HEADER + b"1,2026-03-02,open,email,Caf\xc3\xa9\n2,2026-03-03,open,web,R\xe9sum\xe9\n"
                              b"3,2026-03-04,open,web,na\xc3\xafve\n4,2026-03-05,open,web,cr\xe8me",
    "both": HEADER + b"1,2026-03-02,open,email,Caf\xc3\xa9\n2,2026-03-03,open,web,R\xe9sum\xe9\x00\n",
    "cp1252 throughout": HEADER + b"1,2026-03-02,open,email,R\xe9sum\xe9\n2,2026-03-03,open,web,cr\xe8me\n",
    "cp1252 late, lines ending CR LF": (HEADER + b"".join(b"%d,2026-03-02,open,email,Printer %d\n" % (i, i)
                                                         for i in range(300)) + b"9,2026-03-02,open,web,\xe9t\xe9\n"
                                        ).replace(b"\n", b"\r\n"),
    "a BOM and cp1252": b"\xef\xbb\xbf" + HEADER + b"1,2026-03-02,open,email,R\xe9sum\xe9\n",
}


def mkdir(tmp_path):
    folder = tmp_path / "copies"
    folder.mkdir(parents=True)
    return folder


@pytest.mark.parametrize("block", [7, 100, repair.BLOCK_BYTES])
@pytest.mark.parametrize("name", list(FILES))
def test_the_copy_is_the_text_the_pandas_reader_reads(tmp_path, monkeypatch, name, block):
    monkeypatch.setattr(repair, "BLOCK_BYTES", block)
    path = tmp_path / "export.csv"
    path.write_bytes(FILES[name])
    seen = repair.scan(path, compressed=False)
    assert seen.needs_copy()
    copy, encoding, notes = repair.repaired_copy(path, False, "export.csv", seen, mkdir(tmp_path))
    assert (encoding, copy.read_bytes(), notes) == decode_text(FILES[name], file="export.csv", encoding=None,
                                                               full=True, repair=True)


def test_the_notes_say_what_was_repaired_and_where(tmp_path):
    path = tmp_path / "export.csv.gz"
    path.write_bytes(gzip.compress(FILES["both"]))
    seen = repair.scan(path, compressed=True)
    copy, encoding, notes = repair.repaired_copy(path, True, "export.csv.gz", seen, mkdir(tmp_path))
    assert copy.name == "export.csv" and encoding == "utf-8"
    assert copy.read_text(encoding="utf-8").splitlines()[1:] == ["1,2026-03-02,open,email,Café",
                                                                 "2,2026-03-03,open,web,Résumé"]
    assert notes == ["1 NUL byte (\\0, never text) removed, the first on line 3",
                     "encoding UTF-8, but 1 line in cp1252 (the file mixes two encodings; each line read in its own, "
                     "e.g. line 3: '2,2026-03-03,open,web,Résumé')"]


@pytest.mark.parametrize("data", [HEADER + b"1,2026-03-02,open,email,Caf\xc3\xa9\n",
                                  b"\xef\xbb\xbf" + HEADER + b"1,2026-03-02,open,email,a\x00b\n"])
def test_utf8_exports_are_read_as_they_are(tmp_path, data):
    # the usual export, and a UTF-8 file with a BOM, which the pandas reader takes as it is, NUL bytes and all
    path = tmp_path / "export.csv"
    path.write_bytes(data)
    assert not repair.scan(path, compressed=False).needs_copy()


@pytest.mark.parametrize("block", [9, repair.BLOCK_BYTES])
def test_lines_ending_in_two_kinds_of_line_end_end_in_line_feeds_outside_quotes(tmp_path, monkeypatch, block):
    # the pandas reader ends a line at each kind; Spark takes the first line's kind for all
    monkeypatch.setattr(repair, "BLOCK_BYTES", block)
    path = tmp_path / "export.csv"
    path.write_bytes(b'id,text\r\n1,"a\rb\r\nc\nd"\r2,d\n3,"e""\r"\r\n4,f\r5,g\n')
    seen = repair.scan(path, compressed=False)
    assert seen.needs_copy() and seen.valid and not seen.nuls and seen.line_ends == {"CR LF", "CR", "LF"}
    copy, encoding, notes = repair.repaired_copy(path, False, "export.csv", seen, mkdir(tmp_path))
    assert (copy.read_bytes(), encoding, notes) == (b'id,text\n1,"a\rb\r\nc\nd"\n2,d\n3,"e""\r"\n4,f\n5,g\n',
                                                    "utf-8", [])
    for one_kind in (b'id,text\r1,a\r2,"b\n"\r',  # carriage returns alone: Spark reads such lines
                     b'id,text\r\n1,"a\nb"\r\n',  # CR LF with line feeds in quotes (Excel's line breaks in a cell)
                     b'id,text\n1,"a\rb\r\nc"\n'):  # two kinds in quotes only: text to both readers
        path.write_bytes(one_kind)
        assert not repair.scan(path, compressed=False).needs_copy()


def test_a_file_of_nul_bytes_is_refused_as_the_pandas_reader_refuses_it(tmp_path):
    data = HEADER + b"1,2026-03-02,open,email," + b"\x00" * 40 + b"\n"
    path = tmp_path / "export.csv"
    path.write_bytes(data)
    with pytest.raises(DataError) as error:
        repair.repaired_copy(path, False, "export.csv", repair.scan(path, compressed=False), mkdir(tmp_path))
    with pytest.raises(DataError) as expected:
        decode_text(data, file="export.csv", encoding=None, full=True, repair=True)
    assert str(error.value) == str(expected.value) == (
        "file export.csv: this looks like a binary file, not a text export (it contains NUL bytes). Fix: export "
        "the data as CSV, Excel (.xlsx), JSON or Parquet")


@pytest.mark.parametrize("block", [7, repair.BLOCK_BYTES])
def test_utf16_is_copied_as_the_pandas_reader_decodes_it(tmp_path, monkeypatch, block):
    monkeypatch.setattr(repair, "BLOCK_BYTES", block)
    text = "ticket_id,subject\n1,Café\n2,\U0001F600 smile\n"
    path = tmp_path / "export.csv"
    for data, codec in ((text.encode("utf-16"), "utf-16"), (text.encode("utf-16")[:-1], "utf-16"),
                        (text.encode("utf-16-le"), "utf-16-le")):
        path.write_bytes(data)
        copy, notes = repair.utf16_copy(path, False, codec, ["encoding"], mkdir(tmp_path / codec / str(len(data))))
        expected = decode_text(data, file="export.csv", encoding=None, full=True, repair=True)
        assert (codec, copy.read_bytes()) == expected[:2] and notes[1:] == expected[2][1:]
    path.write_bytes(text.encode("utf-16-le")[:-1])  # no byte-order mark and cut off: not UTF-16 to pandas either
    assert repair.utf16_copy(path, False, "utf-16-le", [], mkdir(tmp_path / "odd")) is None


def test_a_cluster_export_in_a_folder_that_cannot_take_the_copy_stops_with_a_fix(tmp_path, monkeypatch):
    class Cluster:  # a session whose executors are elsewhere: the copy must sit beside the export
        class sparkContext:
            master = "spark://head:7077"

    folder = tmp_path / "mount"
    folder.mkdir()
    copies = repair.copy_folder(Cluster(), folder / "export.csv", "export.csv")
    assert copies.parent == folder and copies.name.startswith(".support-toolkit-utf8-")

    def read_only(**kwargs):
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(repair.tempfile, "mkdtemp", read_only)  # a read-only mount (root may write anywhere here)
    with pytest.raises(DataError) as error:
        repair.copy_folder(Cluster(), folder / "export.csv", "export.csv")
    assert str(error.value) == (
        "file export.csv: the export needs a repaired UTF-8 copy for Spark to read, and its folder cannot take one "
        "(Read-only file system). Fix: copy the export to a folder on the cluster's mount that you can write to, or "
        "load it with the pandas engine")
