"""Group tickets that describe the same problem, from their nearest-neighbour graph.

The graph links each ticket to its k most similar tickets; links weaker than
``threshold`` (cosine similarity) are dropped, so a ticket with no close neighbour
stays alone. Communities of the remaining graph are found with the Leiden
algorithm (igraph's C implementation; deterministic given the seed), maximising
modularity at ``resolution``: higher gives smaller, tighter groups. Leiden runs on each
connected component alone, at the component's share of the resolution, which is the
whole graph's objective (:func:`component_resolution`); so a component is a unit of work
that another engine can group anywhere and get the same communities
(:mod:`toolkit.spark.grouping`). A community
of fewer than ``min_cluster_size`` tickets is not a duplicate cluster, and its
tickets are left unclustered (label -1) rather than forced into one.

Why modularity on a thresholded k-NN graph: it needs no number of clusters,
costs about linear time in the number of links, and separates neighbouring
topics that single-linkage chaining would merge. A cluster holding more than
about ``1 / resolution`` of all links may be split in two; the default
resolution (2 for TF-IDF) keeps any problem up to about half of all tickets whole, while
the similarity threshold stops unrelated small groups from merging. Two guards keep
a coherent group whole where modularity would cut it: on graphs of fewer than 1,000
linked tickets the resolution is damped towards 1, and two communities whose mutual
links carry at least ``merge_share`` (30%) of the smaller one's link weight are merged.
"""

from __future__ import annotations

import math
import random

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components
from sklearn.base import BaseEstimator, ClusterMixin

from toolkit.duplicates.neighbours import unit_rows
from toolkit.errors import ConfigError

MIN_NEIGHBOURS = 2  # the ticket and two close others: the smallest group that is a pattern, not a coincidence


def similarity_graph(indices: np.ndarray, similarities: np.ndarray, threshold: float) -> sp.csr_matrix:
    """Symmetric sparse graph of the k-NN links with similarity >= threshold (upper triangle, weights = similarity)."""
    n, k = indices.shape
    rows = np.repeat(np.arange(n, dtype=np.int64), k)
    cols = indices.ravel()
    weights = similarities.ravel().astype(np.float64)
    keep = (cols >= 0) & (weights >= threshold) & (rows != cols)
    rows, cols, weights = rows[keep], cols[keep], weights[keep]
    lo, hi = np.minimum(rows, cols), np.maximum(rows, cols)
    graph = sp.coo_matrix((weights, (lo, hi)), shape=(n, n)).tocsr()
    graph.sum_duplicates()
    # a link found from both ends was summed: take it once, at its similarity
    both = sp.coo_matrix((np.ones_like(weights), (lo, hi)), shape=(n, n)).tocsr()
    both.sum_duplicates()
    graph.data = graph.data / both.data
    return graph


class GraphGrouping(BaseEstimator, ClusterMixin):
    """Leiden communities of the thresholded k-NN graph; small communities left unclustered.

    Parameters
    ----------
    threshold : minimum cosine similarity for two tickets to be linked.
    min_cluster_size : smallest group reported as a cluster; smaller ones get label -1.
    resolution : modularity resolution; higher gives more, smaller clusters.
    min_neighbours : a ticket is grouped only when at least this many other tickets are linked to
        it (similarity >= threshold); a ticket with fewer is not close to other tickets (a one-off
        request) and stays unclustered, even when modularity would have put it in a group.
    merge_share : two communities are merged when the links between them carry at least this
        share of the smaller one's link weight (modularity splits a group that holds much of a
        small graph; this puts it back together).
    seed : random seed of the Leiden algorithm.

    ``fit(indices, similarities)`` takes the k-NN graph (as from
    :meth:`NearestNeighbours.kneighbors`) and sets ``labels_``: cluster numbers
    0, 1, ... by decreasing size (ties by first ticket), -1 for unclustered.
    """

    def __init__(self, threshold: float = 0.35, min_cluster_size: int = 3, resolution: float = 2.0,
                 min_neighbours: int = MIN_NEIGHBOURS, merge_share: float = 0.3, seed: int = 0) -> None:
        self.threshold = threshold
        self.min_neighbours = min_neighbours
        self.min_cluster_size = min_cluster_size
        self.resolution = resolution
        self.merge_share = merge_share
        self.seed = seed

    def fit(self, indices: np.ndarray, similarities: np.ndarray) -> GraphGrouping:
        _check_range("threshold", self.threshold, -1.0, 1.0)
        _check_range("resolution", self.resolution, 0.0, None)
        if not isinstance(self.min_neighbours, int | np.integer) or self.min_neighbours < 0:
            raise ConfigError(f"min_neighbours must be a whole number of tickets (0 or more), got "
                              f"{self.min_neighbours!r}", key="min_neighbours",
                              fix="pass 0 to group every linked ticket, or e.g. 2 to leave one-off tickets alone")
        if int(self.min_cluster_size) < 2:
            raise ConfigError(f"min_cluster_size must be at least 2, got {self.min_cluster_size!r}",
                              key="min_cluster_size", fix="pass 2 or more (a cluster needs two tickets)")
        graph = keep_close(similarity_graph(indices, similarities, self.threshold), int(self.min_neighbours))
        communities = component_communities(graph, effective_resolution(graph, self.resolution), self.seed,
                                            self.merge_share, int(self.min_cluster_size))
        self.labels_ = relabel_by_size(communities, int(self.min_cluster_size))
        return self

    def fit_predict(self, indices, similarities=None, **kw) -> np.ndarray:
        return self.fit(indices, similarities).labels_


