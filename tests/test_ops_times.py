import numpy as np
import pytest
from ops_frames import tickets

import toolkit.ops as ops
from toolkit.errors import ConfigError


def _frame():
    return tickets([
        {"created_at": "2026-01-05T10:00Z", "first_reply_minutes": 10, "full_resolution_minutes": 100,
         "priority": "urgent", "team": "A", "sla_breached": False},
        {"created_at": "2026-01-05T10:00Z", "first_reply_minutes": 20, "full_resolution_minutes": 200,
         "priority": "urgent", "team": "A", "sla_breached": False},
        {"created_at": "2026-01-05T10:00Z", "first_reply_minutes": 30, "full_resolution_minutes": 300,
         "priority": "normal", "team": "B", "sla_breached": True},
        {"created_at": "2026-01-05T10:00Z", "first_reply_minutes": 40, "status": "open", "priority": "normal",
         "team": "B", "sla_breached": False},
        {"created_at": "2026-01-05T10:00Z", "status": "open", "priority": "low", "team": "B"},
    ])


def test_response_times_give_median_and_upper_percentiles():
    out = ops.response_times(_frame()).set_index("metric")
    first = out.loc["first_reply_minutes"]
    assert first["tickets"] == 4
    assert (first["mean"], first["median"], first["p75"], first["p90"]) == (25.0, 25.0, 32.5, 37.0)
    resolution = out.loc["full_resolution_minutes"]
    assert resolution["tickets"] == 3 and resolution["median"] == 200.0 and resolution["p90"] == 280.0
    assert bool(first["small_sample"]) is True


def test_response_times_by_team():
    out = ops.response_times(_frame(), by="team")
    first = out[out["metric"] == "first_reply_minutes"].set_index("team")["median"]
    assert first.to_dict() == {"A": 15.0, "B": 35.0}


def test_resolution_time_is_derived_from_solved_at_with_a_note():
    frame = tickets([{"created_at": "2026-01-05T10:00Z", "solved_at": "2026-01-05T12:00Z"},
                     {"created_at": "2026-01-05T10:00Z", "solved_at": "2026-01-05T14:00Z"}])
    out = ops.response_times(frame)
    assert out["metric"].tolist() == ["full_resolution_minutes"]
    assert out["median"].item() == 180.0
    assert ops.notes(out) == [
        "First reply time skipped: the tickets have no first_reply_minutes values.",
        "Resolution time derived from solved_at - created_at (no full_resolution_minutes given).",
        "Times in calendar minutes (around the clock, nights, weekends and holidays included)."]


def test_no_solved_tickets_leaves_only_first_reply():
    frame = tickets([{"created_at": "2026-01-05T10:00Z", "status": "open", "first_reply_minutes": 5}])
    out = ops.response_times(frame)
    assert out["metric"].tolist() == ["first_reply_minutes"]
    assert "Resolution time skipped" in " ".join(ops.notes(out))


def test_sla_attainment_by_priority_against_default_targets():
    out = ops.sla_attainment(tickets([
        {"created_at": "2026-01-05T10:00Z", "priority": "urgent", "first_reply_minutes": 30},
        {"created_at": "2026-01-05T10:00Z", "priority": "urgent", "first_reply_minutes": 90},
        {"created_at": "2026-01-05T10:00Z", "priority": "normal", "first_reply_minutes": 480},
        {"created_at": "2026-01-05T10:00Z", "priority": "normal", "first_reply_minutes": 481},
        {"created_at": "2026-01-05T10:00Z", "priority": "normal"},
        {"created_at": "2026-01-05T10:00Z", "first_reply_minutes": 470},
    ])).set_index("priority")
    assert out.loc["urgent", "target_minutes"] == 60 and out.loc["urgent", "sla_attainment"] == 0.5
    assert out.loc["normal", "tickets"] == 3 and out.loc["normal", "tickets_replied"] == 2
    assert out.loc["normal", "sla_attainment"] == 0.5
    assert out.loc["(not set)", "sla_attainment"] == 1.0  # held to the normal target
    assert np.isnan(out.loc["urgent", "helpdesk_sla_attainment"])


def test_sla_attainment_with_custom_targets_and_helpdesk_breaches():
    out = ops.sla_attainment(_frame(), targets={"urgent": 15}, by=None)
    assert out["within_target"].item() == 3  # 10 (urgent 15), 30 and 40 (normal 480)
    assert out["sla_attainment"].item() == 0.75
    assert out["helpdesk_sla_attainment"].item() == 0.75
    assert "Targets by priority: urgent 15 min, high 240 min, normal 480 min, low 1440 min." in ops.notes(out)


def test_sla_attainment_skipped_without_first_reply_times():
    frame = tickets([{"created_at": "2026-01-05T10:00Z"}])
    out = ops.sla_attainment(frame)
    assert out.empty
    assert ops.notes(out) == ["Grouping by `priority` skipped: the tickets have no priority values.",
                              "SLA attainment skipped: the tickets have no first_reply_minutes values."]


def test_sla_targets_are_checked():
    with pytest.raises(ConfigError, match=r"`targets`: unknown priority 'critical' in SLA targets. Fix: use the "
                                          r"priorities low, normal, high, urgent"):
        ops.sla_attainment(_frame(), targets={"critical": 30})
    with pytest.raises(ConfigError, match=r"`targets.urgent`: SLA target for 'urgent' must be a positive number"):
        ops.sla_attainment(_frame(), targets={"urgent": -1})


def test_default_targets_are_documented_values():
    assert ops.DEFAULT_FIRST_REPLY_TARGETS == {"urgent": 60.0, "high": 240.0, "normal": 480.0, "low": 1440.0}


def test_sla_attainment_shows_the_default_target_for_tickets_without_a_priority():
    frame = tickets([{"created_at": "2026-01-05T10:00Z", "first_reply_minutes": 100.0, "priority": "urgent"},
                     {"created_at": "2026-01-05T10:00Z", "first_reply_minutes": 100.0}])
    out = ops.sla_attainment(frame).set_index("priority")
    assert out["target_minutes"].to_dict() == {"(not set)": 480.0, "urgent": 60.0}
    assert out["sla_attainment"].to_dict() == {"(not set)": 1.0, "urgent": 0.0}
