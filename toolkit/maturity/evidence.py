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

The verdict is about the combined answer (the median by default). Each respondent is
judged the same way against their own level, and ``contradicted_respondents`` lists those
the data disagrees with: a head of support who claims level 4 is contradicted even when the
median answer is lower.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from toolkit.errors import DataError
from toolkit.maturity.model import MaturityModel
from toolkit.schema import has_values, validate

Data = Mapping[str, pd.DataFrame]


class IndicatorUnavailable(Exception):
    """An indicator cannot be computed from the data given; the message says why."""


@dataclass(frozen=True)
class Indicator:
    """An indicator: its name, definition, unit and how to compute it from canonical tables.

    ``compute(data, tz)`` returns ``(value, detail)`` where ``detail`` is a short sentence with
    the numbers behind the value, or raises :class:`IndicatorUnavailable` saying why it cannot.
    """

    name: str
    meaning: str
    unit: str
    compute: Callable[[Data, str], tuple[float, str]]


OPEN_STATUSES = ("new", "open", "pending", "hold")
ACTIVE_DAYS = 14
MIN_CLUSTER_TICKETS = 10


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
    value = float(value) if value is not None and value is not pd.NA else np.nan
    if np.isnan(value):
        raise IndicatorUnavailable("the indicator is undefined for this data (no eligible rows)")
    return value


def _csat_responses(data: Data) -> pd.DataFrame:
    responses = _table(data, "survey_responses", "survey", "score")
    csat = responses[responses["survey"] == "csat"]
    if csat.empty:
        raise IndicatorUnavailable("no CSAT responses in the data")
    return csat


def _csat_response_rate(data: Data, tz: str) -> tuple[float, str]:
    invitations = _table(data, "survey_invitations", "survey")
    result = _owned("toolkit.survey", "response_rates")(invitations, _table(data, "survey_responses"),
                                                         survey="csat")
    if result.empty or not result["invited"].iloc[0]:
        raise IndicatorUnavailable("no CSAT invitations in the data")
    row = result.iloc[0]
    return _scalar(row["rate"]) / 100, f"{int(row['responded']):,} of {int(row['invited']):,} CSAT invitations answered"


def _csat_ci_width(data: Data, tz: str) -> tuple[float, str]:
    csat = _csat_responses(data)
    scales = csat["scale"].dropna().unique()
    if len(scales) != 1:
        raise IndicatorUnavailable(f"CSAT responses use {len(scales)} scales; compute the interval per scale")
    row = _owned("toolkit.survey", "csat")(csat["score"], scale=str(scales[0])).iloc[0]
    width = _scalar(row["high"] - row["low"])
    return width, (f"CSAT {row['score']:.1f}% satisfied, 95% interval {row['low']:.1f}-{row['high']:.1f} "
                   f"from {int(row['n']):,} ratings")


class _Tables(dict):
    """The data given, plus results shared by several indicators (computed once per call)."""

    def __init__(self, data: Data) -> None:
        super().__init__(data)
        self.shared: dict[str, object] = {}

    def once(self, key: str, compute: Callable[[], object]) -> object:
        if key not in self.shared:
            self.shared[key] = compute()
        return self.shared[key]


def _once(data: Data, key: str, compute: Callable[[], object]):
    return data.once(key, compute) if isinstance(data, _Tables) else compute()


def _workload(data: Data, tz: str) -> pd.Series:
    tickets = _table(data, "tickets", "assignee")
    return _once(data, "workload", lambda: _owned("toolkit.ops", "workload_concentration")(
        tickets, data.get("messages"), tz=tz).iloc[0])


def _top_agents_ticket_share(data: Data, tz: str) -> tuple[float, str]:
    row = _workload(data, tz)
    return _scalar(row["top_agents_ticket_share"]), (
        f"the busiest {int(row['top_agents'])} of {int(row['agents'])} agents handled "
        f"{row['top_agents_ticket_share']:.1%} of {int(row['tickets']):,} tickets")


def _top_agents_hard_share(data: Data, tz: str) -> tuple[float, str]:
    row = _workload(data, tz)
    return _scalar(row["top_agents_hard_share"]), (
        f"the {int(row['top_agents'])} agents with most hard tickets handled {row['top_agents_hard_share']:.1%} "
        f"of {int(row['hard_tickets']):,} hard tickets ({int(row['agents'])} agents in all)")


