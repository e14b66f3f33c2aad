"""Duplicate clustering on Spark: vectors and neighbour search in parallel, the pandas grouping on the driver.

The scheme, and why it gives the pandas engine's clusters:

1. **Term model on the pandas sample.** The TF-IDF/LSA representation of the pandas path
   (:class:`~toolkit.duplicates.representation.TfidfRepresentation`, the same object) is fitted on the
   driver on the texts the pandas engine fits it on: every ticket up to :data:`FIT_SAMPLE`, above that the
   seeded sample of row numbers :func:`~toolkit.duplicates.representation.fit_rows` draws, fetched by number.
   So the vocabulary, IDF and SVD, and then every vector, are the pandas ones at any size.
2. **Vectors with mapInPandas.** The fitted cleaner and representation are broadcast; each partition
   cleans and vectorises its tickets on an executor. The ``semantic`` and ``hybrid`` representations' sentence
   model (ONNX, int8) is shipped as a file to the executors and loaded once per executor Python worker
   (:func:`sentence_model`). Its int8 activations are scaled per batch of texts, so a text's vector depends
   on its batch mates: the distinct texts are ranked and batched exactly as the pandas engine batches them
   (:func:`sentence_vectors`), one batch per group, and the vectors are the pandas vectors bit for bit.
   Hybrid rows (sparse TF-IDF columns beside the sentence-model columns) travel as non-zero values and
   column indices.
3. **The pandas neighbour search, cell by cell.** Up to :data:`EXACT_LIMIT` tickets (the pandas exact limit)
   one group runs the pandas exact search. Above, the pandas cell search of
   :class:`~toolkit.duplicates.neighbours.NearestNeighbours` runs step by step with its own functions: the
   driver fetches the rows the pandas search fits its centroids on (30 per cell up to 256,000, drawn from the row
   numbers alone) and fits the same k-means; executors place each ticket in its ``probes`` nearest cells (hybrid rows by
   their sentence-model block, found by column counts over all rows); each cell's group compares its queries
   with its members (a crowd above ``MAX_CELL_FACTOR * cell_size`` through the same sample) in the same blocks,
   so the float32 products, the top ``k`` per cell and the exact rescoring (rounded to 1e-6) are the pandas
   ones; the candidates of a ticket's cells are merged as pandas merges them. The graph is the pandas graph.
4. **Grouping per connected component on the executors.** The pandas grouping finds its communities one
   connected component at a time (:func:`~toolkit.duplicates.grouping.component_communities`);
   :mod:`toolkit.spark.grouping` runs the same steps where the edges are (links, components, Leiden per component)
   and brings one row per cluster to the driver: the labels are the pandas labels.
5. **The finder on the driver.** The edge list and the labels come back; :meth:`DuplicateFinder.fit_graph` merges
   fragments, names, ranks and gathers evidence with the same per-cluster functions, so the output has exactly the
   pandas engine's columns, and the finder answers :meth:`~DuplicateFinder.similar`, ``assign`` and ``regroup``.

What the driver holds: the fitting samples (for the cells 30 vectors per ~``cell_size`` tickets, as pandas), the
edge list, and per ticket its evidence columns, cleaned text and vector (128 floats for tfidf, 384 for semantic,
sparse for hybrid), which naming, ranking and evidence read. That is O(n) like the pandas engine's output,
without the vectorising and neighbour search that dominate the pandas engine's time.

Where the engines can still differ: a ticket's home cells come from its products with the centroids, taken per
partition here and over all rows at once in pandas, in float64 (:func:`~toolkit.duplicates.neighbours.nearest_cells`),
so only a ticket within about 1e-16 of two centroids could be placed differently. Both engines' clusters depend
on the tickets' order (:func:`number_rows`).
"""

from __future__ import annotations

import copy
import logging
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp

from toolkit.duplicates.cleaning import TicketCleaner
from toolkit.duplicates.grouping import GraphGrouping
from toolkit.duplicates.local_models import sentence_onnx_path
from toolkit.duplicates.model import KEPT_COLUMNS, DuplicateFinder
from toolkit.duplicates.neighbours import (
    NearestNeighbours,
    best_first,
    cell_count,
    cell_groups,
    cell_space,
    cell_top_k,
    centroid_rows,
    dense_column_mask,
    fit_cells,
    merge_probes,
    nearest_cells,
    pair_similarities,
    searched_members,
)
from toolkit.duplicates.representation import (
    CHUNK,
    HybridRepresentation,
    SentenceEmbeddingRepresentation,
    TfidfRepresentation,
    default_representation,
    fit_rows,
    make_representation,
)
from toolkit.errors import ConfigError, DataError
from toolkit.spark.grouping import cluster_labels

