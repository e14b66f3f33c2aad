"""Maturity scores per question, dimension and overall, with coverage, spread and disagreements.

Definitions (used in the report's methodology notes)
----------------------------------------------------
- **Question score**: the respondents' levels combined, the median by default
  (``combine`` = median, mean, min or max). "Not applicable" and "don't know" are not
  levels and are left out. A question is *not applicable* when nobody gave a level and
  every response was "not applicable"; it is *unanswered* when nobody gave a level
  otherwise (including "don't know" and no response at all).
- **Dimension score**: the weighted mean of its scored question scores, with the
  questions' weights (default 1). Unanswered questions are left out, not counted as 0.
- **Overall score**: the weighted mean of the scored dimension scores, with the
  dimensions' weights (default 1).
- **Coverage**: scored questions divided by applicable questions (all questions of the
  model minus the not-applicable ones), per dimension and overall.
- **Spread**: the highest minus the lowest respondent score (a respondent's own dimension
  score is the weighted mean of their levels on that dimension's questions).
- **Disagreement**: the median dimension score of one role group (management by
  default) minus another's (frontline); flagged when the absolute difference is at
  least the threshold (1.5 levels by default, or the model's ``disagreement_threshold``).
- **Gap**: target minus score, never below 0 (a dimension above target has gap 0).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from toolkit.errors import ConfigError
from toolkit.maturity.model import MaturityModel, load_model

COMBINE = ("median", "mean", "min", "max")

QUESTION_COLUMNS = ["question_id", "dimension_id", "dimension", "weight", "score", "status", "respondents",
                    "not_applicable", "dont_know", "min_level", "max_level", "spread"]
DIMENSION_COLUMNS = ["dimension_id", "dimension", "weight", "score", "target", "gap", "questions", "scored",
                     "not_applicable", "coverage", "min_respondent_score", "max_respondent_score", "spread"]
OVERALL_COLUMNS = ["score", "target", "gap", "dimensions", "scored_dimensions", "questions", "scored",
                   "not_applicable", "coverage", "respondents"]
RESPONDENT_COLUMNS = ["respondent", "role", "group", "dimension_id", "dimension", "score", "answered"]
DISAGREEMENT_COLUMNS = ["dimension_id", "dimension", "group_a", "group_b", "score_a", "score_b", "difference",
                        "respondents_a", "respondents_b", "threshold", "flagged", "note"]


def _check_combine(combine: str) -> None:
    if combine not in COMBINE:
        raise ConfigError(f"unknown way to combine respondents {combine!r}", key="combine",
                          fix=f"use one of {', '.join(COMBINE)}")


def score_questions(answers: pd.DataFrame, model: MaturityModel | None = None, *,
                    combine: str = "median") -> pd.DataFrame:
    """Score every question of the model from the respondents' answers.

    Parameters
    ----------
    answers : canonical maturity answers (see :func:`toolkit.maturity.answers.read_answers`).
    model : the maturity model (default: the shipped one).
    combine : median (default), mean, min or max of the respondents' levels.

    Returns
    -------
    DataFrame, one row per model question in model order: question_id, dimension_id, dimension,
    weight, score (NaN when not scored), status (scored, not_applicable, unanswered), respondents
    (how many gave a level), not_applicable, dont_know (how many said so), min_level, max_level,
    spread (max - min).

    Examples
    --------
    >>> import pandas as pd
    >>> from toolkit.maturity import load_model
    >>> from toolkit.schema import validate
    >>> model = load_model()
    >>> answers = validate(pd.DataFrame({"respondent": ["Dana", "Dana", "Tom", "Tom"],
    ...                                  "role": ["head of support", "head of support", "agent", "agent"],
    ...                                  "question_id": ["DS-1", "DS-2", "DS-1", "DS-2"],
    ...                                  "level": ["4", "3", "2", "n/a"]}), "maturity_answers")
    >>> score_questions(answers, model).head(3)[["question_id", "score", "status", "respondents", "not_applicable"]]
      question_id  score      status  respondents  not_applicable
    0        DS-1    3.0      scored            2               0
    1        DS-2    3.0      scored            1               1
    2        DS-3    NaN  unanswered            0               0
    """
    _check_combine(combine)
    model = load_model(model)
    levels = answers.loc[answers["status"] == "answered", ["question_id", "level"]].astype({"level": "float64"})
    stats = levels.groupby("question_id")["level"].agg(["count", combine, "min", "max"])
    stats.columns = ["respondents", "score", "min_level", "max_level"]
    status_counts = pd.crosstab(answers["question_id"], answers["status"]).reindex(
        columns=["not_applicable", "dont_know"], fill_value=0)
    frame = (model.questions[["question_id", "dimension_id", "dimension", "weight"]]
             .merge(stats, left_on="question_id", right_index=True, how="left")
             .merge(status_counts, left_on="question_id", right_index=True, how="left"))
    frame[["respondents", "not_applicable", "dont_know"]] = (
        frame[["respondents", "not_applicable", "dont_know"]].fillna(0).astype("int64"))
    frame["spread"] = frame["max_level"] - frame["min_level"]
    only_na = (frame["respondents"] == 0) & (frame["not_applicable"] > 0) & (frame["dont_know"] == 0)
    frame["status"] = np.where(frame["respondents"] > 0, "scored", np.where(only_na, "not_applicable", "unanswered"))
    return frame[QUESTION_COLUMNS].reset_index(drop=True)


def resolve_targets(model: MaturityModel, targets: Mapping[str, float] | float | None = None) -> pd.Series:
    """Target level per dimension: the model's default unless the client chose one.

    Parameters
    ----------
    targets : one number for every dimension, or ``{dimension_id: level}`` for some of them.

    Returns
    -------
    Series indexed by dimension_id.

    Examples
    --------
    >>> from toolkit.maturity import load_model
    >>> resolve_targets(load_model(), {"destination": 4}).head(2).to_dict()
    {'destination': 4.0, 'capabilities': 3.0}
    """
    result = model.dimensions.set_index("dimension_id")["target"].astype("float64")
    if targets is None:
        return result
    chosen = dict.fromkeys(result.index, float(targets)) if isinstance(targets, int | float) else dict(targets)
    for dim, level in chosen.items():
        if dim not in result.index:
            raise ConfigError(f"unknown dimension {dim!r}", key=f"targets.{dim}",
                              fix=f"use one of {', '.join(result.index)}")
        try:
            level = float(level)
        except (TypeError, ValueError):
            level = np.nan
        if not 1 <= level <= 5:
            raise ConfigError(f"target must be a level from 1 to 5, got {chosen[dim]!r}", key=f"targets.{dim}",
                              fix="choose a level between 1 and 5")
        result[dim] = level
    return result


def score_respondents(answers: pd.DataFrame, model: MaturityModel | None = None, *,
                      role_groups: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Each respondent's own score per dimension (weighted mean of their levels).

    Parameters
    ----------
    role_groups : ``{role: group}`` overriding or extending the model's role groups; roles in
        no group are in group ``other``. Roles are matched case-insensitively.

    Returns
    -------
    DataFrame, one row per respondent and dimension they gave at least one level on: respondent,
    role, group, dimension_id, dimension, score, answered (questions with a level).

    Examples
    --------
    >>> import pandas as pd
    >>> from toolkit.maturity import load_model
    >>> from toolkit.schema import validate
    >>> model = load_model()
    >>> answers = validate(pd.DataFrame({"respondent": ["Dana", "Dana", "Tom", "Tom"],
    ...                                  "role": ["head of support", "head of support", "agent", "agent"],
    ...                                  "question_id": ["DS-1", "DS-2", "DS-1", "DS-2"],
    ...                                  "level": ["4", "3", "2", "n/a"]}), "maturity_answers")
    >>> score_respondents(answers, model)[["respondent", "group", "dimension_id", "score", "answered"]]
      respondent       group dimension_id  score  answered
    0       Dana  management  destination    3.5         2
    1        Tom   frontline  destination    2.0         1
    """
    model = load_model(model)
    groups = _role_groups(model, role_groups)
    levels = (answers.loc[answers["status"] == "answered", ["respondent", "role", "question_id", "level"]]
              .merge(model.questions[["question_id", "dimension_id", "dimension", "weight"]], on="question_id"))
    levels["weighted"] = levels["level"].astype("float64") * levels["weight"]
    sums = levels.groupby(["respondent", "role", "dimension_id", "dimension"], sort=False)[
        ["weighted", "weight", "level"]].agg({"weighted": "sum", "weight": "sum", "level": "count"}).reset_index()
    sums["score"] = sums["weighted"] / sums["weight"]
    sums["answered"] = sums["level"].astype("int64")
    sums["group"] = sums["role"].str.strip().str.lower().map(groups).fillna("other").astype("str")
    order = model.dimensions.set_index("dimension_id")["order"]
    sums = sums.assign(_order=sums["dimension_id"].map(order)).sort_values(["respondent", "_order"], kind="stable")
    return sums[RESPONDENT_COLUMNS].reset_index(drop=True)


