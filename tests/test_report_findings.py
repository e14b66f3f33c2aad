"""toolkit.report.findings: the executive summary's sentences, from small result frames with exact numbers."""

import pandas as pd

from toolkit.report.findings import (
    executive_summary,
    findings_html,
    growth_text,
    headline_figures,
    is_new,
    kpis_html,
    maturity_findings,
    operations_findings,
    problem_findings,
    survey_findings,
)


def _summary():
    return pd.DataFrame({"survey": ["nps", "csat"], "n": [200, 400], "score": [-4.4, 0.777], "low": [-12.0, 0.734],
                         "high": [3.2, 0.816]})


def _segments():
    return pd.DataFrame({
        "team": ["Rapid", "Tiny", "Good", "Meh"],
        "score": [0.498, 0.2, 0.89, 0.7], "low": [0.458, 0.05, 0.86, 0.6], "high": [0.538, 0.45, 0.92, 0.8],
        "rest_score": [0.821, 0.8, 0.76, 0.78], "difference": [-0.323, -0.6, 0.13, -0.08],
        "significant": [True, True, True, False], "direction": ["below", "below", "above", ""],
        "small_sample": [False, True, False, False]})


def test_survey_findings_write_sentences_with_numbers():
    drivers = pd.DataFrame({"odds_ratio": [5.06, 9.0, 0.5], "significant": [True, False, True],
                            "statement": ["Tickets reopened at least once have 5.1x the odds.", "not significant",
                                          "protective"]})
    rates = pd.DataFrame({"survey": ["csat", "nps"], "response_rate": [0.224, 0.57]})
    bias = pd.DataFrame({"measure": ["median", "share"], "significant": [True, True],
                         "statement": ["Agent replies: 2 vs 2.", "Reopened at least once: 7% vs 11%."]})
    themes = pd.DataFrame({"label": ["bugs / slow", "easy / helpful", "price"], "leans": ["detractors", "promoters",
                                                                                          "detractors"],
                           "unfavourable_share": [0.312, 0.0, 0.1], "favourable_share": [0.0, 0.507, 0.02],
                           "difference": [0.312, -0.507, 0.08]})
    out = survey_findings(_summary(), {"team": _segments()}, drivers, rates, bias, themes)
    assert out["finding"].tolist() == [
        "Customers gave an NPS of −4 (95% CI −12 to +3, 200 answers) and 78% satisfied in CSAT "
        "(95% CI 73–82%, 400 answers).",
        "CSAT for team Rapid is 50% satisfied (95% CI 46–54%), 32 percentage points below the rest (82%).",
        "Strongest driver of dissatisfaction: Tickets reopened at least once have 5.1x the odds.",
        "Only 22% of CSAT invitations were answered; respondents differ from the rest: Reopened at least once: "
        "7% vs 11%.",
        "The comment theme that most sets detractors apart is “bugs / slow”: 31% of detractors' comments vs 0% of "
        "promoters'.",
    ]
    assert out["weight"].round(3).tolist() == [0.9, 0.9, 0.7, 0.6, 0.5]
    assert set(out["area"]) == {"Customer experience"}


def test_survey_findings_skip_what_is_missing_or_unsupported():
    assert survey_findings(None).empty
    quiet = _segments().assign(significant=False)
    out = survey_findings(_summary().iloc[:0], {"team": quiet}, None, None, None, None)
    assert out.empty


def _dimensions():
    return pd.DataFrame({"dimension": ["Strategy", "Upstream", "Voice"], "score": [2.17, 1.67, 3.0],
                         "target": [3.0, 3.0, 3.0], "gap": [0.83, 1.33, 0.0]})


def test_maturity_findings():
    overall = pd.DataFrame({"score": [2.33], "target": [3.2], "coverage": [0.95], "respondents": [5]})
    dis = pd.DataFrame({"dimension": ["Strategy", "Voice", "Outcomes"], "group_a": ["management"] * 3,
                        "group_b": ["frontline"] * 3, "score_a": [2.7, 4.0, 4.0], "score_b": [2.0, 1.0, 2.0],
                        "difference": [0.7, 3.0, 2.0], "flagged": [False, True, True]})
    roadmap = pd.DataFrame({"phase": ["first 90 days", "first 90 days", "3-6 months"],
                            "effort": ["low", "medium", "low"]})
    out = maturity_findings(overall, _dimensions(), dis, roadmap)
    assert out["finding"].tolist() == [
        "Support maturity is 2.3 of 5 against a target of 3.2 from 5 interviews (95% of questions answered).",
        "The largest maturity gaps are in Upstream (1.7 vs target 3.0) and Strategy (2.2 vs target 3.0).",
        "Management and frontline disagree on 2 dimensions; most on Voice (4.0 vs 1.0).",
        "The roadmap has 3 steps; the first phase (first 90 days) holds 2, 1 of them low effort.",
    ]
    assert maturity_findings(None).empty


