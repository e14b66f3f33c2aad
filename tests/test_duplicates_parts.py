"""The swappable parts of toolkit.duplicates, each on tiny inputs with exact answers."""

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from toolkit.duplicates.grouping import (
    GraphGrouping,
    component_communities,
    component_resolution,
    relabel_by_size,
    similarity_graph,
)
from toolkit.duplicates.labelling import cluster_counts, cluster_name, subject_lines, subject_name, subject_names
from toolkit.duplicates.neighbours import (
    CENTROID_SAMPLE,
    EXACT_CELLS,
    GROUP_PROBES,
    NearestNeighbours,
    _top_k,
    cell_groups,
    cell_space,
    centroid_groups,
    centroid_rows,
    grouped_nearest_cells,
    merge_probes,
    nearest_cells,
    pair_similarities,
    searched_members,
)
from toolkit.duplicates.ranking import cluster_evidence, cluster_summary, evidence_totals, weekly_counts
from toolkit.duplicates.representation import make_representation
from toolkit.duplicates.summaries import label_sample, sample_order
from toolkit.errors import ConfigError


def unit(rows):
    rows = np.asarray(rows, dtype=np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


# ---------------------------------------------------------------- neighbours
def test_top_k_orders_by_value_then_position():
    block = np.array([[0.1, 0.9, 0.5, 0.9], [0.0, 0.0, 0.0, 0.0]], dtype=np.float32)
    idx, val = _top_k(block, 2)
    assert idx.tolist() == [[1, 3], [0, 1]]
    assert val.tolist() == [[pytest.approx(0.9), pytest.approx(0.9)], [0.0, 0.0]]


def test_exact_search_excludes_self():
    x = unit([[1, 0], [0.9, 0.1], [0, 1], [0.1, 0.9]])
    idx, sim = NearestNeighbours(k=1).fit(x).kneighbors()
    assert idx[:, 0].tolist() == [1, 0, 3, 2]
    assert sim[0, 0] == pytest.approx(float(x[0] @ x[1]))


def test_cell_search_finds_the_same_near_duplicates_as_exact_search():
    rng = np.random.default_rng(0)
    centres = rng.normal(size=(40, 16))
    x = unit(np.repeat(centres, 50, axis=0) + 0.05 * rng.normal(size=(2000, 16)))
    exact = NearestNeighbours(k=5, exact_limit=10_000).fit(x).kneighbors()[0]
    cells = NearestNeighbours(k=5, exact_limit=100, cell_size=200, seed=0, progress=False).fit(x)
    assert not cells.exact_
    approx = cells.kneighbors()[0]
    same_group = (approx // 50) == (np.arange(2000)[:, None] // 50)
    assert same_group.mean() == 1.0
    recall = np.mean([len(set(a) & set(b)) / 5 for a, b in zip(exact, approx, strict=True)])
    assert recall > 0.95
    found, _ = cells.query(x[:3], k=2)
    assert (found // 50 == 0).all()


def test_crowded_cell_is_searched_through_a_fixed_sample():
    assert searched_members(7, cell=3, cell_size=2, seed=0).tolist() == list(range(7))  # at most 4 x 2: all
    kept = searched_members(9, cell=3, cell_size=2, seed=0)
    assert len(kept) == 8 and kept.tolist() == sorted(set(kept.tolist()))
    assert kept.tolist() == searched_members(9, cell=3, cell_size=2, seed=0).tolist()
    assert kept.tolist() != searched_members(9, cell=4, cell_size=2, seed=0).tolist()


def test_probe_merge_keeps_the_best_candidates_earlier_probe_first_on_ties():
    # two probes of k = 2 slots: probe 0 found rows 7 and 8, probe 1 found row 9 (a tie with 8) and nothing else
    idx = np.array([[7, 8, 9, -1]])
    sim = np.array([[0.9, 0.5, 0.5, -np.inf]], dtype=np.float32)
    found, best = merge_probes(idx, sim, 2)
    assert found.tolist() == [[7, 8]] and best.tolist() == [[pytest.approx(0.9), 0.5]]
    found, _ = merge_probes(np.array([[7, -1, -1, -1]]), np.array([[0.9, -np.inf, -np.inf, -np.inf]],
                                                                  dtype=np.float32), 2)
    assert found.tolist() == [[7, -1]]


def test_pair_similarities_are_float64_dot_products_rounded_to_a_millionth_whatever_the_slices(monkeypatch):
    queries = np.array([[0.6, 0.8, 0.0], [1 / 3, 2 / 3, 2 / 3]], dtype=np.float32)
    vectors = np.array([[0.0, 0.6, 0.8], [0.8, 0.6, 0.0], [1.0, 0.0, 0.0]], dtype=np.float32)
    query_rows, rows = np.array([0, 0, 1, 1, 1]), np.array([0, 1, 0, 1, 2])
    expected = [0.48, 0.96, 0.933333, 0.666667, 0.333333]
    assert pair_similarities(queries, query_rows, vectors, rows).tolist() == expected
    monkeypatch.setattr("toolkit.duplicates.neighbours.RESCORE_VALUES", 3)  # one pair per slice
    assert pair_similarities(queries, query_rows, vectors, rows).tolist() == expected
    sparse = pair_similarities(sp.csr_matrix(queries), query_rows, sp.csr_matrix(vectors), rows)
    assert sparse.tolist() == pytest.approx(expected, abs=1e-6)  # sparse products sum in the rows' float32


def test_hybrid_cells_are_made_in_the_sentence_model_block():
    import scipy.sparse as sp

    rows = sp.csr_matrix(np.array([[0.6, 0, 0.0, 0.8], [0, 0.6, 0.3, 0.4]], dtype=np.float32))
    block = cell_space(rows, np.array([False, False, True, True]))
    np.testing.assert_allclose(block, [[0, 1], [0.6, 0.8]], atol=1e-7)
    dense = rows.toarray()
    assert cell_space(dense, None) is dense  # dense rows (tfidf, semantic) are placed as they are


class _Fixed:
    """A stand-in part of the hybrid: fixed unit rows per text."""

    def __init__(self, rows: dict) -> None:
        self.rows = rows

    def fit(self, texts, y=None):
        return self

    def transform(self, texts):
        return np.array([self.rows[t] for t in texts], dtype=np.float32)


def test_hybrid_mixes_the_two_cosines_and_gives_short_texts_less_word_evidence():
    from toolkit.duplicates.representation import HybridRepresentation

    ten, other, five = "w " * 9 + "w", "x " * 11 + "x", "crash in nsDocShell load uri"
    lexical = _Fixed({ten: [1, 0], other: [0.6, 0.8], five: [1, 0]})
    semantic = _Fixed({ten: [1, 0], other: [0, 1], five: [0.8, 0.6]})
    hybrid = HybridRepresentation(lexical=lexical, semantic=semantic).fit([ten, other, five])
    assert hybrid.lexical_shares([ten, other, five, ""]).tolist() == [0.5, 0.5, 0.25, 0.0]
    rows = hybrid.transform([ten, other, five])
    similarity = (rows @ rows.T).toarray()
    np.testing.assert_allclose(np.diag(similarity), 1, atol=1e-6)
    assert similarity[0, 1] == pytest.approx(0.5 * 0.6 + 0.5 * 0, abs=1e-6)  # ten words or more: the plain mix
    assert similarity[0, 2] == pytest.approx(np.sqrt(0.5 * 0.25) * 1 + np.sqrt(0.5 * 0.75) * 0.8, abs=1e-6)
    with pytest.raises(ConfigError, match=r"full_words must be a whole number of words \(1 or more\), got 0"):
        HybridRepresentation(full_words=0, lexical=lexical, semantic=semantic).fit([ten])


def test_a_hybrid_saved_before_short_texts_were_weighed_keeps_its_vectors():
    import pickle

    from toolkit.duplicates.representation import HybridRepresentation

    saved = HybridRepresentation()
    del saved.full_words  # as pickled by a version without it: every text had the full word share
    assert pickle.loads(pickle.dumps(saved)).full_words == 1
    assert pickle.loads(pickle.dumps(HybridRepresentation())).full_words == 10


def test_query_with_fewer_rows_than_k():
    idx, sim = NearestNeighbours(k=5).fit(unit([[1, 0], [0, 1]])).kneighbors()
    assert idx.shape == (2, 1) and idx[:, 0].tolist() == [1, 0]


# ---------------------------------------------------------------- grouping
def test_similarity_graph_keeps_links_above_threshold_once():
    idx = np.array([[1, 2], [0, 2], [0, 1]])
    sim = np.array([[0.9, 0.2], [0.9, 0.5], [0.2, 0.5]], dtype=np.float32)
    graph = similarity_graph(idx, sim, 0.4).toarray()
    assert graph.tolist() == [[0, pytest.approx(0.9), 0], [0, 0, pytest.approx(0.5)], [0, 0, 0]]


def test_grouping_leaves_small_groups_and_loners_unclustered():
    x = unit([[1, 0, 0], [0.95, 0.05, 0], [0.97, 0, 0.03], [0, 1, 0], [0, 0.96, 0.04], [0, 0, 1]])
    idx, sim = NearestNeighbours(k=3).fit(x).kneighbors()
    labels = GraphGrouping(threshold=0.8, min_cluster_size=3).fit(idx, sim).labels_
    assert labels.tolist() == [0, 0, 0, -1, -1, -1]
    labels = GraphGrouping(threshold=0.8, min_cluster_size=2, min_neighbours=1).fit(idx, sim).labels_
    assert labels.tolist() == [0, 0, 0, 1, 1, -1]
    # by default a ticket needs two close others: a lone pair is two one-off tickets, not a pattern
    labels = GraphGrouping(threshold=0.8, min_cluster_size=2).fit(idx, sim).labels_
    assert labels.tolist() == [0, 0, 0, -1, -1, -1]


def test_a_ticket_linked_to_one_member_only_stays_out_of_the_cluster():
    # tickets 0-3 are close to each other; ticket 4 is close to ticket 3 only
    x = unit([[1, 0, 0], [0.98, 0.02, 0], [0.97, 0.03, 0], [0.9, 0.3, 0], [0.5, 0.85, 0]])
    idx, sim = NearestNeighbours(k=4).fit(x).kneighbors()
    assert GraphGrouping(threshold=0.75, min_cluster_size=2).fit(idx, sim).labels_.tolist() == [0, 0, 0, 0, -1]
    assert GraphGrouping(threshold=0.75, min_cluster_size=2, min_neighbours=0).fit(idx, sim).labels_.tolist() == [
        0, 0, 0, 0, 0]


def test_a_components_resolution_is_its_share_of_the_link_weight():
    assert component_resolution(2.0, 3.0, 12.0) == 0.5
    assert component_resolution(1.0, 1.0, 3.0) == 0.333333333333  # rounded to 12 significant digits
    assert component_resolution(1.5, 0.0, 0.0) == 1.5  # no links at all


def clique_links(*groups, weight: float = 1.0) -> sp.csr_matrix:
    """Upper-triangle links between every two nodes of each group."""
    n = max(max(g) for g in groups) + 1
    pairs = [(a, b) for g in groups for i, a in enumerate(g) for b in g[i + 1:]]
    rows, cols = zip(*pairs, strict=True)
    return sp.coo_matrix(([weight] * len(pairs), (rows, cols)), shape=(n, n)).tocsr()


def test_each_component_is_grouped_on_its_own_and_small_ones_are_left_out():
    graph = clique_links([0, 1, 2, 3], [4, 5, 6, 7], [8, 9])
    communities = component_communities(graph, 1.0, 0, 0.3, 3)
    assert communities.tolist() == [0, 0, 0, 0, 1, 1, 1, 1, -1, -1]
    # the pair is a component too small to hold a cluster of 3: never grouped; at 2 it is
    assert component_communities(graph, 1.0, 0, 0.3, 2).tolist() == [0, 0, 0, 0, 1, 1, 1, 1, 2, 2]


def test_relabel_by_size_numbers_largest_first():
    assert relabel_by_size(np.array([5, 5, 2, 2, 2, 9]), 2).tolist() == [1, 1, 0, 0, 0, -1]


def test_grouping_parameters_are_checked():
    idx, sim = np.zeros((1, 0), dtype=int), np.zeros((1, 0))
    with pytest.raises(ConfigError, match="resolution must be a number at least 0.0, got -1"):
        GraphGrouping(resolution=-1).fit(idx, sim)
    with pytest.raises(ConfigError, match=r"min_neighbours must be a whole number of tickets \(0 or more\), got 1.5"):
        GraphGrouping(min_neighbours=1.5).fit(idx, sim)


# ---------------------------------------------------------------- labelling
def test_cluster_counts_orders_by_tickets_and_applies_the_share():
    values = pd.Series([["APP-1"], ["APP-1", "#9"], ["APP-2"], [], ["APP-1"]])
    labels = np.array([0, 0, 0, -1, 1])
    assert cluster_counts(values, labels).to_dict() == {0: ["APP-1", "#9", "APP-2"], 1: ["APP-1"]}
    assert cluster_counts(values, labels, min_share=0.5).to_dict() == {0: ["APP-1"], 1: ["APP-1"]}


def test_cluster_name_lets_a_phrase_absorb_its_words():
    assert cluster_name(["export", "csv export", "csv", "error", "timeout"]) == "csv export / error / timeout"


def test_cluster_name_repeats_no_word_skips_mail_boilerplate_and_puts_the_key_first():
    terms = ["request request", "fwd fwd", "subject", "subject sorry", "invoice", "blank invoice", "invoice pdf",
             "pdf", "download", "regards"]
    assert cluster_name(terms) == "blank invoice / pdf / download"
    assert cluster_name(terms, key="APP-1482") == "APP-1482: blank invoice / pdf / download"
    # a GitHub-style reference is not put in front; only boilerplate leaves the name empty but for the key
    assert cluster_name(["invoice"], key="#4521") == "invoice"
    assert cluster_name(["fwd", "regards"], key="BILL-77") == "BILL-77"
    # plurals count as the same word
    assert cluster_name(["code", "sms", "codes", "sms codes", "arriving"]) == "sms codes / arriving"
    assert cluster_name(["copy", "conflicted copies", "folder"]) == "conflicted copies / folder"


def test_unknown_representation_is_named():
    with pytest.raises(ConfigError, match="unknown representation 'word2vec'"):
        make_representation("word2vec")


def test_a_subject_line_customers_share_names_the_cluster():
    subjects = pd.Series(["Re: SMS codes take ages", "sms codes  take ages", "URGENT: SMS codes take ages",
                          "SMS codes take ages", "Can't log in - no text message", "Can't log in - no text message",
                          "Can't log in - no text message", "Help", "Help", "Help", "Help"])
    terms = ["sms", "codes", "text", "ages"]
    assert subject_name(subjects, terms, key="APP-2210") == "APP-2210: SMS codes take ages"
    assert subject_name(subjects, terms) == "SMS codes take ages"  # its most common spelling
    # the words of none of the top three terms: not a name; two subjects of three tickets, both naming it
    assert subject_name(subjects, ["login", "password", "reset"]) is None
    assert subject_name(subjects.iloc[:2], terms) is None  # fewer than three tickets carry it


def test_a_subject_line_of_one_customer_or_one_company_never_names_a_cluster():
    subjects = pd.Series(["Invoice for Pebblestone BV wrong"] * 3 + ["Wrong invoice total"] * 3)
    terms, labels = pd.Series({0: ["pebblestone", "invoice", "wrong"]}), np.zeros(6, dtype=np.int64)
    keys = pd.Series({0: None}, dtype="object")

    def name(requesters, organizations):
        lines = subject_lines(subjects, pd.Series(requesters), pd.Series(organizations))
        return subject_names(lines, labels, terms, keys)[0]

    assert name(["a", "b", "c", "d", "e", "f"], ["o1", "o2", "o3", "o1", "o2", "o3"]) == \
        "Invoice for Pebblestone BV wrong"
    assert name(["a", "a", "a", "d", "e", "f"], ["o1", "o2", "o3", "o1", "o2", "o3"]) == "Wrong invoice total"
    assert name(["a", "b", "c", "d", "e", "f"], ["o1", "o1", "o1", "o1", "o2", "o3"]) == "Wrong invoice total"
    assert name(["a", "b", "c", "d", "e", "e"], [None] * 6) == "Invoice for Pebblestone BV wrong"


def test_subject_names_skip_masked_values_long_lines_and_mail_tags():
    lines = subject_lines(pd.Series(["Fwd: RE[2]: Quick question - export to CSV fails", "[name] export to CSV fails",
                                     "Export to CSV fails for every report we run in the admin console today"]))
    assert lines["spelled"].tolist() == ["export to CSV fails", "[name] export to CSV fails",
                                         "Export to CSV fails for every report we run in the admin console today"]
    subjects = pd.Series(["[name] export to CSV fails"] * 5 +
                         ["Export to CSV fails for every report we run in the admin console today"] * 5)
    assert subject_name(subjects, ["export", "csv", "fails"]) is None


# ---------------------------------------------------------------- ranking
def _tickets():
    as_of = pd.Timestamp("2026-06-30 12:00", tz="UTC")
    days = [100, 60, 20, 10, 9, 8, 5, 2, 1, 0.5] + [115, 100, 85, 70, 55, 40, 25, 10] + [3, 50]
    return pd.DataFrame({
        "ticket_id": [str(i) for i in range(len(days))],
        "created_at": (as_of - pd.to_timedelta(days, unit="D")).astype("datetime64[us, UTC]"),
        "requester_id": [f"r{i % 4}" for i in range(len(days))],
        "organization_id": [f"o{i % 2}" for i in range(len(days))],
        "agent_replies": pd.array([4] * 10 + [1] * 8 + [1, 1], dtype="Int64"),
        "reopens": pd.array([1, 1] + [0] * 8 + [0] * 8 + [0, 0], dtype="Int64"),
        "satisfaction": ["bad", "bad", "good", None, None, None, None, None, None, None,
                         "good", "good", "good", "good", None, None, None, None, "good", "bad"],
    }), as_of


def test_a_rise_every_cluster_shares_is_not_emerging():
    end = pd.Timestamp("2026-06-30 12:00", tz="UTC")
    days = []  # clusters 0 and 1: one ticket a week for 13 weeks, then 2.5 a week (a busy quarter end)
    for cluster in (0, 1):
        days += [(cluster, 28 + 7 * w + 3) for w in range(13)] + [(cluster, d) for d in range(0, 28, 3)][:10]
    days += [(2, d) for d in range(0, 28, 4)]  # cluster 2: new in the last four weeks
    tickets = pd.DataFrame({"ticket_id": [str(i) for i in range(len(days))],
                            "created_at": [end - pd.Timedelta(days=d) for _, d in days]})
    labels = np.array([c for c, _ in days])
    out = cluster_evidence(tickets, labels).set_index("cluster_id")
    volume = (27 / 28) / (26 / 91)
    assert out.attrs["volume_growth"] == pytest.approx(volume)
    raw = (10 / 4) / (13 / 13)  # 2.5x: above the rule before allowing for volume
    assert out.loc[0, "growth"] == pytest.approx(raw / volume) and out.loc[0, "growth"] < 1
    assert out["emerging"].tolist() == [False, False, True]


def test_emerging_cluster_is_flagged_and_ranked_by_impact():
    tickets, as_of = _tickets()
    labels = np.array([0] * 10 + [1] * 8 + [-1, -1])
    out = cluster_evidence(tickets, labels).set_index("cluster_id")
    spike, steady = out.loc[0], out.loc[1]
    assert spike["tickets"] == 10 and spike["customers"] == 4 and spike["organizations"] == 2
    assert spike["recent_tickets"] == 8 and spike["baseline_weekly"] == pytest.approx(2 / 13)
    # all 20 tickets: 11 in the last 28 days, 9 in the 91 before: volume itself grew about 4x
    volume = (11 / 28) / (9 / 91)
    assert out.attrs["volume_growth"] == pytest.approx(volume)
    assert spike["growth"] == pytest.approx((8 / 4) / (2 / 13) / volume)  # 3.3
    assert bool(spike["emerging"]) and not bool(steady["emerging"])
    assert steady["recent_tickets"] == 2 and steady["growth"] == pytest.approx((2 / 4) / (6 / 13) / volume)
    assert spike["reopen_rate"] == pytest.approx(0.2) and spike["reopen_rate_rest"] == pytest.approx(0.0)
    assert spike["csat"] == pytest.approx(1 / 3) and spike["csat_rest"] == pytest.approx(5 / 6)
    # impact = tickets x effort (4 / mean 2.5) x (1 + csat gap 0.5) x (1 + reopen gap 0.2)
    assert spike["impact"] == pytest.approx(10 * 1.6 * 1.5 * 1.2)
    assert out.index.tolist() == [0, 1]
    assert spike["first_seen"] == tickets["created_at"].iloc[0]


def test_a_clusters_evidence_from_its_own_tickets_and_the_whole_sets_totals_is_its_row_among_all():
    tickets, _ = _tickets()
    labels = np.array([0] * 10 + [1] * 8 + [-1, -1])
    whole = cluster_evidence(tickets, labels).set_index("cluster_id")
    steady = labels == 1
    alone = cluster_evidence(tickets[steady], labels[steady], totals=evidence_totals(tickets)).set_index("cluster_id")
    pd.testing.assert_frame_equal(alone, whole.loc[[1]])
    assert alone.attrs == whole.attrs
    # without the totals, the rest would be its own tickets alone: no rest, another volume growth
    assert pd.isna(cluster_evidence(tickets[steady], labels[steady])["csat_rest"].iloc[0])


def test_evidence_totals_count_the_whole_set():
    tickets, as_of = _tickets()
    totals = evidence_totals(tickets)
    assert totals.as_of == totals.last_created == as_of - pd.Timedelta(hours=12)  # the latest ticket
    assert totals.first_created == as_of - pd.Timedelta(days=115)
    assert (totals.recent, totals.baseline) == (11, 9)
    assert totals.replies_mean == pytest.approx(50 / 20)
    assert (totals.reopened, totals.reopens_known) == (2, 20)
    assert (totals.rated_good, totals.rated) == (6, 9)
    assert totals.present == {"created_at", "requester_id", "organization_id", "agent_replies", "reopens",
                              "satisfaction"}


def test_a_clusters_term_sample_depends_on_its_tickets_row_numbers_only():
    labels = np.array([0, 1, 0, 0, 1, 0, 0, -1, 0])
    rows = np.arange(len(labels)) + 1000
    everything = label_sample(labels, rows, 3, seed=0)
    assert everything.sum() == 3 + 2 and not everything[7]
    mine = labels == 0
    assert label_sample(labels[mine], rows[mine], 3, seed=0).tolist() == everything[mine].tolist()
    assert sample_order(np.array([0, 1]), 0).tolist() == sample_order(np.array([0, 1]), 0).tolist()
    assert sample_order(np.array([5]), 0)[0] != sample_order(np.array([5]), 1)[0]


def test_evidence_skips_what_the_data_lacks_with_a_note():
    tickets = pd.DataFrame({"ticket_id": ["1", "2", "3"]})
    out = cluster_evidence(tickets, np.array([0, 0, -1]))
    assert out["tickets"].tolist() == [2] and pd.isna(out["csat"].iloc[0]) and pd.isna(out["emerging"].iloc[0])
    notes = " | ".join(out.attrs["notes"])
    assert "trend and growth not computed: the tickets have no created_at" in notes
    assert "CSAT not computed: the tickets have no satisfaction ratings" in notes


def test_weekly_counts_include_empty_weeks():
    tickets, _ = _tickets()
    labels = np.array([0] * 10 + [1] * 8 + [-1, -1])
    weekly = weekly_counts(tickets, labels)
    assert weekly.groupby("cluster_id")["tickets"].sum().to_dict() == {0: 10, 1: 8}
    assert weekly["week"].dt.day_of_week.eq(0).all()
    assert weekly.groupby("cluster_id").size().nunique() == 1


def test_cluster_summary_takes_any_cluster_keys():
    tickets, _ = _tickets()
    tickets["subject"] = ["Sync fails APP-77"] * 3 + ["Sync fails"] * 17
    keys = ["merged"] * 10 + ["B"] * 8 + [None, "-1"]
    out = cluster_summary(tickets, pd.DataFrame({"ticket_id": tickets["ticket_id"], "cluster_id": keys}))
    assert out.set_index("cluster_id")["tickets"].to_dict() == {"merged": 10, "B": 8}
    assert out.set_index("cluster_id").loc["merged", "bug_keys"] == ["APP-77"]


def test_cell_centroids_are_fitted_on_30_rows_a_cell_up_to_a_bounded_sample():
    assert len(centroid_rows(1_000, 20, seed=0)) == 600
    assert len(centroid_rows(500, 20, seed=0)) == 500  # fewer rows than 30 a cell: all of them
    assert len(centroid_rows(2_000_000, 4_000, seed=0)) == 120_000  # 30 a cell
    assert len(centroid_rows(10_000_000, 20_000, seed=0)) == CENTROID_SAMPLE == 256_000  # 12.8 a cell
    assert len(centroid_rows(50_000_000, 100_000, seed=0)) == 400_000  # never fewer than 4 a cell
    rows = centroid_rows(10_000_000, 20_000, seed=0)
    assert np.all(np.diff(rows) > 0) and rows[-1] < 10_000_000
    assert np.array_equal(rows, centroid_rows(10_000_000, 20_000, seed=0))


def test_centroid_groups_are_about_the_square_root_of_the_cells_never_empty_and_the_same_every_time():
    centroids = unit(np.random.default_rng(0).normal(size=(400, 16)))
    groups = centroid_groups(centroids, 8)
    assert len(groups.centres) <= 20 == int(np.ceil(np.sqrt(400))) and len(groups.centres) >= 15
    assert np.array_equal(np.unique(groups.group), np.arange(len(groups.centres)))  # every group has a member
    assert np.array_equal(np.concatenate(groups.members), np.argsort(groups.group, kind="stable"))
    assert all(np.all(groups.group[cells] == g) for g, cells in enumerate(groups.members))
    again = centroid_groups(centroids.copy(), 8)
    assert np.array_equal(again.centres, groups.centres) and np.array_equal(again.group, groups.group)


def test_cells_are_found_among_every_centroid_up_to_exact_cells_and_through_groups_above():
    assert cell_groups(np.eye(EXACT_CELLS, 8, dtype=np.float32)) is None
    groups = cell_groups(np.eye(EXACT_CELLS + 1, 8, dtype=np.float32))
    assert groups.probes == GROUP_PROBES == 8 and len(groups.centres) <= 65


def test_grouped_cells_are_the_exact_cells_when_every_group_is_probed_ties_to_the_lower_cell():
    rng = np.random.default_rng(1)
    centroids = unit(rng.normal(size=(300, 16)))
    centroids[7] = centroids[3]  # a tie: rows nearest these two take cell 3 first, then 7
    rows = unit(np.vstack([centroids[3] + 0.01 * rng.normal(size=(5, 16)), rng.normal(size=(995, 16))]))
    exact = nearest_cells(rows, centroids, 3)
    assert (exact[:5, :2] == [3, 7]).all()
    every = centroid_groups(centroids, 18)  # 18 groups, all probed
    assert len(every.centres) == 18
    np.testing.assert_array_equal(grouped_nearest_cells(rows, centroids, 3, every), exact)
    np.testing.assert_array_equal(nearest_cells(rows, centroids, 3, every), exact)


def test_grouped_cells_do_not_depend_on_how_rows_are_cut_and_stay_near_the_exact_cells():
    rng = np.random.default_rng(2)
    topics = unit(rng.normal(size=(600, 32)))
    rows = unit(topics[rng.integers(0, 600, 6_000)] + 0.05 * rng.normal(size=(6_000, 32)))
    centroids = rows[rng.choice(6_000, 500, replace=False)]
    groups = centroid_groups(centroids, 4)  # 23 groups, 4 probed
    grouped = nearest_cells(rows, centroids, 2, groups)
    cut = np.vstack([nearest_cells(part, centroids, 2, groups) for part in np.array_split(rows, 7)])
    np.testing.assert_array_equal(cut, grouped)
    exact = nearest_cells(rows, centroids, 2)
    assert cell_groups(centroids) is None and not np.array_equal(grouped, exact)  # 500 cells: exact
    # 0.861 on these random topics with 4 of 23 groups probed; 0.982 on generated tickets' LSA vectors with 8 of 71
    assert np.mean(grouped[:, 0] == exact[:, 0]) > 0.85
