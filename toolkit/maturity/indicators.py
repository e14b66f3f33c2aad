"""The indicators evidence rules read: one registry, each entry computed by the module that owns the metric.

An indicator turns :class:`~toolkit.maturity.inputs.EvidenceData` into one number and a
short sentence with the numbers behind it, by calling :mod:`toolkit.ops`,
:mod:`toolkit.survey` or :mod:`toolkit.duplicates` directly. When the data cannot give
the number (an input or a column is missing, nothing is eligible) it raises
:class:`IndicatorUnavailable` whose message is plain words for the client ("no survey
invitations were provided"). What a rule calls the indicator in client copy is the
rule's ``measure`` (model YAML), not the registry name.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from toolkit import duplicates, ops, survey
from toolkit.maturity.inputs import EvidenceData
from toolkit.schema import STATUSES, has_values

OPEN_STATUSES = tuple(s for s in STATUSES if s not in ("solved", "closed"))
ACTIVE_DAYS = 14
MIN_CLUSTER_TICKETS = 10

# How the inputs are named in plain words when one is missing.
_PLAIN = {"tickets": "tickets", "messages": "ticket messages", "survey_responses": "survey answers",
          "invitations": "survey invitations"}


class IndicatorUnavailable(Exception):
    """An indicator cannot be computed from the data given; the message says why, in plain words."""


@dataclass(frozen=True)
class Indicator:
    """A registry entry: its name, what it means (for developers), its unit and how to compute it.

    ``compute(data, tz)`` returns ``(value, detail)`` where ``detail`` is a short sentence with
    the numbers behind the value, or raises :class:`IndicatorUnavailable` saying why it cannot.
    ``unit`` (share, share_difference, replies, teams, agents, days) decides how thresholds read in client copy;
    shares and their differences are fractions (0.02 is two percentage points), as in every frame.
    """

    name: str
    meaning: str
    unit: str
    compute: Callable[[EvidenceData, str], tuple[float, str]]


def _table(data: EvidenceData, name: str, *columns: str) -> pd.DataFrame:
    frame = getattr(data, name)
    if frame is None or len(frame) == 0:
        raise IndicatorUnavailable(f"no {_PLAIN[name]} were provided")
    for column in columns:
        if not has_values(frame, column):
            raise IndicatorUnavailable(f"the {_PLAIN[name]} carry no {column.replace('_', ' ')}")
    return frame


def _scalar(value) -> float:
    value = float(value) if value is not None and value is not pd.NA else np.nan
    if np.isnan(value):
        raise IndicatorUnavailable("no ticket or answer qualifies for this measure")
    return value


def _csat_responses(data: EvidenceData) -> pd.DataFrame:
    responses = _table(data, "survey_responses", "survey", "score")
    csat = responses[responses["survey"] == "csat"]
    if csat.empty:
        raise IndicatorUnavailable("there are no satisfaction (CSAT) answers")
    return csat


def _csat_response_rate(data: EvidenceData, tz: str) -> tuple[float, str]:
    invitations = _table(data, "invitations", "survey")
    result = survey.response_rates(invitations, _table(data, "survey_responses"), survey="csat")
    if result.empty or not result["invited"].iloc[0]:
        raise IndicatorUnavailable("no satisfaction (CSAT) survey invitations were sent")
    row = result.iloc[0]
    return _scalar(row["response_rate"]), (f"{int(row['responded']):,} of {int(row['invited']):,} satisfaction "
                                           "surveys were answered")


def _csat_ci_width(data: EvidenceData, tz: str) -> tuple[float, str]:
    csat = _csat_responses(data)
    scales = csat["scale"].dropna().unique()
    if len(scales) != 1:
        raise IndicatorUnavailable(f"the satisfaction answers use {len(scales)} different rating scales")
    row = survey.csat(csat["score"], scale=str(scales[0])).iloc[0]
    width = _scalar(row["high"] - row["low"])
    return width, (f"{row['score']:.1%} of {int(row['n']):,} customers were satisfied, with a 95% interval "
                   f"from {row['low']:.1%} to {row['high']:.1%}")


def _workload(data: EvidenceData, tz: str) -> pd.Series:
    tickets = _table(data, "tickets", "assignee")
    return data.shared(("workload", tz), lambda: ops.workload_concentration(tickets, data.messages, tz=tz).iloc[0])


def _top_agents_ticket_share(data: EvidenceData, tz: str) -> tuple[float, str]:
    row = _workload(data, tz)
    return _scalar(row["top_agents_ticket_share"]), (
        f"the busiest {int(row['top_agents'])} of {int(row['agents'])} agents handled "
        f"{row['top_agents_ticket_share']:.1%} of {int(row['tickets']):,} tickets")


def _top_agents_hard_share(data: EvidenceData, tz: str) -> tuple[float, str]:
    row = _workload(data, tz)
    return _scalar(row["top_agents_hard_share"]), (
        f"the {int(row['top_agents'])} of {int(row['agents'])} agents with most hard tickets handled "
        f"{row['top_agents_hard_share']:.1%} of {int(row['hard_tickets']):,} hard tickets")


def _conversations(data: EvidenceData, tz: str) -> pd.Series:
    tickets = _table(data, "tickets", "status")
    return data.shared(("conversations", tz),
                       lambda: ops.conversation_summary(tickets, data.messages, tz=tz).iloc[0])


def _reopen_rate(data: EvidenceData, tz: str) -> tuple[float, str]:
    row = _conversations(data, tz)
    return _scalar(row["reopen_rate"]), (f"{row['reopen_rate']:.1%} of {int(row['solved']):,} solved tickets "
                                         "were reopened")


def _fcr_rate(data: EvidenceData, tz: str) -> tuple[float, str]:
    row = _conversations(data, tz)
    return _scalar(row["fcr_rate"]), (f"{row['fcr_rate']:.1%} of solved tickets were resolved with one agent reply "
                                      "and never reopened")


def _median_agent_replies(data: EvidenceData, tz: str) -> tuple[float, str]:
    row = _conversations(data, tz)
    replies = _scalar(row["median_agent_replies"])
    return replies, (f"a typical ticket needed {replies:g} agent {'reply' if replies == 1 else 'replies'} "
                     f"(mean {row['mean_agent_replies']:.2f})")


def _watermelon_teams(data: EvidenceData, tz: str) -> tuple[float, str]:
    tickets = _table(data, "tickets", "team")
    result = ops.watermelon(tickets, data.survey_responses, by="team", messages=data.messages, tz=tz)
    flagged = result[result["flag"].fillna(False).astype(bool)]
    detail = ("; ".join(flagged["explanation"].str.rstrip(".")) if len(flagged)
              else f"none of {len(result)} teams looks good on service levels while its customers are unhappy")
    return float(len(flagged)), detail


def _hero_agents(data: EvidenceData, tz: str) -> tuple[float, str]:
    tickets = _table(data, "tickets", "assignee", "reopens")
    result = ops.heroes_and_rework(tickets, by="team" if has_values(tickets, "team") else None, tz=tz)
    heroes = result[result["hero"]]
    detail = ("; ".join(heroes["explanation"].str.rstrip(".")) if len(heroes)
              else f"none of {len(result)} agents receives markedly more hard work than the rest of their team")
    return float(len(heroes)), detail


def _early_survey_teams(data: EvidenceData, tz: str) -> tuple[float, str]:
    invitations = _table(data, "invitations", "ticket_id")
    tickets = _table(data, "tickets", "reopens", "solved_at")
    result = survey.early_surveys(invitations, tickets, by="team" if has_values(tickets, "team") else None)
    judged = result[~result["small_sample"]]
    if judged.empty:
        raise IndicatorUnavailable("too few surveyed tickets were reopened to tell when surveys go out")
    flagged = judged[judged["too_soon"]]
    detail = ("; ".join(flagged["explanation"].str.rstrip(".")) if len(flagged)
              else f"in none of {len(judged)} teams did most reopens come after the satisfaction survey")
    return float(len(flagged)), detail


def _hedged_reply_share(data: EvidenceData, tz: str) -> tuple[float, str]:
    messages = _table(data, "messages", "author_role", "body")
    replies = ops.hedging(messages)
    if replies.empty:
        raise IndicatorUnavailable("the ticket messages hold no public agent replies")
    share = float(replies["hedged"].astype(bool).mean())
    return share, f"{share:.1%} of {len(replies):,} public agent replies hedge (\"should\", \"looks like\", ...)"


def _false_hope_reply_share(data: EvidenceData, tz: str) -> tuple[float, str]:
    messages = _table(data, "messages", "author_role", "body")
    replies = ops.language(messages, "false_hope")
    if replies.empty:
        raise IndicatorUnavailable("the ticket messages hold no public agent replies")
    share = float(replies["false_hope"].astype(bool).mean())
    return share, (f"{share:.1%} of {len(replies):,} public agent replies promise without committing (\"I've "
                   f"passed your feedback on\", \"we'll consider it\", ...)")


def _release_spike_share(data: EvidenceData, tz: str) -> tuple[float, str]:
    tickets = _table(data, "tickets", "created_at")
    if data.releases is None or not len(data.releases):
        raise IndicatorUnavailable("no calendar of releases and changes was provided")
    spikes = ops.volume_spikes(tickets, data.releases, levels=("all", "product"), tz=tz)
    local = tickets["created_at"].dt.tz_convert(tz).dt.tz_localize(None)
    releases = data.releases[data.releases["date"].between(local.min().normalize(), local.max())]
    if releases.empty:
        raise IndicatorUnavailable("no listed release or change falls in the period of the tickets")
    followed = spikes.loc[spikes["release"] != ops.releases.NO_KNOWN_CHANGE, ["release", "release_date"]]
    hit = releases.merge(followed.drop_duplicates(), left_on=["name", "date"], right_on=["release", "release_date"])
    n, k = len(releases), len(hit.drop_duplicates(["name", "date"]))
    return k / n, (f"{k} of {n} releases and changes in the period were followed within "
                   f"{ops.releases.DEFAULT_WINDOW_DAYS} days by a rise in new tickets")


def _open_problem_cluster_age_days(data: EvidenceData, tz: str) -> tuple[float, str]:
    tickets = _table(data, "tickets", "created_at")
    assignments = data.duplicate_assignments
    if assignments is None or not (assignments["cluster_id"] >= 0).any():
        raise IndicatorUnavailable("the tickets were not grouped into recurring problems"
                                   if assignments is None else "no recurring problem was found in the tickets")
    clusters = duplicates.cluster_summary(tickets, assignments)
    # "Still active" is a maturity reading of the clusters (an unsolved ticket, or one in the last
    # ACTIVE_DAYS), not a duplicates measure: the open tickets are counted here.
    open_ids = tickets.loc[tickets["status"].isin(OPEN_STATUSES), "ticket_id"].astype("str")
    in_cluster = assignments.assign(ticket_id=assignments["ticket_id"].astype("str"))
    unsolved = in_cluster[in_cluster["ticket_id"].isin(open_ids)].groupby("cluster_id").size()
    as_of = tickets["created_at"].max()
    clusters = clusters.assign(unsolved=clusters["cluster_id"].map(unsolved).fillna(0))
    recent = clusters["last_seen"] >= as_of - pd.Timedelta(days=ACTIVE_DAYS)
    active = clusters[(clusters["tickets"] >= MIN_CLUSTER_TICKETS) & ((clusters["unsolved"] > 0) | recent)]
    if active.empty:
        raise IndicatorUnavailable(f"no recurring problem of {MIN_CLUSTER_TICKETS} or more tickets is still active")
    ages = (as_of - active["first_seen"]).dt.total_seconds() / 86400
    n = len(active)
    return float(ages.median()), (f"{n} recurring problem{'s' if n != 1 else ''} of {MIN_CLUSTER_TICKETS} or more "
                                  f"tickets {'are' if n != 1 else 'is'} still active, typically "
                                  f"{ages.median():.0f} days after {'their' if n != 1 else 'its'} first ticket")


def _csat_change(data: EvidenceData, tz: str) -> tuple[float, str]:
    responses = _csat_responses(data)
    if not has_values(responses, "submitted_at"):
        raise IndicatorUnavailable("the survey answers carry no submission dates")
    trend = survey.survey_trend(data.survey_responses, "csat", freq="quarter", tz=tz)
    usable = trend[(trend["n"] > 0) & ~trend["small_sample"].astype(bool)]
    if len(usable) < 2:
        raise IndicatorUnavailable("fewer than two quarters have enough satisfaction answers")
    first, last = usable.iloc[0], usable.iloc[-1]
    change = float(last["score"] - first["score"])
    return change, (f"{first['score']:.1%} of customers were satisfied in the quarter from "
                    f"{_date(first['period'])} and {last['score']:.1%} in the quarter from {_date(last['period'])}")


def _date(day: pd.Timestamp) -> str:
    return f"{day.day} {day:%B %Y}"


INDICATORS: dict[str, Indicator] = {i.name: i for i in (
    Indicator("csat_response_rate", "CSAT responses divided by CSAT invitations (survey.response_rates).",
              "share", _csat_response_rate),
    Indicator("csat_ci_width", "Width of the 95% Wilson interval of the CSAT share satisfied (survey.csat), "
              "a difference of fractions.", "share_difference", _csat_ci_width),
    Indicator("top_agents_ticket_share", "Share of tickets handled by the busiest 10% of agents "
              "(ops.workload_concentration).", "share", _top_agents_ticket_share),
    Indicator("top_agents_hard_share", "Share of hard tickets handled by the 10% of agents who handle most of them "
              "(ops.workload_concentration).", "share", _top_agents_hard_share),
    Indicator("reopen_rate", "Share of tickets solved at least once that were reopened (ops.conversation_summary).",
              "share", _reopen_rate),
    Indicator("fcr_rate", "First-contact resolution: share of solved tickets with one agent reply, never reopened "
              "(ops.conversation_summary).", "share", _fcr_rate),
    Indicator("median_agent_replies", "Median public agent replies per ticket (ops.conversation_summary).",
              "replies", _median_agent_replies),
    Indicator("hero_agents", "Agents flagged hero by ops.heroes_and_rework: more hard work received than the rest "
              "of their team, without more reopens of their own.", "agents", _hero_agents),
    Indicator("early_survey_teams", "Teams flagged by survey.early_surveys: most reopens of surveyed tickets came "
              "after the satisfaction survey was sent.", "teams", _early_survey_teams),
    Indicator("hedged_reply_share", "Share of public agent replies using hedging phrases from the lexicon "
              "(ops.hedging).", "share", _hedged_reply_share),
    Indicator("false_hope_reply_share", "Share of public agent replies with false-hope phrases from the lexicon "
              "(ops.language, kind false_hope).", "share", _false_hope_reply_share),
    Indicator("release_spike_share", "Share of the client's releases and changes in the period followed within a "
              "week by a rise in new tickets, overall or for their product (ops.volume_spikes).", "share",
              _release_spike_share),
    Indicator("watermelon_teams", "Teams flagged by ops.watermelon: operations in the best tier, experience in "
              "the worst.", "teams", _watermelon_teams),
    Indicator("open_problem_cluster_age_days", f"Median days since the first ticket of duplicate-issue clusters "
              f"({MIN_CLUSTER_TICKETS}+ tickets, duplicates.cluster_summary) still active: an unsolved ticket or "
              f"one in the last {ACTIVE_DAYS} days.", "days", _open_problem_cluster_age_days),
    Indicator("csat_change", "CSAT share satisfied in the last quarter minus the first quarter with enough ratings "
              "(survey.survey_trend), a difference of fractions.", "share_difference", _csat_change),
)}

INDICATOR_COLUMNS = ["indicator", "meaning", "unit", "value", "detail", "note"]


def compute_indicators(data: EvidenceData, names: list[str] | None = None, *, tz: str = "UTC",
                       indicators: Mapping[str, Indicator] | None = None) -> pd.DataFrame:
    """Compute indicators from the client's data.

    Parameters
    ----------
    data : the client's tables (:class:`~toolkit.maturity.inputs.EvidenceData`).
    names : indicators to compute (default: all of the registry).
    tz : the client's time zone (periods such as quarters begin in it).
    indicators : the registry to use (default :data:`INDICATORS`).

    Returns
    -------
    DataFrame with one row per indicator: indicator, meaning, unit, value (NaN when the data
    cannot give it), detail (the numbers behind the value), note (why not, in plain words).

    Examples
    --------
    >>> from toolkit.maturity.inputs import EvidenceData
    >>> compute_indicators(EvidenceData(), ["reopen_rate"])[["indicator", "value", "note"]]
         indicator  value                      note
    0  reopen_rate    NaN  no tickets were provided
    """
    if not isinstance(data, EvidenceData):
        raise TypeError(f"data must be an EvidenceData, got {type(data).__name__}: "
                        "build it with EvidenceData(tickets=..., messages=..., ...)")
    registry = INDICATORS if indicators is None else indicators
    rows = []
    for name in names if names is not None else list(registry):
        ind = registry[name]
        try:
            (value, detail), note = ind.compute(data, tz), ""
        except IndicatorUnavailable as exc:
            value, detail, note = np.nan, "", str(exc)
        rows.append({"indicator": name, "meaning": ind.meaning, "unit": ind.unit, "value": float(value),
                     "detail": detail, "note": note})
    return pd.DataFrame(rows, columns=INDICATOR_COLUMNS)
