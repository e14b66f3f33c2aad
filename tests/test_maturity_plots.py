"""Maturity figures are drawn from the tidy frames, with the values they were given."""

from pathlib import Path

import plotly.graph_objects as go
import pytest

from toolkit.maturity.answers import read_answers
from toolkit.maturity.model import load_model
from toolkit.maturity.portfolio import portfolio_percentiles
from toolkit.maturity.roadmap import build_roadmap
from toolkit.maturity.scoring import score_dimensions, score_respondents
from toolkit.plots.maturity import evidence_table, gap_bars, maturity_radar, respondent_heatmap, roadmap_table

FIXTURES = Path(__file__).parent / "fixtures" / "maturity"


@pytest.fixture(scope="module")
def scored():
    model = load_model(FIXTURES / "tiny.yaml")
    answers = read_answers(FIXTURES / "tiny_answers.csv", model)
    return model, answers, score_dimensions(answers, model)


def test_radar_has_client_target_and_portfolio(scored):
    _, _, dims = scored
    import pandas as pd

    portfolio = portfolio_percentiles(dims, pd.DataFrame({"engagement": ["E1", "E2"], "dimension_id": ["alpha"] * 2,
                                                          "score": [2.0, 3.0]}))
    fig = maturity_radar(dims, portfolio)
    assert isinstance(fig, go.Figure)
    assert [t.name for t in fig.data] == ["target", "portfolio median", "client"]
    client = fig.data[2]
    assert list(client.theta) == ["Alpha", "Beta", "Alpha"]  # closed polygon
    assert list(client.r) == pytest.approx([7 / 3, 3.25, 7 / 3])
    assert fig.data[1].r[0] == 2.5


def test_heatmap_rows_are_respondents_with_roles(scored):
    model, answers, _ = scored
    fig = respondent_heatmap(score_respondents(answers, model))
    heat = fig.data[0]
    assert list(heat.y) == ["Ann (manager)", "Bob (agent)", "Cy (agent)"]
    assert list(heat.x) == ["Alpha", "Beta"]
    assert heat.z[1][1] == 2.5


def test_gap_bars_and_roadmap_table(scored):
    model, answers, dims = scored
    bars = gap_bars(dims).data[0]
    assert list(bars.y) == ["Alpha", "Beta"]  # largest gap drawn last (top)
    assert list(bars.text) == ["2.3 → 3.0", "3.2 → 4.0"]
    table = roadmap_table(build_roadmap(answers, model)).data[0]
    assert list(table.cells.values[4]) == ["B-3 to four", "A-1 to three", "B-1 to four"]


def test_evidence_table_one_row_per_claim_with_its_verdict():
    import pandas as pd

    evidence = pd.DataFrame({"question_id": ["B-1", "B-2"], "claim": ["we resolve on first contact", "we measure"],
                             "verdict": ["not enough data", "contradicted"],
                             "reason": ["no tickets were provided", "40% of 10 solved tickets were reopened"],
                             "claimed_by": ["", "Ann (manager, level 4)"],
                             "contradicted_respondents": ["", "Ann (manager, level 4)"]})
    table = evidence_table(evidence).data[0]
    assert list(table.cells.values[2]) == ["not enough data", "contradicted"]
    assert list(table.cells.values[3]) == ["no tickets were provided", "40% of 10 solved tickets were reopened"]
    assert list(table.cells.fill.color[0]) == ["#ffffff", "#fde0c5"]
