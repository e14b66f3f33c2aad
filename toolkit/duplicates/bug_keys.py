"""Bug-tracker keys cited by tickets: the one place that knows what a key looks like.

Two tickets citing the same bug are about the same problem, so keys feed the clusters'
evidence, names and the bug-tracker export. A key is found in:

- text (subject, description, messages): Jira-style keys (``APP-1234``), GitHub issue links
  (``github.com/owner/repo/issues/12``, written ``owner/repo#12``), ``owner/repo#12`` and bare
  ``#1234`` references, Jira links (``.../browse/app-12``);
- tags (``app-1533``, as helpdesk triggers set them) and custom fields (the ``extra`` mapping).

Keys are matched case-insensitively and written upper-case (``app-12`` -> ``APP-12``). A
lower-case ``word-123`` is ambiguous (``utf-8``, ``windows-11``), so it counts only when its
project is known: listed in ``projects``, or written upper-case somewhere in the same data.
A custom field named like a bug reference (``jira``, ``bug``, ``issue``, ``defect``) counts
whatever its case. Pass ``projects`` (e.g. ``["APP", "BILL"]``) to accept only those projects.
Order, ticket, invoice and case numbers (``order #4821``) and standard names (``ISO-8601``,
``SHA-256``) are not keys.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from toolkit.errors import ConfigError

# A project key: a letter then 1-9 letters or digits (Jira's default rule), a dash, an issue number.
KEY = re.compile(r"(?i)(?<![\w-])([a-z][a-z0-9]{1,9})-([1-9]\d{0,6})(?![\w-])")
# The same in RE2 syntax for the cleaner (no look-arounds): ``APP-1234`` becomes the token ``app_1234``.
KEY_RE2 = r"(?i)\b([a-z][a-z0-9]{1,9})-([1-9][0-9]{0,6})\b"
_JIRA_LINK = re.compile(r"(?i)/browse/([a-z][a-z0-9]{1,9}-[1-9]\d{0,6})\b")
_GITHUB_URL = re.compile(r"(?i)github\.com/([\w.-]+/[\w.-]+)/(?:issues|pull)/(\d+)")
_OWNER_REPO_REF = re.compile(r"\b([\w.-]+/[\w.-]+)#(\d+)\b")
_HASH_REF = re.compile(r"(?i)(?<![\w&/])(?<!order )(?<!ticket )(?<!invoice )(?<!case )(?<!request )(?<!no\. )"
                       r"(?<!number )(?<!ref )#(\d{2,6})\b")
_KEY_FIELD = re.compile(r"(?i)jira|bug|issue|defect")
# Prefixes of standard names and document numbers that look like keys.
NOT_PROJECTS = frozenset({"ISO", "UTF", "SHA", "RFC", "COVID", "TLS", "SSL", "HTTP", "MP", "IPV", "PCI", "AES", "CVE",
                          "GDPR", "ORD", "INV", "TKT", "REQ", "CASE", "REF", "SR", "CS", "PO", "WIN", "WINDOWS",
                          "IPHONE", "OFFICE", "TOP", "STEP"})
_PREFILTER = r"(?i)[a-z][a-z0-9]+-[1-9]|#[0-9][0-9]|github\.com"


def check_projects(projects) -> frozenset[str] | None:
    """The configured project prefixes, upper-case; a ConfigError names a value that cannot be one."""
    if projects is None:
        return None
    values = [projects] if isinstance(projects, str) else list(projects) if isinstance(projects, Iterable) else None
    bad = [p for p in values or [None] if not (isinstance(p, str) and re.fullmatch(r"[A-Za-z][A-Za-z0-9]{1,9}", p))]
    if values is None or bad:
        raise ConfigError(f"bug_key_projects must be project keys like 'APP' (a letter, then 1-9 letters or digits), "
                          f"got {bad[0] if values else projects!r}", key="bug_key_projects",
                          fix="list the bug tracker's project keys, e.g. ['APP', 'BILL'], or leave it empty")
    return frozenset(p.upper() for p in values)


def extract_bug_keys(texts, projects=None, known: Iterable[str] = ()) -> pd.Series:
    """The bug-tracker references in each text, as a sorted list of strings (same index).

    Jira keys as ``APP-1234``, GitHub issues as ``owner/repo#12``, bare references as ``#1234``.
    ``projects`` limits Jira keys to those project prefixes (any case); otherwise a lower-case key
    counts when its project is written upper-case in one of ``texts`` or is in ``known``.

    >>> extract_bug_keys(pd.Series(["Crash, see APP-12", "same as app-12", "utf-8 text", "order #4821"])).tolist()
    [['APP-12'], ['APP-12'], [], []]
    """
    texts = pd.Series(texts).fillna("").astype("str")
    allowed = check_projects(projects)
    result = pd.Series([[] for _ in range(len(texts))], index=texts.index, dtype=object)
    if not len(texts):
        return result
    texts = _maybe_citing(texts)
    parts = [_jira_keys(texts, allowed, known)]
    links = texts.str.extractall(_JIRA_LINK)
    if len(links) and allowed is None:
        parts.append(links[0].str.upper())
    elif len(links):
        parts.append(links[0].str.upper()[links[0].str.split("-").str[0].str.upper().isin(allowed)])
    github = texts.str.extractall(_GITHUB_URL)
    if len(github):
        parts.append(github[0].str.lower() + "#" + github[1])
    refs = texts.str.extractall(_OWNER_REPO_REF)
    if len(refs):
        parts.append(refs[0].str.lower() + "#" + refs[1])
    hashes = texts.str.replace(_OWNER_REPO_REF, " ", regex=True).str.extractall(_HASH_REF)
    if len(hashes):
        parts.append("#" + hashes[0])
    parts = [p for p in parts if len(p)]
    if parts:
        found = pd.concat(parts).astype("str")
        found.index = found.index.get_level_values(0)
        grouped = found.groupby(level=0).agg(lambda s: sorted(set(s)))
        result.loc[grouped.index] = grouped
    return result


def _maybe_citing(texts: pd.Series) -> pd.Series:
    """The texts that may cite something: only a few do, found with one fast (RE2) scan before the detailed
    patterns."""
    array = pa.chunked_array([pa.array(texts.tolist(), type=pa.large_string())])
    maybe = np.asarray(pc.match_substring_regex(array, _PREFILTER).to_numpy(zero_copy_only=False), dtype=bool)
    return texts[maybe]


def _jira_keys(texts: pd.Series, allowed: frozenset[str] | None, known: Iterable[str]) -> pd.Series:
    found = texts.str.extractall(KEY)
    if not len(found):
        return pd.Series(dtype="str")
    prefix = found[0].str.upper()
    keys = prefix + "-" + found[1]
    if allowed is not None:
        return keys[prefix.isin(allowed)]
    upper = found[0] == prefix
    projects = set(prefix[upper]) | {str(k).upper() for k in known}
    keep = (upper | prefix.isin(projects)) & ~prefix.isin(NOT_PROJECTS)
    return keys[keep]


def ticket_bug_keys(tickets: pd.DataFrame, messages: pd.DataFrame | None = None, projects=None, *,
                    known: Iterable[str] = (), own_ids: Iterable[str] | None = None) -> pd.Series:
    """Bug keys each ticket cites in its subject, description, tags, custom fields or messages.

    Returns a Series of sorted lists aligned with ``tickets`` (index reset). A ``#123`` that is
    one of the helpdesk's own ticket numbers is a ticket reference, not a bug, and is dropped.

    For an engine that reads the tickets a part at a time (:mod:`toolkit.spark.summaries`): ``known`` adds
    projects written in capitals elsewhere (:func:`written_projects` of every part), and ``own_ids`` are the
    ticket numbers whose ``#`` references are dropped (default: those of ``tickets``; ``()`` keeps every one).
    """
    tickets = tickets.reset_index(drop=True)
    text, strong = _ticket_text(tickets)
    keys = extract_bug_keys(text, projects, known=known)
    extra: list[pd.Series] = []
    if strong is not None:
        extra.append(strong)
    if messages is not None and len(messages) and {"ticket_id", "body"} <= set(messages.columns):
        found = message_bug_keys(messages, projects, known=projects_of(keys))
        extra.append(pd.Series(found.reindex(tickets["ticket_id"].astype("str").to_numpy()).to_numpy()))
    if own_ids is None:
        own_ids = tickets["ticket_id"].astype("str") if "ticket_id" in tickets.columns else ()
    own = {f"#{i}" for i in own_ids}
    merged = []
    for row, found in enumerate(keys):
        union = set(found)
        for more in extra:
            value = more.iloc[row]
            if isinstance(value, list):
                union |= set(value)
        merged.append(sorted(k for k in union if k not in own))
    return pd.Series(merged, dtype=object)


def message_bug_keys(messages: pd.DataFrame, projects=None, known: Iterable[str] = ()) -> pd.Series:
    """Bug keys quoted in each ticket's messages: a list per ``ticket_id`` (only tickets whose messages quote one)."""
    found = extract_bug_keys(messages["body"].reset_index(drop=True), projects, known=known)
    pairs = pd.DataFrame({"ticket_id": messages["ticket_id"].astype("str").to_numpy(), "key": found.to_numpy()})
    pairs = pairs.explode("key").dropna(subset=["key"])
    return pairs.groupby("ticket_id")["key"].agg(list)


