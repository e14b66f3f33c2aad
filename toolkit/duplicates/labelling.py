"""Explain each cluster: a short name, its most typical tickets, and the bugs it cites.

- Names come from class-based TF-IDF (c-TF-IDF, as in BERTopic): a term's weight in
  a cluster is its frequency there times ``log(1 + A / f)``, where ``f`` is its
  frequency over all clusters and ``A`` the average number of words per cluster, so
  words common to every ticket ("account", "please") sink and the cluster's own
  words rise. The name is the top three terms, a two-word phrase absorbing its words.
- Representative tickets are the ones closest (cosine) to the cluster's centroid.
- Bug-tracker keys are found in the raw text: Jira-style keys (``APP-1234``), GitHub-
  style references (``#1234``, ``owner/repo#12``) and links to Jira (``/browse/KEY-1``)
  or GitHub issues (``github.com/owner/repo/issues/12``). Helpdesk problem links
  (``problem_id``, ``parent_id``) are collected from the ticket columns.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import scipy.sparse as sp
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, CountVectorizer

_JIRA_KEY = re.compile(r"\b([A-Z][A-Z0-9]{1,9}-[1-9]\d{0,5})\b")
_GITHUB_URL = re.compile(r"(?i)github\.com/([\w.-]+/[\w.-]+)/(?:issues|pull)/(\d+)")
_OWNER_REPO_REF = re.compile(r"\b([\w.-]+/[\w.-]+)#(\d+)\b")
_HASH_REF = re.compile(r"(?i)(?<![\w&/])(?<!order )(?<!ticket )(?<!invoice )(?<!case )(?<!request )(?<!no\. )"
                       r"(?<!number )(?<!ref )#(\d{2,6})\b")
# Prefixes of standard names that look like keys (ISO-8601, UTF-8, SHA-256, ...).
_NOT_KEYS = {"ISO", "UTF", "SHA", "RFC", "COVID", "TLS", "SSL", "HTTP", "MP", "IPV", "PCI", "AES", "CVE", "GDPR",
             "ORD", "INV", "TKT", "REQ", "CASE", "REF", "SR", "CS", "PO"}
_STOP = sorted(ENGLISH_STOP_WORDS | {"hi", "hello", "thanks", "thank", "regards", "please", "help", "issue",
                                     "problem", "team", "support", "hey", "dear", "cheers", "just", "ve", "ll", "don",
                                     "im", "doesn", "isn", "didn", "wasn", "ok"})


def extract_bug_keys(texts: pd.Series) -> pd.Series:
    """The bug-tracker references in each text, as a sorted list of strings.

    Jira keys as ``APP-1234``, GitHub issues as ``owner/repo#12``, bare references as ``#1234``.
    Order, ticket, invoice and case numbers (``order #4821``) and standard names (``ISO-8601``) are not keys.
    """
    texts = pd.Series(texts).fillna("").astype("str")
    result = pd.Series([[] for _ in range(len(texts))], index=texts.index, dtype=object)
    # only a few texts cite anything: find them with one fast (RE2) scan before the detailed patterns
    array = pa.chunked_array([pa.array(texts.tolist(), type=pa.large_string())]) if len(texts) else None
    if array is None:
        return result
    maybe = np.asarray(pc.match_substring_regex(array, r"[A-Z][A-Z0-9]+-[1-9]|#\d\d|github\.com").to_numpy(
        zero_copy_only=False), dtype=bool)
    texts = texts[maybe]
    parts = []
    jira = texts.str.extractall(_JIRA_KEY)
    if len(jira):
        keys = jira[0]
        keys = keys[~keys.str.split("-").str[0].isin(_NOT_KEYS)]
        parts.append(keys)
    github = texts.str.extractall(_GITHUB_URL)
    if len(github):
        parts.append(github[0].str.lower() + "#" + github[1])
    refs = texts.str.extractall(_OWNER_REPO_REF)
    if len(refs):
        parts.append(refs[0].str.lower() + "#" + refs[1])
    hashes = texts.str.replace(_OWNER_REPO_REF, " ", regex=True).str.extractall(_HASH_REF)
    if len(hashes):
        parts.append("#" + hashes[0])
    if parts:
        found = pd.concat(parts).astype("str")
        found.index = found.index.get_level_values(0)
        grouped = found.groupby(level=0).agg(lambda s: sorted(set(s)))
        result.loc[grouped.index] = grouped
    return result


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


def cluster_name(terms: list[str], words: int = 3) -> str:
    """A short name from ranked terms: a phrase absorbs the single words it contains."""
    chosen: list[str] = []
    for term in terms:
        if any(term in c.split() or term == c for c in chosen):
            continue
        if " " in term:
            parts = term.split()
            chosen = [c for c in chosen if c not in parts]
        chosen.append(term)
        if len(chosen) >= words:
            break
    return " / ".join(chosen)


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
    rows = sub.multiply(centroids[inverse]).sum(axis=1) if sp.issparse(sub) else (sub * centroids[inverse]).sum(1)
    score = np.asarray(rows).ravel()
    frame = pd.DataFrame({"cluster_id": clusters[inverse], "score": -score, "id": np.asarray(ids)[mask]})
    frame = frame.sort_values(["cluster_id", "score", "id"], kind="stable")
    return frame.groupby("cluster_id")["id"].agg(lambda s: list(s)[:top])
