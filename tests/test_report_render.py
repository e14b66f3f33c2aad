"""toolkit.report.render: papermill runs, and failures that name notebook, section and message."""

import nbformat
import pytest

from toolkit.errors import ConfigError
from toolkit.report.render import ReportError, render_report, section_of


def _notebook(path, *cells, title="## Customer experience"):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    params = nbformat.v4.new_code_cell(
        "client_name = 'x'\ntickets_path = ''\nredact_pii = True", metadata={"tags": ["parameters"]})
    nb.cells = [nbformat.v4.new_markdown_cell("# Report"), params,
                nbformat.v4.new_markdown_cell("## Set-up"), nbformat.v4.new_code_cell("import os"),
                nbformat.v4.new_markdown_cell(f"{title}\n\nProse."),
                *[nbformat.v4.new_code_cell(c) for c in cells]]
    nbformat.write(nb, path)
    return path


@pytest.fixture
def tickets(tmp_path):
    path = tmp_path / "tickets.csv"
    path.write_text("ticket_id,created_at,status,channel\n1,2026-01-01,open,email\n")
    return path


def test_a_good_notebook_renders_html_and_keeps_the_executed_notebook(tmp_path, tickets):
    nb = _notebook(tmp_path / "ok.ipynb", "import os\nprint(os.environ['PLOTLY_RENDERER'])",
                   "from toolkit.report import paragraph\nparagraph(client_name)")
    result = render_report({"client_name": "Acme", "tickets_path": str(tickets)}, tmp_path / "out", "acme",
                           notebook=nb, progress=False)
    page = result.html.read_text()
    assert result.html.name == "acme.html" and result.notebook.name == "acme.ipynb" and result.notebook.exists()
    assert "<p>Acme</p>" in page, "the parameter reached the kernel"
    assert ">notebook\n<" in page or ">notebook<" in page, "the kernel ran with PLOTLY_RENDERER=notebook"
    assert result.size_bytes == result.html.stat().st_size
    assert not list((tmp_path / "out").glob(".*partial"))


def test_a_failing_cell_names_notebook_section_and_toolkit_message(tmp_path, tickets):
    out = tmp_path / "out"
    out.mkdir()
    (out / "acme.html").write_text("<html>an older, complete-looking report</html>")
    nb = _notebook(tmp_path / "bad.ipynb", "from toolkit.errors import DataError\n"
                   "raise DataError('no survey answers in the period', file='nps.csv', fix='widen the period')",
                   title="## Customer experience\n\n### NPS by segment")
    with pytest.raises(ReportError) as err:
        render_report({"client_name": "Acme", "tickets_path": str(tickets)}, out, "acme", notebook=nb,
                      progress=False)
    assert str(err.value) == (
        "bad.ipynb failed in section 'Customer experience › NPS by segment': DataError: file nps.csv: no survey "
        f"answers in the period. Fix: widen the period. The executed notebook with the full traceback is "
        f"{out / 'acme.ipynb'}; no HTML report was written")
    assert not (out / "acme.html").exists(), "a stale report must not survive a failed run"
    assert (out / "acme.ipynb").exists()


def test_a_cell_timeout_is_reported_like_a_failure(tmp_path, tickets):
    nb = _notebook(tmp_path / "slow.ipynb", "import time\ntime.sleep(30)", title="## Operations")
    with pytest.raises(ReportError) as err:
        render_report({"client_name": "A", "tickets_path": str(tickets)}, tmp_path, "a", notebook=nb,
                      timeout=2, progress=False)
    assert str(err.value).startswith(
        "slow.ipynb failed in section 'Operations': a cell ran longer than the 2 s timeout")
    assert not (tmp_path / "a.html").exists() and (tmp_path / "a.ipynb").exists()


