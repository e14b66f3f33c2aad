"""The Spark engine's loader against the pandas one: same canonical rows, same load report, same errors."""

from __future__ import annotations

import pandas as pd
import pytest

from toolkit.errors import ConfigError, DataError
from toolkit.io import load_tickets, read_report, read_table, write_table
from toolkit.samples import SAMPLES_DIR

FIXTURES = __import__("pathlib").Path(__file__).parent / "fixtures" / "io"


def spark_load(spark, path, tmp_path, **kwargs):
    """Load on Spark, write the folder, read it back in pandas: (frame, report) as a consultant gets them."""
    from toolkit.spark.load import load_tickets as load_on_spark
    from toolkit.spark.load import write_table as write_from_spark

    frame, report = load_on_spark(path, spark=spark, **kwargs)
    out = write_from_spark(frame, tmp_path / "spark.parquet", report=report)
    return read_table(out), read_report(out)


def pandas_load(path, tmp_path, **kwargs):
    """Load with pandas and round-trip through Parquet, so both frames went through the same reader."""
    frame, report = load_tickets(path, **kwargs)
    out = write_table(frame, tmp_path / "pandas.parquet", table="tickets", report=report)
    return read_table(out), read_report(out)


def assert_same_report(expected, got):
    for name in ("file", "table", "source", "source_detected", "format", "encoding", "delimiter", "rows_read",
                 "rows_kept", "notes", "columns_used", "columns_ignored", "columns_extra"):
        assert getattr(got, name) == getattr(expected, name), name
    pd.testing.assert_frame_equal(got.rejected.astype(str), expected.rejected.astype(str))


@pytest.fixture(scope="module")
def zendesk(spark, tmp_path_factory):
    """The Zendesk fixture (a duplicate, a bad date, a blank row, a skipped hour) loaded by both engines."""
    folder = tmp_path_factory.mktemp("zendesk")
    path = FIXTURES / "zendesk_tickets.csv"
    return pandas_load(path, folder, tz="Europe/Berlin"), spark_load(spark, path, folder, tz="Europe/Berlin"), folder


def test_zendesk_export_loads_the_same_on_spark(zendesk):
    (expected, expected_report), (got, report), _ = zendesk
    assert_same_report(expected_report, report)
    pd.testing.assert_frame_equal(got, expected)


def test_zendesk_rejections_name_row_column_and_reason(zendesk):
    _, (_, report), _ = zendesk
    assert report.rejected.to_dict("records") == [
        {"row": 3, "column": "Id", "value": "10232",
         "reason": "duplicate ticket_id: the row with the latest `Updated at` (row 6) is kept"},
        {"row": 7, "column": "Created at", "value": "yesterday", "reason": "value is not a date"},
        {"row": 8, "column": "", "value": "", "reason": "row is blank"},
    ]
    assert (report.rows_read, report.rows_kept) == (7, 4)


def test_freshdesk_export_loads_the_same_on_spark(spark, tmp_path):
    path = FIXTURES / "freshdesk_tickets.csv"
    expected, expected_report = pandas_load(path, tmp_path, tz="Europe/Berlin")
    got, report = spark_load(spark, path, tmp_path, tz="Europe/Berlin")
    assert_same_report(expected_report, report)
    pd.testing.assert_frame_equal(got, expected)
    assert got["first_reply_minutes"].tolist() == [45.0, 360.0, 4.8]  # H:MM:SS, derived, hours


def test_sample_client_zendesk_export_loads_the_same_on_spark(spark, tmp_path):
    path = SAMPLES_DIR / "zendesk_tickets.csv"
    if not path.exists():
        pytest.skip("the sample client's Zendesk export is missing: run `support-toolkit samples`")
    expected, expected_report = pandas_load(path, tmp_path)
    got, report = spark_load(spark, path, tmp_path)
    assert report.rows_kept == 20000
    assert_same_report(expected_report, report)
    pd.testing.assert_frame_equal(got, expected)


def test_canonical_parquet_loads_as_itself(spark, zendesk, tmp_path):
    (expected, _), _, folder = zendesk
    got, report = spark_load(spark, folder / "pandas.parquet", tmp_path)
    assert (report.source, report.rows_read, report.rows_kept, report.rejected.empty) == ("generic", 4, 4, True)
    pd.testing.assert_frame_equal(got, expected)


def test_cli_load_with_spark_engine_writes_the_same_rows_and_report(spark, zendesk, tmp_path, capsys):
    from toolkit.cli import main

    _, _, folder = zendesk
    out = tmp_path / "s.parquet"
    main(["load", "tickets", str(FIXTURES / "zendesk_tickets.csv"), "--tz", "Europe/Berlin", "--engine", "spark",
          "--out", str(out)])
    assert f"wrote 4 rows to {out}" in capsys.readouterr().out
    pd.testing.assert_frame_equal(read_table(out), read_table(folder / "pandas.parquet"))
    assert_same_report(read_report(folder / "pandas.parquet"), read_report(out))


