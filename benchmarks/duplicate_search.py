"""Rank a corpus for each query and score the ranking against known duplicates.

Usage:
    python benchmarks/duplicate_search.py --corpus CORPUS.csv --queries QUERIES.csv [--representation NAME]
        [--subject-first-line] [--baseline plain-tfidf|plain-mix]

CORPUS has columns ``id,text``. QUERIES has ``query_id,positive_ids,candidate_ids`` (ids
space-separated); the query's text is its corpus row. An empty ``candidate_ids`` ranks the
whole corpus except the query. The representation is fitted on the corpus texts (no labels);
candidates are ranked by cosine similarity, ties by corpus order. ``--subject-first-line``
reads each text's first line as the ticket's subject (bug reports: the summary) and the rest as
its description, as a helpdesk export gives them.

``--baseline`` ranks with a reference instead of the toolkit, on the raw texts: ``plain-tfidf``
is word uni+bigram TF-IDF (sublinear tf) cosine; ``plain-mix`` the mean of that cosine and the
packaged MiniLM's cosine (the ``semantic`` extra), the simple fusion a hybrid must beat.

Metrics, averaged over queries: MAP (mean average precision over the full ranking), MRR
(1 / rank of the first positive), P@1, P@5 (share of positives in the top 1 / 5), Recall@10
(share of the query's positives found in the top 10). Prints one JSON line with these,
queries, seconds (vectorising + ranking, wall clock) and cpu_seconds.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.text_clustering import embedding_afresh
from toolkit.duplicates.cleaning import TicketCleaner

BLOCK = 256


def _ids(text: str) -> list[str]:
    return [] if not isinstance(text, str) else text.split()


def score_queries(sims: np.ndarray, candidates: list[np.ndarray | None], positives: list[np.ndarray],
                  own: np.ndarray) -> np.ndarray:
    """Per query: average precision, reciprocal rank, P@1, P@5, Recall@10 (rows of a (q, 5) array)."""
    out = np.zeros((len(positives), 5))
    for q, (row, cand, pos) in enumerate(zip(sims, candidates, positives, strict=True)):
        if cand is None:
            cand = np.delete(np.arange(len(row)), own[q])
        order = cand[np.lexsort((cand, -row[cand]))]
        hit = np.isin(order, pos)
        if not hit.any():
            continue
        ranks = np.flatnonzero(hit) + 1
        precision_at_hits = np.arange(1, len(ranks) + 1) / ranks
        out[q] = [precision_at_hits.sum() / len(pos), 1 / ranks[0], hit[:1].mean(), hit[:5].mean(),
                  hit[:10].sum() / len(pos)]
    return out


def baseline_vectors(texts: pd.Series, name: str):
    """Unit rows whose dot product is the baseline's score (a mix: both blocks side by side, each weighted 1/2)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    words = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True).fit_transform(texts.tolist())
    if name == "plain-tfidf":
        return words
    from toolkit.duplicates.representation import SentenceEmbeddingRepresentation

    meaning = SentenceEmbeddingRepresentation(progress=False).fit().transform(texts.tolist())
    return sp.hstack([words * np.sqrt(0.5), sp.csr_matrix(meaning) * np.sqrt(0.5)], format="csr")


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", required=True)
    parser.add_argument("--queries", required=True)
    parser.add_argument("--representation", default="tfidf")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--subject-first-line", action="store_true")
    parser.add_argument("--baseline", choices=["plain-tfidf", "plain-mix"], default=None)
    args = parser.parse_args(argv)

    corpus = pd.read_csv(args.corpus, dtype="str", keep_default_na=False)
    queries = pd.read_csv(args.queries, dtype="str", keep_default_na=False)
    position = pd.Series(np.arange(len(corpus)), index=corpus["id"])
    own = position.loc[queries["query_id"]].to_numpy()
    positives = [position.reindex(_ids(p)).dropna().to_numpy(dtype=np.int64) for p in queries["positive_ids"]]
    shared: dict[str, np.ndarray] = {}
    candidates = []
    for text in queries["candidate_ids"]:
        if not text:
            candidates.append(None)
        else:  # identical candidate lists (the usual case) are parsed once
            if text not in shared:
                shared[text] = position.reindex(_ids(text)).dropna().to_numpy(dtype=np.int64)
            candidates.append(shared[text])

    wall, cpu = time.perf_counter(), time.process_time()
    if args.baseline:
        vectors = baseline_vectors(corpus["text"], args.baseline)
    else:
        tickets = corpus["text"]
        if args.subject_first_line:
            parts = corpus["text"].str.split("\n", n=1, expand=True).reindex(columns=[0, 1]).fillna("")
            tickets = pd.DataFrame({"subject": parts[0], "description": parts[1]})
        texts = TicketCleaner().transform(tickets)
        representation = embedding_afresh(args.representation, args.seed).fit(texts)
        vectors = representation.transform(texts)
    scores = []
    for start in range(0, len(own), BLOCK):
        block = vectors[own[start:start + BLOCK]] @ vectors.T
        block = block.toarray() if sp.issparse(block) else np.asarray(block)
        scores.append(score_queries(block, candidates[start:start + BLOCK], positives[start:start + BLOCK],
                                    own[start:start + BLOCK]))
    seconds, cpu_seconds = time.perf_counter() - wall, time.process_time() - cpu
    mean = np.vstack(scores).mean(axis=0)
    result = {"corpus": Path(args.corpus).name, "representation": args.baseline or args.representation,
              "subject_first_line": args.subject_first_line,
              "map": round(mean[0], 4), "mrr": round(mean[1], 4), "p_at_1": round(mean[2], 4),
              "p_at_5": round(mean[3], 4), "recall_at_10": round(mean[4], 4), "queries": len(own),
              "corpus_size": len(corpus), "seconds": round(seconds, 2), "cpu_seconds": round(cpu_seconds, 2)}
    print(json.dumps(result))
    return result


if __name__ == "__main__":
    main()
