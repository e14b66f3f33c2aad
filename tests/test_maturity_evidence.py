"""Evidence: typed inputs, indicators from the owning modules, one verdict per claim that agrees with its sentence."""

import ast
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from toolkit.errors import ConfigError, DataError
from toolkit.maturity.evidence import VERDICT_OPENINGS, evaluate_evidence, evidence_checks
from toolkit.maturity.indicators import INDICATORS, Indicator, IndicatorUnavailable, compute_indicators
from toolkit.maturity.inputs import EvidenceData, read_evidence_data
from toolkit.maturity.model import model_from_dict
from toolkit.schema import validate

FIXTURES = Path(__file__).parent / "fixtures" / "maturity"
MATURITY = Path(__file__).resolve().parents[1] / "toolkit" / "maturity"


def _registry(**values):
    """A registry whose indicators return the given values (None: unavailable, with a plain reason)."""
    def make(name, value):
        def compute(data, tz):
            if value is None:
                raise IndicatorUnavailable("no tickets were provided")
            return value, f"{value:.0%} measured"
        return Indicator(name, "test", "share", compute)

    return {name: make(name, value) for name, value in values.items()}


def _two_check_model():
    """The tiny model with its claim checked twice: reopens (at most 10%) and first contact (at least 50%)."""
    data = yaml.safe_load((FIXTURES / "tiny.yaml").read_text())
    data["evidence"][0]["checks"].append({"indicator": "fcr_rate", "measure": "the share solved at first contact",
                                          "direction": "at_least", "threshold": 0.5})
    return model_from_dict(data)


# --- verdicts -------------------------------------------------------------------------------------------------


def test_a_claim_the_data_contradicts(answers, model):
    # B-1: Ann 4, Bob 2, Cy 3 -> median 3 < claim level 4: the combined answer does not make the claim; Ann does.
    e = evaluate_evidence(model, answers, EvidenceData(), indicators=_registry(reopen_rate=0.25)).iloc[0]
    assert (e["claim_id"], e["verdict"], e["answered_level"], e["claimed"]) == ("EV-reopen", "contradicted", 3.0, False)
    assert e["claimed_by"] == e["contradicted_respondents"] == "Ann (manager, level 4)"
    assert e["reason"] == ("25% measured (the claim needs the share of solved tickets that were reopened to be at most "
                           "10%)")
    assert e["finding"] == ('The data does not support "we resolve on first contact": 25% measured (the claim needs '
                            "the share of solved tickets that were reopened to be at most 10%). It contradicts the "
                            "answer of Ann (manager, level 4).")


def test_a_claim_the_data_supports(answers, model):
    e = evaluate_evidence(model, answers, EvidenceData(), indicators=_registry(reopen_rate=0.05)).iloc[0]
    assert e["verdict"] == "supported"
    assert e["contradicted_respondents"] == ""
    assert e["finding"].startswith('The data supports "we resolve on first contact": 5% measured')
    assert e["finding"].endswith("It confirms the answer of Ann (manager, level 4).")


def test_a_claim_nobody_made(model):
    frame = validate(pd.DataFrame({"respondent": ["Ann", "Bob"], "role": ["manager", "agent"],
                                   "question_id": ["B-1", "B-1"], "level": ["2", "3"]}), "maturity_answers")
    e = evaluate_evidence(model, frame, EvidenceData(), indicators=_registry(reopen_rate=0.3)).iloc[0]
    assert (e["verdict"], e["claimed"], e["claimed_by"], e["contradicted_respondents"]) == (
        "contradicted", False, "", "")
    assert e["finding"].endswith("No interviewee made this claim (answers at level 4 or above make it).")


def test_combined_claim_contradicted_and_anonymised_labels(model):
    frame = validate(pd.DataFrame({"respondent": ["Manager", "Agent 1"], "role": ["manager", "agent"],
                                   "question_id": ["B-1", "B-1"], "level": ["5", "4"]}), "maturity_answers")
    e = evaluate_evidence(model, frame, EvidenceData(), indicators=_registry(reopen_rate=0.3)).iloc[0]
    assert (e["answered_level"], e["claimed"], e["verdict"]) == (4.5, True, "contradicted")
    # A label that already is the role is not repeated.
    assert e["contradicted_respondents"] == "Manager (level 5); Agent 1 (level 4)"
    assert "It contradicts the answers of Manager (level 5); Agent 1 (level 4)." in e["finding"]


