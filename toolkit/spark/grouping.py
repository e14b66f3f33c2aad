"""The pandas grouping of the neighbour graph, run on Spark: links, connected components, Leiden per component.

:class:`~toolkit.duplicates.grouping.GraphGrouping` finds its communities one connected component at a time
(:func:`~toolkit.duplicates.grouping.component_communities`), each at its share of the resolution, so a component
is a unit of work any executor can do. Here every step runs where the data is, and the driver receives four numbers
and one row per cluster:

1. **Links** (:func:`graph_links`): the k-NN edges at or above the threshold, each pair once at the mean of the
   similarities found from its two ends, without the tickets that have fewer than ``min_neighbours`` linked
   tickets (:func:`~toolkit.duplicates.grouping.similarity_graph` and
   :func:`~toolkit.duplicates.grouping.keep_close`).
2. **Components** (:func:`connected_components`): the alternating large-star and small-star rounds of Kiveris et
   al. (2014, "Connected Components in MapReduce and Beyond"), about log-squared rounds of joins. GraphFrames has
   this too, but needs a JAR from Maven that an installation from PyPI does not bring.
3. **Communities** (:func:`grouped_rows`): one group per component of at least ``min_cluster_size`` tickets runs
   :func:`~toolkit.duplicates.grouping.group_component` on its links with the global linked-ticket count (for the
   small-graph damping) and total link weight, as the pandas engine does.
4. **Cluster numbers**: communities of at least ``min_cluster_size`` tickets come to the driver as (size, first
   ticket) and are numbered by size as :func:`~toolkit.duplicates.grouping.relabel_by_size` numbers them.

The link weights are summed by Spark in another order than pandas sums them; the component resolution is rounded
to :data:`~toolkit.duplicates.grouping.RESOLUTION_DIGITS` significant digits in both engines, so the last bits of
the sum never reach Leiden. Everything else is the pandas arithmetic on the same numbers: the labels are the
pandas labels.
"""

from __future__ import annotations

import itertools
import logging
import time

import numpy as np
import pandas as pd
import scipy.sparse as sp

from toolkit.duplicates.grouping import effective_resolution_for, group_component

log = logging.getLogger(__name__)
"""Each round of the components and each grouping step as it ends (INFO), for long runs."""

LINKS = "lo long, hi long, weight double"
GROUPED = "_row long, component long, community long"


def graph_links(edges, threshold: float, min_neighbours: int):
    """The thresholded, symmetric, pruned link list (``lo`` < ``hi``, ``weight``) of k-NN ``edges``
    (``_row``, ``neighbour``, ``similarity``), as the pandas graph's upper triangle."""
    from pyspark.sql import functions as F

    kept = edges.filter((F.col("neighbour") >= 0) & (F.col("similarity") >= float(threshold))
                        & (F.col("neighbour") != F.col("_row")))
    pairs = kept.select(F.least("_row", "neighbour").alias("lo"), F.greatest("_row", "neighbour").alias("hi"),
                        "similarity")
    # a link found from both ends takes the mean of its two similarities (their sum over their count, as pandas)
    links = pairs.groupBy("lo", "hi").agg((F.sum("similarity") / F.count("*")).alias("weight"))
    if min_neighbours <= 1:
        return links
    ends = links.select(F.col("lo").alias("node")).unionAll(links.select(F.col("hi").alias("node")))
    close = ends.groupBy("node").count().filter(F.col("count") >= min_neighbours).select("node")
    return (links.join(close.withColumnRenamed("node", "lo"), "lo")
            .join(close.withColumnRenamed("node", "hi"), "hi").select("lo", "hi", "weight"))


def connected_components(links):
    """Per linked node, its component: the smallest node in it (columns ``node``, ``component``).

    Edges are kept as (child, parent) with parent < child. A large-star round links every node's larger neighbours
    to the smallest node of its neighbourhood; a small-star round links a node and its smaller neighbours to the
    smallest of them. The rounds stop when the edges form stars: every child has one parent, and no parent is a
    child. Each round's edges are checkpointed locally so the plan does not grow with the rounds.
    """
    from pyspark.sql import functions as F

    edges = links.select(F.col("hi").alias("child"), F.col("lo").alias("parent")).distinct().localCheckpoint()
    for round_number in itertools.count(1):
        began = time.perf_counter()
        edges = _small_star(_large_star(edges)).localCheckpoint()
        stars = _is_star_forest(edges)
        log.info("connected components: round %d took %.1f s", round_number, time.perf_counter() - began)
        if stars:
            break
    roots = edges.select(F.col("parent").alias("node")).distinct().withColumn("component", F.col("node"))
    return edges.select(F.col("child").alias("node"), F.col("parent").alias("component")).unionAll(roots)