def score_dimensions(answers: pd.DataFrame, model: MaturityModel | None = None, *, combine: str = "median",
                     targets: Mapping[str, float] | float | None = None) -> pd.DataFrame:
    """Score every dimension from the combined question scores, with targets, gaps, coverage and spread.

    Returns
    -------
    DataFrame, one row per model dimension in model order: dimension_id, dimension, weight, score
    (NaN when no question is scored), target, gap, questions, scored, not_applicable, coverage,
    min_respondent_score, max_respondent_score, spread.

    Examples
    --------
    >>> import pandas as pd
    >>> from toolkit.maturity import load_model
    >>> from toolkit.schema import validate
    >>> model = load_model()
    >>> answers = validate(pd.DataFrame({"respondent": ["Dana", "Dana", "Tom", "Tom"],
    ...                                  "role": ["head of support", "head of support", "agent", "agent"],
    ...                                  "question_id": ["DS-1", "DS-2", "DS-1", "DS-2"],
    ...                                  "level": ["4", "3", "2", "n/a"]}), "maturity_answers")
    >>> dims = score_dimensions(answers, model)
    >>> dims.head(2)[["dimension_id", "score", "target", "gap", "coverage", "spread"]]
       dimension_id  score  target  gap  coverage  spread
    0   destination    3.0     3.0  0.0  0.666667     1.5
    1  capabilities    NaN     3.0  NaN  0.000000     NaN
    """
    model = load_model(model)
    questions = score_questions(answers, model, combine=combine)
    scored = questions[questions["status"] == "scored"].assign(
        weighted=lambda f: f["score"] * f["weight"])
    sums = scored.groupby("dimension_id")[["weighted", "weight"]].sum()
    counts = pd.crosstab(questions["dimension_id"], questions["status"]).reindex(
        columns=["scored", "not_applicable", "unanswered"], fill_value=0)
    people = score_respondents(answers, model).groupby("dimension_id")["score"].agg(["min", "max"])
    frame = model.dimensions[["dimension_id", "dimension", "weight"]].copy()
    frame["score"] = frame["dimension_id"].map(sums["weighted"] / sums["weight"])
    frame["target"] = frame["dimension_id"].map(resolve_targets(model, targets))
    frame["gap"] = (frame["target"] - frame["score"]).clip(lower=0)
    frame["questions"] = frame["dimension_id"].map(counts.sum(axis=1)).astype("int64")
    frame["scored"] = frame["dimension_id"].map(counts["scored"]).astype("int64")
    frame["not_applicable"] = frame["dimension_id"].map(counts["not_applicable"]).astype("int64")
    frame["coverage"] = _ratio(frame["scored"], frame["questions"] - frame["not_applicable"])
    frame["min_respondent_score"] = frame["dimension_id"].map(people["min"])
    frame["max_respondent_score"] = frame["dimension_id"].map(people["max"])
    frame["spread"] = frame["max_respondent_score"] - frame["min_respondent_score"]
    return frame[DIMENSION_COLUMNS].reset_index(drop=True)


