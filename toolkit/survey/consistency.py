"""Does NPS move with CSAT and with the operations metrics? Where it does not, say so.

:func:`metric_consistency` puts, for each segment (team, channel, organisation...) or
calendar period, the survey scores (NPS, CSAT, CES, each with its interval and its
comparison with the rest) next to the operations metrics of the same tickets:
median first reply, SLA attainment, reopen rate, agent replies per ticket, median
resolution time. It flags two kinds of disagreement:

- **watermelon**: the operations metrics that are usually reported look green (first
  reply and SLA attainment better than the median unit) while an experience score is
  significantly below the rest (multiple-comparison corrected) — the watermelon effect;
- **surveys disagree**: NPS is significantly above or below the rest where CSAT is not
  on the same side (in line with the rest, or significantly on the other side), or the
  reverse; both must have enough answers (``min_n``) to be compared.

:func:`consistency_correlations` then measures, across the units, whether each pair
of measures moves together (Spearman rank correlation, oriented so that positive means
"better together").
"""

from __future__ import annotations

import pandas as pd
from scipy import stats

from toolkit.errors import ConfigError, ToolkitError
from toolkit.schema import has_values
from toolkit.survey.frames import period_start
from toolkit.survey.segments import compare_segments
from toolkit.survey.validation import check_confidence, check_min_n, require_columns

# ops measure -> (tickets column, how it is aggregated, True if higher is better, words)
OPS_MEASURES = {
    "first_reply_hours": ("first_reply_minutes", "median", False, "median first reply (hours)"),
    "sla_attainment": ("sla_breached", "attainment", True, "SLA attainment (%)"),
    "reopen_rate": ("reopens", "rate", False, "reopened (%)"),
    "agent_replies": ("agent_replies", "mean", False, "agent replies per ticket"),
    "resolution_hours": ("full_resolution_minutes", "median", False, "median resolution (hours)"),
}
GREEN_MEASURES = ("first_reply_hours", "sla_attainment")
SURVEY_MEASURES = ("nps", "csat", "ces")


def metric_consistency(responses: pd.DataFrame, tickets: pd.DataFrame, by: str | None = "team", *,
                       period: str | None = None, tz: str = "UTC", min_n: int = 30,
                       correction: str = "holm", confidence: float = 0.95) -> pd.DataFrame:
    """Survey scores and operations metrics side by side per segment or period, with disagreements flagged.

    Parameters
    ----------
    responses, tickets : canonical ``survey_responses`` and ``tickets``.
    by : segment column (of the responses, or of the tickets joined on ``ticket_id``);
        ignored when ``period`` is given.
    period : ``"week"``, ``"month"`` or ``"quarter"`` to compare calendar periods instead
        (responses by ``submitted_at``, tickets by ``created_at``, in time zone ``tz``).
    min_n, correction, confidence : as in :func:`toolkit.survey.compare_segments`.

    Returns
    -------
    DataFrame, one row per unit (``unit`` column: segment value or period start), with
    for each survey present ``<survey>`` (score), ``<survey>_low``, ``<survey>_high``,
    ``<survey>_n``, ``<survey>_vs_rest`` (``"above"``, ``"below"`` or ``""``),
    ``<survey>_small_sample`` (fewer than ``min_n`` answers: not compared); the ops
    measures ``tickets``, ``first_reply_hours``, ``sla_attainment``, ``reopen_rate``,
    ``agent_replies``, ``resolution_hours`` (those with data); ``ops_green`` (first reply
    and SLA attainment both better than the median unit); ``watermelon`` and
    ``surveys_disagree`` (booleans); ``statement``. ``attrs["notes"]`` says which
    surveys could not be compared by this unit and why.
    """
    confidence = check_confidence(confidence)
    min_n = check_min_n(min_n)
    require_columns(tickets, ["ticket_id"], "tickets")
    notes: list[str] = []
    if period is not None:
        responses = responses.assign(period=period_start(responses["submitted_at"], period, tz).astype("str"))
        tickets = tickets.assign(period=period_start(tickets["created_at"], period, tz).astype("str"))
        by = "period"
    elif by is None:
        raise ConfigError("choose a segment or a period", key="by", fix="pass by='team' or period='month'")
    if has_values(tickets, by):
        table = _ops_table(tickets, by)
    else:
        table = pd.DataFrame({"unit": pd.Series(dtype="str")})
        notes.append(f"Operations metrics not compared by {by}: the tickets have no `{by}` values.")
    for survey in SURVEY_MEASURES:
        if not (responses["survey"] == survey).any():
            continue
        try:
            scores = compare_segments(responses, by, survey, tickets=tickets, correction=correction, min_n=min_n,
                                      confidence=confidence)
        except ToolkitError as exc:
            notes.append(f"{survey.upper()} not compared by {by}: {exc}")
            continue
        scores = scores.rename(columns={by: "unit"})
        part = pd.DataFrame({"unit": scores["unit"].astype("str"), survey: scores["score"],
                             f"{survey}_low": scores["low"], f"{survey}_high": scores["high"],
                             f"{survey}_n": scores["n"], f"{survey}_vs_rest": scores["direction"],
                             f"{survey}_small_sample": scores["small_sample"]})
        table = table.merge(part, on="unit", how="outer")
    if "tickets" in table.columns:
        table["tickets"] = table["tickets"].fillna(0).astype(int)
    green = pd.Series(True, index=table.index)
    usable = [m for m in GREEN_MEASURES if m in table.columns and table[m].notna().any()]
    for measure in usable:
        middle = table[measure].median()
        better = table[measure] > middle if OPS_MEASURES[measure][2] else table[measure] < middle
        green &= better.fillna(False)
    table["ops_green"] = green if usable else False
    if "tickets" not in table.columns:
        table["tickets"] = 0
    below = pd.Series(False, index=table.index)
    for survey in SURVEY_MEASURES:
        if f"{survey}_vs_rest" in table.columns:
            below |= table[f"{survey}_vs_rest"].eq("below")
    table["watermelon"] = table["ops_green"] & below
    disagree = pd.Series(False, index=table.index)
    if {"nps_vs_rest", "csat_vs_rest"} <= set(table.columns):
        pair = table[["nps_vs_rest", "csat_vs_rest"]].fillna("")
        compared = ~(table["nps_small_sample"].fillna(True).astype(bool)
                     | table["csat_small_sample"].fillna(True).astype(bool))
        disagree = compared & (pair["nps_vs_rest"] != pair["csat_vs_rest"])
    table["surveys_disagree"] = disagree
    table["statement"] = [_statement(row, confidence) for _, row in table.iterrows()]
    table = table.sort_values("unit", kind="stable").reset_index(drop=True)
    table.attrs.update(by=by, notes=notes, confidence=confidence)
    return table


