"""The report's colours: the client's accent applied to figures and page, at readable contrast.

:func:`use_theme` puts the accent into the house figure template (:mod:`toolkit.plots.theme`).
The page's CSS gets the accent three ways (:func:`page_colours`): as chosen (borders, the
cover's background), darkened where it is text on the light page (links, headline figures)
until it reaches the WCAG AA contrast of 4.5:1, and a text colour for the cover (white, or
near-black on a light accent) that reads on it at 4.5:1 or better.
"""

from __future__ import annotations

from toolkit.plots import theme as plot_theme

PAGE = "#f5f7fa"
"""The report's page background (report.css ``body``)."""
DARK_TEXT = "#111827"
MIN_CONTRAST = 4.5


def use_theme(accent: str = plot_theme.DEFAULT_ACCENT) -> None:
    """Make every figure drawn afterwards in this kernel use the house template with ``accent`` first."""
    plot_theme.register(accent)


def _rgb(colour: str) -> tuple[int, int, int]:
    colour = colour.lstrip("#")
    if len(colour) == 3:
        colour = "".join(c * 2 for c in colour)
    return int(colour[0:2], 16), int(colour[2:4], 16), int(colour[4:6], 16)


def relative_luminance(colour: str) -> float:
    """WCAG 2.x relative luminance of a ``#rrggbb`` colour (0 black, 1 white)."""
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in _rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(foreground: str, background: str) -> float:
    """WCAG contrast ratio between two ``#rrggbb`` colours, 1 to 21."""
    a, b = sorted((relative_luminance(foreground), relative_luminance(background)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def readable_on(colour: str, background: str, minimum: float = MIN_CONTRAST) -> str:
    """``colour``, mixed with black in small steps until it reaches ``minimum`` contrast on ``background``."""
    r, g, b = _rgb(colour)
    for step in range(0, 101, 5):
        keep = 1 - step / 100
        candidate = f"#{round(r * keep):02x}{round(g * keep):02x}{round(b * keep):02x}"
        if contrast_ratio(candidate, background) >= minimum:
            return candidate
    return "#000000"


def text_on(background: str) -> str:
    """White or near-black, whichever reads better on ``background`` (one of them always reaches 4.5:1)."""
    return "#ffffff" if contrast_ratio("#ffffff", background) >= contrast_ratio(DARK_TEXT, background) else DARK_TEXT


def page_colours(accent: str) -> dict[str, str]:
    """The CSS custom properties of a report page for ``accent``: ``accent``, ``accent_text``, ``on_accent``."""
    return {"accent": accent, "accent_text": readable_on(accent, PAGE), "on_accent": text_on(accent)}
