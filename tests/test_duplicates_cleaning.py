"""Cleaning ticket text: what is dropped, what is normalised, what is kept."""

import pandas as pd
import pytest

from toolkit.duplicates.cleaning import TicketCleaner, normalise_text
from toolkit.errors import DataError


def clean(*texts, **params):
    return TicketCleaner(**params).transform(pd.Series(list(texts))).tolist()


def test_quoted_reply_signature_and_greeting_are_dropped():
    text = ("Hi team,\n\nCSV export fails with error 500 since 12/03/2026.\n\nThanks,\nJohn Smith\n"
            "Acme Corp | +44 20 7946 0958\n\nOn Mon, 3 Mar 2026 at 10:00, Support <help@x.com> wrote:\n"
            "> Your invoice VAT question was answered")
    assert clean(text) == ["csv export fails with error code_500 since _date_"]


def test_outlook_original_message_and_mobile_signature_are_dropped():
    assert clean("Export fails\n-----Original Message-----\nFrom: a\nSent: today\nold stuff") == ["export fails"]
    assert clean("Sync is slow today\n\nSent from my iPhone") == ["sync is slow today"]
    assert clean("Sync is slow\n-- \nJane Doe\nCEO, Acme") == ["sync is slow"]


def test_helpdesk_boilerplate_before_the_greeting_is_dropped():
    text = "##- Please type your reply above this line -##\nDear Support, the sync breaks. Mail me at jane@ex.com"
    assert clean(text) == ["the sync breaks. mail me at _email_"]


def test_numbers_urls_and_dates_become_placeholders_but_bug_keys_and_hosts_stay():
    text = "Order #4821934 charged twice on 3 March 2026, see https://shop.example.com/o/4821934 (APP-1234)"
    assert clean(text) == ["order _num_ charged twice on _date_ , see _url_ shop.example.com ( app_1234 )"]


def test_subject_is_weighted_before_the_message():
    tickets = pd.DataFrame({"subject": ["CSV export"], "description": ["Hello,\nIt fails"]})
    assert TicketCleaner().transform(tickets).tolist() == ["csv export . csv export . it fails"]
    assert TicketCleaner(subject_weight=1).transform(tickets).tolist() == ["csv export . it fails"]


def test_missing_text_gives_empty_strings():
    tickets = pd.DataFrame({"subject": [None, "Login"], "description": [None, None]})
    assert TicketCleaner().transform(tickets).tolist() == ["", "login . login"]


def test_pii_redaction_can_be_switched_on():
    assert clean("Call me on +44 20 7946 0958 please", normalise=False, redact_pii=True) == [
        "Call me on [phone] please"]


def test_tickets_without_text_columns_are_refused():
    with pytest.raises(DataError, match="the tickets have no text to cluster"):
        TicketCleaner().transform(pd.DataFrame({"ticket_id": ["1"]}))


def test_normalise_text_keeps_the_key_as_one_token():
    assert normalise_text(pd.Series(["See JIRA-77 and #12, v2"])).tolist() == ["see  jira_77  and  _num_ , v2"]


def test_technical_text_keeps_identifiers_and_drops_noise():
    text = ("Sync crashes with NullPointerException in 2.49.5\n"
            "2026-03-01T10:22:33.123Z DEBUG starting sync thread 12\n"
            "ERROR FileLock failed at 0x7ffe12345678 (error 500), see bug 752376\n"
            "java.lang.NullPointerException: null\n"
            "\tat com.acme.sync.FileLock.acquire(FileLock.java:88)\n"
            "\tat com.acme.sync.Syncer.run(Syncer.java:12)\n"
            "\tat java.lang.Thread.run(Thread.java:750)\n"
            "\tat java.lang.Other.deeper(Other.java:1)\n"
            "\t... 12 more\n"
            'File "/usr/lib/app/sync.py", line 12, in upload\n'
            "User Agent: Mozilla/5.0 (X11; Linux)\n"
            "hash 3f2a9c1b77, uuid 123e4567-e89b-12d3-a456-426614174000, tid=4411 at 10:22:33")
    assert clean(text) == [
        "sync crashes with nullpointerexception in 2_49_5 error filelock failed at (error code_500), see bug_752376 "
        "java.lang.nullpointerexception: null at filelock.acquire at syncer.run at thread.run sync.py upload "
        "hash , uuid , at"]
    # switched off, the same text keeps its log line and every frame
    assert "other.deeper" in clean(text, technical=False)[0] and "debug" in clean(text, technical=False)[0]
