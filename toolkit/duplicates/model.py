"""The duplicate-issue model: clean, represent, link neighbours, group, label, rank.

:class:`DuplicateFinder` chains the parts of this package the way a scikit-learn
pipeline does; each part is a parameter and can be replaced by any object with the
same methods. A fitted finder keeps the ticket vectors and the neighbour graph, so
re-clustering at another threshold, on a subset, or after appending tickets does
not vectorise again.
"""

from __future__ import annotations

import time
from pathlib import Path

import joblib
import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.base import BaseEstimator, clone
from tqdm.auto import tqdm

from toolkit.duplicates.bug_keys import check_projects, ticket_bug_keys
from toolkit.duplicates.cleaning import TicketCleaner
from toolkit.duplicates.grouping import MIN_NEIGHBOURS, GraphGrouping, merge_fragments, unit_centroids
from toolkit.duplicates.labelling import TermWeights, cluster_counts
from toolkit.duplicates.neighbours import NearestNeighbours, unit_rows
from toolkit.duplicates.representation import make_representation
from toolkit.duplicates.search import TicketIndex
from toolkit.duplicates.summaries import KEY_MIN_SHARE, summarise_clusters
from toolkit.errors import ConfigError, DataError
from toolkit.files import atomic_path
from toolkit.schema import has_values

KEPT_COLUMNS = ["ticket_id", "created_at", "subject", "requester_id", "organization_id", "agent_replies",
                "full_resolution_minutes", "reopens", "satisfaction", "problem_id", "parent_id"]
BAR_FROM = 20_000  # fits of fewer tickets take a few seconds: no progress bar
SUBGRAPH_SHARE = 0.5  # a subset holding at least this share re-uses the cached neighbour graph


