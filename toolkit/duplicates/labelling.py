"""Explain each cluster: a short name, its most typical tickets, and the bugs it cites.

- Names come from class-based TF-IDF (c-TF-IDF, as in BERTopic): a term's weight in
  a cluster is its frequency there times ``log(1 + A / f)``, where ``f`` is its
  frequency over all clusters and ``A`` the average number of words per cluster, so
  words common to every ticket ("account", "please") sink and the cluster's own
  words rise. The name is the top three terms, a two-word phrase absorbing its words.
- Representative tickets are the ones closest (cosine) to the cluster's centroid.
- Bug-tracker keys (found by :mod:`toolkit.duplicates.bug_keys`) and helpdesk problem links
  (``problem_id``, ``parent_id``) are counted per cluster by :func:`cluster_counts`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, CountVectorizer

_STOP = sorted(ENGLISH_STOP_WORDS | {"hi", "hello", "thanks", "thank", "regards", "please", "help", "issue",
                                     "problem", "team", "support", "hey", "dear", "cheers", "just", "ve", "ll", "don",
                                     "im", "doesn", "isn", "didn", "wasn", "ok"})


def cluster_counts(values: pd.Series, labels: np.ndarray, top: int = 10, min_share: float = 0.0) -> pd.Series:
    """Per cluster, the values (lists or scalars per ticket) ordered by how many tickets mention them.

    A value is kept when at least ``min_share`` of the cluster's tickets (and at least one) mention it.
    """
    labels = np.asarray(labels)
    frame = pd.DataFrame({"cluster_id": labels, "value": values.to_numpy()})
    sizes = frame["cluster_id"].value_counts()
    frame = frame[frame["cluster_id"] >= 0].explode("value").dropna(subset=["value"])
    frame = frame[frame["value"].astype("str").str.len() > 0]
    if frame.empty:
        return pd.Series(dtype=object)
    frame = frame.assign(ticket=frame.index).drop_duplicates(["ticket", "value"])
    counts = frame.groupby(["cluster_id", "value"]).size().rename("n").reset_index()
    needed = np.maximum(1, np.ceil(min_share * counts["cluster_id"].map(sizes).to_numpy() - 1e-9))
    counts = counts[counts["n"].to_numpy() >= needed]
    counts = counts.sort_values(["cluster_id", "n", "value"], ascending=[True, False, True])
    return counts.groupby("cluster_id")["value"].agg(lambda s: list(s)[:top])


class TermWeights:
    """c-TF-IDF weights of words and two-word phrases against a background of all tickets.

    ``fit(texts)`` learns the vocabulary and background frequencies from at most
    ``max_background`` texts (seeded sample); then :meth:`per_cluster` names every
    cluster at once and :meth:`top_terms` any set of texts (e.g. a cluster an analyst merged).
    """

    def __init__(self, max_background: int = 20_000, seed: int = 0) -> None:
        self.max_background = max_background
        self.seed = seed

    def fit(self, texts) -> TermWeights:
        docs = pd.Series(texts).fillna("").astype("str").to_numpy()
        if len(docs) > self.max_background:
            pick = np.sort(np.random.default_rng(self.seed).choice(len(docs), self.max_background, replace=False))
            docs = docs[pick]
        self.vectorizer_ = CountVectorizer(ngram_range=(1, 2), stop_words=_STOP, token_pattern=r"(?u)\b[a-z][a-z]+\b",
                                           min_df=2 if len(docs) > 50 else 1, max_features=100_000)
        try:
            counts = self.vectorizer_.fit_transform(docs)
        except ValueError:  # no usable words at all
            self.vectorizer_ = None
            return self
        background = np.asarray(counts.sum(axis=0)).ravel().astype(np.float64)
        # A (average words per class in c-TF-IDF): classes taken as sqrt(n) tickets each, which
        # keeps the weight idf-like on both a dozen tickets and a million
        average = background.sum() / np.sqrt(max(len(docs), 1))
        self.idf_ = np.log1p(average / np.maximum(background, 1))
        self.vocabulary_ = self.vectorizer_.get_feature_names_out()
        return self

    def _weights(self, grouped_counts) -> sp.csr_matrix:
        words = np.asarray(grouped_counts.sum(axis=1)).ravel()
        tf = sp.diags(1.0 / np.maximum(words, 1)) @ grouped_counts.astype(np.float64)
        return (tf @ sp.diags(self.idf_)).tocsr()

    def top_terms(self, texts, k: int = 10) -> pd.DataFrame:
        """The ``k`` most distinctive terms of one group of texts: term, weight."""
        labels = np.zeros(len(texts), dtype=np.int64)
        found = self.per_cluster(texts, labels, top=k)
        return found[["term", "weight"]].reset_index(drop=True)

    def per_cluster(self, texts, labels: np.ndarray, top: int = 10) -> pd.DataFrame:
        """Top ``top`` terms of every cluster: columns cluster_id, term, weight (ordered by weight)."""
        labels = np.asarray(labels)
        mask = labels >= 0
        if getattr(self, "vectorizer_", None) is None or not mask.any():
            return pd.DataFrame({"cluster_id": pd.Series(dtype="int64"), "term": pd.Series(dtype="str"),
                                 "weight": pd.Series(dtype="float64")})
        docs = pd.Series(texts).fillna("").astype("str").to_numpy()[mask]
        counts = self.vectorizer_.transform(docs)
        clusters, inverse = np.unique(labels[mask], return_inverse=True)
        member = sp.csr_matrix((np.ones(len(inverse)), (inverse, np.arange(len(inverse)))),
                               shape=(len(clusters), len(inverse)))
        weights = self._weights((member @ counts).tocsr())
        coo = weights.tocoo()
        frame = pd.DataFrame({"cluster_id": clusters[coo.row].astype("int64"), "term": self.vocabulary_[coo.col],
                              "weight": coo.data})
        frame = frame.sort_values(["cluster_id", "weight", "term"], ascending=[True, False, True], kind="stable")
        frame = frame.groupby("cluster_id", sort=False).head(top).reset_index(drop=True)
        frame["term"] = frame["term"].astype("str")
        return frame


# Words that say how a message was sent or how politely, never what it is about; and the cleaner's placeholders.
NAME_BOILERPLATE = frozenset({
    "fwd", "fw", "re", "aw", "subject", "sorry", "regards", "thanks", "thank", "hi", "hello", "hey", "dear",
    "please", "urgent", "asap", "question", "quick", "help", "issue", "problem", "request", "kind", "best", "team",
    "support", "ticket", "query", "follow", "following", "update", "again", "still", "sent", "message", "mail",
    "email", "num", "date", "url", "wrote", "original", "forwarded",
})


def cluster_name(terms: list[str], key: str | None = None, words: int = 3, max_words: int = 5) -> str:
    """A short name from ranked terms: the bug key first, then up to ``words`` terms.

    A two-word phrase absorbs the single words it contains; a term that repeats a word already
    in the name, or holds mail boilerplate (fwd, subject, sorry, regards...), is skipped; the
    name stops at ``max_words`` words.

    >>> cluster_name(["sms", "sms code", "fwd", "code arriving", "arriving"], key="APP-2210")
    'APP-2210: sms code / arriving'
    """
    chosen: list[str] = []
    for term in terms:
        parts = term.split()
        stems = {_stem(p) for p in parts}
        if len(stems) < len(parts) or any(p in NAME_BOILERPLATE for p in parts):
            continue
        singles = [c for c in chosen if " " not in c and _stem(c) in stems]
        used = {_stem(w) for c in chosen if c not in singles for w in c.split()}
        every = {_stem(w) for c in chosen for w in c.split()}
        if used & stems or (not singles and stems & every):
            continue
        candidate = [c for c in chosen if c not in singles] + [term]
        if sum(len(c.split()) for c in candidate) > max_words:
            continue
        chosen = candidate
        if len(chosen) >= words:
            break
    phrase = " / ".join(chosen)
    if key and "-" in key:
        return f"{key}: {phrase}" if phrase else key
    return phrase


def _stem(word: str) -> str:
    """A plural's singular, enough to keep "code" and "codes" from both entering a name."""
    for ending in ("ies", "s"):
        if word.endswith(ending) and len(word) > len(ending) + 2:
            return word[: -len(ending)] + ("y" if ending == "ies" else "")
    return word


