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
import re
from collections.abc import Callable, Iterable, Mapping, Sequence

import pandas as pd
from pandas.io.formats.style import Styler

from toolkit import formatting as fmt
from toolkit.pii import redact

__all__ = ["Display", "Html", "bullet_list", "callout", "chart", "figure", "join", "notes", "paragraph", "safe_text",
           "table"]


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
    formats: Mapping[str, str | Callable[[object], str]] | None = None,
    caption: str = "",
    max_rows: int | None = 50,
    redact_pii: bool = True,
    labels: Mapping[str, Mapping[object, object]] | None = None,
    missing: str = "Not available for this data.",
) -> Html:
    """A DataFrame as a safe, readable, accessible HTML table (a short note instead when it is None or empty).

    Every number and date is written by :mod:`toolkit.formatting` (integers as counts, floats
    with two decimals, dates as "1 Oct 2025" unless ``formats`` names another rule); every
    text cell is redacted (unless ``redact_pii`` is False) and every cell and header is
    HTML-escaped. In rows flagged ``small_sample`` the ``percent`` columns read "not
    measurable". The table carries ``caption`` as its ``<caption>`` and ``scope="col"`` on
    its headers, for screen readers.

    Parameters
    ----------
    frame : the tidy result frame.
    columns : columns to show, in order; a mapping also renames them for readers
        (``{"sla_attainment": "SLA attainment"}``).
    formats : per shown column, a rule of :data:`toolkit.formatting.FORMATTERS` (``"percent"``,
        ``"count"``, ``"minutes"``, ...) or a function from value to text.
    caption : what the table shows, in a few words (every report table has one).
    max_rows : show at most this many rows (a note says how many were left out).
    redact_pii : mask e-mail addresses, phone numbers and the like in text cells.
    labels : per column, readable labels for raw values (``{"metric": {"first_reply_minutes": "First reply"}}``).
    missing : the note shown when there is nothing to tabulate.
    """
    if frame is None or not len(frame):
        return callout(missing)
    names = dict(columns) if isinstance(columns, Mapping) else {c: c for c in (columns or frame.columns)}
    absent = [c for c in names if c not in frame.columns]
    if absent:
        raise KeyError(f"table(): the frame has no column(s) {', '.join(map(repr, absent))}")
    rules = {names.get(k, k): fmt.formatter(v) if isinstance(v, str) else v for k, v in (formats or {}).items()}
    percent_columns = {names.get(k, k) for k, v in (formats or {}).items() if v == "percent"}
    total = len(frame)
    rows = frame.head(max_rows) if max_rows is not None and total > max_rows else frame
    small = (rows["small_sample"].fillna(False).astype(bool).to_numpy() if "small_sample" in rows.columns
             else None)
    shown = rows[list(names)].rename(columns=names).reset_index(drop=True)
    shown.columns = [str(c) for c in shown.columns]
    for col, mapping in (labels or {}).items():
        col = str(names.get(col, col))
        if col in shown.columns:
            shown[col] = shown[col].map(lambda v, m=mapping: m.get(v, v))
    numeric = []
    for col in shown.columns:
        shown[col] = _cells(shown[col], rules.get(col), redact_pii)
        dtype = rows[_source(names, col)].dtype
        number = pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype)
        if rules.get(col) is not None or number:
            numeric.append(col)
        if small is not None and col in percent_columns:
            shown.loc[small, col] = fmt.NOT_MEASURABLE
    # A stable id (not pandas' random one) keeps the report deterministic for the same data.
    uuid = hashlib.sha1(pd.util.hash_pandas_object(shown, index=False).values.tobytes()
                        + "|".join(shown.columns).encode()).hexdigest()[:8]
    styler = Styler(shown, uuid=uuid, cell_ids=False).hide(axis="index").format(escape="html")
    styler = styler.format_index(escape="html", axis=1)
    kinds = {c: _cell_class(shown[c], c in numeric) for c in shown.columns}
    styler = styler.set_td_classes(pd.DataFrame({c: [kinds[c]] * len(shown) for c in shown.columns}))
    styler = styler.set_table_attributes('class="report-table"')
    markup = styler.to_html().replace('<th class="col_heading', '<th scope="col" class="col_heading')
    if caption:
        markup = _TABLE_OPEN.sub(lambda m: f"{m.group(0)}<caption>{safe_text(caption, redact_pii=False)}</caption>",
                                 markup, count=1)
    more = (f'<p class="table-more">Showing {fmt.count(len(shown))} of {fmt.count(total)} rows.</p>'
            if total > len(shown) else "")
    return Html(f'<div class="table-wrap">{markup}{more}</div>')