def test_a_claim_without_data_is_not_enough_data_with_the_reason(answers, model):
    e = evaluate_evidence(model, answers, EvidenceData(), indicators=_registry(reopen_rate=None))
    assert e.loc[0, "verdict"] == "not enough data"
    assert e.loc[0, "finding"] == 'Not enough data to test "we resolve on first contact": no tickets were provided.'
    assert e.attrs["notes"] == ["1 of 1 interview claims could not be tested for lack of data (B-1)."]


def test_one_verdict_per_claim_with_several_checks(answers):
    model = _two_check_model()
    # One check fails: contradicted, and the reason gives only the failing check.
    e = evaluate_evidence(model, answers, EvidenceData(), indicators=_registry(reopen_rate=0.05, fcr_rate=0.3))
    assert len(e) == 1 and e.loc[0, "verdict"] == "contradicted"
    assert e.loc[0, "reason"] == "30% measured (the claim needs the share solved at first contact to be at least 50%)"
    # Both pass: supported, with both numbers.
    e = evaluate_evidence(model, answers, EvidenceData(), indicators=_registry(reopen_rate=0.05, fcr_rate=0.6))
    assert e.loc[0, "verdict"] == "supported"
    assert e.loc[0, "reason"].count("measured (the claim needs") == 2
    # One passes, one cannot be measured: supported on what was measured, and the gap is named.
    e = evaluate_evidence(model, answers, EvidenceData(), indicators=_registry(reopen_rate=0.05, fcr_rate=None))
    assert e.loc[0, "verdict"] == "supported"
    assert e.loc[0, "reason"].endswith("; not measured: the share solved at first contact (no tickets were provided)")


def test_evidence_checks_one_row_per_check(answers):
    checks = evidence_checks(_two_check_model(), EvidenceData(), indicators=_registry(reopen_rate=0.1, fcr_rate=None))
    assert checks["indicator"].tolist() == ["reopen_rate", "fcr_rate"]
    assert checks.loc[0, "passes"]  # at most 10%: 10% passes
    assert pd.isna(checks.loc[1, "passes"]) and checks.loc[1, "note"] == "no tickets were provided"


def test_every_finding_opens_with_its_verdict(answers, model):
    for value in (0.05, 0.25, None):
        e = evaluate_evidence(model, answers, EvidenceData(), indicators=_registry(reopen_rate=value)).iloc[0]
        assert e["finding"].startswith(VERDICT_OPENINGS[e["verdict"]] + ' "')


def test_thresholds_read_in_their_unit(answers):
    data = yaml.safe_load((FIXTURES / "tiny.yaml").read_text())
    data["evidence"][0]["checks"] = [
        {"indicator": "watermelon_teams", "measure": "flagged teams", "direction": "at_most", "threshold": 0},
        {"indicator": "median_agent_replies", "measure": "replies", "direction": "at_most", "threshold": 1},
        {"indicator": "csat_change", "measure": "the change", "direction": "at_least", "threshold": 0.02},
        {"indicator": "open_problem_cluster_age_days", "measure": "the age", "direction": "at_most", "threshold": 30}]
    registry = {name: Indicator(name, "test", INDICATORS[name].unit, lambda data, tz: (99.0, "99"))
                for name in ("watermelon_teams", "median_agent_replies", "open_problem_cluster_age_days")}
    # a change of shares is a fraction: 0.01 is one percentage point, short of the two the claim needs
    registry["csat_change"] = Indicator("csat_change", "test", INDICATORS["csat_change"].unit,
                                        lambda data, tz: (0.01, "up 1 point"))
    reason = evaluate_evidence(model_from_dict(data), answers, EvidenceData(), indicators=registry).loc[0, "reason"]
    assert reason == ("99 (the claim needs flagged teams to be zero); 99 (the claim needs replies to be at most 1 "
                      "reply); up 1 point (the claim needs the change to be at least 2 percentage points); 99 (the "
                      "claim needs the age to be at most 30 days)")


