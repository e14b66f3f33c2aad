"""toolkit.report.batch and the CLI: many clients, one failure isolated, a summary, the right exit code."""

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from toolkit.errors import ConfigError, DataError
from toolkit.report.batch import job_from_options, read_engagements, run_batch, slug, summary_text
from toolkit.report.cli import report
from toolkit.report.render import RenderResult


@pytest.fixture
def folder(tmp_path):
    for name in ("a.csv", "b.csv", "c.csv"):
        (tmp_path / name).write_text("ticket_id,created_at,status,channel\n1,2026-01-01,open,email\n")
    return tmp_path


def _fake_render(params, out_dir, name, **kwargs):
    if params.client_name == "Broken Data Ltd":
        raise DataError("required column is missing", file=str(params.tickets_path), column="created_at")
    if params.client_name == "Crashing Inc":
        raise RuntimeError("kernel exploded")
    html = Path(out_dir) / f"{name}.html"
    html.parent.mkdir(parents=True, exist_ok=True)
    html.write_text("x" * 2_000_000)
    return RenderResult(html, html.with_suffix(".ipynb"), 1.0, html.stat().st_size)


def test_one_failure_does_not_stop_the_others(folder):
    (folder / "engagements.yaml").write_text(
        "defaults:\n  timezone: Europe/London\n"
        "engagements:\n"
        "  - {client: Broken Data Ltd, tickets: a.csv}\n"
        "  - {client: Missing File plc, tickets: nope.csv}\n"
        "  - {client: Crashing Inc, tickets: a.csv}\n"
        "  - just a string\n"
        "  - {client: Good Co, tickets: b.csv, period: '2026-01-01:2026-03-31'}\n")
    messages = []
    summary = run_batch(folder / "engagements.yaml", folder / "out", render=_fake_render, echo=messages.append)
    assert summary["client"].tolist() == ["Broken Data Ltd", "Missing File plc", "Crashing Inc", "engagement 4",
                                          "Good Co"]
    assert summary["status"].tolist() == ["failed", "failed", "failed", "failed", "ok"]
    assert summary.loc[0, "error"] == f"file {folder / 'a.csv'}, column `created_at`: required column is missing"
    assert summary.loc[1, "error"].startswith("`engagements[1].tickets`: file nope.csv does not exist")
    assert summary.loc[2, "error"] == "RuntimeError: kernel exploded"
    assert summary.loc[3, "error"].startswith(f"file {folder / 'engagements.yaml'}, `engagements[3]`: expected a "
                                              "mapping")
    assert summary.loc[4, "html"] == str(folder / "out" / "good-co-engagement.html")
    assert summary.loc[4, "size_mb"] == 2.0
    text = summary_text(summary)
    assert "1 of 5 reports rendered." in text and "good-co-engagement.html" in text


def test_job_from_options_resolves_paths_and_names_the_key(folder):
    job = job_from_options({"client": "Good Co", "tickets": "b.csv", "period": "2026-01-01:",
                            "accent": "#112233"}, base_dir=folder)
    assert job.parameters.tickets_path == (folder / "b.csv").resolve()
    assert job.name == "good-co-engagement" and str(job.parameters.period_start) == "2026-01-01"
    with pytest.raises(ConfigError) as err:
        job_from_options({"client": "X", "tickets": "b.csv", "acent": "#fff"}, base_dir=folder, where="engagements[0]")
    assert str(err.value).startswith("`engagements[0].acent`: is not an engagement key. Fix: use some of client,")
    with pytest.raises(ConfigError) as err:
        job_from_options({"client": "X", "tickets": "b.csv", "accent": "red"}, base_dir=folder)
    assert str(err.value) == "`accent`: 'red' is not a hex colour. Fix: write it as \"#RRGGBB\", e.g. \"#0b6e99\""
    with pytest.raises(ConfigError, match=r"`period`: '2026' is not a period"):
        job_from_options({"client": "X", "tickets": "b.csv", "period": "2026"}, base_dir=folder)
    with pytest.raises(ConfigError, match="`tickets`: is missing"):
        job_from_options({"client": "X"}, base_dir=folder)
    semantic = job_from_options({"client": "X", "tickets": "b.csv", "duplicates_representation": "semantic"},
                                base_dir=folder)
    assert semantic.parameters.duplicates_representation == "semantic"


@pytest.mark.parametrize(("text", "message"), [
    ("engagements:\n  - client: A\n   tickets: x", "is not valid YAML at line 3"),
    ("clients: []", "`engagements`: expected a list of engagements"),
    ("engagements: []", "`engagements`: expected a list of engagements"),
])
def test_bad_engagement_files(tmp_path, text, message):
    path = tmp_path / "e.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=message):
        read_engagements(path)


def test_slug():
    assert slug("Northwind Cloud (UK) Ltd.") == "northwind-cloud-uk-ltd"
    assert slug("!!!") == "client"


