"""Benchmark: every toolkit.ops measure on synthetic 1,000,000 tickets / 5,000,000 messages.

Run:  nice .venv/bin/python benchmarks/operations.py [--tickets 1000000] [--messages 5000000] [--seed 7]

The data set is generated here, vectorised (nothing is committed). Prints one line per
measure (seconds, rows) and the peak resident memory of the process (which includes the
generated data). Target (issue 4): all measures under 60 s in total, under 6 GB peak.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import toolkit.ops as ops

UTC = "datetime64[us, UTC]"
PRODUCTS = [f"Product {c}" for c in "ABCDEFGHIJKLMNOPQRST"]
TEAMS = [f"Team {n}" for n in ("Atlas", "Birch", "Cedar", "Delta", "Elm", "Fjord", "Grove", "Harbor")]
SUBJECT_WORDS = np.array(["login", "invoice", "export", "sync", "error", "password", "billing", "api", "timeout",
                          "upload", "report", "dashboard", "permissions", "webhook", "integration", "mobile"])
AGENT_LINES = np.array([
    "Thanks for reaching out about this.", "I have reset the configuration on our side.",
    "That blog should now be under your other account.", "It looks like the sync job failed overnight.",
    "The export is now available in your dashboard.", "I think this is caused by the browser cache.",
    "Should you need anything else, just reply to this email.", "Could you send me a screenshot of the error?",
    "Hopefully this fixes it for you.", "The invoice has been corrected and re-sent.",
    "It works as it should after the update.", "I have verified that the webhook delivers again.",
    "This might be related to the outage earlier today.", "Your password reset link is on its way.",
    "I've passed your feedback on to the product team.", "I'm so sorry, apologies for any inconvenience.",
    "Which browser are you using?",
])
CUSTOMER_LINES = np.array([
    "Hi, I cannot log in since this morning.", "The export keeps failing with a timeout.",
    "Thanks, that worked!", "It is still broken for me.", "Please call me at +44 20 7946 0000.",
    "Our invoice shows the wrong amount.", "Can you check the sync again?", "Any update on this?",
    "I'm on Chrome 129, screenshot attached.",
])


def make_synthetic(n_tickets: int, n_messages: int, seed: int = 7) -> tuple[pd.DataFrame, pd.DataFrame,
                                                                               pd.DataFrame]:
    """Canonical tickets, messages and survey responses with realistic shapes (vectorised)."""
    rng = np.random.default_rng(seed)
    start = pd.Timestamp("2025-10-01", tz="UTC")
    days = pd.date_range(start, periods=365, freq="D")
    weight = np.where(days.day_of_week < 5, 1.0, 0.35)
    naive = days.tz_localize(None)
    quarter_end = (naive.to_period("Q").end_time.floor("D") - naive).days < 14
    weight = weight * np.where(quarter_end & (days.month != 12), 1.4, 1.0) * np.where(quarter_end & (days.month
                                                                                                  == 12), 0.6, 1.0)
    day = rng.choice(len(days), size=n_tickets, p=weight / weight.sum())
    hour_weight = np.exp(-0.5 * ((np.arange(24) - 13) / 4) ** 2)
    hour = rng.choice(24, size=n_tickets, p=hour_weight / hour_weight.sum())
    seconds = rng.integers(0, 3600, size=n_tickets)
    created = (start + pd.to_timedelta(day, unit="D") + pd.to_timedelta(hour, unit="h")
               + pd.to_timedelta(seconds, unit="s"))
    created = pd.Series(created).astype(UTC).sort_values(ignore_index=True)
    team = rng.integers(0, len(TEAMS), size=n_tickets)
    n_agents = 400
    assignee = team * (n_agents // len(TEAMS)) + rng.zipf(1.6, size=n_tickets) % (n_agents // len(TEAMS))
    priority = rng.choice(["low", "normal", "high", "urgent"], size=n_tickets, p=[0.25, 0.5, 0.18, 0.07])
    channel = rng.choice(["email", "chat", "web", "phone"], size=n_tickets, p=[0.45, 0.3, 0.2, 0.05])
    solved = rng.random(n_tickets) < 0.9
    resolution = np.exp(rng.normal(6.5, 1.3, size=n_tickets))
    first_reply = np.exp(rng.normal(4.5, 1.2, size=n_tickets))
    agent_replies = rng.poisson(1.6, size=n_tickets) + 1
    customer_replies = np.maximum(agent_replies + rng.integers(-1, 2, size=n_tickets), 1)
    scale = n_messages / (agent_replies + customer_replies).sum()
    per_ticket = np.maximum(np.round((agent_replies + customer_replies) * scale), 1).astype(int)
    agent_replies, customer_replies = per_ticket // 2, per_ticket - per_ticket // 2
    ids = np.char.add("T", np.arange(n_tickets).astype(str))
    words = rng.integers(0, len(SUBJECT_WORDS), size=(n_tickets, 2))
    subject = np.char.add(np.char.add(SUBJECT_WORDS[words[:, 0]], " "), SUBJECT_WORDS[words[:, 1]])
    rated = rng.random(n_tickets) < 0.25
    tickets = pd.DataFrame({
        "ticket_id": pd.array(ids, dtype="str"),
        "created_at": created,
        "solved_at": (created + pd.to_timedelta(resolution, unit="min")).where(solved),
        "status": pd.array(np.where(solved, "solved", "open"), dtype="str"),
        "channel": pd.array(channel, dtype="str"),
        "priority": pd.array(priority, dtype="str"),
        "team": pd.array(np.array(TEAMS)[team], dtype="str"),
        "assignee": pd.array(np.char.add("agent", assignee.astype(str)), dtype="str"),
        "requester_id": pd.array(np.char.add("R", rng.integers(0, n_tickets // 5, size=n_tickets).astype(str)),
                                 dtype="str"),
        "organization_id": pd.array(np.char.add("O", rng.integers(0, 20000, size=n_tickets).astype(str)),
                                    dtype="str"),
        "product": pd.array(np.array(PRODUCTS)[rng.integers(0, len(PRODUCTS), size=n_tickets)], dtype="str"),
        "subject": pd.array(subject, dtype="str"),
        "first_reply_minutes": first_reply,
        "full_resolution_minutes": np.where(solved, resolution, np.nan),
        "reopens": pd.array(rng.poisson(0.12, size=n_tickets), dtype="Int64"),
        "agent_replies": pd.array(agent_replies, dtype="Int64"),
        "customer_replies": pd.array(customer_replies, dtype="Int64"),
        "sla_breached": pd.array(rng.random(n_tickets) < 0.1, dtype="boolean"),
        "satisfaction": pd.array(np.where(rated, np.where(rng.random(n_tickets) < 0.82, "good", "bad"), None),
                                 dtype="str"),
    })
    owner = np.repeat(np.arange(n_tickets), per_ticket)
    step = np.arange(len(owner)) - np.repeat(np.cumsum(per_ticket) - per_ticket, per_ticket)
    is_agent = step % 2 == 1  # customer first, then turns alternate
    at = created.dt.tz_localize(None).to_numpy()[owner] + (step * 90).astype("timedelta64[m]")
    # Bodies and ids by Arrow `take` from small pools: numpy unicode arrays of 5M strings need GBs.
    line_pool = pd.Series(np.concatenate([AGENT_LINES, CUSTOMER_LINES]), dtype="str")
    line = np.where(is_agent, rng.integers(0, len(AGENT_LINES), size=len(owner)),
                    len(AGENT_LINES) + rng.integers(0, len(CUSTOMER_LINES), size=len(owner)))
    messages = pd.DataFrame({
        "ticket_id": tickets["ticket_id"].take(owner).reset_index(drop=True),
        "created_at": pd.Series(at).dt.tz_localize("UTC").astype(UTC),
        "author_role": pd.array(np.where(is_agent, "agent", "customer"), dtype="str"),
        "public": pd.array(rng.random(len(owner)) > 0.03, dtype="boolean"),
        # A reference number makes nearly every body unique, as real replies are.
        "body": line_pool.take(line).reset_index(drop=True) + " Ref "
        + pd.Series(rng.integers(0, 10**9, size=len(owner))).astype("str"),
        "message_id": "M" + pd.Series(np.arange(len(owner))).astype("str"),
        "author": tickets["assignee"].take(owner).reset_index(drop=True).where(is_agent),
    })
    rated_ids = tickets.loc[rated, ["ticket_id", "organization_id", "created_at"]]
    responses = pd.DataFrame({
        "response_id": pd.array(np.char.add("S", np.arange(len(rated_ids)).astype(str)), dtype="str"),
        "survey": "csat",
        "score": rng.integers(1, 6, size=len(rated_ids)).astype("float64"),
        "scale": "1-5",
        "submitted_at": rated_ids["created_at"].to_numpy(),
        "ticket_id": rated_ids["ticket_id"].to_numpy(),
        "organization_id": rated_ids["organization_id"].to_numpy(),
    })
    responses["submitted_at"] = responses["submitted_at"].astype(UTC)
    return tickets, messages, responses


def peak_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 ** 2


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--messages", type=int, default=5_000_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    t0 = time.perf_counter()
    tickets, messages, responses = make_synthetic(args.tickets, args.messages, args.seed)
    print(f"generated {len(tickets):,} tickets, {len(messages):,} messages, {len(responses):,} CSAT responses "
          f"in {time.perf_counter() - t0:.1f} s (peak so far {peak_gb():.2f} GB)")
    tz = "Europe/London"
    replies = None
    releases = pd.DataFrame({"date": pd.to_datetime(["2026-01-14", "2026-03-25", "2026-06-10", "2026-09-02"]),
                             "name": ["R1", "R2", "R3", "R4"], "product": ["Product A", "", "Product C", ""]})
    kinds: dict[str, pd.DataFrame] = {}

    def run_hedging():
        nonlocal replies
        replies = ops.hedging(messages)
        return replies

    def marked(kind: str):
        def run():
            kinds[kind] = (ops.repeat_questions(messages) if kind == "repeat_question"
                           else ops.language(messages, kind))
            return kinds[kind]
        return run

    measures = [
        ("volume by month x team", lambda: ops.volume(tickets, by="team", freq="month", tz=tz)),
        ("weekday x hour", lambda: ops.weekday_hour(tickets, tz=tz)),
        ("month of year", lambda: ops.month_of_year(tickets, tz=tz)),
        ("period effects", lambda: ops.period_effects(tickets, tz=tz)),
        ("response times by team", lambda: ops.response_times(tickets, by="team", tz=tz)),
        ("SLA attainment by priority", lambda: ops.sla_attainment(tickets, tz=tz)),
        ("conversation summary (messages)", lambda: ops.conversation_summary(tickets, messages, by="team", tz=tz)),
        ("reply distribution", lambda: ops.reply_distribution(tickets, by="channel", tz=tz)),
        ("too quick", lambda: ops.too_quick(tickets, by="team", tz=tz)),
        ("incomplete conversations (messages)", lambda: ops.incomplete_conversations(tickets, messages, tz=tz)),
        ("hedging (5M messages)", run_hedging),
        ("hedging by agent", lambda: ops.hedging_summary(replies)),
        ("hedging by team", lambda: ops.hedging_summary(replies, tickets, by="team")),
        ("hedging association", lambda: ops.hedging_association(replies, tickets, responses)),
        ("false hope (5M messages)", marked("false_hope")),
        ("false hope by agent", lambda: ops.language_summary(kinds["false_hope"], "false_hope")),
        ("false hope association (any reply)", lambda: ops.language_association(
            kinds["false_hope"], tickets, "false_hope", responses, exposure="any_reply")),
        ("over-apology (5M messages)", marked("over_apology")),
        ("repeat questions (5M messages)", marked("repeat_question")),
        ("repeat questions by team", lambda: ops.repeat_question_summary(kinds["repeat_question"], tickets)),
        ("repeat question association", lambda: ops.repeat_question_association(kinds["repeat_question"], tickets,
                                                                                 responses)),
        ("volume spikes (all, 20 products) + releases", lambda: ops.volume_spikes(tickets, releases, tz=tz)),
        ("workload concentration", lambda: ops.workload_concentration(tickets, by="team", tz=tz)),
        ("heroes and rework by team", lambda: ops.heroes_and_rework(tickets, by="team", tz=tz)),
        ("satisfied despite a breach by team", lambda: ops.breach_experience(tickets, responses, by="team", tz=tz)),
        ("watermelon by team", lambda: ops.watermelon(tickets, responses, by="team", tz=tz)),
        ("kiwi or watermelon (weekly)", lambda: ops.kiwi_or_watermelon(tickets, responses, tz=tz)),
    ]
    total = 0.0
    for name, call in measures:
        t = time.perf_counter()
        result = call()
        elapsed = time.perf_counter() - t
        total += elapsed
        print(f"{name:<40} {elapsed:7.2f} s  {len(result):>9,} rows")
    print(f"{'all measures':<40} {total:7.2f} s")
    print(f"peak resident memory {peak_gb():.2f} GB")
    print("machine load average (1, 5, 15 min): " + ", ".join(f"{v:.1f}" for v in os.getloadavg())
          + f" on {os.cpu_count()} cores (other processes share them)")
    if replies is not None:
        print(f"hedged share of agent replies {replies['hedged'].mean():.3f}")
    for kind, frame in kinds.items():
        print(f"{kind} share of agent replies {frame[kind].mean():.3f}")


if __name__ == "__main__":
    main()
