"""toolkit.survey.segments: scores per segment, one against the rest, multiple-comparison control."""

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import proportions_ztest

from toolkit.errors import ConfigError, DataError
from toolkit.schema import validate
from toolkit.survey import compare_segments, nps_difference_from_counts, survey_summary


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
    assert west["note"] == ("west: NPS 0 (95% CI -46 to 46) from only 10 answers (fewer than 30); "
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
    assert result.loc["a", "score"] == 75.0
    _, p = proportions_ztest([20, 65], [40, 80])
    assert result.loc["b", "p_value"] == pytest.approx(p)
    assert result.loc["b", "direction"] == "below"
    assert result.loc["b", "note"].startswith("b: CSAT (% satisfied) 50 (95% CI 35 to 65) is below the rest (81)")


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
    assert summary["score"].tolist() == pytest.approx([100 / 3, 50.0])
    assert survey_summary(frame.iloc[:0]).empty
