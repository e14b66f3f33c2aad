"""Write hand-made hostile ticket exports (bytes, encodings, line ends, quotes, headers) for comparing the engines.

    .venv/bin/python benchmarks/hostile_exports.py --out /tmp/hostile
    .venv/bin/python benchmarks/spark_load_agreement.py /tmp/hostile/*

Each file is a small ticket export with one thing wrong the way exports go wrong: NUL bytes, lines in two
encodings, a legacy encoding first seen past the first megabyte, two kinds of line end, a stray quote, a file cut
off inside a quoted field, group names above the header, UTF-16 cut in half a character; or a file whose name
does not say what it holds (JSON, a workbook, a zip archive, gzip, a web page under a .csv name), which the pandas
reader reads by its content. Results in benchmarks/RESULTS.md ("Spark").
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import zipfile
from pathlib import Path

HEADER = b"ticket_id,created_at,status,channel,subject\n"


def rows(n: int, start: int = 1, text: bytes = b"Printer jams") -> bytes:
    return b"".join(b"%d,2026-03-%02d,open,email,%s %d\n" % (i, i % 28 + 1, text, i) for i in range(start, start + n))


def many(n: int) -> bytes:
    """Rows enough to pass the first megabyte, which the readers judge the file on."""
    return rows(n, text=b"Printer jams again and again")


def utf16(text: bytes, codec: str = "utf-16") -> bytes:
    return text.decode("utf-8").encode(codec)


def exports() -> dict[str, bytes]:
    quoted = b'1,2026-03-02,open,email,"Printer\n2,2026-03-03,open,web,Login fails\n3,2026-03-03,open,web,"x"\n'
    return {
        "nul_in_fields.csv": HEADER + rows(5) + b"6,2026-03-07,open,web,Login\x00 fails\n7,2026-03-08,open,web,x\x00\n",
        "nul_terminators.csv": HEADER + b"".join(b"%d\x00,2026-03-02\x00,open\x00,email\x00,Printer\x00\n" % i
                                                 for i in range(1, 4)),
        "many_nuls_binary.csv": HEADER + b"1,2026-03-02,open,email," + b"\x00" * 200 + b"\n",
        "mixed_utf8_cp1252.csv": HEADER + rows(3, text=b"Caf\xc3\xa9") + b"4,2026-03-05,open,web,Gr\xfc\xdfe\n"
                                 + rows(2, 5, b"na\xc3\xafve"),
        "mixed_utf8_first_legacy_after_1mb.csv": HEADER + b"0,2026-03-01,open,email,Cr\xc3\xa8me\n" + many(30000)
                                                 + b"30001,2026-03-02,open,web,\xe9t\xe9\n",
        "ascii_then_cp1252_after_1mb.csv": HEADER + many(30000) + b"30001,2026-03-02,open,web,\xe9t\xe9 \x80 price\n",
        "cp1252_semicolon.csv": HEADER.replace(b",", b";") + b"1;02.03.2026;open;email;R\xe9sum\xe9\n"
                                b"2;03.03.2026;open;web;\x80 5\n",
        "latin1_throughout.csv": HEADER + b"1,2026-03-02,open,email,\xc9cole\n2,2026-03-03,open,web,A\xf1o\n",
        "mixed_gz.csv.gz": gzip.compress(HEADER + rows(2, text=b"Caf\xc3\xa9")
                                         + b"3,2026-03-05,open,web,R\xe9sum\xe9\n", mtime=0),
        "bom_with_nul.csv": b"\xef\xbb\xbf" + HEADER + b"1,2026-03-02,open,email,a\x00b\n",
        "bom_then_cp1252.csv": b"\xef\xbb\xbf" + HEADER + b"1,2026-03-02,open,email,R\xe9sum\xe9\n",
        "group_header_rows.csv": b"Ticket,,,Customer,\n" + HEADER + rows(3),
        "group_header_rows_semicolon.csv": b"Ticket;Ticket;Ticket;Contact;Contact\n"
                                           + (HEADER + rows(3)).replace(b",", b";"),
        "second_header_display_names.csv": HEADER + b"Ticket ID,Created,Status,Channel,Subject\n" + rows(3),
        "two_header_rows_and_display_names.csv": b"Ticket,,,Customer,\n" + HEADER
                                                 + b"Ticket ID,Created,Status,Channel,Subject\n" + rows(2),
        "repeated_header_mid.csv": HEADER + rows(2) + HEADER + rows(2, 3),
        "lone_cr_among_lf.csv": HEADER + b"1,2026-03-02,open,email,a\r2,2026-03-03,open,web,b\n"
                                b"3,2026-03-04,open,web,c\n",
        "lone_cr_in_quotes.csv": HEADER + b'1,2026-03-02,open,email,"a\rb"\n2,2026-03-03,open,web,c\n',
        "cr_only.csv": (HEADER + rows(3)).replace(b"\n", b"\r"),
        "crlf_with_lone_cr.csv": (HEADER + rows(3)).replace(b"\n", b"\r\n") + b"4,2026-03-05,open,web,d\r"
                                 b"5,2026-03-06,open,web,e\r\n",
        "crlf_then_lf.csv": (HEADER + rows(1)).replace(b"\n", b"\r\n") + b"2,2026-03-03,open,web,b\n"
                            b'3,2026-03-04,open,web,"c\nd"\r\n4,2026-03-05,open,web,e\r\n',
        "lf_then_crlf.csv": HEADER + b"1,2026-03-02,open,email,a\r\n2,2026-03-03,open,web,b\n"
                            b"3,2026-03-04,open,web,c\r\n",
        "cut_off_in_quotes.csv": HEADER + rows(3) + b'4,2026-03-05,open,web,"Export fails when',
        "cut_off_mid_record.csv": HEADER + rows(3) + b"4,2026-03-05,op",
        "stray_quote.csv": HEADER + quoted,
        "stray_quote_then_multiline.csv": HEADER + quoted + b'4,2026-03-04,open,web,"multi\nline"\n',
        "stray_quotes_crlf.csv": (HEADER + b'1,2026-03-02,open,email,Printer "HP\n2,2026-03-03,open,web,"Login" fails\n'
                                  b'3,2026-03-03,open,web,"x\n4,2026-03-04,open,web,y\n'
                                  b'5,2026-03-05,open,web,"z"\n').replace(b"\n", b"\r\n"),
        "quote_open_at_the_end.csv": HEADER + b'1,2026-03-02,open,email,Printer\n2,2026-03-03,open,web,"Login fails\n',
        "excel_formula_after_1mb.csv": HEADER + many(25000) + b'="00123",2026-03-02,open,web,x\n',
        "utf16le_bom.csv": utf16(HEADER + rows(2, text="Café".encode())),
        "utf16_cut_in_half_a_character.csv": utf16(HEADER + rows(2, text="Café".encode()))[:-1],
        "utf16_cut_after_1mb.csv": utf16(HEADER + many(40000))[:-1],
        "utf16le_without_bom.csv": utf16(HEADER + rows(3, text="Café".encode()), "utf-16-le"),
        **misnamed(),
    }


def misnamed() -> dict[str, bytes]:
    """Exports whose name says one format and whose bytes another, and JSON exports with nested and typed values."""
    csv = HEADER + rows(3)
    records = [{"ticket_id": 1, "created_at": "2026-03-02T09:00:00Z", "status": "open", "channel": "email",
                "subject": "Printer jams", "tags": ["printer", "hw"], "custom": {"plan": "pro", "seats": 12}},
               {"ticket_id": 2, "created_at": 1772442000, "status": "solved", "channel": "web", "subject": "Login",
                "tags": [], "custom": {"plan": None}},
               {"ticket_id": "3", "created_at": "2026-03-04", "status": "open", "channel": "web", "subject": None}]
    document = json.dumps(records).encode()
    lines = b"\n".join(json.dumps(r).encode() for r in records) + b"\n"
    return {
        "json_array.json": document,
        "json_lines.jsonl": lines,
        "json_under_a_csv_name.csv": document,
        "json_lines_under_a_txt_name.txt": lines,
        "json_gzipped.json.gz": gzip.compress(document, mtime=0),
        "json_with_a_bom_and_a_broken_line.jsonl": b"\xef\xbb\xbf" + lines + b'{"ticket_id": 4, "status"\n',
        "gzip_under_a_csv_name.csv": gzip.compress(csv, mtime=0),
        "plain_under_a_gz_name.csv.gz": csv,
        "zip_archive.zip": zipped("tickets.csv", csv),
        "zip_under_a_csv_name.csv": zipped("tickets.csv", csv),
        "zip_of_json.zip": zipped("tickets.json", document),
        "workbook_under_a_csv_name.csv": workbook(csv),
        "web_page_under_a_csv_name.csv": b"<!DOCTYPE html><html><body><table><tr><td>ticket_id</td></tr></table>",
        "xml_spreadsheet_under_an_xls_name.xls": b'<?xml version="1.0"?>\n<Workbook xmlns='
                                                 b'"urn:schemas-microsoft-com:office:spreadsheet"></Workbook>',
        "csv_without_a_suffix": csv,
        "csv_under_a_parquet_name.parquet": csv,
    }


def zipped(name: str, data: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(zipfile.ZipInfo(name, date_time=(2026, 3, 2, 0, 0, 0)), data)
    return out.getvalue()


def workbook(csv: bytes) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    for line in csv.decode().splitlines():
        book.active.append(line.split(","))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, required=True, help="folder to write the exports into")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for name, data in exports().items():
        (args.out / name).write_bytes(data)
    print(f"{len(exports())} exports written to {args.out}")


if __name__ == "__main__":
    main()
