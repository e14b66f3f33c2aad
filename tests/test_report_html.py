"""The rendered engagement report: offline, plotly.js once, no PII, injected markup only as text, and it
really renders in a browser.

One report is rendered for the whole module from a slice of the sample client (data/samples) with
hostile text injected into ticket subjects, descriptions, agent replies and survey comments.
"""

import html
import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from toolkit.plots import theme
from toolkit.report.render import DEFAULT_NOTEBOOK, render_report

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "data" / "samples"
XSS = ["<img src=x onerror=alert(1)>", "<script>alert(1)</script>"]
ESCAPED = ["&lt;img src=x onerror=alert(1)&gt;", "&lt;script&gt;alert(1)&lt;/script&gt;"]
INJECTED_PII = ["leak.me@example.com", "+44 20 7946 0958"]
SAMPLE_PHONE = re.compile(r"\+44 7700 900\d{3}|020 7946 0\d{3}")
EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
N_TICKETS = 1500


def _hostile_client(folder: Path) -> dict[str, Path]:
    """A slice of the sample client with XSS payloads and personal data in every kind of free text."""
    tickets = pd.read_csv(SAMPLES / "tickets.csv.gz", dtype="str", keep_default_na=False)
    tickets = tickets.sort_values("created_at", kind="stable").head(N_TICKETS).copy()
    messages = pd.read_csv(SAMPLES / "messages.csv.gz", dtype="str", keep_default_na=False)
    messages = messages[messages["ticket_id"].isin(tickets["ticket_id"])].copy()
    responses = pd.read_csv(SAMPLES / "survey_responses.csv", dtype="str", keep_default_na=False)
    responses = responses[responses["ticket_id"].isin(tickets["ticket_id"])
                          | ((responses["survey"] == "nps") & (responses["submitted_at"] < "2026-03-01"))].copy()
    invitations = pd.read_csv(SAMPLES / "survey_invitations.csv.gz", dtype="str", keep_default_na=False)
    invitations = invitations[invitations["ticket_id"].isin(tickets["ticket_id"])].copy()

    # A recurring problem whose subjects carry the payloads, so example subjects show them.
    hostile = tickets.index[:60]
    tickets.loc[hostile, "subject"] = [f"{XSS[i % 2]} invoice PDF downloads blank again" for i in range(60)]
    tickets.loc[hostile, "description"] = (f"{XSS[1]} The invoice PDF is blank. Call me on {INJECTED_PII[1]} or "
                                           f"write to {INJECTED_PII[0]}.")
    agent = messages["author_role"] == "agent"
    first_agent = messages[agent].groupby("author").head(40).index
    messages.loc[first_agent, "body"] = f"{XSS[0]} This should be fixed now, I think. Mail {INJECTED_PII[0]}."
    detractors = responses.index[(responses["survey"] == "nps") & (responses["score"].astype(float) <= 6)][:80]
    responses.loc[detractors, "comment"] = [f"{XSS[i % 2]} Too many bugs lately, call {INJECTED_PII[1]}"
                                            for i in range(len(detractors))]
    paths = {}
    for name, frame in (("tickets", tickets), ("messages", messages), ("survey", responses),
                        ("invitations", invitations)):
        paths[name] = folder / f"{name}.csv"
        frame.to_csv(paths[name], index=False)
    return paths


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    if not (SAMPLES / "tickets.csv.gz").exists():
        pytest.skip("data/samples is missing: run `support-toolkit samples --out data/samples`")
    folder = tmp_path_factory.mktemp("hostile")
    paths = _hostile_client(folder)
    params = {"client_name": "Hostile <b>Client</b> Ltd", "tickets_path": str(paths["tickets"]),
              "messages_path": str(paths["messages"]), "survey_path": str(paths["survey"]),
              "invitations_path": str(paths["invitations"]), "maturity_path": str(SAMPLES / "maturity_answers.csv"),
              "timezone": "Europe/London", "accent_colour": "#7a1fa2"}
    result = render_report(params, folder / "out", "hostile", notebook=DEFAULT_NOTEBOOK, progress=False)
    return result, result.html.read_text(encoding="utf-8"), paths


def test_report_is_offline_with_plotly_once(rendered):
    _, page, _ = rendered
    assert not re.search(r"<script[^>]+src\s*=\s*[\"']?(https?:)?//", page, re.IGNORECASE)
    assert not re.search(r"<link[^>]+href\s*=\s*[\"']?(https?:)?//", page, re.IGNORECASE)
    assert "<script src" not in page
    assert len(re.findall(r"\* plotly\.js v\d", page)) == 1
    assert "cdnjs" not in page and "require.js" not in page and "jupyter-widgets" not in page
    assert page.count('class="plotly-graph-div"') >= 5


