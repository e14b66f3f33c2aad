"""The sample client's interviews: designed disagreements are flagged, and the data contradicts claims."""

from pathlib import Path

import pandas as pd
import pytest

from toolkit.maturity.evidence import evaluate_evidence
from toolkit.maturity.model import load_model
from toolkit.maturity.scoring import disagreements
from toolkit.samples.maturity_answers import (
    DESIGNED_DISAGREEMENTS,
    RESPONDENTS,
    generate_maturity_answers,
    generate_portfolio_scores,
)
from toolkit.schema import empty

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"


@pytest.fixture(scope="module")
def model():
    return load_model()


def test_generator_is_deterministic_and_canonical(model):
    a = generate_maturity_answers(model, 3)
    pd.testing.assert_frame_equal(a, generate_maturity_answers(model, 3))
    assert a.dtypes.to_dict() == empty("maturity_answers").dtypes.to_dict()
    assert len(a) == len(RESPONDENTS) * len(model.questions)
    assert set(a["role"]) == {"head of support", "team lead", "agent", "product manager", "engineering manager"}
    assert set(a["status"]) == {"answered", "not_applicable", "dont_know"}


@pytest.mark.parametrize("seed", [0, 1, 20251001])
def test_designed_disagreements_are_exactly_the_flagged_ones(model, seed):
    d = disagreements(generate_maturity_answers(model, seed), model)
    assert set(d.loc[d["flagged"], "dimension_id"]) == set(DESIGNED_DISAGREEMENTS)
    assert (d.loc[d["flagged"], "difference"] >= 1.5).all()


def test_portfolio_generator(model):
    p = generate_portfolio_scores(model, 1)
    assert p["engagement"].nunique() == 24
    assert p["score"].between(1, 5).all()
    pd.testing.assert_frame_equal(p, generate_portfolio_scores(model, 1))


def test_portfolio_sample_file_is_the_generator_output(model):
    file = SAMPLES / "portfolio_scores.csv"
    if not file.exists():
        pytest.skip("data/samples/portfolio_scores.csv is not there")
    expected = generate_portfolio_scores(model, 20251001)
    pd.testing.assert_frame_equal(pd.read_csv(file), expected, check_dtype=False)


@pytest.fixture(scope="module")
def sample():
    if not (SAMPLES / "tickets.csv.gz").exists() and not (SAMPLES / "tickets.csv").exists():
        pytest.skip("no sample data in data/samples (run `support-toolkit samples`)")
    from toolkit.samples import load_sample

    return load_sample(SAMPLES)


def test_sample_answers_flag_the_documented_disagreements(sample, model):
    d = disagreements(sample["maturity_answers"], model)
    assert set(d.loc[d["flagged"], "dimension_id"]) == {"capabilities", "outcomes", "voice"}


def test_sample_data_contradicts_interview_claims(sample, model):
    from toolkit.maturity.inputs import EvidenceData

    data = EvidenceData(tickets=sample["tickets"], messages=sample["messages"],
                        survey_responses=sample["survey_responses"], invitations=sample["survey_invitations"])
    e = evaluate_evidence(model, sample["maturity_answers"], data, tz="Europe/London").set_index("claim_id")
    assert e.index.tolist() == model.evidence_rules["claim_id"].unique().tolist()  # one verdict per claim
    # The head of support's "we resolve on first contact" (MO-3 level 4): reopens and FCR say otherwise.
    contradicted = e[e["contradicted_respondents"].str.contains("Dana")]
    assert {"EV-first-contact", "EV-watermelon", "EV-no-heroes"} <= set(contradicted.index)
    assert e.loc["EV-first-contact", "reason"].startswith("10.2% of 19,891 solved tickets were reopened")
    assert e.loc["EV-watermelon", "reason"].startswith("Rapid Response looks green but feels red")
    # The combined answers claim "no hero culture" (CP-1 median 3); hard cases say otherwise.
    assert (e.loc["EV-no-heroes", "claimed"], e.loc["EV-no-heroes", "verdict"]) == (True, "contradicted")
    # Without the recurring problems, UP-1 cannot be tested, and says so in plain words.
    assert e.loc["EV-duplicate-age", "verdict"] == "not enough data"
    assert e.loc["EV-duplicate-age", "finding"] == ('Not enough data to test "bugs reach engineering quickly": the '
                                                    "tickets were not grouped into recurring problems.")
