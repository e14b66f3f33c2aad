"""Survey scores by segment (team, channel, plan, organisation...), compared fairly.

Each segment is compared with all other answers together (one against the rest),
and the p-values of all those comparisons are corrected together for multiple
testing (Holm by default, or Benjamini-Hochberg), so that with twenty teams one of
them is not called "significantly worse" by chance. Segments with fewer than
``min_n`` answers are shown with their interval and a warning, but are neither tested
nor ranked: their numbers move too much from one month to the next to compare.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from toolkit import formatting as fmt
from toolkit.multiplicity import CORRECTIONS, adjust_p_values
from toolkit.ops.segments import add_segment_label
from toolkit.survey.frames import survey_rows, with_ticket_columns
from toolkit.survey.scores import check_nps_method, nps_difference_from_counts, proportion_difference, score_table
from toolkit.validation import MIN_N, check_choice, check_confidence, check_min_n

NOT_SET = "(not set)"
SCORE_NAMES = {"nps": "NPS", "csat": "CSAT (share satisfied)", "ces": "CES (share agreeing)"}


def compare_segments(survey_responses: pd.DataFrame, by: str, survey: str = "nps", *,
                     tickets: pd.DataFrame | None = None, correction: str = "holm", min_n: int = MIN_N,
                     method: str = "adjusted-wald", confidence: float = 0.95) -> pd.DataFrame:
    """Score of one survey per segment, each compared with the rest, with multiple-comparison control.

    Parameters
    ----------
    survey_responses : canonical ``survey_responses``.
    by : the segment column, from the responses (e.g. ``organization_id`` or an extra
        column such as ``region``) or, joined on ``ticket_id``, from ``tickets`` (e.g. ``team``).
    survey : ``"nps"`` (NPS, -100..100 points), ``"csat"`` (share satisfied, 0-1) or ``"ces"``
        (share agreeing, 0-1).
    tickets : canonical ``tickets``, needed when ``by`` is a ticket column.
    correction : ``"holm"`` (default), ``"bh"``, ``"bonferroni"`` or ``"none"``.
    min_n : segments with fewer answers are flagged ``small_sample`` and not tested or ranked.
    method : NPS interval and test method (see :func:`toolkit.survey.nps`); CSAT and CES
        use Wilson intervals and a two-proportion z test.

    Returns
    -------
    DataFrame, one row per segment (answers with an empty segment form ``"(not set)"``),
    reliable segments first by score: ``segment`` (the segment's value, as in every
    segment frame), the ``by`` column, ``n``, ``score``, ``low``, ``high``, ``se``,
    ``favourable``, ``unfavourable``, ``rest_score`` (all other answers), ``difference``
    (score - rest_score, in the score's unit) with ``difference_low``, ``difference_high``,
    ``p_value``, ``p_adjusted``, ``significant`` (adjusted p < 1 - confidence),
    ``direction`` (``"above"``, ``"below"`` or ``""``), ``small_sample``, ``rank``
    (1 = best; empty for small segments), ``note`` (a sentence for the report).
    """
    check_choice(survey, ("nps", "csat", "ces"), "survey")
    method = check_nps_method(method)
    check_choice(correction, tuple(CORRECTIONS), "correction")
    confidence = check_confidence(confidence)
    min_n = check_min_n(min_n)
    rows = survey_rows(survey_responses, survey)
    rows = with_ticket_columns(rows, tickets, [by]).copy()
    rows[by] = rows[by].astype("str").where(rows[by].notna(), NOT_SET)
    table = score_table(rows, survey, [by], method=method, confidence=confidence)
    fav, unfav, n = (table[c].to_numpy(dtype=float) for c in ("favourable", "unfavourable", "n"))
    rest_fav, rest_unfav, rest_n = fav.sum() - fav, unfav.sum() - unfav, n.sum() - n
    if survey == "nps":
        diff = nps_difference_from_counts((unfav, n - fav - unfav, fav),
                                          (rest_unfav, rest_n - rest_fav - rest_unfav, rest_fav),
                                          method=method, confidence=confidence)
        rest_score = diff["score_b"].to_numpy()
    else:
        diff = proportion_difference(fav, n, rest_fav, rest_n, confidence)
        with np.errstate(invalid="ignore", divide="ignore"):
            rest_score = np.where(rest_n > 0, rest_fav / rest_n, np.nan)
    small = n < min_n
    p_value = diff["p_value"].to_numpy()
    tested = np.where(small, np.nan, p_value)
    p_adjusted = adjust_p_values(tested, correction, alpha=1 - confidence)
    significant = np.nan_to_num(p_adjusted, nan=1.0) < 1 - confidence
    difference = diff["difference"].to_numpy()
    out = table.assign(
        rest_score=rest_score, difference=difference, difference_low=diff["low"].to_numpy(),
        difference_high=diff["high"].to_numpy(), p_value=p_value, p_adjusted=p_adjusted, significant=significant,
        direction=np.where(significant, np.where(difference > 0, "above", "below"), ""), small_sample=small)
    order = np.lexsort((-out["score"].fillna(-np.inf).to_numpy(), small))
    out = out.iloc[order].reset_index(drop=True)
    rank = pd.Series(np.nan, index=out.index)
    reliable = ~out["small_sample"]
    rank[reliable] = np.arange(1, int(reliable.sum()) + 1)
    out["rank"] = rank.astype("Int64")
    out = add_segment_label(out.drop(columns=[c for c in ("passives",) if c in out.columns]), [by], None)
    out["note"] = [_note(r, survey, min_n, confidence) for r in out.itertuples(index=False)]
    out.attrs.update(survey=survey, by=by, correction=correction, min_n=min_n, confidence=confidence)
    return out


def _note(row, survey: str, min_n: int, confidence: float) -> str:
    name = SCORE_NAMES[survey].split(" (")[0]
    interval = (f"{fmt.score(row.score, survey)} ({confidence:.0%} CI "
                f"{fmt.score_interval(row.low, row.high, survey)})")
    rest = fmt.score(row.rest_score, survey)
    if row.small_sample:
        return (f"{row.segment}: {name} {interval} from only {row.n} answers (fewer than {min_n}); "
                "too few to compare or rank.")
    if row.significant:
        gap = fmt.score_change(abs(row.difference), survey).lstrip("+")
        unit = "points" if survey == "nps" else "percentage points"
        return (f"{row.segment}: {name} {interval} is {row.direction} the rest ({rest}) "
                f"by {gap} {unit} (adjusted p = {row.p_adjusted:.3g}).")
    return f"{row.segment}: {name} {interval}; not distinguishable from the rest ({rest})."


def survey_summary(survey_responses: pd.DataFrame, *, method: str = "adjusted-wald", confidence: float = 0.95
                   ) -> pd.DataFrame:
    """Headline score of every survey present in canonical ``survey_responses``, with its interval.

    Returns
    -------
    DataFrame, one row per survey present (nps, csat, ces order): ``survey``, ``measure``
    (what ``score`` is), ``n``, ``score``, ``low``, ``high``, ``se``, ``favourable``,
    ``unfavourable``. NPS is in points (-100..100); CSAT (share satisfied) and CES (share
    agreeing) are fractions 0-1, as everywhere (``docs/vocabulary.md``).
    """
    method = check_nps_method(method)
    confidence = check_confidence(confidence)
    frames = []
    for survey in ("nps", "csat", "ces"):
        rows = survey_rows(survey_responses, survey)
        if len(rows):
            table = score_table(rows, survey, method=method, confidence=confidence)
            frames.append(table.assign(survey=survey, measure=SCORE_NAMES[survey]))
    columns = ["survey", "measure", "n", "score", "low", "high", "se", "favourable", "unfavourable"]
    if not frames:
        return pd.DataFrame(columns=columns)
    return pd.concat(frames, ignore_index=True)[columns]
