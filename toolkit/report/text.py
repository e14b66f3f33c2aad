"""Safe HTML for report notebooks: every piece of client text redacted and escaped at its source.

The report is rendered without nbconvert's HTML sanitiser (it would break the
plotly figures), so the text that reaches the page must already be safe. These
helpers are the only way report notebooks show text and tables:

- :func:`safe_text` redacts personal data with :func:`toolkit.pii.redact` (unless
  ``redact_pii=False``) and then HTML-escapes, so a ticket subject like
  ``<img src=x onerror=alert(1)>`` appears as text and never runs.
- :func:`table` shows a DataFrame through a pandas ``Styler`` with ``escape="html"``
  for cells and headers (the ``Styler`` does not escape unless told to) after
  redacting every text column.
- :class:`Html` marks markup built here as trusted; notebooks display it as the last
  expression of a cell (it has ``_repr_html_``).
"""

from __future__ import annotations

import hashlib
import html
import math
from collections.abc import Iterable, Mapping, Sequence

import pandas as pd
from pandas.io.formats.style import Styler

from toolkit.pii import redact

__all__ = ["Display", "Html", "bullet_list", "callout", "figure", "join", "notes", "paragraph", "safe_text", "table"]


class Html(str):
    """Markup built by these helpers from escaped parts; Jupyter shows it as HTML."""

    def _repr_html_(self) -> str:
        return str(self)


def _missing(value: object) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def safe_text(value: object, *, redact_pii: bool = True) -> str:
    """``value`` as text, personal data masked (unless ``redact_pii`` is False), HTML-escaped.

    Missing values (None, NA, NaN) become the empty string.

    >>> safe_text("<b>mail me</b> at jo@example.com")
    '&lt;b&gt;mail me&lt;/b&gt; at [email]'
    """
    if _missing(value):
        return ""
    text = str(value)
    if redact_pii:
        text = redact(text)
    return html.escape(text, quote=True)


def paragraph(text: object, *, redact_pii: bool = True, css_class: str = "") -> Html:
    """One ``<p>`` of safe text."""
    cls = f' class="{html.escape(css_class)}"' if css_class else ""
    return Html(f"<p{cls}>{safe_text(text, redact_pii=redact_pii)}</p>")


def callout(text: object, *, kind: str = "note", title: str = "", redact_pii: bool = True) -> Html:
    """A highlighted box (``kind``: note, finding, warning) holding one safe sentence."""
    kind = kind if kind in ("note", "finding", "warning") else "note"
    head = f"<strong>{safe_text(title, redact_pii=False)}</strong> " if title else ""
    return Html(f'<div class="callout callout-{kind}">{head}{safe_text(text, redact_pii=redact_pii)}</div>')


def bullet_list(items: Iterable[object], *, redact_pii: bool = True, ordered: bool = False,
                css_class: str = "") -> Html:
    """A list of safe sentences; an empty iterable gives empty markup."""
    rows = "".join(f"<li>{safe_text(item, redact_pii=redact_pii)}</li>" for item in items)
    if not rows:
        return Html("")
    tag = "ol" if ordered else "ul"
    cls = f' class="{html.escape(css_class)}"' if css_class else ""
    return Html(f"<{tag}{cls}>{rows}</{tag}>")


def notes(texts: Iterable[object], *, title: str = "Notes") -> Html:
    """The caveats and skipped measures a computation reported, as a small muted list."""
    items = [t for t in texts if not _missing(t) and str(t).strip()]
    if not items:
        return Html("")
    return Html(f'<div class="notes"><span>{safe_text(title, redact_pii=False)}</span>'
                f"{bullet_list(items, redact_pii=False)}</div>")


def join(*parts: str) -> Html:
    """Several pieces of trusted markup shown as one output."""
    return Html("".join(str(p) for p in parts if p))


