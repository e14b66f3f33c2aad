"""Packaging and set-up: one dependency list in two files, docs generated from code, a working CLI, notebooks and
sample data shipped in the package, and a wheel that renders the demo report outside the checkout."""

import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from importlib import resources
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from toolkit import schema
from toolkit.cli import cli
from toolkit.errors import ConfigError
from toolkit.report.render import DEFAULT_NOTEBOOK

ROOT = Path(__file__).resolve().parents[1]
PACKAGED_NOTEBOOKS = Path(str(resources.files("toolkit").joinpath("notebooks")))
PACKAGED_SAMPLES = Path(str(resources.files("toolkit.samples").joinpath("data")))
# What the demo report and the notebooks' defaults read at run time; the wheel must hold each.
RUNTIME_SAMPLES = ["tickets.csv.gz", "messages.csv.gz", "survey_responses.csv", "survey_invitations.csv.gz",
                   "maturity_answers.csv", "portfolio_scores.csv", "engagement.yaml"]


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~ \[]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def test_notebooks_and_sample_data_have_one_source_inside_the_package():
    assert (ROOT / "notebooks").is_symlink() and (ROOT / "notebooks").resolve() == PACKAGED_NOTEBOOKS.resolve()
    assert (ROOT / "data" / "samples").is_symlink()
    assert (ROOT / "data" / "samples").resolve() == PACKAGED_SAMPLES.resolve()
    assert DEFAULT_NOTEBOOK.parent == PACKAGED_NOTEBOOKS and DEFAULT_NOTEBOOK.is_file()
    assert all((PACKAGED_SAMPLES / name).is_file() for name in RUNTIME_SAMPLES)
    # No second copy of a notebook anywhere in the checkout (os.walk does not follow the links).
    copies = []
    for folder, dirs, files in os.walk(ROOT):
        dirs[:] = [d for d in dirs if d not in {".git", ".venv", "build", "reports", ".ipynb_checkpoints"}]
        copies += [Path(folder, name).relative_to(ROOT) for name in files if name.endswith(".ipynb")]
    assert copies and all(c.parent == Path("toolkit", "notebooks") for c in copies), copies


