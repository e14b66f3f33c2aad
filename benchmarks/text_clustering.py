"""Cluster labelled texts without their labels and compare with the labels.

Usage:
    python benchmarks/text_clustering.py --data FILE.csv --text-col TEXT --label-col LABEL
        [--representation NAME] [--threshold T] [--resolution R] [--min-cluster-size M] [--seed S]

``--text-col`` names one text column, or two comma-separated (``subject,description``: the
first is weighted as a subject). Rows with an empty label are clustered but not scored.
Texts left unclustered count as singleton clusters in every metric. B-cubed precision of
a labelled text is the share of its cluster (all rows) with its label; recall is the share
of its label's texts in its cluster; both averaged over labelled texts, F1 their harmonic mean.
Prints one JSON line: nmi, ari, bcubed_precision, bcubed_recall, bcubed_f1, clusters,
unclustered_share, seconds (fit, wall clock), cpu_seconds, peak_memory_mb (peak RSS).
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from toolkit.duplicates import DuplicateFinder
from toolkit.duplicates.representation import (
    HybridRepresentation,
    SentenceEmbeddingRepresentation,
    make_representation,
)


def bcubed(clusters: np.ndarray, labels: pd.Series) -> tuple[float, float, float]:
    """B-cubed precision, recall, F1 over the labelled items (clusters: -1 = singleton)."""
    clusters = singletons(clusters)
    frame = pd.DataFrame({"cluster": clusters, "label": labels.to_numpy()})
    labelled = frame["label"].notna().to_numpy()
    # unlabelled rows are their own class: they dilute precision, never recall
    frame.loc[~labelled, "label"] = [f"\x00{i}" for i in np.flatnonzero(~labelled)]
    cluster_size = frame.groupby("cluster")["cluster"].transform("size")
    label_size = frame.groupby("label")["label"].transform("size")
    both = frame.groupby(["cluster", "label"])["cluster"].transform("size")
    precision = float((both / cluster_size)[labelled].mean())
    recall = float((both / label_size)[labelled].mean())
    return precision, recall, 2 * precision * recall / (precision + recall)


def singletons(clusters: np.ndarray) -> np.ndarray:
    out = np.asarray(clusters).copy()
    alone = out < 0
    out[alone] = out.max(initial=-1) + 1 + np.arange(alone.sum())
    return out


def embedding_afresh(name: str, seed: int = 0):
    """The representation ``name``, made to embed every text itself: the sentence model's vectors kept on disk
    by an earlier run of the same texts would otherwise be read back, and the timing would not be the model's."""
    representation = make_representation(name, seed=seed, progress=False)
    if isinstance(representation, HybridRepresentation):  # its sentence model is made when it is fitted
        representation.semantic = SentenceEmbeddingRepresentation(progress=False, keep_vectors=False)
    elif isinstance(representation, SentenceEmbeddingRepresentation):
        representation.keep_vectors = False
    return representation


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", required=True)
    parser.add_argument("--text-col", required=True)
    parser.add_argument("--label-col", required=True)
    parser.add_argument("--representation", default="tfidf")
    parser.add_argument("--threshold", type=float, default=None)
    parser.add_argument("--resolution", type=float, default=None)
    parser.add_argument("--min-cluster-size", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    data = pd.read_csv(args.data, dtype="str", keep_default_na=False, na_values=[""])
    columns = [c.strip() for c in args.text_col.split(",")]
    tickets = pd.DataFrame({"ticket_id": [str(i) for i in range(len(data))]})
    if len(columns) == 1:
        tickets["description"] = data[columns[0]].fillna("")
    else:
        tickets["subject"] = data[columns[0]].fillna("")
        tickets["description"] = data[columns[1]].fillna("")
    labels = data[args.label_col]

    wall, cpu = time.perf_counter(), time.process_time()
    finder = DuplicateFinder(representation=embedding_afresh(args.representation, args.seed), threshold=args.threshold,
                             resolution=args.resolution, min_cluster_size=args.min_cluster_size, seed=args.seed,
                             progress=False).fit(tickets)
    seconds, cpu_seconds = time.perf_counter() - wall, time.process_time() - cpu

    clusters = finder.labels_
    scored = labels.notna().to_numpy()
    found = singletons(clusters)[scored]
    truth = labels[scored].to_numpy()
    precision, recall, f1 = bcubed(clusters, labels)
    result = {
        "data": Path(args.data).name, "representation": args.representation, "rows": len(data),
        "labelled": int(scored.sum()), "labels": int(pd.Series(truth).nunique()),
        "nmi": round(normalized_mutual_info_score(truth, found), 4),
        "ari": round(adjusted_rand_score(truth, found), 4),
        "bcubed_precision": round(precision, 4), "bcubed_recall": round(recall, 4), "bcubed_f1": round(f1, 4),
        "clusters": int(len(finder.clusters_)), "unclustered_share": round(float((clusters < 0).mean()), 4),
        "threshold": finder.threshold_, "resolution": finder.resolution_,
        "seconds": round(seconds, 2), "cpu_seconds": round(cpu_seconds, 2),
        "peak_memory_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    print(json.dumps(result))
    return result


if __name__ == "__main__":
    main()
