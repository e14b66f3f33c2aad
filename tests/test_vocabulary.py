"""toolkit.vocabulary: one registry of client-facing metrics; docs/vocabulary.md generated from it; units hold."""

import inspect
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

import toolkit.ops as ops
from toolkit import vocabulary
from toolkit.cli import cli
from toolkit.samples import SAMPLES_DIR

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
    replies, repeats = ops.hedging(messages), ops.repeat_questions(messages)
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
        "language": lambda: ops.language(messages, "false_hope"),
        "language_summary": lambda: ops.language_summary(ops.language(messages, "over_apology"), "over_apology"),
        "language_association": lambda: ops.language_association(ops.language(messages, "false_hope"), tickets,
                                                                  "false_hope", responses),
        "repeat_questions": lambda: repeats,
        "repeat_question_summary": lambda: ops.repeat_question_summary(repeats, tickets),
        "repeat_question_association": lambda: ops.repeat_question_association(repeats, tickets, responses),
        "load_releases": lambda: ops.load_releases(SAMPLES_DIR / "releases.csv"),
        "volume_spikes": lambda: ops.volume_spikes(tickets, SAMPLES_DIR / "releases.csv", tz="Europe/London"),
        "weekday_hour": lambda: ops.weekday_hour(tickets),
        "month_of_year": lambda: ops.month_of_year(tickets),
        "period_effects": lambda: ops.period_effects(tickets),
        "agent_workload": lambda: ops.agent_workload(tickets, messages),
        "workload_concentration": lambda: ops.workload_concentration(tickets, messages, by="team"),
        "heroes_and_rework": lambda: ops.heroes_and_rework(tickets),
        "breach_experience": lambda: ops.breach_experience(tickets, responses),
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
    assert public - set(calls) == {"gini", "hard_tickets", "hard_received", "load_lexicon", "notes", "business_minutes",
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


def test_every_public_survey_compute_function_returns_shares_as_fractions(sample_client):
    """Walk toolkit.survey's public compute functions on the sample client: CSAT/CES scores, rates and shares 0-1."""
    from toolkit import survey

    tables, _ = sample_client
    tickets, responses, invitations = tables["tickets"], tables["survey_responses"], tables["survey_invitations"]
    csat_scores = responses.loc[responses["survey"] == "csat", "score"]
    calls = {
        "csat": lambda: survey.csat(csat_scores[responses["scale"] == "1-5"]),
        "ces": lambda: survey.ces(responses.loc[responses["survey"] == "ces", "score"]),
        "compare_segments": lambda: survey.compare_segments(responses, "team", "csat", tickets=tickets),
        "survey_trend": lambda: survey.survey_trend(responses, "csat", "month"),
        "response_rates": lambda: survey.response_rates(invitations, responses, by="survey"),
        "nonresponse_bias": lambda: survey.nonresponse_bias(invitations, responses, tickets, "csat"),
        "nonresponse_adjusted_score": lambda: survey.nonresponse_adjusted_score(
            invitations, responses, tickets, features=["reopened", "channel"], n_boot=20),
        "comment_themes": lambda: survey.comment_themes(responses, "nps", n_themes=4),
        "survey_timing": lambda: survey.survey_timing(invitations, responses, tickets),
        "early_surveys": lambda: survey.early_surveys(invitations, tickets),
        "survey_fatigue": lambda: survey.survey_fatigue(invitations, responses),
    }
    share_columns = {"csat": ["score", "low", "high"], "ces": ["agree_low", "agree_high"],
                     "compare_segments": ["score", "low", "high", "rest_score"],
                     "survey_trend": ["score", "low", "high"],
                     "survey_timing": ["score", "low", "high", "response_low", "response_high"],
                     "nonresponse_adjusted_score": ["observed", "expected_nonrespondents", "all_invited"]}
    checked = 0
    for name, call in calls.items():
        frame = call()
        columns = _fraction_columns(frame) + share_columns.get(name, [])
        if name == "nonresponse_bias":
            frame = frame[frame["measure"] != "median"]
            columns += ["respondents", "nonrespondents"]
        for column in columns:
            values = pd.to_numeric(frame[column], errors="coerce").dropna()
            assert len(values) and values.between(0, 1).all(), f"{name}.{column} is not a 0-1 fraction"
            checked += 1
    summary = survey.survey_summary(responses).set_index("survey")
    assert summary.loc[["csat", "ces"], "score"].between(0, 1).all()
    assert -100 <= summary.loc["nps", "score"] <= 100 and summary.loc["nps", "measure"] == "NPS"  # points
    assert checked >= 20


def test_chart_names_of_metrics_come_from_the_vocabulary():
    from toolkit.plots import theme

    for metric in vocabulary.METRICS:
        assert theme.readable(metric.id) == metric.label
        assert metric.id not in theme.LABELS  # LABELS holds only words that are not metrics
    assert vocabulary.BY_ID["sla_attainment"].label == "SLA attainment"
    assert vocabulary.BY_ID["response_rate"].unit == vocabulary.BY_ID["agree_share"].unit == "fraction"
