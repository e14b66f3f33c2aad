"""The malformed-file corpus (tests/fixtures/io/malformed, made by make_fixtures.py): each file with its
expected error text or load-report entry. Never a raw pandas/openpyxl traceback, never a hang."""

from pathlib import Path

import pytest

import toolkit.io as tio
import toolkit.io.read as read
from toolkit.errors import ConfigError, DataError

BAD = Path(__file__).parent / "fixtures" / "io" / "malformed"

# file, loader, keyword arguments, exact error message after "file <path>" (or None), or the report entries
ERRORS = [
    ("empty.csv", "tickets", {}, ": the file is empty. Fix: export the data again; the file has no content"),
    ("whitespace_only.csv", "tickets", {}, ": the file is empty. Fix: export the data again; the file has no content"),
    ("header_only.csv", "tickets", {},
     ": the file has a header row but no data rows. Fix: check the export's filters and date range, and export again"),
    ("binary_garbage.csv", "tickets", {},
     ": this looks like a binary file, not a text export (it contains NUL bytes). "
     "Fix: export the data as CSV, Excel (.xlsx), JSON or Parquet"),
    ("control_characters.csv", "tickets", {},
     ": this looks like a binary file, not a text export. Fix: export the data as CSV, Excel (.xlsx), JSON or Parquet"),
    ("old_excel.xls", "tickets", {},
     ": this is an old binary Excel (.xls) file. Fix: open it in Excel and save as .xlsx or CSV (UTF-8)"),
    ("corrupt.xlsx", "tickets", {},
     ": the file cannot be opened as an Excel workbook (BadZipFile). "
     "Fix: open it in Excel and save it again as .xlsx, or export CSV"),
    ("xlsx_empty_sheet.xlsx", "tickets", {},
     ": the sheet 'Empty' is empty. Fix: choose the sheet that holds the data"),
    ("corrupt.parquet", "tickets", {}, ": the Parquet file cannot be read ("),
    ("damaged.csv.gz", "tickets", {}, ": the gzip file is damaged ("),
    ("missing_created_at.csv", "tickets", {},
     ", table tickets, column `Created at`: is missing (needed for `created_at`); found `Created`, `Updated at`, "
     "`Creation date`. Fix: pass mapping={'created_at': 'Created'}"),
    ("unknown_vendor.csv", "tickets", {},
     ", table tickets: cannot tell which helpdesk or survey tool exported this file from its header (first columns: "
     "`Case number`, `Opened`, `Owner`, `Summary`). Fix: pass source= one of freshdesk, generic, helpscout, intercom, "
     "jira, servicenow, zendesk, zendesk_api, or a mapping {canonical column: your column}, "
     "e.g. mapping={'ticket_id': 'Case number', ...}"),
    ("prose.txt", "tickets", {}, ", table tickets: cannot tell which helpdesk or survey tool exported this file"),
    ("survey_type_missing.csv", "survey_responses", {},
     ", table survey_responses, column `survey`: is missing and no survey type was given. "
     "Fix: pass survey='nps', 'csat' or 'ces' (CLI: --survey nps)"),
    ("json_not_records.json", "tickets", {},
     ": the JSON holds no list of records. Fix: export a JSON array of objects, or one object per line (JSON lines)"),
    ("json_broken.json", "tickets", {}, ": the file is not valid JSON or JSON lines (Expecting property name"),
]

ID_PLACEHOLDER = ("required id is blank or a placeholder for 'no value' (e.g. 'N/A', 'null', '-'), so the row names "
                  "no record; export the data again with its ids")

