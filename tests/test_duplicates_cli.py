"""`support-toolkit duplicates`: a ticket file in, per-ticket clusters and a cluster summary out."""

from pathlib import Path

import pandas as pd
from click.testing import CliRunner

from toolkit.cli import cli
from toolkit.duplicates import DuplicateFinder

TEXTS = ["CSV export fails with error 500", "Export to CSV gives error 500 every time",
         "Cannot export the report to CSV, error 500", "SMS code never arrives",
         "SMS login code does not arrive", "The SMS code never arrives for login", "How do I change my avatar?"]


def write_tickets(path):
    pd.DataFrame({
        "ticket_id": [f"T{i}" for i in range(len(TEXTS))],
        "created_at": [f"2026-03-{i + 1:02d}T10:00:00Z" for i in range(len(TEXTS))],
        "status": "solved", "channel": "email",
        "subject": [t[:24] for t in TEXTS],
        "description": [t + (" - looks like APP-12" if i == 0 else "") for i, t in enumerate(TEXTS)],
    }).to_csv(path, index=False)


def test_duplicates_command_writes_clusters_summary_and_model(tmp_path):
    tickets = tmp_path / "tickets.csv"
    write_tickets(tickets)
    out = tmp_path / "new" / "clusters.csv"  # missing folders are created
    result = CliRunner().invoke(cli, ["duplicates", str(tickets), "--out", str(out), "--representation", "tfidf",
                                      "--save-model", str(tmp_path / "models" / "model.joblib")])
    assert result.exit_code == 0, result.output
    assert "7 tickets: 2 clusters holding 6 tickets, 1 unclustered." in result.output
    rows = pd.read_csv(out, dtype="str")
    assert list(rows.columns) == ["ticket_id", "cluster_id", "cluster_name"]
    assert rows["cluster_id"].tolist()[:3] == rows["cluster_id"].tolist()[:1] * 3
    assert rows.set_index("ticket_id").loc["T6", "cluster_id"] == "-1"
    summary = pd.read_csv(tmp_path / "new" / "clusters_summary.csv", dtype="str", keep_default_na=False)
    assert len(summary) == 2 and "APP-12" in summary["bug_keys"].tolist()
    assert DuplicateFinder.load(tmp_path / "models" / "model.joblib").assignments_.shape == (7, 2)


def test_duplicates_command_reports_a_bad_parameter(tmp_path):
    tickets = tmp_path / "tickets.csv"
    write_tickets(tickets)
    result = CliRunner().invoke(cli, ["duplicates", str(tickets), "--out", str(tmp_path / "c.csv"),
                                      "--min-cluster-size", "1"])
    assert result.exit_code != 0
    assert "min_cluster_size must be at least 2, got 1" in str(result.exception)


def test_all_ticket_texts_empty_is_one_clear_error(tmp_path):
    tickets = tmp_path / "tickets.csv"
    pd.DataFrame({"ticket_id": ["1", "2", "3"], "created_at": "2026-03-01T10:00:00Z", "status": "solved",
                  "channel": "email", "subject": ["", " ", ""], "description": ["", "", "  "]}).to_csv(tickets,
                                                                                                  index=False)
    result = CliRunner().invoke(cli, ["duplicates", str(tickets), "--out", str(tmp_path / "c.csv")])
    assert str(result.exception) == (f"file {tickets}: every ticket's subject and description is empty (3 tickets): "
                                     "there is no text to group. Fix: export the tickets with their subject and "
                                     "description, or pass --messages with the conversations")
    assert not (tmp_path / "c.csv").exists()


def test_a_tickets_path_that_is_not_there_or_a_folder_gets_the_readers_message(tmp_path):
    # the argument is not checked by the command line (on Spark it may name a Parquet folder or a table)
    for given, problem, fix in ((tmp_path / "nope.csv", "file not found",
                                 f"check the path (relative paths start from the current folder, {Path.cwd()})"),
                                (tmp_path, "this is a folder, not a file", "pass the file inside it")):
        result = CliRunner().invoke(cli, ["duplicates", str(given), "--out", str(tmp_path / "c.csv")])
        assert str(result.exception) == f"file {given}: {problem}. Fix: {fix}"


