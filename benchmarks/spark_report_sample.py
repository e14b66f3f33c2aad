"""The report's upstream problems on the whole sample client with both engines, as the report computes them.

    .venv/bin/python benchmarks/spark_report_sample.py --representation tfidf
    .venv/bin/python benchmarks/spark_report_sample.py --representation hybrid

pandas reads the sample's ticket export (CSV); Spark reads a Parquet folder that ``load --engine spark`` wrote from
the same export (as a lake would hold it). Each engine then loads the report's tickets (``load_engagement``: the
period, masking) and finds the upstream problems (``upstream_problems``). At 20,000 tickets the neighbour search is
above the exact limit, so both engines search in cells. Printed: seconds, clusters, whether the tickets came in the
same order, and the ARI of the Spark clusters against the pandas ones. Results go in benchmarks/RESULTS.md ("Spark").
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sklearn.metrics import adjusted_rand_score

from toolkit.report import load_engagement, validate_parameters
from toolkit.report.sections import upstream_problems
from toolkit.samples import SAMPLES_DIR
from toolkit.spark.load import load_tickets, write_table
from toolkit.spark.session import get_session


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--representation", default="tfidf")
    parser.add_argument("--master", default="local[2]")
    args = parser.parse_args()
    spark = get_session(args.master)
    export = SAMPLES_DIR / "tickets.csv.gz"
    frame, report = load_tickets(str(export), spark=spark, tz="Europe/London")
    folder = write_table(frame, Path(tempfile.mkdtemp()) / "tickets.parquet", report=report)
    base = {"client_name": "Northwind Cloud", "timezone": "Europe/London",
            "duplicates_representation": args.representation}
    found = {}
    for engine, path in (("pandas", export), ("spark", folder)):
        start = time.perf_counter()
        engagement = load_engagement(validate_parameters({**base, "engine": engine, "tickets_path": str(path)}))
        problems = upstream_problems(engagement)
        found[engine] = engagement.tickets["ticket_id"], problems.assignments.set_index("ticket_id")["cluster_id"]
        print(f"{engine}: {len(engagement.tickets):,} tickets, {len(problems.clusters)} clusters, "
              f"{time.perf_counter() - start:.1f} s", flush=True)
    (order_p, labels_p), (order_s, labels_s) = found["pandas"], found["spark"]
    labels_s = labels_s.reindex(labels_p.index)
    print(f"same ticket order: {order_p.tolist() == order_s.tolist()}; "
          f"ARI {adjusted_rand_score(labels_p, labels_s):.4f}; identical labels: {bool((labels_p == labels_s).all())}")


if __name__ == "__main__":
    main()
