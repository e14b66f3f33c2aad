"""toolkit.ops.breach: satisfied despite a breach, dissatisfied despite a met target."""

import pytest
from ops_frames import responses, tickets

import toolkit.ops as ops
from toolkit.errors import DataError


def _tickets():
    # urgent target 60 min: T1-T3 met, T4-T6 breached; T7 not replied to; T8 not rated
    rows = [{"first_reply_minutes": m, "satisfaction": s, "team": team}
            for m, s, team in [(30, "good", "A"), (30, "bad", "A"), (45, "bad", "A"), (90, "good", "A"),
                               (90, "bad", "A"), (300, "good", "B"), (None, "bad", "B"), (30, None, "B")]]
    return tickets(rows, created_at="2026-01-05T09:00Z", priority="urgent")


def test_breach_experience_by_team_hand_counts():
    out = ops.breach_experience(_tickets(), min_n=1).set_index("team")
    a, b = out.loc["A"], out.loc["B"]
    assert (a["rated"], a["breached"], a["satisfied_despite_breach"], a["met"], a["dissatisfied_despite_met"]) == \
        (5, 2, 1, 3, 2)
    assert a["satisfied_despite_breach_share"] == 0.5
    assert a["dissatisfied_despite_met_share"] == pytest.approx(2 / 3)
    assert a["met_low"] == pytest.approx(0.2077, abs=1e-4) and a["met_high"] == pytest.approx(0.9385, abs=1e-4)
    assert (b["rated"], b["breached"], b["met"]) == (1, 1, 0) and b["satisfied_despite_breach_share"] == 1.0
    assert b["dissatisfied_despite_met_share"] != b["dissatisfied_despite_met_share"]  # NaN: nothing met
    assert "1 rated tickets without a first reply are left out of the SLA comparison." in out.attrs["notes"]


def test_breach_experience_overall_uses_survey_answers_and_targets():
    answers = responses([{"ticket_id": "T6", "score": 1}])  # the survey answer wins over the ticket rating
    out = ops.breach_experience(_tickets(), answers, by=None, targets={"urgent": 100})
    row = out.iloc[0]
    assert out["segment"].tolist() == ["all"]
    # with a 100-minute target T4 and T5 are met: 5 met (1 satisfied), 1 breached (T6, now dissatisfied)
    assert (row["met"], row["dissatisfied_despite_met"], row["breached"], row["satisfied_despite_breach"]) == \
        (5, 3, 1, 0)
    assert row["small_sample_met"] and row["small_sample_breached"]


def test_breach_experience_business_hours_clock():
    schedule = {"timezone": "UTC", "hours": {d: ["09:00", "17:00"] for d in ("mon", "tue", "wed", "thu", "fri")}}
    frame = tickets([{"created_at": "2026-01-09T16:30Z", "first_reply_minutes": 2910, "satisfaction": "good"}],
                    priority="urgent")  # Friday 16:30, reply Monday 09:00: 30 business minutes
    calendar = ops.breach_experience(frame, by=None).iloc[0]
    business = ops.breach_experience(frame, by=None, schedule=schedule).iloc[0]
    assert (calendar["breached"], business["breached"]) == (1, 0)


def test_breach_experience_needs_first_replies():
    with pytest.raises(DataError, match="needs values in `first_reply_minutes`"):
        ops.breach_experience(_tickets().assign(first_reply_minutes=None))


def test_sample_client_watermelon_team_most_dissatisfied_despite_met_targets(sample_client):
    tables, truth = sample_client
    team = truth["patterns"].set_index("pattern")["value"]["watermelon_team"]
    out = ops.breach_experience(tables["tickets"], tables["survey_responses"]).set_index("team")
    worst = out["dissatisfied_despite_met_share"].idxmax()
    assert worst == team
    others = out.drop(index=team)
    assert out.loc[team, "met_low"] > others["met_high"].max()  # clearly apart, not by chance
    # breaches are rare there (best SLA) and most breached customers elsewhere are still satisfied
    assert out.loc[team, "small_sample_breached"]
    assert (others.loc[~others["small_sample_breached"], "satisfied_despite_breach_share"] > 0.6).all()
