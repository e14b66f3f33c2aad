"""Do both engines load the same files the same way? Every CSV of the malformed-file corpus through both loaders.

    .venv/bin/python benchmarks/spark_load_agreement.py                  # tests/fixtures/io and its malformed/
    .venv/bin/python benchmarks/spark_load_agreement.py FILE [FILE ...]  # other ticket exports

Each file is loaded as tickets by the pandas engine (``toolkit.io.load_tickets``) and by the Spark engine
(``toolkit.spark.load.load_tickets``, local[2]), both written to Parquet and read back as a consultant gets them.
A file agrees when both give the same canonical rows and load report (rows read and kept, notes, rejected rows
with their reasons), or both stop with the same message. Printed: one line per file and the counts; results go
in benchmarks/RESULTS.md ("Spark").
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pandas as pd  # noqa: E402

REPORT_FIELDS = ("format", "encoding", "delimiter", "rows_read", "rows_kept", "notes")
NOT_TICKETS = ("survey", "nps", "csat", "ces", "invitation", "messages", "business_hours")


def corpus() -> list[Path]:
    """The CSV fixtures (tickets-like ones) and the malformed corpus's CSVs."""
    fixtures = ROOT / "tests" / "fixtures" / "io"
    files = sorted([*fixtures.glob("*.csv"), *fixtures.glob("*.csv.gz"), *(fixtures / "malformed").glob("*.csv"),
                    *(fixtures / "malformed").glob("*.csv.gz")])
    return [f for f in files if not any(word in f.name.lower() for word in NOT_TICKETS)]


def outcome(load, path: Path, folder: Path):
    """(frame, report) read back from Parquet, or the error's text."""
    from toolkit.io import read_report, read_table

    try:
        frame, report = load(path)
    except Exception as exc:  # a benchmark records what each engine does with the file
        return f"{type(exc).__name__}: {exc}"
    out = load.write(frame, folder, report)
    return read_table(out), read_report(out)


def compare(expected, got) -> str:
    """'same', or what differs first."""
    if isinstance(expected, str) or isinstance(got, str):
        if isinstance(expected, str) and isinstance(got, str):
            return "same error" if expected == got else f"other errors: pandas {expected[:90]!r} / Spark {got[:90]!r}"
        return f"only {'pandas' if isinstance(expected, str) else 'Spark'} stops: " \
               f"{(expected if isinstance(expected, str) else got)[:120]}"
    (frame, report), (other, other_report) = expected, got
    for name in REPORT_FIELDS:
        if getattr(report, name) != getattr(other_report, name):
            return f"report {name} differs"
    if not report.rejected.astype(str).reset_index(drop=True).equals(other_report.rejected.astype(str)
                                                                      .reset_index(drop=True)):
        return "rejected rows differ"
    try:
        pd.testing.assert_frame_equal(other, frame)
    except AssertionError as exc:
        return f"rows differ: {str(exc).splitlines()[0]}"
    return f"same ({len(frame)} rows)"


def main(argv: list[str]) -> None:
    from toolkit.io import load_tickets, write_table
    from toolkit.spark.load import load_tickets as load_on_spark
    from toolkit.spark.load import write_table as write_from_spark
    from toolkit.spark.session import get_session

    spark = get_session("local[2]", {})
    files = [Path(a) for a in argv] or corpus()

    def pandas_load(path):
        return load_tickets(path)

    def spark_load(path):
        return load_on_spark(path, spark=spark)

    pandas_load.write = lambda frame, folder, report: write_table(frame, folder / "pandas.parquet", table="tickets",
                                                                  report=report)
    spark_load.write = lambda frame, folder, report: write_from_spark(frame, folder / "spark.parquet", report=report)
    tally: dict[str, int] = {}
    for path in files:
        folder = Path(tempfile.mkdtemp(prefix="agreement-"))
        verdict = compare(outcome(pandas_load, path, folder), outcome(spark_load, path, folder))
        kind = verdict.split(" (")[0] if verdict.startswith("same") else "differs"
        tally[kind] = tally.get(kind, 0) + 1
        print(f"| {path.name} | {verdict} |", flush=True)
    print("\n" + ", ".join(f"{kind}: {count}" for kind, count in tally.items()) + f" (of {len(files)} files)")


if __name__ == "__main__":
    main(sys.argv[1:])
