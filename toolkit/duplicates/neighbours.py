"""The k most similar tickets of every ticket, without ever building an n x n matrix.

Small sets (up to ``exact_limit`` rows) are searched exactly, a block of rows at a
time. Large sets are searched in cells: k-means splits the vectors into cells of
about ``cell_size`` rows, each ticket is compared with every ticket of its
``probes`` nearest cells, so the cost is about ``n * probes * cell_size * dims``,
linear in n. This is the inverted-file (IVF) scheme of approximate search libraries;
it is written here with numpy and scikit-learn's k-means because it is short, needs
no extra dependency, and its result is exact within the probed cells and
deterministic given the seed. Near-duplicates sit in the same or a neighbouring
cell, so recall on them is high. A cell that k-means cannot split (thousands of
near-identical tickets) is compared through a fixed sample of ``4 x cell_size`` of its
members, so the cost stays linear.

Hybrid vectors (sparse TF-IDF columns beside dense sentence-model columns, see
:class:`~toolkit.duplicates.representation.HybridRepresentation`) are recognised by their
dense columns: products are taken block by block (a sparse product for the words, BLAS for
the dense block), and large sets are cut into cells by their dense block, which carries the
meaning; similarities inside the probed cells are the exact hybrid ones.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator
from sklearn.cluster import MiniBatchKMeans
from tqdm.auto import tqdm

DENSE_COLUMN_SHARE = 0.9  # a sparse matrix's column set in at least this share of rows is part of a dense block
BLOCK_CELLS = 64_000_000  # similarity entries computed at once (256 MB of float32)
_BLAS = None  # threadpoolctl's view of the loaded BLAS libraries, found on first use


def one_blas_thread():
    """A context in which BLAS runs on one thread.

    A float32 matrix product's last bits depend on how many threads share it (measured: on 300,000 tickets the
    cell search on one thread and on two chose another of two nearly equal candidates for 4,451 tickets). Spark
    runs its Python workers with one BLAS thread per task, so every product that decides a neighbour or a cell
    runs on one thread in both engines, and they choose alike.
    """
    global _BLAS
    if _BLAS is None:
        from threadpoolctl import ThreadpoolController

        _BLAS = ThreadpoolController()
    return _BLAS.limit(limits=1, user_api="blas")
MAX_CELL_FACTOR = 4  # a cell larger than this many times cell_size is searched through a sample
RESCORE_ENTRIES = 20_000_000  # stored entries of sparse rows gathered at once to rescore chosen pairs
RESCORE_VALUES = 1_000_000  # numbers of dense rows gathered at once to rescore chosen pairs (8 MB as float64)


class NearestNeighbours(BaseEstimator):
    """Cosine k-nearest-neighbour search over L2-normalised rows (dense or sparse).

    Parameters
    ----------
    k : neighbours kept per ticket.
    exact_limit : sets up to this size are searched exactly; larger dense sets in cells.
    cell_size : average rows per cell in the cell search.
    probes : cells searched per ticket.
    seed : seed of the k-means that makes the cells.

    After ``fit(vectors)``: ``kneighbors()`` gives the graph of the fitted rows,
    ``query(vectors, k)`` searches new rows.
    """

    def __init__(self, k: int = 15, exact_limit: int = 5_000, cell_size: int = 500, probes: int = 2,
                 seed: int = 0, progress: bool = True) -> None:
        self.k = k
        self.exact_limit = exact_limit
        self.cell_size = cell_size
        self.probes = probes
        self.seed = seed
        self.progress = progress

    def fit(self, vectors) -> NearestNeighbours:
        self.vectors_ = vectors
        n = vectors.shape[0]
        self.dense_columns_ = _dense_columns(vectors)
        self._own_parts = None
        self.exact_ = (sp.issparse(vectors) and self.dense_columns_ is None) or n <= self.exact_limit
        self.centroids_ = None
        return self

    def _parts(self, matrix):
        """(sparse columns, dense columns as an array) of hybrid rows; the fitted rows' are kept."""
        if matrix is self.vectors_ and self._own_parts is not None:
            return self._own_parts
        parts = hybrid_parts(matrix, self.dense_columns_)
        if matrix is self.vectors_:
            self._own_parts = parts
        return parts

    def _product(self, queries, rows):
        """Similarities of every query with every row of ``rows`` (a dense array)."""
        if getattr(self, "dense_columns_", None) is None:
            return similarity_block(queries, rows, None)
        return similarity_block(self._parts(queries), self._parts(rows), self.dense_columns_)

    def _cell_space(self, vectors) -> np.ndarray:
        """The vectors cells are made in: the dense block of hybrid rows, unit length; else the vectors."""
        if getattr(self, "dense_columns_", None) is None:
            return vectors
        return unit_rows(self._parts(vectors)[1])

    def _ensure_cells(self) -> None:
        """Build the cells on first use (a finder that only regroups never needs them)."""
        if self.exact_ or self.centroids_ is not None:
            return
        vectors = self._cell_space(self.vectors_)
        n = vectors.shape[0]
        n_cells = cell_count(n, self.cell_size)
        self.centroids_ = fit_cells(vectors[centroid_rows(n, n_cells, self.seed)], n_cells, self.seed)
        self.groups_ = cell_groups(self.centroids_)
        self.cells_ = self._nearest_cells(self.vectors_, self.probes)
        self.order_ = np.argsort(self.cells_[:, 0], kind="stable")
        self.bounds_ = np.searchsorted(self.cells_[self.order_, 0], np.arange(n_cells + 1))

    def _nearest_cells(self, vectors, probes: int) -> np.ndarray:
        return nearest_cells(self._cell_space(vectors), self.centroids_, probes, self.groups_)

    def kneighbors(self) -> tuple[np.ndarray, np.ndarray]:
        """Neighbours of every fitted row (itself excluded): indices (-1 when fewer exist) and similarities."""
        n = self.vectors_.shape[0]
        self._ensure_cells()
        return self._search(self.vectors_, self.k, self_rows=np.arange(n), cells=None if self.exact_ else self.cells_)

    def query(self, vectors, k: int | None = None, probes: int | None = None, exclude=None):
        """The ``k`` fitted rows most similar to each row of ``vectors``.

        ``exclude`` optionally gives, per query, a fitted row index to leave out (e.g. the query itself).
        """
        k = self.k if k is None else k
        cells = None
        self._ensure_cells()
        if not self.exact_:
            cells = self._nearest_cells(vectors, probes or max(self.probes, 3))
        return self._search(vectors, k, self_rows=exclude, cells=cells)

    def _search(self, queries, k: int, self_rows, cells):
        n = self.vectors_.shape[0]
        m = queries.shape[0]
        k = int(max(0, min(k, n - (self_rows is not None))))
        if k == 0 or m == 0:
            return np.full((m, k), -1, dtype=np.int64), np.full((m, k), -np.inf, dtype=np.float32)
        if cells is None:
            idx, _ = self._exact(queries, k, self_rows)
        else:
            idx, _ = self._cells(queries, k, self_rows, cells)
        return self._rescore(queries, idx)

    def _rescore(self, queries, idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Exact similarities of the chosen pairs, rounded, best first (ties by row) (:func:`pair_similarities`)."""
        found = idx >= 0
        rows = np.repeat(np.arange(idx.shape[0]), idx.shape[1])[found.ravel()]
        sim = np.full(idx.shape, -np.inf)
        sim[found] = pair_similarities(queries, rows, self.vectors_, idx[found])
        return best_first(idx, sim)

    def _exact(self, queries, k: int, self_rows):
        n = self.vectors_.shape[0]
        m = queries.shape[0]
        idx = np.empty((m, k), dtype=np.int64)
        sim = np.empty((m, k), dtype=np.float32)
        step = max(1, BLOCK_CELLS // max(n, 1))
        starts = range(0, m, step)
        for start in tqdm(starts, desc="neighbours (exact)", disable=not self.progress or m < 50_000):
            block = self._product(queries[start:start + step], self.vectors_).astype(np.float32, copy=False)
            if self_rows is not None:
                rows = np.arange(block.shape[0])
                own = np.asarray(self_rows[start:start + step])
                ok = own >= 0
                block[rows[ok], own[ok]] = -np.inf
            i, s = _top_k(block, k)
            idx[start:start + len(i)] = i
            sim[start:start + len(i)] = s
        return idx, sim

    def _cells(self, queries, k: int, self_rows, cells):
        m, probes = cells.shape
        idx = np.full((m, probes * k), -1, dtype=np.int64)
        sim = np.full((m, probes * k), -np.inf, dtype=np.float32)
        slots = [(p, np.argsort(cells[:, p], kind="stable")) for p in range(probes)]
        bounds = [np.searchsorted(cells[order, p], np.arange(len(self.centroids_) + 1)) for p, order in slots]
        total = probes * len(self.centroids_)
        with tqdm(total=total, desc="neighbours (cells)", disable=not self.progress or m < 50_000) as bar:
            for (p, order), bound in zip(slots, bounds, strict=True):
                for c in range(len(self.centroids_)):
                    bar.update(1)
                    q = order[bound[c]:bound[c + 1]]
                    members = self.order_[self.bounds_[c]:self.bounds_[c + 1]]
                    if len(q) == 0 or len(members) == 0:
                        continue
                    members = members[searched_members(len(members), c, self.cell_size, self.seed)]
                    exclude = None if self_rows is None else np.asarray(self_rows)[q]
                    at, s = cell_top_k(queries[q], exclude, self.vectors_[members], members, k,
                                       getattr(self, "dense_columns_", None))
                    idx[q, p * k:p * k + at.shape[1]] = members[at]
                    sim[q, p * k:p * k + at.shape[1]] = s
        return merge_probes(idx, sim, k)


def cell_count(n: int, cell_size: int) -> int:
    """Cells of the cell search over ``n`` rows: one per ``cell_size`` rows."""
    return int(np.ceil(n / cell_size))


CENTROID_SAMPLE = 256_000
"""Rows the cell centroids are fitted on at most (30 per cell up to 8,533 cells, about 4.3M tickets), unless that
leaves fewer than 4 per cell: the sample a driver holds stops growing with the tickets."""


def centroid_rows(n: int, n_cells: int, seed: int) -> np.ndarray:
    """Rows (sorted) the cell centroids are fitted on: 30 per cell up to :data:`CENTROID_SAMPLE` rows (at least 4
    per cell), a seeded draw, or all rows if fewer.

    The draw needs only ``n``, so an engine that keeps its rows elsewhere (Spark) fetches just these.
    """
    size = min(30 * n_cells, max(CENTROID_SAMPLE, 4 * n_cells))
    if n <= size:
        return np.arange(n)
    return np.sort(np.random.default_rng(seed).choice(n, size, replace=False))


def fit_cells(sample: np.ndarray, n_cells: int, seed: int) -> np.ndarray:
    """The ``n_cells`` centroids (float32, not normalised) that k-means finds in the sampled cell-space rows."""
    # random initial centres: k-means++ costs more than the search it speeds up, cells come out as even
    kmeans = MiniBatchKMeans(n_clusters=n_cells, init="random", random_state=seed, n_init=1,
                             batch_size=4096, max_iter=5).fit(sample)
    return kmeans.cluster_centers_.astype(np.float32)


EXACT_CELLS = 4_096
"""Up to this many cells (about 2M tickets at 500 a cell) every row is compared with every centroid. That costs
``n * n / cell_size`` products, quadratic in n: at 10M tickets, 20,000 centroids per ticket took 23 minutes of the
Spark engine's neighbour step on two cores. Above it, a row is compared with the centroids of its
:data:`GROUP_PROBES` nearest groups of centroids (:func:`centroid_groups`), about ``GROUP_PROBES * sqrt(cells)``."""
GROUP_PROBES = 8
"""Groups of centroids whose members a row is compared with, above :data:`EXACT_CELLS` cells."""
GROUP_PASSES = 5
"""Lloyd passes that make the groups of centroids."""


@dataclass(frozen=True)
class CentroidGroups:
    """The centroids in groups (:func:`centroid_groups`): a row meets the centroids of its ``probes`` nearest
    groups only. Made once per set of centroids (the Spark engine broadcasts the driver's), not per block of rows."""

    centres: np.ndarray
    """Each group's centre (float64)."""
    group: np.ndarray
    """Each centroid's group."""
    probes: int
    """Groups whose members a row is compared with."""

    @property
    def members(self) -> list[np.ndarray]:
        """Each group's cells, ascending."""
        order = np.argsort(self.group, kind="stable")
        return np.split(order, np.flatnonzero(np.diff(self.group[order])) + 1)


def cell_groups(centroids: np.ndarray) -> CentroidGroups | None:
    """How rows find their cells among ``centroids``: ``None`` up to :data:`EXACT_CELLS` (each row meets every
    centroid), else the centroids' groups, :data:`GROUP_PROBES` of them probed per row."""
    return None if len(centroids) <= EXACT_CELLS else centroid_groups(centroids, GROUP_PROBES)


def nearest_cells(space, centroids: np.ndarray, probes: int, groups: CentroidGroups | None = None) -> np.ndarray:
    """Per cell-space row, its ``probes`` most similar centroids, best first (ties: the lower cell).

    The first is the row's home cell. Rows are compared with the centroids a block at a time on one BLAS thread
    (:func:`one_blas_thread`), in float64: a float32 product's last bits depend on how the rows are cut into blocks
    (measured: 3,000 rows times 2,000 centroids in blocks of 100 rows against one block, 328,578 of the 6,000,000
    products differ), and Spark cuts them by partition, so a near-tie would pick another home cell when the
    partitions change; float64 leaves only ties within about 1e-16. With ``groups`` (:func:`cell_groups`: above
    :data:`EXACT_CELLS` centroids), only the centroids of the row's nearest groups are compared
    (:func:`grouped_nearest_cells`).
    """
    probes = min(probes, len(centroids))
    if groups is not None:
        return grouped_nearest_cells(space, centroids, probes, groups)
    out = np.empty((space.shape[0], probes), dtype=np.int32)
    step = max(1, BLOCK_CELLS // len(centroids))
    wide = np.asarray(centroids, dtype=np.float64).T
    for start in range(0, space.shape[0], step):
        with one_blas_thread():
            sims = np.asarray(space[start:start + step].astype(np.float64) @ wide)
        rows = np.arange(sims.shape[0])
        for p in range(probes):  # a few argmax passes beat a partition of the whole row
            best = sims.argmax(axis=1)
            out[start:start + step, p] = best
            sims[rows, best] = -np.inf
    return out


def centroid_groups(centroids: np.ndarray, probes: int, seed: int = 0) -> CentroidGroups:
    """About ``sqrt(len(centroids))`` groups of the centroids, by similarity as rows meet centroids, ``probes`` of
    them met per row. Lloyd passes from centroids drawn with ``seed``, in numpy on one BLAS thread and summed in
    centroid order, so every engine makes the same groups. Groups left empty are dropped."""
    points = np.asarray(centroids, dtype=np.float64)
    count = int(np.ceil(np.sqrt(len(points))))
    centres = points[np.sort(np.random.default_rng(seed).choice(len(points), count, replace=False))]
    for _ in range(GROUP_PASSES):
        with one_blas_thread():
            group = np.asarray(points @ centres.T).argmax(axis=1)
        order = np.argsort(group, kind="stable")  # members summed in centroid order: the same bits everywhere
        filled, firsts, sizes = np.unique(group[order], return_index=True, return_counts=True)
        centres[filled] = np.add.reduceat(points[order], firsts, axis=0) / sizes[:, None]  # emptied: kept
    with one_blas_thread():
        group = np.asarray(points @ centres.T).argmax(axis=1)
    kept = np.unique(group)
    return CentroidGroups(centres[kept], np.searchsorted(kept, group), probes)


def grouped_nearest_cells(space, centroids: np.ndarray, probes: int, groups: CentroidGroups) -> np.ndarray:
    """:func:`nearest_cells` among the centroids of each row's ``groups.probes`` nearest groups: the same float64
    products and tie rule, about ``groups.probes * sqrt(cells)`` of them per row instead of one per cell. A row
    whose best centroid lies outside those groups gets the best inside."""
    wide = np.asarray(centroids, dtype=np.float64)
    members = groups.members
    reach = min(max(groups.probes, probes), len(members))  # groups are never empty: at least `probes` cells
    out = np.empty((space.shape[0], probes), dtype=np.int32)
    step = max(1, BLOCK_CELLS // (reach * max(len(m) for m in members)))
    for start in range(0, space.shape[0], step):
        block = space[start:start + step].astype(np.float64)
        with one_blas_thread():
            near = np.argpartition(-np.asarray(block @ groups.centres.T), reach - 1, axis=1)[:, :reach]
        best_sim = np.full((block.shape[0], probes), -np.inf)
        best_cell = np.full((block.shape[0], probes), np.iinfo(np.int32).max, dtype=np.int64)
        pairs = near.ravel()  # (row, group) pairs, gathered by group
        order = np.argsort(pairs, kind="stable")
        found, firsts = np.unique(pairs[order], return_index=True)
        for g, rows in zip(found, np.split(order // reach, firsts[1:]), strict=True):
            cells = members[g]
            with one_blas_thread():
                sims = np.asarray(block[rows] @ wide[cells].T)
            top_sim, top_cell = _best_columns(sims, cells, probes)
            both_sim = np.concatenate([best_sim[rows], top_sim], axis=1)
            both_cell = np.concatenate([best_cell[rows], top_cell], axis=1)
            pick = np.lexsort((both_cell, -both_sim), axis=1)[:, :probes]  # best first, ties: the lower cell
            best_sim[rows] = np.take_along_axis(both_sim, pick, axis=1)
            best_cell[rows] = np.take_along_axis(both_cell, pick, axis=1)
        out[start:start + step] = best_cell
    return out


def _best_columns(sims: np.ndarray, cells: np.ndarray, probes: int) -> tuple[np.ndarray, np.ndarray]:
    """Per row of ``sims`` (columns: ``cells``, ascending), the ``probes`` best similarities and their cells, best
    first (ties: the lower cell; -inf and no cell where a row has fewer columns). Overwrites ``sims``."""
    rows = np.arange(sims.shape[0])
    top_sim = np.full((sims.shape[0], probes), -np.inf)
    top_cell = np.full((sims.shape[0], probes), np.iinfo(np.int32).max, dtype=np.int64)
    for p in range(min(probes, sims.shape[1])):
        best = sims.argmax(axis=1)
        top_sim[:, p], top_cell[:, p] = sims[rows, best], cells[best]
        sims[rows, best] = -np.inf
    return top_sim, top_cell


def searched_members(count: int, cell: int, cell_size: int, seed: int) -> np.ndarray:
    """Positions of the members of ``cell`` (``count`` of them, in row order) that queries are compared with.

    All of them, or for a cell larger than ``MAX_CELL_FACTOR * cell_size`` (a crowd of near-identical
    tickets) a fixed sample of that many, which keeps the cost linear and the crowd connected through
    the shared sample.
    """
    cap = MAX_CELL_FACTOR * cell_size
    if count <= cap:
        return np.arange(count)
    return np.sort(np.random.default_rng([seed, cell]).choice(count, cap, replace=False))


def cell_top_k(queries, exclude, candidates, members: np.ndarray, k: int,
               dense_columns: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """Positions among ``candidates`` (rows ``members``, sorted) of each query's ``min(k, len(members))`` most
    similar, and the float32 similarities (ties by position).

    ``exclude`` gives per query a row to leave out (similarity -inf), or is None. Queries are compared a block
    of rows at a time, the same blocks whoever calls, so the float32 products are the same bits.
    """
    kk = min(k, len(members))
    at = np.empty((queries.shape[0], kk), dtype=np.int64)
    sim = np.empty((queries.shape[0], kk), dtype=np.float32)
    step = max(1, BLOCK_CELLS // len(members))
    cand = candidates if dense_columns is None else hybrid_parts(candidates, dense_columns)
    for start in range(0, queries.shape[0], step):
        block = queries[start:start + step]
        if dense_columns is not None:
            block = hybrid_parts(block, dense_columns)
        block = np.asarray(similarity_block(block, cand, dense_columns), dtype=np.float32)
        if exclude is not None:
            own = np.asarray(exclude[start:start + step])
            pos = np.minimum(np.searchsorted(members, own), len(members) - 1)
            mine = np.flatnonzero((own >= 0) & (members[pos] == own))
            block[mine, pos[mine]] = -np.inf
        at[start:start + step], sim[start:start + step] = _top_k(block, kk)
    return at, sim


def merge_probes(idx: np.ndarray, sim: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The ``k`` best of each query's candidates from all its probed cells, and their float32 similarities.

    ``idx``/``sim`` hold per query ``k`` slots per probe (probe by probe, best first within one); ties go to
    the earlier slot, unfilled or excluded slots (-inf) come back as -1.
    """
    i, s = _top_k(sim, min(k, sim.shape[1]))
    out = np.take_along_axis(idx, i, 1)
    out[~np.isfinite(s)] = -1
    return out, s


def pair_similarities(queries, query_rows: np.ndarray, vectors, rows: np.ndarray) -> np.ndarray:
    """Exact similarities of the pairs (``queries[query_rows[i]]``, ``vectors[rows[i]]``), rounded to 1e-6.

    Matrix products give results that differ in the last bits with memory layout and threading;
    recomputing the few chosen pairs with a fixed summation order and rounding to 1e-6 makes the
    graph, and so the clusters, the same on every run.
    """
    out = np.empty(len(rows))
    if sp.issparse(vectors):
        # a slice gathers two sparse copies of its rows: hybrid rows hold hundreds of entries each, so slices
        # are sized by entries (about 250 MB per copy), not by rows; each pair's dot product is the same
        entries_per_row = max(1.0, vectors.nnz / max(1, vectors.shape[0]))
        step = int(min(250_000, max(1_000, RESCORE_ENTRIES // entries_per_row)))
    else:
        # float64 copies small enough to stay in cache: einsum casting float32 as it goes ran 13 times slower
        step = max(1, RESCORE_VALUES // max(1, vectors.shape[1]))
    for start in range(0, len(rows), step):
        r, c = query_rows[start:start + step], rows[start:start + step]
        if sp.issparse(vectors):
            dots = np.asarray(queries[r].multiply(vectors[c]).sum(axis=1)).ravel()
        else:
            dots = np.einsum("ij,ij->i", queries[r].astype(np.float64), vectors[c].astype(np.float64))
        out[start:start + step] = np.round(dots, 6)
    return out


def best_first(idx: np.ndarray, sim: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each row's neighbours by falling similarity, ties by row index, -1 last; similarities as float32."""
    found = idx >= 0
    order = np.lexsort((np.where(found, idx, np.iinfo(np.int64).max), -sim), axis=1)
    return np.take_along_axis(idx, order, 1), np.take_along_axis(sim, order, 1).astype(np.float32)


def hybrid_parts(matrix, dense_columns: np.ndarray):
    """(sparse columns, dense columns as a float32 array) of hybrid rows."""
    return matrix[:, ~dense_columns], np.asarray(matrix[:, dense_columns].toarray(), dtype=np.float32)


def similarity_block(queries, rows, dense_columns: np.ndarray | None) -> np.ndarray:
    """Similarities of every query with every row, a dense array; hybrid rows come as :func:`hybrid_parts`.

    The products run on one BLAS thread (:func:`one_blas_thread`), so every engine gets the same bits."""
    with one_blas_thread():
        if dense_columns is None:
            block = queries @ rows.T
            return block.toarray() if sp.issparse(block) else np.asarray(block)
        (qs, qd), (rs, rd) = queries, rows
        return (qs @ rs.T).toarray() + qd @ rd.T


def unit_rows(block) -> np.ndarray:
    """The rows (of an array or a sparse matrix) as an array scaled to unit length (zero rows stay zero)."""
    block = block.toarray() if sp.issparse(block) else np.asarray(block)
    norms = np.linalg.norm(block, axis=1, keepdims=True)
    return block / np.where(norms == 0, 1, norms)


def cell_space(matrix, dense_columns: np.ndarray | None):
    """The vectors cells are made in: the dense (sentence-model) block of hybrid rows, unit length; else the
    vectors themselves."""
    if dense_columns is None:
        return matrix
    return unit_rows(hybrid_parts(matrix, dense_columns)[1])


def _dense_columns(vectors) -> np.ndarray | None:
    """Mask of a sparse matrix's dense columns (set in >= 90% of rows), when there are at least 16; else None."""
    if not sp.issparse(vectors) or vectors.shape[0] < 2:
        return None
    return dense_column_mask(np.bincount(vectors.tocsr().indices, minlength=vectors.shape[1]), vectors.shape[0])


def dense_column_mask(counts: np.ndarray, n: int) -> np.ndarray | None:
    """Mask of the columns set in >= 90% of ``n`` rows (``counts`` per column), when there are at least 16."""
    mask = counts >= DENSE_COLUMN_SHARE * n
    return mask if mask.sum() >= 16 else None


def _top_k(block: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Column positions and values of the k largest entries per row, largest first (ties by position).

    ``np.partition`` (values only) is several times faster than ``np.argpartition`` on wide rows,
    so the k-th largest value is found first and only entries at least that large are sorted.
    """
    m, width = block.shape
    if k >= width:
        top = np.tile(np.arange(width), (m, 1))
        order = np.lexsort((top, -block), axis=1)
        return order, np.take_along_axis(block, order, 1)
    kth = np.partition(block, width - k, axis=1)[:, width - k]
    wide = block >= kth[:, np.newaxis]
    counts = wide.sum(axis=1)
    crowded = counts > 4 * k  # many ties at the k-th value (e.g. empty texts): rare, done the slow way
    if crowded.any():
        wide[crowded] = False
    rows, cols = np.nonzero(wide)
    vals = block[rows, cols]
    order = np.lexsort((cols, -vals, rows))
    rows, cols, vals = rows[order], cols[order], vals[order]
    starts = np.searchsorted(rows, np.arange(m))
    rank = np.arange(len(rows)) - starts[rows]
    keep = rank < k
    top = np.empty((m, k), dtype=np.int64)
    top[rows[keep], rank[keep]] = cols[keep]
    if crowded.any():
        sub = block[crowded]
        part = np.argpartition(-sub, k - 1, axis=1)[:, :k]
        part_vals = np.take_along_axis(sub, part, 1)
        top[crowded] = np.take_along_axis(part, np.lexsort((part, -part_vals), axis=1), 1)
    return top, np.take_along_axis(block, top, 1)