def test_cli_batch_exits_1_when_a_client_failed(folder, monkeypatch):
    monkeypatch.setattr("toolkit.report.batch.render_report", _fake_render)
    (folder / "e.yaml").write_text("engagements:\n  - {client: Good Co, tickets: b.csv}\n"
                                   "  - {client: Broken Data Ltd, tickets: a.csv}\n")
    result = CliRunner().invoke(report, ["--batch", str(folder / "e.yaml"), "--out", str(folder / "out"), "--quiet"])
    assert result.exit_code == 1
    assert "1 of 2 reports rendered." in result.output
    (folder / "ok.yaml").write_text("engagements:\n  - {client: Good Co, tickets: b.csv}\n")
    result = CliRunner().invoke(report, ["--batch", str(folder / "ok.yaml"), "--out", str(folder / "out"), "--quiet"])
    assert result.exit_code == 0, result.output


def test_cli_user_mistakes_exit_2_with_a_message(folder):
    out = subprocess.run([sys.executable, "-m", "toolkit", "report", "--client", "A", "--tickets", "nope.csv"],
                         capture_output=True, text=True, cwd=folder)
    assert out.returncode == 2
    assert out.stderr.startswith("error: `tickets`: file nope.csv does not exist")
    assert "Traceback" not in out.stderr
    out = subprocess.run([sys.executable, "-m", "toolkit", "report", "--tickets", "a.csv"], capture_output=True,
                         text=True, cwd=folder)
    assert out.returncode == 2 and "`--client`: is missing" in out.stderr
    out = subprocess.run([sys.executable, "-m", "toolkit", "report", "--client", "A", "--tickets", "a.csv",
                          "--duplicates-representation", "bert"], capture_output=True, text=True, cwd=folder)
    assert out.returncode == 2 and out.stderr.startswith(
        "error: `duplicates_representation`: 'bert' is not a duplicate-clustering representation.")


def test_batch_names_that_leave_the_output_folder_fail_before_rendering(folder):
    (folder / "e.yaml").write_text(
        'engagements:\n'
        '  - {client: Up Two, tickets: a.csv, name: ../../x}\n'
        '  - {client: Nul Byte, tickets: a.csv, name: "acme\\0report"}\n'
        '  - {client: Hidden, tickets: a.csv, name: .profile}\n'
        '  - {client: Plain, tickets: b.csv, name: plain-2026}\n')
    rendered = []

    def render(params, out_dir, name, **kwargs):
        rendered.append(name)
        return _fake_render(params, out_dir, name)

    summary = run_batch(folder / "e.yaml", folder / "out", render=render, echo=lambda m: None)
    assert rendered == ["plain-2026"]
    fix = ("Fix: use a plain file name of letters, digits, '-', '_' and '.', e.g. acme-2026-h1 "
           "(it is written inside --out)")
    assert summary["error"].tolist()[:3] == [
        "`engagements[0].name`: '../../x' contains a folder separator ('/' or '\\'): the report would be written "
        f"outside --out. {fix}",
        f"`engagements[1].name`: 'acme\\\\x00report' contains a NUL character. {fix}",
        f"`engagements[2].name`: '.profile' starts with '.' (a hidden file, or a step out of --out). {fix}"]
    assert sorted(p.name for p in folder.parent.iterdir() if p.name == "x.html") == []


def test_cli_name_outside_out_is_refused_before_rendering(folder, monkeypatch):
    calls = []
    monkeypatch.setattr("toolkit.report.render.render_report", lambda *a, **k: calls.append(a))
    result = CliRunner().invoke(report, ["--client", "A", "--tickets", str(folder / "a.csv"), "--name", "../x",
                                         "--out", str(folder / "out")])
    assert isinstance(result.exception, ConfigError)
    assert str(result.exception).startswith("`name`: '../x' contains a folder separator")
    assert calls == []


def test_warned_and_failed_clients_and_the_summary_csv(folder):
    (folder / "engagements.yaml").write_text(
        "engagements:\n"
        "  - {client: Good Co, tickets: a.csv}\n"
        "  - {client: No Survey Ltd, tickets: b.csv}\n"
        "  - {client: Broken Data Ltd, tickets: c.csv}\n")

    def render(params, out_dir, name, **kwargs):
        result = _fake_render(params, out_dir, name, **kwargs)
        if params.client_name == "No Survey Ltd":
            return RenderResult(result.html, result.notebook, 1.0, result.size_bytes, warnings=(
                "no data for section 'Customer experience': No survey responses were provided.",
                "b.csv: 40 of 100 rows rejected (40%)"))
        return result

    messages = []
    summary = run_batch(folder / "engagements.yaml", folder / "out", render=render, echo=messages.append)
    assert summary["status"].tolist() == ["ok", "warned", "failed"]
    assert summary.loc[1, "warnings"] == ("no data for section 'Customer experience': No survey responses were "
                                          "provided.; b.csv: 40 of 100 rows rejected (40%)")
    assert "[2/3] No Survey Ltd: warning: b.csv: 40 of 100 rows rejected (40%)" in messages
    written = pd.read_csv(folder / "out" / "batch_summary.csv", keep_default_na=False)
    assert written.columns.tolist() == ["client", "status", "seconds", "size_mb", "html", "warnings", "error"]
    assert written["client"].tolist() == ["Good Co", "No Survey Ltd", "Broken Data Ltd"]
    assert written["status"].tolist() == ["ok", "warned", "failed"]
    assert written["warnings"].tolist() == ["", summary.loc[1, "warnings"], ""]
    assert written["error"].tolist() == ["", "", f"file {folder / 'c.csv'}, column `created_at`: required column is "
                                                 "missing"]
    assert written["size_mb"].tolist() == ["2.0", "2.0", ""]
    text = summary_text(summary)
    assert "2 of 3 reports rendered, 1 with warnings to check." in text
    assert f"{folder / 'out' / 'no-survey-ltd-engagement.html'} (check: no data for section" in text


