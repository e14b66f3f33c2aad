"""Report colours reach WCAG AA contrast (4.5:1) for text: the CSS pairs, the cover on any accent, the links."""

import re
from pathlib import Path

import pytest

from toolkit.report.theme import PAGE, contrast_ratio, page_colours, readable_on, text_on

CSS = (Path(__file__).resolve().parents[1] / "toolkit" / "report" / "templates" / "report" / "report.css").read_text(
    encoding="utf-8")
HEX = r"#[0-9a-fA-F]{6}\b|#[0-9a-fA-F]{3}\b"


def test_contrast_ratio_reference_values():
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#ffffff", "#ffffff") == pytest.approx(1.0)
    assert contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)  # the classic just-fails grey


def _text_colours() -> set[str]:
    return {c.lower() for c in re.findall(rf"(?<![-\w])color:\s*({HEX})", CSS)}


def _backgrounds() -> set[str]:
    return {c.lower() for c in re.findall(rf"background(?:-color)?:\s*({HEX})", CSS)} | {"#ffffff"}


def test_every_css_text_colour_reads_on_every_css_background():
    colours, backgrounds = _text_colours(), _backgrounds()
    assert "#52606d" in colours and PAGE in backgrounds, "the CSS should still hold its muted text and page colours"
    failing = [(c, b, round(contrast_ratio(c, b), 2)) for c in colours for b in backgrounds
               if contrast_ratio(c, b) < 4.5]
    assert failing == []


def test_css_has_no_faded_text():
    """Opacity below 1 on text (it was how the cover's small labels fell to 4.24:1)."""
    assert not re.search(r"opacity:\s*0?\.\d", CSS)


@pytest.mark.parametrize("accent", ["#0b6e99", "#7a1fa2", "#ffcc00", "#e0f2f1", "#2e7d32", "#ff7f50", "#000000"])
def test_cover_text_links_and_figures_on_any_accent(accent):
    colours = page_colours(accent)
    assert colours["accent"] == accent
    assert contrast_ratio(colours["on_accent"], accent) >= 4.5
    assert contrast_ratio(colours["accent_text"], PAGE) >= 4.5
    assert contrast_ratio(colours["accent_text"], "#ffffff") >= 4.5


def test_dark_accents_are_kept_and_light_ones_darkened():
    assert readable_on("#0b6e99", PAGE) == "#0b6e99"
    assert readable_on("#ffcc00", PAGE) != "#ffcc00"
    assert text_on("#0b6e99") == "#ffffff" and text_on("#ffcc00") == "#111827"
