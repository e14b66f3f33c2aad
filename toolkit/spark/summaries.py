"""Duplicate clusters on Spark with only per-cluster rows on the driver: the pandas clusters, names and evidence.

:func:`cluster_duplicates` runs every step after the neighbour search where the tickets are, and brings back to
the driver what a cluster table needs, never a row per ticket:

1. **Labels**: the grouping per connected component (:func:`toolkit.spark.grouping.cluster_labels`), then one row
   per cluster (size, first ticket).
2. **Bug keys** per ticket on the executors with the pandas function
   (:func:`~toolkit.duplicates.bug_keys.ticket_bug_keys`), given what it otherwise reads from all tickets: the
   projects written in capitals anywhere (a small set), and the ``#`` references to the helpdesk's own ticket
   numbers, dropped by a join. Keys quoted in ``messages`` (a pandas table the caller holds) join by ticket id.
3. **Fragments**: per cluster its leading key (counts per cluster and key), and for the clusters with one their
   onset and unit centroid (one group per cluster, the pandas functions on its tickets in row order); the driver
   decides the merges with :func:`~toolkit.duplicates.grouping.fragment_anchors` and numbers the clusters by size.
4. **Summaries**: the whole set's figures (:class:`~toolkit.duplicates.ranking.EvidenceTotals`) as Spark
   aggregates; the term model fitted on the driver on the texts the pandas engine draws
   (:func:`~toolkit.duplicates.labelling.background_rows`, at most 20,000); then groups of clusters run
   :func:`~toolkit.duplicates.summaries.summarise_clusters` on their tickets, and their rows are sorted by impact.

So the driver holds the fitting samples (the term models' 20,000 texts, 30 vectors per cell up to 256,000), the
(cluster, key) counts, the keyed clusters' centroids and the cluster table. The assignments stay a Spark table
(:attr:`SparkClusters.assignments`) that :meth:`SparkClusters.write_assignments` streams to a CSV in ticket order.

Where the numbers can differ from the pandas engine's: the mean agent replies over all tickets (the effort
factor of ``impact``) is Spark's sum in another order, about 1e-16 apart; everything else is the pandas arithmetic
on the same values in the same order.
"""

from __future__ import annotations

import json
import pickle
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from toolkit.duplicates.bug_keys import (
    check_projects,
    cited_projects,
    message_bug_keys,
    ticket_bug_keys,
    written_projects,
)
from toolkit.duplicates.grouping import fragment_anchors, leading_keys, onsets, unit_centroids
from toolkit.duplicates.labelling import TermWeights, background_rows
from toolkit.duplicates.model import KEPT_COLUMNS, followed_ids, previous_assignments
from toolkit.duplicates.ranking import BASELINE_DAYS, EVIDENCE_COLUMNS, GOOD_RATINGS, RECENT_DAYS, EvidenceTotals
from toolkit.duplicates.summaries import CLUSTER_COLUMNS, KEY_MIN_SHARE, summarise_clusters
from toolkit.files import write_csv_parts
from toolkit.schema import DATETIME_DTYPE
from toolkit.spark.duplicates import (
    EXACT_LIMIT,
    rows_by_number,
    searched_tickets,
    vector_matrix,
    vector_names,
)
from toolkit.spark.grouping import cluster_labels, size_order

ONSET_DAYS = 28  # fragments' onsets at most this far apart (merge_fragments' default)
SUMMARY_TICKETS = 50_000
"""Clustered tickets per summary group, about: clusters are dealt to groups by number (a cluster is never split)."""
WRITE_ROWS = 500_000
"""Assignments fetched to the driver at a time while writing them."""
KEY_COLUMNS = ("ticket_id", "subject", "description", "tags", "extra")


@dataclass
class SparkClusters:
    """The clusters of :func:`cluster_duplicates`: the table as the pandas engine's ``clusters_`` and the
    assignments as a Spark table (``_row``, ``ticket_id``, ``cluster_id``; -1 = unclustered)."""

    clusters_: pd.DataFrame
    assignments: object
    n_tickets: int
    timings_: dict = field(default_factory=dict)

    def write_assignments(self, path, names: bool = True) -> Path:
        """The per-ticket CSV the ``duplicates`` command writes (ticket_id, cluster_id, cluster_name), in ticket
        order, fetched :data:`WRITE_ROWS` at a time: the driver never holds all of it."""
        from pyspark.sql import functions as F

        lookup = self.clusters_.set_index("cluster_id")["name"] if names else None

        def parts():
            for low in range(0, max(self.n_tickets, 1), WRITE_ROWS):
                part = (self.assignments.filter((F.col("_row") >= low) & (F.col("_row") < low + WRITE_ROWS))
                        .orderBy("_row").toPandas())
                rows = part[["ticket_id", "cluster_id"]].astype({"cluster_id": "int64"})
                if lookup is not None:
                    rows["cluster_name"] = rows["cluster_id"].map(lookup).astype(object).fillna("")
                yield rows

        return write_csv_parts(parts(), path)