def test_executive_summary_keeps_the_heaviest_in_order():
    a = pd.DataFrame({"area": ["A"] * 3, "finding": ["a1", "a2", "a3"], "weight": [0.5, 0.9, 0.1]})
    b = pd.DataFrame({"area": ["B"] * 2, "finding": ["b1", "b2"], "weight": [0.9, 0.6]})
    out = executive_summary(a, None, b, limit=3)
    assert out["finding"].tolist() == ["a2", "b1", "b2"]
    assert executive_summary(a, b, limit=8, per_area=2)["finding"].tolist() == ["a2", "b1", "b2", "a1"]
    assert executive_summary().empty


def test_findings_html_escapes_and_redacts():
    summary = pd.DataFrame({"area": ["<b>x</b>"], "finding": ["Ask jo@example.com about <script>alert(1)</script>"],
                            "weight": [1.0]})
    out = findings_html(summary)
    assert "<script>" not in out and "&lt;script&gt;" in out and "[email]" in out and "&lt;b&gt;" in out
    assert "jo@example.com" in findings_html(summary, redact_pii=False)
    assert "No findings" in findings_html(summary.iloc[:0])


def test_kpis_html():
    out = kpis_html([("+4", "NPS"), (float("nan"), "skipped"), ("<b>", "CSAT")])
    assert out.count('class="kpi"') == 2 and "&lt;b&gt;" in out and "skipped" not in out
    assert kpis_html([]) == ""


def test_nps_trend_finding_only_when_the_change_is_supported():
    trend = pd.DataFrame({"period": pd.to_datetime(["2025-10-01", "2026-01-01", "2026-07-01"]),
                          "n": [500, 500, 500], "score": [14.6, 9.0, -5.8], "favourable": [184, 170, 146],
                          "unfavourable": [111, 125, 175]})
    out = survey_findings(None, nps_trend=trend)
    assert out["finding"].tolist() == [
        "NPS fell from +15 in Q4 2025 to −6 in Q3 2026 (change −20 points, 95% CI −30 to −11, p < 0.001)."]
    flat = trend.assign(favourable=[184, 184, 184], unfavourable=[111, 111, 112])
    assert survey_findings(None, nps_trend=flat).empty


def test_contradicted_interview_claims_become_a_finding():
    evidence = pd.DataFrame({
        "verdict": ["supported", "contradicted", "contradicted", "contradicted", "not enough data"],
        "claimed_by": ["Ann (manager, level 4)", "Ann (manager, level 4)", "", "Bo (agent, level 5)", ""],
        "finding": ["ok", "The data does not support \"we resolve on first contact\": 20% reopened.",
                    "nobody claimed it", "second", "n/a"]})
    out = maturity_findings(None, evidence=evidence)
    # The claim nobody made contradicts no interview and is not counted.
    assert out["finding"].tolist() == [
        "2 interview claims are contradicted by the data. The data does not support \"we resolve on first contact\": "
        "20% reopened."]
    assert maturity_findings(None, evidence=evidence.iloc[:1]).empty
    assert maturity_findings(None, evidence=evidence.iloc[2:3]).empty


def test_headline_figures():
    overall = pd.DataFrame({"score": [2.33], "target": [3.2], "coverage": [1.0]})
    assert headline_figures(20000, _summary(), overall) == [
        ("20,000", "tickets analysed"), ("−4", "NPS (−100 to +100) · 200 answers"),
        ("78%", "CSAT, share satisfied · 400 answers"), ("2.3 / 5", "maturity (target 3.2)")]
    assert headline_figures(5) == [("5", "tickets analysed")]


