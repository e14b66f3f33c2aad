"""Portfolio comparison: percentiles per dimension against earlier engagements."""

import numpy as np
import pandas as pd
import pytest

from toolkit.errors import DataError
from toolkit.maturity.portfolio import portfolio_percentiles, read_portfolio

CLIENT = pd.DataFrame({"dimension_id": ["alpha", "beta", "gamma"], "dimension": ["Alpha", "Beta", "Gamma"],
                       "score": [3.0, 2.0, np.nan]})


def test_percentiles_count_ties_as_half(tmp_path):
    (tmp_path / "a.csv").write_text("engagement,dimension_id,score\nE1,alpha,2\nE2,alpha,3\nE3,alpha,4\nE1,beta,3\n")
    (tmp_path / "b.csv").write_text("engagement,alpha,beta\nE4,1,2\n")  # wide layout
    portfolio = read_portfolio(tmp_path)
    assert len(portfolio) == 6
    p = portfolio_percentiles(CLIENT, portfolio).set_index("dimension_id")
    # alpha: others 2, 3, 4, 1 -> 2 below, 1 tie: (2 + 0.5) / 4 = 62.5%.
    assert p.loc["alpha", ["portfolio_engagements", "portfolio_median", "percentile"]].tolist() == [4, 2.5, 62.5]
    assert p.loc["alpha", ["portfolio_p25", "portfolio_p75"]].tolist() == [1.75, 3.25]
    # beta: others 3, 2 -> 0 below, 1 tie: 0.5 / 2 = 25%.
    assert p.loc["beta", "percentile"] == 25.0
    assert p.loc["gamma", "portfolio_engagements"] == 0 and np.isnan(p.loc["gamma", "percentile"])


def test_bad_portfolio_files(tmp_path):
    file = tmp_path / "p.csv"
    file.write_text("engagement,dimension_id,score\nE1,alpha,7\n")
    with pytest.raises(DataError) as info:
        read_portfolio(file)
    assert str(info.value) == (f"file {file}, column `score`: score is not a number from 1 to 5 (row 2 (7)). "
                               "Fix: correct or remove these rows")
    file.write_text("id,score\nE1,3\n")
    with pytest.raises(DataError, match="column `engagement`: required column is missing"):
        read_portfolio(file)
    with pytest.raises(DataError, match="portfolio file or folder not found"):
        read_portfolio(tmp_path / "none")


def test_portfolio_standing_adds_the_overall_row_against_each_engagements_mean():
    from toolkit.maturity.portfolio import PORTFOLIO_COLUMNS, portfolio_standing

    earlier = pd.DataFrame({"engagement": ["a", "a", "b", "b", "c", "c"], "dimension_id": ["x", "y"] * 3,
                            "score": [1.0, 3.0, 2.0, 4.0, 4.0, 4.0]})
    dims = pd.DataFrame([{"dimension_id": "x", "dimension": "X", "score": 2.0, "portfolio_engagements": 3,
                          "portfolio_p25": 1.5, "portfolio_median": 2.0, "portfolio_p75": 3.0, "percentile": 50.0}],
                        columns=PORTFOLIO_COLUMNS)
    out = portfolio_standing(dims, pd.DataFrame({"score": [3.0]}), earlier)
    assert out["dimension_id"].tolist() == ["x", "overall"]
    assert out.iloc[1].to_dict() == {"dimension_id": "overall", "dimension": "Overall", "score": 3.0,
                                     "portfolio_engagements": 3, "portfolio_p25": 2.5, "portfolio_median": 3.0,
                                     "portfolio_p75": 3.5, "percentile": 50.0}


def _bundle(scores):
    from toolkit.report.bundle import Bundle

    manifest = {"client": "Acme", "period": {"start": None, "end": "2026-06-30", "label": ""},
                "generated": "2026-07-01T00:00:00Z", "inputs": [{"sha256": "ab" * 32}]}
    tables = {"maturity_dimensions": pd.DataFrame({"dimension_id": ["x", "y"], "score": scores}),
              "survey_summary": pd.DataFrame({"survey": ["nps", "csat"], "n": [200, 400], "score": [12.0, 80.0],
                                              "favourable": [80, 320], "unfavourable": [56, 80]})}
    return Bundle(manifest, tables)


def test_portfolio_add_appends_anonymised_scores_once(tmp_path):
    from toolkit.maturity.portfolio import add_to_portfolio, read_portfolio

    target = tmp_path / "portfolio.csv"
    added = add_to_portfolio(_bundle([2.5, None]), target)
    assert added[["year", "dimension_id", "score", "nps", "nps_n", "csat", "csat_n"]].to_dict("records") == [
        {"year": 2026, "dimension_id": "x", "score": 2.5, "nps": 12.0, "nps_n": 200, "csat": 0.8, "csat_n": 400}]
    assert "Acme" not in target.read_text()
    assert add_to_portfolio(_bundle([2.5, None]), target).empty
    back = read_portfolio(target)
    assert back["score"].tolist() == [2.5] and len(back["engagement"].iloc[0]) == 12


def test_portfolio_add_needs_maturity_scores(tmp_path):
    from toolkit.errors import DataError
    from toolkit.maturity.portfolio import add_to_portfolio

    bundle = _bundle([2.5, 3.0])
    del bundle.tables["maturity_dimensions"]
    with pytest.raises(DataError, match="the bundle holds no maturity scores"):
        add_to_portfolio(bundle, tmp_path / "p.csv")