def test_no_module_finds_files_outside_the_package():
    found = []
    for path in sorted((ROOT / "toolkit").rglob("*.py")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if re.search(r"__file__|\.parents\[|[\"']\.\./", line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not found, "find package files with importlib.resources instead:\n" + "\n".join(found)


def test_environment_yml_installs_the_project_with_pip_and_torch_from_conda():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda = [d for d in env["dependencies"] if isinstance(d, str)]
    pip_section = [d for d in env["dependencies"] if isinstance(d, dict)]
    torch = next(d for d in project["optional-dependencies"]["semantic"] if _name(d) == "torch")
    python = project["requires-python"]
    # pytorch is conda's name for torch, openjdk the Java the spark extra needs; the rest comes from
    # pyproject.toml through pip
    assert conda == [f"python{python}", "pip", torch.replace("torch", "pytorch"), "openjdk>=17"]
    assert pip_section == [{"pip": ["-e .[dev,semantic,spark]"]}]
    assert {"dev", "semantic", "spark"} <= set(project["optional-dependencies"])


def test_docs_data_model_matches_the_schema():
    text = (ROOT / "docs" / "data-model.md").read_text(encoding="utf-8")
    assert text == schema.data_model_markdown(), "regenerate with: support-toolkit schema --out docs/data-model.md"


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    assert "make test" in readme and "make demo" in readme
    assert "exec make test" in (ROOT / ".ci" / "run").read_text()


def test_cli_help_lists_the_commands():
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    assert "Usage:" in result.output and "schema" in result.output


def test_python_dash_m_toolkit_runs():
    out = subprocess.run([sys.executable, "-m", "toolkit", "--version"], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "support-toolkit, version 0.1.0"


def test_every_registered_command_imports():
    from toolkit.cli import COMMANDS, LazyGroup

    group = LazyGroup()
    for name in COMMANDS:
        assert group.get_command(None, name) is not None, name


def test_user_mistakes_exit_2_with_the_message_on_stderr(tmp_path):
    bad = tmp_path / "out" / "missing-dir" / "model.md"
    out = subprocess.run([sys.executable, "-m", "toolkit", "nonexistent-command"], capture_output=True, text=True)
    assert out.returncode == 2 and "No such command" in out.stderr
    out = subprocess.run([sys.executable, "-m", "toolkit", "schema", "--out", str(bad)], capture_output=True,
                         text=True)
    assert out.returncode != 0 and "Traceback" not in out.stderr


def _build_wheel(tmp_path: Path) -> Path:
    """Build the wheel from a copy of the sources, so nothing stale in the checkout's build/ can slip in."""
    src = tmp_path / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, src / name)
    shutil.copytree(ROOT / "toolkit", src / "toolkit",
                    ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints"))
    # No build isolation: setuptools and wheel come from the test environment instead of the network.
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--quiet",
                    "--wheel-dir", str(tmp_path / "dist"), str(src)], check=True, capture_output=True, text=True)
    (wheel,) = (tmp_path / "dist").glob("support_toolkit-*.whl")
    return wheel


@pytest.mark.slow
def test_the_wheel_installed_outside_the_checkout_renders_the_demo_report(tmp_path):
    wheel = _build_wheel(tmp_path)
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {f"toolkit/samples/data/{n}" for n in RUNTIME_SAMPLES} <= names
    assert "toolkit/notebooks/engagement_report.ipynb" in names
    assert "toolkit/samples/data/zendesk_tickets.csv" not in names, "the Zendesk copy is for tests only"
    assert wheel.stat().st_size < 8_000_000

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               check=True, capture_output=True, text=True).stdout.strip())
    # The dependencies come from the test environment's site-packages: a plain path line, after the new venv's
    # own site-packages. Its .pth files (the editable finder of this checkout) are not run from there.
    (site / "test-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--quiet",
                    str(wheel)], check=True, capture_output=True, text=True)

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    # The dependencies' data files (nbconvert's templates, the python3 kernel spec) are under the test
    # environment's prefix, where a real install would put them under its own.
    env = {"PATH": f"{venv / 'bin'}:/usr/bin:/bin", "HOME": str(Path.home()), "LANG": "C.UTF-8",
           "JUPYTER_PATH": str(Path(sysconfig.get_paths()["data"]) / "share" / "jupyter")}
    where = subprocess.run([str(python), "-c", "import toolkit; print(toolkit.__file__)"], cwd=elsewhere, env=env,
                           check=True, capture_output=True, text=True).stdout.strip()
    assert Path(where).is_relative_to(site), f"toolkit was imported from {where}, not from the installed wheel"

    run = subprocess.run([str(venv / "bin" / "support-toolkit"), "report", "--demo", "--out", "out", "--quiet"],
                         cwd=elsewhere, env=env, capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stderr[-3000:]
    page = (elsewhere / "out" / "sample-engagement.html").read_text(encoding="utf-8")
    assert "Northwind Cloud" in page and "Traceback" not in page
    executed = json.loads((elsewhere / "out" / "sample-engagement.ipynb").read_text(encoding="utf-8"))
    injected = next(c for c in executed["cells"] if "injected-parameters" in c["metadata"].get("tags", []))
    assert f"tickets_path = \"{site}/toolkit/samples/data/tickets.csv.gz\"" in "".join(injected["source"])


def test_demo_without_the_packaged_sample_data_says_where_it_looked_and_how_to_get_it(tmp_path, monkeypatch):
    from toolkit import samples

    monkeypatch.setattr(samples, "SAMPLES_DIR", tmp_path)
    result = CliRunner().invoke(cli, ["report", "--demo", "--out", str(tmp_path / "out")])
    assert isinstance(result.exception, ConfigError)
    assert str(result.exception) == (
        f"`demo`: the sample data is missing ({tmp_path / 'tickets.csv.gz'}). Fix: reinstall support-toolkit, "
        f"or generate it with: support-toolkit samples --out {tmp_path}")
    assert not (tmp_path / "out").exists(), "nothing is rendered"
