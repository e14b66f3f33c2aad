"""Maturity assessment: a model kept as YAML data, interview answers, scores, evidence and a roadmap.

Typical use::

    from toolkit import maturity
    model = maturity.load_model()                          # the shipped model, validated
    answers = maturity.read_answers("answers.csv", model)  # CSV, YAML or a folder of them
    dims = maturity.score_dimensions(answers, model)       # scores, targets, gaps, coverage, spread
    flags = maturity.disagreements(answers, model)         # management vs frontline
    plan = maturity.build_roadmap(answers, model)          # prioritised recommendations by phase
    data = maturity.EvidenceData(tickets=tickets, messages=messages, survey_responses=responses,
                                 invitations=invitations, duplicate_assignments=finder.assignments_)
    claims = maturity.evaluate_evidence(model, answers, data, tz="Europe/London")  # one verdict per claim
    ranks = maturity.portfolio_percentiles(dims, maturity.read_portfolio("portfolio/"))

Modules: ``model`` (loading and validation against ``model.schema.json``), ``answers``
(YAML/CSV answers, atomic saves), ``scoring`` (definitions of every score), ``roadmap``
(the ordering rule), ``inputs`` (:class:`EvidenceData`, the data claims are tested against),
``indicators`` (the registry of indicators, each computed by ``toolkit.ops``, ``toolkit.survey``
or ``toolkit.duplicates``), ``evidence`` (one verdict per interview claim), ``portfolio`` (percentiles
against earlier engagements), ``cli`` (``support-toolkit maturity``). Figures are in
:mod:`toolkit.plots.maturity`; the interview form is
:class:`toolkit.widgets.questionnaire.MaturityQuestionnaire`.
"""

from toolkit.maturity.answers import read_answers, save_answers
from toolkit.maturity.evidence import evaluate_evidence, evidence_checks
from toolkit.maturity.indicators import INDICATORS, compute_indicators
from toolkit.maturity.inputs import EvidenceData, read_evidence_data
from toolkit.maturity.model import MaturityModel, load_model
from toolkit.maturity.portfolio import portfolio_percentiles, portfolio_standing, read_portfolio
from toolkit.maturity.roadmap import build_roadmap, roadmap_from_scores
from toolkit.maturity.scoring import (
    disagreements,
    resolve_targets,
    score_dimensions,
    score_overall,
    score_questions,
    score_respondents,
)

__all__ = [
    "INDICATORS",
    "EvidenceData",
    "MaturityModel",
    "build_roadmap",
    "compute_indicators",
    "disagreements",
    "evaluate_evidence",
    "evidence_checks",
    "load_model",
    "portfolio_percentiles",
    "portfolio_standing",
    "read_answers",
    "read_evidence_data",
    "read_portfolio",
    "resolve_targets",
    "roadmap_from_scores",
    "save_answers",
    "score_dimensions",
    "score_overall",
    "score_questions",
    "score_respondents",
]
