"""The rendered demo report read as its addressee would: a verdict first, traceable findings, the whole roadmap
answering them, a methodology written for the client and no code identifiers anywhere in the visible text.

The demo is rendered once per session (``demo_report`` in conftest.py).
"""

import re
from html import unescape

import pytest

from toolkit.report import anchors
from toolkit.vocabulary import METRICS

NUMBER = re.compile(r"\d+(?:[.,]\d+)*%?")
SNAKE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
FILE_NAME = re.compile(r"\b[\w-]+(?:\.(?:csv|gz|xlsx|json|parquet|yaml|txt))+\b")


def _visible(fragment: str) -> str:
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", fragment, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", text)).split())


def _main(page: str) -> str:
    return page[page.index("<main"):page.index("</main>")]


def _section(page: str, anchor: str) -> str:
    """Visible text from the heading with id ``anchor`` to the next heading of its level or higher."""
    start = re.search(rf'<h([2-4])[^>]*\bid="{re.escape(anchor)}"', page)
    assert start, f"no heading with id {anchor!r}"
    end = re.compile(rf"<h[2-{start.group(1)}][\s>]").search(page, start.end())
    return _visible(page[start.start():end.start() if end else len(page)])


def _summary_findings(page: str) -> list[tuple[str, str]]:
    """(linked anchor, visible sentence) for every executive-summary finding."""
    out = []
    for item in re.findall(r'<li><span class="finding-area">.*?</li>', page, flags=re.S):
        link = re.search(r'<a class="finding-source" href="#([^"]+)"', item)
        assert link, f"finding without a link: {_visible(item)}"
        sentence = _visible(re.sub(r'<span class="finding-area">.*?</span>|<a class="finding-source".*?</a>', "",
                                   item, flags=re.S))
        out.append((unescape(link.group(1)), sentence))
    return out


def _sentences(text: str) -> list[str]:
    return re.split(r"(?<=[.!?])\s+", text)


def test_summary_opens_with_a_verdict_and_ends_with_recommendations(demo_report):
    summary = demo_report[demo_report.index('id="Executive-summary"'):demo_report.index('id="Maturity"')]
    verdict = re.search(r'<p class="verdict">(.*?)</p>', summary, flags=re.S)
    assert verdict and summary.index('class="verdict"') < summary.index('class="findings"')
    text = _visible(verdict.group(1))
    assert 2 <= len(_sentences(text)) <= 3, text
    assert text.startswith("Support works at maturity level 2.3 of 5 against a target of 3.2; customers give an NPS "
                           "of +5, and 79% of their CSAT answers are satisfied.")
    assert "Rapid Response meets its first-reply target" in text
    assert summary.index('class="findings"') < summary.index('<ol class="recommendations">')
    recommendations = re.findall(r"<li>(.*?)</li>", summary[summary.index('<ol class="recommendations">'):],
                                 flags=re.S)[:3]
    assert len(recommendations) == 3
    assert _visible(recommendations[0]).startswith("Hold Rapid Response to resolution, not speed")
    assert _visible(recommendations[1]).startswith("Take “APP-2210")
    assert _visible(recommendations[2]).startswith("Put ") and "on the management dashboard" in recommendations[2]
    assert all("Owner:" in r and "today, target" in r and 'href="#' in r for r in recommendations)


def test_every_summary_number_appears_in_the_section_it_links_to(demo_report):
    findings = _summary_findings(demo_report)
    assert len(findings) >= 6
    for anchor, sentence in findings:
        section = _section(demo_report, anchor)
        missing = [n for n in NUMBER.findall(sentence) if n not in section]
        assert not missing, f"{sentence!r}: {missing} not in section #{anchor}"


def test_summary_states_each_fact_once_and_a_new_problem_without_a_multiple(demo_report):
    sentences = [s for _, s in _summary_findings(demo_report)]
    assert sum("Rapid Response" in s for s in sentences) == 1, sentences
    [emerging] = [s for s in sentences if "APP-2210" in s]
    upstream = demo_report[demo_report.index('id="Upstream-problems"'):]
    row = next(_visible(r) for r in re.findall(r"<tr>(.*?)</tr>", upstream, flags=re.S)
               if "APP-2210" in r and "<td" in r)
    grown = re.search(r"([\d,]+) tickets since [^,]+, ([\d,]+) of them in the last four weeks: ([\d.]+) times",
                      emerging)
    if grown:  # the finding's numbers are the table's: tickets, last four weeks, growth
        tickets, recent, multiple = grown.groups()
        assert f" {tickets} " in f" {row} " and f" {recent} " in f" {row} " and f"{multiple}×" in row, (emerging, row)
    else:  # a problem with no usual rate is new, in the finding and in the table, with no multiple
        assert re.search(r"new (since|in the last four weeks)", emerging) and "new" in row and "×" not in row, row
    assert not any("times its usual rate" in s and "new " in s for s in sentences)


