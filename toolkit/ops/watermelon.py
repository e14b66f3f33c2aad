"""Watermelon detection: operational metrics that look green while the experience is red (seed 003).

**Operational metrics** (better when): ``sla_attainment`` (higher; first replies within the
priority's target, see :func:`toolkit.ops.sla_attainment`), ``first_reply_median`` and
``resolution_median`` in minutes (lower).
**Experience metrics**: ``csat`` (share satisfied, higher), ``reopen_rate`` (lower),
``back_and_forth`` (mean agent replies per ticket, lower) and ``nps`` of the accounts
served (higher; ticket-weighted NPS of the tickets' organisations, when NPS responses carry
``organization_id``).

**Tiers.** Among segments with enough data (not ``small_sample``), each metric is turned
into a percentile rank (1 = best); ``ops_score`` and ``experience_score`` are the means of
the available ranks. Segments are then split into thirds by each score: ``best`` (rank
above 2/3), ``middle``, ``worst`` (rank at or below 1/3). Tiers are relative to the other
segments and need at least 3 reliable segments.

**Flag.** A segment is a watermelon when its ops tier is ``best``, its experience tier is
``worst``, and its experience is measurably worse than the other segments together: CSAT
lower or reopen rate higher than the rest by a two-sided score test for two proportions.
The two tests are combined per segment by Bonferroni (``experience_gap_p``: twice the smaller
p-value, at most 1) and then Holm-adjusted over all reliable segments
(``experience_gap_p_adjusted``), which must be below ``alpha`` (0.05). Tiers are relative —
some segment is always "best" — so the test keeps chance differences between equally good
teams from being flagged, and the correction keeps the chance that any of many equal teams
is flagged at or below ``alpha`` (a simulation with identical teams checks it). Small
segments (< ``min_n`` tickets, or < ``min_n`` CSAT ratings when CSAT is known) are never
flagged.

**Kiwi or watermelon over time.** :func:`kiwi_or_watermelon` correlates an ops metric with
CSAT across periods: when they rise and fall together (interval above 0) the organisation
is a kiwi, green all through; when they move in opposite directions (interval below 0) the
metrics hide the experience.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats import proportion

from toolkit import formatting as fmt
from toolkit.errors import ConfigError
from toolkit.multiplicity import adjust_p_values
from toolkit.notes import add_note, with_notes
from toolkit.notes import notes as notes_of
from toolkit.ops.business_time import ScheduleSpec, on_clock
from toolkit.ops.facts import (
    check_targets,
    ever_solved,
    reopened,
    reply_counts,
    resolution_minutes,
    ticket_csat,
    within_first_reply_target,
)
from toolkit.ops.segments import add_segment_label, segment_frame
from toolkit.schema import has_values
from toolkit.validation import MIN_N, check_by, check_freq, check_min_n, check_table, check_tz

OPS_METRICS = {"sla_attainment": True, "first_reply_median": False, "resolution_median": False}
EXPERIENCE_METRICS = {"csat": True, "reopen_rate": False, "back_and_forth": False, "nps": True}
WATERMELON_COLUMNS = ["segment", "tickets", "sla_attainment", "first_reply_median", "resolution_median", "csat",
                      "csat_responses", "reopen_rate", "back_and_forth", "nps", "ops_score", "experience_score",
                      "ops_tier", "experience_tier", "experience_gap_p", "experience_gap_p_adjusted", "small_sample",
                      "flag", "explanation"]
_COUNTS = ["csat_satisfied", "reopened_tickets", "ever_solved"]
_METRIC_NAMES = {"sla_attainment": "SLA attainment", "first_reply_median": "first reply speed",
                 "resolution_median": "resolution speed"}
_NO_ACCOUNT_NPS = "NPS of accounts served skipped: no NPS responses with organization_id matching tickets."
TREND_COLUMNS = ["segment", "ops_metric", "periods", "correlation", "ci_low", "ci_high", "p_value", "verdict",
                 "sentence"]


def segment_metrics(
    tickets: pd.DataFrame,
    survey_responses: pd.DataFrame | None = None,
    by: str | Sequence[str] | None = "team",
    freq: str | None = None,
    *,
    messages: pd.DataFrame | None = None,
    targets: Mapping[str, float] | None = None,
    tz: str = "UTC",
    schedule: ScheduleSpec | None = None,
) -> pd.DataFrame:
    """Ops and experience metrics side by side per segment (the inputs of :func:`watermelon`).

    SLA attainment, first reply and resolution medians are on the calendar clock, or on
    business hours with ``schedule`` (see :func:`toolkit.ops.sla_attainment`); a note says which.

    Returns one row per segment: ``segment``, the grouping columns, ``tickets``,
    ``sla_attainment``, ``first_reply_median``, ``resolution_median``, ``csat``,
    ``csat_responses``, ``reopen_rate``, ``back_and_forth``, ``nps``, and the counts behind
    the rates (``csat_satisfied``, ``reopened_tickets``, ``ever_solved``); a metric without
    input data is empty and named in ``attrs["notes"]``.
    """
    tickets = check_table(tickets, "tickets", argument="tickets")
    check_tz(tz)
    check_freq(freq, optional=True)
    wanted = check_by(by)
    if freq is not None and "period" not in wanted:
        wanted = [*wanted, "period"]
    keys = segment_frame(tickets, wanted, freq=freq or "month", tz=tz)
    used, notes = list(keys.columns), notes_of(keys)
    merged = check_targets(targets)
    tickets = on_clock(tickets, schedule)
    clock, tickets.attrs = notes_of(tickets), {}  # pandas copies attrs into derived Series: keep notes out
    has_reply = has_values(tickets, "first_reply_minutes")
    if not has_reply:
        notes.append("SLA attainment and first reply skipped: the tickets have no first_reply_minutes values.")
    resolution = resolution_minutes(tickets)
    resolution_notes = notes_of(resolution)
    notes += resolution_notes
    csat = ticket_csat(tickets, survey_responses)
    csat_notes = notes_of(csat)
    notes += csat_notes
    again = reopened(tickets)
    if again is None:
        notes.append("Reopen rate skipped: the tickets have no reopens values.")
    replies = reply_counts(tickets, messages)
    reply_notes = notes_of(replies)
    notes += reply_notes
    nps = _account_nps(tickets, survey_responses)
    nps_notes = notes_of(nps)
    notes += nps_notes
    notes += clock
    frame = keys.assign(
        tickets=1,
        within=within_first_reply_target(tickets, merged).to_numpy() if has_reply else np.nan,
        first_reply=tickets["first_reply_minutes"].astype("float64").to_numpy() if has_reply else np.nan,
        resolution=resolution.to_numpy(),
        satisfied=csat.to_numpy(),
        reopened=again.astype("float64").where(ever_solved(tickets)).to_numpy() if again is not None else np.nan,
        agent_replies=replies["agent_replies"].to_numpy(),
        nps=nps.to_numpy(),
    )
    grouped = frame.groupby(used, sort=True) if used else frame.assign(_all=0).groupby("_all")
    out = grouped.agg(tickets=("tickets", "sum"), sla_attainment=("within", "mean"),
                      first_reply_median=("first_reply", "median"), resolution_median=("resolution", "median"),
                      csat=("satisfied", "mean"), csat_responses=("satisfied", "count"),
                      reopen_rate=("reopened", "mean"), back_and_forth=("agent_replies", "mean"),
                      nps=("nps", "mean"), csat_satisfied=("satisfied", "sum"),
                      reopened_tickets=("reopened", "sum"), ever_solved=("reopened", "count")).reset_index()
    if "_all" in out.columns:
        out = out.drop(columns="_all")
    out = add_segment_label(out, used, freq)
    return with_notes(out, notes)


def watermelon(
    tickets: pd.DataFrame,
    survey_responses: pd.DataFrame | None = None,
    by: str | Sequence[str] | None = "team",
    freq: str | None = None,
    *,
    messages: pd.DataFrame | None = None,
    targets: Mapping[str, float] | None = None,
    tz: str = "UTC",
    min_n: int = MIN_N,
    alpha: float = 0.05,
    schedule: ScheduleSpec | None = None,
) -> pd.DataFrame:
    """Flag segments whose operational metrics are in the best tier while the experience is in the worst.

    Parameters
    ----------
    tickets : canonical tickets.
    survey_responses : canonical survey responses (CSAT joined by ``ticket_id``; NPS by
        ``organization_id``); without them CSAT comes from the tickets' ``satisfaction``.
    by : segment columns (team, channel, priority, product, assignee); default ``team``.
    freq : also split by period (day, week, month, quarter, year) in the client's zone.
    messages : canonical messages, for back-and-forth (else the tickets' reply counts).
    targets : first-reply SLA targets by priority in minutes (defaults: urgent 60, high 240,
        normal 480, low 1440).
    tz : the client's time zone.
    min_n : segments with fewer tickets (or CSAT ratings) are ``small_sample``.
    alpha : family-wise significance level of the experience-gap test that a flag also needs.
    schedule : a business-hours schedule or rule set (:mod:`toolkit.ops.business_time`): SLA
        attainment and the time medians on the helpdesk's business clock, as
        :func:`toolkit.ops.sla_attainment` with the same ``schedule``. Default: calendar minutes.

    Returns
    -------
    One row per segment, flagged first: ``segment``, the grouping columns, ``tickets``,
    ``sla_attainment``, ``first_reply_median``, ``resolution_median`` (minutes), ``csat``,
    ``csat_responses``, ``reopen_rate``, ``back_and_forth``, ``nps``, ``ops_score``,
    ``experience_score`` (0-1, higher is better), ``ops_tier``, ``experience_tier``
    (best / middle / worst, empty when not tiered), ``experience_gap_p``,
    ``experience_gap_p_adjusted`` (Holm over segments), ``small_sample``,
    ``flag`` (bool) and
    ``explanation`` (one plain sentence with the numbers). Tiers and the flag rule are in
    the module docstring.
    """
    check_min_n(min_n)
    out = segment_metrics(tickets, survey_responses, by=by, freq=freq, messages=messages, targets=targets,
                          tz=tz, schedule=schedule)
    notes = list(out.attrs.get("notes", []))
    csat_known = out["csat"].notna().any()
    out["small_sample"] = (out["tickets"] < min_n) | (
        (out["csat_responses"] < min_n) if csat_known else False)
    reliable = ~out["small_sample"]
    ops_known = [m for m in OPS_METRICS if out[m].notna().any()]
    exp_known = [m for m in EXPERIENCE_METRICS if out[m].notna().any()]
    out["ops_score"] = _score(out, OPS_METRICS, ops_known, reliable)
    out["experience_score"] = _score(out, EXPERIENCE_METRICS, exp_known, reliable)
    tierable = int(reliable.sum()) >= 3 and ops_known and exp_known
    if tierable:
        out["ops_tier"] = _tiers(out["ops_score"], reliable)
        out["experience_tier"] = _tiers(out["experience_score"], reliable)
    else:
        out["ops_tier"] = pd.Series(pd.NA, index=out.index, dtype="str")
        out["experience_tier"] = pd.Series(pd.NA, index=out.index, dtype="str")
        if not ops_known or not exp_known:
            missing = "operational" if not ops_known else "experience"
            notes.append(f"Watermelon flags skipped: no {missing} metric could be computed.")
        else:
            notes.append(f"Watermelon flags need at least 3 segments with {min_n}+ tickets to form tiers; "
                         f"{int(reliable.sum())} found.")
    gap = _experience_gap(out, reliable)
    out["experience_gap_p"] = gap["experience_gap_p"]
    out["experience_gap_p_adjusted"] = gap["experience_gap_p_adjusted"]
    out["flag"] = ((out["ops_tier"] == "best") & (out["experience_tier"] == "worst")
                   & (out["experience_gap_p_adjusted"] < alpha)).fillna(False).astype(bool)
    tiered_bad = ((out["ops_tier"] == "best") & (out["experience_tier"] == "worst")).fillna(False).astype(bool)
    if (tiered_bad & ~out["flag"]).any():
        notes.append("Best-ops/worst-experience segments whose experience is not measurably worse than the rest "
                     f"(Holm-adjusted p >= {alpha:g}) are not flagged: "
                     + ", ".join(out.loc[tiered_bad & ~out["flag"], "segment"])
                     + ".")
    out["explanation"] = [_explain(row, min_n, tierable) for row in out.to_dict("records")]
    keys = list(out.columns[1:out.columns.get_loc("tickets")])
    out = out[["segment", *keys, *WATERMELON_COLUMNS[1:]]]
    out = out.sort_values(["flag", "experience_score", "segment"], ascending=[False, True, True],
                          na_position="last", kind="stable").reset_index(drop=True)
    return with_notes(out, notes)


def ops_experience_over_time(
    tickets: pd.DataFrame,
    survey_responses: pd.DataFrame | None = None,
    by: str | Sequence[str] | None = None,
    freq: str = "week",
    *,
    targets: Mapping[str, float] | None = None,
    tz: str = "UTC",
    schedule: ScheduleSpec | None = None,
) -> pd.DataFrame:
    """Ops and experience metrics per period (and segment): the series behind :func:`kiwi_or_watermelon`.

    Same columns as :func:`segment_metrics`, with ``period`` (naive local start) among the
    grouping columns.
    """
    check_freq(freq)
    return segment_metrics(tickets, survey_responses, by=[*(check_by(by)), "period"], freq=freq,
                           targets=targets, tz=tz, schedule=schedule)


def kiwi_or_watermelon(
    tickets: pd.DataFrame,
    survey_responses: pd.DataFrame | None = None,
    by: str | Sequence[str] | None = None,
    freq: str = "week",
    *,
    ops_metric: str = "sla_attainment",
    targets: Mapping[str, float] | None = None,
    tz: str = "UTC",
    min_n: int = MIN_N,
    confidence: float = 0.95,
    schedule: ScheduleSpec | None = None,
) -> pd.DataFrame:
    """Do the ops metric and CSAT move together over time (kiwi) or apart (watermelon)?

    Pearson correlation across periods between ``ops_metric`` (oriented so that a positive
    correlation means "better ops go with better CSAT": first reply and resolution medians
    are negated) and CSAT, over periods with at least ``min_n`` CSAT ratings; the
    interval is Fisher's z interval (``scipy.stats.pearsonr``). ``verdict``: ``kiwi`` (the
    interval lies above 0: they move together), ``watermelon`` (below 0: they move apart),
    ``unclear`` (the interval spans 0, or fewer than 4 periods).

    Returns one row per segment with :data:`TREND_COLUMNS` (plus the ``by`` columns).
    """
    if ops_metric not in OPS_METRICS:
        raise ConfigError(f"unknown ops_metric {ops_metric!r}", key="ops_metric",
                          fix=f"use one of {', '.join(OPS_METRICS)}")
    check_min_n(min_n)
    series = ops_experience_over_time(tickets, survey_responses, by=by, freq=freq, targets=targets, tz=tz,
                                      schedule=schedule)
    notes = list(series.attrs.get("notes", []))
    keys = [c for c in check_by(by) if c in series.columns]
    usable = series[(series["csat_responses"] >= min_n) & series[ops_metric].notna()]
    rows = []
    groups = usable.groupby(keys, sort=True) if keys else [((), usable)]
    for values, part in groups:
        ops = part[ops_metric].to_numpy(dtype="float64") * (1 if OPS_METRICS[ops_metric] else -1)
        csat = part["csat"].to_numpy(dtype="float64")
        row = {**dict(zip(keys, values if isinstance(values, tuple) else (values,), strict=True)),
               "ops_metric": ops_metric, "periods": len(part)}
        row.update(_correlate(ops, csat, confidence, freq, ops_metric))
        rows.append(row)
    if not rows:
        rows.append({"ops_metric": ops_metric, "periods": 0, **_correlate(np.array([]), np.array([]), confidence,
                                                                          freq, ops_metric)})
        notes.append(f"No period had {min_n}+ CSAT ratings and an ops value: trend not measurable.")
    out = pd.DataFrame(rows)
    out = add_segment_label(out, keys, freq)
    return with_notes(out[["segment", *keys, *TREND_COLUMNS[1:]]], notes)


def metric_correlations(metrics: pd.DataFrame, min_n: int = 4) -> pd.DataFrame:
    """Across segments, does each experience metric move with each operational metric?

    Spearman rank correlation over the segments of ``metrics`` (the output of
    :func:`segment_metrics` or :func:`watermelon`) that are not ``small_sample`` and hold
    both values, oriented so that a positive ``rho`` means "better on one goes with better
    on the other" (e.g. faster first reply with higher CSAT). Pairs with fewer than
    ``min_n`` such segments are left out.

    Returns
    -------
    DataFrame, one row per pair: ``experience_metric``, ``ops_metric``, ``segments``, ``rho``,
    ``p_value``, ``agrees`` (``"yes"`` if rho > 0 with p < 0.05, ``"no"`` if rho < 0 with
    p < 0.05, ``"unclear"`` otherwise).

    Examples
    --------
    >>> m = pd.DataFrame({"sla_attainment": [0.9, 0.8, 0.7, 0.6], "csat": [0.5, 0.6, 0.7, 0.8]})
    >>> metric_correlations(m)[["experience_metric", "ops_metric", "segments", "rho"]]
      experience_metric      ops_metric  segments  rho
    0              csat  sla_attainment         4 -1.0
    """
    if isinstance(min_n, bool) or not isinstance(min_n, int) or min_n < 3:
        raise ConfigError(f"min_n must be a whole number of at least 3, got {min_n!r}", key="min_n",
                          fix="pass e.g. min_n=4 (a correlation needs at least 3 segments)")
    reliable = (~metrics["small_sample"].astype(bool) if "small_sample" in metrics.columns
                else pd.Series(True, index=metrics.index))
    rows = []
    for a, a_high in EXPERIENCE_METRICS.items():
        for b, b_high in OPS_METRICS.items():
            if a not in metrics.columns or b not in metrics.columns:
                continue
            pair = metrics.loc[reliable, [a, b]].astype(float).dropna()
            if len(pair) < min_n or pair[a].nunique() < 2 or pair[b].nunique() < 2:
                continue
            sign = 1 if a_high == b_high else -1
            rho, p = stats.spearmanr(pair[a], sign * pair[b])
            agrees = "yes" if rho > 0 and p < 0.05 else "no" if rho < 0 and p < 0.05 else "unclear"
            rows.append({"experience_metric": a, "ops_metric": b, "segments": len(pair), "rho": float(rho),
                         "p_value": float(p), "agrees": agrees})
    return pd.DataFrame(rows, columns=["experience_metric", "ops_metric", "segments", "rho", "p_value", "agrees"])


def _correlate(ops: np.ndarray, csat: np.ndarray, confidence: float, freq: str, ops_metric: str) -> dict:
    name = _METRIC_NAMES[ops_metric]
    if len(ops) < 4 or np.ptp(ops) == 0 or np.ptp(csat) == 0:
        return {"correlation": np.nan, "ci_low": np.nan, "ci_high": np.nan, "p_value": np.nan, "verdict": "unclear",
                "sentence": f"Too few {freq}s with varying {name} and CSAT to tell whether they move together."}
    result = stats.pearsonr(ops, csat)
    ci = result.confidence_interval(confidence_level=confidence)
    r, low, high = float(result.statistic), float(ci.low), float(ci.high)
    interval = f"r = {r:.2f}, {confidence:.0%} CI {low:.2f} to {high:.2f}, {len(ops)} {freq}s"
    if low > 0:
        verdict, text = "kiwi", f"Better {name} goes with better CSAT ({interval}): green all through, a kiwi."
    elif high < 0:
        verdict, text = "watermelon", (f"{name[0].upper()}{name[1:]} and CSAT move apart ({interval}): when the metric "
                                       "improves the experience worsens, a watermelon.")
    else:
        verdict, text = "unclear", (f"No clear link between {name} and CSAT over time ({interval}): the metric "
                                    "alone does not tell how customers feel.")
    return {"correlation": r, "ci_low": low, "ci_high": high, "p_value": float(result.pvalue), "verdict": verdict,
            "sentence": text}


def _account_nps(tickets: pd.DataFrame, survey_responses: pd.DataFrame | None) -> pd.Series:
    """Per ticket: the NPS (-100..100) of its organisation over all its NPS responses; NaN when unknown."""
    empty = pd.Series(np.nan, index=tickets.index, dtype="float64")
    if survey_responses is None:
        return empty
    responses = check_table(survey_responses, "survey_responses", argument="survey_responses")
    if not has_values(responses, "organization_id") or not has_values(tickets, "organization_id"):
        return add_note(empty, _NO_ACCOUNT_NPS)
    nps = responses[(responses["survey"] == "nps") & responses["organization_id"].notna()
                    & responses["score"].notna()]
    if nps.empty:
        return add_note(empty, _NO_ACCOUNT_NPS)
    score = np.where(nps["score"] >= 9, 100.0, np.where(nps["score"] <= 6, -100.0, 0.0))
    by_org = pd.Series(score, index=nps["organization_id"].to_numpy()).groupby(level=0).mean()
    return tickets["organization_id"].map(by_org).astype("float64")


def _experience_gap(frame: pd.DataFrame, reliable: pd.Series) -> pd.DataFrame:
    """Per segment: is the experience measurably worse than in all other segments together?

    Two score tests for two proportions (statsmodels, two-sided; a difference in the good
    direction gives p = 1): CSAT lower, reopen rate higher. A segment's ``experience_gap_p``
    is the Bonferroni combination of the two (twice the smaller, at most 1), so that
    having two chances does not make a flag likelier; ``experience_gap_p_adjusted`` is
    that p-value Holm-adjusted over every reliable segment tested, so that with many
    equal teams one is not flagged by chance. NaN when neither can be tested.
    """
    raw = np.full(len(frame), np.nan)
    tests = np.zeros(len(frame))
    for good_high, count, total in ((True, "csat_satisfied", "csat_responses"),
                                    (False, "reopened_tickets", "ever_solved")):
        k, n = frame[count].fillna(0).to_numpy(), frame[total].fillna(0).to_numpy()
        rest_k, rest_n = k.sum() - k, n.sum() - n
        for i in range(len(frame)):  # one test per segment: segments are few
            if n[i] == 0 or rest_n[i] == 0 or k.sum() in (0, n.sum()):
                continue
            own, other = k[i] / n[i], rest_k[i] / rest_n[i]
            worse = own < other if good_high else own > other
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                p = (proportion.test_proportions_2indep(k[i], n[i], rest_k[i], rest_n[i], method="score").pvalue
                     if worse else 1.0)
            raw[i] = np.fmin(raw[i], p) if np.isfinite(raw[i]) else p
            tests[i] += 1
    combined = np.minimum(1.0, raw * np.maximum(tests, 1))
    tested = np.isfinite(combined) & reliable.to_numpy(dtype=bool)
    adjusted = np.full(len(frame), np.nan)
    if tested.any():
        adjusted[tested] = adjust_p_values(combined[tested], "holm")
    return pd.DataFrame({"experience_gap_p": combined, "experience_gap_p_adjusted": adjusted}, index=frame.index)


def _score(frame: pd.DataFrame, metrics: Mapping[str, bool], known: list[str], reliable: pd.Series) -> pd.Series:
    """Mean percentile rank (1 = best) over the known metrics, among reliable segments only."""
    if not known:
        return pd.Series(np.nan, index=frame.index)
    ranks = [frame[m].where(reliable).rank(pct=True, ascending=metrics[m]) for m in known]
    return pd.concat(ranks, axis=1).mean(axis=1)


def _tiers(score: pd.Series, reliable: pd.Series) -> pd.Series:
    pct = score.where(reliable).rank(pct=True)
    tier = np.where(pct > 2 / 3, "best", np.where(pct <= 1 / 3, "worst", "middle"))
    return pd.Series(tier, index=score.index, dtype="str").where(pct.notna())


def _minutes(value: float) -> str:
    if not np.isfinite(value):
        return "n/a"
    if value < 90:
        return f"{value:.0f} min"
    if value < 48 * 60:
        return f"{value / 60:.1f} h"
    return f"{value / 1440:.1f} days"


def _pct(value: float) -> str:
    """The house percentage (99.7%, never a rounded-up 100%); "n/a" when not measured."""
    return "n/a" if value is None or not np.isfinite(value) else fmt.percent(value)


def _explain(row: dict, min_n: int, tierable: bool) -> str:
    name = row["segment"]
    if row["small_sample"]:
        return (f"{name}: only {row['tickets']} tickets and {row['csat_responses']} CSAT ratings, too few to judge "
                f"(at least {min_n} of each needed).")
    ops = (f"{_pct(row['sla_attainment'])} of first replies within SLA, "
           f"median first reply {_minutes(row['first_reply_median'])}")
    experience = f"CSAT {_pct(row['csat'])}, {_pct(row['reopen_rate'])} reopened"
    if np.isfinite(row["back_and_forth"]):
        experience += f", {row['back_and_forth']:.1f} agent replies per ticket"
    if not tierable or not isinstance(row["ops_tier"], str):
        return f"{name}: {ops}; {experience}. Not tiered (too few comparable segments)."
    if row["flag"]:
        return (f"{name} looks green but feels red: {ops} (best third), yet {experience} (worst third) — "
                "a watermelon.")
    if row["ops_tier"] == "best" and row["experience_tier"] == "best":
        return f"{name} is green all through (a kiwi): {ops}; {experience}."
    return (f"{name}: operations in the {row['ops_tier']} third ({ops}), experience in the "
            f"{row['experience_tier']} third ({experience}).")
