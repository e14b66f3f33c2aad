import pandas as pd
import pytest
from ops_frames import tickets

import toolkit.ops as ops
from toolkit.errors import ConfigError, DataError


def _four():
    return tickets([
        {"created_at": "2026-01-05T10:00Z", "solved_at": "2026-02-01T09:00Z", "team": "A"},
        {"created_at": "2026-01-20T10:00Z", "status": "open", "team": "A"},
        {"created_at": "2026-02-03T10:00Z", "solved_at": "2026-02-05T10:00Z", "team": "B"},
        {"created_at": "2026-02-10T10:00Z", "solved_at": "2026-03-02T10:00Z", "team": None},
    ])


def test_volume_counts_created_solved_and_backlog_per_month():
    out = ops.volume(_four(), freq="month")
    assert out["period"].dt.strftime("%Y-%m").tolist() == ["2026-01", "2026-02", "2026-03"]
    assert out["created"].tolist() == [2, 2, 0]
    assert out["solved"].tolist() == [0, 2, 1]
    assert out["open_at_period_end"].tolist() == [2, 2, 1]
    assert out["segment"].tolist() == ["all"] * 3


def test_volume_by_team_labels_empty_team_and_fills_every_period():
    out = ops.volume(_four(), by="team", freq="month")
    a = out[out["team"] == "A"]
    assert a["created"].tolist() == [2, 0, 0] and a["solved"].tolist() == [0, 1, 0]
    assert a["open_at_period_end"].tolist() == [2, 1, 1]
    unset = out[out["team"] == "(not set)"]
    assert unset["created"].tolist() == [0, 1, 0] and unset["open_at_period_end"].tolist() == [0, 1, 0]
    assert out.loc[out["team"] == "B", "segment"].iloc[0] == "B"


def test_volume_periods_follow_the_client_time_zone():
    frame = tickets([{"created_at": "2026-01-31T23:30Z", "status": "open"}])
    assert ops.volume(frame, freq="month", tz="UTC")["period"].dt.month.tolist() == [1]
    assert ops.volume(frame, freq="month", tz="Asia/Tokyo")["period"].dt.month.tolist() == [2]


def test_volume_without_solved_tickets_keeps_everything_in_backlog():
    frame = tickets([{"created_at": "2026-01-05T10:00Z", "status": "open"},
                     {"created_at": "2026-01-12T10:00Z", "status": "pending"}])
    out = ops.volume(frame, freq="week")
    assert out["solved"].tolist() == [0, 0]
    assert out["open_at_period_end"].tolist() == [1, 2]
    assert out["period"].dt.strftime("%Y-%m-%d").tolist() == ["2026-01-05", "2026-01-12"]


def test_volume_notes_solved_tickets_without_solve_time_and_keeps_them_out_of_backlog():
    frame = tickets([{"created_at": "2026-01-05T10:00Z"}, {"created_at": "2026-01-06T10:00Z", "status": "open"}])
    out = ops.volume(frame)
    assert out["created"].tolist() == [2] and out["solved"].tolist() == [0]
    assert out["open_at_period_end"].tolist() == [1]
    assert ops.notes(out) == ["1 solved tickets have no solved_at: counted as created, left out of solved and of "
                              "the backlog."]


def test_volume_by_a_column_without_values_is_noted_not_crashed():
    out = ops.volume(_four(), by="product")
    assert out["segment"].tolist() == ["all"] * 3
    assert "Grouping by `product` skipped: the tickets have no product values." in ops.notes(out)


def test_volume_rejects_bad_parameters_with_the_fix():
    with pytest.raises(ConfigError, match=r"^`tz`: unknown time zone 'Mars/Olympus'. Fix: use an IANA name such as "
                                          r"'Europe/London', 'America/New_York' or 'UTC'$"):
        ops.volume(_four(), tz="Mars/Olympus")
    with pytest.raises(ConfigError, match=r"^`freq`: unknown freq 'fortnight'. Fix: use one of day, week, month, "
                                          r"quarter, year$"):
        ops.volume(_four(), freq="fortnight")
    with pytest.raises(ConfigError, match=r"`by`: cannot group by 'colour'. Fix: use any of period, team"):
        ops.volume(_four(), by="colour")


def test_missing_required_column_raises_the_validator_error():
    frame = pd.DataFrame({"ticket_id": ["T1"], "created_at": ["2026-01-01"], "channel": ["email"]})
    with pytest.raises(DataError, match="table tickets, column `status`"):
        ops.volume(frame)
