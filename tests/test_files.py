"""Atomic writes: the target holds the old or the new content, never a mix, and no temporaries stay."""

import pandas as pd
import pytest

from toolkit.files import atomic_path, atomic_write_text, write_csv_parts


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


# --- reading only regular files --------------------------------------------------------------------------------

def test_a_fifo_is_refused_at_once_instead_of_hanging(tmp_path):
    import os

    from toolkit.errors import DataError
    from toolkit.files import read_regular_bytes

    fifo = tmp_path / "export.csv"
    os.mkfifo(fifo)
    with pytest.raises(DataError) as info:
        read_regular_bytes(fifo)
    assert str(info.value) == (f"file {fifo}: this is a named pipe (FIFO), not a regular file. "
                               "Fix: save the data to a regular file first and pass that file")


def test_devices_folders_and_missing_files_are_refused(tmp_path):
    from toolkit.errors import ConfigError, DataError
    from toolkit.files import read_regular_bytes

    with pytest.raises(DataError, match=r"^file /dev/zero: this is a device, not a regular file\. Fix: save"):
        read_regular_bytes("/dev/zero")
    with pytest.raises(ConfigError, match=r": this is a folder, not a file\. Fix: pass the file inside it$"):
        read_regular_bytes(tmp_path, error=ConfigError)
    with pytest.raises(DataError, match=r"nope\.csv: file not found\. Fix: check the path"):
        read_regular_bytes(tmp_path / "nope.csv")
    big = tmp_path / "big.yaml"
    big.write_bytes(b"x" * 3000)
    with pytest.raises(DataError, match=r"the file is too large \(0\.0 MB; at most 0 MB\)"):
        read_regular_bytes(big, limit=2000)


# --- read_yaml -------------------------------------------------------------------------------------------------

