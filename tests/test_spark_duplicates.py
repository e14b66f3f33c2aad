"""The Spark engine's duplicate clustering agrees with the pandas engine (toolkit.spark.duplicates)."""

import logging

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from sklearn.metrics import adjusted_rand_score

from toolkit.cli import cli
from toolkit.duplicates import DuplicateFinder
from toolkit.duplicates.summaries import CLUSTER_COLUMNS

SUBSET = 3_000  # the sample client's first tickets: keeps the test within about a minute on local[2]


@pytest.fixture(scope="module")
def subset(sample_client):
    tables, _truth = sample_client
    return tables["tickets"].head(SUBSET).reset_index(drop=True)


@pytest.fixture(scope="module")
def both(spark, subset):
    from toolkit.spark.duplicates import find_duplicates

    pandas_finder = DuplicateFinder(representation="tfidf", seed=0, progress=False).fit(subset)
    sdf = spark.createDataFrame(subset[["ticket_id", "created_at", "subject", "description", "requester_id",
                                        "organization_id", "agent_replies", "satisfaction"]])
    return pandas_finder, find_duplicates(sdf, representation="tfidf", seed=0)


def test_spark_clusters_agree_with_pandas_on_the_sample_client(both):
    pandas_finder, spark_finder = both
    assert spark_finder.assignments_["ticket_id"].tolist() == pandas_finder.assignments_["ticket_id"].tolist()
    ari = adjusted_rand_score(pandas_finder.labels_, spark_finder.labels_)
    assert ari >= 0.99, ari
    assert list(spark_finder.clusters_.columns) == CLUSTER_COLUMNS


def test_spark_grouping_gives_the_pandas_labels_of_the_pandas_graph(spark, both):
    from toolkit.spark.duplicates import _edge_frame, spark_labels

    pandas_finder, _ = both
    idx, sim = pandas_finder.graph_
    edges = spark.createDataFrame(_edge_frame(np.arange(len(idx)), idx, sim))
    grouping = pandas_finder.grouping_
    expected = grouping.fit(idx, sim).labels_
    assert np.array_equal(spark_labels(edges, len(idx), grouping), expected)
    assert expected.max() >= 40  # many clusters and many components: the sample's graph, not a toy


def test_connected_components_name_each_component_by_its_smallest_node(spark):
    from toolkit.spark.grouping import connected_components

    chain = [(i, i + 1) for i in range(10, 30)]  # 21 nodes in a line: many rounds of label passing
    links = spark.createDataFrame([*chain, (3, 7), (5, 7), (3, 5), (40, 41)], "lo long, hi long")
    found = connected_components(links).toPandas().set_index("node")["component"].sort_index()
    expected = {**{i: 10 for i in range(10, 31)}, 3: 3, 5: 3, 7: 3, 40: 40, 41: 40}
    assert found.to_dict() == dict(sorted(expected.items()))


BOUNDED_COLUMNS = ["ticket_id", "created_at", "subject", "description", "requester_id", "organization_id",
                   "agent_replies", "full_resolution_minutes", "reopens", "satisfaction", "problem_id", "parent_id",
                   "tags", "extra"]


