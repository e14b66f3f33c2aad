"""What customers write in survey comments: themes, and which themes detractors and promoters raise.

A small pipeline of swappable parts, as in :mod:`toolkit.duplicates`:

1. **represent** each comment as a vector: by default the duplicate finder's
   :class:`~toolkit.duplicates.representation.TfidfRepresentation` (word and character
   TF-IDF reduced with SVD); where that module is not installed, a word TF-IDF + SVD
   pipeline from scikit-learn does the same job. Any object with ``fit_transform`` can
   be passed instead (``representation=``).
2. **group** the vectors with k-means (scikit-learn, seeded) into ``n_themes`` themes;
   any object with ``fit_predict`` can be passed instead (``clusterer=``).
3. **label** each theme with its most distinctive words and two-word phrases
   (class-based TF-IDF: frequency in the theme weighed against all comments, as
   BERTopic does), a phrase replacing its own words.
4. **compare** how often unfavourable (NPS detractors, dissatisfied CSAT) and favourable
   (promoters, satisfied) answers fall into each theme, with a two-proportion test per
   theme, corrected together (Benjamini-Hochberg).

Example quotes are the comments nearest the theme's centre, PII-redacted with
:func:`toolkit.pii.redact` and cut to ``quote_chars`` characters.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import Normalizer

from toolkit.errors import ConfigError
from toolkit.multiplicity import adjust_p_values
from toolkit.pii import redact
from toolkit.survey.frames import favourable, survey_rows
from toolkit.survey.scores import proportion_difference
from toolkit.validation import check_choice, check_confidence

GROUP_NAMES = {"nps": ("detractors", "promoters"), "csat": ("dissatisfied", "satisfied"),
               "ces": ("high effort", "low effort")}
THEME_COLUMNS = ["theme", "label", "terms", "n", "unfavourable", "favourable", "unfavourable_share",
                 "favourable_share", "difference", "p_value", "p_adjusted", "leans", "examples_unfavourable",
                 "examples_favourable"]


def default_representation(seed: int = 0):
    """The duplicate finder's TF-IDF representation, or an equivalent scikit-learn pipeline without it."""
    try:
        from toolkit.duplicates.representation import TfidfRepresentation
    except ImportError:
        return make_pipeline(TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2), stop_words="english"),
                             TruncatedSVD(50, random_state=seed), Normalizer())
    return TfidfRepresentation(dims=100, seed=seed, progress=False)


def comment_themes(survey_responses: pd.DataFrame, survey: str = "nps", n_themes: int = 8, *, examples: int = 3,
                   representation=None, clusterer=None, seed: int = 0, quote_chars: int = 200,
                   confidence: float = 0.95) -> pd.DataFrame:
    """Group one survey's free-text comments into themes and compare unfavourable with favourable answers.

    Parameters
    ----------
    survey_responses : canonical ``survey_responses`` (uses ``comment``, ``score``, ``scale``).
    survey : ``"nps"`` (detractors vs promoters), ``"csat"`` (dissatisfied vs satisfied)
        or ``"ces"`` (high vs low effort).
    n_themes : number of themes (fewer when there are fewer distinct comments).
    examples : example quotes per theme and side.
    representation, clusterer : replacements for the pipeline's parts (see module docstring).
    seed : random seed of the representation and the clustering.

    Returns
    -------
    DataFrame, one row per theme, largest first: ``theme`` (number), ``label`` (top
    words joined by " / "), ``terms`` (list of top words), ``n`` (comments; NPS passives
    included), ``unfavourable``, ``favourable`` (comments from each side), ``unfavourable_share``,
    ``favourable_share`` (the fraction 0-1 of that side's comments in the theme), ``difference``
    (unfavourable_share - favourable_share), ``p_value``, ``p_adjusted`` (BH), ``leans`` (the side that raises the theme
    significantly more, e.g. ``"detractors"``, else ``""``), ``examples_unfavourable``,
    ``examples_favourable`` (lists of redacted quotes). ``attrs["groups"]`` names the sides.
    An empty frame when there are no comments.
    """
    check_choice(survey, tuple(GROUP_NAMES), "survey")
    confidence = check_confidence(confidence)
    if isinstance(n_themes, bool) or not isinstance(n_themes, int) or n_themes < 1:
        raise ConfigError(f"n_themes must be a positive whole number, got {n_themes!r}", key="n_themes",
                          fix="pass e.g. n_themes=8")
    rows = survey_rows(survey_responses, survey)
    empty = pd.DataFrame(columns=THEME_COLUMNS)
    empty.attrs["groups"] = GROUP_NAMES[survey]
    if "comment" not in rows.columns:
        return empty
    text = rows["comment"].astype("str").str.strip()
    rows = rows[rows["comment"].notna() & text.str.len().gt(2)]
    if rows.empty:
        return empty
    comments = rows["comment"].astype("str").str.strip().tolist()
    good = np.asarray(favourable(rows["score"], rows["scale"], survey), dtype=bool)
    bad = (rows["score"] <= 6).to_numpy() if survey == "nps" else ~good
    k = int(min(n_themes, len(set(comments))))
    if k <= 1:
        labels = np.zeros(len(comments), dtype=int)
        vectors = np.ones((len(comments), 1))
    else:
        representation = representation if representation is not None else default_representation(seed)
        vectors = representation.fit_transform(comments)
        vectors = vectors.toarray() if hasattr(vectors, "toarray") else np.asarray(vectors)
        clusterer = clusterer if clusterer is not None else KMeans(k, n_init=4, random_state=seed)
        labels = np.asarray(clusterer.fit_predict(vectors))
    terms = _theme_terms(comments, labels)
    themes = np.unique(labels)
    counts_bad = np.array([(bad & (labels == t)).sum() for t in themes])
    counts_good = np.array([(good & (labels == t)).sum() for t in themes])
    sizes = np.array([(labels == t).sum() for t in themes])
    total_bad, total_good = bad.sum(), good.sum()
    test = proportion_difference(counts_bad, np.full(len(themes), total_bad), counts_good,
                                 np.full(len(themes), total_good), confidence)
    p_adjusted = adjust_p_values(test["p_value"].to_numpy(), "bh", alpha=1 - confidence)
    significant = np.nan_to_num(p_adjusted, nan=1.0) < 1 - confidence
    names = GROUP_NAMES[survey]
    out = pd.DataFrame({
        "theme": themes, "label": [" / ".join(terms[t][:3]) for t in themes], "terms": [terms[t] for t in themes],
        "n": sizes, "unfavourable": counts_bad, "favourable": counts_good,
        "unfavourable_share": counts_bad / total_bad if total_bad else np.nan,
        "favourable_share": counts_good / total_good if total_good else np.nan,
        "difference": test["difference"].to_numpy(), "p_value": test["p_value"].to_numpy(), "p_adjusted": p_adjusted,
        "leans": np.where(significant, np.where(test["difference"] > 0, names[0], names[1]), ""),
        "examples_unfavourable": [_quotes(comments, vectors, labels, t, bad, examples, quote_chars) for t in themes],
        "examples_favourable": [_quotes(comments, vectors, labels, t, good, examples, quote_chars) for t in themes],
    })
    out = out.sort_values(["n", "theme"], ascending=[False, True], kind="stable").reset_index(drop=True)
    out.attrs["groups"] = names
    return out[THEME_COLUMNS]


