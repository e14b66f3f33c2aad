"""The data that evidence rules test interview claims against, as one typed object.

Evidence used to travel as a dict keyed by strings, and a table handed over under the
wrong key was silently "not tested". :class:`EvidenceData` names every input once: a
misspelt input is a ``TypeError`` at the call, a wrong kind of value a
:class:`~toolkit.errors.ConfigError`, and an input left out (``None``) makes the claims
that need it "not enough data", with the reason in plain words.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields
from pathlib import Path

import pandas as pd

from toolkit.errors import ConfigError, DataError
from toolkit.schema import validate

ASSIGNMENT_COLUMNS = ("ticket_id", "cluster_id")

# Canonical table name (and file name in a data folder) of each EvidenceData input.
TABLE_NAMES = {"tickets": "tickets", "messages": "messages", "survey_responses": "survey_responses",
               "invitations": "survey_invitations"}


@dataclass(frozen=True)
class EvidenceData:
    """The client's data for testing interview claims; every input is optional.

    Attributes
    ----------
    tickets, messages, survey_responses, invitations : canonical tables (see
        ``docs/data-model.md``; ``invitations`` is the survey_invitations table).
    duplicate_assignments : one row per ticket: ticket_id, cluster_id (-1 = in no cluster), as
        :attr:`toolkit.duplicates.DuplicateFinder.assignments_` holds them.
    releases : the client's releases and changes (date, name, product), as
        :func:`toolkit.ops.load_releases` returns them.

    Examples
    --------
    >>> import pandas as pd
    >>> data = EvidenceData(duplicate_assignments=pd.DataFrame({"ticket_id": ["1"], "cluster_id": [0]}))
    >>> data.given()
    ['duplicate_assignments']
    >>> EvidenceData(tickets={"ticket_id": ["1"]})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    toolkit.errors.ConfigError: `tickets`: expected a DataFrame (the canonical tickets table), got dict. Fix: ...
    """

    tickets: pd.DataFrame | None = None
    messages: pd.DataFrame | None = None
    survey_responses: pd.DataFrame | None = None
    invitations: pd.DataFrame | None = None
    duplicate_assignments: pd.DataFrame | None = None
    releases: pd.DataFrame | None = None
    _shared: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for name in self.given(empty=True):
            value = getattr(self, name)
            if not isinstance(value, pd.DataFrame):
                table = TABLE_NAMES.get(name, {"releases": "releases (date, name, product)"}.get(
                    name, "ticket_id, cluster_id"))
                raise ConfigError(f"expected a DataFrame (the canonical {table} table), got {type(value).__name__}",
                                  key=name, fix="pass the frame a loader returns, or None when there is none")
        if self.duplicate_assignments is not None:
            missing = [c for c in ASSIGNMENT_COLUMNS if c not in self.duplicate_assignments.columns]
            if missing:
                raise DataError("required column is missing", table="duplicate_assignments", column=missing[0],
                                fix="pass DuplicateFinder(...).fit(tickets).assignments_ (ticket_id, cluster_id)")

    def given(self, *, empty: bool = False) -> list[str]:
        """Names of the inputs given (with rows, unless ``empty``), in field order."""
        names = [f.name for f in fields(self) if f.init]
        return [n for n in names if getattr(self, n) is not None and (empty or len(getattr(self, n)))]

    def shared(self, key: tuple, compute: Callable[[], object]) -> object:
        """A result several indicators read (e.g. the conversation summary), computed once per inputs object."""
        if key not in self._shared:
            self._shared[key] = compute()
        return self._shared[key]


def read_evidence_data(folder: str | Path, *, tz: str = "UTC") -> EvidenceData:
    """Read the canonical tables for evidence from a folder (e.g. ``data/samples`` or a loader's output).

    Looks for ``<table>.csv``, ``<table>.csv.gz`` or ``<table>.parquet`` for tickets, messages,
    survey_responses and survey_invitations (each optional), ``duplicate_assignments.csv``
    (ticket_id, cluster_id: what ``support-toolkit duplicates TICKETS --out FILE`` writes) and
    ``releases.csv`` (date, name, product: :func:`toolkit.ops.load_releases`).
    Naive timestamps are read in ``tz``.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise DataError("data folder not found", file=str(folder),
                        fix="pass a folder holding tickets.csv(.gz) and the other canonical tables")
    tables: dict[str, pd.DataFrame] = {}
    for name, table in (*TABLE_NAMES.items(), ("duplicate_assignments", "duplicate_assignments")):
        file = next((folder / f"{table}{s}" for s in (".csv", ".csv.gz", ".parquet")
                     if (folder / f"{table}{s}").is_file()), None)
        if file is None:
            continue
        raw = (pd.read_parquet(file) if file.suffix == ".parquet"
               else pd.read_csv(file, dtype="str", keep_default_na=False, na_values=[""]))
        if name == "duplicate_assignments":
            missing = [c for c in ASSIGNMENT_COLUMNS if c not in raw.columns]
            if missing:
                raise DataError("required column is missing", file=str(file), column=missing[0],
                                fix="write DuplicateFinder(...).fit(tickets).assignments_ to this file")
            tables[name] = raw.assign(ticket_id=raw["ticket_id"].astype("str"),
                                      cluster_id=pd.to_numeric(raw["cluster_id"]).astype("int64"))
        else:
            tables[name] = validate(raw, table, tz=tz, file=str(file))
    if (folder / "releases.csv").is_file():
        from toolkit.ops.releases import load_releases

        tables["releases"] = load_releases(folder / "releases.csv")
    if "tickets" not in tables and "survey_responses" not in tables:
        raise DataError("no tickets or survey_responses table in the folder", file=str(folder),
                        fix="name the files tickets.csv, survey_responses.csv, ... (canonical tables)")
    return EvidenceData(**tables)
