"""Run a report notebook with papermill and export it to HTML, or fail with one clear error.

Layers, top to bottom (papermill's own shape): validate the parameters, execute the
notebook, keep the executed ``.ipynb`` next to the HTML for audit, export the HTML.

- Parameters are checked by :func:`toolkit.report.parameters.validate_parameters`
  before a kernel starts.
- The kernel runs with ``PLOTLY_RENDERER=notebook`` (plotly's default under
  ipykernel, ``plotly_mimetype``, is invisible in nbconvert's HTML), without saving
  after every cell (``request_save_on_cell_execute=False``: twice as fast for
  figure-heavy notebooks), without widget state (``store_widget_state=False``), with a
  progress bar over cells.
- A failing cell, a cell timeout (nbclient's ``CellTimeoutError``) or a dead kernel
  ends in one :class:`ReportError` naming the notebook, the section (the nearest
  heading above the failing cell) and the error message the toolkit raised. No HTML
  is written then, and an older HTML at the same path is removed, so nobody sends a
  stale report believing it is new.
- The HTML is written to a temporary file and renamed into place only when complete.
"""

from __future__ import annotations

import contextlib
import os
import re
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import nbformat
from nbclient.exceptions import CellTimeoutError, DeadKernelError

from toolkit import formatting
from toolkit.errors import ConfigError, ToolkitError
from toolkit.files import atomic_write_text, inside, make_folder, output_name
from toolkit.report.engagement_file import read_engagement_file
from toolkit.report.export import COVER_MIMETYPE, Cover, export_html, period_label
from toolkit.report.parameters import ReportParameters, validate_parameters

# The notebooks ship inside the package; the checkout's notebooks/ is a link to this folder.
NOTEBOOKS = Path(str(resources.files("toolkit").joinpath("notebooks")))
DEFAULT_NOTEBOOK = NOTEBOOKS / "engagement_report.ipynb"
ENGINE = "toolkit-report"
_HEADING = re.compile(r"^(#{1,4})\s+(.+?)\s*#*\s*$", re.MULTILINE)


class ReportError(ToolkitError):
    """A report notebook failed: which notebook, which section, and the toolkit's message."""

    def __init__(self, notebook: str, section: str, message: str, *, executed: Path | None = None) -> None:
        self.notebook = notebook
        self.section = section
        self.message = message
        self.executed = executed
        where = f"section '{section}'" if section else "its set-up cells"
        text = f"{notebook} failed in {where}: {message}"
        if executed is not None:
            text += f". The executed notebook with the full traceback is {executed}; no HTML report was written"
        super().__init__(text)


@dataclass(frozen=True)
class RenderResult:
    """What :func:`render_report` produced; ``pdf`` is None unless asked for (``pdf_problem`` then says why)."""

    html: Path
    notebook: Path
    seconds: float
    size_bytes: int
    pdf: Path | None = None
    pdf_problem: str = ""
    warnings: tuple[str, ...] = ()  # sections left out for lack of data, files with many rows rejected


