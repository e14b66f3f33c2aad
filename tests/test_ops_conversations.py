import numpy as np
import pandas as pd
import pytest
from ops_frames import messages, tickets

import toolkit.ops as ops
from toolkit.errors import ConfigError


def _replies_frame():
    return tickets([
        {"created_at": "2026-01-05T10:00Z", "agent_replies": 1, "customer_replies": 1, "reopens": 0, "team": "A"},
        {"created_at": "2026-01-05T10:00Z", "agent_replies": 1, "customer_replies": 2, "reopens": 1, "team": "A"},
        {"created_at": "2026-01-05T10:00Z", "agent_replies": 3, "customer_replies": 3, "reopens": 0, "team": "B"},
        {"created_at": "2026-01-05T10:00Z", "agent_replies": 6, "customer_replies": 5, "reopens": 0, "team": "B"},
        {"created_at": "2026-01-05T10:00Z", "agent_replies": 0, "customer_replies": 1, "status": "open",
         "team": "B"},
    ])


def test_conversation_summary_exact_rates():
    out = ops.conversation_summary(_replies_frame()).iloc[0]
    assert out["tickets"] == 5 and out["solved"] == 4
    assert out["mean_agent_replies"] == 11 / 5 and out["median_agent_replies"] == 1
    assert out["mean_customer_replies"] == 12 / 5
    assert out["one_touch_rate"] == 0.5      # T1, T2 of 4 solved
    assert out["fcr_rate"] == 0.25           # T1 only: T2 was reopened
    assert out["long_conversation_rate"] == 0.2  # T4 (> 4 agent replies) of 5
    assert out["reopen_rate"] == 0.25        # of the 4 ever solved
    assert bool(out["small_sample"]) is True


def test_conversation_summary_by_team():
    out = ops.conversation_summary(_replies_frame(), by="team").set_index("team")
    assert out.loc["A", "one_touch_rate"] == 1.0 and out.loc["A", "fcr_rate"] == 0.5
    assert out.loc["B", "one_touch_rate"] == 0.0 and out.loc["B", "reopen_rate"] == 0.0


def test_conversation_summary_counts_public_replies_from_messages():
    frame = tickets([{"created_at": "2026-01-05T10:00Z", "reopens": 0},
                     {"created_at": "2026-01-05T10:00Z", "reopens": 0}])
    talk = messages([
        ("T1", "2026-01-05T10:00Z", "customer", True, "Help"),
        ("T1", "2026-01-05T10:05Z", "agent", False, "internal note"),
        ("T1", "2026-01-05T10:06Z", "system", False, "auto"),
        ("T1", "2026-01-05T10:10Z", "agent", True, "Fixed."),
        ("T2", "2026-01-05T10:00Z", "customer", True, "Help"),
        ("T2", "2026-01-05T10:10Z", "agent", True, "Which browser?"),
        ("T2", "2026-01-05T10:20Z", "customer", True, "Firefox"),
        ("T2", "2026-01-05T10:30Z", "agent", True, "Fixed."),
        ("T9", "2026-01-05T10:30Z", "agent", True, "Not in tickets."),
    ])
    out = ops.conversation_summary(frame, talk).iloc[0]
    assert out["mean_agent_replies"] == 1.5 and out["mean_customer_replies"] == 1.5
    assert out["one_touch_rate"] == 0.5 and out["fcr_rate"] == 0.5


def test_all_reopened_gives_reopen_rate_one_and_no_fcr():
    frame = tickets([{"created_at": "2026-01-05T10:00Z", "agent_replies": 1, "reopens": 2},
                     {"created_at": "2026-01-05T10:00Z", "agent_replies": 1, "reopens": 1}])
    out = ops.conversation_summary(frame).iloc[0]
    assert out["reopen_rate"] == 1.0 and out["fcr_rate"] == 0.0 and out["one_touch_rate"] == 1.0


def test_no_solved_tickets_and_no_replies_are_noted():
    frame = tickets([{"created_at": "2026-01-05T10:00Z", "status": "open"}])
    out = ops.conversation_summary(frame).iloc[0]
    assert np.isnan(out["one_touch_rate"]) and np.isnan(out["reopen_rate"]) and np.isnan(out["mean_agent_replies"])
    assert ops.notes(ops.conversation_summary(frame)) == [
        "Reply counts: no messages table and no agent_replies / customer_replies values on the tickets.",
        "Reopen rate and FCR skipped: the tickets have no reopens values.",
        "No solved tickets: one-touch and FCR rates are empty."]


def test_reply_distribution_caps_and_shares():
    out = ops.reply_distribution(_replies_frame(), cap=3)
    agent = out[out["role"] == "agent"].set_index("replies")["tickets"]
    assert agent.to_dict() == {0: 1, 1: 2, 3: 2}
    customer = out[out["role"] == "customer"].set_index("replies")["share"]
    assert customer.to_dict() == {1: 0.4, 2: 0.2, 3: 0.4}


def _quick_frame(**extra):
    rows = [{"created_at": "2026-01-05T10:00Z", "full_resolution_minutes": m, "requester_id": f"P{i}",
             "reopens": 0, "product": "Sync", "subject": "Sync fails"} for i, m in enumerate(range(100, 1000, 100))]
    rows.insert(0, {"created_at": "2026-01-05T10:00Z", "full_resolution_minutes": 5, "requester_id": "Q",
                    "reopens": 0, "product": "Sync", "subject": "Re: Sync keeps failing"})
    rows.append({"created_at": "2026-01-07T10:00Z", "status": "open", "requester_id": "Q", "product": "Sync",
                 "subject": "sync keeps failing again", **extra})
    return tickets(rows)


