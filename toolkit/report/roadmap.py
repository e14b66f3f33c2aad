"""The report's roadmap: steps that answer the findings, alongside the steps that close the maturity gaps.

Every step says what it answers (a finding or a gap, and the report section that shows it),
who owns it, the KPI to watch with its value today and its target, the expected effect, the
effort and the phase. Each ``*_steps`` function reads the frames one capability returned and
writes steps only where the data supports a finding; :func:`report_roadmap` puts them in order.

Rules (stated, not modelled)
----------------------------
- **Watermelon team** (flagged segment): its CSAT to the median of the other teams' CSAT;
  first 90 days, medium effort, weight 0.95.
- **Upstream problem**: the three highest-impact problems still producing tickets (five or more
  in the last four weeks) and every emerging one rising on 30 or more recent tickets, one step per
  bug key; target no tickets in four
  weeks once fixed; first 90 days, medium effort, 0.9 (emerging 0.92).
- **Contradicted interview claim** (someone made it): the failing check's measure to the claim's
  own threshold; first 90 days, low effort, 0.8. The watermelon claim is answered by the
  watermelon step, so it gets none of its own.
- **Largest management/frontline disagreement** (flagged): the difference below the flagging
  threshold; first 90 days, low effort, 0.78.
- **Fast solves that came back**: when very fast solves come back at least 1.5 times as often
  as the others (30+ fast solves); their rate to the others'; first 90 days, low effort, 0.7.
- **SLA**: the team furthest below the pooled attainment of the other teams, by 3 points or
  more (not a small sample); to that pooled attainment; 3-6 months, medium, 0.65.
- **Hedging**: agents hedging in more than 40% of their replies (not small samples); their
  pooled share to the other agents'; first 90 days, low effort, 0.6.
- **Strongest driver of dissatisfaction** (significant, odds ratio above 1): the odds ratio to 1
  (no worse than other tickets); 3-6 months, medium effort, 0.6.
- **Non-response bias** (a significant difference between respondents and the others): the CSAT
  response rate up by 5 points; 3-6 months, low effort, 0.55.
- **Maturity gaps**: the steps of :func:`toolkit.maturity.build_roadmap`, with the dimension's
  owner from the model, the dimension's level as KPI, weight 0.5.

Order: phase, then weight (heaviest first), then the maturity roadmap's own priority.
"""

from __future__ import annotations

import html

import pandas as pd

from toolkit import formatting as fmt
from toolkit.duplicates.ranking import MIN_RECENT
from toolkit.maturity.roadmap import PHASES
from toolkit.report import anchors
from toolkit.report.findings import notable_emerging
from toolkit.report.text import Html, safe_text

STEP_COLUMNS = ["priority", "phase", "action", "answers", "section", "owner", "kpi", "unit", "direction",
                "current", "target", "effect", "effort", "weight", "source"]
"""One row per step. ``answers``: the finding or gap in words; ``section``: the heading it is shown under
(:mod:`toolkit.report.anchors`); ``unit`` of ``current`` and ``target`` (share, level, levels, tickets,
ratio); ``direction``: at_most or at_least (what meets the target); ``source``: finding kind or "gap"."""

FIRST, SECOND = PHASES[0], PHASES[1]
HEDGE_LIMIT = 0.4
MIN_FAST = 30


def _frame(rows: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=[c for c in STEP_COLUMNS if c != "priority"])
    return frame.astype({"current": "float64", "target": "float64", "weight": "float64"})


def _usable(frame: pd.DataFrame | None, *columns: str) -> bool:
    return frame is not None and len(frame) > 0 and all(c in frame.columns for c in columns)


def _flag(frame: pd.DataFrame, column: str) -> pd.Series:
    if column not in frame.columns:
        return pd.Series(False, index=frame.index)
    return frame[column].fillna(False).astype(bool)


def _step(action, answers, section, owner, kpi, unit, direction, current, target, effect, effort, phase, weight,
          source) -> dict:
    return {"phase": phase, "action": action, "answers": answers, "section": section, "owner": owner, "kpi": kpi,
            "unit": unit, "direction": direction, "current": float(current), "target": float(target),
            "effect": effect, "effort": effort, "weight": weight, "source": source}