def test_no_code_identifier_in_any_shipped_sentence_part():
    from toolkit.maturity.model import load_model

    rules = load_model().evidence_rules
    for text in [*rules["claim"], *rules["measure"]]:
        assert not any(name in text for name in INDICATORS), text


# --- typed inputs -----------------------------------------------------------------------------------------------


def test_a_dict_of_tables_is_refused_at_the_call(answers, model):
    with pytest.raises(TypeError, match="data must be an EvidenceData, got dict"):
        evaluate_evidence(model, answers, {"tickets": None})


def test_a_misnamed_input_is_an_error_at_the_call():
    with pytest.raises(TypeError, match="unexpected keyword argument 'clusters'"):
        EvidenceData(clusters=pd.DataFrame())


def test_inputs_must_be_frames_and_assignments_need_their_columns():
    with pytest.raises(ConfigError) as info:
        EvidenceData(invitations=[1, 2])
    assert str(info.value) == ("`invitations`: expected a DataFrame (the canonical survey_invitations table), got "
                               "list. Fix: pass the frame a loader returns, or None when there is none")
    with pytest.raises(DataError) as info:
        EvidenceData(duplicate_assignments=pd.DataFrame({"ticket_id": ["1"], "cluster": [0]}))
    assert info.value.column == "cluster_id"
    assert "DuplicateFinder(...).fit(tickets).assignments_" in str(info.value)


def test_read_evidence_data_from_a_folder(tmp_path):
    (tmp_path / "tickets.csv").write_text("ticket_id,created_at,status,channel\n1,2026-01-05T10:00:00Z,solved,email\n")
    (tmp_path / "duplicate_assignments.csv").write_text("ticket_id,cluster_id\n1,-1\n")
    data = read_evidence_data(tmp_path)
    assert data.given() == ["tickets", "duplicate_assignments"]
    assert data.duplicate_assignments["cluster_id"].dtype == "int64"
    (tmp_path / "empty").mkdir()
    with pytest.raises(DataError, match="no tickets or survey_responses table in the folder"):
        read_evidence_data(tmp_path / "empty")


# --- indicators ---------------------------------------------------------------------------------------------


def test_every_shipped_indicator_says_why_without_data():
    result = compute_indicators(EvidenceData())
    assert list(result["indicator"]) == list(INDICATORS)
    assert result["value"].isna().all()
    assert result.set_index("indicator")["note"].to_dict() == {
        "csat_response_rate": "no survey invitations were provided",
        "csat_ci_width": "no survey answers were provided",
        "top_agents_ticket_share": "no tickets were provided",
        "top_agents_hard_share": "no tickets were provided",
        "reopen_rate": "no tickets were provided",
        "fcr_rate": "no tickets were provided",
        "median_agent_replies": "no tickets were provided",
        "hero_agents": "no tickets were provided",
        "early_survey_teams": "no survey invitations were provided",
        "hedged_reply_share": "no ticket messages were provided",
        "false_hope_reply_share": "no ticket messages were provided",
        "release_spike_share": "no tickets were provided",
        "watermelon_teams": "no tickets were provided",
        "open_problem_cluster_age_days": "no tickets were provided",
        "csat_change": "no survey answers were provided",
    }


def _tickets(n_agents_hard: dict[str, int]) -> pd.DataFrame:
    rows = []
    for agent, count in n_agents_hard.items():
        for i in range(count):
            rows.append({"ticket_id": f"{agent}-{i}", "created_at": "2026-01-05 10:00", "status": "solved",
                         "channel": "email", "assignee": agent, "reopens": 1 if i == 0 else 0,
                         "agent_replies": 1 if i % 2 else 3, "team": "A"})
    return validate(pd.DataFrame(rows), "tickets")


def test_conversation_indicators_come_from_toolkit_ops():
    tickets = _tickets({"a": 10, "b": 10})
    result = compute_indicators(EvidenceData(tickets=tickets), ["reopen_rate", "fcr_rate", "median_agent_replies"])
    # 2 of 20 tickets reopened; one-reply tickets are the odd positions (5 per agent), none reopened.
    assert result["value"].tolist() == pytest.approx([0.1, 0.5, 2.0])
    assert result["detail"].tolist() == ["10.0% of 20 solved tickets were reopened",
                                         "50.0% of solved tickets were resolved with one agent reply and never "
                                         "reopened",
                                         "a typical ticket needed 2 agent replies (mean 2.00)"]