def test_cli_load_with_spark_engine_reads_a_parquet_folder_and_says_what_else_a_folder_holds(spark, zendesk, tmp_path,
                                                                                          capsys):
    # the loader's own output (a folder of Parquet parts), as a lake holds tables; a folder of CSV exports is not one
    from toolkit.cli import main

    (expected, _), _, folder = zendesk
    out = tmp_path / "again.parquet"
    main(["load", "tickets", str(folder / "spark.parquet"), "--engine", "spark", "--out", str(out)])
    assert f"wrote 4 rows to {out}" in capsys.readouterr().out
    pd.testing.assert_frame_equal(read_table(out), expected)
    exports = tmp_path / "exports"
    exports.mkdir()
    (exports / "january.csv").write_text("ticket_id,created_at,status,channel\n1,2026-01-02,open,email\n")
    with pytest.raises(SystemExit) as stopped:
        main(["load", "tickets", str(exports), "--engine", "spark", "--out", str(tmp_path / "x.parquet")])
    assert stopped.value.code == 2
    assert capsys.readouterr().err.strip() == (
        f"error: file {exports}: the folder holds a file that is not Parquet (january.csv). Fix: pass a folder of "
        "Parquet files (a lake table's folder), or load each export file on its own")
    with pytest.raises(SystemExit):
        main(["load", "tickets", str(exports), "--out", str(tmp_path / "x.parquet")])
    assert capsys.readouterr().err.strip() == f"error: file {exports}: this is a folder, not a file. Fix: pass the " \
                                              "file inside it"


def test_an_export_whose_mapping_runs_code_is_loaded_by_the_pandas_engine_a_lake_table_stops(spark, tmp_path):
    import json

    from toolkit.io import load_messages
    from toolkit.spark.load import load_messages as load_on_spark
    from toolkit.spark.load import write_table as write_from_spark

    # Zendesk API comments saved as CSV: the authors' roles come from a code step (the first comment's author is
    # the customer)
    comments = [json.loads(line)["_airbyte_data"] for line in (FIXTURES / "zendesk_ticket_comments.jsonl").open()]
    path = tmp_path / "comments.csv"
    pd.json_normalize(comments).to_csv(path, index=False)
    expected, expected_report = load_messages(path, source="zendesk_api")
    frame, report = load_on_spark(path, spark=spark, source="zendesk_api")
    got = read_table(write_from_spark(frame, tmp_path / "messages.parquet", report=report))
    assert_same_report(expected_report, report)
    pd.testing.assert_frame_equal(got, expected)
    assert got["author_role"].tolist() == ["customer", "agent", "agent", "customer"]

    lake = tmp_path / "lake"
    lake.mkdir()
    pd.read_csv(path, dtype=str).to_parquet(lake / "part-0.parquet")
    with pytest.raises(ConfigError) as error:
        load_on_spark(lake, spark=spark, source="zendesk_api")
    assert str(error.value) == (
        "file zendesk_api.messages.yaml, `hooks.mapped`: the zendesk_api mapping runs the step "
        "'toolkit.io.zendesk:comment_roles', which the Spark engine does not have. "
        "Fix: load this export with the pandas engine (leave out --engine spark)")


@pytest.mark.parametrize("name", [
    "zendesk_cp1252_semicolon.csv",  # Windows-1252, semicolons, decimal commas
    "malformed/ragged_row.csv",  # 'row has 42 fields, the header has 41 ...': set aside, never shifted or cut
    "jira_issues.csv",  # Jira's '12/Mar/26 9:41 AM' (one-digit hours) and a repeated column name
    "malformed/agents_language.csv",  # German words and dotted dates, a delimiter after every row but the header
    "malformed/backslash_quotes.csv",  # "He said \\"hi\\"": quotes escaped with a backslash
    "malformed/placeholders.csv",  # 'N/A', '-', '#N/A' for no value
    "malformed/basic_iso_dates.csv",  # '20260302T120000Z', '20260304' among day-first dates: never swapped
    "malformed/grouped_numbers.csv",  # "1'234.50" (Swiss), '1\u202f234': digits grouped, read as numbers
    "intercom_conversations.csv",  # HTML in the first message, read as text; '3,600' seconds converted to minutes
    "malformed/written_zones.csv",  # 'UTC+1', 'GMT+0100 (...)', 'Wed Mar 04 09:00:00 UTC 2026', '+0000 UTC'
    "malformed/iso_durations.csv",  # 'PT1H30M', 'P1DT2H' read; 'P1M' (a month) rejected
    "malformed/placeholder_ids.csv",  # a required id written 'N/A', '-', 'null' or blank: rejected, never an id
    "malformed/zone_names.csv",  # '10:00 CET', '10:00 PDT', '2026-03-02T10:00Z' (no seconds before the offset)
    "malformed/excel_text_ids.csv",  # ="00123": Excel's text formula keeping leading zeros
    "malformed/machine_times.csv",  # Unix seconds and milliseconds, '2026-03-02 9:30 PM'
    "malformed/typed_by_hand.csv",  # 'Ticket ID', a name with a line break, Dutch months, '1h 30m', 'Jan 5'
])
def test_hostile_exports_load_the_same_on_spark(spark, tmp_path, name):
    expected, expected_report = pandas_load(FIXTURES / name, tmp_path)
    got, report = spark_load(spark, FIXTURES / name, tmp_path)
    assert_same_report(expected_report, report)
    pd.testing.assert_frame_equal(got, expected)