def test_engagement_and_labels_keys_and_a_mistake_inside_the_engagement_file(folder):
    (folder / "engagement.yaml").write_text("cover:\n  firm: Halden & Rowe\n")
    (folder / "labels.json").write_text("{}")
    job = job_from_options({"client": "Good Co", "tickets": "a.csv", "engagement": "engagement.yaml",
                            "labels": "labels.json"}, base_dir=folder)
    assert job.parameters.engagement_file == folder / "engagement.yaml"
    assert job.parameters.labels_path == folder / "labels.json"
    (folder / "engagement.yaml").write_text("commentary:\n  operatons: Slow.\n")
    with pytest.raises(ConfigError) as info:
        job_from_options({"client": "Good Co", "tickets": "a.csv", "engagement": "engagement.yaml"}, base_dir=folder,
                         where="engagements[0]")
    assert str(info.value).startswith(f"file {folder / 'engagement.yaml'}, `commentary.operatons`: 'operatons' is "
                                      "not a report section.")
    with pytest.raises(ConfigError, match=r"`engagements\[0\].engagement`: file nope.yaml does not exist"):
        job_from_options({"client": "Good Co", "tickets": "a.csv", "engagement": "nope.yaml"}, base_dir=folder,
                         where="engagements[0]")


def test_releases_key_and_option_and_a_malformed_release_file_fails_before_rendering(folder, monkeypatch):
    (folder / "releases.csv").write_text("date,name,product\n2026-08-31,Login 4.2,Login\n")
    job = job_from_options({"client": "Good Co", "tickets": "a.csv", "releases": "releases.csv"}, base_dir=folder)
    assert job.parameters.releases_path == folder / "releases.csv"
    assert job.parameters.as_notebook_parameters()["releases_path"] == str(folder / "releases.csv")
    (folder / "releases.csv").write_text("date,name,product\n2026-08-31,Login 4.2,Login\nnext week,Billing 7,\n")
    with pytest.raises(DataError, match=r"releases.csv, column `date`: not a date in the form YYYY-MM-DD \(row 2 "
                                        r"\('next week'\)\). Fix: write dates like 2026-08-31"):
        job_from_options({"client": "Good Co", "tickets": "a.csv", "releases": "releases.csv"}, base_dir=folder)
    monkeypatch.chdir(folder)
    monkeypatch.setattr("toolkit.report.render.render_report", _fake_render)
    result = CliRunner().invoke(report, ["--client", "Good Co", "--tickets", "a.csv", "--releases", "releases.csv",
                                         "--out", str(folder / "out")])
    assert result.exit_code != 0 and "not a date in the form YYYY-MM-DD" in (result.output + str(result.exception))


def test_schedule_key_and_option_and_a_malformed_schedule_fails_before_rendering(folder, monkeypatch):
    (folder / "hours.yaml").write_text('timezone: Europe/Berlin\nhours:\n  mon: ["09:00", "17:00"]\n')
    job = job_from_options({"client": "Good Co", "tickets": "a.csv", "schedule": "hours.yaml"}, base_dir=folder)
    assert job.parameters.schedule_path == folder / "hours.yaml"
    assert job.parameters.as_notebook_parameters()["schedule_path"] == str(folder / "hours.yaml")
    (folder / "hours.yaml").write_text('timezone: Mars/Olympus\nhours:\n  mon: ["09:00", "17:00"]\n')
    with pytest.raises(ConfigError) as info:
        job_from_options({"client": "Good Co", "tickets": "a.csv", "schedule": "hours.yaml"}, base_dir=folder)
    assert "hours.yaml" in str(info.value) and "Mars/Olympus" in str(info.value)
    monkeypatch.chdir(folder)
    monkeypatch.setattr("toolkit.report.render.render_report", _fake_render)
    result = CliRunner().invoke(report, ["--client", "Good Co", "--tickets", "a.csv", "--schedule", "hours.yaml",
                                         "--out", str(folder / "out")])
    assert result.exit_code != 0 and "Mars/Olympus" in (result.output + str(result.exception))
