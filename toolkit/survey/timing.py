"""Survey timing and design: when the invitation goes out, through which channel, and how often.

- **Delay**: minutes from the ticket's *first* solve (creation + ``first_resolution_minutes``,
  :func:`toolkit.ops.facts.first_resolution_minutes`) to the invitation's ``sent_at``, in the
  bands of :data:`DELAY_BANDS`. The first solve, not the last: a survey that follows the first
  solve of a ticket later reopened was sent before the customer knew whether the fix held.
- **Reopened after the survey**: the ticket was reopened, and the invitation went out before
  its final solve (``sent_at`` < ``solved_at``) or the ticket is open again now. Invitations
  follow a solve, so a later solve (or an open ticket) means a reopen came after the invitation.
- **Too soon** (:func:`early_surveys`): among a segment's surveyed tickets that were reopened,
  the share reopened after the survey went out; flagged when the lower end of its Wilson
  interval is above ``max_share`` (half): most reopens then come after the customer was
  asked, so the answer rates a fix that had not yet been tested.
- **Fatigue** (:func:`survey_fatigue`): each invitation is labelled by how many invitations its
  requester received in the data's period (:data:`FATIGUE_BANDS`); :func:`fatigue_trend`
  tests whether the response rate falls as that number grows (Cochran-Armitage trend test,
  statsmodels' ordinal association test on the 2 x k table).

Scores are shares of favourable answers (CSAT top two boxes, CES agreeing) with Wilson
intervals (:func:`toolkit.survey.scores.wilson_interval`); an invitation counts as answered by
the rule of :func:`toolkit.survey.response.mark_responded`. Client wording is in
:mod:`toolkit.vocabulary` (``survey_delay_minutes``, ``reopened_after_survey_share``,
``invitations_received``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from statsmodels.stats.contingency_tables import Table

from toolkit import formatting as fmt
from toolkit.errors import ConfigError
from toolkit.notes import with_notes
from toolkit.ops.facts import first_resolution_minutes, reopened, ticket_positions
from toolkit.ops.segments import NOT_SET, add_segment_label
from toolkit.schema import has_values
from toolkit.survey.frames import favourable, survey_rows
from toolkit.survey.response import mark_responded
from toolkit.survey.scores import wilson_interval
from toolkit.validation import (
    MIN_N,
    as_list,
    check_choice,
    check_confidence,
    check_min_n,
    check_table,
    require_columns,
)

DELAY_BANDS: tuple[tuple[str, float], ...] = (
    ("before the solve", 0.0),
    ("under 15 minutes", 15.0),
    ("15 minutes to 1 hour", 60.0),
    ("1 to 4 hours", 240.0),
    ("4 to 24 hours", 1440.0),
    ("1 to 3 days", 4320.0),
    ("3 days or more", np.inf),
)
"""Delay bands: (label, upper end in minutes, exclusive); a band starts where the previous one ends."""

FATIGUE_BANDS: tuple[tuple[str, float], ...] = (
    ("1", 2), ("2", 3), ("3-5", 6), ("6-10", 11), ("11 or more", np.inf))
"""Invitations a requester received in the period: (label, upper end, exclusive)."""

TIMED_SURVEYS = ("csat", "ces")
TIMING_COLUMNS = ["invited", "responded", "response_rate", "response_low", "response_high", "answers",
                  "favourable", "score", "low", "high", "small_sample"]
EARLY_COLUMNS = ["invited", "reopened", "reopened_after_survey", "reopened_after_survey_share", "low", "high",
                 "median_delay_minutes", "small_sample", "too_soon", "explanation"]
FATIGUE_COLUMNS = ["invitations_received", "requesters", "invited", "responded", "response_rate", "low", "high",
                   "small_sample"]
TREND_COLUMNS = ["first_band_rate", "last_band_rate", "difference", "p_value", "fatigue", "sentence"]


def invitation_timing(invitations: pd.DataFrame, tickets: pd.DataFrame, survey: str = "csat") -> pd.DataFrame:
    """Per invitation of ``survey``: its delay after the ticket's first solve and whether a reopen followed it.

    Returns one row per invitation about a known ticket, indexed like ``invitations``: ``invitation_id``, ``ticket_id``,
    ``sent_at``, ``survey_channel`` (when the invitations carry it), ``delay_minutes`` (NaN when
    the first solve is unknown), ``delay_band`` (an ordered categorical of
    :data:`DELAY_BANDS`), ``reopened`` and ``reopened_after_survey`` (booleans; NA when the
    tickets carry no reopens). Invitations about tickets not in ``tickets`` are left out with
    a note.
    """
    check_choice(survey, TIMED_SURVEYS, "survey")
    invitations = check_table(invitations, "survey_invitations", argument="invitations")
    tickets = check_table(tickets, "tickets", argument="tickets")
    require_columns(invitations, ["ticket_id"], "survey_invitations")
    chosen = invitations[invitations["survey"].eq(survey) & invitations["ticket_id"].notna()]
    position = ticket_positions(tickets, chosen["ticket_id"])
    notes = []
    unknown = int((position < 0).sum())
    if unknown:
        notes.append(f"{unknown} {survey} invitations about tickets not in the tickets table are left out.")
    chosen, position = chosen[position >= 0], position[position >= 0]
    first = first_resolution_minutes(tickets)
    notes += first.attrs.get("notes", [])
    first_solved = tickets["created_at"] + pd.to_timedelta(first.to_numpy(), unit="min")
    sent = chosen["sent_at"].reset_index(drop=True)
    delay = (sent - first_solved.iloc[position].reset_index(drop=True)).dt.total_seconds() / 60.0
    if delay.isna().any():
        notes.append(f"{int(delay.isna().sum())} {survey} invitations about tickets with no known first solve "
                     "(open, or no resolution time) have no delay.")
    out = pd.DataFrame({"invitation_id": chosen["invitation_id"].to_numpy(),
                        "ticket_id": chosen["ticket_id"].astype("str").to_numpy(), "sent_at": sent.array},
                       index=chosen.index)
    if has_values(chosen, "survey_channel"):
        out["survey_channel"] = chosen["survey_channel"].astype("str").fillna(NOT_SET).to_numpy()
    out["delay_minutes"] = delay.astype("float64").to_numpy()
    out["delay_band"] = delay_band(out["delay_minutes"])
    again = reopened(tickets)
    if again is None:
        notes.append("Reopens after the survey skipped: the tickets have no reopens values.")
        out["reopened"] = pd.array([pd.NA] * len(out), dtype="boolean")
        out["reopened_after_survey"] = pd.array([pd.NA] * len(out), dtype="boolean")
        return with_notes(out, notes)
    was_reopened = again.to_numpy()[position]
    solved_at = (tickets["solved_at"].iloc[position].reset_index(drop=True) if "solved_at" in tickets.columns
                 else pd.Series(pd.NaT, index=sent.index, dtype="datetime64[us, UTC]"))
    later = (solved_at.isna() | (sent < solved_at)).to_numpy(dtype=bool)
    out["reopened"] = pd.array(was_reopened, dtype="boolean")
    out["reopened_after_survey"] = pd.array(was_reopened & later, dtype="boolean")
    return with_notes(out, notes)


def delay_band(minutes: pd.Series) -> pd.Series:
    """The :data:`DELAY_BANDS` label of each delay in minutes (an ordered categorical; NaN stays missing).

    >>> delay_band(pd.Series([-5.0, 0.0, 14.9, 60.0, 1440.0, None])).tolist()
    ['before the solve', 'under 15 minutes', 'under 15 minutes', '1 to 4 hours', '1 to 3 days', nan]
    """
    edges = [-np.inf, *(upper for _, upper in DELAY_BANDS)]
    return pd.cut(minutes, edges, right=False, labels=[label for label, _ in DELAY_BANDS])


def survey_timing(
    invitations: pd.DataFrame,
    survey_responses: pd.DataFrame,
    tickets: pd.DataFrame,
    by: str | Sequence[str] = "delay_band",
    *,
    survey: str = "csat",
    confidence: float = 0.95,
    min_n: int = MIN_N,
) -> pd.DataFrame:
    """Response rate and score by the survey's delay after the solve, its channel, or a ticket segment.

    Parameters
    ----------
    invitations, survey_responses, tickets : canonical tables.
    by : ``delay_band``, ``survey_channel`` (an optional invitations column) and/or a ticket
        column (``team``, ``channel``...), one or several.
    survey : ``csat`` (share satisfied) or ``ces`` (share agreeing it was easy).
    min_n : segments with fewer answers are ``small_sample``.

    Returns
    -------
    One row per segment (bands in their order, empty bands left out): ``segment``, the ``by``
    columns, ``invited``, ``responded``, ``response_rate`` with its Wilson interval
    ``response_low``/``response_high``, ``answers`` (answers with a score), ``favourable``,
    ``score`` (favourable / answers) with ``low``/``high``, ``small_sample``.
    """
    confidence, min_n = check_confidence(confidence), check_min_n(min_n)
    keys = as_list(by)
    invitations = check_table(invitations, "survey_invitations", argument="invitations").reset_index(drop=True)
    timed = invitation_timing(invitations, tickets, survey)
    notes = list(timed.attrs.get("notes", []))
    if "survey_channel" in keys and "survey_channel" not in timed.columns:
        raise ConfigError("cannot group by `survey_channel`: the invitations have no survey_channel values",
                          key="by", fix="add a survey_channel column to the invitations (e.g. email, in-app, chat) "
                                        "or group by delay_band or a ticket column")
    for key in keys:
        if key not in timed.columns:
            if key not in tickets.columns:
                raise ConfigError(f"unknown grouping {key!r}", key="by",
                                  fix="use delay_band, survey_channel or a column of the tickets, e.g. team")
            timed[key] = _ticket_values(timed, tickets, key)
    # invitation_timing keeps the invitations' (here positional) index: answered is read by position
    responded = mark_responded(invitations, survey_responses)["responded"].to_numpy(dtype=bool)
    timed["responded"] = responded[timed.index.to_numpy()]
    rows = survey_rows(survey_responses, survey)
    rows = rows[rows["ticket_id"].notna()] if "ticket_id" in rows.columns else rows.iloc[0:0]
    rows = rows.assign(_good=favourable(rows["score"], rows["scale"], survey))
    latest = rows.sort_values("submitted_at", kind="stable").drop_duplicates("ticket_id", keep="last")
    good = latest.set_index(latest["ticket_id"].astype("str"))["_good"]
    timed["_good"] = timed["ticket_id"].map(good).where(timed["responded"]).astype("float64")
    if "delay_band" in keys and timed["delay_band"].isna().any():
        notes.append(f"{int(timed['delay_band'].isna().sum())} invitations without a known delay are left out of "
                     "the delay bands.")
    grouped = timed.groupby(keys, sort=True, observed=True)
    out = grouped.agg(invited=("invitation_id", "size"), responded=("responded", "sum"),
                      answers=("_good", "count"), favourable=("_good", "sum")).reset_index()
    out[["invited", "responded", "answers", "favourable"]] = out[
        ["invited", "responded", "answers", "favourable"]].astype("int64")
    out["response_rate"] = out["responded"] / out["invited"]
    out["response_low"], out["response_high"] = wilson_interval(out["responded"], out["invited"], confidence)
    out["score"] = out["favourable"] / out["answers"].replace(0, np.nan)
    out["low"], out["high"] = wilson_interval(out["favourable"], out["answers"], confidence)
    out["small_sample"] = out["answers"] < min_n
    for key in keys:
        if isinstance(out[key].dtype, pd.CategoricalDtype):
            out[key] = out[key].astype("str")
    out = add_segment_label(out, keys, None)
    return with_notes(out[["segment", *keys, *TIMING_COLUMNS]], notes)


def _ticket_values(timed: pd.DataFrame, tickets: pd.DataFrame, key: str) -> pd.Series:
    """The tickets' ``key`` for each timed invitation, as text (:data:`NOT_SET` where empty)."""
    values = tickets[key].astype("str").to_numpy()[ticket_positions(tickets, timed["ticket_id"])]
    return pd.Series(values, index=timed.index).fillna(NOT_SET)


