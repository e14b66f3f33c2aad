"""End-to-end duplicate clustering time and memory on large synthetic ticket sets.

Usage:
    python benchmarks/duplicates_scale.py [--sizes 100000 300000 1000000] [--representation tfidf] [--seed 0]

Tickets are generated in memory (never written): about 30% describe one of ``n / 400``
(at most 600) upstream problems (a feature and a symptom; Zipf-sized), each in paraphrases
built from interchangeable phrasings,
with greetings, sign-offs, signatures, quoted earlier mails, order numbers, dates and
versions mixed in; the rest are one-off questions about 80 features with random details.
Each size runs in a fresh process so peak memory is its own. Prints one JSON line per size:
tickets, seconds (fit, wall clock), cpu_seconds, peak_memory_mb (peak RSS of the process),
clusters, unclustered_share, B-cubed F1 of the problem tickets against the generator's
truth, and the finder's per-step timings.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

FEATURES = [
    "shared folders", "file sync", "desktop client", "mobile app", "invoices", "billing page", "card payments",
    "vat settings", "password reset", "single sign-on", "two-factor login", "user invitations", "team roles",
    "audit log", "api keys", "webhooks", "rate limits", "csv export", "pdf export", "scheduled reports",
    "dashboards", "report filters", "search", "notifications", "email digests", "calendar sync", "slack app",
    "zapier integration", "hubspot sync", "salesforce sync", "storage quota", "version history", "trash",
    "file preview", "comments", "mentions", "tags", "templates", "offline mode", "dark mode", "time zones",
    "language settings", "data retention", "gdpr export", "account deletion", "plan upgrade", "seat licences",
    "annual billing", "refunds", "coupons", "tax receipts", "purchase orders", "domain verification",
    "ip allowlist", "session timeout", "guest access", "public links", "link expiry", "watermarks",
    "approval flows", "e-signatures", "forms", "automations", "custom fields", "kanban board", "gantt chart",
    "time tracking", "expense reports", "receipt scanning", "bank feeds", "payroll", "holiday calendar",
    "onboarding checklist", "status page", "chat widget", "knowledge base", "ticket forms", "macros",
    "satisfaction survey", "android widget",
]
SYMPTOMS = [
    ["keeps failing with error {code}", "fails every time with error {code}", "throws error {code}",
     "gives me error {code} whenever I try"],
    ["is stuck on 'Preparing'", "never finishes, stuck at preparing", "hangs forever on preparing",
     "spins on 'Preparing' and then times out"],
    ["shows a blank page", "comes up completely blank", "opens but it's empty", "displays nothing at all"],
    ["creates duplicate copies", "makes a second copy of everything", "duplicates every item",
     "keeps producing duplicates"],
    ["logs us out every few minutes", "keeps kicking us out", "signs me out constantly",
     "ends the session after a minute"],
    ["is an hour off since the clock change", "shows the wrong time after daylight saving",
     "runs one hour late since the time change", "is off by an hour after DST"],
    ["rejects valid numbers", "says our valid number is invalid", "won't accept a correct number",
     "refuses numbers that are definitely right"],
    ["loops back to the confirmation step", "goes round in a loop", "redirects in an endless loop",
     "keeps sending me back to the start"],
    ["arrives very late or not at all", "never arrives", "takes ages to arrive", "comes 30 minutes late"],
    ["is missing data since the update", "lost half the rows after the update", "shows missing entries",
     "drops records since the last release"],
]
PLATFORMS = ["on Windows", "on Mac", "on Android", "on iPhone", "in Chrome", "in Safari", "in Firefox", ""]
INTENTS = ["How do I set up {f}?", "Can you explain how {f} works with {g}?", "Question about {f} and {g}",
           "Is it possible to use {f} for {g}?", "Please help me change {f}", "Where do I find {f}?",
           "Feature request: {f} for {g}", "Can we get a quote for {f}?", "We'd like to cancel {f}",
           "Small issue with {f} when using {g}"]
DETAILS = ["We have {n} users.", "Our plan is Business.", "This is for our finance team.",
           "We're evaluating this for next quarter.", "It worked fine last week.", "Order #{order} for reference.",
           "I'm on version {version}.", "Our account was created on {date}.", "My manager asked me to check.",
           "Nothing urgent.", "This is blocking our month-end close.", "Tried clearing the cache already."]
GREETINGS = ["Hi team,\n\n", "Hello,\n", "Dear Support,\n", "Hey there - ", "", "", "Good morning,\n"]
SIGNOFFS = ["\n\nThanks,\n{name}\n{company}", "\n\nKind regards,\n{name}", "\n\nCheers, {name}",
            "\n\nSent from my iPhone", "", "\n\n-- \n{name} | {company} | +44 20 7946 0{n}"]
NAMES = ["Jane Doe", "Ravi Patel", "Ana Souza", "Tom Berg", "Li Wei", "Sara Khan", "Ola Nordmann", "Max Roth"]
COMPANIES = ["Acme Ltd", "Globex", "Initech", "Umbrella plc", "Hooli", "Vandelay Industries"]
QUOTE = "\n\nOn {date}, Support wrote:\n> Thanks for reaching out about {f}.\n> Could you send us a screenshot?"


def generate(n: int, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    """``n`` synthetic tickets (canonical columns) and each one's problem number (-1 = one-off)."""
    rng = np.random.default_rng(seed)
    n_problems = min(max(20, n // 400), 600)
    combos = rng.choice(len(FEATURES) * len(SYMPTOMS), n_problems, replace=False)
    weights = 1 / np.arange(1, n_problems + 1) ** 0.8
    is_problem = rng.random(n) < 0.3
    problem = np.where(is_problem, rng.choice(n_problems, n, p=weights / weights.sum()), -1)
    feature = rng.integers(0, len(FEATURES), n)
    other = rng.integers(0, len(FEATURES), n)
    combo = combos[np.maximum(problem, 0)]
    p_feature = combo // len(SYMPTOMS)
    p_symptom = combo % len(SYMPTOMS)
    p_platform = rng.integers(0, len(PLATFORMS), n)
    wording = rng.integers(0, 4, n)
    intent = rng.integers(0, len(INTENTS), n)
    detail = rng.integers(0, len(DETAILS), (n, 2))
    greet = rng.integers(0, len(GREETINGS), n)
    sign = rng.integers(0, len(SIGNOFFS), n)
    quoted = rng.random(n) < 0.15
    numbers = rng.integers(100, 99_999, (n, 3))
    days = rng.integers(0, 365, n)
    created = pd.Timestamp("2025-10-01", tz="UTC") + pd.to_timedelta(days * 86_400 + numbers[:, 0], unit="s")
    subjects, bodies = [], []
    for i in range(n):
        name, company = NAMES[numbers[i, 1] % 8], COMPANIES[numbers[i, 2] % 6]
        fill = {"n": numbers[i, 0], "order": numbers[i, 1] * 100, "version": f"4.{numbers[i, 2] % 9}.{i % 7}",
                "date": f"{1 + i % 28} March 2026", "name": name, "company": company, "code": 400 + problem[i] % 120}
        d1, d2 = DETAILS[detail[i, 0]].format(**fill), DETAILS[detail[i, 1]].format(**fill)
        if problem[i] >= 0:
            f = FEATURES[p_feature[i]]
            symptom = SYMPTOMS[p_symptom[i]][wording[i]].format(**fill)
            subject = f"{f.capitalize()} {SYMPTOMS[p_symptom[i]][(wording[i] + 1) % 4].format(**fill)}"
            body = f"Our {f} {symptom} {PLATFORMS[p_platform[i]]}. {d1}"
        else:
            f, g = FEATURES[feature[i]], FEATURES[other[i]]
            subject = INTENTS[intent[i]].format(f=f, g=g)
            body = f"{subject} {d1} {d2}"
        text = GREETINGS[greet[i]] + body + SIGNOFFS[sign[i]].format(**fill)
        if quoted[i]:
            text += QUOTE.format(date=fill["date"], f=FEATURES[other[i]])
        subjects.append(subject[:80])
        bodies.append(text)
    tickets = pd.DataFrame({
        "ticket_id": pd.array([str(100_000 + i) for i in range(n)], dtype="str"),
        "created_at": created.astype("datetime64[us, UTC]"),
        "subject": pd.array(subjects, dtype="str"), "description": pd.array(bodies, dtype="str"),
        "requester_id": pd.array([f"p{x}" for x in numbers[:, 1] % max(100, n // 5)], dtype="str"),
        "agent_replies": pd.array(rng.integers(1, 6, n), dtype="Int64"),
    })
    return tickets, problem


def run_one(n: int, representation: str, seed: int) -> dict:
    from benchmarks_text import bcubed  # noqa: I001  (the sibling script, imported by path below)
    from toolkit.duplicates import DuplicateFinder

    tickets, truth = generate(n, seed)
    wall, cpu = time.perf_counter(), time.process_time()
    finder = DuplicateFinder(representation=representation, seed=seed).fit(tickets)
    seconds, cpu_seconds = time.perf_counter() - wall, time.process_time() - cpu
    labels = pd.Series(np.where(truth >= 0, truth.astype(str), None), dtype=object)
    _, _, f1 = bcubed(finder.labels_, labels)
    return {"tickets": n, "representation": representation, "seconds": round(seconds, 1),
            "cpu_seconds": round(cpu_seconds, 1),
            "peak_memory_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "clusters": int(len(finder.clusters_)), "unclustered_share": round(float((finder.labels_ < 0).mean()), 4),
            "problem_bcubed_f1": round(f1, 4), "steps": {k: round(v, 1) for k, v in finder.timings_.items()}}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 300_000, 1_000_000])
    parser.add_argument("--representation", default="tfidf")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--one", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one is not None:
        print(json.dumps(run_one(args.one, args.representation, args.seed)), flush=True)
        return
    for n in args.sizes:  # a fresh process per size, so each peak memory is its own
        subprocess.run([sys.executable, __file__, "--one", str(n), "--representation", args.representation,
                        "--seed", str(args.seed)], check=True)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import importlib

    sys.modules["benchmarks_text"] = importlib.import_module("text_clustering")
    main()