REPORTS = [
    # file, loader, kwargs, (read, kept), [(row, column, value, reason), ...], note expected (substring) or None
    ("bad_dates.csv", "tickets", {}, (4, 1), [
        (3, "Created at", "soon", "value is not a date"),
        (4, "Created at", "31/02/2026 10:00", "value is not a date"),
        (5, "Created at", "2026-13-45 10:00", "value is not a date")], None),
    ("words_for_numbers.csv", "tickets", {}, (2, 1), [(3, "Reopens", "two", "value is not a number")], None),
    ("agents_language.csv", "tickets", {}, (3, 3), [],
     "every row ends in a delimiter after its last value, which the header lacks: read as an empty column without "
     "a name"),
    ("backslash_quotes.csv", "tickets", {}, (3, 3), [],
     'quotes inside values are written \\" (a backslash before the quote): read as quotes'),
    ("placeholders.csv", "tickets", {}, (3, 2), [(4, "created_at", "N/A", "value is not a date")],
     "`solved_at`: 2 placeholders for 'no value' read as empty ('#N/A', 'N/A')"),
    ("placeholder_ids.csv", "tickets", {}, (6, 2), [
        (3, "ticket_id", "N/A", ID_PLACEHOLDER), (4, "ticket_id", "-", ID_PLACEHOLDER),
        (5, "ticket_id", "null", ID_PLACEHOLDER), (6, "ticket_id", "  ", ID_PLACEHOLDER)], None),
    ("iso_durations.csv", "tickets", {}, (3, 2), [(4, "first_reply_minutes", "P1M", "value is not a number")],
     "`first_reply_minutes`: 2 durations written with units read (e.g. 'PT1H30M' = 90 minutes)"),
    ("basic_iso_dates.csv", "tickets", {}, (4, 3), [(5, "created_at", "20261399", "value is not a date")],
     "`created_at`: 2 dates such as '02.03.26 10:00' could be day or month first; read day first, as dates written "
     "with full stops are"),
    ("grouped_numbers.csv", "tickets", {}, (4, 3), [(5, "first_reply_minutes", "12'34", "value is not a number")],
     None),
    ("written_zones.csv", "tickets", {}, (7, 7), [],
     "`created_at`: 1 times written with a zone name (CET) read at that zone's offset from UTC"),
    ("zone_names.csv", "tickets", {}, (6, 6), [],
     "`created_at`: 3 times written with a zone name (CEST, CET, PDT) read at that zone's offset from UTC"),
    ("excel_text_ids.csv", "tickets", {}, (2, 2), [],
     '3 values written as Excel text formulas (e.g. ="00123", which keeps leading zeros) read as their text, in '
     "`ticket_id`, `requester_id`"),
    ("machine_times.csv", "tickets", {}, (3, 3), [],
     "`created_at`: 2 whole numbers read as Unix times (seconds since 1 January 1970, e.g. 1772442000)"),
    ("typed_by_hand.csv", "tickets", {}, (6, 3), [
        (4, "Created At", "Jan 5", "value is a date without a year"),
        (5, "Created At", "March 2026", "value is a month without a day"),
        (6, "Created At", "10:00", "value is a time of day without a date")],
     "`Created At`: 2 dates with month names in another language than English read (e.g. '5 januari 2026 09:00' "
     "as '5 Jan 2026 09:00')"),
    ("fractional_count.csv", "tickets", {}, (2, 1), [(3, "Reopens", 1.5, "value is not a whole number")], None),
    ("negative_duration.csv", "tickets", {}, (2, 1),
     [(3, "First reply time in minutes", -12.0, "value is outside the allowed range (>= 0)")], None),
    ("unknown_status.csv", "tickets", {}, (2, 1),
     [(3, "Status", "Escalated", "value is not one of new, open, pending, hold, solved, closed")], None),
    ("empty_id.csv", "tickets", {}, (2, 1), [(3, "Id", "", "required value is empty")], None),
    ("empty_created_at.csv", "tickets", {}, (2, 1), [(3, "Created at", "", "required value is empty")], None),
    ("duplicate_ids.csv", "tickets", {}, (3, 2),
     [(4, "Id", "30001", "duplicate ticket_id: the row with the latest `Updated at` (row 2) is kept")], None),
    ("repeated_header.csv", "tickets", {}, (4, 3), [(4, "", "", "repeated header row (files joined together?)")],
     None),
    ("blank_trailing_rows.csv", "tickets", {}, (5, 2),
     [(4, "", "", "row is blank"), (5, "", "", "row is blank"), (6, "", "", "row is blank")], None),
    ("ragged_row.csv", "tickets", {}, (3, 2),
     [(3, "", None, "row has 42 fields, the header has 41 (an unquoted delimiter or a broken quote)")], None),
    ("unclosed_quote.csv", "tickets", {}, (2, 1),
     [(3, "", None, 'broken quoting: a quote (") opened in this record is not closed where its field ends '
                    "(unexpected end of data); the record is set aside and the next line read as the next record")],
     None),
    ("huge_field.csv", "tickets", {}, (2, 2), [], None),
    ("crlf_multiline.csv", "tickets", {}, (2, 2), [], None),
    ("latin1_no_bom.csv", "tickets", {}, (2, 2), [], "encoding cp1252 detected (not UTF-8); text converted to UTF-8"),
    ("mixed_date_formats.csv", "tickets", {}, (3, 3), [],
     "`Created at`: 1 dates such as '03/04/2026 10:00' could be day or month first; read month first "
     "(pass dayfirst=True, CLI --dayfirst, if they are day first)"),
    ("thousands_separators.csv", "tickets", {}, (2, 2), [],
     "`First reply time in minutes`: 2 numbers with thousands separators or decimal commas read (decimal comma, "
     "'.' groups thousands; e.g. '1,290' = 1.29)"),
    ("unknown_channel.csv", "tickets", {}, (2, 2), [],
     "`Via`: 1 values not in the mapping set to 'other' ('Carrier pigeon' 1)"),
    ("nps_out_of_range.csv", "survey_responses", {"survey": "nps"}, (4, 1), [
        (3, "score", "11", "score is outside the 0-10 scale"),
        (4, "score", "-1", "score is outside the 0-10 scale"),
        (5, "score", "7.5", "score is not a whole number on the 0-10 scale")], None),
    ("csat_zero.csv", "survey_responses", {"survey": "csat"}, (3, 1), [
        (3, "score", "0", "score is outside the 1-5 scale"),
        (4, "score", "6", "score is outside the 1-5 scale")], None),
    ("ces_eight.csv", "survey_responses", {}, (2, 1), [(3, "score", "8", "score is outside the 1-7 scale")], None),
    ("survey_unknown_type.csv", "survey_responses", {}, (2, 1),
     [(2, "survey", "happiness", "value is not one of csat, nps, ces")], None),
    ("score_not_a_number.csv", "survey_responses", {}, (2, 1), [(2, "score", "great", "value is not a number")],
     None),
    ("jsonl_bad_line.jsonl", "messages", {}, (3, 2), [(2, "", None, "line is not valid JSON")], None),
    ("servicenow_bad_flag.csv", "tickets", {}, (2, 1), [(3, "made_sla", "maybe", "value is not true/false")], None),
]

