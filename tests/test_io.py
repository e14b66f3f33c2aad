"""Loaders on realistic vendor exports: exact canonical values for a few rows, and the load report."""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import toolkit.io as tio
from toolkit.errors import ConfigError, DataError
from toolkit.schema import DATETIME_DTYPE, empty

FIX = Path(__file__).parent / "fixtures" / "io"
SAMPLES = Path(__file__).parents[1] / "data" / "samples"


def ts(text: str) -> pd.Timestamp:
    return pd.Timestamp(text, tz="UTC")


def row(frame: pd.DataFrame, column: str, value) -> pd.Series:
    match = frame[frame[column] == value]
    assert len(match) == 1, f"{len(match)} rows with {column} == {value!r}"
    return match.iloc[0]


def assert_canonical(frame: pd.DataFrame, table: str) -> None:
    template = empty(table)
    assert list(frame.columns[: len(template.columns)]) == list(template.columns)
    for col in template.columns:
        assert str(frame[col].dtype) == str(template[col].dtype), col


# --- Zendesk ---------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def zendesk():
    return tio.load_tickets(FIX / "zendesk_tickets.csv", tz="Europe/London")


def test_zendesk_csv_values(zendesk):
    frame, report = zendesk
    assert_canonical(frame, "tickets")
    assert frame["ticket_id"].tolist() == ["10231", "10233", "10234", "10232"]
    t = row(frame, "ticket_id", "10231")
    assert t["created_at"] == ts("2026-03-02 09:14:22")  # GMT in March: same wall clock
    assert t["solved_at"] == ts("2026-03-02 16:40:05")
    assert (t["status"], t["channel"], t["priority"], t["team"]) == ("solved", "email", "normal", "Billing")
    assert t["tags"] == ["billing", "vat", "invoice"]
    assert (t["first_reply_minutes"], t["full_resolution_minutes"], t["first_resolution_minutes"]) == (38.0, 446.0,
                                                                                                     446.0)
    assert (t["reopens"], t["agent_replies"], t["satisfaction"]) == (0, 2, "good")
    assert row(frame, "ticket_id", "10233")["first_resolution_minutes"] == 1950.0
    assert t["requester_id"] == "381920001"
    assert t["extra"]["Ticket type"] == "Question" and t["extra"]["Plan [list]"] == "Business"
    # the hour repeated at the end of British Summer Time: first (BST) occurrence
    assert row(frame, "ticket_id", "10233")["created_at"] == ts("2025-10-26 00:30:00")
    unknown_via = row(frame, "ticket_id", "10234")
    assert unknown_via["channel"] == "other" and pd.isna(unknown_via["priority"])


def test_zendesk_csv_report_accounts_for_every_row(zendesk):
    frame, report = zendesk
    assert (report.source, report.source_detected, report.encoding, report.delimiter) == ("zendesk", True, "utf-8",
                                                                                          ",")
    assert (report.rows_read, report.rows_kept, report.rows_rejected) == (7, 4, 3)
    assert report.rejected.to_dict("records") == [
        {"row": 3, "column": "Id", "value": "10232",
         "reason": "duplicate ticket_id: the row with the latest `Updated at` (row 6) is kept"},
        {"row": 7, "column": "Created at", "value": "yesterday", "reason": "value is not a date"},
        {"row": 8, "column": "", "value": "", "reason": "row is blank"},
    ]
    # the duplicate kept is the later update: status pending, 4 replies
    dup = row(frame, "ticket_id", "10232")
    assert (dup["status"], dup["agent_replies"], dup["first_reply_minutes"]) == ("pending", 4, 1290.0)
    assert "`Via`: 1 values not in the mapping set to 'other' ('Telegram' 1)" in report.notes
    assert ("`First reply time in minutes`: 2 numbers with thousands separators or decimal commas read (decimal "
            "point, ',' groups thousands; no value proves it, so the usual decimal point was assumed; e.g. '1,290' "
            "= 1290)") in report.notes
    assert "Summation column" in report.columns_ignored
    assert report.columns_used["channel"] == ["Via"]


