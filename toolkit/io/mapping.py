"""Vendor mappings kept as data: one YAML file per source and table in ``toolkit/io/mappings/``.

A mapping says which vendor column feeds each canonical column, how to parse it,
how vendor values translate to canonical ones, and which vendor columns to keep in
``extra``. The keys of a mapping file (all optional except ``source``/``table``):

``source``, ``label``, ``table``
    the source's name (used in ``source=``), a human label, the canonical table.
``aliases``
    other names that select this mapping (``zendesk`` also finds the API mappings).
``detect``
    header columns that identify the source (all must be present, any case, extra columns allowed).
``columns``
    ``canonical: Vendor column`` or a list of candidates (the first non-empty value per row wins;
    list columns combine all of them). Names starting with ``_`` are helpers (``_updated_at``) used by
    ``duplicates``, ``derive`` or ``exclude`` and not kept; helpers ending in ``_at`` are timestamps.
``parse``
    per column: ``duration: minutes|hours|seconds|days``, ``date_format: '%d/%b/%y %I:%M %p'``,
    ``epoch: s|ms``, ``split: ' '`` and ``key: name`` (lists), ``true``/``false``/``true_pattern``/``negate``/
    ``combine: any`` (flags), ``html: true`` (strip tags from text).
``values``
    per column, ``vendor value: canonical value`` (case-insensitive; ``~`` means empty).
``unknown``
    per column, the value for vendor values not in ``values`` (else such rows are rejected).
``defaults``
    per column, the value when the column is absent or the cell empty.
``constants``
    per column, a value for every row (``survey: csat``).
``exclude``
    list of ``{column, values, reason}``: rows whose vendor value is one of ``values`` are set aside
    with ``reason`` (e.g. a satisfaction survey offered but not answered is not a response).
``derive``
    per column, ``minutes_between: [start, end]``: computed where the vendor left it empty; with
    ``replace: true`` wherever both timestamps are there (for vendor durations that are not calendar
    minutes, e.g. office hours only), the vendor's value kept only where a timestamp is missing.
``duplicates``
    ``{keep: latest, by: _updated_at}``: which row of a duplicated key to keep.
``extra``
    vendor columns (``fnmatch`` patterns allowed, or ``{name: column}``) kept in the ``extra`` mapping.
``hooks``
    ``raw`` / ``mapped``: one of the toolkit's registered hook functions (:data:`HOOKS`) for the few
    steps that need code; a mapping file cannot name any other code.

A user mapping (``mapping=`` a dict or a YAML path) uses the same keys; a plain dict of
``{canonical: vendor column}`` is short for ``{'columns': {...}}``. It extends the detected
source's mapping (or ``generic``), replacing the columns it names.
"""

from __future__ import annotations

import copy
import fnmatch
import importlib
import os
import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from toolkit.errors import ConfigError, DataError
from toolkit.files import read_yaml
from toolkit.io import parse
from toolkit.schema import get_table

MAPPINGS_DIR = Path(str(resources.files("toolkit.io").joinpath("mappings")))
_KEYS = {"source", "label", "table", "aliases", "detect", "columns", "parse", "values", "unknown", "defaults",
         "constants", "exclude", "derive", "duplicates", "extra", "hooks", "extends", "notes"}


# The shape each mapping key must have, with an example for the fix.
_SHAPES = {
    "aliases": (list, "aliases: [zendesk]"), "detect": (list, "detect: [Ticket ID, Created at]"),
    "columns": (dict, "columns: {ticket_id: Case number}"),
    "parse": (dict, "parse: {first_reply_minutes: {duration: hours}}"),
    "values": (dict, "values: {status: {Closed: solved}}"), "unknown": (dict, "unknown: {channel: other}"),
    "defaults": (dict, "defaults: {channel: email}"), "constants": (dict, "constants: {survey: csat}"),
    "exclude": (list, "exclude: [{column: status, values: [spam], reason: spam}]"),
    "derive": (dict, "derive: {full_resolution_minutes: {minutes_between: [created_at, solved_at]}}"),
    "duplicates": (dict, "duplicates: {keep: latest, by: _updated_at}"), "extra": (list, "extra: [Type, 'cf_*']"),
    "hooks": (dict, "hooks: {raw: toolkit.io.intercom:explode_conversations}"),
}
_KIND_NAMES = {list: "a list", dict: "a mapping of `key: value` entries", str: "text"}

# What each ``parse`` option accepts: a set of allowed values, or the type of value.
_PARSE_OPTIONS: dict[str, object] = {
    "duration": set(parse.DURATION_UNITS), "epoch": {"s", "ms"}, "date_format": str, "dayfirst": bool,
    "split": str, "key": str, "true": list, "false": list, "true_pattern": str, "negate": bool,
    "combine": {"any"}, "html": bool,
}

HOOKS = {
    "raw": ("toolkit.io.intercom:explode_conversations",),
    "mapped": ("toolkit.io.zendesk:comment_roles",),
}
"""The toolkit's registered hook functions, the only code a mapping file may name (nothing is imported by name)."""


