"""Render reports for many clients from one YAML file; one client's failure never stops the others.

An engagements file lists one entry per client, with the same keys as the
``support-toolkit report`` options (relative paths are read from the YAML file's
folder); ``defaults`` apply to every entry::

    defaults:
      timezone: Europe/London
    engagements:
      - client: Northwind Cloud
        tickets: data/samples/tickets.csv
        messages: data/samples/messages.csv.gz
        survey: data/samples/survey_responses.csv
        period: 2026-01-01:2026-06-30
      - client: Contoso
        tickets: contoso/zendesk_export.csv
        tickets_format: zendesk

:func:`run_batch` renders each entry in turn and returns a summary frame, one row
per client, with the outcome, also written as ``batch_summary.csv`` next to the reports;
a bad entry (unknown key, missing file) fails on its own, before its notebook runs. A
client is ``failed`` when no report could be made (bad entry, tickets all rejected or none
in the period, a failing notebook) and ``warned`` when its report was written but a
section had no data or a file had many rows rejected: a report not to send unread.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from toolkit.errors import ConfigError, ToolkitError
from toolkit.files import make_folder, output_name, read_yaml, write_csv
from toolkit.report.parameters import ReportParameters, parse_period, validate_parameters
from toolkit.report.render import DEFAULT_NOTEBOOK, render_report

# Engagement keys (as the CLI options are named) -> report parameters.
KEYS = {
    "client": "client_name",
    "tickets": "tickets_path",
    "tickets_format": "tickets_format",
    "messages": "messages_path",
    "messages_format": "messages_format",
    "survey": "survey_path",
    "survey_format": "survey_format",
    "invitations": "invitations_path",
    "maturity": "maturity_path",
    "maturity_model": "maturity_model",
    "portfolio": "portfolio_path",
    "baseline": "baseline_path",
    "timezone": "timezone",
    "sla_targets": "sla_targets",
    "segments": "segments",
    "redact_pii": "redact_pii",
    "show_names": "show_names",
    "named_respondents": "named_respondents",
    "logo": "logo_path",
    "accent": "accent_colour",
    "duplicates_representation": "duplicates_representation",
    "engagement": "engagement_file",
    "labels": "labels_path",
    "releases": "releases_path",
    "schedule": "schedule_path",
    "engine": "engine",
}
OTHER_KEYS = ("period", "name", "notebook", "title")
SUMMARY_COLUMNS = ["client", "status", "seconds", "size_mb", "html", "warnings", "error"]
SUMMARY_FILE = "batch_summary.csv"


@dataclass(frozen=True)
class Job:
    """One report to render: validated parameters, output name and notebook."""

    parameters: ReportParameters
    name: str
    notebook: Path = DEFAULT_NOTEBOOK
    title: str = "Customer support assessment"


def slug(text: str) -> str:
    """A file-name-safe lower-case form of a client name: ``"Northwind Cloud"`` -> ``"northwind-cloud"``."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "client"


def job_from_options(entry: Mapping[str, Any], *, base_dir: str | Path = ".", where: str = "") -> Job:
    """A :class:`Job` from CLI-style keys (``client``, ``tickets``, ``period``, ...), validated.

    Relative paths (files, ``notebook``) are read from ``base_dir``. Raises :class:`ConfigError` naming the key
    (prefixed by ``where``, e.g. ``engagements[2].tickets``).
    """
    prefix = f"{where}." if where else ""
    base = Path(base_dir)
    values: dict[str, Any] = {}
    for key, value in entry.items():
        if key in KEYS:
            values[KEYS[key]] = value
        elif key not in OTHER_KEYS:
            raise ConfigError("is not an engagement key", key=f"{prefix}{key}",
                              fix=f"use some of {', '.join([*KEYS, *OTHER_KEYS])}")
    if "client_name" not in values:
        raise ConfigError("is missing", key=f"{prefix}client", fix="name the client, e.g. client: Northwind Cloud")
    if "tickets_path" not in values:
        raise ConfigError("is missing", key=f"{prefix}tickets", fix="give the path of the client's ticket export")
    if entry.get("period"):
        try:
            values["period_start"], values["period_end"] = parse_period(str(entry["period"]))
        except ConfigError as exc:
            raise ConfigError(exc.problem, fix=exc.fix, key=f"{prefix}period") from None
    try:
        params = validate_parameters(values, base_dir=base)
    except ConfigError as exc:
        if exc.file:  # a mistake inside a file the entry names (its engagement file): that file's own key
            raise
        head, _, rest = (exc.key or "").partition(".")
        key = next((k for k, v in KEYS.items() if v == head), head) + (f".{rest}" if rest else "")
        raise ConfigError(exc.problem, fix=exc.fix, key=f"{prefix}{key}") from None
    notebook = (base / Path(entry["notebook"]).expanduser()) if entry.get("notebook") else DEFAULT_NOTEBOOK
    # checked here, before anything renders: the name must keep the report inside the output folder
    name = output_name(str(entry["name"]), key=f"{prefix}name") if entry.get("name") not in (None, "") else \
        f"{slug(params.client_name)}-engagement"
    return Job(params, name, notebook, str(entry.get("title") or Job.title))


