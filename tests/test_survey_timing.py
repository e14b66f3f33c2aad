"""toolkit.survey.timing: delay after the solve, survey channel, surveys sent too soon, survey fatigue."""

import numpy as np
import pandas as pd
import pytest
from ops_frames import responses, tickets

from toolkit.errors import ConfigError, DataError
from toolkit.schema import empty, validate
from toolkit.survey import timing


def invitations(rows: list[dict]) -> pd.DataFrame:
    filled = [{"invitation_id": f"I{i}", "survey": "csat", **row} for i, row in enumerate(rows, start=1)]
    return validate(pd.DataFrame(filled), "survey_invitations")


def _tickets():
    # T1 solved once at 10:00; T2 first solved 10:00, reopened, solved again next day; T3 reopened and open now.
    return tickets([
        {"created_at": "2026-01-05T09:00Z", "solved_at": "2026-01-05T10:00Z", "first_resolution_minutes": 60,
         "full_resolution_minutes": 60, "reopens": 0, "team": "A", "requester_id": "c1"},
        {"created_at": "2026-01-05T09:00Z", "solved_at": "2026-01-06T10:00Z", "first_resolution_minutes": 60,
         "full_resolution_minutes": 1500, "reopens": 1, "team": "A", "requester_id": "c1"},
        {"created_at": "2026-01-05T09:00Z", "status": "open", "first_resolution_minutes": 60, "reopens": 1,
         "team": "B", "requester_id": "c2"},
        {"created_at": "2026-01-05T09:00Z", "solved_at": "2026-01-07T09:00Z", "first_resolution_minutes": 60,
         "full_resolution_minutes": 2880, "reopens": 1, "team": "B", "requester_id": "c3"},
    ])


def _invitations():
    return invitations([
        {"ticket_id": "T1", "sent_at": "2026-01-05T10:05Z", "requester_id": "c1", "survey_channel": "email"},
        {"ticket_id": "T2", "sent_at": "2026-01-05T10:05Z", "requester_id": "c1", "survey_channel": "chat"},
        {"ticket_id": "T3", "sent_at": "2026-01-05T12:00Z", "requester_id": "c2", "survey_channel": "email"},
        {"ticket_id": "T4", "sent_at": "2026-01-07T10:00Z", "requester_id": "c3", "survey_channel": "email"},
        {"ticket_id": "T9", "sent_at": "2026-01-07T10:00Z", "requester_id": "c3"},  # not a known ticket
    ])


def test_invitation_timing_delays_bands_and_reopens_after_the_survey():
    out = timing.invitation_timing(_invitations(), _tickets())
    assert out["ticket_id"].tolist() == ["T1", "T2", "T3", "T4"]
    # delays from the first solve (creation + 60 min); T3 is open now, so its first solve is unknown
    assert out["delay_minutes"].tolist()[:2] == [5.0, 5.0] and np.isnan(out["delay_minutes"].iloc[2])
    assert out["delay_minutes"].iloc[3] == 48 * 60
    assert out["delay_band"].tolist() == ["under 15 minutes", "under 15 minutes", np.nan, "1 to 3 days"]
    # T2: sent before its final solve; T3: open again; T4: sent after its final solve
    assert out["reopened_after_survey"].tolist() == [False, True, True, False]
    notes = out.attrs["notes"]
    assert "1 csat invitations about tickets not in the tickets table are left out." in notes
    assert any(n.startswith("1 csat invitations about tickets with no known first solve") for n in notes)


def test_delay_band_edges_are_closed_below():
    bands = timing.delay_band(pd.Series([-1.0, 0.0, 15.0, 59.9, 240.0, 4320.0]))
    assert bands.astype("str").tolist() == ["before the solve", "under 15 minutes", "15 minutes to 1 hour",
                                            "15 minutes to 1 hour", "4 to 24 hours", "3 days or more"]


