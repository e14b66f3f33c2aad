"""The survey analysis on the sample client (data/samples): the injected patterns are found."""

import numpy as np
import pandas as pd
import pytest

import toolkit.ops as ops
import toolkit.survey as survey
from toolkit.samples import load_ground_truth, load_sample


@pytest.fixture(scope="module")
def sample() -> dict[str, pd.DataFrame]:
    return load_sample()


def test_watermelon_team_has_the_lowest_csat_and_is_flagged(sample):
    responses, tickets = sample["survey_responses"], sample["tickets"]
    teams = survey.compare_segments(responses, "team", "csat").set_index("team")
    watermelon = teams.loc["Rapid Response"]
    assert watermelon["score"] == teams["score"].min()
    assert watermelon["direction"] == "below" and watermelon["high"] < teams.drop("Rapid Response")["low"].min()
    table = ops.watermelon(tickets, responses, by="team").set_index("segment")
    assert table.index[table["flag"]].tolist() == ["Rapid Response"]
    assert table.loc["Rapid Response", "sla_attainment"] == table["sla_attainment"].max()
    assert table.loc["Rapid Response", "experience_gap_p_adjusted"] < 1e-100
    drivers = survey.satisfaction_drivers(tickets, responses).set_index("term")
    assert drivers.loc["team=Rapid Response", "odds_ratio"] > 1 and drivers.loc["team=Rapid Response", "significant"]
    assert drivers.loc["reopened", "low"] > 1


def test_nonresponse_bias_is_found(sample):
    responses, tickets, invitations = sample["survey_responses"], sample["tickets"], sample["survey_invitations"]
    truth = load_ground_truth()["patterns"].set_index("pattern")["value"]
    rates = survey.response_rates(invitations, responses, "survey").set_index("survey")
    assert rates.loc["csat", ["invited", "responded"]].tolist() == [int(truth["csat_invitations"]),
                                                                    int(truth["csat_responses"])]
    bias = survey.nonresponse_bias(invitations, responses, tickets).set_index("attribute")
    assert bias.loc["reopens", "significant"]
    assert bias.loc["reopens", "respondents"] < bias.loc["reopens", "nonrespondents"]
    adjusted = survey.nonresponse_adjusted_score(invitations, responses, tickets, n_boot=30).iloc[0]
    assert adjusted["over_represented"] and adjusted["gap_low"] > 0
    assert adjusted["expected_nonrespondents"] < adjusted["observed"]
    # the ground truth: respondents' mean latent score is above all invited customers'
    assert float(truth["csat_mean_responses"]) > float(truth["csat_mean_all_invited_latent"])


def test_intervals_shrink_as_n_grows(sample):
    rows = sample["survey_responses"]
    scores = rows.loc[rows["survey"] == "csat", "score"].sort_index()
    widths = [float(r["high"] - r["low"]) for r in (survey.csat(scores.iloc[:n]) for n in (100, 400, 1600))]
    assert widths[0] > widths[1] > widths[2]
    assert widths[2] == pytest.approx(widths[1] / 2, rel=0.2)
    quarters = survey.survey_trend(rows, "nps", "quarter", tz="Europe/London")
    overall = survey.nps(rows.loc[rows["survey"] == "nps", "score"])
    assert len(quarters) == 4
    assert float(overall["high"] - overall["low"]) < (quarters["high"] - quarters["low"]).min()
    assert np.isfinite(quarters["score"]).all()