def test_report_renders_as_tidy_table(zendesk):
    _, report = zendesk
    table = report.to_frame()
    assert list(table.columns) == ["file", "table", "section", "item", "count", "detail"]
    counts = table[table["section"] == "rows"].set_index("item")["count"].to_dict()
    assert counts == {"read": 7, "kept": 4, "rejected": 3}
    rejected = table[table["section"] == "rejected"]
    assert rejected["count"].sum() == 3
    assert "`Created at`: value is not a date" in rejected["item"].tolist()
    assert rejected.loc[rejected["item"] == "`Created at`: value is not a date", "detail"].item() == \
        "row 7 ('yesterday')"
    summary = report.summary()
    assert "rows read 7, kept 4, rejected 3" in summary
    assert "zendesk tickets (detected; csv, utf-8, delimiter ',')" in summary


def test_zendesk_api_json_with_metrics_keeps_problem_id():
    frame, report = tio.load_tickets(FIX / "zendesk_tickets.json", metrics=FIX / "zendesk_ticket_metrics.jsonl")
    assert report.source == "zendesk_api" and report.format == "json"
    t = row(frame, "ticket_id", "35436")
    assert t["problem_id"] == "35400"
    assert (t["channel"], t["status"], t["priority"]) == ("web", "solved", "high")
    assert t["tags"] == ["export", "timeout"]
    assert (t["first_reply_minutes"], t["full_resolution_minutes"], t["agent_replies"]) == (38.0, 446.0, 2)
    assert t["first_resolution_minutes"] == 446.0  # from the metrics file
    assert t["solved_at"] == ts("2026-03-02 16:40:05")
    assert t["satisfaction"] == "good" and t["team"] == "98738"
    # the metrics file's business-hours times join the ticket's own extras (checked by load_tickets(schedule=))
    assert t["extra"] == {"type": "incident", "brand_id": 1, "form_id": 2, "satisfaction_comment": "thanks",
                          "first_reply_business_minutes": 38, "first_resolution_business_minutes": 446,
                          "full_resolution_business_minutes": 300}
    problem = row(frame, "ticket_id", "35437")
    assert pd.isna(problem["problem_id"]) and pd.isna(problem["satisfaction"])
    assert problem["first_reply_minutes"] == 120.0
    assert any("2 of 2 tickets matched" in n for n in report.notes)
    assert pd.isna(problem["first_resolution_minutes"])


@pytest.mark.parametrize("sideloaded", [True, False])
def test_zendesk_api_first_resolution_is_calendar_minutes_to_the_first_solve(tmp_path, sideloaded):
    metrics = {"reopens": 1, "first_resolution_time_in_minutes": {"calendar": 25, "business": 10},
               "full_resolution_time_in_minutes": {"calendar": 2900, "business": 600}}
    ticket = {"id": 1, "created_at": "2026-03-02T09:00:00Z", "status": "solved", "via": {"channel": "email"},
              "requester_id": 7}
    (tmp_path / "tickets.json").write_text(json.dumps({"tickets": [{**ticket, "metric_set": metrics}]
                                                       if sideloaded else [ticket]}), encoding="utf-8")
    (tmp_path / "metrics.jsonl").write_text(json.dumps({"ticket_id": 1, **metrics}) + "\n", encoding="utf-8")
    frame, _ = tio.load_tickets(tmp_path / "tickets.json", metrics=None if sideloaded else tmp_path / "metrics.jsonl")
    t = frame.iloc[0]
    assert (t["first_resolution_minutes"], t["full_resolution_minutes"], t["reopens"]) == (25.0, 2900.0, 1)


