"""The label store: actions, atomic persistence, reload, carry-over by overlap, and exports."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time

import pandas as pd
import pytest
from duplicates_frames import ids, make_store
from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit.duplicates.labels import LabelStore, carry_labels, labels_path_for
from toolkit.errors import ConfigError, DataError
from toolkit.files import atomic_write_text


def assignments(mapping: dict[str, list[int]]) -> pd.DataFrame:
    rows = [(f"T{n}", cid) for cid, nums in mapping.items() for n in nums]
    return pd.DataFrame(rows, columns=["ticket_id", "cluster_id"])


# ----------------------------------------------------------------------------- store actions and persistence
def test_actions_keep_members_disjoint_and_save_each_time(tmp_path):
    path = tmp_path / "labels.json"
    store = LabelStore(path)
    a = store.create(ids(1, 2, 3), "Export fails")
    assert json.loads(path.read_text())["labels"][0]["members"] == ids(1, 2, 3)
    b = store.create(ids(3, 4), "Login loop")  # takes T3 from a
    assert a.members == ids(1, 2) and b.members == ids(3, 4)
    store.rename(a.label_id, "  Export   times out ")
    assert store.labels["L1"].name == "Export times out"
    store.set_status("L2", "known_issue", tracker_key=" APP-9 ", note="fix in 4.2")
    merged = store.merge(["L1", "L2"])
    assert merged.label_id == "L1" and sorted(merged.members) == ids(1, 2, 3, 4)
    assert (merged.status, merged.tracker_key, merged.note) == ("known_issue", "APP-9", "fix in 4.2")
    new = store.split("L1", ids(4), "Only T4")
    assert new.label_id == "L3" and store.labels["L1"].members == ids(1, 2, 3)
    store.move(ids(1), "L3")
    assert store.labels["L3"].members == ids(4, 1)
    saved = json.loads(path.read_text())
    assert saved["format"] == "support-toolkit duplicate labels" and saved["version"] == 1
    assert [lab["label_id"] for lab in saved["labels"]] == ["L1", "L3"]
    assert [h["action"] for h in saved["history"]] == ["create", "create", "rename", "status", "merge", "split",
                                                       "move"]
    # reload on start: same labels, next id continues
    again = LabelStore(path)
    assert {k: (v.name, sorted(v.members)) for k, v in again.labels.items()} == {
        "L1": ("Export times out", ids(2, 3)), "L3": ("Only T4", ids(1, 4))}
    assert again.create(ids(9), "x").label_id == "L4"


def test_a_second_session_acts_on_top_of_the_first_and_loses_nothing(tmp_path):
    path = tmp_path / "l.json"
    first, second = LabelStore(path), LabelStore(path)
    first.create(ids(1, 2), "from the first session")
    second.create(ids(2, 3), "from the second session")  # re-reads the file first: T2 moves, nothing is lost
    saved = {lab["label_id"]: (lab["name"], lab["members"]) for lab in json.loads(path.read_text())["labels"]}
    assert saved == {"L1": ("from the first session", ids(1)), "L2": ("from the second session", ids(2, 3))}
    first.rename("L1", "renamed by the first")  # and the first session sees the second's label
    assert sorted(first.labels) == ["L1", "L2"] and first.labels["L2"].members == ids(2, 3)
    with pytest.raises(ConfigError, match="there is no label 'L9'"):
        second.rename("L9", "x")
    assert len(LabelStore(path).labels) == 2


def test_an_unsaved_store_refuses_to_overwrite_another_sessions_save(tmp_path):
    path = tmp_path / "l.json"
    draft = LabelStore(path, autosave=False)
    draft.create(ids(1), "kept in memory")
    assert not path.exists()
    LabelStore(path).create(ids(2), "saved meanwhile")
    with pytest.raises(DataError, match="changed by another session since this explorer opened it; this action "
                                        "was not saved. Fix: re-run the explorer cell"):
        draft.save()
    assert [lab["name"] for lab in json.loads(path.read_text())["labels"]] == ["saved meanwhile"]


def test_moving_the_last_ticket_removes_the_empty_label(tmp_path):
    store = LabelStore(tmp_path / "l.json")
    store.create(ids(1), "a")
    store.create(ids(2), "b")
    store.move(ids(1), "L2")
    assert list(store.labels) == ["L2"]


def test_mistakes_raise_config_errors(tmp_path):
    store = LabelStore(tmp_path / "l.json")
    store.create(ids(1, 2), "a")
    with pytest.raises(ConfigError, match="`status`: unknown status 'bug'. Fix: use one of unreviewed, upstream_bug"):
        store.set_status("L1", "bug")
    with pytest.raises(ConfigError, match="a known issue needs its tracker key"):
        store.set_status("L1", "known_issue")
    with pytest.raises(ConfigError, match="there is no label 'L7'. Fix: use one of L1"):
        store.rename("L7", "x")
    with pytest.raises(ConfigError, match="merging needs at least two clusters"):
        store.merge(["L1"])
    with pytest.raises(ConfigError, match="tickets T5 are not in L1"):
        store.split("L1", ids(5), "x")
    with pytest.raises(ConfigError, match="the name is empty"):
        store.create(ids(3), " ")


def test_unreadable_or_foreign_files_are_errors_not_overwritten(tmp_path):
    path = tmp_path / "l.json"
    path.write_text("{not json")
    with pytest.raises(DataError, match=r"file .*l.json: the labels file cannot be read .*Fix: restore it"):
        LabelStore(path)
    path.write_text('{"hello": 1}')
    with pytest.raises(DataError, match="this is not a duplicate-labels file"):
        LabelStore(path)
    path.write_text(json.dumps({"format": "support-toolkit duplicate labels", "version": 1, "labels": [
        {"label_id": "L1", "name": "a", "members": ["T1"]}, {"label_id": "L2", "name": "b", "members": ["T1"]}]}))
    with pytest.raises(DataError, match="ticket T1 belongs to both L1 and L2"):
        LabelStore(path)
    assert "L2" in path.read_text()  # untouched


def test_atomic_write_leaves_no_temporaries_and_store_cleans_stale_ones(tmp_path):
    path = tmp_path / "l.json"
    atomic_write_text(path, "one")
    atomic_write_text(path, "two")
    assert path.read_text() == "two" and sorted(p.name for p in tmp_path.iterdir()) == ["l.json"]
    (tmp_path / ".l.json.abc.tmp").write_text("half")
    path.write_text(LabelStore(tmp_path / "other.json").to_json())
    LabelStore(path)
    assert not (tmp_path / ".l.json.abc.tmp").exists()


def test_labels_path_goes_next_to_the_data(tmp_path):
    (tmp_path / "tickets.csv").write_text("x")
    assert labels_path_for(tmp_path / "tickets.csv") == tmp_path / "duplicate_labels.json"
    assert labels_path_for(tmp_path) == tmp_path / "duplicate_labels.json"


def _inode(path) -> int | None:
    try:
        return path.stat().st_ino  # os.replace gives the file a new inode
    except FileNotFoundError:
        return None


def _wait_for_new_version(path, before, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while _inode(path) in (None, before):
        if time.monotonic() > deadline:
            raise TimeoutError(f"the writer did not save {path} within {seconds} s")
        time.sleep(0.02)


WRITER = textwrap.dedent("""
    import sys
    from toolkit.duplicates.labels import LabelStore
    store = LabelStore(sys.argv[1])
    while True:
        n = store._next
        # big labels, so that each write takes a while and a kill often lands in the middle of one
        store.create([f"T{n}-{i}" for i in range(2000)], f"label {n}", note="x" * 5000)
