"""Explain each cluster: a short name, its most typical tickets, and the bugs it cites.

- Names come from class-based TF-IDF (c-TF-IDF, as in BERTopic): a term's weight in
  a cluster is its frequency there times ``log(1 + A / f)``, where ``f`` is its
  frequency over all clusters and ``A`` the average number of words per cluster, so
  words common to every ticket ("account", "please") sink and the cluster's own
  words rise. Where the tickets have subject lines, the name is the subject line several of
  the cluster's customers wrote that best covers those terms ("Password reset link expired",
  :func:`subject_name`); otherwise the top three terms, a two-word phrase absorbing its words.
- Representative tickets are the ones closest (cosine) to the cluster's centroid.
- Bug-tracker keys (found by :mod:`toolkit.duplicates.bug_keys`) and helpdesk problem links
  (``problem_id``, ``parent_id``) are counted per cluster by :func:`cluster_counts`.
"""

from __future__ import annotations

import re

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


def background_rows(n: int, max_background: int, seed: int) -> np.ndarray | None:
    """The rows (sorted) of ``n`` texts that :class:`TermWeights` learns from: a seeded sample of
    ``max_background`` when there are more, else None (all)."""
    if n <= max_background:
        return None
    return np.sort(np.random.default_rng(seed).choice(n, max_background, replace=False))


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
        pick = background_rows(len(docs), self.max_background, self.seed)
        return self.fit_background(docs if pick is None else docs[pick])

    def fit_background(self, docs) -> TermWeights:
        """Fit on the background texts themselves (:func:`background_rows` of the whole set, fetched by an
        engine that does not hold every text)."""
        docs = pd.Series(docs).fillna("").astype("str").to_numpy()
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


SUBJECT_MIN_TICKETS = 3
"""A subject line names a cluster only when at least this many of its tickets carry it (the smallest cluster),
written by as many customers and, where organisations are known, by more than one: a phrase customers share,
never one person's or one company's own words."""
_REPLY_PREFIX = re.compile(r"^(?:\s*(?:re|fwd?|aw|wg|tr)\s*(?:\[\d+\])?\s*:\s*)+", re.IGNORECASE)
_LEAD = re.compile(r"^\s*([A-Za-z][A-Za-z ]{0,30}?)\s*[:\-–]\s+")
_MASKED = re.compile(r"\[[a-z_]+\]")  # a value toolkit.pii masked ([email], [name], ...)
_SUBJECT_WORDS = re.compile(r"[a-z][a-z]+")


def subject_lines(subjects: pd.Series, requesters: pd.Series | None = None,
                  organizations: pd.Series | None = None) -> pd.DataFrame:
    """Subject lines without reply, forward and "URGENT:" prefixes (``spelled``) and as compared (``folded``: lower
    case, single spaces), with who wrote them (``requester``, ``organization``: the ticket itself and unknown where
    not given); empty ones dropped, the index kept."""
    spelled = subjects.dropna().astype("str").str.replace(_REPLY_PREFIX, "", regex=True)
    lead = spelled.str.extract(_LEAD, expand=False)  # "URGENT:", "Quick question -": how it was sent, not what
    tag = lead.notna() & lead.fillna("").str.lower().str.findall(r"[a-z]+").map(
        lambda words: bool(words) and all(w in NAME_BOILERPLATE for w in words))
    spelled = spelled.str.replace(_LEAD, "", regex=True, n=1).where(tag, spelled)
    spelled = spelled.str.strip(" .!-")
    spelled = spelled[spelled.str.len() > 0]
    own = pd.Series([("ticket", i) for i in spelled.index], index=spelled.index, dtype="object")  # no id's twin
    who = own if requesters is None else requesters.reindex(spelled.index).astype("object").fillna(own)
    org = (pd.Series(None, index=spelled.index, dtype="object") if organizations is None
           else organizations.reindex(spelled.index))
    return pd.DataFrame({"spelled": spelled, "folded": spelled.str.lower().str.split().str.join(" "),
                         "requester": who, "organization": org})


