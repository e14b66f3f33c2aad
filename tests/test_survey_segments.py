"""toolkit.survey.segments: scores per segment, one against the rest, multiple-comparison control."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import proportions_ztest

from toolkit.errors import ConfigError, DataError
from toolkit.schema import validate
from toolkit.survey import adjust_p_values, compare_segments, nps_difference_from_counts, survey_summary


def responses(groups: dict[str, list[float]], survey: str = "nps", scale: str = "0-10",
              column: str = "region") -> pd.DataFrame:
    rows = [(segment, score) for segment, scores in groups.items() for score in scores]
    frame = pd.DataFrame({
        "response_id": [f"r{i}" for i in range(len(rows))], "survey": survey,
        "score": [s for _, s in rows], "scale": scale,
        "submitted_at": pd.Timestamp("2026-03-02 10:00", tz="UTC"), column: [g for g, _ in rows]})
    return validate(frame, "survey_responses")


def nps_scores(d: int, p: int, r: int) -> list[int]:
    return [2] * d + [8] * p + [9] * r


GROUPS = {"north": nps_scores(10, 10, 30), "south": nps_scores(25, 10, 15), "east": nps_scores(12, 10, 18),
          "west": nps_scores(4, 2, 4)}


def test_each_segment_is_compared_with_the_rest_and_holm_corrected():
    result = compare_segments(responses(GROUPS), "region")
    assert result["region"].tolist() == ["north", "east", "south", "west"]  # reliable by score, then small
    north = result.iloc[0]
    assert (north["n"], north["score"]) == (50, 40.0)
    expected = nps_difference_from_counts((10, 10, 30), (41, 22, 37))
    assert north["rest_score"] == pytest.approx(float(expected["score_b"]))
    assert north["difference"] == pytest.approx(40 - 100 * (37 - 41) / 100)
    assert north["p_value"] == pytest.approx(float(expected["p_value"]))
    tested = result[~result["small_sample"]]
    holm = multipletests(tested["p_value"], method="holm")[1]
    assert tested["p_adjusted"].tolist() == pytest.approx(holm.tolist())
    assert result.loc[result["region"] == "north", "direction"].item() == "above"
    assert result.loc[result["region"] == "south", "direction"].item() == "below"
    assert result["rank"].tolist()[:3] == [1, 2, 3]


def test_small_segments_are_shown_flagged_and_never_ranked():
    result = compare_segments(responses(GROUPS), "region")
    west = result[result["region"] == "west"].iloc[0]
    assert bool(west["small_sample"]) and pd.isna(west["rank"]) and np.isnan(west["p_adjusted"])
    assert not west["significant"] and west["direction"] == ""
    assert west["low"] < west["score"] < west["high"]
    assert west["note"] == ("west: NPS 0 (95% CI −46 to +46) from only 10 answers (fewer than 30); "
                            "too few to compare or rank.")
    assert compare_segments(responses(GROUPS), "region", min_n=5)["rank"].notna().all()


def test_benjamini_hochberg_and_no_correction():
    bh = compare_segments(responses(GROUPS), "region", correction="bh")
    none = compare_segments(responses(GROUPS), "region", correction="none")
    tested = bh[~bh["small_sample"]]
    assert tested["p_adjusted"].tolist() == pytest.approx(multipletests(tested["p_value"], method="fdr_bh")[1].tolist())
    assert none["p_adjusted"].dropna().tolist() == pytest.approx(none["p_value"][~none["small_sample"]].tolist())
    with pytest.raises(ConfigError, match="unknown correction 'tukey'"):
        compare_segments(responses(GROUPS), "region", correction="tukey")


def test_csat_segments_use_two_proportion_z_tests():
    frame = responses({"a": [5] * 30 + [1] * 10, "b": [4] * 20 + [2] * 20, "c": [5] * 35 + [3] * 5}, "csat", "1-5")
    result = compare_segments(frame, "region", "csat").set_index("region")
    assert result.loc["a", "score"] == 0.75  # a share (0-1), as everywhere
    assert result.loc["b", "rest_score"] == 65 / 80
    assert result.loc["b", "difference"] == pytest.approx(0.5 - 65 / 80)
    _, p = proportions_ztest([20, 65], [40, 80])
    assert result.loc["b", "p_value"] == pytest.approx(p)
    assert result.loc["b", "direction"] == "below"
    assert result.loc["b", "note"] == ("b: CSAT 50% (95% CI 35–65%) is below the rest (81%) by 31 percentage points "
                                       "(adjusted p = 0.00115).")


def test_segment_frames_carry_a_segment_column_and_the_by_column():
    result = compare_segments(responses(GROUPS), "region")
    assert result.columns[:2].tolist() == ["segment", "region"]
    assert result["segment"].tolist() == result["region"].tolist() == ["north", "east", "south", "west"]
    assert result.iloc[0]["note"] == ("north: NPS +40 (95% CI +16 to +59) is above the rest (−4) by 44 points "
                                      "(adjusted p = 0.00783).")


def test_segment_from_tickets_and_missing_values():
    frame = responses({"x": nps_scores(5, 5, 30)}).drop(columns="region")
    frame["ticket_id"] = [f"t{i % 4}" for i in range(len(frame))]
    tickets = pd.DataFrame({"ticket_id": ["t0", "t1", "t2"], "team": ["blue", "red", "blue"]})
    result = compare_segments(frame, "team", tickets=tickets).set_index("team")
    assert result.loc["blue", "n"] == 20 and result.loc["red", "n"] == 10 and result.loc["(not set)", "n"] == 10
    with pytest.raises(ConfigError, match="pass the tickets table"):
        compare_segments(frame, "team")


def test_wrong_scale_and_missing_columns_are_data_errors():
    frame = responses({"a": [3, 4]}, "nps", "1-5")
    with pytest.raises(DataError) as err:
        compare_segments(frame, "region")
    assert str(err.value) == ("table survey_responses, column `scale`: nps answers on a scale this survey does not "
                              "use (rows 1 ('1-5'), 2 ('1-5')). Fix: nps answers must be on 0-10")
    with pytest.raises(DataError, match="needs values in `scale`"):
        compare_segments(pd.DataFrame({"survey": ["nps"], "score": [3.0], "scale": [None]}), "region")


def test_survey_summary_lists_each_survey_present():
    frame = pd.concat([responses({"a": nps_scores(1, 2, 3)}),
                       responses({"a": [5, 4, 1, 2]}, "csat", "1-5").assign(response_id=lambda f: "c" + f.response_id)])
    summary = survey_summary(frame)
    assert summary["survey"].tolist() == ["nps", "csat"]
    assert summary["score"].tolist() == pytest.approx([100 / 3, 0.5])  # NPS in points, CSAT a share
    assert summary["measure"].tolist() == ["NPS", "CSAT (share satisfied)"]
    assert survey_summary(frame.iloc[:0]).empty


def _unpooled_wald_p(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The earlier NPS difference p-value (adjusted-Wald, variances unpooled), kept here to show it fails."""
    a, b = a + np.array([[0.75], [1.5], [0.75]]), b + np.array([[0.75], [1.5], [0.75]])
    ma, mb = a.sum(axis=0), b.sum(axis=0)
    var_a = (a[2] + a[0]) / ma - ((a[2] - a[0]) / ma) ** 2
    var_b = (b[2] + b[0]) / mb - ((b[2] - b[0]) / mb) ** 2
    centre = (a[2] - a[0]) / ma - (b[2] - b[0]) / mb
    return 2 * stats.norm.sf(np.abs(centre) / np.sqrt(var_a / ma + var_b / mb))


