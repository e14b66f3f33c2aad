"""Scores with exact numbers: weights, N/A, don't know, partial answers, several respondents, disagreements."""

import numpy as np
import pandas as pd
import pytest

from toolkit.errors import ConfigError
from toolkit.maturity.scoring import (
    disagreements,
    resolve_targets,
    score_dimensions,
    score_overall,
    score_questions,
    score_respondents,
)
from toolkit.schema import validate


def test_question_scores_median_spread_and_status(answers, model):
    q = score_questions(answers, model).set_index("question_id")
    assert q["score"].to_dict() == pytest.approx(
        {"A-1": 2.0, "A-2": 3.0, "A-3": np.nan, "B-1": 3.0, "B-2": np.nan, "B-3": 3.5}, nan_ok=True)
    assert q["status"].to_dict() == {"A-1": "scored", "A-2": "scored", "A-3": "not_applicable", "B-1": "scored",
                                     "B-2": "unanswered", "B-3": "scored"}
    assert q.loc["A-1", ["respondents", "min_level", "max_level", "spread"]].tolist() == [3, 1.0, 4.0, 3.0]
    assert q.loc["A-2", ["respondents", "not_applicable", "dont_know"]].tolist() == [1, 1, 1]
    assert q.loc["A-3", ["respondents", "not_applicable", "dont_know"]].tolist() == [0, 3, 0]
    assert q.loc["B-2", ["respondents", "not_applicable", "dont_know"]].tolist() == [0, 0, 1]


def test_other_ways_to_combine(answers, model):
    assert score_questions(answers, model, combine="mean").set_index("question_id").loc["A-1", "score"] == \
        pytest.approx(7 / 3)
    assert score_questions(answers, model, combine="min").set_index("question_id").loc["B-3", "score"] == 3.0
    with pytest.raises(ConfigError, match=r"`combine`: unknown way to combine respondents 'mode'"):
        score_questions(answers, model, combine="mode")


def test_dimension_scores_are_weighted_with_coverage_and_spread(answers, model):
    d = score_dimensions(answers, model).set_index("dimension_id")
    # alpha: A-1 = 2 (weight 2), A-2 = 3 (weight 1); A-3 not applicable -> (2*2 + 3) / 3.
    assert d.loc["alpha", "score"] == pytest.approx(7 / 3)
    assert d.loc["alpha", ["questions", "scored", "not_applicable"]].tolist() == [3, 2, 1]
    assert d.loc["alpha", "coverage"] == 1.0
    assert d.loc["alpha", "gap"] == pytest.approx(3 - 7 / 3)
    # beta: B-1 = 3, B-3 = 3.5; B-2 only "don't know" -> unanswered, counted against coverage.
    assert d.loc["beta", "score"] == pytest.approx(3.25)
    assert d.loc["beta", "coverage"] == pytest.approx(2 / 3)
    assert d.loc["beta", "gap"] == pytest.approx(0.75)
    # Respondents' own alpha scores: Ann (4*2 + 3) / 3, Bob 2, Cy 1.
    assert d.loc["alpha", ["min_respondent_score", "max_respondent_score", "spread"]].tolist() == \
        pytest.approx([1.0, 11 / 3, 8 / 3])
    assert d.loc["beta", "spread"] == pytest.approx(4.0 - 2.5)


def test_overall_score_weights_dimensions(answers, model):
    o = score_overall(score_dimensions(answers, model), answers).iloc[0]
    # (2 * 7/3 + 1 * 3.25) / 3 = 95/36; target (2*3 + 4) / 3 = 10/3.
    assert o["score"] == pytest.approx(95 / 36)
    assert o["target"] == pytest.approx(10 / 3)
    assert o["gap"] == pytest.approx(25 / 36)
    assert o["coverage"] == pytest.approx(4 / 5)
    assert o[["dimensions", "scored_dimensions", "questions", "scored", "not_applicable", "respondents"]].tolist() \
        == [2, 2, 6, 4, 1, 3]


