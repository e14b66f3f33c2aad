"""Fit the duplicate finder on the sample client's 20,000 tickets and score it against the injected problems.

Usage:
    python benchmarks/sample_client_duplicates.py [--representation NAME]

Fits ``DuplicateFinder(representation=NAME)`` on the sample client's tickets and messages (as
``tests/test_duplicates_sample.py`` and the report do) and prints one JSON line: fit seconds (wall
clock) and cpu_seconds, the finder's own step timings, the share of one-off tickets (those of no
injected problem) left unclustered, and problem B-cubed precision / recall / F1 (unclustered tickets
are singletons, one-off tickets their own class, as in text_clustering.py). The targets of issue 16:
>= 50% of one-offs unclustered and B-cubed F1 >= 0.9.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.text_clustering import bcubed, embedding_afresh
from toolkit import samples
from toolkit.duplicates import DuplicateFinder


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--representation", default="hybrid")
    args = parser.parse_args(argv)

    tables, truth = samples.load_sample(), samples.load_ground_truth()
    wall, cpu = time.perf_counter(), time.process_time()
    finder = DuplicateFinder(representation=embedding_afresh(args.representation), progress=False).fit(
        tables["tickets"], messages=tables["messages"])
    seconds, cpu_seconds = time.perf_counter() - wall, time.process_time() - cpu

    joined = finder.assignments_.merge(truth["problems"], on="ticket_id", how="left")
    one_off = joined["problem"].isna()
    precision, recall, f1 = bcubed(joined["cluster_id"].to_numpy(), joined["problem"])
    result = {
        "representation": args.representation, "tickets": len(joined),
        "one_offs_unclustered": round(float((joined.loc[one_off, "cluster_id"] == -1).mean()), 4),
        "bcubed_precision": round(precision, 4), "bcubed_recall": round(recall, 4), "bcubed_f1": round(f1, 4),
        "clusters": int(len(finder.clusters_)), "seconds": round(seconds, 1), "cpu_seconds": round(cpu_seconds, 1),
        "timings": {name: round(value, 1) for name, value in finder.timings_.items()},
        "peak_memory_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    print(json.dumps(result))
    return result


if __name__ == "__main__":
    main()