def read_engagements(path: str | Path) -> list[Mapping[str, Any] | ConfigError]:
    """The entries of an engagements YAML file with ``defaults`` applied (see module doc).

    A malformed file raises :class:`ConfigError`; an entry that is not a mapping comes
    back as a ConfigError in its place, so the other entries still run.
    """
    path = Path(path)
    data = read_yaml(path, what="engagements file")
    if not isinstance(data, Mapping) or not isinstance(data.get("engagements"), list) or not data["engagements"]:
        raise ConfigError("expected a list of engagements", file=str(path), key="engagements",
                          fix="write `engagements:` followed by one `- client: ...` entry per client")
    defaults = data.get("defaults") or {}
    if not isinstance(defaults, Mapping):
        raise ConfigError("expected a mapping", file=str(path), key="defaults", fix="write `defaults:` with keys")
    out: list[Mapping[str, Any] | ConfigError] = []
    for i, entry in enumerate(data["engagements"]):
        if isinstance(entry, Mapping):
            out.append({**defaults, **entry})
        else:
            out.append(ConfigError(f"expected a mapping of keys, got {entry!r}", file=str(path),
                                   key=f"engagements[{i}]", fix="write `- client: NAME` and the other keys"))
    return out


def run_batch(path: str | Path, out_dir: str | Path, *, progress: bool = True,
              render: Callable[..., Any] | None = None, echo: Callable[[str], None] = print,
              pdf: bool = False) -> pd.DataFrame:
    """Render every engagement in ``path`` into ``out_dir``; return the summary (:data:`SUMMARY_COLUMNS`).

    Every client is attempted: a failing one is recorded with its error message and
    the next one runs. ``status`` is ``ok``, ``warned`` (rendered, with ``warnings`` to read:
    sections without data, files with many rows rejected; joined with "; ") or ``failed``.
    The summary is also written to ``out_dir/batch_summary.csv``. ``render`` replaces
    :func:`~toolkit.report.render.render_report` (tests pass a fake). ``pdf`` also prints
    each report to a PDF; a missing Chromium is echoed, and the HTML still counts as rendered.
    """
    render = render or render_report
    path = Path(path)
    entries = read_engagements(path)
    rows = []
    for i, entry in enumerate(entries):
        client = (str(entry.get("client") or f"engagement {i + 1}") if isinstance(entry, Mapping)
                  else f"engagement {i + 1}")
        started = time.perf_counter()
        try:
            if isinstance(entry, ConfigError):
                raise entry
            job = job_from_options(entry, base_dir=path.parent, where=f"engagements[{i}]")
            echo(f"[{i + 1}/{len(entries)}] {client}")
            result = render(job.parameters, out_dir, job.name, notebook=job.notebook, title=job.title,
                            progress=progress, **({"pdf": True} if pdf else {}))
            if getattr(result, "pdf_problem", ""):
                echo(f"[{i + 1}/{len(entries)}] {client}: {result.pdf_problem}")
            warned = list(getattr(result, "warnings", ()))
            for warning in warned:
                echo(f"[{i + 1}/{len(entries)}] {client}: warning: {warning}")
            rows.append({"client": client, "status": "warned" if warned else "ok",
                         "seconds": time.perf_counter() - started, "size_mb": result.size_bytes / 1e6,
                         "html": str(result.html), "warnings": "; ".join(warned), "error": ""})
        except Exception as exc:  # isolation: whatever one client's data does, the next client still runs
            message = str(exc) if isinstance(exc, ToolkitError) else f"{type(exc).__name__}: {exc}"
            echo(f"[{i + 1}/{len(entries)}] {client}: failed: {message}")
            rows.append({"client": client, "status": "failed", "seconds": time.perf_counter() - started,
                         "size_mb": float("nan"), "html": "", "warnings": "", "error": message})
    summary = pd.DataFrame(rows, columns=SUMMARY_COLUMNS)
    write_csv(summary.round({"seconds": 1, "size_mb": 2}), make_folder(out_dir) / SUMMARY_FILE)
    return summary


def summary_text(summary: pd.DataFrame) -> str:
    """The batch summary as a plain-text table for the terminal."""
    shown = summary.assign(
        seconds=summary["seconds"].map(lambda s: f"{s:.1f}"),
        size_mb=summary["size_mb"].map(lambda s: "" if pd.isna(s) else f"{s:.1f}"),
        result=[e if s == "failed" else f"{h} (check: {w})" if w else h
                for s, h, w, e in zip(summary["status"], summary["html"], summary["warnings"], summary["error"],
                                      strict=True)],
    )[["client", "status", "seconds", "size_mb", "result"]].astype("str")
    widths = {c: max(len(c), int(shown[c].str.len().max() if len(shown) else 0)) for c in shown.columns}
    lines = ["  ".join(c.ljust(widths[c]) for c in shown.columns).rstrip()]
    lines += ["  ".join(v.ljust(widths[c]) for c, v in zip(shown.columns, row, strict=True)).rstrip()
              for row in shown.itertuples(index=False)]
    rendered = int((summary["status"] != "failed").sum())
    warned = int((summary["status"] == "warned").sum())
    also = f", {warned} with warnings to check" if warned else ""
    return "\n".join(lines) + f"\n{rendered} of {len(summary)} reports rendered{also}."
