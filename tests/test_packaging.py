"""Packaging and set-up: one dependency list in two files, docs generated from code, a working CLI."""

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import yaml
from click.testing import CliRunner

from toolkit import schema
from toolkit.cli import cli

ROOT = Path(__file__).resolve().parents[1]


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~ \[]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _spec(requirement: str) -> str:
    return requirement.replace(" ", "").lower()


def test_environment_yml_installs_the_project_with_pip_and_torch_from_conda():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda = [d for d in env["dependencies"] if isinstance(d, str)]
    pip_section = [d for d in env["dependencies"] if isinstance(d, dict)]
    torch = next(d for d in project["optional-dependencies"]["semantic"] if _name(d) == "torch")
    python = project["requires-python"]
    # pytorch is conda's name for torch; everything else comes from pyproject.toml through pip
    assert conda == [f"python{python}", "pip", torch.replace("torch", "pytorch")]
    assert pip_section == [{"pip": ["-e .[dev,semantic]"]}]
    assert {"dev", "semantic"} <= set(project["optional-dependencies"])


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
