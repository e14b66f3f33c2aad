"""Evidence for each duplicate cluster, and the impact score that orders them.

:func:`cluster_evidence` returns one row per cluster with these columns (a measure
whose source column is empty is left missing, with a note in ``frame.attrs["notes"]``):

- ``tickets``; ``customers`` (distinct ``requester_id``); ``organizations`` (distinct
  ``organization_id``); ``first_seen``, ``last_seen`` (``created_at``).
- ``weekly_counts``: tickets per week (weeks start on Monday, UTC), one number per week from the
  first to the last week of the whole data set, so lists line up across clusters.
- ``recent_tickets``: tickets in the last ``recent_days`` (28) days up to ``as_of`` (the latest
  ticket unless given); ``baseline_weekly``: weekly rate over the ``baseline_days`` (91) days
  before that; ``growth`` = (recent weekly rate / baseline weekly rate) of the cluster, divided by
  the same ratio for all tickets (``frame.attrs["volume_growth"]``), so a rise every cluster shares
  (a busy quarter end, more customers) is not counted as this problem growing; the cluster's
  baseline counts at least one ticket so a brand-new cluster has a finite growth.
- ``emerging``: **rule** -- at least ``min_recent`` (5) recent tickets and ``growth`` of at least
  ``emerging_factor`` (2): the cluster's recent weekly rate is at least twice its baseline rate,
  after allowing for the change in overall ticket volume.
- ``agent_replies_mean`` (mean public agent replies per ticket), ``resolution_hours_median``
  (median ``full_resolution_minutes`` / 60): agent effort.
- ``reopen_rate`` (share of tickets reopened at least once) and ``reopen_rate_rest`` (same,
  over every ticket outside the cluster); ``csat`` (share of rated tickets rated good, or
  4-5 on a 1-5 scale) and ``csat_rest``.
- ``bug_share``: share of the cluster's tickets that cite a bug-tracker key or carry a helpdesk
  problem link (given by the caller; missing when not known).
- ``failure_share``: share of the cluster's tickets written in failure language (errors, "not
  working", "stuck", "can't", "blank"...; :data:`FAILURE_LANGUAGE`); missing when not known.
- ``kind``: ``problem`` or ``recurring question``. **Rule** -- a problem is a cluster whose
  tickets report a failure: at least ``KEY_SHARE`` (5%) of them cite a bug key or problem link, or
  at least half are written in failure language, or it is emerging (a sudden rise of one
  concern means something changed upstream). Otherwise it is a recurring question: steady
  how-to volume that points at documentation or product design. Both are upstream signals;
  only problems go to a bug tracker.
- ``impact`` = ``tickets`` x effort factor x satisfaction factor x reopen factor x bug factor, where
  the effort factor is the cluster's mean agent replies over the overall mean, the satisfaction
  factor is ``1 + max(0, csat_rest - csat)``, the reopen factor is
  ``1 + max(0, reopen_rate - reopen_rate_rest)`` and the bug factor is ``1 + bug_share``; a factor
  whose data is missing is 1. So a cluster counts more when it is bigger, costs more replies per
  ticket, hurts satisfaction and first-time resolution more than the average ticket, and is
  already known to point at a defect.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from toolkit.duplicates.bug_keys import ticket_bug_keys
from toolkit.duplicates.labelling import cluster_counts
from toolkit.schema import has_values

RECENT_DAYS = 28
MIN_RECENT = 5
"""Recent tickets a cluster needs before it can be called emerging (and baseline tickets before it has a usual rate)."""
BASELINE_DAYS = 91
KEY_SHARE = 0.05
FAILURE_SHARE = 0.5
# Words and phrases that report something broken rather than ask how to do something (RE2 syntax,
# run on lower-cased cleaned text). A how-to question rarely uses them; a bug report nearly always does.
FAILURE_LANGUAGE = (
    r"\b(errors?|fail(s|ed|ing|ure)?|broken|crash(es|ed|ing)?|bug|exception|not (working|loading|arriving|"
    r"received|showing|sending|syncing|accepted|finishing)|(doesn.?t|does not|won.?t|isn.?t|can.?t|cannot|couldn.?t"
    r"|unable to) (work|load|open|save|log ?in|sign ?in|pay|add|download|export|connect|send|receive)|stuck|hangs?"
    r"|frozen|freez(es|ing)|blank|empty|missing|wrong|declined|rejected|invalid|expired|loop|timed? ?out|stopped"
    r"|code_[45][0-9][0-9])\b"
)


EVIDENCE_COLUMNS = ("requester_id", "organization_id", "created_at", "agent_replies", "full_resolution_minutes",
                    "reopens", "satisfaction")
"""Ticket columns the evidence reads; a column with no value at all is noted, not measured."""
GOOD_RATINGS = ("good", "4", "5")


@dataclass(frozen=True)
class EvidenceTotals:
    """The whole ticket set's figures that every cluster's evidence is compared with.

    A cluster's own measures need only its tickets; these need all of them. Computed here from a frame
    (:func:`evidence_totals`) or by another engine from its table (:mod:`toolkit.spark.summaries`), they let
    :func:`cluster_evidence` summarise any subset of the clusters, one group of clusters at a time, and give each
    cluster the row it gets among all.
    """

    present: frozenset[str]  # columns of EVIDENCE_COLUMNS holding at least one value
    first_created: pd.Timestamp | None = None  # the first and last ticket's creation time
    last_created: pd.Timestamp | None = None
    as_of: pd.Timestamp | None = None  # end of the recent window: the latest ticket unless given
    recent: int = 0  # tickets in the recent window, and in the baseline window before it
    baseline: int = 0
    replies_mean: float | None = None
    reopened: int = 0  # tickets reopened at least once, among tickets whose reopens are known
    reopens_known: int = 0
    rated_good: int = 0  # tickets rated good (or 4-5), among rated tickets
    rated: int = 0


def evidence_totals(tickets: pd.DataFrame, *, as_of: pd.Timestamp | None = None, recent_days: int = RECENT_DAYS,
                    baseline_days: int = BASELINE_DAYS) -> EvidenceTotals:
    """:class:`EvidenceTotals` of a tickets frame (the windows as :func:`cluster_evidence` draws them)."""
    present = frozenset(c for c in EVIDENCE_COLUMNS if has_values(tickets, c))
    figures: dict = {}
    if "created_at" in present:
        created = tickets["created_at"]
        end = created.max() if as_of is None else pd.Timestamp(as_of)
        recent_start = end - pd.Timedelta(days=recent_days)
        baseline_start = recent_start - pd.Timedelta(days=baseline_days)
        figures.update(first_created=created.min(), last_created=created.max(), as_of=end,
                       recent=int(((created > recent_start) & (created <= end)).sum()),
                       baseline=int(((created > baseline_start) & (created <= recent_start)).sum()))
    if "agent_replies" in present:
        figures["replies_mean"] = float(tickets["agent_replies"].astype("float64").mean())
    if "reopens" in present:
        reopens = tickets["reopens"]
        figures.update(reopened=int((reopens.fillna(0) > 0).to_numpy(dtype=bool).sum()),
                       reopens_known=int(reopens.notna().sum()))
    if "satisfaction" in present:
        ratings = tickets["satisfaction"]
        figures.update(rated_good=int(ratings.astype("str").str.lower().isin(GOOD_RATINGS).sum()),
                       rated=int(ratings.notna().sum()))
    return EvidenceTotals(present=present, **figures)


def _week(created: pd.Series) -> pd.Series:
    day = created.dt.tz_convert("UTC").dt.floor("D") if created.dt.tz is not None else created.dt.floor("D")
    return day - pd.to_timedelta(day.dt.day_of_week, unit="D")


def weekly_counts(tickets: pd.DataFrame, labels: np.ndarray, span: tuple | None = None) -> pd.DataFrame:
    """Tickets per cluster and week: columns cluster_id, week (Monday, UTC), tickets (zero weeks included).

    The weeks run from the first to the last ticket's week, or over ``span`` (first and last ticket time of the
    whole set) when the tickets are only some of it."""
    labels = np.asarray(labels)
    empty = pd.DataFrame({"cluster_id": pd.Series(dtype="int64"), "week": pd.Series(dtype="datetime64[us, UTC]"),
                          "tickets": pd.Series(dtype="int64")})
    if not has_values(tickets, "created_at") or not (labels >= 0).any():
        return empty
    week = _week(tickets["created_at"])
    first, last = (week.min(), week.max()) if span is None else _week(pd.Series(list(span))).tolist()
    all_weeks = pd.date_range(first, last, freq="7D")
    frame = pd.DataFrame({"cluster_id": labels, "week": week.to_numpy()})
    frame = frame[(frame["cluster_id"] >= 0) & frame["week"].notna()]
    counts = frame.groupby(["cluster_id", "week"]).size()
    table = counts.unstack("week", fill_value=0).reindex(columns=all_weeks, fill_value=0)
    out = table.stack().rename("tickets").reset_index()
    out.columns = ["cluster_id", "week", "tickets"]
    out["tickets"] = out["tickets"].astype("int64")
    return out


def cluster_evidence(tickets: pd.DataFrame, labels: np.ndarray, *, as_of: pd.Timestamp | None = None,
                     recent_days: int = RECENT_DAYS, baseline_days: int = BASELINE_DAYS,
                     emerging_factor: float = 2.0, min_recent: int = MIN_RECENT,
                     bug_cited: np.ndarray | None = None, failure: np.ndarray | None = None,
                     totals: EvidenceTotals | None = None) -> pd.DataFrame:
    """One row of evidence per cluster (see the module docstring for every column), sorted by impact.

    ``labels`` gives each ticket's cluster (-1 = unclustered), aligned with ``tickets``;
    ``bug_cited`` optionally flags the tickets that cite a bug key or problem link, ``failure`` the
    tickets written in failure language (:func:`reports_failure`). ``totals`` are the whole set's figures
    (:class:`EvidenceTotals`) where ``tickets`` are only the tickets of some clusters; by default, those of
    ``tickets`` (then ``as_of``, ``recent_days`` and ``baseline_days`` draw the windows).
    """
    if totals is None:
        totals = evidence_totals(tickets, as_of=as_of, recent_days=recent_days, baseline_days=baseline_days)
    labels = np.asarray(labels)
    notes: list[str] = []
    frame = pd.DataFrame({"cluster_id": labels}, index=tickets.index)
    clustered = frame["cluster_id"] >= 0
    ids = np.unique(labels[labels >= 0])
    out = pd.DataFrame(index=pd.Index(ids, name="cluster_id"))
    grouped = frame.loc[clustered, "cluster_id"]
    out["tickets"] = grouped.value_counts().reindex(ids).astype("int64")
    for column, name in (("requester_id", "customers"), ("organization_id", "organizations")):
        if column in totals.present:
            out[name] = tickets.loc[clustered, column].groupby(grouped).nunique().reindex(ids).astype("Int64")
        else:
            out[name] = pd.array([pd.NA] * len(ids), dtype="Int64")
            notes.append(f"{name} not counted: the tickets have no {column}")
    _time_evidence(out, tickets, labels, clustered, grouped, ids, notes, totals=totals, recent_days=recent_days,
                   baseline_days=baseline_days, emerging_factor=emerging_factor, min_recent=min_recent)
    _effort_and_outcomes(out, tickets, labels, ids, notes, totals)
    if bug_cited is not None:
        cited = pd.Series(np.asarray(bug_cited, dtype=float))
        out["bug_share"] = cited.groupby(labels).mean().reindex(ids).astype("float64")
        out["impact"] = out["impact"] * (1 + out["bug_share"].fillna(0))
    else:
        out["bug_share"] = np.nan
    if failure is not None:
        out["failure_share"] = pd.Series(np.asarray(failure, dtype=float)).groupby(labels).mean().reindex(ids)
    else:
        out["failure_share"] = np.nan
    out["kind"] = cluster_kind(out)
    out = out.reset_index()
    out = out.sort_values(["impact", "tickets", "cluster_id"], ascending=[False, False, True], kind="stable")
    out = out.reset_index(drop=True)
    out.attrs["notes"] = notes
    return out


def reports_failure(texts: pd.Series) -> np.ndarray:
    """Whether each (lower-cased, cleaned) text is written in failure language (:data:`FAILURE_LANGUAGE`)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    array = pa.chunked_array([pa.array(pd.Series(texts).fillna("").astype("str").str.lower().tolist(),
                                       type=pa.large_string())])
    return np.asarray(pc.match_substring_regex(array, FAILURE_LANGUAGE).to_numpy(zero_copy_only=False), dtype=bool)


