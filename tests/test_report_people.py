"""toolkit.report.people and its use in the report: agents pseudonymised, interviewees shown as role groups.

The last tests read the demo, rendered once per session as a consultant would (``support-toolkit report --demo``),
for any agent or interviewee name from the sample data.
"""

import re
from html import unescape
from pathlib import Path

import pandas as pd
import pytest

from toolkit.report import data_quality, load_engagement, validate_parameters
from toolkit.report.batch import job_from_options
from toolkit.report.cli import _people_options
from toolkit.report.people import (
    agent_names,
    agent_pseudonyms,
    group_scores,
    grouped_answers,
    hide_small_groups,
    interviewee_groups,
    pseudonymise_text,
    respondent_ids,
)

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"
GROUPS = {"head of support": "management", "product manager": "management", "agent": "frontline",
          "team lead": "frontline"}


def test_pseudonyms_are_stable_keyed_and_not_alphabetical():
    agents = ["Ann Lee", "Bo Chan", "Cy Diaz", "Di Evans"]
    labels = agent_pseudonyms(agents, key="Northwind Cloud")
    assert labels == {"Cy Diaz": "Agent 01", "Di Evans": "Agent 02", "Bo Chan": "Agent 03", "Ann Lee": "Agent 04"}
    assert agent_pseudonyms(["Di Evans", "Ann Lee", "Cy Diaz", "Bo Chan", "Ann Lee"], key="Northwind Cloud") == labels
    assert agent_pseudonyms(agents, key="Acme") == {"Cy Diaz": "Agent 01", "Bo Chan": "Agent 02",
                                                    "Di Evans": "Agent 03", "Ann Lee": "Agent 04"}
    many = agent_pseudonyms([f"agent {i}" for i in range(120)], key="k")
    assert sorted(many.values())[:2] == ["Agent 001", "Agent 002"] and len(set(many.values())) == 120
    assert agent_pseudonyms([], key="k") == {}


def test_agent_names_come_from_assignees_and_agent_messages_only():
    tickets = pd.DataFrame({"assignee": ["Ann Lee", None, "Bo Chan"]})
    messages = pd.DataFrame({"author_role": ["agent", "customer", "system", "agent"],
                             "author": ["Cy Diaz", "customer", "system", None]})
    assert agent_names(tickets, messages) == ["Ann Lee", "Bo Chan", "Cy Diaz"]
    assert agent_names(None, None) == []


def test_text_mentions_of_agents_become_their_labels():
    labels = {"Uma Rahman": "Agent 03", "Ben Carter": "Agent 11", "Ella Novak": "Agent 05", "Ella Stone": "Agent 09",
              "Grace Lin": "Agent 07"}
    text = pd.Series(["Uma and the team go the extra mile.", "From: Ben Carter <x>", "Thanks Ella!", None,
                      "Umami and a grace period", "Uma's reply", "Regards, Grace Lin"], index=[5, 6, 7, 8, 9, 10, 11])
    out = pseudonymise_text(text, labels)
    assert out.index.tolist() == [5, 6, 7, 8, 9, 10, 11] and pd.isna(out[8])
    assert out.drop(8).tolist() == ["Agent 03 and the team go the extra mile.", "From: Agent 11 <x>",
                                    "Thanks [name]!",  # two agents are called Ella: which one is unknown
                                    "Umami and a grace period", "Agent 03's reply", "Regards, Agent 07"]
    assert text[5] == "Uma and the team go the extra mile."  # the input is not changed


def test_interviewees_appear_as_role_groups_of_two_or_more():
    answers = pd.DataFrame({"respondent": ["Dana", "Sam", "Lee", "Priya", "Tom", "Kim"],
                            "role": ["head of support", "team lead", "agent", "product manager", "cto", "designer"]})
    assert interviewee_groups(answers, GROUPS) == {
        "Dana": "Management (2)", "Sam": "Frontline (2)", "Lee": "Frontline (2)", "Priya": "Management (2)",
        "Tom": "Other teams (2)", "Kim": "Other teams (2)"}  # roles in no group of the model
    # Priya and Sam agreed to be named: Dana and Lee are left alone in their groups and pool together
    assert interviewee_groups(answers, GROUPS, named=["Priya", "Sam"]) == {
        "Dana": "Respondents (2)", "Sam": "Sam (team lead)", "Lee": "Respondents (2)",
        "Priya": "Priya (product manager)", "Tom": "Other teams (2)", "Kim": "Other teams (2)"}