def _type_name(value) -> str:
    return {dict: "a mapping", list: "a list", str: f"the text {value!r}" if isinstance(value, str) else "",
            bool: f"{value!r}", int: f"the number {value!r}", float: f"the number {value!r}"}.get(
        type(value)) or ("nothing" if value is None else type(value).__name__)


def _check_parse(target: str, opts: dict, file: str | None) -> None:
    for name, value in opts.items():
        allowed = _PARSE_OPTIONS.get(name)
        key = f"parse.{target}.{name}"
        if allowed is None:
            raise ConfigError(f"unknown parse option {name!r}", file=file, key=key,
                              fix=f"use some of {', '.join(sorted(_PARSE_OPTIONS))}")
        if isinstance(allowed, set):
            if not isinstance(value, str) or value not in allowed:
                raise ConfigError(f"unknown {name} {value!r}", file=file, key=key,
                                  fix=f"use one of {', '.join(sorted(allowed))}")
        elif not isinstance(value, allowed):
            raise ConfigError(f"expected {'true or false' if allowed is bool else _KIND_NAMES[allowed]}, got "
                              f"{_type_name(value)}", file=file, key=key,
                              fix=f"write e.g. {name}: " + {bool: "true", list: "[yes, y]", str: "'%d/%m/%Y'"}[allowed])
    if "true_pattern" in opts:
        try:
            re.compile(opts["true_pattern"])
        except re.error as exc:
            raise ConfigError(f"not a valid regular expression ({exc})", file=file, key=f"parse.{target}.true_pattern",
                              fix="check the brackets and escapes") from None


def _check_hooks(hooks: dict, file: str | None) -> None:
    """Hooks may only name the toolkit's registered functions: a mapping file is data, never code to import."""
    for stage, name in hooks.items():
        if stage == "provides":
            if not isinstance(name, list):
                raise ConfigError("expected a list of canonical columns", file=file, key="hooks.provides",
                                  fix="write e.g. provides: [author_role]")
            continue
        if stage not in HOOKS:
            raise ConfigError(f"unknown hook stage {stage!r}", file=file, key=f"hooks.{stage}",
                              fix=f"use {', '.join(HOOKS)} or provides")
        if name not in HOOKS[stage]:
            raise ConfigError(f"{name!r} is not one of the toolkit's registered {stage} hooks", file=file,
                              key=f"hooks.{stage}", fix=f"use one of {', '.join(HOOKS[stage])}, or remove the hook "
                              "(mapping files cannot run other code)")


def norm(name: str) -> str:
    """Header names compared ignoring case, surrounding spaces, repeated spaces, and underscores or hyphens for
    spaces (``Ticket ID`` is ``ticket_id`` is ``TICKET-ID``).

    >>> norm("  Ticket   ID") == norm("ticket_id") == norm("TICKET-ID") == "ticket id"
    True
    """
    return re.sub(r"[\s_-]+", " ", str(name).strip().lower()).strip()


def norm_value(value) -> str:
    """A cell value as the ``values`` translations compare it: lower case, whitespace runs one space, trimmed
    (underscores kept: ``not_priority`` is a value of its own)."""
    return re.sub(r"\s+", " ", str(value).strip().lower())


