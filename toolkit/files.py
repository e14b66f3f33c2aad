"""Files in and out, safely: atomic writes, regular-file reads, one YAML reader, spreadsheet-safe CSVs.

- :func:`atomic_path` / :func:`atomic_write_text`: labels, answers, caches and reports are
  replaced atomically (temporary file in the same folder, fsync, :func:`os.replace`, folder
  fsync), so readers see the old or the new content, never a mix.
- :func:`read_regular_bytes`: reads only regular files, so a FIFO, ``/dev/zero`` or a socket
  given as an input fails at once with a message instead of hanging or filling memory.
- :func:`read_yaml`: the one YAML reader (safe loader, no Python tags, bounded nesting and
  alias expansion, duplicate keys are errors), every problem a :class:`ConfigError` naming
  the file, the line and the fix.
- :func:`neutralise_formulas` / :func:`write_csv`: every CSV the toolkit writes is safe to
  open in a spreadsheet (OWASP CSV-injection guidance, see :func:`neutralise_formulas`).
- :func:`output_name`: a user-given output name (``report --name``, batch ``name:``) is a
  plain file name, so what is written stays inside the output folder.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from toolkit.errors import ConfigError, DataError

MAX_YAML_BYTES = 10 * 1024 * 1024
"""A configuration file larger than this is not a configuration file."""
MAX_YAML_DEPTH = 50
"""Nesting deeper than this is refused (no toolkit file needs more than a handful of levels)."""
MAX_YAML_NODES = 200_000
"""Values a YAML file may hold once aliases are expanded (a 'billion laughs' file expands to 10^9)."""


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path next to ``path``; when the block succeeds, move it over ``path``.

    Whatever the block writes to the temporary path is fsynced and renamed into place;
    if the block raises, the temporary file is removed and ``path`` is untouched. An
    operating-system error names ``path``, never the temporary file (users never see it).

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from toolkit.files import atomic_path
    >>> folder = tempfile.TemporaryDirectory()
    >>> target = Path(folder.name) / "labels.json"
    >>> with atomic_path(target) as tmp:
    ...     _ = tmp.write_text('{"cluster 4": "sso login loop"}')
    >>> target.read_text()
    '{"cluster 4": "sso login loop"}'
    >>> with atomic_path(target) as tmp:
    ...     _ = tmp.write_text('{"clus')
    ...     raise OSError("disk full")
    Traceback (most recent call last):
    ...
    OSError: disk full
    >>> target.read_text(), sorted(p.name for p in Path(folder.name).iterdir())
    ('{"cluster 4": "sso login loop"}', ['labels.json'])
    >>> folder.cleanup()
    """
    path = Path(path)
    make_folder(path.parent)
    try:
        fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror, str(path)) from None
    os.close(fd)
    tmp = Path(name)
    os.chmod(tmp, _mode_for(path))  # mkstemp makes 0600 files; keep the mode a plain write would give
    try:
        yield tmp
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        if exc.errno is not None:
            raise OSError(exc.errno, exc.strerror, str(path)) from None
        raise OSError(str(exc).replace(str(tmp), str(path))) from None
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    if hasattr(os, "O_DIRECTORY"):  # folder fsync: POSIX only
        dir_fd = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def make_folder(folder: str | os.PathLike) -> Path:
    """Create ``folder`` (and its parents); a file standing where a folder must be is a :class:`ConfigError`."""
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        blocker = next((p for p in (folder, *folder.parents) if p.exists() and not p.is_dir()), folder)
        raise ConfigError(f"cannot create the folder {folder}: {blocker} is a file, not a folder", file=str(blocker),
                          fix="choose another output folder, or move or rename that file") from None
    return folder


def _mode_for(path: Path) -> int:
    """The existing file's permissions, or what ``open(path, "w")`` would create under the umask."""
    try:
        return path.stat().st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def atomic_write_text(path: str | os.PathLike, text: str) -> None:
    """Replace ``path`` with ``text`` (UTF-8, ``\\n`` line ends) atomically; missing folders are created.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from toolkit.files import atomic_write_text
    >>> folder = tempfile.TemporaryDirectory()
    >>> path = Path(folder.name) / "reports" / "summary.txt"
    >>> atomic_write_text(path, "CSAT 0.82\\nNPS 31\\n")
    >>> path.read_bytes()
    b'CSAT 0.82\\nNPS 31\\n'
    >>> folder.cleanup()
    """
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8", newline="\n")


