"""Small hand-built ticket sets, label stores and a fake clustering engine for the duplicates tests."""

from __future__ import annotations

import numpy as np
import pandas as pd

from toolkit.duplicates.labels import LabelStore


def ids(*nums):
    return [f"T{n}" for n in nums]


def make_store(tmp_path, groups: dict[str, list[int]], data_until="2026-01-31T00:00:00+00:00") -> LabelStore:
    """An in-memory store (not saved) with one label per group of ticket numbers."""
    store = LabelStore(tmp_path / "l.json", autosave=False)
    for name, nums in groups.items():
        store.create(ids(*nums), name)
    store.data_until = data_until
    return store


PROBLEMS = {
    "export": "CSV export fails with timeout error on big reports APP-1234",
    "login": "cannot login after password reset, SSO loop",
    "invoice": "invoice shows wrong VAT amount for EU customers",
}


class FakeEngine:
    """Clusters by the hidden ``problem`` column: threshold >= 0.8 also splits by channel.

    It stands in for toolkit.duplicates so these tests check the explorer, not the clustering.
    """

    def __init__(self):
        self.fits = []

    def fit(self, tickets, *, threshold, min_cluster_size, resolution=None, progress=None):
        self.fits.append((threshold, min_cluster_size))
        self.threshold_ = threshold = 0.5 if threshold is None else threshold  # None: the engine's default
        self.tickets = tickets
        cid, uniques = self._group(threshold, min_cluster_size)
        self.names = {str(i): f"{u} problem" for i, u in enumerate(uniques)}
        if progress:
            progress("grouping", 1.0)
        return pd.DataFrame({"ticket_id": tickets["ticket_id"], "cluster_id": cid})

    def _group(self, threshold, min_cluster_size):
        key = self.tickets["problem"].fillna("")
        if threshold >= 0.8:
            key = key.where(key == "", key + "/" + self.tickets["channel"].astype("str"))
        codes, uniques = pd.factorize(key, sort=True)
        sizes = np.bincount(codes)
        return np.where((key == "").to_numpy() | (sizes[codes] < min_cluster_size), -1, codes), uniques

    def cluster_counts(self, settings, min_cluster_size):
        return [len(set(self._group(t, min_cluster_size)[0].tolist()) - {-1}) for t, _resolution in settings]

    def cluster_names(self):
        return self.names

    def distinctive_terms(self, ticket_ids, k=8):
        rows = self.tickets[self.tickets["ticket_id"].isin(ticket_ids)]
        words = rows["description"].str.lower().str.findall(r"[a-z]{4,}").explode()
        return words.value_counts().index[:k].tolist()

    def neighbours(self, ticket_ids, groups, k=5):
        counts = groups[~groups.index.isin(ticket_ids)].value_counts()
        return pd.DataFrame({"cluster": counts.index[:k], "similarity": np.linspace(0.9, 0.5, len(counts))[:k]})

    def similar(self, query, k=10):
        words = set(query.lower().split())
        overlap = self.tickets["description"].str.lower().str.split().map(lambda w: len(words & set(w)))
        order = overlap.sort_values(ascending=False, kind="stable").head(k)
        return pd.DataFrame({"ticket_id": self.tickets.loc[order.index, "ticket_id"],
                             "similarity": order.to_numpy() / max(len(words), 1)})


def make_tickets() -> pd.DataFrame:
    """24 tickets: 10 export (emerging: 8 in the last 4 weeks), 8 login, 4 invoice, 2 one-offs."""
    end = pd.Timestamp("2026-09-30 12:00", tz="UTC")
    rows = []
    ages = {"export": [1, 2, 3, 5, 8, 10, 15, 20, 60, 100], "login": [3, 20, 40, 60, 80, 100, 120, 150],
            "invoice": [10, 50, 90, 130], None: [7, 70]}
    n = 0
    for problem, days in ages.items():
        for i, d in enumerate(days):
            n += 1
            text = PROBLEMS[problem] if problem else f"one-off question number {n}"
            rows.append({"ticket_id": f"T{n:03d}", "created_at": end - pd.Timedelta(days=d),
                         "subject": f"{problem or 'misc'} question {n}",
                         "description": f"{text}. Contact me at jane{n}@example.com",
                         "team": "Tier 1" if i % 2 else "Billing", "channel": "email" if i % 3 else "chat",
                         "product": "Reports", "organization_id": f"O{i % 4}", "requester_id": f"R{n}",
                         "agent_replies": 2, "satisfaction": "bad" if problem == "export" else "good",
                         "problem": problem})
    return pd.DataFrame(rows)
