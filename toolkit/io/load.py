"""The loaders: a client's export file in, a canonical table and its load report out.

Each loader reads the file (:mod:`toolkit.io.read`), picks the source's mapping
(detected from the header unless ``source=`` says), maps and parses the vendor
columns (:mod:`toolkit.io.mapping`), resolves duplicate keys by the source's stated
rule, and hands the result to :func:`toolkit.schema.conform`, which coerces the
canonical types and rejects rows it cannot use. Every input row ends up either in
the frame or in ``report.rejected`` with its row number and reason.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import re
from pathlib import Path

import numpy as np
import pandas as pd

from toolkit.errors import ConfigError, DataError, ToolkitError
from toolkit.files import atomic_path
from toolkit.io import parse
from toolkit.io.mapping import (
    Spec,
    apply_spec,
    closest_source,
    detect_source,
    find_spec,
    missing_column_error,
    needed_columns,
    norm,
    run_raw_hook,
    sources,
    user_spec,
)
from toolkit.io.read import REPEATED_NAMES, RawTable, read_raw, unique_names
from toolkit.io.report import REJECTED_COLUMNS, LoadReport
from toolkit.schema import SCALES, SURVEYS, conform, empty, get_table
from toolkit.validation import check_tz

CACHE_DIR = ".support-toolkit-cache"
"""Cached canonical tables live in this folder next to the source file."""

DEFAULT_SCALES = {"nps": "0-10", "csat": "1-5", "ces": "1-7"}
REPORT_FILE = "_load_report.json"
"""The load report beside a table written as a folder of Parquet part files (the Spark engine's output);
readers of the folder (Spark, pyarrow) skip files starting with ``_``."""
_CACHE_VERSION = "1"


def load_tickets(path: str | os.PathLike, *, source: str | None = None, mapping=None, tz: str = "UTC",
                 extra=(), metrics: str | os.PathLike | None = None, dayfirst: bool = False,
                 sheet: str | int | None = None, encoding: str | None = None, delimiter: str | None = None,
                 cache: bool = False, schedule=None) -> tuple[pd.DataFrame, LoadReport]:
    """Load a helpdesk ticket export into the canonical ``tickets`` table.

    Parameters
    ----------
    path : the export (CSV/TSV/XLSX/Parquet/JSON/JSONL, optionally gzipped).
    source : ``zendesk``, ``zendesk_api``, ``freshdesk``, ``servicenow``, ``intercom``, ``helpscout``,
        ``jira``, ``generic``; default: detected from the header.
    mapping : a dict ``{canonical: vendor column}`` or a YAML file (see :mod:`toolkit.io.mapping`)
        extending the source's mapping.
    tz : the account's time zone, for timestamps written without an offset (e.g. ``Europe/London``).
    extra : vendor columns (or ``fnmatch`` patterns) to keep in the ``extra`` mapping.
    metrics : Zendesk ``ticket_metrics`` export to join (durations, reopens, replies) by ticket id.
    dayfirst : read ambiguous dates like 03/04/2026 as 3 April.
    sheet, encoding, delimiter : override detection.
    cache : keep the canonical table as Parquet next to the file and reuse it while the file is unchanged.
    schedule : the helpdesk's business-hours schedule or rule set (a dict or YAML path, see
        ``docs/business-hours.md``). The export's own business-hours times (Zendesk's "... within business
        hours" columns, kept in ``extra``) are checked against the toolkit's on it; a mismatch is a report note.

    Returns
    -------
    (tickets, report): the canonical frame (see ``docs/data-model.md``) and the :class:`LoadReport`.
    Duplicate ticket ids keep one row by the source's rule (Zendesk: latest ``Updated at``; otherwise the
    last row in the file); the others are rejected.
    """
    return _load(path, "tickets", source=source, mapping=mapping, tz=tz, extra=extra, metrics=metrics,
                 dayfirst=dayfirst, sheet=sheet, encoding=encoding, delimiter=delimiter, cache=cache,
                 schedule=schedule)


def load_messages(path: str | os.PathLike, *, source: str | None = None, mapping=None, tz: str = "UTC",
                  dayfirst: bool = False, sheet: str | int | None = None, encoding: str | None = None,
                  delimiter: str | None = None, cache: bool = False) -> tuple[pd.DataFrame, LoadReport]:
    """Load ticket conversations (Zendesk comments, Intercom conversation parts, generic) into ``messages``.

    Parameters as for :func:`load_tickets`. Returns (messages, report).

    Examples
    --------
    Roles are mapped to customer/agent/system; a file without a ``public`` column is taken as all
    public, and the report says so:

    >>> import tempfile
    >>> from pathlib import Path
    >>> from toolkit.io import load_messages
    >>> folder = tempfile.TemporaryDirectory()
    >>> export = Path(folder.name) / "messages.csv"
    >>> _ = export.write_text("id,ticket_id,created_at,author_role,body\\n"
    ...                       "m1,101,2026-07-01T08:00:00Z,end-user,My invoice is blank\\n"
    ...                       "m2,101,2026-07-01T08:20:00Z,staff,We are on it\\n")
    >>> messages, report = load_messages(export)
    >>> messages[["message_id", "author_role", "public", "body"]]
      message_id author_role  public                 body
    0         m1    customer    True  My invoice is blank
    1         m2       agent    True         We are on it
    >>> report.notes
    ['`public` is not in the file; set to True for every row']
    >>> folder.cleanup()
    """
    return _load(path, "messages", source=source, mapping=mapping, tz=tz, dayfirst=dayfirst, sheet=sheet,
                 encoding=encoding, delimiter=delimiter, cache=cache)


def load_survey_responses(path: str | os.PathLike, *, survey: str | None = None, scale: str | None = None,
                          source: str | None = None, mapping=None, tz: str = "UTC", dayfirst: bool = False,
                          sheet: str | int | None = None, encoding: str | None = None,
                          delimiter: str | None = None, cache: bool = False) -> tuple[pd.DataFrame, LoadReport]:
    """Load answered surveys (Zendesk satisfaction ratings, generic NPS/CSAT/CES) into ``survey_responses``.

    Parameters
    ----------
    survey : ``csat``, ``nps`` or ``ces`` when the file does not say (generic exports).
    scale : ``0-10``, ``1-5``, ``1-7`` or ``binary``; default by survey (nps 0-10, csat 1-5, ces 1-7).
    Others as for :func:`load_tickets`.

    Scores outside the scale (NPS 11, CSAT 0 on 1-5) are rejected. Zendesk ratings that were offered
    but not answered are set aside (they are invitations, see :func:`load_invitations`), as rejected
    rows with that reason.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from toolkit.io import load_survey_responses
    >>> folder = tempfile.TemporaryDirectory()
    >>> export = Path(folder.name) / "nps.csv"
    >>> _ = export.write_text("id,date,score,company\\nr1,2026-05-19,10,Acme\\n"
    ...                       "r2,2026-05-19,6,Globex\\nr3,2026-05-20,11,Initech\\n")
    >>> responses, report = load_survey_responses(export, survey="nps")
    >>> responses[["response_id", "survey", "score", "scale", "organization_id"]]
      response_id survey  score scale organization_id
    0          r1    nps   10.0  0-10            Acme
    1          r2    nps    6.0  0-10          Globex
    >>> report.rejected
       row column value                           reason
    0    4  score    11  score is outside the 0-10 scale
    >>> folder.cleanup()
    """
    return _load(path, "survey_responses", source=source, mapping=mapping, tz=tz, dayfirst=dayfirst, sheet=sheet,
                 encoding=encoding, delimiter=delimiter, cache=cache, survey=survey, scale=scale)


def load_invitations(path: str | os.PathLike, *, survey: str | None = None, source: str | None = None,
                     mapping=None, tz: str = "UTC", dayfirst: bool = False, sheet: str | int | None = None,
                     encoding: str | None = None, delimiter: str | None = None,
                     cache: bool = False) -> tuple[pd.DataFrame, LoadReport]:
    """Load survey invitations (sent, answered or not) into ``survey_invitations``, for response rates.

    A Zendesk satisfaction-ratings export works here too: every rating that was offered (answered
    or not) is an invitation; ``unoffered`` rows are rejected with that reason.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from toolkit.io import load_invitations
    >>> folder = tempfile.TemporaryDirectory()
    >>> export = Path(folder.name) / "invitations.csv"
    >>> _ = export.write_text("id,sent_at,survey,ticket_id\\n"
    ...                       "i1,2026-07-01 10:00,csat,101\\ni2,2026-07-01 11:00,csat,102\\n")
    >>> invitations, report = load_invitations(export, tz="Europe/London")
    >>> invitations[["invitation_id", "survey", "sent_at", "ticket_id"]]
      invitation_id survey                   sent_at ticket_id
    0            i1   csat 2026-07-01 09:00:00+00:00       101
    1            i2   csat 2026-07-01 10:00:00+00:00       102
    >>> folder.cleanup()
    """
    return _load(path, "survey_invitations", source=source, mapping=mapping, tz=tz, dayfirst=dayfirst,
                 sheet=sheet, encoding=encoding, delimiter=delimiter, cache=cache, survey=survey)


# --- the pipeline ------------------------------------------------------------------------------------------------

def _load(path, table: str, *, source, mapping, tz, extra=(), metrics=None, dayfirst=False, sheet=None,
          encoding=None, delimiter=None, cache=False, survey=None, scale=None, schedule=None):
    check_tz(tz)
    if schedule is not None:
        schedule = business_time().load_schedules(schedule)  # a bad schedule fails before the file is read
    if survey is not None and survey not in SURVEYS:
        raise ConfigError(f"unknown survey {survey!r}", key="survey", fix=f"use one of {', '.join(SURVEYS)}")
    if scale is not None and scale not in SCALES:
        raise ConfigError(f"unknown scale {scale!r}", key="scale", fix=f"use one of {', '.join(SCALES)}")
    file = str(path)
    extra = [extra] if isinstance(extra, str) else list(extra)
    key = None
    if cache:
        key = _cache_key(path, table, source, mapping, tz, extra, metrics, dayfirst, sheet, encoding, delimiter,
                         survey, scale, schedule)
        cached = _cache_path(path, table, key)
        if cached.exists():
            frame, report = _read_parquet(cached)
            if report is not None:
                report.notes = [*report.notes, f"read from cache {cached.name}"]
                return frame, report
    given = {k: v for k, v in (("survey", survey), ("scale", scale)) if v}
    picked: dict = {}

    def select(names: list[str]) -> list[str]:
        """Choose the mapping from the CSV header alone, and read only the columns it uses."""
        try:
            spec, detected = choose_spec(names, table, source, mapping, file, given)
        except ToolkitError:
            return names  # read everything; the same error is raised below with the whole file at hand
        probe = copy.deepcopy(spec)
        probe.constants.update(given)
        if missing_column_error(probe, names, file=file) is not None:
            return names  # the error message lists near-miss columns: keep them all
        picked["spec"] = (spec, detected)
        return needed_columns(spec, names, extra)

    raw = read_table_raw(path, table, source, mapping, file, given, sheet=sheet, encoding=encoding,
                         delimiter=delimiter, select=select)
    spec, detected = picked.get("spec") or choose_spec(list(raw.frame.columns), table, source, mapping, file,
                                                        given)
    _apply_options(spec, given, raw.frame, file)
    raw = run_raw_hook(raw, spec)
    error = missing_column_error(spec, raw.frame.columns, file=file)
    if error is not None:
        raise error
    if raw.rows_read == 0:
        raise DataError("the file has a header row but no data rows", file=file,
                        fix="check the export's filters and date range, and export again")
    mapped = apply_spec(raw, spec, tz=tz, dayfirst=dayfirst, extra=extra, file=file)
    notes = list(raw.notes) + mapped.notes
    keep = ~mapped.bad
    frame = mapped.frame[keep].reset_index(drop=True)
    rows = mapped.row_numbers[keep]
    parts = [raw.rejected, mapped.rejected]
    vendor = {t: cols[0] for t, cols in mapped.used.items() if cols}
    if table == "survey_responses":
        frame, rows, rej = _check_scales(frame, rows, vendor, notes)
        parts.append(rej)
    if metrics is not None and table == "tickets":
        frame = _join_metrics(frame, metrics, tz=tz, notes=notes)
    key_col = get_table(table).key
    if key_col and key_col in frame.columns:
        frame, rows, rej = _resolve_duplicates(frame, rows, key_col, spec, vendor)
        parts.append(rej)
    frame = frame[[c for c in frame.columns if not str(c).startswith("_")]]
    conformed = conform(frame, table, tz=tz, file=file, row_numbers=rows)
    rej = conformed.rejected.copy()
    rej["column"] = rej["column"].map(lambda c: vendor.get(c, c))
    rej["value"] = rej["value"].map(lambda v: "" if v is None or v is pd.NaT or (isinstance(v, float) and np.isnan(v))
                                    else v)
    parts.append(rej)
    notes += conformed.notes
    rejected = pd.concat([p for p in parts if len(p)], ignore_index=True) if any(len(p) for p in parts) else \
        pd.DataFrame(columns=REJECTED_COLUMNS)
    rejected = rejected[REJECTED_COLUMNS].sort_values("row", kind="stable").reset_index(drop=True)
    rejected["row"] = rejected["row"].astype("int64")
    out = conformed.frame
    if "extra" in out.columns and not mapped.extra:
        out["extra"] = [{} for _ in range(len(out))]
    if table == "tickets":
        notes += business_time().export_check_notes(out, schedule)
    report = LoadReport(file=file, table=table, source=spec.source, source_detected=detected, format=raw.format,
                        encoding=raw.encoding, delimiter=raw.delimiter, rows_read=raw.rows_read,
                        rows_kept=len(out), rejected=rejected, notes=notes, columns_used=mapped.used,
                        columns_ignored=mapped.ignored, columns_extra=mapped.extra)
    if not report.balanced:  # a bug, not a user mistake: say so loudly rather than lose rows
        raise AssertionError(f"load report does not balance: {report.rows_read} read, {report.rows_kept} kept, "
                             f"{report.rows_rejected} rejected")
    if cache:
        target = _cache_path(path, table, key)
        target.parent.mkdir(exist_ok=True)
        write_table(out, target, table=table, report=report)
    return out, report


def two_header_note(groups: list[str], row: int) -> str:
    """The note on a header of column names on ``row`` below a row of ``groups`` (names made unique)."""
    said = ", ".join(dict.fromkeys(re.sub(r" \([0-9]+\)$", "", str(c)) for c in groups
                                   if not str(c).startswith("(unnamed)")))
    return (f"two header rows: the column names are on row {row}, below a row of group names ({said[:80]}), which "
            "was skipped")


def read_table_raw(path, table: str, source, mapping, file: str, given: dict, *, sheet=None, encoding=None,
                   delimiter=None, select=None) -> RawTable:
    """The file as read for ``table``: the workbook's sheet that holds it, a header below a row of group names
    taken as the header."""
    raw = read_raw(path, sheet=sheet, encoding=encoding, delimiter=delimiter, select=select)
    if sheet is None and len(raw.sheets) > 1:
        raw = _sheet_holding(raw, path, table, source, mapping, file, given)
    return _header_below_groups(raw, table, source, mapping, file, given)


def header_fits(columns, table: str, source, mapping, file: str, given: dict) -> bool:
    """Whether a header reads as ``table``: a mapping is found and none of its required columns is missing."""
    try:
        spec, _ = choose_spec(list(columns), table, source, mapping, file, given)
    except ToolkitError:
        return False
    spec.constants.update(given)
    return missing_column_error(spec, columns, file=file) is None


def _sheet_holding(raw, path, table: str, source, mapping, file: str, given: dict):
    """The workbook's first sheet whose header reads as ``table`` (a summary or chart sheet often comes first);
    ``raw`` (the first sheet with data) if it does, or if no sheet does."""
    if header_fits(raw.frame.columns, table, source, mapping, file, given):
        return raw
    for name in raw.sheets[1:]:
        try:
            other = read_raw(path, sheet=name)
        except DataError:
            continue  # an empty sheet
        if header_fits(other.frame.columns, table, source, mapping, file, given):
            said = f"sheet {name!r}: the first sheet with data, {raw.sheets[0]!r}, does not hold a {table} table"
            other.notes = [said if note == f"sheet {name!r}" else note for note in other.notes]
            return other
    return raw


def _header_below_groups(raw, table: str, source, mapping, file: str, given: dict):
    """``raw`` with its first row as the header when the header is a row of group names above the column names
    ('Ticket, Ticket, Dates' above 'Id, Subject, Created at'), as reports with two header rows have; else ``raw``."""
    if raw.format not in ("csv", "tsv", "xlsx") or not len(raw.frame) or \
            header_fits(raw.frame.columns, table, source, mapping, file, given):
        return raw  # JSON and Parquet name their fields in each record
    first = ["" if pd.isna(v) else str(v).strip() for v in raw.frame.iloc[0]]
    names = unique_names(first)
    if not header_fits(names, table, source, mapping, file, given):
        return raw
    note = two_header_note(list(raw.frame.columns), raw.row_numbers[0])
    raw.frame = raw.frame.iloc[1:].set_axis(names, axis=1).reset_index(drop=True)
    raw.notes = [n for n in raw.notes if not n.startswith(REPEATED_NAMES)]  # the group names' repeats
    raw.notes.append(note)
    raw.row_numbers = raw.row_numbers[1:]
    raw.rows_read -= 1
    return raw


def _apply_options(spec: Spec, given: dict, frame: pd.DataFrame, file: str) -> None:
    """Use ``survey=`` / ``scale=`` where the file does not say; an option contradicting the file is an error.

    A file's own column (or the source's fixed value, e.g. Zendesk ratings are CSAT) wins over nothing:
    an option that says otherwise would silently relabel the data, so it stops the load instead. Where
    the column exists but some cells are empty, the option fills those cells.
    """
    lookup = {norm(c): c for c in frame.columns}
    for key, value in given.items():
        option = f"{key}={value!r} (CLI --{key} {value})"
        fixed = spec.constants.get(key)
        if fixed is not None and str(fixed) != str(value):
            raise DataError(f"{option} contradicts the {spec.source} export, whose {key} is always {fixed!r}",
                            file=file, column=key, fix=f"leave out {key}= (the file says it)")
        column = next((lookup[norm(c)] for c in spec.columns.get(key, []) if norm(c) in lookup), None)
        if column is None:
            spec.constants[key] = value
            continue
        cells = frame[column]
        said = cells[parse.present(cells)].astype("str").str.strip().str.lower()
        if key == "scale":
            said = said.str.replace(r"\s+", "", regex=True).str.replace("\u2013", "-")
        translate = {k: v for k, v in spec.values.get(key, {}).items() if v is not None}
        said = said.map(translate).fillna(said) if translate else said
        other = said[said != str(value)]
        if len(other):
            counts = other.value_counts()
            raise DataError(f"{option} contradicts the file's own `{column}` column, which says "
                            + ", ".join(f"{v!r} ({n} rows)" for v, n in counts.head(3).items()),
                            file=file, column=column,
                            fix=f"leave out {key}= (the file says it), or correct the `{column}` column")
        spec.defaults[key] = value  # fills the column's empty cells only


def choose_spec(columns: list[str], table: str, source: str | None, mapping, file: str,
                 constants: dict | None = None) -> tuple[Spec, bool]:
    """The mapping to use and whether it was detected: ``source=``, else the header, else ``generic``.

    A user mapping extends the chosen source's mapping. A header that fits no source and lacks the
    canonical columns raises one DataError listing the sources to choose from.
    """
    constants = constants or {}
    custom = user_spec(mapping)
    detected = False
    if source is None and custom is not None and custom.source != "custom":
        source = custom.source
    if source is None:
        source = detect_source(columns, table)
        detected = source is not None
    if source is None and custom is None and missing_column_error(find_spec("generic", table), columns,
                                                                  file=file) is not None:
        # Mostly a known export with a renamed column: use it, so the error names the missing column.
        source = closest_source(columns, table)
        detected = source is not None
    if source is None:
        source = "generic"
        detected = custom is None
        if custom is None:
            probe = copy.deepcopy(find_spec("generic", table))
            probe.constants.update(constants)
            error = missing_column_error(probe, columns, file=file)
            if error is not None and (error.column == "survey" or _canonical_header(columns, table, probe.constants)):
                raise error  # the canonical columns but one: name the one missing, not every source
            if error is not None:
                raise DataError(
                    "cannot tell which helpdesk or survey tool exported this file from its header (first columns: "
                    + ", ".join(f"`{c}`" for c in list(columns)[:8]) + ")",
                    file=file, table=table, sources=sources(table),
                    fix=f"pass source= one of {', '.join(sources(table))}, or a mapping "
                        "{canonical column: your column}, e.g. mapping={'ticket_id': 'Case number', ...}")
    spec = find_spec(source, table)
    # a copy either way: the loader sets constants on it, and built-in mappings are cached
    spec = spec.extended(custom) if custom is not None else copy.deepcopy(spec)
    return spec, detected


def _canonical_header(columns, table: str, given=()) -> bool:
    """Whether the header (with the values ``given`` as options) holds most of ``table``'s required canonical
    columns by name: a generic export."""
    required = {norm(c.name) for c in get_table(table).columns if c.required}
    present = ({norm(c) for c in columns} | {norm(c) for c in given}) & required
    return len(present) * 2 > len(required)


def _check_scales(frame, rows, vendor, notes):
    """Reject scores outside their scale; fill a missing scale from the survey (nps 0-10, csat 1-5, ces 1-7)."""
    if "survey" in frame.columns:
        frame["survey"] = frame["survey"].astype("str").str.strip().str.lower().where(frame["survey"].notna())
    if "scale" not in frame.columns:
        frame["scale"] = np.nan
    empty_scale = frame["scale"].isna() & frame.get("survey", pd.Series(index=frame.index)).isin(list(DEFAULT_SCALES))
    if empty_scale.any():
        frame["scale"] = frame["scale"].astype(object)
        frame.loc[empty_scale, "scale"] = frame.loc[empty_scale, "survey"].map(DEFAULT_SCALES)
        notes.append(f"`scale`: {int(empty_scale.sum())} empty values set from the survey "
                     "(nps 0-10, csat 1-5, ces 1-7)")
    bad = np.zeros(len(frame), dtype=bool)
    reasons = np.empty(len(frame), dtype=object)
    score = pd.to_numeric(frame.get("score"), errors="coerce") if "score" in frame.columns else None
    if score is not None:
        for name, (low, high) in SCALES.items():
            wrong = (frame["scale"] == name) & score.notna() & ((score < low) | (score > high))
            wrong = wrong.to_numpy() & ~bad
            reasons[wrong] = f"score is outside the {name} scale" + (f" ({low}-{high})" if name == "binary" else "")
            bad |= wrong
            partial = ((frame["scale"] == name) & score.notna() & (score != np.round(score))).to_numpy() & ~bad
            reasons[partial] = f"score is not a whole number on the {name} scale"
            bad |= partial
    if not bad.any():
        return frame, rows, pd.DataFrame(columns=REJECTED_COLUMNS)
    rej = pd.DataFrame({"row": rows[bad], "column": vendor.get("score", "score"),
                        "value": score[bad].map(lambda v: f"{v:g}").to_numpy(), "reason": reasons[bad]})
    return frame[~bad].reset_index(drop=True), rows[~bad], rej


def _resolve_duplicates(frame, rows, key_col, spec: Spec, vendor):
    """Keep one row per key by the source's rule; reject the others naming the kept row."""
    key = frame[key_col]
    dup = key.notna() & key.duplicated(keep=False)
    if not dup.any():
        return frame, rows, pd.DataFrame(columns=REJECTED_COLUMNS)
    rule = spec.duplicates or {}
    by = rule.get("by")
    order = pd.DataFrame({"key": key, "pos": np.arange(len(frame))})
    if rule.get("keep") == "latest" and by in frame.columns:
        order["by"] = frame[by]
        order = order.sort_values(["key", "by", "pos"], na_position="first", kind="stable")
        how = f"the row with the latest `{vendor.get(by, by)}`"
    elif rule.get("keep") == "first":
        order = order.sort_values(["key", "pos"], ascending=[True, False], kind="stable")
        how = "the first row in the file"
    else:
        order = order.sort_values(["key", "pos"], kind="stable")
        how = "the last row in the file"
    winner = order.drop_duplicates("key", keep="last").set_index("key")["pos"]
    keep = np.zeros(len(frame), dtype=bool)
    keep[winner.to_numpy()] = True
    keep |= ~dup.to_numpy()
    keep |= key.isna().to_numpy()
    lose = ~keep
    kept_row = key[lose].map(pd.Series(rows[winner.to_numpy()], index=winner.index))
    rej = pd.DataFrame({"row": rows[lose], "column": vendor.get(key_col, key_col), "value": key[lose].to_numpy(),
                        "reason": [f"duplicate {key_col}: {how} (row {r}) is kept" for r in kept_row]})
    return frame[keep].reset_index(drop=True), rows[keep], rej


