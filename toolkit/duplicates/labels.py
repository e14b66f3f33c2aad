"""The analyst's judgement on duplicate-ticket clusters, kept safe on disk.

A *label* is a group of tickets the analyst has looked at: a stable id (``L1``,
``L2`` ...), a name, a status (upstream bug, known issue with its tracker key,
process or documentation problem, not a problem), a free note and the member
ticket ids. :class:`LabelStore` holds the labels, applies the explorer's actions
(rename, merge, split, move, set status), keeps each action's exact changes so it
can be undone and redone, and writes them to one JSON file after every action.
Writes are atomic (temporary file in the same folder, ``fsync``, ``os.replace``,
``fsync`` of the folder), so a crash or a kill leaves either the old file or the
new one, never a partial one; a lock file next to it (``filelock``: flock on
POSIX, msvcrt on Windows) lets two explorers save the same file without losing
each other's labels.

:func:`carry_labels` puts labels onto clusters recomputed from new or appended
data. Labelled tickets stay with their label (the analyst's decision wins over
the machine); a recomputed cluster's other tickets join a label when the cluster
*is* that label (Jaccard overlap of its known tickets with the label's members
>= ``min_jaccard``) or lies almost wholly inside it (share >= ``min_share``, the
case of merged labels). When two or more labels each hold at least
``conflict_share`` of a cluster that still has unlabelled tickets, the cluster is
a conflict: its unlabelled tickets stay unlabelled and the conflict is reported,
never resolved silently.

The tables made from labels (the report's table, the Jira import) are in
:mod:`toolkit.duplicates.exports`.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
from filelock import FileLock, Timeout

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

LOCK_TIMEOUT_SECONDS = 30.0
"""How long an action waits for another session's save before it gives up."""

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
    """The labels of one data set, saved to ``path`` after every action, safe with several writers.

    Opening a store reads ``path`` if it exists (labels survive restarts). Every action method runs in a
    :meth:`transaction`: it takes the file's lock, re-reads the file when another session saved since this
    one last read or wrote it (so that session's labels are kept, and this action is applied on top of
    them), applies the action, appends it to :attr:`history` with the exact label changes, and writes the
    file atomically before the lock is released. An action that returned is on disk. Member sets of
    different labels never overlap: an action that gives a ticket to one label takes it from any other.

    Every action can be undone and redone (:meth:`undo`, :meth:`redo`), from the changes the history keeps,
    also after a restart.

    Parameters
    ----------
    path : the JSON file (see :func:`labels_path_for` for the usual place).
    autosave : save after every action (default). With False, actions change only the labels in memory
        and :meth:`save` writes them (refusing when another session saved meanwhile); for building a
        store in tests or scripts.
    lock_timeout : seconds to wait for another session's save before giving up with a :class:`DataError`.
    """

    def __init__(self, path: str | os.PathLike, *, autosave: bool = True,
                 lock_timeout: float = LOCK_TIMEOUT_SECONDS) -> None:
        self.path = Path(path)
        self.autosave = autosave
        self.lock_timeout = lock_timeout
        self.labels: dict[str, Label] = {}
        self.history: list[dict] = []
        self.data_until: str | None = None
        self._next = 1
        self._seen: tuple[int, int, int] | None = None
        self._lock = FileLock(self.path.with_name(f".{self.path.name}.lock"), thread_local=False)
        self._depth = 0
        self._steps: list[tuple[str, list[str], dict]] = []
        self._remove_stale_temporaries()
        self._read()

    # ----------------------------------------------------------------- persistence
    def _remove_stale_temporaries(self) -> None:
        """Remove temporary files of writers that died mid-save.

        Only while holding the lock: a live writer holds it for as long as its temporary file exists,
        so another process's in-flight save is never touched.
        """
        if not self.path.parent.is_dir() or not any(self.path.parent.glob(f".{self.path.name}.*.tmp")):
            return  # nothing to clean: opening a store creates no lock file
        try:
            self._lock.acquire(timeout=0)
        except (Timeout, OSError):
            return  # someone is saving right now (their temporary file is not stale), or the folder is read-only
        try:
            for tmp in self.path.parent.glob(f".{self.path.name}.*.tmp"):
                with contextlib.suppress(OSError):
                    tmp.unlink()
        finally:
            self._lock.release()

    def _read(self) -> None:
        """Load the file (if any) and remember which version of it this store has seen."""
        try:
            with open(self.path, "rb") as fh:
                seen = _version(os.fstat(fh.fileno()))  # the version of exactly the bytes read
                text = fh.read().decode("utf-8")
        except FileNotFoundError:
            self.labels, self.history, self.data_until, self._next, self._seen = {}, [], None, 1, None
            return
        except (OSError, UnicodeDecodeError) as exc:
            raise DataError(f"the labels file cannot be read ({exc})", file=str(self.path),
                            fix="restore it from a backup or move it away to start with no labels") from None
        self._load(text)
        self._seen = seen

    def _load(self, text: str) -> None:
        try:
            raw = json.loads(text)
        except json.JSONDecodeError as exc:
            raise DataError(f"the labels file cannot be read ({exc})", file=str(self.path),
                            fix="restore it from a backup or move it away to start with no labels") from None
        if not isinstance(raw, dict) or raw.get("format") != FORMAT:
            raise DataError("this is not a duplicate-labels file", file=str(self.path),
                            fix="point the explorer at its own labels file or move this one away")
        if raw.get("version", 0) > VERSION:
            raise DataError(f"labels file version {raw.get('version')} is newer than this toolkit ({VERSION})",
                            file=str(self.path), fix="upgrade support-toolkit")
        labels: dict[str, Label] = {}
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
            labels[label.label_id] = label
        self.labels = labels
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

    def _version_on_disk(self) -> tuple[int, int, int] | None:
        try:
            return _version(self.path.stat())
        except FileNotFoundError:
            return None

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._lock.acquire(timeout=self.lock_timeout)
        except Timeout:
            raise DataError(f"another explorer has been saving the labels file for {self.lock_timeout:g} s; "
                            "this action was not saved", file=str(self.path),
                            fix="wait for the other explorer (or close it), then repeat the action") from None
        except OSError as exc:
            raise DataError(f"the labels file cannot be locked for saving ({exc.strerror or exc}); this action was "
                            "not saved", file=str(self.path), fix="check that the folder exists and is writable, "
                            "then repeat the action") from None
        try:
            yield
        finally:
            self._lock.release()

    def _write(self) -> None:
        try:
            atomic_write_text(self.path, self.to_json())
        except OSError as exc:
            raise DataError(f"the labels file cannot be written ({exc.strerror or exc}); this action was not saved",
                            file=str(self.path), fix="check that the folder exists and is writable, "
                            "then repeat the action") from None
        self._seen = self._version_on_disk()

    def save(self) -> None:
        """Write all labels to :attr:`path` atomically (for a store opened with ``autosave=False``).

        Refuses (:class:`DataError`) when someone else wrote the file since this store read or wrote it:
        saving would silently drop that session's labels. Stores with ``autosave`` merge instead (see
        :meth:`transaction`).
        """
        with self._locked():
            if self._version_on_disk() != self._seen:
                raise DataError("the labels file was changed by another session since this explorer opened it; "
                                "this action was not saved", file=str(self.path),
                                fix="re-run the explorer cell to reload the labels, then repeat the action")
            self._write()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[LabelStore]:
        """Run several changes as one action: locked, on the newest labels, saved and logged once.

        On entry the lock is taken and the file re-read if another session saved since; on a clean exit
        the changes are appended to :attr:`history` (named after the last action method called inside)
        and written; on an exception the labels go back to their state on entry and nothing is written.
        Nested transactions join the outer one. The explorer wraps each click in one, so labelling a
        cluster, acting on it and pinning carried tickets are one undoable step.
        """
        if self._depth:
            self._depth += 1
            try:
                yield self
            finally:
                self._depth -= 1
            return
        with self._locked() if self.autosave else contextlib.nullcontext():
            if self.autosave and self._version_on_disk() != self._seen:
                self._read()  # another session saved: act on its labels, so none of them is lost
            before = self._snapshot()
            self._steps, self._depth = [], 1
            try:
                yield self
                changes = _changes(before["labels"], self.labels)
                if self._steps:
                    action, label_ids, detail = self._steps[-1]
                    number = max([h.get("n", 0) for h in self.history] + [0]) + 1
                    self.history.append({"n": number, "at": _now(), "action": action, "labels": label_ids,
                                         **detail, "changes": changes})
                if self.autosave and (self._steps or changes):
                    self._write()
            except BaseException:
                self._restore(before)
                raise
            finally:
                self._depth, self._steps = 0, []

    def _snapshot(self) -> dict:
        # history entries only ever get appended or their "undone" flag flipped: keep just those
        return {"labels": {lid: replace(lab, members=list(lab.members)) for lid, lab in self.labels.items()},
                "history": len(self.history), "undone": [h.get("undone") for h in self.history],
                "data_until": self.data_until, "next": self._next}

    def _restore(self, snap: dict) -> None:
        self.labels = snap["labels"]
        del self.history[snap["history"]:]
        for entry, undone in zip(self.history, snap["undone"], strict=True):
            if undone is None:
                entry.pop("undone", None)
            else:
                entry["undone"] = undone
        self.data_until, self._next = snap["data_until"], snap["next"]

    def _done(self, action: str, label_ids: Sequence[str], **detail) -> None:
        """Name the running transaction's action (the history entry takes the last one named)."""
        self._steps.append((action, list(label_ids), detail))

    # ----------------------------------------------------------------- undo / redo
    def undo(self) -> dict | None:
        """Undo the newest label action not undone yet; returns its history entry, or None when there is none.

        The labels it changed get back their exact earlier state (name, status, note, tracker key, times and
        members); tickets it took from a label go back there.
        """
        with self.transaction():
            entry = next((h for h in reversed(self.history) if "changes" in h and h["action"] in UNDOABLE
                          and not h.get("undone")), None)
            if entry is None:
                return None
            self._apply(entry["changes"], backwards=True)
            entry["undone"] = True
            self._done("undo", entry["labels"], of=entry["n"], undid=entry["action"])
        return _public(entry)

    def redo(self) -> dict | None:
        """Redo the action the newest :meth:`undo` took back, unless a new action came since; None otherwise."""
        with self.transaction():
            stack: list[int] = []
            for h in self.history:
                if h["action"] == "undo":
                    stack.append(h["of"])
                elif h["action"] == "redo" and stack:
                    stack.pop()
                elif h["action"] in UNDOABLE:
                    stack.clear()  # a new action ends what can be redone
            if not stack:
                return None
            entry = next(h for h in self.history if h.get("n") == stack[-1])
            self._apply(entry["changes"], backwards=False)
            entry["undone"] = False
            self._done("redo", entry["labels"], of=entry["n"], redid=entry["action"])
        return _public(entry)

    def _apply(self, changes: list[dict], *, backwards: bool) -> None:
        for change in changes:
            lid = change["label_id"]
            fields = change["before"] if backwards else change["after"]
            add, drop = (change["removed"], change["added"]) if backwards else (change["added"], change["removed"])
            if fields is None:
                self.labels.pop(lid, None)
                continue
            self._take(add, keep=lid)
            current = self.labels.get(lid)
            dropped = set(drop)
            kept = [t for t in (current.members if current else []) if t not in dropped]
            self.labels[lid] = Label(**fields, members=kept + [t for t in add if t not in set(kept)])
        self.labels = dict(sorted(self.labels.items(), key=lambda item: _label_number(item[0])))

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
               note: str = "") -> Label:
        """Label a group of tickets (taking them from other labels) and return the new label."""
        members = list(dict.fromkeys(str(m) for m in members))
        if not members:
            raise ConfigError("a label needs at least one ticket", key="members", fix="select tickets first")
        _check_status(status, tracker_key)
        with self.transaction():
            self._take(members)
            label = Label(f"L{self._next}", _clean_name(name), members, status, tracker_key.strip(), note)
            self._next += 1
            self.labels[label.label_id] = label
            self._done("create", [label.label_id], name=label.name, tickets=len(members))
        return label

    def extend(self, label_id: str, tickets: Iterable[str]) -> Label:
        """Add tickets to a label (taking them from other labels), e.g. new tickets carried onto it."""
        with self.transaction():
            label = self.get(label_id)
            tickets = [str(t) for t in tickets if str(t) not in set(label.members)]
            if tickets:
                self._take(tickets, keep=label_id)
                label.members = list(label.members) + list(dict.fromkeys(tickets))
                label.updated_at = _now()
            self._done("extend", [label_id], tickets=len(tickets))
        return label

    def rename(self, label_id: str, name: str) -> Label:
        """Give a label a new name."""
        with self.transaction():
            label = self.get(label_id)
            old, label.name, label.updated_at = label.name, _clean_name(name), _now()
            self._done("rename", [label_id], old=old, new=label.name)
        return label

    def set_status(self, label_id: str, status: str, *, tracker_key: str = "", note: str | None = None) -> Label:
        """Set the status (see :data:`STATUSES`), the tracker key and, when given, the note."""
        _check_status(status, tracker_key)
        with self.transaction():
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
        with self.transaction():
            into = into or label_ids[0]
            target = self.get(into)
            others = [self.get(lid) for lid in dict.fromkeys(label_ids) if lid != into]
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
        tickets = [str(t) for t in tickets]
        with self.transaction():
            label = self.get(label_id)
            foreign = sorted(set(tickets) - set(label.members))
            if foreign:
                raise ConfigError(f"tickets {', '.join(foreign[:5])} are not in {label_id}", key="tickets",
                                  fix="select tickets of the current cluster")
            if not tickets:
                raise ConfigError("no tickets selected to split off", key="tickets", fix="select tickets first")
            new = self.create(tickets, name)
            self._done("split", [label_id, new.label_id], tickets=len(tickets), name=new.name)
        return new

    def move(self, tickets: Iterable[str], to: str) -> Label:
        """Move tickets to label ``to`` from wherever they are."""
        tickets = [str(t) for t in tickets]
        if not tickets:
            raise ConfigError("no tickets selected to move", key="tickets", fix="select tickets first")
        with self.transaction():
            self.extend(to, tickets)
            self._done("move", [to], tickets=tickets[:50])
        return self.get(to)

    def sync(self, effective: pd.DataFrame, data_until: str | None) -> None:
        """Make label members equal to the tickets an explorer shows under them, and record the data's end.

        ``effective`` has columns ticket_id and label_id (NA when unlabelled), e.g. from :func:`carry_labels`.
        Members missing from ``effective`` (other data) are kept. Not an action of its own: inside the
        explorer's transaction it becomes part of the action that caused it.
        """
        with self.transaction():
            present = set(effective["ticket_id"])
            labelled = effective.dropna(subset=["label_id"])
            groups = labelled.groupby("label_id", sort=False)["ticket_id"].agg(list).to_dict()
            for lid, label in list(self.labels.items()):
                kept = [t for t in label.members if t not in present]
                label.members = kept + list(groups.get(lid, []))
                if not label.members:
                    del self.labels[lid]
            self.data_until = data_until


