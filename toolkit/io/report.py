"""What a loader did to a file: the load report that accounts for every input row.

Every loader returns ``(frame, LoadReport)``. The report holds the counts
(``rows_read == rows_kept + rows_rejected``), each rejected row with its number in
the source file, the column, the value and the reason, the coercions and defaults
applied, the columns ignored, and what was detected (source, format, encoding,
delimiter). :meth:`LoadReport.to_frame` gives the tidy table the data-quality
appendix shows; :meth:`LoadReport.summary` the text the CLI prints.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

import pandas as pd

from toolkit.errors import describe_rows

REJECTED_COLUMNS = ["row", "column", "value", "reason"]
REPORT_COLUMNS = ["file", "table", "section", "item", "count", "detail"]


@dataclass
class LoadReport:
    """The account of one load.

    Attributes
    ----------
    file, table : the input file and the canonical table produced.
    source : the mapping used (e.g. ``zendesk``); ``source_detected`` says whether it was detected from
        the header or given.
    format, encoding, delimiter : how the file was read.
    rows_read, rows_kept : data rows in the file, and rows in the canonical table.
    rejected : one row per rejected input row: row (number in the file; the header is row 1), column,
        value, reason.
    notes : coercions, defaults and other decisions, as sentences.
    columns_used : canonical column -> the vendor column(s) it came from.
    columns_ignored : vendor columns not used (add them to ``extra=`` to keep them).
    columns_extra : vendor columns kept in the ``extra`` mapping.
    """

    file: str
    table: str
    source: str
    source_detected: bool = False
    format: str = ""
    encoding: str | None = None
    delimiter: str | None = None
    rows_read: int = 0
    rows_kept: int = 0
    rejected: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=REJECTED_COLUMNS))
    notes: list[str] = field(default_factory=list)
    columns_used: dict[str, list[str]] = field(default_factory=dict)
    columns_ignored: list[str] = field(default_factory=list)
    columns_extra: list[str] = field(default_factory=list)

    @property
    def rows_rejected(self) -> int:
        return len(self.rejected)

    @property
    def balanced(self) -> bool:
        """Whether every row read is either kept or rejected."""
        return self.rows_read == self.rows_kept + self.rows_rejected

    def reasons(self) -> pd.DataFrame:
        """Rejections grouped: column, reason, count, and the first rows with their values."""
        if self.rejected.empty:
            return pd.DataFrame(columns=["column", "reason", "count", "rows"])
        groups = []
        for (column, reason), part in self.rejected.groupby(["column", "reason"], sort=False):
            values = part["value"].tolist()
            shown = values if any(str(v) for v in values) else None
            groups.append({"column": column, "reason": reason, "count": len(part),
                           "rows": describe_rows(part["row"].tolist(), shown)})
        return pd.DataFrame(groups).sort_values("count", ascending=False, kind="stable").reset_index(drop=True)

    def to_frame(self) -> pd.DataFrame:
        """The report as one tidy table: file, table, section, item, count, detail.

        Sections: ``read`` (how the file was read), ``rows`` (read/kept/rejected),
        ``rejected`` (one line per column and reason), ``coercion`` (notes),
        ``columns`` (used, kept in extra, ignored).
        """
        rows = [
            ("read", "source", None, f"{self.source} ({'detected' if self.source_detected else 'given'})"),
            ("read", "format", None, self.format),
        ]
        if self.encoding:
            rows.append(("read", "encoding", None, self.encoding))
        if self.delimiter:
            rows.append(("read", "delimiter", None, repr(self.delimiter)))
        rows += [("rows", "read", self.rows_read, ""), ("rows", "kept", self.rows_kept, ""),
                 ("rows", "rejected", self.rows_rejected, "")]
        for r in self.reasons().itertuples():
            item = f"`{r.column}`: {r.reason}" if r.column else r.reason
            rows.append(("rejected", item, r.count, r.rows))
        rows += [("coercion", note, None, "") for note in self.notes]
        for target, cols in self.columns_used.items():
            rows.append(("columns", f"{target} <- " + (", ".join(f"`{c}`" for c in cols) or "(constant)"), None, ""))
        if self.columns_extra:
            rows.append(("columns", "kept in extra", len(self.columns_extra), ", ".join(self.columns_extra)))
        if self.columns_ignored:
            rows.append(("columns", "ignored", len(self.columns_ignored), ", ".join(self.columns_ignored)))
        frame = pd.DataFrame(rows, columns=["section", "item", "count", "detail"])
        frame.insert(0, "table", self.table)
        frame.insert(0, "file", self.file)
        frame["count"] = frame["count"].astype("Int64")
        return frame

    def summary(self) -> str:
        """A few lines for a terminal or a notebook."""
        how = ", ".join(x for x in (self.format, self.encoding,
                                    f"delimiter {self.delimiter!r}" if self.delimiter else "") if x)
        lines = [f"{self.file}: {self.source} {self.table} ({'detected' if self.source_detected else 'given'}; {how})",
                 f"  rows read {self.rows_read}, kept {self.rows_kept}, rejected {self.rows_rejected}"]
        for r in self.reasons().head(10).itertuples():
            where = f"`{r.column}`: " if r.column else ""
            lines.append(f"  rejected {r.count}: {where}{r.reason} — {r.rows}")
        lines += [f"  note: {n}" for n in self.notes]
        if self.columns_ignored:
            shown = ", ".join(self.columns_ignored[:12]) + (" …" if len(self.columns_ignored) > 12 else "")
            lines.append(f"  columns ignored ({len(self.columns_ignored)}): {shown}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()

    def to_json(self) -> str:
        """The report as JSON (stored with cached tables)."""
        data = asdict(self)
        data["rejected"] = self.rejected.astype(str).to_dict("list")
        return json.dumps(data)

    @classmethod
    def from_json(cls, text: str) -> LoadReport:
        data = json.loads(text)
        rejected = pd.DataFrame(data.pop("rejected"), columns=REJECTED_COLUMNS)
        rejected["row"] = pd.to_numeric(rejected["row"]).astype("int64")
        return cls(rejected=rejected, **data)


def reports_table(reports) -> pd.DataFrame:
    """Several load reports as one tidy table (columns as :meth:`LoadReport.to_frame`), for the appendix."""
    frames = [r.to_frame() for r in reports]
    if not frames:
        return pd.DataFrame(columns=REPORT_COLUMNS)
    return pd.concat(frames, ignore_index=True)
