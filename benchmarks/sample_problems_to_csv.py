"""Write the sample client's tickets with their injected problem, for text_clustering.py.

Usage:
    python benchmarks/sample_problems_to_csv.py --samples data/samples --out /tmp/sample_problems.csv

Writes ``ticket_id,subject,description,problem`` for every ticket (``problem`` empty for the
one-off tickets, which are then clustered but not scored).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--samples", default="data/samples")
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    folder = Path(args.samples)
    tickets = pd.read_csv(folder / "tickets.csv.gz", dtype="str", keep_default_na=False)
    truth = pd.read_csv(folder / "ground_truth_problems.csv", dtype="str", keep_default_na=False)
    out = tickets[["ticket_id", "subject", "description"]].merge(truth, on="ticket_id", how="left")
    out.to_csv(args.out, index=False)
    print(f"wrote {args.out}: {len(out)} tickets, {out['problem'].notna().sum()} with a problem")


if __name__ == "__main__":
    main()
