"""DuplicateFinder on small hand-made ticket sets with known groups.

These check the pipeline's mechanics with the lexical representation (fast, nothing to install);
the default (hybrid where the semantic extra is installed) is checked on the sample client
(test_duplicates_sample.py) and in test_duplicates_semantic.py.
"""

import numpy as np
import pandas as pd
import pytest

from toolkit.duplicates import DuplicateFinder
from toolkit.errors import ConfigError, DataError

EXPORT = [
    "CSV export fails with error 500",
    "Export to CSV gives error 500 every time",
    "Cannot export the report to CSV, error 500",
    "CSV export broken, server error 500",
    "Getting error 500 when I export a CSV file",
]
SMS = [
    "Two-factor SMS code never arrives",
    "2FA SMS code not arriving, cannot log in",
    "Not receiving the SMS login code for two-factor",
    "SMS verification code does not arrive",
    "Login code by SMS never arrives on my phone",
]
VAT = [
    "Invoice shows the wrong VAT amount",
    "The VAT on my invoice is wrong",
    "Wrong VAT charged on the latest invoice",
    "Our invoice VAT rate is wrong",
    "Invoice has the wrong VAT, please correct it",
]
ONE_OFFS = [
    "How do I change my profile picture?",
    "Please cancel our subscription at the end of the month",
    "Feature request: dark mode for the dashboard",
    "Where can I download the mobile app for tablets",
]


def tickets_frame(texts, start=1, days=None):
    n = len(texts)
    created = pd.Timestamp("2026-01-01", tz="UTC") + pd.to_timedelta(days if days is not None else range(n), unit="D")
    return pd.DataFrame({
        "ticket_id": [str(i) for i in range(start, start + n)],
        "created_at": created.astype("datetime64[us, UTC]"),
        "subject": [t.split(",")[0][:30] for t in texts],
        "description": texts,
        "requester_id": [f"c{i % 7}" for i in range(n)],
    })


@pytest.fixture(scope="module")
def tickets():
    return tickets_frame(EXPORT + SMS + VAT + ONE_OFFS)


@pytest.fixture(scope="module")
def finder(tickets):
    return DuplicateFinder(representation="tfidf", progress=False).fit(tickets)


def groups_of(finder):
    a = finder.assignments_.set_index("ticket_id")["cluster_id"]
    return [a[[str(i) for i in range(s, s + 5)]].tolist() for s in (1, 6, 11)], a[[str(i) for i in range(16, 20)]]


def test_paraphrases_grouped_and_unrelated_apart(finder):
    (export, sms, vat), one_offs = groups_of(finder)
    for group in (export, vat):
        assert len(set(group)) == 1 and group[0] >= 0
    # "SMS verification code does not arrive" is close (>= 0.35) to one other SMS ticket only: a ticket
    # needs two close others to be grouped, so it stays unclustered and the other four form the cluster
    assert sms == [sms[0]] * 3 + [-1, sms[0]] and sms[0] >= 0
    assert len({export[0], sms[0], vat[0]}) == 3
    assert (one_offs == -1).all()
    assert sorted(finder.clusters_["tickets"]) == [4, 5, 5]


def test_assignments_and_clusters_have_the_documented_columns(finder):
    assert list(finder.assignments_.columns) == ["ticket_id", "cluster_id"]
    assert finder.assignments_["cluster_id"].dtype == np.int64
    row = finder.clusters_.iloc[0]
    assert row["customers"] == 5 and row["first_seen"] < row["last_seen"]
    assert len(row["representative_ids"]) == 3 and len(row["weekly_counts"]) >= 1
    assert any("satisfaction" in n for n in finder.clusters_.attrs["notes"])


def test_names_come_from_distinctive_terms(finder):
    names = set(finder.clusters_["name"])
    joined = " ".join(names)
    assert "vat" in joined and "sms" in joined and "export" in joined
    cid = int(finder.assignments_.set_index("ticket_id").loc["11", "cluster_id"])
    assert "vat" in finder.distinctive_terms(cid)[:3]
    assert "vat" in finder.distinctive_terms(["11", "12", "13"])[:3]