@dataclass
class Spec:
    """One source's mapping for one canonical table (see the module docstring for the keys)."""

    source: str
    table: str
    label: str = ""
    aliases: list[str] = field(default_factory=list)
    detect: list[str] = field(default_factory=list)
    columns: dict[str, list[str]] = field(default_factory=dict)
    parse: dict[str, dict] = field(default_factory=dict)
    values: dict[str, dict[str, object]] = field(default_factory=dict)
    unknown: dict[str, object] = field(default_factory=dict)
    defaults: dict[str, object] = field(default_factory=dict)
    constants: dict[str, object] = field(default_factory=dict)
    exclude: list[dict] = field(default_factory=list)
    derive: dict[str, dict] = field(default_factory=dict)
    duplicates: dict = field(default_factory=dict)
    extra: list = field(default_factory=list)
    hooks: dict = field(default_factory=dict)
    file: str | None = None

    @classmethod
    def from_dict(cls, data: dict, *, file: str | None = None) -> Spec:
        """Validate a mapping read from YAML (or given as a dict); a wrong key, type or unit is a ConfigError."""
        if not isinstance(data, dict):
            raise ConfigError(f"a mapping must be a set of `key: value` entries, not {_type_name(data)}", file=file,
                              fix="write e.g. `columns: {ticket_id: Case number}`")
        data = {str(k): v for k, v in data.items()}
        unknown = set(data) - _KEYS
        if unknown:
            raise ConfigError(f"unknown mapping key {sorted(unknown)[0]!r}", file=file, key=sorted(unknown)[0],
                              fix=f"use some of {', '.join(sorted(_KEYS))}")
        for key, (kind, example) in _SHAPES.items():
            value = data.get(key)
            if value is not None and not isinstance(value, kind):
                raise ConfigError(f"expected {_KIND_NAMES[kind]}, got {_type_name(value)}", file=file, key=key,
                                  fix=f"write e.g. {example}")
        for key in ("parse", "values", "derive"):
            for target, entry in (data.get(key) or {}).items():
                if entry is not None and not isinstance(entry, dict):
                    raise ConfigError(f"expected a mapping, got {_type_name(entry)}", file=file,
                                      key=f"{key}.{target}", fix=f"write e.g. {_SHAPES[key][1]}")
        columns = {}
        for target, cand in (data.get("columns") or {}).items():
            if cand is None:
                continue
            if isinstance(cand, str):
                cand = [cand]
            if not isinstance(cand, list) or not all(isinstance(c, str) for c in cand):
                raise ConfigError("a column mapping must be a column name or a list of names", file=file,
                                  key=f"columns.{target}", fix=f"write e.g. {target}: 'Created at'")
            columns[str(target)] = cand
        # YAML reads a bare `true:` key as a boolean: keys are names here
        parse_opts = {str(t): {str(k).lower(): v for k, v in (o or {}).items()}
                      for t, o in (data.get("parse") or {}).items()}
        for target, opts in parse_opts.items():
            _check_parse(target, opts, file)
        for i, rule in enumerate(data.get("exclude") or []):
            if not isinstance(rule, dict) or not isinstance(rule.get("column"), str) or \
                    not isinstance(rule.get("values"), list):
                raise ConfigError("an exclude rule needs `column` (a name) and `values` (a list)", file=file,
                                  key=f"exclude[{i}]", fix="write e.g. {column: status, values: [spam], "
                                                           "reason: 'marked as spam'}")
        for target, rule in (data.get("derive") or {}).items():
            between = (rule or {}).get("minutes_between")
            if not (isinstance(between, list) and len(between) == 2 and all(isinstance(c, str) for c in between)):
                raise ConfigError("needs `minutes_between: [start, end]` (two canonical column names)", file=file,
                                  key=f"derive.{target}", fix=f"write e.g. {target}: {{minutes_between: "
                                                              "[created_at, solved_at]}")
        hooks = dict(data.get("hooks") or {})
        _check_hooks(hooks, file)
        values = {str(t): {norm_value(k): v for k, v in (m or {}).items()}
                  for t, m in (data.get("values") or {}).items()}
        return cls(source=str(data.get("source", "custom")), table=str(data.get("table", "tickets")),
                   label=str(data.get("label") or ""), aliases=[str(a) for a in data.get("aliases") or []],
                   detect=list(data.get("detect") or []), columns=columns, parse=parse_opts,
                   values=values, unknown=dict(data.get("unknown") or {}), defaults=dict(data.get("defaults") or {}),
                   constants=dict(data.get("constants") or {}), exclude=list(data.get("exclude") or []),
                   derive=dict(data.get("derive") or {}), duplicates=dict(data.get("duplicates") or {}),
                   extra=list(data.get("extra") or []), hooks=hooks, file=file)

    def extended(self, other: Spec) -> Spec:
        """This mapping with ``other``'s entries taking precedence."""
        out = copy.deepcopy(self)
        out.columns.update(other.columns)
        for name in ("parse", "unknown", "defaults", "constants", "derive", "hooks"):
            getattr(out, name).update(getattr(other, name))
        for target, m in other.values.items():
            out.values[target] = m
        out.exclude += other.exclude
        out.extra += other.extra
        if other.duplicates:
            out.duplicates = other.duplicates
        out.file = other.file or out.file
        return out


@cache
def builtin_specs() -> dict[tuple[str, str], Spec]:
    """Every mapping shipped in ``toolkit/io/mappings``, keyed by (source, table)."""
    specs = {}
    for path in sorted(MAPPINGS_DIR.glob("*.yaml")):
        spec = Spec.from_dict(read_yaml(path, what="mapping file"), file=path.name)
        specs[(spec.source, spec.table)] = spec
    return specs


def sources(table: str | None = None) -> list[str]:
    """Names of the built-in sources (for one canonical table, if given); helper mappings are left out.

    Examples
    --------
    >>> from toolkit.io import sources
    >>> sources("survey_responses")
    ['generic', 'zendesk_api']
    >>> "zendesk" in sources("tickets")
    True
    """
    return sorted({s for (s, t), spec in builtin_specs().items()
                   if (table is None or t == table) and (spec.detect or s == "generic")})


def find_spec(source: str, table: str) -> Spec:
    """The built-in mapping for ``source`` (or one of its aliases) and ``table``."""
    specs = builtin_specs()
    if (source, table) in specs:
        return specs[(source, table)]
    for spec in specs.values():
        if spec.table == table and source in spec.aliases:
            return spec
    raise ConfigError(f"unknown source {source!r} for {table}", key="source",
                      fix=f"use one of {', '.join(sources(table))}, or leave it out to detect it from the header")


