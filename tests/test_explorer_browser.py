"""The explorer notebook in a real browser: JupyterLab on localhost, headless Chromium, a rename through the UI.

Needs the Debian ``chromium`` package (``make test`` installs it through its ``browser`` target) and
playwright's Python API; skips with the reason where Chromium cannot be had. Every wait is bounded and the
server (with its kernels) is always shut down.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "duplicate_explorer.ipynb"
SAMPLES = ROOT / "data" / "samples"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
NEW_NAME = "Renamed in the browser <b>not bold</b>"
KERNEL_IDLE = ("() => { const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;"
               " const k = w && w.sessionContext && w.sessionContext.session"
               " && w.sessionContext.session.kernel; return k && k.status === 'idle'"
               " && ![...document.querySelectorAll('.jp-InputArea-prompt')].some(p => p.textContent.includes('*')); }")
"""True in the page once the open notebook's kernel is idle with no cell running or queued (between two queued
cells the kernel is idle for a moment, but the second cell's prompt still shows ``[*]``)."""
# Tickets from this date on (~1,700, quick to cluster); EXPLORER_BROWSER_SINCE="" opens the whole sample client.
SINCE = os.environ.get("EXPLORER_BROWSER_SINCE", "2026-09-01") or None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for_server(url: str, proc: subprocess.Popen, seconds: float, log: Path) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            tail = log.read_text(errors="replace")[-3000:]
            raise RuntimeError(f"JupyterLab exited early with code {proc.returncode}:\n{tail}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"JupyterLab did not answer at {url} within {seconds:.0f} s")


def _stop(proc: subprocess.Popen, base: str, token: str) -> None:
    """Ask the server to shut down (it stops its kernels), then end its process group whatever happens."""
    try:
        request = urllib.request.Request(f"{base}/api/shutdown", method="POST",
                                         headers={"Authorization": f"token {token}"})
        urllib.request.urlopen(request, timeout=5).close()
        proc.wait(timeout=20)
    except (OSError, subprocess.TimeoutExpired):
        pass
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)  # the group we started: the server and any kernel left
        proc.wait(timeout=10)


def _shoot(target, path: Path) -> None:
    """Screenshot to ``path``; also into $EXPLORER_SCREENSHOTS (a folder) to look at after the run."""
    target.screenshot(path=str(path), timeout=30_000)
    if os.environ.get("EXPLORER_SCREENSHOTS"):
        Path(os.environ["EXPLORER_SCREENSHOTS"]).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(os.environ["EXPLORER_SCREENSHOTS"]) / path.name)


def _inside_viewport_or_scroller(page, selector: str) -> bool:
    """The element is wholly inside the viewport horizontally, or inside a box that scrolls sideways."""
    return page.evaluate(
        "(sel) => { const el = document.querySelector(sel); if (!el) return false;"
        " const r = el.getBoundingClientRect(); if (r.width === 0) return false;"
        " if (r.left >= 0 && r.right <= window.innerWidth) return true;"
        " for (let p = el.parentElement; p; p = p.parentElement) {"
        "   const s = getComputedStyle(p);"
        "   if ((s.overflowX === 'auto' || s.overflowX === 'scroll') && p.scrollWidth > p.clientWidth) return true; }"
        " return false; }", selector)


def _check_laptop_layout(page, tmp_path: Path) -> None:
    """At 1280x800 with the file browser open: the status column can be seen, an export error shows by its button."""
    page.set_viewport_size({"width": 1280, "height": 800})
    if page.evaluate("window.jupyterapp.shell.leftCollapsed"):
        page.evaluate("window.jupyterapp.commands.execute('filebrowser:activate')")
    page.wait_for_function("() => !window.jupyterapp.shell.leftCollapsed", timeout=30_000)
    page.locator(".stk-explorer .stk-status-cell").first.scroll_into_view_if_needed(timeout=30_000)
    page.wait_for_timeout(500)
    _shoot(page, tmp_path / "explorer-1280.png")
    assert _inside_viewport_or_scroller(page, ".stk-explorer .stk-status-cell"), \
        "the status column is cut off at 1280 px with the side panel open"
    assert _inside_viewport_or_scroller(page, ".stk-explorer .stk-sort-status")
    cut = page.evaluate("() => [...document.querySelectorAll('.stk-explorer .stk-status-cell')]"
                        ".filter(c => c.offsetParent && c.scrollWidth > c.clientWidth + 1).length")
    assert cut == 0, f"{cut} status badges are cut off"
    page.locator(".stk-explorer .lm-AccordionPanel-title, .stk-explorer .p-Accordion-title, "
                 ".stk-explorer .jupyter-widget-Collapse-header", has_text="Export").first.click()
    link = page.locator(".stk-explorer input[placeholder*='{ticket_id}']")
    link.fill("https://desk.example.com/t/")
    link.press("Tab")
    button = page.locator(".stk-export-button")
    button.click()
    error = page.locator(".stk-feedback-export .stk-error")
    error.wait_for(state="visible", timeout=30_000)
    error.scroll_into_view_if_needed()
    _shoot(page, tmp_path / "explorer-export-error.png")
    gap = error.bounding_box()["y"] - (button.bounding_box()["y"] + button.bounding_box()["height"])
    assert 0 <= gap < 60, f"the export error is {gap:.0f} px away from the export button"
    assert "has no {ticket_id} placeholder" in error.inner_text()