_TABLE_OPEN = re.compile(r"<table\b[^>]*>")


def _cell_class(cells: pd.Series, numeric: bool) -> str:
    """How a column's cells break (report.css): ``nowrap`` for short values (numbers, dates, yes/no), ``lines``
    for one short item per line (keys that must not break at their hyphen), ``wordy`` for sentences and quotes,
    which get room to breathe on screen and wrap in print; ``num`` aligns numbers right."""
    lines = cells.str.split("\n").explode().str.len().max()
    if cells.str.contains("\n").any():
        return "lines" if lines <= 24 else "wordy lines-wrap"
    if cells.str.len().max() <= 12:
        return "nowrap num" if numeric else "nowrap"
    return "wordy" if cells.str.len().max() > 60 else ""


def _source(names: Mapping[str, str], shown: str) -> str:
    return next(k for k, v in names.items() if str(v) == shown)


def _cells(series: pd.Series, rule: Callable[[object], str] | None, redact_pii: bool) -> pd.Series:
    """One column's cells as text, by its rule or by its dtype; text (not numbers or dates) redacted."""
    if rule is not None:
        return series.map(lambda v: fmt.MISSING if fmt.is_missing(v) else rule(v)).astype("str")
    if isinstance(series.dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_any_dtype(series.dtype):
        return series.map(fmt.day).astype("str")
    if pd.api.types.is_bool_dtype(series.dtype):
        return series.map({True: "yes", False: "no"}).fillna(fmt.MISSING).astype("str")
    if pd.api.types.is_integer_dtype(series.dtype):
        return series.map(fmt.count).astype("str")
    if pd.api.types.is_float_dtype(series.dtype):
        return series.map(lambda v: fmt.number(v, 2)).astype("str")
    text = series.map(lambda v: "" if _missing(v) else (" · ".join(map(str, v)) if isinstance(v, list | tuple)
                                                       else str(v))).astype("str")
    return redact(text) if redact_pii else text


def figure(plot, frame: pd.DataFrame | None, *args, missing: str = "Not available for this data.", **kwargs):
    """``plot(frame, *args, **kwargs)`` as an accessible report figure, or a short note when ``frame`` is empty.

    Lets a report notebook show a section's figure in one call whether or not the
    client's data allowed the measure; see :func:`chart` for the markup.
    """
    if frame is None or not len(frame):
        return callout(missing)
    return chart(plot(frame, *args, **kwargs))


def chart(fig) -> Html:
    """A plotly figure as ``<figure>``: its title as text above it, its takeaway as aria-label and ``<figcaption>``.

    The figure's JSON travels in a ``<script type="application/json">`` next to an empty
    chart ``<div>``; the report page draws it (see the report template) when it comes near
    the screen, the rest while the browser is idle and all of them before printing, so the
    page is usable before 25 charts are drawn. The chart fills its container's width.
    """
    from toolkit.plots.theme import for_page, takeaway_of

    takeaway = safe_text(takeaway_of(fig), redact_pii=False)
    title, note, fig = for_page(fig)
    heading = f'<p class="chart-title">{safe_text(title, redact_pii=False)}</p>' if title else ""
    caption = takeaway + (f" {safe_text(note, redact_pii=False)}" if note else "")
    spec = fig.to_json()
    chart_id = "chart-" + hashlib.sha1(spec.encode()).hexdigest()[:12]
    height = fig.layout.height or 450
    # "</" would end the script element early; JSON allows it escaped.
    payload = spec.replace("</", "<\\/")
    return Html(f'<figure class="chart" aria-label="{takeaway}">{heading}'
                f'<div id="{chart_id}" class="plotly-graph-div" style="height:{height}px;width:100%"></div>'
                f'<script type="application/json" class="chart-data" data-chart="{chart_id}">{payload}</script>'
                f"<figcaption>{caption}</figcaption></figure>")


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
            self.keep(name, frame)
        return table(frame, redact_pii=self.redact_pii, **kwargs)

    def keep(self, name: str, frame: pd.DataFrame | None) -> None:
        """Keep ``frame`` for the results bundle under ``name``, e.g. the unformatted table behind a
        formatted one the report shows."""
        self.shown[name] = frame

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