def test_a_generic_export_written_by_hand_loads_the_same_on_spark(spark, tmp_path):
    # dates with the month spelled out (one with a day name and an offset), ' 12 ' and '12.0' (ticket 12 once
    # conformed: the later row is the duplicate), a status with a non-breaking space, and a summary row below the
    # records after an empty line; one load per engine for all of them
    dates = ["2026-03-01 08:00", "2 Mar 2026 9:00 AM", '"March 2, 2026 at 9:00 AM"',
             '"Thu, 01 Jan 2026 10:00:00 +0100"', "02-Mar-2026", "Sometime in March"]
    ids = [" 12 ", "12.0", "13", "14", "15", "16"]
    statuses = ["open", "open", "Solved\u00a0", "open", "open", "open"]
    path = tmp_path / "by_hand.csv"
    path.write_text("ticket_id,created_at,status,channel,subject\n"
                    + "".join(f"{i},{d},{s},email,Total outage in EU\n" for i, d, s in zip(ids, dates, statuses,
                                                                                               strict=True))
                    + "\nGrand total: 6,,,,\n", encoding="utf-8")
    expected, expected_report = pandas_load(path, tmp_path, source="generic")
    got, report = spark_load(spark, path, tmp_path, source="generic")
    pd.testing.assert_frame_equal(got, expected)
    pd.testing.assert_frame_equal(report.rejected.astype(str), expected_report.rejected.astype(str))
    assert report.rejected[["row", "value", "reason"]].to_dict("records") == [
        {"row": 3, "value": "12", "reason": "duplicate ticket_id (the first occurrence is kept)"},
        {"row": 7, "value": "Sometime in March", "reason": "value is not a date"},
        {"row": 8, "value": "Grand total: 6",  # the empty line is no record
         "reason": "summary row at the end of the export (a total, not a record)"}]
    assert got["status"].tolist() == ["open", "solved", "open", "open"]
    assert got["created_at"].dt.strftime("%m-%d %H:%M").tolist() == ["03-01 08:00", "03-02 09:00", "01-01 09:00",
                                                                     "03-02 00:00"]
    # the dates outside the format of the first non-ISO date, in each group: '02-Mar-2026' ends like an offset
    assert_same_report(expected_report, report)
    assert [n for n in report.notes if "one by one" in n] == [
        "`created_at`: 1 dates were written in another format than the rest and were read one by one (e.g. "
        "'02-Mar-2026'; month first, as decided for the column)",
        "`created_at`: 1 dates were written in another format than the rest and were read one by one (e.g. "
        "'March 2, 2026 at 9:00 AM'; month first, as decided for the column)"]


MIXED_DATES = {
    "with_and_without_a_time": ["03/02/2026 10:00", "03/04/2026", "03/05/2026 11:00"],
    "spelled_out_first": ['"Mar 2, 2026"', "03/04/2026", "03/05/2026"],
    "offsets_after_a_space": ["2 Mar 2026 10:00 +0100", "03/04/2026 10:00 +01:00", "2026-03-05 10:00 +01:00"],
    "zone_names_and_offsets": ["2026-03-02 10:00 CET", "03/04/2026 10:00 +0100", "03/05/2026 10:00 CET"],
    "dutch_months_and_numbers": ["5 januari 2026", "03/04/2026", "6 februari 2026 10:00"],
    "jira_outside_its_mapping": ["12/Mar/26 9:41 AM", "2026-03-04T10:00:00Z", "03/14/2026"],
    "twelve_and_twenty_four_hours": ["3/2/2026 9:00 PM", "3/3/2026 21:00", "3/4/2026 9:00:00 PM"],
    "other_whitespace_before_the_time": ['"03/02/2026\n10:00"', "03/03/2026\u00a010:00", "2026-03-04  10:00"],
}


@pytest.mark.parametrize("name", list(MIXED_DATES))
def test_a_column_of_mixed_date_spellings_loads_with_the_pandas_notes_on_spark(spark, tmp_path, name):
    path = tmp_path / f"{name}.csv"
    path.write_text("ticket_id,created_at,status,channel,subject\n" + "".join(
        f"{i},{d},open,email,x\n" for i, d in enumerate(MIXED_DATES[name], 1)))
    expected, expected_report = pandas_load(path, tmp_path)
    got, report = spark_load(spark, path, tmp_path)
    assert_same_report(expected_report, report)
    pd.testing.assert_frame_equal(got, expected)
    assert len(got) == 3
    if name == "with_and_without_a_time":
        assert report.notes[-1] == ("`created_at`: 1 dates were written in another format than the rest and were "
                                    "read one by one (e.g. '03/04/2026'; month first, as decided for the column)")


@pytest.mark.parametrize("name", ["damaged.csv.gz", "empty.csv", "whitespace_only.csv", "binary_garbage.csv",
                                  "control_characters.csv", "corrupt.xlsx", "xlsx_empty_sheet.xlsx", "old_excel.xls"])
def test_unreadable_files_get_the_pandas_readers_message_on_spark(spark, name):
    from toolkit.spark.load import load_tickets as load_on_spark

    path = FIXTURES / "malformed" / name
    with pytest.raises(DataError) as expected:
        load_tickets(path)
    with pytest.raises(DataError) as got:
        load_on_spark(path, spark=spark)
    assert str(got.value) == str(expected.value)