def user_spec(mapping: dict | str | os.PathLike | None) -> Spec | None:
    """Turn ``mapping=`` (dict, or YAML file path) into a :class:`Spec`; None passes through."""
    if mapping is None:
        return None
    file = None
    if isinstance(mapping, str | os.PathLike):
        file = str(mapping)
        mapping = read_yaml(mapping, what="mapping file")
    if not isinstance(mapping, dict):
        raise ConfigError("a mapping must be a dict (or a YAML file holding one)", file=file, key="mapping",
                          fix="pass e.g. mapping={'created_at': 'Creation date'}")
    if not (set(mapping) & _KEYS):
        mapping = {"columns": mapping}
    return Spec.from_dict(mapping, file=file)


def detect_source(columns, table: str = "tickets") -> str | None:
    """Name the built-in source whose ``detect`` columns are all in ``columns`` (any case); None if none is.

    When several match, the one naming the most columns wins (the most specific).
    """
    present = {norm(c) for c in columns}
    best, best_n = None, 0
    for (source, t), spec in sorted(builtin_specs().items()):
        if t != table or not spec.detect:
            continue
        alternatives = spec.detect if isinstance(spec.detect[0], list) else [spec.detect]
        for names in alternatives:
            if all(norm(c) in present for c in names) and len(names) > best_n:
                best, best_n = source, len(names)
    return best


def closest_source(columns, table: str = "tickets", threshold: float = 0.75) -> str | None:
    """The source whose ``detect`` columns are mostly present (a renamed or missing column), or None."""
    present = {norm(c) for c in columns}
    best, best_share = None, threshold
    for (source, t), spec in sorted(builtin_specs().items()):
        if t != table or not spec.detect:
            continue
        alternatives = spec.detect if isinstance(spec.detect[0], list) else [spec.detect]
        for names in alternatives:
            share = sum(norm(c) in present for c in names) / len(names)
            if share >= best_share and share < 1:
                best, best_share = source, share
    return best


def needed_columns(spec: Spec, names: list[str], extra=()) -> list[str]:
    """The header names ``spec`` (and the ``extra`` entries) will read: candidates, numbered repeats, extras."""
    lookup = {norm(n): n for n in names}
    need = {lookup["extra"]} if "extra" in lookup else set()
    for cands in spec.columns.values():
        for c in cands:
            if norm(c) in lookup:
                found = lookup[norm(c)]
                need.add(found)
                need.update(n for n in names if re.fullmatch(re.escape(found) + r" \(\d+\)", n))
    need.update(extra_columns(names, list(spec.extra) + list(extra), {}).values())
    return [n for n in names if n in need]


def run_raw_hook(raw, spec: Spec):
    """Apply the mapping's ``hooks.raw`` step (reshaping records before columns are looked up)."""
    return _hook(spec.hooks["raw"])(raw) if "raw" in spec.hooks else raw


def _hook(name: str):
    """The registered hook function ``name`` (checked against :data:`HOOKS` when the mapping was read)."""
    if not any(name in names for names in HOOKS.values()):
        raise ConfigError(f"{name!r} is not a registered hook", key="hooks",
                          fix=f"use one of {', '.join(n for names in HOOKS.values() for n in names)}")
    module, attr = name.split(":")
    return getattr(importlib.import_module(module), attr)


@dataclass
class Mapped:
    """Result of applying a :class:`Spec`: canonical-named frame (helpers kept), row rejections and notes."""

    frame: pd.DataFrame
    row_numbers: np.ndarray
    rejected: pd.DataFrame
    notes: list[str]
    used: dict[str, list[str]]
    ignored: list[str]
    extra: list[str]
    bad: np.ndarray


class _Rejections:
    """Rows rejected while mapping; each row once, with the first reason found."""

    def __init__(self, row_numbers: np.ndarray) -> None:
        self.rows = row_numbers
        self.bad = np.zeros(len(row_numbers), dtype=bool)
        self.parts: list[pd.DataFrame] = []

    def add(self, mask, column: str, values, reason: str) -> None:
        mask = np.asarray(mask, dtype=bool) & ~self.bad
        if not mask.any():
            return
        self.bad |= mask
        shown = np.asarray(pd.Series(values).astype(object).where(pd.Series(values).notna(), ""), dtype=object)
        self.parts.append(pd.DataFrame({"row": self.rows[mask], "column": column,
                                        "value": [str(v)[:200] for v in shown[mask]], "reason": reason}))

    def frame(self) -> pd.DataFrame:
        if not self.parts:
            return pd.DataFrame(columns=["row", "column", "value", "reason"])
        return pd.concat(self.parts, ignore_index=True)


def column_kind(table, target: str) -> str:
    if target.startswith("_"):
        return "datetime" if target.endswith("_at") else "text"
    if table.name == "survey_responses" and target == "score":
        return "score"
    try:
        return table.column(target).kind
    except StopIteration:
        return "text"