def test_zendesk_satisfaction_ratings_split_responses_and_invitations():
    responses, report = tio.load_survey_responses(FIX / "zendesk_satisfaction_ratings.json")
    assert_canonical(responses, "survey_responses")
    assert responses["response_id"].tolist() == ["62", "63"]
    assert responses["score"].tolist() == [1.0, 0.0]
    assert set(responses["scale"]) == {"binary"} and set(responses["survey"]) == {"csat"}
    assert responses["submitted_at"].tolist() == [ts("2026-03-03 08:00"), ts("2026-03-05 10:30")]
    assert responses.loc[1, "reason"] == "The issue took too long to resolve"  # vendor column kept as a segment
    assert report.rejected["reason"].tolist() == [
        "survey offered but not answered: an invitation, not a response", "survey not offered"]
    invitations, inv_report = tio.load_invitations(FIX / "zendesk_satisfaction_ratings.json")
    assert invitations["invitation_id"].tolist() == ["62", "63", "64"]  # offered-but-unanswered counts here
    assert invitations["sent_at"].iloc[2] == ts("2026-03-05 09:00")
    assert inv_report.rejected["reason"].tolist() == ["survey not offered"]


def test_zendesk_comments_roles_derived():
    messages, report = tio.load_messages(FIX / "zendesk_ticket_comments.jsonl")
    assert_canonical(messages, "messages")
    assert messages["author_role"].tolist() == ["customer", "agent", "agent", "customer"]
    assert messages["public"].tolist() == [True, True, False, True]
    assert messages["body"].iloc[1] == "Looks like a known problem, should be fixed soon."
    assert report.rows_read == 4 and report.rows_kept == 4


@pytest.mark.parametrize("name", ["zendesk_cp1252_semicolon.csv", "zendesk_utf8_bom.csv", "zendesk_utf16.txt",
                                  "zendesk_tickets.csv.gz"])
def test_encodings_and_delimiters(name):
    frame, report = tio.load_tickets(FIX / name)
    assert report.source == "zendesk" and report.rows_kept == 2
    if name.startswith("zendesk_cp1252"):
        assert (report.encoding, report.delimiter) == ("cp1252", ";")
        assert frame["subject"].tolist() == ["Café menu broken", "Preis: 1.234;50 €"]
        assert any("cp1252 detected" in n for n in report.notes)
    if name == "zendesk_utf8_bom.csv":
        assert report.encoding == "utf-8-sig" and report.columns_used["ticket_id"] == ["Id"]
    if name == "zendesk_utf16.txt":
        assert (report.encoding, report.delimiter) == ("utf-16", "\t")
    assert frame["assignee"].tolist() == ["Priya Shah", "Priya Shah"]


# --- other helpdesks -------------------------------------------------------------------------------------------

def test_freshdesk_csv_recomputes_empty_durations():
    frame, report = tio.load_tickets(FIX / "freshdesk_tickets.csv")
    assert report.source == "freshdesk"
    first = row(frame, "ticket_id", "5001")
    assert (first["status"], first["priority"], first["channel"]) == ("closed", "normal", "email")
    assert first["first_reply_minutes"] == 45.0 and first["full_resolution_minutes"] == 150.0  # HH:MM:SS hours
    assert first["solved_at"] == ts("2026-02-10 10:30") and first["tags"] == ["login", "password"]
    assert first["sla_breached"] is np.False_ or first["sla_breached"] is False
    waiting = row(frame, "ticket_id", "5002")
    assert (waiting["status"], waiting["channel"]) == ("pending", "web")
    assert waiting["first_reply_minutes"] == 360.0  # from Initial response time - Created time
    assert bool(waiting["sla_breached"]) is True
    phone = row(frame, "ticket_id", "5003")
    assert phone["first_reply_minutes"] == pytest.approx(4.8) and phone["full_resolution_minutes"] == 30.0
    assert (phone["agent_replies"], phone["customer_replies"]) == (1, 1)
    assert "`first_reply_minutes`: 1 values computed from created_at and _first_reply_at" in report.notes


def test_freshdesk_xlsx_with_excel_dates_and_serials():
    frame, report = tio.load_tickets(FIX / "freshdesk_tickets.xlsx", tz="Europe/London")
    assert report.format == "xlsx" and report.rows_read == 2 and report.rows_kept == 2
    t = row(frame, "ticket_id", "6001")
    assert t["created_at"] == ts("2026-03-02 09:00") and t["channel"] == "chat"
    assert t["first_reply_minutes"] == 6.0 and t["full_resolution_minutes"] == 150.0
    serial = row(frame, "ticket_id", "6002")
    assert serial["created_at"] == ts("2026-03-03 09:00")  # 46084.375 in London (GMT)
    assert serial["full_resolution_minutes"] == 180.0  # recomputed: Resolved - Created
    assert bool(serial["sla_breached"]) is True
    assert any("Excel serial dates converted" in n for n in report.notes)


