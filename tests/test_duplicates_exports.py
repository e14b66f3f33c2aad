"""Tables made from labels: the report's labelled clusters and the Jira import."""

from __future__ import annotations

import pandas as pd
from duplicates_frames import ids, make_store

from toolkit.duplicates.exports import JIRA_COLUMNS, jira_bug_candidates, labelled_clusters, write_jira_csv
from toolkit.duplicates.labels import LabelStore


def test_labelled_clusters_table_and_jira_rows(tmp_path):
    store = make_store(tmp_path, {"Export times out": [1, 2, 3], "Login loop": [4, 5], "Typo": [6]})
    store.set_status("L1", "upstream_bug", note="since 4.1")
    store.set_status("L2", "known_issue", tracker_key="APP-77")
    summary = pd.DataFrame({"label_id": ["L1", "L2"], "kind": ["problem", "problem"], "tickets": [60, 2],
                            "customers": [12, 1],
                            "first_seen": pd.to_datetime(["2026-01-02", "2026-01-05"], utc=True),
                            "last_seen": pd.to_datetime(["2026-03-01", "2026-01-06"], utc=True),
                            "bug_keys": [["APP-1234", "#55"], []], "example_tickets": [ids(1, 2), ids(4)]})
    table = labelled_clusters(store, summary)
    assert table.columns.tolist() == ["label_id", "name", "status", "kind", "status_text", "tracker_key", "note",
                                      "tickets", "customers", "first_seen", "last_seen", "bug_keys",
                                      "example_tickets", "updated_at"]
    assert table["kind"].tolist() == ["problem", "problem", ""]
    assert table["label_id"].tolist() == ["L1", "L2", "L3"]
    assert table["tickets"].tolist() == [60, 2, 1] and table["bug_keys"].tolist() == ["APP-1234, #55", "", ""]
    assert table["status_text"].tolist() == ["upstream bug", "known issue", "not reviewed"]

    examples = pd.DataFrame({"label_id": ["L1", "L1", "L2"], "ticket_id": ids(3, 1, 4),
                             "subject": ["Export  fails\non big report", "Export timeout", "Login"]})
    jira = jira_bug_candidates(table, examples, statuses=("upstream_bug", "known_issue"),
                               tracker_url="https://jira.example.com/browse/{key}",
                               ticket_url="https://desk.example.com/tickets/{ticket_id}")
    assert jira.columns.tolist() == JIRA_COLUMNS
    assert jira["Summary"].tolist() == ["Export times out", "Login loop"]
    assert jira["Priority"].tolist() == ["High", "Medium"]
    assert jira["Labels"].tolist() == ["support-duplicates upstream-bug", "support-duplicates known-issue"]
    assert jira["Link"].tolist() == ["https://desk.example.com/tickets/T3", "https://jira.example.com/browse/APP-77"]
    assert jira["Description"].iloc[0] == (
        "Support tickets about this problem: 60 from 12 customers.\n"
        "First seen 2026-01-02, last seen 2026-03-01.\n"
        "Bug keys mentioned in tickets: APP-1234, #55.\n"
        "Analyst note: since 4.1\n"
        "Example tickets:\n"
        "- T3 (https://desk.example.com/tickets/T3): Export fails on big report\n"
        "- T1 (https://desk.example.com/tickets/T1): Export timeout\n"
        "Cluster L1 from the support-toolkit duplicate explorer.")
    question = table.assign(kind=["recurring question", "problem", ""])  # how-to volume is not a bug
    assert jira_bug_candidates(question, statuses=("upstream_bug", "known_issue"))["Summary"].tolist() == ["Login loop"]
    out = write_jira_csv(jira, tmp_path / "jira.csv")
    back = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert back.equals(jira.astype(str))
    assert out.read_text().startswith('"Summary","Issue Type","Priority","Description","Labels","Link"\n')


def test_labelled_clusters_without_evidence_and_empty_store(tmp_path):
    store = make_store(tmp_path, {"a": [1, 2]})
    table = labelled_clusters(store)
    assert table[["label_id", "tickets"]].to_dict("records") == [{"label_id": "L1", "tickets": 2}]
    assert table["customers"].isna().all() and table["first_seen"].isna().all()
    empty = labelled_clusters(LabelStore(tmp_path / "none.json"))
    assert empty.empty and empty.columns.tolist()[:3] == ["label_id", "name", "status"]
    assert jira_bug_candidates(empty).columns.tolist() == JIRA_COLUMNS
