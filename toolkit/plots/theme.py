"""The house style of every figure the toolkit draws: one plotly template, its colours and its legend names.

The template (:data:`NAME`) is registered when :mod:`toolkit.plots` is imported and made
plotly's default, so figures in reports, notebooks and the explorer look the same. It
sets the system font stack (the report embeds no web font), the report's accent as the
first colour, a colour-blind-safe palette (Okabe & Ito 2008), left-aligned titles,
axes that make room for their labels, a legend above the plot (it stays readable at
phone width) and a sequential colour scale that needs no red/green.

Plot functions take their colours from the names here (:data:`FAVOURABLE`,
:data:`UNFAVOURABLE`, ...) and finish with :func:`finish`, which applies the template,
the title and axis titles, and records the figure's one-sentence takeaway in
``layout.meta["takeaway"]`` (the report shows it as the figure's caption and aria-label).
Where two categories differ by colour, their marker symbols or dash styles differ too.
"""

from __future__ import annotations

import re

import plotly.graph_objects as go
import plotly.io as pio

from toolkit.vocabulary import BY_ID as METRIC_NAMES

NAME = "support-toolkit"
DEFAULT_ACCENT = "#0b6e99"
FONT = ('-apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", '
        '"Liberation Sans", sans-serif')
TEXT = "#1f2933"
MUTED = "#52606d"
GRID = "#e4e7eb"

# Okabe-Ito, without black and yellow (too light on white): distinguishable with every common colour-vision deficiency.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#999999")
FAVOURABLE = "#0072B2"  # blue: better than the rest / good outcome
UNFAVOURABLE = "#D55E00"  # vermillion: worse than the rest / bad outcome (never paired with green)
NEUTRAL = "#3e4c59"
HIGHLIGHT = "#E69F00"
SMALL = "#9aa5b1"  # too few cases to measure
REFERENCE = "#7b8794"  # reference lines: no difference, even spread, thresholds
SEQUENTIAL = [[0.0, "#f0f4f8"], [0.5, "#56B4E9"], [1.0, "#0b3d66"]]  # light to dark blue
LEVELS = [[0.0, "#fde0c5"], [0.5, "#f7f7f7"], [1.0, "#9ecae1"]]  # maturity 1-5: orange (low) to blue (high)
BAND_ALPHA = 0.18
INTERVAL = "95% confidence interval"
WHISKERS = "Whiskers show 95% confidence intervals."

LABELS = {
    "first_reply_median": "Median first reply",
    "end_of_quarter": "End of quarter",
    "year_end": "Year end",
    "tickets_per_week": "Tickets per week",
    "tickets_per_day": "Tickets per day",
    "median": "Median",
    "p75": "75th percentile",
    "p90": "90th percentile",
    "all": "All tickets",
}
"""Human names for the non-metric words plot functions meet in frames (statistics, periods, "all"). Metric
names come from the client vocabulary (:data:`toolkit.vocabulary.METRICS`, their chart ``label``), so a
metric is named the same in charts, tables and the glossary."""

_SNAKE = re.compile(r"^[a-z0-9]+(?:_[a-z0-9]+)+$")


def readable(name: object) -> str:
    """The reader's name for an identifier: ``readable("sla_attainment") == "SLA attainment"``.

    Unknown snake_case identifiers lose their underscores and get a capital; other text is kept.
    """
    text = str(name)
    if text in METRIC_NAMES:
        return METRIC_NAMES[text].label
    if text in LABELS:
        return LABELS[text]
    if _SNAKE.match(text):
        words = text.replace("_", " ")
        return words[0].upper() + words[1:]
    return text