def cluster_kind(evidence: pd.DataFrame) -> pd.Series:
    """``problem`` or ``recurring question`` per row of evidence (rule in the module docstring)."""
    cites = evidence["bug_share"].fillna(0) >= KEY_SHARE
    fails = evidence["failure_share"].fillna(0) >= FAILURE_SHARE
    rising = evidence["emerging"].fillna(False).astype(bool)
    return pd.Series(np.where(cites | fails | rising, "problem", "recurring question"), index=evidence.index,
                     dtype="str")


def cluster_summary(tickets: pd.DataFrame, assignments: pd.DataFrame, **rules) -> pd.DataFrame:
    """:func:`cluster_evidence` for any assignment of tickets to clusters (e.g. after an analyst's edits).

    Parameters
    ----------
    tickets : canonical tickets.
    assignments : columns ticket_id and cluster_id (any keys: ints or strings; NA or -1 = unclustered).
    rules : ``as_of``, ``recent_days``, ``baseline_days``, ``emerging_factor``, ``min_recent``.

    Returns the same columns as :func:`cluster_evidence` plus ``bug_keys`` (keys the cluster's
    tickets cite in text, tags or custom fields, most frequent first), keyed by the given cluster_id values;
    ``bug_share`` counts tickets citing a key or carrying ``problem_id``/``parent_id``.
    """
    keys = pd.Series(assignments["cluster_id"].to_numpy(), index=assignments["ticket_id"].astype("str").to_numpy())
    keys = keys[~keys.index.duplicated()]
    per_ticket = keys.reindex(tickets["ticket_id"].astype("str").to_numpy())
    unclustered = per_ticket.isna() | per_ticket.astype("str").isin(["-1", "<NA>", "nan", ""])
    codes, uniques = pd.factorize(per_ticket.where(~unclustered))
    labels = np.where(unclustered.to_numpy(), -1, codes).astype(np.int64)
    tickets = tickets.reset_index(drop=True)
    keys = ticket_bug_keys(tickets)
    cited = keys.str.len().to_numpy() > 0
    for column in ("problem_id", "parent_id"):
        if column in tickets.columns:
            cited |= tickets[column].notna().to_numpy()
    parts = [tickets[c].fillna("").astype("str") for c in ("subject", "description") if c in tickets.columns]
    failure = reports_failure(parts[0].str.cat(parts[1:], sep=" . ")) if parts else None
    out = cluster_evidence(tickets, labels, bug_cited=cited, failure=failure, **rules)
    found = cluster_counts(keys, labels)
    out["bug_keys"] = [found.get(c, []) for c in out["cluster_id"]]
    notes = out.attrs.get("notes", [])
    out["cluster_id"] = np.asarray(uniques, dtype=object)[out["cluster_id"].to_numpy()] if len(out) else []
    out.attrs["notes"] = notes
    return out