LOADERS = {"tickets": tio.load_tickets, "messages": tio.load_messages,
           "survey_responses": tio.load_survey_responses, "survey_invitations": tio.load_invitations}


def test_corpus_has_at_least_thirty_files():
    covered = {e[0] for e in ERRORS} | {r[0] for r in REPORTS} | {"bad_mapping.yaml"}
    on_disk = {p.name for p in BAD.iterdir()}
    assert covered == on_disk
    assert len(on_disk) >= 30


@pytest.mark.parametrize(("name", "table", "kwargs", "message"), ERRORS, ids=[e[0] for e in ERRORS])
def test_unusable_file_raises_one_data_error(name, table, kwargs, message):
    path = BAD / name
    with pytest.raises(DataError) as caught:
        LOADERS[table](path, **kwargs)
    assert str(caught.value).startswith(f"file {path}{message}")


@pytest.mark.parametrize(("name", "table", "kwargs", "counts", "rejected", "note"), REPORTS,
                         ids=[r[0] for r in REPORTS])
def test_bad_rows_are_reported_not_dropped(name, table, kwargs, counts, rejected, note):
    frame, report = LOADERS[table](BAD / name, **kwargs)
    assert (report.rows_read, report.rows_kept) == counts
    assert report.rows_read == report.rows_kept + report.rows_rejected == len(frame) + len(report.rejected)
    got = [(r.row, r.column, r.value, r.reason) for r in report.rejected.itertuples()]
    assert [(g[0], g[1], g[3]) for g in got] == [(e[0], e[1], e[3]) for e in rejected]
    for g, e in zip(got, rejected, strict=True):
        if e[2] is not None:
            assert g[2] == e[2]
    if note:
        assert note in report.notes


def test_huge_field_is_kept_whole():
    frame, _ = tio.load_tickets(BAD / "huge_field.csv")
    assert len(frame.loc[frame["ticket_id"] == "30002", "subject"].item()) == 300_000


def test_field_over_the_limit_sets_its_record_aside(monkeypatch):
    monkeypatch.setattr(read, "MAX_FIELD_BYTES", 1000)
    frame, report = tio.load_tickets(BAD / "unclosed_quote.csv")
    assert (report.rows_read, report.rows_kept) == (2, 1)
    assert report.rejected["reason"].tolist() == [
        'broken quoting: a quote (") opened in this record is not closed where its field ends (field larger than '
        "field limit (1000)); the record is set aside and the next line read as the next record"]


def test_bad_yaml_mapping_is_a_config_error():
    with pytest.raises(ConfigError, match=r"the mapping file is not valid YAML at line 3"):
        tio.load_tickets(BAD / "unknown_vendor.csv", mapping=BAD / "bad_mapping.yaml")


def test_mapping_to_a_column_that_is_not_there():
    with pytest.raises(DataError, match=r"column `Opened on`: is missing \(needed for `created_at`\); found `Opened`"):
        tio.load_tickets(BAD / "unknown_vendor.csv", mapping={"ticket_id": "Case number", "created_at": "Opened on"})


def test_folder_instead_of_file():
    with pytest.raises(DataError, match="this is a folder, not a file"):
        tio.load_tickets(BAD)


def test_unknown_sheet():
    with pytest.raises(DataError, match="there is no sheet 'Tickets'. Fix: use one of 'Empty'"):
        tio.load_tickets(BAD / "xlsx_empty_sheet.xlsx", sheet="Tickets")