SMALL_GRAPH = 1_000


def keep_close(graph: sp.csr_matrix, min_neighbours: int) -> sp.csr_matrix:
    """The graph without the links of tickets that have fewer than ``min_neighbours`` linked tickets."""
    if min_neighbours <= 1 or graph.nnz == 0:
        return graph
    sym = graph + graph.T
    degree = np.diff(sym.tocsr().indptr)
    close = (degree >= min_neighbours).astype(np.float64)
    return (sp.diags(close) @ graph @ sp.diags(close)).tocsr()
LEIDEN_ITERATIONS = 4  # passes over the graph; later passes barely move anyone


def effective_resolution(graph: sp.csr_matrix, resolution: float) -> float:
    """The resolution used: above 1 it is damped towards 1 on graphs of fewer than 1,000 linked tickets.

    Modularity compares a group with the whole graph, so on a small graph a resolution above 1
    splits even a group of identical tickets that holds most of it; at 1 it does not.
    """
    return effective_resolution_for(np.count_nonzero(np.asarray((graph + graph.T).sum(axis=1)).ravel()), resolution)


def effective_resolution_for(linked: int, resolution: float) -> float:
    """:func:`effective_resolution` of a graph with ``linked`` linked tickets."""
    if resolution <= 1:
        return float(resolution)
    return float(1 + (resolution - 1) * min(1.0, linked / SMALL_GRAPH))


def leiden_communities(graph: sp.csr_matrix, resolution: float, seed: int) -> np.ndarray:
    """Community number of every node (isolated nodes get their own)."""
    import igraph

    n = graph.shape[0]
    coo = graph.tocoo()
    if coo.nnz == 0:
        return np.arange(n)
    g = igraph.Graph(n=n, edges=np.column_stack([coo.row, coo.col]).astype(np.int64), directed=False)
    g.es["weight"] = coo.data
    # igraph draws from a process-wide generator; seed it for this call and put the default back.
    igraph.set_random_number_generator(random.Random(seed))
    try:
        parts = g.community_leiden(objective_function="modularity", weights="weight", resolution=resolution,
                                   n_iterations=LEIDEN_ITERATIONS)
    finally:
        igraph.set_random_number_generator(random)
    return np.asarray(parts.membership, dtype=np.int64)


RESOLUTION_DIGITS = 12
"""Significant digits a component's resolution is rounded to, so that engines summing the link weights in another
order (the last bits of a float sum) give it, and so the communities, identically."""


def component_resolution(resolution: float, component_weight: float, total_weight: float) -> float:
    """The resolution that gives a component alone the whole graph's modularity objective: ``resolution`` times
    the component's share of the link weight.

    Modularity at resolution g sums, over communities, their inner link weight over the total ``m`` minus
    ``g`` times their squared degree share. Links never cross components, so the sum splits into one term per
    component, and a component's term, times ``m / m_C``, is its own modularity at ``g * m_C / m``. Maximising
    each component at that resolution maximises the whole graph's modularity.
    """
    if total_weight <= 0:
        return float(resolution)
    return float(f"{resolution * component_weight / total_weight:.{RESOLUTION_DIGITS}g}")


