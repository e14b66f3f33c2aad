"""NPS, CSAT and CES with honest confidence intervals, and how many answers a comparison needs.

Definitions:

- **NPS** (Net Promoter Score): from 0-10 likelihood-to-recommend answers, promoters
  answer 9-10, passives 7-8, detractors 0-6; NPS = % promoters - % detractors, on
  -100..100. Scored per respondent as +1 / 0 / -1, its per-respondent variance is
  ``p_promoters + p_detractors - nps^2`` (proportions, NPS on -1..1, population form
  with denominator n, as in the R package ``NPS``), and the standard error is
  ``sqrt(variance / n)``.
- **Adjusted-Wald NPS interval** (Rocks 2016, *The American Statistician* 70(4);
  MeasuringU's description is the same): add 3/4 detractor, 3/2 passive and 3/4
  promoter pseudo-answers (n + 3), compute the adjusted NPS and its variance as above,
  and take adjusted NPS +- z * SE. The reported ``score`` is always the observed NPS;
  the adjusted interval is centred on the adjusted NPS, which is pulled slightly toward
  0, so it is not symmetric around ``score``. Plain Wald uses the observed counts;
  bootstrap resamples the answers (multinomial, seeded) and takes percentiles.
  All bounds are clipped to [-100, 100].
- **CSAT**: share satisfied (0-1) = top-2-box (4-5 on 1-5; in general the two highest
  points), or good / (good + bad) for binary ratings, with Wilson score intervals; the
  mean rating with a t interval where the scale is numeric.
- **CES** (Customer Effort Score, "the company made it easy to handle my issue"):
  mean answer with a t interval (on its scale), and the share agreeing (0-1; 5-7 on 1-7,
  4-5 on 1-5) with a Wilson interval.
- **Sample size** for comparing two groups' NPS: answers per group for a two-sided z
  test at the given confidence and power, ``(z_(1-alpha/2) + z_power)^2 * 2 v / change^2``
  with v the per-respondent variance above.
- **Comparing two NPS values**: the interval as the chosen method (variances added); the
  p-value from a pooled score-type z test (category shares pooled under "no difference"),
  calibrated in the tail where Holm works, unlike the unpooled Wald p-value.
- **Comparing two shares** (CSAT satisfied, CES agreeing): pooled two-proportion z test,
  with an unpooled Wald interval for the difference (a difference of fractions, -1..1).

Units follow ``docs/vocabulary.md``: shares are fractions 0-1, NPS is in points.

Unanswered questions are left out and counted; a group with no answers has no score
(reported as missing, never as 0). Every function returns a one-row (or one-row-per-group)
pandas DataFrame, :class:`~toolkit.survey.frames.ResultFrame`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

from toolkit.errors import ConfigError
from toolkit.survey.frames import ResultFrame, favourable, result
from toolkit.validation import (
    as_series,
    binary_answers,
    check_choice,
    check_confidence,
    check_scale,
    numeric_answers,
)

NPS_METHODS = ("adjusted-wald", "wald", "bootstrap")
NPS_COLUMNS = ["score", "low", "high", "n", "se", "detractors", "passives", "promoters", "missing", "method",
               "confidence"]
DIFFERENCE_COLUMNS = ["difference", "low", "high", "p_value", "se", "score_a", "score_b", "n_a", "n_b", "method",
                      "confidence"]
CSAT_COLUMNS = ["score", "low", "high", "n", "satisfied", "mean", "mean_low", "mean_high", "missing", "scale",
                "confidence"]
CES_COLUMNS = ["score", "low", "high", "n", "agree_share", "agree_low", "agree_high", "agreeing", "missing", "scale",
               "confidence"]
# Rocks (2016): pseudo-answers added to (detractors, passives, promoters) for the adjusted-Wald interval.
ADJUSTMENT = (0.75, 1.5, 0.75)
DETRACTOR_MAX = 6
"""NPS answers 0-6 are detractors (Reichheld 2003)."""
PROMOTER_MIN = 9
"""NPS answers 9-10 are promoters; 7-8 are passives."""


def check_nps_method(method: str) -> str:
    """The NPS interval method, accepting any case and ``_`` or spaces for ``-`` (``"Adjusted Wald"``)."""
    if isinstance(method, str):
        method = method.strip().lower().replace("_", "-").replace(" ", "-")
    return check_choice(method, NPS_METHODS, "method")


def _check_boot(n_boot: int, seed: int) -> None:
    if isinstance(n_boot, bool) or not isinstance(n_boot, int | np.integer) or n_boot < 100:
        raise ConfigError(f"n_boot must be a whole number of at least 100, got {n_boot!r}", key="n_boot",
                          fix="pass e.g. n_boot=2000")
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer):
        raise ConfigError(f"seed must be a whole number, got {seed!r}", key="seed", fix="pass e.g. seed=0")


def _z(confidence: float) -> float:
    return float(stats.norm.ppf(0.5 + confidence / 2))


def nps_variance(detractors: float, passives: float, promoters: float) -> float:
    """Per-respondent variance of the NPS item scored -1/0/+1, on the -1..1 scale.

    ``p_promoters + p_detractors - (p_promoters - p_detractors)^2``, with proportions over
    n = detractors + passives + promoters (population form, as the R package ``NPS``).
    The standard error of the NPS is ``sqrt(variance / n)``. NaN when n = 0.

    Examples
    --------
    >>> round(nps_variance(1, 2, 3), 4)   # NPS 1/3, variance 5/9
    0.5556
    """
    d, p, r = (np.asarray(v, dtype=float) for v in (detractors, passives, promoters))
    return float(_variance(d, p, r))


def _variance(d: np.ndarray, p: np.ndarray, r: np.ndarray) -> np.ndarray:
    n = d + p + r
    with np.errstate(invalid="ignore", divide="ignore"):
        score = (r - d) / n
        return np.where(n > 0, (r + d) / n - score**2, np.nan)


def _nps_intervals(d: np.ndarray, p: np.ndarray, r: np.ndarray, method: str, confidence: float,
                   n_boot: int, seed: int) -> tuple[np.ndarray, ...]:
    """Observed NPS, SE, low and high on -1..1 for arrays of category counts (one entry per group)."""
    d, p, r = (np.asarray(v, dtype=float) for v in (d, p, r))
    n = d + p + r
    with np.errstate(invalid="ignore", divide="ignore"):
        score = np.where(n > 0, (r - d) / n, np.nan)
        if method == "bootstrap":
            rng = np.random.default_rng(seed)
            alpha = 1 - confidence
            low, high, se = (np.full(n.shape, np.nan) for _ in range(3))
            for i in np.flatnonzero(n > 0):
                draws = rng.multinomial(int(n[i]), np.array([d[i], p[i], r[i]]) / n[i], size=n_boot)
                boot = (draws[:, 2] - draws[:, 0]) / n[i]
                low[i], high[i] = np.quantile(boot, [alpha / 2, 1 - alpha / 2])
                se[i] = boot.std(ddof=1)
            return score, se, np.clip(low, -1, 1), np.clip(high, -1, 1)
        if method == "adjusted-wald":
            ad, ap, ar = d + ADJUSTMENT[0], p + ADJUSTMENT[1], r + ADJUSTMENT[2]
            centre, m = (ar - ad) / (n + 3), n + 3
            se = np.sqrt(_variance(ad, ap, ar) / m)
        else:
            centre, se = score, np.sqrt(_variance(d, p, r) / n)
        z = _z(confidence)
        empty = n == 0
        low = np.where(empty, np.nan, np.clip(centre - z * se, -1, 1))
        high = np.where(empty, np.nan, np.clip(centre + z * se, -1, 1))
        return score, np.where(empty, np.nan, se), low, high


def nps_categories(scores: Iterable | pd.Series, name: str = "scores") -> tuple[int, int, int, int]:
    """Count (detractors, passives, promoters, missing) in 0-10 answers, after checking them.

    ``name`` is how errors call the answers (the argument name).
    """
    values, missing = numeric_answers(scores, name=name, scale=(0, 10), what="NPS",
                                      scale_fix="NPS answers are whole numbers 0-10: correct or remove these rows")
    d = int((values <= DETRACTOR_MAX).sum())
    r = int((values >= PROMOTER_MIN).sum())
    return d, len(values) - d - r, r, missing


def nps(scores: Iterable | pd.Series, method: str = "adjusted-wald", confidence: float = 0.95, *,
        n_boot: int = 2000, seed: int = 0) -> ResultFrame:
    """Net Promoter Score of 0-10 answers with a confidence interval, on -100..100.

    Parameters
    ----------
    scores : 0-10 whole-number answers (list, array or Series); missing values are left out.
    method : ``"adjusted-wald"`` (default; Rocks 2016), ``"wald"`` or ``"bootstrap"``.
    confidence : confidence level of the interval.
    n_boot, seed : bootstrap resamples and random seed (``method="bootstrap"`` only).

    Returns
    -------
    ResultFrame with one row: ``score`` (observed NPS), ``low``, ``high`` (interval, clipped
    to [-100, 100]), ``n`` (answers used), ``se`` (standard error behind the interval, on
    -100..100), ``detractors``, ``passives``, ``promoters`` (counts), ``missing``,
    ``method``, ``confidence``. With no answers: n = 0 and NaN score, se and interval.

    Raises DataError naming the rows for answers that are not whole numbers 0-10.

    Examples
    --------
    >>> r = nps([0, 7, 8, 9, 10, 10], method="wald")
    >>> round(float(r["score"]), 2), round(float(r["se"]), 1)
    (33.33, 30.4)
    """
    method = check_nps_method(method)
    confidence = check_confidence(confidence)
    d, p, r, missing = nps_categories(scores)
    return nps_from_counts(d, p, r, method=method, confidence=confidence, n_boot=n_boot, seed=seed, missing=missing)


def nps_from_counts(detractors: int | Sequence[int], passives: int | Sequence[int], promoters: int | Sequence[int],
                    method: str = "adjusted-wald", confidence: float = 0.95, *, n_boot: int = 2000, seed: int = 0,
                    missing: int | Sequence[int] = 0) -> ResultFrame:
    """NPS and interval from category counts; one row per element when the counts are arrays.

    Same columns and definitions as :func:`nps`.
    """
    method = check_nps_method(method)
    confidence = check_confidence(confidence)
    _check_boot(n_boot, seed)
    d, p, r = (np.atleast_1d(np.asarray(v, dtype=float)) for v in (detractors, passives, promoters))
    if (np.concatenate([d, p, r]) < 0).any():
        raise ConfigError("category counts cannot be negative", key="detractors/passives/promoters",
                          fix="pass the numbers of detractors, passives and promoters")
    score, se, low, high = _nps_intervals(d, p, r, method, confidence, n_boot, seed)
    return result({
        "score": 100 * score, "low": 100 * low, "high": 100 * high, "n": (d + p + r).astype(int),
        "se": 100 * se, "detractors": d.astype(int), "passives": p.astype(int), "promoters": r.astype(int),
        "missing": np.broadcast_to(np.asarray(missing, dtype=int), d.shape), "method": method,
        "confidence": confidence,
    }, NPS_COLUMNS)


def nps_difference(scores_a: Iterable | pd.Series, scores_b: Iterable | pd.Series, method: str = "adjusted-wald",
                   confidence: float = 0.95, *, n_boot: int = 2000, seed: int = 0) -> ResultFrame:
    """Difference between two NPS values (a - b), with its interval and a two-sided p-value.

    Interval: variances are added, SE = sqrt(var_a / n_a + var_b / n_b). With
    ``"adjusted-wald"`` each group gets the 3/4, 3/2, 3/4 pseudo-answers first and the
    interval is centred on the adjusted difference (MeasuringU); ``"wald"`` uses the
    observed counts; ``"bootstrap"`` resamples each group independently (seeded) and takes
    percentile bounds. p-value (every method): a pooled score-type z test, the difference
    over its standard error under "both groups answer alike" (pooled category shares), which
    keeps its nominal error rate in the tail where multiple-comparison corrections work;
    the unpooled Wald p-value was too small there.

    Returns
    -------
    ResultFrame with one row: ``difference`` (observed NPS a - NPS b, -200..200 points),
    ``low``, ``high``, ``p_value`` (null: equal NPS), ``se``, ``score_a``, ``score_b``,
    ``n_a``, ``n_b``, ``method``, ``confidence``. NaN when either group has no answers;
    the p-value is NaN when the pooled answers have no spread.

    Examples
    --------
    >>> r = nps_difference([9, 10, 10, 7, 3], [0, 5, 6, 9, 8], method="wald")
    >>> float(r["difference"]), round(float(r["p_value"]), 3)
    (80.0, 0.157)
    """
    method = check_nps_method(method)
    confidence = check_confidence(confidence)
    da, pa, ra, _ = nps_categories(scores_a, "scores_a")
    db, pb, rb, _ = nps_categories(scores_b, "scores_b")
    return nps_difference_from_counts((da, pa, ra), (db, pb, rb), method, confidence, n_boot=n_boot, seed=seed)


def nps_difference_from_counts(counts_a: Sequence, counts_b: Sequence, method: str = "adjusted-wald",
                               confidence: float = 0.95, *, n_boot: int = 2000, seed: int = 0) -> ResultFrame:
    """:func:`nps_difference` from (detractors, passives, promoters) counts; arrays give one row each."""
    method = check_nps_method(method)
    confidence = check_confidence(confidence)
    _check_boot(n_boot, seed)
    a = [np.atleast_1d(np.asarray(v, dtype=float)) for v in counts_a]
    b = [np.atleast_1d(np.asarray(v, dtype=float)) for v in counts_b]
    arrays = np.broadcast_arrays(*a, *b)
    a, b = list(arrays[:3]), list(arrays[3:])
    n_a, n_b = sum(a), sum(b)
    with np.errstate(invalid="ignore", divide="ignore"):
        score_a, score_b = (a[2] - a[0]) / n_a, (b[2] - b[0]) / n_b
        diff = score_a - score_b
        z = _z(confidence)
        if method == "bootstrap":
            rng = np.random.default_rng(seed)
            alpha = 1 - confidence
            low, high, se = (np.full(diff.shape, np.nan) for _ in range(3))
            for i in np.flatnonzero((n_a > 0) & (n_b > 0)):
                draw_a = rng.multinomial(int(n_a[i]), [a[0][i] / n_a[i], a[1][i] / n_a[i], a[2][i] / n_a[i]],
                                         size=n_boot)
                draw_b = rng.multinomial(int(n_b[i]), [b[0][i] / n_b[i], b[1][i] / n_b[i], b[2][i] / n_b[i]],
                                         size=n_boot)
                boot = (draw_a[:, 2] - draw_a[:, 0]) / n_a[i] - (draw_b[:, 2] - draw_b[:, 0]) / n_b[i]
                low[i], high[i] = np.quantile(boot, [alpha / 2, 1 - alpha / 2])
                se[i] = boot.std(ddof=1)
            centre = diff
        else:
            if method == "adjusted-wald":
                a = [a[k] + ADJUSTMENT[k] for k in range(3)]
                b = [b[k] + ADJUSTMENT[k] for k in range(3)]
            ma, mb = sum(a), sum(b)
            centre = (a[2] - a[0]) / ma - (b[2] - b[0]) / mb
            se = np.sqrt(_variance(*a) / ma + _variance(*b) / mb)
            low, high = centre - z * se, centre + z * se
        p_value = _pooled_p_value(counts_a, counts_b)
        empty = (n_a == 0) | (n_b == 0)
        low = np.where(empty, np.nan, np.clip(low, -2, 2))
        high = np.where(empty, np.nan, np.clip(high, -2, 2))
    return result({
        "difference": 100 * diff, "low": 100 * low, "high": 100 * high,
        "p_value": np.where(empty, np.nan, p_value), "se": 100 * np.where(empty, np.nan, se),
        "score_a": 100 * score_a, "score_b": 100 * score_b, "n_a": n_a.astype(int), "n_b": n_b.astype(int),
        "method": method, "confidence": confidence,
    }, DIFFERENCE_COLUMNS)


def _pooled_p_value(counts_a: Sequence, counts_b: Sequence) -> np.ndarray:
    """Two-sided p-value of "equal NPS" by a pooled score-type z test, vectorised.

    Under the null both groups share one distribution of detractors, passives and
    promoters, estimated from the pooled counts; the NPS difference is divided by its
    standard error under that null, ``sqrt(v0 * (1/n_a + 1/n_b))`` with ``v0`` the pooled
    per-respondent variance (:func:`nps_variance`). Unlike the unpooled Wald test, whose
    variance shrinks with an extreme group, this stays calibrated in the tail where Holm
    works (a null simulation in the tests checks it). NaN when a group is empty or the
    pooled answers have no spread.
    """
    a = np.broadcast_arrays(*[np.atleast_1d(np.asarray(v, dtype=float)) for v in (*counts_a, *counts_b)])
    d, p, r = a[0] + a[3], a[1] + a[4], a[2] + a[5]
    n_a, n_b = a[0] + a[1] + a[2], a[3] + a[4] + a[5]
    with np.errstate(invalid="ignore", divide="ignore"):
        diff = (a[2] - a[0]) / n_a - (a[5] - a[3]) / n_b
        se0 = np.sqrt(_variance(d, p, r) * (1 / n_a + 1 / n_b))
        return np.where((se0 > 0) & (n_a > 0) & (n_b > 0), 2 * stats.norm.sf(np.abs(diff) / se0), np.nan)


def nps_sample_size(change: float = 10, baseline: Iterable | pd.Series | None = None, confidence: float = 0.95,
                    power: float = 0.8) -> ResultFrame:
    """How many answers per group are needed to detect an NPS change of ``change`` points.

    Two-sided z test of two independent groups of equal size with equal per-respondent
    variance v (see :func:`nps_variance`): ``n = (z_(1-alpha/2) + z_power)^2 * 2 v / (change/100)^2``,
    rounded up. v comes from ``baseline`` answers when given, else from an even split of
    detractors, passives and promoters (v = 2/3).

    Returns
    -------
    ResultFrame with one row: ``change``, ``n_per_group``, ``variance``, ``confidence``,
    ``power``, ``statement`` (a sentence for the report).
    """
    confidence = check_confidence(confidence)
    if isinstance(power, bool) or not isinstance(power, int | float) or not 0 < power < 1:
        raise ConfigError(f"power must be between 0 and 1, got {power!r}", key="power", fix="pass e.g. power=0.8")
    if isinstance(change, bool) or not isinstance(change, int | float) or not 0 < change <= 200:
        raise ConfigError(f"change must be a number of NPS points between 0 and 200, got {change!r}", key="change",
                          fix="pass e.g. change=10 for a 10-point change")
    if baseline is None:
        variance, source = 2 / 3, "an even split of detractors, passives and promoters"
    else:
        d, p, r, _ = nps_categories(baseline)
        variance, source = nps_variance(d, p, r), f"the spread of the {d + p + r} baseline answers"
        if not np.isfinite(variance) or variance == 0:
            variance, source = 2 / 3, "an even split (the baseline had no spread)"
    z = _z(confidence) + float(stats.norm.ppf(power))
    n = int(np.ceil(z**2 * 2 * variance / (change / 100) ** 2))
    statement = (f"To see a {change:g}-point change in NPS you need about {n:,} responses per group "
                 f"({confidence:.0%} confidence, {power:.0%} power, assuming {source}).")
    return result({"change": float(change), "n_per_group": n, "variance": variance, "confidence": confidence,
                   "power": float(power), "statement": statement})


def wilson_interval(successes: np.ndarray | int, n: np.ndarray | int, confidence: float = 0.95
                    ) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for proportions (statsmodels ``proportion_confint``), NaN where n = 0."""
    k = np.atleast_1d(np.asarray(successes, dtype=float))
    m = np.atleast_1d(np.asarray(n, dtype=float))
    low, high = np.full(m.shape, np.nan), np.full(m.shape, np.nan)
    ok = m > 0
    if ok.any():
        low[ok], high[ok] = proportion_confint(k[ok], m[ok], alpha=1 - confidence, method="wilson")
    return low, high


