"""Duplicate clustering on Spark: vectors and neighbour search in parallel, the pandas grouping on the driver.

The scheme, and why it gives the pandas engine's clusters:

1. **Term model on a bounded sample.** The TF-IDF/LSA representation of the pandas path
   (:class:`~toolkit.duplicates.representation.TfidfRepresentation`, the same object) is fitted on the
   driver on at most :data:`FIT_SAMPLE` cleaned texts (a seeded Spark sample). It learns its vocabulary,
   IDF and SVD on at most 20,000 texts anyway, so up to that size the fit is the pandas fit.
2. **Vectors with mapInPandas.** The fitted cleaner and representation are broadcast; each partition
   cleans and vectorises its tickets on an executor.
3. **Cells and k-NN within cells.** Up to :data:`EXACT_LIMIT` tickets (the pandas exact limit) there is one
   cell: the search is exact, as in pandas. Above, k-means centroids (one per ~``cell_size`` tickets) are
   fitted on a sample of at most :data:`CENTROID_SAMPLE` vectors on the driver; each ticket lives in its
   nearest cell and is searched in its ``probes`` nearest cells (the inverted-file scheme of
   :class:`~toolkit.duplicates.neighbours.NearestNeighbours`). Within a cell the pandas search is run exactly
   (rescored and rounded to 1e-6, ties by row), and the best ``k`` over the probed cells are kept.
4. **Edges to the driver, pandas grouping there.** Only the edge list comes back (at most ``k`` per ticket);
   :meth:`DuplicateFinder.fit_graph` groups it with the pandas :class:`GraphGrouping` (same thresholds,
   Leiden, guards), merges fragments, names, ranks and gathers evidence with the same per-cluster functions,
   so the output has exactly the pandas engine's columns.

What the driver holds: the fitting samples, the edge list, and per ticket its evidence columns, cleaned text
and vector (128 floats), which naming, ranking and evidence read. That is O(n) like the pandas engine's
output, without the vectorising and neighbour search that dominate the pandas engine's time.
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

from toolkit.duplicates.cleaning import TicketCleaner
from toolkit.duplicates.model import KEPT_COLUMNS, DuplicateFinder
from toolkit.duplicates.neighbours import NearestNeighbours
from toolkit.duplicates.representation import TfidfRepresentation, make_representation
from toolkit.errors import ConfigError, DataError

FIT_SAMPLE = 20_000
"""Most texts the term model is fitted on (the representation's own ``fit_sample``)."""
CENTROID_SAMPLE = 100_000
"""Most vectors the cell centroids are fitted on."""
EXACT_LIMIT = 5_000
"""Up to this many tickets the neighbour search is one exact cell, as in the pandas engine."""
SPARK_REPRESENTATIONS = ("tfidf",)
"""Representations the Spark engine computes (dense vectors that travel as arrays)."""
TEXT_COLUMNS = ("subject", "description")
DRIVER_COLUMNS = (*KEPT_COLUMNS, "description", "tags", "extra")


def find_duplicates(tickets, *, representation: str = "tfidf", threshold: float | None = None,
                    min_cluster_size: int = 3, k: int = 15, cell_size: int = 500, probes: int = 2, seed: int = 0,
                    messages: pd.DataFrame | None = None, exact_limit: int = EXACT_LIMIT) -> DuplicateFinder:
    """Cluster a Spark DataFrame of canonical tickets; a fitted :class:`DuplicateFinder` as the pandas engine's.

    Parameters as :class:`DuplicateFinder`; ``cell_size`` and ``probes`` as
    :class:`~toolkit.duplicates.neighbours.NearestNeighbours`; up to ``exact_limit`` tickets the search is one
    exact cell. ``messages`` (canonical, pandas) adds bug keys
    quoted in conversations. ``timings_`` holds the seconds of each step: ``fit`` (sample and term model),
    ``vectorise``, ``neighbours`` (cells and search, edges collected), ``collect`` (evidence columns, texts and
    vectors to the driver), then the driver's ``grouping`` (which includes ``labelling``) and ``total``.
    """
    if representation == "auto":
        representation = "tfidf"
    if representation not in SPARK_REPRESENTATIONS:
        raise ConfigError(f"the Spark engine clusters with the tfidf representation, not {representation!r}",
                          key="representation", fix="pass --representation tfidf (or auto), or use --engine pandas")
    missing = [c for c in ("ticket_id",) if c not in tickets.columns]
    if missing or not any(c in tickets.columns for c in TEXT_COLUMNS):
        raise DataError("the tickets have no ticket_id or no subject/description column", table="tickets",
                        column="ticket_id" if missing else "subject, description",
                        fix="pass canonical tickets (toolkit.spark.load.load_tickets)")
    started = time.perf_counter()
    timings = {}

    def lap(step: str) -> None:
        timings[f"{step}_seconds"] = time.perf_counter() - started - sum(timings.values())

    numbered = number_rows(tickets)
    cleaner = TicketCleaner()
    model = fit_terms(numbered, cleaner, make_representation(representation, seed=seed, progress=False), seed)
    lap("fit")
    vectors = ticket_vectors(numbered, cleaner, model).cache()
    try:
        n = vectors.count()
        lap("vectorise")
        graph = neighbour_graph(vectors, n, k=k, cell_size=cell_size, probes=probes, seed=seed,
                                exact_limit=exact_limit)
        lap("neighbours")
        frame, texts, matrix = driver_parts(numbered, vectors)
        lap("collect")
    finally:
        vectors.unpersist()
    finder = DuplicateFinder(representation=model, threshold=threshold, min_cluster_size=min_cluster_size, k=k,
                             seed=seed, progress=False, cleaner=cleaner)
    finder.fit_graph(frame, texts, matrix, graph, model, messages=messages)
    # grouping_seconds (Leiden, fragments, naming, ranking, evidence) includes labelling_seconds, as in fit
    finder.timings_ = {**timings, **finder.timings_, "total_seconds": time.perf_counter() - started}
    return finder


def number_rows(tickets):
    """The tickets with ``_row``: 0, 1, ... in their order (zipWithIndex: no single-partition window)."""
    from pyspark.sql import types as T

    schema = T.StructType([*tickets.schema.fields, T.StructField("_row", T.LongType(), False)])
    rows = tickets.rdd.zipWithIndex().map(lambda pair: (*pair[0], pair[1]))
    return tickets.sparkSession.createDataFrame(rows, schema)


def _text_frame(pdf: pd.DataFrame) -> pd.DataFrame:
    return pdf[[c for c in TEXT_COLUMNS if c in pdf.columns]]


def fit_terms(tickets, cleaner: TicketCleaner, representation, seed: int):
    """The representation fitted on the driver on a seeded sample of at most :data:`FIT_SAMPLE` cleaned texts."""
    cols = [c for c in TEXT_COLUMNS if c in tickets.columns]
    n = tickets.count()
    sample = tickets if n <= FIT_SAMPLE else tickets.sample(fraction=min(1.0, 1.2 * FIT_SAMPLE / n), seed=seed)
    pdf = sample.select("_row", *cols).orderBy("_row").limit(FIT_SAMPLE).toPandas()
    if pdf.empty:
        raise DataError("there are no tickets to cluster", table="tickets", fix="pass a non-empty tickets table")
    texts = cleaner.transform(_text_frame(pdf)).reset_index(drop=True)
    if isinstance(representation, TfidfRepresentation):
        representation.set_params(fit_sample=FIT_SAMPLE)
    return representation.fit(texts)


def ticket_vectors(tickets, cleaner: TicketCleaner, representation):
    """Per ticket ``_row``, ``text`` (cleaned) and ``vector`` (array of floats), computed on the executors."""
    from pyspark.sql import types as T

    shared = tickets.sparkSession.sparkContext.broadcast((cleaner, representation))
    cols = [c for c in TEXT_COLUMNS if c in tickets.columns]

    def vectorise(parts):
        clean, model = shared.value
        for pdf in parts:
            if pdf.empty:
                continue
            texts = clean.transform(_text_frame(pdf)).reset_index(drop=True)
            matrix = np.asarray(model.transform(texts), dtype=np.float32)
            yield pd.DataFrame({"_row": pdf["_row"].to_numpy(), "text": texts.to_numpy(dtype=object),
                                "vector": list(matrix)})

    schema = T.StructType([T.StructField("_row", T.LongType(), False), T.StructField("text", T.StringType()),
                           T.StructField("vector", T.ArrayType(T.FloatType()))])
    return tickets.select("_row", *cols).mapInPandas(vectorise, schema)


def cell_centroids(vectors, n: int, cell_size: int, seed: int, exact_limit: int = EXACT_LIMIT) -> np.ndarray:
    """Unit k-means centroids (one per ~``cell_size`` tickets) fitted on at most :data:`CENTROID_SAMPLE` vectors;
    a single cell up to ``exact_limit`` tickets (the exact search of the pandas engine)."""
    if n <= exact_limit:
        return np.zeros((1, 1), dtype=np.float32)
    from sklearn.cluster import MiniBatchKMeans

    picked = vectors.sample(fraction=min(1.0, 1.2 * CENTROID_SAMPLE / n), seed=seed).select("vector")
    sample = np.asarray(picked.limit(CENTROID_SAMPLE).toPandas()["vector"].tolist(), dtype=np.float32)
    cells = int(min(max(2, round(n / cell_size)), len(sample)))
    fitted = MiniBatchKMeans(cells, random_state=seed, n_init=3, batch_size=4096).fit(sample).cluster_centers_
    norms = np.linalg.norm(fitted, axis=1, keepdims=True)
    return (fitted / np.where(norms == 0, 1, norms)).astype(np.float32)


def neighbour_graph(vectors, n: int, *, k: int, cell_size: int, probes: int, seed: int,
                    exact_limit: int = EXACT_LIMIT):
    """The k-NN graph (indices, similarities), n x k by ``_row``, from a search within cells on the executors."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F
    from pyspark.sql import types as T

    centroids = cell_centroids(vectors, n, cell_size, seed, exact_limit)
    single = centroids.shape[1] == 1
    probes = 1 if single else int(min(probes, len(centroids)))
    shared = vectors.sparkSession.sparkContext.broadcast(centroids)

    def assign(parts):
        cents = shared.value
        for pdf in parts:
            if pdf.empty:
                continue
            if single:
                near = np.zeros((len(pdf), 1), dtype=np.int64)
            else:
                sims = np.asarray(pdf["vector"].tolist(), dtype=np.float32) @ cents.T
                near = np.argsort(-sims, axis=1, kind="stable")[:, :probes]
            yield pd.DataFrame({"cell": near.ravel(), "home": np.tile(np.arange(near.shape[1]) == 0, len(pdf)),
                                "_row": np.repeat(pdf["_row"].to_numpy(), near.shape[1]),
                                "vector": np.repeat(pdf["vector"].to_numpy(), near.shape[1])})

    placed = T.StructType([T.StructField("cell", T.LongType()), T.StructField("home", T.BooleanType()),
                           T.StructField("_row", T.LongType()), T.StructField("vector", T.ArrayType(T.FloatType()))])

    def search(pdf: pd.DataFrame) -> pd.DataFrame:
        members = pdf[pdf["home"]].sort_values("_row")
        if members.empty:
            return pd.DataFrame({"_row": [], "neighbour": [], "similarity": []})
        matrix = np.asarray(members["vector"].tolist(), dtype=np.float32)
        rows = members["_row"].to_numpy()
        queries = np.asarray(pdf["vector"].tolist(), dtype=np.float32)
        own = pd.Index(rows).get_indexer(pdf["_row"].to_numpy())  # -1 for tickets probing from another cell
        index = NearestNeighbours(k=k, exact_limit=np.iinfo(np.int64).max, progress=False).fit(matrix)
        idx, sim = index.query(queries, k=k, exclude=own)
        found = idx >= 0
        return pd.DataFrame({"_row": np.repeat(pdf["_row"].to_numpy(), idx.shape[1])[found.ravel()],
                             "neighbour": rows[idx[found]], "similarity": sim[found].astype(np.float64)})

    edges_schema = "_row long, neighbour long, similarity double"
    edges = (vectors.select("_row", "vector").mapInPandas(assign, placed)
             .groupBy("cell").applyInPandas(search, edges_schema))
    best = Window.partitionBy("_row").orderBy(F.col("similarity").desc(), F.col("neighbour"))
    edges = edges.dropDuplicates(["_row", "neighbour"]).withColumn("rank", F.row_number().over(best))
    kept = edges.filter(F.col("rank") <= k).toPandas()
    indices = np.full((n, k), -1, dtype=np.int64)
    similarities = np.full((n, k), -np.inf, dtype=np.float32)
    at = (kept["_row"].to_numpy(), kept["rank"].to_numpy() - 1)
    indices[at] = kept["neighbour"].to_numpy()
    similarities[at] = kept["similarity"].to_numpy()
    return indices, similarities


def driver_parts(tickets, vectors) -> tuple[pd.DataFrame, pd.Series, np.ndarray]:
    """What naming, ranking and evidence read, by ``_row``: evidence columns, cleaned texts, vectors."""
    import json

    cols = [c for c in DRIVER_COLUMNS if c in tickets.columns]
    frame = tickets.select("_row", *cols).orderBy("_row").toPandas()
    if "extra" in frame.columns:  # Spark keeps extra fields as JSON text; bug keys read them as a dict
        frame["extra"] = [json.loads(e) if isinstance(e, str) and e.startswith("{") else None
                          for e in frame["extra"]]
    if "created_at" in frame.columns:
        frame["created_at"] = pd.to_datetime(frame["created_at"], utc=True)
    parts = vectors.select("_row", "text", "vector").orderBy("_row").toPandas()
    matrix = np.asarray(parts["vector"].tolist(), dtype=np.float32)
    return frame.drop(columns="_row"), parts["text"].astype("str"), matrix
