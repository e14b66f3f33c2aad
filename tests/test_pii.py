"""PII redaction: a corpus of realistic positives that must be masked and tricky negatives that must survive."""

import pandas as pd
import pytest

from toolkit.errors import ConfigError
from toolkit.pii import KINDS, redact

POSITIVES = [
    ("Mail jane.doe@example.com or call +44 20 7946 0958 about v2.10.3",
     "Mail [email] or call [phone] about v2.10.3"),
    ("First.Last+tag@sub.example.co.uk wrote", "[email] wrote"),
    ("call me on (555) 123-4567 after 5", "call me on [phone] after 5"),
    ("my mobile 07700 900123", "my mobile [phone]"),
    ("US office +1-202-555-0143.", "US office [phone]."),
    ("WhatsApp +4915112345678", "WhatsApp [phone]"),
    ("0044 20 7946 0958", "[phone]"),
    ("switchboard +44 (0)20 7946 0958", "switchboard [phone]"),
    ("555.123.4567", "[phone]"),
    ("card 4111 1111 1111 1111 exp 04/27", "card [card] exp 04/27"),
    ("card 4111-1111-1111-1111", "card [card]"),
    ("5500005555555559", "[card]"),
    ("amex 378282246310005", "amex [card]"),
    ("IBAN GB82 WEST 1234 5698 7654 32 please", "IBAN [iban] please"),
    ("DE89370400440532013000", "[iban]"),
    ("blocked from 192.168.1.20 today", "blocked from [ip] today"),
    ("ip 2001:db8:85a3::8a2e:370:7334", "ip [ip]"),
    ("ip 2001:0db8:85a3:0000:0000:8a2e:0370:7334.", "ip [ip]."),
    ("reset https://app.example.com/reset?token=abc123XYZ&user=42#frag",
     "reset https://app.example.com/reset?token=[token]&user=[token]#frag"),
    ("see https://a.io/p?sig=ZZZ ok", "see https://a.io/p?sig=[token] ok"),
    ("link https://x.io/login?email=ann@example.com", "link https://x.io/login?email=[token]"),
]

NEGATIVES = [
    "version 2.10.3 broke it", "APP-1234 and APP-98765 are linked", "order #4820193", "ORD-2026-004512",
    "on 2026-03-31 14:05:33", "date 31/03/2026", "on 03.31.2026", "it costs 1 250 000 EUR", "12.500.000",
    "ticket 12345678", "build 1.2.3.4567", "at 10:30:00", "error code 0x80070005", "invoice INV-00012345",
    "1234567890123", "v10.0.19045", "numbers 2025 2026", "see https://docs.example.com/a/b", "ref 4111111111111112",
    "ratio 3:2", "SKU 123-456-7", "release 2026.03.1", "GB82 is not an IBAN", "DE89370400440532013001",
    "user@localhost", "ZD-88231", "between 09:00-17:30", "Zendesk ticket #120394", "1,250,000.00 USD",
]


@pytest.mark.parametrize(("text", "expected"), POSITIVES)
def test_masks_realistic_personal_data(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize("text", NEGATIVES)
def test_leaves_ids_versions_dates_and_amounts(text):
    assert redact(text) == text


def test_series_keeps_index_dtype_and_missing_values():
    s = pd.Series(["mail a@b.io", None, "nothing here", "call +44 20 7946 0958"], index=[10, 11, 12, 13])
    out = redact(s)
    assert out.index.tolist() == [10, 11, 12, 13]
    assert out.dtype == s.dtype
    assert out[10] == "mail [email]" and pd.isna(out[11]) and out[12] == "nothing here"
    assert out[13] == "call [phone]"
    assert s[10] == "mail a@b.io"  # the input is not changed


def test_series_matches_string_results():
    texts = [t for t, _ in POSITIVES] + NEGATIVES
    assert redact(pd.Series(texts)).tolist() == [redact(t) for t in texts]


def test_kinds_and_placeholder_are_configurable():
    text = "a@b.io from 10.0.0.1"
    assert redact(text, kinds=["email"]) == "[email] from 10.0.0.1"
    assert redact(text, kinds="ip", placeholder="<{kind}>") == "a@b.io from <ip>"
    assert redact(text, kinds=()) == text
    assert set(KINDS) == {"url_token", "email", "iban", "card", "ip", "phone"}


def test_unknown_kind_is_a_config_error():
    with pytest.raises(ConfigError, match="unknown PII kind 'ssn'"):
        redact("x", kinds=["ssn"])


def test_none_and_empty():
    assert redact(None) is None
    assert redact("") == ""
    assert redact(pd.Series([], dtype="str")).empty


def test_pathological_input_is_fast():
    # long runs that could make a naive pattern backtrack
    for text in ["1" * 5000 + "a", "1 " * 3000 + "a", "a@" * 5000, "http://x.io/?" + "a=b&" * 2000]:
        redact(text)
