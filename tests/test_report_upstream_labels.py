"""The explorer's labels file driving the report's upstream-problems section (toolkit.report.sections)."""

import pandas as pd
import pytest

from toolkit.duplicates.labels import LabelStore
from toolkit.report import sections
from toolkit.report.findings import problem_findings
from toolkit.report.inputs import Engagement
from toolkit.report.parameters import ReportParameters, validate_parameters


def _tickets(n_new: int = 0) -> pd.DataFrame:
    subjects = ["Export fails APP-7", "Export broken", "Export error APP-7", "Export fails again",
                "Login loop", "Login loop on mobile", "Cannot log in", "Thanks!", "Thank you", "Great help",
                "Invoice question", "Refund please"]
    n = len(subjects)
    return pd.DataFrame({
        "ticket_id": [str(i) for i in range(1, n + 1)],
        "created_at": pd.to_datetime([f"2026-03-{i:02d} 10:00" for i in range(1, n + 1)], utc=True),
        "subject": subjects,
        "description": [""] * n,
        "requester_id": [f"r{i}" for i in range(n)],
        "satisfaction": pd.array([1, 2, 1, None, 3, 2, 1, 5, 5, 5, 4, None], dtype="Int64"),
        "reopens": [1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    })


@pytest.fixture
def labels(tmp_path):
    store = LabelStore(tmp_path / "duplicate_labels.json", autosave=False)
    export = store.create(["1", "2"], "CSV export fails", status="upstream_bug", tracker_key="ENG-42")
    duplicate = store.create(["3", "4"], "Export error (dup)")
    store.merge([export.label_id, duplicate.label_id], into=export.label_id)
    store.create(["5", "6", "7"], "Login loop after password reset", status="known_issue", tracker_key="APP-99")
    store.create(["8", "9", "10"], "Thank-you notes", status="not_a_problem")
    store.data_until = "2026-03-31T00:00:00+00:00"
    store.save()
    return store.path


def _problems(labels_path, tickets):
    params = ReportParameters(tickets_path=labels_path.parent / "tickets.csv", labels_path=labels_path)
    return sections.upstream_problems(Engagement(parameters=params, tickets=tickets))


def test_labels_name_merge_and_rate_the_problems_without_reclustering(labels, monkeypatch):
    import toolkit.duplicates

    def refuse(*args, **kwargs):
        raise AssertionError("the labels cover every ticket: nothing should be re-clustered")

    monkeypatch.setattr(toolkit.duplicates, "DuplicateFinder", refuse)
    problems = _problems(labels, _tickets())
    assert problems.labelled
    table = sections.problem_table(problems)
    assert table["problem"].tolist() == ["CSV export fails", "Login loop after password reset"]
    assert table["kind"].tolist() == ["problem", "problem"]  # the analyst's bug and known issue are both problems
    assert table["status"].tolist() == ["upstream bug", "known issue"]
    assert table["tickets"].tolist() == [4, 3]  # the merge holds both labels' tickets
    assert table["bug_keys"].tolist() == ["ENG-42\nAPP-7", "APP-99"]  # the analyst's key first
    assert table["reopen_rate"].tolist() == [0.5, 0.0]
    assert table["csat"].tolist() == [0.0, 0.0]
    assert table["csat_rest"].tolist() == [pytest.approx(4 / 7), pytest.approx(4 / 7)]  # rest: every other ticket
    assert problems.assignments["cluster_id"].tolist() == [1, 1, 1, 1, 2, 2, 2, -1, -1, -1, -1, -1]
    assert problems.notes == [
        "1 group of tickets (3 tickets) that the analyst reviewed and marked as not a problem is left out.",
        "Both groups were reviewed, named and rated by our analyst; the names, statuses and tracker keys shown are "
        "the analyst's."]
    finding = problem_findings(problems.clusters, problems.total_tickets)
    assert finding["finding"].tolist() == [
        "The 2 highest-impact recurring problems account for 7 tickets (58% of all tickets); the costliest, "
        "“CSV export fails”, brought 4 tickets from 4 customers, bug key ENG-42."]


def test_the_labels_file_next_to_the_tickets_is_found(labels):
    (labels.parent / "tickets.csv").write_text("ticket_id,created_at\n1,2026-03-01\n")
    params = validate_parameters({"tickets_path": labels.parent / "tickets.csv"})
    assert params.labels_path == labels
    other = labels.parent / "other"
    other.mkdir()
    (other / "tickets.csv").write_text("ticket_id,created_at\n1,2026-03-01\n")
    assert validate_parameters({"tickets_path": other / "tickets.csv"}).labels_path is None