def test_a_relative_path_that_is_not_there_is_not_read_as_a_table_name(spark):
    from toolkit.spark.load import load_tickets as load_on_spark

    with pytest.raises(DataError) as error:
        load_on_spark("exports/no-such-file.csv", spark=spark)
    assert str(error.value) == ("file exports/no-such-file.csv: no such file, folder or Spark table. Fix: check the "
                                "path, or give a table name the session's catalog knows (db.table)")


def test_an_excel_hint_and_a_title_above_the_header_are_skipped_as_pandas_skips_them(spark, tmp_path):
    # Spark takes the first non-blank line for the header: the hint is dropped there, the title and the real
    # header are read as records and dropped by number; rows keep the pandas numbers, footer included
    path = tmp_path / "titled.csv"
    path.write_text("sep=;\nTickets report, January 2026\n\nId;Created at;Status;Via\n1;2026-03-02;Open;Mail\n"
                    "2;soon;Open;Web\n3;2026-03-04;Solved;Mail\nTotal;3;;\n", encoding="utf-8")
    expected, expected_report = pandas_load(path, tmp_path, source="generic", mapping=TITLED_MAPPING)
    got, report = spark_load(spark, path, tmp_path, source="generic", mapping=TITLED_MAPPING)
    assert_same_report(expected_report, report)
    pd.testing.assert_frame_equal(got, expected)
    assert report.notes[:2] == ["first line 'sep=…' (an Excel hint) skipped",
                                "2 lines above the header skipped: 'Tickets report, January 2026'"]
    assert report.rejected[["row", "value"]].values.tolist() == [[6, "soon"], [8, "Total"]]
    assert got["ticket_id"].tolist() == ["1", "3"]


def test_lines_ending_in_a_carriage_return_alone_load_as_with_pandas(spark, tmp_path):
    path = tmp_path / "mac.csv"
    path.write_bytes(b'ticket_id,created_at,status,channel,description\r1,2026-03-02,open,email,"two\rlines"\r'
                     b"2,2026-03-03,open,web,plain\r3,soon,open,web,x\r")
    expected, expected_report = pandas_load(path, tmp_path)
    got, report = spark_load(spark, path, tmp_path)
    assert_same_report(expected_report, report)
    pd.testing.assert_frame_equal(got, expected)
    assert got["description"].tolist() == ["two\nlines", "plain"]
    assert report.notes[0] == "lines end in a carriage return alone (old Mac style); read as line breaks"


def test_a_parquet_file_under_a_csv_name_is_read_by_its_content_as_pandas_reads_it(spark, tmp_path):
    path = tmp_path / "tickets.csv"
    pd.DataFrame({"ticket_id": ["1", "N/A", "3"], "created_at": ["2026-03-02", "2026-03-03", "soon"],
                  "status": "open", "channel": "email"}).to_parquet(path)
    expected, expected_report = pandas_load(path, tmp_path)
    got, report = spark_load(spark, path, tmp_path)
    assert_same_report(expected_report, report)
    pd.testing.assert_frame_equal(got, expected)
    assert report.format == "parquet" and got["ticket_id"].tolist() == ["1"]


TITLED_MAPPING = {"ticket_id": "Id", "created_at": "Created at", "status": "Status", "channel": "Via"}

BYTES_PANDAS_REPAIRS = {
    # a database's string terminators inside fields: removed, counted, the first line named
    "nul_bytes": b"1,2026-03-02,open,email,Printer\x00\x00 jams\n2,2026-03-03,open,web,Login\x00\n3,soon,open,web,x\n",
    # rows added in Excel to a UTF-8 export: each line read in its own encoding
    "two_encodings": b"1,2026-03-02,open,email,Caf\xc3\xa9\n2,2026-03-03,open,web,R\xe9sum\xe9\n3,soon,open,web,x\n",
    # plain ASCII for its first megabyte, then a cp1252 line: judged on the bytes around it, as pandas judges
    "cp1252_after_a_megabyte": b"".join(b"%d,2026-03-02,open,email,Printer number %d jams again\n" % (i, i)
                                        for i in range(1, 25_001)) + b"25001,2026-03-02,open,web,Caf\xe9 cr\xe8me\n",
    # a carriage return alone, or a CR LF, among line feeds ends a line, except inside quotes, where it is text
    "two_kinds_of_line_end": b'1,2026-03-02,open,email,Printer\r2,2026-03-03,open,web,"Lo\rgin"\r\n'
                             b'3,soon,open,web,x\r\n4,2026-03-05,open,web,"a\r\nb"\n',
    # a file edited on Windows below a header written elsewhere
    "cr_lf_below_a_line_feed": b"1,2026-03-02,open,email,a\r\n2,2026-03-03,open,web,b\r\n",
    # a file cut off inside a quoted field: that last record is set aside, never read to the end of the file
    "cut_off_in_quotes": b'1,2026-03-02,open,email,"Printer ""HP"""\n2,2026-03-03,open,web,Login\n'
                         b'3,2026-03-04,open,web,"Export fails when the report has more than eighty characters in it',
    # a quote never closed, with lines below it that are no whole records: those lines are read as records
    "quote_never_closed": b'1,2026-03-02,open,email,"Printer\nsecond line\n2,2026-03-03,open,web,Login\n',
}


