import pytest
from ops_frames import messages, responses, tickets

import toolkit.ops as ops
from toolkit.errors import ConfigError, DataError
from toolkit.ops.repeat_questions import Item


def _threads():
    return messages([
        # T1: the customer gives an invoice number and a screenshot, the agent asks for both again.
        ("T1", "2026-01-05T10:00Z", "customer", True, "Invoice INV-2026-01234 is blank. Screenshot attached."),
        ("T1", "2026-01-05T10:05Z", "agent", True, "Could you send me the invoice number and a screenshot?", "Ann"),
        ("T1", "2026-01-05T10:07Z", "agent", False, "Internal: which browser?", "Ann"),
        # T2: the agent asks before the customer gives it: a fair question, not a repeat.
        ("T2", "2026-01-05T10:00Z", "agent", True, "Which browser are you using?", "Bob"),
        ("T2", "2026-01-05T10:05Z", "customer", True, "I'm using Chrome 129."),
        ("T2", "2026-01-05T10:10Z", "agent", True, "Thanks, Chrome it is. I'll email you when it's fixed.", "Bob"),
        # T3: the e-mail was given; "please confirm your email address" asks again. The quoted mail
        # holds the agent's own address, which is not the customer giving one.
        ("T3", "2026-01-05T10:00Z", "customer", True, "Still broken.\n\nOn Mon, Bob <help@northwind.example> wrote:\n"
                                                      "> Hi"),
        ("T3", "2026-01-05T10:05Z", "agent", True, "Which email address is on the account?", "Bob"),
        ("T3", "2026-01-05T10:10Z", "customer", True, "It's anna@example.com."),
        ("T3", "2026-01-05T10:20Z", "agent", True, "Thanks. Please confirm your email address again.", "Bob"),
        # T4: another ticket's value does not count.
        ("T4", "2026-01-05T11:00Z", "agent", True, "What is your order number?", "Cy"),
    ])


def test_repeat_questions_marks_replies_that_ask_for_what_was_given_earlier():
    out = ops.repeat_questions(_threads())
    assert out["message_id"].tolist() == ["M2", "M4", "M6", "M8", "M10", "M11"]
    assert out["repeat_question"].tolist() == [True, False, False, False, True, False]
    assert out["matched_phrases"].tolist() == [("order number", "screenshot"), (), (), (), ("e-mail",), ()]
    assert out["rewrite"].tolist() == ["read the thread first: use what the customer already gave", "", "", "",
                                       "read the thread first: use what the customer already gave", ""]
    assert out["repeat_question"].dtype == bool


def test_repeat_question_summary_by_team_and_association_with_outcomes():
    frame = tickets([
        {"created_at": "2026-01-05T10:00Z", "team": "Rapid", "reopens": 1},
        {"created_at": "2026-01-05T10:00Z", "team": "Calm", "reopens": 0},
        {"created_at": "2026-01-05T10:00Z", "team": "Rapid", "reopens": 0},
        {"created_at": "2026-01-05T10:00Z", "team": "Calm", "reopens": 0},
    ])
    replies = ops.repeat_questions(_threads())
    out = ops.repeat_question_summary(replies, frame, min_n=1)
    assert out["team"].tolist() == ["Rapid", "Calm"]
    assert out["replies"].tolist() == [3, 3] and out["repeat_question_replies"].tolist() == [2, 0]
    assert out.loc[0, "repeat_question_share"] == pytest.approx(2 / 3)
    assert out.loc[0, "top_phrases"] == "e-mail (1), order number (1), screenshot (1)"
    survey = responses([{"ticket_id": t, "score": s} for t, s in (("T1", 1), ("T2", 5), ("T3", 2), ("T4", 4))])
    effect = ops.repeat_question_association(replies, frame, survey).set_index("outcome")
    assert (effect["exposure"] == "any_reply").all()
    assert (effect.loc["csat", "with_phrase"], effect.loc["csat", "without_phrase"]) == (0.0, 1.0)
    assert (effect.loc["reopen_rate", "with_phrase"], effect.loc["reopen_rate", "without_phrase"]) == (0.5, 0.0)
    # agent replies beyond the first: T1 0, T3 1 (with); T2 1, T4 0 (without)
    assert (effect.loc["additional_exchanges", "with_phrase"],
            effect.loc["additional_exchanges", "without_phrase"]) == (0.5, 0.5)
    assert effect["tickets_with"].tolist() == [2, 2, 2]


def test_repeat_questions_edge_cases_and_errors():
    none = ops.repeat_questions(messages([("T1", "2026-01-05T10:00Z", "customer", True, "My email is a@b.co")]))
    assert none.empty and ops.notes(none) == ["No public agent replies in the messages table."]
    same_minute = messages([("T1", "2026-01-05T10:00Z", "customer", True, "Order number: 123456"),
                            ("T1", "2026-01-05T10:00Z", "agent", True, "What is your order number?")])
    assert not ops.repeat_questions(same_minute)["repeat_question"].any()  # not *earlier*: not a repeat
    own = [Item("ticket number", r"(?i)ticket number\?", r"(?i)ticket #\d+")]
    talk = messages([("T1", "2026-01-05T10:00Z", "customer", True, "See ticket #42"),
                     ("T1", "2026-01-05T10:01Z", "agent", True, "Which ticket number?")])
    assert ops.repeat_questions(talk, items=own)["matched_phrases"].tolist() == [("ticket number",)]
    masked = messages([("T1", "2026-01-05T10:00Z", "customer", True, "I'm [email], invoice [reference] is blank"),
                       ("T1", "2026-01-05T10:01Z", "agent", True, "What's the email and the invoice number?")])
    assert ops.repeat_questions(masked)["matched_phrases"].tolist() == [("order number", "e-mail")]  # masked: given
    with pytest.raises(ConfigError, match=r"`items`: items must be a non-empty list"):
        ops.repeat_questions(talk, items=[])
    with pytest.raises(DataError, match=r"expected a frame of agent replies with ticket_id, created_at and "
                                        r"`repeat_question`"):
        ops.repeat_question_summary(ops.hedging(talk), tickets([{"created_at": "2026-01-05T10:00Z"}]))
