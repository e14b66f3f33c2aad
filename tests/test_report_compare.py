"""Re-assessment from two results bundles: small hand-made bundles with known answers, and the sample
client's two engagements (the planted changes, and no others at the 5% level)."""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd
import pytest

from toolkit.report.bundle import Bundle
from toolkit.report.compare import compare_bundles, match_problems, reassessment_html, reassessment_table

MANIFEST = {
    "bundle_version": "1.0", "client": "Acme", "generated": "2026-10-01T00:00:00Z", "toolkit_version": "0.1.0",
    "period": {"start": None, "end": None, "label": "1 January 2026 – 30 June 2026"},
    "models": {"maturity": {"id": "support", "version": "1"}, "duplicates_representation": "tfidf"},
    "definitions": {"timezone": "UTC", "sla_targets": {"high": 240.0}, "segments": ["team"],
                    "sources": {"tickets": "zendesk (detected)."}},
    "parameters": {}, "inputs": [], "tables": [], "findings": [],
}


def _questions(scores, prints=("a", "b", "c")) -> pd.DataFrame:
    return pd.DataFrame({"question_id": ["Q1", "Q2", "Q3"], "dimension_id": ["d1", "d1", "d2"],
                         "dimension": ["One", "One", "Two"], "weight": [1.0, 1.0, 1.0], "score": scores,
                         "fingerprint": list(prints)})


def _bundle(*, questions, roadmap=None, survey=None, manifest=None) -> Bundle:
    tables = {"maturity_questions": questions}
    if roadmap is not None:
        tables["roadmap"] = roadmap
    if survey is not None:
        tables["survey_summary"] = survey
    return Bundle(manifest or copy.deepcopy(MANIFEST), tables)


def _survey(n, promoters, detractors, csat_n, satisfied) -> pd.DataFrame:
    return pd.DataFrame({"survey": ["nps", "csat"], "n": [n, csat_n], "score": [np.nan, np.nan],
                         "favourable": [promoters, satisfied], "unfavourable": [detractors, csat_n - satisfied]})


def test_maturity_same_model_compares_every_question_and_roadmap_steps_are_done_by_the_new_scores():
    roadmap = pd.DataFrame({"priority": [1, 2], "phase": ["first 90 days", "3-6 months"],
                            "dimension": ["One", "Two"], "question_id": ["Q1", "Q3"],
                            "recommendation": ["Write it down", "Measure it"], "to_level": [3, 4]})
    before = _bundle(questions=_questions([2.0, 2.0, 3.0]), roadmap=roadmap)
    after = _bundle(questions=_questions([3.0, 4.0, 3.0]))
    since = compare_bundles(before, after)
    assert since.maturity[["dimension_id", "before", "after", "change", "questions"]].to_dict("records") == [
        {"dimension_id": "d1", "before": 2.0, "after": 3.5, "change": 1.5, "questions": 2},
        {"dimension_id": "d2", "before": 3.0, "after": 3.0, "change": 0.0, "questions": 1}]
    assert since.roadmap["status"].tolist() == ["done", "not done"]
    assert since.notes == []


def _steps(rows) -> pd.DataFrame:
    columns = ["priority", "phase", "action", "answers", "source", "kpi", "direction", "current", "target"]
    return pd.DataFrame(rows, columns=columns)


