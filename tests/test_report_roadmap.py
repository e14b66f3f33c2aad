"""toolkit.report.roadmap: steps from findings and gaps, their order, and the roadmap's markup."""

import re

import pandas as pd
import pytest

from toolkit.maturity import build_roadmap, load_model
from toolkit.report import roadmap as rm
from toolkit.report.anchors import (
    CLAIMS,
    CONVERSATIONS,
    DISAGREEMENT,
    DRIVERS,
    HEDGING,
    MATURITY,
    RESPONSE,
    TIMES,
    UPSTREAM,
    WATERMELON,
)
from toolkit.schema import validate

WATERMELON_FRAME = pd.DataFrame({
    "segment": ["Rapid", "Billing", "Tech", "Tiny"], "flag": [True, False, False, False],
    "csat": [0.5, 0.8, 0.9, 0.1], "reopen_rate": [0.25, 0.06, 0.08, 0.5], "small_sample": [False, False, False, True]})
SLA = pd.DataFrame({"segment": ["A", "B", "C"], "within_target": [70, 90, 180], "tickets_replied": [100, 100, 200],
                    "sla_attainment": [0.7, 0.9, 0.9], "small_sample": [False, False, False]})
TOO_QUICK = pd.DataFrame({"solved": [100, 200], "fast": [20, 20], "fast_came_back": [8, 4],
                          "came_back_rate_other": [0.1, 0.1]})
HEDGING_FRAME = pd.DataFrame({"segment": ["Ann", "Bo", "Cy", "Di"], "replies": [100, 300, 100, 10],
                              "hedged_share": [0.5, 0.1, 0.3, 0.9], "small_sample": [False, False, False, True]})


def test_watermelon_step_targets_the_other_teams_median_csat():
    steps = rm.operations_steps(WATERMELON_FRAME)
    assert len(steps) == 1
    s = steps.iloc[0]
    assert (s["section"], s["owner"], s["kpi"], s["unit"], s["direction"]) == (
        WATERMELON, "Team lead, Rapid", "CSAT of Rapid", "share", "at_least")
    assert (s["current"], s["target"], s["phase"], s["effort"], s["source"]) == (
        0.5, pytest.approx(0.85), "first 90 days", "medium", "watermelon")
    assert s["answers"] == "Rapid looks green but feels red (a watermelon team)"
    assert s["effect"] == ("Rapid's customers as satisfied as the other teams' (median 85%); its reopens (25%) down "
                           "towards theirs (7%).")


def test_sla_step_for_the_team_furthest_below_the_others_pooled_attainment():
    s = rm.operations_steps(sla=SLA).iloc[0]
    assert (s["section"], s["kpi"], s["current"], s["target"], s["phase"]) == (
        TIMES, "First-reply SLA attainment, A", 0.7, 0.9, "3-6 months")
    assert s["effect"] == "About 20 more first replies within target over a period like this one."
    close = SLA.assign(within_target=[88, 90, 180], sla_attainment=[0.88, 0.9, 0.9])
    assert rm.operations_steps(sla=close).empty  # 2 points below: not a finding


def test_fast_solves_that_came_back_step_needs_a_clear_excess():
    s = rm.operations_steps(too_quick=TOO_QUICK).iloc[0]
    assert (s["section"], s["current"], s["target"]) == (CONVERSATIONS, 0.3, pytest.approx(0.1))
    assert s["answers"] == "30% of very fast solves came back, against 10% of the others"
    assert s["effect"] == "About 8 fewer tickets coming back over a period like this one."
    assert rm.operations_steps(too_quick=TOO_QUICK.assign(fast_came_back=[2, 1])).empty  # 7.5% vs 10%
    assert rm.operations_steps(too_quick=TOO_QUICK.assign(fast=[10, 10])).empty  # fewer than 30 fast solves


def test_hedging_step_counts_agents_and_never_names_them():
    s = rm.operations_steps(hedging=HEDGING_FRAME).iloc[0]
    assert (s["section"], s["kpi"], s["current"], s["target"]) == (
        HEDGING, "Hedged replies of this agent", 0.5, pytest.approx(0.15))
    assert s["answers"] == "1 agent hedges in more than 40% of their replies"
    assert not any(name in " ".join(map(str, s.to_numpy())) for name in ("Ann", "Bo", "Cy", "Di"))


def test_a_team_that_surveys_too_soon_gets_a_step_of_its_own():
    early = pd.DataFrame({"segment": ["Billing Desk", "Frontline"], "too_soon": [True, False],
                          "reopened_after_survey_share": [1.0, 0.0], "median_delay_minutes": [5.0, 60.0]})
    steps = rm.survey_steps(early=early)
    assert len(steps) == 1
    step = steps.iloc[0]
    assert step["action"] == ("Send Billing Desk's satisfaction survey once the customer can know whether the fix "
                              "held (a day after the solve, or when the ticket has stayed solved), not 5 min after it.")
    assert step["answers"] == ("Billing Desk surveys too soon: 100% of its reopened surveyed tickets were reopened "
                               "after the survey")
    assert (step["section"], step["current"], step["target"], step["direction"]) == (
        "When the survey is sent", 1.0, 0.5, "at_most")
    assert rm.survey_steps(early=early.assign(too_soon=False)).empty


