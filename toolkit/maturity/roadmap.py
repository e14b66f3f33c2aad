"""From gaps to a prioritised roadmap: which recommendations, in which order, in which phase.

Which steps
-----------
Only dimensions below their target (gap > 0) get steps. For each scored question of
such a dimension whose combined level is below the dimension's target, every level
transition between its current level and the target is a step, with the model's
recommendation for reaching that level. Unanswered questions get no steps (they show
as missing coverage instead).

Gap closed
----------
How much the step raises the dimension score: the question's share of the
dimension's scored weight times the part of the step that lies between the current
score and the target, ``share * (min(to, target) - max(to - 1, score))``.

Ordering rule (documented because clients ask "why this first?")
----------------------------------------------------------------
1. **Phase** from a rank: the step index (0 for the next level of a question, 1 for
   the level after, ...) plus the highest effort rank among this step and the
   question's earlier steps (effort low = 0, medium = 1, high = 2; a step without a
   recommendation counts as high). Rank 0 is *first 90 days*, 1 is *3-6 months*, 2 is
   *6-12 months*, 3 or more is *after 12 months*. So quick wins (low effort, next
   level) come first, big steps later, and a step always lands in a later phase than
   the step it builds on (a question cannot reach level 4 before level 3).
2. Within a phase: lower effort first, then larger gap closed, then the dimension with
   the larger gap, then model order (question, level).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from toolkit.maturity.model import MaturityModel, load_model
from toolkit.maturity.scoring import score_dimensions, score_questions

PHASES = ("first 90 days", "3-6 months", "6-12 months", "after 12 months")
EFFORT_RANK = {"low": 0, "medium": 1, "high": 2, "unknown": 2}

ROADMAP_COLUMNS = ["priority", "phase", "dimension_id", "dimension", "owner", "question_id", "from_level", "to_level",
                   "recommendation", "effort", "gap_closed", "dimension_gap", "question_score", "target"]


def build_roadmap(answers: pd.DataFrame, model: MaturityModel | None = None, *, combine: str = "median",
                  targets: Mapping[str, float] | float | None = None) -> pd.DataFrame:
    """A prioritised roadmap of recommendations that close the gaps to the targets.

    Parameters
    ----------
    answers : canonical maturity answers.
    model : the maturity model (default: the shipped one).
    combine : how respondents are combined (see :func:`~toolkit.maturity.scoring.score_questions`).
    targets : client-chosen targets (see :func:`~toolkit.maturity.scoring.resolve_targets`).

    Returns
    -------
    DataFrame, one row per step, in priority order (see the module docstring): priority (1 = first),
    phase, dimension_id, dimension, owner (the role the model names for the dimension), question_id,
    from_level, to_level, recommendation, effort (low/medium/high, or unknown when the model has no
    recommendation for the step), gap_closed,
    dimension_gap, question_score, target. ``result.attrs["notes"]`` says what was left out.

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
    >>> plan = build_roadmap(answers, model, targets={"destination": 4})
    >>> plan[["priority", "phase", "question_id", "from_level", "to_level", "effort", "gap_closed"]]
       priority       phase question_id  from_level  to_level  effort  gap_closed
    0         1  3-6 months        DS-1           3         4  medium         0.5
    1         2  3-6 months        DS-2           3         4  medium         0.5
    >>> plan.attrs["notes"][-1]
    'Unanswered questions in dimensions below target get no steps: DS-3.'
    """
    model = load_model(model)
    questions = score_questions(answers, model, combine=combine)
    dimensions = score_dimensions(answers, model, combine=combine, targets=targets)
    return roadmap_from_scores(questions, dimensions, model)


def roadmap_from_scores(question_scores: pd.DataFrame, dimension_scores: pd.DataFrame,
                        model: MaturityModel) -> pd.DataFrame:
    """The roadmap from already computed question and dimension scores (see :func:`build_roadmap`).

    ``result.attrs["notes"]`` lists what the roadmap leaves out: dimensions without a score and
    unanswered questions in dimensions below target.
    """
    notes = []
    unscored = dimension_scores.loc[dimension_scores["score"].isna(), "dimension"].tolist()
    if unscored:
        notes.append(f"No roadmap steps for dimensions without answers: {', '.join(unscored)}.")
    dims = dimension_scores.loc[dimension_scores["gap"] > 0, ["dimension_id", "dimension", "target", "gap"]]
    open_questions = question_scores[(question_scores["status"] == "unanswered")
                                     & question_scores["dimension_id"].isin(dims["dimension_id"])]["question_id"]
    if len(open_questions):
        notes.append(f"Unanswered questions in dimensions below target get no steps: {', '.join(open_questions)}.")
    result = _steps(question_scores, dims, model)
    result.attrs["notes"] = notes
    return result


def _steps(question_scores: pd.DataFrame, dims: pd.DataFrame, model: MaturityModel) -> pd.DataFrame:
    if dims.empty:
        return pd.DataFrame(columns=ROADMAP_COLUMNS)
    q = question_scores[question_scores["status"] == "scored"].merge(dims, on="dimension_id", suffixes=("", "_d"))
    # Shares must be of the dimension's whole scored weight, including questions already at target.
    scored_weight = question_scores[question_scores["status"] == "scored"].groupby("dimension_id")["weight"].sum()
    q["share"] = q["weight"] / q["dimension_id"].map(scored_weight)
    q = q[q["score"] < q["target"]]
    if q.empty:
        return pd.DataFrame(columns=ROADMAP_COLUMNS)
    first = np.floor(q["score"]).astype("int64") + 1
    last = np.ceil(q["target"]).astype("int64")
    counts = (last - first + 1).clip(lower=0)
    steps = q.loc[q.index.repeat(counts)].copy()
    steps["step"] = steps.groupby(level=0).cumcount()
    steps["to_level"] = first.loc[steps.index].to_numpy() + steps["step"].to_numpy()
    steps["from_level"] = steps["to_level"] - 1
    low = np.maximum(steps["from_level"], steps["score"])
    high = np.minimum(steps["to_level"], steps["target"])
    steps["gap_closed"] = steps["share"] * (high - low)
    recs = model.recommendations[["question_id", "to_level", "action", "effort"]]
    steps = steps.reset_index(drop=True).merge(recs, on=["question_id", "to_level"], how="left")
    steps["effort"] = steps["effort"].fillna("unknown")
    steps["recommendation"] = steps["action"].fillna(
        "(the model has no recommendation for this step: write one)")
    steps["effort_rank"] = steps["effort"].map(EFFORT_RANK)
    # step + cummax(effort) == max(effort_i + i, previous rank + 1): each step lands after the one it builds on.
    rank = steps["step"] + steps.groupby("question_id")["effort_rank"].cummax()
    steps["phase_rank"] = rank.clip(upper=len(PHASES) - 1)
    steps["phase"] = steps["phase_rank"].map(dict(enumerate(PHASES)))
    order = model.questions.set_index("question_id")["order"]
    steps["q_order"] = steps["question_id"].map(order)
    steps = steps.sort_values(["phase_rank", "effort_rank", "gap_closed", "gap", "q_order", "to_level"],
                              ascending=[True, True, False, False, True, True], kind="stable")
    steps["priority"] = np.arange(1, len(steps) + 1)
    steps["owner"] = steps["dimension_id"].map(model.dimensions.set_index("dimension_id")["owner"])
    steps = steps.rename(columns={"gap": "dimension_gap", "score": "question_score"})
    return steps[ROADMAP_COLUMNS].reset_index(drop=True)
