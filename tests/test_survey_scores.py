"""toolkit.survey.scores: NPS, CSAT and CES with their intervals, exact values and edge cases."""

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.proportion import proportion_confint, proportions_ztest

import toolkit.survey as survey
from toolkit.errors import ConfigError, DataError
from toolkit.survey import csat, nps, nps_difference, nps_from_counts, nps_sample_size, nps_variance

Z = stats.norm.ppf(0.975)


def answers(detractors: int, passives: int, promoters: int) -> list[int]:
    return [3] * detractors + [7] * passives + [10] * promoters


# Reference values from the R package NPS (counts: detractors, passives, promoters), NPS on -1..1.
@pytest.mark.parametrize(("counts", "score", "variance", "se"), [
    ((1, 2, 3), 1 / 3, 5 / 9, 0.304),
    ((1, 0, 1), 0.0, 1.0, 0.707),
    ((0, 1, 1), 0.5, 0.25, 0.354),
    ((1, 1, 1), 0.0, 2 / 3, 0.471),
    ((0, 0, 4), 1.0, 0.0, 0.0),
    ((3, 0, 0), -1.0, 0.0, 0.0),
    ((0, 5, 0), 0.0, 0.0, 0.0),
])
def test_nps_reference_values(counts, score, variance, se):
    assert nps_variance(*counts) == pytest.approx(variance, abs=1e-12)
    result = nps(answers(*counts), method="wald")
    assert float(result["score"]) == pytest.approx(100 * score)
    assert float(result["se"]) / 100 == pytest.approx(se, abs=5e-4)
    assert float(result["se"]) / 100 == pytest.approx(math.sqrt(variance / sum(counts)), abs=1e-12)
    assert int(result["n"]) == sum(counts)


def test_nps_wald_interval_is_score_plus_minus_z_se_clipped():
    r = nps(answers(1, 2, 3), method="wald")
    se = math.sqrt(5 / 54)
    assert float(r["low"]) == pytest.approx(100 * (1 / 3 - Z * se))
    assert float(r["high"]) == pytest.approx(100 * (1 / 3 + Z * se))
    clipped = nps(answers(1, 0, 1), method="wald")
    assert (float(clipped["low"]), float(clipped["high"])) == (-100.0, 100.0)


def test_nps_adjusted_wald_adds_three_quarters_three_halves_three_quarters():
    r = nps(answers(1, 2, 3))  # adjusted-wald is the default
    # adjusted counts 1.75, 3.5, 3.75 of n + 3 = 9: adjusted NPS 2/9, variance 5.5/9 - (2/9)^2 = 45.5/81
    se = math.sqrt(45.5 / 81 / 9)
    assert float(r["score"]) == pytest.approx(100 / 3)  # the observed NPS is reported
    assert float(r["se"]) == pytest.approx(100 * se)
    assert float(r["low"]) == pytest.approx(100 * (2 / 9 - Z * se))
    assert float(r["high"]) == pytest.approx(100 * (2 / 9 + Z * se))
    assert r["method"].iloc[0] == "adjusted-wald"
    assert r.columns.tolist() == ["score", "low", "high", "n", "se", "detractors", "passives", "promoters", "missing",
                                  "method", "confidence"]


def test_nps_one_response_and_all_promoters():
    one = nps([10])
    se = math.sqrt((2.5 / 4 - 0.25**2) / 4)  # adjusted: 0.75, 1.5, 1.75 of 4 -> NPS 0.25
    assert float(one["score"]) == 100
    assert float(one["low"]) == pytest.approx(100 * (0.25 - Z * se))
    assert float(one["high"]) == pytest.approx(100 * (0.25 + Z * se))
    wald = nps([9, 10, 10, 9], method="wald")
    assert (float(wald["score"]), float(wald["low"]), float(wald["high"]), float(wald["se"])) == (100, 100, 100, 0)
    adjusted = nps([9, 10, 10, 9])
    assert float(adjusted["high"]) == 100  # clipped
    assert float(adjusted["low"]) < 100


def test_nps_empty_input_gives_n_zero_and_nan_interval():
    for method in ("adjusted-wald", "wald", "bootstrap"):
        r = nps([], method=method)
        assert int(r["n"]) == 0
        assert np.isnan(float(r["score"])) and np.isnan(float(r["low"])) and np.isnan(float(r["high"]))


