"""The one way notes travel out of a compute function: ``frame.attrs["notes"]``.

A *note* is one plain sentence a reader needs next to a result: a measure skipped
because an optional column is empty, a value derived rather than given, rows left out.
Every compute function in :mod:`toolkit.ops` and :mod:`toolkit.survey` attaches its
notes to the frame (or Series) it returns, and callers read them with :func:`notes`.
Nothing returns ``(frame, notes)`` tuples or appends to a list passed in, so a caller
that collects notes from every frame it computes (the report does) misses none.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

Noted = pd.DataFrame | pd.Series


def add_note(frame: Noted, text: str) -> Noted:
    """Append one sentence to ``frame.attrs["notes"]`` (once) and return the frame."""
    existing = list(frame.attrs.get("notes", []))
    if text not in existing:
        existing.append(text)
    frame.attrs["notes"] = existing
    return frame


def notes(*frames: Noted | None) -> list[str]:
    """The notes attached to one or more results, in order and without repeats; empty when none.

    ``None`` is accepted (a result that was not computed) and contributes nothing.

    Examples
    --------
    >>> a = add_note(pd.DataFrame(), "CSAT skipped: no ratings.")
    >>> b = add_note(pd.DataFrame(), "CSAT skipped: no ratings.")
    >>> notes(a, None, add_note(b, "Reopens unknown."))
    ['CSAT skipped: no ratings.', 'Reopens unknown.']
    """
    collected: list[str] = []
    for frame in frames:
        if frame is None:
            continue
        for text in frame.attrs.get("notes", []):
            if text not in collected:
                collected.append(text)
    return collected


def with_notes(frame: Noted, texts: Iterable[str]) -> Noted:
    """Attach several notes at once (each once) and return the frame."""
    for text in texts:
        add_note(frame, text)
    return frame
