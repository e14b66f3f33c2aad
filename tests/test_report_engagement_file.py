"""toolkit.report.engagement_file: reading, checking and applying the consultant's engagement file."""

import pandas as pd
import pytest

from toolkit.errors import ConfigError
from toolkit.report.engagement_file import (
    SECTIONS,
    EngagementFile,
    Quote,
    markdown_html,
    read_engagement_file,
)
from toolkit.report.findings import FINDING_COLUMNS, executive_summary
from toolkit.samples import SAMPLES_DIR


def _write(tmp_path, text):
    path = tmp_path / "engagement.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _findings():
    ops = pd.DataFrame({"id": ["ops.watermelon.billing", "ops.hedging"], "area": ["Operations", "Operations"],
                        "finding": ["Billing looks green but customers feel red.", "3 agents hedge."],
                        "weight": [0.95, 0.5], "section": ["The watermelon effect", "Hedging"],
                        "fact": ["segment Billing", "hedging"]})
    cx = pd.DataFrame({"id": ["cx.scores", "cx.driver", "cx.comment_theme"], "area": ["Customer experience"] * 3,
                       "finding": ["NPS +4.", "Reopens drive dissatisfaction.", "Detractors mention bugs."],
                       "weight": [0.9, 0.7, 0.5], "section": ["Customer experience", "Drivers", "Comment themes"],
                       "fact": ["survey scores", "driver", "themes"]})
    return [ops, cx, None]


def test_reads_every_part_of_the_file(tmp_path):
    path = _write(tmp_path, """
cover:
  firm: Halden & Rowe Support Advisory
  author: Maria Jensen
  contact: maria.jensen@halden-rowe.example
  confidentiality: Confidential.
commentary:
  operations: The **Billing** numbers first.
findings:
  order: [cx.driver]
  suppress: [ops.hedging]
  reword:
    cx.scores: "NPS is +4: customers are lukewarm."
quotes:
  - text: We close tickets fast because the SLA report is what gets reviewed.
    role: team leads
    section: operations
  - text: Nobody owns the knowledge base.
    role: agents
""")
    voice = read_engagement_file(path)
    assert (voice.firm, voice.author, voice.contact, voice.confidentiality) == (
        "Halden & Rowe Support Advisory", "Maria Jensen", "maria.jensen@halden-rowe.example", "Confidential.")
    assert voice.commentary == {"operations": "The **Billing** numbers first."}
    assert (voice.order, voice.suppress) == (("cx.driver",), ("ops.hedging",))
    assert voice.reword == {"cx.scores": "NPS is +4: customers are lukewarm."}
    assert voice.quotes == (Quote("We close tickets fast because the SLA report is what gets reviewed.", "team leads",
                                  "operations"), Quote("Nobody owns the knowledge base.", "agents", "maturity"))


def test_no_file_changes_nothing():
    voice = read_engagement_file("")
    assert voice == EngagementFile()
    summary = executive_summary(*_findings())
    assert voice.edit_summary(summary, _findings()).equals(summary)
    assert voice.voice("operations") == ""


def test_suppress_reword_and_order_the_summary():
    voice = EngagementFile(order=("cx.comment_theme", "cx.driver"), suppress=("ops.hedging",),
                           reword={"cx.scores": "NPS is +4: lukewarm."})
    candidates = _findings()
    summary = executive_summary(*voice.without_suppressed(candidates), limit=3)
    assert summary["id"].tolist() == ["ops.watermelon.billing", "cx.scores", "cx.driver"]
    edited = voice.edit_summary(summary, candidates)
    assert list(edited.columns) == FINDING_COLUMNS
    # the ordered ones first (cx.comment_theme was not among the three computed), then the rest; length kept
    assert edited["id"].tolist() == ["cx.comment_theme", "cx.driver", "ops.watermelon.billing"]
    assert "ops.hedging" not in executive_summary(*voice.without_suppressed(candidates))["id"].tolist()
    full = voice.edit_summary(executive_summary(*voice.without_suppressed(candidates)), candidates)
    assert full["id"].tolist() == ["cx.comment_theme", "cx.driver", "ops.watermelon.billing", "cx.scores"]
    assert full.loc[3, "finding"] == "NPS is +4: lukewarm."
    assert full.loc[2, "finding"] == "Billing looks green but customers feel red."