def test_servicenow_incidents():
    frame, report = tio.load_tickets(FIX / "servicenow_incidents.csv", tz="Europe/London")
    assert report.source == "servicenow"
    first = row(frame, "ticket_id", "INC0010001")
    assert (first["status"], first["priority"], first["channel"]) == ("closed", "normal", "email")
    assert first["problem_id"] == "PRB0040001" and bool(first["sla_breached"]) is False
    assert first["full_resolution_minutes"] == pytest.approx(347.2667, abs=1e-3)
    child = row(frame, "ticket_id", "INC0010002")
    assert (child["parent_id"], child["priority"], bool(child["sla_breached"])) == ("INC0010001", "urgent", True)
    codes = row(frame, "ticket_id", "INC0010004")  # state 6 and priority 2 given as codes
    assert (codes["status"], codes["priority"], codes["channel"]) == ("solved", "high", "other")
    assert first["extra"]["close_code"] == "Solved (Permanently)"


def test_jira_service_management():
    frame, report = tio.load_tickets(FIX / "jira_issues.csv")
    assert report.source == "jira"
    t = row(frame, "ticket_id", "SUP-101")
    assert t["created_at"] == ts("2026-03-12 09:41") and t["solved_at"] == ts("2026-03-13 14:00")
    assert t["tags"] == ["access", "drive"]  # two `Labels` columns combined
    assert (t["status"], t["priority"], t["satisfaction"], t["channel"]) == ("solved", "normal", "4", "web")
    assert t["extra"]["Custom field (Time to first response)"] == "1h 2m"
    assert bool(t["sla_breached"]) is True  # "-3h 10m" left on time to resolution
    running = row(frame, "ticket_id", "SUP-102")
    assert running["status"] == "pending" and bool(running["sla_breached"]) is False
    assert pd.isna(row(frame, "ticket_id", "SUP-103")["sla_breached"])  # no SLA field filled
    assert "`channel` is not in the file; set to 'web' for every row" in report.notes


@pytest.mark.parametrize("name", ["intercom_conversations.json", "intercom_conversations.csv"])
def test_intercom_conversations(name):
    frame, report = tio.load_tickets(FIX / name)
    assert report.source == "intercom"
    t = row(frame, "ticket_id", "184726")
    assert t["created_at"] == ts("2026-03-02 09:00") and t["solved_at"] == ts("2026-03-02 10:56:40")
    assert (t["status"], t["channel"], t["priority"], t["satisfaction"]) == ("solved", "chat", "normal", "5")
    assert t["first_reply_minutes"] == 7.0 and t["reopens"] == 0
    assert t["description"].startswith("Hi! My invoice shows the wrong company name")
    other = row(frame, "ticket_id", "184727")
    # calendar minutes from the timestamps, not Intercom's office-hours durations (60 min, 5,200 s)
    assert other["first_reply_minutes"] == 120.0 and bool(other["sla_breached"]) is True
    assert t["full_resolution_minutes"] == pytest.approx(7000 / 60)
    assert pd.isna(other["solved_at"])
    # calendar minutes from created_at to first_close_at; 184727 was closed once, then reopened
    assert t["first_resolution_minutes"] == pytest.approx(7000 / 60)
    assert other["first_resolution_minutes"] == pytest.approx(11600 / 60) and pd.isna(other["full_resolution_minutes"])
    if name.endswith(".csv"):  # 184726 has no first_admin_reply_at here: Intercom's own 420 s is kept, and said
        assert ("`first_reply_minutes`: 1 values taken as the export gives them (_first_admin_reply_at missing), "
                "not calendar minutes") in report.notes
    if name.endswith(".json"):
        assert t["tags"] == ["billing", "invoice"] and t["extra"]["rating_remark"] == "Quick and kind"
        assert t["description"] == "Hi! My invoice shows the wrong company name & VAT"  # HTML to text