def test_partial_answers_leave_unscored_dimensions_out(model):
    only_alpha = validate(pd.DataFrame({"respondent": ["Ann"], "role": ["manager"], "question_id": ["A-1"],
                                        "level": ["3"]}), "maturity_answers")
    d = score_dimensions(only_alpha, model).set_index("dimension_id")
    assert d.loc["alpha", "score"] == 3.0
    assert d.loc["alpha", "coverage"] == pytest.approx(1 / 3)
    assert np.isnan(d.loc["beta", "score"]) and np.isnan(d.loc["beta", "gap"])
    assert d.loc["beta", "coverage"] == 0.0
    o = score_overall(score_dimensions(only_alpha, model)).iloc[0]
    assert o["score"] == 3.0 and o["scored_dimensions"] == 1 and o["respondents"] == 0


def test_client_targets_override_the_model(answers, model):
    assert resolve_targets(model, {"beta": 5}).to_dict() == {"alpha": 3.0, "beta": 5.0}
    assert resolve_targets(model, 2).to_dict() == {"alpha": 2.0, "beta": 2.0}
    d = score_dimensions(answers, model, targets={"alpha": 2}).set_index("dimension_id")
    assert d.loc["alpha", "gap"] == 0.0  # above target: no gap, never negative
    with pytest.raises(ConfigError) as info:
        resolve_targets(model, {"gamma": 3})
    assert str(info.value) == "`targets.gamma`: unknown dimension 'gamma'. Fix: use one of alpha, beta"
    with pytest.raises(ConfigError, match=r"`targets.beta`: target must be a level from 1 to 5, got 7"):
        resolve_targets(model, {"beta": 7})


def test_respondent_scores_and_groups(answers, model):
    r = score_respondents(answers, model)
    assert r[["respondent", "group", "dimension_id", "score", "answered"]].values.tolist() == [
        ["Ann", "management", "alpha", pytest.approx(11 / 3), 2],
        ["Ann", "management", "beta", 4.0, 2],
        ["Bob", "frontline", "alpha", 2.0, 1],
        ["Bob", "frontline", "beta", 2.5, 2],
        ["Cy", "frontline", "alpha", 1.0, 1],
        ["Cy", "frontline", "beta", 3.0, 1],
    ]


def test_disagreements_flag_management_vs_frontline(answers, model):
    d = disagreements(answers, model).set_index("dimension_id")
    # alpha: Ann 11/3 vs median(Bob 2, Cy 1) = 1.5 -> 2.17 >= 1.5; beta: 4.0 vs median(2.5, 3) = 2.75 -> 1.25.
    assert d["difference"].to_dict() == pytest.approx({"alpha": 11 / 3 - 1.5, "beta": 1.25})
    assert d["flagged"].to_dict() == {"alpha": True, "beta": False}
    assert d.loc["alpha", ["respondents_a", "respondents_b"]].tolist() == [1, 2]
    assert disagreements(answers, model, threshold=1.25).set_index("dimension_id")["flagged"].to_dict() == \
        {"alpha": True, "beta": True}


def test_disagreement_at_exactly_the_threshold_is_flagged(model):
    frame = validate(pd.DataFrame({"respondent": ["M", "M", "F", "F"], "role": ["manager"] * 2 + ["agent"] * 2,
                                   "question_id": ["B-1", "B-3", "B-1", "B-3"], "level": ["4", "3", "2", "2"]}),
                     "maturity_answers")
    assert disagreements(frame, model).set_index("dimension_id").loc["beta", "flagged"]


def test_role_groups_can_be_given_as_a_parameter(answers, model):
    d = disagreements(answers, model, role_groups={"agent": "management"}).set_index("dimension_id")
    assert d.loc["alpha", "respondents_b"] == 0
    assert not d["flagged"].any()
    assert d.loc["alpha", "note"] == "no frontline respondent scored this dimension"