@pytest.mark.parametrize("name", list(BYTES_PANDAS_REPAIRS))
def test_bytes_the_pandas_reader_repairs_load_the_same_on_spark(spark, tmp_path, name):
    path = tmp_path / f"{name}.csv"
    path.write_bytes(b"ticket_id,created_at,status,channel,subject\n" + BYTES_PANDAS_REPAIRS[name])
    expected, expected_report = pandas_load(path, tmp_path)
    got, report = spark_load(spark, path, tmp_path)
    assert_same_report(expected_report, report)
    pd.testing.assert_frame_equal(got, expected)
    assert report.notes[:1] == {
        "nul_bytes": ["3 NUL bytes (\\0, never text) removed, the first on line 2"],
        "two_encodings": ["encoding UTF-8, but 1 line in cp1252 (the file mixes two encodings; each line read in "
                          "its own, e.g. line 3: '2,2026-03-03,open,web,Résumé')"],
        "cp1252_after_a_megabyte": ["encoding cp1252 detected (not UTF-8); text converted to UTF-8"],
        "two_kinds_of_line_end": [], "cr_lf_below_a_line_feed": [], "cut_off_in_quotes": [],
        "quote_never_closed": []}[name]
    assert got["subject"].iat[-1] == {"nul_bytes": "Login", "two_encodings": "Résumé",
                                      "cp1252_after_a_megabyte": "Café crème", "two_kinds_of_line_end": "a\nb",
                                      "cr_lf_below_a_line_feed": "b", "cut_off_in_quotes": "Login",
                                      "quote_never_closed": "Login"}[name]
    if name == "cut_off_in_quotes":
        assert report.rejected[["row", "value"]].values.tolist() == [
            [4, '3,2026-03-04,open,web,"Export fails when the report has more than eighty charact']]


def test_a_utf16_export_cut_off_in_half_a_character_loads_as_with_pandas(spark, tmp_path):
    path = tmp_path / "excel_unicode.txt"
    path.write_bytes("ticket_id\tcreated_at\tstatus\tchannel\tsubject\n1\t2026-03-02\topen\temail\tCafé\n"
                     "2\t2026-03-03\topen\tweb\tLogin\n".encode("utf-16")[:-1])
    expected, expected_report = pandas_load(path, tmp_path)
    got, report = spark_load(spark, path, tmp_path)
    assert_same_report(expected_report, report)
    pd.testing.assert_frame_equal(got, expected)
    assert got["subject"].tolist() == ["Café", "Login"]
    assert report.notes[:2] == ["encoding UTF-16 (Excel 'Unicode text')",
                                "the file ends in half a character (cut off?); that last byte was dropped"]


def test_group_names_above_the_header_and_a_header_spelled_otherwise_below_it_load_as_with_pandas(spark, tmp_path):
    # a report's two header rows (group names above the column names); below them a row of the column names as
    # people write them, which is no repeated header (its first two names differ) but a row with bad values
    path = tmp_path / "two_header_rows.csv"
    path.write_text("Ticket,,,Customer,\nticket_id,created_at,status,channel,subject\n"
                    "Ticket ID,Created,Status,Channel,Subject\n1,2026-03-02,open,email,Printer\n"
                    "2,2026-03-03,open,web,Login\n", encoding="utf-8")
    expected, expected_report = pandas_load(path, tmp_path)
    got, report = spark_load(spark, path, tmp_path)
    assert_same_report(expected_report, report)
    pd.testing.assert_frame_equal(got, expected)
    assert report.notes[0] == ("two header rows: the column names are on row 2, below a row of group names (Ticket, "
                               "Customer), which was skipped")
    assert report.rejected[["row", "column", "value", "reason"]].values.tolist() == [
        [3, "created_at", "Created", "value is not a date"]]
    assert got["ticket_id"].tolist() == ["1", "2"]


def test_excel_workbooks_load_the_same_on_spark(spark, tmp_path):
    # read by the pandas reader on the driver: the sheet that holds the tickets, group names above the header,
    # Excel serial dates and H:MM:SS durations, a row rejected by the Spark checks
    import openpyxl

    header = ["ticket_id", "created_at", "solved_at", "status", "channel"]
    rows = [[1, 46084.4, "2026-03-03", "solved", "email"], [2, "soon", None, "open", "web"]]
    book = openpyxl.Workbook()
    book.active.title = "Summary"
    book.active.append(["Total tickets", 2])
    sheet = book.create_sheet("Tickets")
    for row in (header, *rows):
        sheet.append(row)
    book.save(tmp_path / "report.xlsx")
    book = openpyxl.Workbook()
    for row in (["Ticket", None, "Dates", None, "Meta"], header, *rows):
        book.active.append(row)
    book.save(tmp_path / "grouped.xlsx")
    loaded = {}
    for path in (tmp_path / "report.xlsx", tmp_path / "grouped.xlsx", FIXTURES / "freshdesk_tickets.xlsx"):
        expected, expected_report = pandas_load(path, tmp_path)
        got, report = spark_load(spark, path, tmp_path)
        assert_same_report(expected_report, report)
        pd.testing.assert_frame_equal(got, expected)
        loaded[path.stem] = got, report
    got, report = loaded["report"]
    assert got["ticket_id"].tolist() == ["1"] and report.rejected[["row", "column"]].values.tolist() == [
        [3, "created_at"]]
    assert report.notes[0] == "sheet 'Tickets': the first sheet with data, 'Summary', does not hold a tickets table"
    got, report = loaded["grouped"]
    assert got["created_at"].dt.strftime("%Y-%m-%d %H:%M").tolist() == ["2026-03-03 09:36"]
    assert report.notes[0] == ("two header rows: the column names are on row 2, below a row of group names (Ticket, "
                               "Dates, Meta), which was skipped")


