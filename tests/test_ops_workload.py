import numpy as np
import pytest
from ops_frames import tickets

import toolkit.ops as ops
from toolkit.errors import ConfigError, DataError


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


def test_hard_received_rule_and_missing_columns():
    frame = tickets([{"created_at": "2026-01-05T10:00Z", "priority": p, "problem_id": pid, "tags": tags}
                     for p, pid, tags in [("urgent", None, []), ("low", "P1", []), ("low", None, ["Tier2"]),
                                          ("normal", None, ["billing"]), (None, None, [])]])
    assert ops.hard_received(frame).tolist() == [True, True, True, False, False]
    with pytest.raises(DataError, match="needs values in `priority`, `problem_id` or `tags`"):
        ops.hard_received(frame.drop(columns=["priority", "problem_id", "tags"]))


def _team(hard: dict[str, int], reopened: dict[str, int], n: int = 40):
    """Team A of four agents with ``n`` tickets each: ``hard`` urgent ones and ``reopened`` (normal) ones."""
    rows = []
    for agent in ("Hero", "Rework", "Ann", "Bob"):
        for i in range(n):
            urgent = i < hard.get(agent, 4)
            again = not urgent and i >= n - reopened.get(agent, 2)
            rows.append({"created_at": "2026-01-05T10:00Z", "assignee": agent, "team": "A",
                         "priority": "urgent" if urgent else "normal", "reopens": int(again)})
    return tickets(rows)


def test_heroes_and_rework_tells_hard_work_received_from_own_reopens():
    out = ops.heroes_and_rework(_team(hard={"Hero": 30}, reopened={"Rework": 20})).set_index("assignee")
    assert out.loc["Hero", ["hard_received", "hard_received_share"]].tolist() == [30, 0.75]
    assert out.loc["Hero", "rest_hard_received_share"] == pytest.approx(12 / 120)
    assert out.loc["Rework", ["own_reopened", "own_reopen_rate"]].tolist() == [20, 0.5]
    assert out.loc["Rework", "rest_own_reopen_rate"] == pytest.approx(6 / 120)
    assert out["hero"].to_dict() == {"Hero": True, "Rework": False, "Ann": False, "Bob": False}
    assert out["rework"].to_dict() == {"Hero": False, "Rework": True, "Ann": False, "Bob": False}
    assert list(out.index[:2]) == ["Hero", "Rework"]  # heroes first, then rework
    assert out.loc["Rework", "explanation"] == (
        "Rework's extra load is rework of their own: 50% of Rework's solved tickets were reopened, against 5% "
        "for the rest of the team.")


def test_heroes_and_rework_an_agent_with_hard_work_and_own_reopens_is_no_hero():
    out = ops.heroes_and_rework(_team(hard={"Hero": 25}, reopened={"Hero": 12})).set_index("assignee")
    assert out.loc["Hero", "hard_work"] and out.loc["Hero", "rework"] and not out.loc["Hero", "hero"]
    assert out.loc["Hero", "explanation"].startswith("Hero receives hard work but also causes rework")


def test_heroes_and_rework_equal_agents_and_small_samples_are_not_labelled():
    out = ops.heroes_and_rework(_team(hard={}, reopened={}))
    assert not out[["hard_work", "rework", "hero"]].any().any()
    small = ops.heroes_and_rework(_team(hard={"Hero": 30}, reopened={}), min_n=50)
    assert small["small_sample"].all() and not small["hero"].any()
    assert small["hard_received_p"].isna().all()


def test_heroes_and_rework_and_breach_on_empty_tickets():
    from toolkit.schema import empty

    assert ops.heroes_and_rework(empty("tickets")).empty
    breach = ops.breach_experience(empty("tickets"))
    assert breach[["rated", "breached", "met"]].to_numpy().tolist() == [[0, 0, 0]]
    assert "Grouping by `team` skipped: the tickets have no team values." in breach.attrs["notes"]


def test_heroes_and_rework_needs_assignees_and_reopens():
    with pytest.raises(DataError, match="needs values in `reopens`"):
        ops.heroes_and_rework(_team(hard={}, reopened={}).assign(reopens=None))
    with pytest.raises(ConfigError, match="alpha must be between 0 and 1"):
        ops.heroes_and_rework(_team(hard={}, reopened={}), alpha=0)


def test_sample_client_heroes_and_rework_find_the_planted_agents_only(sample_client):
    tables, truth = sample_client
    planted = truth["patterns"].set_index("pattern")["value"]
    out = ops.heroes_and_rework(tables["tickets"])
    assert out.loc[out["hero"], "assignee"].tolist() == [planted["hero_agent"]]
    assert out.loc[out["rework"], "assignee"].tolist() == [planted["rework_agent"]]
    assert out.loc[out["hard_work"], "assignee"].tolist() == [planted["hero_agent"]]
    assert set(out.loc[out["hero"] | out["rework"], "team"]) == {planted["hero_team"]}
