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

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator
from sklearn.cluster import MiniBatchKMeans
from tqdm.auto import tqdm

DENSE_COLUMN_SHARE = 0.9  # a sparse matrix's column set in at least this share of rows is part of a dense block
BLOCK_CELLS = 64_000_000  # similarity entries computed at once (256 MB of float32)
MAX_CELL_FACTOR = 4  # a cell larger than this many times cell_size is searched through a sample
RESCORE_ENTRIES = 20_000_000  # stored entries of sparse rows gathered at once to rescore chosen pairs


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
        mask = self.dense_columns_
        parts = (matrix[:, ~mask], np.asarray(matrix[:, mask].toarray(), dtype=np.float32))
        if matrix is self.vectors_:
            self._own_parts = parts
        return parts

    def _product(self, queries, rows):
        """Similarities of every query with every row of ``rows`` (a dense array)."""
        if getattr(self, "dense_columns_", None) is None:
            block = queries @ rows.T
            return block.toarray() if sp.issparse(block) else np.asarray(block)
        (qs, qd), (rs, rd) = self._parts(queries), self._parts(rows)
        return (qs @ rs.T).toarray() + qd @ rd.T

    def _cell_space(self, vectors) -> np.ndarray:
        """The vectors cells are made in: the dense block of hybrid rows, unit length; else the vectors."""
        if getattr(self, "dense_columns_", None) is None:
            return vectors
        dense = self._parts(vectors)[1]
        norms = np.linalg.norm(dense, axis=1, keepdims=True)
        return dense / np.where(norms == 0, 1, norms)

    def _ensure_cells(self) -> None:
        """Build the cells on first use (a finder that only regroups never needs them)."""
        if self.exact_ or self.centroids_ is not None:
            return
        vectors = self._cell_space(self.vectors_)
        n = vectors.shape[0]
        n_cells = int(np.ceil(n / self.cell_size))
        sample = vectors
        if n > 30 * n_cells:
            pick = np.sort(np.random.default_rng(self.seed).choice(n, 30 * n_cells, replace=False))
            sample = vectors[pick]
        # random initial centres: k-means++ costs more than the search it speeds up, cells come out as even
        kmeans = MiniBatchKMeans(n_clusters=n_cells, init="random", random_state=self.seed, n_init=1,
                                 batch_size=4096, max_iter=5).fit(sample)
        self.centroids_ = kmeans.cluster_centers_.astype(np.float32)
        self.cells_ = self._nearest_cells(self.vectors_, self.probes)
        self.order_ = np.argsort(self.cells_[:, 0], kind="stable")
        self.bounds_ = np.searchsorted(self.cells_[self.order_, 0], np.arange(n_cells + 1))

    def _nearest_cells(self, vectors, probes: int) -> np.ndarray:
        vectors = self._cell_space(vectors)
        probes = min(probes, len(self.centroids_))
        out = np.empty((vectors.shape[0], probes), dtype=np.int32)
        step = max(1, BLOCK_CELLS // len(self.centroids_))
        for start in range(0, vectors.shape[0], step):
            sims = np.asarray(vectors[start:start + step] @ self.centroids_.T)
            rows = np.arange(sims.shape[0])
            for p in range(probes):  # a few argmax passes beat a partition of the whole row
                best = sims.argmax(axis=1)
                out[start:start + step, p] = best
                sims[rows, best] = -np.inf
        return out

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
        """Exact similarities of the chosen pairs, rounded, best first (ties by row).

        Matrix products give results that differ in the last bits with memory layout and
        threading; recomputing the few chosen pairs with a fixed summation order and rounding
        to 1e-6 makes the graph, and so the clusters, the same on every run.
        """
        found = idx >= 0
        rows = np.repeat(np.arange(idx.shape[0]), idx.shape[1])[found.ravel()]
        cols = idx[found]
        sim = np.full(idx.shape, -np.inf)
        where = np.flatnonzero(found.ravel())
        step = 250_000
        if sp.issparse(self.vectors_):
            # a slice gathers two sparse copies of its rows: hybrid rows hold hundreds of entries each, so slices
            # are sized by entries (about 250 MB per copy), not by rows; each pair's dot product is the same
            entries_per_row = max(1.0, self.vectors_.nnz / max(1, self.vectors_.shape[0]))
            step = int(min(step, max(1_000, RESCORE_ENTRIES // entries_per_row)))
        for start in range(0, len(rows), step):
            r, c = rows[start:start + step], cols[start:start + step]
            if sp.issparse(self.vectors_):
                dots = np.asarray(queries[r].multiply(self.vectors_[c]).sum(axis=1)).ravel()
            else:
                dots = np.einsum("ij,ij->i", queries[r], self.vectors_[c], dtype=np.float64)
            sim.ravel()[where[start:start + step]] = np.round(dots, 6)
        order = np.lexsort((np.where(found, idx, np.iinfo(np.int64).max), -sim), axis=1)
        idx = np.take_along_axis(idx, order, 1)
        sim = np.take_along_axis(sim, order, 1).astype(np.float32)
        return idx, sim

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
                    cap = MAX_CELL_FACTOR * self.cell_size
                    if len(members) > cap:
                        # a crowd of near-identical tickets: compare with a fixed sample of it, which
                        # keeps the cost linear and the crowd connected through the shared sample
                        keep = np.random.default_rng([self.seed, c]).choice(len(members), cap, replace=False)
                        members = members[np.sort(keep)]
                    kk = min(k, len(members))
                    step = max(1, BLOCK_CELLS // len(members))
                    cand = self.vectors_[members]
                    for start in range(0, len(q), step):
                        rows = q[start:start + step]
                        block = np.asarray(self._product(queries[rows], cand), dtype=np.float32)
                        if self_rows is not None:
                            own = np.asarray(self_rows)[rows]
                            at = np.minimum(np.searchsorted(members, own), len(members) - 1)
                            mine = np.flatnonzero((own >= 0) & (members[at] == own))
                            block[mine, at[mine]] = -np.inf
                        i, s = _top_k(block, kk)
                        idx[rows, p * k:p * k + kk] = members[i]
                        sim[rows, p * k:p * k + kk] = s
        keep = min(k, probes * k)
        i, s = _top_k(sim, keep)
        out = np.take_along_axis(idx, i, 1)
        out[~np.isfinite(s)] = -1
        return out, s


def _dense_columns(vectors) -> np.ndarray | None:
    """Mask of a sparse matrix's dense columns (set in >= 90% of rows), when there are at least 16; else None."""
    if not sp.issparse(vectors) or vectors.shape[0] < 2:
        return None
    counts = np.bincount(vectors.tocsr().indices, minlength=vectors.shape[1])
    mask = counts >= DENSE_COLUMN_SHARE * vectors.shape[0]
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