def test_survey_timing_by_delay_band_counts_rates_and_scores():
    answers = responses([{"ticket_id": "T1", "score": 5}, {"ticket_id": "T2", "score": 2},
                         {"ticket_id": "T4", "score": 4}])
    out = timing.survey_timing(_invitations(), answers, _tickets(), min_n=1)
    assert out["delay_band"].tolist() == ["under 15 minutes", "1 to 3 days"]
    first = out.iloc[0]
    assert (first["invited"], first["responded"], first["answers"], first["favourable"]) == (2, 2, 2, 1)
    assert first["response_rate"] == 1.0 and first["score"] == 0.5
    assert first["low"] == pytest.approx(0.0945, abs=1e-4) and first["high"] == pytest.approx(0.9055, abs=1e-4)
    assert out.iloc[1]["score"] == 1.0 and not out["small_sample"].any()
    assert "1 invitations without a known delay are left out of the delay bands." in out.attrs["notes"]


def test_survey_timing_by_survey_channel_and_team():
    answers = responses([{"ticket_id": "T1", "score": 5}])
    by_channel = timing.survey_timing(_invitations(), answers, _tickets(), by="survey_channel")
    assert by_channel.set_index("survey_channel")["invited"].to_dict() == {"chat": 1, "email": 3}
    assert by_channel["small_sample"].all()
    by_team = timing.survey_timing(_invitations(), answers, _tickets(), by=["team", "delay_band"])
    assert by_team["segment"].tolist() == ["A | under 15 minutes", "B | 1 to 3 days"]


def test_survey_timing_errors_name_the_fix():
    plain = _invitations().drop(columns="survey_channel")
    with pytest.raises(ConfigError, match="no survey_channel values.*add a survey_channel column"):
        timing.survey_timing(plain, empty("survey_responses"), _tickets(), by="survey_channel")
    with pytest.raises(ConfigError, match="unknown grouping 'shoe_size'"):
        timing.survey_timing(_invitations(), empty("survey_responses"), _tickets(), by="shoe_size")
    with pytest.raises(ConfigError, match="survey"):
        timing.survey_timing(_invitations(), empty("survey_responses"), _tickets(), survey="nps")
    with pytest.raises(DataError, match="survey_invitations.*needs values in `ticket_id`"):
        timing.invitation_timing(plain.assign(ticket_id=None), _tickets())


def test_early_surveys_share_of_reopens_after_the_survey():
    out = timing.early_surveys(_invitations(), _tickets(), min_n=1).set_index("team")
    assert out.loc["A", ["invited", "reopened", "reopened_after_survey"]].tolist() == [2, 1, 1]
    assert out.loc["B", ["invited", "reopened", "reopened_after_survey"]].tolist() == [2, 2, 1]
    assert out.loc["B", "reopened_after_survey_share"] == 0.5
    # one reopen is too few for the interval to clear one half
    assert not out["too_soon"].any() and out.loc["A", "low"] == pytest.approx(0.2065, abs=1e-4)
    assert out.loc["A", "median_delay_minutes"] == 5.0


def test_early_surveys_flags_a_team_whose_reopens_come_after_the_survey():
    rows = [{"created_at": "2026-01-05T09:00Z", "solved_at": "2026-01-06T10:00Z", "first_resolution_minutes": 60,
             "reopens": 1, "team": "Soon"} for _ in range(10)]
    rows += [{"created_at": "2026-01-05T09:00Z", "solved_at": "2026-01-06T10:00Z", "first_resolution_minutes": 60,
              "reopens": 1, "team": "Later"} for _ in range(10)]
    sent = ["2026-01-05T10:05Z"] * 10 + ["2026-01-06T11:00Z"] * 10
    invited = invitations([{"ticket_id": f"T{i}", "sent_at": s} for i, s in enumerate(sent, start=1)])
    out = timing.early_surveys(invited, tickets(rows), min_n=10)
    assert out["team"].tolist() == ["Soon", "Later"] and out["too_soon"].tolist() == [True, False]
    assert out.loc[0, "low"] == pytest.approx(0.7225, abs=1e-4)
    assert out.loc[0, "explanation"] == (
        "Soon: 100% of the 10 reopened surveyed tickets were reopened after the satisfaction survey went out "
        "(interval 72\N{EN DASH}100%; median 5 min after the first solve): the survey goes out before customers can "
        "know whether the fix held.")
    small = timing.early_surveys(invited, tickets(rows))
    assert not small["too_soon"].any() and small["small_sample"].all()


