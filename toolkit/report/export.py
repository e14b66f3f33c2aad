"""Export an executed report notebook to one self-contained, offline HTML file.

The notebook is exported with nbconvert and this package's own ``report`` template
(``templates/report``): no input cells, no prompts, no anchor links, images
embedded. Before templating, :func:`prepare_notebook` makes the notebook
client-ready:

- cells tagged ``report-hide`` (and the papermill parameter cells) are left out;
- cells tagged ``summary`` are moved to the top, so the executive summary, computed
  last from every section's results, is the first thing the client reads;
- a section whose data the client did not provide (it shows the "section unavailable"
  marker) is reduced to its heading and the reason;
- plotly.js is taken out of the cell that loaded it and inlined once at the end of the
  page, followed by ``charts.js``, which draws the figures :func:`toolkit.report.text.chart`
  embedded (figures that draw themselves inline get plotly.js in the head instead); the
  MathJax ``<script src>`` plotly adds to every figure is removed;
- stderr streams, widget views and code cells left without output are dropped.

After templating, :func:`export_html` writes the table of contents from the ``<h2>``
headings and checks that the page loads nothing from the network and holds
plotly.js at most once; a page failing these checks is never returned.
"""

from __future__ import annotations

import base64
import copy
import html
import re
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter

from toolkit import __version__, formatting
from toolkit.errors import ToolkitError
from toolkit.report.theme import page_colours

TEMPLATES = Path(str(resources.files("toolkit.report").joinpath("templates")))
HIDE_TAG = "report-hide"
SUMMARY_TAG = "summary"
_PARAMETER_TAGS = {"parameters", "injected-parameters"}
COVER_MIMETYPE = "application/vnd.support-toolkit.cover+json"
UNAVAILABLE_MIMETYPE = "application/vnd.support-toolkit.section-unavailable+json"
_PLOTLY_INIT = "window.PlotlyConfig"  # marks the output cell in which plotly's notebook renderer loads plotly.js
_PLOTLY_BANNER = re.compile(r"\* plotly\.js v\d")
_REMOTE_SCRIPT = re.compile(r"<script\b[^>]*\bsrc\s*=\s*[\"']?(?:https?:)?//[^>]*>\s*</script>", re.IGNORECASE)
_REMOTE_REFERENCE = re.compile(
    r"<(?:script|link|img|iframe|source|video|audio)\b[^>]*\b(?:src|href)\s*=\s*[\"']?(?:https?:)?//", re.IGNORECASE)
_MATHJAX_CONFIG = re.compile(r"<script[^>]*>\s*if \(window\.MathJax[^<]*</script>")
_H2 = re.compile(r'<h2 id="([^"]+)"[^>]*>(.*?)</h2>', re.DOTALL)
_TAG = re.compile(r"<[^>]+>")
_LOGO_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".svg": "image/svg+xml",
               ".gif": "image/gif", ".webp": "image/webp"}


class ExportError(ToolkitError):
    """The exported page broke one of the report's guarantees; no HTML is written.

    Not a user mistake but a bug in a notebook or figure; it is still reported as one
    message (CLI exit code 2), never a traceback.
    """


@dataclass(frozen=True)
class Cover:
    """What the first screen of the report says, and its theme.

    ``accent`` is a CSS hex colour (validated by :mod:`toolkit.report.parameters`);
    ``logo`` a PNG/JPEG/SVG file embedded as a data URI. ``prepared_by``, ``contact`` and
    ``confidentiality`` come from the consultant's engagement file (:mod:`toolkit.report.engagement_file`).
    """

    client: str
    period: str
    generated: str = ""
    title: str = "Customer support assessment"
    accent: str = "#0b6e99"
    logo: str | Path | None = None
    prepared_by: str = ""
    contact: str = ""
    confidentiality: str = ""
    redacted: bool = True


def period_label(start: date | None, end: date | None) -> str:
    """``1 Oct 2025 – 30 Sep 2026``; an open end reads "from ..." / "up to ..."."""
    if start and end:
        return f"{formatting.day(start)} – {formatting.day(end)}"
    if start:
        return f"from {formatting.day(start)}"
    if end:
        return f"up to {formatting.day(end)}"
    return "all dates in the data"


def css_string(text: str) -> str:
    """``text`` as a quoted CSS string that cannot end the string, the rule or the ``<style>`` element."""
    escaped = "".join(c if c.isalnum() or c in " .,·-–()&'" else f"\\{ord(c):x} " for c in text)
    return f'"{escaped}"'



def prepare_notebook(nb: nbformat.NotebookNode) -> tuple[nbformat.NotebookNode, bool]:
    """A client-ready copy of an executed notebook, and whether it loaded plotly.js (see module doc)."""
    nb = copy.deepcopy(nb)
    nb.cells = _leave_out_unavailable_sections(nb.cells)
    had_plotly = False
    kept, summary = [], []
    for cell in nb.cells:
        tags = set(cell.get("metadata", {}).get("tags", []))
        if HIDE_TAG in tags or tags & _PARAMETER_TAGS:
            continue
        if cell.cell_type == "code":
            outputs = []
            for output in cell.get("outputs", []):
                keep, loaded_plotly = _clean_output(output)
                had_plotly |= loaded_plotly
                if keep:
                    outputs.append(output)
            cell.outputs = outputs
            if not outputs:
                continue
        (summary if SUMMARY_TAG in tags else kept).append(cell)
    nb.cells = summary + kept
    nb.metadata.pop("widgets", None)
    return nb, had_plotly


def _is_section_heading(cell) -> bool:
    return cell.cell_type == "markdown" and cell.source.lstrip().startswith("## ")


