"""The sample client's report rendered with the consultant's engagement file and the analyst's labels file.

One report for the module: the demo (all sample files) with ``toolkit/samples/data/engagement.yaml`` and a
labels file an analyst could have made in the explorer from the sample's known problems (names, one merge,
statuses, tracker keys, one group marked "not a problem"), covering every ticket, so nothing is re-clustered.
"""

import html
import re

import pandas as pd
import pytest

from toolkit.duplicates.labels import LabelStore
from toolkit.report.batch import job_from_options
from toolkit.report.cli import _demo_options
from toolkit.report.render import render_report
from toolkit.samples import SAMPLES_DIR

ANALYST = {  # ground-truth problem -> (name, status, tracker key)
    "invoice_pdf_blank": ("Invoice PDF downloads are blank", "upstream_bug", "BILL-311"),
    "sms_2fa_delay": ("Two-factor SMS codes arrive late", "upstream_bug", "APP-2210"),
    "sync_conflicted_copies": ("Sync creates conflicted copies", "known_issue", "APP-1610"),
    "csv_export_stuck": ("Exports and scheduled reports fail", "process_problem", ""),
    "api_429_below_limit": ("API rate-limit complaints", "not_a_problem", ""),
}


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    folder = tmp_path_factory.mktemp("voice")
    truth = pd.read_csv(SAMPLES_DIR / "ground_truth_problems.csv", dtype="str")
    store = LabelStore(folder / "duplicate_labels.json", autosave=False)
    for problem, (name, status, key) in ANALYST.items():
        store.create(truth.loc[truth["problem"] == problem, "ticket_id"], name, status=status, tracker_key=key)
    report_label = store.create(truth.loc[truth["problem"] == "scheduled_report_timezone", "ticket_id"], "x")
    export_label = next(lid for lid, lab in store.labels.items() if lab.name == "Exports and scheduled reports fail")
    store.merge([export_label, report_label.label_id], into=export_label)
    store.data_until = "2026-10-01T00:00:00+00:00"
    store.save()
    options = {**_demo_options(), "engagement": str(SAMPLES_DIR / "engagement.yaml"), "labels": str(store.path)}
    job = job_from_options(options)
    result = render_report(job.parameters, folder / "out", job.name, progress=False)
    page = result.html.read_text(encoding="utf-8")
    visible = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.DOTALL)
    return page, html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", visible)))


def _section(text: str, heading: str, following: str) -> str:
    start = text.index(f" {heading} ¶")
    return text[start:text.index(f" {following} ¶", start)]


def test_cover_shows_firm_author_contact_and_confidentiality(rendered):
    page, text = rendered
    cover = page[page.index('<header class="cover"'):page.index("</header>")]
    assert ("<dt>Prepared by</dt><dd>Maria Jensen, Principal Consultant, Halden &amp; Rowe Support Advisory</dd>"
            in cover)
    assert "<dt>Contact</dt><dd>maria.jensen@halden-rowe.example</dd>" in cover
    confidential = ("Confidential. Prepared for Northwind Cloud's Head of Support and leadership team; please do not "
                    "forward outside Northwind Cloud.")
    assert confidential in html.unescape(cover)
    assert text.count(confidential) == 2  # on the cover and in the footer


def test_findings_are_ordered_reworded_and_suppressed_as_the_file_says(rendered):
    page, _ = rendered
    items = [html.unescape(re.sub(r"<[^>]+>", " ", li)) for li in
             re.findall(r"<li>(.*?)</li>", page[page.index('<ol class="findings">'):].split("</ol>")[0])]
    assert items[0].startswith(" Operations Rapid Response looks green but feels red")
    assert items[1].startswith(" Upstream problems The ")
    assert "highest-impact recurring problems account for" in items[1]
    assert any("Customers became less willing to recommend you over the year: NPS went from +15 in Q4 2025 to −6 in "
               "Q3 2026, a fall well beyond chance (95% CI of the change −30 to −11 points)." in i for i in items)
    assert not any("NPS fell from" in i for i in items)  # the computed wording is replaced
    assert not any("The roadmap has" in i for i in items)  # suppressed


def test_commentary_and_quotes_appear_in_their_sections(rendered):
    _, text = rendered
    summary = _section(text, "Executive summary", "Maturity")
    assert "Two things deserve your attention before anything else." in summary
    operations = _section(text, "Operations and the watermelon check", "Upstream problems")
    assert "The first-reply SLA is met by a canned acknowledgement" in operations
    assert ("“We hit the SLA every week, so nobody asks what happens after the first reply.” Frontline staff"
            in operations)
    upstream = _section(text, "Upstream problems", "Recommendations and roadmap")
    assert "“When the same bug comes in fifty times we usually hear about it from sales, not from support.” " \
           "Product and engineering" in upstream
    assert "We hit the SLA every week" not in upstream


def test_the_labels_file_drives_the_upstream_problems(rendered):
    _, text = rendered
    upstream = _section(text, "Upstream problems", "Recommendations and roadmap")
    for problem in ("invoice_pdf_blank", "sms_2fa_delay", "sync_conflicted_copies", "csv_export_stuck"):
        name, _, key = ANALYST[problem]
        assert name in upstream and key in upstream
    assert "upstream bug" in upstream and "known issue" in upstream and "process or documentation problem" in upstream
    assert "API rate-limit complaints" not in text  # "not a problem": left out ...
    assert ("1 group of tickets (266 tickets) that the analyst reviewed and marked as not a problem is left out."
            in upstream)  # ... and counted
    assert "sms codes / text / verification" not in text  # no machine names where the analyst named the problem
    assert "Tickets were compared by" not in upstream  # the labels cover the tickets: nothing re-clustered
