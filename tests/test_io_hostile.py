"""Hostile and malformed inputs (issue 17): every input loads exactly, is rejected row by row with a reason,
or fails with one clear error naming file, place and fix. Each test covers one class, with more cases than
the campaign's examples; files are built in the test."""

import json
import os

import openpyxl
import pandas as pd
import pytest

import toolkit.io as tio
from toolkit.cli import main
from toolkit.errors import ConfigError, DataError

HEADER = "ticket_id,created_at,status,channel"
QUOTE_REASON = ('broken quoting: a quote (") opened in this record is not closed where its field ends ({}); the '
                "record is set aside and the next line read as the next record")


def _csv(tmp_path, rows, header=HEADER, name="t.csv"):
    path = tmp_path / name
    path.write_text(header + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def _rejected(report):
    return [(r.row, r.column, r.value, r.reason) for r in report.rejected.itertuples()]


def _created(frame):
    return [str(t) for t in frame["created_at"]]


# --- silent wrong dates ------------------------------------------------------------------------------------------

def test_iso_dates_are_never_read_day_first(tmp_path):
    path = _csv(tmp_path, ["1,2026-04-01,open,email", "2,2026-04-01T10:00:00Z,open,email",
                           "3,2026-04-02 09:30,open,email", "4,2026/04/03,open,email",
                           "5,20260405,open,email", "6,20260406T101500Z,open,email", "7,20260407T0930,open,email"])
    frame, report = tio.load_tickets(path, dayfirst=True)
    assert _created(frame) == ["2026-04-01 00:00:00+00:00", "2026-04-01 10:00:00+00:00",
                               "2026-04-02 09:30:00+00:00", "2026-04-03 00:00:00+00:00",
                               "2026-04-05 00:00:00+00:00", "2026-04-06 10:15:00+00:00", "2026-04-07 09:30:00+00:00"]
    assert report.rows_rejected == 0 and report.notes == []


def test_day_month_order_is_decided_once_per_column_and_stated(tmp_path):
    path = _csv(tmp_path, ["1,03/04/2026,open,email", "2,13/04/2026,open,email", "3,05/06/2026,open,email"])
    frame, report = tio.load_tickets(path)
    assert _created(frame) == ["2026-04-03 00:00:00+00:00", "2026-04-13 00:00:00+00:00",
                               "2026-06-05 00:00:00+00:00"]
    assert report.notes == ["`created_at`: 3 dates written like '03/04/2026' read day first (decided from the whole "
                            "column, e.g. '13/04/2026')"]
    us = _csv(tmp_path, ["1,03/04/2026,open,email", "2,04/13/2026,open,email"], name="us.csv")
    frame, report = tio.load_tickets(us)
    assert _created(frame) == ["2026-03-04 00:00:00+00:00", "2026-04-13 00:00:00+00:00"]
    assert report.notes == ["`created_at`: 2 dates written like '03/04/2026' read month first (decided from the "
                            "whole column, e.g. '04/13/2026')"]


def test_ambiguous_columns_say_which_order_was_used(tmp_path):
    path = _csv(tmp_path, ["1,03/04/2026,open,email", "2,04.05.2026,open,email"])
    frame, report = tio.load_tickets(path)
    assert _created(frame) == ["2026-03-04 00:00:00+00:00", "2026-04-05 00:00:00+00:00"]
    assert report.notes[0] == ("`created_at`: 2 dates such as '03/04/2026' could be day or month first; read month "
                               "first (pass dayfirst=True, CLI --dayfirst, if they are day first)")
    frame, report = tio.load_tickets(path, dayfirst=True)
    assert _created(frame) == ["2026-04-03 00:00:00+00:00", "2026-05-04 00:00:00+00:00"]
    assert report.notes[0] == "`created_at`: 2 dates written like '03/04/2026' read day first (as dayfirst says)"


def test_values_contradicting_the_column_order_are_rejected_not_swapped(tmp_path):
    path = _csv(tmp_path, ["1,03/04/2026,open,email", "2,13/04/2026,open,email", "3,14/04/2026,open,email",
                           "4,04/13/2026,open,email"])
    frame, report = tio.load_tickets(path)
    assert frame["ticket_id"].tolist() == ["1", "2", "3"]
    assert _rejected(report) == [(5, "created_at", "04/13/2026",
                                  "date can only be month first, but this column is read day first (decided from "
                                  "the whole column, e.g. '13/04/2026'); day and month order are mixed")]
    frame, report = tio.load_tickets(_csv(tmp_path, ["1,04/13/2026,open,email", "2,03/04/2026,open,email"],
                                          name="flag.csv"), dayfirst=True)
    assert _rejected(report)[0][3] == ("date can only be month first, but this column is read day first (as "
                                       "dayfirst says); day and month order are mixed")
    assert _created(frame) == ["2026-04-03 00:00:00+00:00"]


def test_dst_gap_and_repeated_hour_are_noted(tmp_path):
    path = _csv(tmp_path, ["1,2026-03-29 01:30:00,open,email", "2,2026-10-25 01:30:00,open,email",
                           "3,2026-03-29 00:30:00,open,email"])
    frame, report = tio.load_tickets(path, tz="Europe/London")
    assert _created(frame) == ["2026-03-29 01:00:00+00:00", "2026-10-25 00:30:00+00:00",
                               "2026-03-29 00:30:00+00:00"]
    assert report.notes == [
        "`created_at`: 1 times fell in the hour repeated when summer time ends in Europe/London; read as the first "
        "occurrence",
        "`created_at`: 1 times fell in the hour skipped when summer time starts in Europe/London (they never "
        "happened on a clock there); moved forward to the first valid time"]


def test_far_future_dates_are_rejected_with_the_reason(tmp_path):
    path = _csv(tmp_path, ["1,2126-01-01,open,email", "2,2026-01-01,open,email", "3,9999-12-31 23:59,open,email"])
    frame, report = tio.load_tickets(path)
    limit = (pd.Timestamp.now(tz="UTC") + pd.Timedelta(days=366)).strftime("%Y-%m-%d")
    reason = f"date is more than 366 days in the future (after {limit}); a wrong year?"
    assert _rejected(report) == [(2, "created_at", "2126-01-01", reason), (4, "created_at", "9999-12-31 23:59", reason)]
    assert frame["ticket_id"].tolist() == ["2"]


def test_nanosecond_timestamps_with_z_load(tmp_path):
    path = _csv(tmp_path, ["1,2026-03-02T09:14:22.123456789Z,open,email", "2,2026-03-02T09:14:22.5+01:00,open,email"])
    frame, report = tio.load_tickets(path)
    assert _created(frame) == ["2026-03-02 09:14:22.123456+00:00", "2026-03-02 08:14:22.500000+00:00"]


# --- silent wrong numbers ----------------------------------------------------------------------------------------

def test_one_number_convention_per_column(tmp_path):
    head = HEADER + ",first_reply_minutes"
    eu = _csv(tmp_path, ['1,2026-01-01,open,email,"1.234"', '2,2026-01-01,open,email,"12.345,5"',
                         '3,2026-01-01,open,email,7', '4,2026-01-01,open,email,"1 234 567,5"'], header=head)
    frame, report = tio.load_tickets(eu)
    assert frame["first_reply_minutes"].tolist() == [1234.0, 12345.5, 7.0, 1234567.5]
    assert report.notes == ["`first_reply_minutes`: 3 numbers with thousands separators or decimal commas read "
                            "(decimal comma, '.' groups thousands; e.g. '1.234' = 1234)"]
    en = _csv(tmp_path, ['1,2026-01-01,open,email,"1,234"', '2,2026-01-01,open,email,1.5',
                         '3,2026-01-01,open,email,"1,234,567.25"'], header=head, name="en.csv")
    frame, report = tio.load_tickets(en)
    assert frame["first_reply_minutes"].tolist() == [1234.0, 1.5, 1234567.25]
    swiss = _csv(tmp_path, ["1,2026-01-01,open,email,1'234.50", "2,2026-01-01,open,email,12'345",
                            "3,2026-01-01,open,email,1\u2019234", "4,2026-01-01,open,email,12'34"], header=head,
                 name="ch.csv")
    frame, report = tio.load_tickets(swiss)  # an apostrophe groups digits only between groups of three
    assert frame["first_reply_minutes"].tolist() == [1234.5, 12345.0, 1234.0]
    assert _rejected(report) == [(5, "first_reply_minutes", "12'34", "value is not a number")]


def test_numbers_proving_the_other_convention_are_rejected(tmp_path):
    path = _csv(tmp_path, ['1,2026-01-01,open,email,1.5', '2,2026-01-01,open,email,2.25',
                           '3,2026-01-01,open,email,"12,5"'], header=HEADER + ",first_reply_minutes")
    frame, report = tio.load_tickets(path)
    assert frame["first_reply_minutes"].tolist() == [1.5, 2.25]
    assert _rejected(report) == [(4, "first_reply_minutes", "12,5", "number written with a decimal comma, but this "
                                  "column uses a decimal point (e.g. '1.5'); the two are mixed")]


# --- quote errors: rows read equals the records in the file -----------------------------------------------------

def test_a_stray_quote_costs_one_record_and_never_swallows_the_next(tmp_path):
    path = _csv(tmp_path, ['1,2026-01-01,open,email,"broken subject', '2,2026-01-02,open,email,fine',
                           '3,2026-01-03,open,email,"ok"x', '4,2026-01-04,open,email,"last, with comma"'],
                header=HEADER + ",subject")
    frame, report = tio.load_tickets(path)
    assert (report.rows_read, report.rows_kept, report.rows_rejected) == (4, 2, 2)
    assert frame["subject"].tolist() == ["fine", "last, with comma"]
    assert _rejected(report) == [
        (2, "", '1,2026-01-01,open,email,"broken subject', QUOTE_REASON.format("',' expected after '\"'")),
        (4, "", '3,2026-01-03,open,email,"ok"x', QUOTE_REASON.format("',' expected after '\"'"))]


def test_a_quote_left_open_at_the_end_and_valid_multiline_fields(tmp_path):
    path = _csv(tmp_path, ['1,2026-01-01,open,email,"line one\nline two, with comma"',
                           '2,2026-01-02,open,email,"a ""b"""', '3,2026-01-03,open,email,"never closed'],
                header=HEADER + ",subject")
    frame, report = tio.load_tickets(path)
    assert (report.rows_read, report.rows_kept) == (3, 2)
    assert frame["subject"].tolist() == ["line one\nline two, with comma", 'a "b"']
    assert _rejected(report)[0][0] == 4 and _rejected(report)[0][3] == QUOTE_REASON.format("unexpected end of data")


def test_too_many_broken_quotes_is_one_error(tmp_path, monkeypatch):
    import toolkit.io.read as read

    monkeypatch.setattr(read, "MAX_BROKEN_QUOTES", 2)
    path = _csv(tmp_path, [f'{i},2026-01-01,open,"email' for i in range(1, 5)])
    with pytest.raises(DataError) as info:
        tio.load_tickets(path)
    assert str(info.value) == (f"file {path}: more than 2 records have broken quoting (the last at line 4). Fix: check "
                               "that this is a CSV file and the delimiter is comma; export the file again")


# --- spreadsheets and Parquet ------------------------------------------------------------------------------------

def test_xlsx_formulas_without_results_and_merged_cells_are_noted(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["ticket_id", "created_at", "status", "channel", "reopens"])
    sheet.append([1, "2026-01-01", "open", "email", "=1+1"])
    sheet.append([2, "2026-01-02", "solved", "chat", 0])
    sheet.append([3, None, "open", "email", 1])
    sheet.merge_cells("B3:B4")
    book.save(tmp_path / "t.xlsx")
    frame, report = tio.load_tickets(tmp_path / "t.xlsx")
    assert _created(frame) == ["2026-01-01 00:00:00+00:00", "2026-01-02 00:00:00+00:00", "2026-01-02 00:00:00+00:00"]
    assert frame["reopens"].isna().tolist() == [True, False, False]
    assert report.notes == [
        "1 merged cell ranges (B3:B4): every cell of a range was given the range's value, as Excel shows it",
        "1 cells hold a formula whose result was never calculated and saved (E2 ('=1+1')); they were read as empty: "
        "open the file in Excel, let it calculate, save it and load it again"]


def test_nullable_0_1_flags_from_parquet_are_accepted(tmp_path):
    pd.DataFrame({"ticket_id": ["1", "2", "3", "4"], "created_at": ["2026-01-01"] * 4, "status": ["open"] * 4,
                  "channel": ["email"] * 4, "sla_breached": pd.array([1, 0, None, 2], dtype="Int64")}
                 ).to_parquet(tmp_path / "t.parquet")
    frame, report = tio.load_tickets(tmp_path / "t.parquet")
    assert frame["sla_breached"].tolist() == [True, False, pd.NA]
    assert _rejected(report) == [(4, "sla_breached", "2", "value is not true/false")]


# --- options that contradict the file ----------------------------------------------------------------------------

def test_survey_and_scale_options_never_overwrite_the_files_own_columns(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("response_id,survey,score,scale,submitted_at\n1,csat,4,1-5,2026-01-01\n2,ces,5,1-7,2026-01-02\n"
                    "3,,9,,2026-01-03\n")
    with pytest.raises(DataError) as info:
        tio.load_survey_responses(path, survey="nps")
    assert str(info.value) == (f"file {path}, column `survey`: survey='nps' (CLI --survey nps) contradicts the file's "
                               "own `survey` column, which says 'csat' (1 rows), 'ces' (1 rows). Fix: leave out "
                               "survey= (the file says it), or correct the `survey` column")
    with pytest.raises(DataError, match=r"scale='0-10' \(CLI --scale 0-10\) contradicts the file's own `scale` column"
                                        r", which says '1-5' \(1 rows\), '1-7' \(1 rows\)"):
        tio.load_survey_responses(path, scale="0-10")


def test_options_fill_only_what_the_file_leaves_empty(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("response_id,survey,score,scale,submitted_at\n1,nps,9,,2026-01-01\n2,Net Promoter Score,5,0-10,"
                    "2026-01-02\n")
    frame, report = tio.load_survey_responses(path, survey="nps", scale="0-10")
    assert frame[["survey", "scale"]].values.tolist() == [["nps", "0-10"], ["nps", "0-10"]]


def test_option_contradicting_the_sources_fixed_value_is_an_error(tmp_path):
    path = tmp_path / "ratings.json"
    path.write_text(json.dumps({"satisfaction_ratings": [
        {"id": 1, "ticket_id": 5, "score": "good", "created_at": "2026-01-01T10:00:00Z", "updated_at":
         "2026-01-01T10:00:00Z", "requester_id": 7, "assignee_id": 8, "comment": None}]}))
    with pytest.raises(DataError, match=r"survey='nps' \(CLI --survey nps\) contradicts the zendesk_api export, whose "
                                        r"survey is always 'csat'\. Fix: leave out survey="):
        tio.load_survey_responses(path, survey="nps")


# --- no tracebacks, no hangs -------------------------------------------------------------------------------------

def test_fifos_devices_and_folders_are_refused_at_once(tmp_path):
    fifo = tmp_path / "export.csv"
    os.mkfifo(fifo)
    for path, what in ((fifo, "a named pipe (FIFO)"), ("/dev/zero", "a device")):
        with pytest.raises(DataError) as info:
            tio.load_tickets(path)
        assert str(info.value) == (f"file {path}: this is {what}, not a regular file. Fix: save the data to a "
                                   "regular file first and pass that file")
    with pytest.raises(DataError, match=r": this is a folder, not a file\. Fix: pass the file inside it$"):
        tio.load_tickets(tmp_path)


def test_deeply_nested_json_is_an_error_or_a_rejected_record(tmp_path):
    (tmp_path / "deep.json").write_text("[" * 5000 + "]" * 5000)
    with pytest.raises(DataError) as info:
        tio.load_tickets(tmp_path / "deep.json")
    assert str(info.value) == (f"file {tmp_path / 'deep.json'}: the JSON is nested too deeply to be an export "
                               "(thousands of levels). Fix: export the records as a JSON array of objects or JSON "
                               "lines")
    nested: dict = {"a": 1}
    for _ in range(300):
        nested = {"x": nested}
    ok = {"ticket_id": 3, "created_at": "2026-01-01", "status": "open", "channel": "email"}
    lines = [json.dumps({**ok, "ticket_id": 2, "nested": nested}), json.dumps(ok), "[" * 3000 + "]" * 3000]
    (tmp_path / "t.jsonl").write_text("\n".join(lines) + "\n")
    frame, report = tio.load_tickets(tmp_path / "t.jsonl")
    assert frame["ticket_id"].tolist() == ["3"]
    assert [(r[0], r[3]) for r in _rejected(report)] == [(1, "record is nested more than 100 levels deep"),
                                                         (3, "line is nested too deeply")]


def test_airbyte_record_with_invalid_inner_json_is_rejected(tmp_path):
    good = {"ticket_id": 1, "created_at": "2026-01-01", "status": "open", "channel": "email"}
    (tmp_path / "a.jsonl").write_text(json.dumps({"_airbyte_ab_id": "a", "_airbyte_data": json.dumps(good)}) + "\n"
                                      + json.dumps({"_airbyte_ab_id": "b", "_airbyte_data": "{not json"}) + "\n")
    frame, report = tio.load_tickets(tmp_path / "a.jsonl")
    assert (report.rows_read, report.rows_kept) == (2, 1)
    assert _rejected(report) == [(2, "_airbyte_data", "", "the Airbyte record's _airbyte_data is not valid JSON "
                                  "(Expecting property name enclosed in double quotes: line 1 column 2 (char 1))")]
    (tmp_path / "b.jsonl").write_text(json.dumps({"_airbyte_data": "[1, 2"}) + "\n")
    with pytest.raises(DataError, match=r"none of the 1 records can be used \(the first: the Airbyte record's "
                                        r"_airbyte_data is not valid JSON"):
        tio.load_tickets(tmp_path / "b.jsonl")


# --- mapping files: wrong types, unknown units, code by name ----------------------------------------------------

MAPPING_ERRORS = [
    ("columns: [ticket_id]\n",
     "`columns`: expected a mapping of `key: value` entries, got a list. Fix: write e.g. columns: {ticket_id: Case "
     "number}"),
    ("parse:\n  first_reply_minutes: {duration: fortnights}\n",
     "`parse.first_reply_minutes.duration`: unknown duration 'fortnights'. Fix: use one of days, hours, minutes, "
     "seconds"),
    ("parse:\n  created_at: {epoch: ns}\n", "`parse.created_at.epoch`: unknown epoch 'ns'. Fix: use one of ms, s"),
    ("parse:\n  first_reply_minutes: hours\n",
     "`parse.first_reply_minutes`: expected a mapping, got the text 'hours'. Fix: write e.g. parse: "
     "{first_reply_minutes: {duration: hours}}"),
    ("parse:\n  sla_breached: {negate: 'yes please'}\n",
     "`parse.sla_breached.negate`: expected true or false, got the text 'yes please'. Fix: write e.g. negate: true"),
    ("parse:\n  created_at: {formats: x}\n",
     "`parse.created_at.formats`: unknown parse option 'formats'. Fix: use some of combine, date_format, dayfirst, "
     "duration, epoch, false, html, key, negate, split, true, true_pattern"),
    ("values:\n  status: [open]\n",
     "`values.status`: expected a mapping, got a list. Fix: write e.g. values: {status: {Closed: solved}}"),
    ("derive:\n  full_resolution_minutes: {minutes_between: created_at}\n",
     "`derive.full_resolution_minutes`: needs `minutes_between: [start, end]` (two canonical column names). Fix: "
     "write e.g. full_resolution_minutes: {minutes_between: [created_at, solved_at]}"),
    ("exclude: [spam]\n",
     "`exclude[0]`: an exclude rule needs `column` (a name) and `values` (a list). Fix: write e.g. {column: status, "
     "values: [spam], reason: 'marked as spam'}"),
    ("hooks:\n  raw: this:main\n",
     "`hooks.raw`: 'this:main' is not one of the toolkit's registered raw hooks. Fix: use one of "
     "toolkit.io.intercom:explode_conversations, or remove the hook (mapping files cannot run other code)"),
    ("hooks:\n  mapped: os:system\n",
     "`hooks.mapped`: 'os:system' is not one of the toolkit's registered mapped hooks. Fix: use one of "
     "toolkit.io.zendesk:comment_roles, or remove the hook (mapping files cannot run other code)"),
    ("hooks:\n  load: toolkit.io.zendesk:comment_roles\n",
     "`hooks.load`: unknown hook stage 'load'. Fix: use raw, mapped or provides"),
    ("columns: !!python/object/apply:os.system ['echo hi']\n",
     ": the tag 'tag:yaml.org,2002:python/object/apply:os.system' at line 1 is not allowed: a mapping file holds plain "
     "data only. Fix: remove the tag and write the plain value"),
    ("columns:\n  ticket_id: Id\n  ticket_id: Case\n",
     "`columns.ticket_id`: key 'ticket_id' is written twice in one mapping (lines 2 and 3). Fix: keep one of them "
     "(YAML would silently use the last one)"),
]


@pytest.mark.parametrize(("text", "message"), MAPPING_ERRORS, ids=[m[1].split(":")[0] for m in MAPPING_ERRORS])
def test_mapping_files_with_wrong_types_units_or_code_are_config_errors(tmp_path, text, message):
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(text)
    with pytest.raises(ConfigError) as info:
        tio.load_tickets(_csv(tmp_path, ["1,2026-01-01,open,email"]), mapping=mapping)
    separator = "" if message.startswith(":") else ", "
    assert str(info.value) == f"file {mapping}{separator}{message}"


def test_a_hook_in_a_mapping_dict_cannot_import_anything(tmp_path):
    import sys

    sys.modules.pop("this", None)
    with pytest.raises(ConfigError, match=r"'this:main' is not one of the toolkit's registered raw hooks"):
        tio.load_tickets(_csv(tmp_path, ["1,2026-01-01,open,email"]), mapping={"hooks": {"raw": "this:main"}})
    assert "this" not in sys.modules


def test_alias_bomb_in_a_mapping_is_refused(tmp_path):
    lines = ["a: &a [x, x, x, x, x, x, x, x, x]"] + [
        f"{n}: &{n} [" + ", ".join([f"*{p}"] * 9) + "]" for p, n in zip("abcdefgh", "bcdefghi", strict=True)]
    mapping = tmp_path / "bomb.yaml"
    mapping.write_text("\n".join(lines) + "\n")
    with pytest.raises(ConfigError, match=r"the mapping file expands to more than 200,000 values"):
        tio.load_tickets(_csv(tmp_path, ["1,2026-01-01,open,email"]), mapping=mapping)


# --- the load command: formula-safe rejected rows, output folders, no temporary names --------------------------

def test_load_cli_rejected_csv_neutralises_formulas(tmp_path, capsys):
    path = _csv(tmp_path, ["1,=HYPERLINK(\"http://evil\"),open,email", "2,2026-01-01,open,email",
                           "3,@SUM(A1),open,email", "4,-3.5,open,email"])
    main(["load", "tickets", str(path), "--out", str(tmp_path / "t.parquet"), "--rejected",
          str(tmp_path / "rejected.csv")])
    assert "rows read 4, kept 1, rejected 3" in capsys.readouterr().out
    rows = pd.read_csv(tmp_path / "rejected.csv", dtype=str)
    assert rows["value"].tolist() == ["'=HYPERLINK(\"http://evil\")", "'@SUM(A1)", "-3.5"]


def test_load_cli_out_under_a_file_says_how_to_fix_it(tmp_path, capsys):
    (tmp_path / "blocker").write_text("a file")
    with pytest.raises(SystemExit) as info:
        main(["load", "tickets", str(_csv(tmp_path, ["1,2026-01-01,open,email"])), "--out",
              str(tmp_path / "blocker" / "t.parquet")])
    err = capsys.readouterr().err
    assert info.value.code == 2
    assert err == (f"error: file {tmp_path / 'blocker'}: cannot create the folder {tmp_path / 'blocker'}: "
                   f"{tmp_path / 'blocker'} is a file, not a folder. Fix: choose another output folder, or move or "
                   "rename that file\n")
    assert ".tmp" not in err and "Traceback" not in err


def test_load_cli_survey_option_contradiction_exits_2(tmp_path, capsys):
    path = tmp_path / "s.csv"
    path.write_text("response_id,survey,score,scale,submitted_at\n1,csat,4,1-5,2026-01-01\n")
    with pytest.raises(SystemExit) as info:
        main(["load", "survey", str(path), "--survey", "nps", "--out", str(tmp_path / "s.parquet")])
    assert info.value.code == 2
    assert capsys.readouterr().err.startswith(f"error: file {path}, column `survey`: survey='nps' (CLI --survey nps) "
                                              "contradicts the file's own `survey` column")


def test_numbers_and_placeholders_in_date_columns_are_rejected_not_read_as_years(tmp_path):
    path = _csv(tmp_path, ["1,-3.5,open,email", "2,1900-01-01,open,email", "3,20260401,open,email",
                           "4,12,open,email"])
    frame, report = tio.load_tickets(path)
    assert _created(frame) == ["2026-04-01 00:00:00+00:00"]
    assert _rejected(report) == [(2, "created_at", "-3.5", "value is not a date"),
                                 (3, "created_at", "1900-01-01", "date is before 1970; a wrong year or a placeholder?"),
                                 (5, "created_at", "12", "value is not a date")]


def test_a_stray_quote_closed_by_a_later_records_quote_swallows_nothing(tmp_path):
    path = _csv(tmp_path, ['1,2026-01-01,open,email,"x', '2,2026-01-02,open,email,plain', '3,2026-01-03,open,email,',
                           '4,2026-01-04,open,email,"a,b"', '5,2026-01-05,open,email,end'], header=HEADER + ",subject")
    frame, report = tio.load_tickets(path)
    assert (report.rows_read, report.rows_kept) == (5, 4)
    assert frame["subject"].fillna("").tolist() == ["plain", "", "a,b", "end"]
    assert _rejected(report) == [(2, "", '1,2026-01-01,open,email,"x', QUOTE_REASON.format("',' expected after '\"'"))]
    closes_cleanly = _csv(tmp_path, ['1,2026-01-01,open,email,"x', '2,2026-01-02,open,email,plain',
                                     '3,2026-01-03,open,email,",0"', '4,2026-01-04,open,email,end'],
                          header=HEADER + ",subject", name="clean.csv")
    frame, report = tio.load_tickets(closes_cleanly)
    assert (report.rows_read, report.rows_kept) == (4, 3)
    assert _rejected(report)[0][3] == QUOTE_REASON.format("a quoted field runs over 3 lines into a record of 6 "
                                                          "fields, the header has 5")
    # the stray quote closed at the end of the next record, which the two lines make one of the right width
    swallows_a_record = _csv(tmp_path, ['1,2026-01-01,open,email,"x', '2,2026-01-02,open,email,"', '3,2026-01-03,open,'
                                        'email,end'], header=HEADER + ",subject", name="swallow.csv")
    frame, report = tio.load_tickets(swallows_a_record)
    assert (report.rows_read, report.rows_kept) == (3, 1) and frame["ticket_id"].tolist() == ["3"]
    assert [r[0] for r in _rejected(report)] == [2, 3]
    assert _rejected(report)[0][3] == QUOTE_REASON.format("a quoted field runs over line 3, which holds a whole "
                                                          "record of its own")


def test_a_title_block_and_blank_lines_above_the_header_are_skipped_and_said(tmp_path):
    path = tmp_path / "report.csv"
    path.write_text("Tickets report, January 2026\n\nticket_id;created_at;status;channel;subject\n"
                    "1;2026-01-01;open;email;x\n2;not a date;open;web;y\n3;2026-01-03;open;web;z\n")
    tickets, report = tio.load_tickets(path)
    assert tickets["ticket_id"].tolist() == ["1", "3"]
    assert "2 lines above the header skipped: 'Tickets report, January 2026'" in report.notes
    assert report.rejected["row"].tolist() == [5]  # the file's own line number, title and blank line counted
    (tmp_path / "blank.csv").write_text("\n\n\nticket_id,created_at,status,channel\n1,2026-01-01,open,email\n")
    tickets, report = tio.load_tickets(tmp_path / "blank.csv")
    assert len(tickets) == 1 and "3 lines above the header skipped (blank)" in report.notes


def test_utf16_without_a_byte_order_mark_is_read(tmp_path):
    text = "ticket_id,created_at,status,channel,subject\n1,2026-01-01,open,email,Café\n"
    for encoding in ("utf-16-le", "utf-16-be"):
        path = tmp_path / f"{encoding}.csv"
        path.write_bytes(text.encode(encoding))
        tickets, report = tio.load_tickets(path)
        assert tickets["subject"].tolist() == ["Café"]
        assert f"encoding {encoding.upper()} without a byte-order mark" in report.notes


def test_canonical_columns_but_one_name_the_missing_column(tmp_path):
    path = tmp_path / "tickets.csv"
    path.write_text("ticket_id,created_at,status,subject,foo\n1,2026-01-01,open,x,1\n")
    with pytest.raises(DataError, match=r"column `channel`: is missing \(needed for `channel`\); the file has "
                                        r"`ticket_id`, `created_at`, `status`, `subject`, `foo`\. Fix: pass "
                                        r"mapping=\{'channel': '<your column>'\}"):
        tio.load_tickets(path)


def test_a_title_block_above_an_excel_header_is_skipped_and_said(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    for row in ([], ["Tickets export - Acme"], [], ["ticket_id", "created_at", "status", "channel", "subject"],
                ["1", "2026-01-01", "open", "email", "x"], ["2", "not a date", "open", "web", "y"]):
        sheet.append(row)
    book.save(tmp_path / "export.xlsx")
    tickets, report = tio.load_tickets(tmp_path / "export.xlsx")
    assert tickets["ticket_id"].tolist() == ["1"]
    assert "2 rows above the header skipped: 'Tickets export - Acme'" in report.notes
    assert report.rejected["row"].tolist() == [6]  # the sheet's own row number


def test_old_mac_line_ends_and_a_second_byte_order_mark_are_read(tmp_path):
    mac = tmp_path / "mac.csv"
    mac.write_bytes(b"ticket_id,created_at,status,channel\r1,2026-01-01,open,email\r2,bad,open,web\r")
    tickets, report = tio.load_tickets(mac)
    assert tickets["ticket_id"].tolist() == ["1"] and report.rejected["row"].tolist() == [3]
    assert "lines end in a carriage return alone (old Mac style); read as line breaks" in report.notes
    twice = tmp_path / "bom.csv"
    twice.write_bytes(b"\xef\xbb\xbf\xef\xbb\xbfticket_id,created_at,status,channel\n1,2026-01-01,open,email\n")
    assert tio.load_tickets(twice)[0]["ticket_id"].tolist() == ["1"]


def test_survey_scores_written_with_their_label_or_out_of_the_scale_are_read(tmp_path):
    path = tmp_path / "nps.csv"
    path.write_text("response_id,submitted_at,score\nr1,2026-01-01,10 - Extremely likely\nr2,2026-01-02,9/10\n"
                    "r3,2026-01-03,4 (Passive)\nr4,2026-01-04,12/10\nr5,2026-01-05,N/A\nr6,2026-01-06,7\n")
    responses, report = tio.load_survey_responses(path, survey="nps")
    assert responses["score"].tolist() == [10, 9, 4, 7]
    assert report.rejected[["row", "value", "reason"]].values.tolist() == [
        [5, "12/10", "value is not a number"], [6, "N/A", "value is not a number"]]
    assert ("`score`: 3 scores written with a label or out of the scale read as their number "
            "(e.g. '10 - Extremely likely' = 10)") in report.notes


def test_a_survey_header_of_the_canonical_columns_but_one_names_it(tmp_path):
    path = tmp_path / "nps.csv"
    path.write_text("response_id,responded_at,score\nr1,2026-01-01,9\n")
    with pytest.raises(DataError, match=r"column `submitted_at`: is missing \(needed for `submitted_at`\); found "
                                        r"`responded_at`\. Fix: pass mapping=\{'submitted_at': 'responded_at'\}"):
        tio.load_survey_responses(path, survey="nps")


def test_excel_time_and_duration_cells_are_read_not_a_traceback(tmp_path):
    import datetime as dt

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Id", "Requester", "Created at", "Via", "Satisfaction Score", "Status",
                  "First reply time in minutes"])
    sheet.append([1, "Ann", dt.datetime(2026, 1, 1, 10), "Mail", "Good", "Open", dt.time(0, 38)])
    sheet.append([2, "Bob", dt.date(2026, 1, 2), "Mail", "Good", "Open", dt.timedelta(hours=26, minutes=5)])
    sheet.append([3, "Cy", dt.time(10, 0), "Mail", "Good", "Open", 5])
    book.save(tmp_path / "t.xlsx")
    tickets, report = tio.load_tickets(tmp_path / "t.xlsx")
    assert tickets["first_reply_minutes"].tolist() == [38.0, 1565.0]
    assert _created(tickets) == ["2026-01-01 10:00:00+00:00", "2026-01-02 00:00:00+00:00"]
    assert _rejected(report) == [(4, "Created at", "10:00:00", "value is a time of day without a date")]


def test_a_time_of_day_without_a_date_is_rejected_not_put_on_today(tmp_path):
    path = _csv(tmp_path, ["1,10:00,open,email", "2,9:30:15 PM,open,email", "3,2026-01-01 10:00,open,email"])
    tickets, report = tio.load_tickets(path)
    assert _created(tickets) == ["2026-01-01 10:00:00+00:00"]
    assert _rejected(report) == [(2, "created_at", "10:00", "value is a time of day without a date"),
                                 (3, "created_at", "9:30:15 PM", "value is a time of day without a date")]


def test_utf8_with_some_windows_1252_rows_reads_both_ungarbled(tmp_path):
    path = tmp_path / "mixed.csv"
    path.write_bytes(f"{HEADER},subject\n".encode() + "1,2026-01-01,open,email,café\n".encode()
                     + "2,2026-01-02,open,email,crème – “x”\n".encode("cp1252")
                     + "3,2026-01-03,open,email,naïve\n".encode())
    tickets, report = tio.load_tickets(path)
    assert tickets["subject"].tolist() == ["café", "crème – “x”", "naïve"]
    assert report.encoding == "utf-8"
    assert report.notes == ["encoding UTF-8, but 1 line in cp1252 (the file mixes two encodings; each line read in its "
                            "own, e.g. line 3: '2,2026-01-02,open,email,crème – “x”')"]


def test_cp1252_after_the_first_megabyte_of_utf8_does_not_garble_the_rest(tmp_path):
    path = tmp_path / "deep.csv"
    rows = "".join(f"{i},2026-01-01,open,email,naïve\n" for i in range(1, 40_000)).encode("utf-8")
    path.write_bytes(f"{HEADER},subject\n".encode() + rows + "40000,2026-01-02,open,email,“x”\n".encode("cp1252"))
    tickets, report = tio.load_tickets(path)
    assert tickets["subject"].iloc[[0, -2, -1]].tolist() == ["naïve", "naïve", "“x”"]
    assert report.notes[0] == ("encoding UTF-8, but 1 line in cp1252 (the file mixes two encodings; each line read in "
                               "its own, e.g. line 40001: '40000,2026-01-02,open,email,“x”')")


EXCEL_ROUNDED = ("id written in scientific notation, as Excel shows long numbers (its last digits are lost); export "
                 "again without opening the file in Excel, or format the column as text")


def test_ids_that_excel_wrote_in_scientific_notation_are_rejected_not_kept_as_text(tmp_path):
    path = _csv(tmp_path, ["1.2E+05,2026-01-01,open,email", "1.23457E+11,2026-01-02,open,email",
                           "123.0,2026-01-03,open,email", "12e4,2026-01-04,open,email"])
    tickets, report = tio.load_tickets(path)
    assert tickets["ticket_id"].tolist() == ["123", "12e4"]
    assert _rejected(report) == [(2, "ticket_id", "1.2E+05", EXCEL_ROUNDED),
                                 (3, "ticket_id", "1.23457E+11", EXCEL_ROUNDED)]


def test_ids_stored_as_numbers_too_large_to_be_exact_are_rejected_not_made_up(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER.split(","))
    sheet.append([123.0, "2026-01-01", "open", "email"])
    sheet.append([12345678901234567890, "2026-01-02", "open", "email"])
    book.save(tmp_path / "t.xlsx")
    tickets, report = tio.load_tickets(tmp_path / "t.xlsx")
    assert tickets["ticket_id"].tolist() == ["123"]
    assert _rejected(report) == [(3, "ticket_id", "1.23456789012346E+19", EXCEL_ROUNDED)]
    pd.DataFrame({"ticket_id": [1.0, 1.2345678901234567e19], "created_at": ["2026-01-01"] * 2,
                  "status": ["open"] * 2, "channel": ["email"] * 2}).to_parquet(tmp_path / "t.parquet")
    tickets, report = tio.load_tickets(tmp_path / "t.parquet")
    assert tickets["ticket_id"].tolist() == ["1"]
    assert _rejected(report) == [(2, "ticket_id", "1.2345678901234567e+19", "id stored as a number too large to hold "
                                  "it exactly (its last digits are lost); export the ids as text")]


def test_offsets_written_after_utc_and_other_programs_dates_are_read_at_their_offset(tmp_path):
    path = _csv(tmp_path, ["1,2026-03-02 10:00 UTC+1,open,email", "2,2026-03-02 10:00 GMT-05:30,open,email",
                           "3,Tue Mar 03 2026 10:00:00 GMT+0100 (Central European Standard Time),open,email",
                           "4,Wed Mar  4 09:00:00 UTC 2026,open,email", "5,2026-03-05 09:00:00 +0000 UTC,open,email"])
    frame, report = tio.load_tickets(path, tz="Europe/Amsterdam")
    assert _created(frame) == ["2026-03-02 09:00:00+00:00", "2026-03-02 15:30:00+00:00", "2026-03-03 09:00:00+00:00",
                               "2026-03-04 09:00:00+00:00", "2026-03-05 09:00:00+00:00"]
    assert report.rows_rejected == 0


def test_header_names_match_whatever_separates_their_words(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("TICKET-ID;Created-At;status;CHANNEL\n1;2026-03-02;open;email\n", encoding="utf-8")
    tickets, report = tio.load_tickets(path)
    assert report.source == "generic" and tickets[["ticket_id", "channel"]].values.tolist() == [["1", "email"]]
    assert str(tickets["created_at"].iloc[0]) == "2026-03-02 00:00:00+00:00"


def test_zero_width_characters_in_header_names_are_removed_and_said(tmp_path):
    path = tmp_path / "zendesk.csv"
    path.write_text("\ufeff\u200bId,Requester,Created at,Via,Satisfaction Score,Status\u200b,Subject\n"
                    "101,Ann,2026-07-01 09:00:00,Mail,Good,Solved,Invoice missing\n", encoding="utf-8")
    tickets, report = tio.load_tickets(path)
    assert report.source == "zendesk" and tickets[["ticket_id", "status"]].values.tolist() == [["101", "solved"]]
    assert report.notes == ["invisible characters (zero-width spaces or joiners) removed from 2 header names: `Id`, "
                            "`Status`"]
    book = openpyxl.Workbook()
    book.active.append(["ticket_id\u2060", "created_at", "status", "channel"])
    book.active.append([1, "2026-01-01", "open", "email"])
    book.save(tmp_path / "t.xlsx")
    tickets, report = tio.load_tickets(tmp_path / "t.xlsx")
    assert tickets["ticket_id"].tolist() == ["1"]
    assert report.notes == ["invisible characters (zero-width spaces or joiners) removed from 1 header name: "
                            "`ticket_id`"]


def test_a_workbook_whose_tickets_are_not_on_the_first_sheet_is_read_from_the_sheet_that_holds_them(tmp_path):
    book = openpyxl.Workbook()
    book.active.title = "Summary"
    book.active.append(["Total tickets", 2])
    book.create_sheet("Chart")
    tickets_sheet = book.create_sheet("Tickets")
    for row in (HEADER.split(","), [1, "2026-01-01", "open", "email"], [2, "someday", "open", "web"]):
        tickets_sheet.append(row)
    book.save(tmp_path / "report.xlsx")
    tickets, report = tio.load_tickets(tmp_path / "report.xlsx")
    assert tickets["ticket_id"].tolist() == ["1"] and report.rejected["row"].tolist() == [3]
    assert report.notes == ["sheet 'Tickets': the first sheet with data, 'Summary', does not hold a tickets table"]
    with pytest.raises(DataError, match=r"table tickets: cannot tell which helpdesk or survey tool exported this file "
                                        r"from its header \(first columns: `Total tickets`, `2`\)"):
        tio.load_tickets(tmp_path / "report.xlsx", sheet="Summary")


def _zip(path, members: dict):
    import zipfile

    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def test_an_export_sent_zipped_is_read_from_inside_the_archive(tmp_path):
    text = HEADER + "\n1,2026-01-01,open,email\n2,not a date,open,web\n"
    for name in ("export.zip", "export.xlsx"):  # a zip named .xlsx is still a zip
        path = _zip(tmp_path / name, {"tickets/": "", "tickets/tickets.csv": text, "__MACOSX/._tickets.csv": "x"})
        tickets, report = tio.load_tickets(path)
        assert tickets["ticket_id"].tolist() == ["1"] and report.rejected["row"].tolist() == [3]
        assert (report.format, report.notes) == ("csv", ["read 'tickets/tickets.csv' from the zip archive"])
    several = _zip(tmp_path / "several.zip", {"tickets.csv": text, "users.csv": "id\n1\n"})
    with pytest.raises(DataError) as info:
        tio.load_tickets(several)
    assert str(info.value) == (f"file {several}: this is a zip archive holding 2 files ('tickets.csv', 'users.csv'), "
                               "not one export. Fix: unzip it and pass the file that holds the data")
    nested = _zip(tmp_path / "nested.zip", {"inner.zip": (tmp_path / "export.zip").read_bytes()})
    with pytest.raises(DataError, match=r"this zip archive holds another zip archive \('inner.zip'\)\. Fix: unzip"):
        tio.load_tickets(nested)


def test_json_without_records_says_so(tmp_path):
    for text, problem in (("[]", "the JSON holds no records"),
                          ('{"tickets": [], "count": 0}', "the JSON holds no records"),
                          ("[{}, {}]", "the JSON holds no records with any fields")):
        path = tmp_path / "t.json"
        path.write_text(text)
        with pytest.raises(DataError) as info:
            tio.load_tickets(path)
        assert str(info.value) == (f"file {path}: {problem}. Fix: check the export's filters and date range, and "
                                   "export again")


def test_json_lines_files_joined_with_their_byte_order_marks_are_read(tmp_path):
    line = json.dumps({"ticket_id": 1, "created_at": "2026-01-01", "status": "open", "channel": "email"})
    path = tmp_path / "joined.jsonl"
    path.write_text("\ufeff" + line + "\n\ufeff" + line.replace('"ticket_id": 1', '"ticket_id": 2') + "\n")
    tickets, report = tio.load_tickets(path)
    assert tickets["ticket_id"].tolist() == ["1", "2"] and report.rows_rejected == 0


def test_a_few_nul_bytes_in_text_fields_are_removed_and_said_not_a_binary_file(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes(f"{HEADER},subject\n1,2026-01-01,open,email,hel\x00lo\n2,2026-01-02,open,email,ok\x00\n".encode())
    tickets, report = tio.load_tickets(path)
    assert tickets["subject"].tolist() == ["hello", "ok"]
    assert report.notes == ["2 NUL bytes (\\0, never text) removed, the first on line 2"]


def test_times_with_a_zone_name_are_read_at_its_offset_and_ambiguous_names_rejected(tmp_path):
    path = _csv(tmp_path, ["1,2026-01-01 10:00 CET,open,email", "2,2026-07-01 10:00 CEST,open,email",
                           "3,01/02/2026 10:00 EST,open,email", "4,2026-01-01 10:00 UTC,open,email",
                           "5,2026-01-01 10:00 CST,open,email"])
    tickets, report = tio.load_tickets(path, tz="Europe/Amsterdam")
    assert _created(tickets) == ["2026-01-01 09:00:00+00:00", "2026-07-01 08:00:00+00:00",
                                 "2026-01-02 15:00:00+00:00", "2026-01-01 10:00:00+00:00"]
    assert _rejected(report) == [(6, "created_at", "2026-01-01 10:00 CST", "value is not a date")]
    assert "`created_at`: 3 times written with a zone name (CEST, CET, EST) read at that zone's offset from UTC" in \
        report.notes


def test_flags_written_as_1_0_or_in_dutch_german_or_french_are_read(tmp_path):
    values = ["Yes", "Nee", "1.0", "0.0", "Ja", "nein", "Oui", "non", "maybe"]
    path = _csv(tmp_path, [f"{i},2026-01-01,open,email,{v}" for i, v in enumerate(values, start=1)],
                header=HEADER + ",sla_breached")
    tickets, report = tio.load_tickets(path)
    assert tickets["sla_breached"].tolist() == [True, False, True, False, True, False, True, False]
    assert _rejected(report) == [(10, "sla_breached", "maybe", "value is not true/false")]


def test_html_and_xml_saved_under_a_spreadsheet_name_are_named_for_what_they_are(tmp_path):
    fix = "Fix: open it in Excel and save it as .xlsx or CSV (UTF-8), or export CSV from the tool"
    for name, text, what in (
            ("export.xls", "\n<html><body><table><tr><td>Id</td></tr></table></body></html>",
             "a web page (HTML), not a CSV, Excel workbook or JSON export (some tools save an HTML table under an "
             ".xls name)"),
            ("export.xml", '<?xml version="1.0"?>\n<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet">'
             "</Workbook>", "an Excel 2003 XML spreadsheet, not a CSV, Excel workbook or JSON export")):
        path = tmp_path / name
        path.write_text(text)
        with pytest.raises(DataError) as info:
            tio.load_tickets(path)
        assert str(info.value) == f"file {path}: this is {what}. {fix}"


def test_a_password_protected_workbook_is_named_as_such_not_an_old_xls(tmp_path):
    # the start of an Office-encrypted .xlsx: an OLE container whose directory names the EncryptedPackage stream
    path = tmp_path / "export.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + "EncryptedPackage".encode("utf-16-le")
                     + bytes(64))
    with pytest.raises(DataError) as info:
        tio.load_tickets(path)
    assert str(info.value) == (f"file {path}: this Excel workbook is protected with a password. Fix: open it in Excel, "
                               "remove the password (File > Info > Protect Workbook) and save it again as .xlsx, or "
                               "export CSV")


def test_summary_rows_below_the_records_are_rejected_as_such(tmp_path):
    zendesk = tmp_path / "zendesk.csv"
    zendesk.write_text("Id,Requester,Created at,Via,Satisfaction Score,Status,Subject\n"
                       "101,Ann,2026-07-01 09:00:00,Mail,Good,Solved,Invoice missing\nTotal,,,,,,\n")
    tickets, report = tio.load_tickets(zendesk)
    assert tickets["ticket_id"].tolist() == ["101"]
    assert _rejected(report) == [(3, "", "Total", "summary row at the end of the export (a total, not a record)")]
    path = _csv(tmp_path, ["Total outage,2026-01-01,open,email,", "2,2026-01-02,open,email,3", ",,,Grand total:,5",
                           ",,,,", "Average,,,,4"], header=HEADER + ",reopens", name="footer.csv")
    tickets, report = tio.load_tickets(path)
    assert tickets["ticket_id"].tolist() == ["Total outage", "2"]
    assert _rejected(report) == [
        (4, "", "Grand total:", "summary row at the end of the export (a total, not a record)"),
        (5, "", "", "row is blank"), (6, "", "Average", "summary row at the end of the export (a total, not a record)")]


def test_null_records_in_a_json_array_are_rejected_not_counted_as_singer_messages(tmp_path):
    ok = {"ticket_id": 1, "created_at": "2026-01-01", "status": "open", "channel": "email"}
    path = tmp_path / "t.json"
    path.write_text(json.dumps([ok, None, {"_airbyte_data": None}, {"type": "STATE", "value": {}}]))
    tickets, report = tio.load_tickets(path)
    assert (report.rows_read, report.rows_kept) == (3, 1)
    assert _rejected(report) == [(2, "", "", "record is not a JSON object"), (3, "", "", "record is not a JSON object")]
    assert report.notes == ["1 Singer SCHEMA/STATE messages skipped (not records)"]


def test_a_json_document_cut_off_says_so_and_json_lines_with_a_bad_first_line_still_load(tmp_path):
    records = [{"ticket_id": i, "created_at": "2026-01-01", "status": "open", "channel": "email"} for i in (1, 2)]
    path = tmp_path / "t.json"
    path.write_text(json.dumps({"tickets": records}, indent=2)[:-50])
    with pytest.raises(DataError) as info:
        tio.load_tickets(path)
    assert str(info.value) == (f"file {path}: the file is not valid JSON or JSON lines (Unterminated string starting "
                               "at: line 12 column 7 (char 203)); it stops before the JSON is complete: the file was "
                               "cut off. Fix: download or export it again")
    lines = tmp_path / "t.jsonl"
    lines.write_text('{"ticket_id": 0, "created\n' + "\n".join(json.dumps(r) for r in records) + "\n")
    tickets, report = tio.load_tickets(lines)
    assert tickets["ticket_id"].tolist() == ["1", "2"] and _rejected(report)[0][::3] == (1, "line is not valid JSON")


def test_utf16_cut_off_in_the_middle_of_a_character_is_read_and_said(tmp_path):
    path = tmp_path / "t.txt"
    path.write_bytes(f"{HEADER}\n1,2026-01-01,open,email\n2,2026-01-02,open,web\n".encode("utf-16")[:-1])
    tickets, report = tio.load_tickets(path)
    assert tickets["channel"].tolist() == ["email", "web"]
    assert report.notes == ["encoding UTF-16 (Excel 'Unicode text')",
                            "the file ends in half a character (cut off?); that last byte was dropped"]


def test_a_row_of_group_names_above_the_column_names_is_skipped_and_said(tmp_path):
    path = _csv(tmp_path, [HEADER + ",subject", "1,2026-01-01,open,email,x", "2,soon,open,web,y"],
                header="Ticket,Ticket,Dates,Meta,Meta")
    tickets, report = tio.load_tickets(path)
    assert tickets["ticket_id"].tolist() == ["1"] and report.rejected["row"].tolist() == [4]
    assert (report.rows_read, report.notes) == (2, [
        "two header rows: the column names are on row 2, below a row of group names (Ticket, Dates, Meta), which "
        "was skipped"])
    book = openpyxl.Workbook()
    for row in (["Ticket", None, "Dates", "Meta"], HEADER.split(","), [1, "2026-01-01", "open", "email"]):
        book.active.append(row)
    book.save(tmp_path / "t.xlsx")
    tickets, report = tio.load_tickets(tmp_path / "t.xlsx")
    assert tickets["ticket_id"].tolist() == ["1"] and report.rows_read == 1
    assert report.notes == ["two header rows: the column names are on row 2, below a row of group names (Ticket, "
                            "Dates, Meta), which was skipped"]


def test_values_written_as_excel_text_formulas_are_read_as_their_text(tmp_path):
    for rows in (['="00123",2026-01-01,open,email', '="00124",2026-01-02,open,email'],  # as written by the tool
                 ['"=""00123""",2026-01-01,open,email', '"=""00124""",2026-01-02,open,email']):  # quoted as CSV
        tickets, report = tio.load_tickets(_csv(tmp_path, rows))
        assert tickets["ticket_id"].tolist() == ["00123", "00124"]
        assert report.notes == ['2 values written as Excel text formulas (e.g. ="00123", which keeps leading zeros) '
                                "read as their text, in `ticket_id`"]


def test_a_line_break_inside_quotes_in_a_row_of_the_wrong_width_is_one_ragged_record(tmp_path):
    # found by the property test: counted as two records with broken quoting before
    path = _csv(tmp_path, ['1,2026-01-01,open,email,"two\nlines",surplus', "2,2026-01-02,open,web,ok"],
                header=HEADER + ",subject")
    tickets, report = tio.load_tickets(path)
    assert (report.rows_read, tickets["ticket_id"].tolist()) == (2, ["2"])
    assert _rejected(report) == [(2, "", "1,2026-01-01,open,email,two\nlines,surplus",
                                  "row has 6 fields, the header has 5 (an unquoted delimiter or a broken quote)")]


def test_a_gzip_file_with_corrupt_compressed_data_is_a_data_error(tmp_path):
    import gzip

    packed = bytearray(gzip.compress((HEADER + "\n" + "1,2026-01-01,open,email\n" * 200).encode(), mtime=0))
    packed[12:16] = b"\xff\xff\xff\xff"  # inside the deflate stream: zlib.error, not OSError
    path = tmp_path / "t.csv.gz"
    path.write_bytes(bytes(packed))
    with pytest.raises(DataError, match=r"^file .*t\.csv\.gz: the gzip file is damaged \(Error -3 while decompressing "
                                        r"data: .*\)\. Fix: compress or export it again$"):
        tio.load_tickets(path)


def test_an_xlsx_whose_sheet_xml_is_damaged_is_a_data_error_not_a_parse_error(tmp_path):
    import zipfile

    book = openpyxl.Workbook()
    book.active.append(HEADER.split(","))
    book.active.append([1, "2026-01-01", "open", "email"])
    book.save(tmp_path / "good.xlsx")
    with zipfile.ZipFile(tmp_path / "good.xlsx") as good, zipfile.ZipFile(tmp_path / "bad.xlsx", "w") as bad:
        for name in good.namelist():
            data = good.read(name)
            bad.writestr(name, data.replace(b"</row>", b"</rov>", 1) if name == "xl/worksheets/sheet1.xml" else data)
    with pytest.raises(DataError, match=r"bad\.xlsx: the sheet 'Sheet' cannot be read, its XML is damaged \(mismatched "
                                        r"tag: line \d+, column \d+\)\. Fix: open it in Excel and save it again as "
                                        r"\.xlsx, or export CSV$"):
        tio.load_tickets(tmp_path / "bad.xlsx")


def test_a_merged_range_written_in_an_unexpected_form_is_ignored_not_a_traceback(tmp_path):
    import zipfile

    book = openpyxl.Workbook()
    for row in (HEADER.split(","), [1, "2026-01-01", "open", "email"], [2, None, "open", "email"]):
        book.active.append(row)
    book.active.merge_cells("B2:B3")
    book.save(tmp_path / "good.xlsx")
    with zipfile.ZipFile(tmp_path / "good.xlsx") as good, zipfile.ZipFile(tmp_path / "odd.xlsx", "w") as odd:
        for name in good.namelist():
            data = good.read(name)
            odd.writestr(name, data.replace(b'ref="B2:B3"', b'ref="b2:b3"') if "worksheets" in name else data)
    tickets, report = tio.load_tickets(tmp_path / "odd.xlsx")
    assert tickets["ticket_id"].tolist() == ["1"]
    assert _rejected(report) == [(3, "created_at", "", "required value is empty")]


def test_json_values_that_are_lists_endless_or_too_large_are_rejected_not_a_traceback(tmp_path):
    ok = {"ticket_id": 1, "created_at": "2026-01-01", "status": "open", "channel": "email"}
    path = tmp_path / "t.json"
    path.write_text(json.dumps([ok, {**ok, "ticket_id": 2, "status": ["open", "solved"]},
                                {**ok, "ticket_id": 3, "reopens": 10**20}, {**ok, "ticket_id": 4, "reopens": "inf"},
                                {**ok, "ticket_id": 5, "first_reply_minutes": 1e400}]).replace("Infinity", "1e400"))
    tickets, report = tio.load_tickets(path)
    assert tickets["ticket_id"].tolist() == ["1"]
    assert _rejected(report) == [(2, "status", "['open', 'solved']",
                                  "value is a list or an object, not a single value"),
                                 (3, "reopens", "100000000000000000000", "value is too large for a count"),
                                 (4, "reopens", "inf", "value is not a finite number"),
                                 (5, "first_reply_minutes", "inf", "value is not a finite number")]


def test_a_decimal_point_in_a_decimal_comma_column_is_never_dropped_as_a_thousands_separator(tmp_path):
    head = HEADER + ",first_reply_minutes"
    eu = _csv(tmp_path, ['1,2026-01-01,open,email,"1.234,5"', "2,2026-01-01,open,email,.5",
                         "3,2026-01-01,open,email,1.2E+05", '4,2026-01-01,open,email,"1.234.567"'], header=head)
    tickets, report = tio.load_tickets(eu)
    assert tickets["first_reply_minutes"].tolist() == [1234.5, 1234567.0]  # not 5 and 1,200,000
    reason = ("number written with a decimal point, but this column uses a decimal comma (e.g. '1.234,5'); the two "
              "are mixed")
    assert _rejected(report) == [(3, "first_reply_minutes", ".5", reason),
                                 (4, "first_reply_minutes", "1.2E+05", reason)]
    en = _csv(tmp_path, ['1,2026-01-01,open,email,"1,234.5"', '2,2026-01-01,open,email,",5"',
                         "3,2026-01-01,open,email,1.2E+05"], header=head, name="en.csv")
    tickets, report = tio.load_tickets(en)
    assert tickets["first_reply_minutes"].tolist() == [1234.5, 120000.0]  # not 5
    assert _rejected(report)[0][:3] == (3, "first_reply_minutes", ",5")


def test_an_hour_only_offset_among_naive_times_and_relative_days_are_no_traceback_and_no_load_time_date(tmp_path):
    path = _csv(tmp_path, ["1,2026-01-01,open,email", "2,2026-01-01T10:00:00+01,open,email",
                           "3,2026-01-01T10:00:00.5-03,open,email", "4,today,open,email",
                           "5,Yesterday 10:32,open,email"])
    tickets, report = tio.load_tickets(path)
    assert _created(tickets) == ["2026-01-01 00:00:00+00:00", "2026-01-01 09:00:00+00:00",
                                 "2026-01-01 13:00:00.500000+00:00"]
    assert _rejected(report) == [(5, "created_at", "today", "value is not a date"),
                                 (6, "created_at", "Yesterday 10:32", "value is not a date")]


# --- tables typed by people ---------------------------------------------------------------------------------------

def test_a_table_typed_by_hand_is_read_as_the_person_meant_it():
    """`Ticket ID` is `ticket_id`; a header name may hold a line break; Dutch month names; durations with units."""
    from pathlib import Path

    path = Path(__file__).parent / "fixtures" / "io" / "malformed" / "typed_by_hand.csv"
    frame, report = tio.load_tickets(path)
    assert (report.source, report.source_detected) == ("generic", True)
    assert frame["ticket_id"].tolist() == ["1", "2", "6"]
    assert _created(frame) == ["2026-01-05 09:00:00+00:00", "2026-03-02 10:30:00+00:00", "2026-02-06 08:15:00+00:00"]
    assert frame["first_reply_minutes"].tolist() == [5.0, 90.0, 90.0]
    assert report.notes == [
        "line breaks inside 1 header name read as spaces: `First reply minutes`",
        "`Created At`: 2 dates with month names in another language than English read (e.g. '5 januari 2026 09:00' "
        "as '5 Jan 2026 09:00')",
        "`First reply minutes`: 1 durations written as H:MM:SS read",
        "`First reply minutes`: 3 durations written with units read (e.g. '5 min' = 5 minutes)"]


@pytest.mark.parametrize(("written", "read"), [
    ("5 januari 2026", "2026-01-05"), ("maandag 5 januari 2026 10:00", "2026-01-05 10:00"),
    ("5. März 2026", "2026-03-05"), ("Montag, 5. März 2026", "2026-03-05"), ("5 mars 2026", "2026-03-05"),
    ("lundi 2 févr. 2026", "2026-02-02"), ("5 de marzo de 2026", "2026-03-05"), ("12 dicembre 2025", "2025-12-12"),
    ("6 Feb. 2026", "2026-02-06"), ("3 okt 2025 14:30", "2025-10-03 14:30"), ("2 mei 2026", "2026-05-02"),
])
def test_month_names_of_other_languages_are_read(written, read):
    from toolkit.io.parse import parse_datetimes

    values, reasons, _ = parse_datetimes(pd.Series([written]))
    assert reasons.isna().all()
    assert values.iloc[0] == pd.Timestamp(read, tz="UTC")


@pytest.mark.parametrize("written", ["2026-03-02  10:00", "2026-03-02\t10:00", "2026-03-02\n10:00",
                                     "2026-03-02\r\n10:00", "2026-03-02\u00a010:00", "03/02/2026\u202f 10:00"])
def test_any_whitespace_between_date_and_time_is_a_space(written):
    # a double space was rejected while a tab was read; a line break comes from a cell edited in a spreadsheet
    from toolkit.io.parse import parse_datetimes

    values, reasons, notes = parse_datetimes(pd.Series([written, "2026-03-04 11:00"]))
    assert reasons.isna().all()
    assert values.tolist() == [pd.Timestamp("2026-03-02 10:00", tz="UTC"), pd.Timestamp("2026-03-04 11:00", tz="UTC")]


@pytest.mark.parametrize(("written", "reason"), [
    ("Jan 5", "value is a date without a year"), ("5 March", "value is a date without a year"),
    ("Tue, 5 Mar 10:00", "value is a date without a year"), ("05/03", "value is a date without a year"),
    ("5 januari", "value is a date without a year"), ("March 2026", "value is a month without a day"),
    ("Mar, 2026", "value is a month without a day"), ("2026-03", "value is a month without a day"),
    ("03/2026", "value is a month without a day"), ("10:00", "value is a time of day without a date"),
])
def test_dates_missing_their_year_or_day_are_rejected_saying_which(written, reason):
    """A parser would put them in the current year or on the 1st: a made-up date, so the row is set aside."""
    from toolkit.io.parse import parse_datetimes

    values, reasons, _ = parse_datetimes(pd.Series([written, "2026-03-02"]))
    assert reasons.iloc[0] == reason and pd.isna(reasons.iloc[1])
    assert values.isna().tolist() == [True, False]


def test_durations_are_read_by_their_units_in_any_minutes_column(tmp_path):
    path = _csv(tmp_path, ["1,2026-03-02,open,email,5 min,2 hrs", "2,2026-03-02,open,email,45 secs,1 day 2h",
                           "3,2026-03-02,open,email,1.5 hours,30", "4,2026-03-02,open,email,5 apples,1"],
                header=HEADER + ",first_reply_minutes,full_resolution_minutes")
    frame, report = tio.load_tickets(path)
    assert frame["first_reply_minutes"].tolist() == [5.0, 0.75, 90.0]
    assert frame["full_resolution_minutes"].tolist() == [120.0, 1560.0, 30.0]
    assert _rejected(report) == [(5, "first_reply_minutes", "5 apples", "value is not a number")]
    assert report.notes == [
        "`first_reply_minutes`: 3 durations written with units read (e.g. '5 min' = 5 minutes)",
        "`full_resolution_minutes`: 2 durations written with units read (e.g. '2 hrs' = 120 minutes)"]


def test_an_export_in_the_agents_language_is_read_in_canonical_words():
    """German statuses, channels and priorities; dotted dates read day first; a delimiter after every row."""
    from pathlib import Path

    path = Path(__file__).parent / "fixtures" / "io" / "malformed" / "agents_language.csv"
    frame, report = tio.load_tickets(path)
    assert frame[["status", "channel", "priority"]].values.tolist() == [
        ["open", "email", "high"], ["solved", "phone", "low"], ["closed", "chat", "urgent"]]
    assert _created(frame) == ["2026-03-02 09:00:00+00:00", "2026-03-03 14:30:00+00:00", "2026-03-04 08:05:00+00:00"]
    assert report.notes == [
        "every row ends in a delimiter after its last value, which the header lacks: read as an empty column "
        "without a name",
        "`created_at`: 3 dates such as '02.03.2026 09:00' could be day or month first; read day first, as dates "
        "written with full stops are"]
    assert report.columns_ignored == ["(unnamed)"]


def test_a_delimiter_after_some_rows_only_is_still_a_ragged_row(tmp_path):
    """Only when every row carries the extra empty field is it the export's style; else the row is set aside."""
    path = _csv(tmp_path, ["1,2026-03-02,open,email,", "2,2026-03-03,open,email"])
    frame, report = tio.load_tickets(path)
    assert frame["ticket_id"].tolist() == ["2"]
    assert [r[:2] for r in _rejected(report)] == [(2, "")]
    assert _rejected(report)[0][3].startswith("row has 5 fields, the header has 4")


def test_times_as_programs_write_them_are_read():
    """Whole numbers of 10 digits are Unix seconds, of 13 milliseconds; a year-first date on a 12-hour clock stays
    year first whatever the day/month order."""
    from pathlib import Path

    frame, report = tio.load_tickets(Path(__file__).parent / "fixtures" / "io" / "malformed" / "machine_times.csv",
                                     dayfirst=True)
    assert _created(frame) == ["2026-03-02 09:00:00+00:00", "2026-03-03 09:00:00+00:00",
                               "2026-03-02 09:00:00.123000+00:00"]
    assert [str(t) for t in frame["solved_at"]] == ["2026-03-02 21:30:00+00:00", "2026-03-03 00:05:00+00:00", "NaT"]
    assert report.notes[:2] == [
        "`created_at`: 2 whole numbers read as Unix times (seconds since 1 January 1970, e.g. 1772442000)",
        "`created_at`: 1 whole numbers read as Unix times (milliseconds since 1 January 1970, e.g. 1772442000123)"]


@pytest.mark.parametrize("number", ["999999999", "4000000001", "12345678901", "1772442000.5"])
def test_other_numbers_in_a_date_column_are_not_dates(number):
    from toolkit.io.parse import parse_datetimes

    values, reasons, _ = parse_datetimes(pd.Series([number]))
    assert values.isna().all() and reasons.tolist() == ["value is not a date"]


def test_quotes_escaped_with_a_backslash_are_read_as_quotes():
    """MySQL and many scripts write a quote inside a value as \\" and a backslash as \\\\; a file that is
    well formed only when read that way is read that way, and the report says so."""
    from pathlib import Path

    frame, report = tio.load_tickets(Path(__file__).parent / "fixtures" / "io" / "malformed" / "backslash_quotes.csv")
    assert frame["subject"].tolist() == ['He said "hi" to me', "Plain, with comma", "Path C:\\temp"]
    assert report.notes == ['quotes inside values are written \\" (a backslash before the quote): read as quotes']


def test_placeholders_for_no_value_are_empty_in_optional_typed_columns():
    """'N/A', '-', '#N/A' in an optional date, number, flag or category are no value, said once per column; in a
    required one (created_at) the row is set aside showing what was written; text columns keep them."""
    from pathlib import Path

    frame, report = tio.load_tickets(Path(__file__).parent / "fixtures" / "io" / "malformed" / "placeholders.csv")
    assert frame["ticket_id"].tolist() == ["1", "2"]
    assert frame["solved_at"].isna().all() and frame["first_reply_minutes"].isna().all()
    assert frame["sla_breached"].isna().all() and frame["satisfaction"].isna().all()
    assert frame["requester_id"].isna().all() and frame["problem_id"].isna().all()  # no customer shared by both
    assert _rejected(report) == [(4, "created_at", "N/A", "value is not a date")]
    assert report.notes == [
        "`solved_at`: 2 placeholders for 'no value' read as empty ('#N/A', 'N/A')",
        "`requester_id`: 2 placeholders for 'no value' read as empty ('N/A')",
        "`first_reply_minutes`: 2 placeholders for 'no value' read as empty ('-', '--')",
        "`sla_breached`: 1 placeholders for 'no value' read as empty ('n/a')",
        "`satisfaction`: 2 placeholders for 'no value' read as empty ('-', 'none')",
        "`problem_id`: 1 placeholders for 'no value' read as empty ('-')"]