def _time_evidence(out, tickets, labels, clustered, grouped, ids, notes, *, totals, recent_days, baseline_days,
                   emerging_factor, min_recent) -> None:
    if "created_at" not in totals.present:
        for col in ("first_seen", "last_seen"):
            out[col] = pd.Series(pd.NaT, index=out.index, dtype="datetime64[us, UTC]")
        out["weekly_counts"] = [[] for _ in range(len(out))]
        for col in ("recent_tickets", "baseline_weekly", "growth"):
            out[col] = np.nan
        out["emerging"] = pd.array([pd.NA] * len(out), dtype="boolean")
        notes.append("trend and growth not computed: the tickets have no created_at")
        return
    created = tickets["created_at"]
    out["first_seen"] = created[clustered].groupby(grouped).min().reindex(ids)
    out["last_seen"] = created[clustered].groupby(grouped).max().reindex(ids)
    weekly = weekly_counts(tickets, labels, span=(totals.first_created, totals.last_created))
    out["weekly_counts"] = weekly.groupby("cluster_id")["tickets"].agg(list).reindex(ids)
    as_of = totals.as_of
    recent_start = as_of - pd.Timedelta(days=recent_days)
    baseline_start = recent_start - pd.Timedelta(days=baseline_days)
    in_recent = (created > recent_start) & (created <= as_of)
    in_baseline = (created > baseline_start) & (created <= recent_start)
    recent = in_recent[clustered].groupby(grouped).sum().reindex(ids, fill_value=0)
    baseline = in_baseline[clustered].groupby(grouped).sum().reindex(ids, fill_value=0)
    recent_rate = recent / (recent_days / 7)
    baseline_rate = np.maximum(baseline, 1) / (baseline_days / 7)
    all_recent, all_baseline = totals.recent, totals.baseline
    volume_growth = 1.0
    if all_recent and all_baseline:
        volume_growth = (all_recent / recent_days) / (all_baseline / baseline_days)
    out.attrs["volume_growth"] = volume_growth
    out["recent_tickets"] = recent.astype("int64")
    out["baseline_weekly"] = baseline / (baseline_days / 7)
    out["growth"] = recent_rate / baseline_rate / volume_growth
    out["emerging"] = ((recent >= min_recent) & (out["growth"] >= emerging_factor)).astype("boolean")