def test_problem_findings():
    clusters = pd.DataFrame({
        "cluster_id": [4, 7, 9, -1], "name": ["invoice / pdf / blank", "sms / codes", "tiny", "unclustered"],
        "tickets": [442, 388, 6, 15000], "customers": [323, 298, 6, 4000],
        "first_seen": pd.to_datetime(["2025-10-21", "2026-09-02", "2026-09-20", "2025-10-01"]),
        "emerging": [False, True, True, False], "bug_keys": [["APP-1482", "#102"], ["APP-2210"], [], []]})
    out = problem_findings(clusters, total_tickets=20000)
    assert out["finding"].tolist() == [
        "The 3 highest-impact recurring problems account for 836 tickets (4% of all tickets); the costliest, "
        "“invoice / pdf / blank”, brought 442 tickets from 323 customers, bug key APP-1482.",
        "Emerging problem: “sms / codes”, 388 tickets since 2 Sep 2026 and growing well above its usual rate.",
    ]
    clusters["recent_tickets"], clusters["growth"] = [3, 386, 5, 0], [0.8, 209.08, 3.04, 1.0]
    assert problem_findings(clusters, total_tickets=20000)["finding"].iloc[1] == (  # two earlier tickets: no usual rate
        "Emerging problem: “sms / codes”, new in the last four weeks: 386 tickets (388 in all since 2 Sep 2026).")
    clusters["last_seen"] = pd.Timestamp("2026-09-30")  # first seen inside the seventeen weeks the growth compares
    assert problem_findings(clusters, total_tickets=20000)["finding"].iloc[1] == (
        "Emerging problem: “sms / codes”, new since 2 Sep 2026, 388 tickets.")
    clusters["first_seen"], clusters["recent_tickets"] = pd.Timestamp("2025-10-01"), [3, 57, 5, 0]
    assert problem_findings(clusters, total_tickets=20000)["finding"].iloc[1] == (
        "Emerging problem: “sms / codes”, 388 tickets since 1 Oct 2025, 57 of them in the last four weeks: "
        "209 times its usual rate, allowing for the change in overall ticket volume.")
    assert problem_findings(None).empty


def test_problem_findings_leave_recurring_questions_out():
    clusters = pd.DataFrame({
        "cluster_id": [1, 2], "name": ["annual billing / switch", "APP-1482: blank invoice / pdf"],
        "kind": ["recurring question", "problem"], "tickets": [575, 442], "customers": [500, 323],
        "emerging": [False, False], "bug_keys": [[], ["APP-1482"]]})
    assert problem_findings(clusters, total_tickets=20000)["finding"].tolist() == [
        "The 1 highest-impact recurring problems account for 442 tickets (2% of all tickets); the costliest, "
        "“APP-1482: blank invoice / pdf”, brought 442 tickets from 323 customers, bug key APP-1482."]


def test_operations_findings():
    melons = pd.DataFrame({"flag": [True, False], "explanation": ["Rapid looks green but feels red.", "fine"]})
    trend = pd.DataFrame({"verdict": ["watermelon"], "sentence": ["SLA and CSAT move apart."]})
    effects = pd.DataFrame({"p_value": [1e-9, 0.4], "small_sample": [False, False],
                            "sentence": ["Quarter ends carry 1.70x normal volume.", "no year-end effect"]})
    incomplete = pd.DataFrame({"channel": ["chat", "email", "other"], "finished": [4761, 8462, 2],
                               "incomplete": [734, 0, 2], "incomplete_rate": [0.154, 0.0, 1.0],
                               "ci_low": [0.144, 0.0, 0.34], "small_sample": [False, False, True]})
    hedging = pd.DataFrame({"segment": ["Chloe", "Quentin", "Ella", "Tiny"], "hedged_share": [0.65, 0.63, 0.19, 0.9],
                            "replies": [1982, 2112, 2060, 5], "small_sample": [False, False, False, True]})
    out = operations_findings(melons, trend, effects, incomplete, hedging)
    assert out["finding"].tolist() == [
        "Rapid looks green but feels red.",
        "SLA and CSAT move apart.",
        "Quarter ends carry 1.70x normal volume.",
        "15% of finished chat conversations (734 of 4,761) ended with the customer gone before a resolution.",
        "2 agents hedge in more than 40% of their replies (\"should be fixed\", \"I think\"): Chloe 65%, Quentin 63%.",
    ]
    assert out["weight"].tolist() == [0.95, 0.8, 0.55, 0.55, 0.5]
    assert operations_findings(None).empty


def test_report_lists_problems_then_recurring_questions():
    from toolkit.report.sections import shown_clusters

    clusters = pd.DataFrame({"cluster_id": [1, 2, 3, 4, 5],
                             "kind": ["recurring question", "problem", "recurring question", "problem", "problem"]})
    assert shown_clusters(clusters, top=2)["cluster_id"].tolist() == [2, 4, 1]
    assert shown_clusters(clusters.drop(columns="kind"), top=2)["cluster_id"].tolist() == [1, 2]