def apply_spec(raw, spec: Spec, *, tz: str, dayfirst: bool = False, extra=(), file: str | None = None) -> Mapped:
    """Map a :class:`~toolkit.io.read.RawTable` through ``spec`` into canonical column names and types."""
    table = get_table(spec.table)
    src = raw.frame.reset_index(drop=True)
    rows = np.asarray(raw.row_numbers)
    lookup: dict[str, str] = {}
    for c in src.columns:
        lookup.setdefault(norm(c), c)
    rej = _Rejections(rows)
    notes: list[str] = []
    out: dict[str, pd.Series] = {}
    used: dict[str, list[str]] = {}
    for rule in spec.exclude:  # before parsing, so an excluded 'offered' is not also 'not a number'
        cols = [lookup[norm(c)] for c in spec.columns.get(rule["column"], []) if norm(c) in lookup]
        if not cols:
            continue
        vendor = _coalesce(src[cols])
        mask = vendor.astype("str").str.strip().str.lower().isin([norm_value(v) for v in rule["values"]]).to_numpy()
        rej.add(mask, cols[0], vendor, rule["reason"])
    for target, cands in spec.columns.items():
        kind = column_kind(table, target)
        found = [lookup[norm(c)] for c in cands if norm(c) in lookup]
        if kind == "list":  # Jira repeats a column (Labels, Labels (2), ...): take them all
            found = [c for f in found for c in src.columns if c == f or re.fullmatch(re.escape(f) + r" \(\d+\)", c)]
        if not found:
            continue
        used[target] = found
        opts = spec.parse.get(target) or {}
        label = found[0]
        if kind == "list":
            out[target] = _lists(src[found], opts)
            continue
        if kind == "bool" and opts.get("combine") == "any":
            out[target] = _bools_any(src[found], opts, spec, target, rej, label)
            continue
        column = _coalesce(src[found])
        if raw.format not in ("csv", "tsv", "xlsx") and column.dtype == object:  # JSON and Parquet hold lists
            nested = column.map(lambda v: isinstance(v, list | dict | tuple | np.ndarray)).to_numpy(dtype=bool)
            if nested.any():
                rej.add(nested, label, column, "value is a list or an object, not a single value")
                column = column.where(~nested)
        out[target] = _convert(column, kind, target, opts, spec, tz=tz, dayfirst=dayfirst, rej=rej, label=label,
                               notes=notes)
    n = len(src)
    for target, value in spec.constants.items():
        out[target] = pd.Series([value] * n, dtype=object)
        used.setdefault(target, [])
    for target, value in spec.defaults.items():
        if target not in out:
            out[target] = pd.Series([value] * n, dtype=object)
            if n:
                notes.append(f"`{target}` is not in the file; set to {value!r} for every row")
        else:
            empty = out[target].isna()
            if empty.any():
                out[target] = out[target].astype(object).where(~empty, value)
                notes.append(f"`{target}`: {int(empty.sum())} empty values set to {value!r}")
    frame = pd.DataFrame(out, index=src.index) if out else pd.DataFrame(index=src.index)
    for target, rule in spec.derive.items():
        start, end = rule["minutes_between"]
        if start not in frame or end not in frame:
            continue
        if target not in frame:
            frame[target] = np.nan
        both = frame[start].notna() & frame[end].notna()
        fill = both if rule.get("replace") else frame[target].isna() & both
        kept = int((frame[target].notna() & ~fill).sum()) if rule.get("replace") else 0
        if fill.any():
            minutes = (frame.loc[fill, end] - frame.loc[fill, start]).dt.total_seconds() / 60
            negative = minutes < 0
            frame.loc[fill, target] = minutes.where(~negative)
            note = f"`{target}`: {int(fill.sum())} values computed from {start} and {end}"
            if negative.any():
                note += f" ({int(negative.sum())} left empty because {end} is before {start})"
            notes.append(note)
        if kept:
            notes.append(f"`{target}`: {kept} values taken as the export gives them ({end} missing), "
                         "not calendar minutes")
    if "mapped" in spec.hooks:
        frame = _hook(spec.hooks["mapped"])(frame, notes)
    extra_cols = extra_columns(src.columns, list(spec.extra) + list(extra), used)
    if extra_cols and "extra" in table.names:
        frame["extra"] = _extra_dicts(src, extra_cols)
    elif "extra" in table.names and "extra" in lookup and "extra" not in used:
        frame["extra"] = src[lookup["extra"]].map(_json_dict)  # a canonical table written as CSV
        extra_cols = {"extra": lookup["extra"]}
    elif extra_cols:  # tables without `extra` (surveys) keep vendor columns as plain columns: segments
        for name, col in extra_cols.items():
            if name not in frame.columns and name not in table.names:
                frame[name] = src[col].to_numpy()
    mapped_cols = {c for cols in used.values() for c in cols} | set(extra_cols.values())
    ignored = [c for c in src.columns if c not in mapped_cols] + list(getattr(raw, "skipped", []))
    return Mapped(frame=frame, row_numbers=rows, rejected=rej.frame(), notes=notes, used=used, ignored=ignored,
                  extra=list(extra_cols), bad=rej.bad)