def early_surveys(
    invitations: pd.DataFrame,
    tickets: pd.DataFrame,
    by: str | Sequence[str] | None = "team",
    *,
    survey: str = "csat",
    max_share: float = 0.5,
    confidence: float = 0.95,
    min_n: int = MIN_N,
) -> pd.DataFrame:
    """Flag segments that survey before the customer could know whether the fix held.

    Parameters
    ----------
    invitations, tickets : canonical tables (tickets need ``reopens`` and ``solved_at``).
    by : ticket columns to compare (default ``team``); None for one row over all.
    max_share : flag when the Wilson interval of the share of reopens after the survey lies
        wholly above this (default 0.5: most reopens come after the survey).
    min_n : segments with fewer reopened surveyed tickets are ``small_sample``, never flagged.

    Returns
    -------
    One row per segment, flagged first: ``segment``, the ``by`` columns, ``invited`` (surveyed
    tickets), ``reopened``, ``reopened_after_survey``, ``reopened_after_survey_share`` with
    ``low``/``high``, ``median_delay_minutes`` (after the first solve), ``small_sample``,
    ``too_soon`` (bool) and ``explanation`` (one sentence with the numbers).

    Examples
    --------
    >>> tickets = pd.DataFrame({"ticket_id": ["1", "2"], "status": "solved", "channel": "email",
    ...     "created_at": pd.Timestamp("2026-01-05 09:00", tz="UTC"), "team": "A",
    ...     "solved_at": pd.to_datetime(["2026-01-05 10:00", "2026-01-07 10:00"], utc=True),
    ...     "first_resolution_minutes": [60.0, 60.0], "reopens": [0, 1]})
    >>> invitations = pd.DataFrame({"invitation_id": ["i1", "i2"], "survey": "csat", "ticket_id": ["1", "2"],
    ...     "sent_at": pd.to_datetime(["2026-01-05 10:05", "2026-01-05 10:05"], utc=True)})
    >>> early_surveys(invitations, tickets, min_n=1)[["team", "reopened", "reopened_after_survey", "too_soon"]]
      team  reopened  reopened_after_survey  too_soon
    0    A         1                      1     False
    """
    confidence, min_n = check_confidence(confidence), check_min_n(min_n)
    if not isinstance(max_share, int | float) or not 0 <= max_share < 1:
        raise ConfigError(f"max_share must be a share between 0 and 1, got {max_share!r}", key="max_share",
                          fix="pass e.g. max_share=0.5 to flag when most reopens come after the survey")
    tickets = check_table(tickets, "tickets", argument="tickets")
    require_columns(tickets, ["reopens", "solved_at"], "tickets")
    keys = as_list(by)
    timed = invitation_timing(invitations, tickets, survey)
    notes = list(timed.attrs.get("notes", []))
    for key in keys:
        require_columns(tickets, [key], "tickets")
        timed[key] = _ticket_values(timed, tickets, key)
    frame = timed.assign(_reopened=timed["reopened"].astype(bool), _after=timed["reopened_after_survey"].astype(bool))
    grouped = frame.groupby(keys, sort=True) if keys else frame.assign(_all=0).groupby("_all")
    out = grouped.agg(invited=("invitation_id", "size"), reopened=("_reopened", "sum"),
                      reopened_after_survey=("_after", "sum"),
                      median_delay_minutes=("delay_minutes", "median")).reset_index()
    out = out.drop(columns="_all", errors="ignore")
    out["reopened_after_survey_share"] = out["reopened_after_survey"] / out["reopened"].replace(0, np.nan)
    out["low"], out["high"] = wilson_interval(out["reopened_after_survey"], out["reopened"], confidence)
    out["small_sample"] = out["reopened"] < min_n
    out["too_soon"] = (~out["small_sample"] & (out["low"] > max_share)).astype(bool)
    out = add_segment_label(out, keys, None)
    out["explanation"] = [_explain_early(row, survey, min_n) for row in out.to_dict("records")]
    out = out.sort_values(["too_soon", "reopened_after_survey_share", "segment"], ascending=[False, False, True],
                          na_position="last", kind="stable").reset_index(drop=True)
    return with_notes(out[["segment", *keys, *EARLY_COLUMNS]], notes)