def _rate_vs_rest(flag: pd.Series, known: pd.Series, labels: np.ndarray, ids: np.ndarray, all_flags: int,
                  all_known: int):
    """Share of ``flag`` among ``known`` tickets per cluster, and among all other tickets (of ``all_flags``
    flagged among ``all_known`` in the whole set)."""
    flag = (flag & known).astype("int64")
    known = known.astype("int64")
    by_flag = flag.groupby(labels).sum().reindex(ids, fill_value=0)
    by_known = known.groupby(labels).sum().reindex(ids, fill_value=0)
    inside = by_flag / by_known.where(by_known > 0)
    rest = (all_flags - by_flag) / (all_known - by_known).where(all_known - by_known > 0)
    return inside.astype("float64"), rest.astype("float64")


def _effort_and_outcomes(out, tickets, labels, ids, notes, totals: EvidenceTotals) -> None:
    index = tickets.index
    effort = pd.Series(1.0, index=out.index)
    if "agent_replies" in totals.present:
        replies = tickets["agent_replies"].astype("float64")
        out["agent_replies_mean"] = replies.groupby(labels).mean().reindex(ids)
        overall = totals.replies_mean
        if overall and overall > 0:
            effort = (out["agent_replies_mean"] / overall).fillna(1.0)
    else:
        out["agent_replies_mean"] = np.nan
        notes.append("agent effort (replies) not computed: the tickets have no agent_replies")
    if "full_resolution_minutes" in totals.present:
        hours = tickets["full_resolution_minutes"].astype("float64") / 60
        out["resolution_hours_median"] = hours.groupby(labels).median().reindex(ids)
    else:
        out["resolution_hours_median"] = np.nan
        notes.append("resolution time not computed: the tickets have no full_resolution_minutes")
    reopen_factor = pd.Series(1.0, index=out.index)
    if "reopens" in totals.present:
        reopens = tickets["reopens"]
        known = pd.Series(reopens.notna().to_numpy(), index=index)
        flag = pd.Series((reopens.fillna(0) > 0).to_numpy(dtype=bool), index=index)
        out["reopen_rate"], out["reopen_rate_rest"] = _rate_vs_rest(flag, known, labels, ids, totals.reopened,
                                                                    totals.reopens_known)
        reopen_factor = 1 + (out["reopen_rate"] - out["reopen_rate_rest"]).clip(lower=0).fillna(0)
    else:
        out["reopen_rate"] = out["reopen_rate_rest"] = np.nan
        notes.append("reopen rate not computed: the tickets have no reopens")
    csat_factor = pd.Series(1.0, index=out.index)
    if "satisfaction" in totals.present:
        rating = tickets["satisfaction"].astype("str").str.lower()
        known = pd.Series(tickets["satisfaction"].notna().to_numpy(), index=index)
        good = pd.Series(rating.isin(GOOD_RATINGS).to_numpy(), index=index)
        out["csat"], out["csat_rest"] = _rate_vs_rest(good, known, labels, ids, totals.rated_good, totals.rated)
        csat_factor = 1 + (out["csat_rest"] - out["csat"]).clip(lower=0).fillna(0)
    else:
        out["csat"] = out["csat_rest"] = np.nan
        notes.append("CSAT not computed: the tickets have no satisfaction ratings")
    out["impact"] = (out["tickets"] * effort * csat_factor * reopen_factor).astype("float64")