def _join_metrics(frame: pd.DataFrame, metrics, *, tz: str, notes: list[str]) -> pd.DataFrame:
    """Fill ticket durations and counts from a Zendesk ticket_metrics export, matched on ticket id."""
    raw = read_raw(metrics)
    spec = find_spec("zendesk_api_metrics", "tickets")
    if not any(norm(c) in {norm(x) for x in raw.frame.columns} for c in spec.columns["ticket_id"]):
        raise DataError(f"the metrics file has no ticket id column ({', '.join(spec.columns['ticket_id'])})",
                        file=str(metrics), fix="pass the ticket_metrics export of the same account")
    mapped = apply_spec(raw, spec, tz=tz)
    m = mapped.frame[~mapped.bad].drop_duplicates("ticket_id", keep="last").set_index("ticket_id")
    ids = frame["ticket_id"].astype("str")
    matched = ids.isin(m.index)
    filled = []
    for col in m.columns:
        if col == "extra":
            if "extra" in frame.columns:  # the metrics' business-hours times join the tickets' own extras
                frame["extra"] = [{**(b if isinstance(b, dict) else {}),
                                   **{k: v for k, v in (a if isinstance(a, dict) else {}).items() if v is not None}}
                                  for a, b in zip(frame["extra"], ids.map(m["extra"]), strict=True)]
            continue
        values = ids.map(m[col])
        if col not in frame.columns:
            frame[col] = values
            filled.append(col)
        else:
            empty_now = frame[col].isna()
            if empty_now.any():
                frame[col] = frame[col].where(~empty_now, values)
                filled.append(col)
    notes.append(f"metrics from {Path(str(metrics)).name}: {int(matched.sum())} of {len(frame)} tickets matched; "
                 f"filled {', '.join(filled)}")
    return frame