class DuplicateFinder(BaseEstimator):
    """Find groups of tickets about the same problem, and rank them by impact.

    Parameters
    ----------
    representation : ``"auto"`` (default: ``"hybrid"`` where the ``semantic`` extra is installed and the
        set has at most 100,000 tickets, else ``"tfidf"``), ``"tfidf"``, ``"tfidf-cosine"``,
        ``"semantic-static"``, ``"semantic"``, ``"hybrid"``, or an object with ``fit``/``transform``
        returning L2-normalised rows.
    threshold : minimum cosine similarity for two tickets to be linked; None uses the
        representation's default (0.35 for tfidf, 0.6 for hybrid). Higher: fewer, tighter clusters, more unclustered.
    min_cluster_size : smallest group reported as a cluster (smaller ones stay unclustered).
    resolution : Leiden modularity resolution; higher splits topics more finely. None uses the
        representation's default (2 for tfidf, 5 for semantic, 0.6 for hybrid).
    k : neighbours per ticket in the similarity graph (of the default neighbour search), and fitted
        tickets consulted per new ticket by :meth:`assign` and :meth:`update`.
    cleaner : a :class:`TicketCleaner` (or any object whose ``transform(tickets)`` gives texts).
    neighbours : the neighbour search: None for :class:`NearestNeighbours` with ``k`` and ``seed``, or any
        object with ``fit(vectors)``, ``kneighbors() -> (indices, similarities)`` and
        ``query(vectors, k, exclude=None)`` (it brings its own ``k``). Cloned for each fit.
    grouping : the grouping of the neighbour graph: None for :class:`GraphGrouping` with ``threshold``,
        ``min_cluster_size``, ``resolution`` and ``seed``, or any object with ``fit(indices, similarities)``
        setting ``labels_`` (-1 = unclustered). A given grouping keeps its own parameters; the three above
        then apply only to the default. Cloned for each fit.
    seed : seed for every random step; the same data and parameters give the same clusters.
    bug_key_projects : the bug tracker's project keys (e.g. ``["APP", "BILL"]``) to accept only
        those; None finds any (:mod:`~toolkit.duplicates.bug_keys`).
    progress : show progress bars on long steps (True/False), or a callable
        ``progress(step: str, done: int, total: int)`` told when each step of ``fit`` starts
        (steps: clean, vectorise, neighbours, group, label) and when it ends (done == total).
    """

    def __init__(self, representation="auto", threshold: float | None = None, min_cluster_size: int = 3,
                 resolution: float | None = None, k: int = 15, cleaner=None, seed: int = 0,
                 progress: bool = True, neighbours=None, grouping=None, bug_key_projects=None) -> None:
        self.representation = representation
        self.threshold = threshold
        self.min_cluster_size = min_cluster_size
        self.resolution = resolution
        self.k = k
        self.cleaner = cleaner
        self.seed = seed
        self.progress = progress
        self.neighbours = neighbours
        self.grouping = grouping
        self.bug_key_projects = bug_key_projects

    # ------------------------------------------------------------------ fitting
    def fit(self, tickets, messages: pd.DataFrame | None = None, previous=None) -> DuplicateFinder:
        """Cluster ``tickets`` (canonical tickets frame, or a list/Series of texts).

        ``messages`` (canonical messages) adds bug keys quoted anywhere in a conversation.
        ``previous`` (a fitted finder or its ``assignments_``) keeps cluster ids stable: each new
        cluster takes the id of the old cluster it shares most tickets with.
        """
        started = time.perf_counter()
        check_projects(self.bug_key_projects)
        frame = _as_tickets(tickets)
        # one bar over the steps on large sets (Leiden and naming report no progress of their own)
        self._bar = tqdm(total=5, desc="duplicates", unit="step", disable=not self._bars or len(frame) < BAR_FROM)
        self._step("clean", 0)
        self.cleaner_ = self.cleaner if self.cleaner is not None else TicketCleaner()
        texts = self.cleaner_.transform(frame)
        self._step("vectorise", 1)
        self.texts_ = texts.reset_index(drop=True)
        self.bug_keys_ = ticket_bug_keys(frame, messages, self.bug_key_projects)
        self.tickets_ = frame[[c for c in KEPT_COLUMNS if c in frame.columns]].reset_index(drop=True)
        self.representation_ = make_representation(self.representation, seed=self.seed, progress=self._bars,
                                                   n_tickets=len(frame))
        self.representation_.fit(self.texts_)
        self._set_group_parameters()
        self.vectors_ = self.representation_.transform(self.texts_)
        self.timings_ = {"vectorise_seconds": time.perf_counter() - started}
        self.term_weights_ = TermWeights(seed=self.seed).fit(self.texts_)
        self._link()
        self._finish(previous, started)
        return self

    def _finish(self, previous, started: float, labels: np.ndarray | None = None) -> None:
        """Group the cached graph (unless its ``labels`` are given), name and rank the clusters (the steps after
        the neighbour search)."""
        self._cluster(self._make_grouping(), previous=previous_assignments(previous), labels=labels)
        self._step("label", 5)
        if self._bar is not None:
            self._bar.close()
        self._bar = None
        self.timings_["total_seconds"] = time.perf_counter() - started

    def fit_graph(self, tickets: pd.DataFrame, texts: pd.Series, vectors, graph: tuple[np.ndarray, np.ndarray],
                  representation, messages: pd.DataFrame | None = None, previous=None,
                  labels: np.ndarray | None = None) -> DuplicateFinder:
        """Group, name and rank tickets whose cleaned texts, vectors and neighbour graph were computed elsewhere.

        This is :meth:`fit` after its neighbour search, for an engine that vectorises and searches in
        parallel (:mod:`toolkit.spark.duplicates`): the grouping, naming, ranking and evidence are the
        same code, so a given graph gives the same clusters as :meth:`fit` would with it.

        Parameters
        ----------
        tickets : canonical tickets, row ``i`` being row ``i`` of ``texts``, ``vectors`` and ``graph``.
        texts : their texts as :attr:`cleaner` (a :class:`TicketCleaner`) made them.
        vectors : their L2-normalised vectors from ``representation`` (already fitted).
        graph : (indices, similarities), n x k, as :meth:`NearestNeighbours.kneighbors` gives (-1 = no neighbour).
        labels : the labels :meth:`grouping_for` ``(representation)`` gives ``graph``, where they were computed
            elsewhere too (:mod:`toolkit.spark.grouping`); None groups the graph here.
        """
        started = time.perf_counter()
        check_projects(self.bug_key_projects)
        frame = _as_tickets(tickets).reset_index(drop=True)
        indices, similarities = graph
        if not (len(frame) == len(texts) == vectors.shape[0] == indices.shape[0] == similarities.shape[0]):
            raise DataError(f"tickets ({len(frame)}), texts ({len(texts)}), vectors ({vectors.shape[0]}) and graph "
                            f"({indices.shape[0]}) rows differ", table="tickets",
                            fix="pass the texts, vectors and graph of exactly these tickets, in their order")
        self._bar = None
        self.cleaner_ = self.cleaner if self.cleaner is not None else TicketCleaner()
        self.texts_ = pd.Series(texts, dtype="str").reset_index(drop=True)
        self.bug_keys_ = ticket_bug_keys(frame, messages, self.bug_key_projects)
        self.tickets_ = frame[[c for c in KEPT_COLUMNS if c in frame.columns]].reset_index(drop=True)
        self.representation_ = representation
        self._set_group_parameters()
        self.vectors_ = vectors
        self.timings_ = {}
        self.term_weights_ = TermWeights(seed=self.seed).fit(self.texts_)
        self.neighbours_ = self._make_neighbours(progress=False).fit(self.vectors_)
        self.graph_ = (np.asarray(indices, dtype=np.int64), np.asarray(similarities, dtype=np.float32))
        self._index()
        self._finish(previous, started, labels)
        return self

    def grouping_for(self, representation):
        """The unfitted grouping :meth:`fit` would use with this fitted ``representation`` (its default threshold
        and resolution where none is given)."""
        self.representation_ = representation
        self._set_group_parameters()
        return self._make_grouping()

    @property
    def _bars(self) -> bool:
        return self.progress is True

    def _step(self, name: str, done: int) -> None:
        if callable(self.progress):
            self.progress(name, done, 5)
        bar = getattr(self, "_bar", None)
        if bar is not None:
            bar.set_postfix_str(name if done < 5 else "done")
            bar.update(done - bar.n)

    def _set_group_parameters(self) -> None:
        """The grouping parameters in use (``threshold_``, ``min_cluster_size_``, ``resolution_``): the given
        ones, else the representation's defaults; :meth:`regroup` changes these, never the parameters."""
        self.threshold_ = float(self.threshold if self.threshold is not None
                                else getattr(self.representation_, "default_threshold", 0.3))
        self.min_cluster_size_ = self.min_cluster_size  # checked by the grouping
        self.resolution_ = float(self.resolution if self.resolution is not None
                                 else getattr(self.representation_, "default_resolution", 2.0))

    def _make_neighbours(self, progress: bool | None = None):
        """A fresh, unfitted neighbour search (the default one, or a clone of ``neighbours``)."""
        if self.neighbours is None:
            return NearestNeighbours(k=self.k, seed=self.seed, progress=self._bars if progress is None else progress)
        return clone(self.neighbours, safe=False)

    def _make_grouping(self, base=None, **overrides):
        """A fresh, unfitted grouping with the parameters in use, ``overrides`` (not None) applied.

        ``base`` is the given grouping to clone (default: the ``grouping`` parameter).
        """
        given = {name: value for name, value in overrides.items() if value is not None}
        if self.grouping is None:
            params = {"threshold": self.threshold_, "min_cluster_size": self.min_cluster_size_,
                      "resolution": self.resolution_, **given}
            return GraphGrouping(**params, seed=self.seed)
        grouping = clone(self.grouping if base is None else base, safe=False)
        accepted = grouping.get_params() if hasattr(grouping, "get_params") else {}
        unknown = sorted(set(given) - set(accepted))
        if unknown:
            raise ConfigError(f"the grouping {type(grouping).__name__} has no parameter {unknown[0]!r}",
                              key=unknown[0], fix="pass only parameters the grouping has, or use the default "
                                                  "grouping (grouping=None)")
        return grouping.set_params(**given) if given else grouping

    def _link(self) -> None:
        started = time.perf_counter()
        self._step("neighbours", 2)
        self.neighbours_ = self._make_neighbours().fit(self.vectors_)
        self.graph_ = self.neighbours_.kneighbors()
        self._index()
        self.timings_["neighbours_seconds"] = time.perf_counter() - started

    def _index(self) -> None:
        """Search index over the fitted tickets, and their ids (row of each ticket)."""
        self.ids_ = pd.Index(self.tickets_["ticket_id"].to_numpy(), dtype="str")
        self.index_ = TicketIndex(self.ids_.to_numpy(), self.vectors_, self.neighbours_)

    def group(self, threshold: float | None = None, min_cluster_size: int | None = None,
              resolution: float | None = None) -> np.ndarray:
        """Cluster labels for other grouping parameters, from the cached graph, without changing the model.

        Labels are numbered by size as in ``labels_`` (-1 = unclustered); e.g. to show how many clusters
        each threshold would give before regrouping.
        """
        self._check_fitted()
        grouping = self._make_grouping(self.grouping_, threshold=threshold, min_cluster_size=min_cluster_size,
                                       resolution=resolution)
        return np.asarray(grouping.fit(*self.graph_).labels_)

    def _cluster(self, grouping, previous: pd.Series | None = None, labels: np.ndarray | None = None) -> None:
        started = time.perf_counter()
        self._step("group", 3)
        if labels is None:
            labels = grouping.fit(*self.graph_).labels_
        elif len(labels) != len(self.tickets_):
            raise DataError(f"{len(labels)} labels for {len(self.tickets_)} tickets", table="tickets",
                            fix="pass one label per ticket, in the tickets' order")
        self.grouping_ = grouping
        self.threshold_ = float(getattr(grouping, "threshold", self.threshold_))
        self.min_cluster_size_ = getattr(grouping, "min_cluster_size", self.min_cluster_size_)
        self.resolution_ = float(getattr(grouping, "resolution", self.resolution_))
        created = self.tickets_["created_at"] if has_values(self.tickets_, "created_at") else None
        labels = merge_fragments(labels, self.bug_keys_, created, self.vectors_, self.threshold_,
                                 key_share=KEY_MIN_SHARE)
        if previous is not None:
            labels = _match_ids(labels, self.tickets_["ticket_id"], previous)
        self._set_labels(labels)
        self.timings_["grouping_seconds"] = time.perf_counter() - started

    def _set_labels(self, labels: np.ndarray) -> None:
        started = time.perf_counter()
        self._step("label", 4)
        self.labels_ = np.asarray(labels, dtype=np.int64)
        self.assignments_ = pd.DataFrame({"ticket_id": self.tickets_["ticket_id"].to_numpy(),
                                          "cluster_id": self.labels_})
        self.clusters_, self.terms_ = summarise_clusters(self.tickets_, self.texts_, self.vectors_, self.bug_keys_,
                                                         self.labels_, self.term_weights_, seed=self.seed)
        self._centroids = None
        self.timings_["labelling_seconds"] = time.perf_counter() - started

    # ------------------------------------------------------------------ re-using a fit
    def regroup(self, threshold: float | None = None, min_cluster_size: int | None = None,
                  resolution: float | None = None) -> DuplicateFinder:
        """Group again with new parameters, re-using the vectors and the neighbour graph (fast).

        Cluster ids follow the previous clustering where clusters overlap. The parameters in use are
        ``threshold_``, ``min_cluster_size_`` and ``resolution_``; the constructor's parameters stay as given.
        """
        self._check_fitted()
        grouping = self._make_grouping(self.grouping_, threshold=threshold, min_cluster_size=min_cluster_size,
                                       resolution=resolution)
        self._cluster(grouping, previous=previous_assignments(self))
        return self

    def subset(self, ticket_ids, **params) -> DuplicateFinder:
        """A new finder fitted on some of the tickets, re-using their vectors (no re-vectorising).

        ``params`` override this finder's parameters (e.g. ``threshold=0.5``); by default the subset is
        grouped as this finder is now (after any :meth:`regroup`).
        """
        self._check_fitted()
        wanted = pd.Index(pd.Series(list(ticket_ids), dtype="str"))
        rows = np.flatnonzero(self.tickets_["ticket_id"].isin(wanted).to_numpy())
        now = {"threshold": self.threshold_, "min_cluster_size": self.min_cluster_size_,
               "resolution": self.resolution_} if self.grouping is None else {"grouping": self.grouping_}
        clone = DuplicateFinder(**{**self.get_params(), **now, **params})
        clone.cleaner_ = self.cleaner_
        clone.representation_ = self.representation_
        clone._set_group_parameters()
        clone.term_weights_ = self.term_weights_
        clone.tickets_ = self.tickets_.iloc[rows].reset_index(drop=True)
        clone.texts_ = self.texts_.iloc[rows].reset_index(drop=True)
        clone.bug_keys_ = self.bug_keys_.iloc[rows].reset_index(drop=True)
        clone.vectors_ = self.vectors_[rows]
        clone.timings_ = {}
        if len(rows) >= SUBGRAPH_SHARE * len(self.labels_):
            # most of the set: keep the cached neighbours that are inside the subset (no new search)
            clone.neighbours_ = clone._make_neighbours(progress=False).fit(clone.vectors_)
            clone._index()
            new_row = np.full(len(self.labels_), -1, dtype=np.int64)
            new_row[rows] = np.arange(len(rows))
            idx, sim = self.graph_[0][rows], self.graph_[1][rows]
            mapped = np.where(idx >= 0, new_row[np.maximum(idx, 0)], -1)
            clone.graph_ = (mapped, np.where(mapped >= 0, sim, -np.inf).astype(np.float32))
        else:
            clone._link()
        clone._cluster(clone._make_grouping())
        return clone

    def assign(self, tickets) -> pd.DataFrame:
        """Cluster id of each new ticket (an existing cluster, or -1 = new); the model is unchanged.

        The distance used is the grouping's own, made as strict as the cluster itself: a new ticket
        joins a cluster when at least ``min_neighbours`` (2) of its ``k`` nearest fitted tickets are
        members of that cluster with cosine similarity at least ``threshold`` and at least the
        cluster's own cohesion (the 10th percentile of the similarities between members and their
        neighbours in the cluster): as close to its members as they are to each other. Ties go to
        the larger summed similarity. A ticket that is not that close to any cluster answers -1:
        new (a one-off, or part of a new problem that :meth:`update` can group).
        """
        self._check_fitted()
        frame = _as_tickets(tickets, start=len(self.tickets_))
        vectors = self.representation_.transform(self.cleaner_.transform(frame).reset_index(drop=True))
        labels = self._vote(vectors)
        return pd.DataFrame({"ticket_id": frame["ticket_id"].to_numpy(), "cluster_id": labels})

    def _vote(self, vectors) -> np.ndarray:
        idx, sim = self.index_.by_vectors(vectors, self.k)
        m = idx.shape[0]
        if idx.size == 0 or not (self.labels_ >= 0).any():
            return np.full(m, -1, dtype=np.int64)
        neighbour_labels = np.where(idx >= 0, self.labels_[np.maximum(idx, 0)], -1)
        floor = np.maximum(self._cohesion(), self.threshold_)
        ok = (neighbour_labels >= 0) & (sim >= floor[np.maximum(neighbour_labels, 0)])
        ok = ok.ravel()
        rows = np.repeat(np.arange(m), idx.shape[1])[ok]
        weights = sim.ravel()[ok].astype(np.float64)
        shape = (m, int(self.labels_.max()) + 1)
        votes = sp.coo_matrix((weights, (rows, neighbour_labels.ravel()[ok])), shape=shape).tocsr()
        links = sp.coo_matrix((np.ones(len(rows)), (rows, neighbour_labels.ravel()[ok])), shape=shape).tocsr()
        votes = votes.multiply(links >= max(1, MIN_NEIGHBOURS)).tocsr()  # close to enough members of that cluster
        best = np.asarray(votes.argmax(axis=1)).ravel()
        has = np.asarray(votes.max(axis=1).todense()).ravel() > 0
        return np.where(has, best, -1).astype(np.int64)

    def _cohesion(self) -> np.ndarray:
        """Per cluster id, the 10th percentile of its members' similarities to their neighbours in it."""
        idx, sim = self.graph_
        rows = np.repeat(self.labels_, idx.shape[1]).reshape(idx.shape)
        same = (idx >= 0) & (rows >= 0) & (rows == np.where(idx >= 0, self.labels_[np.maximum(idx, 0)], -2))
        out = np.full(int(self.labels_.max()) + 1, -np.inf)
        if same.any():
            q = pd.Series(sim[same].astype(np.float64)).groupby(rows[same]).quantile(0.1)
            out[q.index.to_numpy()] = q.to_numpy()
        return out

    def update(self, tickets, messages: pd.DataFrame | None = None) -> DuplicateFinder:
        """Add new tickets without re-clustering the old ones; existing cluster ids never change.

        Each new ticket joins an existing cluster as in :meth:`assign`; the tickets left over
        (new ones that matched nothing, plus earlier unclustered ones) are grouped among
        themselves, and any new cluster gets a fresh id after the largest existing one.
        """
        self._check_fitted()
        frame = _as_tickets(tickets, start=len(self.tickets_))
        clash = frame["ticket_id"].isin(self.tickets_["ticket_id"])
        if clash.any():
            raise DataError("some tickets are already in the model", table="tickets", column="ticket_id",
                            rows=list(np.flatnonzero(clash.to_numpy()) + 1),
                            values=frame.loc[clash, "ticket_id"].tolist(),
                            fix="pass only tickets the model has not seen, or fit again")
        texts = self.cleaner_.transform(frame).reset_index(drop=True)
        vectors = self.representation_.transform(texts)
        new_labels = self._vote(vectors)
        self.tickets_ = pd.concat([self.tickets_, frame[[c for c in self.tickets_.columns if c in frame.columns]]],
                                  ignore_index=True)
        self.texts_ = pd.concat([self.texts_, texts], ignore_index=True)
        keys = ticket_bug_keys(frame, messages, self.bug_key_projects)
        self.bug_keys_ = pd.concat([self.bug_keys_, keys], ignore_index=True)
        self.vectors_ = sp.vstack([self.vectors_, vectors], format="csr") if sp.issparse(vectors) else np.vstack(
            [self.vectors_, vectors])
        labels = np.concatenate([self.labels_, new_labels])
        self._link()
        left = np.flatnonzero(labels < 0)
        if len(left) >= self.min_cluster_size_:
            local = self._make_neighbours().fit(self.vectors_[left])
            grouped = self._make_grouping(self.grouping_).fit(*local.kneighbors()).labels_
            start = int(self.labels_.max()) + 1 if (self.labels_ >= 0).any() else 0
            labels[left] = np.where(grouped >= 0, grouped + start, -1)
        self._set_labels(labels)
        return self

    # ------------------------------------------------------------------ questions
    def similar(self, query, k: int = 10) -> pd.DataFrame:
        """The ``k`` tickets most similar to a ticket id of the fitted set, or to a free text.

        Returns ticket_id, similarity (cosine), rank, cluster_id, subject (PII-redacted).
        """
        self._check_fitted()
        if str(query) in self.ids_:
            found = self.index_.by_id(query, k)
        else:
            text = self.cleaner_.transform(pd.Series([str(query)])).reset_index(drop=True)
            found = self.index_.by_vector(self.representation_.transform(text), k)
        return self._describe(found)

    def _describe(self, found: pd.DataFrame) -> pd.DataFrame:
        rows = self.ids_.get_indexer(pd.Index(found["ticket_id"], dtype="str"))
        found["cluster_id"] = self.labels_[rows]
        if "subject" in self.tickets_.columns:
            from toolkit.pii import redact

            found["subject"] = redact(self.tickets_["subject"].iloc[rows].reset_index(drop=True))
        return found

    def cluster_centroids(self) -> np.ndarray:
        """Unit-length centroid of every cluster, row ``c`` for cluster id ``c``."""
        if getattr(self, "_centroids", None) is None:
            self._centroids = unit_centroids(self.labels_, self.vectors_)
        return self._centroids

    def neighbours_of_cluster(self, cluster_id: int, k: int = 5) -> pd.DataFrame:
        """The ``k`` clusters whose centroids are closest to this one's: cluster_id, name, tickets, similarity."""
        self._check_cluster(cluster_id)
        centroids = self.cluster_centroids()
        sims = centroids @ centroids[int(cluster_id)]
        sims[int(cluster_id)] = -np.inf
        present = np.isin(np.arange(len(sims)), self.clusters_["cluster_id"].to_numpy())
        sims[~present] = -np.inf
        order = [i for i in np.lexsort((np.arange(len(sims)), -sims)) if np.isfinite(sims[i])][:k]
        info = self.clusters_.set_index("cluster_id")
        return pd.DataFrame({"cluster_id": np.asarray(order, dtype=np.int64),
                             "name": info.loc[order, "name"].to_numpy() if order else [],
                             "tickets": info.loc[order, "tickets"].to_numpy() if order else [],
                             "similarity": sims[order].astype("float64")})

    def distinctive_terms(self, cluster, k: int = 10) -> list[str]:
        """The most distinctive words and phrases (c-TF-IDF) of a cluster id, or of any list of ticket ids.

        Weights are in ``terms_`` for clusters; a list of ids (e.g. a cluster an analyst merged or
        split) is weighed against the same background.
        """
        self._check_fitted()
        if isinstance(cluster, int | np.integer):
            self._check_cluster(cluster)
            terms = self.terms_[self.terms_["cluster_id"] == int(cluster)]
            return terms["term"].head(k).tolist()
        rows = self._rows(cluster)
        return self.term_weights_.top_terms(self.texts_.iloc[rows[:5000]], k=k)["term"].tolist()

    def neighbours_of_tickets(self, ticket_ids, groups: pd.Series, k: int = 5) -> pd.DataFrame:
        """The ``k`` groups closest to a set of tickets, by centroid cosine similarity.

        ``groups`` maps ticket_id (index) to a group key (e.g. the analyst's cluster names); returns
        columns cluster (group key), similarity, best first, the tickets' own group included.
        """
        self._check_fitted()
        rows = self._rows(ticket_ids)
        groups = pd.Series(groups).dropna()
        groups.index = groups.index.astype("str")
        position = self.ids_.get_indexer(groups.index)
        keep = position >= 0
        pos = position[keep].astype(np.int64)
        codes, keys = pd.factorize(groups.to_numpy()[keep])
        if len(rows) == 0 or len(keys) == 0:
            return pd.DataFrame({"cluster": pd.Series(dtype="str"), "similarity": pd.Series(dtype="float64")})
        member = sp.csr_matrix((np.ones(len(pos)), (codes, pos)), shape=(len(keys), len(self.labels_)))
        centroids = unit_rows(member @ self.vectors_)
        target = unit_rows(self.vectors_[rows].sum(axis=0).reshape(1, -1))[0]
        sims = centroids @ target
        order = np.lexsort((np.arange(len(sims)), -sims))[:k]
        return pd.DataFrame({"cluster": pd.array(np.asarray(keys, dtype=object)[order].astype(str), dtype="str"),
                             "similarity": sims[order].astype("float64")})

    def _rows(self, ticket_ids) -> np.ndarray:
        pos = self.ids_.get_indexer(pd.Index(pd.Series(list(ticket_ids), dtype="str")))
        return pos[pos >= 0].astype(np.int64)

    def bug_keys(self, ticket_ids) -> list[str]:
        """Bug-tracker keys quoted in these tickets (and their messages, if fitted with them), most frequent first."""
        self._check_fitted()
        rows = self._rows(ticket_ids)
        found = cluster_counts(self.bug_keys_.iloc[rows].reset_index(drop=True), np.zeros(len(rows), dtype=np.int64),
                               top=50)
        return list(found.iloc[0]) if len(found) else []

    def tickets_of_cluster(self, cluster_id: int) -> pd.Index:
        """Ids of the tickets in a cluster."""
        self._check_cluster(cluster_id)
        return pd.Index(self.tickets_["ticket_id"][self.labels_ == int(cluster_id)], name="ticket_id")

    # ------------------------------------------------------------------ persistence
    def save(self, path) -> Path:
        """Write the fitted model to one file (joblib); :meth:`load` reads it back."""
        self._check_fitted()
        path = Path(path)
        with atomic_path(path) as tmp:
            joblib.dump(self, tmp, compress=3)
        return path

    @classmethod
    def load(cls, path) -> DuplicateFinder:
        """Read a model written by :meth:`save`."""
        path = Path(path)
        if not path.exists():
            raise ConfigError("no saved duplicate model at this path", file=str(path),
                              fix="pass the file written by DuplicateFinder.save")
        model = joblib.load(path)
        if not isinstance(model, cls):
            raise ConfigError(f"the file holds a {type(model).__name__}, not a DuplicateFinder", file=str(path),
                              fix="pass the file written by DuplicateFinder.save")
        return model

    def _check_fitted(self) -> None:
        if not hasattr(self, "labels_"):
            raise ConfigError("the duplicate finder is not fitted yet", fix="call fit(tickets) first")

    def _check_cluster(self, cluster_id) -> None:
        self._check_fitted()
        if cluster_id not in set(self.clusters_["cluster_id"].tolist()):
            raise ConfigError(f"there is no cluster {cluster_id!r}", key="cluster_id",
                              fix="pass a cluster_id from clusters_")