@pytest.fixture
def chromium() -> Path:
    if not CHROMIUM.exists():
        pytest.skip("Chromium is not installed at /usr/bin/chromium and could not be installed here "
                    "(`make browser` installs the Debian packages chromium and chromium-driver)")
    pytest.importorskip("playwright.sync_api", reason="playwright (Python) is not installed")
    return CHROMIUM


def test_rename_a_cluster_through_jupyterlab(tmp_path, chromium):
    from nbformat import read, write
    from nbformat.v4 import new_code_cell
    from playwright.sync_api import sync_playwright

    if not (SAMPLES / "tickets.csv.gz").exists() and not (SAMPLES / "tickets.csv").exists():
        pytest.skip("the sample client data is missing (run `support-toolkit samples --out data/samples`)")
    labels = tmp_path / "labels.json"
    nb = read(NOTEBOOK, as_version=4)
    at = next(i for i, c in enumerate(nb.cells) if "parameters" in c.get("metadata", {}).get("tags", []))
    overrides = {"data": str(SAMPLES), "labels_path": str(labels), "since": SINCE}
    cell = new_code_cell("\n".join(f"{k} = {v!r}" for k, v in overrides.items()))
    cell.metadata["tags"] = ["injected-parameters"]  # as papermill does
    nb.cells.insert(at + 1, cell)
    write(nb, tmp_path / "explorer.ipynb")

    port, token = _free_port(), secrets.token_hex(16)
    base = f"http://127.0.0.1:{port}"
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(tmp_path / "config"), JUPYTER_RUNTIME_DIR=str(tmp_path / "rt"),
               IPYTHONDIR=str(tmp_path / "ipython"), PYTHONPATH=str(ROOT))
    lab = shutil.which("jupyter-lab", path=str(Path(sys.executable).parent)) or "jupyter-lab"
    log = (tmp_path / "jupyterlab.log").open("wb")
    proc = subprocess.Popen(
        [lab, "--no-browser", "--ip=127.0.0.1", f"--port={port}", "--ServerApp.port_retries=0",
         f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={tmp_path}",
         "--LabApp.expose_app_in_browser=True", "--LabApp.news_url=",
         "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
         f"--LabApp.workspaces_dir={tmp_path / 'workspaces'}",
         f"--LabApp.user_settings_dir={tmp_path / 'settings'}", "--LabApp.extension_manager=readonly",
         *(["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else [])],
        cwd=tmp_path, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        _wait_for_server(f"{base}/api/status?token={token}", proc, 90, tmp_path / "jupyterlab.log")
        with sync_playwright() as play:
            browser = play.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS, headless=True)
            try:
                page = browser.new_page(viewport={"width": 1440, "height": 3200})
                page.set_default_timeout(60_000)
                page.goto(f"{base}/lab/tree/explorer.ipynb?token={token}", timeout=90_000)
                page.wait_for_function(KERNEL_IDLE, timeout=120_000)
                page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
                first_row = page.locator(".stk-explorer .stk-row-name").first
                first_row.wait_for(state="visible", timeout=300_000)
                first_name = first_row.inner_text().strip()
                first_row.click()
                rename = page.locator(".stk-rename-text input")
                page.wait_for_function(
                    "(name) => { const el = document.querySelector('.stk-rename-text input');"
                    " return el && el.value.trim() === name; }", arg=first_name, timeout=60_000)
                # every cell has run and the kernel has handled the selection (which fills the name box) before
                # the new name is typed, and has the typed name before the button is pressed: on a loaded machine
                # a late cell or the selection refreshed the box over the typed name
                page.wait_for_function(KERNEL_IDLE, timeout=300_000)
                rename.fill(NEW_NAME)
                rename.press("Tab")  # the Text widget syncs on blur/submit
                page.wait_for_function(KERNEL_IDLE, timeout=60_000)
                page.locator(".stk-rename-button").click()
                deadline = time.monotonic() + 60
                saved = None
                while time.monotonic() < deadline:
                    if labels.exists():
                        saved = json.loads(labels.read_text())
                        if any(lab["name"] == NEW_NAME for lab in saved["labels"]):
                            break
                    time.sleep(0.3)
                assert saved is not None, "the labels file was never written"
                [label] = saved["labels"]
                assert label["name"] == NEW_NAME and len(label["members"]) >= 3
                assert saved["history"][-1]["action"] == "rename"
                assert saved["history"][-1]["old"] == first_name
                page.locator(".stk-explorer .stk-row-name", has_text=NEW_NAME).first.wait_for(timeout=30_000)
                page.locator(".stk-action-result", has_text="saved to").wait_for(timeout=30_000)
                assert page.locator(".stk-explorer b", has_text="not bold").count() == 0  # names are escaped
                # and a status with a note, through the dropdown and the text area
                page.locator(".stk-status-pick select").select_option(label="upstream bug")
                page.locator(".stk-note textarea").fill("seen since the 3.0 desktop client")
                page.locator(".stk-note textarea").press("Tab")
                page.locator(".stk-status-button").click()
                page.locator(".stk-explorer .stk-upstream_bug").first.wait_for(timeout=30_000)
                label = json.loads(labels.read_text())["labels"][0]
                assert (label["status"], label["note"]) == ("upstream_bug", "seen since the 3.0 desktop client")
                news = page.get_by_role("button", name="No", exact=True)
                if news.count():
                    news.first.click(timeout=5_000)
                _shoot(page.locator(".stk-explorer"), tmp_path / "explorer.png")
                _check_laptop_layout(page, tmp_path)
            finally:
                browser.close()
    finally:
        _stop(proc, base, token)
        log.close()