log = logging.getLogger(__name__)
"""Each step's seconds as it ends (INFO): a long run on a cluster shows where it is."""

FIT_SAMPLE = 20_000
"""Most texts the term model is fitted on (the representation's own ``fit_sample``)."""
EXACT_LIMIT = 5_000
"""Up to this many tickets the neighbour search is one exact cell, as in the pandas engine."""
SPARK_REPRESENTATIONS = ("tfidf", "semantic", "hybrid")
"""Representations the Spark engine computes: dense rows travel as arrays of floats, hybrid (sparse) rows as
their non-zero values and column indices."""
TEXT_COLUMNS = ("subject", "description")
DRIVER_COLUMNS = (*KEPT_COLUMNS, "description", "tags", "extra")


def find_duplicates(tickets, *, representation: str = "auto", threshold: float | None = None,
                    min_cluster_size: int = 3, k: int = 15, cell_size: int = 500, probes: int = 2, seed: int = 0,
                    messages: pd.DataFrame | None = None, exact_limit: int = EXACT_LIMIT,
                    previous=None) -> DuplicateFinder:
    """Cluster a Spark DataFrame of canonical tickets; a fitted :class:`DuplicateFinder` as the pandas engine's.

    The driver ends up holding every ticket's evidence columns, text, vector and edges, as a finder does (it
    answers ``similar``, ``assign`` and ``regroup``); :func:`toolkit.spark.summaries.cluster_duplicates` gives the
    same clusters with only per-cluster rows on the driver.

    ``tickets`` as :func:`toolkit.spark.load.load_tickets` returns them, in the file's order: the clusters depend
    on the tickets' order (:func:`number_rows`), and a table read straight with ``spark.read`` has none.
    Parameters as :class:`DuplicateFinder` (``previous`` may also be a Spark table with ``ticket_id`` and
    ``cluster_id``); ``representation`` is one of :data:`SPARK_REPRESENTATIONS` or
    ``"auto"`` (as in pandas: ``hybrid`` where the ``semantic`` extra is installed and there are at most
    100,000 tickets, else ``tfidf``). ``cell_size`` and ``probes`` as
    :class:`~toolkit.duplicates.neighbours.NearestNeighbours`; up to ``exact_limit`` tickets the search is one
    exact cell. ``messages`` (canonical, pandas) adds bug keys
    quoted in conversations. ``timings_`` holds the seconds of each step: ``fit`` (sample and term model),
    ``vectorise``, ``neighbours`` (cells and search), ``components`` (the grouping on the executors, per connected
    component), ``collect`` (edges, evidence columns, texts and vectors to the driver), then the driver's
    ``grouping`` (fragments, which includes ``labelling``) and ``total``.
    """
    started = time.perf_counter()
    timings: dict = {}
    with searched_tickets(tickets, representation=representation, threshold=threshold,
                          min_cluster_size=min_cluster_size, seed=seed, k=k, cell_size=cell_size, probes=probes,
                          exact_limit=exact_limit, timings=timings) as found:
        labels = spark_labels(found.edges, found.n, found.grouping)
        found.lap("components")
        graph = graph_arrays(found.edges, found.n, k)
        frame, texts, matrix = driver_parts(found.numbered, found.vectors, found.width)
        found.lap("collect")
    finder = found.finder
    finder.fit_graph(frame, texts, matrix, graph, found.model, messages=messages, labels=labels,
                     previous=_on_driver(previous))
    # grouping_seconds (Leiden, fragments, naming, ranking, evidence) includes labelling_seconds, as in fit
    finder.timings_ = {**timings, **finder.timings_, "total_seconds": time.perf_counter() - started}
    return finder


def _on_driver(previous):
    """An earlier clustering given as a Spark table, as the pandas frame :meth:`DuplicateFinder.fit` takes (the
    finder holds every ticket on the driver anyway)."""
    if previous is None or isinstance(previous, pd.DataFrame | pd.Series | DuplicateFinder):
        return previous
    return previous.select("ticket_id", "cluster_id").toPandas().astype({"ticket_id": "str", "cluster_id": "int64"})


