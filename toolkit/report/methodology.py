"""Methodology notes for the report, quoted from the library's own docstrings.

Metric definitions are written once, in the docstrings of the modules that compute
them (STYLE.md rule 5); the report quotes them rather than restating them, so the
two cannot drift. :func:`methodology_notes` renders the docstrings of the modules
behind the sections a report shows. Docstrings use a small subset of reStructuredText
(bullets, ````code````, ``**bold**``, ``:func:`name``` roles, underlined headings);
this module renders just that subset, escaping everything first. (A full RST or
Markdown renderer would pass raw HTML through, and would bring in docutils.)
"""

from __future__ import annotations

import html
import importlib
import inspect
import re
from collections.abc import Iterable

from toolkit.report.text import Html

# (section title, module) pairs quoted by default; modules that are not importable are left out.
DEFAULT_SOURCES = (
    ("Survey scores and intervals", "toolkit.survey.scores"),
    ("Survey segments and multiple comparisons", "toolkit.survey.segments"),
    ("Trends", "toolkit.survey.trends"),
    ("Response rates and non-response bias", "toolkit.survey.response"),
    ("Drivers of dissatisfaction", "toolkit.survey.drivers"),
    ("Comment themes", "toolkit.survey.themes"),
    ("Maturity scores", "toolkit.maturity.scoring"),
    ("Maturity roadmap", "toolkit.maturity.roadmap"),
    ("Ticket facts used by the operations measures", "toolkit.ops.facts"),
    ("The watermelon check", "toolkit.ops.watermelon"),
    ("Hedging language", "toolkit.ops.hedging"),
    ("Upstream problems: cleaning ticket text", "toolkit.duplicates.cleaning"),
    ("Upstream problems: grouping similar tickets", "toolkit.duplicates.grouping"),
    ("Upstream problems: evidence, impact and emerging problems", "toolkit.duplicates.ranking"),
    ("Personal data", "toolkit.pii"),
)
_ROLE = re.compile(r":(?:func|class|mod|meth|data|attr|obj):`~?([^`]+)`")
_CODE = re.compile(r"``(.+?)``")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_ITALIC = re.compile(r"(?<![\w*])\*([^*\s][^*]*?)\*(?![\w*])")
_UNDERLINE = re.compile(r"^[-=~^]{3,}\s*$")


def _inline(text: str) -> str:
    text = _ROLE.sub(lambda m: f"``{m.group(1).split('.')[-1]}``", text)
    text = html.escape(text, quote=False)
    text = _CODE.sub(r"<code>\1</code>", text)
    text = _BOLD.sub(r"<strong>\1</strong>", text)
    return _ITALIC.sub(r"<em>\1</em>", text)


def docstring_html(doc: str) -> str:
    """A docstring as HTML: paragraphs, bullet lists and sub-headings, inline markup, everything escaped.

    Doctest examples (``>>>`` lines) and the sections after an ``Examples`` heading are left out.
    """
    lines = inspect.cleandoc(doc).splitlines()
    out: list[str] = []
    paragraph: list[str] = []
    items: list[str] = []

    def flush() -> None:
        if paragraph:
            out.append(f"<p>{_inline(' '.join(paragraph))}</p>")
            paragraph.clear()
        if items:
            out.append("<ul>" + "".join(f"<li>{_inline(i)}</li>" for i in items) + "</ul>")
            items.clear()

    i = 0
    while i < len(lines):
        line = lines[i].rstrip()
        following = lines[i + 1] if i + 1 < len(lines) else ""
        if line.strip() and _UNDERLINE.match(following.strip()):
            flush()
            if line.strip().lower() in ("examples", "example"):
                break
            out.append(f"<h4>{_inline(line.strip())}</h4>")
            i += 2
            continue
        stripped = line.strip()
        if not stripped or stripped.startswith(">>>"):
            flush()
        elif re.match(r"^[-*] |^\d+\. ", stripped):
            if paragraph:
                flush()
            items.append(re.sub(r"^[-*] |^\d+\. ", "", stripped))
        elif items and line.startswith(" "):
            items[-1] += " " + stripped
        else:
            if items:
                flush()
            paragraph.append(stripped)
        i += 1
    flush()
    return "".join(out)


def methodology_notes(sources: Iterable[tuple[str, str]] = DEFAULT_SOURCES) -> Html:
    """The docstrings of the modules behind the report, each under its title (modules not installed are skipped)."""
    parts = []
    for title, module_name in sources:
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        if module.__doc__:
            parts.append(f'<section class="method"><h3>{html.escape(title)}</h3>{docstring_html(module.__doc__)}'
                         "</section>")
    return Html("".join(parts))