def score_overall(dimension_scores: pd.DataFrame, answers: pd.DataFrame | None = None) -> pd.DataFrame:
    """The overall score from dimension scores (weighted by dimension weights), with coverage.

    Returns
    -------
    One-row DataFrame: score, target, gap (weighted means over scored dimensions; gap = target -
    score, not below 0), dimensions, scored_dimensions, questions, scored, not_applicable, coverage,
    respondents (distinct respondents in ``answers``; 0 when not given).

    Examples
    --------
    >>> import pandas as pd
    >>> from toolkit.maturity import load_model
    >>> from toolkit.schema import validate
    >>> model = load_model()
    >>> answers = validate(pd.DataFrame({"respondent": ["Dana", "Dana", "Tom", "Tom"],
    ...                                  "role": ["head of support", "head of support", "agent", "agent"],
    ...                                  "question_id": ["DS-1", "DS-2", "DS-1", "DS-2"],
    ...                                  "level": ["4", "3", "2", "n/a"]}), "maturity_answers")
    >>> score_overall(score_dimensions(answers, model), answers)[["score", "target", "scored_dimensions",
    ...                                                            "respondents"]]
       score  target  scored_dimensions  respondents
    0    3.0     3.0                  1            2
    """
    d = dimension_scores
    has = d["score"].notna()
    weight = d.loc[has, "weight"]
    score = float((d.loc[has, "score"] * weight).sum() / weight.sum()) if has.any() else np.nan
    target = float((d.loc[has, "target"] * weight).sum() / weight.sum()) if has.any() else np.nan
    applicable = int(d["questions"].sum() - d["not_applicable"].sum())
    row = {
        "score": score, "target": target, "gap": max(target - score, 0.0) if has.any() else np.nan,
        "dimensions": len(d), "scored_dimensions": int(has.sum()), "questions": int(d["questions"].sum()),
        "scored": int(d["scored"].sum()), "not_applicable": int(d["not_applicable"].sum()),
        "coverage": d["scored"].sum() / applicable if applicable else np.nan,
        "respondents": 0 if answers is None else int(answers["respondent"].nunique()),
    }
    return pd.DataFrame([row], columns=OVERALL_COLUMNS)