@dataclass
class SearchedTickets:
    """Tickets numbered by ``_row``, their cached vectors and k-NN edges, what made them, and the unfitted finder
    and grouping their graph is grouped with."""

    numbered: object
    n: int
    cleaner: TicketCleaner
    model: object
    width: int | None
    vectors: object
    edges: object
    timings: dict
    started: float
    finder: DuplicateFinder | None = None
    grouping: object = None

    def lap(self, step: str) -> None:
        """Record the seconds since the last step as ``timings[step + "_seconds"]``."""
        seconds = time.perf_counter() - self.started - sum(self.timings.values())
        self.timings[f"{step}_seconds"] = seconds
        log.info("clustering %s tickets on Spark: %s took %.1f s", f"{self.n:,}", step, seconds)


@contextmanager
def searched_tickets(tickets, *, representation: str, threshold: float | None, min_cluster_size: int, seed: int,
                     k: int, cell_size: int, probes: int, exact_limit: int, timings: dict):
    """The steps both Spark paths share: check the tickets, number them, fit the term model on the pandas
    sample, vectorise and search on the executors (timed as ``fit``, ``vectorise``, ``neighbours``). Yields a
    :class:`SearchedTickets`; the cached vectors and edges are released after the block."""
    if representation != "auto" and representation not in SPARK_REPRESENTATIONS:
        raise ConfigError(f"the Spark engine clusters with the {', '.join(SPARK_REPRESENTATIONS)} "
                          f"representations, not {representation!r}", key="representation",
                          fix=f"pass --representation {' / '.join(SPARK_REPRESENTATIONS)} (or auto), "
                              "or use --engine pandas")
    missing = [c for c in ("ticket_id",) if c not in tickets.columns]
    if missing or not any(c in tickets.columns for c in TEXT_COLUMNS):
        raise DataError("the tickets have no ticket_id or no subject/description column", table="tickets",
                        column="ticket_id" if missing else "subject, description",
                        fix="pass canonical tickets (toolkit.spark.load.load_tickets)")
    began = time.perf_counter()
    # numbered once, with only the columns clustering reads: every later pass reads these rows
    numbered, n = number_rows(tickets.select(*[c for c in DRIVER_COLUMNS if c in tickets.columns]))
    if representation == "auto":
        representation = default_representation(n)
    cleaner = TicketCleaner()
    found = SearchedTickets(numbered, n, cleaner, None, None, None, None, timings, began)
    found.model, found.width = fit_terms(numbered, cleaner, make_representation(representation, seed=seed,
                                                                                progress=False), seed, n)
    found.finder = DuplicateFinder(representation=found.model, threshold=threshold, min_cluster_size=min_cluster_size,
                                   k=k, seed=seed, progress=False, cleaner=cleaner)
    found.grouping = found.finder.grouping_for(found.model)
    found.lap("fit")
    found.vectors = ticket_vectors(numbered, cleaner, found.model, found.width).cache()
    try:
        found.vectors.count()
        found.lap("vectorise")
        found.edges = neighbour_edges(found.vectors, n, k=k, cell_size=cell_size, probes=probes, seed=seed,
                                      exact_limit=exact_limit, width=found.width).cache()
        found.edges.count()
        found.lap("neighbours")
        yield found
    finally:
        found.vectors.unpersist()
        if found.edges is not None:
            found.edges.unpersist()


def number_rows(tickets, name: str = "_row"):
    """The tickets with ``name``: 0, 1, ... in their order, checkpointed, and how many there are.

    Numbered in the JVM: a row's number is its position in its partition plus the rows of the partitions before
    it (one small count per partition comes to the driver). The rows are persisted while they are counted and
    numbered, so both passes see the same partitions and the caller's plan (a load's checks and sort) runs once.
    Before, ``zipWithIndex`` sent every row through Python twice: at 10 million tickets with their texts that
    was most of the clustering's first ten minutes.

    The clusters depend on this order, as the pandas engine's depend on its rows' order (the term model's and
    the cells' samples are drawn by row number). A table as :func:`toolkit.spark.load.load_tickets` returns it is
    in the file's order (a Parquet folder's files in name order); a folder or table read straight with
    ``spark.read`` has no fixed order (Spark hands out the largest files first and cuts them by its settings).
    """
    from pyspark import StorageLevel
    from pyspark.sql import functions as F

    own = tickets.storageLevel == StorageLevel.NONE  # a table the caller cached stays cached
    source = tickets.persist(StorageLevel.MEMORY_AND_DISK) if own else tickets
    try:
        placed = source.withColumns({"_part": F.spark_partition_id(), "_id": F.monotonically_increasing_id()})
        counts = placed.groupBy("_part").count().toPandas().set_index("_part")["count"]
        parts = int(counts.index.max()) + 1 if len(counts) else 1
        sizes = counts.reindex(range(parts), fill_value=0).to_numpy(dtype=np.int64)
        offsets = F.array(*[F.lit(int(o)) for o in np.cumsum(sizes) - sizes])
        # monotonically_increasing_id holds the partition in its upper 31 bits, the position in the lower 33
        position = F.col("_id").bitwiseAND(F.lit((1 << 33) - 1))
        numbered = placed.select(*tickets.columns, (F.element_at(offsets, F.col("_part") + 1) + position).alias(name))
        numbered = numbered.localCheckpoint()
    finally:
        if own:
            source.unpersist()
    return numbered, int(sizes.sum())