def test_a_pooled_group_of_one_pools_everyone():
    answers = pd.DataFrame({"respondent": ["Dana", "Priya", "Sam", "Lee", "Kim"],
                            "role": ["head of support", "product manager", "team lead", "agent", "designer"]})
    assert set(interviewee_groups(answers, GROUPS).values()) == {"Respondents (5)"}


def test_group_scores_are_the_median_of_members_and_sentences_count_members():
    scores = pd.DataFrame({"respondent": ["R1", "R2", "R3", "R1", "R2", "R3"],
                           "role": ["head of support", "product manager", "agent"] * 2,
                           "group": ["management", "management", "frontline"] * 2,
                           "dimension_id": ["A"] * 3 + ["B"] * 3, "dimension": ["Alpha"] * 3 + ["Beta"] * 3,
                           "score": [2.0, 4.0, 1.0, 3.0, 3.0, 5.0], "answered": [2, 2, 1, 1, 1, 1]})
    labels = {"R1": "Management (2)", "R2": "Management (2)", "R3": "Respondents (1)"}
    out = group_scores(scores, labels)
    assert out.columns.tolist() == scores.columns.tolist()
    assert out[["respondent", "dimension_id", "score", "answered", "role"]].values.tolist() == [
        ["Management (2)", "A", 3.0, 4, ""], ["Respondents (1)", "A", 1.0, 1, ""],
        ["Management (2)", "B", 3.0, 2, ""], ["Respondents (1)", "B", 5.0, 1, ""]]
    answers = pd.DataFrame({"respondent": ["R1", "R2"], "role": ["head of support", "agent"], "level": [4, 3]})
    assert grouped_answers(answers, labels)[["respondent", "role"]].values.tolist() == [
        ["Management (2)", "Management (2)"], ["Management (2)", "Management (2)"]]


def test_evidence_sentences_name_groups_not_people():
    from toolkit.maturity.evidence import _people

    claimers = pd.DataFrame({"respondent": ["Management (3)", "Management (3)", "Frontline (2)"],
                             "role": ["Management (3)", "Management (3)", "Frontline (2)"], "level": [4, 3, 4]})
    assert _people(claimers) == "2 of 3 management interviewees (levels 3–4); 1 of 2 frontline interviewees (level 4)"
    answers = pd.DataFrame({"respondent": ["Dana", "Sam", "Lee"], "role": ["head of support", "agent", "agent"],
                            "level": [4, 4, 2]})
    labels = {"Dana": "Dana (head of support)", "Sam": "Frontline (2)", "Lee": "Frontline (2)"}
    assert _people(grouped_answers(answers, labels)) == (
        "Dana (head of support, level 4); all 2 frontline interviewees (levels 2–4)")


def test_disagreements_with_a_group_of_one_are_not_shown():
    frame = pd.DataFrame({"dimension_id": ["A", "B"], "score_a": [4.0, 3.0], "score_b": [2.0, 3.0],
                          "difference": [2.0, 0.0], "respondents_a": [3, 3], "respondents_b": [1, 2],
                          "flagged": [True, False], "note": ["", ""]})
    out = hide_small_groups(frame)
    assert out.loc[0, ["score_a", "score_b", "difference"]].isna().all() and not out.loc[0, "flagged"]
    assert out.loc[0, "note"] == "not shown: a group has fewer than 2 respondents"
    assert out.loc[1, ["score_a", "score_b", "difference"]].tolist() == [3.0, 3.0, 0.0]
    assert frame.loc[0, "score_a"] == 4.0  # the input is not changed
    assert hide_small_groups(frame.iloc[[1]]) is frame.iloc[[1]] or hide_small_groups(frame.iloc[[1]]).equals(
        frame.iloc[[1]])