def cluster_duplicates(tickets, *, representation: str = "auto", threshold: float | None = None,
                       min_cluster_size: int = 3, k: int = 15, cell_size: int = 500, probes: int = 2, seed: int = 0,
                       messages: pd.DataFrame | None = None, exact_limit: int = EXACT_LIMIT,
                       bug_key_projects=None, previous=None) -> SparkClusters:
    """Cluster a Spark DataFrame of canonical tickets as the pandas engine does, with per-cluster rows only on the
    driver (the module docstring says what it holds). Parameters as
    :func:`toolkit.spark.duplicates.find_duplicates`; ``previous`` (an earlier clustering: a Spark table with
    ``ticket_id`` and ``cluster_id``, or what :meth:`DuplicateFinder.fit` takes) keeps cluster ids where clusters
    overlap (:func:`followed_numbers`). ``timings_`` adds ``components``, ``keys``, ``fragments`` and ``summaries``
    after its ``fit``, ``vectorise`` and ``neighbours``."""
    from pyspark.sql import functions as F

    check_projects(bug_key_projects)
    started = time.perf_counter()
    timings: dict = {}
    with searched_tickets(tickets, representation=representation, threshold=threshold,
                          min_cluster_size=min_cluster_size, seed=seed, k=k, cell_size=cell_size, probes=probes,
                          exact_limit=exact_limit, timings=timings) as found:
        grouping = found.grouping  # the default GraphGrouping: the finder is made without another
        labelled = cluster_labels(found.edges, threshold=grouping.threshold,
                                  min_neighbours=int(grouping.min_neighbours), resolution=grouping.resolution,
                                  min_cluster_size=int(grouping.min_cluster_size), merge_share=grouping.merge_share,
                                  seed=grouping.seed).localCheckpoint()
        found.lap("components")
        keys = ticket_keys(found.numbered, messages, bug_key_projects).localCheckpoint()
        found.lap("keys")
        rows = per_ticket(found.numbered, found.vectors, keys, labelled, found.width).cache()
        try:
            totals = evidence_totals(found.numbered)
            numbers = final_numbers(rows, found.width, min_similarity=found.finder.threshold_,
                                    dated="created_at" in totals.present)
            if previous is not None:
                numbers = followed_numbers(rows, numbers, previous)
            final = relabelled(rows, numbers).cache()
            found.lap("fragments")
            term_weights = fit_term_weights(found.vectors, found.n, seed)
            table = cluster_table(final, term_weights, totals, found.width, seed)
            assignments = (found.numbered.select("_row", "ticket_id")
                           .join(final.select("_row", F.col("label").alias("cluster_id")), "_row", "left")
                           .fillna(-1, subset=["cluster_id"])).localCheckpoint()
            found.lap("summaries")
        finally:
            rows.unpersist()
    timings["total_seconds"] = time.perf_counter() - started
    return SparkClusters(clusters_=table, assignments=assignments, n_tickets=found.n, timings_=timings)


