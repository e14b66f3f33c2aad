"""The maturity model as data: the shipped model is valid and complete; broken models give exact messages."""

from pathlib import Path

import pytest
import yaml

from toolkit.errors import ConfigError
from toolkit.maturity.indicators import INDICATORS
from toolkit.maturity.model import default_model_path, load_model, model_from_dict, yaml_path

FIXTURES = Path(__file__).parent / "fixtures" / "maturity"


def test_shipped_model_is_valid_and_complete():
    model = load_model()
    assert model.id == "support"
    assert model.version == "1.2.0"
    assert 8 <= len(model.dimensions) <= 10
    per_dimension = model.questions.groupby("dimension_id").size()
    assert per_dimension.between(3, 5).all()
    # Five descriptors per question, every one distinct and concrete enough to be a sentence.
    assert (model.levels.groupby("question_id").size() == 5).all()
    assert model.levels["descriptor"].str.len().min() > 20
    # Every question links to a seed idea and has a recommendation for every step 2..5.
    assert model.questions["source"].str.contains("seed").all()
    steps = model.recommendations.groupby("question_id")["to_level"].apply(sorted)
    assert len(steps) == len(model.questions)
    assert all(s == [2, 3, 4, 5] for s in steps)
    assert set(model.recommendations["effort"]) == {"low", "medium", "high"}
    assert set(model.evidence_rules["indicator"]) <= set(INDICATORS)
    # One claim per question (one verdict each), and client words for what every check measures.
    assert model.evidence_rules.drop_duplicates("claim_id")["question_id"].is_unique
    assert not model.evidence_rules["measure"].str.contains(r"[a-z]+_[a-z]+|[<>=]", regex=True).any()
    assert set(model.role_groups.values()) == {"management", "frontline"}


def test_shipped_model_covers_the_seed_themes():
    ids = set(load_model().dimensions["dimension_id"])
    assert {"destination", "capabilities", "obligations", "patterns", "outcomes", "collaboration", "upstream",
            "people", "voice", "communication"} == ids


def test_summary_is_one_line():
    model = load_model(FIXTURES / "tiny.yaml")
    assert model.summary() == (f"{FIXTURES / 'tiny.yaml'}: model 'tiny' version 0.1 is valid: 2 dimensions, "
                               "6 questions, 7 recommendations, 1 evidence claim (1 check)")


def test_tables_carry_weights_targets_and_defaults():
    model = load_model(FIXTURES / "tiny.yaml")
    assert model.dimensions.set_index("dimension_id")[["weight", "target"]].to_dict("index") == {
        "alpha": {"weight": 2.0, "target": 3.0}, "beta": {"weight": 1.0, "target": 4.0}}
    assert model.questions.set_index("question_id")["weight"].to_dict() == {
        "A-1": 2.0, "A-2": 1.0, "A-3": 1.0, "B-1": 1.0, "B-2": 1.0, "B-3": 1.0}
    assert model.role_groups == {"manager": "management", "agent": "frontline"}
    rec = model.recommendations.iloc[0].to_dict()
    assert rec == {"question_id": "A-1", "dimension_id": "alpha", "from_level": 1, "to_level": 2,
                   "action": "A-1 to two", "effort": "low"}


