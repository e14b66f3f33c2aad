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