def _text_frame(pdf: pd.DataFrame) -> pd.DataFrame:
    return pdf[[c for c in TEXT_COLUMNS if c in pdf.columns]]


def fit_terms(tickets, cleaner: TicketCleaner, representation, seed: int, n: int):
    """The representation fitted on the driver on the cleaned texts the pandas engine fits it on: every ticket up
    to :data:`FIT_SAMPLE`, else the rows :func:`~toolkit.duplicates.representation.fit_rows` draws, by number."""
    cols = [c for c in TEXT_COLUMNS if c in tickets.columns]
    pdf = rows_by_number(tickets.select("_row", *cols), fit_rows(n, FIT_SAMPLE, seed))
    if pdf.empty:
        raise DataError("there are no tickets to cluster", table="tickets", fix="pass a non-empty tickets table")
    texts = cleaner.transform(_text_frame(pdf)).reset_index(drop=True)
    if isinstance(representation, TfidfRepresentation):
        representation.set_params(fit_sample=FIT_SAMPLE)
    fitted = representation.fit(texts)
    probe = fitted.transform(texts.head(1))
    fitted_width = probe.shape[1] if sp.issparse(probe) else None
    return fitted, fitted_width


# One sentence model per setting in each executor Python worker. A broadcast representation arrives without
# its onnxruntime session (it is not pickled) and loading one costs about a second and 100 MB, so a worker
# loads it at its first partition and every later partition and task it runs re-uses it. Worker-local and
# keyed by every setting that changes the vectors, so results never depend on what ran before.
_SENTENCE_MODELS: dict[tuple, SentenceEmbeddingRepresentation] = {}


def sentence_model(settings: SentenceEmbeddingRepresentation, cache_dir: str | None) -> SentenceEmbeddingRepresentation:
    """This Python worker's sentence model with the settings of ``settings``, loaded on first use.

    One onnxruntime session (``workers=1``): Spark already runs one task per core. A batch's vectors do not
    depend on the number of sessions (see :class:`SentenceEmbeddingRepresentation`).
    """
    key = (bool(settings.quantize), int(settings.batch_size), cache_dir)
    model = _SENTENCE_MODELS.get(key)
    if model is None:
        model = _SENTENCE_MODELS[key] = SentenceEmbeddingRepresentation(
            quantize=settings.quantize, batch_size=settings.batch_size, workers=1, cache_dir=cache_dir,
            progress=False).fit()
    return model


def ship_sentence_model(spark, representation) -> str | None:
    """Send the driver's ONNX sentence model file to every executor (``SparkContext.addFile``); its file name.

    Executors then need the ``semantic`` extra's run-time packages (onnxruntime, tokenizers, the packaged
    model's tokenizer) but never build the model (torch), and all run the driver's file.
    """
    part = _sentence_part(representation)
    if part is None:
        return None
    path = sentence_onnx_path(part.cache_dir, quantize=part.quantize, progress=False)
    spark.sparkContext.addFile(str(path))
    return Path(path).name


def vector_columns(matrix, width: int | None) -> dict:
    """Rows of a representation's output as Arrow-friendly columns: ``vector`` (floats), and for sparse rows
    (``width`` set) ``vector`` holds the non-zero values and ``columns`` their column indices, in row order."""
    if width is None:
        return {"vector": list(np.asarray(matrix, dtype=np.float32))}
    rows = sp.csr_matrix(matrix)
    cut = rows.indptr[1:-1]
    return {"vector": np.split(rows.data.astype(np.float32), cut),
            "columns": np.split(rows.indices.astype(np.int32), cut)}


