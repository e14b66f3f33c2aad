"""Duplicate-issue clustering: groups of tickets about the same upstream problem.

Many tickets about one concern point at a bug or a confusing process upstream
(seed 002). This package finds those groups in ticket text, names them, ranks
them by impact and lets an analyst search and extend them.

Public API (stable; the explorer widget and the CLI build on it)
----------------------------------------------------------------
>>> from toolkit.duplicates import DuplicateFinder
>>> finder = DuplicateFinder(threshold=None, min_cluster_size=3, representation="auto", seed=0)
>>> finder.fit(tickets, messages=None)  # doctest: +SKIP

Fitted attributes
    ``assignments_``  frame ticket_id, cluster_id (-1 = unclustered: a one-off ticket).
    ``clusters_``     one row per cluster, sorted by ``impact`` (highest first), columns:
                      cluster_id, name, tickets, customers, organizations, first_seen, last_seen,
                      weekly_counts (list, one count per week of the data), recent_tickets,
                      baseline_weekly, growth, emerging, agent_replies_mean,
                      resolution_hours_median, reopen_rate, reopen_rate_rest, csat, csat_rest,
                      bug_share, failure_share, kind ("problem" or "recurring question"), impact,
                      bug_keys (list), problem_links (list), representative_ids (list), terms (list). Definitions:
                      :mod:`toolkit.duplicates.ranking`.
                      ``clusters_.attrs["notes"]`` says which measures the data could not give;
                      ``clusters_.attrs["volume_growth"]`` is the overall ticket volume's recent growth,
                      which ``growth`` allows for.
    ``terms_``        distinctive terms of every cluster: cluster_id, term, weight.
    ``vectors_``, ``graph_``  cached representation and k-NN graph (re-used below).
    ``timings_``      seconds per step.

Methods
    ``similar(text_or_ticket_id, k=10)``   -> ticket_id, similarity, rank, cluster_id, subject
    ``neighbours_of_cluster(cluster_id, k=5)`` -> cluster_id, name, tickets, similarity
    ``distinctive_terms(cluster_id or ticket_ids, k=10)`` -> list of terms (weights in ``terms_``)
    ``neighbours_of_tickets(ticket_ids, groups, k=5)`` -> cluster (group key), similarity
    ``tickets_of_cluster(cluster_id)``     -> Index of ticket ids
    ``regroup(threshold=..., min_cluster_size=..., resolution=...)``  group again from the cached
        graph (no re-vectorising; ids follow the previous clusters where they overlap; the values in
        use are ``threshold_``, ``min_cluster_size_``, ``resolution_``, the parameters stay as given)
    ``group(threshold=..., ...)``          labels for other parameters, model unchanged (a preview)
    ``subset(ticket_ids, **params)``       a new finder on some tickets, re-using their vectors
    ``assign(new_tickets)``                frame ticket_id, cluster_id: existing ids (-1 = new), model unchanged
    ``update(new_tickets)``                add tickets; existing ids never change, new groups get new ids
    ``fit(tickets, previous=old_finder)``  full refit keeping ids of overlapping clusters
    ``save(path)`` / ``DuplicateFinder.load(path)``

Parts (scikit-learn style, each replaceable; ``representation``, ``cleaner``, ``neighbours`` and
``grouping`` are parameters of the finder)
    :mod:`~toolkit.duplicates.cleaning` (TicketCleaner), :mod:`~toolkit.duplicates.representation`
    (auto: hybrid where the ``semantic`` extra is installed, else tfidf; tfidf-cosine; semantic-static,
    semantic and hybrid with the extra), :mod:`~toolkit.duplicates.bug_keys` (keys from text, tags, fields),
    :mod:`~toolkit.duplicates.neighbours` (exact or cell-blocked k-NN), :mod:`~toolkit.duplicates.grouping`
    (Leiden on the thresholded k-NN graph), :mod:`~toolkit.duplicates.labelling` (names, keys,
    representatives), :mod:`~toolkit.duplicates.ranking` (evidence and impact),
    :mod:`~toolkit.duplicates.search` (similar tickets).

The analyst's side: :mod:`~toolkit.duplicates.labels` (label store, undo/redo, carrying labels onto
new clusters), :mod:`~toolkit.duplicates.exports` (report table, Jira CSV),
:mod:`~toolkit.duplicates.tables` (evidence for any grouping), :mod:`~toolkit.duplicates.engine`
(what the explorer widget in :mod:`toolkit.widgets` needs from a clustering).

Command line: ``support-toolkit duplicates TICKETS --out clusters.csv`` (see ``cli``).
"""

from toolkit.duplicates.bug_keys import extract_bug_keys, ticket_bug_keys
from toolkit.duplicates.cleaning import TicketCleaner
from toolkit.duplicates.grouping import GraphGrouping
from toolkit.duplicates.model import DuplicateFinder
from toolkit.duplicates.neighbours import NearestNeighbours
from toolkit.duplicates.ranking import cluster_evidence, cluster_summary, weekly_counts
from toolkit.duplicates.representation import REPRESENTATIONS, make_representation
from toolkit.duplicates.search import TicketIndex

__all__ = ["REPRESENTATIONS", "DuplicateFinder", "GraphGrouping", "NearestNeighbours", "TicketCleaner", "TicketIndex",
           "cluster_evidence", "cluster_summary", "extract_bug_keys", "make_representation",
           "ticket_bug_keys", "weekly_counts"]
