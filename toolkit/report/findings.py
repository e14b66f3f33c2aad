"""The executive summary: the most important findings, computed from the sections' result frames.

Each ``*_findings`` function reads the frames one capability returned and writes
findings as sentences with their numbers. A finding is one row of a tidy frame:

- ``area``: the report section it comes from (e.g. "Customer experience");
- ``finding``: one sentence, with the numbers and their intervals where they have one;
- ``weight``: how much it matters, 0-1, used only to choose and order the summary;
- ``section``: the report heading whose section shows its numbers (:mod:`toolkit.report.anchors`),
  which the summary links to;
- ``fact``: what it is about (e.g. "segment Rapid Response", "problem APP-2210"); the summary
  keeps one finding per fact, so one point is not made three times.
- ``id``: a stable name for the fact the finding states (``"ops.watermelon.billing"``), by which
  the consultant's engagement file rewords, suppresses or reorders it
  (:mod:`toolkit.report.engagement_file`; the list is in docs/engagement-file.md).

Weights are stated rules, not a model: a watermelon segment (green metrics, red
experience) 0.95; the headline scores 0.9 (context every reader needs); a segment
significantly below the rest 0.7-0.9 (more for larger gaps); management/frontline
disagreement 0.75; the largest maturity gaps 0.7; the strongest driver of
dissatisfaction 0.7; non-response bias 0.6; comment themes 0.5. Findings without
statistical support (small samples, non-significant differences) are never written.
:func:`executive_summary` keeps the ``limit`` heaviest (8 by default).
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Iterable, Mapping

import pandas as pd

from toolkit import formatting as fmt
from toolkit.duplicates.ranking import BASELINE_DAYS, MIN_RECENT, RECENT_DAYS
from toolkit.report import anchors
from toolkit.report.text import Html, safe_text

FINDING_COLUMNS = ["id", "area", "finding", "weight", "section", "fact"]
MIN_TICKETS = 30
"""Groups smaller than this (tickets in a cluster) are too small to headline as a finding."""
CX = "Customer experience"
MATURITY = "Maturity"
OPERATIONS = "Operations"
UPSTREAM = "Upstream problems"
SINCE = "Since the last assessment"
LOW_RESPONSE_RATE = 0.4
"""A CSAT response rate below this (a fraction) is written as "only"."""


def _frame(rows: list[tuple[str, str, float, str, str, str]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["area", "finding", "weight", "section", "fact", "id"]).astype(
        {"weight": "float64"})
    repeat = frame.groupby("id", sort=False).cumcount()  # two problems with one name stay two ids
    frame["id"] = frame["id"].where(repeat == 0, frame["id"] + "-" + (repeat + 1).astype("str"))
    return frame[FINDING_COLUMNS]


def _key(value: object) -> str:
    """A value (team, effect, problem name) as the last part of a finding id: ``"Team Billing"`` -> ``team-billing``."""
    return re.sub(r"[^a-z0-9]+", "-", str(value).lower()).strip("-") or "none"


def score_rows(summary: pd.DataFrame | None) -> pd.DataFrame | None:
    """``survey_summary`` as the report's score table: ``measure``, ``n``, and ``score`` and ``interval`` as text
    in each survey's unit (NPS signed points, CSAT and CES percentages)."""
    if not _usable(summary, "survey", "score", "low", "high", "n"):
        return None
    rows = [{"measure": getattr(r, "measure", r.survey), "n": r.n, "score": fmt.score(r.score, r.survey),
             "interval": fmt.score_interval(r.low, r.high, r.survey)} for r in summary.itertuples()]
    return pd.DataFrame(rows)


def _usable(frame: pd.DataFrame | None, *columns: str) -> bool:
    return frame is not None and len(frame) > 0 and all(c in frame.columns for c in columns)


