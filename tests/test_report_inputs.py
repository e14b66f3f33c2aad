"""toolkit.report.inputs and sections: every input row accounted for, PII masked at load, missing inputs noted."""

import pandas as pd
import pytest

from toolkit.errors import DataError
from toolkit.report import data_quality, load_engagement, rejection_reasons, validate_parameters
from toolkit.report.sections import customer_experience, evidence_data, maturity, upstream_problems

TICKETS = """ticket_id,created_at,status,channel,subject,description
1,2026-01-05T10:00:00Z,solved,email,Login fails,Write to jo@example.com please
2,2026-02-10T10:00:00Z,open,chat,Invoice blank,call +44 20 7946 0958
3,2025-12-31T23:30:00Z,open,email,Old,outside the period in London
4,not a date,open,email,Bad,bad row
5,2026-03-01T09:00:00Z,open,fax,Bad channel,bad row
2,2026-02-11T10:00:00Z,open,chat,Duplicate id,dup
"""
MESSAGES = """ticket_id,created_at,author_role,public,body
1,2026-01-05T10:05:00Z,agent,true,Hello jo@example.com
3,2026-01-01T10:05:00Z,agent,true,outside
"""


@pytest.fixture
def files(tmp_path):
    (tmp_path / "tickets.csv").write_text(TICKETS)
    (tmp_path / "messages.csv").write_text(MESSAGES)
    return tmp_path


def test_every_row_is_accounted_for(files):
    params = validate_parameters({"tickets_path": "tickets.csv", "messages_path": "messages.csv",
                                  "period_start": "2026-01-01", "period_end": "2026-06-30",
                                  "timezone": "Europe/London"}, base_dir=files)
    eng = load_engagement(params)
    quality = data_quality(eng).set_index("table")
    counts = ["rows_read", "rows_kept", "rows_rejected", "outside_period", "rows_used"]
    assert quality.loc["tickets", counts].tolist() == [6, 3, 3, 1, 2]
    assert quality.loc["messages", counts].tolist() == [2, 2, 0, 1, 1]
    assert (quality["rows_read"] == quality["rows_kept"] + quality["rows_rejected"]).all()
    assert (quality["rows_used"] == quality["rows_kept"] - quality["outside_period"]).all()
    assert sorted(eng.tickets["ticket_id"]) == ["1", "2"]
    reasons = rejection_reasons(eng)
    assert reasons["rows"].sum() == 3 and set(reasons["file"]) == {"tickets.csv"}
    assert eng.period == "1 Jan 2026 – 30 Jun 2026"


def test_personal_data_is_masked_at_load_unless_asked_not_to(files):
    masked = load_engagement(validate_parameters({"tickets_path": "tickets.csv", "messages_path": "messages.csv"},
                                                 base_dir=files))
    text = " ".join(masked.tickets["description"]) + " ".join(masked.messages["body"])
    assert "jo@example.com" not in text and "7946 0958" not in text and "[email]" in text
    assert "Personal data masked in 1 text value." in data_quality(masked).loc[0, "notes"]  # (row 2 is a duplicate)
    raw = load_engagement(validate_parameters({"tickets_path": "tickets.csv", "redact_pii": False}, base_dir=files))
    assert "jo@example.com" in " ".join(raw.tickets["description"])


def test_sections_note_missing_inputs_instead_of_failing(files):
    eng = load_engagement(validate_parameters({"tickets_path": "tickets.csv"}, base_dir=files))
    cx = customer_experience(eng)
    assert cx.summary is None and cx.notes == [
        "No survey answers were provided for the period, so satisfaction, NPS and effort are not reported."]
    mat = maturity(eng)
    assert mat.dimensions is None and "No maturity interview answers" in mat.notes[0]
    assert isinstance(eng.tickets, pd.DataFrame)


def test_unknown_export_fix_names_the_report_option_and_the_load_command(tmp_path):
    (tmp_path / "export.csv").write_text("a,b\n1,2\n")
    params = validate_parameters({"tickets_path": "export.csv"}, base_dir=tmp_path)
    with pytest.raises(DataError) as info:
        load_engagement(params)
    path = tmp_path / "export.csv"
    assert str(info.value) == (
        f"file {path}, table tickets: cannot tell which helpdesk or survey tool exported this file from its header "
        "(first columns: `a`, `b`). Fix: name the exporting tool with --tickets-format (`tickets_format` in a batch "
        "file or notebook), one of freshdesk, generic, helpscout, intercom, jira, servicenow, zendesk, zendesk_api; "
        "or map the columns once: write my-columns.yaml (canonical column: your column), run `support-toolkit load "
        f"tickets {path} --mapping my-columns.yaml --out tickets.parquet` and give the report that Parquet file")


