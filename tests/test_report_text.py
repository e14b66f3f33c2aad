"""toolkit.report.text: client text reaches the report redacted and escaped, never as markup."""

import pandas as pd
import pytest

from toolkit.report.text import Html, bullet_list, callout, notes, paragraph, safe_text, table

XSS = ["<img src=x onerror=alert(1)>", "<script>alert(1)</script>"]


def test_safe_text_redacts_then_escapes():
    assert safe_text("<b>mail</b> jo@example.com") == "&lt;b&gt;mail&lt;/b&gt; [email]"
    assert safe_text("call +44 20 7946 0958", redact_pii=False) == "call +44 20 7946 0958"
    assert safe_text('"quoted" & \'single\'') == "&quot;quoted&quot; &amp; &#x27;single&#x27;"
    assert safe_text(None) == safe_text(float("nan")) == safe_text(pd.NA) == ""


@pytest.mark.parametrize("payload", XSS)
def test_helpers_never_emit_client_markup(payload):
    for out in (paragraph(payload), callout(payload, title=payload), bullet_list([payload]), notes([payload])):
        assert isinstance(out, Html) and out._repr_html_() == str(out)
        assert payload not in out
        assert "&lt;" in out


def test_table_escapes_cells_and_headers_and_redacts_text_columns():
    frame = pd.DataFrame({XSS[1]: [XSS[0], "write to jo@example.com"], "share": [0.5, None], "n": [3, 4],
                          "when": pd.to_datetime(["2026-01-02", "2026-02-03"]).tz_localize("UTC")})
    out = table(frame, formats={"share": "{:.0%}"}, caption=XSS[0])
    assert not any(p in out for p in XSS)
    assert "&lt;img src=x onerror=alert(1)&gt;" in out and "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    assert "jo@example.com" not in out and "[email]" in out
    assert ">50%<" in out and ">–<" in out and ">2026-01-02<" in out
    assert "jo@example.com" in table(frame, redact_pii=False)


def test_table_selects_renames_and_limits_rows():
    frame = pd.DataFrame({"team": ["a", "b", "c"], "sla_attainment": [0.91, 0.5, 0.7], "x": [1, 2, 3]})
    out = table(frame, columns={"team": "Team", "sla_attainment": "SLA attainment"},
                formats={"sla_attainment": "{:.0%}"}, max_rows=2)
    assert ">SLA attainment<" in out and ">91%<" in out and ">x<" not in out
    assert "Showing 2 of 3 rows." in out
    with pytest.raises(KeyError, match="no column"):
        table(frame, columns=["nope"])


def test_table_is_deterministic():
    frame = pd.DataFrame({"a": ["x", "y"]})
    assert table(frame) == table(frame.copy())
