"""The executive summary's opening: an overall verdict in two or three sentences, from the sections' frames.

The verdict only restates numbers the sections compute, and each sentence is written only
when its data is there:

1. where the organisation stands: maturity against its target, and what customers say (NPS,
   share of satisfied CSAT answers, from the answer counts);
2. whether the operational numbers can be trusted as a picture of the experience: the
   watermelon teams (or that there are none), and how many of the testable claims interviewees
   made the data contradicts;
3. where the load comes from: the share of tickets the ten highest-impact recurring problems hold.
"""

from __future__ import annotations

import pandas as pd

from toolkit import formatting as fmt
from toolkit.report.text import Html, paragraph


def _usable(frame: pd.DataFrame | None, *columns: str) -> bool:
    return frame is not None and len(frame) > 0 and all(c in frame.columns for c in columns)


def _standing(overall: pd.DataFrame | None, summary: pd.DataFrame | None) -> str:
    parts = []
    if _usable(overall, "score", "target") and pd.notna(overall["score"].iloc[0]):
        o = overall.iloc[0]
        parts.append(f"support works at maturity level {fmt.level(o['score'])} of 5 against a target of "
                     f"{fmt.level(o['target'])}")
    if _usable(summary, "survey", "score", "n", "favourable"):
        scores = {r.survey: r for r in summary.itertuples() if r.n and pd.notna(r.score)}
        if "nps" in scores:
            parts.append(f"customers give an NPS of {fmt.nps(scores['nps'].score)}")
        if "csat" in scores:
            parts.append(f"{fmt.percent(scores['csat'].favourable / scores['csat'].n)} of "
                         f"{'their' if 'nps' in scores else 'the customers’'} CSAT answers are satisfied")
    if not parts:
        return ""
    text = parts[0] if len(parts) == 1 else "; ".join(parts[:-1]) + ", and " + parts[-1]
    return text[:1].upper() + text[1:] + "."


def _trust(watermelon: pd.DataFrame | None, evidence: pd.DataFrame | None) -> str:
    parts = []
    if _usable(watermelon, "segment", "flag", "csat", "sla_attainment"):
        flagged = watermelon[watermelon["flag"].fillna(False).astype(bool)]
        others = watermelon[~watermelon["flag"].fillna(False).astype(bool)]
        if len(flagged) and others["csat"].notna().any():
            team = flagged.iloc[0]
            more = f" (and {len(flagged) - 1} more)" if len(flagged) > 1 else ""
            parts.append(f"the operational numbers flatter the experience: {team['segment']}{more} meets its "
                         f"first-reply target on {fmt.percent(team['sla_attainment'])} of tickets while its CSAT is "
                         f"{fmt.percent(team['csat'])}, against a median of {fmt.percent(others['csat'].median())} "
                         "for the other teams")
        elif not len(flagged):
            parts.append("no team's operational numbers hide a poor experience")
    if _usable(evidence, "verdict"):
        tested = evidence[evidence["verdict"] != "not enough data"]
        if "claimed_by" in tested.columns:  # as the summary's finding counts them: claims someone made
            tested = tested[tested["claimed_by"].fillna("") != ""]
        against = int((tested["verdict"] == "contradicted").sum())
        if len(tested):
            parts.append(f"the data contradicts {against} of the {len(tested)} testable claims interviewees made")
    if not parts:
        return ""
    text = ", and ".join(parts) if len(parts) == 2 and ":" not in parts[0] else "; ".join(parts)
    return text[:1].upper() + text[1:] + "."


def _load(clusters: pd.DataFrame | None, total_tickets: int) -> str:
    if not _usable(clusters, "tickets") or not total_tickets:
        return ""
    problems = clusters[clusters["kind"] == "problem"] if "kind" in clusters.columns else clusters
    if "cluster_id" in problems.columns:
        problems = problems[problems["cluster_id"] >= 0]
    if not len(problems):
        return ""
    top = problems.head(10)
    held = int(top["tickets"].sum())
    return (f"The {len(top)} highest-impact recurring problems account for {fmt.percent(held / total_tickets)} "
            "of all tickets, a load only fixes upstream can remove.")


def overall_verdict(overall: pd.DataFrame | None = None, survey_summary: pd.DataFrame | None = None,
                    watermelon: pd.DataFrame | None = None, evidence: pd.DataFrame | None = None,
                    clusters: pd.DataFrame | None = None, total_tickets: int = 0) -> str:
    """Two or three sentences on where support stands, whether its numbers tell the truth, and where the load is.

    Frames as the report sections hold them: ``score_overall``, ``survey_summary``, ``watermelon``,
    ``evaluate_evidence`` and the duplicate clusters (ranked by impact). Empty when nothing is known.
    """
    sentences = [_standing(overall, survey_summary), _trust(watermelon, evidence), _load(clusters, total_tickets)]
    return " ".join(s for s in sentences if s)


def verdict_html(text: str) -> Html:
    """The verdict as the summary's opening paragraph (empty markup when there is none)."""
    return paragraph(text, redact_pii=False, css_class="verdict") if text else Html("")
