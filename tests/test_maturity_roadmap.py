"""Roadmap: which steps, how much gap each closes, and the documented ordering rule."""

import pytest

from toolkit.maturity.model import load_model
from toolkit.maturity.roadmap import ROADMAP_COLUMNS, build_roadmap


def test_quick_wins_come_first(answers, model):
    plan = build_roadmap(answers, model)
    assert list(plan.columns) == ROADMAP_COLUMNS
    # alpha (target 3): A-1 at 2 needs 2->3 (medium); A-2 at 3 is at target.
    # beta (target 4): B-3 at 3.5 needs 3->4 (low), B-1 at 3 needs 3->4 (high); B-2 unanswered gets nothing.
    assert plan[["priority", "phase", "question_id", "from_level", "to_level", "effort"]].values.tolist() == [
        [1, "first 90 days", "B-3", 3, 4, "low"],
        [2, "3-6 months", "A-1", 2, 3, "medium"],
        [3, "6-12 months", "B-1", 3, 4, "high"],
    ]
    # Gap closed = share of the dimension's scored weight * part of the step between score and target.
    assert plan["gap_closed"].tolist() == pytest.approx([0.5 * 0.5, 2 / 3 * 1, 0.5 * 1])
    assert plan["recommendation"].tolist() == ["B-3 to four", "A-1 to three", "B-1 to four"]
    assert plan["dimension_gap"].tolist() == pytest.approx([0.75, 3 - 7 / 3, 0.75])
    assert plan.attrs["notes"] == ["Unanswered questions in dimensions below target get no steps: B-2."]


def test_dependent_steps_land_in_later_phases(answers, model):
    plan = build_roadmap(answers, model, targets={"beta": 5})
    assert plan[["priority", "phase", "question_id", "to_level", "effort"]].values.tolist() == [
        [1, "first 90 days", "B-3", 4, "low"],
        [2, "3-6 months", "A-1", 3, "medium"],
        [3, "6-12 months", "B-1", 4, "high"],
        # B-1 -> 5 is low effort but builds on the high-effort step; B-3 -> 5 has no recommendation.
        [4, "after 12 months", "B-1", 5, "low"],
        [5, "after 12 months", "B-3", 5, "unknown"],
    ]
    assert plan.loc[4, "recommendation"] == "(the model has no recommendation for this step: write one)"
    assert plan["gap_closed"].tolist() == pytest.approx([0.25, 2 / 3, 0.5, 0.5, 0.5])


def test_no_gaps_no_roadmap(answers, model):
    assert build_roadmap(answers, model, targets=1).empty
    only_alpha = answers[answers["question_id"].str.startswith("A")]
    assert build_roadmap(only_alpha, model).attrs["notes"] == ["No roadmap steps for dimensions without answers: Beta."]


def test_fractional_targets_close_part_of_a_step(answers, model):
    plan = build_roadmap(answers, model, targets={"alpha": 2.5, "beta": 3})
    assert plan[["question_id", "from_level", "to_level"]].values.tolist() == [["A-1", 2, 3]]
    assert plan["gap_closed"].tolist() == pytest.approx([2 / 3 * 0.5])


def test_shipped_model_roadmap_on_sample_answers_is_ordered_by_phase():
    from toolkit.samples.maturity_answers import generate_maturity_answers

    model = load_model()
    plan = build_roadmap(generate_maturity_answers(model, 1), model)
    phases = ["first 90 days", "3-6 months", "6-12 months", "after 12 months"]
    ranks = plan["phase"].map(phases.index)
    assert ranks.is_monotonic_increasing
    assert plan.loc[plan["phase"] == "first 90 days", "effort"].eq("low").all()
    # Within a question, a higher level never comes before a lower one.
    assert plan.groupby("question_id")["to_level"].apply(lambda s: s.is_monotonic_increasing).all()


def test_each_step_names_its_dimensions_owner(answers, model):
    plan = build_roadmap(answers, model)
    assert set(plan["owner"]) == {"Head of support"}  # the tiny model names no owners: the default
    shipped = load_model().dimensions.set_index("dimension_id")["owner"]
    assert shipped["upstream"] == "Head of support with the engineering lead"
    assert shipped["communication"] == "Quality lead" and shipped.notna().all()