def _ops_table(tickets: pd.DataFrame, by: str) -> pd.DataFrame:
    unit = tickets[by].astype("str").where(tickets[by].notna(), "(not set)")
    work = pd.DataFrame({"unit": unit})
    aggregations = {"tickets": ("unit", "size")}
    for measure, (column, how, _, _) in OPS_MEASURES.items():
        if not has_values(tickets, column):
            continue
        values = tickets[column]
        if how == "attainment":
            work[measure] = 100 * (1 - values.astype("Float64").astype(float))
            aggregations[measure] = (measure, "mean")
        elif how == "rate":
            work[measure] = 100 * (values.astype("Float64").astype(float) >= 1).where(values.notna())
            aggregations[measure] = (measure, "mean")
        else:
            numbers = values.astype("Float64").astype(float)
            work[measure] = numbers / 60 if column.endswith("_minutes") else numbers
            aggregations[measure] = (measure, how)
    return work.groupby("unit", sort=True).agg(**aggregations).reset_index()


def _statement(row: pd.Series, confidence: float) -> str:
    parts = []
    for survey in SURVEY_MEASURES:
        if survey in row.index and pd.notna(row.get(survey)):
            name = {"nps": "NPS", "csat": "CSAT", "ces": "CES agreeing"}[survey]
            unit = "" if survey == "nps" else "%"
            parts.append(f"{name} {row[survey]:.0f}{unit} ({confidence:.0%} CI {row[f'{survey}_low']:.0f} to "
                         f"{row[f'{survey}_high']:.0f})")
    scores = ", ".join(parts) if parts else "no survey scores"
    if row["watermelon"]:
        green = ", ".join(f"{OPS_MEASURES[m][3]} {row[m]:.1f}" for m in GREEN_MEASURES if m in row.index)
        worse = [s.upper() for s in SURVEY_MEASURES if row.get(f"{s}_vs_rest") == "below"]
        text = (f"{row['unit']}: watermelon — operations look green ({green}, better than most) while "
                f"{' and '.join(worse)} {'is' if len(worse) == 1 else 'are'} significantly below the rest: {scores}.")
        if "reopen_rate" in row.index and pd.notna(row["reopen_rate"]):
            text = text[:-1] + f"; reopened {row['reopen_rate']:.0f}%."
        return text
    if row["surveys_disagree"]:
        return (f"{row['unit']}: NPS and CSAT disagree — NPS {_versus(row['nps_vs_rest'])} while CSAT "
                f"{_versus(row['csat_vs_rest'])}: {scores}.")
    return f"{row['unit']}: {scores}; no disagreement found."


def _versus(direction: str) -> str:
    return f"is significantly {direction} the rest" if direction else "is in line with the rest"


def consistency_correlations(table: pd.DataFrame, min_units: int = 4) -> pd.DataFrame:
    """Spearman rank correlation across units between each survey score and every other measure.

    Measures are oriented so that a positive correlation means "better on one goes with
    better on the other" (e.g. faster first reply with higher CSAT). Pairs with fewer than
    ``min_units`` units holding both values are left out.

    Returns
    -------
    DataFrame, one row per pair: ``measure_a`` (a survey), ``measure_b``, ``units``,
    ``rho`` (oriented Spearman correlation), ``p_value``, ``agrees`` (``"yes"`` if rho > 0
    with p < 0.05, ``"no"`` if rho < 0 with p < 0.05, ``"unclear"`` otherwise).
    """
    if isinstance(min_units, bool) or not isinstance(min_units, int) or min_units < 3:
        raise ConfigError(f"min_units must be a whole number of at least 3, got {min_units!r}", key="min_units",
                          fix="pass e.g. min_units=4")
    surveys = [s for s in SURVEY_MEASURES if s in table.columns]
    others = surveys + [m for m in OPS_MEASURES if m in table.columns]
    rows = []
    for i, a in enumerate(surveys):
        for b in others:
            if b in surveys and others.index(b) <= i:
                continue
            pair = table[[a, b]].astype(float).dropna()
            if len(pair) < min_units or pair[a].nunique() < 2 or pair[b].nunique() < 2:
                continue
            sign = 1 if (b in surveys or OPS_MEASURES[b][2]) else -1
            rho, p = stats.spearmanr(pair[a], sign * pair[b])
            agrees = "yes" if rho > 0 and p < 0.05 else "no" if rho < 0 and p < 0.05 else "unclear"
            rows.append({"measure_a": a, "measure_b": b, "units": len(pair), "rho": float(rho), "p_value": float(p),
                         "agrees": agrees})
    return pd.DataFrame(rows, columns=["measure_a", "measure_b", "units", "rho", "p_value", "agrees"])