def _coalesce(columns: pd.DataFrame) -> pd.Series:
    first = columns.iloc[:, 0]
    for i in range(1, columns.shape[1]):
        first = first.where(parse.present(first), columns.iloc[:, i])
    return first


def _lists(columns: pd.DataFrame, opts: dict) -> pd.Series:
    split, key = opts.get("split"), opts.get("key")
    result = None
    for i in range(columns.shape[1]):
        column = columns.iloc[:, i]
        if pd.api.types.is_string_dtype(column.dtype) and column.dtype != object and not key:
            lists = _split_text(column, split)
        else:
            lists = column.map(lambda v: parse.as_list(v, split=split, key=key))
        result = lists if result is None else result + lists
    return result


def _split_text(column: pd.Series, split: str | None) -> pd.Series:
    """Split delimited text into lists in pyarrow (vectorised), dropping empty items."""
    import pyarrow as pa
    import pyarrow.compute as pc

    arr = pa.array(column.astype("str").array)  # zero-copy from pandas' Arrow strings
    if isinstance(arr, pa.ChunkedArray):  # big columns arrive in several chunks
        arr = arr.combine_chunks()
    arr = pc.fill_null(arr, "")
    pattern = split or r"[,\s]+"
    parts = pc.split_pattern_regex(pc.utf8_trim_whitespace(arr), pattern=pattern)
    flat = pc.utf8_trim_whitespace(pc.list_flatten(parts))
    keep = pc.not_equal(flat, "")
    parents = pc.list_parent_indices(parts)
    counts = np.bincount(np.asarray(pc.filter(parents, keep)), minlength=len(arr))
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int32)
    rebuilt = pa.ListArray.from_arrays(pa.array(offsets), pc.filter(flat, keep))
    return pd.Series(rebuilt.to_pylist(), index=column.index, dtype=object)


def _bools_any(columns: pd.DataFrame, opts, spec, target, rej, label) -> pd.Series:
    """True if any column says true; false if none does and at least one says false; else empty."""
    any_true = pd.Series(False, index=columns.index)
    any_known = pd.Series(False, index=columns.index)
    for i in range(columns.shape[1]):
        values, bad = parse.parse_bools(columns.iloc[:, i], opts.get("true", []), opts.get("false", []),
                                        opts.get("true_pattern"))
        if target in spec.unknown:
            values = values.where(~bad, bool(spec.unknown[target]))
        else:
            rej.add(bad, columns.columns[i], columns.iloc[:, i], "value is not one of the known flag values")
        any_true |= values.fillna(False).astype(bool)
        any_known |= values.notna()
    return any_true.astype("boolean").where(any_known, pd.NA)


def blanks_placeholders(spec: Spec, target: str, kind: str) -> bool:
    """Whether ``target``'s placeholder cells ('N/A', '-') are read as empty: optional dates, numbers, flags and
    categories the mapping does not translate (a required value written 'N/A' is rejected showing what was written)."""
    return (kind in parse.TYPED_KINDS and target not in spec.values
            and target not in get_table(spec.table).required)


def duration_unit(target: str, opts: dict) -> str | None:
    """The unit a column's numbers are durations in: the mapping's ``duration``, else minutes for the canonical
    ``*_minutes`` columns (which then read '1:30:00' and '1h 30m' too), else None (not a duration)."""
    return opts.get("duration") or ("minutes" if target.endswith("_minutes") else None)