def operations_steps(watermelon: pd.DataFrame | None = None, sla: pd.DataFrame | None = None,
                     too_quick: pd.DataFrame | None = None, hedging: pd.DataFrame | None = None) -> pd.DataFrame:
    """Steps from :mod:`toolkit.ops` results: watermelon teams, the SLA laggard, fast solves that came back, hedging.

    Frames as :class:`~toolkit.report.sections.Operations` holds them (``watermelon(by=...)``,
    ``sla_attainment``, ``too_quick``, ``hedging_summary(by="author")``). Agents are never named:
    the hedging step counts them.
    """
    rows = []
    if _usable(watermelon, "segment", "flag", "csat", "reopen_rate"):
        flagged = _flag(watermelon, "flag")
        others = watermelon[~flagged & ~_flag(watermelon, "small_sample")]
        for team in watermelon[flagged].itertuples():
            if others["csat"].notna().sum() == 0 or pd.isna(team.csat):
                continue
            target = float(others["csat"].median())
            reopens = float(others["reopen_rate"].median())
            rows.append(_step(
                f"Hold {team.segment} to resolution, not speed: show its CSAT and reopens next to its SLA every "
                "week, and review each reopened ticket with the team lead.",
                f"{team.segment} looks green but feels red (a watermelon team)", anchors.WATERMELON,
                f"Team lead, {team.segment}", f"CSAT of {team.segment}", "share", "at_least", team.csat, target,
                f"{team.segment}'s customers as satisfied as the other teams' (median {fmt.percent(target)}); its "
                f"reopens ({fmt.percent(team.reopen_rate)}) down towards theirs ({fmt.percent(reopens)}).",
                "medium", FIRST, 0.95, "watermelon"))
    if _usable(sla, "segment", "within_target", "tickets_replied", "sla_attainment"):
        usable = sla[~_flag(sla, "small_sample") & (sla["tickets_replied"] > 0)]
        if len(usable) > 1:
            worst = usable.sort_values("sla_attainment", kind="stable").iloc[0]
            rest = usable.drop(index=worst.name)
            target = float(rest["within_target"].sum() / rest["tickets_replied"].sum())
            if target - worst["sla_attainment"] >= 0.03:
                more = (target - worst["sla_attainment"]) * worst["tickets_replied"]
                rows.append(_step(
                    f"Rebalance first-reply cover in {worst['segment']} for its busiest hours, so its first replies "
                    "meet the target as often as the other teams'.",
                    f"{worst['segment']} meets the first-reply target least often "
                    f"({fmt.percent(worst['sla_attainment'])})", anchors.TIMES,
                    f"Workforce planner with the {worst['segment']} team lead",
                    f"First-reply SLA attainment, {worst['segment']}", "share", "at_least",
                    worst["sla_attainment"], target,
                    f"About {fmt.count(more)} more first replies within target over a period like this one.",
                    "medium", SECOND, 0.65, "sla"))
    if _usable(too_quick, "fast", "fast_came_back", "solved", "came_back_rate_other"):
        fast, came = float(too_quick["fast"].sum()), float(too_quick["fast_came_back"].sum())
        others = too_quick["solved"] - too_quick["fast"]
        other_back = float((too_quick["came_back_rate_other"] * others).sum())
        if fast >= MIN_FAST and others.sum() > 0:
            rate, rest = came / fast, other_back / float(others.sum())
            if rest > 0 and rate >= 1.5 * rest:
                rows.append(_step(
                    "Confirm the fix before solving: on a ticket solved very fast, ask the customer to confirm or "
                    "check back after two days before closing it.",
                    f"{fmt.percent(rate)} of very fast solves came back, against {fmt.percent(rest)} of the others",
                    anchors.CONVERSATIONS, "Quality lead", "Very fast solves that came back", "share", "at_most",
                    rate, rest, f"About {fmt.count(fast * (rate - rest))} fewer tickets coming back over a period "
                                "like this one.", "low", FIRST, 0.7, "reopens"))
    if _usable(hedging, "segment", "hedged_share", "replies"):
        reliable = hedging[~_flag(hedging, "small_sample")]
        heavy = reliable[reliable["hedged_share"] > HEDGE_LIMIT]
        rest = reliable[reliable["hedged_share"] <= HEDGE_LIMIT]
        if len(heavy) and rest["replies"].sum() > 0:
            share = float((heavy["hedged_share"] * heavy["replies"]).sum() / heavy["replies"].sum())
            target = float((rest["hedged_share"] * rest["replies"]).sum() / rest["replies"].sum())
            n = len(heavy)
            who = f"the {n} agents who hedge" if n != 1 else "the agent who hedges"
            whose = f"these {n} agents" if n != 1 else "this agent"
            rows.append(_step(
                f"Coach {who} in more than 40% of their replies to say what was checked and done (\"I have reset "
                "your sync; your files now show\") instead of \"this should be fixed\"; put certain wording in the "
                "reply templates.",
                f"{n} agent{'s' if n != 1 else ''} hedge{'s' if n == 1 else ''} in more than 40% of their replies",
                anchors.HEDGING, "Quality lead", f"Hedged replies of {whose}",
                "share", "at_most", share, target,
                f"Customers told plainly whether their problem is solved, as the other agents' customers are "
                f"({fmt.percent(target)} of their replies hedge).", "low", FIRST, 0.6, "hedging"))
    return _frame(rows)


