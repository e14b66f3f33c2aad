"""Loading benchmark: a 1,000,000-row Zendesk CSV export, parsed to canonical tickets.

    nice .venv/bin/python benchmarks/load.py [--rows 1000000] [--keep FILE]

``--keep FILE`` writes the generated CSV there and reuses it on the next run.

Generates the file itself (the real Zendesk header and a custom field, 42 columns, rows varied with a fixed seed:
durations, dates in Europe/London, channels, statuses, quoted multi-line subjects, thousands
separators, custom fields), then loads it with ``toolkit.io.load_tickets(tz="Europe/London")`` in a
fresh child process so that the peak memory measured is the loader's alone (imports included). Prints
file size, load time, peak RSS, rows kept/rejected, the time of a cached load (parse and write the
Parquet cache, then a second run that reads it), and the time
of ``toolkit.pii.redact`` over the subjects. Targets (issue 3): < 30 s and < 4 GB. On a shared
machine wall time depends on the load average (printed); CPU time (user+sys) does not.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from toolkit.samples.zendesk import COLUMNS as HEADER  # the real Zendesk export header


def generate(path: Path, rows: int, seed: int = 7) -> None:
    """Write a Zendesk-style CSV with ``rows`` tickets (vectorised; a few seconds per million rows)."""
    rng = np.random.default_rng(seed)

    def pick(values, p=None):
        return np.asarray(values, dtype=object)[rng.choice(len(values), rows, p=p)]

    def text(a):
        return pa.array(np.asarray(a).astype(str))

    def stamp(seconds):
        base = np.datetime64("2025-10-01T00:00:00")
        iso = np.datetime_as_string(base + seconds.astype("timedelta64[s]"), unit="s")
        return np.char.replace(iso, "T", " ")

    created = rng.integers(0, 365 * 86400, rows)
    first_reply = rng.gamma(1.5, 120, rows).round()
    resolution = first_reply + rng.gamma(2.0, 600, rows).round()
    solved = rng.random(rows) < 0.9
    solved_at = np.where(solved, stamp(created + resolution * 60), "")
    subjects = np.array(["Cannot log in after update to 2.10.3", "Invoice shows wrong VAT number",
                         "Export fails, see APP-1234", "Sync stuck at 99%", "How do I add a user?",
                         "Refund for order #4820193", "App crashes on start\n(log attached)",
                         'Error "quota exceeded" on upload'], dtype=object)
    minutes = np.where(first_reply >= 1000, np.char.add(np.char.add((first_reply // 1000).astype(int).astype(str),
                                                                    ","),
                                                        np.char.zfill((first_reply % 1000).astype(int).astype(str),
                                                                      3)),
                       first_reply.astype(int).astype(str))
    columns = {
        "Summation column": text(np.ones(rows, dtype=int)),
        "Id": text(np.arange(100001, 100001 + rows)),
        "Requester": text(pick([f"Customer {i}" for i in range(500)])),
        "Requester id": text(rng.integers(5_000_000, 5_050_000, rows)),
        "Requester external id": text(np.full(rows, "")),
        "Requester email": text(pick([f"user{i}@example.com" for i in range(500)])),
        "Requester domain": text(np.full(rows, "example.com")),
        "Submitter": text(pick(["Customer", "Agent"])),
        "Assignee": text(pick([f"Agent {i}" for i in range(60)])),
        "Group": text(pick(["Billing", "Technical Support", "Mobile Squad", "Enterprise Success"])),
        "Subject": text(pick(subjects)),
        "Tags": text(pick(["billing invoice", "login sso", "export bug", "mobile_app how_to", ""])),
        "Status": text(np.where(solved, pick(["Solved", "Closed"]), pick(["Open", "Pending", "On-hold", "New"]))),
        "Priority": text(pick(["Low", "Normal", "High", "Urgent", "-"], p=[0.2, 0.5, 0.2, 0.05, 0.05])),
        "Via": text(pick(["Mail", "Web form", "Web Widget", "Chat", "Phone call (incoming)", "Twitter", "API"])),
        "Ticket type": text(pick(["Question", "Incident", "Problem", "Task", ""])),
        "Created at": text(stamp(created)),
        "Updated at": text(stamp(created + resolution * 60 + 3600)),
        "Assigned at": text(stamp(created + 300)),
        "Organization": text(pick([f"Org {i} Ltd" for i in range(300)])),
        "Due date": text(np.full(rows, "")),
        "Initially assigned at": text(stamp(created + 300)),
        "Solved at": text(solved_at),
        "Resolution time": text(np.where(solved, (resolution // 60).astype(int).astype(str), "")),
        "Satisfaction Score": text(pick(["Offered", "Not Offered", "Good", "Bad"], p=[0.6, 0.1, 0.25, 0.05])),
        "Group stations": text(rng.integers(1, 3, rows)),
        "Assignee stations": text(rng.integers(1, 3, rows)),
        "Reopens": text(rng.poisson(0.15, rows)),
        "Replies": text(rng.integers(0, 8, rows)),
        "First reply time in minutes": text(minutes),
        "First reply time in minutes within business hours": text(first_reply.astype(int)),
        "First resolution time in minutes": text(resolution.astype(int)),
        "First resolution time in minutes within business hours": text(resolution.astype(int)),
        "Full resolution time in minutes": text(np.where(solved, resolution.astype(int).astype(str), "")),
        "Full resolution time in minutes within business hours": text(resolution.astype(int)),
        "Agent wait time in minutes": text(rng.integers(0, 500, rows)),
        "Agent wait time in minutes within business hours": text(rng.integers(0, 500, rows)),
        "Requester wait time in minutes": text(rng.integers(0, 500, rows)),
        "Requester wait time in minutes within business hours": text(rng.integers(0, 500, rows)),
        "On hold time in minutes": text(np.zeros(rows, dtype=int)),
        "On hold time in minutes within business hours": text(np.zeros(rows, dtype=int)),
        "Product [list]": text(pick(["File Sync", "Billing", "Mobile App", "Account & Login"])),
    }
    table = pa.table({name: columns[name] for name in HEADER})
    pacsv.write_csv(table, path, pacsv.WriteOptions(quoting_style="needed"))


CHILD = """
import json, resource, sys, time
t0 = time.perf_counter()
import toolkit.io as tio
frame, report = tio.load_tickets(sys.argv[1], tz="Europe/London", cache=sys.argv[2] == "cache")
seconds = time.perf_counter() - t0
usage = resource.getrusage(resource.RUSAGE_SELF)
peak = usage.ru_maxrss * 1024
print(json.dumps({"seconds": seconds, "cpu": usage.ru_utime + usage.ru_stime, "peak_bytes": peak,
                  "read": report.rows_read, "kept": report.rows_kept,
                  "rejected": report.rows_rejected, "notes": report.notes[-1:]}))