def component_communities(graph: sp.csr_matrix, resolution: float, seed: int, merge_share: float,
                          min_size: int) -> np.ndarray:
    """Community of every node, found in each connected component on its own (-1 where a component is smaller
    than ``min_size``, so it cannot hold a cluster).

    Each component runs :func:`group_component` on its links (nodes in row order) at
    :func:`component_resolution`: the whole graph's objective, and a unit that an engine can hand to any worker
    (:mod:`toolkit.spark.duplicates` groups components in parallel and gets these communities).
    """
    n = graph.shape[0]
    labels = np.full(n, -1, dtype=np.int64)
    if graph.nnz == 0:
        return labels
    _, component = connected_components(graph, directed=False)
    sizes = np.bincount(component)
    order = np.argsort(component, kind="stable")  # each component's nodes together, in row order
    blocks = graph[order][:, order].tocsr()
    total = math.fsum(graph.data)
    ends = np.cumsum(sizes)
    offset = 0
    for c in np.flatnonzero(sizes >= min_size):
        start, end = ends[c] - sizes[c], ends[c]
        block = blocks[start:end, start:end]
        local = group_component(block, resolution, total, seed, merge_share)
        labels[order[start:end]] = offset + local
        offset += int(local.max()) + 1
    return labels


def group_component(block: sp.csr_matrix, resolution: float, total_weight: float, seed: int,
                    merge_share: float) -> np.ndarray:
    """Communities 0.. of one connected component's links (upper triangle, nodes in row order): Leiden at the
    component's share of ``resolution`` (:func:`component_resolution`), then :func:`merge_entangled`."""
    block = sp.csr_matrix(block, copy=True)
    block.sum_duplicates()  # links in row-major order, whoever built the block: Leiden visits them in that order
    weight = component_resolution(resolution, math.fsum(block.data), total_weight)
    communities = leiden_communities(block, weight, seed)
    return merge_entangled(block, communities, merge_share)


def merge_entangled(graph: sp.csr_matrix, labels: np.ndarray, share: float) -> np.ndarray:
    """Merge communities whose mutual links carry >= ``share`` of the smaller one's total link weight."""
    labels = np.asarray(labels)
    n_groups = int(labels.max()) + 1 if len(labels) else 0
    if n_groups < 2 or graph.nnz == 0 or share > 1:
        return labels
    member = sp.csr_matrix((np.ones(len(labels)), (np.arange(len(labels)), labels)), shape=(len(labels), n_groups))
    sym = graph + graph.T
    links = (member.T @ sym @ member).tocoo()
    strength = member.T @ np.asarray(sym.sum(axis=1)).ravel()
    off = links.row < links.col
    a, b, w = links.row[off], links.col[off], links.data[off]
    smaller = np.minimum(strength[a], strength[b])
    close = w >= share * np.maximum(smaller, 1e-12)
    if not close.any():
        return labels
    pairs = sp.coo_matrix((np.ones(close.sum()), (a[close], b[close])), shape=(n_groups, n_groups))
    _, merged = connected_components(pairs, directed=False)
    return merged[labels]


def relabel_by_size(labels: np.ndarray, min_cluster_size: int) -> np.ndarray:
    """Number clusters 0.. by decreasing size (ties by first member); groups below the minimum become -1."""
    labels = np.asarray(labels)
    out = np.full(len(labels), -1, dtype=np.int64)
    valid = labels >= 0
    if not valid.any():
        return out
    uniq, first, inverse, counts = np.unique(labels[valid], return_index=True, return_inverse=True,
                                             return_counts=True)
    order = np.lexsort((first, -counts))
    rank = np.empty(len(uniq), dtype=np.int64)
    rank[order] = np.arange(len(uniq))
    new = rank[inverse]
    new[counts[inverse] < min_cluster_size] = -1
    out[np.flatnonzero(valid)] = new
    return out


def _check_range(name: str, value, low: float, high: float | None) -> None:
    ok = isinstance(value, int | float) and not isinstance(value, bool) and value >= low
    ok = ok and (high is None or value <= high)
    if not ok:
        bound = f"between {low} and {high}" if high is not None else f"at least {low}"
        raise ConfigError(f"{name} must be a number {bound}, got {value!r}", key=name,
                          fix=f"pass a {name} {bound}")


