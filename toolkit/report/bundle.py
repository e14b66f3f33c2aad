"""The results bundle: every table a report shows, the load reports and a manifest, in one folder.

An engagement must outlive its HTML: a later visit compares itself with it
(:mod:`toolkit.report.compare`), a data team loads it into a warehouse, and the
portfolio takes its maturity scores (``support-toolkit portfolio add``). Rendering
``NAME.html`` writes ``NAME.bundle/`` next to it::

    NAME.bundle/
      manifest.json         what, when, from which files, with which versions (docs/results-bundle.md)
      tables.xlsx           one sheet per table, named and ordered as in the report
      tables/<name>.parquet every table with its dtypes (what :func:`read_bundle` reads)
      tables/<name>.csv     the same for tools without Parquet (UTF-8, ISO dates, lists joined with " · ")

The manifest is validated against ``bundle.schema.json`` both when written and when
read, so a hand-edited or truncated bundle fails with one :class:`~toolkit.errors.DataError`.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import numpy as np
import pandas as pd

from toolkit import __version__
from toolkit.duplicates.representation import representation_name
from toolkit.errors import DataError

BUNDLE_VERSION = "1.0"
SCHEMA_PATH = Path(str(resources.files("toolkit.report").joinpath("bundle.schema.json")))
MANIFEST = "manifest.json"
WORKBOOK = "tables.xlsx"

# Every table a bundle may hold, in report order: name -> (report section, title).
# Tables the report shows are named in the notebook (``show.table(..., name=...)``); the
# others are what a later comparison needs beyond what the report shows.
TABLES: dict[str, tuple[str, str]] = {
    "findings": ("Executive summary", "Findings"),
    "reassessment": ("Since the last assessment", "Changes since the last assessment"),
    "maturity_dimensions": ("Maturity", "Maturity by dimension"),
    "maturity_portfolio": ("Maturity", "Percentile among earlier engagements"),
    "maturity_disagreements": ("Maturity", "Management and frontline views"),
    "maturity_evidence": ("Maturity", "Interview claims tested against the data"),
    "maturity_questions": ("Maturity", "Maturity by question"),
    "survey_summary": ("Customer experience", "Headline scores"),
    "survey_nonresponse": ("Customer experience", "Respondents compared with non-respondents"),
    "survey_themes": ("Customer experience", "Comment themes"),
    "survey_timing": ("Customer experience", "Response rate and CSAT by survey delay"),
    "survey_channels": ("Customer experience", "Response rate and CSAT by survey channel"),
    "survey_too_soon": ("Customer experience", "Surveys sent before reopens"),
    "survey_fatigue": ("Customer experience", "Survey fatigue"),
    "ops_watermelon": ("Operations", "The watermelon check"),
    "ops_over_time": ("Operations", "SLA attainment and CSAT over time"),
    "ops_response_times": ("Operations", "Response times"),
    "ops_conversations": ("Operations", "Conversation quality"),
    "ops_too_quick": ("Operations", "Resolutions that came back"),
    "ops_incomplete": ("Operations", "Incomplete conversations"),
    "ops_sla": ("Operations", "SLA attainment"),
    "ops_hedging": ("Operations", "Certainty of language"),
    "ops_hedging_effect": ("Operations", "What hedging goes with"),
    "ops_false_hope": ("Operations", "False hope"),
    "ops_over_apology": ("Operations", "Over-apology"),
    "ops_repeat_questions": ("Operations", "Repeat questions"),
    "ops_language_effect": ("Operations", "What false hope and over-apology go with"),
    "ops_repeat_question_effect": ("Operations", "What repeat questions go with"),
    "ops_spikes": ("Operations", "Spikes in new tickets and the changes before them"),
    "ops_workload": ("Operations", "Workload"),
    "ops_heroes": ("Operations", "Hard work received and rework caused"),
    "ops_breach": ("Operations", "Satisfaction against the first-reply target"),
    "problems": ("Upstream problems", "Upstream problems"),
    "problem_clusters": ("Upstream problems", "All duplicate clusters"),
    "roadmap": ("Recommendations and roadmap", "Roadmap"),
    "roadmap_steps": ("Recommendations and roadmap", "Roadmap steps with owners and KPIs"),
    "data_quality": ("Data-quality appendix", "Rows read, kept and used"),
    "rejections": ("Data-quality appendix", "Rejected rows"),
}
_INPUT_KEYS = {"tickets": "tickets_path", "messages": "messages_path", "survey_responses": "survey_path",
               "survey_invitations": "invitations_path", "maturity_answers": "maturity_path",
               "maturity_model": "maturity_model", "portfolio": "portfolio_path"}
_MASKED = re.compile(r"\s*Personal data masked in [\d,]+ text values?\.")
_NUMBER = re.compile(r"[−+-]?\d[\d,]*(?:\.\d+)?")


@dataclass
class Bundle:
    """One engagement's results: ``manifest`` (see docs/results-bundle.md) and its ``tables`` in report order."""

    manifest: dict[str, Any]
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)

    def table(self, name: str) -> pd.DataFrame | None:
        """The table called ``name``, or None when this engagement did not have it."""
        return self.tables.get(name)


