"""toolkit.report.verdict: the executive summary's opening, true to the section frames."""

import pandas as pd

from toolkit.report.verdict import overall_verdict, verdict_html

OVERALL = pd.DataFrame({"score": [2.33], "target": [3.2]})
SUMMARY = pd.DataFrame({"survey": ["nps", "csat"], "score": [4.8, 79.0], "n": [200, 400],
                        "favourable": [80, 316]})
WATERMELON = pd.DataFrame({"segment": ["Rapid", "Billing", "Tech"], "flag": [True, False, False],
                           "sla_attainment": [0.99, 0.8, 0.85], "csat": [0.5, 0.8, 0.9]})
EVIDENCE = pd.DataFrame({"verdict": ["contradicted", "supported", "not enough data", "contradicted", "contradicted"],
                         "claimed_by": ["Head of support (level 4)", "Agent (level 3)", "Agent (level 4)",
                                        "Agent (level 4)", ""]})
CLUSTERS = pd.DataFrame({"cluster_id": [-1, 1, 2, 3], "kind": ["problem", "problem", "recurring question", "problem"],
                         "tickets": [500, 150, 300, 50]})


def test_three_sentences_with_the_sections_numbers():
    text = overall_verdict(OVERALL, SUMMARY, WATERMELON, EVIDENCE, CLUSTERS, 1000)
    assert text == (
        "Support works at maturity level 2.3 of 5 against a target of 3.2; customers give an NPS of +5, and 79% of "
        "their CSAT answers are satisfied. The operational numbers flatter the experience: Rapid meets its "
        "first-reply target on 99% of tickets while its CSAT is 50%, against a median of 85% for the other teams; "
        "the data contradicts 2 of the 3 testable claims interviewees made. The 2 highest-impact recurring problems "
        "account for 20% of all tickets, a load only fixes upstream can remove.")


def test_no_watermelon_and_missing_sections_are_said_or_left_out():
    text = overall_verdict(None, SUMMARY.iloc[[1]], WATERMELON.assign(flag=False))
    assert text == ("79% of the customers’ CSAT answers are satisfied. No team's operational numbers hide a poor "
                    "experience.")
    assert overall_verdict() == "" and verdict_html("") == ""
    assert verdict_html("A <b>b</b>.") == '<p class="verdict">A &lt;b&gt;b&lt;/b&gt;.</p>'
