import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest
from ops_frames import messages, tickets

import toolkit.ops as ops
from toolkit.errors import ConfigError
from toolkit.plots import ops as plots


@pytest.fixture(scope="module")
def frames():
    rows = []
    for i in range(60):
        team = "Rapid" if i % 3 == 0 else ("Core" if i % 3 == 1 else "Billing")
        rows.append({"created_at": f"2026-0{1 + i % 3}-{1 + i % 27:02d}T{8 + i % 10:02d}:00Z",
                     "solved_at": f"2026-0{1 + i % 3}-{2 + i % 27:02d}T12:00Z", "team": team,
                     "assignee": f"{team} {i % 4}", "priority": "normal", "first_reply_minutes": 10 + i,
                     "reopens": i % 5 == 0, "agent_replies": 1 + i % 4, "satisfaction": "good" if i % 4 else "bad",
                     "subject": "<b>Sync</b> issue", "requester_id": f"P{i % 7}"})
    t = tickets(rows)
    m = messages([(f"T{i + 1}", "2026-01-05T10:00Z", "agent", True, "It should work <script>x</script>.",
                   f"Agent {i % 3}") for i in range(60)])
    return t, m


def test_every_ops_view_draws_a_figure(frames):
    t, m = frames
    replies = ops.hedging(m)
    figures = [
        plots.volume_lines(ops.volume(t, by="team")),
        plots.weekday_hour_heatmap(ops.weekday_hour(t)),
        plots.month_of_year_bars(ops.month_of_year(t)),
        plots.response_time_bars(ops.response_times(t, by="team")),
        plots.sla_attainment_bars(ops.sla_attainment(t)),
        plots.reply_distribution_bars(ops.reply_distribution(t)),
        plots.conversation_quality_bars(ops.conversation_summary(t, by="team")),
        plots.too_quick_bars(ops.too_quick(t, by="team")),
        plots.incomplete_conversations_bars(ops.incomplete_conversations(t)),
        plots.hedging_bars(ops.hedging_summary(replies, min_n=5)),
        plots.hedging_association_forest(ops.hedging_association(replies, t)),
        plots.workload_lorenz(ops.agent_workload(t, by="team")),
        plots.watermelon_quadrant(ops.watermelon(t, min_n=5)),
        plots.kiwi_watermelon_trend(ops.ops_experience_over_time(t, by="team", freq="month"), by="team"),
    ]
    assert all(isinstance(f, go.Figure) and len(f.data) > 0 for f in figures)


def test_period_effects_forest_and_escaped_hover_text(frames):
    t, m = frames
    effects = ops.period_effects(tickets([{"created_at": f"2026-03-{d:02d}T10:00Z"} for d in range(1, 32)]))
    fig = plots.period_effects_forest(effects)
    assert len(fig.data[0].x) == 1
    hedging = plots.hedging_bars(ops.hedging_summary(ops.hedging(m), min_n=1))
    hover = str(hedging.data[0].customdata)
    assert "<script>" not in hover and "&lt;script&gt;" in hover


def test_plot_functions_name_the_frame_they_need():
    with pytest.raises(ConfigError, match=r"`frame`: watermelon_quadrant needs columns .*Fix: pass the frame "
                                          r"toolkit.ops.watermelon returns"):
        plots.watermelon_quadrant(ops.volume(tickets([{"created_at": "2026-01-05T10:00Z"}])))


def test_spike_timeline_marks_the_rises_and_names_the_change_before_one():
    days = pd.date_range("2026-01-05", periods=77, freq="D") + pd.Timedelta(hours=12)
    t = tickets([{"created_at": d.isoformat() + "Z", "product": "Login"}
                 for d in np.repeat(days, [10] * 56 + [40] * 21)])
    releases = pd.DataFrame({"date": pd.to_datetime(["2026-02-27"]), "name": ["Login <b>4.2</b>"],
                             "product": ["Login"]})
    fig = plots.spike_timeline(ops.volume(t, freq="day"), ops.volume_spikes(t, releases))
    assert [trace.name for trace in fig.data] == ["New tickets a day", "Rise after a known change"]
    assert list(fig.data[1].y) == [40] and "&lt;b&gt;" in str(fig.data[1].customdata)
    assert "1 rise in all new tickets; 1 followed a known release or change" in fig.layout.meta["takeaway"]
    quiet = plots.spike_timeline(ops.volume(t, freq="day"), None)
    assert len(quiet.data) == 1 and "0 rises in all new tickets; 0 followed" in quiet.layout.meta["takeaway"]
