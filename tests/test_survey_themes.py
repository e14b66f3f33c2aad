"""toolkit.survey.themes: comment themes, detractors vs promoters, redacted quotes."""

import numpy as np
import pandas as pd
import pytest
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import make_pipeline

from toolkit.errors import ConfigError
from toolkit.schema import validate
from toolkit.survey import comment_themes

BILLING = ["refund still missing after the invoice error", "charged twice, refund never arrived on my invoice",
           "invoice wrong again and the refund is slow", "the refund took weeks and the invoice was wrong",
           "double charge on the invoice, still waiting for a refund, write to ann@example.com"]
PRAISE = ["friendly agent, very helpful and quick", "really helpful agent who was friendly",
          "quick and friendly help from the agent", "the agent was helpful and friendly, thanks",
          "helpful friendly agent fixed it quickly"]


def responses() -> pd.DataFrame:
    comments = BILLING * 4 + PRAISE * 4 + ["", None, "ok"]
    scores = [2] * 18 + [9, 10] + [10] * 18 + [3, 8] + [8, 9, 5]
    return validate(pd.DataFrame({
        "response_id": [f"r{i}" for i in range(len(comments))], "survey": "nps", "score": scores, "scale": "0-10",
        "submitted_at": "2026-04-01T10:00Z", "comment": comments}), "survey_responses")


def test_two_clear_themes_split_detractors_and_promoters():
    themes = comment_themes(responses(), "nps", n_themes=2)
    assert themes["n"].tolist() == [20, 20]  # empty and too-short comments left out
    billing = themes[themes["label"].str.contains("refund|invoice")].iloc[0]
    praise = themes[themes["label"].str.contains("friendly|helpful|agent")].iloc[0]
    assert (billing["unfavourable"], billing["favourable"]) == (18, 2)
    assert (praise["unfavourable"], praise["favourable"]) == (1, 18)
    assert billing["unfavourable_share"] == pytest.approx(18 / 19)  # a fraction of the 19 detractors' comments
    assert billing["favourable_share"] == pytest.approx(2 / 20)
    assert billing["difference"] == pytest.approx(18 / 19 - 2 / 20)
    assert billing["leans"] == "detractors" and praise["leans"] == "promoters"
    assert billing["p_adjusted"] < 0.05
    assert themes.attrs["groups"] == ("detractors", "promoters")


def test_example_quotes_are_distinct_redacted_and_shortened():
    themes = comment_themes(responses(), "nps", n_themes=2, examples=5, quote_chars=40)
    billing = themes[themes["label"].str.contains("refund|invoice")].iloc[0]
    quotes = billing["examples_unfavourable"]
    assert len(quotes) == len(set(quotes)) == 5
    assert all(len(q) <= 40 for q in quotes)
    assert not any("ann@example.com" in q for q in quotes)
    full = comment_themes(responses(), "nps", n_themes=2, examples=5, quote_chars=500)
    billing = full[full["label"].str.contains("refund|invoice")].iloc[0]
    assert any("[email]" in q for q in billing["examples_unfavourable"])


def test_deterministic_and_parts_can_be_swapped():
    a = comment_themes(responses(), "nps", n_themes=3, seed=5)
    b = comment_themes(responses(), "nps", n_themes=3, seed=5)
    pd.testing.assert_frame_equal(a, b)
    words = make_pipeline(TfidfVectorizer(), TruncatedSVD(5, random_state=0))

    class OneTheme:
        def fit_predict(self, vectors):
            return np.zeros(len(vectors), dtype=int)

    single = comment_themes(responses(), "nps", representation=words, clusterer=OneTheme())
    assert single["n"].tolist() == [40]


def test_csat_themes_and_empty_input():
    frame = responses().assign(survey="csat", scale="1-5", score=lambda f: np.where(f["score"] >= 9, 5, 1))
    themes = comment_themes(frame, "csat", n_themes=2)
    assert themes.attrs["groups"] == ("dissatisfied", "satisfied")
    assert set(themes["leans"]) == {"dissatisfied", "satisfied"}
    empty = comment_themes(responses().assign(comment=None), "nps")
    assert empty.empty and list(empty.columns)[:3] == ["theme", "label", "terms"]
    with pytest.raises(ConfigError, match="n_themes must be a positive whole number"):
        comment_themes(responses(), n_themes=0)


def test_labels_prefer_phrases_without_repeating_words():
    from toolkit.survey.themes import _distinct_terms

    ranked = ["billing", "billing mistakes", "mistakes quarter", "lately", "bugs lately", "refund"]
    assert _distinct_terms(ranked, 3) == ["billing mistakes", "bugs lately", "refund"]
    assert _distinct_terms(["slow", "slow", "ok"], 5) == ["slow", "ok"]
