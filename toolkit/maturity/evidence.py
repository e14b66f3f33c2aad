"""Evidence from data: test interview answers against indicators computed from tickets and surveys.

The rules are data (the ``evidence`` section of the model YAML): each names a
question, the claim that answers at or above ``claim_level`` make, an indicator from
:data:`INDICATORS`, a threshold and a direction. An indicator is computed by the
module that owns the metric (``toolkit.ops``, ``toolkit.survey``,
``toolkit.duplicates``); this module only reads the number and compares it. When an
indicator cannot be computed (a table or column is missing, or the owning function
is not available) the rule is skipped with a note, never guessed.

Verdicts
--------
- ``supports``: the data agrees with the answer (the claim is made and the indicator
  meets the threshold, or the claim is not made and the indicator misses it).
- ``contradicts``: the data disagrees with the answer.
- ``skipped``: the indicator could not be computed (see ``note``).
- ``no answers``: nobody answered the question with a level.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from toolkit.schema import has_values

Data = Mapping[str, pd.DataFrame]


class IndicatorUnavailable(Exception):
    """An indicator cannot be computed from the data given; the message says why."""


@dataclass(frozen=True)
class Indicator:
    """An indicator: its name, definition, unit and how to compute it from canonical tables."""

    name: str
    meaning: str
    unit: str
    compute: Callable[[Data], float]


def _owned(module: str, attr: str) -> Callable:
    """The function that owns a metric, or a skip note saying it is not available."""
    try:
        return getattr(importlib.import_module(module), attr)
    except (ImportError, AttributeError):
        raise IndicatorUnavailable(f"{module}.{attr} is not available in this installation") from None


def _table(data: Data, name: str, *columns: str) -> pd.DataFrame:
    frame = data.get(name)
    if frame is None or len(frame) == 0:
        raise IndicatorUnavailable(f"no {name} table was given")
    for column in columns:
        if not has_values(frame, column):
            raise IndicatorUnavailable(f"the {name} table has no values in `{column}`")
    return frame


def _scalar(value) -> float:
    value = float(value)
    if np.isnan(value):
        raise IndicatorUnavailable("the indicator is undefined for this data (no eligible rows)")
    return value


def _csat_response_rate(data: Data) -> float:
    responses = _table(data, "survey_responses", "survey")
    invitations = _table(data, "survey_invitations", "survey")
    result = _owned("toolkit.survey", "response_rates")(responses, invitations)
    row = result[result["survey"] == "csat"] if "survey" in result.columns else result
    if row.empty:
        raise IndicatorUnavailable("no CSAT invitations in the data")
    return _scalar(row["response_rate"].iloc[0])


def _csat_ci_width(data: Data) -> float:
    responses = _table(data, "survey_responses", "survey", "score")
    result = _owned("toolkit.survey", "csat")(responses)
    if result.empty:
        raise IndicatorUnavailable("no CSAT responses in the data")
    return _scalar(result["ci_high"].iloc[0] - result["ci_low"].iloc[0])


def _top_agent_share(data: Data) -> float:
    tickets = _table(data, "tickets", "assignee")
    result = _owned("toolkit.ops", "workload_concentration")(tickets)
    return _scalar(result["top_agent_share"].iloc[0])


def _reopen_rate(data: Data) -> float:
    tickets = _table(data, "tickets", "reopens")
    result = _owned("toolkit.ops", "reopen_rate")(tickets)
    return _scalar(result["reopen_rate"].iloc[0])


def _median_agent_replies(data: Data) -> float:
    tickets = _table(data, "tickets", "agent_replies")
    result = _owned("toolkit.ops", "back_and_forth")(tickets)
    return _scalar(result["median_agent_replies"].iloc[0])


def _watermelon_teams(data: Data) -> float:
    tickets = _table(data, "tickets", "team")
    result = _owned("toolkit.ops", "watermelon")(tickets, data.get("survey_responses"))
    return float(result["watermelon"].fillna(False).astype(bool).sum())


def _open_problem_cluster_age_days(data: Data) -> float:
    tickets = _table(data, "tickets", "status", "created_at")
    result = _owned("toolkit.duplicates", "open_cluster_age")(tickets, data.get("clusters"))
    return _scalar(result["age_days"].median())


def _csat_change(data: Data) -> float:
    responses = _table(data, "survey_responses", "survey", "score", "submitted_at")
    result = _owned("toolkit.survey", "csat_trend")(responses)
    return _scalar(result["csat"].iloc[-1] - result["csat"].iloc[0])


INDICATORS: dict[str, Indicator] = {i.name: i for i in (
    Indicator("csat_response_rate", "CSAT responses divided by CSAT invitations sent.", "share", _csat_response_rate),
    Indicator("csat_ci_width", "Width of the 95% confidence interval of the CSAT score.", "share", _csat_ci_width),
    Indicator("top_agent_share", "Share of tickets handled by the busiest agent.", "share", _top_agent_share),
    Indicator("reopen_rate", "Share of solved tickets reopened at least once.", "share", _reopen_rate),
    Indicator("median_agent_replies", "Median public agent replies per solved ticket (back-and-forth).", "replies",
              _median_agent_replies),
    Indicator("watermelon_teams", "Teams whose SLA metrics are green while CSAT, reopens or back-and-forth are red.",
              "teams", _watermelon_teams),
    Indicator("open_problem_cluster_age_days", "Median age in days of duplicate-issue clusters that still have "
              "open tickets.", "days", _open_problem_cluster_age_days),
    Indicator("csat_change", "CSAT in the last period minus CSAT in the first period.", "points", _csat_change),
)}

EVIDENCE_COLUMNS = [
    "rule_id", "question_id", "dimension_id", "claim", "claim_level", "indicator", "meaning", "unit", "value",
    "direction", "threshold", "data_supports_claim", "answered_level", "claimed", "verdict", "claimed_by",
    "contradicted_respondents", "note",
]


def compute_indicators(data: Data, names: list[str] | None = None,
                       indicators: Mapping[str, Indicator] | None = None) -> pd.DataFrame:
    """Compute indicators from canonical tables.

    Parameters
    ----------
    data : canonical tables by name (``tickets``, ``messages``, ``survey_responses``,
        ``survey_invitations``; optionally ``clusters``).
    names : indicators to compute (default: all).
    indicators : the registry to use (default :data:`INDICATORS`).

    Returns
    -------
    DataFrame with one row per indicator: indicator, meaning, unit, value (NaN when skipped), note.
    """
    registry = INDICATORS if indicators is None else indicators
    rows = []
    for name in names if names is not None else list(registry):
        ind = registry[name]
        try:
            value, note = ind.compute(data), ""
        except IndicatorUnavailable as exc:
            value, note = np.nan, f"skipped: {exc}"
        rows.append({"indicator": name, "meaning": ind.meaning, "unit": ind.unit, "value": float(value),
                     "note": note})
    return pd.DataFrame(rows, columns=["indicator", "meaning", "unit", "value", "note"])


def evaluate_evidence(model, answers: pd.DataFrame, data: Data, *, combine: str = "median",
                      indicators: Mapping[str, Indicator] | None = None) -> pd.DataFrame:
    """Test the interview answers against the model's evidence rules.

    For each rule, the indicator is computed once and compared with the threshold in
    the rule's direction (``at_least``: supports the claim when value >= threshold;
    ``at_most``: when value <= threshold). The combined answer to the question (see
    :func:`toolkit.maturity.scoring.score_questions`) makes the claim when it is at or
    above ``claim_level``; the verdict says whether the data agrees with it. Each
    respondent is checked the same way, and those whose answers the data contradicts
    are listed.

    Parameters
    ----------
    model : a :class:`~toolkit.maturity.model.MaturityModel`.
    answers : canonical maturity answers.
    data : canonical tables by name (see :func:`compute_indicators`).
    combine : how respondents' levels are combined (median, mean, min, max).
    indicators : the indicator registry (default :data:`INDICATORS`).

    Returns
    -------
    DataFrame with columns rule_id, question_id, dimension_id, claim, claim_level, indicator, meaning,
    unit, value, direction, threshold, data_supports_claim, answered_level, claimed, verdict, claimed_by,
    contradicted_respondents, note.
    """
    from toolkit.maturity.scoring import score_questions

    rules = model.evidence_rules
    if rules.empty:
        return pd.DataFrame(columns=EVIDENCE_COLUMNS)
    values = compute_indicators(data, sorted(set(rules["indicator"])), indicators).set_index("indicator")
    questions = score_questions(answers, model, combine=combine).set_index("question_id")
    answered = answers[answers["status"] == "answered"]
    rows = []
    for rule in rules.itertuples(index=False):
        value = values.at[rule.indicator, "value"]
        meets = bool(value >= rule.threshold) if rule.direction == "at_least" else bool(value <= rule.threshold)
        level = questions.at[rule.question_id, "score"]
        mine = answered[answered["question_id"] == rule.question_id]
        claimers = mine[mine["level"] >= rule.claim_level]
        wrong = mine[(mine["level"] >= rule.claim_level) != meets] if not np.isnan(value) else mine.iloc[0:0]
        row = {
            "rule_id": rule.rule_id, "question_id": rule.question_id,
            "dimension_id": questions.at[rule.question_id, "dimension_id"], "claim": rule.claim,
            "claim_level": rule.claim_level, "indicator": rule.indicator,
            "meaning": values.at[rule.indicator, "meaning"], "unit": values.at[rule.indicator, "unit"],
            "value": value, "direction": rule.direction, "threshold": rule.threshold,
            "data_supports_claim": pd.NA if np.isnan(value) else meets, "answered_level": level,
            "claimed": pd.NA if np.isnan(level) else bool(level >= rule.claim_level),
            "claimed_by": _people(claimers), "contradicted_respondents": _people(wrong),
            "note": values.at[rule.indicator, "note"],
        }
        if np.isnan(value):
            row["verdict"] = "skipped"
        elif np.isnan(level):
            row["verdict"] = "no answers"
            row["note"] = "nobody answered this question with a level"
        else:
            row["verdict"] = "supports" if row["claimed"] == meets else "contradicts"
        rows.append(row)
    frame = pd.DataFrame(rows, columns=EVIDENCE_COLUMNS)
    frame["data_supports_claim"] = frame["data_supports_claim"].astype("boolean")
    frame["claimed"] = frame["claimed"].astype("boolean")
    return frame


def _people(frame: pd.DataFrame) -> str:
    """``Dana (head of support, level 4); Tom (...)`` for the respondents in ``frame``."""
    return "; ".join(f"{r.respondent} ({r.role}, level {int(r.level)})" for r in frame.itertuples(index=False))