# --- reading only regular files ----------------------------------------------------------------------------------

def read_regular_bytes(path: str | os.PathLike, *, error: type = DataError, limit: int | None = None,
                       what: str = "file") -> bytes:
    """The bytes of ``path``, which must be a regular file (not a folder, FIFO, device or socket).

    The file is opened without blocking and checked on the open descriptor, so a FIFO cannot
    hang the reader and ``/dev/zero`` cannot fill memory. ``error`` is the exception type
    raised (:class:`DataError` for data, :class:`ConfigError` for configuration); ``limit``
    refuses files larger than that many bytes.
    """
    file = str(path)
    try:
        fd = os.open(file, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise _error(error, f"{what} not found", file, "check the path (relative paths start from the current "
                     f"folder, {os.getcwd()})") from None
    except IsADirectoryError:
        raise _error(error, "this is a folder, not a file", file, "pass the file inside it") from None
    except PermissionError:
        raise _error(error, "permission denied", file, "check that you may read this file") from None
    except OSError as exc:
        raise _error(error, f"cannot be opened ({exc.strerror})", file, "pass a regular file") from None
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        if stat.S_ISDIR(mode):
            raise _error(error, "this is a folder, not a file", file, "pass the file inside it")
        kind = ("a named pipe (FIFO)" if stat.S_ISFIFO(mode) else "a device" if stat.S_ISCHR(mode) or
                stat.S_ISBLK(mode) else "a socket" if stat.S_ISSOCK(mode) else "not a regular file")
        raise _error(error, f"this is {kind}, not a regular file", file,
                     "save the data to a regular file first and pass that file")
    with os.fdopen(fd, "rb") as fh:
        size = os.fstat(fh.fileno()).st_size
        if limit is not None and size > limit:
            raise _error(error, f"the file is too large ({size / 2**20:.1f} MB; at most {limit / 2**20:.0f} MB)",
                         file, f"pass the right {what}; this one is too large to be one")
        return fh.read()


def _error(kind: type, problem: str, file: str, fix: str) -> Exception:
    return kind(problem, file=file, fix=fix)


# --- YAML --------------------------------------------------------------------------------------------------------

_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C parser when libyaml is there


class _DuplicateKey(Exception):
    def __init__(self, key: str, path: str, first: int, again: int) -> None:
        super().__init__(key)
        self.key, self.path, self.first, self.again = key, path, first, again


def read_yaml(path: str | os.PathLike, *, what: str = "configuration file", fix: str = "",
              max_depth: int = MAX_YAML_DEPTH, max_nodes: int = MAX_YAML_NODES) -> Any:
    """Parse the YAML file ``path`` safely; every problem is one :class:`ConfigError` naming file and line.

    Safe: only plain data (mappings, lists, strings, numbers, booleans, dates); a ``!!python``
    tag is an error, never code. Bounded: nesting deeper than ``max_depth`` and alias expansion
    beyond ``max_nodes`` values are refused before anything is built, so a hostile file can
    neither exhaust the stack nor the memory. Strict: a key written twice in one mapping is an
    error naming both lines (YAML would silently keep the last value).

    Parameters
    ----------
    path : the file (must be a regular file of at most 10 MB).
    what : what the file is, for messages (``"mapping file"``, ``"maturity model"``).
    fix : what to do, added to messages about the file's content.
    """
    file = str(path)
    data = read_regular_bytes(path, error=ConfigError, limit=MAX_YAML_BYTES, what=what)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"the {what} is not UTF-8 text (byte {exc.start})", file=file,
                          fix=f"save it as UTF-8{'; ' + fix if fix else ''}") from None
    advice = fix or "check the indentation and quoting there (a value containing ': ' needs quotes)"
    try:
        _check_shape(text, max_depth=max_depth, max_nodes=max_nodes, file=file, what=what)
        return yaml.load(text, Loader=_Base)  # _Base is PyYAML's safe loader
    except _DuplicateKey as exc:
        raise ConfigError(f"key {exc.key!r} is written twice in one mapping (lines {exc.first} and {exc.again})",
                          file=file, key=exc.path,
                          fix="keep one of them (YAML would silently use the last one)") from None
    except yaml.constructor.ConstructorError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f" at line {mark.line + 1}" if mark is not None else ""
        tag = re.search(r"tag '([^']+)'", str(exc.problem or ""))
        problem = (f"the tag {tag.group(1)!r}{line} is not allowed: a {what} holds plain data only" if tag
                   else f"the {what} cannot be read{line} ({exc.problem})")
        raise ConfigError(problem, file=file, fix="remove the tag and write the plain value") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ConfigError(f"the {what} is not valid YAML{line} ({problem})", file=file, fix=advice) from None


