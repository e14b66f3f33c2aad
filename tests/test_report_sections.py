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