def test_quoted_replies_and_signatures_do_not_pull_tickets_together(tickets):
    quoted = "\n\nThanks,\nJo\nAcme Ltd\n\nOn Tue, 3 Mar 2026, Support wrote:\n> " + "\n> ".join(VAT)
    noisy = tickets.copy()
    noisy.loc[:4, "description"] = noisy.loc[:4, "description"] + quoted
    finder = DuplicateFinder(representation="tfidf", progress=False).fit(noisy)
    (export, sms, vat), _ = groups_of(finder)
    assert len(set(export)) == 1 and export[0] >= 0 and export[0] != vat[0]


def test_same_seed_same_clusters(tickets, finder):
    again = DuplicateFinder(representation="tfidf", progress=False).fit(tickets)
    pd.testing.assert_frame_equal(again.assignments_, finder.assignments_)
    assert again.clusters_["name"].tolist() == finder.clusters_["name"].tolist()


def test_similar_by_id_and_by_text(finder):
    by_id = finder.similar("1", k=4)
    assert list(by_id.columns) == ["ticket_id", "similarity", "rank", "cluster_id", "subject"]
    assert set(by_id["ticket_id"]) == {"2", "3", "4", "5"} and "1" not in set(by_id["ticket_id"])
    by_text = finder.similar("my sms code for two-factor login never arrives", k=3)
    assert set(by_text["ticket_id"]) <= {"6", "7", "8", "9", "10"}
    assert by_text["similarity"].is_monotonic_decreasing


def test_neighbours_of_cluster_and_of_tickets(finder):
    cid = int(finder.clusters_["cluster_id"].iloc[0])
    near = finder.neighbours_of_cluster(cid, k=5)
    assert list(near.columns) == ["cluster_id", "name", "tickets", "similarity"]
    assert len(near) == 2 and cid not in set(near["cluster_id"])
    groups = pd.Series(["a"] * 5 + ["b"] * 5, index=[str(i) for i in range(1, 11)])
    found = finder.neighbours_of_tickets(["2", "3"], groups, k=2)
    assert found["cluster"].tolist()[0] == "a"


def test_assign_new_tickets_to_existing_clusters_or_new(finder):
    new = tickets_frame(["Error 500 when exporting CSV", "Is there a discount for charities?"], start=100)
    got = finder.assign(new).set_index("ticket_id")["cluster_id"]
    export_id = finder.assignments_.set_index("ticket_id").loc["1", "cluster_id"]
    assert got.loc["100"] == export_id and got.loc["101"] == -1


def test_update_keeps_ids_and_groups_new_problems(tickets):
    finder = DuplicateFinder(representation="tfidf", progress=False).fit(tickets)
    before = finder.assignments_.copy()
    new = tickets_frame(["CSV export error 500 again today",
                         "Dark mode flickers on the dashboard charts",
                         "Dashboard charts flicker in dark mode",
                         "Charts flickering on the dashboard with dark mode on"], start=200)
    finder.update(new)
    after = finder.assignments_.set_index("ticket_id")["cluster_id"]
    kept = before.set_index("ticket_id")["cluster_id"]
    assert (after.loc[kept[kept >= 0].index] == kept[kept >= 0]).all()
    assert after.loc["200"] == kept.loc["1"]
    flicker = after.loc[["201", "202", "203"]]
    assert len(set(flicker)) == 1 and flicker.iloc[0] > kept.max()
    with pytest.raises(DataError, match="some tickets are already in the model"):
        finder.update(new.iloc[:1])


def test_regroup_and_refit_keep_cluster_ids(tickets, finder):
    clone = DuplicateFinder(representation="tfidf", progress=False).fit(tickets)
    clone.regroup(threshold=0.99)
    assert (clone.assignments_["cluster_id"] == -1).all() and clone.clusters_.empty
    clone.regroup(threshold=finder.threshold_)
    pd.testing.assert_frame_equal(clone.assignments_, finder.assignments_)
    shuffled = tickets.iloc[::-1].reset_index(drop=True)
    refit = DuplicateFinder(representation="tfidf", progress=False).fit(shuffled, previous=finder)
    old = finder.assignments_.set_index("ticket_id")["cluster_id"]
    new = refit.assignments_.set_index("ticket_id")["cluster_id"]
    assert (new.loc[old.index] == old).all()


