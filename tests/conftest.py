"""Fixtures shared by several test files."""

from pathlib import Path

import pytest

MATURITY_FIXTURES = Path(__file__).parent / "fixtures" / "maturity"


@pytest.fixture(scope="module")
def model():
    """The tiny maturity model (tests/fixtures/maturity/tiny.yaml): 2 dimensions, 6 questions."""
    from toolkit.maturity.model import load_model

    return load_model(MATURITY_FIXTURES / "tiny.yaml")


@pytest.fixture(scope="module")
def answers(model):
    """Interview answers to the tiny model, with N/A, don't-know and unanswered questions."""
    from toolkit.maturity.answers import read_answers

    return read_answers(MATURITY_FIXTURES / "tiny_answers.csv", model)