def test_nps_missing_answers_are_left_out_and_counted():
    r = nps(pd.Series([10, None, 3, np.nan, 8], dtype="Float64"))
    assert (int(r["n"]), int(r["missing"])) == (3, 2)
    assert float(r["score"]) == pytest.approx(0.0)


def test_nps_result_fields_work_as_columns_and_numbers():
    r = nps([0, 7, 8, 9, 10, 10])
    assert isinstance(r, pd.DataFrame) and len(r) == 1
    assert r["score"].iloc[0] == pytest.approx(100 / 3)
    assert float(r.score) == pytest.approx(100 / 3)
    assert f"{r['score']:.1f}" == "33.3"
    assert r.loc[0, "n"] == 6


def test_nps_bootstrap_is_seeded_and_brackets_the_score():
    scores = answers(30, 20, 50)
    a = nps(scores, method="bootstrap", seed=1)
    b = nps(scores, method="bootstrap", seed=1)
    c = nps(scores, method="bootstrap", seed=2)
    pd.testing.assert_frame_equal(a, b)
    assert float(a["se"]) != float(c["se"])
    assert float(a["low"]) < 20 < float(a["high"])
    wald = nps(scores, method="wald")
    assert float(a["high"]) - float(a["low"]) == pytest.approx(float(wald["high"]) - float(wald["low"]), rel=0.1)


def test_nps_from_counts_is_vectorised():
    r = nps_from_counts([1, 1, 0], [2, 0, 1], [3, 1, 1], method="wald")
    assert r["score"].tolist() == pytest.approx([100 / 3, 0, 50])
    assert (r["se"] / 100).tolist() == pytest.approx([0.30429, 0.70711, 0.35355], abs=1e-5)


def test_intervals_shrink_with_n():
    widths = [float(nps(answers(3 * k, 2 * k, 5 * k))["high"] - nps(answers(3 * k, 2 * k, 5 * k))["low"])
              for k in (1, 4, 16, 64)]
    assert widths == sorted(widths, reverse=True)
    assert widths[-1] == pytest.approx(widths[-2] / 2, rel=0.05)  # 4x the answers, half the width


def test_nps_rejects_answers_outside_the_scale_naming_rows_and_values():
    with pytest.raises(DataError) as err:
        nps([1, 11, -1, 5])
    assert str(err.value) == ("column `scores`: NPS answers are outside the 0-10 scale (rows 2 (11), 3 (-1)). "
                              "Fix: NPS answers are whole numbers 0-10: correct or remove these rows")
    with pytest.raises(DataError, match=r"not whole numbers \(row 11 \(7.5\)\)"):
        nps(pd.Series([9, 7.5], index=[10, 11]))
    with pytest.raises(DataError, match=r"not numbers \(row 2 \('ten'\)\)"):
        nps([9, "ten"])


def test_nps_rejects_bad_parameters():
    with pytest.raises(ConfigError) as err:
        nps([9], method="exact")
    assert str(err.value) == "`method`: unknown method 'exact'. Fix: use one of 'adjusted-wald', 'wald', 'bootstrap'"
    with pytest.raises(ConfigError, match="confidence must be a number between 0 and 1, got 95"):
        nps([9], confidence=95)
    with pytest.raises(ConfigError, match="must be a sequence of answers"):
        nps(9)


def test_nps_difference_wald_adds_variances():
    r = nps_difference(answers(1, 2, 3), answers(1, 0, 1), method="wald")
    se = math.sqrt(5 / 9 / 6 + 1 / 2)
    assert float(r["difference"]) == pytest.approx(100 / 3)
    assert float(r["se"]) == pytest.approx(100 * se)
    assert float(r["low"]) == pytest.approx(100 * (1 / 3 - Z * se))
    # p-value: pooled score-type test, 2 detractors, 2 passives, 4 promoters of 8 under the null
    se0 = math.sqrt((6 / 8 - (2 / 8) ** 2) * (1 / 6 + 1 / 2))
    assert float(r["p_value"]) == pytest.approx(2 * stats.norm.sf((1 / 3) / se0))
    assert r.columns.tolist()[:4] == ["difference", "low", "high", "p_value"]