def survey_findings(
    summary: pd.DataFrame | None,
    csat_by_segment: Mapping[str, pd.DataFrame] | None = None,
    drivers: pd.DataFrame | None = None,
    response_rates: pd.DataFrame | None = None,
    nonresponse: pd.DataFrame | None = None,
    themes: pd.DataFrame | None = None,
    nps_trend: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Findings from :mod:`toolkit.survey` results (frames as :class:`~toolkit.report.sections.CustomerExperience`).

    - the headline NPS / CSAT / CES with intervals and answer counts;
    - per segment column, the segment furthest significantly below the rest (not small samples);
    - the significant driver with the largest odds ratio above 1;
    - the CSAT response rate, with the significant non-response differences;
    - the comment theme leaning most towards detractors;
    - the NPS change from the first to the last period of ``nps_trend`` (``survey_trend`` output),
      when the difference test (:func:`toolkit.survey.nps_difference_from_counts`) supports it (0.8).
    """
    rows: list[tuple[str, str, float, str, str, str]] = []
    if _usable(summary, "survey", "score", "low", "high", "n"):
        parts = []
        for r in summary.itertuples():
            if r.n == 0 or pd.isna(r.score):
                continue
            if r.survey == "nps":
                parts.append(f"an NPS of {fmt.nps(r.score)} (95% CI {fmt.interval(r.low, r.high, 'nps')}, "
                             f"{fmt.count(r.n)} answers)")
            elif r.survey == "csat":
                parts.append(f"{fmt.percent(r.score)} satisfied in CSAT (95% CI {fmt.interval(r.low, r.high)}, "
                             f"{fmt.count(r.n)} answers)")
            elif r.survey == "ces":
                parts.append(f"{fmt.percent(r.score)} finding it easy to get help in CES (95% CI "
                             f"{fmt.interval(r.low, r.high)}, {fmt.count(r.n)} answers)")
        if parts:
            joined = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
            rows.append((CX, f"Customers gave {joined}.", 0.9, anchors.CUSTOMER_EXPERIENCE, "survey scores",
                         "cx.scores"))
    for segment, frame in (csat_by_segment or {}).items():
        if not _usable(frame, "score", "low", "high", "rest_score", "difference", "significant", "direction"):
            continue
        below = frame[frame["significant"].fillna(False).astype(bool) & (frame["direction"] == "below")]
        if "small_sample" in below.columns:
            below = below[~below["small_sample"].fillna(False).astype(bool)]
        if not len(below):
            continue
        worst = below.sort_values("difference", kind="stable").iloc[0]
        name = worst[segment] if segment in below.columns else worst.iloc[0]
        gap = -float(worst["difference"])  # a difference of shares (0-1)
        rows.append((CX, f"CSAT for {segment.replace('_', ' ')} {name} is {fmt.percent(worst['score'])} satisfied "
                         f"(95% CI {fmt.interval(worst['low'], worst['high'])}), "
                         f"{fmt.score_change(gap, 'csat').lstrip('+')} percentage points below the rest "
                         f"({fmt.percent(worst['rest_score'])}).", min(0.9, 0.7 + gap),
                     anchors.SATISFACTION_BY_SEGMENT, f"segment {name}", f"cx.csat_below.{_key(segment)}"))
    if _usable(drivers, "odds_ratio", "significant", "statement"):
        harmful = drivers[drivers["significant"].fillna(False).astype(bool) & (drivers["odds_ratio"] > 1)]
        if len(harmful):
            top = harmful.sort_values("odds_ratio", ascending=False, kind="stable").iloc[0]
            rows.append((CX, f"Strongest driver of dissatisfaction: {top['statement']}", 0.7, anchors.DRIVERS,
                         "driver", "cx.driver"))
    if _usable(response_rates, "survey", "response_rate"):
        csat_rate = response_rates[response_rates["survey"] == "csat"]
        if len(csat_rate):
            rate = float(csat_rate["response_rate"].iloc[0])
            text = f"Only {fmt.percent(rate)} of CSAT invitations were answered" if rate < LOW_RESPONSE_RATE else \
                f"{fmt.percent(rate)} of CSAT invitations were answered"
            if _usable(nonresponse, "significant", "statement", "measure"):
                real = nonresponse[nonresponse["significant"].fillna(False).astype(bool)
                                   & (nonresponse["measure"] == "share")]
                if len(real):
                    text += f"; respondents differ from the rest: {real['statement'].iloc[0]}"
            rows.append((CX, text.rstrip(".") + ".", 0.6, anchors.RESPONSE, "response", "cx.response_rate"))
    if _usable(themes, "label", "leans", "unfavourable_share", "favourable_share", "difference"):
        negative = themes[themes["leans"] == "detractors"]
        if len(negative):
            top = negative.sort_values("difference", ascending=False, kind="stable").iloc[0]
            rows.append((CX, f"The comment theme that most sets detractors apart is “{top['label']}”: "
                             f"{fmt.percent(top['unfavourable_share'])} of detractors' comments vs "
                             f"{fmt.percent(top['favourable_share'])} of promoters'.", 0.5, anchors.THEMES, "themes",
                         "cx.comment_theme"))
    if _usable(nps_trend, "period", "n", "score", "favourable", "unfavourable") and len(nps_trend) >= 2:
        from toolkit.survey import nps_difference_from_counts

        first, last = nps_trend.iloc[0], nps_trend.iloc[-1]

        def counts(r):
            return (int(r["unfavourable"]), int(r["n"] - r["favourable"] - r["unfavourable"]), int(r["favourable"]))

        change = nps_difference_from_counts(counts(last), counts(first)).iloc[0]
        if change["p_value"] < 0.05:
            verb = "fell" if last["score"] < first["score"] else "rose"
            rows.append((CX, f"NPS {verb} from {fmt.nps(first['score'])} in {_quarter(first['period'])} to "
                             f"{fmt.nps(last['score'])} in {_quarter(last['period'])} (change "
                             f"{fmt.nps(change['difference'])} points, 95% CI "
                             f"{fmt.interval(change['low'], change['high'], 'nps')}, {fmt.p_value(change['p_value'])})"
                             ".", 0.8, anchors.SATISFACTION_OVER_TIME, "nps trend", "cx.nps_change"))
    return _frame(rows)


def _quarter(start) -> str:
    """A period start as a readable label: ``Q1 2026`` for quarter starts, else ``January 2026``."""
    start = pd.Timestamp(start)
    if start.month in (1, 4, 7, 10) and start.day == 1:
        return fmt.quarter(start)
    return fmt.month(start)


def maturity_findings(
    overall: pd.DataFrame | None,
    dimensions: pd.DataFrame | None = None,
    disagreements: pd.DataFrame | None = None,
    roadmap: pd.DataFrame | None = None,
    evidence: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Findings from :mod:`toolkit.maturity` results: overall level, largest gaps, disagreements, quick wins,
    and interview claims the data contradicts (those some interviewee made; the first one's own sentence, 0.75)."""
    rows: list[tuple[str, str, float, str, str, str]] = []
    if _usable(overall, "score", "target") and pd.notna(overall["score"].iloc[0]):
        o = overall.iloc[0]
        who = f" from {int(o['respondents'])} interviews" if "respondents" in overall.columns and o["respondents"] \
            else ""
        rows.append((MATURITY, f"Support maturity is {fmt.level(o['score'])} of 5 against a target of "
                               f"{fmt.level(o['target'])}{who} ({fmt.percent(o['coverage'])} of questions answered).",
                     0.85, anchors.MATURITY, "maturity", "maturity.overall"))
    if _usable(dimensions, "dimension", "score", "target", "gap"):
        gaps = dimensions[dimensions["gap"] > 0].sort_values("gap", ascending=False, kind="stable").head(2)
        if len(gaps):
            named = " and ".join(f"{r.dimension} ({fmt.level(r.score)} vs target {fmt.level(r.target)})"
                                 for r in gaps.itertuples())
            rows.append((MATURITY, f"The largest maturity gaps are in {named}.", 0.7, anchors.MATURITY,
                         "maturity gaps", "maturity.gaps"))
    if _usable(disagreements, "dimension", "flagged", "score_a", "score_b", "group_a", "group_b"):
        flagged = disagreements[disagreements["flagged"].fillna(False).astype(bool)]
        if len(flagged):
            top = flagged.reindex(flagged["difference"].abs().sort_values(ascending=False, kind="stable").index).iloc[0]
            n = len(flagged)
            rows.append((MATURITY, f"{str(top['group_a']).capitalize()} and {top['group_b']} disagree on {n} "
                                   f"dimension{'s' if n != 1 else ''}; most on {top['dimension']} "
                                   f"({fmt.level(top['score_a'])} vs {fmt.level(top['score_b'])}).", 0.75,
                         anchors.DISAGREEMENT, "disagreement", "maturity.disagreement"))
    if _usable(roadmap, "phase", "effort"):
        first = roadmap[roadmap["phase"] == roadmap["phase"].iloc[0]]
        quick = int((first["effort"] == "low").sum())
        rows.append((MATURITY, f"The roadmap has {len(roadmap)} steps; the first phase ({roadmap['phase'].iloc[0]}) "
                               f"holds {len(first)}, {quick} of them low effort.", 0.4, anchors.ROADMAP, "roadmap",
                     "maturity.roadmap"))
    if _usable(evidence, "verdict", "finding"):
        contradicted = evidence[evidence["verdict"] == "contradicted"]
        if "claimed_by" in evidence.columns:  # a claim nobody made contradicts no interview
            contradicted = contradicted[contradicted["claimed_by"].fillna("") != ""]
        if len(contradicted):
            n = len(contradicted)
            lead = f"{n} interview claim{'s are' if n != 1 else ' is'} contradicted by the data. "
            rows.append((MATURITY, lead + str(contradicted["finding"].iloc[0]), 0.75, anchors.CLAIMS, "claims",
                         "maturity.contradicted_claims"))
    return _frame(rows)


def operations_findings(
    watermelon: pd.DataFrame | None,
    over_time: pd.DataFrame | None = None,
    period_effects: pd.DataFrame | None = None,
    incomplete: pd.DataFrame | None = None,
    hedging: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Findings from :mod:`toolkit.ops` results: watermelon segments, ops vs CSAT over time, load peaks,
    abandoned conversations and hedging agents.

    - every flagged watermelon segment, in the library's own explanation (weight 0.95);
    - a ``watermelon`` verdict over time (0.8);
    - each significant end-of-quarter / year-end effect, in its sentence (0.55);
    - the channel with the highest significant incomplete-conversation rate, if above 5% (0.55);
    - agents hedging in more than 40% of their replies, not small samples (0.5).
    """
    rows: list[tuple[str, str, float, str, str]] = []
    if _usable(watermelon, "flag", "explanation"):
        flagged = watermelon[watermelon["flag"].fillna(False).astype(bool)]
        segments = flagged["segment"] if "segment" in flagged.columns else flagged["explanation"]
        for text, segment in zip(flagged["explanation"], segments, strict=True):
            rows.append((OPERATIONS, str(text), 0.95, anchors.WATERMELON, f"segment {segment}",
                         f"ops.watermelon.{_key(segment)}"))
    if _usable(over_time, "verdict", "sentence"):
        melons = over_time[over_time["verdict"] == "watermelon"]
        for metric, text in zip(melons.get("ops_metric", melons.index), melons["sentence"], strict=True):
            rows.append((OPERATIONS, str(text), 0.8, anchors.WATERMELON, "watermelon over time",
                         f"ops.watermelon_over_time.{_key(metric)}"))
    if _usable(period_effects, "p_value", "sentence"):
        real = period_effects[(period_effects["p_value"] < 0.05)]
        if "small_sample" in real.columns:
            real = real[~real["small_sample"].fillna(False).astype(bool)]
        for effect, segment, text in zip(real.get("effect", real.index), real.get("segment", real.index),
                                         real["sentence"], strict=True):
            rows.append((OPERATIONS, str(text), 0.55, anchors.LOAD, f"load {text}",
                         f"ops.period_effect.{_key(effect)}.{_key(segment)}"))
    if _usable(incomplete, "incomplete_rate", "ci_low", "channel", "finished", "incomplete"):
        reliable = incomplete
        if "small_sample" in reliable.columns:
            reliable = reliable[~reliable["small_sample"].fillna(False).astype(bool)]
        reliable = reliable[reliable["ci_low"] > 0.05]
        if len(reliable):
            top = reliable.sort_values("incomplete_rate", ascending=False, kind="stable").iloc[0]
            rows.append((OPERATIONS, f"{fmt.percent(top['incomplete_rate'])} of finished {top['channel']} "
                                     f"conversations ({fmt.count(top['incomplete'])} of {fmt.count(top['finished'])}) "
                                     "ended with the "
                                     "customer gone before a resolution.", 0.55, anchors.CONVERSATIONS,
                         "incomplete", "ops.incomplete"))
    if _usable(hedging, "segment", "hedged_share", "replies"):
        heavy = hedging[hedging["hedged_share"] > 0.4]
        if "small_sample" in heavy.columns:
            heavy = heavy[~heavy["small_sample"].fillna(False).astype(bool)]
        if len(heavy):
            heavy = heavy.sort_values("hedged_share", ascending=False, kind="stable")
            named = ", ".join(f"{r.segment} {fmt.percent(r.hedged_share)}" for r in heavy.head(3).itertuples())
            n = len(heavy)
            rows.append((OPERATIONS, f"{n} agent{'s' if n != 1 else ''} hedge{'' if n != 1 else 's'} in more than "
                                     f"40% of their replies (\"should be fixed\", "
                                     f"\"I think\"): {named}.", 0.5, anchors.HEDGING, "hedging", "ops.hedging"))
    return _frame(rows)


def problem_findings(clusters: pd.DataFrame | None, total_tickets: int = 0) -> pd.DataFrame:
    """Findings from duplicate clusters (:class:`toolkit.duplicates.DuplicateFinder` ``clusters_``).

    - the tickets held by the ten highest-impact clusters, and the highest-impact one (0.8);
    - each emerging cluster of at least :data:`MIN_TICKETS` tickets, as many of them in the last four
      weeks (at most two), with its start and growth (0.85); see :func:`growth_text` for how a
      brand-new problem is told.

    A problem's ``fact`` is its first bug key (else its name), so two clusters filed under one key
    make one point in the summary.
    """
    rows: list[tuple[str, str, float, str, str, str]] = []
    if not _usable(clusters, "name", "tickets", "customers"):
        return _frame(rows)
    if "cluster_id" in clusters.columns:
        clusters = clusters[clusters["cluster_id"] >= 0]  # -1 holds the one-off tickets, if listed
    if "kind" in clusters.columns:  # recurring questions point at documentation, not at a defect
        clusters = clusters[clusters["kind"] == "problem"]
    if not len(clusters):
        return _frame(rows)
    top_ten = clusters.head(10)
    held = int(top_ten["tickets"].sum())
    share = f" ({fmt.percent(held / total_tickets)} of all tickets)" if total_tickets else ""
    top = clusters.iloc[0]
    keys = _keys(top)
    key_text = f", bug key {keys[0]}" if keys else ""
    rows.append((UPSTREAM, f"The {len(top_ten)} highest-impact recurring problems account for {fmt.count(held)} "
                           f"tickets{share}; the costliest, “{top['name']}”, brought {fmt.count(top['tickets'])} "
                           f"tickets from {fmt.count(top['customers'])} customers{key_text}.", 0.8, anchors.UPSTREAM,
                 f"problem {keys[0] if keys else top['name']}", "upstream.top_problems"))
    if "emerging" in clusters.columns:
        emerging = clusters[notable_emerging(clusters)]
        as_of = clusters["last_seen"].max() if "last_seen" in clusters.columns else None
        for _, r in emerging.head(2).iterrows():
            keys = _keys(r)
            rows.append((UPSTREAM, f"Emerging problem: “{r['name']}”, {growth_text(r, as_of)}.", 0.85,
                         anchors.UPSTREAM, f"problem {keys[0] if keys else r['name']}",
                         f"upstream.emerging.{_key(r['name'])}"))
    return _frame(rows)


def notable_emerging(clusters: pd.DataFrame) -> pd.Series:
    """Emerging clusters whose rise rests on at least :data:`MIN_TICKETS` tickets in the last four weeks.

    The emerging rule (:mod:`toolkit.duplicates.ranking`) flags a doubling from as few as five recent
    tickets: worth a look in the explorer, but six tickets at "2.6 times" is not a headline or a
    roadmap step of its own.
    """
    if "emerging" not in clusters.columns:
        return pd.Series(False, index=clusters.index)
    rise = clusters["recent_tickets"] if "recent_tickets" in clusters.columns else clusters["tickets"]
    return (clusters["emerging"].fillna(False).astype(bool) & (clusters["tickets"] >= MIN_TICKETS)
            & (rise.fillna(clusters["tickets"]) >= MIN_TICKETS))


def _keys(cluster: pd.Series) -> list[str]:
    """The cluster's tracker keys (``#123`` references left out: they are not tracker keys)."""
    keys = cluster.get("bug_keys")
    return [str(k) for k in keys if not str(k).startswith("#")] if isinstance(keys, list | tuple) else []


def _earlier_tickets(cluster: pd.Series) -> float:
    """Tickets the growth measure compared the last four weeks with: those of the thirteen weeks before
    (from ``baseline_weekly``), else all tickets before the last four weeks; NaN when not known."""
    weekly, recent = cluster.get("baseline_weekly"), cluster.get("recent_tickets")
    if weekly is not None and pd.notna(weekly):
        return round(float(weekly) * BASELINE_DAYS / 7, 6)
    return float(cluster["tickets"] - recent) if recent is not None and pd.notna(recent) else math.nan


def _first_seen_inside(cluster: pd.Series, as_of) -> bool:
    """True when the problem's first ticket falls inside the seventeen weeks the growth measure spans."""
    first = cluster.get("first_seen")
    return bool(first is not None and pd.notna(first) and as_of is not None and pd.notna(as_of)
                and pd.Timestamp(first) > pd.Timestamp(as_of) - pd.Timedelta(days=RECENT_DAYS + BASELINE_DAYS))


def is_new(cluster: pd.Series, as_of) -> bool:
    """True when the problem has no usual rate to grow from.

    The growth measure (:mod:`toolkit.duplicates.ranking`) compares the last four weeks with the
    thirteen before. A problem first seen inside that span has no earlier rate; nor has one that
    arrived in the last four weeks (at least :data:`MIN_RECENT` tickets, the emerging rule's minimum)
    after fewer than that many in the weeks it is compared with: a few stray early tickets are not a
    usual rate, and a multiple of them would be invented. A problem that has gone quiet is not new.
    """
    if _first_seen_inside(cluster, as_of):
        return True
    recent = cluster.get("recent_tickets")
    arrived = recent is not None and pd.notna(recent) and recent >= MIN_RECENT
    return bool(arrived and _earlier_tickets(cluster) < MIN_RECENT)  # NaN compares False: not known is not new


def growth_text(cluster: pd.Series, as_of=None) -> str:
    """How an emerging problem grew, with numbers the problems table shows.

    A brand-new problem (:func:`is_new`) reads "new since 2 Sep 2026, 468 tickets", or, when a few
    stray tickets came earlier, "new in the last four weeks: 462 tickets (472 in all since 26 Feb
    2026)": a multiple of a rate it never had would be invented. Otherwise "102 tickets since 14 Oct
    2025, 57 of them in the last four weeks: 12 times its usual rate ...".
    """
    first = cluster.get("first_seen")
    since = fmt.day(first) if first is not None and pd.notna(first) else ""
    recent, growth = cluster.get("recent_tickets"), cluster.get("growth")
    if is_new(cluster, as_of):
        if _first_seen_inside(cluster, as_of) or recent is None or pd.isna(recent) or not since:
            return f"new since {since}, {fmt.count(cluster['tickets'])} tickets" if since else \
                f"new, {fmt.count(cluster['tickets'])} tickets"
        return (f"new in the last four weeks: {fmt.count(recent)} tickets ({fmt.count(cluster['tickets'])} in all "
                f"since {since})")
    text = f"{fmt.count(cluster['tickets'])} tickets" + (f" since {since}" if since else "")
    if recent is None or growth is None or pd.isna(recent) or pd.isna(growth):
        return text + " and growing well above its usual rate"
    return (f"{text}, {fmt.count(recent)} of them in the last four weeks: {fmt.ratio(growth)} times its usual "
            "rate, allowing for the change in overall ticket volume")


def reassessment_findings(since) -> pd.DataFrame:
    """Findings from a :class:`~toolkit.report.compare.Reassessment` (None: no earlier engagement, no findings).

    Weights: the clear score changes 0.97 (the question a returning consultant is asked); watermelon
    teams no longer (or newly) flagged 0.96; problems resolved and new 0.93; roadmap steps done 0.9.
    Changes without statistical support are not written.
    """
    if since is None:
        return _frame([])
    rows = []
    clear = since.measures[since.measures["significant"].fillna(False).astype(bool)]
    if len(clear):
        parts = []
        for r in clear.itertuples():
            if r.unit == "points":
                parts.append(f"{r.label} {fmt.nps(r.before)} → {fmt.nps(r.after)} ({fmt.points(r.change)} points, "
                             f"95% CI {fmt.interval(r.low, r.high, 'nps')})")
            else:
                parts.append(f"{r.label.lower() if r.area == OPERATIONS else r.label} {fmt.percent(r.before)} → "
                             f"{fmt.percent(r.after)}")
        better = int((clear["direction"] == "better").sum())
        verdict = ("all for the better" if better == len(clear) else "none for the better" if better == 0
                   else f"{better} of them for the better")
        rows.append((SINCE, f"Since the last assessment ({since.before}), {len(clear)} measures changed clearly, "
                            f"{verdict}: " + "; ".join(parts) + ".", 0.97, anchors.SINCE, "since scores",
                     "since.scores"))
    else:
        rows.append((SINCE, f"No score or operations measure changed clearly since the last assessment "
                            f"({since.before}).", 0.97, anchors.SINCE, "since scores", "since.scores"))
    w = since.watermelon
    for status, text, key in (("no longer a watermelon", "no longer looks green while customers feel red",
                               "since.watermelon_gone"),
                              ("newly a watermelon", "now looks green while its customers feel red",
                               "since.watermelon_new")):
        teams = w.loc[w["status"] == status, "team"].tolist()
        if teams:
            rows.append((SINCE, f"{', '.join(teams)} {text}.", 0.96, anchors.SINCE, f"since {status}", key))
    p = since.problems
    resolved, new = p[p["status"] == "resolved"], p[p["status"] == "new"]
    if len(resolved) or len(new):
        said = []
        if len(resolved):
            said.append(f"{len(resolved)} resolved ({'; '.join(resolved['problem'])})")
        if len(new):
            said.append(f"{len(new)} new ({'; '.join(new['problem'])})")
        rows.append((SINCE, f"Upstream problems since the last assessment: {', '.join(said)}.", 0.93,
                     anchors.SINCE, "since problems", "since.problems"))
    if len(since.roadmap):
        done = int((since.roadmap["status"] == "done").sum())
        rows.append((SINCE, f"{done} of the {len(since.roadmap)} roadmap steps recommended last time are done.", 0.9,
                     anchors.SINCE, "since roadmap", "since.roadmap"))
    return _frame(rows)


def executive_summary(*findings: pd.DataFrame, limit: int = 8, per_area: int = 3) -> pd.DataFrame:
    """The ``limit`` heaviest findings, one per fact, at most ``per_area`` from one area, heaviest first.

    Ties keep the given order. Of findings stating the same ``fact`` only the heaviest stays (a
    watermelon team's low CSAT is one point, not two); the per-area cap keeps one busy area from
    crowding out the others.
    """
    frames = [f for f in findings if f is not None and len(f)]
    if not frames:
        return _frame([])
    combined = pd.concat(frames, ignore_index=True).sort_values("weight", ascending=False, kind="stable")
    facts = combined["fact"].fillna("") if "fact" in combined.columns else pd.Series("", index=combined.index)
    combined = combined[(facts == "") | ~facts.duplicated()]
    combined = combined[combined.groupby("area", sort=False).cumcount() < per_area]
    return combined.head(limit).reset_index(drop=True)


def findings_html(summary: pd.DataFrame, *, redact_pii: bool = True) -> Html:
    """The executive summary as a numbered list, each finding labelled with its area and linked to the section
    that shows its numbers."""
    if not len(summary):
        return Html('<div class="callout">No findings could be computed from the data provided.</div>')
    items = "".join(f'<li><span class="finding-area">{safe_text(r.area, redact_pii=False)}</span>'
                    f"{safe_text(r.finding, redact_pii=redact_pii)}{_see(getattr(r, 'section', ''))}</li>"
                    for r in summary.itertuples())
    return Html(f'<ol class="findings">{items}</ol>')


def _see(section: object) -> str:
    if not isinstance(section, str) or not section:
        return ""
    target = html.escape(anchors.anchor(section), quote=True)
    return f' <a class="finding-source" href="#{target}">See {safe_text(section.lower(), redact_pii=False)}</a>'


def headline_figures(tickets: int, summary: pd.DataFrame | None = None,
                     overall: pd.DataFrame | None = None) -> list[tuple[str, str]]:
    """The numbers for the first screen's cards, as (value, label) pairs: tickets analysed, NPS,
    CSAT, CES (from ``survey_summary``) and the overall maturity (from ``score_overall``), each when known."""
    cards = [(fmt.count(tickets), "tickets analysed")]
    labels = {"nps": "NPS (−100 to +100)", "csat": "CSAT, share satisfied", "ces": "CES, share finding it easy"}
    if _usable(summary, "survey", "score", "n"):
        for r in summary.itertuples():
            if r.survey in labels and r.n and pd.notna(r.score):
                value = fmt.score(r.score, r.survey)
                cards.append((value, f"{labels[r.survey]} · {fmt.count(r.n)} answers"))
    if _usable(overall, "score", "target") and pd.notna(overall["score"].iloc[0]):
        cards.append((f"{fmt.level(overall['score'].iloc[0])} / 5",
                      f"maturity (target {fmt.level(overall['target'].iloc[0])})"))
    return cards


def kpis_html(items: Iterable[tuple[str, str]]) -> Html:
    """Headline figures as cards: (value, label) pairs, e.g. ("+4", "NPS")."""
    cards = "".join(f'<div class="kpi"><div class="kpi-value">{safe_text(v, redact_pii=False)}</div>'
                    f'<div class="kpi-label">{safe_text(label, redact_pii=False)}</div></div>'
                    for v, label in items if v is not None and not (isinstance(v, float) and math.isnan(v)))
    return Html(f'<div class="kpis">{cards}</div>') if cards else Html("")