@pytest.fixture(scope="module")
def bounded(spark, sample_client, subset):
    """The pandas finder and cluster_duplicates on the subset with its messages; the summaries split into groups
    of about 100 clustered tickets, so into many groups."""
    import json

    from toolkit.spark import summaries

    tables, _truth = sample_client
    tickets = subset[BOUNDED_COLUMNS]
    messages = tables["messages"][tables["messages"]["ticket_id"].isin(tickets["ticket_id"])]
    pandas_finder = DuplicateFinder(representation="tfidf", seed=0, progress=False).fit(tickets, messages=messages)
    as_spark = tickets.assign(extra=[json.dumps(e) for e in tickets["extra"]],
                              agent_replies=tickets["agent_replies"].astype("float64"),
                              reopens=tickets["reopens"].astype("float64"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(summaries, "SUMMARY_TICKETS", 100)
        found = summaries.cluster_duplicates(spark.createDataFrame(as_spark), representation="tfidf", seed=0,
                                             messages=messages)
    return pandas_finder, found


def test_clusters_with_per_cluster_rows_on_the_driver_are_the_pandas_clusters(bounded):
    pandas_finder, found = bounded
    assignments = found.assignments.orderBy("_row").toPandas()
    assert assignments["ticket_id"].tolist() == pandas_finder.assignments_["ticket_id"].tolist()
    assert assignments["cluster_id"].tolist() == pandas_finder.assignments_["cluster_id"].tolist()
    expected = pandas_finder.clusters_
    assert len(expected) >= 40 and expected["bug_keys"].map(len).sum() > 0 and expected["kind"].nunique() == 2
    # the summaries ran in groups of ~100 clustered tickets; the rows are the pandas rows in the pandas order
    pd.testing.assert_frame_equal(found.clusters_, expected, check_exact=False, rtol=1e-12)
    assert found.clusters_.attrs == expected.attrs


def test_assignments_are_written_in_ticket_order_a_part_at_a_time(bounded, tmp_path, monkeypatch):
    from toolkit.spark import summaries

    pandas_finder, found = bounded
    monkeypatch.setattr(summaries, "WRITE_ROWS", 700)  # 3,000 tickets: five parts
    written = pd.read_csv(found.write_assignments(tmp_path / "clusters.csv"), dtype={"ticket_id": "str"},
                          keep_default_na=False)
    names = pandas_finder.clusters_.set_index("cluster_id")["name"]
    expected = pandas_finder.assignments_.assign(
        cluster_name=pandas_finder.assignments_["cluster_id"].map(names).fillna(""))
    pd.testing.assert_frame_equal(written, expected, check_dtype=False)


def test_spark_evidence_totals_are_the_pandas_totals(spark, subset):
    from toolkit.duplicates.ranking import evidence_totals
    from toolkit.spark.summaries import evidence_totals as spark_totals

    tickets = subset[BOUNDED_COLUMNS].drop(columns=["tags", "extra"])
    as_spark = tickets.astype({"agent_replies": "float64", "reopens": "float64"})
    expected = evidence_totals(tickets)
    found = spark_totals(spark.createDataFrame(as_spark))
    assert found.replies_mean == pytest.approx(expected.replies_mean, rel=1e-12)
    assert found == type(expected)(**{**expected.__dict__, "replies_mean": found.replies_mean})
    assert expected.present == {"requester_id", "organization_id", "created_at", "agent_replies",
                                "full_resolution_minutes", "reopens", "satisfaction"}
    assert 0 < expected.rated_good < expected.rated and 0 < expected.reopened < expected.reopens_known


def test_spark_vectors_equal_the_pandas_vectors(both):
    pandas_finder, spark_finder = both
    np.testing.assert_allclose(spark_finder.vectors_, pandas_finder.vectors_, atol=1e-5)


def test_spark_engine_refuses_representations_it_does_not_compute(spark, subset):
    from toolkit.errors import ConfigError
    from toolkit.spark.duplicates import find_duplicates

    sdf = spark.createDataFrame(subset[["ticket_id", "subject", "description"]].head(10))
    with pytest.raises(ConfigError, match="tfidf, semantic, hybrid representations, not 'semantic-static'"):
        find_duplicates(sdf, representation="semantic-static")


def test_duplicates_command_on_spark_writes_the_pandas_clusters(spark, subset, tmp_path):
    """The command on both engines, with the hybrid representation (the sentence model on the executors)."""
    from toolkit.duplicates.representation import semantic_installed

    if not semantic_installed():
        pytest.skip("the semantic extra is not installed (make install installs it)")
    path = tmp_path / "tickets.csv"
    subset.head(200)[["ticket_id", "created_at", "status", "channel", "subject", "description"]].to_csv(path,
                                                                                                      index=False)
    outs = {}
    for engine in ("pandas", "spark"):
        out = tmp_path / engine / "clusters.csv"
        result = CliRunner().invoke(cli, ["duplicates", str(path), "--out", str(out), "--representation", "hybrid",
                                          "--threshold", "0.4", "--engine", engine])
        assert result.exit_code == 0, result.output
        outs[engine] = (pd.read_csv(out), pd.read_csv(out.with_name("clusters_summary.csv")))
    assert list(outs["spark"][0].columns) == ["ticket_id", "cluster_id", "cluster_name"]
    assert (outs["spark"][0]["cluster_id"] >= 0).sum() > 0
    pd.testing.assert_frame_equal(outs["spark"][0], outs["pandas"][0])
    pd.testing.assert_frame_equal(outs["spark"][1], outs["pandas"][1])


def test_previous_ids_are_followed_on_spark_as_with_pandas(spark, subset, tmp_path):
    """--previous on both engines: an earlier run whose clusters 0+1, 2+3, ... were one cluster each (ids 10, 13,
    ...): the larger of each pair keeps the earlier id, the other gets a new id above the earlier ones."""
    path = tmp_path / "tickets.csv"
    subset.head(1000)[["ticket_id", "created_at", "status", "channel", "subject", "description"]].to_csv(
        path, index=False)

    def run(out, *extra):
        result = CliRunner().invoke(cli, ["duplicates", str(path), "--out", str(out), "--representation", "tfidf",
                                          *map(str, extra)])
        assert result.exit_code == 0, result.output
        return pd.read_csv(out, dtype={"ticket_id": "str"})

    first = run(tmp_path / "first.csv")
    labels = first["cluster_id"]
    assert labels.max() >= 5
    first.assign(cluster_id=np.where(labels >= 0, labels // 2 * 3 + 10, -1)).to_csv(tmp_path / "earlier.csv",
                                                                                   index=False)
    top = int(labels.max()) // 2 * 3 + 10
    expected = labels.map(lambda c: -1 if c < 0 else c // 2 * 3 + 10 if c % 2 == 0 else top + 1 + c // 2)
    for engine, *extra in (("pandas",), ("spark",), ("spark", "--save-model", tmp_path / "model.joblib")):
        again = run(tmp_path / f"{engine}.csv", "--previous", tmp_path / "earlier.csv", "--engine", engine, *extra)
        assert again["cluster_id"].tolist() == expected.tolist(), (engine, extra)


def test_cell_search_gives_the_pandas_cell_search_graph_and_clusters_whatever_the_partitions(spark, subset,
                                                                                             monkeypatch):
    """Above the exact limit both engines search cells; forced here on 3,000 tickets in cells of ~50: 60 cells,
    the largest a crowd of 240 searched through a sample of 200 (``MAX_CELL_FACTOR`` x 50). Spark runs the
    pandas cell search's own steps, so its graph is the pandas graph bit for bit, and so are the clusters.
    The term model is fitted on a sample as above 20,000 tickets (forced to 1,000 of the 3,000): both engines
    fit it on the same rows. The tickets in one input partition and 5 shuffle partitions (not the tests' 2)
    give the same clusters: rows are cut into other blocks for every product and group."""
    from toolkit.duplicates.neighbours import NearestNeighbours
    from toolkit.duplicates.representation import TfidfRepresentation
    from toolkit.spark import duplicates
    from toolkit.spark.duplicates import find_duplicates

    tickets = subset[["ticket_id", "created_at", "subject", "description", "requester_id", "organization_id",
                      "agent_replies", "satisfaction"]]
    search = NearestNeighbours(k=15, exact_limit=0, cell_size=50, probes=2, seed=0, progress=False)
    sampled = TfidfRepresentation(fit_sample=1_000, seed=0, progress=False)
    pandas_finder = DuplicateFinder(representation=sampled, seed=0, progress=False, neighbours=search).fit(tickets)
    monkeypatch.setattr(duplicates, "FIT_SAMPLE", 1_000)
    sizes = np.diff(pandas_finder.neighbours_.bounds_)
    assert (len(sizes), sizes.max()) == (60, 240)
    cells = find_duplicates(spark.createDataFrame(tickets), representation="tfidf", seed=0, exact_limit=0,
                            cell_size=50, probes=2)
    np.testing.assert_array_equal(cells.graph_[0], pandas_finder.graph_[0])
    np.testing.assert_array_equal(cells.graph_[1], pandas_finder.graph_[1])
    assert not (cells.graph_[0] == np.arange(SUBSET)[:, None]).any()  # a ticket is never its own neighbour
    assert cells.labels_.tolist() == pandas_finder.labels_.tolist()
    pd.testing.assert_frame_equal(cells.clusters_, pandas_finder.clusters_)
    before = spark.conf.get("spark.sql.shuffle.partitions")
    assert before != "5"
    spark.conf.set("spark.sql.shuffle.partitions", "5")
    try:
        other = find_duplicates(spark.createDataFrame(tickets).coalesce(1), representation="tfidf", seed=0,
                                exact_limit=0, cell_size=50, probes=2)
    finally:
        spark.conf.set("spark.sql.shuffle.partitions", before)
    np.testing.assert_array_equal(other.graph_[1], pandas_finder.graph_[1])
    assert other.labels_.tolist() == pandas_finder.labels_.tolist()


def test_cells_found_through_groups_of_centroids_are_the_pandas_cells_on_spark(spark, subset, monkeypatch):
    """Above ``EXACT_CELLS`` a ticket meets only the centroids of its nearest groups of centroids; forced here (60
    cells of ~50 tickets, 8 groups, 3 probed): the Spark workers take the driver's settings and find the pandas
    graph bit for bit."""
    from toolkit.duplicates import neighbours
    from toolkit.duplicates.neighbours import NearestNeighbours
    from toolkit.duplicates.representation import TfidfRepresentation
    from toolkit.spark import duplicates
    from toolkit.spark.duplicates import find_duplicates

    monkeypatch.setattr(neighbours, "EXACT_CELLS", 10)
    monkeypatch.setattr(neighbours, "GROUP_PROBES", 3)
    monkeypatch.setattr(duplicates, "FIT_SAMPLE", 1_000)
    tickets = subset[["ticket_id", "created_at", "subject", "description"]]
    search = NearestNeighbours(k=15, exact_limit=0, cell_size=50, probes=2, seed=0, progress=False)
    sampled = TfidfRepresentation(fit_sample=1_000, seed=0, progress=False)
    pandas_finder = DuplicateFinder(representation=sampled, seed=0, progress=False, neighbours=search).fit(tickets)
    centroids, grouped_homes = pandas_finder.neighbours_.centroids_, pandas_finder.neighbours_.cells_[:, 0]
    assert (len(centroids), len(pandas_finder.neighbours_.groups_.centres)) == (60, 8)
    exact_homes = neighbours.nearest_cells(pandas_finder.vectors_, centroids, 2)[:, 0]
    assert 0 < (grouped_homes != exact_homes).sum() < SUBSET // 10  # some tickets placed in a near cell
    cells = find_duplicates(spark.createDataFrame(tickets), representation="tfidf", seed=0, exact_limit=0,
                            cell_size=50, probes=2)
    np.testing.assert_array_equal(cells.graph_[0], pandas_finder.graph_[0])
    np.testing.assert_array_equal(cells.graph_[1], pandas_finder.graph_[1])


def test_fit_graph_with_the_pandas_graph_gives_the_pandas_clusters(subset):
    tickets = subset.head(500)
    fitted = DuplicateFinder(representation="tfidf", seed=0, progress=False).fit(tickets)
    again = DuplicateFinder(representation="tfidf", seed=0, progress=False).fit_graph(
        tickets, fitted.texts_, fitted.vectors_, fitted.graph_, fitted.representation_)
    assert again.labels_.tolist() == fitted.labels_.tolist()
    pd.testing.assert_frame_equal(again.clusters_, fitted.clusters_)


def test_duplicates_command_on_spark_names_the_representation_it_cannot_compute(spark, subset, tmp_path):
    path = tmp_path / "tickets.csv"
    subset.head(20)[["ticket_id", "created_at", "status", "channel", "subject", "description"]].to_csv(path,
                                                                                                     index=False)
    result = CliRunner().invoke(cli, ["duplicates", str(path), "--out", str(tmp_path / "c.csv"), "--engine", "spark",
                                      "--representation", "tfidf-cosine"])
    assert result.exit_code != 0
    assert "representations, not 'tfidf-cosine'" in str(result.exception) + result.output


# ---------------------------------------------------------------- the sentence model on executors
SENTENCE_SUBSET = 400  # the sentence model embeds ~300 tickets a second on two cores: a few seconds per engine


@pytest.fixture(scope="module", params=["semantic", "hybrid"])
def sentence_pair(request, spark, subset):
    """(representation, pandas finder, Spark finder) on the first 400 tickets of the sample client (the same
    columns for both engines: the evidence reads them)."""
    from toolkit.duplicates.representation import semantic_installed
    from toolkit.spark.duplicates import find_duplicates

    if not semantic_installed():
        pytest.skip("the semantic extra is not installed (make install installs it)")
    tickets = subset.head(SENTENCE_SUBSET)[["ticket_id", "created_at", "subject", "description", "requester_id",
                                            "organization_id", "agent_replies", "satisfaction"]]
    pandas_finder = DuplicateFinder(representation=request.param, seed=0, progress=False).fit(tickets)
    spark_finder = find_duplicates(spark.createDataFrame(tickets), representation=request.param, seed=0)
    return request.param, pandas_finder, spark_finder


def test_spark_sentence_vectors_equal_the_pandas_vectors(sentence_pair):
    """int8 activations are scaled per batch of texts, so a text's vector depends on its batch mates; Spark embeds
    the distinct texts in the pandas engine's batches, so the vectors are the pandas vectors, bit for bit."""
    representation, pandas_finder, spark_finder = sentence_pair
    spark_vectors, pandas_vectors = spark_finder.vectors_, pandas_finder.vectors_
    assert spark_vectors.shape == pandas_vectors.shape == ((SENTENCE_SUBSET, 384) if representation == "semantic"
                                                           else spark_vectors.shape)
    if representation == "hybrid":  # sparse: the TF-IDF columns, then 384 sentence-model columns
        assert spark_vectors.shape[1] > 384
        spark_vectors, pandas_vectors = spark_vectors.toarray(), pandas_vectors.toarray()
    np.testing.assert_array_equal(spark_vectors, pandas_vectors)


def test_spark_sentence_graph_and_clusters_are_the_pandas_ones(sentence_pair):
    representation, pandas_finder, spark_finder = sentence_pair
    np.testing.assert_array_equal(spark_finder.graph_[0], pandas_finder.graph_[0])
    np.testing.assert_array_equal(spark_finder.graph_[1], pandas_finder.graph_[1])
    assert spark_finder.labels_.tolist() == pandas_finder.labels_.tolist()
    assert adjusted_rand_score(pandas_finder.labels_, spark_finder.labels_) == 1.0
    # a looser threshold (more, larger clusters) from the same graph: still the same grouping
    assert spark_finder.group(threshold=0.4).tolist() == pandas_finder.group(threshold=0.4).tolist()
    pd.testing.assert_frame_equal(spark_finder.clusters_, pandas_finder.clusters_)


def test_sentence_model_is_loaded_once_per_python_worker(spark):
    """Eight partitions on two Python workers: each worker's tasks share one model object."""
    from toolkit.duplicates.representation import SentenceEmbeddingRepresentation, semantic_installed
    from toolkit.spark.duplicates import sentence_model

    if not semantic_installed():
        pytest.skip("the semantic extra is not installed (make install installs it)")
    settings = SentenceEmbeddingRepresentation(progress=False)

    def models(parts):
        import os

        for pdf in parts:
            model = sentence_model(settings, None)
            yield pd.DataFrame({"pid": [os.getpid()] * len(pdf), "model": [id(model)] * len(pdf)})

    seen = spark.range(64).repartition(8).mapInPandas(models, "pid long, model long").toPandas()
    assert seen.groupby("pid")["model"].nunique().eq(1).all()
    assert sentence_model(settings, None) is sentence_model(SentenceEmbeddingRepresentation(), None)
    assert sentence_model(settings, None) is not sentence_model(SentenceEmbeddingRepresentation(batch_size=16), None)


def test_hybrid_rows_travel_as_values_and_columns_and_come_back_bit_for_bit():
    import scipy.sparse as sp

    from toolkit.spark.duplicates import vector_columns, vector_matrix

    rows = sp.csr_matrix(np.array([[0.6, 0, 0, 0.8], [0, 0, 0, 0], [0, 0.5, 0.5, 0.70710677]], dtype=np.float32))
    travelled = pd.DataFrame(vector_columns(rows, width=4))
    assert [v.tolist() for v in travelled["columns"]] == [[0, 3], [], [1, 2, 3]]
    back = vector_matrix(travelled, width=4)
    assert back.dtype == np.float32 and back.shape == (3, 4)
    np.testing.assert_array_equal(back.toarray(), rows.toarray())
    dense = pd.DataFrame(vector_columns(rows.toarray(), width=None))
    np.testing.assert_array_equal(vector_matrix(dense, width=None), rows.toarray())


def test_spark_cell_search_of_sentence_vectors_is_the_pandas_one(spark, sentence_pair):
    """The cell search on semantic (dense) and hybrid (sparse, cells made in the sentence-model block) rows:
    400 tickets in cells of ~40, probing 3, the same graph as the pandas search on the same vectors."""
    from toolkit.duplicates.neighbours import NearestNeighbours
    from toolkit.spark.duplicates import neighbour_graph, vector_columns

    representation, pandas_finder, _ = sentence_pair
    vectors = pandas_finder.vectors_
    width = vectors.shape[1] if representation == "hybrid" else None
    frame = spark.createDataFrame(pd.DataFrame({"_row": np.arange(SENTENCE_SUBSET), **vector_columns(vectors, width)}))
    graph = neighbour_graph(frame, SENTENCE_SUBSET, k=15, cell_size=40, probes=3, seed=0, exact_limit=0, width=width)
    expected = NearestNeighbours(k=15, exact_limit=0, cell_size=40, probes=3, seed=0).fit(vectors).kneighbors()
    np.testing.assert_array_equal(graph[0], expected[0])
    np.testing.assert_array_equal(graph[1], expected[1])


def test_hybrid_dense_block_is_found_from_column_counts_over_all_rows(spark):
    import scipy.sparse as sp

    from toolkit.spark.duplicates import column_counts, vector_columns

    rows = sp.csr_matrix(np.array([[0.6, 0, 0, 0.8], [0, 0, 0, 0], [0, 0.5, 0.5, 0.70710677]], dtype=np.float32))
    frame = spark.createDataFrame(pd.DataFrame(vector_columns(rows, width=4))).repartition(2)
    assert column_counts(frame, 4).tolist() == [1, 1, 1, 2]


def test_rows_are_fetched_by_number_in_row_order(spark):
    from toolkit.spark.duplicates import rows_by_number, vector_columns, vector_matrix

    vectors = np.arange(12, dtype=np.float32).reshape(6, 2)
    frame = spark.createDataFrame(pd.DataFrame({"_row": np.arange(6), **vector_columns(vectors, None)}))
    got = rows_by_number(frame.repartition(3), np.array([1, 4, 5]))
    assert got["_row"].tolist() == [1, 4, 5]
    np.testing.assert_array_equal(vector_matrix(got, None), vectors[[1, 4, 5]])


def test_tickets_that_form_no_cluster_give_the_pandas_empty_table_and_notes(spark, tmp_path):
    from toolkit.spark.summaries import cluster_duplicates

    tickets = pd.DataFrame({"ticket_id": [str(i) for i in range(6)],
                            "subject": ["invoice copy", "password reset", "export to csv", "dark mode",
                                        "refund status", "api rate limit"]})
    expected = DuplicateFinder(representation="tfidf", seed=0, progress=False).fit(tickets)
    # three partitions in the tickets' order, none citing a bug key
    rows = spark.sparkContext.parallelize([tuple(r) for r in tickets.itertuples(index=False)], 3)
    found = cluster_duplicates(spark.createDataFrame(rows, "ticket_id string, subject string"),
                               representation="tfidf", seed=0)
    assert expected.clusters_.empty and found.clusters_.empty
    assert list(found.clusters_.columns) == list(expected.clusters_.columns)
    assert found.clusters_.attrs["notes"] == expected.clusters_.attrs["notes"]
    assert "trend and growth not computed: the tickets have no created_at" in found.clusters_.attrs["notes"]
    written = pd.read_csv(found.write_assignments(tmp_path / "c.csv"), keep_default_na=False)
    assert written.to_dict("list") == {"ticket_id": list(range(6)), "cluster_id": [-1] * 6, "cluster_name": [""] * 6}


def test_each_clustering_step_is_logged_as_it_ends(spark, caplog):
    from toolkit.spark.summaries import cluster_duplicates

    subjects = ["invoice pdf is blank", "blank invoice pdf", "the invoice pdf is blank again",
                "password reset link expired", "password reset link has expired", "expired password reset link"]
    tickets = spark.createDataFrame(pd.DataFrame({"ticket_id": [str(i) for i in range(6)], "subject": subjects}))
    with caplog.at_level(logging.INFO, logger="toolkit.spark"):
        cluster_duplicates(tickets, representation="tfidf", seed=0)
    steps = [m.removeprefix("clustering 6 tickets on Spark: ").split(" took ")[0]
             for m in caplog.messages if m.startswith("clustering")]
    assert steps == ["fit", "vectorise", "neighbours", "components", "keys", "fragments", "summaries"]
    grouping = [m.split(" took ")[0].split(" in ")[0] for m in caplog.messages if not m.startswith("clustering")]
    assert grouping == ["grouping: links found", "connected components: round 1", "grouping: communities found"]


def test_rows_are_numbered_in_their_order_across_partitions_in_the_jvm(spark):
    from pyspark import StorageLevel

    from toolkit.spark.duplicates import number_rows

    # 7 rows in 9 partitions: some partitions are empty, the numbers still run 0..6 in the rows' order
    frame = spark.createDataFrame(spark.sparkContext.parallelize([(c,) for c in "abcdefg"], 9), "letter string")
    numbered, n = number_rows(frame, "_place")
    assert n == 7
    assert numbered.orderBy("_place").toPandas().to_dict("list") == {"letter": list("abcdefg"),
                                                                    "_place": list(range(7))}
    assert frame.storageLevel == StorageLevel.NONE  # persisted only while numbered
    cached = frame.cache()
    number_rows(cached)
    assert cached.storageLevel != StorageLevel.NONE  # a table the caller cached stays cached
    cached.unpersist()
    empty, none = number_rows(frame.limit(0))
    assert none == 0 and empty.count() == 0 and empty.columns == ["letter", "_row"]