def test_survey_steps_from_the_strongest_driver_and_non_response():
    drivers = pd.DataFrame({"label": ["tickets reopened at least once", "email tickets", "chat tickets"],
                            "odds_ratio": [3.0, 5.0, 0.5], "significant": [True, False, True]})
    rates = pd.DataFrame({"survey": ["nps", "csat"], "invited": [10, 200], "responded": [5, 40]})
    nonresponse = pd.DataFrame({"significant": [True, False, True]})
    steps = rm.survey_steps(drivers, rates, nonresponse)
    assert steps["section"].tolist() == [DRIVERS, RESPONSE]
    driver, response = steps.iloc[0], steps.iloc[1]
    assert driver["answers"] == "Tickets reopened at least once have 3.0 times the odds of a dissatisfied rating"
    assert (driver["current"], driver["target"], driver["unit"]) == (3.0, 1.0, "ratio")
    assert (response["current"], response["target"]) == (0.2, pytest.approx(0.25))
    assert response["answers"] == "Customers who answer the survey differ from those who do not (2 clear differences)"
    assert rm.survey_steps(drivers.assign(significant=False), rates, nonresponse.assign(significant=False)).empty


def _clusters():
    return pd.DataFrame({
        "cluster_id": [1, 2, 3, 4, 5, 6], "name": ["sync", "sms again", "sms", "question", "export", "old"],
        "kind": ["problem", "problem", "problem", "recurring question", "problem", "problem"],
        "tickets": [600, 400, 100, 700, 90, 80], "customers": [400, 300, 80, 500, 60, 50],
        "recent_tickets": [60, 300, 50, 70, 10, 4], "emerging": [False, True, True, False, False, False],
        "bug_keys": [["APP-1"], ["APP-2"], ["APP-2"], [], ["#42"], ["APP-9"]]})


def test_problem_steps_one_per_bug_key_for_live_problems():
    steps = rm.problem_steps(_clusters())
    assert steps["kpi"].tolist() == ["Tickets about “sync” in four weeks", "Tickets about “sms again” in four weeks",
                                     "Tickets about “export” in four weeks"]
    assert steps["action"].iloc[0] == ("Take “sync” to engineering under APP-1 with its 600 tickets from 400 customers "
                                       "as evidence; agree a fix date, and publish a workaround article until then.")
    assert steps["action"].iloc[2].startswith("Open a bug for “export”")  # "#42" is no tracker key
    assert steps["weight"].tolist() == [0.9, 0.92, 0.9] and set(steps["section"]) == {UPSTREAM}
    assert (steps["current"].tolist(), steps["target"].tolist()) == ([60.0, 300.0, 10.0], [0.0, 0.0, 0.0])
    assert rm.kpi_text(steps.iloc[0]) == "Tickets about “sync” in four weeks: 60 tickets today, target zero"


def test_claim_steps_use_the_failing_check_and_skip_unclaimed_and_watermelon_claims():
    evidence = pd.DataFrame({"claim_id": ["EV-a", "EV-b", "EV-w", "EV-c"], "dimension_id": ["outcomes"] * 4,
                             "claim": ["we resolve first time", "nobody said", "we notice watermelons", "fine"],
                             "verdict": ["contradicted", "contradicted", "contradicted", "supported"],
                             "claimed_by": ["Head of support (level 4)", "", "Agent (level 4)", "Agent (level 4)"]})
    checks = pd.DataFrame({"claim_id": ["EV-a", "EV-a", "EV-b", "EV-w", "EV-c"],
                           "indicator": ["reopen_rate", "fcr_rate", "x", "watermelon_teams", "y"],
                           "measure": ["the share reopened", "the share solved once", "m", "teams", "m"],
                           "unit": ["share", "share", "share", "teams", "share"],
                           "direction": ["at_most", "at_least", "at_most", "at_most", "at_most"],
                           "value": [0.12, 0.6, 0.5, 1.0, 0.1], "threshold": [0.08, 0.5, 0.1, 0.0, 0.2],
                           "passes": pd.array([False, True, False, False, True], dtype="boolean")})
    steps = rm.claim_steps(evidence, checks, pd.Series({"outcomes": "Head of support"}))
    assert len(steps) == 1
    s = steps.iloc[0]
    assert (s["section"], s["kpi"], s["current"], s["target"], s["direction"]) == (
        CLAIMS, "The share reopened", 0.12, 0.08, "at_most")
    assert s["answers"] == 'The data does not support "we resolve first time"'


