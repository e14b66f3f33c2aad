"""Maturity assessment: a model kept as YAML data, interview answers, scores, evidence and a roadmap.

Typical use::

    from toolkit import maturity
    model = maturity.load_model()                          # the shipped model, validated
    answers = maturity.read_answers("answers.csv", model)  # CSV, YAML or a folder of them
    dims = maturity.score_dimensions(answers, model)       # scores, targets, gaps, coverage, spread
    flags = maturity.disagreements(answers, model)         # management vs frontline
    plan = maturity.build_roadmap(answers, model)          # prioritised recommendations by phase
    evidence = maturity.evaluate_evidence(model, answers, tables, tz="Europe/London")
    ranks = maturity.portfolio_percentiles(dims, maturity.read_portfolio("portfolio/"))

Modules: ``model`` (loading and validation against ``model.schema.json``), ``answers``
(YAML/CSV answers, atomic saves), ``scoring`` (definitions of every score), ``roadmap``
(the ordering rule), ``evidence`` (interview claims vs data), ``portfolio`` (percentiles
against earlier engagements), ``cli`` (``support-toolkit maturity``). Figures are in
:mod:`toolkit.plots.maturity`; the interview form is
:class:`toolkit.widgets.questionnaire.MaturityQuestionnaire`.
"""

from toolkit.maturity.answers import read_answers, save_answers
from toolkit.maturity.evidence import INDICATORS, compute_indicators, evaluate_evidence, read_tables
from toolkit.maturity.model import MaturityModel, load_model
from toolkit.maturity.portfolio import portfolio_percentiles, read_portfolio
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
    "MaturityModel",
    "build_roadmap",
    "compute_indicators",
    "disagreements",
    "evaluate_evidence",
    "load_model",
    "portfolio_percentiles",
    "read_answers",
    "read_portfolio",
    "read_tables",
    "resolve_targets",
    "roadmap_from_scores",
    "save_answers",
    "score_dimensions",
    "score_overall",
    "score_questions",
    "score_respondents",
]