"""


def run_child(path: Path, cache: bool) -> dict:
    out = subprocess.run([sys.executable, "-c", CHILD, str(path), "cache" if cache else "plain"],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--keep", type=Path, help="write the generated CSV here and keep it")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = args.keep or Path(tmp) / "zendesk_export.csv"
        if path.exists() and args.keep:
            print(f"reusing {path}")
        else:
            t0 = time.perf_counter()
            generate(path, args.rows)
            size = os.path.getsize(path)
            print(f"generated {args.rows:,} rows, {size / 2**20:,.0f} MiB in {time.perf_counter() - t0:.1f} s")
        cache = path.parent / ".support-toolkit-cache"
        for old in cache.glob(f"{path.name}.*.parquet") if cache.exists() else []:
            old.unlink()  # measure a real parse, not a cache hit from an earlier run
        print(f"load average before: {' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
        first = run_child(path, cache=False)
        print(f"load_tickets: {first['seconds']:.1f} s wall, {first['cpu']:.1f} s CPU (user+sys), "
              f"peak RSS {first['peak_bytes'] / 2**30:.2f} GiB, "
              f"read {first['read']:,}, kept {first['kept']:,}, rejected {first['rejected']:,}")
        filling = run_child(path, cache=True)
        print(f"load_tickets(cache=True), first run (parse + write Parquet): {filling['seconds']:.1f} s wall, "
              f"{filling['cpu']:.1f} s CPU, peak RSS {filling['peak_bytes'] / 2**30:.2f} GiB")
        again = run_child(path, cache=True)
        print(f"second load (Parquet cache): {again['seconds']:.1f} s wall, {again['cpu']:.1f} s CPU, "
              f"peak RSS {again['peak_bytes'] / 2**30:.2f} GiB ({again['notes'][0] if again['notes'] else ''})")
        print(f"load average after: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
        import pandas as pd

        from toolkit.pii import redact

        subjects = pd.Series(np.resize(["Call +44 20 7946 0958 or mail ann@example.com about APP-1234",
                                        "Cannot log in after update to 2.10.3", "Refund for order #4820193",
                                        "Card 4111 1111 1111 1111 charged twice from 192.168.1.20"], args.rows),
                             dtype="str")
        t0, c0 = time.perf_counter(), time.process_time()
        redact(subjects)
        print(f"pii.redact over {args.rows:,} texts: {time.perf_counter() - t0:.1f} s wall, "
              f"{time.process_time() - c0:.1f} s CPU")
        print(f"children peak RSS (max over runs): "
              f"{resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 2**20:.2f} GiB")


if __name__ == "__main__":
    main()