def _as_tickets(tickets, start: int = 0) -> pd.DataFrame:
    """A tickets frame with string ids; plain texts become tickets numbered from ``start``."""
    if isinstance(tickets, pd.DataFrame):
        if "ticket_id" not in tickets.columns:
            raise DataError("the tickets have no ticket_id column", table="tickets", column="ticket_id",
                            fix="pass a canonical tickets frame (toolkit.schema) or a list of texts")
        frame = tickets.copy()
        frame["ticket_id"] = frame["ticket_id"].astype("str")
        dup = frame["ticket_id"].duplicated()
        if dup.any():
            raise DataError("ticket ids are not unique", table="tickets", column="ticket_id",
                            rows=list(np.flatnonzero(dup.to_numpy()) + 1), values=frame.loc[dup, "ticket_id"].tolist(),
                            fix="remove the duplicated tickets")
        if has_values(frame, "created_at") and not isinstance(frame["created_at"].dtype, pd.DatetimeTZDtype):
            frame["created_at"] = pd.to_datetime(frame["created_at"], utc=True, errors="coerce")
        return frame
    texts = pd.Series(list(tickets) if not isinstance(tickets, pd.Series) else tickets.to_numpy(), dtype="str")
    return pd.DataFrame({"ticket_id": pd.array([str(i) for i in range(start, start + len(texts))], dtype="str"),
                         "description": texts})


