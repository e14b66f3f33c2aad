"""Duplicate clustering on the Spark engine at scale: synthetic tickets through ``toolkit.spark.summaries``.

    .venv/bin/python benchmarks/spark_duplicates.py --tickets 100000
    .venv/bin/python benchmarks/spark_duplicates.py --tickets 100000 --finder
    .venv/bin/python benchmarks/spark_duplicates.py --tickets 2000 --representation hybrid
    .venv/bin/python benchmarks/spark_duplicates.py --sample-client
    .venv/bin/python benchmarks/spark_duplicates.py --tickets 300000 --compare-pandas

``--sample-client`` clusters the sample client's 20,000 tickets (:mod:`toolkit.samples`) with both engines
instead (the same columns, the same seed) and reports each engine's seconds and clusters, the ARI of the Spark
clusters against the pandas ones, whether the labels and cluster tables are the same (with ``--finder`` also how
many tickets' neighbour lists differ); ``--compare-pandas`` does the same on ``--tickets`` synthetic tickets
(above 20,000 both engines fit the term model on a sample).

The tickets are :func:`benchmarks.duplicates_scale.generate`'s (paraphrased upstream problems among one-off
questions), written as Parquet by a child process (not timed), then read by Spark and clustered on
``--master`` (default local[2]) with :func:`toolkit.spark.summaries.cluster_duplicates` (per-cluster rows only on
the driver) and the per-ticket CSV written as the ``duplicates`` command writes it (timed as ``write``); with
``--finder``, :func:`toolkit.spark.duplicates.find_duplicates` (the whole finder on the driver) instead.
Reported: wall seconds, clusters, the Python driver's peak RSS, the Spark JVM's peak RSS, and the seconds of
each step (``timings_``).
Results go in benchmarks/RESULTS.md ("Spark").
"""

from __future__ import annotations

import argparse
import multiprocessing
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def write_tickets(path: Path, n: int) -> None:
    """The generator's n tickets as one Parquet file (run in a child process)."""
    from benchmarks.duplicates_scale import generate

    tickets, _truth = generate(n)
    tickets.to_parquet(path, index=False)


def sample_client_tickets():
    """The sample client's tickets with the columns the clustering reads."""
    from toolkit import samples

    return samples.load_sample()["tickets"][["ticket_id", "created_at", "subject", "description", "requester_id",
                                             "organization_id", "agent_replies", "satisfaction"]]


def compare_engines(spark, tickets, representation: str, finder: bool) -> None:
    """Both engines on the same tickets (pandas frame, same order): seconds, clusters, ARI, and whether the labels
    and cluster tables are the same (with ``finder``: the whole finder, and tickets whose neighbours differ)."""
    import numpy as np
    import pandas as pd
    from sklearn.metrics import adjusted_rand_score

    from toolkit.duplicates import DuplicateFinder
    from toolkit.spark.duplicates import find_duplicates
    from toolkit.spark.summaries import cluster_duplicates

    started = time.perf_counter()
    pandas_finder = DuplicateFinder(representation=representation, seed=0, progress=False).fit(tickets)
    pandas_seconds = time.perf_counter() - started
    started = time.perf_counter()
    frame = spark.createDataFrame(tickets)
    if finder:
        found = find_duplicates(frame, representation=representation, seed=0)
        labels = found.labels_
    else:
        found = cluster_duplicates(frame, representation=representation, seed=0)
        labels = found.assignments.orderBy("_row").toPandas()["cluster_id"].to_numpy()
    spark_seconds = time.perf_counter() - started
    ari = adjusted_rand_score(pandas_finder.labels_, labels)
    print("| tickets | pandas s | Spark s | pandas clusters | Spark clusters | ARI |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: |")
    print(f"| {len(tickets):,} | {pandas_seconds:.1f} | {spark_seconds:.1f} | {len(pandas_finder.clusters_)} | "
          f"{len(found.clusters_)} | {ari:.4f} |")
    try:
        pd.testing.assert_frame_equal(found.clusters_, pandas_finder.clusters_, check_dtype=False,
                                      check_exact=False, rtol=1e-12)
        same_table = True
    except AssertionError:
        same_table = False
    print("same labels:", np.array_equal(pandas_finder.labels_, labels), "same cluster table (1e-12):", same_table)
    if finder:
        differing = (pandas_finder.graph_[0] != found.graph_[0]).any(axis=1).sum()
        print("tickets with other neighbours:", differing,
              "same similarities:", np.array_equal(pandas_finder.graph_[1], found.graph_[1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--driver-memory", default="4g")
    parser.add_argument("--representation", default="tfidf", choices=["tfidf", "semantic", "hybrid"])
    parser.add_argument("--sample-client", action="store_true", help="compare both engines on the sample client")
    parser.add_argument("--finder", action="store_true", help="the whole finder on the driver (find_duplicates)")
    parser.add_argument("--compare-pandas", action="store_true",
                        help="compare both engines on the --tickets synthetic tickets (ARI, same labels)")
    args = parser.parse_args()
    from benchmarks.spark_scale import jvm_peak_mib
    from toolkit.spark.duplicates import find_duplicates
    from toolkit.spark.session import get_session
    from toolkit.spark.summaries import cluster_duplicates

    if args.sample_client:
        compare_engines(get_session(args.master, {"spark.driver.memory": args.driver_memory}),
                        sample_client_tickets(), args.representation, args.finder)
        return
    if args.compare_pandas:
        from benchmarks.duplicates_scale import generate

        compare_engines(get_session(args.master, {"spark.driver.memory": args.driver_memory}),
                        generate(args.tickets)[0], args.representation, args.finder)
        return

    folder = Path(tempfile.mkdtemp(prefix="spark-dup-"))
    try:
        child = multiprocessing.get_context("spawn").Process(target=write_tickets,
                                                             args=(folder / "tickets.parquet", args.tickets))
        child.start()
        child.join()
        spark = get_session(args.master, {"spark.driver.memory": args.driver_memory})
        started = time.perf_counter()
        tickets = spark.read.parquet(str(folder / "tickets.parquet"))
        if args.finder:
            finder = find_duplicates(tickets, representation=args.representation, seed=0)
        else:
            finder = cluster_duplicates(tickets, representation=args.representation, seed=0)
            written = time.perf_counter()
            finder.write_assignments(folder / "clusters.csv")
            finder.timings_["write_seconds"] = time.perf_counter() - written
        seconds = time.perf_counter() - started
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    driver = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print("| tickets | clustering s | clusters | Python driver peak MiB | Spark JVM peak MiB |")
    print("| ---: | ---: | ---: | ---: | ---: |")
    print(f"| {args.tickets:,} | {seconds:.1f} | {len(finder.clusters_)} | {driver:.0f} | {jvm_peak_mib(spark):.0f} |")
    steps = dict(finder.timings_)
    if args.finder:
        steps["grouping_seconds"] -= steps["labelling_seconds"]  # fit_graph's grouping time includes the labelling
    print("steps (s):", ", ".join(f"{name.removesuffix('_seconds')} {value:.1f}" for name, value in steps.items()))


if __name__ == "__main__":
    main()
