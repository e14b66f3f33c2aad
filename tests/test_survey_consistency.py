"""toolkit.survey.consistency: survey scores next to ops metrics, watermelons and disagreements flagged."""

import pandas as pd
import pytest
from scipy import stats

from toolkit.errors import ConfigError
from toolkit.schema import validate
from toolkit.survey import consistency_correlations, metric_consistency

# team: (first reply minutes, SLA breached per 10 tickets, reopened per 10 tickets, satisfied per 10 answers)
TEAMS = {"fast": (10, 0, 3, 4), "a": (100, 1, 1, 8), "b": (200, 2, 1, 8), "c": (300, 3, 0, 9)}


def client() -> tuple[pd.DataFrame, pd.DataFrame]:
    rows, answers = [], []
    for team, (first, breached, reopened, satisfied) in TEAMS.items():
        for i in range(60):
            ticket = f"{team}-{i}"
            rows.append({"ticket_id": ticket, "created_at": f"2026-0{1 + i % 3}-10T10:00Z", "status": "solved",
                         "channel": "email", "team": team, "first_reply_minutes": first,
                         "sla_breached": i % 10 < breached, "reopens": int(i % 10 < reopened), "agent_replies": 2})
            answers.append({"response_id": f"r-{ticket}", "survey": "csat", "score": 5 if i % 10 < satisfied else 1,
                            "scale": "1-5", "submitted_at": f"2026-0{1 + i % 3}-12T10:00Z", "ticket_id": ticket})
    for i in range(40):  # relationship NPS: no ticket, so it cannot be split by team
        answers.append({"response_id": f"n{i}", "survey": "nps", "score": i % 11, "scale": "0-10",
                        "submitted_at": "2026-02-01T10:00Z", "organization_id": f"o{i % 3}"})
    return validate(pd.DataFrame(rows), "tickets"), validate(pd.DataFrame(answers), "survey_responses")


def test_watermelon_team_is_flagged_with_a_plain_statement():
    tickets, responses = client()
    table = metric_consistency(responses, tickets, "team").set_index("unit")
    assert table.index.tolist() == ["a", "b", "c", "fast"]
    assert table["ops_green"].tolist() == [True, False, False, True]
    assert table["watermelon"].tolist() == [False, False, False, True]
    fast = table.loc["fast"]
    assert (fast["csat"], fast["csat_vs_rest"], fast["sla_attainment"], fast["reopen_rate"]) == (40, "below", 100, 30)
    assert fast["first_reply_hours"] == pytest.approx(10 / 60)
    assert fast["statement"].startswith("fast: watermelon — operations look green (median first reply (hours) 0.2, "
                                        "SLA attainment (%) 100.0, better than most) while CSAT is significantly "
                                        "below the rest: CSAT 40% (95% CI 29 to 53)")
    assert fast["statement"].endswith("; reopened 30%.")
    assert table.loc["a", "statement"] == "a: CSAT 80% (95% CI 68 to 88); no disagreement found."
    assert table.attrs["notes"][0].startswith("NPS not compared by team: ")


def test_nps_and_csat_disagreement_by_organisation():
    tickets, responses = client()
    responses = responses.copy()
    csat = responses["survey"] == "csat"
    responses.loc[csat, "organization_id"] = responses.loc[csat, "ticket_id"].str.split("-").str[0]
    nps = responses["survey"] == "nps"
    org = responses.loc[nps, "organization_id"]
    responses.loc[nps, "organization_id"] = org.map({"o0": "fast", "o1": "a", "o2": "b"})
    responses = pd.concat([responses, pd.DataFrame({
        "response_id": [f"x{i}" for i in range(60)], "survey": "nps", "score": [10] * 60, "scale": "0-10",
        "submitted_at": pd.Timestamp("2026-02-01T10:00Z"), "organization_id": "fast"})], ignore_index=True)
    tickets = tickets.assign(organization_id=tickets["team"])
    table = metric_consistency(responses, tickets, "organization_id", min_n=10).set_index("unit")
    assert table.loc["fast", "nps_vs_rest"] == "above" and table.loc["fast", "csat_vs_rest"] == "below"
    assert bool(table.loc["fast", "surveys_disagree"])
    assert table.loc["fast", "statement"].startswith("fast: watermelon")  # watermelon is reported first


def test_periods_and_correlations():
    tickets, responses = client()
    months = metric_consistency(responses, tickets, period="month")
    assert months["unit"].tolist() == ["2026-01-01", "2026-02-01", "2026-03-01"]
    assert months["tickets"].tolist() == [80, 80, 80]
    table = metric_consistency(responses, tickets, "team")
    corr = consistency_correlations(table).set_index("measure_b")
    rho = stats.spearmanr(table["csat"], -table["first_reply_hours"])[0]
    assert corr.loc["first_reply_hours", "rho"] == pytest.approx(rho)
    assert corr.loc["first_reply_hours", "units"] == 4
    assert corr.loc["first_reply_hours", "agrees"] in ("no", "unclear")
    with pytest.raises(ConfigError, match="choose a segment or a period"):
        metric_consistency(responses, tickets, None)
    with pytest.raises(ConfigError, match="min_units must be a whole number of at least 3"):
        consistency_correlations(table, min_units=2)


def test_nps_below_while_csat_in_line_is_a_disagreement():
    tickets, responses = client()
    responses = responses.copy()
    nps = responses["survey"] == "nps"
    responses.loc[:, "plan"] = "basic"
    responses.loc[nps, "plan"] = ["pro" if i % 2 else "basic" for i in range(int(nps.sum()))]
    extra = pd.DataFrame({"response_id": [f"p{i}" for i in range(60)], "survey": "nps", "score": [0] * 60,
                          "scale": "0-10", "submitted_at": pd.Timestamp("2026-02-01T10:00Z"), "plan": "pro"})
    csat_pro = responses[responses["survey"] == "csat"].iloc[::2].assign(plan="pro")
    responses = pd.concat([responses[~responses["response_id"].isin(csat_pro["response_id"])], csat_pro, extra],
                          ignore_index=True)
    table = metric_consistency(responses, tickets, "plan", min_n=10).set_index("unit")
    assert table.loc["pro", "nps_vs_rest"] == "below" and table.loc["pro", "csat_vs_rest"] == ""
    assert table["surveys_disagree"].tolist() == [True, True]
    assert table.loc["pro", "statement"].startswith("pro: NPS and CSAT disagree — NPS is significantly below the "
                                                    "rest while CSAT is in line with the rest: NPS ")
    assert table.attrs["notes"] == ["Operations metrics not compared by plan: the tickets have no `plan` values."]