""")


def test_killing_a_writer_never_leaves_a_partial_file(tmp_path):
    path = tmp_path / "labels.json"
    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    env = dict(os.environ, PYTHONPATH=os.getcwd())
    seen = []
    for delay in (0.6, 0.9, 1.3, 1.7):
        before = _inode(path)
        proc = subprocess.Popen([sys.executable, str(script), str(path)], env=env)
        try:
            _wait_for_new_version(path, before)  # this writer has saved at least once
            time.sleep(delay)
        finally:
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=10)
        data = json.loads(path.read_text())  # always complete JSON
        labels = data["labels"]
        assert [lab["label_id"] for lab in labels] == [f"L{i}" for i in range(1, len(labels) + 1)]
        assert all(len(lab["members"]) == 2000 for lab in labels)
        assert len(data["history"]) == len(labels)
        store = LabelStore(path)  # reloads, and removes the killed writer's temporary file
        assert len(store.labels) == len(labels)
        assert not list(tmp_path.glob(".labels.json.*.tmp"))
        seen.append(len(labels))
    assert seen == sorted(seen) and seen[-1] > seen[0]  # every run continued the previous file


RAW_WRITER = textwrap.dedent("""
    import json, sys
    from toolkit.files import atomic_write_text
    n = 0
    while True:  # ~8 MB per write: most of the time is spent inside the write
        n += 1
        atomic_write_text(sys.argv[1], json.dumps({"n": n, "pad": str(n % 10) * 8_000_000}))