UNDOABLE = frozenset({"create", "extend", "rename", "status", "merge", "split", "move"})
"""History actions :meth:`LabelStore.undo` can take back (``undo``/``redo`` entries themselves are not)."""


def _version(stat: os.stat_result) -> tuple[int, int, int]:
    return stat.st_ino, stat.st_mtime_ns, stat.st_size  # every atomic write makes a new inode


def _fields(label: Label | None) -> dict | None:
    return None if label is None else {k: v for k, v in asdict(label).items() if k != "members"}


def _changes(before: dict[str, Label], after: dict[str, Label]) -> list[dict]:
    """What a transaction changed, per label: fields before and after (None = absent), tickets added and removed."""
    out = []
    for lid in sorted(set(before) | set(after), key=_label_number):
        old, new = before.get(lid), after.get(lid)
        old_members = set(old.members) if old else set()
        new_members = set(new.members) if new else set()
        if _fields(old) == _fields(new) and old_members == new_members:
            continue
        out.append({"label_id": lid, "before": _fields(old), "after": _fields(new),
                    "added": sorted(new_members - old_members), "removed": sorted(old_members - new_members)})
    return out


def _label_number(label_id: str) -> tuple[int, str]:
    digits = label_id[1:]
    return (int(digits), "") if digits.isdigit() else (10**9, label_id)


def _public(entry: dict) -> dict:
    """A history entry as undo/redo return it: the action, its labels and details, without the change log."""
    return {k: v for k, v in entry.items() if k not in ("changes", "undone")}


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