def _explain_early(row: dict, survey: str, min_n: int) -> str:
    name = "satisfaction" if survey == "csat" else "effort"
    if row["reopened"] == 0:
        return f"{row['segment']}: no surveyed ticket was reopened."
    share = f"{fmt.percent(row['reopened_after_survey_share'])} of the {row['reopened']:,} reopened surveyed tickets"
    if row["small_sample"]:
        return f"{row['segment']}: {share} were reopened after the {name} survey went out (fewer than {min_n} " \
               "reopens: not judged)."
    verdict = ("the survey goes out before customers can know whether the fix held" if row["too_soon"]
               else "most reopens come before the survey")
    return (f"{row['segment']}: {share} were reopened after the {name} survey went out "
            f"(interval {fmt.interval(round(row['low'], 9), round(row['high'], 9))}; median "
            f"{fmt.duration(row['median_delay_minutes'])} after the first solve): {verdict}.")


def survey_fatigue(
    invitations: pd.DataFrame,
    survey_responses: pd.DataFrame,
    *,
    survey: str | None = "csat",
    confidence: float = 0.95,
    min_n: int = MIN_N,
) -> pd.DataFrame:
    """Response rate by how many invitations each requester received in the period (survey fatigue).

    Parameters
    ----------
    invitations, survey_responses : canonical tables; invitations need ``requester_id``.
    survey : count and rate this survey's invitations only (``csat``, ``ces``, ``nps``); None: all
        surveys count towards a requester's total.
    min_n : bands with fewer invitations are ``small_sample``.

    Returns
    -------
    One row per :data:`FATIGUE_BANDS` band with invitations, in order: ``invitations_received``,
    ``requesters``, ``invited``, ``responded``, ``response_rate``, ``low``, ``high``,
    ``small_sample``. Invitations without a requester are left out with a note.
    """
    confidence, min_n = check_confidence(confidence), check_min_n(min_n)
    invitations = check_table(invitations, "survey_invitations", argument="invitations")
    require_columns(invitations, ["requester_id"], "survey_invitations")
    if survey is not None:
        check_choice(survey, ("csat", "ces", "nps"), "survey")
        invitations = invitations[invitations["survey"].eq(survey)]
    notes = []
    known = invitations["requester_id"].notna()
    if (~known).any():
        notes.append(f"{int((~known).sum())} invitations without a requester are left out of survey fatigue.")
    marked = mark_responded(invitations[known], survey_responses)
    received = marked.groupby("requester_id")["invitation_id"].transform("size")
    edges = [1, *(upper for _, upper in FATIGUE_BANDS)]
    marked = marked.assign(invitations_received=pd.cut(received, edges, right=False,
                                                       labels=[label for label, _ in FATIGUE_BANDS]))
    out = marked.groupby("invitations_received", observed=True).agg(
        requesters=("requester_id", "nunique"), invited=("invitation_id", "size"),
        responded=("responded", "sum")).reset_index()
    out["invitations_received"] = out["invitations_received"].astype("str")
    out[["requesters", "invited", "responded"]] = out[["requesters", "invited", "responded"]].astype("int64")
    out["response_rate"] = out["responded"] / out["invited"]
    out["low"], out["high"] = wilson_interval(out["responded"], out["invited"], confidence)
    out["small_sample"] = out["invited"] < min_n
    return with_notes(out[FATIGUE_COLUMNS], notes)