def test_a_missing_column_is_named_in_plain_words():
    tickets = _tickets({"a": 3}).drop(columns="assignee")
    result = compute_indicators(EvidenceData(tickets=tickets), ["top_agents_ticket_share"]).iloc[0]
    assert result["note"] == "the tickets carry no assignee"


def _cluster_tickets():
    return validate(pd.DataFrame({
        "ticket_id": [f"t{i}" for i in range(24)],
        "created_at": ([f"2026-01-{d:02d} 09:00" for d in range(1, 13)]          # cluster 1: Jan 1-12, all solved
                       + [f"2026-02-{d:02d} 09:00" for d in range(1, 11)]        # cluster 2: Feb 1-10, one open
                       + ["2026-03-01 09:00", "2026-03-02 09:00"]),             # unclustered
        "status": ["solved"] * 21 + ["open", "solved", "solved"], "channel": "email"}), "tickets")


def test_recurring_problem_age_from_duplicate_assignments():
    tickets = _cluster_tickets()
    assignments = pd.DataFrame({"ticket_id": tickets["ticket_id"], "cluster_id": [1] * 12 + [2] * 10 + [-1] * 2})
    result = compute_indicators(EvidenceData(tickets=tickets, duplicate_assignments=assignments),
                                ["open_problem_cluster_age_days"]).iloc[0]
    # Only cluster 2 is still active (an open ticket); as of 2026-03-02 09:00 it is 29 days old.
    assert result["value"] == 29.0
    assert result["detail"] == ("1 recurring problem of 10 or more tickets is still active, typically 29 days after "
                                "its first ticket")


def test_recurring_problem_age_needs_the_assignments():
    tickets = _cluster_tickets()
    notes = [compute_indicators(EvidenceData(tickets=tickets, duplicate_assignments=a),
                                ["open_problem_cluster_age_days"]).loc[0, "note"]
             for a in (None, pd.DataFrame({"ticket_id": tickets["ticket_id"], "cluster_id": -1}))]
    assert notes == ["the tickets were not grouped into recurring problems",
                     "no recurring problem was found in the tickets"]


def test_hedged_reply_share_comes_from_toolkit_ops_hedging():
    messages = validate(pd.DataFrame({
        "ticket_id": ["1", "1", "2", "3", "4"],
        "created_at": "2026-01-05 10:00",
        "author_role": ["customer", "agent", "agent", "agent", "agent"],
        "public": "true",
        "body": ["It should work, right?", "That should now be fixed.", "The blog is now under your account.",
                 "Your invoice is attached.", "I have reset your password."],
        "author": ["c", "a", "a", "b", "b"]}), "messages")
    result = compute_indicators(EvidenceData(messages=messages), ["hedged_reply_share"]).iloc[0]
    assert result["value"] == 0.25  # one of four agent replies hedges; the customer's "should" does not count
    assert result["detail"] == '25.0% of 4 public agent replies hedge ("should", "looks like", ...)'


# --- structure ------------------------------------------------------------------------------------------------


