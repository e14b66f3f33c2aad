"""The duplicate explorer driven through its widget objects, with a tiny fake clustering engine."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from toolkit.errors import ConfigError, DataError
from toolkit.widgets.explorer import (
    DuplicateExplorer,
    bug_keys,
    cluster_table,
    highlight,
    open_explorer,
    sparkline,
)
from toolkit.widgets.labels import LabelStore

PROBLEMS = {
    "export": "CSV export fails with timeout error on big reports APP-1234",
    "login": "cannot login after password reset, SSO loop",
    "invoice": "invoice shows wrong VAT amount for EU customers",
}


class FakeEngine:
    """Clusters by the hidden ``problem`` column: threshold >= 0.8 also splits by channel.

    It stands in for toolkit.duplicates so these tests check the explorer, not the clustering.
    """

    def __init__(self):
        self.fits = []

    def fit(self, tickets, *, threshold, min_cluster_size, progress=None):
        self.fits.append((threshold, min_cluster_size))
        self.threshold_ = threshold = 0.5 if threshold is None else threshold  # None: the engine's default
        self.tickets = tickets
        key = tickets["problem"].fillna("")
        if threshold >= 0.8:
            key = key.where(key == "", key + "/" + tickets["channel"].astype("str"))
        codes, uniques = pd.factorize(key, sort=True)
        sizes = np.bincount(codes)
        cid = np.where((key == "").to_numpy() | (sizes[codes] < min_cluster_size), -1, codes)
        self.names = {str(i): f"{u} problem" for i, u in enumerate(uniques)}
        if progress:
            progress("grouping", 1.0)
        return pd.DataFrame({"ticket_id": tickets["ticket_id"], "cluster_id": cid})

    def cluster_names(self):
        return self.names

    def distinctive_terms(self, ticket_ids, k=8):
        rows = self.tickets[self.tickets["ticket_id"].isin(ticket_ids)]
        words = rows["description"].str.lower().str.findall(r"[a-z]{4,}").explode()
        return words.value_counts().index[:k].tolist()

    def neighbours(self, ticket_ids, groups, k=5):
        counts = groups[~groups.index.isin(ticket_ids)].value_counts()
        return pd.DataFrame({"cluster": counts.index[:k], "similarity": np.linspace(0.9, 0.5, len(counts))[:k]})

    def similar(self, query, k=10):
        words = set(query.lower().split())
        overlap = self.tickets["description"].str.lower().str.split().map(lambda w: len(words & set(w)))
        order = overlap.sort_values(ascending=False, kind="stable").head(k)
        return pd.DataFrame({"ticket_id": self.tickets.loc[order.index, "ticket_id"],
                             "similarity": order.to_numpy() / max(len(words), 1)})


def make_tickets() -> pd.DataFrame:
    """24 tickets: 10 export (emerging: 8 in the last 4 weeks), 8 login, 4 invoice, 2 one-offs."""
    end = pd.Timestamp("2026-09-30 12:00", tz="UTC")
    rows = []
    ages = {"export": [1, 2, 3, 5, 8, 10, 15, 20, 60, 100], "login": [3, 20, 40, 60, 80, 100, 120, 150],
            "invoice": [10, 50, 90, 130], None: [7, 70]}
    n = 0
    for problem, days in ages.items():
        for i, d in enumerate(days):
            n += 1
            text = PROBLEMS[problem] if problem else f"one-off question number {n}"
            rows.append({"ticket_id": f"T{n:03d}", "created_at": end - pd.Timedelta(days=d),
                         "subject": f"{problem or 'misc'} question {n}",
                         "description": f"{text}. Contact me at jane{n}@example.com",
                         "team": "Tier 1" if i % 2 else "Billing", "channel": "email" if i % 3 else "chat",
                         "product": "Reports", "organization_id": f"O{i % 4}", "requester_id": f"R{n}",
                         "agent_replies": 2, "satisfaction": "bad" if problem == "export" else "good",
                         "problem": problem})
    return pd.DataFrame(rows)


@pytest.fixture
def explorer(tmp_path):
    return DuplicateExplorer(make_tickets(), engine=FakeEngine(), data_path=tmp_path, threshold=0.5,
                             min_cluster_size=3)


def saved(tmp_path) -> dict:
    return json.loads((tmp_path / "duplicate_labels.json").read_text())


def key_of(ex, name):
    return ex.table.loc[ex.table["name"] == name, "cluster"].iloc[0]


# ----------------------------------------------------------------------------- compute helpers
def test_cluster_table_counts_trend_effort_and_csat():
    t = make_tickets()
    table = cluster_table(t, t["problem"], weeks=4)
    ev = table.set_index("cluster")
    assert list(table.columns) == ["cluster", "kind", "tickets", "customers", "first_seen", "last_seen", "weekly",
                                   "recent", "growth", "emerging", "effort", "csat", "csat_rest", "csat_impact",
                                   "impact"]
    assert ev["tickets"].to_dict() == {"export": 10, "invoice": 4, "login": 8}
    assert ev["kind"].to_dict() == {"export": "problem", "invoice": "problem", "login": "problem"}  # failure words
    assert ev.loc["export", "customers"] == 4  # organisations
    # export: ages 1,2,3,5,8,10,15,20 days in the last 28 days; 60 and 100 in the 91 days before
    assert ev.loc["export", "recent"] == 8
    # allowing for overall volume: 12 of the 24 tickets are recent, 9 in the baseline
    assert ev.loc["export", "growth"] == pytest.approx((8 / 4) / (2 / 13) / ((12 / 28) / (9 / 91)))  # 3.0
    assert ev["emerging"].to_dict() == {"export": True, "invoice": False, "login": False}
    assert sum(ev.loc["export", "weekly"]) == 8 and len(ev.loc["export", "weekly"]) == 4
    assert ev.loc["export", "effort"] == 20
    assert ev.loc["export", "csat"] == 0.0 and ev.loc["export", "csat_rest"] == 1.0
    assert ev.loc["export", "csat_impact"] == pytest.approx(-100.0)
    assert ev.loc["login", "csat_impact"] == pytest.approx((1 - 6 / 16) * 100)


def test_cluster_table_without_optional_columns_leaves_them_empty():
    t = make_tickets().drop(columns=["organization_id", "requester_id", "agent_replies", "satisfaction"])
    ev = cluster_table(t, t["problem"])
    assert ev["customers"].isna().all() and ev["effort"].isna().all() and ev["csat_impact"].isna().all()
    assert ev["tickets"].sum() == 22
    assert cluster_table(t, pd.Series([None] * len(t))).empty


def test_sparkline_highlight_and_bug_keys():
    assert sparkline([0, 1, 2, 4]) == "▁▃▅█"
    assert sparkline([0, 0]) == "▁▁"
    out = highlight("<script>alert(1)</script> Export fails & exports", ["export", "script"])
    assert out == ("&lt;<mark>script</mark>&gt;alert(1)&lt;/<mark>script</mark>&gt; <mark>Export</mark> fails"
                   " &amp; exports")
    assert highlight("<b>lt</b> x", ["lt"]) == "&lt;b&gt;<mark>lt</mark>&lt;/b&gt; x"  # never inside an entity
    assert bug_keys(pd.Series(["see APP-1234 and #4567", "APP-1234 again", None, "v2.1"])) == ["APP-1234", "#4567"]


# ----------------------------------------------------------------------------- the widget
def test_opens_with_sorted_table_and_no_labels_file(explorer, tmp_path):
    ex = explorer
    assert list(ex.table["name"]) == ["export problem", "login problem", "invoice problem"]
    assert list(ex.table["tickets"]) == [10, 8, 4]
    assert ex._rows[0][0].description == "export problem"
    assert ex._rows[3][0].layout.display == "none"  # unused pooled rows are hidden
    assert "▲" in ex._rows[0][4].value  # export is emerging
    assert ex.page_label.value.endswith("1–3 of 3 clusters")
    assert not (tmp_path / "duplicate_labels.json").exists()


def test_default_threshold_comes_from_the_engine_without_a_second_fit(tmp_path):
    ex = DuplicateExplorer(make_tickets(), engine=FakeEngine(), data_path=tmp_path)
    assert ex.engine.fits == [(None, 3)] and ex.threshold.value == 0.5


def test_sorting_through_header_buttons(explorer):
    ex = explorer
    ex.sort_buttons["name"].click()
    assert list(ex.table["name"]) == ["export problem", "invoice problem", "login problem"]
    assert ex.sort_buttons["name"].description == "Cluster ▲"
    ex.sort_buttons["name"].click()
    assert list(ex.table["name"]) == ["login problem", "invoice problem", "export problem"]
    ex.sort_buttons["csat_impact"].click()
    assert ex.table["name"].iloc[0] == "export problem"


def test_controls_recluster_and_filter(explorer):
    ex = explorer
    ex.min_size.value = 5  # invoice (4 tickets) is no longer a cluster
    assert ex.engine.fits[-1] == (0.5, 5)
    assert list(ex.table["name"]) == ["export problem", "login problem"]
    ex.threshold.value = 0.85  # fake engine splits by channel
    assert list(ex.table["name"]) == ["export/email problem", "login/email problem"]  # export/chat has 4
    ex.threshold.value = 0.5
    ex.min_size.value = 3
    ex.filters["team"].value = "Billing"
    assert dict(zip(ex.table["name"], ex.table["tickets"], strict=True)) == {
        "export problem": 5, "login problem": 4, "invoice problem": 2}
    ex.filters["team"].value = "(all)"
    ex.search.value = "VAT"
    assert list(ex.table["name"]) == ["invoice problem"]
    ex.search.value = ""
    ex.dates.value = (ex._months[-1], ex._months[-1])  # September 2026 only
    assert dict(zip(ex.table["name"], ex.table["tickets"], strict=True)) == {
        "export problem": 8, "login problem": 2, "invoice problem": 1}
    row = ex.table.set_index("name").loc["export problem"]  # growth still measured against the earlier months
    assert (row["recent"], bool(row["emerging"])) == (8, True) and row["growth"] == pytest.approx(3.0)


def test_select_shows_redacted_highlighted_tickets_timeline_keys_and_neighbours(explorer):
    ex = explorer
    ex._rows[0][0].click()  # the first row's name button
    assert ex.selected == key_of(ex, "export problem")
    assert ex.detail.layout.display is None
    assert "jane1@example.com" not in ex.ticket_html.value and "[email]" in ex.ticket_html.value
    assert "<mark>export</mark>" in ex.ticket_html.value.lower()
    assert ex.bug_keys_found == ["APP-1234"] and "APP-1234" in ex.facts.value
    assert sum(ex.last_timeline["data"][0]["y"]) == 10
    assert ex.timeline.outputs[0]["data"]["application/vnd.plotly.v1+json"]["data"][0]["type"] == "bar"
    assert list(ex.neighbours_found["cluster"]) == [key_of(ex, "login problem"), key_of(ex, "invoice problem")]
    assert [v for _, v in ex.merge_pick.options][0] == key_of(ex, "login problem")
    assert len(ex.ticket_pick.options) == 10 and ex._rows[0][0].button_style == "info"


def test_rename_through_buttons_saves_label(explorer, tmp_path):
    ex = explorer
    ex.select(key_of(ex, "export problem"))
    ex.rename_text.value = "Export times out (APP-1234)"
    ex.rename_button.click()
    assert "saved to" in ex.action_result.value
    data = saved(tmp_path)
    [label] = data["labels"]
    assert label["name"] == "Export times out (APP-1234)" and label["label_id"] == "L1"
    assert label["members"] == [f"T{i:03d}" for i in range(1, 11)]
    assert data["history"][-1]["action"] == "rename"
    assert ex.selected == "L1" and ex.table["name"].iloc[0] == "Export times out (APP-1234)"


def test_set_status_merge_split_move(explorer, tmp_path):
    ex = explorer
    ex.select(key_of(ex, "login problem"))
    ex.status_pick.value = "known_issue"
    ex.tracker_key.value = ""
    ex.status_button.click()  # a known issue needs its key: shown, nothing saved
    assert "needs its tracker key" in ex.action_result.value
    assert not (tmp_path / "duplicate_labels.json").exists()
    ex.tracker_key.value = "APP-77"
    ex.note.value = "fixed in 4.2"
    ex.status_button.click()
    lab = saved(tmp_path)["labels"][0]
    assert (lab["status"], lab["tracker_key"], lab["note"]) == ("known_issue", "APP-77", "fixed in 4.2")

    ex.merge_pick.value = key_of(ex, "invoice problem")
    ex.merge_button.click()
    labels = saved(tmp_path)["labels"]
    assert len(labels) == 1 and len(labels[0]["members"]) == 12
    assert sorted(ex.table["tickets"]) == [10, 12]

    ex.ticket_pick.value = ("T019", "T020")  # the two newest invoice tickets
    ex.split_name.value = "VAT on invoices"
    ex.split_button.click()
    by_name = {lab["name"]: lab for lab in saved(tmp_path)["labels"]}
    assert by_name["VAT on invoices"]["members"] == ["T019", "T020"]
    assert len(by_name["login problem"]["members"]) == 10
    assert ex.selected == by_name["VAT on invoices"]["label_id"]

    ex.ticket_pick.value = ("T019",)
    ex.move_pick.value = key_of(ex, "export problem")
    ex.move_button.click()
    by_name = {lab["name"]: lab for lab in saved(tmp_path)["labels"]}
    assert by_name["VAT on invoices"]["members"] == ["T020"]
    assert "T019" in by_name["export problem"]["members"] and len(by_name["export problem"]["members"]) == 11
    assert [h["action"] for h in saved(tmp_path)["history"]] == ["status", "merge", "split", "move"]


def test_actions_need_a_selection_and_valid_input(explorer):
    ex = explorer
    with pytest.raises(ConfigError, match="no cluster is selected"):
        ex.rename("x")
    ex.select(key_of(ex, "export problem"))
    ex.rename_text.value = "   "
    ex.rename_button.click()
    assert "the name is empty" in ex.action_result.value
    ex.split_button.click()
    assert "no tickets selected to split off" in ex.action_result.value
    with pytest.raises(ConfigError, match="are not in this cluster"):
        ex.split(["T011"], "x")
    with pytest.raises(ConfigError, match="there is no cluster 'c99'"):
        ex.select("c99")


def test_labels_reload_on_start_and_survive_reclustering(explorer, tmp_path):
    ex = explorer
    ex.select(key_of(ex, "export problem"))
    ex.set_status("upstream_bug", note="export service")
    ex.threshold.value = 0.85  # export splits by channel; the label keeps all its tickets
    assert dict(zip(ex.table["name"], ex.table["tickets"], strict=True))["export problem"] == 10
    again = DuplicateExplorer(make_tickets(), engine=FakeEngine(), data_path=tmp_path)
    row = again.table[again.table["cluster"] == "L1"].iloc[0]
    assert (row["name"], row["status"], row["tickets"]) == ("export problem", "upstream_bug", 10)


def test_appended_tickets_join_their_label(tmp_path):
    old = make_tickets()
    ex = DuplicateExplorer(old, engine=FakeEngine(), data_path=tmp_path)
    ex.select(key_of(ex, "export problem"))
    ex.rename("Export timeouts")
    new = old[old["problem"] == "export"].head(2).assign(
        ticket_id=["N1", "N2"], created_at=pd.Timestamp("2026-10-05", tz="UTC"))
    ex2 = DuplicateExplorer(pd.concat([old, new], ignore_index=True), engine=FakeEngine(), data_path=tmp_path)
    row = ex2.table[ex2.table["cluster"] == "L1"].iloc[0]
    assert (row["name"], row["tickets"]) == ("Export timeouts", 12)
    assert set(ex2.carried.assignments.query("how == 'carried'")["ticket_id"]) == {"N1", "N2"}


def test_conflicts_are_shown_not_resolved(tmp_path):
    old = make_tickets()
    store = LabelStore(tmp_path / "duplicate_labels.json")
    store.create([f"T{i:03d}" for i in range(1, 6)], "export A")
    store.create([f"T{i:03d}" for i in range(6, 11)], "export B")
    store.data_until = "2026-09-30T12:00:00+00:00"
    store.save()
    new = old[old["problem"] == "export"].head(1).assign(ticket_id="N1",
                                                          created_at=pd.Timestamp("2026-10-05", tz="UTC"))
    ex = DuplicateExplorer(pd.concat([old, new], ignore_index=True), engine=FakeEngine(), data_path=tmp_path)
    assert "overlaps export A (L1, 50%) and export B (L2, 50%)" in ex.conflict_box.value
    assert ex.cluster_of["N1"].startswith("c")  # left unlabelled, shown on its own
    ex.select(ex.cluster_of["N1"])
    ex.merge(["L1"])  # the analyst decides
    assert ex.cluster_of["N1"] == ex.selected


def test_find_similar_by_text_and_by_ticket_id(explorer):
    ex = explorer
    ex.similar_text.value = "invoice VAT amount wrong"
    ex.similar_button.click()
    assert "invoice problem" in ex.similar_html.value
    assert [v for _, v in ex.similar_open.options][:2] == [None, key_of(ex, "invoice problem")]
    ex.similar_open.value = key_of(ex, "invoice problem")  # open the cluster of a found ticket
    assert ex.selected == key_of(ex, "invoice problem")
    found = ex.find_similar("T011", k=3)
    assert "T011" not in set(found["ticket_id"])
    assert set(found["cluster_name"]) == {"login problem"}
    assert found["text"].str.contains("[email]", regex=False).all()
    with pytest.raises(ConfigError, match="nothing to search for"):
        ex.find_similar("  ")


def test_export_writes_jira_csv_and_labelled_table(explorer, tmp_path):
    ex = explorer
    ex.select(key_of(ex, "export problem"))
    ex.rename("=Export times out")
    ex.set_status("upstream_bug", note="started after 4.1")
    ex.select(key_of(ex, "login problem"))
    ex.set_status("not_a_problem")
    ex.export_button.click()
    jira = pd.read_csv(tmp_path / "bug_candidates_jira.csv", dtype=str)
    assert list(jira.columns) == ["Summary", "Issue Type", "Priority", "Description", "Labels", "Link"]
    assert len(jira) == 1
    row = jira.iloc[0]
    assert row["Summary"] == "'=Export times out"  # never a spreadsheet formula
    assert row["Labels"] == "support-duplicates upstream-bug"
    desc = row["Description"]
    assert "Support tickets about this problem: 10 from 4 customers." in desc
    assert "First seen 2026-06-22, last seen 2026-09-29." in desc
    assert "Bug keys mentioned in tickets: APP-1234." in desc and "Analyst note: started after 4.1" in desc
    assert "- T001: export question 1" in desc and "example.com" not in desc
    labelled = pd.read_csv(tmp_path / "labelled_clusters.csv")
    assert list(labelled["name"]) == ["=Export times out", "login problem"]
    assert list(labelled["status_text"]) == ["upstream bug", "not a problem"]
    assert list(labelled["tickets"]) == [10, 8]
    assert "2 labelled cluster(s)" in ex.export_html.value
    ex.ticket_url.value = "https://desk.example.com/t/"
    ex.export_button.click()
    assert "has no {ticket_id} placeholder" in ex.action_result.value
    ex.ticket_url.value = "https://desk.example.com/t/{ticket_id}"
    ex.export_button.click()
    jira = pd.read_csv(tmp_path / "bug_candidates_jira.csv", dtype=str)
    assert jira["Link"].tolist() == ["https://desk.example.com/t/T001"]
    assert "- T001 (https://desk.example.com/t/T001): export question 1" in jira["Description"].iloc[0]


def test_needs_a_labels_place_and_ticket_columns():
    with pytest.raises(ConfigError, match="needs a place for its labels file"):
        DuplicateExplorer(make_tickets(), engine=FakeEngine())
    with pytest.raises(DataError, match="column `created_at`: tickets lack required columns"):
        DuplicateExplorer(make_tickets().drop(columns="created_at"), engine=FakeEngine(), labels_path="x.json")
    with pytest.raises(DataError, match="table tickets: there are no tickets to explore"):
        DuplicateExplorer(make_tickets().head(0), engine=FakeEngine(), labels_path="x.json")


def test_ticket_text_is_escaped_everywhere(tmp_path):
    t = make_tickets()
    t.loc[0, "description"] = "<img src=x onerror=alert(1)> export fails"
    ex = DuplicateExplorer(t, engine=FakeEngine(), data_path=tmp_path)
    ex.select(key_of(ex, "export problem"))
    assert "<img" not in ex.ticket_html.value and "&lt;img" in ex.ticket_html.value
    ex.find_similar("onerror export")
    assert "<img" not in ex.similar_html.value


def test_growth_is_left_out_when_the_data_are_too_short(tmp_path):
    t = make_tickets()
    t = t[t["created_at"] >= pd.Timestamp("2026-08-01", tz="UTC")]
    ex = DuplicateExplorer(t, engine=FakeEngine(), data_path=tmp_path)
    assert ex.table["growth"].isna().all() and not ex.table["emerging"].any()
    assert "need 119 days of data up to the end of the date range; there are 59" in ex.page_label.value


def test_finder_engine_fits_once_then_regroups():
    from toolkit.widgets.explorer import FinderEngine

    t = make_tickets()
    engine = FinderEngine(seed=0)
    steps = []
    first = engine.fit(t, threshold=None, min_cluster_size=3, progress=lambda step, frac: steps.append(step))
    finder = engine.finder_
    assert list(first.columns) == ["ticket_id", "cluster_id"] and len(first) == 24
    assert steps and 0 < engine.threshold_ < 1
    engine.fit(t, threshold=0.6, min_cluster_size=4)
    assert engine.finder_ is finder and finder.threshold == 0.6  # regrouped, not refitted
    export = t.loc[t["problem"] == "export", "ticket_id"].tolist()
    assert "export" in " ".join(engine.distinctive_terms(export, k=5))
    assert engine.bug_keys(export) == ["APP-1234"]
    found = engine.similar("invoice shows the wrong VAT amount", k=3)
    assert list(found.columns) == ["ticket_id", "similarity"]
    assert set(found["ticket_id"]) <= set(t.loc[t["problem"] == "invoice", "ticket_id"])


def test_open_explorer_loads_a_folder_and_uses_the_chosen_representation(tmp_path):
    make_tickets().drop(columns=["problem"]).assign(status="solved").to_csv(tmp_path / "tickets.csv", index=False)
    ex = open_explorer(tmp_path, representation="tfidf-cosine", threshold=0.3)
    assert ex.engine.finder_.representation == "tfidf-cosine"
    assert len(ex.tickets) == 24 and ex.store.path == tmp_path / "duplicate_labels.json"
    with pytest.raises(ConfigError, match=r"`representation`: unknown representation 'bert'.*use auto, one of tfidf"):
        open_explorer(tmp_path, representation="bert")
