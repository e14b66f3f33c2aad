"""Evidence from data: interview claims tested against indicators computed from the client's data.

The claims are data (the ``evidence`` section of the model YAML): each names a
question, the claim that answers at or above ``claim_level`` make, and one or more
checks (an indicator from :data:`~toolkit.maturity.indicators.INDICATORS`, what it
measures in plain words, a direction and a threshold). This module only compares
the indicators' numbers with the thresholds and words the verdict.

Verdicts (one per claim)
------------------------
- ``supported``: every check the data can make passes (at least one can).
- ``contradicted``: at least one check fails.
- ``not enough data``: no check can be made; ``reason`` says why in plain words.

The verdict is about the claim itself, so it always agrees with its sentence
(``finding`` opens with :data:`VERDICT_OPENINGS`). Who made the claim is reported
beside it: ``claimed`` says whether the combined answer (the median by default) is
at or above ``claim_level``, ``claimed_by`` lists the respondents whose own answer
makes the claim, and ``contradicted_respondents`` those of them the data contradicts.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import numpy as np
import pandas as pd

from toolkit.maturity.indicators import Indicator, compute_indicators
from toolkit.maturity.inputs import EvidenceData
from toolkit.maturity.model import MaturityModel
from toolkit.maturity.scoring import score_questions

SUPPORTED, CONTRADICTED, NOT_ENOUGH_DATA = "supported", "contradicted", "not enough data"
VERDICTS = (SUPPORTED, CONTRADICTED, NOT_ENOUGH_DATA)
VERDICT_OPENINGS = {SUPPORTED: "The data supports", CONTRADICTED: "The data does not support",
                    NOT_ENOUGH_DATA: "Not enough data to test"}

CHECK_COLUMNS = ["claim_id", "question_id", "indicator", "measure", "unit", "value", "detail", "direction",
                 "threshold", "passes", "note"]
EVIDENCE_COLUMNS = ["claim_id", "question_id", "dimension_id", "claim", "claim_level", "verdict", "reason",
                    "answered_level", "claimed", "claimed_by", "contradicted_respondents", "finding"]


def evidence_checks(model: MaturityModel, data: EvidenceData, *, tz: str = "UTC",
                    indicators: Mapping[str, Indicator] | None = None) -> pd.DataFrame:
    """Every check of the model's evidence claims against the data, each indicator computed once.

    Returns
    -------
    DataFrame, one row per check in model order: claim_id, question_id, indicator, measure, unit,
    value (NaN when the data cannot give it), detail (the numbers behind it), direction, threshold,
    passes (boolean; NA when not measured), note (why not measured, in plain words).

    Examples
    --------
    >>> from toolkit.maturity.model import load_model
    >>> checks = evidence_checks(load_model(), EvidenceData())
    >>> checks.loc[checks["claim_id"] == "EV-first-contact", ["indicator", "passes", "note"]]
                  indicator  passes                      note
    6           reopen_rate    <NA>  no tickets were provided
    7              fcr_rate    <NA>  no tickets were provided
    8  median_agent_replies    <NA>  no tickets were provided
    """
    rules = model.evidence_rules
    values = compute_indicators(data, list(dict.fromkeys(rules["indicator"])), tz=tz,
                                indicators=indicators).set_index("indicator")
    frame = rules[["claim_id", "question_id", "indicator", "measure", "direction", "threshold"]].join(
        values[["unit", "value", "detail", "note"]], on="indicator")
    at_least = frame["direction"] == "at_least"
    passes = np.where(at_least, frame["value"] >= frame["threshold"], frame["value"] <= frame["threshold"])
    frame["passes"] = pd.Series(passes, index=frame.index, dtype="boolean").mask(frame["value"].isna())
    return frame[CHECK_COLUMNS].reset_index(drop=True)


def evaluate_evidence(model: MaturityModel, answers: pd.DataFrame, data: EvidenceData, *, combine: str = "median",
                      tz: str = "UTC", indicators: Mapping[str, Indicator] | None = None) -> pd.DataFrame:
    """One verdict per evidence claim of the model: supported, contradicted or not enough data.

    Parameters
    ----------
    model : a :class:`~toolkit.maturity.model.MaturityModel`.
    answers : canonical maturity answers.
    data : the client's tables (:class:`~toolkit.maturity.inputs.EvidenceData`); an input left
        out makes the claims that need it "not enough data".
    combine : how respondents' levels are combined (median, mean, min, max).
    tz : the client's time zone.
    indicators : the indicator registry (default :data:`~toolkit.maturity.indicators.INDICATORS`).

    Returns
    -------
    DataFrame, one row per claim in model order: claim_id, question_id, dimension_id, claim,
    claim_level, verdict, reason (the numbers behind the verdict, or why it could not be tested,
    in plain words), answered_level (combined), claimed (combined answer makes the claim; NA when
    nobody gave a level), claimed_by, contradicted_respondents, finding (one sentence for the
    report, opening with ``VERDICT_OPENINGS[verdict]``). ``attrs["notes"]`` names the claims that
    could not be tested.

    Examples
    --------
    >>> import pandas as pd
    >>> from toolkit.maturity.model import load_model
    >>> from toolkit.schema import validate
    >>> model = load_model()
    >>> answers = validate(pd.DataFrame({"respondent": ["Ann", "Bo"], "role": ["head of support", "agent"],
    ...                                  "question_id": "MO-3", "level": ["4", "2"]}), "maturity_answers")
    >>> tickets = validate(pd.DataFrame({"ticket_id": ["1", "2", "3", "4"], "created_at": "2026-01-05 10:00",
    ...                                  "status": "solved", "channel": "email", "reopens": [1, 0, 0, 0],
    ...                                  "agent_replies": [3, 1, 1, 2]}), "tickets")
    >>> e = evaluate_evidence(model, answers, EvidenceData(tickets=tickets)).set_index("claim_id")
    >>> e.loc["EV-first-contact", "verdict"]
    'contradicted'
    >>> print(e.loc["EV-first-contact", "finding"])  # doctest: +NORMALIZE_WHITESPACE
    The data does not support "we resolve on first contact": 25.0% of 4 solved tickets were reopened
    (the claim needs the share of solved tickets that were reopened to be at most 8%); a typical ticket
    needed 1.5 agent replies (mean 1.75) (the claim needs the agent replies a typical ticket needs to be
    at most 1 reply). It contradicts the answer of
    Ann (head of support, level 4).
    >>> e.loc["EV-survey-reliable", "verdict"]
    'not enough data'
    """
    checks = evidence_checks(model, data, tz=tz, indicators=indicators)
    if checks.empty:
        return _with_notes(pd.DataFrame(columns=EVIDENCE_COLUMNS), [])
    questions = score_questions(answers, model, combine=combine).set_index("question_id")
    answered = answers[answers["status"] == "answered"]
    claims = model.evidence_rules.drop_duplicates("claim_id")
    rows = []
    for claim in claims.itertuples(index=False):
        mine = checks[checks["claim_id"] == claim.claim_id]
        level = questions.at[claim.question_id, "score"]
        given = answered[answered["question_id"] == claim.question_id]
        claimers = given[given["level"] >= claim.claim_level]
        verdict, reason = _verdict(mine)
        row = {
            "claim_id": claim.claim_id, "question_id": claim.question_id,
            "dimension_id": questions.at[claim.question_id, "dimension_id"], "claim": claim.claim,
            "claim_level": claim.claim_level, "verdict": verdict, "reason": reason, "answered_level": level,
            "claimed": pd.NA if np.isnan(level) else bool(level >= claim.claim_level),
            "claimed_by": _people(claimers),
            "contradicted_respondents": _people(claimers) if verdict == CONTRADICTED else "",
        }
        row["finding"] = _finding(row, claim.claim_level)
        rows.append(row)
    frame = pd.DataFrame(rows, columns=EVIDENCE_COLUMNS)
    frame["claimed"] = frame["claimed"].astype("boolean")
    untested = frame.loc[frame["verdict"] == NOT_ENOUGH_DATA, "question_id"].tolist()
    notes = [f"{len(untested)} of {len(frame)} interview claims could not be tested for lack of data "
             f"({', '.join(untested)})."] if untested else []
    return _with_notes(frame, notes)


def _with_notes(frame: pd.DataFrame, notes: list[str]) -> pd.DataFrame:
    frame.attrs["notes"] = notes
    return frame


def _verdict(checks: pd.DataFrame) -> tuple[str, str]:
    """The claim's verdict and its reason: the failing checks, else the passing ones, else why none ran."""
    measured = checks[checks["passes"].notna()]
    failing = measured[~measured["passes"].astype(bool)]
    if measured.empty:
        return NOT_ENOUGH_DATA, "; ".join(dict.fromkeys(checks["note"]))
    shown = failing if len(failing) else measured
    reason = "; ".join(f"{c.detail.rstrip('.')} (the claim needs {c.measure} to be "
                       f"{_bound(c.direction, c.threshold, c.unit)})" for c in shown.itertuples(index=False))
    missing = checks[checks["passes"].isna()]
    if len(missing) and failing.empty:
        reason += "; not measured: " + "; ".join(f"{c.measure} ({c.note})" for c in missing.itertuples(index=False))
    return (CONTRADICTED if len(failing) else SUPPORTED), reason