def test_respondent_ids_keep_roles_and_the_named():
    answers = pd.DataFrame({"respondent": ["Dana", "Dana", "Sam", "Lee"], "role": ["head of support"] * 2 +
                            ["team lead", "agent"]})
    out = respondent_ids(answers, named=["Lee"])
    assert out["respondent"].tolist() == ["Respondent 1", "Respondent 1", "Respondent 2", "Lee"]
    assert out["role"].tolist() == answers["role"].tolist()


TICKETS = """ticket_id,created_at,status,channel,assignee,organization_id,subject,description
1,2026-01-05T10:00:00Z,solved,email,Uma Rahman,Vantage Events GmbH,Invoice INV-20391,"Hi Uma, order #88812 is late"
2,2026-01-06T10:00:00Z,solved,chat,Ben Carter,Redwood Labs,Question for redwood labs,Ben was great
3,2026-01-07T10:00:00Z,open,chat,,Redwood Labs,No assignee,Nothing
"""
MESSAGES = """ticket_id,created_at,author_role,public,body,author
1,2026-01-05T10:05:00Z,agent,true,"Sorted.
Kind regards,
Uma Rahman",Uma Rahman
1,2026-01-05T10:01:00Z,customer,true,Thanks Uma!,customer
2,2026-01-06T10:05:00Z,agent,true,Uma will call you,Ben Carter
"""


@pytest.fixture
def files(tmp_path):
    (tmp_path / "tickets.csv").write_text(TICKETS)
    (tmp_path / "messages.csv").write_text(MESSAGES)
    return tmp_path


def _load(files, **extra):
    return load_engagement(validate_parameters({"client_name": "Acme", "tickets_path": "tickets.csv",
                                                "messages_path": "messages.csv", **extra}, base_dir=files))


def test_agents_are_pseudonymised_at_load_everywhere(files):
    eng = _load(files)
    labels = agent_pseudonyms(["Uma Rahman", "Ben Carter"], key="Acme")
    uma, ben = labels["Uma Rahman"], labels["Ben Carter"]
    assert eng.tickets["assignee"].tolist()[:2] == [uma, ben] and pd.isna(eng.tickets["assignee"].iloc[2])
    assert eng.messages["author"].tolist() == [uma, "customer", ben]
    assert eng.messages["body"].tolist() == ["Sorted.\nKind regards,\n[name]", "Thanks [name]!", f"{uma} will call you"]
    assert eng.tickets["description"].tolist() == ["Hi [name], order [reference] is late", f"{ben} was great",
                                                   "Nothing"]
    # the organisation column holds names in this export: they are masked in any case
    assert eng.tickets["subject"].tolist() == ["Invoice [reference]", "Question for [organisation]", "No assignee"]
    notes = data_quality(eng).set_index("table")["notes"]
    assert "Agents shown as pseudonyms (Agent 01...)." in notes["tickets"]
    assert "Agents shown as pseudonyms (Agent 01...)." in notes["messages"]
    again = _load(files)
    assert again.tickets["assignee"].equals(eng.tickets["assignee"])  # stable across re-renders


def test_show_names_keeps_agents_for_internal_use(files):
    eng = _load(files, show_names=True)
    assert eng.tickets["assignee"].tolist()[:2] == ["Uma Rahman", "Ben Carter"]
    assert eng.messages["author"].tolist() == ["Uma Rahman", "customer", "Ben Carter"]
    assert "Pseudonym" not in " ".join(data_quality(eng)["notes"])