def render_report(
    parameters: ReportParameters | Mapping[str, Any],
    out_dir: str | Path,
    name: str,
    *,
    notebook: str | Path = DEFAULT_NOTEBOOK,
    title: str = "Customer support assessment",
    timeout: float = 900,
    progress: bool = True,
    pdf: bool = False,
) -> RenderResult:
    """Execute ``notebook`` with ``parameters`` and write ``out_dir/name.html``, ``name.ipynb`` and the
    results bundle ``name.bundle/`` (see :mod:`toolkit.report.bundle`).

    Parameters
    ----------
    parameters : validated :class:`ReportParameters`, or raw values (checked here,
        relative paths read from the notebook's folder).
    out_dir : folder for the report; created when missing.
    name : file name stem, e.g. ``"sample-engagement"``.
    notebook : the notebook to run (default: the engagement report shipped in the package,
        ``toolkit/notebooks/engagement_report.ipynb``).
    title : the line above the client's name on the first screen.
    timeout : seconds one cell may run before the render fails.
    progress : show a progress bar over the notebook's cells.
    pdf : also print the HTML to ``name.pdf`` with headless Chromium (:mod:`toolkit.report.pdf`). Without
        Chromium the HTML is still written and ``RenderResult.pdf_problem`` says how to install it.

    Raises
    ------
    ConfigError for bad parameters (before anything runs); ReportError when a cell fails.
    """
    notebook = Path(notebook).resolve()
    if not notebook.is_file():
        raise ConfigError(f"notebook {notebook} does not exist", key="notebook",
                          fix="pass the path of a report notebook, e.g. notebooks/engagement_report.ipynb")
    params = parameters if isinstance(parameters, ReportParameters) else \
        validate_parameters(parameters, base_dir=notebook.parent)
    name = output_name(name)
    out = make_folder(out_dir)
    html_path, executed = inside(out, name, ".html"), inside(out, name, ".ipynb")
    started = time.perf_counter()
    nb = execute(notebook, executed, _with_bundle(params, out / f"{name}.bundle"), timeout=timeout,
                 progress=progress, stale_html=html_path)
    voice = read_engagement_file(params.engagement_file)
    cover = Cover(client=params.client_name, period=period_label(params.period_start, params.period_end),
                  generated=_today(), title=title, accent=params.accent_colour, logo=params.logo_path,
                  prepared_by=", ".join(p for p in (voice.author, voice.firm) if p), contact=voice.contact,
                  confidentiality=voice.confidentiality, redacted=params.redact_pii)
    cover = _cover_from_outputs(nb, cover)
    try:
        page = export_html(nb, cover)
    except ToolkitError:
        html_path.unlink(missing_ok=True)
        raise
    atomic_write_text(html_path, page)
    pdf_path, problem = None, ""
    if pdf:
        from toolkit.report.pdf import write_pdf

        try:
            pdf_path = write_pdf(html_path)
        except ToolkitError as exc:
            problem = str(exc)
    return RenderResult(html_path, executed, time.perf_counter() - started, html_path.stat().st_size, pdf_path,
                        problem, warnings(nb))


def write_tables(parameters: ReportParameters, out_dir: str | Path, name: str, *,
                 notebook: str | Path = DEFAULT_NOTEBOOK, timeout: float = 900, progress: bool = True) -> Path:
    """Run the report notebook for its results bundle only: ``out_dir/name.bundle`` (and the executed
    notebook ``name.ipynb`` for audit), no HTML. The bundle holds the same tables a rendered report's has."""
    name = output_name(name)
    out = make_folder(out_dir)
    bundle = inside(out, name, ".bundle")
    execute(Path(notebook).resolve(), inside(out, name, ".ipynb"), _with_bundle(parameters, bundle),
            timeout=timeout, progress=progress)
    return bundle


def _with_bundle(params: ReportParameters, bundle: Path) -> dict[str, Any]:
    """The notebook's parameters, with where the results bundle goes (the render decides, not the caller)."""
    return {**params.as_notebook_parameters(), "bundle_path": str(bundle.resolve())}