def t_interval(mean: np.ndarray, sd: np.ndarray, n: np.ndarray, confidence: float = 0.95
               ) -> tuple[np.ndarray, np.ndarray]:
    """Student t interval for means, NaN where n < 2 (no spread can be estimated)."""
    mean, sd, n = (np.atleast_1d(np.asarray(v, dtype=float)) for v in (mean, sd, n))
    with np.errstate(invalid="ignore", divide="ignore"):
        q = stats.t.ppf(0.5 + confidence / 2, np.where(n > 1, n - 1, np.nan))
        half = q * sd / np.sqrt(n)
    half = np.where(n > 1, half, np.nan)
    return mean - half, mean + half


def csat(ratings: Iterable | pd.Series, scale: tuple[int, int] | str = (1, 5), confidence: float = 0.95,
         top_boxes: int = 2) -> ResultFrame:
    """Customer satisfaction: the share satisfied (0-1) with a Wilson interval, and the mean rating.

    Parameters
    ----------
    ratings : numeric ratings on ``scale`` (numbers or numeric strings), or binary
        ``"good"``/``"bad"`` words (any case; also satisfied/unsatisfied, yes/no) or
        booleans (True = good), in which case ``scale`` is ignored. Missing values are left out.
    scale : (lowest, highest), or ``"1-5"``, ``"1-7"``, ``"0-10"``, ``"binary"`` (0 = bad, 1 = good).
    top_boxes : how many of the highest points count as satisfied (top-2-box: 4-5 on 1-5).

    Returns
    -------
    ResultFrame with one row: ``score`` (share satisfied, 0-1), ``low``, ``high`` (Wilson
    interval, 0-1), ``n``, ``satisfied`` (count), ``mean`` with ``mean_low``,
    ``mean_high`` (t interval; NaN for binary ratings or n < 2), ``missing``, ``scale``
    (``"1-5"``, ``"binary"``...), ``confidence``.

    Examples
    --------
    >>> float(csat(["good", "good", "bad", "good"])["score"])
    0.75
    >>> csat([1, 2, 3, 4, 5, 5])[["score", "n", "satisfied", "mean"]]
       score  n  satisfied      mean
    0    0.5  6          3  3.333333
    """
    confidence = check_confidence(confidence)
    if isinstance(top_boxes, bool) or not isinstance(top_boxes, int) or top_boxes < 1:
        raise ConfigError(f"top_boxes must be a positive whole number, got {top_boxes!r}", key="top_boxes",
                          fix="pass top_boxes=2 for top-2-box")
    series = as_series(ratings, "ratings")
    present = series.dropna()
    if len(present) and (pd.api.types.is_bool_dtype(series.dtype) or (
            series.dtype == object and all(isinstance(v, bool | np.bool_) for v in present.tolist()))):
        series = series.map({True: "good", False: "bad"}, na_action="ignore")
    words = binary_answers(series, name="ratings")
    if words is not None:
        values, low_high, binary = words, (0, 1), True
        missing = len(series) - len(words)
    else:
        low_high = check_scale(scale)
        binary = low_high == (0, 1)
        values, missing = numeric_answers(series, name="ratings", scale=low_high, what="CSAT")
    label = "binary" if binary else f"{low_high[0]}-{low_high[1]}"
    cut = low_high[1] if binary else low_high[1] - top_boxes + 1
    n = len(values)
    satisfied = int((values >= cut).sum())
    low, high = wilson_interval(satisfied, n, confidence)
    mean = float(values.mean()) if n and not binary else np.nan
    sd = float(values.std(ddof=1)) if n > 1 and not binary else np.nan
    mean_low, mean_high = t_interval(mean, sd, n if not binary else 0, confidence)
    return result({
        "score": satisfied / n if n else np.nan, "low": low[0], "high": high[0], "n": n,
        "satisfied": satisfied, "mean": mean, "mean_low": mean_low[0], "mean_high": mean_high[0],
        "missing": missing, "scale": label, "confidence": confidence,
    }, CSAT_COLUMNS)


