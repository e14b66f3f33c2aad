"""Re-assessment: what changed since the last engagement, read from two results bundles.

A consultant who returns is asked "did it work?". :func:`compare_bundles` answers from
the earlier engagement's bundle and the current one, with the same definitions:

- **Scores**: NPS (points, the two-sample test of :func:`~toolkit.survey.scores.nps_difference_from_counts`),
  CSAT and CES (share favourable, :func:`~toolkit.survey.scores.proportion_difference`).
- **Operations**: organisation-wide reopen, one-touch, long-conversation, hedged-reply,
  incomplete-chat and SLA-attainment shares, each from the counts behind the report's
  tables (rate x its denominator), compared with the same two-proportion test.
- All score and operations tests form one family: p-values are Holm-adjusted and a change
  is called significant when the adjusted p-value is below ``alpha`` (0.05).
- **Watermelon teams**: flagged before and now.
- **Maturity** per dimension; when the model version differs, only questions whose text and
  level descriptors are unchanged (same fingerprint) are compared, and a note says so.
- **Roadmap**: each step of the earlier roadmap that closed a maturity gap is done when the
  question's new score reaches the step's level; each that answered a finding is done when the
  finding is gone (see :func:`_roadmap_status`).
- **Upstream problems**: the problems each report listed (its ten most impactful clusters)
  are matched against all clusters of the other engagement by a shared bug key, else by the
  cosine similarity of their top terms (TF-IDF, at least ``similarity``). An earlier problem
  without a match is *resolved*, a current one without a match (listed, or citing a bug key
  never seen before) *new*, the others *still open*
  (:func:`match_problems`).

A definition that differs between the two runs (SLA targets, time zone, how a file was
read, clustering representation, toolkit version) is stated in ``notes``; a measure whose
definition changed (SLA attainment under new targets) is not compared.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from toolkit.report.bundle import Bundle, read_bundle
from toolkit.report.text import Html, safe_text, table

MEASURE_COLUMNS = ["area", "measure", "label", "unit", "before", "after", "change", "low", "high", "p_value",
                   "p_adjusted", "significant", "direction", "n_before", "n_after"]
# measure -> (label, table, rate column, denominator column, higher is better)
OPERATIONS = {
    "reopen_rate": ("Reopened tickets", "ops_conversations", "reopen_rate", "solved", False),
    "one_touch_rate": ("Solved in one touch", "ops_conversations", "one_touch_rate", "solved", True),
    "long_conversation_rate": ("Long conversations", "ops_conversations", "long_conversation_rate", "tickets", False),
    "hedged_share": ("Agent replies that hedge", "ops_hedging", "hedged_share", "replies", False),
    "incomplete_rate": ("Chats left before a resolution", "ops_incomplete", "incomplete_rate", "finished", False),
    "sla_attainment": ("First replies within SLA", "ops_sla", "sla_attainment", "tickets_replied", True),
}
SURVEYS = {"nps": "NPS", "csat": "CSAT (share satisfied)", "ces": "CES (share finding it easy)"}


@dataclass
class Reassessment:
    """The comparison of an engagement with an earlier one (see the module docstring for each frame)."""

    before: str  # the earlier engagement's period, in words
    after: str
    alpha: float
    measures: pd.DataFrame
    watermelon: pd.DataFrame
    maturity: pd.DataFrame
    roadmap: pd.DataFrame
    problems: pd.DataFrame
    notes: list[str] = field(default_factory=list)


def reassess(current: Bundle, baseline: str | Path | None, **options) -> Reassessment | None:
    """:func:`compare_bundles` with the bundle at ``baseline``; None when no baseline is given."""
    if not baseline:
        return None
    return compare_bundles(read_bundle(baseline), current, **options)


def compare_bundles(baseline: Bundle, current: Bundle, *, alpha: float = 0.05, similarity: float = 0.5,
                    min_tickets: int = 30) -> Reassessment:
    """Compare ``current`` with the earlier ``baseline`` (see the module docstring)."""
    notes = _definition_notes(baseline.manifest, current.manifest)
    sla_changed = baseline.manifest["definitions"]["sla_targets"] != current.manifest["definitions"]["sla_targets"]
    measures = pd.concat([_survey_changes(baseline, current), _ops_changes(baseline, current, skip_sla=sla_changed)],
                         ignore_index=True)
    if len(measures):
        from toolkit.survey.segments import adjust_p_values

        measures["p_adjusted"] = adjust_p_values(measures["p_value"].to_numpy(), "holm", alpha)
        measures["significant"] = measures["p_adjusted"] < alpha
        better = np.where(measures.pop("_higher_better"), measures["change"] > 0, measures["change"] < 0)
        measures["direction"] = np.where(~measures["significant"], "no clear change",
                                         np.where(better, "better", "worse"))
    maturity, maturity_notes = _maturity_changes(baseline, current)
    watermelon = _watermelon_changes(baseline, current)
    problems = match_problems(baseline.table("problem_clusters"), current.table("problem_clusters"),
                              similarity=similarity, min_tickets=min_tickets)
    return Reassessment(
        before=baseline.manifest["period"]["label"], after=current.manifest["period"]["label"], alpha=alpha,
        measures=measures.reindex(columns=MEASURE_COLUMNS),
        watermelon=watermelon,
        maturity=maturity,
        roadmap=_roadmap_status(baseline, current, watermelon, problems),
        problems=problems,
        notes=notes + maturity_notes,
    )


def _definition_notes(before: dict, after: dict) -> list[str]:
    notes = []
    if before["toolkit_version"] != after["toolkit_version"]:
        notes.append(f"The earlier report was computed with toolkit version {before['toolkit_version']}, this one "
                     f"with {after['toolkit_version']}; the definitions compared are those of this version.")
    b, a = before["definitions"], after["definitions"]
    if b["sla_targets"] != a["sla_targets"]:
        notes.append("The SLA targets changed (before: " + _targets(b["sla_targets"]) + "; now: "
                     + _targets(a["sla_targets"]) + "), so SLA attainment is not compared.")
    if b["timezone"] != a["timezone"]:
        notes.append(f"Dates were read in {b['timezone']} before and in {a['timezone']} now.")
    for name in sorted(set(b["sources"]) & set(a["sources"])):
        if b["sources"][name] != a["sources"][name]:
            notes.append(f"The {name.replace('_', ' ')} file was read differently: before {b['sources'][name]!r}, "
                         f"now {a['sources'][name]!r}.")
    rep_b, rep_a = before["models"]["duplicates_representation"], after["models"]["duplicates_representation"]
    if rep_b != rep_a:
        notes.append(f"Ticket text was compared by {rep_b} before and by {rep_a} now; problems are matched by bug "
                     "key and top terms, which both runs have.")
    return notes


def _targets(targets: dict) -> str:
    return ", ".join(f"{k} {v:g} min" for k, v in targets.items())


def _row(area, measure, label, unit, before, after, result, n_before, n_after, higher_better) -> dict:
    return {"area": area, "measure": measure, "label": label, "unit": unit, "before": before, "after": after,
            "change": after - before, "low": result["low"], "high": result["high"], "p_value": result["p_value"],
            "n_before": int(n_before), "n_after": int(n_after), "_higher_better": higher_better}


def _survey_changes(baseline: Bundle, current: Bundle) -> pd.DataFrame:
    from toolkit.survey.scores import nps_difference_from_counts, proportion_difference

    before, after = baseline.table("survey_summary"), current.table("survey_summary")
    rows = []
    if before is None or after is None:
        return pd.DataFrame(rows)
    b, a = before.set_index("survey"), after.set_index("survey")
    for survey, label in SURVEYS.items():
        if survey not in b.index or survey not in a.index:
            continue
        rb, ra = b.loc[survey], a.loc[survey]
        if survey == "nps":
            counts = [(r["unfavourable"], r["n"] - r["favourable"] - r["unfavourable"], r["favourable"])
                      for r in (ra, rb)]
            result = nps_difference_from_counts(*counts).iloc[0]
            rows.append(_row("Customer experience", survey, label, "points", result["score_b"], result["score_a"],
                             result, rb["n"], ra["n"], True))
            rows[-1]["change"] = result["difference"]
        else:
            result = _in_shares(proportion_difference(ra["favourable"], ra["n"], rb["favourable"], rb["n"]))
            rows.append(_row("Customer experience", survey, label, "share", rb["favourable"] / rb["n"],
                             ra["favourable"] / ra["n"], result, rb["n"], ra["n"], True))
    return pd.DataFrame(rows)


def _in_shares(result: pd.DataFrame) -> dict:
    """The interval and p-value of a one-row :func:`~toolkit.survey.scores.proportion_difference` (fractions)."""
    r = result.iloc[0]
    return {"low": r["low"], "high": r["high"], "p_value": r["p_value"]}


def _pooled(bundle: Bundle, table: str, rate: str, denominator: str) -> tuple[float, float] | None:
    """(events, denominator) over the whole organisation, from a per-segment table."""
    frame = bundle.table(table)
    if frame is None or rate not in frame.columns or denominator not in frame.columns:
        return None
    usable = frame[frame[rate].notna()]
    n = usable[denominator].sum()
    return float((usable[rate] * usable[denominator]).round().sum()), float(n)


def _ops_changes(baseline: Bundle, current: Bundle, *, skip_sla: bool) -> pd.DataFrame:
    from toolkit.survey.scores import proportion_difference

    rows = []
    for measure, (label, source, rate, denominator, higher_better) in OPERATIONS.items():
        if skip_sla and measure == "sla_attainment":
            continue
        before, after = _pooled(baseline, source, rate, denominator), _pooled(current, source, rate, denominator)
        if before is None or after is None or not before[1] or not after[1]:
            continue
        result = _in_shares(proportion_difference(after[0], after[1], before[0], before[1]))
        rows.append(_row("Operations", measure, label, "share", before[0] / before[1], after[0] / after[1], result,
                         before[1], after[1], higher_better))
    return pd.DataFrame(rows)


def _watermelon_changes(baseline: Bundle, current: Bundle) -> pd.DataFrame:
    """Teams flagged as watermelons before or now: team, before, after (bool), status."""
    columns = ["team", "before", "after", "status"]
    before, after = baseline.table("ops_watermelon"), current.table("ops_watermelon")
    if before is None or after is None:
        return pd.DataFrame(columns=columns)
    b = before.set_index("segment")["flag"].astype(bool)
    a = after.set_index("segment")["flag"].astype(bool)
    teams = [t for t in list(b.index) + [t for t in a.index if t not in b.index] if b.get(t, False) or a.get(t, False)]
    out = pd.DataFrame({"team": teams, "before": [bool(b.get(t, False)) for t in teams],
                        "after": [bool(a.get(t, False)) for t in teams]})
    out["status"] = np.select([out["before"] & ~out["after"], out["before"] & out["after"]],
                              ["no longer a watermelon", "still a watermelon"], "newly a watermelon")
    return out[columns]


def _maturity_changes(baseline: Bundle, current: Bundle) -> tuple[pd.DataFrame, list[str]]:
    """Per dimension: before, after, change, questions compared; and notes about the model versions."""
    columns = ["dimension_id", "dimension", "before", "after", "change", "questions"]
    qb, qa = baseline.table("maturity_questions"), current.table("maturity_questions")
    if qb is None or qa is None:
        return pd.DataFrame(columns=columns), []
    mb, ma = baseline.manifest["models"]["maturity"] or {}, current.manifest["models"]["maturity"] or {}
    notes = []
    same = mb == ma
    if not same:
        merged = qb.merge(qa, on="question_id", suffixes=("_b", "_a"))
        kept = set(merged.loc[merged["fingerprint_b"] == merged["fingerprint_a"], "question_id"])
        notes.append(f"The maturity model changed from {mb.get('id', '?')} version {mb.get('version', '?')} to "
                     f"{ma.get('id', '?')} version {ma.get('version', '?')}: only the {len(kept)} questions "
                     f"unchanged between the two (of {len(qa)} now) are compared.")
        qb, qa = qb[qb["question_id"].isin(kept)], qa[qa["question_id"].isin(kept)]

    def by_dimension(q: pd.DataFrame) -> pd.DataFrame:
        scored = q[q["score"].notna()]
        weighted = (scored["score"] * scored["weight"]).groupby(scored["dimension_id"], sort=False).sum()
        weights = scored.groupby("dimension_id", sort=False)["weight"].sum()
        return pd.DataFrame({"score": weighted / weights, "questions": scored.groupby("dimension_id").size()})

    b, a = by_dimension(qb), by_dimension(qa)
    names = qa.drop_duplicates("dimension_id").set_index("dimension_id")["dimension"]
    dims = [d for d in names.index if d in b.index and d in a.index]
    out = pd.DataFrame({"dimension_id": dims, "dimension": names.reindex(dims).to_numpy(),
                        "before": b["score"].reindex(dims).to_numpy(), "after": a["score"].reindex(dims).to_numpy()})
    out["change"] = out["after"] - out["before"]
    out["questions"] = a["questions"].reindex(dims).astype("int64").to_numpy()
    return out[columns], notes


ROADMAP_COLUMNS = ["priority", "phase", "answers", "dimension", "question_id", "recommendation", "to_level",
                   "score_now", "status"]


def _roadmap_status(baseline: Bundle, current: Bundle, watermelon: pd.DataFrame,
                    problems: pd.DataFrame) -> pd.DataFrame:
    """The earlier roadmap's steps, those answering findings first, then those closing maturity gaps.

    A gap step is done when the question's score now reaches the step's level. A finding step is
    done when its finding is gone: the team is no longer a watermelon, the problem is resolved
    (:func:`match_problems`), or the step's measure now meets its target; a finding the new
    engagement no longer raises, with no measure to show it, is "no longer raised".
    """
    parts = [_finding_steps_status(baseline, current, watermelon, problems), _gap_steps_status(baseline, current)]
    out = pd.concat([p for p in parts if len(p)], ignore_index=True) if any(len(p) for p in parts) else \
        pd.DataFrame(columns=ROADMAP_COLUMNS)
    out["priority"] = np.arange(1, len(out) + 1)
    return out.reindex(columns=ROADMAP_COLUMNS).astype({"score_now": "float64"})


def _gap_steps_status(baseline: Bundle, current: Bundle) -> pd.DataFrame:
    roadmap, questions = baseline.table("roadmap"), current.table("maturity_questions")
    if roadmap is None or questions is None:
        return pd.DataFrame(columns=ROADMAP_COLUMNS)
    now = questions.set_index("question_id")["score"]
    out = roadmap.assign(score_now=roadmap["question_id"].map(now).astype("float64"),
                         answers="Gap in " + roadmap["dimension"].astype("str"))
    out["status"] = np.select([out["score_now"].isna(), out["score_now"] >= out["to_level"]],
                              ["not assessed", "done"], "not done")
    return out.reindex(columns=ROADMAP_COLUMNS).reset_index(drop=True)


def _finding_steps_status(baseline: Bundle, current: Bundle, watermelon: pd.DataFrame,
                          problems: pd.DataFrame) -> pd.DataFrame:
    steps, now_steps = baseline.table("roadmap_steps"), current.table("roadmap_steps")
    if steps is None or "source" not in steps.columns:
        return pd.DataFrame(columns=ROADMAP_COLUMNS)
    steps = steps[steps["source"] != "gap"].sort_values("priority", kind="stable")
    measured = {} if now_steps is None else now_steps.drop_duplicates("kpi").set_index("kpi")["current"].to_dict()
    resolved = set(problems.loc[problems["status"] == "resolved", "problem"]) if len(problems) else set()
    healed = set(watermelon.loc[watermelon["status"] == "no longer a watermelon", "team"]) if len(watermelon) else set()
    rows = []
    for step in steps.itertuples(index=False):
        now = measured.get(step.kpi, np.nan)
        quoted = re.search(r"“(.+?)”", str(step.answers))
        if step.source == "watermelon":
            status = "done" if any(team in str(step.answers) for team in healed) else "not done"
        elif step.source == "problem" and quoted and quoted.group(1) in resolved:
            status, now = "done", 0.0
        elif pd.isna(now):
            status = "not done" if step.source == "problem" else "no longer raised"
        else:
            met = now <= step.target if step.direction == "at_most" else now >= step.target
            status = "done" if met else "not done"
        rows.append({"phase": step.phase, "answers": step.answers, "recommendation": step.action,
                     "score_now": now, "status": status})
    return pd.DataFrame(rows, columns=ROADMAP_COLUMNS)


def match_problems(before: pd.DataFrame | None, after: pd.DataFrame | None, *, similarity: float = 0.5,
                   min_tickets: int = 30, top: int = 10) -> pd.DataFrame:
    """Upstream problems resolved, still open and new, from two :func:`~toolkit.report.sections.cluster_table` frames.

    Both frames are in impact order; the problems compared are the ``top`` of each (the ones each
    report listed). Clusters below ``min_tickets`` are ignored. Two clusters are the same problem
    when they share a bug key, or when the cosine similarity of their top terms (TF-IDF fitted on
    both) is at least ``similarity`` (half of it when neither has a bug key: words are then its only
    identity, and a listed problem is called resolved only when they are gone); a problem may continue
    as several clusters, so matching is
    not one-to-one. A listed earlier problem that matches no current cluster is *resolved*; a
    current problem that matches no earlier cluster is *new* when it is listed or cites a bug key
    the earlier engagement never saw.

    Returns
    -------
    DataFrame: status (resolved, new, still open), problem (the current name when matched),
    tickets_before, tickets_after, bug_keys (comma-separated), matched_by (bug key, similar terms,
    some shared terms, or empty), similarity (of the best match).
    """
    columns = ["status", "problem", "tickets_before", "tickets_after", "bug_keys", "matched_by", "similarity"]
    if before is None or after is None:
        return pd.DataFrame(columns=columns)
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics.pairwise import cosine_similarity

    b = before[before["tickets"] >= min_tickets].reset_index(drop=True)
    a = after[after["tickets"] >= min_tickets].reset_index(drop=True)
    if not len(b) or not len(a):
        return pd.DataFrame(columns=columns)
    vectors = TfidfVectorizer().fit(pd.concat([b["terms"], a["terms"]]))
    sim = cosine_similarity(vectors.transform(b["terms"]), vectors.transform(a["terms"]))
    keys_b, keys_a = [set(k) for k in b["bug_keys"]], [set(k) for k in a["bug_keys"]]
    shared = np.array([[bool(kb & ka) for ka in keys_a] for kb in keys_b], dtype=bool)
    # Without a bug key on either side the words are a problem's only identity, and a cluster's top terms
    # move when its tickets are worded differently from one year to the next: half the similarity is
    # enough there, so that a problem is called resolved only when its words are really gone.
    unkeyed = np.array([[not kb and not ka for ka in keys_a] for kb in keys_b], dtype=bool)
    weak = unkeyed & (sim >= similarity / 2) & (sim < similarity)
    match = shared | (sim >= similarity) | weak
    strength = np.where(match, 2 * shared + sim, -1.0)  # a shared bug key outranks any similarity
    rows = []
    for i in range(min(top, len(b))):
        if not match[i].any():
            rows.append({"status": "resolved", "problem": b.at[i, "name"], "tickets_before": b.at[i, "tickets"],
                         "tickets_after": 0, "bug_keys": ", ".join(sorted(keys_b[i])), "matched_by": "",
                         "similarity": np.nan})
            continue
        j = int(np.argmax(strength[i]))
        rows.append({"status": "still open", "problem": a.at[j, "name"], "tickets_before": b.at[i, "tickets"],
                     "tickets_after": a.at[j, "tickets"], "bug_keys": ", ".join(sorted(keys_b[i] | keys_a[j])),
                     "matched_by": "bug key" if shared[i, j] else "some shared terms" if weak[i, j] else
                     "similar terms", "similarity": sim[i, j]})
    seen = set().union(*keys_b)
    candidates = [j for j in range(len(a)) if j < top or (keys_a[j] - seen)]
    rows += [{"status": "new", "problem": a.at[j, "name"], "tickets_before": 0, "tickets_after": a.at[j, "tickets"],
              "bug_keys": ", ".join(sorted(keys_a[j])), "matched_by": "", "similarity": np.nan}
             for j in candidates if not match[:, j].any()]
    order = {"resolved": 0, "new": 1, "still open": 2}
    out = pd.DataFrame(rows, columns=columns)
    # a new problem split into several clusters that cite the same bug key is one problem: keep its largest
    new_keyed = (out["status"] == "new") & (out["bug_keys"] != "")
    out = out[~(new_keyed & out.assign(t=-out["tickets_after"]).sort_values("t")
                .duplicated(["status", "bug_keys"]).reindex(out.index))]
    out = out.iloc[np.lexsort((-out["tickets_after"].to_numpy(), out["status"].map(order).to_numpy()))]
    return out.astype({"tickets_before": "int64", "tickets_after": "int64"}).reset_index(drop=True)


def reassessment_table(since: Reassessment | None) -> pd.DataFrame | None:
    """Every comparison in one long frame for the results bundle: area, item, before, after, change, low, high,
    p_adjusted, status."""
    if since is None:
        return None
    m = since.measures
    parts = [
        pd.DataFrame({"area": m["area"], "item": m["label"], "before": m["before"], "after": m["after"],
                      "change": m["change"], "low": m["low"], "high": m["high"], "p_adjusted": m["p_adjusted"],
                      "status": m["direction"]}),
        pd.DataFrame({"area": "Watermelon check", "item": since.watermelon["team"],
                      "status": since.watermelon["status"]}),
        pd.DataFrame({"area": "Maturity", "item": since.maturity["dimension"], "before": since.maturity["before"],
                      "after": since.maturity["after"], "change": since.maturity["change"]}),
        pd.DataFrame({"area": "Roadmap", "item": since.roadmap["recommendation"],
                      "after": since.roadmap["score_now"], "status": since.roadmap["status"]}),
        pd.DataFrame({"area": "Upstream problems", "item": since.problems["problem"],
                      "before": since.problems["tickets_before"].astype("float64"),
                      "after": since.problems["tickets_after"].astype("float64"), "status": since.problems["status"]}),
    ]
    columns = ["area", "item", "before", "after", "change", "low", "high", "p_adjusted", "status"]
    out = pd.concat([p.reindex(columns=columns) for p in parts if len(p)], ignore_index=True)
    return out.astype({c: "float64" for c in columns[2:8]}).astype({"area": "str", "item": "str", "status": "str"})


def reassessment_html(since: Reassessment | None, *, redact_pii: bool = True) -> Html | None:
    """The "Since the last assessment" section (heading, sentences, tables); None without a baseline."""
    if since is None:
        return None
    parts = ['<h2 id="Since-the-last-assessment">Since the last assessment</h2>',
             f"<p>This engagement ({html.escape(since.after)}) compared with the last one "
             f"({html.escape(since.before)}), with the same definitions. NPS changes are in NPS points, shares "
             "in percentage points (pts). A change is called better or worse only when it is statistically "
             f"supported at the {since.alpha:.0%} level after allowing for the number of comparisons made; "
             "the others may be chance.</p>"]
    if since.notes:
        parts.append('<div class="callout"><strong>Read with care.</strong> '
                     + " ".join(safe_text(n, redact_pii=False) for n in since.notes) + "</div>")
    m = since.measures
    if len(m):
        shown = m.assign(
            before=[_fmt(v, u) for v, u in zip(m["before"], m["unit"], strict=True)],
            after=[_fmt(v, u) for v, u in zip(m["after"], m["unit"], strict=True)],
            change=[_change(c, lo, hi, u) for c, lo, hi, u in zip(m["change"], m["low"], m["high"], m["unit"],
                                                                     strict=True)])
        parts.append("<h3>Scores and operations</h3>")
        parts.append(table(shown, columns={"label": "Measure", "before": "Before", "after": "Now",
                                           "change": "Change (95% interval)", "direction": "Verdict"},
                           max_rows=None, redact_pii=False))
    if len(since.watermelon):
        parts.append("<h3>Watermelon teams</h3>")
        parts.append(table(since.watermelon, columns={"team": "Team", "status": "Now"}, max_rows=None,
                           redact_pii=redact_pii))
    if len(since.maturity):
        parts.append("<h3>Maturity by dimension</h3>")
        parts.append(table(since.maturity, columns={"dimension": "Dimension", "before": "Before", "after": "Now",
                                                    "change": "Change"},
                           formats={"before": "level", "after": "level", "change": "level_difference"}, max_rows=None,
                           redact_pii=False))
    if len(since.roadmap):
        done = int((since.roadmap["status"] == "done").sum())
        parts.append(f"<h3>Roadmap: {done} of {len(since.roadmap)} steps done</h3>")
        parts.append(table(since.roadmap, columns={"priority": "#", "answers": "Answered",
                                                   "recommendation": "Recommendation", "status": "Status"},
                           max_rows=None, redact_pii=False))
    if len(since.problems):
        parts.append("<h3>Upstream problems</h3>")
        parts.append(table(since.problems, columns={"status": "Status", "problem": "Problem",
                                                    "tickets_before": "Tickets before", "tickets_after": "Tickets now",
                                                    "bug_keys": "Bug keys"},
                           formats={"tickets_before": "count", "tickets_after": "count"}, max_rows=None,
                           redact_pii=redact_pii))
    return Html("".join(parts))


def _fmt(value: float, unit: str) -> str:
    if pd.isna(value):
        return "–"
    return _signed(value, 0) if unit == "points" else f"{value:.0%}"


def _signed(value: float, digits: int) -> str:
    """``+5``, ``−3.5``, ``0.0``: a typographic minus, and no sign on a change that rounds to zero."""
    text = f"{abs(value):.{digits}f}"
    if float(text) == 0:
        return text
    return ("+" if value > 0 else "−") + text


def _change(change: float, low: float, high: float, unit: str) -> str:
    """A change with its interval, in NPS points or in percentage points for shares."""
    if pd.isna(change):
        return "–"
    if unit == "points":
        return f"{_signed(change, 0)} ({_signed(low, 0)} to {_signed(high, 0)})"
    return f"{_signed(100 * change, 1)} pts ({_signed(100 * low, 1)} to {_signed(100 * high, 1)})"
