"""The two exception types a consultant can meet, each naming what to fix.

``DataError`` is for input data a user can correct (a file, a table, a column,
some rows); ``ConfigError`` is for parameters and configuration files (a key, a
path, a value). Both carry their parts as attributes so that callers (CLI,
report, widgets) can show them, and compose one readable message.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

MAX_SHOWN_ROWS = 5


def describe_rows(rows: Sequence[Any], values: Sequence[Any] | None = None, total: int | None = None) -> str:
    """Say which rows (and values) offend, first few only: ``rows 3 ('x'), 7 ('y') and 4 more``."""
    shown = list(rows)[:MAX_SHOWN_ROWS]
    if values is None:
        parts = [str(r) for r in shown]
    else:
        parts = [f"{r} ({v!r})" for r, v in zip(shown, list(values)[:MAX_SHOWN_ROWS], strict=False)]
    total = len(rows) if total is None else total
    noun = "row" if total == 1 else "rows"
    text = f"{noun} {', '.join(parts)}"
    if total > len(shown):
        text += f" and {total - len(shown)} more"
    return text


class ToolkitError(Exception):
    """Base class: a problem the user can fix, with a message saying how."""


class DataError(ToolkitError, ValueError):
    """Input data that cannot be used as it is.

    Parameters
    ----------
    problem : what is wrong, in one sentence.
    fix : what the user should do about it.
    file, table, column : where the problem is (any may be None).
    rows, values : the first offending row numbers and their values.
    total : how many rows offend in all (defaults to ``len(rows)``).
    sources, mapping : for a file the loaders cannot read as it is, the ``source`` names it could
        be read as, and a column mapping ``{canonical column: file column}`` that would read it
        (``'<your column>'`` where the column is not known); callers with their own way of
        passing these (the report's options) say the fix in their terms, see :meth:`with_fix`.
    """

    def __init__(
        self,
        problem: str,
        *,
        fix: str = "",
        file: str | None = None,
        table: str | None = None,
        column: str | None = None,
        rows: Sequence[Any] = (),
        values: Sequence[Any] | None = None,
        total: int | None = None,
        sources: Sequence[str] = (),
        mapping: dict[str, str] | None = None,
    ) -> None:
        self.problem = problem
        self.fix = fix
        self.file = None if file is None else str(file)
        self.table = table
        self.column = column
        self.rows = list(rows)
        self.values = None if values is None else list(values)
        self.total = len(self.rows) if total is None else total
        self.sources = tuple(sources)
        self.mapping = mapping
        super().__init__(self._compose())

    def with_fix(self, fix: str) -> DataError:
        """The same error with another fix (e.g. in a command's own terms)."""
        return DataError(self.problem, fix=fix, file=self.file, table=self.table, column=self.column,
                         rows=self.rows, values=self.values, total=self.total, sources=self.sources,
                         mapping=self.mapping)

    def _compose(self) -> str:
        where = []
        if self.file:
            where.append(f"file {self.file}")
        if self.table:
            where.append(f"table {self.table}")
        if self.column:
            where.append(f"column `{self.column}`")
        text = ", ".join(where)
        text = f"{text}: {self.problem}" if text else self.problem
        if self.rows:
            text += f" ({describe_rows(self.rows, self.values, self.total)})"
        if self.fix:
            text += f". Fix: {self.fix}"
        return text


class ConfigError(ToolkitError, ValueError):
    """A parameter or configuration file that cannot be used as it is.

    Parameters
    ----------
    problem : what is wrong.
    fix : what to pass or write instead.
    file : the configuration file, if any.
    key : the parameter name or the path inside the file (``dimensions[2].levels``).
    """

    def __init__(self, problem: str, *, fix: str = "", file: str | None = None, key: str | None = None) -> None:
        self.problem = problem
        self.fix = fix
        self.file = None if file is None else str(file)
        self.key = key
        where = ", ".join(p for p in (f"file {self.file}" if self.file else "", f"`{key}`" if key else "") if p)
        text = f"{where}: {problem}" if where else problem
        if fix:
            text += f". Fix: {fix}"
        super().__init__(text)