def test_show_names_and_named_respondents_reach_the_parameters(tmp_path):
    (tmp_path / "t.csv").write_text(TICKETS)
    job = job_from_options({"client": "Acme", "tickets": "t.csv", **_people_options(True, ("Dana", "Lee"))},
                           base_dir=tmp_path)
    assert job.parameters.show_names is True and job.parameters.named_respondents == ("Dana", "Lee")
    default = job_from_options({"client": "Acme", "tickets": "t.csv", **_people_options(False, ())},
                               base_dir=tmp_path)
    assert default.parameters.show_names is False and default.parameters.named_respondents == ()
    with pytest.raises(Exception, match="`named_respondents`: expected a list of names, got 3"):
        validate_parameters({"tickets_path": "t.csv", "named_respondents": 3}, base_dir=tmp_path)


# --- the rendered demo ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_page(demo_report):
    """The demo (rendered once per session, conftest's ``demo_report``) without the plotly.js library: visible
    text, chart data (hover text included), attributes."""
    return unescape(re.sub(r"<script(?![^>]*application/json)[^>]*>.*?</script>", " ", demo_report, flags=re.S))


def test_no_agent_of_the_sample_is_named_in_the_demo(demo_page):
    tickets = pd.read_csv(SAMPLES / "tickets.csv.gz", usecols=["assignee"])
    agents = sorted(tickets["assignee"].dropna().unique())
    assert len(agents) == 27
    for name in agents:
        assert name not in demo_page and name.replace("'", "\\u0027") not in demo_page, name
        first = name.split()[0]
        assert not re.search(rf"\b{first}\b", demo_page), first
    assert re.search(r"Agent \d\d", demo_page)


def test_no_interviewee_is_named_or_identified_by_role_in_the_demo(demo_page):
    answers = pd.read_csv(SAMPLES / "maturity_answers.csv", usecols=["respondent", "role"])
    for name in answers["respondent"].unique():
        assert not re.search(rf"\b{name}\b", demo_page), name
    assert "Management (3)" in demo_page and "Frontline (2)" in demo_page
    # roles may appear as the owners of roadmap steps (who should act), never as who said what
    said = re.sub(r'<h3 class="recommendations">.*?</ol>', " ", demo_page, flags=re.S)
    said = said[:said.index('id="Recommendations-and-roadmap"')] + said[said.index('id="Data-quality'):]
    assert not re.search(r"\b(?:Head of support|Product manager|Engineering manager|Team lead)\b", said)


def test_demo_never_calls_equal_numbers_a_real_difference(demo_page):
    same = re.findall(r"\(median\): ([\d.,]+) for respondents vs ([\d.,]+) for others \(a real difference", demo_page)
    assert all(a != b for a, b in same)
    assert "Agent replies: median 2 for both, mean" in demo_page


def _headers(page: str, caption: str) -> list[str]:
    table = page[page.index(f"<caption>{caption}</caption>"):]
    head = table[:table.index("</thead>")]
    return [re.sub(r"<[^>]+>", "", h).strip() for h in re.findall(r"<th\b[^>]*>(.*?)</th>", head, flags=re.S)]


def test_every_rate_in_the_demo_tables_shows_its_n(demo_page):
    expected = {  # caption -> (a rate column, its n column)
        "Operations and experience by team": ("CSAT", "CSAT answers"),
        "Conversation quality by team": ("Solved in one touch", "Solved"),
        "Outcomes after hedged and certain first replies": ("First reply hedged", "Tickets (hedged)"),
        "How the load spreads over each team's agents": ("Busiest agent's share of hard tickets", "Hard tickets"),
        "Management and frontline scores by dimension (levels 1-5)": ("Management", "Management respondents"),
        "Maturity by dimension (levels 1-5)": ("Questions answered", "Questions"),
    }
    for caption, (rate, n) in expected.items():
        headers = _headers(demo_page, caption)
        assert rate in headers and n in headers, (caption, headers)


def test_no_customer_organisation_of_the_sample_is_named_in_the_demo(demo_page):
    organisations = pd.read_csv(SAMPLES / "zendesk_tickets.csv", usecols=["Organization"])["Organization"]
    shown = [name for name in organisations.dropna().unique() if name in demo_page]
    assert shown == []
