"""The Spark engine at scale: synthetic canonical tickets and messages as Parquet, through load, operations and
(with ``--cluster``) duplicate clustering.

    .venv/bin/python benchmarks/spark_scale.py --tickets 1000000            # 1M tickets, 5M messages
    .venv/bin/python benchmarks/spark_scale.py --tickets 1000000 10000000   # and 10M / 50M, for the ratio
    .venv/bin/python benchmarks/spark_scale.py --tickets 1000000 2000000 --cluster

For each size: write the data (not timed, in a child process), then time ``toolkit.spark.load.load_tickets``
on the Parquet folder (the generic mapping, every check, written back as Parquet) and the operations tables
(``ticket_facts`` with messages, ``segment_counts`` by team, ``segment_rates``); with ``--cluster`` the tickets
carry the texts of :func:`benchmarks.duplicates_scale.generate` (paraphrased problems among one-off questions,
generated per file of 500,000) and :func:`toolkit.spark.summaries.cluster_duplicates` clusters the loaded tickets
(``tfidf``) and writes the per-ticket CSV, as ``duplicates --engine spark`` does. Reported: wall seconds (the load
and operations also as they finish), the Python driver's peak RSS, the Spark JVM's peak RSS (in local mode it is
driver and executors in one), and the ratio of the largest size to the smallest. Results go in
benchmarks/RESULTS.md ("Spark").
"""

from __future__ import annotations

import argparse
import logging
import resource
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

TEAMS = np.array(["Billing", "Technical", "Onboarding", "Enterprise", "Returns", "Payments"])
STATUSES = np.array(["solved", "closed", "open", "pending", "solved", "closed"])
CHANNELS = np.array(["email", "web", "chat", "phone"])
PRIORITIES = np.array(["low", "normal", "high", "urgent"])
ROLES = np.array(["customer", "agent", "agent", "customer", "system"])
PER_FILE = 500_000


def write_synthetic(folder: Path, n: int, seed: int = 0, texts: bool = False) -> tuple[Path, Path]:
    """Canonical tickets (n rows) and messages (5 per ticket) as Parquet folders of PER_FILE-row files; with
    ``texts``, subjects and descriptions from the duplicate-clustering generator (one seed per file)."""
    rng = np.random.default_rng(seed)
    tickets, messages = folder / "tickets", folder / "messages"
    tickets.mkdir()
    messages.mkdir()
    start = np.datetime64("2025-01-01T00:00:00", "us")
    for part, lo in enumerate(range(0, n, PER_FILE)):
        size = min(PER_FILE, n - lo)
        ids = np.arange(lo, lo + size)
        created = start + rng.integers(0, 365 * 86400, size).astype("timedelta64[s]")
        minutes = rng.exponential(600, size)
        status = STATUSES[rng.integers(0, len(STATUSES), size)]
        solved = np.isin(status, ["solved", "closed"])
        table = pa.table({
            "ticket_id": pa.array(ids.astype(str)),
            "created_at": pa.array(created, pa.timestamp("us", "UTC")),
            "solved_at": pa.array(np.where(solved, created + (minutes * 60).astype("timedelta64[s]"),
                                           np.datetime64("NaT")), pa.timestamp("us", "UTC")),
            "status": status, "channel": CHANNELS[rng.integers(0, len(CHANNELS), size)],
            "priority": PRIORITIES[rng.integers(0, len(PRIORITIES), size)],
            "team": TEAMS[rng.integers(0, len(TEAMS), size)],
            "first_reply_minutes": rng.exponential(240, size),
            "full_resolution_minutes": np.where(solved, minutes, np.nan),
            "reopens": rng.poisson(0.1, size),
            "satisfaction": np.where(rng.random(size) < 0.2, np.where(rng.random(size) < 0.8, "good", "bad"), None),
            "subject": np.char.add("Issue ", (ids % 997).astype(str)),
        })
        if texts:
            from benchmarks.duplicates_scale import generate

            made, _truth = generate(size, seed=seed + part)
            table = table.set_column(table.schema.get_field_index("subject"), "subject",
                                     pa.array(made["subject"].astype(str).to_numpy()))
            table = table.append_column("description", pa.array(made["description"].astype(str).to_numpy()))
        pq.write_table(table, tickets / f"part-{part:04d}.parquet")
        m = size * 5
        message_ids = np.repeat(ids, 5)
        pq.write_table(pa.table({
            "message_id": pa.array(np.arange(lo * 5, lo * 5 + m).astype(str)),
            "ticket_id": pa.array(message_ids.astype(str)),
            "created_at": pa.array(np.repeat(created, 5) + rng.integers(0, 86400, m).astype("timedelta64[s]"),
                                   pa.timestamp("us", "UTC")),
            "author_role": ROLES[rng.integers(0, len(ROLES), m)],
            "public": rng.random(m) < 0.9,
            "body": np.full(m, "Thanks, we are looking into it"),
        }), messages / f"part-{part:04d}.parquet")
    return tickets, messages