def previous_assignments(previous) -> pd.Series | None:
    """An earlier clustering as a Series of cluster ids by ticket id: from a fitted finder, its ``assignments_``
    (or the ``duplicates`` command's CSV read as a frame with ``ticket_id`` and ``cluster_id``), or such a Series."""
    if previous is None:
        return None
    if isinstance(previous, DuplicateFinder):
        previous = previous.assignments_
    if isinstance(previous, pd.DataFrame) and {"ticket_id", "cluster_id"} <= set(previous.columns):
        return pd.Series(previous["cluster_id"].to_numpy(), index=previous["ticket_id"].astype("str").to_numpy())
    if isinstance(previous, pd.Series):
        return previous
    raise ConfigError(f"previous must be a fitted DuplicateFinder or its assignments_, got {type(previous).__name__}",
                      key="previous", fix="pass the earlier finder, or None")


def _match_ids(labels: np.ndarray, ticket_ids: pd.Series, previous: pd.Series) -> np.ndarray:
    """Renumber clusters so each takes the id of the previous cluster it overlaps most (:func:`followed_ids`)."""
    old = previous.reindex(ticket_ids.to_numpy()).fillna(-1).astype("int64").to_numpy()
    pairs = pd.DataFrame({"new": labels, "old": old})
    pairs = pairs[(pairs["new"] >= 0) & (pairs["old"] >= 0)]
    counts = pairs.groupby(["new", "old"]).size().rename("n").reset_index()
    valid = labels >= 0
    mapping = followed_ids(counts, np.unique(labels[valid]), int(previous.max()) if len(previous) else -1)
    lookup = np.full(int(labels.max()) + 1 if valid.any() else 0, -1, dtype=np.int64)
    for new, old_id in mapping.items():
        lookup[new] = old_id
    out = np.full(len(labels), -1, dtype=np.int64)
    out[valid] = lookup[labels[valid]]
    return out