def _check_shape(text: str, *, max_depth: int, max_nodes: int, file: str, what: str) -> None:
    """Walk the YAML events (no recursion, nothing built): bound nesting and alias expansion, find repeated keys.

    Each open collection counts the values it will hold once aliases are expanded; an anchored node's
    count is remembered so that every alias to it adds its full size. Mappings remember their keys
    (and lines), so a repeated key is reported with its YAML path.
    """
    stack: list[_Level] = [_Level(None, None)]
    sizes: dict[str, int] = {}
    for event in yaml.parse(text, Loader=_Base):
        if isinstance(event, yaml.CollectionStartEvent):
            stack[-1].enter(event, stack)
            stack.append(_Level(event, event.anchor))
            if len(stack) - 1 > max_depth:
                raise ConfigError(f"the {what} is nested more than {max_depth} levels deep "
                                  f"(line {event.start_mark.line + 1})", file=file, key=_path(stack[:-1]),
                                  fix="flatten the structure; no toolkit file needs that depth")
            continue
        if isinstance(event, yaml.CollectionEndEvent):
            level = stack.pop()
            if level.anchor:
                sizes[level.anchor] = level.count
            stack[-1].done(level.count)
        elif isinstance(event, yaml.ScalarEvent):
            stack[-1].enter(event, stack)
            if event.anchor:
                sizes[event.anchor] = 1
            stack[-1].done(1)
        elif isinstance(event, yaml.AliasEvent):
            stack[-1].enter(event, stack)
            stack[-1].done(sizes.get(event.anchor, 1))
        else:
            continue
        if sum(level.count for level in stack) > max_nodes:
            raise ConfigError(f"the {what} expands to more than {max_nodes:,} values (aliases '*name' repeat "
                              f"anchored parts; line {event.start_mark.line + 1})", file=file,
                              fix="write the values out, or use fewer aliases")


class _Level:
    """One open collection while walking YAML events: its size so far and, for a mapping, its keys."""

    def __init__(self, start, anchor) -> None:
        self.mapping = isinstance(start, yaml.MappingStartEvent)
        self.anchor = anchor
        self.count = 0 if start is None else 1
        self.keys: dict[str, int] = {}
        self.at_key = True
        self.key = ""
        self.index = 0

    def enter(self, event, stack: list[_Level]) -> None:
        """A child node starts: in a mapping's key position, check that the key is new."""
        if not (self.mapping and self.at_key):
            return
        self.key = event.value if isinstance(event, yaml.ScalarEvent) else "?"
        line = event.start_mark.line + 1
        if isinstance(event, yaml.ScalarEvent) and self.key != "<<":
            if self.key in self.keys:
                raise _DuplicateKey(self.key, _path(stack), self.keys[self.key], line)
            self.keys[self.key] = line

    def done(self, size: int) -> None:
        """A child node ended: count it, and move to the next key, value or item."""
        self.count += size
        if self.mapping:
            self.at_key = not self.at_key
        else:
            self.index += 1


def _path(stack: list[_Level]) -> str:
    """The YAML path of the node being read, e.g. ``dimensions[2].levels``."""
    parts = []
    for level in stack[1:]:
        if level.mapping:
            parts.append(("." if parts else "") + level.key)
        else:
            parts.append(f"[{level.index}]")
    return "".join(parts)


# --- spreadsheet-safe CSV ----------------------------------------------------------------------------------------

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet read a cell as a formula (OWASP CSV injection)."""
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?")


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` that a spreadsheet opens as data: text cells cannot start a formula.

    The rule (OWASP "CSV injection"): a text cell (or column name) whose first character is
    ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading single quote
    (``'=SUM(A1)``), which spreadsheets show as text and never evaluate. Cells that are plain
    numbers (``-3.5``, ``+44``, ``-1e3``) are left as they are, and numeric columns are never
    touched, so numbers stay numbers.
    """
    out = frame.copy()
    out.columns = [_neutral(c) if isinstance(c, str) else c for c in out.columns]
    for col in out.columns:
        series = out[col]
        if pd.api.types.is_numeric_dtype(series.dtype) or pd.api.types.is_bool_dtype(series.dtype) or \
                pd.api.types.is_datetime64_any_dtype(series.dtype):
            continue
        text = series.astype("object")
        risky = text.map(lambda v: isinstance(v, str) and v.startswith(FORMULA_PREFIXES)
                         and not _PLAIN_NUMBER.fullmatch(v))
        if risky.any():
            out[col] = text.where(~risky, "'" + text[risky].astype("str"))
    return out


