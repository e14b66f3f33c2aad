"""Atomic writes: the target holds the old or the new content, never a mix, and no temporaries stay."""

import pytest

from toolkit.files import atomic_path, atomic_write_text


def test_write_replaces_the_content_and_leaves_nothing_else(tmp_path):
    target = tmp_path / "sub" / "labels.json"
    atomic_write_text(target, "one\n")
    atomic_write_text(target, "two\n")
    assert target.read_text() == "two\n"
    assert [p.name for p in target.parent.iterdir()] == ["labels.json"]


def test_a_failing_writer_keeps_the_previous_file(tmp_path):
    target = tmp_path / "cache.parquet"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError, match="writer crashed"), atomic_path(target) as tmp:
        tmp.write_bytes(b"half")
        raise RuntimeError("writer crashed")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["cache.parquet"]


def test_new_files_get_the_usual_permissions_and_existing_ones_keep_theirs(tmp_path):
    import os

    umask = os.umask(0o022)
    try:
        fresh = tmp_path / "report.html"
        atomic_write_text(fresh, "x")
        assert fresh.stat().st_mode & 0o777 == 0o644
        fresh.chmod(0o600)
        atomic_write_text(fresh, "y")
        assert fresh.stat().st_mode & 0o777 == 0o600
    finally:
        os.umask(umask)
