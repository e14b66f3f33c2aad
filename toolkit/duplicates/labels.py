"""The analyst's judgement on duplicate-ticket clusters, kept safe on disk.

A *label* is a group of tickets the analyst has looked at: a stable id (``L1``,
``L2`` ...), a name, a status (upstream bug, known issue with its tracker key,
process or documentation problem, not a problem), a free note and the member
ticket ids. :class:`LabelStore` holds the labels, applies the explorer's actions
(rename, merge, split, move, set status) and writes them to one JSON file after
every action. Writes are atomic (temporary file in the same folder, ``fsync``,
``os.replace``, ``fsync`` of the folder), so a crash or a kill leaves either the
old file or the new one, never a partial one.

:func:`carry_labels` puts labels onto clusters recomputed from new or appended
data. Labelled tickets stay with their label (the analyst's decision wins over
the machine); a recomputed cluster's other tickets join a label when the cluster
*is* that label (Jaccard overlap of its known tickets with the label's members
>= ``min_jaccard``) or lies almost wholly inside it (share >= ``min_share``, the
case of merged labels). When two or more labels each hold at least
``conflict_share`` of a cluster that still has unlabelled tickets, the cluster is
a conflict: its unlabelled tickets stay unlabelled and the conflict is reported,
never resolved silently.

:func:`labelled_clusters` and :func:`jira_bug_candidates` turn the labels into
the table the report notebook shows and a CSV ready for a Jira import.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from toolkit.errors import ConfigError, DataError
from toolkit.files import atomic_write_text

FORMAT = "support-toolkit duplicate labels"
VERSION = 1

STATUSES: dict[str, str] = {
    "unreviewed": "not reviewed",
    "upstream_bug": "upstream bug",
    "known_issue": "known issue",
    "process_problem": "process or documentation problem",
    "not_a_problem": "not a problem",
}
"""Status codes and the words shown for them."""

DEFAULT_LABELS_FILE = "duplicate_labels.json"
"""File name used next to the data when no path is given."""


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass
class Label:
    """One labelled cluster: what the analyst decided about a group of tickets."""

    label_id: str
    name: str
    members: list[str]
    status: str = "unreviewed"
    tracker_key: str = ""
    note: str = ""
    created_at: str = field(default_factory=_now)
    updated_at: str = field(default_factory=_now)

    @property
    def status_text(self) -> str:
        return STATUSES[self.status]


def labels_path_for(data_path: str | os.PathLike) -> Path:
    """The labels file that belongs next to a data file or folder (``duplicate_labels.json``)."""
    path = Path(data_path)
    folder = path if path.is_dir() or not path.suffix else path.parent
    return folder / DEFAULT_LABELS_FILE


class LabelStore:
    """The labels of one data set, saved to ``path`` after every change.

    Opening a store reads ``path`` if it exists (labels survive restarts) and
    removes temporary files a killed writer may have left. Every action method
    saves before it returns. Member sets of different labels never overlap: an
    action that gives a ticket to one label takes it from any other.

    Parameters
    ----------
    path : the JSON file (see :func:`labels_path_for` for the usual place).
    autosave : save after every action (default); tests may turn it off.
    """

    def __init__(self, path: str | os.PathLike, *, autosave: bool = True) -> None:
        self.path = Path(path)
        self.autosave = autosave
        self.labels: dict[str, Label] = {}
        self.history: list[dict] = []
        self.data_until: str | None = None
        self._next = 1
        self._remove_stale_temporaries()
        if self.path.exists():
            self._load()
        self._seen = self._version_on_disk()

    # ----------------------------------------------------------------- persistence
    def _remove_stale_temporaries(self) -> None:
        if self.path.parent.is_dir():
            for tmp in self.path.parent.glob(f".{self.path.name}.*.tmp"):
                with contextlib.suppress(OSError):
                    tmp.unlink()

    def _load(self) -> None:
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise DataError(f"the labels file cannot be read ({exc})", file=str(self.path),
                            fix="restore it from a backup or move it away to start with no labels") from None
        if not isinstance(raw, dict) or raw.get("format") != FORMAT:
            raise DataError("this is not a duplicate-labels file", file=str(self.path),
                            fix="point the explorer at its own labels file or move this one away")
        if raw.get("version", 0) > VERSION:
            raise DataError(f"labels file version {raw.get('version')} is newer than this toolkit ({VERSION})",
                            file=str(self.path), fix="upgrade support-toolkit")
        owner: dict[str, str] = {}
        for item in raw.get("labels", []):
            label = Label(**{k: v for k, v in item.items() if k in Label.__dataclass_fields__})
            if label.status not in STATUSES:
                raise DataError(f"label {label.label_id} has unknown status {label.status!r}", file=str(self.path),
                                fix=f"use one of {', '.join(STATUSES)}")
            for ticket in label.members:
                if ticket in owner:
                    raise DataError(f"ticket {ticket} belongs to both {owner[ticket]} and {label.label_id}",
                                    file=str(self.path), fix="remove it from one of the two labels")
                owner[ticket] = label.label_id
            self.labels[label.label_id] = label
        self.history = list(raw.get("history", []))
        self.data_until = raw.get("data_until")
        self._next = max([int(k[1:]) for k in self.labels if k[1:].isdigit()] + [raw.get("next", 1) - 1]) + 1

    def to_json(self) -> str:
        """The file content: format tag, version, save time, labels (members sorted) and the action log."""
        payload = {
            "format": FORMAT,
            "version": VERSION,
            "saved_at": _now(),
            "data_until": self.data_until,
            "next": self._next,
            "labels": [asdict(label) | {"members": sorted(label.members)} for label in self.labels.values()],
            "history": self.history,
        }
        return json.dumps(payload, ensure_ascii=False, indent=1)

    def _version_on_disk(self) -> tuple[int, int] | None:
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            return None
        return stat.st_ino, stat.st_mtime_ns  # every atomic write makes a new inode

    def save(self) -> None:
        """Write all labels to :attr:`path` atomically.

        Refuses (:class:`DataError`) when someone else wrote the file since this store read or wrote it, e.g. a
        second explorer on the same data: saving would silently drop that session's labels.
        """
        if self._version_on_disk() != self._seen:
            raise DataError("the labels file was changed by another session since this explorer opened it; this "
                            "action was not saved", file=str(self.path),
                            fix="re-run the explorer cell to reload the labels, then repeat the action")
        atomic_write_text(self.path, self.to_json())
        self._seen = self._version_on_disk()

    def _done(self, action: str, label_ids: Sequence[str], **detail) -> None:
        self.history.append({"at": _now(), "action": action, "labels": list(label_ids), **detail})
        if self.autosave:
            self.save()

    # ----------------------------------------------------------------- queries
    def owner_of(self) -> pd.Series:
        """Label id of every labelled ticket (index ticket_id)."""
        pairs = [(t, lid) for lid, label in self.labels.items() for t in label.members]
        if not pairs:
            return pd.Series([], index=pd.Index([], dtype="str", name="ticket_id"), dtype="str", name="label_id")
        ticket, lid = zip(*pairs, strict=True)
        return pd.Series(lid, index=pd.Index(ticket, dtype="str", name="ticket_id"), dtype="str", name="label_id")

    def get(self, label_id: str) -> Label:
        try:
            return self.labels[label_id]
        except KeyError:
            raise ConfigError(f"there is no label {label_id!r}", key="label_id",
                              fix=f"use one of {', '.join(self.labels) or '(none yet)'}") from None

    # ----------------------------------------------------------------- actions
    def _take(self, tickets: Iterable[str], keep: str | None = None) -> None:
        """Remove ``tickets`` from every label but ``keep``; labels left empty are dropped."""
        tickets = set(tickets)
        for lid in list(self.labels):
            if lid == keep:
                continue
            label = self.labels[lid]
            if tickets.intersection(label.members):
                label.members = [t for t in label.members if t not in tickets]
                label.updated_at = _now()
                if not label.members:
                    del self.labels[lid]

    def create(self, members: Iterable[str], name: str, *, status: str = "unreviewed", tracker_key: str = "",
               note: str = "", save: bool = True) -> Label:
        """Label a group of tickets (taking them from other labels) and return the new label."""
        members = list(dict.fromkeys(str(m) for m in members))
        if not members:
            raise ConfigError("a label needs at least one ticket", key="members", fix="select tickets first")
        _check_status(status, tracker_key)
        self._take(members)
        label = Label(f"L{self._next}", _clean_name(name), members, status, tracker_key.strip(), note)
        self._next += 1
        self.labels[label.label_id] = label
        if save:
            self._done("create", [label.label_id], name=label.name, tickets=len(members))
        return label

    def extend(self, label_id: str, tickets: Iterable[str], *, save: bool = False) -> Label:
        """Add tickets to a label (taking them from other labels), e.g. new tickets carried onto it."""
        label = self.get(label_id)
        tickets = [str(t) for t in tickets if str(t) not in set(label.members)]
        if tickets:
            self._take(tickets, keep=label_id)
            label.members = list(label.members) + list(dict.fromkeys(tickets))
            label.updated_at = _now()
        if save:
            self._done("extend", [label_id], tickets=len(tickets))
        return label

    def rename(self, label_id: str, name: str) -> Label:
        """Give a label a new name."""
        label = self.get(label_id)
        old, label.name, label.updated_at = label.name, _clean_name(name), _now()
        self._done("rename", [label_id], old=old, new=label.name)
        return label

    def set_status(self, label_id: str, status: str, *, tracker_key: str = "", note: str | None = None) -> Label:
        """Set the status (see :data:`STATUSES`), the tracker key and, when given, the note."""
        _check_status(status, tracker_key)
        label = self.get(label_id)
        label.status, label.tracker_key = status, tracker_key.strip()
        if note is not None:
            label.note = note
        label.updated_at = _now()
        self._done("status", [label_id], status=status, tracker_key=label.tracker_key)
        return label

    def merge(self, label_ids: Sequence[str], *, into: str | None = None, name: str | None = None) -> Label:
        """Merge labels into one (``into``, default the first); the others disappear.

        The kept label keeps its status unless it has none and another has; notes are joined.
        """
        if len(set(label_ids)) < 2:
            raise ConfigError("merging needs at least two clusters", key="label_ids",
                              fix="select the clusters to merge into the current one")
        into = into or label_ids[0]
        target = self.get(into)
        others = [self.get(lid) for lid in label_ids if lid != into]
        for other in others:
            target.members = list(target.members) + [t for t in other.members if t not in set(target.members)]
            if target.status == "unreviewed" and other.status != "unreviewed":
                target.status, target.tracker_key = other.status, other.tracker_key
            if other.note and other.note not in target.note:
                target.note = "\n".join(n for n in (target.note, other.note) if n)
            del self.labels[other.label_id]
        if name:
            target.name = _clean_name(name)
        target.updated_at = _now()
        self._done("merge", [into, *[o.label_id for o in others]], name=target.name)
        return target

    def split(self, label_id: str, tickets: Iterable[str], name: str) -> Label:
        """Split ``tickets`` off ``label_id`` into a new label named ``name``; returns the new label."""
        label = self.get(label_id)
        tickets = [str(t) for t in tickets]
        foreign = sorted(set(tickets) - set(label.members))
        if foreign:
            raise ConfigError(f"tickets {', '.join(foreign[:5])} are not in {label_id}", key="tickets",
                              fix="select tickets of the current cluster")
        if not tickets:
            raise ConfigError("no tickets selected to split off", key="tickets", fix="select tickets first")
        new = self.create(tickets, name, save=False)
        self._done("split", [label_id, new.label_id], tickets=len(tickets), name=new.name)
        return new

    def move(self, tickets: Iterable[str], to: str) -> Label:
        """Move tickets to label ``to`` from wherever they are."""
        tickets = [str(t) for t in tickets]
        if not tickets:
            raise ConfigError("no tickets selected to move", key="tickets", fix="select tickets first")
        self.extend(to, tickets)
        self._done("move", [to], tickets=tickets[:50])
        return self.get(to)

    def sync(self, effective: pd.DataFrame, data_until: str | None) -> None:
        """Make label members equal to the tickets an explorer shows under them, and record the data's end.

        ``effective`` has columns ticket_id and label_id (NA when unlabelled), e.g. from :func:`carry_labels`.
        Members missing from ``effective`` (other data) are kept.
        """
        present = set(effective["ticket_id"])
        labelled = effective.dropna(subset=["label_id"])
        groups = labelled.groupby("label_id", sort=False)["ticket_id"].agg(list).to_dict()
        for lid, label in list(self.labels.items()):
            kept = [t for t in label.members if t not in present]
            label.members = kept + list(groups.get(lid, []))
            if not label.members:
                del self.labels[lid]
        self.data_until = data_until


def _clean_name(name: str) -> str:
    name = " ".join(str(name).split())
    if not name:
        raise ConfigError("the name is empty", key="name", fix="type a short name for the cluster")
    return name[:200]


def _check_status(status: str, tracker_key: str) -> None:
    if status not in STATUSES:
        raise ConfigError(f"unknown status {status!r}", key="status", fix=f"use one of {', '.join(STATUSES)}")
    if status == "known_issue" and not tracker_key.strip():
        raise ConfigError("a known issue needs its tracker key", key="tracker_key",
                          fix="type the bug tracker key, e.g. APP-1234")


# --------------------------------------------------------------------- carry-over
@dataclass
class Carried:
    """What :func:`carry_labels` returns.

    assignments : one row per ticket: ticket_id, cluster_id (the recomputed cluster, NA when unclustered),
        label_id (NA when unlabelled), how ("member" = labelled ticket, "carried" = joined through its
        cluster, "" otherwise).
    matches : one row per (label, recomputed cluster) sharing known tickets: label_id, cluster_id, shared,
        jaccard, share_of_cluster, carried (bool).
    conflicts : one row per conflicted cluster: cluster_id, label_ids (list), shares (list), unlabelled
        (tickets left without a label), message.
    lost : labels none of whose members are in the data: label_id, name, members.
    """

    assignments: pd.DataFrame
    matches: pd.DataFrame
    conflicts: pd.DataFrame
    lost: pd.DataFrame


def carry_labels(
    assignments: pd.DataFrame,
    store: LabelStore,
    *,
    created_at: pd.Series | None = None,
    min_jaccard: float = 0.5,
    min_share: float = 0.8,
    conflict_share: float = 0.2,
) -> Carried:
    """Put the stored labels onto a (re)computed clustering, by member overlap.

    A ticket in a label's members keeps that label. For every recomputed cluster,
    overlap is measured on its *known* tickets (created no later than the store's
    ``data_until``; all tickets when ``created_at`` or ``data_until`` is missing):
    ``jaccard = shared / |members ∪ known cluster tickets|`` and
    ``share_of_cluster = shared / |known cluster tickets|``. The cluster's unlabelled
    tickets join a label when exactly one label has ``jaccard >= min_jaccard`` or
    ``share_of_cluster >= min_share`` and no other label holds ``conflict_share`` of
    the cluster. When two or more labels each hold at least ``conflict_share`` and
    unlabelled tickets remain, the cluster is reported as a conflict and those
    tickets stay unlabelled.

    Parameters
    ----------
    assignments : ticket_id and cluster_id (NA or negative = unclustered), one row per ticket.
    store : the labels.
    created_at : creation time per ticket (index ticket_id), to tell new tickets from known ones.
    min_jaccard, min_share, conflict_share : the rules above.
    """
    frame = pd.DataFrame({"ticket_id": assignments["ticket_id"].astype("str").to_numpy(),
                          "cluster_id": _cluster_ids(assignments["cluster_id"])})
    owner = store.owner_of()
    frame["label_id"] = frame["ticket_id"].map(owner).astype("str")
    frame["how"] = np.where(frame["label_id"].notna(), "member", "")
    known = np.ones(len(frame), dtype=bool)
    if created_at is not None and store.data_until:
        until = pd.Timestamp(store.data_until)
        until = until.tz_localize("UTC") if until.tzinfo is None else until
        stamps = frame["ticket_id"].map(created_at)
        known = ~(stamps > until).fillna(False).to_numpy(dtype=bool)
    clustered = frame["cluster_id"].notna().to_numpy()
    known_in_cluster = frame[clustered & known]
    cluster_known = known_in_cluster.groupby("cluster_id").size().rename("cluster_known")
    label_size = frame.dropna(subset=["label_id"]).groupby("label_id").size().rename("label_size")
    shared = (known_in_cluster.dropna(subset=["label_id"]).groupby(["label_id", "cluster_id"]).size()
              .rename("shared").reset_index())
    matches = shared.join(cluster_known, on="cluster_id").join(label_size, on="label_id")
    matches["jaccard"] = matches["shared"] / (matches["label_size"] + matches["cluster_known"] - matches["shared"])
    matches["share_of_cluster"] = matches["shared"] / matches["cluster_known"]
    matches["qualifies"] = (matches["jaccard"] >= min_jaccard) | (matches["share_of_cluster"] >= min_share)
    matches["substantial"] = matches["share_of_cluster"] >= conflict_share
    per_cluster = matches.groupby("cluster_id").agg(qualifying=("qualifies", "sum"),
                                                    substantial_n=("substantial", "sum"))
    unlabelled = frame[clustered & frame["label_id"].isna().to_numpy()].groupby("cluster_id").size()
    per_cluster["unlabelled"] = unlabelled.reindex(per_cluster.index, fill_value=0)
    per_cluster["conflict"] = (per_cluster["substantial_n"] >= 2) & (per_cluster["unlabelled"] > 0)
    matches = matches.join(per_cluster, on="cluster_id")
    matches["carried"] = matches["qualifies"] & (matches["qualifying"] == 1) & (matches["substantial_n"] < 2)
    target = matches.loc[matches["carried"]].set_index("cluster_id")["label_id"]
    via_cluster = frame["cluster_id"].map(target)  # map, not isin: isin on arrow strings is slow at 10^5 rows
    join = frame["label_id"].isna() & via_cluster.notna()
    frame.loc[join, "label_id"] = via_cluster[join]
    frame.loc[join, "how"] = "carried"

    conflicted = matches[matches["conflict"] & matches["substantial"]].sort_values(
        ["cluster_id", "share_of_cluster"], ascending=[True, False])
    rows = []
    for cid, grp in conflicted.groupby("cluster_id", sort=True):
        names = [f"{store.labels[lid].name} ({lid}, {share:.0%})"
                 for lid, share in zip(grp["label_id"], grp["share_of_cluster"], strict=True)]
        left = int(per_cluster.loc[cid, "unlabelled"])
        rows.append({"cluster_id": cid, "label_ids": list(grp["label_id"]),
                     "shares": [round(float(s), 3) for s in grp["share_of_cluster"]], "unlabelled": left,
                     "message": f"recomputed cluster {cid} overlaps {' and '.join(names)}; its {left} unlabelled "
                                f"ticket(s) were left unlabelled: merge it into one of them or move the tickets"})
    conflicts = pd.DataFrame(rows, columns=["cluster_id", "label_ids", "shares", "unlabelled", "message"])
    present = set(frame.loc[frame["how"] == "member", "label_id"].unique())
    lost = pd.DataFrame([{"label_id": lid, "name": lab.name, "members": len(lab.members)}
                         for lid, lab in store.labels.items() if lid not in present],
                        columns=["label_id", "name", "members"])
    matches = matches[["label_id", "cluster_id", "shared", "jaccard", "share_of_cluster", "carried"]]
    return Carried(frame, matches.reset_index(drop=True), conflicts, lost)


def _cluster_ids(values: pd.Series) -> pd.Series:
    """Cluster ids as strings; NA, empty and negative numbers mean unclustered."""
    text = values.astype("str").str.strip()
    numeric = pd.to_numeric(values, errors="coerce")
    bad = values.isna().to_numpy() | (text == "").to_numpy() | (numeric < 0).fillna(False).to_numpy(dtype=bool)
    return text.mask(bad)


# --------------------------------------------------------------------- exports
LABELLED_COLUMNS = ["label_id", "name", "status", "status_text", "tracker_key", "note", "tickets", "customers",
                    "first_seen", "last_seen", "bug_keys", "example_tickets", "updated_at"]


def labelled_clusters(store: LabelStore, summary: pd.DataFrame | None = None) -> pd.DataFrame:
    """The labelled clusters as a table the report notebook can show.

    Parameters
    ----------
    store : the labels.
    summary : optional evidence per label (index or column ``label_id``) with any of tickets, customers,
        first_seen, last_seen, bug_keys, example_tickets, as computed by the explorer for the current data.

    Returns
    -------
    One row per label, sorted by status then tickets: label_id, name, status, status_text, tracker_key,
    note, tickets, customers, first_seen, last_seen, bug_keys (comma-separated), example_tickets
    (comma-separated ticket ids), updated_at. Without ``summary``, tickets is the member count and the
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
        keep = [c for c in ["tickets", "customers", "first_seen", "last_seen", "bug_keys", "example_tickets"]
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
    for col in ("bug_keys", "example_tickets"):
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
    statuses : which statuses are candidates (default: upstream bugs only).
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
    chosen = labelled[labelled["status"].isin(list(statuses))].sort_values("tickets", ascending=False)
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
    atomic_write_text(path, candidates.to_csv(index=False, quoting=1, lineterminator="\n"))
    return path


def _cell(text: str) -> str:
    """Keep spreadsheet programs from reading a cell as a formula."""
    return f"'{text}" if text.startswith(_FORMULA_START) else text


def _day(value) -> str:
    return pd.Timestamp(value).strftime("%Y-%m-%d")