def _conversations(data: Data, tz: str) -> pd.Series:
    tickets = _table(data, "tickets", "status")
    return _once(data, "conversations", lambda: _owned("toolkit.ops", "conversation_summary")(
        tickets, data.get("messages"), tz=tz).iloc[0])


def _reopen_rate(data: Data, tz: str) -> tuple[float, str]:
    row = _conversations(data, tz)
    return _scalar(row["reopen_rate"]), f"{row['reopen_rate']:.1%} of {int(row['solved']):,} solved tickets reopened"


def _fcr_rate(data: Data, tz: str) -> tuple[float, str]:
    row = _conversations(data, tz)
    return _scalar(row["fcr_rate"]), (f"{row['fcr_rate']:.1%} of solved tickets resolved with one agent reply "
                                      "and never reopened")


def _median_agent_replies(data: Data, tz: str) -> tuple[float, str]:
    row = _conversations(data, tz)
    return _scalar(row["median_agent_replies"]), (
        f"median {row['median_agent_replies']:g} agent replies per ticket (mean {row['mean_agent_replies']:.2f}); "
        f"{row['long_conversation_rate']:.1%} of tickets are long conversations")


def _watermelon_teams(data: Data, tz: str) -> tuple[float, str]:
    tickets = _table(data, "tickets", "team")
    result = _owned("toolkit.ops", "watermelon")(tickets, data.get("survey_responses"), by="team",
                                                 messages=data.get("messages"), tz=tz)
    flagged = result[result["flag"].fillna(False).astype(bool)]
    detail = "; ".join(flagged["explanation"]) if len(flagged) else f"none of {len(result)} teams flagged"
    return float(len(flagged)), detail


def _hedged_reply_share(data: Data, tz: str) -> tuple[float, str]:
    messages = _table(data, "messages", "author_role", "body")
    replies = _owned("toolkit.ops", "hedging")(messages)
    if replies.empty:
        raise IndicatorUnavailable("no public agent replies in the messages table")
    share = float(replies["hedged"].astype(bool).mean())
    return share, f"{share:.1%} of {len(replies):,} public agent replies hedge (\"should\", \"looks like\", ...)"


def _open_problem_cluster_age_days(data: Data, tz: str) -> tuple[float, str]:
    tickets = _table(data, "tickets", "created_at")
    assignments = data.get("duplicate_assignments")
    if assignments is None or len(assignments) == 0:
        raise IndicatorUnavailable(
            "no duplicate clusters were given: put the output of `support-toolkit duplicates TICKETS --out "
            "duplicate_assignments.csv` in the data folder, or pass DuplicateFinder(...).fit(tickets).assignments_ "
            "as data['duplicate_assignments'] (clustering is not run here because it takes minutes)")
    # Age of duplicate-issue clusters that are still happening: not a toolkit.duplicates metric, so defined here.
    members = assignments.loc[assignments["cluster_id"] >= 0, ["ticket_id", "cluster_id"]].merge(
        tickets[["ticket_id", "created_at", "status"]], on="ticket_id")
    as_of = tickets["created_at"].max()
    per_cluster = members.groupby("cluster_id").agg(
        first=("created_at", "min"), last=("created_at", "max"), tickets=("ticket_id", "size"),
        unsolved=("status", lambda s: int(s.isin(OPEN_STATUSES).sum())))
    active = per_cluster[(per_cluster["tickets"] >= MIN_CLUSTER_TICKETS)
                         & ((per_cluster["unsolved"] > 0)
                            | (per_cluster["last"] >= as_of - pd.Timedelta(days=ACTIVE_DAYS)))]
    if active.empty:
        raise IndicatorUnavailable(f"no duplicate-issue cluster of {MIN_CLUSTER_TICKETS}+ tickets is still active")
    ages = (as_of - active["first"]).dt.total_seconds() / 86400
    return float(ages.median()), (f"{len(active)} duplicate-issue clusters of {MIN_CLUSTER_TICKETS}+ tickets are "
                                  f"still active; median {ages.median():.0f} days since their first ticket")


def _csat_change(data: Data, tz: str) -> tuple[float, str]:
    responses = _csat_responses(data)
    if not has_values(responses, "submitted_at"):
        raise IndicatorUnavailable("the survey_responses table has no values in `submitted_at`")
    trend = _owned("toolkit.survey", "survey_trend")(data["survey_responses"], "csat", freq="quarter", tz=tz)
    usable = trend[(trend["n"] > 0) & ~trend["small_sample"].astype(bool)]
    if len(usable) < 2:
        raise IndicatorUnavailable("fewer than two quarters with enough CSAT ratings")
    first, last = usable.iloc[0], usable.iloc[-1]
    change = float(last["score"] - first["score"])
    return change, (f"CSAT {first['score']:.1f}% in the quarter from {first['period']:%Y-%m-%d}, "
                    f"{last['score']:.1f}% in the quarter from {last['period']:%Y-%m-%d}")