def ces(scores: Iterable | pd.Series, scale: tuple[int, int] | str = (1, 7), confidence: float = 0.95) -> ResultFrame:
    """Customer Effort Score: mean answer with a t interval, and the share agreeing (0-1) with a Wilson interval.

    The question is "the company made it easy for me to handle my issue" (CES 2.0):
    higher is easier. Agreeing is 5-7 on 1-7 and 4-5 on 1-5 (above the midpoint).

    Returns
    -------
    ResultFrame with one row: ``score`` (mean answer), ``low``, ``high`` (t interval; NaN
    for n < 2), ``n``, ``agree_share`` (share agreeing, 0-1), ``agree_low``, ``agree_high`` (Wilson, 0-1),
    ``agreeing`` (count), ``missing``, ``scale``, ``confidence``.

    Examples
    --------
    >>> ces([7, 6, 5, 2])[["score", "n", "agree_share", "agreeing"]]
       score  n  agree_share  agreeing
    0    5.0  4         0.75         3
    """
    confidence = check_confidence(confidence)
    low_high = check_scale(scale)
    values, missing = numeric_answers(scores, name="scores", scale=low_high, what="CES")
    n = len(values)
    agree_from = np.floor((low_high[0] + low_high[1]) / 2) + 1
    agreeing = int((values >= agree_from).sum())
    mean = float(values.mean()) if n else np.nan
    sd = float(values.std(ddof=1)) if n > 1 else np.nan
    low, high = t_interval(mean, sd, n, confidence)
    a_low, a_high = wilson_interval(agreeing, n, confidence)
    return result({
        "score": mean, "low": low[0], "high": high[0], "n": n, "agree_share": agreeing / n if n else np.nan,
        "agree_low": a_low[0], "agree_high": a_high[0], "agreeing": agreeing, "missing": missing,
        "scale": f"{low_high[0]}-{low_high[1]}", "confidence": confidence,
    }, CES_COLUMNS)