def test_what_the_spark_reader_cannot_repair_stops_with_a_fix(spark, tmp_path, monkeypatch):
    import toolkit.spark.read
    from toolkit.spark.load import load_tickets as load_on_spark

    # a stray quote in a file too large to read record by record on the driver
    monkeypatch.setattr(toolkit.spark.read, "MAX_DRIVER_BYTES", 100)
    stray = tmp_path / "stray_quote.csv"
    stray.write_text('ticket_id,subject,created_at,channel,status\n1,"Printer broken,2026-01-05,mail,open\n'
                     '2,Login fails,2026-01-06,web,open\n3,Export slow,2026-01-07,mail,"open"\n')
    with pytest.raises(DataError) as error:
        load_on_spark(stray, spark=spark)
    assert str(error.value) == (
        f'file {stray}: a quote (") is never closed where its field ends, so the records below it would be read '
        "as one field (row 2). Fix: load it with the pandas engine (it sets that record aside and reads on), or fix "
        "the quote in that row")


def test_a_csv_too_wide_to_plan_on_spark_is_loaded_by_the_pandas_engine_on_the_driver(spark, tmp_path, monkeypatch):
    import toolkit.spark.load
    from toolkit.spark.load import load_tickets as load_on_spark

    wide = tmp_path / "wide.csv"
    custom = [f"custom_{i}" for i in range(1_000)]
    wide.write_text(",".join(["ticket_id", "created_at", "status", "channel", *custom]) + "\n"
                    + "".join(f"{t},2026-03-0{t},open,email," + ",".join("x" * 1_000) + "\n" for t in (1, 2)))
    expected, expected_report = pandas_load(wide, tmp_path, extra=["custom_99*"])
    got, report = spark_load(spark, wide, tmp_path, extra=["custom_99*"])
    assert_same_report(expected_report, report)
    pd.testing.assert_frame_equal(got, expected)
    assert got["extra"].map(len).tolist() == [11, 11]  # custom_99, custom_990 ... custom_999
    monkeypatch.setattr(toolkit.spark.load, "MAX_DRIVER_BYTES", 1 << 20)
    with wide.open("a") as more:  # 600 more rows of 2 KB
        more.write("".join(f"{t},2026-03-02,open,email," + ",".join("x" * 1_000) + "\n" for t in range(3, 603)))
    with pytest.raises(DataError) as error:
        load_on_spark(wide, spark=spark)
    assert str(error.value) == (f"file {wide}: the file holds 1.2 MB; the Spark engine reads CSV exports of more "
                                "than 1,000 columns whole on the driver, up to 1.0 MB. Fix: land the export as "
                                "Parquet, or load it with the pandas engine")


def test_a_stray_quote_costs_one_record_as_with_pandas(spark, tmp_path):
    # Spark alone would read the records below the stray quote into its field; the file is read record by record
    # on the driver and that record set aside with the pandas reason, the rest read by Spark with their row numbers
    mapping = {"ticket_id": "Id", "created_at": "Created at", "status": "Status", "channel": "Via"}
    stray = tmp_path / "stray_quote.csv"
    stray.write_text('Id,Subject,Created at,Via,Status\n1,"Printer broken,2026-01-05,mail,open\n'
                     '2,Login fails,2026-01-06,web,open\n3,"Export\nslow",2026-01-07,mail,"open"\n4,x,soon,web,open\n')
    expected, expected_report = pandas_load(stray, tmp_path, source="generic", mapping=mapping)
    got, report = spark_load(spark, stray, tmp_path, source="generic", mapping=mapping)
    assert_same_report(expected_report, report)
    pd.testing.assert_frame_equal(got, expected)
    assert got["ticket_id"].tolist() == ["2", "3"]
    assert report.rejected[["row", "value"]].values.tolist() == [[2, '1,"Printer broken,2026-01-05,mail,open'],
                                                                  [5, "soon"]]
    assert report.rejected["reason"].iat[0] == (
        'broken quoting: a quote (") opened in this record is not closed where its field ends (\',\' expected after '
        "'\"'); the record is set aside and the next line read as the next record")


JSON_TICKETS = [{"ticket_id": 1, "created_at": "2026-03-02T09:00:00Z", "status": "open", "channel": "email",
                 "subject": "Printer jams", "tags": ["printer", "hw"], "custom": {"plan": "pro", "seats": 12}},
                {"ticket_id": 2, "created_at": 1772442000, "status": "solved", "channel": "web", "subject": "Login",
                 "tags": [], "custom": {"plan": None}}]
CSV_TICKETS = (b"ticket_id,created_at,status,channel,subject\n1,2026-03-02,open,email,Printer jams\n"
               b"2,2026-03-03,open,web,x\n")