def written_projects(tickets: pd.DataFrame) -> set[str]:
    """Projects whose keys the tickets write in capitals (``APP-12``): lower-case keys of these projects count."""
    text, _ = _ticket_text(tickets.reset_index(drop=True))
    found = _maybe_citing(text).str.extractall(KEY)
    return set(found[0][found[0] == found[0].str.upper()]) if len(found) else set()


def cited_projects(tickets: pd.DataFrame, projects=None, known: Iterable[str] = ()) -> set[str]:
    """Projects of the keys the tickets' own text cites (not their key fields): the projects whose lower-case keys
    :func:`ticket_bug_keys` then accepts in messages."""
    text, _ = _ticket_text(tickets.reset_index(drop=True))
    return projects_of(extract_bug_keys(text, projects, known=known))


def _ticket_text(tickets: pd.DataFrame) -> tuple[pd.Series, pd.Series | None]:
    """Each ticket's searched text (subject, description, tags, custom field values) and the keys its custom
    fields name as such (None without custom fields)."""
    sources = [tickets[c].fillna("").astype("str") for c in ("subject", "description") if c in tickets.columns]
    if "tags" in tickets.columns:
        sources.append(tickets["tags"].map(lambda tags: " ".join(map(str, tags)) if _listlike(tags) else ""))
    strong: pd.Series | None = None
    if "extra" in tickets.columns:
        sources.append(tickets["extra"].map(lambda e: " ".join(map(str, e.values())) if isinstance(e, dict) else ""))
        strong = tickets["extra"].map(_key_fields)
    text = sources[0].str.cat(sources[1:], sep="\n") if sources else pd.Series("", index=tickets.index, dtype="str")
    return text, strong


def projects_of(keys: pd.Series) -> set[str]:
    """The projects of the Jira keys in lists of keys (not ``#`` references)."""
    return {k.split("-")[0] for found in keys for k in found if "-" in k and "#" not in k}


def _listlike(value) -> bool:
    return isinstance(value, list | tuple | np.ndarray)


def _key_fields(extra) -> list[str]:
    """Keys in custom fields whose name says they hold one (``Jira key: app-12``), whatever their case."""
    if not isinstance(extra, dict):
        return []
    out = []
    for name, value in extra.items():
        if _KEY_FIELD.search(str(name)):
            out += [f"{p.upper()}-{n}" for p, n in KEY.findall(str(value)) if p.upper() not in NOT_PROJECTS]
    return out