def test_intercom_conversation_parts():
    messages, report = tio.load_messages(FIX / "intercom_conversation_parts.jsonl")
    assert messages["message_id"].tolist() == ["7001", "7002", "7004"]
    assert messages["author_role"].tolist() == ["agent", "agent", "customer"]
    assert messages["public"].tolist() == [True, False, True]
    assert messages["body"].iloc[0] == "Hi Ann, I've fixed the VAT number."
    assert messages["created_at"].iloc[0] == ts("2026-03-02 09:07:00")
    assert report.rejected.to_dict("records") == [
        {"row": 3, "column": "part_type", "value": "assignment", "reason": "conversation event, not a message"}]
    assert "1 Singer SCHEMA/STATE messages skipped (not records)" in report.notes


def test_helpscout_conversations():
    frame, report = tio.load_tickets(FIX / "helpscout_conversations.json")
    assert report.source == "helpscout" and report.rows_read == 3 and report.rows_kept == 2
    t = row(frame, "ticket_id", "2391938111")
    assert (t["status"], t["channel"], t["assignee"], t["tags"]) == ("solved", "email", "mia@northwind.test",
                                                                    ["billing"])
    assert t["full_resolution_minutes"] == 210.0
    assert report.rejected["reason"].tolist() == ["conversation marked as spam"]


# --- generic ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["generic_tickets.parquet", "generic_tickets.jsonl"])
def test_generic_parquet_and_jsonl(name):
    frame, report = tio.load_tickets(FIX / name, tz="Europe/London")
    assert report.source == "generic" and report.rows_kept == 2
    t = row(frame, "ticket_id", "G-1")
    assert t["created_at"] == ts("2026-01-05 09:00") and t["first_reply_minutes"] == 15.0
    assert row(frame, "ticket_id", "G-2")["reopens"] == 1
    assert "region" in report.columns_ignored


def test_generic_tsv_with_yaml_mapping():
    frame, report = tio.load_tickets(FIX / "generic_custom.tsv", mapping=FIX / "generic_mapping.yaml",
                                     tz="Europe/Berlin")
    assert (report.source, report.source_detected, report.delimiter) == ("generic", False, "\t")
    t = row(frame, "ticket_id", "C-1")
    assert t["created_at"] == ts("2026-01-05 08:00")  # 09:00 in Berlin
    assert (t["channel"], t["team"], t["full_resolution_minutes"]) == ("email", "Tier 1", 90.0)
    assert row(frame, "ticket_id", "C-2")["channel"] == "web"


def test_dict_mapping_and_extra_columns(tmp_path):
    path = tmp_path / "cases.csv"
    path.write_text("Case number,Opened,State,Medium,Region\nC1,2026-01-01 10:00,open,email,EMEA\n", encoding="utf-8")
    frame, report = tio.load_tickets(path, mapping={"ticket_id": "Case number", "created_at": "Opened",
                                                    "status": "State", "channel": "Medium"}, extra=["Region"])
    assert frame["ticket_id"].tolist() == ["C1"] and frame["extra"].iloc[0] == {"Region": "EMEA"}
    assert report.columns_extra == ["Region"] and report.columns_ignored == []


def test_generic_surveys_and_invitations():
    nps, report = tio.load_survey_responses(
        FIX / "nps_survey.csv", survey="nps", dayfirst=True, tz="Europe/London",
        mapping={"response_id": "Response ID", "submitted_at": "Submitted", "requester_id": "Customer"})
    assert nps["response_id"].tolist() == ["R-1", "R-2", "R-5"]
    assert nps["score"].tolist() == [10.0, 6.0, 8.0] and set(nps["scale"]) == {"0-10"}
    assert nps["submitted_at"].iloc[0] == ts("2026-03-31 13:05")  # 31/03 day first, 14:05 BST
    assert nps["Plan"].tolist() == ["Business", "Starter", "Business"]  # segments kept as columns
    assert report.rejected["reason"].tolist() == ["score is outside the 0-10 scale"] * 2
    csat, _ = tio.load_survey_responses(FIX / "csat_generic.csv")
    assert csat["scale"].tolist() == ["1-5", "1-5", "1-7"]
    invitations, _ = tio.load_invitations(FIX / "invitations.csv")
    assert invitations["survey"].tolist() == ["csat", "csat", "nps"]


