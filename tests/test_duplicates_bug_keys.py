"""Bug keys from text, tags, custom fields and messages (toolkit/duplicates/bug_keys.py)."""

import pandas as pd
import pytest

from toolkit.duplicates.bug_keys import (
    cited_projects,
    extract_bug_keys,
    message_bug_keys,
    ticket_bug_keys,
    written_projects,
)
from toolkit.errors import ConfigError


def test_jira_github_and_references():
    texts = pd.Series([
        "Broken since APP-1234, see https://acme.atlassian.net/browse/APP-1234",
        "Tracked in https://github.com/Acme/Web/issues/87 and acme/api#12",
        "Order #48213 is late; the fix for #4521 did not help",
        "Times are ISO-8601 and UTF-8, ticket #99812 again",
        None,
    ])
    assert extract_bug_keys(texts).tolist() == [["APP-1234"], ["acme/api#12", "acme/web#87"], ["#4521"], [], []]


def test_lower_case_keys_count_when_their_project_is_known():
    texts = pd.Series(["crash, see APP-12", "same as app-12 and app-13", "windows-11 and utf-8 only",
                       "jira link https://x.atlassian.net/browse/bill-77"])
    assert extract_bug_keys(texts).tolist() == [["APP-12"], ["APP-12", "APP-13"], [], ["BILL-77"]]
    # the project is known from elsewhere (e.g. the tickets when reading messages)
    assert extract_bug_keys(pd.Series(["see bill-9"]), known=["BILL"]).tolist() == [["BILL-9"]]


def test_configured_projects_accept_only_those_in_any_case():
    texts = pd.Series(["bill-77 and OPS-3", "APP-5 too"])
    assert extract_bug_keys(texts, projects=["BILL", "app"]).tolist() == [["BILL-77"], ["APP-5"]]


def test_bad_projects_name_the_value_and_the_fix():
    with pytest.raises(ConfigError) as err:
        extract_bug_keys(pd.Series(["x"]), projects=["APP", "1X"])
    assert "bug_key_projects must be project keys like 'APP'" in str(err.value)
    assert "got '1X'" in str(err.value) and "e.g. ['APP', 'BILL']" in str(err.value)


def test_tickets_keys_from_tags_fields_and_messages():
    tickets = pd.DataFrame({
        "ticket_id": ["1", "2", "3", "4"],
        "subject": ["Export fails (BILL-77)", "Export fails", "Export fails", "Question #1"],
        "description": ["", "", "", "about ticket #3 and #4521"],
        "tags": [["billing"], ["billing", "bill-77"], [], None],
        "extra": [None, {}, {"Jira key": "ops-4", "Plan": "team-5"}, {"Plan": "team-5"}],
    })
    messages = pd.DataFrame({"ticket_id": ["2", "4"], "body": ["also bill-78", "nothing"]})
    found = ticket_bug_keys(tickets, messages).tolist()
    # tag "bill-77": its project is written upper-case in ticket 1; "team-5" is a plan, not a bug;
    # the custom field named "Jira key" counts whatever its case; "#1" and "#3" are too short / own ticket numbers
    assert found == [["BILL-77"], ["BILL-77", "BILL-78"], ["OPS-4"], ["#4521"]]


def test_keys_found_a_part_at_a_time_are_the_keys_found_at_once():
    """What an engine reading the tickets in parts passes: the capitalised projects of every part, and no own
    numbers (it drops them by a join on all ticket ids)."""
    tickets = pd.DataFrame({"ticket_id": ["7", "8", "9", "10"],
                            "subject": ["Sync fails, APP-12", "sync down", "see app-12", "dup of #7, see #4521"],
                            "description": ["", "Jira key in field", "", ""],
                            "extra": [{}, {"Jira key": "bill-3"}, {}, {}]})
    messages = pd.DataFrame({"ticket_id": ["8", "9"], "body": ["fixed by bill-3?", "APP-12 again, app-13 too"]})
    at_once = ticket_bug_keys(tickets, messages)
    assert at_once.tolist() == [["APP-12"], ["BILL-3"], ["APP-12", "APP-13"], ["#4521"]]
    parts = [tickets.iloc[:2], tickets.iloc[2:]]
    known = written_projects(parts[0]) | written_projects(parts[1])
    cited = cited_projects(parts[0], known=known) | cited_projects(parts[1], known=known)
    assert (known, cited) == ({"APP"}, {"APP"})  # BILL only in a key field: not a project messages may cite
    quoted = message_bug_keys(messages, known=cited)
    found = pd.concat([ticket_bug_keys(p, known=known, own_ids=()) for p in parts], ignore_index=True)
    own = {"#" + i for i in tickets["ticket_id"]}
    merged = [sorted((set(keys) | set(quoted.get(i, []))) - own) for i, keys in zip(tickets["ticket_id"], found,
                                                                                    strict=True)]
    assert merged == at_once.tolist()
