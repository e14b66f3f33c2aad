"""toolkit.report.export: one offline page, plotly.js once, summary first, nothing remote."""

import nbformat
import plotly.express as px
import plotly.io as pio
import pytest

from toolkit.report.export import COVER_MIMETYPE, Cover, ExportError, check_offline, export_html, prepare_notebook


def _figure_outputs(first: bool) -> list:
    """What plotly's `notebook` renderer writes: plotly.js in the first figure's cell, then the figure."""
    renderer = pio.renderers["notebook"]
    outputs = []
    if first:
        outputs.append(nbformat.v4.new_output("display_data", data={
            "text/html": "<script>window.PlotlyConfig = {MathJaxConfig: 'local'};</script>\n"
                         "<script>/**\n* plotly.js v4.1.1\n*/ var Plotly = {};</script>"}))
    bundle = renderer.to_mimebundle(px.bar(x=[1, 2], y=[3, 4]).to_dict())
    outputs.append(nbformat.v4.new_output("display_data", data=bundle))
    return outputs


def _notebook() -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell("client_name = 'x'", metadata={"tags": ["parameters"]})
    hidden = nbformat.v4.new_markdown_cell("# Notebook title", metadata={"tags": ["report-hide"]})
    ops = nbformat.v4.new_markdown_cell("## Operations\n\nProse.")
    chart = nbformat.v4.new_code_cell("fig", outputs=_figure_outputs(first=True))
    chart2 = nbformat.v4.new_code_cell("fig", outputs=_figure_outputs(first=False))
    quiet = nbformat.v4.new_code_cell("x = 1")
    noisy = nbformat.v4.new_code_cell("warn()", outputs=[
        nbformat.v4.new_output("stream", name="stderr", text="UserWarning: something"),
        nbformat.v4.new_output("display_data", data={"application/vnd.jupyter.widget-view+json": {"model_id": "x"},
                                                     "text/plain": "HBox(children=(FloatProgress()))"}),
        nbformat.v4.new_output("display_data", data={COVER_MIMETYPE: {"period": "p"}, "text/plain": "cover"})])
    summary = nbformat.v4.new_markdown_cell("## Executive summary", metadata={"tags": ["summary"]})
    findings = nbformat.v4.new_code_cell("findings", metadata={"tags": ["summary"]}, outputs=[
        nbformat.v4.new_output("display_data", data={"text/html": "<ol class='findings'><li>one</li></ol>"})])
    nb.cells = [hidden, params, ops, chart, chart2, quiet, noisy, summary, findings]
    return nb


def test_prepare_moves_the_summary_first_and_drops_what_clients_should_not_see():
    nb, had_plotly = prepare_notebook(_notebook())
    assert had_plotly
    sources = [c.source for c in nb.cells]
    assert sources == ["## Executive summary", "findings", "## Operations\n\nProse.", "fig", "fig"]
    pages = [o["data"]["text/html"] for c in nb.cells[3:] for o in c.outputs]
    assert len(pages) == 2 and not any("plotly.js v" in p for p in pages)
    assert not any("mathjax" in p.lower() for p in pages), "per-figure MathJax script left in"
    assert all("application/vnd.plotly.v1+json" not in o["data"] for c in nb.cells[3:] for o in c.outputs)


def test_export_writes_an_offline_page_with_cover_toc_and_plotly_once():
    page = export_html(_notebook(), Cover(client="Acme <Ltd>", period="1 January 2026 – 30 June 2026",
                                          generated="25 November 2026", accent="#123456"))
    assert page.count("* plotly.js v") == 1
    assert page.index("* plotly.js v") < page.index("Plotly.newPlot")
    assert "<script src" not in page and "<link" not in page
    assert "Acme &lt;Ltd&gt;" in page and "1 January 2026 – 30 June 2026" in page and "25 November 2026" in page
    assert "--accent: #123456" in page
    assert page.index('id="Executive-summary"') < page.index('id="Operations"')
    assert '<a href="#Executive-summary">Executive summary</a>' in page
    assert "@media print" in page
    assert "In&nbsp;[" not in page and "client_name" not in page and "Notebook title" not in page
    assert "UserWarning" not in page and "HBox" not in page


def test_export_without_figures_has_no_plotly():
    nb = _notebook()
    nb.cells = [c for c in nb.cells if c.source != "fig"]
    page = export_html(nb, Cover(client="A", period="p"))
    assert "plotly.js v" not in page


def test_logo_is_embedded(tmp_path):
    logo = tmp_path / "logo.svg"
    logo.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"></svg>')
    page = export_html(_notebook(), Cover(client="A", period="p", logo=logo))
    assert 'class="cover-logo" src="data:image/svg+xml;base64,' in page


@pytest.mark.parametrize("bad", ['<script src="https://cdn.example/x.js"></script>',
                                 '<link rel="stylesheet" href="http://fonts.example/a.css">',
                                 '<img src="//tracker.example/p.gif">'])
def test_check_offline_refuses_remote_references(bad):
    with pytest.raises(ExportError, match="from the network"):
        check_offline(f"<html>{bad}</html>")


def test_check_offline_refuses_two_plotly_copies():
    with pytest.raises(ExportError, match="2 times"):
        check_offline("* plotly.js v4 ... * plotly.js v4")


def test_a_section_without_data_is_reduced_to_its_heading_and_the_reason():
    from toolkit.report.sections import CustomerExperience
    from toolkit.report.text import Display

    marker = Display.section(CustomerExperience(notes=["No survey answers were provided <b>."], available=False))
    bundle = marker._repr_mimebundle_()
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("## Customer experience\n\nProse about surveys."),
        nbformat.v4.new_code_cell("show.section(cx)", outputs=[nbformat.v4.new_output("display_data", data=bundle)]),
        nbformat.v4.new_markdown_cell("### Satisfaction by team"),
        nbformat.v4.new_code_cell("table", outputs=[nbformat.v4.new_output("display_data",
                                                                           data={"text/html": "<p>n/a</p>"})]),
        nbformat.v4.new_markdown_cell("## Operations"),
    ]
    page = export_html(nb, Cover(client="A", period="p"))
    assert 'id="Customer-experience"' in page and "Prose about surveys" not in page
    assert "Satisfaction by team" not in page and "<p>n/a</p>" not in page
    assert '<div class="callout">No survey answers were provided &lt;b&gt;.</div>' in page
    assert 'id="Operations"' in page
    assert Display.section(CustomerExperience(notes=[]), show_notes=False) is None


def test_footer_says_whether_personal_data_is_masked():
    nb = _notebook()
    nb.cells = [c for c in nb.cells if c.source != "fig"]
    assert "is masked" in export_html(nb, Cover(client="A", period="p"))
    assert "is NOT masked (redact_pii=false)" in export_html(nb, Cover(client="A", period="p", redacted=False))