SCORE_TABLE_COLUMNS = ["n", "score", "low", "high", "se", "favourable", "unfavourable"]


def score_table(rows: pd.DataFrame, survey: str, by: Sequence[str] = (), *, method: str = "adjusted-wald",
                confidence: float = 0.95, n_boot: int = 2000, seed: int = 0) -> pd.DataFrame:
    """The headline score of one survey per group of canonical response rows (vectorised over groups).

    ``rows`` are canonical ``survey_responses`` rows of one survey (see
    :func:`toolkit.survey.frames.survey_rows`). The headline is NPS (-100..100, ``method``
    interval, points) for ``nps``, the share satisfied (Wilson, 0-1) for ``csat`` and the
    share agreeing (Wilson, 0-1) for ``ces``: every survey counts favourable answers.

    Returns
    -------
    DataFrame with the ``by`` columns, then ``n``, ``score``, ``low``, ``high``, ``se``
    (standard error of the score, in its unit), ``favourable`` (promoters / satisfied /
    agreeing), ``unfavourable`` (detractors / not satisfied / not agreeing), and for NPS
    ``passives``. Groups are sorted by the ``by`` values.
    """
    check_choice(survey, ("nps", "csat", "ces"), "survey")
    by = list(by)
    good = pd.Series(favourable(rows["score"], rows["scale"], survey), index=rows.index)
    bad = rows["score"] <= 6 if survey == "nps" else ~good
    work = pd.DataFrame({"favourable": good.astype(int), "unfavourable": bad.astype(int)}, index=rows.index)
    for col in by:
        work[col] = rows[col]
    if by:
        counts = work.groupby(by, sort=True, dropna=False, observed=True)[["favourable", "unfavourable"]].agg(
            ["sum", "count"])
        table = pd.DataFrame({"favourable": counts[("favourable", "sum")],
                              "unfavourable": counts[("unfavourable", "sum")],
                              "n": counts[("favourable", "count")]}).reset_index()
    else:
        table = pd.DataFrame({"favourable": [int(work["favourable"].sum())],
                              "unfavourable": [int(work["unfavourable"].sum())], "n": [len(work)]})
    fav, unfav, n = (table[c].to_numpy(dtype=float) for c in ("favourable", "unfavourable", "n"))
    if survey == "nps":
        scored = nps_from_counts(unfav, n - fav - unfav, fav, method=method, confidence=confidence,
                                 n_boot=n_boot, seed=seed)
        table["passives"] = (n - fav - unfav).astype(int)
        values = {c: scored[c].to_numpy() for c in ("score", "low", "high", "se")}
    else:
        low, high = wilson_interval(fav, n, confidence)
        with np.errstate(invalid="ignore", divide="ignore"):
            share = np.where(n > 0, fav / n, np.nan)
            values = {"score": share, "low": low, "high": high, "se": np.sqrt(share * (1 - share) / n)}
    for col, vals in values.items():
        table[col] = vals
    table["n"] = table["n"].astype(int)
    extra = ["passives"] if survey == "nps" else []
    return table[by + SCORE_TABLE_COLUMNS + extra]


