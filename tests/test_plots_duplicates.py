"""Duplicate-cluster figures: one trace per thing drawn, emerging clusters highlighted."""

import numpy as np
import pandas as pd

from toolkit.duplicates.ranking import weekly_counts
from toolkit.plots.duplicates import EMERGING, STEADY, cluster_growth, cluster_impact, cluster_trend


def clusters():
    return pd.DataFrame({"cluster_id": [0, 1, 2], "name": ["sms / code", "csv export", "<b>vat</b>"],
                         "tickets": [30, 20, 5], "customers": pd.array([12, 9, pd.NA], dtype="Int64"),
                         "growth": [6.0, 1.0, 0.5], "emerging": pd.array([True, False, pd.NA], dtype="boolean"),
                         "impact": [50.0, 30.0, 5.0]})


def test_impact_bars_highest_on_top_and_emerging_in_red():
    fig = cluster_impact(clusters(), top=2)
    bar = fig.data[0]
    assert list(bar.y) == ["csv export", "sms / code"]
    assert list(bar.marker.color) == [STEADY, EMERGING]


def test_names_are_escaped():
    fig = cluster_impact(clusters())
    assert "&lt;b&gt;vat&lt;/b&gt;" in list(fig.data[0].y)


def test_labels_mark_recurring_questions_and_number_repeated_names():
    frame = clusters().assign(name=["sms / code", "sms / code", "vat"], kind=["problem", "problem",
                                                                              "recurring question"])
    assert list(cluster_impact(frame).data[0].y) == ["vat (question)", "sms / code (2)", "sms / code"]


def test_trend_has_one_line_per_top_cluster():
    tickets = pd.DataFrame({"created_at": pd.to_datetime(["2026-01-05", "2026-01-12", "2026-01-13", "2026-01-20"],
                                                         utc=True).astype("datetime64[us, UTC]")})
    weekly = weekly_counts(tickets, np.array([0, 0, 1, 0]))
    fig = cluster_trend(weekly, clusters(), top=2)
    assert [t.name for t in fig.data] == ["sms / code", "csv export"]
    assert list(fig.data[0].y) == [1, 1, 1] and list(fig.data[1].y) == [0, 1, 0]


def test_growth_bubbles():
    fig = cluster_growth(clusters())
    assert list(fig.data[0].x) == [30, 20, 5]
    assert fig.layout.yaxis.type == "log"
