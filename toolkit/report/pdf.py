"""Print a rendered HTML report to an A4 PDF with headless Chromium.

Chromium prints the page with the report's print CSS (``report.css``): A4, each section
on a new page, wide tables wrapped, the client's name bottom left and "Page n of N"
bottom right of every page (CSS page-margin boxes), links in the contents kept
clickable. The window is as wide as the page's content, so charts are drawn at the
width they are printed at; the page draws every chart on `beforeprint`
(:file:`templates/report/charts.js`) before printing.

Chromium is an optional system tool: :func:`find_chromium` looks for it and
:class:`ChromiumMissing` says how to install it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from toolkit.errors import ToolkitError

NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
INSTALL = ("install Chromium: on Debian or Ubuntu `sudo apt-get install chromium`; elsewhere "
           "`pip install playwright && playwright install chromium`; or set SUPPORT_TOOLKIT_CHROMIUM to a "
           "Chrome or Chromium executable")
WINDOW = "728,1000"
"""Window size for printing: the report's 24 px side padding leaves 680 px for charts, A4's content width."""


class ChromiumMissing(ToolkitError):
    """No Chromium or Chrome could be found to print the PDF."""

    def __init__(self) -> None:
        super().__init__(f"no PDF was written: Chromium was not found. Fix: {INSTALL}")


class PdfError(ToolkitError):
    """Chromium ran but did not write the PDF."""


def find_chromium() -> str | None:
    """The Chromium or Chrome to print with: ``SUPPORT_TOOLKIT_CHROMIUM``, one on the PATH, or Playwright's."""
    given = os.environ.get("SUPPORT_TOOLKIT_CHROMIUM")
    if given:
        return given if Path(given).is_file() else shutil.which(given)
    for name in NAMES:
        found = shutil.which(name)
        if found:
            return found
    cache = Path(os.environ.get("PLAYWRIGHT_BROWSERS_PATH", Path.home() / ".cache" / "ms-playwright"))
    candidates = sorted(cache.glob("chromium-*/chrome-linux*/chrome"), reverse=True) if cache.is_dir() else []
    return str(candidates[0]) if candidates else None


def write_pdf(html: str | Path, pdf: str | Path | None = None, *, chromium: str | None = None,
              timeout: float = 180) -> Path:
    """Print ``html`` to ``pdf`` (default: the same name with ``.pdf``); return the PDF's path.

    Raises :class:`ChromiumMissing` when no browser is found and :class:`PdfError` when
    Chromium fails or times out; a PDF is written to a temporary name and renamed only when complete.
    """
    html = Path(html).resolve()
    target = Path(pdf) if pdf is not None else html.with_suffix(".pdf")
    browser = chromium or find_chromium()
    if browser is None:
        raise ChromiumMissing()
    with tempfile.TemporaryDirectory(prefix="support-toolkit-pdf-") as profile:
        partial = Path(profile) / "report.pdf"
        command = [browser, "--headless", "--disable-gpu", "--no-first-run", "--disable-extensions",
                   "--disable-background-networking", "--disable-component-update", "--disable-sync",
                   f"--user-data-dir={profile}", f"--window-size={WINDOW}", "--no-pdf-header-footer",
                   "--run-all-compositor-stages-before-draw",
                   f"--print-to-pdf={partial}", html.as_uri()]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            command.insert(1, "--no-sandbox")  # Chromium refuses to run as root inside its sandbox
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            raise PdfError(f"no PDF was written: Chromium took longer than {timeout:g} s to print {html.name}. "
                           "Fix: try again on a less busy machine") from None
        if done.returncode != 0 or not partial.is_file() or partial.stat().st_size == 0:
            last = (done.stderr.strip().splitlines() or ["no output"])[-1]
            raise PdfError(f"no PDF was written: Chromium ({browser}) failed to print {html.name}: {last}")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(partial, target.with_suffix(".pdf.partial"))
        target.with_suffix(".pdf.partial").replace(target)
    return target