def disagreements(answers: pd.DataFrame, model: MaturityModel | None = None, *,
                  groups: tuple[str, str] = ("management", "frontline"),
                  role_groups: Mapping[str, str] | None = None, threshold: float | None = None) -> pd.DataFrame:
    """Compare two role groups per dimension and flag where they disagree.

    Parameters
    ----------
    groups : the two groups to compare (``score_a`` is the first).
    role_groups : ``{role: group}`` overriding or extending the model's ``role_groups``.
    threshold : levels of absolute difference that make a disagreement (default: the model's
        ``disagreement_threshold``, else 1.5).

    Returns
    -------
    DataFrame, one row per model dimension: dimension_id, dimension, group_a, group_b, score_a, score_b
    (median of the group's respondent dimension scores), difference (a - b), respondents_a,
    respondents_b, threshold, flagged, note (why a comparison could not be made).

    Examples
    --------
    >>> import pandas as pd
    >>> from toolkit.maturity import load_model
    >>> from toolkit.schema import validate
    >>> model = load_model()
    >>> answers = validate(pd.DataFrame({"respondent": ["Dana", "Dana", "Tom", "Tom"],
    ...                                  "role": ["head of support", "head of support", "agent", "agent"],
    ...                                  "question_id": ["DS-1", "DS-2", "DS-1", "DS-2"],
    ...                                  "level": ["4", "3", "2", "n/a"]}), "maturity_answers")
    >>> disagreements(answers, model).head(1)[["dimension_id", "score_a", "score_b", "difference", "flagged"]]
      dimension_id  score_a  score_b  difference  flagged
    0  destination      3.5      2.0         1.5     True
    """
    model = load_model(model)
    threshold = model.disagreement_threshold if threshold is None else float(threshold)
    people = score_respondents(answers, model, role_groups=role_groups)
    by_group = people.groupby(["dimension_id", "group"])["score"].agg(["median", "count"])
    frame = model.dimensions[["dimension_id", "dimension"]].copy()
    frame["group_a"], frame["group_b"] = groups
    for suffix, group in zip("ab", groups, strict=True):
        stats = by_group.xs(group, level="group") if group in by_group.index.get_level_values("group") else None
        frame[f"score_{suffix}"] = frame["dimension_id"].map(stats["median"]) if stats is not None else np.nan
        counts = frame["dimension_id"].map(stats["count"]) if stats is not None else 0
        frame[f"respondents_{suffix}"] = pd.Series(counts, index=frame.index).fillna(0).astype("int64")
    frame["difference"] = frame["score_a"] - frame["score_b"]
    frame["threshold"] = threshold
    frame["flagged"] = (frame["difference"].abs() >= threshold - 1e-9).fillna(False).astype(bool)
    frame["note"] = np.where(frame["respondents_a"] == 0, f"no {groups[0]} respondent scored this dimension",
                             np.where(frame["respondents_b"] == 0,
                                      f"no {groups[1]} respondent scored this dimension", ""))
    return frame[DISAGREEMENT_COLUMNS].reset_index(drop=True)


def _role_groups(model: MaturityModel, role_groups: Mapping[str, str] | None) -> dict[str, str]:
    groups = model.role_groups
    if role_groups:
        groups.update({str(k).strip().lower(): v for k, v in role_groups.items()})
    return groups


def _ratio(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    num = numerator.astype("float64")
    den = denominator.astype("float64")
    return (num / den).where(den > 0)
