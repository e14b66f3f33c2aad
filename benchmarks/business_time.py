"""Benchmark: business-hours durations on 1,000,000 pairs and 1,000,000 tickets.

Run:  nice .venv/bin/python benchmarks/business_time.py [--n 1000000] [--seed 7] [--repeat 3]

Prints seconds (best of ``--repeat``) for:
- ``business_minutes`` on n (start, end) pairs over a year, one schedule (Mon-Fri with holidays);
- ``business_times`` on n canonical tickets with three schedules chosen per ticket by rules
  (``toolkit/ops/schedules/example_rules.yaml``): first reply, first and full resolution;
- ``sla_attainment`` by priority on the calendar clock and on that rule set, so the cost of the
  business clock inside a measure shows next to the measure itself.
The data is generated here, vectorised; nothing is written.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import toolkit.ops as ops

RULES = Path(ops.__file__).parent / "schedules" / "example_rules.yaml"
BERLIN = {
    "timezone": "Europe/Berlin",
    "hours": {"mon": ["09:00", "18:00"], "tue": ["09:00", "18:00"], "wed": ["09:00", "18:00"],
              "thu": ["09:00", "18:00"], "fri": ["09:00", "17:00"]},
    "holidays": ["2026-01-01", "2026-04-03", "2026-04-06", "2026-05-01", "2026-12-25", "2026-12-26"],
}


def make_pairs(n: int, seed: int) -> tuple[pd.Series, pd.Series]:
    """Starts spread over a year (UTC), ends 0 minutes to 20 days later."""
    rng = np.random.default_rng(seed)
    start = pd.Timestamp("2026-01-01", tz="UTC") + pd.to_timedelta(rng.integers(0, 365 * 1440, n), unit="min")
    end = start + pd.to_timedelta(rng.exponential(1440.0, n).clip(0, 20 * 1440), unit="min")
    return pd.Series(start), pd.Series(end)


def make_tickets(n: int, seed: int) -> pd.DataFrame:
    """Canonical tickets with priority, team and organisation (for the rules) and calendar durations."""
    rng = np.random.default_rng(seed)
    created, _ = make_pairs(n, seed)
    solved = rng.random(n) < 0.85
    resolution = np.where(solved, rng.exponential(2880.0, n), np.nan)
    return pd.DataFrame({
        "ticket_id": pd.Series(np.arange(1, n + 1)).astype("str"),
        "created_at": created,
        "status": pd.Categorical(np.where(solved, "solved", "open")),
        "channel": pd.Categorical(rng.choice(["email", "chat", "web", "phone"], n)),
        "priority": pd.Categorical(rng.choice(["low", "normal", "high", "urgent"], n, p=[0.2, 0.5, 0.2, 0.1])),
        "team": rng.choice(["Europe", "Americas", "Billing"], n),
        "organization_id": pd.Series(rng.choice(["ACME", "Globex", "Initech", "Umbrella", "Hooli"], n)),
        "first_reply_minutes": rng.exponential(300.0, n),
        "full_resolution_minutes": resolution,
        "first_resolution_minutes": resolution,
    })


def best_of(repeat: int, call) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = call()
        best = min(best, time.perf_counter() - t0)
    return best, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    start, end = make_pairs(args.n, args.seed)
    seconds, minutes = best_of(args.repeat, lambda: ops.business_minutes(start, end, BERLIN))
    print(f"business_minutes, {args.n:,} pairs, one schedule: {seconds:.2f} s "
          f"(median {minutes.median():.0f} business minutes)")

    tickets = make_tickets(args.n, args.seed)
    plans = ops.load_schedules(RULES)
    seconds, times = best_of(args.repeat, lambda: ops.business_times(tickets, plans))
    split = ", ".join(f"{k} {v:,}" for k, v in times["schedule"].value_counts().sort_index().items())
    print(f"business_times, {args.n:,} tickets, 3 schedules by rule ({split}): {seconds:.2f} s")

    seconds, _ = best_of(args.repeat, lambda: ops.sla_attainment(tickets))
    print(f"sla_attainment by priority, calendar clock: {seconds:.2f} s")
    seconds, _ = best_of(args.repeat, lambda: ops.sla_attainment(tickets, schedule=plans))
    print(f"sla_attainment by priority, business clock by rule: {seconds:.2f} s")


if __name__ == "__main__":
    main()
