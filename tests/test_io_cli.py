"""`support-toolkit load`: writes the canonical Parquet table, prints the report, exit 2 on a data error."""

from pathlib import Path

import pytest

import toolkit.io as tio
from toolkit.cli import main

FIX = Path(__file__).parent / "fixtures" / "io"


def run(argv):
    try:
        main(argv)
    except SystemExit as exc:
        return exc.code
    return 0


def test_load_tickets_writes_parquet_and_prints_the_report(tmp_path, capsys):
    out = tmp_path / "tickets.parquet"
    rejected = tmp_path / "rejected.csv"
    code = run(["load", "tickets", str(FIX / "zendesk_tickets.csv"), "--tz", "Europe/London", "--out", str(out),
                "--rejected", str(rejected)])
    printed = capsys.readouterr().out
    assert code == 0
    assert "rows read 7, kept 4, rejected 3" in printed
    assert "rejected 1: `Created at`: value is not a date — row 7 ('yesterday')" in printed
    assert f"wrote 4 rows to {out}" in printed
    frame = tio.read_table(out)
    assert frame["ticket_id"].tolist() == ["10231", "10233", "10234", "10232"]
    assert rejected.read_text().splitlines()[0] == "row,column,value,reason"


@pytest.mark.parametrize(("kind", "name", "extra", "kept"), [
    ("messages", "zendesk_ticket_comments.jsonl", [], 4),
    ("survey", "nps_survey.csv", ["--survey", "nps", "--dayfirst", "--mapping", "MAPPING"], 3),
    ("invitations", "zendesk_satisfaction_ratings.json", [], 3),
    ("tickets", "generic_custom.tsv", ["--mapping", str(FIX / "generic_mapping.yaml")], 2),
])
def test_other_kinds(tmp_path, capsys, kind, name, extra, kept):
    if "MAPPING" in extra:
        mapping = tmp_path / "nps.yaml"
        mapping.write_text("response_id: Response ID\nsubmitted_at: Submitted\nrequester_id: Customer\n")
        extra = [str(mapping) if e == "MAPPING" else e for e in extra]
    out = tmp_path / "out.parquet"
    assert run(["load", kind, str(FIX / name), "--out", str(out), *extra]) == 0
    assert len(tio.read_table(out)) == kept
    assert f"wrote {kept} rows" in capsys.readouterr().out


def test_data_error_exits_2_with_message_on_stderr(tmp_path, capsys):
    code = run(["load", "tickets", str(FIX / "malformed" / "missing_created_at.csv"), "--out",
                str(tmp_path / "x.parquet")])
    captured = capsys.readouterr()
    assert code == 2
    assert "column `Created at`: is missing" in captured.err
    assert "Fix: pass mapping={'created_at': 'Created'}" in captured.err
    assert "Traceback" not in captured.err
    assert not (tmp_path / "x.parquet").exists()


def test_source_option(tmp_path, capsys):
    code = run(["load", "tickets", str(FIX / "zendesk_tickets.csv"), "--source", "freshdesk", "--out",
                str(tmp_path / "x.parquet")])
    assert code == 2
    assert "column `Ticket ID`: is missing" in capsys.readouterr().err