def test_a_brand_new_problem_is_new_since_its_first_ticket_not_a_multiple():
    clusters = pd.DataFrame({
        "cluster_id": [4, 7, 8], "name": ["invoice / pdf", "sms / codes", "sms again"], "kind": "problem",
        "tickets": [442, 468, 102], "customers": [323, 341, 80],
        "first_seen": pd.to_datetime(["2025-10-21", "2026-09-02", "2025-10-14"]),
        "last_seen": pd.to_datetime(["2026-09-30", "2026-09-30", "2026-09-29"]),
        "recent_tickets": [3, 461, 57], "growth": [0.8, 144.2, 12.3], "emerging": [False, True, True],
        "bug_keys": [["APP-1482"], ["APP-2210"], ["APP-2210"]]})
    out = problem_findings(clusters, total_tickets=20000)
    assert out["finding"].tolist()[1:] == [
        "Emerging problem: “sms / codes”, new since 2 Sep 2026, 468 tickets.",
        "Emerging problem: “sms again”, 102 tickets since 14 Oct 2025, 57 of them in the last four weeks: 12 times "
        "its usual rate, allowing for the change in overall ticket volume."]
    assert out["fact"].tolist() == ["problem APP-1482", "problem APP-2210", "problem APP-2210"]
    assert executive_summary(out)["finding"].str.contains("sms again").sum() == 0  # one point per bug key
    as_of = pd.Timestamp("2026-09-30")
    assert is_new(clusters.iloc[1], as_of) and not is_new(clusters.iloc[2], as_of)
    # the growth window: the last 28 days and the 91 before them, 119 days back to 3 Jun 2026
    assert is_new(pd.Series({"first_seen": pd.Timestamp("2026-06-04")}), as_of)
    assert not is_new(pd.Series({"first_seen": pd.Timestamp("2026-06-02")}), as_of)
    assert not is_new(clusters.iloc[1], None)


def test_a_problem_with_a_few_stray_early_tickets_has_no_usual_rate_either():
    as_of = pd.Timestamp("2026-09-30")
    thin = pd.Series({"name": "sms / codes", "tickets": 472, "first_seen": pd.Timestamp("2026-02-26"),
                      "recent_tickets": 468, "growth": 144.2})  # 4 tickets before the last four weeks
    assert is_new(thin, as_of)
    assert growth_text(thin, as_of) == "new in the last four weeks: 468 tickets (472 in all since 26 Feb 2026)"
    usual = thin.copy()
    usual["recent_tickets"] = 467  # five earlier tickets: the emerging rule's own minimum
    assert not is_new(usual, as_of)
    assert growth_text(usual, as_of).startswith("472 tickets since 26 Feb 2026, 467 of them in the last four weeks: ")
    in_baseline = thin.copy()  # ten earlier tickets, but only three in the thirteen weeks the growth compares with
    in_baseline["recent_tickets"], in_baseline["baseline_weekly"] = 462, 3 / 13
    assert growth_text(in_baseline, as_of) == "new in the last four weeks: 462 tickets (472 in all since 26 Feb 2026)"
    faded = pd.Series({"tickets": 424, "first_seen": pd.Timestamp("2025-11-10"), "recent_tickets": 2, "growth": 0.1})
    assert not is_new(faded, as_of)  # a problem that has gone quiet is not new


def test_summary_keeps_one_finding_per_fact_and_links_each_to_its_section():
    watermelon = pd.DataFrame({"segment": ["Rapid"], "flag": [True], "explanation": ["Rapid looks green."]})
    ops = operations_findings(watermelon)
    cx = survey_findings(_summary(), {"team": _segments()})
    assert ops["fact"].tolist() == ["segment Rapid"] and cx["fact"].tolist() == ["survey scores", "segment Rapid"]
    assert (ops["section"].tolist(), cx["section"].tolist()) == (
        ["Operations and the watermelon check"], ["Customer experience", "Satisfaction by team and channel"])
    summary = executive_summary(cx, ops)
    assert summary["finding"].tolist() == ["Rapid looks green.", cx["finding"].iloc[0]]
    page = findings_html(summary)
    assert ('Rapid looks green. <a class="finding-source" href="#Operations-and-the-watermelon-check">See operations '
            "and the watermelon check</a></li>") in page
    assert 'href="#Customer-experience">See customer experience</a>' in page