def test_generic_messages():
    messages, _ = tio.load_messages(FIX / "messages_generic.csv")
    assert messages["author_role"].tolist() == ["customer", "agent", "agent"]
    assert messages["public"].tolist() == [True, True, False]


# --- detection, cache, errors ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "table", "source"), [
    ("zendesk_tickets.csv", "tickets", "zendesk"), ("zendesk_tickets.json", "tickets", "zendesk_api"),
    ("freshdesk_tickets.csv", "tickets", "freshdesk"), ("servicenow_incidents.csv", "tickets", "servicenow"),
    ("jira_issues.csv", "tickets", "jira"), ("intercom_conversations.csv", "tickets", "intercom"),
    ("helpscout_conversations.json", "tickets", "helpscout"),
    ("zendesk_satisfaction_ratings.json", "survey_responses", "zendesk_api"),
    ("zendesk_ticket_comments.jsonl", "messages", "zendesk_api"),
    ("intercom_conversation_parts.jsonl", "messages", "intercom"),
    ("generic_tickets.parquet", "tickets", None),
])
def test_detect_source(name, table, source):
    assert tio.detect_source(FIX / name, table) == source


def test_detection_is_case_insensitive_and_tolerates_extra_columns():
    header = ["ID", "requester", "CREATED AT", "via", "satisfaction score", "My custom field [list]", "Other"]
    assert tio.detect_source(header) == "zendesk"


def test_source_can_be_overridden(tmp_path):
    with pytest.raises(DataError, match=r"column `number`: is missing"):
        tio.load_tickets(FIX / "zendesk_tickets.csv", source="servicenow")
    with pytest.raises(ConfigError, match="unknown source 'zendeks'"):
        tio.load_tickets(FIX / "zendesk_tickets.csv", source="zendeks")


def test_cache_reuses_parquet_until_the_file_changes(tmp_path):
    path = tmp_path / "export.csv"
    path.write_bytes((FIX / "zendesk_tickets.csv").read_bytes())
    first, report = tio.load_tickets(path, tz="Europe/London", cache=True)
    cached = list((tmp_path / ".support-toolkit-cache").glob("*.parquet"))
    assert len(cached) == 1
    again, report2 = tio.load_tickets(path, tz="Europe/London", cache=True)
    assert report2.notes[-1].startswith("read from cache")
    pd.testing.assert_frame_equal(first, again)
    assert report2.rejected.equals(report.rejected) and report2.rows_read == 7
    other_tz, _ = tio.load_tickets(path, tz="UTC", cache=True)  # different parameters, different entry
    assert len(list((tmp_path / ".support-toolkit-cache").glob("*.parquet"))) == 2
    assert other_tz["created_at"].iloc[0] == ts("2026-03-02 09:14:22")


def test_write_and_read_table_round_trip(tmp_path, zendesk):
    frame, report = zendesk
    path = tio.write_table(frame, tmp_path / "t.parquet", table="tickets", report=report)
    back = tio.read_table(path)
    pd.testing.assert_frame_equal(frame, back)
    assert str(back["created_at"].dtype) == DATETIME_DTYPE
    assert tio.read_report(path).rows_kept == 4


def test_unknown_time_zone_is_a_config_error():
    with pytest.raises(ConfigError, match="unknown time zone 'Europe/Londn'"):
        tio.load_tickets(FIX / "zendesk_tickets.csv", tz="Europe/Londn")


def test_missing_file():
    with pytest.raises(DataError, match="file not found"):
        tio.load_tickets(FIX / "nope.csv")


# --- the sample client -----------------------------------------------------------------------------------------

