"""Multiple-comparison adjustment shared by the survey segments and trends and the watermelon flags.

When one result compares many segments (or periods) at once, the p-values are adjusted
together so that with twenty teams one is not called "significantly worse" by chance:
Holm (family-wise error, the default), Benjamini-Hochberg (false discovery rate),
Bonferroni, or none.
"""

from __future__ import annotations

import numpy as np
from statsmodels.stats.multitest import multipletests

from toolkit.validation import check_choice

CORRECTIONS = {"holm": "holm", "bh": "fdr_bh", "benjamini-hochberg": "fdr_bh", "bonferroni": "bonferroni",
               "none": None}


def adjust_p_values(p_values: np.ndarray, correction: str = "holm", alpha: float = 0.05) -> np.ndarray:
    """Multiple-comparison adjusted p-values; NaN entries stay NaN and are not counted.

    ``correction``: ``"holm"`` (family-wise error), ``"bh"`` / ``"benjamini-hochberg"``
    (false discovery rate, statsmodels ``multipletests``), ``"bonferroni"`` or ``"none"``.

    Examples
    --------
    >>> adjust_p_values([0.01, 0.04, np.nan, 0.03]).round(2).tolist()
    [0.03, 0.06, nan, 0.06]
    """
    check_choice(correction, tuple(CORRECTIONS), "correction")
    p = np.asarray(p_values, dtype=float)
    adjusted = np.full(p.shape, np.nan)
    ok = ~np.isnan(p)
    if not ok.any():
        return adjusted
    if CORRECTIONS[correction] is None:
        adjusted[ok] = p[ok]
    elif correction == "holm":
        adjusted[ok] = _holm(p[ok])
    else:
        adjusted[ok] = multipletests(p[ok], alpha=alpha, method=CORRECTIONS[correction])[1]
    return adjusted


def _holm(p: np.ndarray) -> np.ndarray:
    """Holm's step-down adjustment: sorted p_(i) times (m - i + 1), made monotone, capped at 1.

    Written here because statsmodels' Holm runs a full ``gc.collect()`` on every call (tens of
    milliseconds in a loaded process), which dominates per-segment analyses and simulations.
    """
    order = np.argsort(p, kind="stable")
    m = len(p)
    stepped = np.minimum(1.0, np.maximum.accumulate(p[order] * np.arange(m, 0, -1)))
    out = np.empty(m)
    out[order] = stepped
    return out