def vector_matrix(pdf: pd.DataFrame, width: int | None):
    """The matrix of :func:`vector_columns`' rows: dense float32, or CSR of ``width`` columns (the same bits)."""
    if width is None:
        return np.asarray(pdf["vector"].tolist(), dtype=np.float32).reshape(len(pdf), -1)
    lengths = pdf["vector"].map(len).to_numpy(dtype=np.int64)
    indptr = np.concatenate([[0], np.cumsum(lengths)])
    data = np.concatenate([np.empty(0, np.float32), *pdf["vector"].to_numpy()]).astype(np.float32)
    columns = np.concatenate([np.empty(0, np.int32), *pdf["columns"].to_numpy()]).astype(np.int32)
    return sp.csr_matrix((data, columns, indptr), shape=(len(pdf), width))


def _vector_fields(width: int | None) -> list:
    from pyspark.sql import types as T

    fields = [T.StructField("vector", T.ArrayType(T.FloatType()))]
    if width is not None:
        fields.append(T.StructField("columns", T.ArrayType(T.IntegerType())))
    return fields


def vector_names(width: int | None) -> list[str]:
    return ["vector"] if width is None else ["vector", "columns"]


def ticket_vectors(tickets, cleaner: TicketCleaner, representation, width: int | None = None):
    """Per ticket ``_row``, ``text`` (cleaned) and its vector (:func:`vector_columns`), computed on the executors.

    The fitted cleaner and representation are broadcast. A representation with a sentence model gets that part
    from :func:`sentence_vectors` (the pandas engine's batches, so the same vectors), the rest (hybrid's TF-IDF
    block and weighting) from the broadcast representation itself.
    """
    from pyspark.sql import types as T

    spark = tickets.sparkSession
    shared = spark.sparkContext.broadcast((cleaner, representation))
    cols = [c for c in TEXT_COLUMNS if c in tickets.columns]
    schema = T.StructType([T.StructField("_row", T.LongType(), False), T.StructField("text", T.StringType()),
                           *_vector_fields(width)])
    sentence = _sentence_part(representation)
    if sentence is None:
        def vectorise(parts):
            clean, model = shared.value
            for pdf in parts:
                if pdf.empty:
                    continue
                texts = clean.transform(_text_frame(pdf)).reset_index(drop=True)
                yield pd.DataFrame({"_row": pdf["_row"].to_numpy(), "text": texts.to_numpy(dtype=object),
                                    **vector_columns(model.transform(texts), width)})

        return tickets.select("_row", *cols).mapInPandas(vectorise, schema)

    shipped = ship_sentence_model(spark, representation)

    def clean_and_count(parts):
        from toolkit.duplicates.local_models import load_tokenizer

        clean, _ = shared.value
        tokenizer = load_tokenizer()
        for pdf in parts:
            if pdf.empty:
                continue
            # the representation reads a missing text as empty; the join below needs a value
            texts = clean.transform(_text_frame(pdf)).reset_index(drop=True).fillna("")
            tokens = [len(e.ids) for e in tokenizer.encode_batch(texts.tolist())]
            yield pd.DataFrame({"_row": pdf["_row"].to_numpy(), "text": texts.to_numpy(dtype=object),
                                "tokens": np.asarray(tokens, dtype=np.int64)})

    texts = tickets.select("_row", *cols).mapInPandas(clean_and_count, "_row long, text string, tokens long")
    meaning = sentence_vectors(texts, sentence, shipped)

    def assemble(parts):
        _, fitted = shared.value
        for pdf in parts:
            if pdf.empty:
                continue
            known = KnownVectors(pdf["text"], pdf["meaning"])
            if isinstance(fitted, HybridRepresentation):
                model = copy.copy(fitted)  # the broadcast TF-IDF block and weighting, the batches' sentence vectors
                model.semantic_ = known
            else:
                model = known
            yield pd.DataFrame({"_row": pdf["_row"].to_numpy(), "text": pdf["text"].to_numpy(dtype=object),
                                **vector_columns(model.transform(pdf["text"]), width)})

    return texts.join(meaning, "text").select("_row", "text", "meaning").mapInPandas(assemble, schema)


def _sentence_part(representation) -> SentenceEmbeddingRepresentation | None:
    """The sentence model of a representation (itself, or hybrid's ``semantic_``), or None."""
    part = representation.semantic_ if isinstance(representation, HybridRepresentation) else representation
    return part if isinstance(part, SentenceEmbeddingRepresentation) else None