def representatives(vectors, labels: np.ndarray, ids: np.ndarray, top: int = 3) -> pd.Series:
    """Per cluster, the ids of the ``top`` tickets most similar to the cluster centroid (most typical first)."""
    labels = np.asarray(labels)
    mask = np.flatnonzero(labels >= 0)
    if len(mask) == 0:
        return pd.Series(dtype=object)
    clusters, inverse = np.unique(labels[mask], return_inverse=True)
    member = sp.csr_matrix((np.ones(len(mask)), (inverse, np.arange(len(mask)))), shape=(len(clusters), len(mask)))
    sub = vectors[mask]
    centroids = member @ sub
    centroids = centroids.toarray() if sp.issparse(centroids) else np.asarray(centroids)
    if sp.issparse(sub):
        # each stored entry times its cluster's centroid at that column, summed per row: a dense copy of the
        # centroid for every member (gigabytes for the hybrid's word columns) is never made
        sub = sp.csr_matrix(sub)
        row = np.repeat(np.arange(sub.shape[0]), np.diff(sub.indptr))
        score = np.bincount(row, weights=sub.data * centroids[inverse[row], sub.indices], minlength=sub.shape[0])
    else:
        score = np.asarray((sub * centroids[inverse]).sum(1)).ravel()
    frame = pd.DataFrame({"cluster_id": clusters[inverse], "score": -score, "id": np.asarray(ids)[mask]})
    frame = frame.sort_values(["cluster_id", "score", "id"], kind="stable")
    return frame.groupby("cluster_id")["id"].agg(lambda s: list(s)[:top])
