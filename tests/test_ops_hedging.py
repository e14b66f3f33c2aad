import numpy as np
import pytest
from ops_frames import messages, responses, tickets

import toolkit.ops as ops
from toolkit.errors import ConfigError, DataError


def _talk():
    return messages([
        ("T1", "2026-01-05T10:00Z", "customer", True, "My blog should be on the other account, I think."),
        ("T1", "2026-01-05T10:05Z", "agent", True, "Hi! That blog should now be under your other account.", "Ann"),
        ("T1", "2026-01-05T10:06Z", "agent", False, "Internal: I think it worked.", "Ann"),
        ("T2", "2026-01-05T10:00Z", "agent", True, "Done. Should you need anything else, just reply.", "Ann"),
        ("T2", "2026-01-05T10:10Z", "agent", True, "It works as it should. If you should see it again, write.",
         "Bob"),
        ("T3", "2026-01-05T10:00Z", "agent", True, "I THINK it Looks Like a cache issue.", "Bob"),
        ("T3", "2026-01-05T10:20Z", "agent", True, "The export is fixed; I verified it.", "Bob"),
        ("T4", "2026-01-05T10:00Z", "agent", True, "It should work now. Should you need anything, reply.", "Cy"),
        ("T4", "2026-01-05T10:00Z", "agent", True, "You should receive a confirmation email shortly.", "Cy"),
    ])


def test_hedging_marks_each_public_agent_reply():
    out = ops.hedging(_talk())
    assert len(out) == 7  # customer message and internal note are not replies
    assert out["hedged"].tolist() == [True, False, False, True, False, True, False]
    assert out["matched_phrases"].tolist() == [("should",), (), (), ("looks like", "i think"), (), ("should",), ()]
    assert out["rewrite"].tolist() == ["should now be -> is now (after verifying)", "", "",
                                       "i think -> (drop it and state what you verified) (after verifying)",
                                       "", "should work -> works (after verifying)", ""]
    assert out["author"].tolist() == ["Ann", "Ann", "Bob", "Bob", "Bob", "Cy", "Cy"]
    assert out["hedged"].dtype == bool
    assert set(out.columns) >= {"ticket_id", "message_id", "author", "created_at", "hedged", "matched_phrases"}


def test_hedging_lexicon_is_data_users_can_extend(tmp_path):
    path = tmp_path / "lexicon.yaml"
    path.write_text("phrases:\n  - verified\nguards:\n  - i verified it\nrewrites: []\n", encoding="utf-8")
    out = ops.hedging(_talk(), lexicon=path)
    assert out["hedged"].sum() == 0  # "I verified it" is guarded
    path.write_text("phrases:\n  - verified\n", encoding="utf-8")
    assert ops.hedging(_talk(), lexicon=str(path))["hedged"].sum() == 1
    lexicon = ops.load_lexicon()
    assert "should you need anything" in lexicon.guards and "should" in lexicon.phrases
    assert ("should now be", "is now") in lexicon.rewrites


