"""toolkit.report.text: client text reaches the report redacted and escaped, never as markup."""

import json
import re

import pandas as pd
import plotly.graph_objects as go
import pytest

from toolkit.errors import ConfigError
from toolkit.plots import theme
from toolkit.report.text import Html, bullet_list, callout, chart, notes, paragraph, safe_text, table

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
    out = table(frame, formats={"share": "percent"}, caption=XSS[0])
    assert not any(p in out for p in XSS)
    assert "&lt;img src=x onerror=alert(1)&gt;" in out and "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    assert "jo@example.com" not in out and "[email]" in out
    assert ">50%<" in out and ">–<" in out and ">2 Jan 2026<" in out
    assert "jo@example.com" in table(frame, redact_pii=False)


def test_table_selects_renames_and_limits_rows():
    frame = pd.DataFrame({"team": ["a", "b", "c"], "sla_attainment": [0.91, 0.5, 0.7], "x": [1, 2, 3]})
    out = table(frame, columns={"team": "Team", "sla_attainment": "SLA attainment"},
                formats={"sla_attainment": "percent"}, max_rows=2)
    assert ">SLA attainment<" in out and ">91%<" in out and ">x<" not in out
    assert "Showing 2 of 3 rows." in out
    with pytest.raises(KeyError, match="no column"):
        table(frame, columns=["nope"])


def test_table_is_deterministic():
    frame = pd.DataFrame({"a": ["x", "y"]})
    assert table(frame) == table(frame.copy())


def test_table_numbers_follow_the_house_rules_and_small_samples_are_not_measurable():
    frame = pd.DataFrame({"team": ["a", "b"], "tickets": [12500, 7], "reopen_rate": [0.004, 0.0],
                          "first_reply_minutes": [91.0, 30.0], "score": [1.23456, 2.0],
                          "small_sample": [False, True]})
    out = table(frame, columns=["team", "tickets", "reopen_rate", "first_reply_minutes", "score"],
                formats={"reopen_rate": "percent", "first_reply_minutes": "minutes"}, caption="Teams")
    assert ">12,500<" in out and ">0.4%<" in out and ">1.5 h<" in out and ">30 min<" in out and ">1.23<" in out
    assert ">not measurable<" in out and ">0%<" not in out


def test_table_has_a_caption_and_header_scopes():
    out = table(pd.DataFrame({"a": [1], "b": ["x"]}), caption="What <it> shows")
    assert '<caption>What &lt;it&gt; shows</caption>' in out
    assert out.count('<th scope="col"') == 2 and "<th class" not in out


def test_table_refuses_a_format_string_and_names_the_rules():
    with pytest.raises(ConfigError, match=r"`formats`: format '\{:.0%\}' is not known. Fix: use one of count, "):
        table(pd.DataFrame({"a": [0.5]}), formats={"a": "{:.0%}"})


def test_chart_is_a_figure_with_its_takeaway_as_label_and_caption():
    fig = go.Figure(go.Bar(x=["a"], y=[1], name="</script><b>x</b>"))
    theme.finish(fig, "A <long> title", takeaway='Team "a" leads <clearly>.', note=theme.WHISKERS)
    out = chart(fig)
    assert out.startswith('<figure class="chart" aria-label="Team &quot;a&quot; leads &lt;clearly&gt;.">'
                          '<p class="chart-title">A &lt;long&gt; title</p>')
    assert out.endswith("<figcaption>Team &quot;a&quot; leads &lt;clearly&gt;. Whiskers show 95% confidence "
                        "intervals.</figcaption></figure>")
    assert fig.layout.title.text == "A <long> title", "the figure itself keeps its title"
    assert "</script><b>" not in out and 'class="plotly-graph-div"' in out
    payload = re.search(r'<script type="application/json"[^>]*>(.*?)</script>', out, re.DOTALL).group(1)
    spec = json.loads(payload)
    assert spec["data"][0]["name"] == "</script><b>x</b>" and "text" not in spec["layout"].get("title", {})