BROKEN = {
    "broken_four_levels.yaml": (
        "`dimensions[1].questions[0].levels`: expected a list of exactly 5 level descriptors (texts), "
        "level 1 first, found a list of 4 entries"),
    "broken_typo_key.yaml": (
        "`dimensions[0].questions[1].levles`: unknown key `levles`. Fix: did you mean `levels`? "
        "Allowed keys here: id, text, weight, source, levels, recommendations"),
    "broken_effort.yaml": (
        "`dimensions[0].questions[1].recommendations[0].effort`: expected one of low, medium, high, found 'hihg'"),
    "broken_duplicate_id.yaml": (
        "`dimensions[1].questions[2].id`: duplicate question 'B-1' (first used at `dimensions[1].questions[0].id`). "
        "Fix: give each question a unique value"),
    "broken_evidence_question.yaml": (
        "`evidence[0].question`: unknown question 'B-11'. Fix: did you mean 'B-1'?"),
    "broken_weight.yaml": "`dimensions[0].weight`: expected a positive number (default 1), found 'heavy'",
    "broken_missing_version.yaml": (
        "`version`: required key is missing. Fix: add `version`: a version string such as \"1.0.0\" "
        "(quote it in YAML)"),
    "broken_yaml_syntax.yaml": (
        ": the maturity model is not valid YAML at line 37, column 8 (did not find expected '-' indicator). "
        "Fix: check the indentation and quoting there (a value containing ': ' needs quotes)"),
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_broken_models_name_file_path_and_expectation(name):
    file = FIXTURES / name
    with pytest.raises(ConfigError) as info:
        load_model(file)
    separator = "" if BROKEN[name].startswith(":") else ", "
    assert str(info.value) == f"file {file}{separator}{BROKEN[name]}"
    assert info.value.file == str(file)


def test_unknown_indicator_lists_the_known_ones():
    data = yaml.safe_load((FIXTURES / "tiny.yaml").read_text())
    data["evidence"][0]["checks"][0]["indicator"] = "reopen_rat"
    with pytest.raises(ConfigError) as info:
        model_from_dict(data, file="m.yaml")
    assert str(info.value).startswith("file m.yaml, `evidence[0].checks[0].indicator`: unknown indicator 'reopen_rat'. "
                                      "Fix: did you mean 'reopen_rate'? Known indicators: csat_change, ")


def test_missing_file_and_empty_model():
    with pytest.raises(ConfigError, match="model file not found"):
        load_model("no/such/model.yaml")
    with pytest.raises(ConfigError, match="the model is empty"):
        model_from_dict(None)


def test_a_role_in_two_groups_is_an_error():
    data = yaml.safe_load((FIXTURES / "tiny.yaml").read_text())
    data["role_groups"]["frontline"].append("Manager")
    with pytest.raises(ConfigError) as info:
        model_from_dict(data)
    assert str(info.value) == ("`role_groups.frontline[1]`: duplicate role 'manager' (first used at "
                               "`role_groups.management[0]`). Fix: give each role a unique value")


def test_yaml_path_rendering():
    assert yaml_path(["dimensions", 2, "questions", 1, "levels"]) == "dimensions[2].questions[1].levels"
    assert yaml_path([]) == ""
    assert default_model_path().name == "support.yaml"


def test_a_key_written_twice_in_a_model_is_an_error(tmp_path):
    text = default_model_path().read_text(encoding="utf-8")
    broken = tmp_path / "model.yaml"
    broken.write_text(text + "id: another\n", encoding="utf-8")
    lines = text.count("\n") + 1
    first = next(i for i, line in enumerate(text.splitlines(), start=1) if line.startswith("id:"))
    with pytest.raises(ConfigError) as info:
        load_model(broken)
    assert str(info.value) == (f"file {broken}, `id`: key 'id' is written twice in one mapping (lines {first} and "
                               f"{lines}). Fix: keep one of them (YAML would silently use the last one)")


def test_a_check_without_a_measure_asks_for_plain_words():
    data = yaml.safe_load((FIXTURES / "tiny.yaml").read_text())
    del data["evidence"][0]["checks"][0]["measure"]
    with pytest.raises(ConfigError) as info:
        model_from_dict(data, file="m.yaml")
    assert str(info.value) == ("file m.yaml, `evidence[0].checks[0].measure`: required key is missing. Fix: add "
                               "`measure`: what the indicator measures, in plain words for the client (no code names)")


def test_a_flat_evidence_rule_points_at_checks():
    data = yaml.safe_load((FIXTURES / "tiny.yaml").read_text())
    data["evidence"][0] = {"id": "EV-reopen", "question": "B-1", "claim": "we resolve on first contact",
                           "indicator": "reopen_rate", "direction": "at_most", "threshold": 0.1}
    with pytest.raises(ConfigError) as info:
        model_from_dict(data, file="m.yaml")
    assert str(info.value) == ("file m.yaml, `evidence[0].indicator`: unknown key `indicator`. Fix: allowed keys "
                               "here: id, question, claim, claim_level, checks")


def test_evidence_rules_one_row_per_check(model):
    assert model.evidence_rules.to_dict("records") == [{
        "claim_id": "EV-reopen", "question_id": "B-1", "claim": "we resolve on first contact", "claim_level": 4,
        "indicator": "reopen_rate", "measure": "the share of solved tickets that were reopened",
        "direction": "at_most", "threshold": 0.1}]
