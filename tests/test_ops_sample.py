"""toolkit.ops on the sample client (data/samples): the injected patterns are the ones found."""

import pandas as pd
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


def test_the_false_hope_agents_and_the_over_apologising_agent_are_the_only_ones_above_ten_percent(sample):
    tables, patterns, _ = sample
    for kind, column, planted in (("false_hope", "false_hope", patterns["false_hope_agents"].split(";")),
                                  ("over_apology", "over_apology", [patterns["over_apology_agent"]])):
        summary = ops.language_summary(ops.language(tables["messages"], kind), kind, by="author")
        reliable = summary[~summary["small_sample"]]
        assert set(reliable.loc[reliable[f"{column}_share"] > 0.10, "segment"]) == set(planted), kind
        assert reliable[f"{column}_share"].iloc[len(planted)] < 0.03  # the background: feature-request votes


def test_repeat_questions_stand_out_in_the_watermelon_team_only(sample):
    tables, patterns, per_ticket = sample
    replies = ops.repeat_questions(tables["messages"])
    summary = ops.repeat_question_summary(replies, tables["tickets"], by="team")
    team = patterns["repeat_question_team"]
    assert summary["team"].iloc[0] == team == patterns["watermelon_team"]
    rest = summary[summary["team"] != team]
    assert summary["ci_low"].iloc[0] > 3 * rest["ci_high"].max() / 2  # clearly apart from every other team
    assert rest["repeat_question_share"].max() < 0.01
    planted = set(per_ticket.loc[per_ticket["pattern"] == "repeat_question", "ticket_id"])
    found = set(replies.loc[replies["repeat_question"], "ticket_id"])
    assert len(planted) == int(patterns["planted_repeat_question_count"]) and planted <= found
    effect = ops.repeat_question_association(replies, tables["tickets"], tables["survey_responses"])
    effect = effect.set_index("outcome")
    assert effect.loc["additional_exchanges", "ci_low"] > 0 and effect.loc["csat", "ci_high"] < 0


def test_the_only_spike_with_a_known_change_is_the_planted_one(sample):
    from toolkit import samples

    tables, patterns, truth_tickets = sample
    releases = ops.load_releases(samples.SAMPLES_DIR / "releases.csv")
    problems = samples.load_ground_truth()["problems"]
    codes, names = pd.factorize(problems["problem"], sort=True)
    assignments = pd.DataFrame({"ticket_id": problems["ticket_id"], "cluster_id": codes})
    out = ops.volume_spikes(tables["tickets"], releases, levels=("all", "product", "cluster"),
                            assignments=assignments, cluster_names=dict(enumerate(names)), tz=TZ)
    linked = out[out["release"] != "no known change"]
    release = patterns["release_before_spike"].split(" | ")[0].split(" ", 1)[1]
    assert linked[["level", "series", "release", "days_after_release"]].values.tolist() == [
        ["all", "all", release, 1], ["product", "Account & Login", release, 2],
        ["cluster", patterns["spiking_problem"], release, 2]]
    assert linked["date"].min() >= pd.Timestamp("2026-09-01") and linked["date"].max() == pd.Timestamp("2026-09-02")