def misnamed_exports() -> dict[str, bytes]:
    """Files whose name does not say what they hold; the pandas reader reads them by their content."""
    import gzip
    import io
    import json
    import zipfile

    import openpyxl

    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("tickets.csv", CSV_TICKETS)
    book, workbook = openpyxl.Workbook(), io.BytesIO()
    for line in CSV_TICKETS.decode().splitlines():
        book.active.append(line.split(","))
    book.save(workbook)
    lines = b"\xef\xbb\xbf" + b"\n".join(json.dumps(r).encode() for r in JSON_TICKETS) + b'\n{"ticket_id": 3, "st\n'
    return {"tickets.json": json.dumps(JSON_TICKETS).encode(), "json_lines.txt": lines,
            "json_under_a_csv_name.csv": json.dumps(JSON_TICKETS).encode(),
            "gzip_under_a_csv_name.csv": gzip.compress(CSV_TICKETS), "plain_under_a_gz_name.csv.gz": CSV_TICKETS,
            "zip_under_a_csv_name.csv": archive.getvalue(), "workbook_under_a_csv_name.csv": workbook.getvalue(),
            "csv_without_a_suffix": CSV_TICKETS, "csv_under_a_parquet_name.parquet": CSV_TICKETS}


@pytest.mark.parametrize("name", list(misnamed_exports()))
def test_files_are_read_by_their_content_whatever_their_name_as_with_pandas(spark, tmp_path, name):
    # JSON and zip archives are loaded by the pandas engine on the driver; gzip and CSV by Spark, under a name it
    # reads them by; a workbook by the pandas reader, mapped on Spark
    path = tmp_path / name
    path.write_bytes(misnamed_exports()[name])
    expected, expected_report = pandas_load(path, tmp_path, extra=["custom.*"])
    got, report = spark_load(spark, path, tmp_path, extra=["custom.*"])
    assert_same_report(expected_report, report)
    pd.testing.assert_frame_equal(got, expected)
    assert got["ticket_id"].tolist() == ["1", "2"]


def test_a_json_export_keeps_its_nested_and_typed_values_on_spark(spark, tmp_path):
    from toolkit.spark.read import driver_reader

    path = tmp_path / "json_lines.txt"
    path.write_bytes(misnamed_exports()["json_lines.txt"])
    assert driver_reader(path) == "whole"
    got, report = spark_load(spark, path, tmp_path, extra=["custom.*"])
    assert got["tags"].map(list).tolist() == [["printer", "hw"], []]
    assert got["extra"].tolist() == [{"custom.plan": "pro", "custom.seats": 12.0},
                                     {"custom.plan": None, "custom.seats": None}]
    assert got["created_at"].astype(str).tolist() == ["2026-03-02 09:00:00+00:00", "2026-03-02 09:00:00+00:00"]
    assert (report.format, report.rows_read, report.rows_kept) == ("jsonl", 3, 2)
    assert report.rejected[["row", "value", "reason"]].values.tolist() == [
        [3, '{"ticket_id": 3, "st', "line is not valid JSON"]]


def test_which_files_the_driver_reads_is_judged_by_their_content(tmp_path):
    from toolkit.spark.read import driver_reader

    expected = {"tickets.json": "whole", "json_lines.txt": "whole", "json_under_a_csv_name.csv": "whole",
                "gzip_under_a_csv_name.csv": None, "plain_under_a_gz_name.csv.gz": None,
                "zip_under_a_csv_name.csv": "whole", "workbook_under_a_csv_name.csv": "workbook",
                "csv_without_a_suffix": None, "csv_under_a_parquet_name.parquet": None}
    for name, data in misnamed_exports().items():
        (tmp_path / name).write_bytes(data)
    assert {name: driver_reader(tmp_path / name) for name in expected} == expected
    (tmp_path / "page.csv").write_bytes(b"<!DOCTYPE html><html><table><tr><td>ticket_id</td></tr></table>")
    (tmp_path / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100))
    assert (driver_reader(tmp_path / "page.csv"), driver_reader(tmp_path / "old.xls")) == ("whole", "workbook")
    assert driver_reader(tmp_path) is None and driver_reader("lake.zendesk_tickets") is None


@pytest.mark.parametrize("name", ["zendesk_ticket_comments.jsonl", "intercom_conversation_parts.jsonl"])
def test_json_messages_whose_mapping_runs_code_load_the_same_on_spark(spark, tmp_path, name):
    from toolkit.io import load_messages
    from toolkit.spark.load import load_messages as load_on_spark
    from toolkit.spark.load import write_table as write_from_spark

    expected, expected_report = load_messages(FIXTURES / name)
    frame, report = load_on_spark(FIXTURES / name, spark=spark)
    got = read_table(write_from_spark(frame, tmp_path / "messages.parquet", report=report))
    assert_same_report(expected_report, report)
    pd.testing.assert_frame_equal(got, expected)
    assert len(got) == report.rows_kept > 0


