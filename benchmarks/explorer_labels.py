"""Benchmark: the duplicate explorer's label actions, and the labels file under two writers.

Run:  nice .venv/bin/python benchmarks/explorer_labels.py [--since 2026-07-01] [--labels 300]

Part 1 opens the explorer on the sample client's tickets (from ``--since``; the first clustering is
timed separately) and times one click of each label action: open a cluster, rename, merge, undo, redo,
split off the oldest ticket of the largest cluster (via the ticket pages), the granularity counts.
Part 2 starts two processes that each create ``--labels`` labels (renaming every third) as fast as they
can on one labels file, and counts the acknowledged labels missing at the end (issue 17: 641 of 1,352
were lost before the file lock). Labels and files go to a temporary folder.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

WRITER = textwrap.dedent("""
    import json, sys
    from toolkit.duplicates.labels import LabelStore
    path, who, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    store, done = LabelStore(path), []
    for i in range(n):
        label = store.create([f"{who}-{i}"], f"{who} {i}")
        if i % 3 == 0:
            store.rename(label.label_id, f"{who} {i} renamed")
        done.append(store.labels[label.label_id].name)
    print(json.dumps(done))
""")


def timed(what: str, action) -> None:
    started = time.perf_counter()
    action()
    print(f"{what:<44} {time.perf_counter() - started:7.3f} s")


def actions(since: str, folder: Path) -> None:
    from toolkit.widgets import open_explorer

    started = time.perf_counter()
    ex = open_explorer(ROOT / "data" / "samples", labels_path=folder / "labels.json", since=since)
    print(f"open + first clustering ({len(ex.tickets):,} tickets)".ljust(44),
          f"{time.perf_counter() - started:7.3f} s")
    first, second = ex.table["cluster"].iloc[0], ex.table["cluster"].iloc[1]
    timed("open a cluster", lambda: ex.select(first))
    timed("rename", lambda: ex.rename("benchmark rename"))
    timed("merge the second cluster into it", lambda: ex.merge([second]))
    timed("undo", ex.undo)
    timed("redo", ex.redo)
    pages = -(-len(ex.cluster_tickets()) // 50)
    timed(f"turn to the last of {pages} ticket pages", lambda: [ex.ticket_next.click() for _ in range(pages - 1)])
    oldest = ex.ticket_pick.options[-1][1]
    ex.ticket_pick.value = (oldest,)
    ex.split_name.value = "oldest ticket"
    timed("split off the oldest ticket", ex.split_button.click)
    ex._counted.clear()
    timed("count clusters at the 5 grouping levels", ex._count_levels)
    print("levels:", ex.level_counts)


def two_writers(n: int, folder: Path) -> None:
    script = folder / "writer.py"
    script.write_text(WRITER)
    path = folder / "two.json"
    started = time.perf_counter()
    procs = [subprocess.Popen([sys.executable, str(script), str(path), who, str(n)], stdout=subprocess.PIPE,
                              text=True, env={"PYTHONPATH": str(ROOT), "PATH": ""}) for who in "AB"]
    acknowledged = [name for p in procs for name in json.loads(p.communicate()[0])]
    seconds = time.perf_counter() - started
    present = {lab["name"] for lab in json.loads(path.read_text())["labels"]}
    lost = [name for name in acknowledged if name not in present]
    print(f"two writers: {len(acknowledged)} labels acknowledged, {len(lost)} lost, {seconds:.1f} s "
          f"({2 * n + 2 * ((n + 2) // 3)} saves)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--since", default="2026-07-01")
    parser.add_argument("--labels", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        actions(args.since, Path(tmp))
        two_writers(args.labels, Path(tmp))


if __name__ == "__main__":
    main()