def subject_names(lines: pd.DataFrame, labels: np.ndarray, terms: pd.Series, keys: pd.Series) -> pd.Series:
    """Per cluster (the index of ``terms``), the subject line that best names it, or None (see :func:`subject_name`).

    ``lines`` from :func:`subject_lines` over every ticket, ``labels`` the tickets' clusters (aligned with the
    tickets the lines were made from), ``terms`` and ``keys`` the clusters' ranked terms and bug keys.
    """
    frame = lines.assign(cluster_id=np.asarray(labels)[lines.index.to_numpy()])
    frame = frame[frame["cluster_id"] >= 0]
    by_subject = frame.groupby(["cluster_id", "folded"])
    counts, writers = by_subject.size(), by_subject["requester"].nunique()
    companies, known = by_subject["organization"].nunique(), by_subject["organization"].count()
    counts = counts[(writers >= SUBJECT_MIN_TICKETS) & ((known == 0) | (companies >= 2))]
    # each subject's most common spelling in its cluster, capitals kept
    spellings = (frame.groupby(["cluster_id", "folded", "spelled"]).size().rename("n").reset_index()
                 .sort_values(["n", "spelled"], ascending=[False, True], kind="stable")
                 .drop_duplicates(["cluster_id", "folded"]).set_index(["cluster_id", "folded"])["spelled"])
    out = {}
    for cid, candidates in counts.groupby(level="cluster_id"):
        if cid not in terms.index:
            continue
        best = best_subject(candidates.droplevel("cluster_id"), terms[cid])
        if best is not None:
            spelled = spellings[(cid, best)]
            key = keys.get(cid)
            out[cid] = f"{key}: {spelled}" if key and "-" in key else spelled
    return pd.Series(out, dtype="object").reindex(terms.index)


def subject_name(subjects: pd.Series, terms: list[str], key: str | None = None) -> str | None:
    """The subject line that best names one cluster of tickets, or None when none fits.

    Candidates are subject lines (reply and forward prefixes removed, compared ignoring case and
    spacing) carried by at least :data:`SUBJECT_MIN_TICKETS` tickets; :func:`best_subject` picks one.
    The bug key goes first, as in :func:`cluster_name`.

    >>> subjects = pd.Series(["SMS codes very slow"] * 3 + ["Can't log in - no text message"] * 4 + ["Help"] * 9)
    >>> subject_name(subjects, ["sms", "codes", "text", "slow"], key="APP-2210")
    'APP-2210: SMS codes very slow'
    """
    subjects = subjects.reset_index(drop=True)
    names = subject_names(subject_lines(subjects), np.zeros(len(subjects), dtype=np.int64), pd.Series({0: terms}),
                          pd.Series({0: key}, dtype="object"))
    return names.iloc[0] if isinstance(names.iloc[0], str) else None


def best_subject(counts: pd.Series, terms: list[str], top_terms: int = 5, max_words: int = 8) -> str | None:
    """The subject (index of ``counts``: folded subject -> tickets) that names a cluster with these ranked terms.

    A subject of two to ``max_words`` words, with no masked value, scores the rank weights (1, 1/2, 1/3...)
    of the top ``top_terms`` terms whose words it holds, times the share of its words that say what it is
    about (not "quick", "question", "the"), times ``log(1 + tickets carrying it)``; one that holds none of
    the top three terms is not a name. Ties go to the most used, then the shorter.
    """
    wanted = [({_stem(w) for w in term.split()}, 1 / (rank + 1)) for rank, term in enumerate(terms[:top_terms])]
    best = None
    for subject, n in counts.items():
        if not 2 <= len(subject.split()) <= max_words or _MASKED.search(subject):
            continue
        words = _SUBJECT_WORDS.findall(subject)
        stems = {_stem(w) for w in words}
        if not any(need <= stems for need, _ in wanted[:3]):
            continue
        covered = sum(weight for need, weight in wanted if need <= stems)
        content = sum(w not in NAME_BOILERPLATE and w not in ENGLISH_STOP_WORDS for w in words) / max(len(words), 1)
        score = (round(covered * content * float(np.log1p(n)), 9), int(n), -len(subject), subject)
        best = score if best is None else max(best, score)
    return None if best is None else best[3]


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