def survey_steps(drivers: pd.DataFrame | None = None, response_rates: pd.DataFrame | None = None,
                 nonresponse: pd.DataFrame | None = None, early: pd.DataFrame | None = None) -> pd.DataFrame:
    """Steps from :mod:`toolkit.survey` results: the strongest driver of dissatisfaction, non-response bias,
    and each team that surveys too soon (:func:`toolkit.survey.early_surveys`).

    The response rate is taken from the counts (``responded`` / ``invited``), so the step does not
    depend on the unit the rate column is kept in.
    """
    rows = []
    if _usable(early, "segment", "too_soon", "reopened_after_survey_share", "median_delay_minutes"):
        for team in early[_flag(early, "too_soon")].itertuples():
            delay = fmt.duration(team.median_delay_minutes)
            rows.append(_step(
                f"Send {team.segment}'s satisfaction survey once the customer can know whether the fix held (a day "
                f"after the solve, or when the ticket has stayed solved), not {delay} after it.",
                f"{team.segment} surveys too soon: {fmt.percent(team.reopened_after_survey_share)} of its reopened "
                "surveyed tickets were reopened after the survey", anchors.SURVEY_TIMING,
                f"Customer-experience lead with the team lead, {team.segment}",
                f"Reopened surveyed tickets of {team.segment} reopened after the survey", "share", "at_most",
                team.reopened_after_survey_share, 0.5,
                "CSAT that counts only the fixes that held, comparable with the other teams'.", "low", FIRST, 0.6,
                "survey timing"))
    if _usable(drivers, "label", "odds_ratio", "significant"):
        harmful = drivers[_flag(drivers, "significant") & (drivers["odds_ratio"] > 1)]
        if len(harmful):
            top = harmful.sort_values("odds_ratio", ascending=False, kind="stable").iloc[0]
            rows.append(_step(
                f"Work on what goes most with dissatisfaction, {top['label']}: review a sample of these tickets "
                "every month with the team leads and remove the causes you find.",
                f"{str(top['label'])[:1].upper()}{str(top['label'])[1:]} have {fmt.ratio(top['odds_ratio'])} times "
                "the odds of a dissatisfied rating", anchors.DRIVERS, "Customer-experience lead",
                f"Odds of a dissatisfied rating, {top['label']} against other tickets", "ratio", "at_most",
                top["odds_ratio"], 1.0, f"{str(top['label'])[:1].upper()}{str(top['label'])[1:]} rated like any "
                                        "other ticket.", "medium", SECOND, 0.6, "driver"))
    if _usable(response_rates, "survey", "invited", "responded") and _usable(nonresponse, "significant"):
        csat = response_rates[(response_rates["survey"] == "csat") & (response_rates["invited"] > 0)]
        differences = int(_flag(nonresponse, "significant").sum())
        if len(csat) and differences:
            rate = float(csat["responded"].iloc[0] / csat["invited"].iloc[0])
            rows.append(_step(
                "Make the satisfaction survey reach the unhappy too: invite on every solved ticket, reopened ones "
                "included, send one reminder, and check each quarter who answers.",
                f"Customers who answer the survey differ from those who do not ({differences} clear "
                f"difference{'s' if differences != 1 else ''})", anchors.RESPONSE, "Customer-experience lead",
                "CSAT response rate", "share", "at_least", rate, min(rate + 0.05, 1.0),
                "Scores that speak for more of the customers, the dissatisfied among them.", "low", SECOND, 0.55,
                "response"))
    return _frame(rows)