def _leave_out_unavailable_sections(cells: list) -> list:
    """Replace each section that reported itself unavailable by its heading and the reason.

    A section (from a ``##`` heading to the next) is unavailable when one of its cells shows
    :data:`UNAVAILABLE_MIMETYPE` (see :meth:`toolkit.report.text.Display.section`): the client's
    data did not allow it, so its prose, empty figures and tables would only say so many times.
    """
    out, i = [], 0
    while i < len(cells):
        if not _is_section_heading(cells[i]):
            out.append(cells[i])
            i += 1
            continue
        end = next((j for j in range(i + 1, len(cells)) if _is_section_heading(cells[j])), len(cells))
        reason = next((o["data"][UNAVAILABLE_MIMETYPE].get("reason", "") for c in cells[i:end]
                       if c.cell_type == "code" for o in c.get("outputs", [])
                       if UNAVAILABLE_MIMETYPE in o.get("data", {})), None)
        if reason is None:
            out.extend(cells[i:end])
        else:
            heading = nbformat.v4.new_markdown_cell(cells[i].source.lstrip().splitlines()[0],
                                                    metadata=cells[i].get("metadata", {}))
            note = nbformat.v4.new_code_cell("", metadata=cells[i].get("metadata", {}), outputs=[
                nbformat.v4.new_output("display_data", data={
                    "text/html": f'<div class="callout">{html.escape(str(reason))}</div>'})])
            out += [heading, note]
        i = end
    return out


def _clean_output(output: nbformat.NotebookNode) -> tuple[bool, bool]:
    """Whether to keep one cell output (cleaned in place), and whether it was the plotly.js loader."""
    kind = output.get("output_type")
    if kind == "stream":
        return output.get("name") == "stdout" and bool(output.get("text", "").strip()), False
    if kind == "error":
        return True, False
    data = output.get("data", {})
    if COVER_MIMETYPE in data or UNAVAILABLE_MIMETYPE in data:
        return False, False
    if "application/vnd.jupyter.widget-view+json" in data:
        return False, False  # a widget (e.g. a tqdm.auto bar); its text fallback ("HBox(...)") means nothing
    page = data.get("text/html")
    if isinstance(page, list):
        page = "".join(page)
    if page is not None:
        if _PLOTLY_INIT in page and _PLOTLY_BANNER.search(page):
            return False, True
        data["text/html"] = _MATHJAX_CONFIG.sub("", _REMOTE_SCRIPT.sub("", page))
        # The figure's JSON copy is for Jupyter's own renderer; the HTML copy is what the page shows.
        data.pop("application/vnd.plotly.v1+json", None)
    return bool(data), False


def _logo_uri(logo: str | Path | None) -> str:
    if not logo:
        return ""
    path = Path(logo)
    mime = _LOGO_TYPES.get(path.suffix.lower(), "application/octet-stream")
    return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


def table_of_contents(page: str) -> str:
    """The ``<h2>`` headings of a rendered page as an ordered list of links."""
    items = []
    for anchor, inner in _H2.findall(page):
        text = _TAG.sub("", inner).replace("¶", "").strip()
        items.append(f'<li><a href="#{anchor}">{text}</a></li>')
    if not items:
        return ""
    return f'<div class="toc-box"><p class="toc-title">Contents</p><ol>{"".join(items)}</ol></div>'


def export_html(nb: nbformat.NotebookNode, cover: Cover) -> str:
    """The executed notebook ``nb`` as one offline HTML page with ``cover`` on its first screen.

    Raises :class:`ExportError` if the page would reference a network address or
    hold plotly.js more than once.
    """
    from plotly.offline import get_plotlyjs

    client_nb, had_plotly = prepare_notebook(nb)
    exporter = HTMLExporter(
        template_name="report",
        extra_template_basedirs=[str(TEMPLATES)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        exclude_anchor_links=False,
        embed_images=True,
    )
    shown = [str(o.get("data", {}).get("text/html", "")) for c in client_nb.cells if c.cell_type == "code"
             for o in c.outputs]
    has_figures = had_plotly or any("plotly-graph-div" in h for h in shown)
    resources = {
        "report": {
            "client": cover.client,
            "period": cover.period,
            "generated": cover.generated or formatting.day(date.today()),
            "title": cover.title,
            **page_colours(cover.accent),
            "footer_css": css_string(f"{cover.client} · {cover.title}"),
            "logo": _logo_uri(cover.logo),
            "prepared_by": cover.prepared_by,
            "contact": cover.contact,
            "confidentiality": cover.confidentiality,
            "redacted": cover.redacted,
            "version": __version__,
            "css": (TEMPLATES / "report" / "report.css").read_text(encoding="utf-8"),
            "plotlyjs": get_plotlyjs() if has_figures else "",
            "plotly_in_head": any("Plotly.newPlot(" in h for h in shown),
            "charts_js": (TEMPLATES / "report" / "charts.js").read_text(encoding="utf-8"),
        },
    }
    page, _ = exporter.from_notebook_node(client_nb, resources=resources)
    page = page.replace("<!-- toc -->", table_of_contents(page), 1)
    check_offline(page)
    return page


def check_offline(page: str) -> None:
    """Raise :class:`ExportError` unless ``page`` loads nothing remote and holds plotly.js at most once."""
    remote = _REMOTE_REFERENCE.search(page)
    if remote:
        raise ExportError(f"the report would load {html.unescape(remote.group(0))!r} from the network; "
                          "no HTML was written")
    copies = len(_PLOTLY_BANNER.findall(page))
    if copies > 1:
        raise ExportError(f"the report holds plotly.js {copies} times instead of once; no HTML was written")