def sentence_vectors(texts, settings: SentenceEmbeddingRepresentation, shipped: str | None):
    """One sentence vector per distinct ``text`` (column ``meaning``), embedded in the pandas engine's batches.

    int8 activations are scaled per batch, so a text's vector depends on the texts it is batched with. The
    pandas engine embeds the distinct texts (in order of first appearance) :data:`CHUNK` at a time, each chunk
    ordered by token count (ties in that order) and cut into batches of ``batch_size``. The same ranks are
    computed here with two sorts, and each batch is embedded as one group: the vectors are the pandas vectors.

    ``texts`` has ``_row``, ``text`` and ``tokens`` (the model tokenizer's count, truncation included).
    """
    from pyspark.sql import functions as F

    size = int(settings.batch_size)
    distinct = texts.groupBy("text").agg(F.min("_row").alias("first"), F.first("tokens").alias("tokens"))
    ranked, _ = number_rows(distinct.orderBy("first"), "_unique")
    ranked = ranked.withColumn("_chunk", F.expr(f"_unique div {CHUNK}"))
    placed, _ = number_rows(ranked.orderBy("_chunk", "tokens", "_unique"), "_place")
    batched = placed.withColumn("_batch", F.expr(f"(_place - _chunk * {CHUNK}) div {size}"))

    def embed(pdf: pd.DataFrame) -> pd.DataFrame:
        from pyspark import SparkFiles

        model = sentence_model(settings, SparkFiles.getRootDirectory() if shipped else None)
        batch = pdf.sort_values("_place")  # already in token order: transform keeps it as one batch
        return pd.DataFrame({"text": batch["text"].to_numpy(dtype=object),
                             "meaning": list(np.asarray(model.transform(batch["text"]), dtype=np.float32))})

    return (batched.select("_chunk", "_batch", "_place", "text")
            .groupBy("_chunk", "_batch").applyInPandas(embed, "text string, meaning array<float>"))


class KnownVectors:
    """A representation whose vectors were computed elsewhere: ``transform`` looks texts up (every text given
    must be among ``texts``). It stands in for hybrid's sentence model once :func:`sentence_vectors` ran."""

    def __init__(self, texts: pd.Series, vectors: pd.Series) -> None:
        first = ~pd.Series(texts).duplicated().to_numpy()
        self.texts_ = pd.Index(np.asarray(texts, dtype=object)[first])
        self.vectors_ = np.asarray(pd.Series(vectors).to_numpy()[first].tolist(), dtype=np.float32)

    def fit(self, texts=None, y=None) -> KnownVectors:
        return self

    def transform(self, texts) -> np.ndarray:
        return self.vectors_[self.texts_.get_indexer(pd.Index(list(texts), dtype=object))]


MERGE_ROWS = 20_000
"""Tickets whose candidates from all probed cells are merged in one group (bounds a group's memory)."""
EDGES = "_row long, rank long, neighbour long, similarity double"


def neighbour_graph(vectors, n: int, *, k: int, cell_size: int, probes: int, seed: int,
                    exact_limit: int = EXACT_LIMIT, width: int | None = None):
    """The pandas search's k-NN graph (indices, similarities), n x k by ``_row``, computed on the executors
    (:func:`neighbour_edges`); only the ``k`` edges per ticket come to the driver."""
    return graph_arrays(neighbour_edges(vectors, n, k=k, cell_size=cell_size, probes=probes, seed=seed,
                                       exact_limit=exact_limit, width=width), n, k)


def neighbour_edges(vectors, n: int, *, k: int, cell_size: int, probes: int, seed: int,
                    exact_limit: int = EXACT_LIMIT, width: int | None = None):
    """The pandas search's k-NN edges (:data:`EDGES`): up to ``exact_limit`` tickets one exact search
    (:func:`exact_edges`), above it the cell search (:func:`cell_edges`)."""
    if n <= exact_limit:
        return exact_edges(vectors, k, width)
    return cell_edges(vectors, n, k=k, cell_size=cell_size, probes=probes, seed=seed, width=width)