def execute(notebook: Path, executed: Path, parameters: Mapping[str, Any], *, timeout: float = 900,
            progress: bool = True, stale_html: Path | None = None) -> nbformat.NotebookNode:
    """Run ``notebook`` with papermill into ``executed``; on failure raise :class:`ReportError`."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    _register_engine()
    try:
        with _environment(PLOTLY_RENDERER="notebook"):
            return papermill.execute_notebook(
                str(notebook), str(executed), parameters=dict(parameters), cwd=str(notebook.parent),
                engine_name=ENGINE, request_save_on_cell_execute=False, progress_bar=progress,
                execution_timeout=timeout, log_output=False, kernel_name="python3",
                # Widget state (tqdm.auto bars in a kernel are widgets) would make the page load the
                # widget manager from a CDN.
                store_widget_state=False,
            )
    except PapermillExecutionError as exc:
        nb = nbformat.read(executed, as_version=4)
        index = next((i for i, c in enumerate(nb.cells) if c.cell_type == "code"
                      and any(o.get("output_type") == "error" for o in c.get("outputs", []))), len(nb.cells) - 1)
        failure = _failure(notebook, nb, index, f"{exc.ename}: {exc.evalue}" if exc.evalue else exc.ename, executed)
    except (CellTimeoutError, DeadKernelError) as exc:
        nb = getattr(exc, "notebook", None)
        if nb is None:
            raise ReportError(notebook.name, "", _first_line(exc)) from exc
        nbformat.write(nb, executed)
        started = [i for i, c in enumerate(nb.cells) if c.get("metadata", {}).get("papermill", {}).get("start_time")]
        index = started[-1] if started else 0
        what = (f"a cell ran longer than the {timeout:g} s timeout" if isinstance(exc, CellTimeoutError)
                else f"the notebook's kernel died ({_first_line(exc)})")
        failure = _failure(notebook, nb, index, what, executed)
    if stale_html is not None and stale_html.exists():
        stale_html.unlink()
    raise failure


def section_of(nb: nbformat.NotebookNode, index: int) -> str:
    """The section a cell belongs to: the nearest ``##`` heading above it, with a ``###`` below that."""
    section, subsection = "", ""
    for cell in nb.cells[:index + 1]:
        if cell.cell_type != "markdown" or "papermill-error-cell-tag" in cell.metadata.get("tags", []):
            continue
        for hashes, text in _HEADING.findall(cell.source):
            if len(hashes) <= 2:
                section, subsection = text, ""
            elif len(hashes) == 3:
                subsection = text
    return f"{section} › {subsection}" if section and subsection else section


def _failure(notebook: Path, nb: nbformat.NotebookNode, index: int, message: str, executed: Path) -> ReportError:
    return ReportError(notebook.name, section_of(nb, index), message, executed=executed)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _today() -> str:
    now = datetime.now(UTC)
    return formatting.day(now)


def _cover_from_outputs(nb: nbformat.NotebookNode, cover: Cover) -> Cover:
    """Let the notebook state the period its data really covers (see :func:`toolkit.report.cover_facts`)."""
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            facts = output.get("data", {}).get(COVER_MIMETYPE)
            if isinstance(facts, Mapping) and facts.get("period"):
                return Cover(**{**cover.__dict__, "period": str(facts["period"])})
    return cover


def warnings(nb: nbformat.NotebookNode) -> tuple[str, ...]:
    """What an executed report notebook says a consultant should check: each section left out for lack of
    data (with the reason) and each input file with many rows rejected (from :func:`toolkit.report.cover_facts`)."""
    from toolkit.report.export import UNAVAILABLE_MIMETYPE

    found = []
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if UNAVAILABLE_MIMETYPE in data:
                found.append(f"no data for section '{section_of(nb, index)}': {data[UNAVAILABLE_MIMETYPE]['reason']}")
            facts = data.get(COVER_MIMETYPE)
            if isinstance(facts, Mapping):
                found += [str(w) for w in facts.get("warnings", [])]
    return tuple(dict.fromkeys(found))


@contextlib.contextmanager
def _environment(**values: str) -> Iterator[None]:
    """Set environment variables for a kernel started inside the block, restoring them afterwards.

    papermill offers no way to pass an environment to the kernel it starts, and the
    kernel inherits ours.
    """
    before = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in before.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _register_engine() -> None:
    """papermill's nbclient engine, keeping the notebook when a cell times out or the kernel dies.

    papermill saves the executed notebook for a failing cell, but a timeout or a dead
    kernel propagates before anything is saved; this engine attaches the partly
    executed notebook to the exception so the report can say where it stopped.
    """
    from papermill.engines import NBClientEngine, papermill_engines
    from traitlets.config import Config

    class KeepNotebookEngine(NBClientEngine):
        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, **kwargs):
            # local IPC sockets instead of TCP on localhost: no open port, and no warning from the kernel
            kwargs.setdefault("config", Config({"KernelManager": {"transport": "ipc"}}))
            try:
                return super().execute_managed_notebook(nb_man, kernel_name, **kwargs)
            except (CellTimeoutError, DeadKernelError) as exc:
                exc.notebook = nb_man.nb
                raise

    if ENGINE not in papermill_engines._engines:
        papermill_engines.register(ENGINE, KeepNotebookEngine)