def merge_fragments(labels: np.ndarray, keys: pd.Series, created_at: pd.Series | None, vectors=None,
                    min_similarity: float = 0.0, key_share: float = 0.05, onset_days: int = 28) -> np.ndarray:
    """Merge clusters that are fragments of one problem: the same leading bug key, onset and subject.

    A cluster's leading key is the key most of its tickets cite, when at least ``key_share`` of them
    do; its onset is the date by which a tenth of its tickets had arrived. Clusters with the same
    leading key, onsets within ``onset_days`` of each other and centroids (of ``vectors``) at least
    ``min_similarity`` alike (the grouping's link threshold: as alike as two linked tickets) are
    one problem that the wording split (e.g. "no SMS code" and "2FA not received", both citing
    APP-2210 since the same week). The centroid test keeps apart two problems that happen to cite
    one catch-all key. Ids are then renumbered by size as in :func:`relabel_by_size`.
    """
    labels = np.asarray(labels)
    clustered = labels >= 0
    if not clustered.any():
        return labels
    pairs = pd.DataFrame({"cluster": labels, "key": keys.to_numpy()})[clustered].explode("key").dropna()
    pairs = pairs[pairs["key"].astype("str").str.contains("-", regex=False)]  # project keys, not "#123"
    if pairs.empty:
        return labels
    size = pd.Series(labels[clustered]).value_counts()
    counts = leading_keys(pairs.groupby(["cluster", "key"]).size().rename("n").reset_index(), size, key_share)
    if created_at is not None and len(counts):
        counts["onset"] = counts["cluster"].map(onsets(pd.to_datetime(created_at, utc=True), labels))
    else:
        counts["onset"] = pd.NaT
    centroids = unit_centroids(labels, vectors) if vectors is not None else None
    mapping = fragment_anchors(counts, centroids, min_similarity, onset_days)
    if not mapping:
        return labels
    merged = labels.copy()
    for fragment, anchor in mapping.items():
        merged[labels == fragment] = anchor
    return relabel_by_size(merged, 1)


def leading_keys(counts: pd.DataFrame, size: pd.Series, key_share: float) -> pd.DataFrame:
    """Each cluster's leading key (cited by most of its tickets, ties by key) where at least ``key_share`` of its
    tickets (``size``, by cluster) cite it: from ``counts`` of (cluster, key, n tickets)."""
    counts = counts.sort_values(["cluster", "n", "key"], ascending=[True, False, True]).drop_duplicates("cluster")
    return counts[counts["n"] >= key_share * counts["cluster"].map(size)].reset_index(drop=True)


def onsets(created_at: pd.Series, labels: np.ndarray) -> pd.Series:
    """Per cluster, the time by which a tenth of its tickets had arrived."""
    times = pd.Series(pd.Series(created_at).to_numpy())
    clustered = np.asarray(labels) >= 0
    return times[clustered].groupby(np.asarray(labels)[clustered]).quantile(0.1)


def fragment_anchors(counts: pd.DataFrame, centroids, min_similarity: float, onset_days: int) -> dict[int, int]:
    """Fragment cluster -> the cluster it joins, from each cluster's leading ``key`` and ``onset`` (``counts``)
    and unit ``centroids`` (row or entry per cluster; None to skip the test): clusters citing one key, in
    order of onset, join the first of a run whose onsets lie within ``onset_days`` of it, when their centroids
    are at least ``min_similarity`` alike."""
    mapping = {}
    for _, group in counts.sort_values(["key", "onset", "cluster"]).groupby("key", sort=False):
        anchor, anchor_onset = None, None
        for cluster, when in zip(group["cluster"], group["onset"], strict=True):
            close = anchor is not None and (pd.isna(when) or pd.isna(anchor_onset)
                                            or (when - anchor_onset) <= pd.Timedelta(days=onset_days))
            if close and centroids is not None:
                close = float(centroids[int(cluster)] @ centroids[anchor]) >= min_similarity
            if close:
                mapping[int(cluster)] = anchor
            else:
                anchor, anchor_onset = int(cluster), when
    return mapping


def unit_centroids(labels: np.ndarray, vectors) -> np.ndarray:
    """Unit-length mean vector of every cluster, row ``c`` for cluster ``c``."""
    labels = np.asarray(labels)
    mask = np.flatnonzero(labels >= 0)
    n_clusters = int(labels[mask].max()) + 1 if len(mask) else 0
    member = sp.csr_matrix((np.ones(len(mask)), (labels[mask], mask)), shape=(n_clusters, len(labels)))
    return unit_rows(member @ vectors)
