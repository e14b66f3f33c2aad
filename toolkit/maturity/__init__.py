"""Maturity assessment: a model kept as YAML data, interview answers, scores, evidence and a roadmap.

Typical use::

    from toolkit import maturity
    model = maturity.load_model()                     # the shipped model, validated
    answers = maturity.read_answers("answers.csv", model)
    dims = maturity.score_dimensions(answers, model)  # scores, targets, gaps, coverage, spread
    plan = maturity.build_roadmap(answers, model)     # prioritised recommendations by phase

Modules: ``model`` (loading and validation), ``answers`` (YAML/CSV answers), ``scoring``,
``roadmap``, ``evidence`` (interview claims vs data), ``portfolio`` (percentiles against
earlier engagements), ``cli`` (``support-toolkit maturity``).
"""

from toolkit.maturity.model import MaturityModel, load_model

__all__ = ["MaturityModel", "load_model"]