def test_nps_difference_adjusted_wald_adjusts_each_group():
    a, b = answers(10, 10, 30), answers(20, 10, 20)
    r = nps_difference(a, b)
    pa = [10.75, 11.5, 30.75]
    pb = [20.75, 11.5, 20.75]
    na, nb = 53, 53
    sa, sb = (pa[2] - pa[0]) / na, (pb[2] - pb[0]) / nb
    va = (pa[2] + pa[0]) / na - sa**2
    vb = (pb[2] + pb[0]) / nb - sb**2
    se = math.sqrt(va / na + vb / nb)
    assert float(r["difference"]) == pytest.approx(100 * (20 / 50 - 0))
    assert float(r["low"]) == pytest.approx(100 * (sa - sb - Z * se))
    assert float(r["high"]) == pytest.approx(100 * (sa - sb + Z * se))
    se0 = math.sqrt((80 / 100 - (20 / 100) ** 2) * (1 / 50 + 1 / 50))  # pooled 30 / 20 / 50 of 100
    assert float(r["p_value"]) == pytest.approx(2 * stats.norm.sf(0.4 / se0))
    assert float(r["p_value"]) < 0.05


def test_nps_difference_edge_cases():
    empty = nps_difference([], [9, 10])
    assert np.isnan(float(empty["difference"])) and np.isnan(float(empty["p_value"]))
    same = nps_difference([10, 10], [10, 10], method="wald")
    assert float(same["difference"]) == 0 and np.isnan(float(same["p_value"]))
    boot = nps_difference(answers(10, 10, 30), answers(20, 10, 20), method="bootstrap", seed=3)
    assert float(boot["low"]) < 40 < float(boot["high"])


def test_nps_sample_size_guidance():
    r = nps_sample_size(10)
    assert int(r["n_per_group"]) == math.ceil((Z + stats.norm.ppf(0.8)) ** 2 * 2 * (2 / 3) / 0.01) == 1047
    assert r["statement"].iloc[0] == ("To see a 10-point change in NPS you need about 1,047 responses per group "
                                      "(95% confidence, 80% power, assuming an even split of detractors, passives "
                                      "and promoters).")
    baseline = nps_sample_size(5, baseline=answers(1, 2, 3))
    assert float(baseline["variance"]) == pytest.approx(5 / 9)
    assert int(baseline["n_per_group"]) == math.ceil((Z + stats.norm.ppf(0.8)) ** 2 * 2 * (5 / 9) / 0.0025)
    with pytest.raises(ConfigError, match="change must be"):
        nps_sample_size(0)


def test_csat_top_two_box_with_wilson_interval_and_mean():
    r = csat([1, 2, 3, 4, 5, 5])
    low, high = proportion_confint(3, 6, alpha=0.05, method="wilson")
    # Wilson by hand: (p + z^2/2n +- z sqrt(p(1-p)/n + z^2/4n^2)) / (1 + z^2/n)
    p, n = 0.5, 6
    centre = (p + Z**2 / (2 * n)) / (1 + Z**2 / n)
    half = Z * math.sqrt(p * (1 - p) / n + Z**2 / (4 * n**2)) / (1 + Z**2 / n)
    assert (float(r["score"]), int(r["satisfied"]), int(r["n"])) == (0.5, 3, 6)
    assert float(r["low"]) == pytest.approx(low) == pytest.approx(centre - half)
    assert float(r["high"]) == pytest.approx(high) == pytest.approx(centre + half)
    mean_low, mean_high = stats.t.interval(0.95, 5, loc=10 / 3, scale=np.std([1, 2, 3, 4, 5, 5], ddof=1) / math.sqrt(6))
    assert float(r["mean"]) == pytest.approx(10 / 3)
    assert (float(r["mean_low"]), float(r["mean_high"])) == pytest.approx((mean_low, mean_high))
    assert r["scale"].iloc[0] == "1-5"


def test_csat_binary_words_and_numbers():
    words = csat(["good", "bad", "Good", None, "  "])
    assert (float(words["score"]), int(words["n"]), int(words["missing"])) == (pytest.approx(2 / 3), 3, 2)
    assert words["scale"].iloc[0] == "binary" and np.isnan(float(words["mean"]))
    numbers = csat([1, 0, 1, 1], scale="binary")
    assert float(numbers["score"]) == 0.75
    seven = csat([7, 6, 5, 1], scale=(1, 7))
    assert float(seven["score"]) == 0.5
    strings = csat(pd.Series(["4", "5", "2"]))  # the tickets' satisfaction column holds digits as text
    assert float(strings["score"]) == pytest.approx(2 / 3)


