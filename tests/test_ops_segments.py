"""Conventions every toolkit.ops measure shares: notes instead of crashes, segments, small samples."""

import pandas as pd
import pytest
from ops_frames import tickets

import toolkit.ops as ops

MEASURES = {
    "volume": lambda t: ops.volume(t, by=["team", "channel"]),
    "weekday_hour": lambda t: ops.weekday_hour(t),
    "month_of_year": lambda t: ops.month_of_year(t),
    "period_effects": lambda t: ops.period_effects(t),
    "response_times": lambda t: ops.response_times(t, by="team"),
    "sla_attainment": lambda t: ops.sla_attainment(t),
    "conversation_summary": lambda t: ops.conversation_summary(t),
    "reply_distribution": lambda t: ops.reply_distribution(t),
    "too_quick": lambda t: ops.too_quick(t),
    "incomplete_conversations": lambda t: ops.incomplete_conversations(t),
    "workload_concentration": lambda t: ops.workload_concentration(t),
    "watermelon": lambda t: ops.watermelon(t),
    "kiwi_or_watermelon": lambda t: ops.kiwi_or_watermelon(t),
}


@pytest.fixture(params=["validated", "raw"])
def bare(request):
    """Tickets with only the required columns: validated (optional columns empty) or as given (absent)."""
    if request.param == "validated":
        return tickets([{"created_at": "2026-01-05T10:00Z"}, {"created_at": "2026-03-25T10:00Z", "status": "open"}])
    return pd.DataFrame({"ticket_id": ["A", "B"], "created_at": pd.to_datetime(["2026-01-05", "2026-01-06"], utc=True),
                         "status": ["solved", "open"], "channel": ["chat", "email"]})


@pytest.mark.parametrize("name", sorted(MEASURES))
def test_every_measure_skips_with_notes_on_bare_tickets(bare, name):
    out = MEASURES[name](bare)
    assert isinstance(out, pd.DataFrame)
    if name not in ("weekday_hour", "month_of_year"):  # these need nothing optional
        assert ops.notes(out), f"{name} gave no note although optional columns are missing"


def test_segments_label_combined_keys_and_flag_small_samples():
    frame = tickets([{"created_at": "2026-01-05T10:00Z", "team": "A", "first_reply_minutes": 5}] * 30
                    + [{"created_at": "2026-02-05T10:00Z", "team": "B", "first_reply_minutes": 5}])
    frame["ticket_id"] = [f"T{i}" for i in range(len(frame))]
    out = ops.response_times(frame, by=["team", "period"], freq="month")
    assert out["segment"].tolist() == ["A | 2026-01", "B | 2026-02"]
    assert out["small_sample"].tolist() == [False, True]
    assert ops.MIN_N == 30