def test_every_link_resolves_and_no_table_is_cut_short(demo_report):
    ids = set(re.findall(r'\bid="([^"]+)"', demo_report))
    for target in re.findall(r'href="#([^"]+)"', _main(demo_report)):
        assert unescape(target) in ids, target
    assert not re.search(r"Showing [\d,]+ of [\d,]+ rows", demo_report)


def test_the_whole_roadmap_by_phase_each_step_citing_a_shown_finding_or_gap(demo_report):
    part = demo_report[demo_report.index('id="Recommendations-and-roadmap"'):demo_report.index('id="Data-quality')]
    tables = re.findall(r'<table class="report-table roadmap">(.*?)</table>', part, flags=re.S)
    captions = [_visible(re.search(r"<caption>(.*?)</caption>", t).group(1)) for t in tables]
    assert [c.split(":")[0] for c in captions] == ["First 90 days", "3-6 months", "6-12 months"]
    rows = [r for t in tables for r in re.findall(r"<tr>(.*?)</tr>", t, flags=re.S) if "<td" in r]
    assert sum(int(re.search(r": (\d+) step", c).group(1)) for c in captions) == len(rows) > 32
    numbers = [int(_visible(re.search(r"<td[^>]*>(.*?)</td>", r).group(1))) for r in rows]
    assert numbers == list(range(1, len(rows) + 1))
    cited = set()
    for row in rows:
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)
        link = re.search(r'href="#([^"]+)"', cells[2])
        assert link, _visible(row)
        cited.add(unescape(link.group(1)))
        answers = _visible(cells[2])
        section = _section(demo_report, unescape(link.group(1)))
        if answers.startswith("Gap in "):
            dimension = answers.removeprefix("Gap in ").split(":")[0]
            assert dimension in section, answers
        assert _visible(cells[3]) and "today, target" in _visible(cells[4]) and _visible(cells[5])
    for heading in (anchors.WATERMELON, anchors.UPSTREAM, anchors.CLAIMS, anchors.DISAGREEMENT, anchors.HEDGING,
                    anchors.DRIVERS, anchors.RESPONSE, anchors.MATURITY):
        assert anchors.anchor(heading) in cited, heading
    text = _visible(part)
    assert "under APP-2210" in text and "under APP-1610" in text


def test_methodology_defines_the_terms_for_the_client(demo_report):
    method = _section(demo_report, "Methodology-notes")
    for metric in METRICS:
        assert f"{metric.name} {metric.definition}" in method, metric.id
    assert ("first-contact resolution counts only those of them that were never reopened" in method
            and "On this client's tickets the two are equal in every team" in method)
    assert "How the numbers were tested" in method and "What was excluded and why" in method
    assert re.search(r"lists the largest recurring problems and questions, [\d,]+ of 20,000 tickets; the other "
                     r"[\d,]+ \(\d+%\) belong to smaller groups", method)


@pytest.mark.parametrize("pattern", [SNAKE, re.compile(r"\bseed\b", re.I), re.compile("ResultFrame"),
                                     re.compile("pyarrow"), re.compile(r"toolkit\."),
                                     re.compile("DuplicateFinder"), re.compile("support-toolkit")])
def test_no_code_identifier_or_library_text_reaches_the_client(demo_report, pattern):
    text = FILE_NAME.sub(" ", _visible(_main(demo_report)))
    offending = [s for s in _sentences(text) if pattern.search(s)]
    assert not offending, f"{pattern.pattern} in: {offending[0][:300]}"


def test_problems_and_recurring_questions_are_two_tables_each_naming_what_it_lists(demo_report):
    part = demo_report[demo_report.index(f'id="{anchors.anchor(anchors.UPSTREAM)}"'):]
    headers = {}
    for table in re.findall(r"<table\b.*?</table>", part, flags=re.S)[:4]:
        caption = re.search(r"<caption>(.*?)</caption>", table, flags=re.S)
        if caption:
            headers[_visible(caption.group(1)).split(" (")[0]] = _visible(re.search(r"<th[^>]*>(.*?)</th>", table,
                                                                                     flags=re.S).group(1))
    assert headers["Problems"] == "Problem" and headers["Recurring questions"] == "Question"
    assert "Tickets not close to any other ticket are left out." in _section(demo_report,
                                                                              anchors.anchor(anchors.UPSTREAM))
