"""The report notebooks' parameters: one list, checked before any notebook runs.

papermill only warns about unknown parameters and never checks types, so a typo
or a missing file would otherwise surface as a traceback halfway through a
notebook. :func:`validate_parameters` checks everything first (types, files
exist, dates parse, period start before end, time zone known, colour is a hex
colour) and raises one :class:`~toolkit.errors.ConfigError` naming the parameter
and the fix. Every notebook's ``parameters`` cell uses these names and defaults
(a test keeps them equal).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from datetime import date
from pathlib import Path
from typing import Any

from toolkit.errors import ConfigError
from toolkit.validation import SEGMENT_COLUMNS, check_engine, check_sla_targets, check_tz

_HEX_COLOUR = re.compile(r"#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})")
_FOLDERS_ALLOWED = ("maturity_path", "portfolio_path", "baseline_path")  # answer / score files; a bundle
_LOGO_SUFFIXES = (".png", ".jpg", ".jpeg", ".svg", ".gif", ".webp")
_SPARK_INPUTS = ("tickets_path", "messages_path")  # what the Spark engine loads (toolkit.spark.load.TABLES)
_LAKE_URI = re.compile(r"[A-Za-z][\w+.-]+:/")  # s3://, abfss://, gs://, dbfs:/, file:/ (not a drive letter)
_TABLE_NAME = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*){0,2}")  # table, database.table, catalog.database.table
_FILE_SUFFIXES = (".csv", ".tsv", ".txt", ".gz", ".parquet", ".xlsx", ".xls", ".json", ".jsonl", ".yaml", ".yml")
_PATHS = ("tickets_path", "messages_path", "survey_path", "invitations_path", "maturity_path", "maturity_model",
          "portfolio_path", "logo_path", "baseline_path", "engagement_file", "labels_path", "releases_path",
          "schedule_path")


@dataclass(frozen=True)
class ReportParameters:
    """Validated parameters of a report notebook.

    Paths are absolute (or ``None`` when not given); dates are ``datetime.date``
    (``None``: from the first / up to the last ticket). ``show_names`` names agents and
    interviewees (an internal report); by default agents are pseudonymised and interviewees shown
    as role groups, except the ``named_respondents`` who agreed to be named
    (:mod:`toolkit.report.people`). ``engagement_file`` is the consultant's
    commentary, finding edits, quotes and cover (:mod:`toolkit.report.engagement_file`);
    ``labels_path`` the duplicate explorer's labels (``duplicate_labels.json``), found next to the
    tickets when not given. ``releases_path`` is the client's release and change calendar (CSV or YAML:
    date, name, product; :func:`toolkit.ops.load_releases`), read to say which volume spikes
    followed a known change. ``schedule_path`` is the helpdesk's business-hours schedule (YAML, one
    schedule or rules choosing one per ticket; :func:`toolkit.ops.load_schedules`): response times,
    SLA attainment, too-quick resolutions and the watermelon check are then counted in business
    minutes, as the helpdesk counts them, and the report says so; without it, calendar minutes.
    ``engine`` is ``pandas`` (one process, the default) or ``spark``: the ticket and message exports
    (CSV, gzipped CSV, or Parquet files and folders) are then loaded on Apache Spark and the
    upstream problems' neighbour search runs there (:mod:`toolkit.report.inputs`, ``docs/spark.md``).
    """

    client_name: str = "Northwind Cloud"
    tickets_path: Path | str | None = None
    tickets_format: str = "auto"
    messages_path: Path | str | None = None
    messages_format: str = "auto"
    survey_path: Path | None = None
    survey_format: str = "auto"
    invitations_path: Path | None = None
    maturity_path: Path | None = None
    maturity_model: Path | None = None
    portfolio_path: Path | None = None
    period_start: date | None = None
    period_end: date | None = None
    timezone: str = "UTC"
    sla_targets: dict[str, float] = field(default_factory=dict)
    segments: tuple[str, ...] = ("team", "channel")
    redact_pii: bool = True
    logo_path: Path | None = None
    accent_colour: str = "#0b6e99"
    duplicates_representation: str = "auto"
    baseline_path: Path | None = None
    bundle_path: Path | None = None
    show_names: bool = False
    named_respondents: tuple[str, ...] = ()
    engagement_file: Path | None = None
    labels_path: Path | None = None
    releases_path: Path | None = None
    schedule_path: Path | None = None
    engine: str = "pandas"

    def as_notebook_parameters(self) -> dict[str, Any]:
        """Plain values for papermill (paths and dates as strings, empty string for "not given")."""
        out = {}
        for name, value in asdict(self).items():
            if value is None:
                value = ""
            elif isinstance(value, Path | date):
                value = str(value)
            elif isinstance(value, tuple):
                value = list(value)
            out[name] = value
        return out


NAMES = tuple(f.name for f in fields(ReportParameters))


def _fail(key: str, problem: str, fix: str) -> ConfigError:
    return ConfigError(problem, fix=fix, key=key)


def _text(key: str, value: Any, *, allow_empty: bool = False) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise _fail(key, f"expected text, got {type(value).__name__} {value!r}", f'pass a string, e.g. {key}="..."')
    if not value.strip() and not allow_empty:
        raise _fail(key, "is empty", "pass a non-empty value")
    return value.strip()


def _path(key: str, value: Any, base: Path, *, required: bool, lake: bool = False) -> Path | str | None:
    """An existing file as an absolute path; a folder only for :data:`_FOLDERS_ALLOWED`.

    With ``lake`` (the Spark engine's inputs) a Parquet or Delta folder too, and a lake URI or a Spark table
    name is kept as text: Spark checks it when it reads it (:func:`is_lake_source`).
    """
    if isinstance(value, Path):
        value = str(value)
    text = _text(key, value, allow_empty=not required)
    if not text:
        return None
    path = Path(text).expanduser()
    path = path if path.is_absolute() else (base / path)
    path = path.resolve()
    if lake and not path.exists() and is_lake_source(text):
        return text
    if not path.exists():
        raise _fail(key, f"file {text} does not exist", "check the path" if Path(text).is_absolute()
                    else f"check the path; relative paths are read from {base}")
    if path.is_dir() and key not in _FOLDERS_ALLOWED and not lake:
        spark = ' (a Parquet or Delta folder loads with engine="spark")' if key in _SPARK_INPUTS else ""
        raise _fail(key, f"{text} is a folder, not a file", f"pass the path of the exported file itself{spark}")
    return path


def is_lake_source(text: str) -> bool:
    """Whether a Spark input names a lake location (``s3://``, ``abfss://``, ``dbfs:/``) or a Spark table
    (``[catalog.]database.table``) rather than a local file: a name with a file suffix (``tickets.csv``) is a file.

    >>> [is_lake_source(t) for t in ("s3://acme/tickets/", "lake.zendesk_tickets", "tickets.csv", "C:/x.csv")]
    [True, True, False, False]
    """
    if _LAKE_URI.match(text):
        return True
    return bool(_TABLE_NAME.fullmatch(text)) and Path(text).suffix.lower() not in _FILE_SUFFIXES


def input_name(source: Path | str) -> str:
    """How the report names an input: a file's name, or a lake source (table name or URI) as given."""
    return source.name if isinstance(source, Path) else source


def parse_date(key: str, value: Any) -> date | None:
    """An ISO date (``2026-03-31``) from text or a date; empty means "not given"."""
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value if type(value) is date else value.date()
    text = _text(key, value)
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise _fail(key, f"{text!r} is not a date", "write it as YYYY-MM-DD, e.g. 2026-01-31") from None


def parse_period(text: str) -> tuple[date | None, date | None]:
    """``"2026-01-01:2026-06-30"`` as (start, end); either side may be empty (``"2026-01-01:"``)."""
    if not isinstance(text, str) or text.count(":") != 1:
        raise _fail("period", f"{text!r} is not a period",
                    "write START:END as dates, e.g. 2026-01-01:2026-06-30 (either side may be empty)")
    start_text, end_text = (part.strip() for part in text.split(":"))
    start, end = parse_date("period", start_text), parse_date("period", end_text)
    if start and end and start > end:
        raise _fail("period", f"starts ({start}) after it ends ({end})", "swap the two dates")
    return start, end


def _targets(key: str, value: Any) -> dict[str, float]:
    if value is None or value == "":
        return {}
    return check_sla_targets(value, key)


def _segments(key: str, value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise _fail(key, f"expected a list of column names, got {value!r}", 'pass e.g. ["team", "channel"]')
    for name in value:
        if name not in SEGMENT_COLUMNS:
            raise _fail(key, f"{name!r} is not a segment column", f"use some of {', '.join(SEGMENT_COLUMNS)}")
    return tuple(value)


def _bool(key: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false", "yes", "no"):
        return value.strip().lower() in ("true", "yes")
    raise _fail(key, f"expected true or false, got {value!r}", f"pass {key}=True or {key}=False")


def _source(key: str, value: Any, table: str) -> str:
    from toolkit.io import sources

    text = _text(key, value).lower()
    known = ("auto", "canonical", "generic", *sources(table))
    if text not in known:
        raise _fail(key, f"{text!r} is not a known export format", f"use one of {', '.join(known)}")
    return text


def _representation(key: str, value: Any) -> str:
    from toolkit.duplicates.representation import REPRESENTATIONS

    text = _text(key, value).lower()
    if text not in REPRESENTATIONS:
        raise _fail(key, f"{text!r} is not a duplicate-clustering representation",
                    f"use one of {', '.join(REPRESENTATIONS)}")
    return text


def _names(key: str, value: Any) -> tuple[str, ...]:
    if value is None or value == "":
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) and v.strip() for v in value):
        raise _fail(key, f"expected a list of names, got {value!r}",
                    'pass the interviewees who agreed to be named as in the answers file, e.g. ["Dana"]')
    return tuple(v.strip() for v in value)


def _timezone(key: str, value: Any) -> str:
    return check_tz(_text(key, value), key=key)


def validate_parameters(values: Mapping[str, Any], *, base_dir: str | Path = ".") -> ReportParameters:
    """Check report parameters and return them normalised, or raise one :class:`ConfigError`.

    Parameters
    ----------
    values : parameter name -> value, as in a notebook's ``parameters`` cell; names not
        given take the :class:`ReportParameters` defaults.
    base_dir : folder that relative paths are read from (the notebook's folder).

    Raises
    ------
    ConfigError naming the parameter, e.g. ```tickets_path`: file x.csv does not exist``.
    """
    unknown = [k for k in values if k not in NAMES]
    if unknown:
        close = difflib.get_close_matches(unknown[0], NAMES, n=1)
        fix = f"did you mean `{close[0]}`?" if close else f"known parameters: {', '.join(NAMES)}"
        raise _fail(unknown[0], "is not a report parameter", fix)
    base = Path(base_dir).resolve()
    given = {**{f.name: getattr(ReportParameters(), f.name) for f in fields(ReportParameters)}, **values}
    out: dict[str, Any] = {"client_name": _text("client_name", given["client_name"])}
    out["engine"] = check_engine(given["engine"])  # empty means pandas, as everywhere
    for key in _PATHS:
        out[key] = _path(key, given[key], base, required=key == "tickets_path",
                         lake=out["engine"] == "spark" and key in _SPARK_INPUTS)
    if out["logo_path"] is not None and out["logo_path"].suffix.lower() not in _LOGO_SUFFIXES:
        raise _fail("logo_path", f"{out['logo_path'].name} is not an image", "use a PNG, JPEG or SVG file")
    for key, table in (("tickets_format", "tickets"), ("messages_format", "messages"),
                       ("survey_format", "survey_responses")):
        out[key] = _source(key, given[key] or "auto", table)
    out["period_start"] = parse_date("period_start", given["period_start"])
    out["period_end"] = parse_date("period_end", given["period_end"])
    if out["period_start"] and out["period_end"] and out["period_start"] > out["period_end"]:
        raise _fail("period_end", f"the period ends ({out['period_end']}) before it starts ({out['period_start']})",
                    "swap period_start and period_end")
    out["timezone"] = _timezone("timezone", given["timezone"])
    out["sla_targets"] = _targets("sla_targets", given["sla_targets"])
    out["segments"] = _segments("segments", given["segments"])
    out["redact_pii"] = _bool("redact_pii", given["redact_pii"])
    out["show_names"] = _bool("show_names", given["show_names"])
    out["named_respondents"] = _names("named_respondents", given["named_respondents"])
    colour = _text("accent_colour", given["accent_colour"])
    if not _HEX_COLOUR.fullmatch(colour):
        raise _fail("accent_colour", f"{colour!r} is not a hex colour", 'write it as "#RRGGBB", e.g. "#0b6e99"')
    out["accent_colour"] = colour
    out["duplicates_representation"] = _representation("duplicates_representation",
                                                       given["duplicates_representation"])
    if out["baseline_path"] is not None and not (out["baseline_path"] / "manifest.json").is_file():
        raise _fail("baseline_path", f"{given['baseline_path']} is not a results bundle (no manifest.json in it)",
                    "pass the NAME.bundle folder written next to the earlier report")
    bundle = _text("bundle_path", given["bundle_path"], allow_empty=True)
    out["bundle_path"] = (base / Path(bundle).expanduser()).resolve() if bundle else None
    if out["engagement_file"] is not None:
        from toolkit.report.engagement_file import read_engagement_file

        read_engagement_file(out["engagement_file"])  # its mistakes are reported before anything runs
    if out["releases_path"] is not None:
        from toolkit.ops.releases import load_releases

        load_releases(out["releases_path"])  # a malformed release file fails here, naming file, row and column
    if out["schedule_path"] is not None:
        from toolkit.ops.business_time import load_schedules

        load_schedules(str(out["schedule_path"]), key="schedule_path")  # likewise a malformed schedule
    if out["labels_path"] is None and isinstance(out["tickets_path"], Path):  # none is looked for beside a lake table
        from toolkit.duplicates.labels import labels_path_for

        beside = labels_path_for(out["tickets_path"])
        out["labels_path"] = beside if beside.is_file() else None
    return ReportParameters(**out)
