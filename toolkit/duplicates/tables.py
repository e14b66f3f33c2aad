"""Evidence tables for any grouping of tickets, e.g. the analyst's clusters after merges and splits.

The measures (tickets, customers, trend, growth and the emerging flag, effort, CSAT, impact) are defined
once, in :mod:`toolkit.duplicates.ranking`; :func:`cluster_table` computes them for clusters keyed by any
string (a label id or a machine cluster) and adds the sample sizes a reader needs beside the rates.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from toolkit.duplicates.bug_keys import extract_bug_keys, ticket_bug_keys
from toolkit.duplicates.ranking import cluster_evidence, reports_failure
from toolkit.schema import has_values
from toolkit.validation import MIN_N

TABLE_COLUMNS = ["cluster", "kind", "tickets", "customers", "first_seen", "last_seen", "weekly", "recent", "growth",
                 "emerging", "effort", "csat", "csat_rest", "csat_difference", "csat_n", "small_sample", "impact"]

def cluster_table(tickets: pd.DataFrame, cluster: pd.Series, *, weeks: int = 12,
                  as_of: pd.Timestamp | None = None, min_n: int = MIN_N) -> pd.DataFrame:
    """Evidence per cluster for any grouping of tickets.

    Parameters
    ----------
    tickets : canonical tickets (already filtered to what is shown).
    cluster : cluster key per ticket, aligned with ``tickets`` (NA = unclustered, left out).
    weeks : how many of the latest weeks ``weekly`` keeps.
    as_of : end of the data for the recent/baseline windows (default: the latest ticket).
    min_n : rated tickets below which ``small_sample`` is set.

    Returns
    -------
    One row per cluster: cluster (key), kind (problem or recurring question, as
    :func:`toolkit.duplicates.ranking.cluster_kind` decides), tickets, customers (distinct organisations,
    else requesters),
    first_seen, last_seen, weekly (list of the last ``weeks`` weekly counts, oldest first), recent (tickets in
    the last 28 days), growth, emerging, effort (agent replies written on the cluster's tickets: tickets x mean
    replies), csat and csat_rest (shares 0-1), csat_difference (csat - csat_rest, a difference of shares),
    csat_n (rated tickets in the cluster), small_sample (csat_n < ``min_n``), impact.
    """
    keys = pd.Series(np.asarray(cluster, dtype=object), index=tickets.index).astype("str")
    mask = keys.notna().to_numpy()
    if not mask.any():
        return pd.DataFrame(columns=TABLE_COLUMNS)
    codes, uniques = pd.factorize(keys, sort=True)  # NA -> -1, "unclustered" for the ranking
    parts = [tickets[c].fillna("").astype("str") for c in ("subject", "description") if c in tickets.columns]
    text = parts[0].str.cat(parts[1:], sep=" . ") if parts else pd.Series("", index=tickets.index, dtype="str")
    cited = ticket_bug_keys(tickets).str.len().to_numpy() > 0
    ev = cluster_evidence(tickets, codes, as_of=as_of, bug_cited=cited, failure=reports_failure(text))
    ev["cluster"] = np.asarray(uniques, dtype=object)[ev["cluster_id"].to_numpy()]
    ev["customers"] = ev["organizations"] if ev["organizations"].notna().any() else ev["customers"]
    ev["weekly"] = [list(w)[-weeks:] if isinstance(w, list) else [] for w in ev["weekly_counts"]]
    ev["recent"] = ev["recent_tickets"]
    ev["effort"] = (ev["tickets"] * ev["agent_replies_mean"]).round()
    ev["csat_difference"] = ev["csat"] - ev["csat_rest"]
    rated = (tickets["satisfaction"].notna().to_numpy() if has_values(tickets, "satisfaction")
             else np.zeros(len(tickets), dtype=bool))
    counts = np.bincount(codes[(codes >= 0) & rated], minlength=len(uniques))
    ev["csat_n"] = counts[ev["cluster_id"].to_numpy()].astype("int64")
    ev["small_sample"] = ev["csat_n"] < min_n
    ev["cluster"] = ev["cluster"].astype("str")
    return ev[TABLE_COLUMNS].reset_index(drop=True)


def bug_keys(texts: pd.Series) -> list[str]:
    """Bug-tracker keys mentioned in ``texts`` (as :func:`toolkit.duplicates.extract_bug_keys` finds them),
    most frequent first."""
    found = extract_bug_keys(texts).explode().dropna()
    return found.value_counts(sort=True).index.astype("str").tolist() if len(found) else []
