"""The analyst's labelled clusters as tables to hand on: the report's table and a Jira import.

:func:`labelled_clusters` turns a :class:`~toolkit.duplicates.labels.LabelStore` (plus the evidence the
explorer measured for each label) into the table the report notebook shows; :func:`jira_bug_candidates`
and :func:`write_jira_csv` make the CSV a Jira import reads, one bug candidate per upstream-bug label.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from toolkit.duplicates.labels import LabelStore
from toolkit.files import atomic_write_text, csv_text

LABELLED_COLUMNS = ["label_id", "name", "status", "kind", "status_text", "tracker_key", "note", "tickets", "customers",
                    "first_seen", "last_seen", "bug_keys", "example_tickets", "updated_at"]


def labelled_clusters(store: LabelStore, summary: pd.DataFrame | None = None) -> pd.DataFrame:
    """The labelled clusters as a table the report notebook can show.

    Parameters
    ----------
    store : the labels.
    summary : optional evidence per label (index or column ``label_id``) with any of kind, tickets, customers,
        first_seen, last_seen, bug_keys, example_tickets, as computed by the explorer for the current data.

    Returns
    -------
    One row per label, sorted by status then tickets: label_id, name, status, kind (problem or recurring
    question, as :func:`toolkit.duplicates.ranking.cluster_kind` decides; empty without ``summary``),
    status_text, tracker_key, note, tickets, customers, first_seen, last_seen, bug_keys (comma-separated),
    example_tickets (comma-separated ticket ids), updated_at. Without ``summary``, tickets is the member count and the
    evidence columns are empty.
    """
    rows = pd.DataFrame([{"label_id": lab.label_id, "name": lab.name, "status": lab.status,
                          "status_text": lab.status_text, "tracker_key": lab.tracker_key, "note": lab.note,
                          "members": len(lab.members), "updated_at": lab.updated_at}
                         for lab in store.labels.values()],
                        columns=["label_id", "name", "status", "status_text", "tracker_key", "note", "members",
                                 "updated_at"])
    if summary is not None and len(summary):
        summary = summary.reset_index() if "label_id" not in summary.columns else summary
        keep = [c for c in ["kind", "tickets", "customers", "first_seen", "last_seen", "bug_keys", "example_tickets"]
                if c in summary.columns]
        rows = rows.merge(summary[["label_id", *keep]], on="label_id", how="left")
    if "tickets" not in rows.columns:
        rows["tickets"] = rows["members"]
    rows["tickets"] = rows["tickets"].fillna(rows["members"]).astype("Int64")
    for col in ("customers",):
        rows[col] = rows[col].astype("Int64") if col in rows.columns else pd.Series(pd.NA, index=rows.index,
                                                                                      dtype="Int64")
    for col in ("first_seen", "last_seen"):
        if col not in rows.columns:
            rows[col] = pd.Series(pd.NaT, index=rows.index, dtype="datetime64[us, UTC]")
    for col in ("kind", "bug_keys", "example_tickets"):
        values = rows[col] if col in rows.columns else pd.Series("", index=rows.index)
        rows[col] = values.map(_joined).astype("str")
    order = {s: i for i, s in enumerate(["upstream_bug", "known_issue", "process_problem", "unreviewed",
                                         "not_a_problem"])}
    rows = rows.assign(_o=rows["status"].map(order)).sort_values(["_o", "tickets", "label_id"],
                                                                 ascending=[True, False, True])
    return rows[LABELLED_COLUMNS].reset_index(drop=True)


def _joined(value) -> str:
    if isinstance(value, list | tuple | np.ndarray | set):
        return ", ".join(str(v) for v in value)
    return "" if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA else str(value)


JIRA_COLUMNS = ["Summary", "Issue Type", "Priority", "Description", "Labels", "Link"]

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def jira_bug_candidates(
    labelled: pd.DataFrame,
    examples: pd.DataFrame | None = None,
    *,
    statuses: Sequence[str] = ("upstream_bug",),
    tracker_url: str | None = None,
    ticket_url: str | None = None,
    labels: Sequence[str] = ("support-duplicates",),
    max_examples: int = 5,
) -> pd.DataFrame:
    """Bug candidates as rows ready for a Jira CSV import (write with :func:`write_jira_csv`).

    Parameters
    ----------
    labelled : the table from :func:`labelled_clusters`.
    examples : example tickets: label_id, ticket_id, subject (already PII-redacted), at most
        ``max_examples`` per label are used, in the given order.
    statuses : which statuses are candidates (default: upstream bugs only). Recurring questions (``kind``) are
        never candidates: they point at documentation or product design, not at a bug.
    tracker_url : e.g. ``"https://jira.example.com/browse/{key}"``, used for the Link when a tracker key is set.
    ticket_url : e.g. ``"https://acme.zendesk.com/agent/tickets/{ticket_id}"``, links the example tickets and
        is the Link when there is no tracker key.
    labels : Jira labels every row gets (no spaces); the status is added (``upstream-bug``).

    Returns
    -------
    Columns Summary, Issue Type (Bug), Priority (High with >= 50 tickets, else Medium),
    Description (counts, customers, first/last seen, note, example tickets, bug keys found),
    Labels (space-separated), Link. One row per candidate, most tickets first.
    """
    kind = labelled["kind"] if "kind" in labelled.columns else pd.Series("", index=labelled.index)
    chosen = labelled[labelled["status"].isin(list(statuses)) & (kind != "recurring question")]
    chosen = chosen.sort_values("tickets", ascending=False)
    out = []
    for row in chosen.itertuples(index=False):  # one row per cluster: tens, not tickets
        lines = [f"Support tickets about this problem: {row.tickets}"
                 + (f" from {row.customers} customers" if pd.notna(row.customers) else "") + "."]
        if pd.notna(row.first_seen):
            lines.append(f"First seen {_day(row.first_seen)}, last seen {_day(row.last_seen)}.")
        if row.tracker_key:
            lines.append(f"Tracker key: {row.tracker_key}.")
        if row.bug_keys:
            lines.append(f"Bug keys mentioned in tickets: {row.bug_keys}.")
        if row.note:
            lines.append(f"Analyst note: {row.note}")
        if examples is not None and len(examples):
            mine = examples[examples["label_id"] == row.label_id].head(max_examples)
            if len(mine):
                lines.append("Example tickets:")
                for ex in mine.itertuples(index=False):
                    link = f" ({ticket_url.format(ticket_id=ex.ticket_id)})" if ticket_url else ""
                    lines.append(f"- {ex.ticket_id}{link}: {' '.join(str(ex.subject).split())[:200]}")
        lines.append(f"Cluster {row.label_id} from the support-toolkit duplicate explorer.")
        if row.tracker_key and tracker_url:
            link = tracker_url.format(key=row.tracker_key)
        elif ticket_url and examples is not None and (examples["label_id"] == row.label_id).any():
            first = examples.loc[examples["label_id"] == row.label_id, "ticket_id"].iloc[0]
            link = ticket_url.format(ticket_id=first)
        else:
            link = ""
        tags = [*labels, row.status.replace("_", "-")]
        big = row.tickets >= 50
        out.append({"Summary": _cell(row.name), "Issue Type": "Bug", "Priority": "High" if big else "Medium",
                    "Description": _cell("\n".join(lines)), "Labels": " ".join(t.replace(" ", "-") for t in tags),
                    "Link": link})
    return pd.DataFrame(out, columns=JIRA_COLUMNS)


def write_jira_csv(candidates: pd.DataFrame, path: str | os.PathLike) -> Path:
    """Write :func:`jira_bug_candidates` rows as a UTF-8 CSV (every field quoted), atomically."""
    path = Path(path)
    atomic_write_text(path, csv_text(candidates, quoting=1))  # formula-leading cells neutralised
    return path


def _cell(text: str) -> str:
    """Keep spreadsheet programs from reading a cell as a formula."""
    return f"'{text}" if text.startswith(_FORMULA_START) else text


def _day(value) -> str:
    return pd.Timestamp(value).strftime("%Y-%m-%d")


def write_labelled_csv(labelled: pd.DataFrame, path: str | os.PathLike) -> Path:
    """Write :func:`labelled_clusters` as the UTF-8 CSV the report reads, atomically."""
    path = Path(path)
    atomic_write_text(path, csv_text(labelled))  # formula-leading cells neutralised
    return path