def test_disagreement_step_for_the_largest_flagged_difference():
    frame = pd.DataFrame({"dimension": ["Voice", "People", "Outcomes"], "flagged": [True, False, True],
                          "score_a": [4.0, 3.0, 1.0], "score_b": [2.0, 1.0, 4.0], "difference": [2.0, 2.0, -3.0],
                          "threshold": [1.5, 1.5, 1.5]})
    s = rm.disagreement_steps(frame).iloc[0]
    assert (s["section"], s["current"], s["target"], s["unit"]) == (DISAGREEMENT, 3.0, 1.5, "levels")
    assert s["answers"] == "Management and frontline disagree most on Outcomes (1.0 vs 4.0)"
    assert rm.disagreement_steps(frame.assign(flagged=False)).empty


def test_gap_steps_carry_the_dimension_owner_and_level():
    answers = validate(pd.DataFrame({"respondent": ["Dana", "Dana"], "role": ["head of support"] * 2,
                                     "question_id": ["DS-1", "DS-2"], "level": ["2", "3"]}), "maturity_answers")
    plan = build_roadmap(answers, load_model(), targets={"destination": 4})
    steps = rm.gap_steps(plan)
    assert len(steps) == len(plan) and set(steps["section"]) == {MATURITY}
    first = steps.iloc[0]
    assert (first["owner"], first["unit"], first["current"], first["target"]) == ("Head of support", "level", 2.5, 4.0)
    assert first["answers"].startswith("Gap in Destination and strategy: 2.5 against a target of 4.0 (question DS-")


def test_report_roadmap_orders_by_phase_then_weight_and_numbers_every_step():
    steps = rm.report_roadmap(rm.survey_steps(pd.DataFrame({"label": ["x"], "odds_ratio": [2.0],
                                                            "significant": [True]})),
                              rm.operations_steps(WATERMELON_FRAME, hedging=HEDGING_FRAME),
                              rm.disagreement_steps(None))
    assert steps["source"].tolist() == ["watermelon", "hedging", "driver"]
    assert steps["priority"].tolist() == [1, 2, 3] and list(steps.columns) == rm.STEP_COLUMNS
    assert rm.report_roadmap().empty and list(rm.report_roadmap().columns) == rm.STEP_COLUMNS


@pytest.mark.parametrize(("value", "unit", "text"), [
    (0.51, "share", "51%"), (2.25, "level", "2.2"), (3.0, "levels", "3.0 levels"), (1.0, "levels", "1.0 level"),
    (0.0, "tickets", "0 tickets"), (1.0, "tickets", "1 ticket"), (5.7, "ratio", "5.7"), (30.0, "days", "30 days"),
    (1.5, "replies", "1.5 replies")])
def test_kpi_value_in_its_unit(value, unit, text):
    assert rm.kpi_value(value, unit) == text


def test_roadmap_html_shows_every_step_grouped_by_phase_with_links_and_escapes():
    rows = [rm.operations_steps(WATERMELON_FRAME.assign(segment=["<b>Rapid</b>", "B", "C", "D"]))]
    gaps = pd.DataFrame([{"recommendation": f"Step {i}", "dimension": "Outcomes", "question_id": f"MO-{i}",
                          "dimension_gap": 1.0, "target": 3.0, "phase": "3-6 months" if i % 2 else "6-12 months",
                          "gap_closed": 0.5, "from_level": 2, "to_level": 3, "effort": "low", "owner": "Lead"}
                         for i in range(40)])
    steps = rm.report_roadmap(*rows, rm.gap_steps(gaps))
    page = rm.roadmap_html(steps)
    captions = re.findall(r"<caption>(.*?)</caption>", page)
    assert captions == ["First 90 days: 1 step", "3-6 months: 20 steps", "6-12 months: 20 steps"]
    assert page.count("<tr>") == 3 + 41 and "Showing" not in page
    assert '<a href="#Operations-and-the-watermelon-check">&lt;b&gt;Rapid&lt;/b&gt; looks green' in page
    assert page.count('<a href="#Maturity">') == 40 and "<b>" not in page
    assert 'scope="col"' in page and "CSAT of &lt;b&gt;Rapid&lt;/b&gt;: 50% today, target at least 85%" in page
    assert "No roadmap steps" in rm.roadmap_html(rm.report_roadmap())


def test_recommendations_are_the_first_steps_one_per_kind_with_owner_kpi_and_link():
    steps = rm.report_roadmap(rm.operations_steps(WATERMELON_FRAME, too_quick=TOO_QUICK, hedging=HEDGING_FRAME))
    problems = rm.report_roadmap(rm.problem_steps(_clusters()), rm.operations_steps(hedging=HEDGING_FRAME))
    assert rm.top_recommendations(problems)["source"].tolist() == ["problem", "hedging"]
    page = rm.recommendations_html(steps, n=2)
    items = re.findall(r"<li>(.*?)</li>", page)
    assert len(items) == 2 and items[0].startswith("<strong>Hold Rapid to resolution, not speed")
    assert "Owner: Team lead, Rapid. CSAT of Rapid: 50% today, target at least 85%." in items[0]
    assert 'href="#Conversation-quality"' in items[1]
    assert 'The 3 steps, grouped by phase, are in <a href="#Recommendations-and-roadmap">' in page
    assert rm.recommendations_html(rm.report_roadmap()) == ""
