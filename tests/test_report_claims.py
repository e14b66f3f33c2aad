"""The rendered demo report's "Interview claims tested against the data" table: one verdict per claim, each
agreeing with its sentence, UP-1 tested, no tool instruction and no code identifier in client copy.

The demo is rendered once for the test session, as a consultant would (conftest's ``demo_report``: ``support-toolkit
report --demo --out DIR``).
"""

import re
from html import unescape
from html.parser import HTMLParser

import pytest

from toolkit.maturity.evidence import VERDICT_OPENINGS
from toolkit.maturity.indicators import INDICATORS
from toolkit.maturity.model import load_model

HEADING = "Interview claims tested against the data"
# The notebook's labels for the verdicts, each with the opening its sentence must have.
LABELS = {"supported by the data": VERDICT_OPENINGS["supported"],
          "contradicted by the data": VERDICT_OPENINGS["contradicted"],
          "not enough data": VERDICT_OPENINGS["not enough data"]}


class _FirstTableAfter(HTMLParser):
    """Rows (lists of cell texts) of the first table after the heading whose text is ``heading``."""

    def __init__(self, heading: str) -> None:
        super().__init__()
        self.heading, self.text, self.seen, self.depth = heading, "", False, 0
        self.rows: list[list[str]] = []
        self.cell: list[str] | None = None
        self.done = False

    def handle_starttag(self, tag, attrs):
        if self.done:
            return
        if tag == "table" and self.seen:
            self.depth += 1
        elif tag == "tr" and self.depth:
            self.rows.append([])
        elif tag in ("td", "th") and self.depth:
            self.cell = []

    def handle_endtag(self, tag):
        if self.done:
            return
        if tag in ("td", "th") and self.cell is not None:
            self.rows[-1].append(" ".join("".join(self.cell).split()))
            self.cell = None
        elif tag == "table" and self.depth:
            self.depth -= 1
            self.done = self.depth == 0

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)
        elif not self.seen:
            self.text = (self.text + data)[-200:]
            self.seen = self.heading in self.text


@pytest.fixture(scope="module")
def claims_table(demo_report):
    html = demo_report
    parser = _FirstTableAfter(HEADING)
    parser.feed(html)
    header, *rows = parser.rows
    assert header[-3:] == ["Question", "Verdict", "What the data says"]
    return [dict(zip(header[-3:], row[-3:], strict=True)) for row in rows], html


def test_every_claim_has_exactly_one_verdict(claims_table):
    rows, _ = claims_table
    claims = load_model().evidence_rules.drop_duplicates("claim_id")
    assert [r["Question"] for r in rows] == claims["question_id"].tolist()  # MO-3 once, UP-1 included
    assert all(r["Verdict"] in LABELS for r in rows)


def test_each_verdict_agrees_with_its_sentence(claims_table):
    rows, _ = claims_table
    claims = load_model().evidence_rules.drop_duplicates("claim_id").set_index("question_id")["claim"]
    for row in rows:
        opening = f'{LABELS[row["Verdict"]]} "{claims[row["Question"]]}": '
        assert row["What the data says"].startswith(opening), row


def test_up_1_is_tested_against_the_reports_own_clusters(claims_table):
    rows, _ = claims_table
    up1 = next(r for r in rows if r["Question"] == "UP-1")
    assert up1["Verdict"] != "not enough data"
    assert "recurring problem" in up1["What the data says"]


def test_no_tool_instruction_or_code_identifier_in_the_claims(claims_table):
    rows, html = claims_table
    text = " ".join(r["What the data says"] for r in rows)
    for name in INDICATORS:
        assert name not in text
    assert not re.search(r"\b[a-z]+_[a-z_]+\b|<=|>=|`", text)
    visible = unescape(re.sub(r"<[^>]+>", " ", re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)))
    for phrase in ("DuplicateFinder", "put the output of", "duplicate_assignments", "the claim needs csat_",
                   "the claim needs watermelon_teams"):
        assert phrase not in visible