def fatigue_trend(fatigue: pd.DataFrame, alpha: float = 0.05) -> pd.DataFrame:
    """Does the response rate fall as requesters receive more invitations? A trend test over the bands.

    Cochran-Armitage test for a linear trend in proportions across the ordered bands of
    :func:`survey_fatigue` (statsmodels ``Table.test_ordinal_association``, band scores 0, 1, 2...).

    Returns one row: ``first_band_rate``, ``last_band_rate``, ``difference`` (last - first),
    ``p_value`` (two-sided), ``fatigue`` (True when the rate falls, last below first, with p
    below ``alpha``) and ``sentence``. Test one survey at a time: surveys differ in response
    rate, and a mix that shifts across the bands would look like a trend.

    >>> bands = pd.DataFrame({"invitations_received": ["1", "2", "3-5"], "invited": [100, 100, 100],
    ...                       "responded": [40, 30, 20]})
    >>> row = fatigue_trend(bands).iloc[0]
    >>> bool(row["fatigue"]), round(float(row["difference"]), 2), round(float(row["p_value"]), 4)
    (True, -0.2, 0.0021)
    """
    if not 0 < alpha < 1:
        raise ConfigError(f"alpha must be between 0 and 1, got {alpha!r}", key="alpha", fix="pass e.g. alpha=0.05")
    usable = fatigue[fatigue["invited"] > 0]
    if len(usable) < 2:
        sentence = "Too few groups of requesters to test for survey fatigue."
        return pd.DataFrame([{"first_band_rate": np.nan, "last_band_rate": np.nan, "difference": np.nan,
                              "p_value": np.nan, "fatigue": False, "sentence": sentence}])
    responded = usable["responded"].to_numpy(dtype=float)
    counts = np.vstack([responded, usable["invited"].to_numpy(dtype=float) - responded])
    no_variation = (counts.sum(axis=1) == 0).any()  # nobody (or everybody) answered: nothing to test
    p_value = np.nan if no_variation else float(Table(counts).test_ordinal_association().pvalue)
    first, last = responded[0] / usable["invited"].iloc[0], responded[-1] / usable["invited"].iloc[-1]
    falls = bool(np.isfinite(p_value) and p_value < alpha and last < first)
    label_first, label_last = usable["invitations_received"].iloc[0], usable["invitations_received"].iloc[-1]
    def received(label: str) -> str:
        return f"{label} invitation{'' if label == '1' else 's'}"

    sentence = (f"Customers who received {received(label_first)} answered {fmt.percent(first)}; those who "
                f"received {received(label_last)} answered {fmt.percent(last)}: "
                + ("the more often customers are asked, the less they answer (survey fatigue)." if falls
                   else "no measurable survey fatigue."))
    return pd.DataFrame([{"first_band_rate": first, "last_band_rate": last, "difference": last - first,
                          "p_value": p_value, "fatigue": falls, "sentence": sentence}])