def _convert(column: pd.Series, kind: str, target: str, opts: dict, spec: Spec, *, tz, dayfirst, rej, label,
             notes) -> pd.Series:
    if blanks_placeholders(spec, target, kind):
        column, said = parse.without_placeholders(column)
        notes += [f"`{label}`: {said}"] if said else []
    has = parse.present(column)
    if target in spec.values:
        column, has = _translate(column, has, target, spec, rej, label, notes, kind)
    if kind == "datetime":
        values, reasons, more = parse.parse_datetimes(column, tz=tz, date_format=opts.get("date_format"),
                                                      dayfirst=opts.get("dayfirst", dayfirst), epoch=opts.get("epoch"))
        notes += [f"`{label}`: {m}" for m in more]
        for reason in reasons.dropna().unique():
            rej.add((reasons == reason).to_numpy(), label, column, reason)
        return values
    if kind in ("float", "int", "score"):
        unit = duration_unit(target, opts)
        if unit:
            values, reasons, more = parse.parse_durations(column, unit)
            if unit != "minutes":
                more.append(f"converted from {unit} to minutes")
        else:
            labelled = []
            if kind == "score":
                column, labelled = parse.score_labels(column)
            values, reasons, more = parse.parse_numbers(column)
            more = labelled + more
        notes += [f"`{label}`: {m}" for m in more]
        for reason in reasons.dropna().unique():
            rej.add((reasons == reason).to_numpy(), label, column, reason)
        endless = values.notna() & ~np.isfinite(values)  # 'inf', 1e400: no duration or count
        rej.add(endless.to_numpy(), label, column, "value is not a finite number")
        if kind == "int":  # a count beyond 2**53 is no count (and no integer type holds it exactly)
            rej.add((values.abs() >= 2**53).to_numpy(), label, column, "value is too large for a count")
        return values.where(np.isfinite(values) & ((kind != "int") | (values.abs() < 2**53)))
    if kind == "bool":
        true = opts.get("true", TRUE_WORDS)
        false = opts.get("false", FALSE_WORDS)
        values, bad = parse.parse_bools(column, true, false, opts.get("true_pattern"))
        if target in spec.unknown:
            values = values.where(~bad, bool(spec.unknown[target]))
        else:
            rej.add(bad, label, column, "value is not true/false")
        if opts.get("negate"):
            values = ~values
            notes.append(f"`{target}` is the opposite of `{label}`")
        return values
    if kind == "id" and not pd.api.types.is_numeric_dtype(column.dtype):
        written = column.astype("str").str.strip()
        rounded = has & written.str.fullmatch(EXCEL_SCIENTIFIC, na=False)
        rej.add(rounded.to_numpy(), label, column, SCIENTIFIC_ID_REASON)
        if not blanks_placeholders(spec, target, kind):  # a required id: 'N/A' or 'null' names no ticket
            rej.add((column.notna() & (~has | written.str.lower().isin(parse.PLACEHOLDERS))).to_numpy(), label,
                    column, PLACEHOLDER_ID_REASON)
    if kind in ("id", "category") and pd.api.types.is_float_dtype(column.dtype):
        whole = column.dropna()
        if (whole == np.round(whole)).all():
            exact = column.isna() | (column.abs() < 2**53)  # beyond, a float holds no exact integer
            text = column.where(exact).astype("Int64").astype("str").where(column.notna())
            if not exact.all():
                text[~exact] = column[~exact].map(lambda v: f"{v:.15G}")
                if kind == "id":
                    rej.add((~exact).to_numpy(), label, column, "id stored as a number too large to hold it exactly "
                            "(its last digits are lost); export the ids as text")
            return text
    if kind == "text" and opts.get("html"):
        return strip_html(column)
    if column.dtype != object and not pd.api.types.is_string_dtype(column.dtype):
        return column.astype("str").where(column.notna())
    return column


TRUE_WORDS = ["true", "yes", "y", "1", "t", "1.0", "ja", "oui", "sí", "si"]
FALSE_WORDS = ["false", "no", "n", "0", "f", "0.0", "nee", "nein", "non"]
"""Flags a mapping does not give words for: English, the 1.0/0.0 a float column is written as, and the yes/no of
the languages our clients' tools export in (Dutch, German, French, Spanish)."""

EXCEL_SCIENTIFIC = r"[0-9](?:[.,][0-9]+)?E\+[0-9]{2}"
"""How Excel shows a long number it saved as text (``1.23457E+11``): an id written so has lost its last digits."""
PLACEHOLDER_ID_REASON = ("required id is blank or a placeholder for 'no value' (e.g. 'N/A', 'null', '-'), so the "
                         "row names no record; export the data again with its ids")
SCIENTIFIC_ID_REASON = ("id written in scientific notation, as Excel shows long numbers (its last digits are lost); "
                        "export again without opening the file in Excel, or format the column as text")


def _translate(column, has, target, spec, rej, label, notes, kind):
    """Map vendor values to canonical ones; unknown values get the ``unknown`` value or stay for rejection.

    Works on the distinct values (a helpdesk has a handful of statuses in a million rows), so the
    per-value Python work is tiny.
    """
    table = spec.values[target]
    codes, uniques = pd.factorize(column)
    keys = [norm_value(u) for u in uniques]
    known_u = np.array([k in table for k in keys], dtype=bool)
    out_u = np.array([table.get(k, u) for k, u in zip(keys, uniques, strict=True)], dtype=object)
    unknown_u = ~known_u
    if target in spec.unknown:
        out_u[unknown_u] = spec.unknown[target]
    none_u = known_u & np.array([table.get(k, "") is None for k in keys], dtype=bool)
    valid = codes >= 0
    take = np.where(valid, codes, 0)
    result = pd.Series(np.where(valid, out_u[take] if len(uniques) else None, None), index=column.index,
                       dtype=object)
    to_empty = pd.Series(valid & (none_u[take] if len(uniques) else False), index=column.index) & has
    if to_empty.any():
        counts = column[to_empty].astype("str").value_counts()
        notes.append(f"`{label}`: {int(to_empty.sum())} values meaning 'none' left empty ("
                     + ", ".join(f"{v!r} {n}" for v, n in counts.head(5).items()) + ")")
    unknown = pd.Series(valid & (unknown_u[take] if len(uniques) else False), index=column.index) & has
    if unknown.any() and target in spec.unknown:
        counts = column[unknown].astype("str").value_counts()
        notes.append(f"`{label}`: {int(unknown.sum())} values not in the mapping set to "
                     f"{spec.unknown[target]!r} (" + ", ".join(f"{v!r} {n}" for v, n in counts.head(5).items())
                     + (", …" if len(counts) > 5 else "") + ")")
    if kind in ("category", "text", "id") and all(isinstance(v, str) or v is None for v in out_u):
        result = result.astype("str")
    return result, has & ~to_empty