def test_injected_markup_appears_only_as_text(rendered):
    _, page, _ = rendered
    for raw in XSS:
        assert raw not in page
    assert any(e in page for e in ESCAPED), "the payloads should be shown, escaped, in the report"
    assert "Hostile &lt;b&gt;Client&lt;/b&gt; Ltd" in page


def test_no_personal_data_from_the_tickets(rendered):
    _, page, paths = rendered
    text = " ".join(pd.read_csv(paths["tickets"], dtype="str", keep_default_na=False)["description"]) + " ".join(
        pd.read_csv(paths["messages"], dtype="str", keep_default_na=False)["body"])
    emails = set(EMAIL.findall(text)) - {"support@northwind.cloud"}
    phones = set(SAMPLE_PHONE.findall(text))
    assert len(emails) > 20 and len(phones) > 5, "the slice should carry personal data to hide"
    for value in sorted(emails | phones | set(INJECTED_PII)):
        assert value not in page, value


def test_first_screen_contents_and_sections(rendered):
    result, page, _ = rendered
    assert "--accent: #7a1fa2" in page and "Generated" in page and "Period" in page
    assert 'class="toc"' in page and 'class="toc-box"' in page
    assert '<a href="#Executive-summary">Executive summary</a>' in page
    order = [page.index(f'id="{anchor}"') for anchor in (
        "Executive-summary", "Maturity", "Customer-experience", "Operations-and-the-watermelon-check",
        "Upstream-problems", "Recommendations-and-roadmap", "Data-quality-appendix", "Methodology-notes")]
    assert order == sorted(order)
    assert page.count('<li><span class="finding-area">') >= 5
    body = page[page.index("<main"):page.index("</main>")]  # (plotly.js at the end holds words like "import")
    assert "In&nbsp;[" not in body and "Traceback" not in body and "import " not in body
    assert result.notebook.exists() and result.size_bytes < 10_000_000


def _chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        pytest.skip("Chromium is not installed (Debian: apt-get install chromium chromium-driver; "
                    "`make test` does this when run as root)")
    pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install -e '.[dev]')")
    return path


@pytest.mark.browser
def test_report_renders_in_a_real_browser_offline(rendered):
    from playwright.sync_api import sync_playwright

    chromium = _chromium()
    result, _, _ = rendered
    events = {"console": [], "dialog": [], "network": []}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--no-first-run", "--disable-sync"])
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})

            def block(route):
                events["network"].append(route.request.url)
                route.abort()

            page.route(re.compile(r"^(https?|wss?)://"), block)
            page.on("console", lambda m: events["console"].append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: events["console"].append(str(e)))
            page.on("dialog", lambda d: (events["dialog"].append(d.message), d.dismiss()))
            page.goto(result.html.as_uri(), wait_until="load")
            page.wait_for_function(
                "() => [...document.querySelectorAll('.plotly-graph-div')]"
                ".every(d => d.querySelector('svg.main-svg'))", timeout=30_000)
            charts = page.locator(".plotly-graph-div").count()
            drawn = page.evaluate("() => [...document.querySelectorAll('.plotly-graph-div')]"
                                  ".filter(d => d.querySelector('svg.main-svg')).length")
            page.mouse.wheel(0, 20_000)
            page.wait_for_timeout(500)
            page.emulate_media(media="print")
            page.wait_for_timeout(200)
        finally:
            browser.close()
    assert charts >= 5 and drawn == charts
    assert events["dialog"] == [], "an injected payload ran"
    assert events["console"] == []
    assert events["network"] == [], "the report tried to reach the network"


_FIGURE = re.compile(r'<figure (?=[^>]*class="chart")[^>]*aria-label="([^"]*)"[^>]*>(.*?)</figure>', re.DOTALL)
_SNAKE = re.compile(r"^[a-z0-9]+(?:_[a-z0-9]+)+$")


def _figures(page: str) -> list[tuple[str, str, dict]]:
    """(aria-label, title, plotly JSON) of every chart in the page."""
    out = []
    for label, inner in _FIGURE.findall(page):
        title = re.search(r'<p class="chart-title">(.*?)</p>', inner)
        spec = re.search(r'<script [^>]*class="chart-data"[^>]*>(.*?)</script>', inner, re.DOTALL)
        assert spec is not None and "<figcaption>" in inner
        out.append((label, title.group(1) if title else "", json.loads(spec.group(1))))
    return out


def test_every_figure_has_the_house_style_a_label_and_a_caption(rendered):
    _, page, _ = rendered
    figures = _figures(page)
    assert len(figures) == page.count('class="plotly-graph-div') >= 15
    for label, title, spec in figures:
        caption = re.search(re.escape(label) + r"[^<]*</figcaption>", page)
        assert label.endswith(".") and len(label) > 20 and caption, (title, label)
        assert "<" not in html.unescape(title), title
        layout = spec["layout"]["template"]["layout"]
        assert layout["font"]["family"] == theme.FONT, title
        assert layout["colorway"] == ["#7a1fa2", *theme.PALETTE], title
        names = [t.get("name", "") for t in spec["data"]]
        assert not [n for n in names if _SNAKE.match(str(n))], (title, names)
        assert not [k for k, v in spec["layout"].items() if k.startswith("yaxis") and "overlaying" in v], title
        assert "font" not in {k: v for k, v in spec["layout"].items() if k != "template"}, title