def ticket_keys(numbered, messages: pd.DataFrame | None, projects):
    """``_row`` and ``keys`` (sorted list) of every ticket citing a bug key: the pandas
    :func:`~toolkit.duplicates.bug_keys.ticket_bug_keys` per partition, with the capitalised projects of all
    tickets, keys from ``messages`` joined by ticket id, and ``#`` references to own ticket numbers dropped."""
    from pyspark.sql import functions as F

    cols = [c for c in KEY_COLUMNS if c in numbered.columns]
    source = numbered.select("_row", *cols)

    def written(parts):
        for pdf in parts:
            yield pd.DataFrame({"project": sorted(written_projects(_with_extra(pdf)))}, dtype=object)

    known = set() if projects is not None else set(
        source.mapInPandas(written, "project string").distinct().toPandas()["project"])

    def found(parts):
        for pdf in parts:
            keys = ticket_bug_keys(_with_extra(pdf), None, projects, known=known, own_ids=())
            pairs = pd.DataFrame({"_row": pdf["_row"].to_numpy(), "key": keys.to_numpy()}).explode("key").dropna()
            yield pairs.astype({"_row": "int64", "key": "object"})  # a part citing nothing: still text keys

    pairs = source.mapInPandas(found, "_row long, key string")
    if messages is not None and len(messages) and {"ticket_id", "body"} <= set(messages.columns):
        def cited(parts):
            for pdf in parts:
                yield pd.DataFrame({"project": sorted(cited_projects(_with_extra(pdf), projects, known))},
                                   dtype=object)

        quoted = message_bug_keys(messages, projects,
                                  known=set(source.mapInPandas(cited, "project string").distinct()
                                            .toPandas()["project"]))
        frame = quoted.explode().dropna().rename("key").reset_index()
        if len(frame):
            by_id = numbered.sparkSession.createDataFrame(frame[["ticket_id", "key"]].astype("str"))
            pairs = pairs.unionByName(by_id.join(numbered.select("_row", "ticket_id"), "ticket_id").select("_row",
                                                                                                          "key"))
    own = numbered.select(F.concat(F.lit("#"), F.col("ticket_id").cast("string")).alias("key"))
    kept = pairs.join(own, "key", "left_anti").distinct()
    return kept.groupBy("_row").agg(F.array_sort(F.collect_list("key")).alias("keys"))


def _with_extra(pdf: pd.DataFrame) -> pd.DataFrame:
    """Spark keeps custom fields (``extra``) as JSON text; the pandas functions read them as a dict."""
    if "extra" in pdf.columns:
        pdf = pdf.assign(extra=[json.loads(e) if isinstance(e, str) and e.startswith("{") else None
                                for e in pdf["extra"]])
    return pdf


def per_ticket(numbered, vectors, keys, labelled, width: int | None):
    """Every ticket with its evidence columns, cleaned text, vector, bug keys and label (-1 = unclustered)."""
    from pyspark.sql import functions as F

    cols = [c for c in KEPT_COLUMNS if c in numbered.columns]
    return (numbered.select("_row", *cols)
            .join(vectors.select("_row", "text", *vector_names(width)), "_row")
            .join(keys, "_row", "left").join(labelled, "_row", "left")
            .withColumn("keys", F.coalesce("keys", F.array().cast("array<string>")))
            .fillna(-1, subset=["label"]))


def final_numbers(rows, width: int | None, *, min_similarity: float, dated: bool) -> pd.DataFrame:
    """Per cluster of the grouping (``label``), its final number (``final``) after fragments of one problem are
    merged (:func:`~toolkit.duplicates.grouping.merge_fragments`) and clusters numbered by size."""
    from pyspark.sql import functions as F

    clustered = rows.filter(F.col("label") >= 0)
    sizes = clustered.groupBy("label").agg(F.count("*").alias("size"), F.min("_row").alias("first")).toPandas()
    if sizes.empty:
        return pd.DataFrame({"label": pd.Series(dtype="int64"), "final": pd.Series(dtype="int64")})
    counts = (clustered.select("label", F.explode("keys").alias("key")).filter(F.col("key").contains("-"))
              .groupBy("label", "key").agg(F.count("*").alias("n")).toPandas())
    mapping = {}
    if len(counts):
        leading = leading_keys(counts.rename(columns={"label": "cluster"}),
                               sizes.set_index("label")["size"], KEY_MIN_SHARE)
        onset, centroids = keyed_clusters(clustered, leading["cluster"].tolist(), width, dated)
        leading["onset"] = leading["cluster"].map(onset) if dated else pd.NaT
        mapping = fragment_anchors(leading, centroids, min_similarity, ONSET_DAYS)
    sizes["merged"] = [mapping.get(int(c), int(c)) for c in sizes["label"]]
    merged = sizes.groupby("merged").agg(size=("size", "sum"), first=("first", "min")).reset_index()
    numbered = size_order(merged).set_index("merged")["label"]
    return pd.DataFrame({"label": sizes["label"].astype("int64"),
                         "final": sizes["merged"].map(numbered).astype("int64")})