def _yaml(tmp_path, text, name="config.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_read_yaml_reads_plain_data_and_merge_keys(tmp_path):
    from toolkit.files import read_yaml

    path = _yaml(tmp_path, "base: &b {a: 1, b: [x, y]}\nother:\n  <<: *b\n  a: 2\nwhen: 2026-01-31\n")
    data = read_yaml(path)
    assert data["other"] == {"a": 2, "b": ["x", "y"]}
    assert str(data["when"]) == "2026-01-31"


def test_read_yaml_refuses_duplicate_keys_naming_both_lines(tmp_path):
    from toolkit.errors import ConfigError
    from toolkit.files import read_yaml

    path = _yaml(tmp_path, "id: support\nlevels:\n  - 1\nid: other\n")
    with pytest.raises(ConfigError) as info:
        read_yaml(path, what="maturity model")
    assert str(info.value) == (f"file {path}, `id`: key 'id' is written twice in one mapping (lines 1 and 4). "
                               "Fix: keep one of them (YAML would silently use the last one)")
    nested = _yaml(tmp_path, "a:\n  x: 1\n  y: 2\n  x: 3\n", "nested.yaml")
    with pytest.raises(ConfigError) as info:
        read_yaml(nested)
    assert str(info.value).startswith(f"file {nested}, `a.x`: key 'x' is written twice in one mapping (lines 2 "
                                      "and 4)")
    items = _yaml(tmp_path, "dims:\n  - id: x\n  - id: y\n    levels: 1\n    id: z\n", "items.yaml")
    with pytest.raises(ConfigError, match=r"`dims\[1\]\.id`: key 'id' is written twice in one mapping \(lines 3 and "
                                          r"5\)"):
        read_yaml(items)


def test_read_yaml_never_runs_python_tags(tmp_path):
    from toolkit.errors import ConfigError
    from toolkit.files import read_yaml

    path = _yaml(tmp_path, "hook: !!python/object/apply:os.system ['touch pwned']\n")
    with pytest.raises(ConfigError) as info:
        read_yaml(path, what="mapping file")
    assert str(info.value) == (f"file {path}: the tag 'tag:yaml.org,2002:python/object/apply:os.system' at line 1 "
                               "is not allowed: a mapping file holds plain data only. Fix: remove the tag and write "
                               "the plain value")
    assert not (tmp_path / "pwned").exists()


def test_read_yaml_bounds_alias_expansion(tmp_path):
    from toolkit.errors import ConfigError
    from toolkit.files import read_yaml

    lines = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
    path = _yaml(tmp_path, "\n".join(lines) + "\n")
    with pytest.raises(ConfigError) as info:
        read_yaml(path)
    assert str(info.value) == (f"file {path}: the configuration file expands to more than 200,000 values "
                               "(aliases '*name' repeat anchored parts; line 6). Fix: write the values out, "
                               "or use fewer aliases")
    few = _yaml(tmp_path, "a: &a [1, 2]\nb: [*a, *a]\n", "few.yaml")
    assert read_yaml(few) == {"a": [1, 2], "b": [[1, 2], [1, 2]]}


def test_read_yaml_bounds_nesting_depth(tmp_path):
    from toolkit.errors import ConfigError
    from toolkit.files import read_yaml

    path = _yaml(tmp_path, "[" * 60 + "]" * 60 + "\n")
    with pytest.raises(ConfigError, match=r"the configuration file is nested more than 50 levels deep \(line 1\)"):
        read_yaml(path)
    very = _yaml(tmp_path, "[" * 100_000 + "]" * 100_000 + "\n", "very.yaml")
    with pytest.raises(ConfigError, match=r"very\.yaml: the configuration file is not valid YAML at line 1"):
        read_yaml(very)
    blocks = _yaml(tmp_path, "".join("  " * i + f"k{i}:\n" for i in range(60)) + "  " * 60 + "v: 1\n", "b.yaml")
    with pytest.raises(ConfigError, match=r"nested more than 50 levels deep"):
        read_yaml(blocks)


def test_read_yaml_syntax_encoding_and_non_files(tmp_path):
    import os

    from toolkit.errors import ConfigError
    from toolkit.files import read_yaml

    bad = _yaml(tmp_path, "a: [1, 2\nb: 3\n")
    with pytest.raises(ConfigError) as info:
        read_yaml(bad, what="engagements file")
    assert str(info.value) == (f"file {bad}: the engagements file is not valid YAML at line 2, column 2 (did not "
                               "find expected ',' or ']'). Fix: check the indentation and quoting there (a value "
                               "containing ': ' needs quotes)")
    latin = tmp_path / "latin.yaml"
    latin.write_bytes("name: caf\xe9\n".encode("latin-1"))
    with pytest.raises(ConfigError, match=r"the configuration file is not UTF-8 text \(byte 9\)\. Fix: save it as"):
        read_yaml(latin)
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    with pytest.raises(ConfigError, match=r"this is a named pipe \(FIFO\), not a regular file"):
        read_yaml(fifo)
    with pytest.raises(ConfigError, match=r"this is a device, not a regular file"):
        read_yaml("/dev/zero")


# --- spreadsheet-safe CSV --------------------------------------------------------------------------------------

def test_formula_leading_cells_are_neutralised_and_numbers_kept():
    import pandas as pd

    from toolkit.files import neutralise_formulas

    frame = pd.DataFrame({
        "text": ["=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd", "-3.5", "+44", "-1e3",
                 "ok", None, "a=b", "- bullet"],
        "score": [-3.5, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12],
    })
    out = neutralise_formulas(frame)
    assert out["text"].fillna("<missing>").tolist() == [
        "'=HYPERLINK(\"http://x\")", "'+1+1", "'-2+3", "'@SUM(A1)", "'\tcmd", "'\rcmd", "-3.5", "+44", "-1e3", "ok",
        "<missing>", "a=b", "'- bullet"]
    assert out["score"].tolist() == frame["score"].tolist() and out["score"].dtype == frame["score"].dtype
    assert frame["text"][0] == "=HYPERLINK(\"http://x\")"  # the input is not changed
    assert list(neutralise_formulas(pd.DataFrame(columns=["=cmd", "ok"])).columns) == ["'=cmd", "ok"]


def test_write_csv_is_atomic_and_safe(tmp_path):
    import pandas as pd

    from toolkit.files import write_csv

    path = write_csv(pd.DataFrame({"name": ["=1+2", "Ann"], "n": [-1, 2]}), tmp_path / "sub" / "out.csv")
    assert path.read_text() == "name,n\n'=1+2,-1\nAnn,2\n"
    assert [p.name for p in path.parent.iterdir()] == ["out.csv"]


# --- folders and output names ----------------------------------------------------------------------------------

def test_a_file_where_a_folder_must_be_gets_a_fix(tmp_path):
    from toolkit.errors import ConfigError

    (tmp_path / "reports").write_text("not a folder")
    with pytest.raises(ConfigError) as info:
        atomic_write_text(tmp_path / "reports" / "2026" / "x.html", "x")
    blocker = tmp_path / "reports"
    assert str(info.value) == (f"file {blocker}: cannot create the folder {blocker / '2026'}: {blocker} is a file, "
                               "not a folder. Fix: choose another output folder, or move or rename that file")


def test_errors_while_writing_name_the_target_not_the_temporary_file(tmp_path):
    target = tmp_path / "table.parquet"
    with pytest.raises(OSError) as info, atomic_path(target) as tmp:
        raise OSError(28, "No space left on device", str(tmp))
    assert info.value.filename == str(target)
    assert ".tmp" not in str(info.value)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("name", "reason"), [
    ("../../x", "contains a folder separator ('/' or '\\'): the report would be written outside --out"),
    ("a/b", "contains a folder separator ('/' or '\\'): the report would be written outside --out"),
    ("..\\x", "contains a folder separator ('/' or '\\'): the report would be written outside --out"),
    ("/etc/passwd", "contains a folder separator ('/' or '\\'): the report would be written outside --out"),
    ("..", "starts with '.' (a hidden file, or a step out of --out)"),
    (".bashrc", "starts with '.' (a hidden file, or a step out of --out)"),
    ("~root", "starts with '~' (a home folder)"),
    ("a\x00b", "contains a NUL character"),
    ("a\nb", "contains a control character"),
    ("  ", "is empty"),
    ("x" * 121, "is longer than 120 characters"),
    (" acme", "starts or ends with a space"),
])
def test_output_names_stay_inside_the_output_folder(name, reason):
    from toolkit.errors import ConfigError
    from toolkit.files import output_name

    with pytest.raises(ConfigError) as info:
        output_name(name, key="--name")
    shown = repr(name[:60].encode("unicode_escape").decode())
    assert str(info.value) == (f"`--name`: {shown} {reason}. Fix: use a plain file name of letters, digits, '-', "
                               "'_' and '.', e.g. acme-2026-h1 (it is written inside --out)")


def test_plain_output_names_pass_and_links_out_are_refused(tmp_path):
    from toolkit.errors import ConfigError
    from toolkit.files import inside, output_name

    assert output_name("Acme Cloud 2026-H1.v2") == "Acme Cloud 2026-H1.v2"
    assert inside(tmp_path, "acme", ".html") == tmp_path / "acme.html"
    (tmp_path / "evil.html").symlink_to(tmp_path.parent / "elsewhere.html")
    with pytest.raises(ConfigError, match=r"'evil\.html' would be written outside the output folder"):
        inside(tmp_path, "evil", ".html")


def test_csv_parts_are_written_as_one_file_with_one_header_and_safe_cells(tmp_path):
    parts = [pd.DataFrame({"ticket_id": ["1", "2"], "cluster_name": ["=SUM(A1)", "login"]}),
             pd.DataFrame({"ticket_id": ["3"], "cluster_name": ["-3.5"]})]
    path = write_csv_parts(iter(parts), tmp_path / "out" / "clusters.csv")
    assert path.read_text() == "ticket_id,cluster_name\n1,'=SUM(A1)\n2,login\n3,-3.5\n"