""")


def test_killing_a_raw_atomic_write_keeps_the_previous_or_the_next_version(tmp_path):
    path = tmp_path / "blob.json"
    script = tmp_path / "raw.py"
    script.write_text(RAW_WRITER)
    env = dict(os.environ, PYTHONPATH=os.getcwd())
    for delay in (0.3, 0.55, 0.8):
        before = _inode(path)
        proc = subprocess.Popen([sys.executable, str(script), str(path)], env=env)
        try:
            _wait_for_new_version(path, before)  # this writer has saved at least once
            time.sleep(delay)
        finally:
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=10)
        data = json.loads(path.read_text())
        assert data["pad"] == str(data["n"] % 10) * 8_000_000
        for tmp in tmp_path.glob(".blob.json.*.tmp"):  # what a killed writer leaves is never the real file
            tmp.unlink()


# ----------------------------------------------------------------------------- carry-over
def test_same_clustering_new_ids_carries_everything(tmp_path):
    store = make_store(tmp_path, {"export": [1, 2, 3, 4]})
    result = carry_labels(assignments({"7": [1, 2, 3, 4, 5], "8": [6, 7]}), store)
    got = result.assignments.set_index("ticket_id")
    assert got.loc[ids(1, 2, 3, 4, 5), "label_id"].tolist() == ["L1"] * 5
    assert got.loc["T5", "how"] == "carried" and got.loc["T1", "how"] == "member"
    assert got.loc[ids(6, 7), "label_id"].isna().all()
    m = result.matches.iloc[0]
    assert (m["label_id"], m["cluster_id"], m["shared"], m["jaccard"], m["carried"]) == ("L1", "7", 4, 0.8, True)
    assert result.conflicts.empty and result.lost.empty


def test_new_tickets_do_not_count_against_the_overlap(tmp_path):
    store = make_store(tmp_path, {"export": [1, 2]})
    created = pd.Series(pd.to_datetime(["2026-01-01"] * 2 + ["2026-02-15"] * 4, utc=True), index=ids(1, 2, 3, 4, 5, 6))
    result = carry_labels(assignments({"3": [1, 2, 3, 4, 5, 6]}), store, created_at=created)
    assert result.matches["jaccard"].tolist() == [1.0]  # 4 new tickets left out of the denominator
    assert result.assignments["label_id"].tolist() == ["L1"] * 6
    without = carry_labels(assignments({"3": [1, 2, 3, 4, 5, 6]}), store)  # all counted as known
    assert without.matches["jaccard"].round(3).tolist() == [0.333]
    assert without.assignments["label_id"].notna().sum() == 2


def test_merged_labels_absorb_both_recomputed_clusters(tmp_path):
    store = make_store(tmp_path, {"merged": [1, 2, 3, 4, 5, 6]})
    created = pd.Series(pd.to_datetime(["2026-01-01"] * 6 + ["2026-02-15"] * 2, utc=True),
                        index=ids(1, 2, 3, 4, 5, 6, 10, 11))
    result = carry_labels(assignments({"1": [1, 2, 3, 10], "2": [4, 5, 6, 11]}), store, created_at=created)
    assert result.matches["share_of_cluster"].tolist() == [1.0, 1.0]
    assert result.matches["jaccard"].tolist() == [0.5, 0.5]
    assert result.assignments.set_index("ticket_id").loc[["T10", "T11"], "label_id"].tolist() == ["L1", "L1"]


def test_a_cluster_spanning_two_labels_is_a_conflict(tmp_path):
    store = make_store(tmp_path, {"a": [1, 2, 3], "b": [4, 5, 6]})
    result = carry_labels(assignments({"9": [1, 2, 3, 4, 5, 6, 7, 8]}), store)
    got = result.assignments.set_index("ticket_id")["label_id"]
    assert got[ids(7, 8)].isna().all() and got["T1"] == "L1" and got["T4"] == "L2"
    [c] = result.conflicts.to_dict("records")
    assert (c["cluster_id"], c["label_ids"], c["shares"], c["unlabelled"]) == ("9", ["L1", "L2"], [0.375, 0.375], 2)
    assert c["message"] == ("recomputed cluster 9 overlaps a (L1, 38%) and b (L2, 38%); its 2 unlabelled ticket(s) "
                            "were left unlabelled: merge it into one of them or move the tickets")
    assert not result.matches["carried"].any()


def test_unclustered_and_lost(tmp_path):
    store = make_store(tmp_path, {"a": [1, 2], "gone": [50, 51]})
    frame = pd.DataFrame({"ticket_id": ids(1, 2, 3, 4), "cluster_id": [-1, None, "-1", "5"]})
    result = carry_labels(frame, store)
    got = result.assignments.set_index("ticket_id")
    assert got["cluster_id"].isna().tolist() == [True, True, True, False]
    assert got.loc[ids(1, 2), "label_id"].tolist() == ["L1", "L1"] and pd.isna(got.loc["T4", "label_id"])
    assert result.lost.to_dict("records") == [{"label_id": "L2", "name": "gone", "members": 2}]


def test_sync_pins_carried_tickets_and_keeps_other_data(tmp_path):
    store = make_store(tmp_path, {"a": [1, 2, 99]})
    result = carry_labels(assignments({"1": [1, 2, 3]}), store)
    store.sync(result.assignments, "2026-03-01T00:00:00+00:00")
    assert sorted(store.labels["L1"].members) == ids(1, 2, 3, 99) and store.data_until.startswith("2026-03-01")


# ----------------------------------------------------------------------------- exports
@settings(max_examples=60, deadline=None)
@given(clusters=st.lists(st.integers(-1, 4), min_size=1, max_size=40),
       owners=st.lists(st.integers(-1, 2), min_size=40, max_size=40))
def test_carry_over_invariants(tmp_path_factory, clusters, owners):
    tmp = tmp_path_factory.mktemp("carry")
    store = LabelStore(tmp / "l.json", autosave=False)
    n = len(clusters)
    for label in range(3):
        members = [f"T{i}" for i in range(n) if owners[i] == label]
        if members:
            store.create(members, f"label {label}")
    frame = pd.DataFrame({"ticket_id": [f"T{i}" for i in range(n)], "cluster_id": clusters})
    result = carry_labels(frame, store)
    got = result.assignments.set_index("ticket_id")
    owner = store.owner_of()
    # labelled tickets keep their label
    assert (got.loc[owner.index, "label_id"] == owner).all()
    # within a recomputed cluster, the unlabelled tickets all go one way: to one label, or nowhere
    joined = got[got["how"] != "member"].dropna(subset=["cluster_id"])
    assert (joined.groupby("cluster_id")["label_id"].nunique(dropna=False) <= 1).all()
    # a carried cluster is never a conflict, and conflicts name at least two labels
    carried = set(result.matches.loc[result.matches["carried"], "cluster_id"])
    assert carried.isdisjoint(set(result.conflicts["cluster_id"]))
    assert all(len(ids) >= 2 for ids in result.conflicts["label_ids"])
    # unclustered tickets are never carried anywhere
    assert not ((got["cluster_id"].isna()) & (got["how"] == "carried")).any()


# ----------------------------------------------------------------------------- two writers
TWO_WRITERS = textwrap.dedent("""
    import json, sys
    from toolkit.duplicates.labels import LabelStore
    path, who, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    store = LabelStore(path)
    done = []
    for i in range(n):
        label = store.create([f"{who}-{i}-a", f"{who}-{i}-b"], f"{who} {i}")
        if i % 3 == 0:
            store.rename(label.label_id, f"{who} {i} renamed")
        done.append(store.labels[label.label_id].name)  # acknowledged: the call returned
    print(json.dumps(done))