def keyed_clusters(clustered, labels: list[int], width: int | None, dated: bool) -> tuple[pd.Series, dict]:
    """Onset (time a tenth of its tickets had arrived) and unit centroid of each cluster in ``labels``, each
    computed by one group from its tickets in row order, with the pandas functions."""
    from pyspark.sql import functions as F

    if not labels:
        return pd.Series(dtype="datetime64[ns, UTC]"), {}
    names = vector_names(width)
    wanted = clustered.sparkSession.createDataFrame(pd.DataFrame({"label": np.asarray(labels, dtype=np.int64)}))
    cols = ["label", "_row", *(["created_at"] if dated else []), *names]
    picked = clustered.select(*cols).join(F.broadcast(wanted), "label")

    def describe(pdf: pd.DataFrame) -> pd.DataFrame:
        pdf = pdf.sort_values("_row")
        one = np.zeros(len(pdf), dtype=np.int64)
        onset = onsets(pd.to_datetime(pdf["created_at"], utc=True), one).get(0) if dated else None
        centroid = unit_centroids(one, vector_matrix(pdf, width))[0]
        at = np.flatnonzero(centroid)
        return pd.DataFrame({"label": [int(pdf["label"].iat[0])],
                             "onset": [None if onset is None or pd.isna(onset) else int(onset.value)],
                             "at": [at.astype(np.int64)], "value": [centroid[at]], "width": [len(centroid)]})

    found = picked.groupBy("label").applyInPandas(
        describe, "label long, onset long, at array<long>, value array<double>, width long").toPandas()
    onset = pd.Series(pd.to_datetime(found["onset"], utc=True).to_numpy(), index=found["label"].to_numpy())
    centroids = {}
    for row in found.itertuples(index=False):
        dense = np.zeros(int(row.width), dtype=np.float64)
        dense[np.asarray(row.at, dtype=np.int64)] = np.asarray(row.value, dtype=np.float64)
        centroids[int(row.label)] = dense
    return onset, centroids


def followed_numbers(rows, numbers: pd.DataFrame, previous) -> pd.DataFrame:
    """``numbers`` with each final cluster number replaced by the id it follows in ``previous``
    (:func:`~toolkit.duplicates.model.followed_ids`, as the pandas engine numbers them): the tickets each new and
    old cluster share are counted by Spark, one row per pair of clusters."""
    from pyspark.sql import functions as F

    if numbers.empty:
        return numbers
    spark = rows.sparkSession
    if isinstance(previous, pd.DataFrame | pd.Series) or hasattr(previous, "assignments_"):
        ids = previous_assignments(previous)
        previous = spark.createDataFrame(pd.DataFrame({"ticket_id": ids.index.astype("str"),
                                                       "cluster_id": ids.to_numpy().astype("int64")}))
    old = previous.select(F.col("ticket_id").cast("string"), F.col("cluster_id").cast("long").alias("old"))
    previous_max = old.agg(F.max("old")).first()[0]
    counts = (rows.filter(F.col("label") >= 0).select("ticket_id", "label")
              .join(F.broadcast(spark.createDataFrame(numbers)), "label")
              .join(old.filter(F.col("old") >= 0), "ticket_id")
              .groupBy(F.col("final").alias("new"), "old").agg(F.count("*").alias("n")).toPandas())
    mapping = followed_ids(counts, sorted(numbers["final"].unique()),
                           -1 if previous_max is None else int(previous_max))
    return numbers.assign(final=numbers["final"].map(mapping).astype("int64"))


def relabelled(rows, numbers: pd.DataFrame):
    """``rows`` with ``label`` replaced by its final cluster number (-1 stays -1)."""
    from pyspark.sql import functions as F

    spark = rows.sparkSession
    if numbers.empty:
        return rows
    table = spark.createDataFrame(numbers)
    return (rows.join(F.broadcast(table), "label", "left")
            .withColumn("label", F.coalesce("final", F.lit(-1).cast("long"))).drop("final"))


