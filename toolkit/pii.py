"""Mask personal data in free text before anyone outside the engagement sees it.

:func:`redact` replaces e-mail addresses, phone numbers, payment card numbers
(Luhn-checked), IBANs (mod-97-checked, any case), IP addresses, the values of URL query
parameters (tokens, session ids, signed links) and personal names where text shows them
(greetings, sign-offs and signatures, ``Name:`` fields) with a short placeholder such as
``[email]``. It takes one string or a pandas Series of strings and returns the
same type, so reports, clustering views and widgets can call it on whatever they
are about to show.

The patterns are tuned to leave the things support text is full of alone:
version numbers (``2.10.3``), bug-tracker keys (``APP-1234``), ticket numbers
(``ticket #120394``), dates and times, amounts (``1 250 000``).
A candidate card number or IBAN that fails its checksum is left as it is; that is
also why this is a handful of compiled regular expressions with small checks and
not a general-purpose NER model: it is fast on a million texts and predictable.

Phone numbers: international (``+31 20 123 4567``, ``0031…``), national with separators
(``030 12345678``, ``(555) 123-4567``; 10 or more digits) and unspaced national numbers
(``4155550132``, ``07700900123``). The false-positive guard for unspaced digit runs: only
10 or 11 digits in a national shape (a leading ``0`` trunk prefix, or the North American
``NXX NXX XXXX`` form), and never right after an id word (``order``, ``ticket``, ``invoice``,
``ref``, ``id``, ``#``...) unless a phone word is near (``phone no. 4155550132``), so order ids,
ticket numbers, versions and dates stay.

Names: a capitalised name after a greeting or thanks (``Hi Ann,``, ``Dear Mr Kelly``, ``Thanks Ann!``), a name alone on
the line after a sign-off (``Regards,\nOscar Kelly``) together with up to two short
signature lines under it (``Acme Accountants BV``), and the value of a name field
(``Name: Oscar Kelly``, ``From: …``). Words that follow greetings but are not names
(``Hi team``, ``Dear Customer``) are left alone.

Invoice and order numbers (``invoice INV-20391``, ``order #88812``, ``ORD-2026-004512``): the number after an
order word, or a code with an invoice/order prefix; ticket numbers and bug-tracker keys stay. Customer
organisations: capitalised words ending in a legal form (``Acme Accountants BV``, ``Example Design Pty
Ltd``, ``Sample Clinics & Co``), any name passed in ``organisations`` (an export's organisation column),
and capitalised words that spell a customer's e-mail domain passed in ``domains`` ("Acme Events" for
``acmeevents.example``; :func:`email_domains` collects them).

Examples
--------
>>> redact("Mail jane.doe@example.com or call +44 20 7946 0958 about v2.10.3")
'Mail [email] or call [phone] about v2.10.3'
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

import pandas as pd

from toolkit.errors import ConfigError

KINDS = ("url_token", "email", "reference", "iban", "card", "ip", "phone", "name", "organisation")
"""Every kind :func:`redact` knows, in the order they are applied."""

DEFAULT_KINDS: tuple[str, ...] = KINDS
"""The kinds masked unless ``kinds`` says otherwise: all of them."""

PLACEHOLDER = "[{kind}]"
"""Default replacement text; ``{kind}`` becomes the kind's label (email, phone, card, iban, ip, token)."""

_LABELS = {"url_token": "token", "email": "email", "reference": "reference", "iban": "iban", "card": "card", "ip": "ip",
           "phone": "phone", "name": "name", "organisation": "organisation"}

_EMAIL = re.compile(r"(?<![\w.+-])[A-Za-z0-9][\w.%+'!#$&*/=?^`{|}~-]*@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
                    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,}\b")
_URL = re.compile(r"\b(?:https?|ftp)://[^\s<>\"'()\[\]]+", re.IGNORECASE)
_QUERY_VALUE = re.compile(r"([?&;#][^=&#\s]+=)([^&#\s]+)")
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?:[ -]?[A-Z0-9]{4}){2,7}(?:[ -]?[A-Z0-9]{1,3})?\b", re.IGNORECASE)
# any one separator between digits: space, dash, dot, slash, underscore (4111.1111.1111.1111)
_CARD = re.compile(r"(?<![\w.+-])\d(?:[ ./_-]?\d){12,18}(?![\w-]|[.,]\d)")
_IPV4 = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}"
_IPV6 = (r"(?:[0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}"
         r"|(?:[0-9A-Fa-f]{1,4}:){1,6}:(?:[0-9A-Fa-f]{1,4}:){0,5}[0-9A-Fa-f]{1,4}"
         r"|(?:[0-9A-Fa-f]{1,4}:){1,7}:(?!\w)|::1\b")