def test_cluster_csvs_neutralise_spreadsheet_formulas(tmp_path):
    tickets = tmp_path / "tickets.csv"
    write_tickets(tickets)
    frame = pd.read_csv(tickets)
    frame["ticket_id"] = "=" + frame["ticket_id"] + "+1"
    frame.to_csv(tickets, index=False)
    result = CliRunner().invoke(cli, ["duplicates", str(tickets), "--out", str(tmp_path / "c.csv")])
    assert result.exit_code == 0, result.output
    lines = (tmp_path / "c.csv").read_text().splitlines()
    assert [line.split(",")[0] for line in lines[1:]] == [f"'=T{i}+1" for i in range(len(TEXTS))]


def _run(tickets, out, *extra):
    return CliRunner().invoke(cli, ["duplicates", str(tickets), "--out", str(out), "--representation", "tfidf",
                                    *map(str, extra)])


def test_previous_run_keeps_the_ids_of_the_clusters_that_share_its_tickets(tmp_path):
    tickets = tmp_path / "tickets.csv"
    write_tickets(tickets)
    assert _run(tickets, tmp_path / "first.csv").exit_code == 0
    first = pd.read_csv(tmp_path / "first.csv", dtype={"ticket_id": "str"})
    export, sms = first["cluster_id"].iloc[0], first["cluster_id"].iloc[3]
    earlier = first.assign(cluster_id=first["cluster_id"].map({export: 7, sms: 12, -1: -1}))
    earlier.to_csv(tmp_path / "earlier.csv", index=False)
    result = _run(tickets, tmp_path / "again.csv", "--previous", tmp_path / "earlier.csv")
    assert result.exit_code == 0, result.output
    again = pd.read_csv(tmp_path / "again.csv", dtype={"ticket_id": "str"})
    assert again["cluster_id"].tolist() == [7, 7, 7, 12, 12, 12, -1]
    # both clusters overlap one earlier cluster: the first (lower id on a tie) keeps it, the other is new
    first.assign(cluster_id=[4, 4, 4, 4, 4, 4, -1]).to_csv(tmp_path / "merged.csv", index=False)
    assert _run(tickets, tmp_path / "split.csv", "--previous", tmp_path / "merged.csv").exit_code == 0
    split = pd.read_csv(tmp_path / "split.csv", dtype={"ticket_id": "str"})["cluster_id"].tolist()
    assert sorted(split[:6]) == [4, 4, 4, 5, 5, 5] and split[0] == split[1] == split[2] and split[6] == -1


def test_a_previous_file_that_is_not_an_earlier_out_csv_is_one_clear_error(tmp_path):
    tickets = tmp_path / "tickets.csv"
    write_tickets(tickets)
    fix = "Fix: pass the --out CSV of an earlier `duplicates` run as it was written"
    bad = tmp_path / "bad.csv"
    pd.DataFrame({"ticket": ["T0"], "cluster": [1]}).to_csv(bad, index=False)
    assert str(_run(tickets, tmp_path / "c.csv", "--previous", bad).exception) == (
        f"file {bad}, column `ticket_id`: is missing; found `ticket`, `cluster`. {fix}")
    pd.DataFrame({"ticket_id": ["T0", "T1", "T2"], "cluster_id": ["1", "one", "2.5"]}).to_csv(bad, index=False)
    assert str(_run(tickets, tmp_path / "c.csv", "--previous", bad).exception) == (
        f"file {bad}, column `cluster_id`: cluster_id is not a whole number (rows 3 ('one'), 4 ('2.5')). {fix}")
    pd.DataFrame({"ticket_id": ["T0", "T1", "T0"], "cluster_id": [1, 1, 2]}).to_csv(bad, index=False)
    assert str(_run(tickets, tmp_path / "c.csv", "--previous", bad).exception) == (
        f"file {bad}, column `ticket_id`: ticket ids are listed more than once (row 4 ('T0')). {fix}")
    assert not (tmp_path / "c.csv").exists()