def test_nps_one_vs_rest_flags_keep_the_family_wise_error_under_the_null():
    """Null simulation: 200 segments of 100 answers, 200 seeded runs for each of three answer mixes.

    Mixes (detractors, passives, promoters): (0.3, 0.3, 0.4), (0.2, 0.3, 0.5), (0.4, 0.3, 0.3).
    compare_segments tests each segment against the rest with nps_difference_from_counts and
    Holm-adjusts (checked on the first run); any significant segment is a false alarm. Over the
    600 runs the Monte Carlo margin is 3 standard errors of a 5% rate (0.027): the rate must stay
    at or below 0.077. The pooled score-type p-value flags 31 runs (0.052); the earlier unpooled
    adjusted-Wald p-value 48 (0.080), so it fails. Measured, not asserted: with 70% promoters
    (0.1, 0.2, 0.7) the pooled test flags 17 of 200 runs and the earlier one 28 (plain Wald 58):
    better, but the normal approximation is still loose for very skewed mixes at n = 100.
    """
    segments, n, runs = 200, 100, 200
    limit = 0.05 + 3 * np.sqrt(0.05 * 0.95 / (3 * runs))
    pooled = unpooled = 0
    for mix in ((0.3, 0.3, 0.4), (0.2, 0.3, 0.5), (0.4, 0.3, 0.3)):
        rng = np.random.default_rng(2026)
        for run in range(runs):
            counts = rng.multinomial(n, mix, size=segments).T.astype(float)
            rest = counts.sum(axis=1, keepdims=True) - counts
            p = nps_difference_from_counts(tuple(counts), tuple(rest))["p_value"].to_numpy()
            if run == 0 and mix[0] == 0.3:
                scores = np.repeat(np.tile([0.0, 7.0, 10.0], segments), counts.T.astype(int).ravel())
                names = np.repeat([f"s{k:03d}" for k in range(segments)], n)
                frame = pd.DataFrame({"response_id": [f"r{i}" for i in range(len(scores))], "survey": "nps",
                                      "score": scores, "scale": "0-10", "region": names})
                table = compare_segments(frame, "region").set_index("region").sort_index()
                assert np.allclose(table["p_value"].to_numpy(), p)
            pooled += bool((adjust_p_values(p) < 0.05).any())
            unpooled += bool((adjust_p_values(_unpooled_wald_p(counts, rest)) < 0.05).any())
    assert pooled / (3 * runs) <= limit and pooled == 31
    assert unpooled / (3 * runs) > limit and unpooled == 48