_IP = re.compile(rf"(?<![\w.:])(?:{_IPV4}(?![\w]|\.\d)|{_IPV6})(?![\w:])")
_PHONE = re.compile(r"(?<![\w.+/:#-])(?:\+|00|\(\+?)?\d{1,15}(?:\)?[ .-]\(?\d{1,10}|\)\d{1,10}){0,5}\)?"
                    r"(?![\w/:-]|\.\d)")
_ID_WORDS = re.compile(r"(?:order|ticket|case|invoice|inv|ref|reference|id|no|nr|number|account|acct|customer|"
                       r"sku|po|tracking|serial|build|version|#)\W{0,3}$", re.IGNORECASE)
_PHONE_WORDS = re.compile(r"phone|tel\b|mobile|cell|call|ring|whatsapp|fax|sms|text me|reach me", re.IGNORECASE)
_NATIONAL = re.compile(r"0\d{9,10}|1?[2-9]\d{2}[2-9]\d{6}")
_DATE_LIKE = re.compile(r"\d{4}[-./]\d{1,2}[-./]\d{1,2}|\d{1,2}[-./]\d{1,2}[-./]\d{2,4}|\d{4}-\d{2}")


def _luhn(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def _iban_valid(candidate: str) -> bool:
    text = re.sub(r"[ -]", "", candidate).upper()
    if not 15 <= len(text) <= 34:
        return False
    moved = text[4:] + text[:4]
    number = "".join(str(int(ch, 36)) for ch in moved)
    return int(number) % 97 == 1


def _after_id_word(m: re.Match) -> bool:
    """Whether an unspaced digit run follows an id word (``order 4155550132``): an id, not a phone.

    Numbers written with separators or a ``+`` are phone-shaped whatever precedes them ("phone number +44 ...").
    """
    if not m.group(0).isdigit():
        return False
    before = m.string[max(0, m.start() - 25):m.start()]
    return bool(_ID_WORDS.search(before)) and not _PHONE_WORDS.search(before)


def _phone_like(candidate: str) -> bool:
    """Whether a digit run with separators is a phone number rather than a date, amount or id."""
    digits = re.sub(r"\D", "", candidate)
    if not 7 <= len(digits) <= 15:
        return False
    international = candidate.startswith(("+", "00"))
    if _DATE_LIKE.fullmatch(candidate) or _DATE_LIKE.match(candidate) and not international:
        return False
    groups = re.split(r"[ .()-]+", candidate.strip("+()"))
    groups = [g for g in groups if g]
    if len(groups) == 1:
        # a bare digit run is an id or an amount unless written internationally or in a national shape
        return international and len(digits) >= 9 or bool(_NATIONAL.fullmatch(candidate))
    if not international and "(" not in candidate and all(len(g) == 3 for g in groups[1:]) and len(groups[0]) <= 3:
        return False  # 1 250 000 / 12.500.000: an amount with thousands separators
    # national numbers have 10+ digits (020 7946 0958, (555) 123-4567); shorter runs are ids
    return international or len(digits) >= 10


# Personal names. A name is one to four capitalised words (initials and particles such as van, de, O' allowed).
_UPPER, _LOWER = "A-ZÀ-ÖØ-Þ", "a-zß-öø-ÿ"
_WORD = rf"(?:[{_UPPER}]['’])?[{_UPPER}][{_LOWER}]+(?:[{_UPPER}][{_LOWER}]+)?(?:['’-][{_UPPER}]?[{_LOWER}]+)?"
_NAME = rf"{_WORD}(?:[ \t]+(?:[{_UPPER}]\.|(?:van|von|de|der|den|da|di|du|le|la|del|ter|ten)(?=[ \t])|{_WORD})){{0,3}}"
_TITLE = r"(?:(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Sir|Herr|Frau|Mme|Mlle|M)\.?[ \t]+)"
_GREETING = re.compile(
    r"(?i:\b(?:hi|hello|hey|hiya|dear|greetings|good[ \t]+(?:morning|afternoon|evening)|morning|hallo|hoi|"
    r"bonjour|hola|ciao|beste|liebe|lieber|sehr[ \t]+geehrte[rs]?|thanks|thank[ \t]+you|many[ \t]+thanks|cheers))[ \t]+"
    rf"{_TITLE}?(?P<name>{_NAME})(?=[ \t]*(?:[,!:;.\n]|$))")
_SIGN_OFF = re.compile(
    r"(?i:\b(?:kind[ \t]+regards|best[ \t]+regards|warm[ \t]+regards|regards|best[ \t]+wishes|best|thanks|"
    r"thank[ \t]+you|many[ \t]+thanks|cheers|sincerely|yours[ \t]+sincerely|yours[ \t]+truly|yours|"
    r"met[ \t]+vriendelijke[ \t]+groet(?:en)?|groeten|mit[ \t]+freundlichen[ \t]+grüßen|viele[ \t]+grüße|"
    r"grüße|cordialement|saludos|br|mvg))[ \t]*[,.!-]?[ \t]*(?:\r?\n[ \t]*)?"
    rf"{_TITLE}?(?P<name>{_NAME})[ \t]*(?P<tail>(?:\r?\n[ \t]*[{_UPPER}0-9][^\n.!?:@]{{0,58}}[ \t]*(?=\r?\n|$))"
    r"{0,2})(?=\r?\n|$)")
_NAME_FIELD = re.compile(
    r"(?im)^[ \t>]*(?:name|full[ \t]+name|contact(?:[ \t]+person)?|customer[ \t]+name|requester|requested[ \t]+by|"
    r"from|sender|signed|submitted[ \t]+by|reported[ \t]+by|caller|agent|assignee)[ \t]*:[ \t]*"
    rf"{_TITLE}?(?P<name>(?-i:{_NAME}))")
# Words a greeting is often followed by that are not names.
_NOT_NAMES = {"there", "all", "team", "everyone", "everybody", "support", "sir", "madam", "customer", "guys",
              "folks", "again", "world", "friends", "colleagues", "both", "you", "admin", "there,", "all,",
              "helpdesk", "service", "sales", "billing", "hr", "it", "ops", "devs", "people", "y'all", "community",
              "partner", "partners", "client", "user", "users", "the", "and", "i", "we", "thanks", "thank",
              "regards", "best", "please", "my", "our", "your", "this", "that", "customers", "manager", "mate",
              "agent", "so", "a", "for", "very"}


def _mask_name(label: str, m: re.Match) -> str:
    """Replace the ``name`` group of a greeting, sign-off or field match (and a signature's lines under it)."""
    if m.group("name").split()[0].lower() in _NOT_NAMES:
        return m.group(0)
    start, end = m.start("name") - m.start(), m.end("name") - m.start()
    if "tail" in m.re.groupindex and m.group("tail"):
        end = m.end("tail") - m.start()  # the signature lines under the name go too
    text = m.group(0)
    return text[:start] + label + text[end:]


# Invoice and order numbers: a number after an order word ("order #88812", "invoice no. 20391"), or a code with an
# invoice/order prefix ("INV-20391", "ORD-2026-004512"). Ticket numbers and bug keys (APP-1234) are not references.
_REFERENCE_WORD = re.compile(
    r"(?i:\b(?:order|invoice|inv|receipt|purchase[ \t]+order|po|quote|quotation|credit[ \t]+note|transaction)\b)"
    r"(?i:[ \t]*(?:(?:no|nr|number|num|id|ref)\b\.?)?[ \t]*(?:is[ \t]+)?:?[ \t]*)"
    r"(?P<ref>#?(?:[A-Za-z]{1,5}[-/]?)?\d(?:[-/]?[0-9A-Za-z]){2,24})(?![\w-])")
_REFERENCE_CODE = re.compile(r"(?<![\w-])(?P<ref>(?:INV|ORD|PO|SO|RCPT)[-/#]?\d(?:[-/]?\d){2,24})(?![\w-])")


def _mask_reference(label: str, m: re.Match) -> str:
    """Replace the ``ref`` group when it holds three or more digits and is not a date ("invoice 2026-03-31")."""
    ref = m.group("ref")
    if sum(ch.isdigit() for ch in ref) < 3 or _DATE_LIKE.fullmatch(ref.lstrip("#")):
        return m.group(0)
    start, end = m.start("ref") - m.start(), m.end("ref") - m.start()
    return m.group(0)[:start] + label + m.group(0)[end:]


# Customer organisations: capitalised words ending in a legal form ("Acme Accountants BV", "Example Design
# Pty Ltd", "Sample Clinics & Co"); ambiguous two-letter forms such as AS are left out on purpose.
_LEGAL_FORM = (r"Pty\.?[ \t]+Ltd\.?|Ltd\.?|Limited|B\.V\.|BV|N\.V\.|NV|GmbH(?:[ \t]+&[ \t]+Co\.?[ \t]+KG)?|AG|"
               r"Inc\.?|LLC|LLP|plc|PLC|S\.A\.|SAS|SARL|S\.r\.l\.|Srl|S\.p\.A\.|SpA|Oy|AB|ApS|A/S|Corp\.?|"
               r"Corporation|&[ \t]+Co\b\.?")
_ORG_WORD = rf"(?!(?:{_LEGAL_FORM})(?![\w&]))[{_UPPER}][\w'’.-]*"  # a legal form ends a name
_ORGANISATION = re.compile(rf"(?<![\w&-]){_ORG_WORD}(?:[ \t]+(?:(?:&|and|of)[ \t]+)?{_ORG_WORD}){{0,3}}"
                           rf"[ \t,]+(?:{_LEGAL_FORM})(?![\w&])")


def _known_names(names: Iterable[str]) -> str:
    """A regex alternation of ``names`` (escaped, longest first), or "" when none is usable.

    Ids without a letter (``9365``) and names shorter than three characters are skipped: masking
    them would mask numbers and words, not organisations.
    """
    if isinstance(names, str):
        names = [names]
    usable = sorted({n.strip() for n in names if isinstance(n, str) and len(n.strip()) >= 3
                     and re.search(r"[^\W\d_]", n)}, key=lambda n: (-len(n), n))
    return "|".join(re.escape(n) for n in usable)


# Customer organisations named after their e-mail domain: a run of capitalised words that spells a customer's
# domain ("Vantage Events" for lucy@vantageevents.sg) is their organisation, legal form or not.
_FREE_MAIL = {"gmail", "googlemail", "outlook", "hotmail", "live", "msn", "yahoo", "ymail", "icloud", "me", "mac",
              "aol", "proton", "protonmail", "gmx", "web", "mail", "zoho", "yandex", "example", "localhost"}
_DOMAIN = re.compile(r"@(?:[A-Za-z0-9-]+\.)*?([A-Za-z0-9-]+)\.(?:co|com|org|net|ac|gov)?\.?[A-Za-z]{2,}\b")
_CAPITALISED_RUN = re.compile(rf"(?<![\w&'’-])[{_UPPER}][\w'’]*(?:[ \t]+(?:&[ \t]+)?[{_UPPER}][\w'’]*){{0,3}}")


def email_domains(texts: pd.Series | Iterable[str], *, exclude: Iterable[str] = ()) -> list[str]:
    """The organisation part of the e-mail domains in ``texts`` (``vantageevents`` for ``a@vantageevents.sg``).

    Free-mail providers and the ``exclude`` names (the client's own, e.g. "Northwind Cloud": its
    support address is no customer) are left out, as are labels shorter than five letters. Pass the
    result to :func:`redact` as ``domains`` before the addresses themselves are masked.

    >>> email_domains(["from lucy@vantageevents.sg", "me@gmail.com", "support@northwind.cloud"],
    ...               exclude=["Northwind Cloud"])
    ['vantageevents']
    """
    series = pd.Series(list(texts) if not isinstance(texts, pd.Series) else texts, dtype="object").dropna()
    found = series.astype("str").str.findall(_DOMAIN).explode().dropna().str.lower()
    own = {re.sub(r"[^a-z0-9]", "", n.lower()) for n in exclude} | {
        re.sub(r"[^a-z0-9]", "", n.split()[0].lower()) for n in exclude if n.split()}
    keep = {d for d in found.unique() if len(d) >= 5 and d not in _FREE_MAIL and d not in own}
    return sorted(keep)


def _spells_domain(run: str, domains: set[str]) -> tuple[int, int] | None:
    """Where in ``run`` (start, end) the longest stretch of whole words spells one of ``domains``."""
    words = [(w.start(), w.end()) for w in re.finditer(r"[^\s&]+", run)]
    slugs = [re.sub(r"[^0-9a-z]", "", run[i:j].lower()) for i, j in words]
    for size in range(len(words), 0, -1):
        for first in range(len(words) - size + 1):
            if "".join(slugs[first:first + size]) in domains:
                return words[first][0], words[first + size - 1][1]
    return None


# A cheap test per kind (run by pyarrow's RE2 on string columns) that a text might hold a match; only those
# texts go through the Python-level patterns, which is most of the speed on a million tickets.
_HINTS = {"url_token": r"://[^\s]*[?&#;][^\s]*=", "email": "@", "iban": r"[A-Za-z]{2}\d\d",
          "card": r"\d[ ./_-]?\d[ ./_-]?\d[ ./_-]?\d",
          "ip": r"\d\.\d|[0-9a-fA-F]:[0-9a-fA-F:]", "phone": r"\d[ .)-]?\d[ .)-]?\d",
          "name": r"(?i)hi|hello|hey|dear|greetings|good|morning|hallo|hoi|bonjour|hola|ciao|beste|liebe|geehrte|"
                  r"regards|best|thank|cheers|sincerely|yours|groet|grüß|cordialement|saludos|br|mvg|:",
          "reference": r"(?i)(?:inv|ord|po|so|rcpt|receipt|quot|credit|transaction)[^\n]*\d",
          "organisation": r"Ltd|Limited|B\.?V|N\.?V|GmbH|AG|Inc|LLC|LLP|plc|PLC|S\.?A|SARL|S\.?r\.?l|Srl|"
                          r"S\.?p\.?A|Oy|AB|ApS|A/S|Corp|&[ \t]+Co"}


def _replacer(kind: str, placeholder: str) -> tuple[re.Pattern, Callable[[re.Match], str] | str]:
    label = placeholder.format(kind=_LABELS[kind])
    if kind == "email":
        return _EMAIL, label
    if kind == "ip":
        return _IP, label
    if kind == "url_token":
        def mask_query(m: re.Match) -> str:
            return _QUERY_VALUE.sub(lambda q: q.group(1) + label, m.group(0))
        return _URL, mask_query
    if kind == "iban":
        return _IBAN, lambda m: label if _iban_valid(m.group(0)) else m.group(0)
    if kind == "card":
        def mask_card(m: re.Match) -> str:
            digits = re.sub(r"\D", "", m.group(0))
            return label if 13 <= len(digits) <= 19 and _luhn(digits) else m.group(0)
        return _CARD, mask_card
    if kind == "phone":
        return _PHONE, lambda m: label if _phone_like(m.group(0)) and not _after_id_word(m) else m.group(0)
    raise AssertionError(kind)


def _mask_spelled(label: str, m: re.Match, domains: set[str]) -> str:
    """Mask the leading words of a capitalised run that spell a customer's e-mail domain."""
    found = _spells_domain(m.group(0), domains)
    return m.group(0) if found is None else m.group(0)[:found[0]] + label + m.group(0)[found[1]:]


def _rules(kind: str, placeholder: str, known: str = "", domains: frozenset[str] = frozenset()
           ) -> list[tuple[re.Pattern, Callable[[re.Match], str] | str]]:
    """The (pattern, replacement) pairs that mask one kind; ``known`` names and ``domains`` add organisations."""
    label = placeholder.format(kind=_LABELS[kind])
    if kind == "name":
        return [(pattern, lambda m: _mask_name(label, m)) for pattern in (_NAME_FIELD, _SIGN_OFF, _GREETING)]
    if kind == "reference":
        return [(pattern, lambda m: _mask_reference(label, m)) for pattern in (_REFERENCE_WORD, _REFERENCE_CODE)]
    if kind == "organisation":
        named = [(re.compile(rf"(?<!\w)(?:{known})(?!\w)", re.IGNORECASE), label)] if known else []
        spelled = [(_CAPITALISED_RUN, lambda m: _mask_spelled(label, m, domains))] if domains else []
        return [*named, (_ORGANISATION, label), *spelled]
    return [_replacer(kind, placeholder)]


def _check_kinds(kinds: Iterable[str]) -> list[str]:
    if isinstance(kinds, str):
        kinds = [kinds]
    chosen = list(kinds)
    unknown = [k for k in chosen if k not in KINDS]
    if unknown:
        raise ConfigError(f"unknown PII kind {unknown[0]!r}", key="kinds", fix=f"use some of {', '.join(KINDS)}")
    return [k for k in KINDS if k in chosen]  # fixed order: URL tokens before e-mails, IBANs before cards


def redact(text: str | pd.Series | None, *, kinds: Iterable[str] = DEFAULT_KINDS,
           placeholder: str = PLACEHOLDER, organisations: Iterable[str] = (),
           domains: Iterable[str] = ()) -> str | pd.Series | None:
    """Mask personal data in ``text``; return the same type (missing values stay missing).

    Parameters
    ----------
    text : one string, or a pandas Series of strings (any index; dtype kept).
    kinds : which kinds to mask, any of ``url_token`` (values of URL query parameters),
        ``email``, ``iban`` (mod-97 valid), ``card`` (13-19 digits, Luhn valid), ``ip``
        (IPv4 and IPv6), ``phone`` (7-15 digits with separators or a leading ``+``/``00``, or an
        unspaced national number), ``name`` (names in greetings, sign-offs, signatures and name
        fields; see the module docstring), ``reference`` (invoice and order numbers), ``organisation``
        (company names with a legal form, and the ``organisations`` given). Default: all.
    placeholder : replacement text; ``{kind}`` becomes token, email, reference, iban, card, ip, phone, name or
        organisation.
    organisations : names of the client's customer organisations (e.g. the tickets' ``organization_id`` when
        the export holds names), masked wherever they appear, with or without a legal form.
    domains : customers' e-mail domain labels (:func:`email_domains`); capitalised words that spell one
        ("Vantage Events" for ``vantageevents``) are masked as an organisation.

    Returns
    -------
    The text with each match replaced by its placeholder, e.g. ``[email]``.

    Examples
    --------
    A Series keeps its index and its missing values; order numbers are left alone:

    >>> import pandas as pd
    >>> from toolkit.pii import redact
    >>> redact(pd.Series(["Call me on 020 7946 0958", None, "Ticket #4820193 for jane@example.com"],
    ...                  index=[10, 11, 12]))
    10             Call me on [phone]
    11                            NaN
    12    Ticket #4820193 for [email]
    dtype: str

    Only card numbers that pass the Luhn check are masked; ``kinds`` and ``placeholder`` choose
    what is masked and how:

    >>> redact("card 4111 1111 1111 1111 or 4111 1111 1111 1112")
    'card [card] or 4111 1111 1111 1112'
    >>> redact("jane@example.com from 192.168.1.20", kinds=["email"], placeholder="<{kind} removed>")
    '<email removed> from 192.168.1.20'
    >>> redact("https://app.example.com/reset?token=abc123&user=42")
    'https://app.example.com/reset?token=[token]&user=[token]'
    >>> redact("Billing query - Example Design Pty Ltd, invoice INV-20391")
    'Billing query - [organisation], invoice [reference]'
    >>> redact("jane@example.com", kinds=["ssn"])
    Traceback (most recent call last):
    ...
    toolkit.errors.ConfigError: `kinds`: unknown PII kind 'ssn'. Fix: use some of url_token, email, reference, \
iban, card, ip, phone, name, organisation
    """
    chosen = _check_kinds(kinds)
    known = _known_names(organisations)
    spelled = frozenset(d.lower() for d in domains)
    rules = [_rules(kind, placeholder, known, spelled) for kind in chosen]
    hints = {kind: _HINTS[kind] for kind in chosen}
    if known and "organisation" in hints:
        hints["organisation"] += f"|(?i:{known})"
    if spelled and "organisation" in hints:  # a run spelling a domain starts with the domain's first letters
        hints["organisation"] += "|(?i:" + "|".join(sorted({re.escape(d[:4]) for d in spelled})) + ")"
    if text is None:
        return None
    if isinstance(text, pd.Series):
        if text.empty:
            return text.copy()
        out = text.astype("str") if text.dtype != object and not isinstance(text.dtype, pd.StringDtype) else text.copy()
        as_text = out.astype("str")
        for kind, pairs in zip(chosen, rules, strict=True):
            hint = as_text.str.contains(hints[kind], regex=True, na=False) & out.notna()
            if hint.any():
                masked = out[hint].astype("str")
                for pattern, repl in pairs:
                    masked = masked.str.replace(pattern, repl, regex=True)
                out[hint] = masked.to_numpy()
                as_text = out.astype("str")
        return out
    if not isinstance(text, str):
        raise ConfigError(f"expected a string or a pandas Series, got {type(text).__name__}", key="text",
                          fix="pass the text column, e.g. redact(tickets['description'])")
    for pairs in rules:
        for pattern, repl in pairs:
            text = pattern.sub(repl, text)
    return text