def _theme_terms(comments: list[str], labels: np.ndarray, top: int = 6) -> dict[int, list[str]]:
    """Most distinctive words per theme (class-based TF-IDF over the theme's concatenated comments)."""
    try:
        counts = CountVectorizer(stop_words="english", token_pattern=r"(?u)\b[a-zA-Z][a-zA-Z]+\b",
                                 ngram_range=(1, 2)).fit(comments)
    except ValueError:  # only stop words: nothing to label with
        return {int(t): [] for t in np.unique(labels)}
    matrix = counts.transform(comments)
    themes = np.unique(labels)
    per_theme = np.vstack([np.asarray(matrix[labels == t].sum(axis=0)).ravel() for t in themes]).astype(float)
    frequency = per_theme / np.maximum(per_theme.sum(axis=1, keepdims=True), 1)
    idf = np.log(1 + per_theme.sum(axis=1).mean() / np.maximum(per_theme.sum(axis=0), 1))
    scores = frequency * idf
    vocab = counts.get_feature_names_out()
    out = {}
    for i, t in enumerate(themes):
        order = np.argsort(-scores[i], kind="stable")
        out[int(t)] = _distinct_terms([str(vocab[j]) for j in order[:top * 3] if scores[i, j] > 0], top)
    return out


def _distinct_terms(ranked: list[str], top: int) -> list[str]:
    """Best terms without repeating a word: a phrase replaces its own words chosen before it."""
    chosen: list[str] = []
    for term in ranked:
        words = set(term.split())
        phrases_words = {w for c in chosen if " " in c for w in c.split()}
        if words & phrases_words:
            continue
        if len(words) > 1:
            chosen = [c for c in chosen if c not in words]
        elif term in chosen:
            continue
        chosen.append(term)
        if len(chosen) == top:
            break
    return chosen


def _quotes(comments: list[str], vectors: np.ndarray, labels: np.ndarray, theme: int, side: np.ndarray,
            examples: int, quote_chars: int) -> list[str]:
    """Up to ``examples`` distinct comments of one side nearest the theme's centre, redacted and shortened."""
    members = np.flatnonzero(labels == theme)
    centre = vectors[members].mean(axis=0)
    chosen = members[side[members]]
    if not len(chosen) or not examples:
        return []
    distance = np.linalg.norm(vectors[chosen] - centre, axis=1)
    quotes, seen = [], set()
    for i in chosen[np.argsort(distance, kind="stable")]:
        text = redact(comments[i])
        text = text if len(text) <= quote_chars else text[: quote_chars - 1].rstrip() + "…"
        if text.lower() not in seen:
            seen.add(text.lower())
            quotes.append(text)
        if len(quotes) == examples:
            break
    return quotes