def test_early_surveys_needs_reopens_and_a_valid_share():
    with pytest.raises(DataError, match="tickets.*needs values in `reopens`"):
        timing.early_surveys(_invitations(), _tickets().assign(reopens=pd.NA))
    with pytest.raises(ConfigError, match="max_share must be a share between 0 and 1"):
        timing.early_surveys(_invitations(), _tickets(), max_share=1.5)


def test_survey_fatigue_bands_by_invitations_received():
    answers = responses([{"ticket_id": "T1", "score": 5}, {"ticket_id": "T3", "score": 4}])
    out = timing.survey_fatigue(_invitations(), answers, min_n=1)
    assert out["invitations_received"].tolist() == ["1", "2"]
    assert out[["requesters", "invited", "responded"]].to_numpy().tolist() == [[1, 1, 1], [2, 4, 1]]
    assert out["response_rate"].tolist() == [1.0, 0.25]
    with pytest.raises(DataError, match="needs values in `requester_id`"):
        timing.survey_fatigue(_invitations().assign(requester_id=None), answers)


def test_survey_fatigue_empty_invitations_give_no_rows():
    none_sent = _invitations().iloc[0:0]
    out = timing.survey_fatigue(none_sent, empty("survey_responses"))
    assert out.empty and list(out.columns) == timing.FATIGUE_COLUMNS
    assert timing.fatigue_trend(out).iloc[0]["sentence"] == "Too few groups of requesters to test for survey fatigue."


def test_fatigue_trend_cochran_armitage():
    # hand computation: p = 0.4, 0.3, 0.2 (n = 100 each), scores 0, 1, 2: T = -20, var = 0.21 * 200 = 42,
    # z = -3.086 (statsmodels uses N - 1 in the variance: p = 0.0021)
    bands = pd.DataFrame({"invitations_received": ["1", "2", "3-5"], "invited": [100, 100, 100],
                          "responded": [40, 30, 20]})
    row = timing.fatigue_trend(bands).iloc[0]
    assert row["fatigue"] and row["difference"] == pytest.approx(-0.2)
    assert row["p_value"] == pytest.approx(0.00206, abs=1e-4)
    assert row["sentence"] == ("Customers who received 1 invitation answered 40%; those who received 3-5 invitations "
                               "answered 20%: the more often customers are asked, the less they answer (survey "
                               "fatigue).")
    rising = bands.assign(responded=[20, 30, 40])
    assert not timing.fatigue_trend(rising).iloc[0]["fatigue"]
    with pytest.raises(ConfigError, match="alpha"):
        timing.fatigue_trend(bands, alpha=2)


def test_sample_client_only_the_planted_team_surveys_too_soon(sample_client):
    tables, truth = sample_client
    planted = truth["patterns"].set_index("pattern")["value"]
    out = timing.early_surveys(tables["survey_invitations"], tables["tickets"])
    assert out.loc[out["too_soon"], "team"].tolist() == [planted["early_survey_team"]]
    flagged = out.iloc[0]
    assert flagged["reopened_after_survey"] == int(planted["early_survey_reopened_after_survey"]) == 192
    assert (out.loc[~out["too_soon"], "reopened_after_survey"] == 0).all()
    bands = timing.survey_timing(tables["survey_invitations"], tables["survey_responses"], tables["tickets"],
                                 by=["team", "delay_band"])
    assert bands.loc[bands["delay_band"] == "under 15 minutes", "team"].tolist() == [planted["early_survey_team"]]
    channels = timing.survey_timing(tables["survey_invitations"], tables["survey_responses"], tables["tickets"],
                                    by="survey_channel")
    assert channels["survey_channel"].tolist() == ["chat", "email"]


def test_sample_client_shows_no_survey_fatigue(sample_client):
    tables, _ = sample_client
    for survey in ("csat", "ces"):
        bands = timing.survey_fatigue(tables["survey_invitations"], tables["survey_responses"], survey=survey)
        assert len(bands) == 5 and not timing.fatigue_trend(bands).iloc[0]["fatigue"], survey
