"""toolkit.report.sections: every frame a section computes gives up its notes, so no skipped measure vanishes."""

from dataclasses import fields

import pandas as pd
from ops_frames import tickets

from toolkit import notes
from toolkit.report.inputs import Engagement
from toolkit.report.parameters import ReportParameters
from toolkit.report.sections import operations


def test_operations_section_states_every_skipped_measure_of_every_frame():
    frame = tickets([{"ticket_id": f"T{i}", "created_at": f"2026-01-{5 + i % 20:02d}T10:00Z", "team": "A",
                      "first_reply_minutes": 30.0, "full_resolution_minutes": 90.0} for i in range(40)])
    result = operations(Engagement(parameters=ReportParameters(), tickets=frame))
    computed = [getattr(result, f.name) for f in fields(result) if isinstance(getattr(result, f.name), pd.DataFrame)]
    assert len(computed) == 14  # hedging (and its effect) needs messages, heroes assignees: a note says so
    for frame_notes in map(notes.notes, computed):
        assert set(frame_notes) <= set(result.notes)
    # Notes that only frames outside the four collected before carried:
    assert "Too-quick resolutions skipped: no solved ticket with a resolution time." not in result.notes
    assert "Reopens unknown (no reopens values): only follow-up tickets count as coming back." in result.notes
    assert "Workload skipped: no assignee values." in notes.notes(result.workload)
    assert "Workload skipped: no assignee values." in result.notes
    assert "No message threads were provided, so hedging language is not analysed." in result.notes
    assert len(result.notes) == len(set(result.notes))


def test_with_a_schedule_the_operations_section_counts_business_minutes_and_says_so(tmp_path):
    schedule = tmp_path / "hours.yaml"
    schedule.write_text('name: office\ntimezone: UTC\nhours:\n  mon: ["09:00", "17:00"]\n  tue: ["09:00", "17:00"]\n')
    # created Monday 16:30, first reply Tuesday 09:30: 1,020 calendar minutes, 60 business minutes
    frame = tickets([{"ticket_id": f"T{i}", "created_at": "2026-01-05T16:30Z", "team": "A", "priority": "high",
                      "first_reply_minutes": 1020.0, "full_resolution_minutes": 1080.0} for i in range(40)])
    calendar = operations(Engagement(parameters=ReportParameters(), tickets=frame))
    business = operations(Engagement(parameters=ReportParameters(schedule_path=schedule), tickets=frame))
    assert "Times in calendar minutes (around the clock, nights, weekends and holidays included)." in calendar.notes
    assert any(n.startswith("Times in business minutes (office: ") for n in business.notes), business.notes
    assert calendar.sla["sla_attainment"].iloc[0] == 0.0  # 17 h against the 4 h target for high priority
    assert business.sla["sla_attainment"].iloc[0] == 1.0  # one business hour
    assert business.response_times.set_index("metric")["median"].to_dict() == {
        "first_reply_minutes": 60.0, "full_resolution_minutes": 120.0}


def _talk():
    from ops_frames import messages

    return messages([
        ("T1", "2026-01-05T10:00Z", "customer", True, "My email is ann@example.com, dark mode please."),
        ("T1", "2026-01-05T10:05Z", "agent", True, "I've passed your feedback on. Which email address is yours?",
         "Ann"),
        ("T2", "2026-01-05T10:00Z", "agent", True, "I'm so sorry! It is fixed.", "Bob"),
    ])


def test_reply_language_section_by_agent_and_team_and_without_messages():
    from toolkit.report.sections import reply_language, top_agents

    frame = tickets([{"created_at": "2026-01-05T10:00Z", "team": t} for t in ("A", "B")])
    result = reply_language(Engagement(parameters=ReportParameters(), tickets=frame, messages=_talk()))
    assert result.false_hope[["segment", "false_hope_replies"]].values.tolist() == [["Ann", 1], ["Bob", 0]]
    assert result.over_apology[["segment", "over_apology_replies"]].values.tolist() == [["Bob", 1], ["Ann", 0]]
    assert result.repeat_questions[["team", "repeat_question_replies"]].values.tolist() == [["A", 1], ["B", 0]]
    assert result.language_effect["language"].tolist() == ["False hope"] * 3 + ["Over-apology"] * 3
    assert (result.repeat_question_effect["exposure"] == "any_reply").all()
    assert top_agents(result.false_hope) is not None and top_agents(None) is None
    assert top_agents(result.false_hope).empty  # two replies each: too few to rank
    empty = reply_language(Engagement(parameters=ReportParameters(), tickets=frame))
    assert empty.false_hope is None and not hasattr(empty, "available")  # a note, never a missing section
    assert empty.notes == ["No message threads were provided, so false hope, over-apology and repeat questions are "
                           "not analysed."]


def test_change_spikes_section_says_which_change_came_before_each_spike(tmp_path):
    import numpy as np

    from toolkit.report.sections import change_spikes, shown_spikes, spike_sentences

    days = pd.date_range("2026-01-05", periods=77, freq="D") + pd.Timedelta(hours=12)
    created = np.repeat(days, [10] * 56 + [40] * 21)
    products = np.where(np.arange(len(created)) % 2 == 0, "Login", "Billing")
    frame = tickets([{"created_at": t.isoformat() + "Z", "product": p} for t, p in zip(created, products,
                                                                                        strict=True)])
    path = tmp_path / "releases.csv"
    path.write_text("date,name,product\n2026-02-27,Login 4.2,Login\n", encoding="utf-8")
    params = ReportParameters(releases_path=path)
    result = change_spikes(Engagement(parameters=params, tickets=frame))
    assert result.releases == 1 and result.notes == []
    assert result.daily["created"].tolist() == [10] * 56 + [40] * 21
    assert result.spikes[["level", "series", "release"]].values.tolist() == [
        ["all", "all", "Login 4.2"], ["product", "Billing", "no known change"], ["product", "Login", "Login 4.2"]]
    assert result.sentences == [
        "All tickets rose from 10 to 40 a day from 2 Mar 2026, 3 days after the change \"Login 4.2\" (27 Feb 2026).",
        "Tickets about Login rose from 5.0 to 20 a day from 2 Mar 2026, 3 days after the change \"Login 4.2\" "
        "(27 Feb 2026).",
        "1 other rise in new tickets followed no known release or change (seasonal peaks, or changes the calendar "
        "does not list)."]
    assert shown_spikes(result.spikes)["series"].tolist() == ["all", "Login"]
    assert spike_sentences(None) == [] and shown_spikes(None) is None
    none = change_spikes(Engagement(parameters=ReportParameters(), tickets=frame))
    assert none.notes == ["No release calendar was provided: spikes are shown without the changes before them."]
    assert (none.spikes["release"] == "no known change").all()
