"""Operations and survey tables on Spark against the pandas definitions, on the sample client."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from toolkit.ops import facts
from toolkit.survey import nps


@pytest.fixture(scope="module")
def sample(spark, sample_client, tmp_path_factory):
    """The sample client's tables as pandas frames and as Spark frames read from canonical Parquet."""
    from toolkit.io import write_table

    tables, _ = sample_client
    folder = tmp_path_factory.mktemp("lake")
    spark_tables = {}
    for name in ("tickets", "messages", "survey_responses"):
        path = write_table(tables[name], folder / f"{name}.parquet", table=name)
        spark_tables[name] = spark.read.parquet(str(path))
    return tables, spark_tables


def pandas_counts(tickets: pd.DataFrame, messages: pd.DataFrame) -> pd.DataFrame:
    """The same counts from toolkit.ops.facts, per team."""
    replies = facts.reply_counts(tickets, messages)
    satisfied = facts.ticket_csat(tickets)
    within = facts.within_first_reply_target(tickets, facts.check_targets(None))
    frame = pd.DataFrame({
        "team": tickets["team"], "tickets": 1, "solved": facts.is_solved(tickets),
        "ever_solved": facts.ever_solved(tickets), "reopened": facts.reopened(tickets),
        "rated": satisfied.notna(), "satisfied": satisfied == 1, "first_replied": within.notna(),
        "within_target": within == 1, "agent_replies": replies["agent_replies"],
        "customer_replies": replies["customer_replies"]})
    out = frame.groupby("team", sort=True).sum().reset_index()
    for col in ("tickets", "solved", "ever_solved", "reopened", "rated", "satisfied", "first_replied", "within_target"):
        out[col] = out[col].astype("int64")
    return out


def test_segment_counts_equal_the_pandas_facts(sample):
    from toolkit.spark.ops import segment_counts, ticket_facts

    tables, lake = sample
    got = segment_counts(ticket_facts(lake["tickets"], lake["messages"]), by="team")
    expected = pandas_counts(tables["tickets"], tables["messages"])
    pd.testing.assert_frame_equal(got, expected, check_dtype=False)
    assert got["tickets"].sum() == len(tables["tickets"])


def test_segment_rates_match_to_1e9(sample):
    from toolkit.spark.ops import segment_counts, segment_rates, ticket_facts

    tables, lake = sample
    rates = segment_rates(segment_counts(ticket_facts(lake["tickets"], lake["messages"]), by="team"))
    tickets = tables["tickets"]
    for row in rates.itertuples():
        team = tickets[tickets["team"] == row.team]
        csat = facts.ticket_csat(team)
        again = facts.reopened(team)[facts.ever_solved(team)]
        assert row.csat == pytest.approx(csat.mean(), abs=1e-9)
        assert row.reopen_rate == pytest.approx(again.mean(), abs=1e-9)
        replies = facts.reply_counts(team, tables["messages"])
        assert row.mean_agent_replies == pytest.approx(replies["agent_replies"].mean(), abs=1e-9)


def test_nps_by_segment_equals_pandas_nps(sample):
    from toolkit.spark.ops import nps_by_segment

    tables, lake = sample
    got = nps_by_segment(lake["survey_responses"], by="region")
    responses = tables["survey_responses"].query("survey == 'nps'")
    assert list(got["region"]) == sorted(responses["region"].dropna().unique())
    for row in got.itertuples():
        expected = nps(responses.loc[responses["region"] == row.region, "score"])
        for col in ("n", "detractors", "passives", "promoters"):
            assert getattr(row, col) == int(expected[col].iloc[0])
        for col in ("score", "low", "high", "se"):
            assert np.isclose(getattr(row, col), float(expected[col].iloc[0]), rtol=0, atol=1e-9)


def test_hedged_replies_are_the_pandas_ones(sample):
    from pyspark.sql import functions as F

    from toolkit.ops.hedging import hedging
    from toolkit.spark.ops import hedged_replies, hedging_counts

    tables, lake = sample
    expected = hedging(tables["messages"])
    got = hedged_replies(lake["messages"])
    assert got.count() == len(expected)
    hedged_ids = {r["message_id"] for r in got.where(F.col("hedged")).select("message_id").collect()}
    assert hedged_ids == set(expected.loc[expected["hedged"], "message_id"])
    overall = hedging_counts(lake["messages"])
    assert (int(overall["replies"].iloc[0]), int(overall["hedged"].iloc[0])) == (len(expected),
                                                                                  int(expected["hedged"].sum()))


def test_nps_per_quarter_and_region_equals_pandas(sample):
    from toolkit.ops.segments import period_label, period_start
    from toolkit.spark.ops import nps_by_segment

    tables, lake = sample
    got = nps_by_segment(lake["survey_responses"], by="region", freq="quarter", tz="Europe/Berlin")
    responses = tables["survey_responses"].query("survey == 'nps'").copy()
    responses["period"] = period_label(period_start(responses["submitted_at"], "quarter", "Europe/Berlin"), "quarter")
    groups = responses.groupby(["period", "region"], sort=True)
    assert list(zip(got["period"], got["region"], strict=True)) == list(groups.groups)
    for row, (_, part) in zip(got.itertuples(), groups, strict=True):
        expected = nps(part["score"])
        assert (row.n, row.promoters) == (int(expected["n"].iloc[0]), int(expected["promoters"].iloc[0]))
        assert abs(row.score - float(expected["score"].iloc[0])) <= 1e-9
