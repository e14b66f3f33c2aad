import numpy as np
import pandas as pd
import pytest
from ops_frames import responses, tickets

import toolkit.ops as ops
from toolkit.errors import ConfigError


def _team(name, n=40, late=0, first=100.0, resolution=120.0, good=30, reopened=4, replies=2, start="2026-01-05"):
    rows = []
    for i in range(n):
        rows.append({"ticket_id": f"{name}-{i}", "created_at": f"{start}T10:00Z", "team": name,
                     "priority": "normal", "first_reply_minutes": 600.0 if i < late else first,
                     "full_resolution_minutes": resolution, "satisfaction": "good" if i < good else "bad",
                     "reopens": 1 if i < reopened else 0, "agent_replies": replies, "organization_id": f"O-{name}"})
    return rows


def _teams():
    return tickets(_team("W", first=10, resolution=60, good=10, reopened=20, replies=4)
                   + _team("A", late=4, first=100, resolution=120, good=32, reopened=4)
                   + _team("B", late=8, first=200, resolution=180, good=30, reopened=6)
                   + _team("C", late=12, first=300, resolution=240, good=28, reopened=8))


def test_watermelon_flags_the_green_outside_red_inside_team():
    out = ops.watermelon(_teams())
    assert {"segment", "sla_attainment", "csat", "reopen_rate", "flag", "explanation"} <= set(out.columns)
    assert out["flag"].dtype == bool and out["explanation"].map(type).eq(str).all()
    assert out.loc[out["flag"], "segment"].tolist() == ["W"]
    w = out.set_index("segment").loc["W"]
    assert (w["sla_attainment"], w["csat"], w["reopen_rate"], w["back_and_forth"]) == (1.0, 0.25, 0.5, 4.0)
    assert (w["ops_tier"], w["experience_tier"]) == ("best", "worst") and w["experience_gap_p"] < 0.001
    assert w["explanation"] == ("W looks green but feels red: 100% of first replies within SLA, median first reply "
                                "10 min (best third), yet CSAT 25%, 50% reopened, 4.0 agent replies per ticket "
                                "(worst third) — a watermelon.")
    a = out.set_index("segment").loc["A"]
    assert a["sla_attainment"] == 0.9 and a["csat"] == 0.8 and not a["flag"]
    assert a["explanation"].startswith("A is green all through (a kiwi)")


def test_watermelon_uses_survey_csat_joined_by_ticket():
    frame = _teams()
    frame["satisfaction"] = pd.Series(pd.NA, index=frame.index, dtype="str")
    survey = responses([{"ticket_id": t, "score": 5 if frame.loc[i, "team"] != "W" else 1}
                        for i, t in frame["ticket_id"].items()])
    out = ops.watermelon(frame, survey).set_index("segment")
    assert out.loc["W", "csat"] == 0.0 and out.loc["A", "csat"] == 1.0 and out.loc["W", "csat_responses"] == 40
    assert bool(out.loc["W", "flag"])


def test_watermelon_needs_a_measurable_experience_gap():
    frame = tickets(_team("A", first=10, good=30, reopened=5) + _team("B", late=5, good=31, reopened=5)
                    + _team("C", late=10, good=32, reopened=5))
    out = ops.watermelon(frame).set_index("segment")
    assert (out.loc["A", "ops_tier"], out.loc["A", "experience_tier"]) == ("best", "worst")
    assert not out["flag"].any() and out.loc["A", "experience_gap_p"] > 0.05
    assert any(n.startswith("Best-ops/worst-experience segments whose experience is not measurably worse")
               for n in ops.notes(out))


def test_watermelon_single_team_and_small_segments_are_not_flagged():
    one = ops.watermelon(tickets(_team("A")))
    assert len(one) == 1 and not one["flag"].any() and one["ops_tier"].isna().all()
    assert "Watermelon flags need at least 3 segments with 30+ tickets to form tiers; 1 found." in ops.notes(one)
    assert one["explanation"].item().endswith("Not tiered (too few comparable segments).")
    small = ops.watermelon(tickets(_team("W", n=10, first=10, good=0, reopened=10) + _team("A") + _team("B")
                                   + _team("C")))
    row = small.set_index("segment").loc["W"]
    assert bool(row["small_sample"]) and not bool(row["flag"])
    assert row["explanation"] == ("W: only 10 tickets and 10 CSAT ratings, too few to judge (at least 30 of each "
                                  "needed).")