def _imports(module: Path) -> set[str]:
    """The toolkit.maturity modules ``module`` imports, at any depth of its code."""
    found = set()
    for node in ast.walk(ast.parse(module.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("toolkit.maturity."):
            found.add(node.module.removeprefix("toolkit.maturity."))
    return found


def test_no_import_cycle_inside_toolkit_maturity():
    graph = {p.stem: _imports(p) for p in MATURITY.glob("*.py") if p.stem != "__init__"}
    state: dict[str, str] = {}

    def visit(name, path):
        if state.get(name) == "open":
            raise AssertionError(f"import cycle: {' -> '.join([*path, name])}")
        if state.get(name) != "done":
            state[name] = "open"
            for other in graph.get(name, ()):
                visit(other, [*path, name])
            state[name] = "done"

    for name in graph:
        visit(name, [])
    assert "evidence" not in graph["model"] and "scoring" not in graph["model"]


def test_indicators_call_their_owning_modules_directly():
    tree = ast.parse((MATURITY / "indicators.py").read_text())
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    assert "importlib" not in imported
    called = {f"{node.func.value.id}.{node.func.attr}" for node in ast.walk(tree) if isinstance(node, ast.Call)
              and isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name)
              and node.func.value.id in ("ops", "survey", "duplicates")}
    assert called == {"ops.workload_concentration", "ops.conversation_summary", "ops.watermelon", "ops.hedging",
                      "ops.heroes_and_rework", "ops.language", "ops.volume_spikes", "survey.response_rates",
                      "survey.csat", "survey.survey_trend", "survey.early_surveys", "duplicates.cluster_summary"}


def test_survey_indicators_are_fractions_like_their_thresholds():
    from statsmodels.stats.proportion import proportion_confint

    scores = [5] * 30 + [2] * 10 + [5] * 24 + [1] * 16  # Q1: 30 of 40 satisfied; Q2: 24 of 40
    dates = ["2026-02-01T10:00Z"] * 40 + ["2026-05-01T10:00Z"] * 40
    responses = validate(pd.DataFrame({
        "response_id": [f"r{i}" for i in range(80)], "survey": "csat", "score": scores, "scale": "1-5",
        "submitted_at": dates, "ticket_id": [f"t{i}" for i in range(80)]}), "survey_responses")
    invitations = validate(pd.DataFrame({
        "invitation_id": [f"i{i}" for i in range(200)], "survey": "csat", "sent_at": "2026-01-15T09:00Z",
        "ticket_id": [f"t{i}" for i in range(200)]}), "survey_invitations")
    data = EvidenceData(survey_responses=responses, invitations=invitations)
    rate, detail = INDICATORS["csat_response_rate"].compute(data, "UTC")
    assert (rate, detail) == (0.4, "80 of 200 satisfaction surveys were answered")
    width, detail = INDICATORS["csat_ci_width"].compute(data, "UTC")
    low, high = proportion_confint(54, 80, method="wilson")
    assert width == pytest.approx(high - low)
    assert detail.startswith("67.5% of 80 customers were satisfied, with a 95% interval from ")
    change, detail = INDICATORS["csat_change"].compute(data, "UTC")
    assert change == pytest.approx(24 / 40 - 30 / 40)
    assert detail.startswith("75.0% of customers were satisfied in the quarter from ")
    assert {INDICATORS[n].unit for n in ("csat_ci_width", "csat_change")} == {"share_difference"}


def test_false_hope_and_release_spike_indicators_for_the_change_questions():
    from ops_frames import messages as message_frame
    from ops_frames import tickets as ticket_frame

    talk = message_frame([("T1", "2026-01-05T10:00Z", "agent", True, "I've recorded your vote."),
                          ("T1", "2026-01-05T10:05Z", "customer", True, "We'll consider it, you said?"),
                          ("T2", "2026-01-05T10:00Z", "agent", True, "Shipped today."),
                          ("T2", "2026-01-05T10:00Z", "agent", True, "It is on the roadmap for May 3.")])
    share, detail = INDICATORS["false_hope_reply_share"].compute(EvidenceData(messages=talk), "UTC")
    assert (share, detail) == (1 / 3, '33.3% of 3 public agent replies promise without committing ("I\'ve passed '
                                      'your feedback on", "we\'ll consider it", ...)')
    days = pd.date_range("2026-01-05", periods=77, freq="D") + pd.Timedelta(hours=12)
    created = np.repeat(days, [10] * 56 + [40] * 21)
    tickets = ticket_frame([{"created_at": t.isoformat() + "Z", "product": "Login"} for t in created])
    releases = pd.DataFrame({"date": pd.to_datetime(["2025-12-01", "2026-01-20", "2026-02-27"]),
                             "name": ["Before the data", "Quiet", "Login 4.2"], "product": ["", "Login", "Login"]})
    value, detail = INDICATORS["release_spike_share"].compute(EvidenceData(tickets=tickets, releases=releases), "UTC")
    assert (value, detail) == (0.5, "1 of 2 releases and changes in the period were followed within 7 days by a "
                                    "rise in new tickets")
    with pytest.raises(IndicatorUnavailable, match="no calendar of releases and changes was provided"):
        INDICATORS["release_spike_share"].compute(EvidenceData(tickets=tickets), "UTC")
