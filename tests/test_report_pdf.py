"""toolkit.report.pdf: an A4 PDF with footer and page numbers through headless Chromium, or a clear hint."""

import shutil
import subprocess
from pathlib import Path

import pytest

from toolkit.report.export import css_string
from toolkit.report.pdf import INSTALL, ChromiumMissing, find_chromium, write_pdf

PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><style>
@page { size: A4; margin: 14mm 14mm 18mm; @bottom-left { content: %s; } @bottom-right {
  content: "Page " counter(page) " of " counter(pages); } }
h2 { break-before: page; }
</style></head><body><h1>Cover</h1><a href="#two">to two</a><h2 id="two">Two</h2><p>Second page.</p></body></html>"""


def test_missing_chromium_says_how_to_install_it(tmp_path, monkeypatch):
    monkeypatch.setenv("SUPPORT_TOOLKIT_CHROMIUM", str(tmp_path / "no-such-browser"))
    assert find_chromium() is None
    page = tmp_path / "r.html"
    page.write_text("<p>x</p>", encoding="utf-8")
    with pytest.raises(ChromiumMissing) as info:
        write_pdf(page)
    assert str(info.value) == ("no PDF was written: Chromium was not found. Fix: install Chromium: on Debian or "
                               "Ubuntu `sudo apt-get install chromium`; elsewhere `pip install playwright && "
                               "playwright install chromium`; or set SUPPORT_TOOLKIT_CHROMIUM to a Chrome or "
                               "Chromium executable")
    assert INSTALL in str(info.value) and not (tmp_path / "r.pdf").exists()


def test_css_string_cannot_break_out_of_the_style_element():
    assert css_string("Northwind Cloud · Customer support assessment") == (
        '"Northwind Cloud · Customer support assessment"')
    hostile = css_string('Acme"; } </style><script>alert(1)</script>\n')
    assert '"' not in hostile[1:-1] and "<" not in hostile and "\n" not in hostile and "}" not in hostile
    assert hostile.startswith('"Acme\\22 ')


@pytest.mark.browser
def test_pdf_has_its_pages_footer_and_page_numbers(tmp_path):
    if find_chromium() is None or shutil.which("pdftotext") is None:
        pytest.skip("Chromium and pdftotext (Debian: chromium, poppler-utils) are needed")
    page = tmp_path / "acme.html"
    page.write_text(PAGE % css_string('Acme "Ltd" · Customer support assessment'), encoding="utf-8")
    pdf = write_pdf(page)
    assert pdf == tmp_path / "acme.pdf"
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    pages = text.split("\f")
    assert len([p for p in pages if p.strip()]) == 2
    assert 'Acme "Ltd" · Customer support assessment' in pages[0] and "Page 1 of 2" in pages[0]
    assert "Page 2 of 2" in pages[1] and "Second page." in pages[1]
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "A4" in info
    raw = pdf.read_bytes()
    assert b"/Link" in raw and b"/Dest" in raw, "the link to the second section should stay clickable"


def _render_without_pdf_support(params, out_dir, name, *, pdf=False, **kwargs):
    """Stands in for render_report: writes the HTML, and for ``pdf`` tries the real write_pdf as render_report does."""
    from toolkit.errors import ToolkitError
    from toolkit.report.render import RenderResult

    html = Path(out_dir) / f"{name}.html"
    html.parent.mkdir(parents=True, exist_ok=True)
    html.write_text("<p>report</p>", encoding="utf-8")
    problem = ""
    if pdf:
        try:
            write_pdf(html)
        except ToolkitError as exc:
            problem = str(exc)
    return RenderResult(html, html.with_suffix(".ipynb"), 1.0, html.stat().st_size, None, problem)


def test_cli_pdf_without_chromium_still_writes_the_html_and_says_how_to_install(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from toolkit.report.cli import report

    monkeypatch.setenv("SUPPORT_TOOLKIT_CHROMIUM", str(tmp_path / "no-such-browser"))
    monkeypatch.setattr("toolkit.report.render.render_report", _render_without_pdf_support)
    monkeypatch.setattr("toolkit.report.batch.render_report", _render_without_pdf_support)
    result = CliRunner().invoke(report, ["--demo", "--pdf", "--out", str(tmp_path / "out"), "--quiet"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "sample-engagement.html").is_file()
    assert not (tmp_path / "out" / "sample-engagement.pdf").exists()
    assert "sudo apt-get install chromium" in result.output and "playwright install chromium" in result.output

    (tmp_path / "a.csv").write_text("ticket_id,created_at,status\n1,2026-01-01,open\n", encoding="utf-8")
    (tmp_path / "e.yaml").write_text("engagements:\n  - {client: Good Co, tickets: a.csv}\n", encoding="utf-8")
    result = CliRunner().invoke(report, ["--batch", str(tmp_path / "e.yaml"), "--pdf", "--out",
                                         str(tmp_path / "out"), "--quiet"])
    assert result.exit_code == 0, result.output
    assert "[1/1] Good Co: no PDF was written: Chromium was not found." in result.output
