"""Small hand-built canonical frames for the toolkit.ops tests (validated by the real schema)."""

from __future__ import annotations

import pandas as pd

from toolkit.schema import validate


def tickets(rows: list[dict], **defaults) -> pd.DataFrame:
    """Canonical tickets from dicts; ticket_id, status and channel get defaults when absent."""
    filled = []
    for i, row in enumerate(rows, start=1):
        base = {"ticket_id": f"T{i}", "status": "solved", "channel": "email", **defaults}
        filled.append({**base, **row})
    return validate(pd.DataFrame(filled), "tickets")


def messages(rows: list[tuple]) -> pd.DataFrame:
    """Canonical messages from (ticket_id, created_at, author_role, public, body[, author]) tuples."""
    records = []
    for i, row in enumerate(rows, start=1):
        ticket_id, created_at, role, public, body, *rest = row
        records.append({"ticket_id": ticket_id, "created_at": created_at, "author_role": role, "public": public,
                        "body": body, "message_id": f"M{i}", "author": rest[0] if rest else None})
    return validate(pd.DataFrame(records), "messages")


def responses(rows: list[dict]) -> pd.DataFrame:
    """Canonical survey responses; response_id, survey, scale and submitted_at get defaults."""
    filled = []
    for i, row in enumerate(rows, start=1):
        base = {"response_id": f"R{i}", "survey": "csat", "scale": "1-5", "submitted_at": "2026-01-10"}
        filled.append({**base, **row})
    return validate(pd.DataFrame(filled), "survey_responses")
