"""Who appears in a client report, and how: agents under stable pseudonyms, interviewees as role groups.

A report goes to the head of support and often further; individuals are not named by default.

- **Agents** become "Agent 07". The number is the agent's rank when the agents are ordered by
  an HMAC-SHA256 of their name keyed by the client's name: the same data for the same client
  always gives the same labels (re-renders, the results bundle and a later comparison agree),
  while the numbers follow neither the alphabet nor the helpdesk's ids, so a reader who knows
  the team cannot read a name off the order. The key is not a secret: the labels keep names off
  the page, they do not resist someone who holds the roster and this code. Labels are applied
  where the data is loaded (:func:`toolkit.report.inputs.load_engagement`), so every table,
  chart, hover text, example and sentence downstream sees only the labels.
- **Interviewees** are shown as role groups of two or more people ("Management (3)");
  someone alone in their group joins a broader "Respondents" group, and names appear only for
  those listed as having agreed to be named.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable, Mapping

import pandas as pd

AGENT_LABEL = "Agent {number}"
"""How an agent is shown; ``{number}`` is zero-padded to two digits (three beyond 99 agents)."""

RESPONDENTS = "Respondents"
"""The broader group that takes every interviewee who would otherwise be alone in a role group."""


def agent_names(tickets: pd.DataFrame | None, messages: pd.DataFrame | None = None) -> list[str]:
    """The agents in the data: ticket assignees and authors of agent messages, sorted, each once."""
    names: set[str] = set()
    if tickets is not None and "assignee" in tickets.columns:
        names.update(tickets["assignee"].dropna().astype("str"))
    if messages is not None and {"author", "author_role"} <= set(messages.columns):
        names.update(messages.loc[messages["author_role"].eq("agent"), "author"].dropna().astype("str"))
    return sorted(n for n in names if n.strip())


def agent_pseudonyms(agents: Iterable[str], key: str) -> dict[str, str]:
    """Each agent's stable label ("Agent 07"), numbered by an HMAC of the name keyed by ``key``.

    Parameters
    ----------
    agents : agent names or ids, as the tickets and messages hold them (duplicates ignored).
    key : what makes the numbering particular to one engagement; the report passes the client name.

    Examples
    --------
    >>> labels = agent_pseudonyms(["Ann Lee", "Bo Chan", "Cy Diaz"], key="Northwind Cloud")
    >>> sorted(labels.values())
    ['Agent 01', 'Agent 02', 'Agent 03']
    >>> labels == agent_pseudonyms(["Cy Diaz", "Bo Chan", "Ann Lee", "Ann Lee"], key="Northwind Cloud")
    True
    """
    unique = sorted({str(a) for a in agents})
    digest = {a: hmac.new(key.encode("utf-8"), a.encode("utf-8"), hashlib.sha256).hexdigest() for a in unique}
    ordered = sorted(unique, key=lambda a: (digest[a], a))
    width = max(2, len(str(len(ordered))))
    return {a: AGENT_LABEL.format(number=str(i).zfill(width)) for i, a in enumerate(ordered, start=1)}


def _text_pattern(pseudonyms: Mapping[str, str]) -> tuple[re.Pattern | None, dict[str, str]]:
    """One pattern for the agents' full names and first names, and what each match becomes.

    A first name shared by two agents cannot say which one is meant, so it becomes ``[name]``.
    Names are matched case-sensitively as whole words ("Grace" is a name, "grace period" is not).
    """
    replacement = {name: label for name, label in pseudonyms.items() if re.search(r"[^\W\d_]", name)}
    firsts: dict[str, set[str]] = {}
    for name, label in replacement.items():
        parts = name.split()
        if len(parts) > 1 and len(parts[0]) >= 3:
            firsts.setdefault(parts[0], set()).add(label)
    for first, labels in firsts.items():
        replacement.setdefault(first, labels.pop() if len(labels) == 1 else "[name]")
    if not replacement:
        return None, replacement
    names = sorted(replacement, key=lambda n: (-len(n), n))
    return re.compile(r"(?<![\w'’])(?:" + "|".join(re.escape(n) for n in names) + r")(?![\w-])"), replacement


def pseudonymise_text(text: pd.Series, pseudonyms: Mapping[str, str]) -> pd.Series:
    """``text`` with every agent's full name, and first name, replaced by their label.

    "Uma and the team go the extra mile" becomes "Agent 03 and the team go the extra mile";
    missing values stay missing and the index is kept.

    Examples
    --------
    >>> labels = {"Uma Rahman": "Agent 03", "Ben Carter": "Agent 11"}
    >>> pseudonymise_text(pd.Series(["Uma and the team", "From: Ben Carter", "Umami"]), labels).tolist()
    ['Agent 03 and the team', 'From: Agent 11', 'Umami']
    """
    pattern, replacement = _text_pattern(pseudonyms)
    if pattern is None or text.empty:
        return text.copy()
    out = text.copy()
    hit = out.map(lambda t: isinstance(t, str) and pattern.search(t) is not None).astype(bool)
    if hit.any():
        out.loc[hit] = out.loc[hit].astype("str").str.replace(pattern, lambda m: replacement[m.group(0)],
                                                              regex=True).to_numpy()
    return out


def interviewee_groups(answers: pd.DataFrame, role_groups: Mapping[str, str], *,
                       named: Iterable[str] = ()) -> dict[str, str]:
    """Each interviewee's label in the report: their role group with its size, e.g. "Management (3)".

    Parameters
    ----------
    answers : maturity answers (``respondent``, ``role``).
    role_groups : lower-case role -> group (the maturity model's ``role_groups``); other roles are
        in "Other teams".
    named : respondents who agreed to be named; they appear as "Name (role)" and leave their group.

    A group of one would name its member by elimination, so its people join "Respondents"; when
    that leaves "Respondents" with one person too, everyone is shown as one "Respondents" group.

    Examples
    --------
    >>> answers = pd.DataFrame({"respondent": ["Dana", "Sam", "Lee", "Tom"],
    ...                         "role": ["head of support", "team lead", "agent", "product manager"]})
    >>> groups = {"head of support": "management", "agent": "frontline", "team lead": "frontline"}
    >>> interviewee_groups(answers, groups)
    {'Dana': 'Respondents (2)', 'Sam': 'Frontline (2)', 'Lee': 'Frontline (2)', 'Tom': 'Respondents (2)'}
    >>> interviewee_groups(answers, groups, named=["Dana"])
    {'Dana': 'Dana (head of support)', 'Sam': 'Respondents (3)', 'Lee': 'Respondents (3)', 'Tom': 'Respondents (3)'}
    """
    people = answers[["respondent", "role"]].drop_duplicates("respondent")
    agreed = set(named)
    group = people["role"].astype("str").str.strip().str.lower().map(
        {str(k).strip().lower(): v for k, v in role_groups.items()}).fillna("other teams")
    group = group.str.replace("_", " ").str.capitalize()
    hidden = ~people["respondent"].isin(agreed)
    sizes = group[hidden].value_counts()
    group = group.where(~hidden | group.map(sizes).gt(1), RESPONDENTS)
    pooled = (group[hidden] == RESPONDENTS).sum()
    if pooled == 1:
        group = group.where(~hidden, RESPONDENTS)
    sizes = group[hidden].value_counts()
    label = group + " (" + group.map(sizes).fillna(0).astype("int64").astype("str") + ")"
    label = label.where(hidden, people["respondent"].astype("str") + " (" + people["role"].astype("str") + ")")
    return dict(zip(people["respondent"], label, strict=True))


def group_scores(respondent_scores: pd.DataFrame, labels: Mapping[str, str]) -> pd.DataFrame:
    """:func:`~toolkit.maturity.score_respondents` per interviewee group: the median of its members' scores.

    Same columns, one row per group and dimension; ``respondent`` holds the group label and
    ``role`` is empty (the label says who they are). Rows keep the order groups first appear in.
    """
    frame = respondent_scores.assign(respondent=respondent_scores["respondent"].map(labels)
                                     .fillna(respondent_scores["respondent"]))
    keys = ["respondent", "dimension_id", "dimension"]
    out = frame.groupby(keys, sort=False).agg(score=("score", "median"), answered=("answered", "sum"),
                                              group=("group", "first")).reset_index()
    return out.assign(role="")[list(respondent_scores.columns)]


def grouped_answers(answers: pd.DataFrame, labels: Mapping[str, str]) -> pd.DataFrame:
    """``answers`` with each respondent (and role) replaced by their group label, for sentences that say
    whose answers make a claim; levels are unchanged, so every score computed from them is too. Those
    who agreed to be named keep their name and role."""
    label = answers["respondent"].map(labels).fillna(answers["respondent"])
    named = label.eq(answers["respondent"].astype("str") + " (" + answers["role"].astype("str") + ")")
    return answers.assign(respondent=label.where(~named, answers["respondent"]),
                          role=label.where(~named, answers["role"]))


def hide_small_groups(disagreements: pd.DataFrame, min_people: int = 2) -> pd.DataFrame:
    """``disagreements`` with the scores of a comparison blanked when either group has fewer than
    ``min_people`` respondents: one person's score shown as a group's would name them."""
    small = (disagreements["respondents_a"] < min_people) | (disagreements["respondents_b"] < min_people)
    if not small.any():
        return disagreements
    out = disagreements.copy()
    out[["score_a", "score_b", "difference"]] = out[["score_a", "score_b", "difference"]].astype("float64")
    out.loc[small, ["score_a", "score_b", "difference"]] = float("nan")
    out.loc[small, "flagged"] = False
    out.loc[small, "note"] = f"not shown: a group has fewer than {min_people} respondents"
    return out


def respondent_ids(answers: pd.DataFrame, *, named: Iterable[str] = ()) -> pd.DataFrame:
    """``answers`` with each name replaced by "Respondent 1", "Respondent 2"... (order of first
    appearance), except those who agreed to be named; roles are kept for the role groups."""
    agreed = set(named)
    people = list(dict.fromkeys(answers["respondent"].astype("str")))
    ids = {p: p if p in agreed else f"Respondent {i}" for i, p in enumerate(people, start=1)}
    return answers.assign(respondent=answers["respondent"].astype("str").map(ids))