def _bound(direction: str, threshold: float, unit: str) -> str:
    """``at most 8%``, ``at least 2 percentage points``, ``zero``: a threshold in the indicator's unit."""
    if direction == "at_most" and threshold == 0:
        return "zero"
    if unit == "share":
        amount = f"{threshold:.0%}"
    elif unit == "share_difference":  # a difference of fractions, read in percentage points
        amount = f"{threshold * 100:g} percentage point{'s' if threshold != 0.01 else ''}"
    else:
        singular = {"replies": "reply", "teams": "team", "agents": "agent", "days": "day"}.get(unit, unit)
        amount = f"{threshold:g} {singular if threshold == 1 else unit}"
    return f"{'at least' if direction == 'at_least' else 'at most'} {amount}"


def _finding(row: dict, claim_level: int) -> str:
    """One plain sentence: the verdict on the claim, the numbers behind it, and whose answers make the claim."""
    opening = f'{VERDICT_OPENINGS[row["verdict"]]} "{row["claim"]}": {row["reason"]}.'
    claimers = row["claimed_by"]
    if row["verdict"] == NOT_ENOUGH_DATA:
        return opening
    if not claimers:
        return f"{opening} No interviewee made this claim (answers at level {claim_level} or above make it)."
    first = claimers.split(" ", 1)[0]
    many = ";" in claimers or first == "all" or (first.isdigit() and not claimers.startswith("1 of "))
    if row["verdict"] == CONTRADICTED:
        return f"{opening} It contradicts the answer{'s' if many else ''} of {claimers}."
    return f"{opening} It confirms the answer{'s' if many else ''} of {claimers}."