def strip_html(column: pd.Series) -> pd.Series:
    """Text without its HTML tags and entities (``parse: {target: {html: true}}``); line-breaking tags are line
    breaks."""
    import html

    text = column.astype("str")
    text = text.str.replace(r"(?i)<br\s*/?>|</p>|</div>|</li>", "\n", regex=True)
    text = text.str.replace(r"<[^>]+>", "", regex=True)
    text = text.map(html.unescape, na_action="ignore").str.strip()
    return text.where(column.notna())


def extra_columns(columns, wanted, used) -> dict[str, str]:
    """{name in extra: source column} for the ``extra`` entries (names, fnmatch patterns or {name: column})."""
    taken = {c for cols in used.values() for c in cols}
    out: dict[str, str] = {}
    lookup = {norm(c): c for c in columns}
    for entry in wanted:
        if isinstance(entry, dict):
            for name, col in entry.items():
                if norm(col) in lookup:
                    out[name] = lookup[norm(col)]
            continue
        if any(ch in entry for ch in "*?"):
            pattern = norm(entry).replace("[", "[[]")  # Zendesk custom fields are `Name [list]`: brackets are literal
            for c in columns:
                if fnmatch.fnmatch(norm(c), pattern) and c not in taken:
                    out[c] = c
        elif norm(entry) in lookup:
            out[lookup[norm(entry)]] = lookup[norm(entry)]
    return out


def _json_dict(value) -> dict:
    import json

    if isinstance(value, dict):
        return value
    try:
        parsed = json.loads(value) if isinstance(value, str) and value.strip().startswith("{") else {}
    except ValueError:
        parsed = {"extra": value}
    return parsed if isinstance(parsed, dict) else {}


def _extra_dicts(src: pd.DataFrame, extra_cols: dict[str, str]) -> pd.Series:
    """One ``{name: value}`` dict per row; built from column lists (``to_dict('records')`` is ~5x slower)."""
    names = list(extra_cols)
    lists = []
    for col in extra_cols.values():
        values = src[col]
        lists.append(values.astype(object).where(values.notna(), None).tolist())
    return pd.Series([dict(zip(names, row, strict=True)) for row in zip(*lists, strict=True)], index=src.index,
                     dtype=object)


def missing_column_error(spec: Spec, raw_columns, *, file: str | None) -> DataError | None:
    """The error for a required canonical column that no vendor column feeds (None if all are fed)."""
    import difflib

    table = get_table(spec.table)
    lookup = {norm(c) for c in raw_columns}
    present = [str(c) for c in raw_columns]
    for target in table.required:
        if target in spec.constants or target in spec.defaults:
            continue
        if (spec.table, target) in (("maturity_answers", "status"), ("survey_responses", "scale")):
            continue  # derived from level / from the survey
        if target in spec.hooks.get("provides", []):
            continue
        cands = spec.columns.get(target, [target])
        if any(norm(c) in lookup for c in cands):
            continue
        wanted = cands[0]
        close = difflib.get_close_matches(norm(wanted), [norm(p) for p in present], n=3, cutoff=0.5)
        close_names = [next(p for p in present if norm(p) == c) for c in close]
        if not close_names:
            words = set(re.findall(r"[a-z]+", norm(wanted))) - {"at", "id", "the"}
            close_names = [p for p in present if words & set(re.findall(r"[a-z]+", norm(p)))][:3]
        if target == "survey":
            return DataError("is missing and no survey type was given", file=file, table=spec.table, column=wanted,
                             fix="pass survey='nps', 'csat' or 'ces' (CLI: --survey nps)")
        if close_names:
            found = "found " + ", ".join(f"`{c}`" for c in close_names)
            mapping = {target: close_names[0]}
            fix = f"pass mapping={mapping}"
        else:
            found = "the file has " + ", ".join(f"`{c}`" for c in present[:10]) + (" …" if len(present) > 10 else "")
            mapping = {target: "<your column>"}
            fix = f"pass mapping={mapping} naming the column that holds {target}"
        return DataError(f"is missing (needed for `{target}`); {found}", file=file, table=spec.table,
                         column=wanted, fix=fix, mapping=mapping)
    return None