def problem_steps(clusters: pd.DataFrame | None, top: int = 3) -> pd.DataFrame:
    """Steps from duplicate clusters (the finder's ``clusters_``, ranked by impact): one per problem to fix upstream.

    The ``top`` highest-impact problems that still produce tickets, and every notable emerging one
    (:func:`toolkit.report.findings.notable_emerging`); one
    step per bug key (two clusters under one key are one problem for engineering, the higher-impact
    one speaks for both).
    """
    rows: list[dict] = []
    if not _usable(clusters, "name", "tickets", "customers", "recent_tickets"):
        return _frame(rows)
    live = clusters[clusters["recent_tickets"] >= MIN_RECENT]
    if "cluster_id" in live.columns:
        live = live[live["cluster_id"] >= 0]
    if "kind" in live.columns:
        live = live[live["kind"] == "problem"]
    emerging = notable_emerging(live)
    seen: set[str] = set()
    ranked = 0
    for c in live.assign(is_new=emerging).itertuples():
        keys = [str(k) for k in (getattr(c, "bug_keys", None) or []) if not str(k).startswith("#")]
        if (keys and keys[0] in seen) or not (c.is_new or ranked < top):
            continue
        seen.update(keys[:1])
        new = bool(c.is_new)
        ranked += not new
        ask = (f"Take “{c.name}” to engineering under {', '.join(keys)}" if keys
               else f"Open a bug for “{c.name}”")
        rows.append(_step(
            f"{ask} with its {fmt.count(c.tickets)} tickets from {fmt.count(c.customers)} customers as evidence; "
            "agree a fix date, and publish a workaround article until then.",
            f"{'Emerging' if new else 'Recurring'} problem “{c.name}”: {fmt.count(c.tickets)} tickets",
            anchors.UPSTREAM, "Head of support with the engineering lead",
            f"Tickets about “{c.name}” in four weeks", "tickets", "at_most", c.recent_tickets, 0.0,
            f"About {fmt.count(c.recent_tickets)} fewer tickets every four weeks once fixed.", "medium", FIRST,
            0.92 if new else 0.9, "problem"))
    return _frame(rows)


def claim_steps(evidence: pd.DataFrame | None, checks: pd.DataFrame | None,
                owners: pd.Series | None = None) -> pd.DataFrame:
    """Steps from interview claims the data contradicts (``evaluate_evidence``), with the failing check as KPI.

    ``checks`` is ``evidence_checks`` output (value and threshold of every check); ``owners`` maps a
    dimension id to its owner (the model's ``dimensions`` owner column). Claims nobody made and the
    watermelon claim (answered by the watermelon step) get no step.
    """
    rows: list[dict] = []
    if not (_usable(evidence, "claim_id", "verdict", "claim", "claimed_by")
            and _usable(checks, "claim_id", "measure", "value", "threshold", "passes", "unit", "direction")):
        return _frame(rows)
    contradicted = evidence[(evidence["verdict"] == "contradicted") & (evidence["claimed_by"].fillna("") != "")]
    for claim in contradicted.itertuples():
        failing = checks[(checks["claim_id"] == claim.claim_id) & (checks["passes"] == False)]  # noqa: E712 (NA)
        if failing.empty or (failing["indicator"] == "watermelon_teams").all():
            continue
        check = failing.iloc[0]
        unit = {"share": "share", "points": "points", "replies": "replies", "teams": "teams", "days": "days"}.get(
            check["unit"], "number")
        owner = owners.get(claim.dimension_id, "Head of support") if owners is not None else "Head of support"
        rows.append(_step(
            f"Put {check['measure']} on the management dashboard and review it monthly, so that the belief "
            f"\"{claim.claim}\" is checked against the numbers.",
            f"The data does not support \"{claim.claim}\"", anchors.CLAIMS, owner,
            f"{str(check['measure'])[:1].upper()}{str(check['measure'])[1:]}", unit, check["direction"],
            check["value"], check["threshold"], f"A claim managers can make with the numbers behind it: "
                                                f"\"{claim.claim}\".", "low", FIRST, 0.8, "claim"))
    return _frame(rows)