def test_roadmap_steps_that_answered_findings_are_done_when_the_finding_is_gone():
    before = _bundle(questions=_questions([2.0, 2.0, 3.0]))
    before.tables["roadmap_steps"] = _steps([
        [1, "first 90 days", "Hold Rapid to resolution", "Rapid looks green but feels red", "watermelon",
         "CSAT of Rapid", "at_least", 0.51, 0.84],
        [2, "first 90 days", "Fix the blank PDF", "Recurring problem “pdf / blank”: 424 tickets", "problem",
         "Tickets about “pdf / blank” in four weeks", "at_most", 40.0, 0.0],
        [3, "3-6 months", "Watch the hard-ticket share", "The data does not support \"no heroes\"", "claim",
         "Hard-ticket share of the top tenth", "at_most", 0.25, 0.20],
        [4, "3-6 months", "Answer faster", "Slow first replies", "sla", "First-reply SLA attainment", "at_least",
         0.79, 0.87],
        [5, "3-6 months", "Agree on surveys", "Management and frontline disagree", "disagreement",
         "Difference on surveys", "at_most", 3.0, 1.5],
        [6, "6-12 months", "Close the gap", "Gap in One", "gap", "One maturity level", "at_least", 2.0, 3.0]])
    before.tables["ops_watermelon"] = pd.DataFrame({"segment": ["Rapid", "Frontline"], "flag": [True, False]})
    after = _bundle(questions=_questions([3.0, 4.0, 3.0]))
    after.tables["roadmap_steps"] = _steps([
        [1, "first 90 days", "Watch the hard-ticket share", "The data does not support \"no heroes\"", "claim",
         "Hard-ticket share of the top tenth", "at_most", 0.24, 0.20],
        [2, "3-6 months", "Answer faster", "Slow first replies", "sla", "First-reply SLA attainment", "at_least",
         0.90, 0.87]])
    after.tables["ops_watermelon"] = pd.DataFrame({"segment": ["Rapid", "Frontline"], "flag": [False, False]})
    since = compare_bundles(before, after)
    since_problems = pd.DataFrame({"status": ["resolved"], "problem": ["pdf / blank"]})
    from toolkit.report.compare import _roadmap_status

    roadmap = _roadmap_status(before, after, since.watermelon, since_problems)
    assert roadmap[["priority", "recommendation", "status"]].values.tolist() == [
        [1, "Hold Rapid to resolution", "done"],  # Rapid is no longer a watermelon
        [2, "Fix the blank PDF", "done"],  # its problem was resolved
        [3, "Watch the hard-ticket share", "not done"],  # 24% now, target at most 20%
        [4, "Answer faster", "done"],  # 90% now, target at least 87%
        [5, "Agree on surveys", "no longer raised"]]  # the disagreement is gone, no measure shows it
    assert roadmap["score_now"].tolist()[1:4] == [0.0, 0.24, 0.90]
    assert "Answered" in str(reassessment_html(since))


def test_a_maturity_model_version_change_is_reported_and_only_unchanged_questions_compared():
    before = _bundle(questions=_questions([2.0, 2.0, 3.0]))
    manifest = copy.deepcopy(MANIFEST)
    manifest["models"]["maturity"] = {"id": "support", "version": "2"}
    after = _bundle(questions=_questions([3.0, 5.0, 4.0], prints=("a", "CHANGED", "c")), manifest=manifest)
    since = compare_bundles(before, after)
    assert since.notes == ["The maturity model changed from support version 1 to support version 2: only the 2 "
                           "questions unchanged between the two (of 3 now) are compared."]
    assert since.maturity[["dimension_id", "before", "after", "questions"]].to_dict("records") == [
        {"dimension_id": "d1", "before": 2.0, "after": 3.0, "questions": 1},
        {"dimension_id": "d2", "before": 3.0, "after": 4.0, "questions": 1}]


def test_changed_sla_targets_are_stated_and_sla_attainment_is_not_compared():
    sla = pd.DataFrame({"segment": ["A"], "sla_attainment": [0.5], "tickets_replied": [100]})
    before = _bundle(questions=_questions([2.0, 2.0, 3.0]))
    before.tables["ops_sla"] = sla
    manifest = copy.deepcopy(MANIFEST)
    manifest["definitions"]["sla_targets"] = {"high": 120.0}
    after = _bundle(questions=_questions([2.0, 2.0, 3.0]), manifest=manifest)
    after.tables["ops_sla"] = sla.assign(sla_attainment=0.9)
    since = compare_bundles(before, after)
    assert "The SLA targets changed (before: high 240 min; now: high 120 min), so SLA attainment is not compared." \
        in since.notes
    assert "sla_attainment" not in set(since.measures["measure"])


def test_score_changes_use_the_survey_statistics_and_holm_adjustment():
    before = _bundle(questions=_questions([2.0, 2.0, 3.0]), survey=_survey(400, 120, 120, 500, 400))
    after = _bundle(questions=_questions([2.0, 2.0, 3.0]), survey=_survey(400, 200, 60, 500, 405))
    m = compare_bundles(before, after).measures.set_index("measure")
    assert m.loc["nps", "before"] == pytest.approx(0.0) and m.loc["nps", "after"] == pytest.approx(35.0)
    assert m.loc["nps", "change"] == pytest.approx(35.0)
    assert m.loc["nps", "direction"] == "better" and bool(m.loc["nps", "significant"])
    assert m.loc["csat", "before"] == pytest.approx(0.8) and m.loc["csat", "after"] == pytest.approx(0.81)
    assert m.loc["csat", "direction"] == "no clear change"
    assert m.loc["csat", "p_adjusted"] >= m.loc["csat", "p_value"]