def _people(frame: pd.DataFrame) -> str:
    """``Dana (head of support, level 4); Agent 2 (level 4)`` for the respondents in ``frame``.

    The role is left out when the respondent's label already is the role (anonymised answers).
    Answers shown by role group (:func:`toolkit.report.people.grouped_answers`: the label is the role,
    with the group's size) are counted per group: ``2 of 3 management interviewees (level 4)``, ``all 2
    frontline interviewees (levels 2–4)``.
    """
    parts = []
    for label, rows in frame.groupby("respondent", sort=False):
        levels = sorted({int(v) for v in rows["level"]})
        level = f"level {levels[0]}" if len(levels) == 1 else f"levels {levels[0]}–{levels[-1]}"
        role = str(rows["role"].iloc[0])
        group = re.fullmatch(r"(.+) \((\d+)\)", str(label))
        if group and (len(rows) > 1 or role == str(label)):
            size = int(group.group(2))
            who = f"all {size}" if len(rows) == size else f"{len(rows)} of {size}"
            parts.append(f"{who} {group.group(1).lower()} interviewees ({level})")
        elif len(rows) > 1 or role == str(label):
            parts.append(f"{len(rows)} of {label} ({level})")
        elif str(label).lower().startswith(role.lower()):
            parts.append(f"{label} ({level})")
        else:
            parts.append(f"{label} ({role}, {level})")
    return "; ".join(parts)
