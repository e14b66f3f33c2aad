"""The report's look for plotly figures: a light template led by the client's accent colour."""

from __future__ import annotations

import plotly.graph_objects as go
import plotly.io as pio

TEMPLATE_NAME = "support-toolkit"
FONT = '-apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif'
# After the accent: a colour-blind-safe qualitative palette (Okabe-Ito, without black and yellow).
PALETTE = ("#E69F00", "#56B4E9", "#009E73", "#0072B2", "#D55E00", "#CC79A7", "#999999")


def figure_template(accent: str = "#0b6e99") -> go.layout.Template:
    """A plotly template: system fonts, white background, ``accent`` first in the colour cycle."""
    return go.layout.Template(layout={
        "font": {"family": FONT, "size": 13, "color": "#1f2933"},
        "colorway": [accent, *PALETTE],
        "title": {"font": {"size": 17}, "x": 0, "xanchor": "left"},
        "margin": {"t": 60, "r": 24, "b": 48, "l": 60},
        "hoverlabel": {"font": {"family": FONT}},
    })


def use_theme(accent: str = "#0b6e99") -> None:
    """Make every figure drawn afterwards in this kernel use :func:`figure_template` on ``plotly_white``."""
    pio.templates[TEMPLATE_NAME] = figure_template(accent)
    pio.templates.default = f"plotly_white+{TEMPLATE_NAME}"