INDICATORS: dict[str, Indicator] = {i.name: i for i in (
    Indicator("csat_response_rate", "CSAT responses divided by CSAT invitations sent (toolkit.survey.response_rates).",
              "share", _csat_response_rate),
    Indicator("csat_ci_width", "Width of the 95% Wilson interval of CSAT % satisfied (toolkit.survey.csat).",
              "points", _csat_ci_width),
    Indicator("top_agents_ticket_share", "Share of tickets handled by the busiest 10% of agents "
              "(toolkit.ops.workload_concentration).", "share", _top_agents_ticket_share),
    Indicator("top_agents_hard_share", "Share of hard tickets handled by the 10% of agents who handle most of them "
              "(toolkit.ops.workload_concentration).", "share", _top_agents_hard_share),
    Indicator("reopen_rate", "Share of tickets solved at least once that were reopened "
              "(toolkit.ops.conversation_summary).", "share", _reopen_rate),
    Indicator("fcr_rate", "First-contact resolution: share of solved tickets with one agent reply, never reopened "
              "(toolkit.ops.conversation_summary).", "share", _fcr_rate),
    Indicator("median_agent_replies", "Median public agent replies per ticket, the back-and-forth "
              "(toolkit.ops.conversation_summary).", "replies", _median_agent_replies),
    Indicator("hedged_reply_share", "Share of public agent replies using hedging phrases from the lexicon "
              "(toolkit.ops.hedging).", "share", _hedged_reply_share),
    Indicator("watermelon_teams", "Teams whose operational metrics are in the best tier while the experience is in "
              "the worst (toolkit.ops.watermelon).", "teams", _watermelon_teams),
    Indicator("open_problem_cluster_age_days", f"Median days since the first ticket of duplicate-issue clusters "
              f"({MIN_CLUSTER_TICKETS}+ tickets) still active: an unsolved ticket or one in the last {ACTIVE_DAYS} "
              "days (clusters from toolkit.duplicates).", "days", _open_problem_cluster_age_days),
    Indicator("csat_change", "CSAT % satisfied in the last quarter minus the first quarter with enough ratings "
              "(toolkit.survey.survey_trend).", "points", _csat_change),
)}

EVIDENCE_COLUMNS = [
    "rule_id", "question_id", "dimension_id", "claim", "claim_level", "indicator", "meaning", "unit", "value",
    "detail", "direction", "threshold", "data_supports_claim", "answered_level", "claimed", "verdict", "claimed_by",
    "contradicted_respondents", "finding", "note",
]


EVIDENCE_TABLES = ("tickets", "messages", "survey_responses", "survey_invitations")