def graph_arrays(edges, n: int, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The edges as the pandas graph: (indices, similarities), n x k by ``_row`` (-1 / -inf where none)."""
    kept = edges.toPandas()
    indices = np.full((n, k), -1, dtype=np.int64)
    similarities = np.full((n, k), -np.inf, dtype=np.float32)
    at = (kept["_row"].to_numpy(), kept["rank"].to_numpy())
    indices[at] = kept["neighbour"].to_numpy()
    similarities[at] = kept["similarity"].to_numpy()
    return indices, similarities


def spark_labels(edges, n: int, grouping) -> np.ndarray | None:
    """Every ticket's label from the default grouping run on the executors, per connected component
    (:func:`toolkit.spark.grouping.cluster_labels`); None for another grouping, which then runs on the driver."""
    if not isinstance(grouping, GraphGrouping):
        return None
    found = cluster_labels(edges, threshold=grouping.threshold, min_neighbours=int(grouping.min_neighbours),
                           resolution=grouping.resolution, min_cluster_size=int(grouping.min_cluster_size),
                           merge_share=grouping.merge_share, seed=grouping.seed).toPandas()
    labels = np.full(n, -1, dtype=np.int64)
    labels[found["_row"].to_numpy()] = found["label"].to_numpy()
    return labels


def _edge_frame(rows: np.ndarray, idx: np.ndarray, sim: np.ndarray) -> pd.DataFrame:
    """The found neighbours of a graph block (``rows`` by position, -1 = none) as :data:`EDGES` rows."""
    found = idx >= 0
    return pd.DataFrame({"_row": np.repeat(rows, idx.shape[1])[found.ravel()],
                         "rank": np.tile(np.arange(idx.shape[1]), len(rows))[found.ravel()],
                         "neighbour": idx[found], "similarity": sim[found].astype(np.float64)})


def exact_edges(vectors, k: int, width: int | None = None):
    """The exact search of :class:`NearestNeighbours` over all tickets, as one group (small sets only)."""
    from pyspark.sql import functions as F

    def search(pdf: pd.DataFrame) -> pd.DataFrame:
        pdf = pdf.sort_values("_row")
        index = NearestNeighbours(k=k, exact_limit=len(pdf), progress=False).fit(vector_matrix(pdf, width))
        return _edge_frame(pdf["_row"].to_numpy(), *index.kneighbors())

    return (vectors.select("_row", *vector_names(width)).withColumn("_all", F.lit(0))
            .groupBy("_all").applyInPandas(search, EDGES))


def cell_edges(vectors, n: int, *, k: int, cell_size: int, probes: int, seed: int, width: int | None = None):
    """The cell search of :class:`NearestNeighbours`, step by step with its own functions, cells in parallel.

    The driver fits the centroids on the rows the pandas search fits them on (:func:`centroid_rows`, fetched
    by ``_row``); each ticket's probed cells are its nearest centroids (:func:`nearest_cells`); each cell group
    runs the pandas search of that cell (:func:`searched_members`, :func:`cell_top_k`, exact rescoring), and
    the candidates of a ticket's probes are merged as pandas merges them (:func:`merge_probes`,
    :func:`best_first`). Hybrid rows' dense block is found by column counts over all rows, as in pandas.
    """
    from pyspark.sql import functions as F
    from pyspark.sql import types as T

    mask = None if width is None else dense_column_mask(column_counts(vectors, width), n)
    n_cells = cell_count(n, cell_size)
    probes = min(probes, n_cells)
    picked = rows_by_number(vectors.select("_row", *vector_names(width)), centroid_rows(n, n_cells, seed))
    sample = vector_matrix(picked, width)
    centroids = fit_cells(cell_space(sample, mask), n_cells, seed)
    # the groups of centroids are made once, here, and reach the workers with the centroids
    shared = vectors.sparkSession.sparkContext.broadcast((centroids, cell_groups(centroids), mask))
    names = vector_names(width)

    def assign(parts):
        cents, groups, dense = shared.value
        for pdf in parts:
            if pdf.empty:
                continue
            cells = nearest_cells(cell_space(vector_matrix(pdf, width), dense), cents, probes, groups)
            slots = cells.shape[1]
            yield pd.DataFrame({"cell": cells.ravel().astype(np.int64), "slot": np.tile(np.arange(slots), len(pdf)),
                                "_row": np.repeat(pdf["_row"].to_numpy(), slots),
                                **{name: np.repeat(pdf[name].to_numpy(), slots) for name in names}})

    placed = T.StructType([T.StructField("cell", T.LongType()), T.StructField("slot", T.LongType()),
                           T.StructField("_row", T.LongType()), *_vector_fields(width)])

    def search(pdf: pd.DataFrame) -> pd.DataFrame:
        dense = shared.value[2]
        pdf = pdf.sort_values("_row")
        home = pdf[pdf["slot"] == 0]
        if home.empty:
            return pd.DataFrame(columns=["_row", "slot", "rank", "neighbour", "score", "similarity"])
        keep = searched_members(len(home), int(pdf["cell"].iat[0]), cell_size, seed)
        members = home["_row"].to_numpy()[keep]
        candidates = vector_matrix(home, width)[keep]
        found = []
        for slot, part in pdf.groupby("slot", sort=True):
            queries = vector_matrix(part, width)
            at, score = cell_top_k(queries, part["_row"].to_numpy(), candidates, members, k, dense)
            query, rank = np.nonzero(np.isfinite(score))
            found.append(pd.DataFrame({
                "_row": part["_row"].to_numpy()[query], "slot": slot, "rank": rank,
                "neighbour": members[at[query, rank]], "score": score[query, rank].astype(np.float64),
                "similarity": pair_similarities(queries, query, candidates, at[query, rank])}))
        return pd.concat(found, ignore_index=True)

    def merge(pdf: pd.DataFrame) -> pd.DataFrame:
        rows, row = np.unique(pdf["_row"].to_numpy(), return_inverse=True)
        slot = pdf["slot"].to_numpy() * k + pdf["rank"].to_numpy()
        score = np.full((len(rows), probes * k), -np.inf, dtype=np.float32)
        neighbour = np.full(score.shape, -1, dtype=np.int64)
        similarity = np.full(score.shape, -np.inf)
        score[row, slot] = pdf["score"].to_numpy()
        neighbour[row, slot] = pdf["neighbour"].to_numpy()
        similarity[row, slot] = pdf["similarity"].to_numpy()
        chosen, _ = merge_probes(np.tile(np.arange(probes * k), (len(rows), 1)), score, k)
        picked = chosen >= 0
        at = np.maximum(chosen, 0)
        idx = np.where(picked, np.take_along_axis(neighbour, at, 1), -1)
        sim = np.where(picked, np.take_along_axis(similarity, at, 1), -np.inf)
        return _edge_frame(rows, *best_first(idx, sim))

    found_schema = "_row long, slot long, rank long, neighbour long, score double, similarity double"
    return (vectors.select("_row", *names).mapInPandas(assign, placed)
            .groupBy("cell").applyInPandas(search, found_schema)
            .withColumn("_merge", F.expr(f"_row div {MERGE_ROWS}"))
            .groupBy("_merge").applyInPandas(merge, EDGES))


def column_counts(vectors, width: int) -> np.ndarray:
    """Per column of hybrid rows, how many rows set it (counted per partition, summed on the driver)."""

    def count(parts):
        for pdf in parts:
            columns = np.concatenate([np.empty(0, np.int32), *pdf["columns"].to_numpy()])
            yield pd.DataFrame({"counts": [np.bincount(columns, minlength=width).astype(np.int64)]})

    counted = vectors.select("columns").mapInPandas(count, "counts array<long>").toPandas()
    return np.sum([np.asarray(c, dtype=np.int64) for c in counted["counts"]], axis=0)


def rows_by_number(frame, rows: np.ndarray) -> pd.DataFrame:
    """The rows of ``frame`` whose ``_row`` is in ``rows`` (sorted), collected in that order."""
    wanted = frame.sparkSession.sparkContext.broadcast(rows)

    def keep(parts):
        for pdf in parts:
            yield pdf[np.isin(pdf["_row"].to_numpy(), wanted.value)]

    return frame.mapInPandas(keep, frame.schema).toPandas().sort_values("_row", ignore_index=True)


def driver_parts(tickets, vectors, width: int | None = None) -> tuple[pd.DataFrame, pd.Series, np.ndarray]:
    """What naming, ranking and evidence read, by ``_row``: evidence columns, cleaned texts, vectors."""
    import json

    cols = [c for c in DRIVER_COLUMNS if c in tickets.columns]
    frame = tickets.select("_row", *cols).orderBy("_row").toPandas()
    if "extra" in frame.columns:  # Spark keeps extra fields as JSON text; bug keys read them as a dict
        frame["extra"] = [json.loads(e) if isinstance(e, str) and e.startswith("{") else None
                          for e in frame["extra"]]
    if "created_at" in frame.columns:
        frame["created_at"] = pd.to_datetime(frame["created_at"], utc=True)
    parts = vectors.select("_row", "text", *vector_names(width)).orderBy("_row").toPandas()
    return frame.drop(columns="_row"), parts["text"].astype("str"), vector_matrix(parts, width)