def test_csat_edge_cases_and_errors():
    empty = csat([])
    assert int(empty["n"]) == 0 and np.isnan(float(empty["score"])) and np.isnan(float(empty["low"]))
    one = csat([5])
    assert float(one["score"]) == 1.0 and np.isnan(float(one["mean_low"]))
    assert float(one["low"]) == pytest.approx(proportion_confint(1, 1, method="wilson")[0])
    with pytest.raises(DataError) as err:
        csat(["good", "4", "meh"])
    assert str(err.value) == ("column `ratings`: the ratings mix words and numbers (rows 2 ('4'), 3 ('meh')). "
                              "Fix: use 'good'/'bad' for binary ratings or numbers on one scale, not both")
    with pytest.raises(DataError, match=r"CSAT answers are outside the 1-5 scale \(row 1 \(6\)\)"):
        csat([6, 5])
    with pytest.raises(ConfigError, match="unknown scale '1-10'"):
        csat([5], scale="1-10")
    with pytest.raises(ConfigError, match=r"scale must be \(lowest, highest\)"):
        csat([5], scale=(5, 1))


def test_ces_mean_and_share_agreeing():
    r = survey.ces([1, 2, 3, 4, 5, 6, 7])
    assert float(r["score"]) == 4.0
    assert (int(r["agreeing"]), float(r["agree_share"])) == (3, pytest.approx(3 / 7))
    low, high = stats.t.interval(0.95, 6, loc=4, scale=np.std(range(1, 8), ddof=1) / math.sqrt(7))
    assert (float(r["low"]), float(r["high"])) == pytest.approx((low, high))
    assert float(r["agree_low"]) == pytest.approx(proportion_confint(3, 7, method="wilson")[0])
    assert float(r["agree_high"]) == pytest.approx(proportion_confint(3, 7, method="wilson")[1])
    five = survey.ces([4, 5, 3], scale=(1, 5))
    assert int(five["agreeing"]) == 2
    assert int(survey.ces([])["n"]) == 0


def test_wilson_and_proportion_difference_match_statsmodels():
    low, high = survey.wilson_interval(np.array([8, 0, 5]), np.array([10, 7, 0]))
    expected = proportion_confint(np.array([8, 0]), np.array([10, 7]), method="wilson")
    assert low[:2] == pytest.approx(expected[0]) and high[:2] == pytest.approx(expected[1])
    assert np.isnan(low[2])
    diff = survey.proportion_difference(40, 100, 25, 90)
    z, p = proportions_ztest([40, 25], [100, 90])
    assert float(diff["p_value"].iloc[0]) == pytest.approx(p)
    assert float(diff["difference"].iloc[0]) == pytest.approx(0.4 - 25 / 90)
    se = math.sqrt(0.4 * 0.6 / 100 + (25 / 90) * (65 / 90) / 90)
    assert float(diff["low"].iloc[0]) == pytest.approx(0.4 - 25 / 90 - Z * se)
    assert float(diff["high"].iloc[0]) == pytest.approx(0.4 - 25 / 90 + Z * se)


def test_forgiving_spellings_and_types():
    assert nps([9, 3], method="Adjusted Wald")["method"].iloc[0] == "adjusted-wald"
    assert nps([9, 3], method="adjusted_wald")["method"].iloc[0] == "adjusted-wald"
    assert float(csat([True, False, True, True])["score"]) == 0.75
    flags = csat(pd.Series([True, None, False], dtype="boolean"))
    assert (float(flags["score"]), int(flags["n"]), int(flags["missing"])) == (0.5, 2, 1)
    assert float(nps(np.array([9, 10, 0]))["score"]) == pytest.approx(100 / 3)
    assert float(nps(pd.Series(["9", "10", "0"]))["score"]) == pytest.approx(100 / 3)
    with pytest.raises(DataError, match=r"^column `scores_b`: NPS answers are outside the 0-10 scale \(row 1 \(12\)\)"):
        nps_difference([9], [12])


def test_bootstrap_parameters_are_checked():
    with pytest.raises(ConfigError, match="n_boot must be a whole number of at least 100, got 10"):
        nps([9, 3], method="bootstrap", n_boot=10)
    with pytest.raises(ConfigError, match="seed must be a whole number, got 'x'"):
        nps_difference([9], [3], seed="x")