def jvm_peak_mib(spark) -> float:
    """Peak resident memory of the Spark JVM (VmHWM of the gateway's process), in MiB."""
    pid = spark.sparkContext._gateway.proc.pid
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def watch_stages(spark, every: float) -> None:
    """Print Spark's running stages (id, call site, tasks done of all) every ``every`` seconds, from a daemon
    thread: on a run of an hour it tells where the time goes while it goes."""
    tracker = spark.sparkContext.statusTracker()

    def report() -> None:
        while True:
            time.sleep(every)
            stages = [tracker.getStageInfo(i) for i in tracker.getActiveStageIds()]
            running = "; ".join(f"stage {s.stageId} {s.name}: {s.numCompletedTasks}/{s.numTasks} tasks"
                                for s in stages if s is not None)
            print(time.strftime("%H:%M:%S"), running or "no stage running", flush=True)

    threading.Thread(target=report, daemon=True).start()


def run(n: int, spark, cluster: bool = False) -> dict:
    import multiprocessing

    from toolkit.spark.load import load_tickets, write_table
    from toolkit.spark.ops import segment_counts, segment_rates, ticket_facts

    folder = Path(tempfile.mkdtemp(prefix="spark-scale-"))
    try:
        # written by a child process, so the driver's peak memory is the engine's, not the generator's
        child = multiprocessing.get_context("spawn").Process(target=write_synthetic, args=(folder, n, 0, cluster))
        child.start()
        child.join()
        tickets_path, messages_path = folder / "tickets", folder / "messages"
        t0 = time.perf_counter()
        tickets, report = load_tickets(tickets_path, spark=spark)
        write_table(tickets, folder / "canonical.parquet", report=report)
        load_s = time.perf_counter() - t0
        print(f"{n:,} tickets loaded in {load_s:.1f} s", flush=True)
        assert report.rows_kept == n, report.rejected.head()
        t0 = time.perf_counter()
        canonical = spark.read.parquet(str(folder / "canonical.parquet"))
        messages = spark.read.parquet(str(messages_path))
        rates = segment_rates(segment_counts(ticket_facts(canonical, messages), by="team"))
        ops_s = time.perf_counter() - t0
        assert int(rates["tickets"].sum()) == n
        print(f"{n:,} tickets: operations in {ops_s:.1f} s", flush=True)
        cluster_s, clusters = float("nan"), None
        if cluster:
            from toolkit.spark.summaries import cluster_duplicates

            t0 = time.perf_counter()
            # the loaded tickets, in the file's order, as `duplicates --engine spark` clusters them: the folder read
            # back has no fixed order (Spark hands out its files largest first, cut by its settings)
            found = cluster_duplicates(tickets, representation="tfidf", seed=0)
            found.write_assignments(folder / "clusters.csv")
            cluster_s, clusters = time.perf_counter() - t0, len(found.clusters_)
            print(f"{n:,} tickets, clustering steps (s):", ", ".join(
                f"{k.removesuffix('_seconds')} {v:.1f}" for k, v in found.timings_.items()), flush=True)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return {"tickets": n, "load_s": load_s, "operations_s": ops_s, "cluster_s": cluster_s, "clusters": clusters,
            "driver_peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "jvm_peak_mib": jvm_peak_mib(spark)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tickets", type=int, nargs="+", default=[1_000_000])
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--driver-memory", default="4g")
    parser.add_argument("--partitions", type=int, default=None,
                        help="spark.sql.shuffle.partitions (default: the toolkit's local setting, 8)")
    parser.add_argument("--cluster", action="store_true", help="also cluster the tickets (texts generated)")
    parser.add_argument("--watch", type=float, default=0, metavar="SECONDS",
                        help="print the running Spark stages every SECONDS (0: never)")
    args = parser.parse_args()
    logging.basicConfig(format="%(asctime)s %(message)s", datefmt="%H:%M:%S")
    logging.getLogger("toolkit").setLevel(logging.INFO)  # each clustering step as it ends
    from toolkit.spark.session import get_session

    settings = {"spark.driver.memory": args.driver_memory}
    if args.partitions:
        settings["spark.sql.shuffle.partitions"] = str(args.partitions)
    spark = get_session(args.master, settings)
    if args.watch:
        watch_stages(spark, args.watch)
    rows = [run(n, spark, args.cluster) for n in args.tickets]
    print("| tickets | load s | operations s | clustering s | clusters | Python driver peak MiB | Spark JVM peak MiB |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in rows:
        print(f"| {r['tickets']:,} | {r['load_s']:.1f} | {r['operations_s']:.1f} | {r['cluster_s']:.1f} | "
              f"{r['clusters'] if r['clusters'] is not None else ''} | {r['driver_peak_mib']:.0f} | "
              f"{r['jvm_peak_mib']:.0f} |")
    if len(rows) > 1:
        small, big = rows[0], rows[-1]
        total = lambda r: r["load_s"] + r["operations_s"] + (r["cluster_s"] if args.cluster else 0)
        print(f"\nratio {big['tickets'] // small['tickets']}x tickets: time x{total(big) / total(small):.2f}")


if __name__ == "__main__":
    main()