def test_malformed_lexicon_raises_config_error(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("phrases: should\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"`phrases`: `phrases` must be a non-empty list of phrases. Fix: write"):
        ops.hedging(_talk(), lexicon=path)
    path.write_text("phrases: [should\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"the hedging lexicon is not valid YAML at line"):
        ops.hedging(_talk(), lexicon=path)
    with pytest.raises(ConfigError, match="missing.yaml: hedging lexicon not found. Fix: check the path"):
        ops.hedging(_talk(), lexicon=tmp_path / "missing.yaml")


def test_hedging_summary_by_agent_ranks_and_redacts_examples():
    talk = messages([
        ("T1", "2026-01-05T10:00Z", "agent", True, "Hello. It should be fixed, mail ann.lee@example.com. Bye", "Ann"),
        ("T1", "2026-01-05T11:00Z", "agent", True, "It is fixed.", "Ann"),
        ("T2", "2026-01-05T10:00Z", "agent", True, "It is fixed.", "Bob"),
        ("T2", "2026-01-05T11:00Z", "agent", True, "Hopefully it works.", "Bob"),
        ("T2", "2026-01-05T12:00Z", "agent", True, "It is done.", "Bob"),
        ("T3", "2026-01-05T12:00Z", "agent", True, "Maybe.", "Cy"),
    ])
    out = ops.hedging_summary(ops.hedging(talk), min_n=2)
    assert out["segment"].tolist() == ["Ann", "Bob", "Cy"]
    assert out["replies"].tolist() == [2, 3, 1] and out["hedged_replies"].tolist() == [1, 1, 1]
    assert out["hedged_share"].tolist() == [0.5, pytest.approx(1 / 3), 1.0]
    assert out["rank"].tolist()[:2] == [1, 2] and out["rank"].isna().tolist() == [False, False, True]
    assert out["small_sample"].tolist() == [False, False, True]
    assert out.loc[0, "example"] == "It should be fixed, mail [email]."
    assert out.loc[0, "example_rewrite"] == "should be fixed -> is fixed (after verifying)"
    assert out.loc[1, "top_phrases"] == "hopefully (1)"
    assert out.loc[0, "ci_low"] < 0.5 < out.loc[0, "ci_high"]


def test_hedging_summary_by_team_needs_tickets():
    replies = ops.hedging(_talk())
    frame = tickets([{"created_at": "2026-01-05T10:00Z", "team": t} for t in ("A", "A", "B", "B")])
    out = ops.hedging_summary(replies, frame, by="team", min_n=1).set_index("team")
    assert out.loc["A", "replies"] == 3 and out.loc["A", "hedged_replies"] == 1
    assert out.loc["B", "replies"] == 4 and out.loc["B", "hedged_replies"] == 2
    with pytest.raises(ConfigError, match=r"`tickets`: hedging by 'team' needs the tickets table"):
        ops.hedging_summary(replies, by="team")
    with pytest.raises(DataError, match=r"expected the frame returned by toolkit.ops.hedging"):
        ops.hedging_summary(frame)


def test_hedging_association_uses_the_first_reply():
    frame = tickets([
        {"created_at": "2026-01-05T10:00Z", "reopens": 1, "satisfaction": "bad"},
        {"created_at": "2026-01-05T10:00Z", "reopens": 0, "satisfaction": "good"},
        {"created_at": "2026-01-05T10:00Z", "reopens": 0, "satisfaction": "good"},
        {"created_at": "2026-01-05T10:00Z", "reopens": 0, "satisfaction": "good"},
        {"created_at": "2026-01-05T10:00Z", "reopens": 0},
    ])
    talk = messages([
        ("T1", "2026-01-05T10:00Z", "agent", True, "It should work."),
        ("T1", "2026-01-05T11:00Z", "agent", True, "It is fixed."),
        ("T1", "2026-01-05T12:00Z", "agent", True, "It is fixed now."),
        ("T2", "2026-01-05T10:00Z", "agent", True, "Hopefully fixed."),
        ("T3", "2026-01-05T10:00Z", "agent", True, "Fixed."),
        ("T4", "2026-01-05T11:00Z", "agent", True, "Maybe fixed."),
        ("T4", "2026-01-05T10:00Z", "agent", True, "Fixed."),
    ])
    out = ops.hedging_association(ops.hedging(talk), frame).set_index("outcome")
    assert out.loc["additional_exchanges", "with_phrase"] == 1.0
    assert out.loc["additional_exchanges", "without_phrase"] == 0.5
    assert out.loc["additional_exchanges", "difference"] == 0.5
    assert (out.loc["reopen_rate", "with_phrase"], out.loc["reopen_rate", "without_phrase"]) == (0.5, 0.0)
    assert out.loc["csat", "difference"] == -0.5
    assert out.loc["csat", "ci_low"] < -0.5 < out.loc["csat", "ci_high"]
    assert out["tickets_with"].tolist() == [2, 2, 2] and out["tickets_without"].tolist() == [2, 2, 2]
    assert out["small_sample"].all() and (out["exposure"] == "first_reply").all()
    last = ops.hedging_association(ops.hedging(talk), frame, exposure="last_reply").set_index("outcome")
    assert (last.loc["reopen_rate", "with_phrase"], last.loc["reopen_rate", "tickets_with"]) == (0.0, 2)  # T2, T4
    anyone = ops.hedging_association(ops.hedging(talk), frame, exposure="any_reply").set_index("outcome")
    assert anyone.loc["additional_exchanges", "with_phrase"] == 1.0  # T1 (2 more), T2 (0), T4 (1)
    with pytest.raises(ConfigError, match=r"`exposure`: unknown exposure 'middle'"):
        ops.hedging_association(ops.hedging(talk), frame, exposure="middle")


def test_hedging_association_with_survey_csat_and_missing_reopens():
    frame = tickets([{"created_at": "2026-01-05T10:00Z"}, {"created_at": "2026-01-05T10:00Z"}])
    talk = messages([("T1", "2026-01-05T10:00Z", "agent", True, "Probably fixed."),
                     ("T2", "2026-01-05T10:00Z", "agent", True, "Fixed.")])
    survey = responses([{"ticket_id": "T1", "score": 2}, {"ticket_id": "T2", "score": 5}])
    out = ops.hedging_association(ops.hedging(talk), frame, survey).set_index("outcome")
    assert out.loc["csat", "with_phrase"] == 0.0 and out.loc["csat", "without_phrase"] == 1.0
    assert out.loc["reopen_rate", "note"] == "skipped: the tickets have no reopens values"
    assert np.isnan(out.loc["reopen_rate", "difference"])


def test_hedging_on_an_empty_reply_set():
    talk = messages([("T1", "2026-01-05T10:00Z", "customer", True, "Hello")])
    out = ops.hedging(talk)
    assert out.empty and ops.notes(out) == ["No public agent replies in the messages table."]


def test_hedging_association_reopen_rate_counts_only_tickets_solved_at_least_once():
    frame = tickets([
        {"created_at": "2026-01-05T10:00Z", "reopens": 1},
        {"created_at": "2026-01-05T10:00Z", "reopens": 0, "status": "open"},  # never solved: not in the rate
        {"created_at": "2026-01-05T10:00Z", "reopens": 0},
        {"created_at": "2026-01-05T10:00Z", "reopens": 1},
    ])
    talk = messages([("T1", "2026-01-05T10:00Z", "agent", True, "It should work."),
                     ("T2", "2026-01-05T10:00Z", "agent", True, "Hopefully fixed."),
                     ("T3", "2026-01-05T10:00Z", "agent", True, "Fixed."),
                     ("T4", "2026-01-05T10:00Z", "agent", True, "Fixed.")])
    out = ops.hedging_association(ops.hedging(talk), frame).set_index("outcome")
    assert (out.loc["reopen_rate", "with_phrase"], out.loc["reopen_rate", "without_phrase"]) == (1.0, 0.5)


def _promises():
    return messages([
        ("T1", "2026-01-05T10:00Z", "customer", True, "Please add dark mode. I've passed your feedback on, ha."),
        ("T1", "2026-01-05T10:05Z", "agent", True, "Thanks! I've passed your feedback on to the product team.", "Ann"),
        ("T1", "2026-01-05T10:06Z", "agent", False, "I've recorded your vote (internal).", "Ann"),
        ("T2", "2026-01-05T10:00Z", "agent", True, 'You wrote "we\'ll consider it" last time; it ships on 3 May.',
         "Ann"),
        ("T2", "2026-01-05T10:10Z", "agent", True, "> I've recorded your vote\nThat was wrong: it is planned for May.",
         "Bob"),
        ("T3", "2026-01-05T10:00Z", "agent", True, "I've Recorded   your vote. We will CONSIDER IT.", "Bob"),
        ("T3", "2026-01-05T10:20Z", "agent", True, "Dark mode is not on our radar, sorry.", "Bob"),
        ("T4", "2026-01-05T10:00Z", "agent", True, "I'm so sorry! Apologies for any inconvenience. Sorry again.",
         "Cy"),
        ("T4", "2026-01-05T10:30Z", "agent", True, "No need to apologise! Sorry for the wait: it is fixed.", "Cy"),
    ])


def test_false_hope_marks_promises_without_commitment_and_skips_quotes_and_negations():
    out = ops.language(_promises(), "false_hope")
    assert len(out) == 7
    # T1 customer's text and the internal note are not replies; T2 quotes ("..." and "> ...") are the
    # customer's words; "not on our radar" is an honest no.
    assert out["false_hope"].tolist() == [True, False, False, True, False, False, False]
    assert out["matched_phrases"].tolist() == [("passed your feedback on",), (), (),
                                               ("recorded your vote", "we will consider it"), (), (), ()]
    assert out["rewrite"].tolist()[0] == ("Instead of “passed your feedback on”: say who decides, when, and that you "
                                          "will write back either way.")
    assert out["rewrite"].tolist()[3] == ("Instead of “recorded your vote”: say how votes are used and when the "
                                          "customer will hear back.")
    assert "hedged" not in out.columns


def test_over_apology_is_an_intensified_or_repeated_apology_not_a_plain_sorry():
    out = ops.language(_promises(), "over_apology")
    assert out["over_apology"].tolist() == [False, False, False, False, False, True, False]
    assert out["matched_phrases"].iloc[5] == ("so sorry", "apologies for any inconvenience", "sorry again")
    summary = ops.language_summary(out, "over_apology", min_n=1)
    assert list(summary.columns[:4]) == ["segment", "replies", "over_apology_replies", "over_apology_share"]
    assert summary["segment"].tolist() == ["Cy", "Ann", "Bob"]
    assert summary["over_apology_share"].tolist() == [0.5, 0.0, 0.0]
    assert summary.loc[0, "example"] == "I'm so sorry!"


def test_each_kind_is_measured_by_the_same_association():
    frame = tickets([{"created_at": "2026-01-05T10:00Z", "reopens": r} for r in (0, 1, 1, 0)])
    out = ops.language_association(ops.language(_promises(), "false_hope"), frame, "false_hope",
                                   exposure="any_reply").set_index("outcome")
    # With false hope: T1 (no reopen), T3 (reopened); without: T2 (reopened), T4 (none).
    assert (out.loc["reopen_rate", "with_phrase"], out.loc["reopen_rate", "without_phrase"]) == (0.5, 0.5)
    assert (out.loc["additional_exchanges", "with_phrase"], out.loc["additional_exchanges", "without_phrase"]) == \
        (0.5, 1.0)
    assert out.loc["csat", "note"] != "" and np.isnan(out.loc["csat", "difference"])
    with pytest.raises(DataError, match=r"expected the frame returned by toolkit.ops.language\(messages, "
                                        r"kind='false_hope'\)"):
        ops.language_summary(ops.hedging(_promises()), "false_hope")


def test_a_lexicon_without_a_kind_section_says_how_to_add_it(tmp_path):
    path = tmp_path / "lexicon.yaml"
    path.write_text("phrases:\n  - should\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"lexicon.yaml, `false_hope`: the lexicon has no `false_hope` section. "
                                          r"Fix: add `false_hope:` with `phrases:`"):
        ops.language(_promises(), "false_hope", lexicon=path)
    path.write_text("phrases: [should]\nfalse_hope:\n  ignore_quoted: yes please\n  phrases: [on our radar]\n",
                    encoding="utf-8")
    with pytest.raises(ConfigError, match=r"`false_hope.ignore_quoted`: `ignore_quoted` must be true or false"):
        ops.language(_promises(), "false_hope", lexicon=path)
    path.write_text("phrases: [should]\nfalse_hope:\n  phrases: [on our radar]\n  rewrites:\n    - hedge: x\n",
                    encoding="utf-8")
    with pytest.raises(ConfigError, match=r"`false_hope.rewrites`: `rewrites` must be a list of \{phrase, instead\}"):
        ops.language(_promises(), "false_hope", lexicon=path)
    with pytest.raises(ConfigError, match=r"`kind`: unknown kind of language 'rudeness'. Fix: use one of hedging, "
                                          r"false_hope, over_apology"):
        ops.language(_promises(), "rudeness")


@pytest.mark.parametrize("kind", ["false_hope", "over_apology"])
def test_every_phrase_of_the_shipped_lexicon_comes_with_advice(kind):
    from toolkit.ops.hedging import load_lexicon

    lexicon = load_lexicon(kind=kind)
    assert set(lexicon.phrases) == {phrase for phrase, _ in lexicon.rewrites}