def evidence_totals(numbered) -> EvidenceTotals:
    """:func:`toolkit.duplicates.ranking.evidence_totals` of a Spark table, as Spark aggregates."""
    from pyspark.sql import functions as F

    columns = [c for c in EVIDENCE_COLUMNS if c in numbered.columns]
    filled = numbered.agg(*[F.count(c).alias(c) for c in columns]).first() if columns else {}
    present = frozenset(c for c in columns if filled[c])
    figures: dict = {}
    if "created_at" in present:
        # times as microseconds since 1970 (UTC): a Python datetime from Spark would be in the machine's zone
        micros = F.unix_micros(F.col("created_at"))
        span = numbered.agg(F.min(micros).alias("first"), F.max(micros).alias("last")).first()
        end = int(span["last"])
        recent_start = end - RECENT_DAYS * 86_400_000_000
        baseline_start = recent_start - BASELINE_DAYS * 86_400_000_000
        windows = numbered.agg(
            F.sum(((micros > recent_start) & (micros <= end)).cast("long")).alias("recent"),
            F.sum(((micros > baseline_start) & (micros <= recent_start)).cast("long")).alias("baseline")).first()
        figures.update(first_created=pd.Timestamp(int(span["first"]), unit="us", tz="UTC"),
                       last_created=pd.Timestamp(end, unit="us", tz="UTC"),
                       as_of=pd.Timestamp(end, unit="us", tz="UTC"), recent=int(windows["recent"] or 0),
                       baseline=int(windows["baseline"] or 0))
    aggregates = []
    if "agent_replies" in present:
        aggregates.append(F.avg(F.col("agent_replies").cast("double")).alias("replies_mean"))
    if "reopens" in present:
        aggregates += [F.sum((F.col("reopens") > 0).cast("long")).alias("reopened"),
                       F.count("reopens").alias("reopens_known")]
    if "satisfaction" in present:
        rating = F.lower(F.col("satisfaction").cast("string"))
        aggregates += [F.sum(rating.isin(*GOOD_RATINGS).cast("long")).alias("rated_good"),
                       F.count("satisfaction").alias("rated")]
    if aggregates:
        got = numbered.agg(*aggregates).first().asDict()
        figures.update({name: (float(v) if name == "replies_mean" else int(v or 0)) for name, v in got.items()})
    return EvidenceTotals(present=present, **figures)


def fit_term_weights(vectors, n: int, seed: int) -> TermWeights:
    """The naming term model, fitted on the driver on the cleaned texts the pandas engine fits it on."""
    model = TermWeights(seed=seed)
    rows = background_rows(n, model.max_background, seed)
    picked = rows_by_number(vectors.select("_row", "text"), np.arange(n) if rows is None else rows)
    return model.fit_background(picked["text"].astype("str"))


def cluster_table(rows, term_weights: TermWeights, totals: EvidenceTotals, width: int | None,
                  seed: int) -> pd.DataFrame:
    """The cluster table (:data:`~toolkit.duplicates.summaries.CLUSTER_COLUMNS`, by impact): groups of clusters
    summarised on the executors with the whole set's ``totals``, their rows sorted on the driver."""
    from pyspark.sql import functions as F

    clustered = rows.filter(F.col("label") >= 0)
    n_clustered = clustered.count()
    groups = max(1, -(-n_clustered // SUMMARY_TICKETS))
    shared = rows.sparkSession.sparkContext.broadcast((term_weights, totals))
    ticket_columns = [c for c in KEPT_COLUMNS if c in rows.columns]

    def summarise(pdf: pd.DataFrame) -> pd.DataFrame:
        weights, whole = shared.value
        pdf = pdf.sort_values("_row", ignore_index=True)
        frame = pdf[ticket_columns].copy()
        if "created_at" in frame.columns:
            frame["created_at"] = pd.to_datetime(frame["created_at"], utc=True).astype(DATETIME_DTYPE)  # as loaded
        keys = pd.Series([sorted(k) for k in pdf["keys"]], dtype=object)
        table, _ = summarise_clusters(frame, pdf["text"].astype("str"), vector_matrix(pdf, width), keys,
                                      pdf["label"].to_numpy(), weights, seed=seed, totals=whole,
                                      rows=pdf["_row"].to_numpy())
        return pd.DataFrame({"table": [pickle.dumps((table, dict(table.attrs)))]})

    names = ["_row", *ticket_columns, "text", *vector_names(width), "keys", "label"]
    parts = (clustered.select(*names).withColumn("_group", F.col("label") % groups)
             .groupBy("_group").applyInPandas(summarise, "table binary").toPandas())
    if parts.empty:
        table, _ = summarise_clusters(pd.DataFrame(columns=ticket_columns), pd.Series(dtype="str"),
                                      np.zeros((0, 1)), pd.Series(dtype=object), np.zeros(0, dtype=np.int64),
                                      term_weights, seed=seed, totals=totals)
        return table
    tables, attrs = zip(*(pickle.loads(blob) for blob in parts["table"]), strict=True)
    table = pd.concat(tables, ignore_index=True)
    table = table.sort_values(["impact", "tickets", "cluster_id"], ascending=[False, False, True], kind="stable")
    table = table.reset_index(drop=True)[CLUSTER_COLUMNS]
    table.attrs.update(attrs[0])
    return table