def test_problems_match_by_bug_key_first_then_by_terms():
    before = pd.DataFrame({"name": ["pdf blank", "sso loop", "vat number"], "tickets": [400, 300, 200],
                           "bug_keys": [["APP-1"], ["APP-2"], []],
                           "terms": ["pdf blank invoice", "sso login loop", "vat number invalid"]})
    after = pd.DataFrame({"name": ["single sign-on", "vat invalid", "thumbnails grey", "tiny"],
                          "tickets": [320, 190, 150, 10], "bug_keys": [["APP-2"], [], ["APP-9"], []],
                          "terms": ["saml okta", "vat number invalid", "thumbnails grey icon", "pdf blank invoice"]})
    out = match_problems(before, after)
    assert out[["status", "problem", "tickets_before", "tickets_after", "matched_by"]].to_dict("records") == [
        {"status": "resolved", "problem": "pdf blank", "tickets_before": 400, "tickets_after": 0, "matched_by": ""},
        {"status": "new", "problem": "thumbnails grey", "tickets_before": 0, "tickets_after": 150, "matched_by": ""},
        {"status": "still open", "problem": "single sign-on", "tickets_before": 300, "tickets_after": 320,
         "matched_by": "bug key"},
        {"status": "still open", "problem": "vat invalid", "tickets_before": 200, "tickets_after": 190,
         "matched_by": "similar terms"}]


def test_an_unkeyed_problem_reworded_is_still_open_but_a_keyed_one_needs_its_key_or_close_terms():
    # cosine similarities of the TF-IDF top terms: billing pair 0.39 (below 0.5, above 0.25); pdf pair 0.30
    before = pd.DataFrame({"name": ["invoices / pricing", "pdf blank"], "tickets": [600, 400],
                           "bug_keys": [[], ["APP-1"]],
                           "terms": ["invoices pricing price question renewal", "pdf blank invoice download"]})
    after = pd.DataFrame({"name": ["charge / price", "invoice download slow"], "tickets": [640, 300],
                          "bug_keys": [[], []],
                          "terms": ["charge price question charged renewal", "invoice download slow"]})
    out = match_problems(before, after)
    assert out[["status", "problem", "matched_by"]].to_dict("records") == [
        {"status": "resolved", "problem": "pdf blank", "matched_by": ""},
        {"status": "new", "problem": "invoice download slow", "matched_by": ""},
        {"status": "still open", "problem": "charge / price", "matched_by": "some shared terms"}]
    similarity = out.set_index("problem")["similarity"]
    assert 0.25 <= similarity["charge / price"] < 0.5


def test_no_baseline_gives_no_section_and_no_table():
    assert reassessment_html(None) is None
    assert reassessment_table(None) is None


@pytest.fixture(scope="module")
def sample_bundles(tmp_path_factory):
    """The sample client's two engagements, computed in-process with the report's section functions."""
    from report_bundles import engagement_bundle

    from toolkit.samples.after import generate_after

    after_dir = tmp_path_factory.mktemp("after")
    generate_after(after_dir)
    return engagement_bundle(None), engagement_bundle(after_dir)


def test_the_sample_reassessment_finds_exactly_the_planted_changes(sample_bundles):
    from toolkit.samples.after import EXPECTED

    before, after = sample_bundles
    since = compare_bundles(before, after)
    m = since.measures
    clear = dict(zip(m.loc[m["significant"], "measure"], m.loc[m["significant"], "direction"], strict=True))
    assert clear == EXPECTED["clear_changes"]
    assert since.watermelon.to_dict("records") == [
        {"team": "Rapid Response", "before": True, "after": False, "status": "no longer a watermelon"}]
    p = since.problems
    assert p.loc[p["status"] == "resolved", "bug_keys"].tolist() == EXPECTED["resolved"]
    assert p.loc[p["status"] == "new", "bug_keys"].tolist() == EXPECTED["new"]
    assert since.notes == []
    assert (since.roadmap.loc[since.roadmap["phase"] == "first 90 days", "status"] == "done").all()
    html = reassessment_html(since)
    assert html.startswith('<h2 id="Since-the-last-assessment">Since the last assessment</h2>')
    assert "Rapid Response" in html and "no longer a watermelon" in html