def table(
    frame: pd.DataFrame | None,
    *,
    columns: Mapping[str, str] | Sequence[str] | None = None,
    formats: Mapping[str, str] | None = None,
    caption: str = "",
    max_rows: int | None = 50,
    redact_pii: bool = True,
    labels: Mapping[str, Mapping[object, object]] | None = None,
    missing: str = "Not available for this data.",
) -> Html:
    """A DataFrame as a safe, readable HTML table (a short note instead when it is None or empty).

    Every text cell is redacted (unless ``redact_pii`` is False) and every cell and
    header is HTML-escaped; floats get two decimals unless ``formats`` says otherwise.

    Parameters
    ----------
    frame : the tidy result frame.
    columns : columns to show, in order; a mapping also renames them for readers
        (``{"sla_attainment": "SLA attainment"}``).
    formats : per shown column, a format string such as ``"{:.0%}"`` or ``"{:,.0f}"``.
    caption : a short line shown above the table.
    max_rows : show at most this many rows (a note says how many were left out).
    redact_pii : mask e-mail addresses, phone numbers and the like in text cells.
    labels : per column, readable labels for raw values (``{"metric": {"first_reply_minutes": "First reply"}}``).
    missing : the note shown when there is nothing to tabulate.
    """
    if frame is None or not len(frame):
        return callout(missing)
    if columns is not None:
        names = dict(columns) if isinstance(columns, Mapping) else {c: c for c in columns}
        missing = [c for c in names if c not in frame.columns]
        if missing:
            raise KeyError(f"table(): the frame has no column(s) {', '.join(map(repr, missing))}")
        shown = frame[list(names)].rename(columns=names)
        formats = {names.get(k, k): v for k, v in (formats or {}).items()}
    else:
        shown = frame
        formats = dict(formats or {})
    total = len(shown)
    if max_rows is not None and total > max_rows:
        shown = shown.head(max_rows)
    shown = shown.reset_index(drop=True).copy()
    for col, mapping in (labels or {}).items():
        col = names.get(col, col) if columns is not None else col
        if col in shown.columns:
            shown[col] = shown[col].map(lambda v, m=mapping: m.get(v, v))
    for col in shown.columns:
        series = shown[col]
        if isinstance(series.dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_any_dtype(series.dtype):
            shown[col] = series.dt.strftime("%Y-%m-%d").astype("str")
        elif pd.api.types.is_bool_dtype(series.dtype):
            shown[col] = series.map({True: "yes", False: "no"}).fillna("").astype("str")
        elif not pd.api.types.is_numeric_dtype(series.dtype):
            text = series.map(lambda v: "" if _missing(v) else (" · ".join(map(str, v)) if isinstance(v, list | tuple)
                                                                   else str(v)))
            shown[col] = redact(text.astype("str")) if redact_pii else text.astype("str")
    compact = [str(c) for c in shown.columns if shown[c].astype("str").str.len().max() <= 12]
    shown.columns = [str(c) for c in shown.columns]
    float_cols = [c for c in shown.columns if pd.api.types.is_float_dtype(shown[c].dtype) and c not in formats]
    # A stable id (not pandas' random one) keeps the report deterministic for the same data.
    uuid = hashlib.sha1(pd.util.hash_pandas_object(shown.astype("str"), index=False).values.tobytes()
                        + "|".join(shown.columns).encode()).hexdigest()[:8]
    styler = Styler(shown, uuid=uuid, cell_ids=False).hide(axis="index").format(escape="html", na_rep="–")
    # (Styler.format with an empty dict would reset every column's format: only pass non-empty ones.)
    per_column = {c: "{:,.2f}" for c in float_cols} | {c: f for c, f in formats.items() if c in shown.columns}
    if per_column:
        styler = styler.format(per_column, escape="html", na_rep="–")
    styler = styler.format_index(escape="html", axis=1)
    if compact:  # short values (dates, numbers, yes/no) never wrap
        styler = styler.set_properties(subset=compact, **{"white-space": "nowrap"})
    wordy = [c for c in shown.columns if c not in compact and shown[c].astype("str").str.len().max() > 60]
    if wordy:  # sentences and quotes get room to breathe
        styler = styler.set_properties(subset=wordy, **{"min-width": "14em"})
    styler = styler.set_table_attributes('class="report-table"')
    head = f'<p class="table-caption">{safe_text(caption, redact_pii=False)}</p>' if caption else ""
    more = (f'<p class="table-more">Showing {len(shown):,} of {total:,} rows.</p>'
            if total > len(shown) else "")
    return Html(f'<div class="table-wrap">{head}{styler.to_html()}{more}</div>')


def figure(plot, frame: pd.DataFrame | None, *args, missing: str = "Not available for this data.", **kwargs):
    """``plot(frame, *args, **kwargs)``, or a short note instead when ``frame`` is None or empty.

    Lets a report notebook show a section's figure in one call whether or not the
    client's data allowed the measure.
    """
    if frame is None or not len(frame):
        return callout(missing)
    return plot(frame, *args, **kwargs)


class Display:
    """The text helpers bound to one report's ``redact_pii`` setting, so notebooks state it once.

    >>> show = Display(redact_pii=True)
    >>> show.paragraph("Contact jo@example.com")
    '<p>Contact [email]</p>'
    """

    def __init__(self, redact_pii: bool = True) -> None:
        self.redact_pii = redact_pii
        self.shown: dict[str, pd.DataFrame | None] = {}

    def table(self, frame: pd.DataFrame | None, *, name: str = "", **kwargs) -> Html:
        """:func:`table` with this report's redaction; a ``name`` keeps the frame in :attr:`shown`
        for the results bundle (:mod:`toolkit.report.bundle`), whole and unformatted."""
        if name:
            self.shown[name] = frame
        return table(frame, redact_pii=self.redact_pii, **kwargs)

    def paragraph(self, text: object, **kwargs) -> Html:
        """:func:`paragraph` with this report's redaction."""
        return paragraph(text, redact_pii=self.redact_pii, **kwargs)

    def callout(self, text: object, **kwargs) -> Html:
        """:func:`callout` with this report's redaction."""
        return callout(text, redact_pii=self.redact_pii, **kwargs)

    def bullet_list(self, items: Iterable[object], **kwargs) -> Html:
        """:func:`bullet_list` with this report's redaction."""
        return bullet_list(items, redact_pii=self.redact_pii, **kwargs)

    @staticmethod
    def section(result, *, show_notes: bool = True) -> object:
        """A section's notes; when its data is missing (``result.available`` is False), the marker
        that makes the report show only the section's heading and the reason.

        ``show_notes=False`` shows nothing for an available result (for a second section that
        depends on the same result, e.g. the roadmap on the maturity assessment).
        """
        if getattr(result, "available", True):
            return notes(result.notes) if show_notes else None
        return SectionUnavailable(" ".join(result.notes))

    @staticmethod
    def notes(texts: Iterable[object], **kwargs) -> Html:
        """:func:`notes` (library notes hold no client text)."""
        return notes(texts, **kwargs)

    @staticmethod
    def figure(plot, frame: pd.DataFrame | None, *args, **kwargs):
        """:func:`figure`."""
        return figure(plot, frame, *args, **kwargs)


class SectionUnavailable:
    """Shown in a report notebook, tells the exporter to leave the section out and say why."""

    def __init__(self, reason: str) -> None:
        self.reason = reason

    def _repr_mimebundle_(self, include=None, exclude=None):
        from toolkit.report.export import UNAVAILABLE_MIMETYPE

        return {UNAVAILABLE_MIMETYPE: {"reason": self.reason}, "text/plain": f"Left out of the report: {self.reason}"}
