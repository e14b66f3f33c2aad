"""toolkit.vocabulary: one registry of client-facing metrics; docs/vocabulary.md generated from it; units hold."""

import inspect
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

import toolkit.ops as ops
from toolkit import vocabulary
from toolkit.cli import cli

ROOT = Path(__file__).resolve().parents[1]


def test_docs_vocabulary_is_generated_from_the_registry():
    text = (ROOT / "docs" / "vocabulary.md").read_text(encoding="utf-8")
    assert text == vocabulary.vocabulary_markdown(), "regenerate: support-toolkit vocabulary --out docs/vocabulary.md"
    assert CliRunner().invoke(cli, ["vocabulary"]).output == text


def test_every_metric_has_a_known_unit_a_name_and_one_line():
    assert len(vocabulary.BY_ID) == len(vocabulary.METRICS)
    for metric in vocabulary.METRICS:
        assert metric.unit in vocabulary.UNITS and metric.name and "\n" not in metric.definition
    assert vocabulary.BY_ID["reopen_rate"].definition == (
        "Tickets reopened at least once, over tickets solved at least once.")
    assert vocabulary.BY_ID["fcr_rate"].unit == vocabulary.BY_ID["one_touch_rate"].unit == "fraction"
    with pytest.raises(ValueError, match="metric 'x': unknown unit 'percent'"):
        vocabulary._m("x", "X", "percent", "y")


def _fraction_columns(frame: pd.DataFrame) -> list[str]:
    fractions = {m.id for m in vocabulary.METRICS if m.unit == "fraction"}
    return [c for c in frame.columns if c in fractions or c.endswith(("_rate", "_share"))]


NORTHWIND_HOURS = Path(ops.__file__).parent / "schedules" / "northwind.yaml"


def test_every_public_ops_compute_function_returns_rates_as_fractions(sample_client):
    """Walk every public compute function of toolkit.ops on the sample client; rates must lie in 0-1."""
    tables, _ = sample_client
    tickets, messages, responses = tables["tickets"], tables["messages"], tables["survey_responses"]
    replies = ops.hedging(messages)
    calls = {
        "volume": lambda: ops.volume(tickets),
        "response_times": lambda: ops.response_times(tickets, by="team"),
        "sla_attainment": lambda: ops.sla_attainment(tickets),
        "conversation_summary": lambda: ops.conversation_summary(tickets, messages, by="team"),
        "reply_distribution": lambda: ops.reply_distribution(tickets, messages),
        "too_quick": lambda: ops.too_quick(tickets, by="team"),
        "too_quick_tickets": lambda: ops.too_quick_tickets(tickets),
        "incomplete_conversations": lambda: ops.incomplete_conversations(tickets, messages, by="channel"),
        "hedging": lambda: replies,
        "hedging_summary": lambda: ops.hedging_summary(replies, tickets, by="team"),
        "hedging_association": lambda: ops.hedging_association(replies, tickets, responses),
        "weekday_hour": lambda: ops.weekday_hour(tickets),
        "month_of_year": lambda: ops.month_of_year(tickets),
        "period_effects": lambda: ops.period_effects(tickets),
        "agent_workload": lambda: ops.agent_workload(tickets, messages),
        "workload_concentration": lambda: ops.workload_concentration(tickets, messages, by="team"),
        "segment_metrics": lambda: ops.segment_metrics(tickets, responses),
        "watermelon": lambda: ops.watermelon(tickets, responses),
        "ops_experience_over_time": lambda: ops.ops_experience_over_time(tickets, responses, freq="month"),
        "kiwi_or_watermelon": lambda: ops.kiwi_or_watermelon(tickets, responses, freq="month"),
        "metric_correlations": lambda: ops.metric_correlations(ops.watermelon(tickets, responses)),
        "business_times": lambda: ops.business_times(tickets, NORTHWIND_HOURS),
        "sla_attainment on business hours": lambda: ops.sla_attainment(tickets, schedule=NORTHWIND_HOURS),
    }
    public = {name for name in ops.__all__ if inspect.isfunction(getattr(ops, name))}
    # not frame-returning measures
    assert public - set(calls) == {"gini", "hard_tickets", "load_lexicon", "notes", "business_minutes",
                                   "load_schedule", "load_schedules"}
    checked = 0
    for name, call in calls.items():
        frame = call()
        assert isinstance(frame, pd.DataFrame), name
        for column in _fraction_columns(frame):
            values = pd.to_numeric(frame[column], errors="coerce").dropna()
            assert values.between(0, 1).all(), f"{name}.{column} is not a 0-1 fraction"
            checked += 1
    assert checked >= 15