def bundle_schema() -> dict:
    """The manifest's JSON Schema."""
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def results_bundle(params, engagement, tables: Mapping[str, pd.DataFrame | None], *,
                   maturity_model: str | None = None) -> Bundle:
    """Collect one report's tables and its manifest in memory (nothing is written).

    Parameters
    ----------
    params : the report's :class:`~toolkit.report.parameters.ReportParameters`.
    engagement : the loaded :class:`~toolkit.report.inputs.Engagement` (its files are hashed).
    tables : name -> frame, as the report showed them (``Display.shown``) plus the comparison
        inputs (``maturity_questions``, ``problem_clusters``); None or unknown names are left out.
    maturity_model : the maturity model's "id version", when the report scored one.
    """
    unknown = [n for n in tables if n not in TABLES]
    if unknown:
        raise ValueError(f"results_bundle(): unknown table name(s) {unknown}; add them to bundle.TABLES")
    frames = {n: f.reset_index(drop=True) for n, f in tables.items() if f is not None}
    ordered = {n: frames[n] for n in TABLES if n in frames}
    model_id, _, model_version = (maturity_model or "").partition(" ")
    manifest = {
        "bundle_version": BUNDLE_VERSION,
        "client": params.client_name,
        "period": {"start": _iso(params.period_start), "end": _iso(params.period_end), "label": engagement.period},
        "generated": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "toolkit_version": __version__,
        "models": {
            "maturity": {"id": model_id, "version": model_version} if maturity_model else None,
            # what compared the tickets ("auto" resolved), so that a later comparison can say when it changed
            "duplicates_representation": representation_name(params.duplicates_representation,
                                                              len(engagement.tickets)),
        },
        "definitions": {
            "timezone": params.timezone,
            "sla_targets": {k: float(v) for k, v in sorted(params.sla_targets.items())},
            "segments": list(params.segments),
            "sources": {r.table: _how_read(r.notes) for r in engagement.inputs.itertuples()},
        },
        "parameters": _parameters(params),
        "inputs": _inputs(params, engagement),
        "tables": _describe(ordered),
        "findings": _manifest_findings(ordered.get("findings")),
    }
    return Bundle(manifest, ordered)