def test_watermelon_by_period_and_without_experience_data():
    frame = tickets(_team("A", start="2026-01-05") + _team("B", start="2026-02-05"))
    out = ops.watermelon(frame, by=None, freq="month")
    assert out["segment"].tolist() == ["2026-01", "2026-02"]
    bare = tickets([{"created_at": "2026-01-05T10:00Z", "team": t} for t in "ABC"])
    out = ops.watermelon(bare)
    assert not out["flag"].any() and out["csat"].isna().all()
    assert "CSAT skipped: no CSAT survey responses linked to tickets and no ticket satisfaction values." in \
        ops.notes(out)


def test_nps_of_accounts_served():
    frame = _teams()
    survey = responses([{"survey": "nps", "scale": "0-10", "score": s, "organization_id": "O-W"} for s in (10, 3)]
                       + [{"survey": "nps", "scale": "0-10", "score": 9, "organization_id": "O-A"}])
    out = ops.watermelon(frame, survey).set_index("segment")
    assert out.loc["W", "nps"] == 0.0 and out.loc["A", "nps"] == 100.0 and np.isnan(out.loc["B", "nps"])


def _weekly(direction):
    rows, i = [], 0
    for week in range(8):
        late = week  # SLA falls week by week
        good = 40 - 4 * week if direction == "together" else 10 + 4 * week
        start = (pd.Timestamp("2026-01-05") + pd.Timedelta(weeks=week)).strftime("%Y-%m-%d")
        for row in _team("A", late=late * 4, good=good, start=start):
            row["ticket_id"] = f"T{i}"
            i += 1
            rows.append(row)
    return tickets(rows)


def test_kiwi_or_watermelon_reads_the_trend():
    together = ops.kiwi_or_watermelon(_weekly("together")).iloc[0]
    assert together["verdict"] == "kiwi" and together["periods"] == 8 and together["correlation"] == pytest.approx(1)
    apart = ops.kiwi_or_watermelon(_weekly("apart")).iloc[0]
    assert apart["verdict"] == "watermelon" and apart["correlation"] == pytest.approx(-1)
    assert apart["sentence"].startswith("SLA attainment and CSAT move apart (r = -1.00")
    series = ops.ops_experience_over_time(_weekly("apart"))
    assert len(series) == 8 and series["sla_attainment"].iloc[0] == 1.0


def test_kiwi_or_watermelon_with_too_few_periods_and_bad_metric():
    out = ops.kiwi_or_watermelon(_teams(), by="team").set_index("team")
    assert (out["verdict"] == "unclear").all() and (out["periods"] == 1).all()
    with pytest.raises(ConfigError, match=r"`ops_metric`: unknown ops_metric 'speed'"):
        ops.kiwi_or_watermelon(_teams(), ops_metric="speed")


def _identical_teams(teams: int, per_team: int) -> pd.DataFrame:
    """A canonical frame of equal teams whose random columns each simulation run redraws."""
    return tickets([{"team": f"team {k:02d}", "priority": "normal", "created_at": "2026-01-05T10:00Z",
                     "first_reply_minutes": 1.0, "full_resolution_minutes": 1.0, "satisfaction": "good",
                     "reopens": 0, "agent_replies": 1} for k in range(teams) for _ in range(per_team)])


def test_watermelon_keeps_the_family_wise_error_on_identical_teams():
    """Null simulation: 30 identical teams of 60 tickets (CSAT 0.8, reopen rate 0.1, same reply-time law).

    Any flag is a false alarm. With 200 seeded runs the Monte Carlo margin is 3 standard errors of a
    5% rate, sqrt(0.05 * 0.95 / 200) * 3 = 0.046, so the rate must stay at or below 0.096. This run
    gives 0.025; the earlier rule (the smaller of the two p-values, uncorrected across teams) flagged
    a team in 0.345 of the same runs (69 of 200), so it fails this test.
    """
    base = _identical_teams(30, 60)
    size, rng, runs, false_alarms = len(base), np.random.default_rng(13), 200, 0
    for _ in range(runs):
        frame = base.copy()
        frame["first_reply_minutes"] = rng.exponential(200.0, size)
        frame["full_resolution_minutes"] = rng.exponential(600.0, size)
        frame["satisfaction"] = pd.Series(np.where(rng.random(size) < 0.8, "good", "bad")).astype(
            base["satisfaction"].dtype)
        frame["reopens"] = pd.Series((rng.random(size) < 0.1).astype(int)).astype(base["reopens"].dtype)
        false_alarms += bool(ops.watermelon(frame)["flag"].any())
    assert false_alarms / runs <= 0.05 + 3 * np.sqrt(0.05 * 0.95 / runs)
    assert false_alarms == 5
