"""One row per cluster: its evidence, distinctive terms, typical tickets, bug keys, problem links and name.

:func:`summarise_clusters` needs only the tickets of the clusters it summarises, plus the whole set's totals
(:class:`~toolkit.duplicates.ranking.EvidenceTotals`), a term model fitted on the whole set and each ticket's row
number. So the pandas engine summarises every cluster at once and the Spark engine groups of clusters on its
executors (:mod:`toolkit.spark.summaries`), and each cluster gets the same row from both.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from toolkit.duplicates.labelling import (
    TermWeights,
    cluster_counts,
    cluster_name,
    representatives,
    subject_lines,
    subject_names,
)
from toolkit.duplicates.ranking import EvidenceTotals, cluster_evidence, reports_failure
from toolkit.schema import has_values

CLUSTER_COLUMNS = ["cluster_id", "name", "tickets", "customers", "organizations", "first_seen", "last_seen",
                   "weekly_counts", "recent_tickets", "baseline_weekly", "growth", "emerging", "agent_replies_mean",
                   "resolution_hours_median", "reopen_rate", "reopen_rate_rest", "csat", "csat_rest", "bug_share",
                   "failure_share", "kind", "impact", "bug_keys", "problem_links", "representative_ids", "terms"]
LABEL_SAMPLE = 100  # tickets per cluster read for its distinctive terms
KEY_MIN_SHARE = 0.05  # a bug key is attached to a cluster when at least 5% of its tickets (and one) quote it
LIST_COLUMNS = ("terms", "representative_ids", "bug_keys", "problem_links")


def summarise_clusters(tickets: pd.DataFrame, texts: pd.Series, vectors, keys: pd.Series, labels: np.ndarray,
                       term_weights: TermWeights, *, seed: int, totals: EvidenceTotals | None = None,
                       rows: np.ndarray | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The cluster table (:data:`CLUSTER_COLUMNS`, sorted by impact) and every cluster's top terms.

    Parameters
    ----------
    tickets, texts, vectors, keys : the tickets (canonical columns), their cleaned texts, vectors and bug keys,
        row for row; all tickets of the clusters summarised, with or without others.
    labels : each ticket's cluster (-1 = none).
    term_weights : the c-TF-IDF term model fitted on the whole set.
    seed : seed of the sample of tickets read per cluster for its terms.
    totals : the whole set's figures, where ``tickets`` are only part of it (default: those of ``tickets``).
    rows : each ticket's row number in the whole set (default 0, 1, ...): which tickets a cluster's term sample
        holds depends on it, never on which other clusters were summarised alongside.
    """
    tickets = tickets.reset_index(drop=True)
    texts = pd.Series(texts).reset_index(drop=True)
    labels = np.asarray(labels, dtype=np.int64)
    rows = np.arange(len(labels)) if rows is None else np.asarray(rows, dtype=np.int64)
    links = problem_links(tickets)
    cited = (keys.str.len().to_numpy() > 0) | (links.str.len().to_numpy() > 0)
    evidence = cluster_evidence(tickets, labels, bug_cited=cited, failure=reports_failure(texts), totals=totals)
    sampled = label_sample(labels, rows, LABEL_SAMPLE, seed)
    terms = term_weights.per_cluster(texts, np.where(sampled, labels, -1))
    extra = pd.DataFrame({
        "terms": terms.groupby("cluster_id")["term"].agg(list),
        "representative_ids": representatives(vectors, labels, tickets["ticket_id"].to_numpy()),
        "bug_keys": cluster_counts(keys.reset_index(drop=True), labels, min_share=KEY_MIN_SHARE),
        "problem_links": cluster_counts(links, labels),
    })
    out = evidence.join(extra, on="cluster_id")
    for col in LIST_COLUMNS:
        out[col] = [v if isinstance(v, list) else [] for v in out[col]]
    out["name"] = cluster_names(tickets, labels, out)
    table = out[CLUSTER_COLUMNS]
    table.attrs["notes"] = evidence.attrs.get("notes", [])
    table.attrs["volume_growth"] = evidence.attrs.get("volume_growth")
    return table, terms


def cluster_names(tickets: pd.DataFrame, labels: np.ndarray, clusters: pd.DataFrame) -> list[str]:
    """Each cluster's name: a subject line its customers share where one fits, else its top terms."""
    terms = pd.Series(clusters["terms"].to_numpy(), index=clusters["cluster_id"].to_numpy())
    keys = pd.Series([k[0] if k else None for k in clusters["bug_keys"]], index=terms.index, dtype="object")
    found = (subject_names(subject_lines(tickets["subject"], tickets.get("requester_id"),
                                         tickets.get("organization_id")), labels, terms, keys)
             if "subject" in tickets.columns else pd.Series(None, index=terms.index, dtype="object"))
    return [name if isinstance(name, str) else cluster_name(terms[cid], keys[cid]) for cid, name in found.items()]


def problem_links(tickets: pd.DataFrame) -> pd.Series:
    """Per ticket, its helpdesk problem links (``problem_id:...``, ``parent_id:...``) as a list."""
    cols = [c for c in ("problem_id", "parent_id") if has_values(tickets, c)]
    if not cols:
        return pd.Series([[] for _ in range(len(tickets))], dtype=object)
    values = tickets[cols].astype("str").where(tickets[cols].notna())
    return pd.Series([[f"{c}:{v}" for c, v in zip(cols, row, strict=True) if isinstance(v, str)]
                      for row in values.itertuples(index=False)], dtype=object)


def label_sample(labels: np.ndarray, rows: np.ndarray, per_cluster: int, seed: int) -> np.ndarray:
    """Mask of at most ``per_cluster`` tickets per cluster, so naming stays linear: those first in the seeded
    order of :func:`sample_order` (a ticket's place depends on its row number alone, not on the other tickets)."""
    frame = pd.DataFrame({"label": labels, "order": sample_order(rows, seed), "row": rows})
    frame = frame[frame["label"] >= 0].sort_values(["label", "order", "row"], kind="stable")
    keep = np.zeros(len(labels), dtype=bool)
    keep[frame.index[frame.groupby("label").cumcount().to_numpy() < per_cluster]] = True
    return keep


def sample_order(rows: np.ndarray, seed: int) -> np.ndarray:
    """A seeded pseudo-random 64-bit number per row number (the splitmix64 finaliser), the same on any machine."""
    golden = 0x9E3779B97F4A7C15
    with np.errstate(over="ignore"):
        z = np.asarray(rows, dtype=np.uint64) + np.uint64((golden * (int(seed) + 1)) % 2**64)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return z ^ (z >> np.uint64(31))