def test_every_table_has_a_caption_and_header_scopes(rendered):
    _, page, _ = rendered
    body = page[page.index("<main"):]
    tables = re.findall(r"<table\b.*?</table>", body, re.DOTALL)
    assert len(tables) >= 15
    for table in tables:
        assert re.search(r"<caption>[^<]{5,}</caption>", table), table[:200]
        assert "<th " in table and not re.search(r"<th\b(?![^>]*\bscope=)", table), table[:200]


def _fit(page, width: int) -> dict:
    """Widths that overflow ``width``: charts wider than their figure, tables wider than the page."""
    return page.evaluate("""(width) => ({
        page: document.documentElement.scrollWidth,
        charts: [...document.querySelectorAll('figure.chart')].map(f => {
            const svg = f.querySelector('svg.main-svg');
            const box = f.getBoundingClientRect();
            return svg ? Math.max(svg.getBoundingClientRect().right - box.right, box.right - width) : 9999;
        }).filter(x => x > 1),
        tables: [...document.querySelectorAll('table.report-table')].map(t => t.getBoundingClientRect().right - width)
            .filter(x => x > 1),
    })""", width)


@pytest.mark.browser
def test_printed_on_a4_and_on_a_phone_every_chart_and_table_fits(rendered):
    """A4 with 14 mm margins leaves 688 CSS px; print media at that width, and a 390 px phone screen."""
    from playwright.sync_api import sync_playwright

    chromium = _chromium()
    result, _, _ = rendered
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--headless", "--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page(viewport={"width": 688, "height": 1000})
            page.emulate_media(media="print")
            page.goto(result.html.as_uri(), wait_until="load")
            page.evaluate("() => window.dispatchEvent(new Event('beforeprint'))")
            page.wait_for_function("() => [...document.querySelectorAll('figure.chart')]"
                                   ".every(f => f.querySelector('svg.main-svg'))", timeout=60_000)
            page.wait_for_timeout(300)
            printed = _fit(page, 688)
            phone = browser.new_page(viewport={"width": 390, "height": 844})
            phone.goto(result.html.as_uri(), wait_until="load")
            phone.evaluate("() => window.drawAllCharts()")
            phone.wait_for_timeout(500)
            small = _fit(phone, 390)
            # a table wider than a phone scrolls inside its own box; the page never scrolls sideways
            phone_tables = phone.evaluate("() => [...document.querySelectorAll('.table-wrap')]"
                                          ".filter(w => w.getBoundingClientRect().right > 390 + 1"
                                          " || getComputedStyle(w).overflowX !== 'auto').length")
        finally:
            browser.close()
    assert printed == {"page": 688, "charts": [], "tables": []}
    assert small["page"] == 390 and small["charts"] == []
    assert phone_tables == 0


@pytest.mark.browser
def test_pdf_pages_footer_bug_keys_and_last_nps_quarter(rendered):
    import subprocess

    from toolkit.report.pdf import find_chromium, write_pdf

    if find_chromium() is None or shutil.which("pdftotext") is None:
        pytest.skip("Chromium and pdftotext (Debian: chromium, poppler-utils) are needed")
    result, page, _ = rendered
    pdf = write_pdf(result.html)
    assert pdf == result.html.with_suffix(".pdf")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    pages = [p for p in text.split("\f") if p.strip()]
    assert 15 <= len(pages) <= 80
    for number, content in enumerate(pages, start=1):
        assert "Hostile <b>Client</b> Ltd · Customer support assessment" in content, number
        assert f"Page {number} of {len(pages)}" in content, number
    # (a narrow column's header may wrap: "Bug" above "keys"); the keys themselves must all be printed whole
    assert re.search(r"Bug\s+(?:[^\n]*\n[^\n]*)?keys", text) and "How it was read" in text
    problems = next(t for t in re.findall(r"<table\b.*?</table>", page, re.DOTALL) if "Problems (one failure" in t)
    keys = set(re.findall(r"\b[A-Z][A-Z0-9]+-\d+\b", problems))
    assert keys and keys <= set(re.findall(r"\b[A-Z][A-Z0-9]+-\d+\b", text))
    nps = next(spec for _, title, spec in _figures(page) if title == "NPS by quarter")
    last_quarter = nps["layout"]["xaxis"]["ticktext"][-1]
    assert re.fullmatch(r"Q[1-4] 20\d\d", last_quarter)
    assert last_quarter in text
    assert b"/Link" in pdf.read_bytes(), "the contents should stay clickable"
