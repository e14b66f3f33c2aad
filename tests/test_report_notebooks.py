"""The notebooks: one papermill parameters cell each with the report's parameters, defaults that validate
against data/samples, no committed outputs, and no analysis logic in cells."""

import ast
from pathlib import Path

import nbformat
import pytest

from toolkit.report.parameters import NAMES, validate_parameters

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
REPORT_NOTEBOOKS = ["engagement_report.ipynb", "maturity_assessment.ipynb", "survey_analysis.ipynb",
                    "ticket_operations.ipynb"]


def _parameters_cell(name: str) -> nbformat.NotebookNode:
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    cells = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(cells) == 1, f"{name}: expected one cell tagged `parameters`, found {len(cells)}"
    return cells[0]


@pytest.mark.parametrize("name", REPORT_NOTEBOOKS)
def test_parameters_cell_holds_every_report_parameter_and_its_defaults_validate(name):
    cell = _parameters_cell(name)
    values = {}
    for node in ast.parse(cell.source).body:
        assert isinstance(node, ast.Assign) and len(node.targets) == 1, f"{name}: only assignments in parameters"
        values[node.targets[0].id] = ast.literal_eval(node.value)
    assert tuple(values) == NAMES
    params = validate_parameters(values, base_dir=NOTEBOOKS)
    assert params.tickets_path.is_file() and params.redact_pii is True


@pytest.mark.parametrize("path", sorted(NOTEBOOKS.glob("*.ipynb")), ids=lambda p: p.name)
def test_no_outputs_are_committed(path):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert not cell.outputs and cell.execution_count is None, f"{path.name}: strip outputs before committing"


@pytest.mark.parametrize("name", REPORT_NOTEBOOKS)
def test_cells_hold_calls_not_logic(name):
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for node in ast.walk(ast.parse(cell.source)):
            assert not isinstance(node, ast.For | ast.While | ast.FunctionDef | ast.ClassDef | ast.ListComp
                                  | ast.DictComp | ast.GeneratorExp), f"{name}: move this logic into toolkit"
            if isinstance(node, ast.Attribute):
                assert node.attr not in ("groupby", "pivot_table", "merge", "apply"), \
                    f"{name}: `.{node.attr}` belongs in the library"


def test_the_report_notebook_hides_set_up_and_puts_the_summary_first():
    nb = nbformat.read(NOTEBOOKS / "engagement_report.ipynb", as_version=4)
    summary = [c for c in nb.cells if "summary" in c.metadata.get("tags", [])]
    assert summary and summary[0].source.startswith("## Executive summary")
    setup = next(c for c in nb.cells if "load_engagement" in c.source)
    assert "report-hide" in setup.metadata.get("tags", [])
    assert "widgets" not in " ".join(c.source for c in nb.cells), "keep widgets out of the report notebook"
