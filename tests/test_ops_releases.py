import numpy as np
import pandas as pd
import pytest
from ops_frames import tickets

import toolkit.ops as ops
from toolkit.errors import ConfigError, DataError


def _step(days_low=56, low=10, days_high=21, high=40, product="Login", start="2026-01-05"):
    """Tickets created at noon: `low` a day, then `high` a day from day `days_low` (2026-03-02)."""
    per_day = [low] * days_low + [high] * days_high
    days = pd.date_range(start, periods=len(per_day), freq="D")
    created = np.repeat(days + pd.Timedelta(hours=12), per_day)
    return tickets([{"created_at": t.isoformat() + "Z", "product": product} for t in created])


def _releases(*rows):
    return pd.DataFrame(rows, columns=["date", "name", "product"])


def test_a_step_up_is_one_spike_linked_to_the_release_just_before_it():
    frame = _step()
    releases = _releases(("2026-02-20", "Too early", "Login"), ("2026-02-23", "Login 4.2", "Login"),
                         ("2026-02-28", "Billing 7", "Billing"), ("2026-03-03", "After", ""))
    out = ops.volume_spikes(frame, releases)
    assert out[["level", "series", "date"]].values.tolist() == [
        ["all", "all", pd.Timestamp("2026-03-02")], ["product", "Login", pd.Timestamp("2026-03-02")]]
    row = out.iloc[1]
    assert (row["before_per_day"], row["after_per_day"], row["change"], row["ratio"], row["days"]) == \
        (10.0, 40.0, 30.0, 4.0, 21)
    # 2026-02-23 is 7 days before: inside the window (2026-02-20, 10 days before, is not); the Billing
    # release is another product's; "After" came after the spike.
    assert (row["release"], row["release_date"], row["release_product"], row["days_after_release"]) == \
        ("Login 4.2", pd.Timestamp("2026-02-23"), "Login", 7)
    # Every release counts for the organisation-wide series: the latest in the window is Billing 7.
    assert (out.iloc[0]["release"], out.iloc[0]["days_after_release"]) == ("Billing 7", 2)
    narrow = ops.volume_spikes(frame, releases, levels="product", window_days=6)
    assert narrow["release"].tolist() == ["no known change"] and narrow["release_date"].isna().all()


def test_no_release_file_flat_series_and_falls_give_no_false_spikes():
    out = ops.volume_spikes(_step(high=10))
    assert out.empty and list(out.columns) == ops.releases.SPIKE_COLUMNS
    assert ops.notes(out) == ["No release file was given: every spike is shown as 'no known change'."]
    assert ops.volume_spikes(_step(low=40, high=10)).empty  # a fall is not a spike
    # a dip and the recovery to the usual level: no spike either
    dip = _step(days_low=56, low=30, days_high=14, high=5)
    back = tickets([{"created_at": t, "product": "Login"} for t in dip["created_at"].dt.strftime(
        "%Y-%m-%dT%H:%MZ")] + [{"created_at": (pd.Timestamp("2026-03-16 12:00") + pd.Timedelta(days=d))
                                 .strftime("%Y-%m-%dT%H:%MZ"), "product": "Login"} for d in range(42) for _ in
                                range(30)])
    assert ops.volume_spikes(back, levels="all").empty


def test_spikes_per_cluster_take_the_clusters_product():
    frame = _step()
    assignments = pd.DataFrame({"ticket_id": frame["ticket_id"], "cluster_id": np.where(
        frame["created_at"] >= pd.Timestamp("2026-03-02", tz="UTC"), 3, -1)})
    out = ops.volume_spikes(frame, _releases(("2026-03-01", "Login 4.2", "Login")), levels="cluster",
                            assignments=assignments, cluster_names={3: "SMS codes late"})
    assert out[["series", "product", "date", "release"]].values.tolist() == [
        ["SMS codes late", "Login", pd.Timestamp("2026-03-02"), "Login 4.2"]]
    with pytest.raises(ConfigError, match=r"`assignments`: spikes per cluster need the duplicate clusters"):
        ops.volume_spikes(frame, levels=["cluster"])
    with pytest.raises(ConfigError, match=r"`levels`: unknown spike level 'team'. Fix: use any of all, product, "
                                          r"cluster"):
        ops.volume_spikes(frame, levels=["team"])


@pytest.mark.parametrize(("name", "text", "message"), [
    ("bad_date.csv", "date,name,product\n2026-08-31,Login 4.2,Login\n31/08/2026,Billing 7,Billing\n",
     r"bad_date.csv, column `date`: not a date in the form YYYY-MM-DD \(row 2 \('31/08/2026'\)\). Fix: write dates "
     r"like 2026-08-31 \(the client's local date\)"),
    ("no_name.csv", "date,name,product\n2026-08-31,,Login\n2026-09-01,ok,\n2026-09-02, ,\n",
     r"no_name.csv, column `name`: a release has no name \(rows 1, 3\). Fix: give every release a name"),
    ("no_date.csv", "when,name\n2026-08-31,Login 4.2\n",
     r"no_date.csv, column `date`: required column is missing. Fix: add a `date` column: write one release per row"),
    ("empty.csv", "", r"empty.csv: the release file is empty. Fix: start with the header row date,name,product"),
    ("not_a_list.yaml", "releases: 2026-08-31\n",
     r"not_a_list.yaml: expected a list of releases, each with date, name and product. Fix: write `releases:`"),
    ("bad_date.yaml", "- {date: 2026-08-31, name: A}\n- {date: soon, name: B, product: API}\n",
     r"bad_date.yaml, column `date`: not a date in the form YYYY-MM-DD \(row 2 \('soon'\)\)"),
])
def test_a_malformed_release_file_names_file_row_column_and_fix(tmp_path, name, text, message):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataError, match=message):
        ops.load_releases(path)


def test_release_files_in_csv_and_yaml_read_the_same(tmp_path):
    (tmp_path / "r.csv").write_text("Date,Name,Product\n2026-09-01,B,\n2026-08-31,A,API\n", encoding="utf-8")
    (tmp_path / "r.yaml").write_text("releases:\n  - {date: 2026-08-31, name: A, product: API}\n"
                                     "  - {date: 2026-09-01, name: B}\n", encoding="utf-8")
    csv, yaml = ops.load_releases(tmp_path / "r.csv"), ops.load_releases(tmp_path / "r.yaml")
    pd.testing.assert_frame_equal(csv, yaml)
    assert csv.values.tolist() == [[pd.Timestamp("2026-08-31"), "A", "API"], [pd.Timestamp("2026-09-01"), "B", ""]]
    assert ops.volume_spikes(_step(), tmp_path / "r.csv", levels="all")["release"].tolist() == ["no known change"]