@pytest.mark.skipif(not (SAMPLES / "zendesk_tickets.csv").exists(), reason="sample data not generated")
def test_sample_zendesk_export_loads_cleanly():
    frame, report = tio.load_tickets(SAMPLES / "zendesk_tickets.csv", tz="Europe/London")
    assert report.source == "zendesk" and report.rows_rejected == 0
    assert report.rows_kept == report.rows_read == len(frame) > 1000
    assert frame["ticket_id"].is_unique
    assert set(frame["channel"]) <= {"email", "chat", "phone", "web", "social", "other"}
    assert frame["created_at"].min() >= ts("2025-09-30")
    canonical = pd.read_csv(SAMPLES / "tickets.csv.gz", usecols=["ticket_id", "reopens", "first_resolution_minutes"],
                            dtype={"ticket_id": "str"}).set_index("ticket_id")
    first = frame.set_index("ticket_id")["first_resolution_minutes"]
    assert np.array_equal(first.to_numpy(), canonical.loc[first.index, "first_resolution_minutes"].to_numpy(),
                          equal_nan=True)
    reopened = canonical.index[canonical["reopens"] > 0]
    assert (first[reopened] < frame.set_index("ticket_id").loc[reopened, "full_resolution_minutes"]).sum() > 1000


def test_intercom_full_conversations_are_unpacked_into_messages():
    messages, report = tio.load_messages(FIX / "intercom_conversations_full.json")
    assert report.source == "intercom"
    assert messages["message_id"].tolist() == ["184726-source", "7001", "7004"]
    assert messages["ticket_id"].tolist() == ["184726"] * 3
    assert messages["author_role"].tolist() == ["customer", "agent", "customer"]
    assert messages["body"].tolist() == ["Hi! My invoice shows the wrong VAT number", "Hi Ann, fixed & re-sent.",
                                         "Thanks!"]
    assert messages["created_at"].iloc[0] == ts("2026-03-02 09:00")
    assert (report.rows_read, report.rows_kept) == (4, 3)
    assert report.rejected["reason"].tolist() == ["conversation event, not a message"]


def test_reports_combine_into_one_appendix_table(zendesk):
    _, tickets_report = zendesk
    _, survey_report = tio.load_survey_responses(FIX / "zendesk_satisfaction_ratings.json")
    table = tio.reports_table([tickets_report, survey_report])
    assert table["table"].unique().tolist() == ["tickets", "survey_responses"]
    rows = table[(table["section"] == "rows") & (table["item"] == "read")]
    assert rows["count"].tolist() == [7, 4]


def test_every_builtin_mapping_names_canonical_columns():
    from toolkit.io.mapping import builtin_specs
    from toolkit.schema import get_table

    specs = builtin_specs()
    assert {"zendesk", "zendesk_api", "freshdesk", "servicenow", "intercom", "helpscout", "jira",
            "generic"} <= {s for s, _ in specs}
    for (source, table), spec in specs.items():
        names = set(get_table(table).names)
        for target in [*spec.columns, *spec.values, *spec.constants, *spec.defaults, *spec.derive]:
            assert target in names or target.startswith("_"), (source, table, target)
        for target in spec.values:
            assert target in spec.columns, (source, table, target)
        for rule in spec.exclude:
            assert rule["column"] in spec.columns and rule["reason"], (source, table)


def test_tags_split_from_a_chunked_arrow_column():
    import pyarrow as pa

    from toolkit.io.mapping import _split_text

    chunked = pa.chunked_array([pa.array(["a b", None], pa.large_string()), pa.array(["", "x  y"], pa.large_string())])
    column = pd.Series(pd.array(chunked, dtype="str"))
    assert _split_text(column, "[ \t]+").tolist() == [["a", "b"], [], [], ["x", "y"]]


def test_a_line_break_inside_a_quoted_field_reads_as_a_newline_whatever_the_files_line_ends():
    # Windows line ends (\r\n) inside a quoted subject: read as "\n", as the Spark engine's reader gives it
    frame, _ = tio.load_tickets(FIX / "malformed" / "crlf_multiline.csv")
    assert frame["subject"].tolist() == ["line one\nline two", "Invoice question"]
