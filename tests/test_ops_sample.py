"""toolkit.ops on the sample client (data/samples): the injected patterns are the ones found."""

import pytest

import toolkit.ops as ops

TZ = "Europe/London"


@pytest.fixture(scope="module")
def sample(sample_client):
    tables, truth = sample_client
    patterns = truth["patterns"].set_index("pattern")["value"]
    return tables, patterns, truth["tickets"]


def test_the_watermelon_team_is_the_one_flagged(sample):
    tables, patterns, _ = sample
    out = ops.watermelon(tables["tickets"], tables["survey_responses"], by="team", tz=TZ,
                         messages=tables["messages"])
    assert out.loc[out["flag"], "segment"].tolist() == [patterns["watermelon_team"]]
    row = out.iloc[0]
    assert row["explanation"].startswith(f"{patterns['watermelon_team']} looks green but feels red")


def test_the_end_of_quarter_surge_and_year_end_dip_are_found(sample):
    tables, _, _ = sample
    out = ops.period_effects(tables["tickets"], tz=TZ).set_index("effect")
    assert out.loc["end_of_quarter", "ci_low"] > 1.2
    assert out.loc["year_end", "ci_high"] < 0.8
    assert out.loc["end_of_quarter", "sentence"].startswith("The last two weeks of a quarter carry 1.")


def test_the_hedging_agents_rank_highest_and_the_certain_ones_lowest(sample):
    tables, patterns, _ = sample
    summary = ops.hedging_summary(ops.hedging(tables["messages"]), by="author")
    reliable = summary[~summary["small_sample"]]
    assert set(reliable["segment"].head(3)) == set(patterns["hedging_agents"].split(";"))
    assert set(reliable["segment"].tail(3)) == set(patterns["certain_agents"].split(";"))


def test_abandoned_chats_are_the_incomplete_problem_sets(sample):
    tables, _, per_ticket = sample
    out = ops.incomplete_conversations(tables["tickets"], tables["messages"], tz=TZ).set_index("channel")
    reliable = out[~out["small_sample"]]
    assert reliable["incomplete_rate"].idxmax() == "chat"
    abandoned = per_ticket.loc[per_ticket["pattern"] == "abandoned_chat", "ticket_id"]
    assert out.loc["chat", "incomplete"] >= 0.95 * len(abandoned)
    assert reliable.drop(index="chat")["incomplete_rate"].max() < 0.02


def test_too_quick_follow_ups_are_found(sample):
    tables, _, per_ticket = sample
    flags = ops.too_quick_tickets(tables["tickets"]).set_index("ticket_id")
    pairs = per_ticket[per_ticket["pattern"] == "too_quick_followed_up"]
    found = flags["followup_ticket_id"].reindex(pairs["ticket_id"]).to_numpy() == pairs["related_ticket_id"].to_numpy()
    assert found.mean() > 0.8


def test_quick_first_solves_that_were_reopened_are_flagged(sample):
    tables, _, per_ticket = sample
    flags = ops.too_quick_tickets(tables["tickets"]).set_index("ticket_id")
    reopened = per_ticket.loc[per_ticket["pattern"] == "too_quick_reopened", "ticket_id"]
    assert flags["too_quick"].reindex(reopened, fill_value=False).mean() > 0.8  # first_resolution_minutes
    quick = per_ticket.loc[per_ticket["pattern"].isin(["too_quick_reopened", "too_quick_followed_up"]), "ticket_id"]
    assert flags["too_quick"].reindex(quick, fill_value=False).mean() > 0.75