def test_subset_reuses_vectors(finder):
    sub = finder.subset([str(i) for i in range(1, 11)])
    assert len(sub.assignments_) == 10 and sub.vectors_.shape[0] == 10
    assert set(sub.assignments_["cluster_id"]) - {-1} == {0, 1} and (sub.assignments_["cluster_id"] == -1).sum() == 1


def test_save_and_load_round_trip(tmp_path, finder):
    path = finder.save(tmp_path / "model.joblib")
    loaded = DuplicateFinder.load(path)
    pd.testing.assert_frame_equal(loaded.assignments_, finder.assignments_)
    pd.testing.assert_frame_equal(loaded.similar("VAT wrong on invoice", 3), finder.similar("VAT wrong on invoice", 3))
    with pytest.raises(ConfigError, match="no saved duplicate model at this path"):
        DuplicateFinder.load(tmp_path / "missing.joblib")


def test_plain_texts_are_accepted():
    finder = DuplicateFinder(representation="tfidf", progress=False).fit(EXPORT + SMS)
    assert finder.assignments_["ticket_id"].tolist() == [str(i) for i in range(10)]
    assert finder.assignments_["cluster_id"].tolist() == [0, 0, 0, 0, 0, 1, 1, 1, -1, 1]
    assert any("created_at" in n for n in finder.clusters_.attrs["notes"])


def test_progress_callable_is_told_each_step(tickets):
    seen = []
    DuplicateFinder(representation="tfidf",
                    progress=lambda step, done, total: seen.append((step, done, total))).fit(tickets)
    assert [s for s, _, _ in seen][:4] == ["clean", "vectorise", "neighbours", "group"]
    assert seen[-1] == ("label", 5, 5)


def test_mistakes_give_clear_errors(tickets, finder):
    with pytest.raises(ConfigError, match="unknown representation 'bert'. Fix: use one of auto, tfidf"):
        DuplicateFinder(representation="bert").fit(tickets)
    with pytest.raises(ConfigError, match="min_cluster_size must be at least 2, got 1"):
        DuplicateFinder(representation="tfidf", min_cluster_size=1, progress=False).fit(tickets)
    with pytest.raises(ConfigError, match="threshold must be a number between -1.0 and 1.0, got 3"):
        DuplicateFinder(representation="tfidf", threshold=3, progress=False).fit(tickets)
    with pytest.raises(DataError, match="table tickets, column `ticket_id`: the tickets have no ticket_id column"):
        DuplicateFinder().fit(pd.DataFrame({"subject": ["x"]}))
    with pytest.raises(DataError, match=r"ticket ids are not unique \(row 2 \('1'\)\)"):
        DuplicateFinder().fit(pd.DataFrame({"ticket_id": ["1", "1"], "subject": ["a", "b"]}))
    with pytest.raises(ConfigError, match="there is no cluster 99"):
        finder.neighbours_of_cluster(99)
    with pytest.raises(ConfigError, match="not fitted yet"):
        DuplicateFinder().similar("x")


# ----------------------------------------------------------------------------- structure (scikit-learn contract)
def test_regroup_changes_the_parameters_in_use_not_the_constructor_parameters(tickets):
    finder = DuplicateFinder(representation="tfidf", progress=False, min_cluster_size=3).fit(tickets)
    default = finder.threshold_
    assert finder.threshold is None and default == pytest.approx(0.35)
    finder.regroup(threshold=0.6, min_cluster_size=4, resolution=1.5)
    assert (finder.threshold, finder.min_cluster_size, finder.resolution) == (None, 3, None)
    assert (finder.threshold_, finder.min_cluster_size_, finder.resolution_) == (0.6, 4, 1.5)
    assert finder.get_params()["threshold"] is None
    assert (finder.grouping_.threshold, finder.grouping_.min_cluster_size) == (0.6, 4)


