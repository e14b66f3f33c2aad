import numpy as np
import pytest
from ops_frames import tickets

import toolkit.ops as ops
from toolkit.errors import ConfigError


def test_gini_known_values():
    assert ops.gini(np.array([1, 1, 1, 1])) == 0.0
    assert ops.gini(np.array([0, 0, 0, 4])) == pytest.approx(0.75)
    assert ops.gini(np.array([1, 2, 3, 4])) == pytest.approx(0.25)
    assert ops.gini(np.array([0, 0])) == 0.0 and np.isnan(ops.gini(np.array([])))


def _hero_frame():
    rows = [{"created_at": "2026-01-05T10:00Z", "assignee": "Hero", "agent_replies": 1, "reopens": 0,
             "team": "A"} for _ in range(10)]
    rows += [{"created_at": "2026-01-05T10:00Z", "assignee": f"Agent {i}", "agent_replies": 1, "reopens": 0,
              "team": "A"} for i in range(9)]
    rows[0]["reopens"] = 1            # hard: reopened
    rows[1]["agent_replies"] = 9      # hard: more replies than 90% of tickets
    rows[-1]["reopens"] = 2           # hard, handled by Agent 8
    rows.append({"created_at": "2026-01-05T10:00Z", "agent_replies": 1, "reopens": 0})  # unassigned
    return tickets(rows)


def test_hard_tickets_rule():
    hard = ops.hard_tickets(_hero_frame())
    notes = ops.notes(hard)
    assert hard.sum() == 3 and bool(hard.iloc[0]) and bool(hard.iloc[1]) and bool(hard.iloc[18])
    assert notes == ["Hard tickets: resolution time unknown, left out of the rule."]


def test_workload_concentration_top_share_and_gini():
    out = ops.workload_concentration(_hero_frame()).iloc[0]
    assert out["agents"] == 10 and out["tickets"] == 19 and out["top_agents"] == 1
    assert out["top_agents_ticket_share"] == pytest.approx(10 / 19)
    assert out["gini_tickets"] == pytest.approx(ops.gini(np.array([10] + [1] * 9)))
    assert out["hard_tickets"] == 3 and out["top_agents_hard_share"] == pytest.approx(2 / 3)
    assert not bool(out["small_sample"])
    notes = ops.notes(ops.workload_concentration(_hero_frame()))
    assert "1 tickets without an assignee are left out of workload figures." in notes


def test_agent_workload_is_sorted_with_cumulative_share():
    out = ops.agent_workload(_hero_frame())
    assert out["assignee"].iloc[0] == "Hero" and out["tickets"].iloc[0] == 10
    assert out["ticket_share"].iloc[0] == pytest.approx(10 / 19)
    assert out["cumulative_ticket_share"].iloc[-1] == pytest.approx(1.0)
    assert out["hard_share"].iloc[0] == pytest.approx(2 / 3)


def test_workload_single_team_small_and_without_assignees():
    small = tickets([{"created_at": "2026-01-05T10:00Z", "assignee": "A", "team": "X"}])
    out = ops.workload_concentration(small, by="team")
    assert out["team"].tolist() == ["X"] and bool(out["small_sample"].item())
    assert np.isnan(out["hard_tickets"].item())
    none = ops.workload_concentration(tickets([{"created_at": "2026-01-05T10:00Z"}]))
    assert none.empty and "Workload skipped: no assignee values." in ops.notes(none)
    with pytest.raises(ConfigError, match="top_share must be between 0 and 1"):
        ops.workload_concentration(small, top_share=10)
