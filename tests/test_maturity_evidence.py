"""Evidence rules: verdicts with exact logic, indicators from the owning modules, skips with notes."""

import numpy as np
import pandas as pd
import pytest

from toolkit.maturity.evidence import (
    INDICATORS,
    Indicator,
    IndicatorUnavailable,
    compute_indicators,
    evaluate_evidence,
)
from toolkit.schema import validate


def _registry(value):
    def compute(data, tz):
        if value is None:
            raise IndicatorUnavailable("no tickets table was given")
        return value, f"{value:.0%} reopened"

    return {"reopen_rate": Indicator("reopen_rate", "share reopened", "share", compute)}


def test_a_claim_the_data_contradicts(answers, model):
    # B-1: Ann 4, Bob 2, Cy 3 -> median 3 < claim level 4: the combined answer makes no claim.
    e = evaluate_evidence(model, answers, {}, indicators=_registry(0.25)).iloc[0]
    assert (e["value"], e["data_supports_claim"], e["answered_level"], e["claimed"]) == (0.25, False, 3.0, False)
    assert e["verdict"] == "supports"
    assert e["claimed_by"] == "Ann (manager, level 4)"
    assert e["contradicted_respondents"] == "Ann (manager, level 4)"
    assert e["finding"] == ('The data does not support "we resolve on first contact" (B-1): 25% reopened; the claim '
                            'needs reopen_rate <= 0.1. Answers contradicted: Ann (manager, level 4).')


def test_a_claim_the_data_supports(answers, model):
    e = evaluate_evidence(model, answers, {}, indicators=_registry(0.05)).iloc[0]
    assert e["data_supports_claim"] and e["verdict"] == "contradicts"  # the combined answer (3) undersells it
    assert e["contradicted_respondents"] == "Bob (agent, level 2); Cy (agent, level 3)"


def test_combined_claim_contradicted(model):
    frame = validate(pd.DataFrame({"respondent": ["Ann", "Bob"], "role": ["manager", "agent"],
                                   "question_id": ["B-1", "B-1"], "level": ["5", "4"]}), "maturity_answers")
    e = evaluate_evidence(model, frame, {}, indicators=_registry(0.3)).iloc[0]
    assert (e["answered_level"], e["claimed"], e["verdict"]) == (4.5, True, "contradicts")


def test_unavailable_indicator_is_skipped_with_a_note(answers, model):
    e = evaluate_evidence(model, answers, {}, indicators=_registry(None)).iloc[0]
    assert e["verdict"] == "skipped"
    assert np.isnan(e["value"]) and pd.isna(e["data_supports_claim"])
    assert e["note"] == "skipped: no tickets table was given"
    assert e["finding"] == 'Not tested (B-1, "we resolve on first contact"): no tickets table was given.'


def test_every_shipped_indicator_skips_cleanly_without_data():
    result = compute_indicators({})
    assert list(result["indicator"]) == list(INDICATORS)
    assert result["value"].isna().all()
    assert result["note"].str.startswith("skipped: ").all()


def _tickets(n_agents_hard: dict[str, int]) -> pd.DataFrame:
    rows = []
    for agent, count in n_agents_hard.items():
        for i in range(count):
            rows.append({"ticket_id": f"{agent}-{i}", "created_at": "2026-01-05 10:00", "status": "solved",
                         "channel": "email", "assignee": agent, "reopens": 1 if i == 0 else 0,
                         "agent_replies": 1 if i % 2 else 3, "team": "A"})
    return validate(pd.DataFrame(rows), "tickets")


def test_conversation_indicators_come_from_toolkit_ops():
    tickets = _tickets({"a": 10, "b": 10})
    result = compute_indicators({"tickets": tickets}, ["reopen_rate", "fcr_rate", "median_agent_replies"])
    # 2 of 20 tickets reopened; one-reply tickets are the odd positions (5 per agent), none reopened.
    assert result["value"].tolist() == pytest.approx([0.1, 0.5, 2.0])
    assert result.loc[0, "detail"] == "10.0% of 20 solved tickets reopened"


def test_duplicate_cluster_age_from_assignments():
    tickets = validate(pd.DataFrame({
        "ticket_id": [f"t{i}" for i in range(24)],
        "created_at": ([f"2026-01-{d:02d} 09:00" for d in range(1, 13)]          # cluster 1: Jan 1-12, all solved
                       + [f"2026-02-{d:02d} 09:00" for d in range(1, 11)]        # cluster 2: Feb 1-10, one open
                       + ["2026-03-01 09:00", "2026-03-02 09:00"]),             # unclustered
        "status": ["solved"] * 21 + ["open", "solved", "solved"], "channel": "email"}), "tickets")
    assignments = pd.DataFrame({"ticket_id": tickets["ticket_id"], "cluster_id": [1] * 12 + [2] * 10 + [-1] * 2})
    result = compute_indicators({"tickets": tickets, "duplicate_assignments": assignments},
                                ["open_problem_cluster_age_days"]).iloc[0]
    # Only cluster 2 is still active (an open ticket); as of 2026-03-02 09:00 it is 29 days old.
    assert result["value"] == 29.0
    assert result["detail"] == ("1 duplicate-issue clusters of 10+ tickets are still active; median 29 days since "
                                "their first ticket")


def test_duplicate_cluster_age_needs_assignments():
    result = compute_indicators({"tickets": _tickets({"a": 3})}, ["open_problem_cluster_age_days"]).iloc[0]
    assert result["note"].startswith("skipped: no duplicate clusters were given")


def test_hedged_reply_share_comes_from_toolkit_ops_hedging():
    messages = validate(pd.DataFrame({
        "ticket_id": ["1", "1", "2", "3", "4"],
        "created_at": "2026-01-05 10:00",
        "author_role": ["customer", "agent", "agent", "agent", "agent"],
        "public": "true",
        "body": ["It should work, right?", "That should now be fixed.", "The blog is now under your account.",
                 "Your invoice is attached.", "I have reset your password."],
        "author": ["c", "a", "a", "b", "b"]}), "messages")
    result = compute_indicators({"messages": messages}, ["hedged_reply_share"]).iloc[0]
    assert result["value"] == 0.25  # one of four agent replies hedges; the customer's "should" does not count
    assert result["detail"].startswith("25.0% of 4 public agent replies hedge")