def test_a_json_export_too_large_for_the_driver_stops_with_a_fix(spark, tmp_path, monkeypatch):
    import json

    import toolkit.spark.load
    from toolkit.spark.load import load_tickets as load_on_spark

    monkeypatch.setattr(toolkit.spark.load, "MAX_DRIVER_BYTES", 1 << 20)
    path = tmp_path / "tickets.json"
    path.write_text(json.dumps([{**JSON_TICKETS[0], "ticket_id": i} for i in range(6_000)]))  # 1.1 MB
    with pytest.raises(DataError) as error:
        load_on_spark(path, spark=spark)
    assert str(error.value) == (f"file {path}: the file holds 1.1 MB; the Spark engine reads JSON exports and zip "
                                "archives whole on the driver, up to 1.0 MB. Fix: land the export as Parquet, or load "
                                "it with the pandas engine")


def test_generic_messages_load_the_same_on_spark(spark, tmp_path):
    from toolkit.io import load_messages
    from toolkit.spark.load import load_messages as load_on_spark
    from toolkit.spark.load import write_table as write_from_spark

    path = FIXTURES / "messages_generic.csv"
    expected, expected_report = load_messages(path, tz="Europe/Berlin")
    frame, report = load_on_spark(path, spark=spark, tz="Europe/Berlin")
    got = read_table(write_from_spark(frame, tmp_path / "messages.parquet", report=report))
    assert_same_report(expected_report, report)
    pd.testing.assert_frame_equal(got, expected)


def test_collected_rows_can_be_cut_to_a_period_or_to_tickets_while_the_report_counts_every_row(spark):
    from datetime import date

    from toolkit.spark.load import created_near, load_collected, of_tickets

    path = FIXTURES / "zendesk_tickets.csv"
    near, report = load_collected(path, "tickets", spark=spark, tz="Europe/Berlin",
                                  where=created_near(date(2026, 3, 29), date(2026, 3, 31)))
    assert near["ticket_id"].tolist() == ["10234", "10232"]  # 1 Apr; 28 Mar 23:30 UTC (kept at row 6)
    assert (report.rows_read, report.rows_kept) == (7, 4)
    chosen, _ = load_collected(path, "tickets", spark=spark, tz="Europe/Berlin",
                               where=of_tickets(pd.Series(["10233", "10231", "99"])))
    assert chosen["ticket_id"].tolist() == ["10231", "10233"]  # the file's order
    assert created_near(None, None) is None


def test_a_delta_table_folder_is_never_read_as_plain_parquet(spark, zendesk, tmp_path):
    """A Delta folder's Parquet files include versions the table has removed: without a Delta reader the load
    stops and says how to get one, rather than counting old rows."""
    import shutil

    from toolkit.spark.load import load_tickets as load_on_spark

    _, _, folder = zendesk
    table = tmp_path / "tickets_delta"
    (table / "_delta_log").mkdir(parents=True)
    shutil.copy(folder / "pandas.parquet", table / "part-00000.parquet")
    (table / "_delta_log" / "00000000000000000000.json").write_text("{}\n")
    for given in (table, f"{table}/"):
        with pytest.raises(DataError) as error:
            load_on_spark(given, spark=spark)
        assert str(error.value) == (
            f"file {given}: this folder is a Delta table (it has a _delta_log folder), and this Spark session has no "
            "Delta Lake reader. Fix: run on a session with Delta Lake (Databricks has it; elsewhere install "
            "delta-spark for your Spark version and start Spark with its package and extension), or give a Parquet "
            "copy of the table's current version")


def test_a_spark_command_prints_its_report_without_sparks_start_up_warnings(tmp_path):
    """On one machine the toolkit's own session logs errors only: stderr holds at most the JVM's own line."""
    import shutil
    import subprocess
    import sys

    pytest.importorskip("pyspark", reason="pyspark is not installed (the `spark` extra; make test installs it)")
    if shutil.which("java") is None:
        pytest.skip("Java is not installed (make java installs Debian's default-jre-headless)")
    run = subprocess.run([sys.executable, "-m", "toolkit", "load", "tickets", str(FIXTURES / "zendesk_tickets.csv"),
                          "--engine", "spark", "--out", str(tmp_path / "t.parquet")],
                         capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)
    assert run.returncode == 0, run.stderr
    assert "rows read 7, kept 4, rejected 3" in run.stdout
    assert [line for line in run.stderr.splitlines() if not line.startswith("WARNING: Using incubator modules")] == []


def test_a_parquet_folders_rows_are_numbered_file_after_file_in_name_order(spark, tmp_path):
    """Spark hands out a folder's files largest first; rows are numbered as the files are named (part-00000
    first), so the tickets come back in the order they were written, as the pandas engine reads them."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from toolkit.spark.read import read_export

    frame = pd.DataFrame({"ticket_id": [str(i) for i in range(1_000)]})
    for name, rows in (("part-00000", slice(0, 10)), ("part-00001", slice(10, 400)), ("part-00002", slice(400, None))):
        pq.write_table(pa.Table.from_pandas(frame.iloc[rows], preserve_index=False), tmp_path / f"{name}.parquet")
    assert spark.read.parquet(str(tmp_path)).first()["ticket_id"] == "400"  # the largest file first
    raw = read_export(spark, tmp_path)
    got = raw.frame.orderBy("_row").toPandas()
    assert raw.rows_read == 1_000
    assert got["_row"].tolist() == list(range(1, 1_001))
    assert got["ticket_id"].tolist() == frame["ticket_id"].tolist()