def _large_star(edges):
    from pyspark.sql import functions as F

    both = edges.select(F.col("child").alias("u"), F.col("parent").alias("v")).unionAll(
        edges.select(F.col("parent").alias("u"), F.col("child").alias("v")))
    smallest = both.groupBy("u").agg(F.min("v").alias("m"))
    return (both.filter(F.col("v") > F.col("u")).join(smallest, "u")
            .select(F.col("v").alias("child"), F.least("m", "u").alias("parent")).distinct())


def _small_star(edges):
    from pyspark.sql import functions as F

    smallest = edges.groupBy("child").agg(F.min("parent").alias("m"))
    joined = edges.join(smallest, "child")
    to_min = joined.filter(F.col("parent") != F.col("m")).select(F.col("parent").alias("child"),
                                                                  F.col("m").alias("parent"))
    return to_min.unionAll(smallest.select("child", F.col("m").alias("parent"))).distinct()


def _is_star_forest(edges) -> bool:
    """Whether every child has exactly one parent and no parent is itself a child."""
    from pyspark.sql import functions as F

    many = edges.groupBy("child").count().filter(F.col("count") > 1).limit(1).count()
    if many:
        return False
    parents = edges.select(F.col("parent").alias("child")).distinct()
    return parents.join(edges.select("child"), "child").limit(1).count() == 0


def grouped_rows(links, components, *, resolution: float, min_cluster_size: int, merge_share: float, seed: int):
    """Per ticket of a component of at least ``min_cluster_size`` tickets: its component and community there.

    ``resolution`` is the grouping's; the damping on small graphs and each component's share of the link weight
    are applied here from the whole graph's linked tickets and total weight, as the pandas engine applies them.
    """
    from pyspark.sql import functions as F

    totals = links.agg(F.sum("weight").alias("total")).first()
    linked = components.count()
    total = float(totals["total"] or 0.0)
    damped = effective_resolution_for(linked, resolution)
    sizes = components.groupBy("component").count().filter(F.col("count") >= int(min_cluster_size))
    placed = components.join(sizes.select("component"), "component")
    grouped = links.join(placed.withColumnRenamed("node", "lo"), "lo")

    def group(pdf: pd.DataFrame) -> pd.DataFrame:
        nodes = np.unique(np.concatenate([pdf["lo"].to_numpy(), pdf["hi"].to_numpy()]))
        lo, hi = np.searchsorted(nodes, pdf["lo"].to_numpy()), np.searchsorted(nodes, pdf["hi"].to_numpy())
        block = sp.coo_matrix((pdf["weight"].to_numpy(dtype=np.float64), (lo, hi)),
                              shape=(len(nodes), len(nodes))).tocsr()
        communities = group_component(block, damped, total, seed, merge_share)
        return pd.DataFrame({"_row": nodes, "component": int(pdf["component"].iat[0]), "community": communities})

    return grouped.groupBy("component").applyInPandas(group, GROUPED)


def cluster_labels(edges, *, threshold: float, min_neighbours: int, resolution: float, min_cluster_size: int,
                   merge_share: float, seed: int):
    """``_row`` and ``label`` (0.. by decreasing size, ties by first ticket) of every clustered ticket: the labels
    :class:`~toolkit.duplicates.grouping.GraphGrouping` gives the same k-NN graph; a ticket not listed is -1."""
    from pyspark.sql import functions as F

    began = time.perf_counter()
    links = graph_links(edges, threshold, min_neighbours).localCheckpoint()
    log.info("grouping: links found in %.1f s", time.perf_counter() - began)
    components = connected_components(links).localCheckpoint()
    began = time.perf_counter()
    rows = grouped_rows(links, components, resolution=resolution, min_cluster_size=min_cluster_size,
                        merge_share=merge_share, seed=seed).localCheckpoint()
    log.info("grouping: communities found in %.1f s", time.perf_counter() - began)
    communities = (rows.groupBy("component", "community")
                   .agg(F.count("*").alias("size"), F.min("_row").alias("first"))
                   .filter(F.col("size") >= int(min_cluster_size)).toPandas())
    numbered = size_order(communities)
    spark = edges.sparkSession
    if numbered.empty:
        return spark.createDataFrame([], "_row long, label long")
    table = spark.createDataFrame(numbered[["component", "community", "label"]])
    return rows.join(F.broadcast(table), ["component", "community"]).select("_row", "label")


def size_order(communities: pd.DataFrame) -> pd.DataFrame:
    """``communities`` (``size``, ``first`` ticket) with ``label``: 0.. by decreasing size, ties by first ticket
    (:func:`~toolkit.duplicates.grouping.relabel_by_size`)."""
    ordered = communities.sort_values(["size", "first"], ascending=[False, True], kind="stable")
    return ordered.assign(label=np.arange(len(ordered), dtype=np.int64)).reset_index(drop=True)