def template(accent: str = DEFAULT_ACCENT) -> go.layout.Template:
    """The house template on top of ``plotly_white``, with ``accent`` first in the colour cycle."""
    base = go.layout.Template(pio.templates["plotly_white"])
    axis = {"automargin": True, "gridcolor": GRID, "zerolinecolor": GRID, "linecolor": GRID,
            "title": {"font": {"size": 13, "color": MUTED}, "standoff": 8}, "tickfont": {"size": 12}}
    base.layout.update(
        font={"family": FONT, "size": 13, "color": TEXT},
        colorway=[accent, *(c for c in PALETTE if c.lower() != accent.lower())],
        title={"font": {"size": 17, "color": TEXT}, "x": 0, "xanchor": "left", "xref": "container",
               "y": 0.98, "yanchor": "top", "automargin": True, "pad": {"l": 12, "b": 8}},
        xaxis=axis, yaxis=axis,
        legend={"orientation": "h", "x": 0, "xanchor": "left", "y": 1.0, "yanchor": "bottom",
                "title": {"text": ""}, "font": {"size": 12}},
        margin={"t": 56, "r": 16, "b": 16, "l": 16},
        hoverlabel={"font": {"family": FONT}},
        colorscale={"sequential": SEQUENTIAL},
        paper_bgcolor="#ffffff", plot_bgcolor="#ffffff",
    )
    base.data.heatmap = [go.Heatmap(colorscale=SEQUENTIAL)]
    base.data.table = [go.Table(header={"fill": {"color": "#e8edf2"}, "font": {"color": TEXT}, "align": "left"},
                                cells={"fill": {"color": "#ffffff"}, "align": "left", "font": {"color": TEXT}})]
    return base


def register(accent: str = DEFAULT_ACCENT) -> None:
    """Register the house template under :data:`NAME` (with ``accent``) and make it plotly's default."""
    pio.templates[NAME] = template(accent)
    pio.templates.default = NAME


def finish(fig: go.Figure, title: str | None, *, takeaway: str, x_title: str | None = None,
           y_title: str | None = None, height: int | None = None, note: str = "", **layout) -> go.Figure:
    """Apply the house template, the title, axis titles and height, and record the figure's takeaway.

    ``takeaway`` is one sentence saying what the chart shows; the report uses it as the
    figure's caption and aria-label. ``note`` (e.g. :data:`WHISKERS`) says how to read the
    chart; the report adds it to the caption.
    """
    fig.update_layout(template=pio.templates[NAME], title=title, height=height,
                      meta={"takeaway": takeaway, "note": note}, **layout)
    if title:
        fig.update_layout(margin={"t": 84 if _has_legend(fig) else 56})
    elif _has_legend(fig):
        fig.update_layout(margin={"t": 32})
    if x_title is not None:
        fig.update_layout(xaxis_title_text=x_title)
    if y_title is not None:
        fig.update_layout(yaxis_title_text=y_title)
    return fig


def _has_legend(fig: go.Figure) -> bool:
    if fig.layout.showlegend is False:
        return False
    flags = [getattr(t, "showlegend", False) for t in fig.data]
    shown = [t for t, flag in zip(fig.data, flags, strict=True) if flag is not False and t.name]
    return len(shown) > 1 or any(flags)


def period_ticks(fig: go.Figure, starts, freq: str | None, *, axis: str = "x") -> None:
    """Label a time axis with the periods themselves ("Q4 2025", "Oct 2025") when there are few enough to read."""
    from toolkit import formatting

    starts = sorted({s for s in starts if s is not None})
    if freq in ("month", "quarter", "year") and 1 < len(starts) <= 16:
        update = {"tickvals": starts, "ticktext": [formatting.period(s, freq) for s in starts]}
        (fig.update_xaxes if axis == "x" else fig.update_yaxes)(**update)


def wrap(text: object, width: int = 22) -> str:
    """Long category labels broken into lines of about ``width`` characters (``<br>``), so they are not cut."""
    words, lines, line = str(text).split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return "<br>".join([*lines, line]) if line else "<br>".join(lines)


def band_colour(colour: str, alpha: float = BAND_ALPHA) -> str:
    """``colour`` (#rrggbb) made transparent, for interval bands drawn behind their line."""
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def for_page(fig: go.Figure) -> tuple[str, str, go.Figure]:
    """(title, reading note, a copy without its title) for a web page that shows the title as text.

    A page wraps a heading at any width; plotly cuts a long title on a phone.
    """
    meta = fig.layout.meta if isinstance(fig.layout.meta, dict) else {}
    title = str(fig.layout.title.text or "")
    page = go.Figure(fig)
    if title:
        page.update_layout(title=None, margin={"t": 36 if _has_legend(page) else 12})
    return title, str(meta.get("note", "")), page


def takeaway_of(fig: go.Figure) -> str:
    """The one-sentence takeaway :func:`finish` recorded, or the title when a figure was made elsewhere."""
    meta = fig.layout.meta
    if isinstance(meta, dict) and meta.get("takeaway"):
        return str(meta["takeaway"])
    return str(fig.layout.title.text or "Chart")
