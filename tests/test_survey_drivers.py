"""toolkit.survey.drivers: logistic regression of dissatisfaction on ticket attributes."""

import math

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats

from toolkit.errors import ConfigError, DataError
from toolkit.schema import validate
from toolkit.survey import drivers as survey_drivers
from toolkit.survey import satisfaction_drivers, ticket_features

Z = stats.norm.ppf(0.975)


def two_by_two() -> pd.DataFrame:
    """Reopened: 20 bad, 20 good. Not reopened: 10 bad, 50 good. Odds ratio (20/20) / (10/50) = 5."""
    bad = [True] * 20 + [False] * 20 + [True] * 10 + [False] * 50
    reopens = [1] * 20 + [3] * 20 + [0] * 60
    return validate(pd.DataFrame({
        "ticket_id": [f"t{i}" for i in range(100)], "created_at": "2026-01-05T10:00Z", "status": "solved",
        "channel": "email", "reopens": reopens, "satisfaction": ["bad" if b else "good" for b in bad]}), "tickets")


def test_single_binary_driver_reproduces_the_sample_odds_ratio_and_woolf_interval():
    result = satisfaction_drivers(two_by_two(), features=["reopened"])
    row = result.iloc[0]
    se = math.sqrt(1 / 20 + 1 / 20 + 1 / 10 + 1 / 50)
    assert row["odds_ratio"] == pytest.approx(5.0)
    assert row["se"] == pytest.approx(se, rel=1e-6)
    assert (row["low"], row["high"]) == pytest.approx((5 * math.exp(-Z * se), 5 * math.exp(Z * se)), rel=1e-6)
    assert row["statement"] == ("Tickets reopened at least once have 5.0x the odds of a dissatisfied rating "
                                "(95% CI 2.0-12.5).")
    assert result.attrs["n"] == 100 and result.attrs["events"] == 30
    notes = satisfaction_drivers(two_by_two()).attrs["notes"]
    assert "Satisfaction driver 'agent replies' left out: the tickets' agent_replies column is empty." in notes
    assert "channel skipped: only one channel with enough tickets." in notes


def synthetic(n: int = 1500, seed: int = 4) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    replies = rng.poisson(3, n)
    first = rng.lognormal(4, 1.2, n)
    channel = rng.choice(["email", "chat", "web"], n, p=[0.5, 0.3, 0.2])
    reopens = rng.poisson(0.2, n)
    logit = -1.5 + 0.9 * (reopens > 0) + 0.3 * (replies - 3) + 0.6 * (channel == "chat")
    bad = rng.random(n) < 1 / (1 + np.exp(-logit))
    tickets = validate(pd.DataFrame({
        "ticket_id": [f"t{i}" for i in range(n)], "created_at": "2026-01-05T10:00Z", "status": "solved",
        "channel": channel, "reopens": reopens, "agent_replies": replies, "first_reply_minutes": first,
        "team": rng.choice(["a", "b"], n), "hedging": rng.random(n) < 0.2}), "tickets")
    responses = validate(pd.DataFrame({
        "response_id": [f"r{i}" for i in range(n)], "survey": "csat", "score": np.where(bad, 2, 5), "scale": "1-5",
        "submitted_at": "2026-01-07T10:00Z", "ticket_id": tickets["ticket_id"]}), "survey_responses")
    return tickets, responses


def test_coefficients_match_statsmodels_on_the_same_standardised_design():
    tickets, responses = synthetic()
    result = satisfaction_drivers(tickets, responses).set_index("term")
    design, terms = ticket_features(tickets)
    y = (responses["score"] <= 3).astype(float).to_numpy()
    fit = sm.Logit(y, sm.add_constant(design.to_numpy())).fit(disp=0)
    expected = pd.Series(fit.params[1:], index=design.columns)
    assert result.loc[expected.index, "coefficient"].tolist() == pytest.approx(expected.tolist())
    assert set(terms["term"]) == {"reopened", "back_and_forth", "first_reply", "hedging", "channel=chat",
                                  "channel=web", "team=b"}
    # standardised count: mean 0, SD 1; time: log minutes standardised
    assert design["back_and_forth"].mean() == pytest.approx(0, abs=1e-12)
    assert design["back_and_forth"].std(ddof=0) == pytest.approx(1)
    assert design["first_reply"].corr(np.log(tickets["first_reply_minutes"] + 1)) == pytest.approx(1)
    # the planted effects are found; the ones not planted are not
    assert result.loc[["reopened", "back_and_forth", "channel=chat"], "significant"].all()
    assert not result.loc[["first_reply", "team=b", "hedging"], "significant"].any()
    assert result.loc["channel=chat", "statement"].startswith("Chat tickets (vs email) have 1.")
    sd = tickets["agent_replies"].astype(float).std(ddof=0)
    assert result.loc["back_and_forth", "statement"].startswith(
        f"Tickets with about {sd:.1f} more agent replies (one standard deviation) have ")


def test_strongest_effects_first_and_p_values_holm_corrected():
    tickets, responses = synthetic()
    result = satisfaction_drivers(tickets, responses)
    assert result["coefficient"].abs().is_monotonic_decreasing
    assert (result["p_adjusted"] >= result["p_value"] - 1e-15).all()


def test_rare_categories_are_pooled_and_constant_features_skipped():
    tickets, responses = synthetic(300)
    tickets.loc[tickets.index[:5], "channel"] = "phone"
    design, terms = ticket_features(tickets, ["channel", "sla_breached"], min_category=20)
    assert "channel=other" in design.columns and "channel=phone" not in design.columns
    assert design.attrs["notes"] == [
        "Satisfaction driver 'with a breached SLA' left out: the tickets' sla_breached column is empty."]
    result = satisfaction_drivers(tickets, responses, features=["channel", "sla_breached"])
    assert result.attrs["notes"] == design.attrs["notes"]


def test_driver_errors():
    tickets, responses = synthetic(300)
    with pytest.raises(ConfigError, match="unknown driver feature 'mood'"):
        satisfaction_drivers(tickets, responses, features=["mood"])
    with pytest.raises(DataError, match="too few rated tickets with both outcomes"):
        satisfaction_drivers(tickets, responses.iloc[:5])
    with pytest.raises(ConfigError, match="no ratings to model"):
        satisfaction_drivers(tickets, survey="nps")


def test_hedging_comes_from_the_last_agent_reply():
    tickets, responses = synthetic(400)
    tickets = tickets.drop(columns="hedging")
    rows = []
    for i, ticket in enumerate(tickets["ticket_id"]):
        rows.append((ticket, "2026-01-05T11:00Z", "agent", True, "Thanks, I'm on it."))
        last = "This should be fixed now, hopefully." if i % 3 == 0 else "This is now fixed."
        rows.append((ticket, "2026-01-05T12:00Z", "agent", True, last))
    messages = validate(pd.DataFrame(rows, columns=["ticket_id", "created_at", "author_role", "public", "body"]),
                        "messages")
    hedged = survey_drivers.ticket_hedging(messages)
    assert hedged.sum() == len(range(0, 400, 3))
    result = satisfaction_drivers(tickets, responses, messages=messages).set_index("term")
    assert "hedging" in result.index
    assert "hedging" not in satisfaction_drivers(tickets, responses).set_index("term").index
