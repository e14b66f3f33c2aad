"""Survey scores over time (week, month or quarter) with interval bands, and which changes are real.

A change from one period to the next is flagged only when it is statistically
supported: both periods have at least ``min_n`` answers and the change's p-value,
corrected over all the period-to-period changes shown (Holm by default), is below
1 - confidence. Everything else is drawn as noise inside the bands.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from toolkit.multiplicity import CORRECTIONS, adjust_p_values
from toolkit.ops.segments import add_segment_label, period_start
from toolkit.survey.frames import survey_rows, with_ticket_columns
from toolkit.survey.scores import check_nps_method, nps_difference_from_counts, proportion_difference, score_table
from toolkit.survey.segments import NOT_SET
from toolkit.validation import MIN_N, check_choice, check_confidence, check_freq, check_min_n, check_tz


def survey_trend(survey_responses: pd.DataFrame, survey: str = "nps", freq: str = "month", *, by: str | None = None,
                 tickets: pd.DataFrame | None = None, tz: str = "UTC", method: str = "adjusted-wald",
                 confidence: float = 0.95, correction: str = "holm", min_n: int = MIN_N) -> pd.DataFrame:
    """Score of one survey per calendar period (and segment), with intervals and supported changes.

    Parameters
    ----------
    survey_responses : canonical ``survey_responses``; periods come from ``submitted_at``.
    survey : ``"nps"`` (points), ``"csat"`` (share satisfied, 0-1) or ``"ces"`` (share agreeing, 0-1).
    freq : ``"day"``, ``"week"`` (Monday to Sunday), ``"month"``, ``"quarter"`` or ``"year"``.
    by : optional segment column (responses, or tickets joined on ``ticket_id``): one trend per segment.
    tz : the client's time zone, in which periods begin (e.g. ``"Europe/London"``).
    correction : how the change p-values are corrected together (see :func:`compare_segments`).
    min_n : periods with fewer answers are flagged ``small_sample`` and their changes not tested.

    Returns
    -------
    DataFrame, one row per period (every period from the first answer to the last, empty
    ones with n = 0) and segment: ``segment`` (the ``by`` value and the period label joined
    with " | ", as ops frames), [``by``], ``period`` (start date, naive, in ``tz``),
    ``n``, ``score``, ``low``, ``high``, ``se``, ``favourable``, ``unfavourable``,
    ``small_sample``, ``change`` (since the previous period, in the score's unit), ``change_low``,
    ``change_high``, ``p_value``, ``p_adjusted``, ``change_significant``,
    ``direction`` (``"up"``, ``"down"`` or ``""``).
    """
    check_choice(survey, ("nps", "csat", "ces"), "survey")
    check_freq(freq)
    check_tz(tz)
    method = check_nps_method(method)
    check_choice(correction, tuple(CORRECTIONS), "correction")
    confidence = check_confidence(confidence)
    min_n = check_min_n(min_n)
    rows = survey_rows(survey_responses, survey)
    keys = ["period"]
    if by is not None:
        rows = with_ticket_columns(rows, tickets, [by])
        rows = rows.assign(**{by: rows[by].astype("str").where(rows[by].notna(), NOT_SET)})
        keys = [by, "period"]
    rows = rows.assign(period=period_start(rows["submitted_at"], freq, tz))
    table = score_table(rows, survey, keys, method=method, confidence=confidence)
    table = _fill_periods(table, rows, keys, freq, survey, method, confidence)
    prev = table.groupby(keys[:-1], sort=False)[["favourable", "unfavourable", "n"]].shift(1) if by else \
        table[["favourable", "unfavourable", "n"]].shift(1)
    fav, unfav, n = (table[c].to_numpy(dtype=float) for c in ("favourable", "unfavourable", "n"))
    pfav, punfav, pn = (prev[c].to_numpy(dtype=float) for c in ("favourable", "unfavourable", "n"))
    pn = np.nan_to_num(pn, nan=0.0)
    pfav, punfav = np.nan_to_num(pfav), np.nan_to_num(punfav)
    if survey == "nps":
        diff = nps_difference_from_counts((unfav, n - fav - unfav, fav), (punfav, pn - pfav - punfav, pfav),
                                          method=method, confidence=confidence)
    else:
        diff = proportion_difference(fav, n, pfav, pn, confidence)
    small = n < min_n
    p_value = diff["p_value"].to_numpy()
    tested = np.where(small | (pn < min_n), np.nan, p_value)
    p_adjusted = adjust_p_values(tested, correction, alpha=1 - confidence)
    significant = np.nan_to_num(p_adjusted, nan=1.0) < 1 - confidence
    change = diff["difference"].to_numpy()
    out = table.assign(small_sample=small, change=change, change_low=diff["low"].to_numpy(),
                       change_high=diff["high"].to_numpy(), p_value=p_value, p_adjusted=p_adjusted,
                       change_significant=significant,
                       direction=np.where(significant, np.where(change > 0, "up", "down"), ""))
    out = add_segment_label(out.drop(columns=[c for c in ("passives",) if c in out.columns]), keys, freq)
    out.attrs.update(survey=survey, freq=freq, tz=tz, correction=correction, min_n=min_n, confidence=confidence)
    return out


def _fill_periods(table: pd.DataFrame, rows: pd.DataFrame, keys: list[str], freq: str, survey: str, method: str,
                  confidence: float) -> pd.DataFrame:
    """Add the empty periods between the first and the last answer (n = 0, NaN score), per segment."""
    if rows.empty:
        return table
    first, last = rows["period"].min(), rows["period"].max()
    alias = {"day": "D", "week": "W-MON", "month": "MS", "quarter": "QS", "year": "YS"}[freq]
    periods = pd.date_range(first, last, freq=alias).astype("datetime64[us]")
    if len(keys) == 1:
        full = pd.DataFrame({"period": periods})
    else:
        segments = table[keys[0]].drop_duplicates().sort_values()
        full = pd.MultiIndex.from_product([segments, periods], names=keys).to_frame(index=False)
    merged = full.merge(table, on=keys, how="left")
    merged[["n", "favourable", "unfavourable"]] = merged[["n", "favourable", "unfavourable"]].fillna(0).astype(int)
    if "passives" in merged.columns:
        merged["passives"] = merged["passives"].fillna(0).astype(int)
    return merged
