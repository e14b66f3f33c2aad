"""The report's methodology section, written for the client: a glossary, how the numbers were tested, and what
was left out and why.

The glossary comes from :mod:`toolkit.vocabulary` (the one registry of what a client reads:
name, unit, one-line definition), so the report and ``docs/vocabulary.md`` cannot drift.
Docstrings speak to developers and are never quoted here (STYLE.md rule 5). What was
excluded is computed from the engagement: rejected and out-of-period rows, tickets in no
recurring problem, claims that could not be tested.
"""

from __future__ import annotations

import html

import pandas as pd

from toolkit import formatting as fmt
from toolkit.report.text import Html, safe_text
from toolkit.vocabulary import METRICS, UNITS

METHODS = (
    ("Confidence intervals",
     "Every score and rate comes with its 95% confidence interval: the range the true value lies in, given how "
     "many tickets or answers it rests on. A narrow interval means many answers; a wide one, few. Shares use the "
     "Wilson interval, which stays sensible near 0% and 100%; the NPS interval comes from the spread of the "
     "individual answers (promoter, passive, detractor)."),
    ("When a difference is called real",
     "A team, channel or period is said to differ from the rest only when a statistical test shows the "
     "difference is unlikely to be chance (p below 0.05). Because many groups are compared at once, the tests "
     "are corrected together (Holm's method), so a long list of teams does not produce a difference by luck. "
     "Differences the data cannot support are not reported as findings."),
    ("Small samples",
     "Groups with fewer than 30 tickets, answers or replies are shown with their numbers but never ranked, "
     "flagged or named in a finding: a rate from a handful of cases says little."),
    ("What goes with dissatisfaction",
     "One model of the chance of a dissatisfied rating considers the ticket's attributes together (team, "
     "channel, reopens, a breached SLA, waiting and resolution times, agent replies, hedged wording). An odds "
     "ratio of 2 means tickets with that attribute are "
     "twice as likely, in odds, to be rated badly, the other attributes being equal; an interval that includes 1 "
     "is not conclusive."),
    ("Recurring problems",
     "Tickets were grouped by what they describe, in different words, by comparing their subjects and "
     "descriptions. Each group is named after a subject line that at least three of its customers wrote (from "
     "more than one company where companies are known), otherwise after the words that set it apart. "
     "Groups are ranked by impact: tickets, customers affected, agent effort, reopens and "
     "satisfaction. A problem is emerging when its last four weeks bring at least twice its usual weekly "
     "tickets, after allowing for any rise in ticket volume as a whole; a problem that started within the "
     "last seventeen weeks has no usual rate and is reported as new since its first ticket."),
    ("Maturity",
     "Each interviewee placed each practice on a five-level scale. A question's score is the median of the "
     "answers, a dimension's the mean of its questions, and the overall score the mean of the dimensions; "
     "\"not applicable\" and \"don't know\" answers are left out, never counted as zero. Interview claims are "
     "tested against measures from the tickets and surveys, and management and frontline are compared: a "
     "difference of 1.5 levels or more is flagged."),
    ("Personal data",
     "E-mail addresses, phone numbers, payment card and bank account numbers, and names in greetings and "
     "signatures are masked in every quoted text."),
)
"""How the numbers were tested, in plain words: (title, paragraph) pairs."""


def glossary() -> pd.DataFrame:
    """Every term a client may read: ``term``, ``definition`` and ``unit`` (its meaning in words), in registry
    order."""
    return pd.DataFrame({"term": [m.name for m in METRICS], "definition": [m.definition for m in METRICS],
                         "unit": [UNITS[m.unit] for m in METRICS]})


def resolution_note(conversations: pd.DataFrame | None) -> str:
    """How one-touch and first-contact resolution differ, and whether they differ on this client's tickets."""
    text = ("One-touch resolution counts tickets solved with a single agent reply; first-contact resolution counts "
            "only those of them that were never reopened, so it can never be higher.")
    if conversations is None or not {"one_touch_rate", "fcr_rate"} <= set(conversations.columns):
        return text
    both = conversations[["one_touch_rate", "fcr_rate"]].dropna()
    if not len(both):
        return text
    if ((both["one_touch_rate"] - both["fcr_rate"]).abs() < 1e-9).all():
        return text + (" On this client's tickets the two are equal in every team: no ticket solved with a single "
                       "reply was reopened.")
    return text + (" On this client's tickets they differ wherever a ticket solved with a single reply was later "
                   "reopened.")


def exclusions(quality: pd.DataFrame | None = None, *, listed_tickets: int | None = None,
               total_tickets: int | None = None, evidence: pd.DataFrame | None = None) -> list[str]:
    """What the analysis left out and why, one sentence each, from the engagement's own counts.

    ``quality`` is :func:`toolkit.report.data_quality` (rows read, rejected, outside the period);
    ``listed_tickets`` (in the clusters the report lists) and ``total_tickets`` come from the
    upstream-problems section; ``evidence``
    from ``evaluate_evidence``.
    """
    out = []
    if quality is not None and len(quality):
        rejected = int(quality.get("rows_rejected", pd.Series(dtype="int64")).fillna(0).sum())
        outside = int(quality.get("outside_period", pd.Series(dtype="int64")).fillna(0).sum())
        out.append(f"{fmt.count(rejected)} rows of the files received were rejected as unreadable or incomplete "
                   "(the data-quality appendix gives each reason)." if rejected else
                   "No rows of the files received were rejected.")
        if outside:
            out.append(f"{fmt.count(outside)} rows fell outside the report period and were not analysed.")
    if listed_tickets is not None and total_tickets:
        rest = total_tickets - listed_tickets
        out.append(f"The upstream-problems section lists the largest recurring problems and questions, "
                   f"{fmt.count(listed_tickets)} of {fmt.count(total_tickets)} tickets; the other "
                   f"{fmt.count(rest)} ({fmt.percent(rest / total_tickets)}) belong to smaller groups or to none, "
                   "and count in every other measure.")
    if evidence is not None and "verdict" in evidence.columns:
        untested = int((evidence["verdict"] == "not enough data").sum())
        if untested:
            out.append(f"{untested} of {len(evidence)} interview claims could not be tested: the data needed was "
                       "not provided.")
    out.append("Groups below the small-sample cut-off are shown but not ranked or flagged (see above).")
    return out


def methodology_html(conversations: pd.DataFrame | None = None, excluded: list[str] | None = None) -> Html:
    """The methodology section: glossary (with how one-touch and first-contact resolution differ), how the numbers
    were tested, and what was excluded and why."""
    terms = "".join(f"<dt><strong>{safe_text(r.term, redact_pii=False)}</strong></dt>"
                    f"<dd>{safe_text(r.definition, redact_pii=False)}</dd>" for r in glossary().itertuples())
    parts = [f'<section class="method"><h3>Glossary</h3><dl class="glossary">{terms}</dl>'
             f"<p>{html.escape(resolution_note(conversations))}</p></section>"]
    methods = "".join(f"<h4>{html.escape(title)}</h4><p>{html.escape(text)}</p>" for title, text in METHODS)
    parts.append(f'<section class="method"><h3>How the numbers were tested</h3>{methods}</section>')
    if excluded:
        items = "".join(f"<li>{safe_text(e, redact_pii=False)}</li>" for e in excluded)
        parts.append(f'<section class="method"><h3>What was excluded and why</h3><ul>{items}</ul></section>')
    return Html("".join(parts))