def disagreement_steps(disagreements: pd.DataFrame | None) -> pd.DataFrame:
    """A step for the largest flagged management/frontline disagreement (``disagreements`` output)."""
    rows: list[dict] = []
    if not _usable(disagreements, "dimension", "flagged", "score_a", "score_b", "difference", "threshold"):
        return _frame(rows)
    flagged = disagreements[_flag(disagreements, "flagged")]
    if len(flagged):
        top = flagged.loc[flagged["difference"].abs().sort_values(ascending=False, kind="stable").index[0]]
        rows.append(_step(
            f"Bring managers and the frontline together on {top['dimension']}: walk through real tickets to agree "
            "how it works today, before acting on its roadmap steps.",
            f"Management and frontline disagree most on {top['dimension']} ({fmt.level(top['score_a'])} vs "
            f"{fmt.level(top['score_b'])})", anchors.DISAGREEMENT, "Head of support",
            f"Difference between management and frontline on {top['dimension']}", "levels", "at_most",
            abs(top["difference"]), top["threshold"],
            "One shared picture of how the work is done, so the steps that follow fix the real practice.", "low",
            FIRST, 0.78, "disagreement"))
    return _frame(rows)


def gap_steps(roadmap: pd.DataFrame | None) -> pd.DataFrame:
    """The maturity roadmap's steps (:func:`toolkit.maturity.build_roadmap`) in the report's step shape."""
    rows: list[dict] = []
    if not _usable(roadmap, "recommendation", "dimension", "question_id", "dimension_gap", "target", "phase"):
        return _frame(rows)
    for r in roadmap.itertuples():
        score = r.target - r.dimension_gap
        rows.append(_step(
            r.recommendation,
            f"Gap in {r.dimension}: {fmt.level(score)} against a target of {fmt.level(r.target)} (question "
            f"{r.question_id}, level {r.from_level} to {r.to_level})", anchors.MATURITY,
            getattr(r, "owner", "Head of support"), f"{r.dimension} maturity level", "level", "at_least", score,
            r.target, f"Closes {fmt.level(r.gap_closed)} of the {fmt.level(r.dimension_gap)}-level gap in "
                      f"{r.dimension}.", r.effort, r.phase, 0.5, "gap"))
    return _frame(rows)


def report_roadmap(*steps: pd.DataFrame) -> pd.DataFrame:
    """All steps in one roadmap: by phase, then weight (heaviest first), then given order; ``priority`` 1..n."""
    frames = [s for s in steps if s is not None and len(s)]
    if not frames:
        return pd.DataFrame(columns=STEP_COLUMNS)
    combined = pd.concat(frames, ignore_index=True)
    rank = combined["phase"].map({p: i for i, p in enumerate(PHASES)}).fillna(len(PHASES))
    combined = combined.assign(_rank=rank).sort_values(["_rank", "weight"], ascending=[True, False], kind="stable")
    combined.insert(0, "priority", range(1, len(combined) + 1))
    return combined[STEP_COLUMNS].reset_index(drop=True)


def kpi_value(value: float, unit: str) -> str:
    """A KPI value in its unit: ``51%`` (share), ``2.3`` (level), ``3.0 levels``, ``12 tickets``, ``5.7`` (ratio)."""
    if fmt.is_missing(value):
        return fmt.MISSING
    if unit == "share":
        return fmt.percent(value)
    if unit == "level":
        return fmt.level(value)
    if unit == "ratio":
        return fmt.ratio(value)
    if unit == "points":
        return f"{fmt.points(value)} points"
    if unit in ("levels", "replies", "days", "teams", "tickets"):
        one = {"levels": "level", "replies": "reply", "days": "day", "teams": "team", "tickets": "ticket"}[unit]
        shown = fmt.level(value) if unit == "levels" else fmt.number(value, 0 if float(value).is_integer() else 1)
        return f"{shown} {one if value == 1 else unit}"
    return fmt.number(value, 2)