def test_missing_column_fix_keeps_the_loaders_mapping_hint(tmp_path):
    (tmp_path / "export.csv").write_text("Case number,Opened\n1,2026-01-01\n")
    params = validate_parameters({"tickets_path": "export.csv", "tickets_format": "generic"}, base_dir=tmp_path)
    with pytest.raises(DataError) as info:
        load_engagement(params)
    assert info.value.column == "ticket_id"
    assert info.value.fix == (
        "Map the columns once: write my-columns.yaml (e.g. {'ticket_id': '<your column>'}), run `support-toolkit "
        f"load tickets {tmp_path / 'export.csv'} --mapping my-columns.yaml --out tickets.parquet` and give the "
        "report that Parquet file")


def test_upstream_problems_use_the_chosen_representation_and_say_how(files, monkeypatch):
    from toolkit.duplicates import representation

    monkeypatch.setattr(representation, "semantic_installed", lambda: False)  # the default, auto, is then tfidf
    plain = upstream_problems(load_engagement(validate_parameters({"tickets_path": "tickets.csv"}, base_dir=files)))
    assert ("Tickets were compared by the words and word fragments they share, weighted by how telling each is "
            "(TF-IDF with latent semantic analysis).") in plain.notes
    params = validate_parameters({"tickets_path": "tickets.csv", "duplicates_representation": "Tfidf-Cosine"},
                                 base_dir=files)
    assert params.duplicates_representation == "tfidf-cosine"
    chosen = upstream_problems(load_engagement(params))
    assert "Tickets were compared by the words they share, weighted by how telling each is (TF-IDF)." in chosen.notes


def test_maturity_evidence_reads_the_reports_own_clusters(files):
    (files / "answers.csv").write_text("respondent,role,question_id,level\nDana,head of support,UP-1,4\n")
    eng = load_engagement(validate_parameters({"tickets_path": "tickets.csv", "maturity_path": "answers.csv"},
                                              base_dir=files))
    problems = upstream_problems(eng)
    assert evidence_data(eng, problems).duplicate_assignments is problems.assignments
    assert problems.assignments.columns.tolist() == ["ticket_id", "cluster_id"]
    assert evidence_data(eng).duplicate_assignments is None
    mat = maturity(eng, problems)
    up1 = mat.evidence.set_index("question_id").loc["UP-1"]
    # Three tickets hold no recurring problem: the claim is "not enough data", and says why in plain words.
    assert (up1["verdict"], up1["finding"]) == (
        "not enough data", 'Not enough data to test "bugs reach engineering quickly": no recurring problem was found '
        "in the tickets.")
    # The roadmap's and the evidence's notes (frame attrs) reach the section's notes.
    assert mat.notes[-1] == ("9 of 9 interview claims could not be tested for lack of data (MO-2, CP-1, MO-3, MO-4, "
                             "CM-1, CM-2, CM-3, UP-1, VO-2).")
    assert mat.notes[0].startswith("No roadmap steps for dimensions without answers: Destination and strategy, ")
    without = maturity(eng).evidence.set_index("question_id").loc["UP-1", "finding"]
    assert without.endswith(": the tickets were not grouped into recurring problems.")


def test_tickets_all_rejected_or_none_in_the_period_is_an_error(tmp_path):
    (tmp_path / "bad.csv").write_text("ticket_id,created_at,status,channel\n1,not a date,open,email\n"
                                      "2,also bad,open,email\n3,2026-01-05T10:00:00Z,open,fax\n")
    with pytest.raises(DataError) as info:
        load_engagement(validate_parameters({"tickets_path": "bad.csv"}, base_dir=tmp_path))
    assert info.value.file == str(tmp_path / "bad.csv")
    assert info.value.column == "created_at"
    assert info.value.problem == "all 3 ticket rows were rejected; the most common reason: value is not a date (2 rows)"
    (tmp_path / "old.csv").write_text("ticket_id,created_at,status,channel\n1,2025-01-05T10:00:00Z,open,email\n")
    with pytest.raises(DataError) as info:
        load_engagement(validate_parameters({"tickets_path": "old.csv", "period_start": "2026-01-01"},
                                            base_dir=tmp_path))
    assert str(info.value) == (f"file {tmp_path / 'old.csv'}: none of the 1 tickets was created inside the report "
                               "period. Fix: check --period (period_start / period_end) against the export's dates")


def test_input_warnings_name_files_with_many_rows_rejected(files):
    from toolkit.report.inputs import input_warnings

    eng = load_engagement(validate_parameters({"tickets_path": "tickets.csv", "messages_path": "messages.csv"},
                                              base_dir=files))
    assert input_warnings(eng) == ["tickets.csv: 3 of 6 rows rejected (50%)"]