def test_too_quick_flags_fast_solve_followed_by_same_topic_ticket():
    per = ops.too_quick_tickets(_quick_frame())
    assert len(per) == 10  # solved tickets only
    first = per.iloc[0]
    assert first["ticket_id"] == "T1" and bool(first["fast"]) and first["followup_ticket_id"] == "T11"
    assert bool(first["too_quick"]) and not bool(first["reopened"])
    assert first["fast_threshold_minutes"] == pytest.approx(5 + 0.9 * 95)  # 10th percentile, interpolated
    assert per["too_quick"].sum() == 1
    summary = ops.too_quick(_quick_frame()).iloc[0]
    assert (summary["solved"], summary["fast"], summary["fast_came_back"]) == (10, 1, 1)
    assert summary["too_quick_rate"] == 0.1 and summary["came_back_rate_fast"] == 1.0
    assert summary["came_back_rate_other"] == 0.0


def test_too_quick_needs_same_topic_and_the_window():
    other_product = ops.too_quick_tickets(_quick_frame(product="Billing"))
    assert other_product["too_quick"].sum() == 0
    other_subject = ops.too_quick_tickets(_quick_frame(subject="Invoice address wrong"))
    assert other_subject["followup_ticket_id"].isna().all()
    late = _quick_frame()
    late.loc[10, "created_at"] = pd.Timestamp("2026-01-20T10:00Z")
    assert ops.too_quick_tickets(late, within_days=7)["too_quick"].sum() == 0
    assert ops.too_quick_tickets(late, within_days=30)["too_quick"].sum() == 1


def test_too_quick_counts_reopened_fast_solves_and_no_solved_edge_case():
    frame = _quick_frame()
    frame.loc[0, "reopens"] = 1
    frame.loc[10, "requester_id"] = "someone else"
    per = ops.too_quick_tickets(frame)
    assert bool(per.iloc[0]["too_quick"]) and pd.isna(per.iloc[0]["followup_ticket_id"])
    assert per["too_quick"].sum() == 1
    empty = ops.too_quick(tickets([{"created_at": "2026-01-05T10:00Z", "status": "open"}]))
    assert empty.empty
    assert "Too-quick resolutions skipped: no solved ticket with a resolution time." in ops.notes(empty)


def test_too_quick_rejects_bad_quantile():
    with pytest.raises(ConfigError, match=r"`quantile`: quantile must be between 0 and 1, got 10"):
        ops.too_quick(_quick_frame(), quantile=10)


def _chat_frame():
    return tickets([
        {"created_at": "2026-01-05T10:00Z", "channel": "chat"},   # left after a question
        {"created_at": "2026-01-05T10:00Z", "channel": "chat"},   # left before any reply
        {"created_at": "2026-01-05T10:00Z", "channel": "email"},  # answered and solved
        {"created_at": "2026-01-05T10:00Z", "channel": "email"},  # courtesy question only
        {"created_at": "2026-01-05T10:00Z", "channel": "chat", "status": "open"},  # still going
    ])


def _chat_messages():
    return messages([
        ("T1", "2026-01-05T10:00Z", "customer", True, "Export fails"),
        ("T1", "2026-01-05T10:01Z", "agent", True, "Could you send a screenshot?"),
        ("T1", "2026-01-05T10:09Z", "agent", True, "I haven't heard back, I'll close this chat for now."),
        ("T1", "2026-01-05T10:10Z", "system", False, "Chat ended: the visitor left the chat."),
        ("T2", "2026-01-05T10:00Z", "customer", True, "Hello?"),
        ("T3", "2026-01-05T10:00Z", "customer", True, "Login broken"),
        ("T3", "2026-01-05T10:05Z", "agent", True, "Which browser?"),
        ("T3", "2026-01-05T10:07Z", "customer", True, "Chrome"),
        ("T3", "2026-01-05T10:09Z", "agent", True, "Fixed, it works now."),
        ("T4", "2026-01-05T10:00Z", "customer", True, "Invoice copy please"),
        ("T4", "2026-01-05T10:05Z", "agent", True, "Attached. Is there anything else I can help with?"),
        ("T5", "2026-01-05T10:00Z", "customer", True, "Hi"),
        ("T5", "2026-01-05T10:01Z", "agent", True, "Which plan are you on?"),
    ])


def test_incomplete_conversations_by_channel_with_messages():
    out = ops.incomplete_conversations(_chat_frame(), _chat_messages()).set_index("channel")
    assert out.loc["chat", "finished"] == 2 and out.loc["chat", "incomplete"] == 2
    assert out.loc["chat", "left_before_reply"] == 1 and out.loc["chat", "left_after_question"] == 1
    assert out.loc["chat", "incomplete_rate"] == 1.0
    assert out.loc["email", "incomplete"] == 0 and out.loc["email", "incomplete_rate"] == 0.0
    assert out.loc["email", "ci_low"] == 0.0 and out.loc["email", "ci_high"] == pytest.approx(0.6576, abs=1e-4)


def test_incomplete_conversations_without_messages_counts_only_unanswered():
    frame = _chat_frame()
    frame["agent_replies"] = pd.array([2, 0, 2, 1, 1], dtype="Int64")
    out = ops.incomplete_conversations(frame).set_index("channel")
    assert out.loc["chat", "incomplete"] == 1 and np.isnan(out.loc["chat", "left_after_question"])
    assert ("Without a messages table only customers who left before any agent reply are counted "
            "(left_after_question is empty).") in ops.notes(out)


def test_incomplete_conversations_skipped_when_replies_unknown():
    out = ops.incomplete_conversations(_chat_frame())
    assert out.empty
    assert "Incomplete problem sets skipped: no replies known." in ops.notes(out)