def kpi_text(step) -> str:
    """``CSAT of Rapid Response: 51% today, target at least 84%`` (``target zero`` for an at-most-zero target)."""
    if step.direction == "at_most" and step.target == 0:
        return f"{step.kpi}: {kpi_value(step.current, step.unit)} today, target zero"
    bound = "at most" if step.direction == "at_most" else "at least"
    return f"{step.kpi}: {kpi_value(step.current, step.unit)} today, target {bound} {kpi_value(step.target, step.unit)}"


def _link(step, *, redact_pii: bool) -> str:
    return (f'<a href="#{html.escape(anchors.anchor(step.section), quote=True)}">'
            f"{safe_text(step.answers, redact_pii=redact_pii)}</a>")


def roadmap_html(roadmap: pd.DataFrame, *, redact_pii: bool = True) -> Html:
    """The whole roadmap, one table per phase (no step left out); each step links to what it answers."""
    if roadmap is None or not len(roadmap):
        return Html('<div class="callout">No roadmap steps: the data showed no finding or gap to act on.</div>')
    heads = ("#", "Step", "Answers", "Owner", "KPI to watch", "Expected effect", "Effort")
    parts = []
    for phase, steps in roadmap.groupby("phase", sort=False):
        body = "".join(
            "<tr>"
            f'<td class="nowrap num">{s.priority}</td>'
            f'<td class="wordy">{safe_text(s.action, redact_pii=redact_pii)}</td>'
            f'<td class="wordy">{_link(s, redact_pii=redact_pii)}</td>'
            f"<td>{safe_text(s.owner, redact_pii=False)}</td>"
            f'<td class="wordy">{safe_text(kpi_text(s), redact_pii=redact_pii)}</td>'
            f'<td class="wordy">{safe_text(s.effect, redact_pii=redact_pii)}</td>'
            f'<td class="nowrap">{safe_text(s.effort, redact_pii=False)}</td>'
            "</tr>" for s in steps.itertuples())
        head = "".join(f'<th scope="col">{h}</th>' for h in heads)
        n = len(steps)
        caption = f"{phase[:1].upper()}{phase[1:]}: {n} step{'s' if n != 1 else ''}"
        parts.append(f'<div class="table-wrap"><table class="report-table roadmap">'
                     f"<caption>{safe_text(caption, redact_pii=False)}</caption>"
                     f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>")
    return Html("".join(parts))


def top_recommendations(roadmap: pd.DataFrame, n: int = 3) -> pd.DataFrame:
    """The ``n`` first steps of the roadmap, one per kind of finding (``source``), so that three upstream
    problems do not crowd out the watermelon team; the priority order puts the heaviest first-phase steps first."""
    if roadmap is None or not len(roadmap):
        return pd.DataFrame(columns=STEP_COLUMNS)
    ordered = roadmap.sort_values("priority", kind="stable")
    return ordered.drop_duplicates("source").head(n).reset_index(drop=True)


def recommendations_html(roadmap: pd.DataFrame, n: int = 3, *, redact_pii: bool = True) -> Html:
    """The executive summary's closing list: the top ``n`` steps, each with its owner and KPI, linked to what it
    answers."""
    top = top_recommendations(roadmap, n)
    if not len(top):
        return Html("")
    items = "".join(f"<li><strong>{safe_text(s.action, redact_pii=redact_pii)}</strong><br>"
                    f"<span class=\"step-meta\">Owner: "
                    f"{safe_text(s.owner, redact_pii=False)}. {safe_text(kpi_text(s), redact_pii=redact_pii)}. "
                    f"Answers: {_link(s, redact_pii=redact_pii)}.</span></li>" for s in top.itertuples())
    link = f'<a href="#{anchors.anchor(anchors.ROADMAP)}">the whole roadmap</a>'
    return Html(f'<h3 class="recommendations">What we recommend first</h3><ol class="recommendations">{items}</ol>'
                f"<p>The {len(roadmap)} steps, grouped by phase, are in {link}.</p>")
