"""Write Banking77 (train + test) in the generic search format of duplicate_search.py.

Usage:
    python benchmarks/banking77_to_search.py --data ../shared/benchdata/banking77 --out /tmp/b77

Writes OUT/corpus.csv (``id,text``: ``train-N`` and ``test-N`` rows) and OUT/queries.csv: one
query per test text; positives are the training texts with its intent; candidates are all the
training texts (so other test texts never compete), as the data set's README defines search.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", required=True, help="folder with train.csv and test.csv (text,category)")
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    data, out = Path(args.data), Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    train = pd.read_csv(data / "train.csv")
    test = pd.read_csv(data / "test.csv")
    train["id"] = [f"train-{i}" for i in range(len(train))]
    test["id"] = [f"test-{i}" for i in range(len(test))]
    pd.concat([train, test])[["id", "text"]].to_csv(out / "corpus.csv", index=False)
    by_intent = train.groupby("category")["id"].agg(" ".join)
    every_train = " ".join(train["id"])
    queries = pd.DataFrame({"query_id": test["id"], "positive_ids": test["category"].map(by_intent),
                            "candidate_ids": every_train})
    queries.to_csv(out / "queries.csv", index=False)
    print(f"wrote {out / 'corpus.csv'} ({len(train) + len(test)} texts) and {out / 'queries.csv'} "
          f"({len(queries)} queries)")


if __name__ == "__main__":
    main()
