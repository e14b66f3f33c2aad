"""Evidence tables for analyst groupings: counts, trend, effort, CSAT with its sample size, bug keys."""

from __future__ import annotations

import pandas as pd
import pytest
from duplicates_frames import make_tickets

from toolkit.duplicates.tables import bug_keys, cluster_table


def test_cluster_table_counts_trend_effort_and_csat():
    t = make_tickets()
    table = cluster_table(t, t["problem"], weeks=4)
    ev = table.set_index("cluster")
    assert list(table.columns) == ["cluster", "kind", "tickets", "customers", "first_seen", "last_seen", "weekly",
                                   "recent", "growth", "emerging", "effort", "csat", "csat_rest", "csat_difference",
                                   "csat_n", "small_sample", "impact"]
    assert ev["tickets"].to_dict() == {"export": 10, "invoice": 4, "login": 8}
    assert ev["kind"].to_dict() == {"export": "problem", "invoice": "problem", "login": "problem"}  # failure words
    assert ev.loc["export", "customers"] == 4  # organisations
    # export: ages 1,2,3,5,8,10,15,20 days in the last 28 days; 60 and 100 in the 91 days before
    assert ev.loc["export", "recent"] == 8
    # allowing for overall volume: 12 of the 24 tickets are recent, 9 in the baseline
    assert ev.loc["export", "growth"] == pytest.approx((8 / 4) / (2 / 13) / ((12 / 28) / (9 / 91)))  # 3.0
    assert ev["emerging"].to_dict() == {"export": True, "invoice": False, "login": False}
    assert sum(ev.loc["export", "weekly"]) == 8 and len(ev.loc["export", "weekly"]) == 4
    assert ev.loc["export", "effort"] == 20
    assert ev.loc["export", "csat"] == 0.0 and ev.loc["export", "csat_rest"] == 1.0
    assert ev.loc["export", "csat_difference"] == pytest.approx(-1.0)  # shares 0-1, not points
    assert ev.loc["login", "csat_difference"] == pytest.approx(1 - 6 / 16)
    assert ev["csat_n"].to_dict() == {"export": 10, "invoice": 4, "login": 8}
    assert ev["small_sample"].all()  # all below the default min_n of 30
    flags = cluster_table(t, t["problem"], min_n=8).set_index("cluster")["small_sample"].to_dict()
    assert flags == {"export": False, "invoice": True, "login": False}


def test_cluster_table_without_optional_columns_leaves_them_empty():
    t = make_tickets().drop(columns=["organization_id", "requester_id", "agent_replies", "satisfaction"])
    ev = cluster_table(t, t["problem"])
    assert ev["customers"].isna().all() and ev["effort"].isna().all() and ev["csat_difference"].isna().all()
    assert (ev["csat_n"] == 0).all() and ev["small_sample"].all()
    assert ev["tickets"].sum() == 22
    assert cluster_table(t, pd.Series([None] * len(t))).empty




def test_bug_keys_most_frequent_first():
    assert bug_keys(pd.Series(["see APP-1234 and #4567", "APP-1234 again", None, "v2.1"])) == ["APP-1234", "#4567"]
    assert bug_keys(pd.Series(["nothing here"])) == []
