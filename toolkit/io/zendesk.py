"""Zendesk steps that need code rather than a mapping: who wrote a comment."""

from __future__ import annotations

import pandas as pd


def comment_roles(frame: pd.DataFrame, notes: list[str]) -> pd.DataFrame:
    """Fill ``author_role`` where the export has none: the ticket's first commenter is the customer.

    Zendesk's first comment on a ticket is the request itself, written by the requester; later
    comments by the same author are the customer's, anyone else's are an agent's. Internal notes
    (``public`` false) are always an agent's.
    """
    if "author" not in frame.columns or "ticket_id" not in frame.columns:
        return frame
    role = frame["author_role"] if "author_role" in frame.columns else pd.Series(pd.NA, index=frame.index,
                                                                                 dtype=object)
    missing = role.isna()
    if not missing.any():
        return frame
    order = frame.sort_values("created_at", kind="stable") if "created_at" in frame.columns else frame
    first_author = order.groupby("ticket_id", sort=False)["author"].first()
    requester = frame["ticket_id"].map(first_author)
    derived = pd.Series("agent", index=frame.index, dtype=object)
    derived[frame["author"].astype("str") == requester.astype("str")] = "customer"
    if "public" in frame.columns:
        derived[frame["public"].fillna(True).eq(False)] = "agent"
    frame["author_role"] = role.astype(object).where(~missing, derived)
    notes.append(f"`author_role`: {int(missing.sum())} roles derived (the author of a ticket's first comment is "
                 "the customer, other authors are agents)")
    return frame
