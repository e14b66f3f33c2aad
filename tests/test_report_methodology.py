"""toolkit.report.methodology: the client's glossary, how the numbers were tested, and what was excluded."""

import re

import pandas as pd

from toolkit.report.methodology import METHODS, exclusions, glossary, methodology_html, resolution_note
from toolkit.vocabulary import BY_ID, METRICS

SNAKE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")


def test_glossary_is_the_vocabulary_registry():
    terms = glossary()
    assert terms["term"].tolist() == [m.name for m in METRICS]
    row = terms.set_index("term").loc["Portfolio median"]
    assert row["definition"] == BY_ID["portfolio_median"].definition
    assert row["unit"].startswith("a maturity level from 1")


def test_resolution_note_says_how_one_touch_and_first_contact_differ_on_this_data():
    base = ("One-touch resolution counts tickets solved with a single agent reply; first-contact resolution counts "
            "only those of them that were never reopened, so it can never be higher.")
    assert resolution_note(None) == base
    equal = pd.DataFrame({"one_touch_rate": [0.4, 0.5], "fcr_rate": [0.4, 0.5]})
    assert resolution_note(equal) == base + (" On this client's tickets the two are equal in every team: no ticket "
                                             "solved with a single reply was reopened.")
    differ = equal.assign(fcr_rate=[0.3, 0.5])
    assert resolution_note(differ).endswith("they differ wherever a ticket solved with a single reply was later "
                                            "reopened.")


def test_exclusions_are_counted_from_the_engagement():
    quality = pd.DataFrame({"rows_rejected": [3, 1], "outside_period": [0, 12]})
    evidence = pd.DataFrame({"verdict": ["supported", "not enough data", "not enough data"]})
    assert exclusions(quality, listed_tickets=750, total_tickets=1000, evidence=evidence) == [
        "4 rows of the files received were rejected as unreadable or incomplete (the data-quality appendix gives "
        "each reason).",
        "12 rows fell outside the report period and were not analysed.",
        "The upstream-problems section lists the largest recurring problems and questions, 750 of 1,000 tickets; "
        "the other 250 (25%) belong to smaller groups or to none, and count in every other measure.",
        "2 of 3 interview claims could not be tested: the data needed was not provided.",
        "Groups below the small-sample cut-off are shown but not ranked or flagged (see above).",
    ]
    assert exclusions(pd.DataFrame({"rows_rejected": [0], "outside_period": [0]}))[0] == (
        "No rows of the files received were rejected.")


def test_methodology_html_is_client_text_only():
    page = methodology_html(pd.DataFrame({"one_touch_rate": [0.4], "fcr_rate": [0.4]}), ["<b>x</b> left out."])
    assert "<h3>Glossary</h3>" in page and "<dt><strong>First-contact resolution</strong></dt>" in page
    assert "<h3>How the numbers were tested</h3>" in page and page.count("<h4>") == len(METHODS)
    assert "<li>&lt;b&gt;x&lt;/b&gt; left out.</li>" in page
    text = re.sub(r"<[^>]+>", " ", page)
    assert not SNAKE.search(text) and "seed" not in text.lower() and "toolkit" not in text
    assert "What was excluded" not in methodology_html()
