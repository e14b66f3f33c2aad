"""Load the exports clients hand over into canonical tables, with a report that accounts for every row.

Loaders: :func:`load_tickets`, :func:`load_messages`, :func:`load_survey_responses`,
:func:`load_invitations`; each returns ``(frame, LoadReport)``. Sources are detected from
the header (:func:`detect_source`) or named with ``source=``; their column mappings are
YAML files in ``toolkit/io/mappings`` (:func:`sources` lists them). :func:`write_table` and
:func:`read_table` keep canonical tables as Parquet (``cache=True`` does this for you).

Examples
--------
A three-row Zendesk CSV export: the source is recognised from the header, times written in the
account's zone (``tz``, on summer time in July) become UTC, and the row whose date cannot be read
is rejected with its line number in the file (the header is line 1), not dropped:

>>> import tempfile
>>> from pathlib import Path
>>> from toolkit.io import load_tickets
>>> folder = tempfile.TemporaryDirectory()
>>> export = Path(folder.name) / "zendesk.csv"
>>> _ = export.write_text("Id,Requester,Created at,Via,Satisfaction Score,Status,Subject\\n"
...                       "101,Ann,2026-07-01 09:00:00,Mail,Good,Solved,Invoice missing\\n"
...                       "102,Bob,2026-07-01 10:30:00,Chat,Offered,Open,Card declined\\n"
...                       "103,Cy,yesterday,Chat,Not Offered,Open,Refund\\n")
>>> tickets, report = load_tickets(export, tz="Europe/London")
>>> tickets[["ticket_id", "created_at", "status", "channel", "satisfaction"]]
  ticket_id                created_at  status channel satisfaction
0       101 2026-07-01 08:00:00+00:00  solved   email         good
1       102 2026-07-01 09:30:00+00:00    open    chat          NaN
>>> report.source, report.rows_read, report.rows_kept, report.rows_rejected
('zendesk', 3, 2, 1)
>>> report.rejected
   row      column      value               reason
0    4  Created at  yesterday  value is not a date
>>> folder.cleanup()
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

    Examples
    --------
    >>> from toolkit.io import detect_source
    >>> detect_source(["Id", "Requester", "Created at", "Via", "Satisfaction Score", "Status"])
    'zendesk'
    >>> detect_source(["Case number", "Opened", "State"]) is None
    True
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
