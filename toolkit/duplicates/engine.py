"""What the duplicate explorer needs from a clustering, and the tickets it explores.

:class:`ClusterEngine` is the interface; :class:`FinderEngine` puts a
:class:`toolkit.duplicates.DuplicateFinder` behind it (tests inject small fake engines).
:func:`explorer_tickets` loads the tickets of an export file or a data folder.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from toolkit.errors import ConfigError, DataError
from toolkit.validation import check_engine

LARGE = 5_000
"""From this many tickets on, the first clustering shows a progress bar."""

Progress = Callable[[str, float], None]
"""A progress callback: ``progress(step, fraction_done)``."""

TICKET_FILES = ("tickets.csv", "tickets.csv.gz", "tickets.parquet", "tickets.xlsx", "tickets.json")


class ClusterEngine(Protocol):
    """What the explorer needs from a clustering method.

    ``fit`` returns one row per ticket with ticket_id and cluster_id (NA or negative =
    unclustered); the other methods are asked about sets of ticket ids so that they
    also work for clusters the analyst merged or split.
    """

    def fit(self, tickets: pd.DataFrame, *, threshold: float | None, min_cluster_size: int,
            resolution: float | None = None, progress: Progress | None = None) -> pd.DataFrame: ...

    def cluster_names(self) -> dict[str, str]: ...

    def distinctive_terms(self, ticket_ids: Sequence[str], k: int = 8) -> list[str]: ...

    def neighbours(self, ticket_ids: Sequence[str], groups: pd.Series, k: int = 5) -> pd.DataFrame: ...

    def similar(self, query: str, k: int = 10) -> pd.DataFrame: ...

    # Optional: ``threshold_`` and ``resolution_`` (the defaults a fit with None chose),
    # ``cluster_counts(settings, min_cluster_size) -> list[int]`` (clusters each (threshold, resolution)
    # would give, for the granularity control) and ``bug_keys(ticket_ids) -> list[str]``.


class FinderEngine:
    """:class:`toolkit.duplicates.DuplicateFinder` behind the :class:`ClusterEngine` interface.

    The first ``fit`` vectorises and links the tickets; later fits on the same tickets only regroup
    (:meth:`DuplicateFinder.regroup`), which is what makes the threshold slider interactive. A
    ``resolution`` of None is the representation's default (``resolution_`` after the first fit).
    ``finder`` may be an already fitted (e.g. loaded) finder for these tickets. With ``engine="spark"`` the
    first fit vectorises and searches on Spark (:func:`toolkit.spark.duplicates.find_duplicates`); regrouping
    then runs here, on the graph it brought back.
    """

    def __init__(self, finder=None, *, seed: int = 0, engine: str = "pandas", **finder_params) -> None:
        self.seed = seed
        self.engine = check_engine(engine)
        self.finder_params = finder_params
        self.finder_ = finder
        self.resolution_ = None if finder is None else finder.resolution_
        self._fitted_ids = None if finder is None else pd.Index(finder.assignments_["ticket_id"]
                                                                 if isinstance(finder.assignments_, pd.DataFrame)
                                                                 else finder.assignments_.index).astype("str")

    def fit(self, tickets, *, threshold, min_cluster_size, resolution=None, progress=None):
        from toolkit.duplicates import DuplicateFinder

        ids = pd.Index(tickets["ticket_id"]).astype("str")
        if self.finder_ is not None and self._fitted_ids is not None and self._fitted_ids.equals(ids):
            if progress:
                progress("regrouping", 0.5)
            self.finder_.regroup(threshold=threshold, min_cluster_size=min_cluster_size,
                                 resolution=resolution if resolution is not None else self.resolution_)
        else:
            # The first fit runs before the explorer is on screen, so large sets also get a tqdm bar in the cell.
            bar = tqdm(total=5, desc="clustering tickets", leave=False, disable=len(tickets) < LARGE)

            def told(step, done, total):
                bar.total, bar.n = total, done
                bar.set_description(f"clustering tickets: {step}")
                if progress:
                    progress(f"{step}…", done / max(total, 1))

            try:
                if self.engine == "spark":
                    from toolkit.spark.duplicates import find_duplicates
                    from toolkit.spark.load import to_spark

                    self.finder_ = find_duplicates(to_spark(tickets), threshold=threshold, seed=self.seed,
                                                   min_cluster_size=min_cluster_size, **self.finder_params)
                    if resolution is not None:
                        self.finder_.regroup(resolution=resolution)
                else:
                    self.finder_ = DuplicateFinder(threshold=threshold, min_cluster_size=min_cluster_size,
                                                   resolution=resolution, seed=self.seed, progress=told,
                                                   **self.finder_params).fit(tickets)
            finally:
                bar.close()
            self._fitted_ids = ids
            self.resolution_ = float(getattr(self.finder_.representation_, "default_resolution",
                                             self.finder_.resolution_))
        self.threshold_ = self.finder_.threshold_
        found = self.finder_.assignments_
        if isinstance(found, pd.Series):
            found = found.rename("cluster_id").rename_axis("ticket_id").reset_index()
        return found[["ticket_id", "cluster_id"]]

    def cluster_names(self):
        clusters = self.finder_.clusters_
        return dict(zip(clusters["cluster_id"].astype("str"), clusters["name"].astype("str"), strict=True))

    def distinctive_terms(self, ticket_ids, k=8):
        return list(self.finder_.distinctive_terms(list(ticket_ids), k=k))

    def neighbours(self, ticket_ids, groups, k=5):
        return self.finder_.neighbours_of_tickets(list(ticket_ids), groups, k=k)

    def cluster_counts(self, settings, min_cluster_size):
        """Clusters each (threshold, resolution) would give, from the cached graph; the current grouping is kept."""
        counts = []
        for threshold, resolution in settings:
            labels = self.finder_.group(threshold=threshold, min_cluster_size=min_cluster_size,
                                        resolution=resolution if resolution is not None else self.resolution_)
            counts.append(int(len(np.unique(labels[labels >= 0]))))
        return counts

    def similar(self, query, k=10):
        return self.finder_.similar(query, k=k)[["ticket_id", "similarity"]]

    def bug_keys(self, ticket_ids):
        if not hasattr(self.finder_, "bug_keys"):
            return None  # the explorer then reads the keys from the ticket text
        return self.finder_.bug_keys(list(ticket_ids))



def explorer_tickets(data: str | Path, *, source: str | None = None, tz: str = "UTC",
                     since: str | None = None) -> tuple[pd.DataFrame, Path]:
    """The canonical tickets of an export file or of a folder holding one, and the file they came from.

    Parameters
    ----------
    data : a tickets export (any format :func:`toolkit.io.load_tickets` reads) or a folder holding one of
        :data:`TICKET_FILES` (e.g. ``data/samples``).
    source, tz : passed to :func:`toolkit.io.load_tickets` (helpdesk and time zone of naive timestamps).
    since : keep only tickets created on or after this date (e.g. ``"2026-07-01"``).
    """
    from toolkit.io import load_tickets

    path = Path(data)
    if path.is_dir():
        found = [path / name for name in TICKET_FILES if (path / name).exists()]
        if not found:
            raise DataError(f"no tickets file in {path}", file=str(path),
                            fix=f"pass the export file itself, or put one of {', '.join(TICKET_FILES)} there")
        path = found[0]
    tickets, _report = load_tickets(path, source=source, tz=tz)
    if since is not None:
        try:
            start = pd.Timestamp(since)
        except ValueError:
            raise ConfigError(f"since={since!r} is not a date", key="since", fix="write it as 2026-07-01") from None
        start = start.tz_localize(tz) if start.tzinfo is None else start
        tickets = tickets[tickets["created_at"] >= start]
        if tickets.empty:
            raise ConfigError(f"no tickets created on or after {since}", key="since", fix="choose an earlier date")
    return tickets, path
