"""BERTopic on the same labelled texts as text_clustering.py: the reference the `semantic` timing is held against.

Usage (BERTopic is not a dependency of the toolkit; install it beside the venv, not into it):
    .venv/bin/python -m pip install --target /tmp/btlib --no-deps bertopic umap-learn hdbscan pynndescent numba llvmlite
    PYTHONPATH=/tmp/btlib .venv/bin/python benchmarks/bertopic_reference.py --data FILE.csv \
        --text-col TEXT --label-col LABEL

BERTopic with its default UMAP and HDBSCAN settings and the packaged all-MiniLM-L6-v2 as its sentence model,
run by sentence-transformers on PyTorch as BERTopic does. The clock starts before the model is loaded, as
text_clustering.py's includes loading the toolkit's model. Texts BERTopic leaves as outliers (topic -1) count
as singletons. Prints one JSON line: nmi, ari, clusters, outlier_share, seconds (wall), cpu_seconds.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.text_clustering import singletons
from toolkit.duplicates.local_models import model_path


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", required=True)
    parser.add_argument("--text-col", required=True)
    parser.add_argument("--label-col", required=True)
    args = parser.parse_args(argv)

    data = pd.read_csv(args.data, dtype="str", keep_default_na=False, na_values=[""])
    texts = data[args.text_col].fillna("").tolist()
    labels = data[args.label_col].to_numpy()

    wall, cpu = time.perf_counter(), time.process_time()
    from bertopic import BERTopic
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(model_path()), device="cpu")
    topics, _ = BERTopic(embedding_model=model).fit_transform(texts)
    seconds, cpu_seconds = time.perf_counter() - wall, time.process_time() - cpu

    topics = np.asarray(topics)
    found = singletons(topics)
    result = {"data": Path(args.data).name, "method": "BERTopic", "rows": len(texts),
              "nmi": round(normalized_mutual_info_score(labels, found), 4),
              "ari": round(adjusted_rand_score(labels, found), 4),
              "clusters": int(len(set(topics[topics >= 0].tolist()))),
              "outlier_share": round(float((topics < 0).mean()), 4),
              "seconds": round(seconds, 2), "cpu_seconds": round(cpu_seconds, 2)}
    print(json.dumps(result))
    return result


if __name__ == "__main__":
    main()