def read_tables(folder: str | Path, *, tz: str = "UTC") -> dict[str, pd.DataFrame]:
    """Read canonical tables for evidence from a folder (e.g. ``data/samples`` or a loader's output).

    Looks for ``<table>.csv``, ``<table>.csv.gz`` or ``<table>.parquet`` for tickets, messages,
    survey_responses and survey_invitations (each optional), and ``duplicate_assignments.csv``
    (ticket_id, cluster_id: what ``support-toolkit duplicates TICKETS --out FILE`` writes).
    Naive timestamps are read in ``tz``.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise DataError("data folder not found", file=str(folder),
                        fix="pass a folder holding tickets.csv(.gz) and the other canonical tables")
    tables: dict[str, pd.DataFrame] = {}
    for name in (*EVIDENCE_TABLES, "duplicate_assignments"):
        for suffix in (".csv", ".csv.gz", ".parquet"):
            file = folder / f"{name}{suffix}"
            if not file.is_file():
                continue
            raw = (pd.read_parquet(file) if suffix == ".parquet"
                   else pd.read_csv(file, dtype="str", keep_default_na=False, na_values=[""]))
            if name == "duplicate_assignments":
                if not {"ticket_id", "cluster_id"} <= set(raw.columns):
                    raise DataError("expected columns ticket_id and cluster_id", file=str(file),
                                    fix="write DuplicateFinder(...).fit(tickets).assignments_ to this file")
                tables[name] = raw.assign(ticket_id=raw["ticket_id"].astype("str"),
                                          cluster_id=pd.to_numeric(raw["cluster_id"]).astype("int64"))
            else:
                tables[name] = validate(raw, name, tz=tz, file=str(file))
            break
    if "tickets" not in tables and "survey_responses" not in tables:
        raise DataError("no tickets or survey_responses table in the folder", file=str(folder),
                        fix="name the files tickets.csv, survey_responses.csv, ... (canonical tables)")
    return tables


def compute_indicators(data: Data, names: list[str] | None = None, *, tz: str = "UTC",
                       indicators: Mapping[str, Indicator] | None = None) -> pd.DataFrame:
    """Compute indicators from canonical tables.

    Parameters
    ----------
    data : canonical tables by name (``tickets``, ``messages``, ``survey_responses``,
        ``survey_invitations``), and optionally ``duplicate_assignments`` (ticket_id, cluster_id,
        e.g. ``DuplicateFinder(...).fit(tickets).assignments_``).
    names : indicators to compute (default: all).
    tz : the client's time zone (periods such as quarters begin in it).
    indicators : the registry to use (default :data:`INDICATORS`).

    Returns
    -------
    DataFrame with one row per indicator: indicator, meaning, unit, value (NaN when skipped),
    detail (the numbers behind the value), note (why it was skipped).
    """
    registry = INDICATORS if indicators is None else indicators
    data = _Tables(data)
    rows = []
    for name in names if names is not None else list(registry):
        ind = registry[name]
        try:
            (value, detail), note = ind.compute(data, tz), ""
        except IndicatorUnavailable as exc:
            value, detail, note = np.nan, "", f"skipped: {exc}"
        rows.append({"indicator": name, "meaning": ind.meaning, "unit": ind.unit, "value": float(value),
                     "detail": detail, "note": note})
    return pd.DataFrame(rows, columns=["indicator", "meaning", "unit", "value", "detail", "note"])


def evaluate_evidence(model: MaturityModel, answers: pd.DataFrame, data: Data, *, combine: str = "median",
                      tz: str = "UTC", indicators: Mapping[str, Indicator] | None = None) -> pd.DataFrame:
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
    tz : the client's time zone.
    indicators : the indicator registry (default :data:`INDICATORS`).

    Returns
    -------
    DataFrame with columns rule_id, question_id, dimension_id, claim, claim_level, indicator, meaning,
    unit, value, detail, direction, threshold, data_supports_claim, answered_level, claimed, verdict,
    claimed_by, contradicted_respondents, finding (one sentence for the report), note.
    """
    from toolkit.maturity.scoring import score_questions

    rules = model.evidence_rules
    if rules.empty:
        return pd.DataFrame(columns=EVIDENCE_COLUMNS)
    values = compute_indicators(data, sorted(set(rules["indicator"])), tz=tz, indicators=indicators)
    values = values.set_index("indicator")
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
            "value": value, "detail": values.at[rule.indicator, "detail"], "direction": rule.direction,
            "threshold": rule.threshold,
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
        row["finding"] = _finding(row, rule)
        rows.append(row)
    frame = pd.DataFrame(rows, columns=EVIDENCE_COLUMNS)
    frame["data_supports_claim"] = frame["data_supports_claim"].astype("boolean")
    frame["claimed"] = frame["claimed"].astype("boolean")
    return frame


def _finding(row: dict, rule) -> str:
    """One plain sentence: what the data says about the claim, and whose answers it contradicts."""
    if row["verdict"] == "skipped":
        return f"Not tested ({rule.question_id}, \"{rule.claim}\"): {row['note'].removeprefix('skipped: ')}."
    sign = ">=" if rule.direction == "at_least" else "<="
    says = "supports" if row["data_supports_claim"] else "does not support"
    text = (f"The data {says} \"{rule.claim}\" ({rule.question_id}): {row['detail'].rstrip('.')}; "
            f"the claim needs {rule.indicator} {sign} {rule.threshold:g}.")
    if row["contradicted_respondents"]:
        text += f" Answers contradicted: {row['contradicted_respondents']}."
    return text


def _people(frame: pd.DataFrame) -> str:
    """``Dana (head of support, level 4); Tom (...)`` for the respondents in ``frame``."""
    return "; ".join(f"{r.respondent} ({r.role}, level {int(r.level)})" for r in frame.itertuples(index=False))
