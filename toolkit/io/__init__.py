"""Load the exports clients hand over into canonical tables, with a report that accounts for every row.

>>> from toolkit.io import load_tickets
>>> tickets, report = load_tickets("zendesk_export.csv", tz="Europe/London")  # doctest: +SKIP
>>> print(report.summary())  # doctest: +SKIP

Loaders: :func:`load_tickets`, :func:`load_messages`, :func:`load_survey_responses`,
:func:`load_invitations`; each returns ``(frame, LoadReport)``. Sources are detected from
the header (:func:`detect_source`) or named with ``source=``; their column mappings are
YAML files in ``toolkit/io/mappings`` (:func:`sources` lists them). :func:`write_table` and
:func:`read_table` keep canonical tables as Parquet (``cache=True`` does this for you).
"""

from toolkit.io.load import (
    load_invitations,
    load_messages,
    load_survey_responses,
    load_tickets,
    read_report,
    read_table,
    write_table,
)
from toolkit.io.mapping import sources
from toolkit.io.read import RawTable, read_raw
from toolkit.io.report import LoadReport, reports_table


def detect_source(path_or_columns, table: str = "tickets") -> str | None:
    """Name the source that exported a file (or a list of header names), or None if no mapping fits.

    Parameters
    ----------
    path_or_columns : a file path, or the header names.
    table : which canonical table the file is for (``tickets``, ``messages``, ``survey_responses``,
        ``survey_invitations``).
    """
    from toolkit.io.mapping import detect_source as _detect

    if isinstance(path_or_columns, str) or hasattr(path_or_columns, "__fspath__"):
        path_or_columns = read_raw(path_or_columns).frame.columns
    return _detect(path_or_columns, table)


__all__ = [
    "LoadReport",
    "RawTable",
    "detect_source",
    "load_invitations",
    "load_messages",
    "load_survey_responses",
    "load_tickets",
    "read_raw",
    "read_report",
    "read_table",
    "reports_table",
    "sources",
    "write_table",
]