def business_time():
    """:mod:`toolkit.ops.business_time`, imported when a load needs it: ``toolkit.ops`` brings scikit-learn and
    statsmodels, which loading a file otherwise does without."""
    from toolkit.ops import business_time as module

    return module


# --- Parquet cache -----------------------------------------------------------------------------------------------

def _cache_key(path, *parts) -> str:
    def stamp(p):
        if p is None:
            return None
        st = os.stat(p)
        return [str(Path(p).resolve()), st.st_size, st.st_mtime_ns]
    text = json.dumps([_CACHE_VERSION, stamp(path), [stamp(parts[5]) if i == 5 else repr(x)
                                                      for i, x in enumerate(parts)]], default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _cache_path(path, table: str, key: str) -> Path:
    p = Path(path)
    return p.parent / CACHE_DIR / f"{p.name}.{table}.{key}.parquet"


def write_table(frame: pd.DataFrame, path: str | os.PathLike, *, table: str | None = None,
                report: LoadReport | None = None) -> Path:
    """Write a canonical table to Parquet (the ``extra`` mapping as JSON text), with its load report.

    :func:`read_table` restores it exactly, without re-parsing the source, and
    :func:`read_report` gives back the load report.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> import pandas as pd
    >>> from toolkit.io import read_report, read_table, write_table
    >>> from toolkit.schema import validate
    >>> tickets = validate(pd.DataFrame({"ticket_id": ["101"], "created_at": ["2026-07-01T08:00:00Z"],
    ...                                  "status": ["open"], "channel": ["chat"], "tags": [["vip", "sso"]]}),
    ...                    "tickets")
    >>> folder = tempfile.TemporaryDirectory()
    >>> path = write_table(tickets, Path(folder.name) / "tickets.parquet", table="tickets")
    >>> back = read_table(path)
    >>> back.equals(tickets), back["tags"].iloc[0], read_report(path) is None
    (True, ['vip', 'sso'], True)
    >>> folder.cleanup()
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    out = frame.copy()
    if "extra" in out.columns:
        out["extra"] = out["extra"].map(lambda d: json.dumps(d, default=str) if isinstance(d, dict) else "{}")
    if "tags" in out.columns:
        out["tags"] = out["tags"].map(lambda v: [str(x) for x in v] if isinstance(v, list | tuple | np.ndarray)
                                      else [])
    arrow = pa.Table.from_pandas(out, preserve_index=False)
    meta = dict(arrow.schema.metadata or {})
    meta[b"support_toolkit.table"] = (table or "").encode()
    if report is not None:
        meta[b"support_toolkit.report"] = report.to_json().encode()
    path = Path(path)
    with atomic_path(path) as tmp:  # never leave a half-written cache behind
        pq.write_table(arrow.replace_schema_metadata(meta), tmp)
    return path


def read_table(path: str | os.PathLike) -> pd.DataFrame:
    """Read a canonical table written by :func:`write_table` (or ``support-toolkit load --out``, either engine)."""
    return _read_parquet(Path(path))[0]


def read_report(path: str | os.PathLike) -> LoadReport | None:
    """The load report stored with a table written by :func:`write_table`, if any."""
    return _read_parquet(Path(path))[1]


def frame_from_arrow(arrow, table: str = "") -> pd.DataFrame:
    """A canonical pandas frame from an Arrow table as :func:`write_table` stores it (either engine).

    ``extra`` (JSON text) and ``tags`` (lists) become Python objects; with ``table`` named, every
    column takes the canonical dtype, so the frame equals the pandas loader's.
    """
    nested = {name: arrow.column(name) for name in ("extra", "tags") if name in arrow.column_names}
    frame = arrow.drop_columns(list(nested)).to_pandas()
    # Rebuild the Python objects in bulk: one JSON document for all rows, pyarrow's own list conversion
    # (per-row json.loads / numpy-array iteration take seconds on a million rows).
    if "extra" in nested:
        texts = [t if t else "{}" for t in nested["extra"].to_pylist()]
        frame["extra"] = pd.Series(json.loads("[" + ",".join(texts) + "]"), dtype=object)
    if "tags" in nested:
        frame["tags"] = pd.Series([v if v is not None else [] for v in nested["tags"].to_pylist()], dtype=object)
    frame = frame[arrow.column_names]
    if table:
        template = empty(table)
        for col in template.columns:
            if col in frame.columns and col not in ("tags", "extra"):
                frame[col] = frame[col].astype(template[col].dtype)
    return frame


def _read_parquet(path: Path) -> tuple[pd.DataFrame, LoadReport | None]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        arrow = pq.read_table(path)
    except (OSError, pa.ArrowException) as exc:
        raise DataError(f"cannot read the Parquet table ({exc})", file=str(path),
                        fix="write it again with support-toolkit load ... --out") from None
    meta = dict(arrow.schema.metadata or {})
    if path.is_dir() and (path / REPORT_FILE).exists():
        meta[b"support_toolkit.report"] = (path / REPORT_FILE).read_bytes()
        meta[b"support_toolkit.table"] = json.loads(meta[b"support_toolkit.report"])["table"].encode()
    frame = frame_from_arrow(arrow, meta.get(b"support_toolkit.table", b"").decode())
    report = meta.get(b"support_toolkit.report")
    return frame, (LoadReport.from_json(report.decode()) if report else None)