def save_bundle(bundle: Bundle, path: str | Path | None, *, findings: pd.DataFrame | None = None,
                reassessment: pd.DataFrame | None = None) -> Path | None:
    """Add the executive summary (``findings``) and the comparison with the last engagement to ``bundle``,
    then write it to ``path``; nothing is written when ``path`` is empty (a notebook opened by hand)."""
    frames = dict(bundle.tables)
    if findings is not None:
        frames["findings"] = _findings_table(findings)
    if reassessment is not None:
        frames["reassessment"] = reassessment.reset_index(drop=True)
    ordered = {n: frames[n] for n in TABLES if n in frames}
    bundle.tables = ordered
    bundle.manifest["tables"] = _describe(ordered)
    bundle.manifest["findings"] = _manifest_findings(ordered.get("findings"))
    return write_bundle(bundle, path) if path else None


def write_bundle(bundle: Bundle, path: str | Path) -> Path:
    """Write ``bundle`` into the folder ``path`` (replaced as a whole, so no stale table survives)."""
    path = Path(path)
    jsonschema.validate(bundle.manifest, bundle_schema())
    path.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=path.parent, prefix=f".{path.name}."))
    try:
        (staging / "tables").mkdir()
        for entry in bundle.manifest["tables"]:
            frame = bundle.tables[entry["name"]]
            frame.to_parquet(staging / entry["files"]["parquet"], index=False)
            _flat(frame).to_csv(staging / entry["files"]["csv"], index=False, lineterminator="\n")
        with pd.ExcelWriter(staging / WORKBOOK, engine="openpyxl") as xlsx:
            for entry in bundle.manifest["tables"]:
                _flat(bundle.tables[entry["name"]]).to_excel(xlsx, sheet_name=entry["sheet"], index=False)
        (staging / MANIFEST).write_text(json.dumps(bundle.manifest, indent=2, ensure_ascii=False) + "\n",
                                        encoding="utf-8")
        if path.exists():
            shutil.rmtree(path)
        staging.rename(path)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return path


def read_bundle(path: str | Path) -> Bundle:
    """Read a bundle written by :func:`write_bundle` (tables from Parquet, with their dtypes).

    Raises :class:`DataError` naming the file when the folder is not a bundle, the manifest
    does not validate, or a table it lists is missing.
    """
    path = Path(path)
    manifest_file = path / MANIFEST
    if not manifest_file.is_file():
        raise DataError("is not a results bundle (no manifest.json in it)", file=str(path),
                        fix="pass the NAME.bundle folder written next to an earlier report")
    try:
        manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
        jsonschema.validate(manifest, bundle_schema())
    except json.JSONDecodeError as exc:
        raise DataError(f"is not valid JSON (line {exc.lineno})", file=str(manifest_file),
                        fix="restore the manifest from the original bundle") from None
    except jsonschema.ValidationError as exc:
        where = "/".join(str(p) for p in exc.absolute_path) or "(top level)"
        raise DataError(f"does not match the bundle schema at {where}: {exc.message}", file=str(manifest_file),
                        fix="restore the manifest from the original bundle") from None
    tables = {}
    for entry in manifest["tables"]:
        file = path / entry["files"]["parquet"]
        if not file.is_file():
            raise DataError(f"table {entry['name']!r} listed in the manifest is missing", file=str(file),
                            fix="copy the whole bundle folder, including tables/")
        tables[entry["name"]] = _lists_back(pd.read_parquet(file))
    return Bundle(manifest, tables)


def file_sha256(path: str | Path) -> str:
    """SHA-256 of a file's bytes, read in blocks (inputs may be hundreds of MB)."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _how_read(notes: str) -> str:
    """How a file was read (format, mapping), without the counts that change with every export."""
    return _MASKED.sub("", str(notes)).strip()


def _parameters(params) -> dict[str, Any]:
    """The report's parameters as plain JSON values; paths reduced to file names (no local folders)."""
    out = {}
    for name, value in params.as_notebook_parameters().items():
        if name in ("bundle_path", "baseline_path", "logo_path"):
            continue
        if name.endswith("_path") or name == "maturity_model":
            value = Path(value).name if value else ""
        out[name] = value
    return out