def proportion_difference(successes_a: np.ndarray, n_a: np.ndarray, successes_b: np.ndarray, n_b: np.ndarray,
                          confidence: float = 0.95) -> pd.DataFrame:
    """Difference of two independent proportions (a - b, a fraction -1..1) with interval and p-value, vectorised.

    The p-value is the pooled two-proportion z test (as statsmodels ``proportions_ztest``);
    the interval is the unpooled Wald interval of the difference. NaN where a group is
    empty; p-value NaN where the pooled proportion is 0 or 1 (no variation at all).

    Returns
    -------
    DataFrame with ``difference``, ``low``, ``high``, ``p_value`` (one row per element).
    """
    k1, m1, k2, m2 = (np.atleast_1d(np.asarray(v, dtype=float)) for v in (successes_a, n_a, successes_b, n_b))
    with np.errstate(invalid="ignore", divide="ignore"):
        p1, p2 = k1 / m1, k2 / m2
        pooled = (k1 + k2) / (m1 + m2)
        se0 = np.sqrt(pooled * (1 - pooled) * (1 / m1 + 1 / m2))
        p_value = np.where(se0 > 0, 2 * stats.norm.sf(np.abs(p1 - p2) / se0), np.nan)
        se = np.sqrt(p1 * (1 - p1) / m1 + p2 * (1 - p2) / m2)
        z = _z(confidence)
        empty = (m1 == 0) | (m2 == 0)
        diff = np.where(empty, np.nan, p1 - p2)
    return pd.DataFrame({"difference": diff, "low": diff - z * se, "high": diff + z * se,
                         "p_value": np.where(empty, np.nan, p_value)})