def test_group_previews_labels_without_changing_the_model(tickets, finder):
    before = finder.assignments_.copy()
    assert (finder.group(threshold=0.99) == -1).all()
    assert len(set(finder.group()) - {-1}) == 3  # the fitted parameters: export, sms, vat
    pd.testing.assert_frame_equal(finder.assignments_, before)


class CountingNeighbours:
    """A neighbour search that wraps the default one and records that the finder used it."""

    def __init__(self, k=4):
        self.k = k

    def get_params(self, deep=True):
        return {"k": self.k}

    def set_params(self, **params):
        self.k = params.get("k", self.k)
        return self

    def fit(self, vectors):
        from toolkit.duplicates import NearestNeighbours

        self.inner_ = NearestNeighbours(k=self.k, progress=False).fit(vectors)
        return self

    def kneighbors(self):
        return self.inner_.kneighbors()

    def query(self, vectors, k=10, exclude=None):
        return self.inner_.query(vectors, k=k, exclude=exclude)


class NearestLinkGrouping:
    """A grouping of its own: every ticket whose nearest link reaches ``threshold`` joins cluster 0."""

    def __init__(self, threshold=0.2):
        self.threshold = threshold

    def get_params(self, deep=True):
        return {"threshold": self.threshold}

    def set_params(self, **params):
        self.threshold = params.get("threshold", self.threshold)
        return self

    def fit(self, indices, similarities):
        self.labels_ = np.where(similarities[:, 0] >= self.threshold, 0, -1).astype(np.int64)
        return self


def test_neighbour_search_and_grouping_are_parameters(tickets):
    neighbours, grouping = CountingNeighbours(k=4), NearestLinkGrouping(threshold=0.2)
    finder = DuplicateFinder(progress=False, neighbours=neighbours, grouping=grouping).fit(tickets)
    assert finder.get_params()["neighbours"] is neighbours and finder.get_params()["grouping"] is grouping
    assert finder.neighbours_ is not neighbours and not hasattr(neighbours, "inner_")  # cloned, not fitted in place
    assert finder.graph_[0].shape == (len(tickets), 4)  # the given search's own k
    assert finder.grouping_.threshold == 0.2 and finder.threshold_ == 0.2  # the given grouping keeps its own
    assert set(finder.labels_) <= {0, -1} and (finder.labels_ == 0).sum() >= 15
    finder.regroup(threshold=1.01)
    assert (finder.labels_ == -1).all() and grouping.threshold == 0.2 and finder.threshold_ == 1.01
    with pytest.raises(ConfigError, match="the grouping NearestLinkGrouping has no parameter 'resolution'"):
        finder.regroup(resolution=3)


def test_assign_returns_a_frame_as_annotated(finder):
    import inspect

    got = finder.assign(["CSV export error 500"])
    assert isinstance(got, pd.DataFrame) and list(got.columns) == ["ticket_id", "cluster_id"]
    assert inspect.signature(DuplicateFinder.assign).return_annotation in ("pd.DataFrame", pd.DataFrame)


def test_auto_is_hybrid_where_the_extra_is_installed_and_the_set_is_not_huge(monkeypatch):
    from toolkit.duplicates import representation

    monkeypatch.setattr(representation, "semantic_installed", lambda: True)
    assert type(representation.make_representation("auto", n_tickets=100_000)).__name__ == "HybridRepresentation"
    assert type(representation.make_representation("auto", n_tickets=100_001)).__name__ == "TfidfRepresentation"
    monkeypatch.setattr(representation, "semantic_installed", lambda: False)
    assert type(representation.make_representation("auto", n_tickets=10)).__name__ == "TfidfRepresentation"


def test_representation_name_says_what_auto_stands_for(monkeypatch):
    from toolkit.duplicates import representation

    monkeypatch.setattr(representation, "semantic_installed", lambda: True)
    assert [representation.representation_name("auto", n) for n in (0, 100_000, 100_001)] == \
        ["hybrid", "hybrid", "tfidf"]
    assert representation.representation_name("semantic", 1_000_000) == "semantic"
    monkeypatch.setattr(representation, "semantic_installed", lambda: False)
    assert representation.representation_name("auto", 10) == "tfidf"