def test_unknown_finding_id_lists_the_valid_ones(tmp_path):
    voice = EngagementFile(path=tmp_path / "engagement.yaml", suppress=("ops.watermelon",))
    with pytest.raises(ConfigError) as info:
        voice.edit_summary(executive_summary(*_findings()), _findings())
    assert str(info.value) == (
        f"file {tmp_path / 'engagement.yaml'}, `findings.suppress[0]`: 'ops.watermelon' is not a finding of this "
        "report. Fix: use one of the finding ids this engagement computed: cx.comment_theme, cx.driver, cx.scores, "
        "ops.hedging, ops.watermelon.billing")
    reworded = EngagementFile(reword={"cx.nps_change": "x"})
    with pytest.raises(ConfigError, match=r"`findings.reword.cx.nps_change`: 'cx.nps_change' is not a finding"):
        reworded.edit_summary(executive_summary(*_findings()), _findings())


def test_unknown_section_lists_the_sections(tmp_path):
    path = _write(tmp_path, "commentary:\n  operatons: Too slow.\n")
    with pytest.raises(ConfigError) as info:
        read_engagement_file(path)
    assert str(info.value) == (
        f"file {path}, `commentary.operatons`: 'operatons' is not a report section. Fix: use one of summary, "
        "maturity, customer_experience, operations, upstream_problems, roadmap, data_quality, methodology")
    path = _write(tmp_path, "quotes:\n  - {text: Slow., role: agents, section: roadmapp}\n")
    with pytest.raises(ConfigError, match=r"`quotes\[0\].section`: 'roadmapp' is not a report section"):
        read_engagement_file(path)


@pytest.mark.parametrize(("text", "message"), [
    ("cover:\n  company: Halden\n",
     "`cover.company`: is not an engagement-file key. Fix: use some of firm, author, contact, confidentiality"),
    ("covers:\n  firm: Halden\n",
     "`covers`: is not an engagement-file key. Fix: use some of cover, commentary, findings, quotes"),
    ("quotes:\n  - text: Slow.\n",
     "`quotes[0]`: `role` is a required property. Fix: every quote needs its text and the role group it is "
     "attributed to, e.g. role: team leads"),
    ("findings:\n  suppress: ops.hedging\n",
     "`findings.suppress`: expected a list, got str 'ops.hedging'. Fix: see docs/engagement-file.md for the keys an "
     "engagement file holds"),
    ("findings:\n  order: [cx.scores, cx.scores]\n",
     "`findings.order`: lists an id twice. Fix: write each finding id once"),
    ("cover:\n  firm: ''\n",
     "`cover.firm`: is empty. Fix: see docs/engagement-file.md for the keys an engagement file holds"),
    ("- just a list\n",
     ": expected a mapping of keys, got list. Fix: start with one of the keys cover:, commentary:, findings:, quotes:"),
])
def test_schema_problems_name_file_and_key(tmp_path, text, message):
    path = _write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        read_engagement_file(path)
    assert str(info.value) == f"file {path}" + (message if message.startswith(":") else f", {message}")


def test_commentary_markdown_is_rendered_safely():
    page = markdown_html("## Why\nSee <script>alert(1)</script> [the plan](https://example.com) "
                         "[bad](javascript:alert(1)) ![chart](https://example.com/x.png) and *this*.")
    assert page == ('<h5>Why</h5>\n<p>See &lt;script&gt;alert(1)&lt;/script&gt; '
                    '<a href="https://example.com">the plan</a> [bad](javascript:alert(1)) '
                    '!<a href="https://example.com/x.png">chart</a> and <em>this</em>.</p>\n')
    assert markdown_html("Write to jo@example.com") == "<p>Write to [email]</p>\n"
    assert markdown_html("Write to jo@example.com", redact_pii=False) == "<p>Write to jo@example.com</p>\n"


def test_quotes_are_redacted_and_attributed_to_a_role_group():
    voice = EngagementFile(commentary={"maturity": "Two views."},
                           quotes=(Quote("Ask Uma, her number is +44 20 7946 0958.\nRegards,\nOscar Kelly",
                                         "team leads"), Quote("Fine.", "agents", "operations")))
    page = voice.voice("maturity")
    assert page == ('<div class="commentary"><p>Two views.</p>\n</div><div class="quotes"><blockquote><p>“Ask Uma, '
                    'her number is [phone].\nRegards,\n[name]”</p><footer>Team leads</footer></blockquote></div>')
    assert "Fine." in voice.voice("operations") and "Fine." not in page
    with pytest.raises(ConfigError, match="'ops' is not a report section"):
        voice.voice("ops")


def test_sample_engagement_file_is_valid_and_names_real_sections():
    voice = read_engagement_file(SAMPLES_DIR / "engagement.yaml")
    assert voice.firm and voice.author and voice.contact and voice.confidentiality
    assert set(voice.commentary) <= set(SECTIONS)
    assert voice.quotes and all(q.section in SECTIONS for q in voice.quotes)