def followed_ids(counts: pd.DataFrame, clusters, previous_max: int) -> dict[int, int]:
    """New cluster id -> id that follows the previous clustering, from the tickets each new and old cluster share.

    ``counts`` has one row per (``new``, ``old``) cluster pair sharing ``n`` tickets. Greedily, largest overlap
    first (ties by the lower ids), each new cluster takes the id of the old cluster it shares most with, each old
    id used once; the other ``clusters`` get ids above ``previous_max``, in their order.

    >>> counts = pd.DataFrame({"new": [0, 0, 1], "old": [7, 3, 7], "n": [5, 2, 4]})
    >>> followed_ids(counts, [0, 1, 2], previous_max=9)
    {0: 7, 1: 10, 2: 11}
    """
    counts = counts.sort_values(["n", "new", "old"], ascending=[False, True, True], kind="stable")
    mapping: dict[int, int] = {}
    used: set[int] = set()
    for new, old_id in zip(counts["new"].to_numpy(), counts["old"].to_numpy(), strict=True):
        if int(new) in mapping or int(old_id) in used:
            continue
        mapping[int(new)] = int(old_id)
        used.add(int(old_id))
    next_id = max(previous_max, -1) + 1
    for new in clusters:
        if int(new) not in mapping:
            mapping[int(new)] = next_id
            next_id += 1
    return mapping