""")


def test_two_processes_saving_at_full_speed_keep_every_acknowledged_label(tmp_path):
    path = tmp_path / "labels.json"
    script = tmp_path / "two.py"
    script.write_text(TWO_WRITERS)
    env = dict(os.environ, PYTHONPATH=os.getcwd())
    procs = [subprocess.Popen([sys.executable, str(script), str(path), who, "60"], env=env, stdout=subprocess.PIPE,
                              text=True) for who in ("A", "B")]
    acknowledged = []
    for proc in procs:
        out, _ = proc.communicate(timeout=240)
        assert proc.returncode == 0
        acknowledged += json.loads(out)
    final = LabelStore(path)
    names = sorted(label.name for label in final.labels.values())
    assert len(acknowledged) == 120 and names == sorted(acknowledged)
    assert sorted(t for label in final.labels.values() for t in label.members) == sorted(
        f"{who}-{i}-{x}" for who in "AB" for i in range(60) for x in "ab")
    assert len({label.label_id for label in final.labels.values()}) == 120  # no id handed out twice
    assert [h["action"] for h in final.history].count("rename") == 40


def test_opening_a_store_never_removes_a_live_writers_temporary_file(tmp_path):
    from filelock import FileLock

    path = tmp_path / "labels.json"
    LabelStore(path).create(ids(1), "first")
    in_flight = tmp_path / ".labels.json.live1234.tmp"
    with FileLock(tmp_path / ".labels.json.lock"):  # another writer, in the middle of its save
        in_flight.write_text("half written")
        assert len(LabelStore(path).labels) == 1
        assert in_flight.exists()
    LabelStore(path)  # nobody holds the lock now: what is left is stale
    assert not in_flight.exists()


def test_a_writer_holding_the_lock_too_long_gives_a_clear_error(tmp_path):
    from filelock import FileLock

    path = tmp_path / "labels.json"
    store = LabelStore(path, lock_timeout=0.2)
    with FileLock(tmp_path / ".labels.json.lock"), pytest.raises(
            DataError, match=r"labels.json: another explorer has been saving the labels file for 0.2 s; this action "
                             r"was not saved. Fix: wait for the other explorer \(or close it\), then repeat"):
        store.create(ids(1), "blocked")
    assert store.labels == {} and not path.exists()
    store.create(ids(1), "after the other writer")
    assert [lab.name for lab in LabelStore(path).labels.values()] == ["after the other writer"]


# ----------------------------------------------------------------------------- undo and redo
def labels_on_disk(path) -> list[dict]:
    return json.loads(path.read_text())["labels"]


def test_undo_restores_the_exact_labels_and_redo_does_the_action_again(tmp_path):
    path = tmp_path / "l.json"
    store = LabelStore(path)
    store.create(ids(1, 2, 3), "Export fails")
    store.create(ids(4, 5), "Login loop")
    store.set_status("L2", "known_issue", tracker_key="APP-9", note="fix in 4.2")
    before = labels_on_disk(path)
    store.merge(["L1", "L2"])
    assert len(labels_on_disk(path)) == 1
    undone = store.undo()
    assert (undone["action"], undone["labels"], undone["n"]) == ("merge", ["L1", "L2"], 4)
    assert labels_on_disk(path) == before  # names, statuses, notes, times and members exactly as they were
    assert LabelStore(path).labels == store.labels
    redone = store.redo()
    assert redone["action"] == "merge" and sorted(store.labels["L1"].members) == ids(1, 2, 3, 4, 5)
    assert "L2" not in store.labels and store.redo() is None  # nothing left to redo
    assert [h["action"] for h in store.history] == ["create", "create", "status", "merge", "undo", "redo"]


def test_undo_walks_back_through_every_kind_of_action_and_a_new_action_ends_redo(tmp_path):
    path = tmp_path / "l.json"
    store = LabelStore(path)
    assert store.undo() is None and store.redo() is None
    store.create(ids(1, 2, 3, 4), "A")
    snapshots = [labels_on_disk(path)]
    for act in (lambda: store.rename("L1", "A renamed"), lambda: store.split("L1", ids(4), "B"),
                lambda: store.move(ids(1), "L2"), lambda: store.set_status("L2", "upstream_bug")):
        act()
        snapshots.append(labels_on_disk(path))
    for expected in reversed(snapshots[:-1]):
        store.undo()
        assert labels_on_disk(path) == expected
    store.undo()
    assert labels_on_disk(path) == [] and store.undo() is None
    store.redo()
    assert labels_on_disk(path) == snapshots[0]
    store.create(ids(9), "new work")  # a new action: what was undone before it cannot be redone
    assert store.redo() is None


def test_undo_works_after_a_restart_and_on_another_sessions_action(tmp_path):
    path = tmp_path / "l.json"
    LabelStore(path).create(ids(1), "A")
    LabelStore(path).rename("L1", "B")
    later = LabelStore(path)
    assert later.undo()["action"] == "rename" and later.labels["L1"].name == "A"
    assert LabelStore(path).labels["L1"].name == "A"


def test_a_failed_action_leaves_memory_and_file_as_they_were(tmp_path):
    path = tmp_path / "l.json"
    store = LabelStore(path)
    store.create(ids(1, 2), "A")
    saved = path.read_text()
    with pytest.raises(ConfigError, match="tickets T9 are not in L1"), store.transaction():
        store.rename("L1", "renamed inside")
        store.split("L1", ids(9), "x")
    assert store.labels["L1"].name == "A" and path.read_text() == saved
    assert [h["action"] for h in store.history] == ["create"]


def test_a_lock_that_cannot_be_created_gives_a_clear_error_not_a_traceback(tmp_path, monkeypatch):
    store = LabelStore(tmp_path / "l.json")
    store.create(ids(1), "A")

    def refused(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(store._lock, "acquire", refused)  # as in a read-only folder (root can write anywhere)
    with pytest.raises(DataError, match=r"l.json: the labels file cannot be locked for saving \(Permission denied\); "
                                        r"this action was not saved. Fix: check that the folder exists and is"):
        store.rename("L1", "B")
    assert store.labels["L1"].name == "A" and LabelStore(tmp_path / "l.json").labels["L1"].name == "A"


def test_opening_a_store_writes_nothing_next_to_the_data(tmp_path):
    (tmp_path / "tickets.csv").write_text("x")
    LabelStore(labels_path_for(tmp_path / "tickets.csv"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tickets.csv"]