def _neutral(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_PREFIXES) and not _PLAIN_NUMBER.fullmatch(value) else value


def write_csv(frame: pd.DataFrame, path: str | os.PathLike, **to_csv) -> Path:
    """Write ``frame`` to ``path`` as CSV, atomically and with formula-leading cells neutralised.

    Keyword arguments go to :meth:`pandas.DataFrame.to_csv` (``index=False`` and ``\\n`` line
    ends unless given). Every CSV a consultant or client may open in a spreadsheet goes
    through here; see :func:`neutralise_formulas` for the rule.
    """
    to_csv.setdefault("index", False)
    to_csv.setdefault("lineterminator", "\n")
    path = Path(path)
    with atomic_path(path) as tmp:
        neutralise_formulas(frame).to_csv(tmp, **to_csv)
    return path


def write_csv_parts(parts, path: str | os.PathLike) -> Path:
    """Write frames of the same columns one after another as one CSV (header once), atomically and with
    formula-leading cells neutralised, as :func:`write_csv`: for a table too large to hold at once."""
    path = Path(path)
    with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8", newline="") as out:
        for number, part in enumerate(parts):
            neutralise_formulas(part).to_csv(out, index=False, header=number == 0, lineterminator="\n")
    return path


def csv_text(frame: pd.DataFrame, **to_csv) -> str:
    """``frame`` as CSV text with formula-leading cells neutralised (for writers that add their own framing)."""
    to_csv.setdefault("index", False)
    to_csv.setdefault("lineterminator", "\n")
    return neutralise_formulas(frame).to_csv(**to_csv)


# --- output names ------------------------------------------------------------------------------------------------

MAX_NAME_CHARS = 120


def output_name(name: str, *, key: str = "name") -> str:
    """Check that ``name`` is a plain file name (no folders), so outputs stay inside the output folder.

    Refused with a :class:`ConfigError` naming ``key``: empty names, NUL and other control
    characters, path separators (``/``, ``\\``), ``.`` and ``..``, names starting with ``.``
    (hidden files) or ``~``, and names longer than 120 characters. Returns the name unchanged.
    """
    fix = "use a plain file name of letters, digits, '-', '_' and '.', e.g. acme-2026-h1 (it is written inside --out)"
    text = str(name)
    reason = None
    if not text.strip():
        reason = "is empty"
    elif "\x00" in text:
        reason = "contains a NUL character"
    elif any(ord(ch) < 32 or ord(ch) == 127 for ch in text):
        reason = "contains a control character"
    elif "/" in text or "\\" in text:
        reason = "contains a folder separator ('/' or '\\'): the report would be written outside --out"
    elif text in (".", "..") or text.startswith("."):
        reason = "starts with '.' (a hidden file, or a step out of --out)"
    elif text.startswith("~"):
        reason = "starts with '~' (a home folder)"
    elif len(text) > MAX_NAME_CHARS:
        reason = f"is longer than {MAX_NAME_CHARS} characters"
    elif text != text.strip():
        reason = "starts or ends with a space"
    if reason:
        raise ConfigError(f"{text[:60].encode('unicode_escape').decode()!r} {reason}", key=key, fix=fix)
    return text


def inside(folder: str | os.PathLike, name: str, suffix: str = "") -> Path:
    """``folder/name+suffix``, checked to resolve inside ``folder`` (after symlinks); else a ConfigError."""
    target = Path(folder) / f"{name}{suffix}"
    if target.resolve().parent != Path(folder).resolve():
        raise ConfigError(f"{name + suffix!r} would be written outside the output folder {folder} (it is a link)",
                          key="name", fix="use another name, or remove the link")
    return target


__all__ = ["atomic_path", "atomic_write_text", "csv_text", "inside", "make_folder", "neutralise_formulas",
           "output_name", "read_regular_bytes", "read_yaml", "write_csv"]