def _inputs(params, engagement) -> list[dict[str, Any]]:
    """One entry per input file (each file of a folder), with its hash; a lake table or URI read by the Spark
    engine is one entry without hash or size (there is no file here to read)."""
    used = {r.file: r for r in engagement.inputs.itertuples()}
    rows = []
    for table, key in _INPUT_KEYS.items():
        path = getattr(params, key)
        if path is None:
            continue
        if isinstance(path, str):  # a lake table or URI: nothing here to hash
            entries = [(path, None, None)]
        else:
            files = [f for f in sorted(path.rglob("*")) if f.is_file()] if path.is_dir() else [path]
            entries = [(f.name, file_sha256(f), f.stat().st_size) for f in files]
        for name, digest, size in entries:
            load = used.get(name)
            rows.append({"table": table, "file": name, "sha256": digest, "bytes": size,
                         "rows_read": int(load.rows_read) if load is not None else None,
                         "rows_used": int(load.rows_used) if load is not None else None})
    return rows


def _describe(tables: Mapping[str, pd.DataFrame]) -> list[dict[str, Any]]:
    """The manifest's entry for each table: where its files are, its sheet, rows and columns with dtypes."""
    entries: list[dict[str, Any]] = []
    for name, frame in tables.items():
        section, title = TABLES[name]
        entries.append({
            "name": name, "title": title, "section": section, "rows": len(frame),
            "columns": [{"name": str(c), "dtype": str(frame[c].dtype)} for c in frame.columns],
            "files": {"parquet": f"tables/{name}.parquet", "csv": f"tables/{name}.csv"},
            "sheet": _sheet_name(title, [t["sheet"] for t in entries]),
        })
    return entries


def _findings_table(findings: pd.DataFrame) -> pd.DataFrame:
    """The summary with ``id`` its rank (``F1`` first) and ``finding_id`` the finding's stable id
    (:data:`toolkit.report.findings.FINDING_COLUMNS`), which an engagement file names."""
    out = findings.reset_index(drop=True).rename(columns={"id": "finding_id"})
    return out.assign(id=[f"F{i}" for i in range(1, len(out) + 1)])[["id", *out.columns]]


def _manifest_findings(findings: pd.DataFrame | None) -> list[dict[str, Any]]:
    """Each finding with an id (its rank) and the numbers its sentence quotes, in order."""
    if findings is None:
        return []
    return [{"id": r.id, **({"finding_id": r.finding_id} if hasattr(r, "finding_id") else {}), "area": r.area,
             "finding": r.finding, "weight": float(r.weight),
             "numbers": [float(n.replace(",", "").replace("−", "-")) for n in _NUMBER.findall(r.finding)]}
            for r in findings.itertuples()]


def _sheet_name(title: str, taken: list[str]) -> str:
    """An Excel sheet name: at most 31 characters, none of ``[]:*?/\\``, unique in the workbook."""
    base = re.sub(r"[\[\]:*?/\\]", " ", title).strip()[:31]
    name, n = base, 2
    while name in taken:
        suffix = f" ({n})"
        name, n = base[:31 - len(suffix)] + suffix, n + 1
    return name


def _lists_back(frame: pd.DataFrame) -> pd.DataFrame:
    """Parquet list columns come back as numpy arrays: make them lists again, as the report had them."""
    for col in frame.columns:
        if frame[col].dtype == object:
            frame[col] = frame[col].map(lambda v: v.tolist() if isinstance(v, np.ndarray) else v)
    return frame


def _flat(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy for CSV and Excel: lists joined with " · ", time stamps as UTC ISO text (Excel has no time zones)."""
    out = frame.copy()
    for col in out.columns:
        series = out[col]
        if isinstance(series.dtype, pd.DatetimeTZDtype):
            out[col] = series.dt.tz_convert("UTC").dt.strftime("%Y-%m-%dT%H:%M:%SZ")
        elif series.dtype == object:
            out[col] = series.map(lambda v: " · ".join(map(str, v)) if isinstance(v, list | tuple) else v)
    return out