def test_a_dead_kernel_is_reported_like_a_failure(tmp_path, tickets):
    nb = _notebook(tmp_path / "dies.ipynb", "import os\nos._exit(1)", title="## Upstream problems")
    with pytest.raises(ReportError) as err:
        render_report({"client_name": "A", "tickets_path": str(tickets)}, tmp_path, "a", notebook=nb,
                      progress=False)
    assert str(err.value).startswith("dies.ipynb failed in section 'Upstream problems': the notebook's kernel died")
    assert not (tmp_path / "a.html").exists()


def test_parameters_are_checked_before_any_kernel_starts(tmp_path):
    nb = _notebook(tmp_path / "never.ipynb", "raise SystemExit('must not run')")
    with pytest.raises(ConfigError, match="`tickets_path`: file nope.csv does not exist"):
        render_report({"client_name": "A", "tickets_path": "nope.csv"}, tmp_path / "out", "a", notebook=nb)
    assert not (tmp_path / "out").exists()


def test_missing_notebook_is_a_config_error(tmp_path, tickets):
    with pytest.raises(ConfigError, match="notebook .* does not exist"):
        render_report({"tickets_path": str(tickets)}, tmp_path, "a", notebook=tmp_path / "nope.ipynb")


def test_section_of_uses_the_nearest_heading():
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("## A\n\n### A1"), nbformat.v4.new_code_cell("1"),
                nbformat.v4.new_markdown_cell("## B"), nbformat.v4.new_code_cell("2")]
    assert section_of(nb, 1) == "A › A1"
    assert section_of(nb, 3) == "B"
    assert section_of(nb, 0) == "A › A1"


def test_the_render_and_write_tables_tell_the_notebook_where_the_bundle_goes(tmp_path, tickets):
    from toolkit.report.parameters import validate_parameters
    from toolkit.report.render import write_tables

    nb = _notebook(tmp_path / "b.ipynb", "from toolkit.report import paragraph\nparagraph(bundle_path)")
    result = render_report({"client_name": "Acme", "tickets_path": str(tickets)}, tmp_path / "out", "acme",
                           notebook=nb, progress=False)
    assert f"<p>{(tmp_path / 'out' / 'acme.bundle').resolve()}</p>" in result.html.read_text()
    params = validate_parameters({"client_name": "Acme", "tickets_path": str(tickets)})
    bundle = write_tables(params, tmp_path / "t", "acme", notebook=nb, progress=False)
    assert bundle == tmp_path / "t" / "acme.bundle"
    assert not (tmp_path / "t" / "acme.html").exists() and (tmp_path / "t" / "acme.ipynb").exists()


def test_tables_command_asks_for_the_client(tmp_path):
    from click.testing import CliRunner

    from toolkit.cli import cli

    result = CliRunner().invoke(cli, ["tables", "--tickets", "x.csv", "--out", str(tmp_path)])
    assert str(result.exception) == '`--client`: is missing. Fix: name the client, e.g. --client "Acme"'


def test_warnings_name_sections_without_data_and_input_warnings():
    from toolkit.report.export import COVER_MIMETYPE, UNAVAILABLE_MIMETYPE
    from toolkit.report.render import warnings

    def shown(data):
        return nbformat.v4.new_code_cell("x", outputs=[nbformat.v4.new_output("display_data", data=data)])

    nb = nbformat.v4.new_notebook()
    nb.cells = [shown({COVER_MIMETYPE: {"period": "2026", "warnings": ["tickets.csv: 40 of 100 rows rejected (40%)"]}}),
                nbformat.v4.new_markdown_cell("## Customer experience"),
                shown({UNAVAILABLE_MIMETYPE: {"reason": "No survey responses were provided."}}),
                nbformat.v4.new_markdown_cell("## Operations"), shown({"text/html": "<p>fine</p>"})]
    assert warnings(nb) == ("tickets.csv: 40 of 100 rows rejected (40%)",
                            "no data for section 'Customer experience': No survey responses were provided.")
    nb.cells = nb.cells[3:]
    assert warnings(nb) == ()
