"""Each report section's result frames, computed once from an :class:`~toolkit.report.inputs.Engagement`.

The functions here only call the analysis capabilities (``toolkit.survey``,
``toolkit.maturity``, ``toolkit.ops``, ``toolkit.duplicates``) with the engagement's
tables and parameters, and collect their frames, so that the report notebook can
show them and :mod:`toolkit.report.findings` can compose the executive summary from
the same numbers. When an input is missing (no survey file, no maturity answers) the
affected frames are ``None`` and a sentence in ``notes`` says why; nothing is
guessed. Errors from the capabilities (:class:`~toolkit.errors.DataError`,
:class:`~toolkit.errors.ConfigError`) propagate, so a render fails naming the section.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from toolkit.report.inputs import Engagement
from toolkit.schema import has_values


@dataclass
class CustomerExperience:
    """Survey results: headline scores, segments, trends, who answers, drivers and comment themes.

    Frames are the outputs of the named :mod:`toolkit.survey` functions (see their docstrings).
    """

    summary: pd.DataFrame | None = None  # survey_summary
    csat_by_segment: dict[str, pd.DataFrame] = field(default_factory=dict)  # compare_segments per segment
    csat_trend: pd.DataFrame | None = None  # survey_trend(csat, month)
    nps_trend: pd.DataFrame | None = None  # survey_trend(nps, quarter)
    response_rates: pd.DataFrame | None = None  # response_rates(by survey)
    nonresponse: pd.DataFrame | None = None  # nonresponse_bias(csat)
    drivers: pd.DataFrame | None = None  # satisfaction_drivers(csat)
    themes: pd.DataFrame | None = None  # comment_themes(nps)
    notes: list[str] = field(default_factory=list)


def _surveys(responses: pd.DataFrame | None) -> set[str]:
    if responses is None or not len(responses):
        return set()
    return set(responses.loc[responses["score"].notna(), "survey"].dropna().unique())


def customer_experience(engagement: Engagement) -> CustomerExperience:
    """The customer-experience section's frames (CSAT, NPS, CES, response rates, drivers, themes)."""
    from toolkit import survey

    result = CustomerExperience()
    responses, tickets = engagement.survey_responses, engagement.tickets
    present = _surveys(responses)
    if not present:
        result.notes.append("No survey answers were provided for the period, so satisfaction, NPS and effort "
                            "are not reported.")
        return result
    tz = engagement.parameters.timezone
    result.summary = survey.survey_summary(responses)
    if "csat" in present:
        for segment in engagement.parameters.segments:
            if has_values(tickets, segment) and "ticket_id" in responses.columns:
                result.csat_by_segment[segment] = survey.compare_segments(responses, segment, "csat", tickets=tickets)
        result.csat_trend = survey.survey_trend(responses, "csat", "month", tz=tz)
        result.drivers = survey.satisfaction_drivers(tickets, responses, "csat")
    if "nps" in present:
        result.nps_trend = survey.survey_trend(responses, "nps", "quarter", tz=tz)
        if has_values(responses, "comment"):
            result.themes = survey.comment_themes(responses, "nps")
    invitations = engagement.survey_invitations
    if invitations is not None and len(invitations):
        result.response_rates = survey.response_rates(invitations, responses, by="survey")
        if "csat" in present:
            result.nonresponse = survey.nonresponse_bias(invitations, responses, tickets, "csat")
    else:
        result.notes.append("No survey invitations were provided, so response rates and non-response bias "
                            "are not reported.")
    return result


@dataclass
class Maturity:
    """Maturity results from :mod:`toolkit.maturity` (see the named functions' docstrings)."""

    dimensions: pd.DataFrame | None = None  # score_dimensions
    overall: pd.DataFrame | None = None  # score_overall
    respondents: pd.DataFrame | None = None  # score_respondents
    disagreements: pd.DataFrame | None = None  # disagreements
    roadmap: pd.DataFrame | None = None  # build_roadmap
    notes: list[str] = field(default_factory=list)


def maturity(engagement: Engagement) -> Maturity:
    """The maturity section's frames: dimension and overall scores, disagreements, roadmap."""
    from toolkit.maturity import load_model
    from toolkit.maturity.roadmap import build_roadmap
    from toolkit.maturity.scoring import disagreements, score_dimensions, score_overall, score_respondents

    result = Maturity()
    answers = engagement.maturity_answers
    if answers is None or not len(answers):
        result.notes.append("No maturity interview answers were provided, so the maturity assessment and its "
                            "roadmap are not part of this report.")
        return result
    model = load_model(engagement.parameters.maturity_model)
    result.dimensions = score_dimensions(answers, model)
    result.overall = score_overall(result.dimensions, answers)
    result.respondents = score_respondents(answers, model)
    result.disagreements = disagreements(answers, model)
    result.roadmap = build_roadmap(answers, model)
    return result
