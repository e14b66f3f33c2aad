"""Workload concentration (hero culture): how much of the work, and of the hard work, few agents carry.

A **hard ticket** is one that was reopened, or needed more agent replies than 90% of
tickets (above the 90th percentile of agent replies), or took longer to resolve than 90% of
solved tickets of its priority. Parts whose inputs are missing are left out of the rule,
with a note; with none available, hard-ticket figures are empty.

**Top-agent share**: the share of tickets handled by the busiest ``top_share`` of agents
(rounded up, at least one agent). **Gini**: 0 when every agent handles the same number of
tickets, approaching 1 when one agent handles everything. Only agents with at least one
ticket in the segment count. Tickets are attributed to their final ``assignee``.

**Heroes vs rework** (:func:`heroes_and_rework`). A hard ticket above mixes two things: hard
work an agent *received* and rework an agent *caused*. A ticket **arrived hard**
(:func:`hard_received`) when its priority is urgent or high, it is linked to a known problem
(``problem_id``), or it carries an escalation tag (:data:`ESCALATION_TAGS`): all set before
the agent's handling. Replies and resolution time are left out of it because the agent's own
handling drives them. **Own reopens**: the agent's solved tickets that were reopened (the
final assignee is taken to have solved them). Each agent is compared with the rest of their
segment (team) by a two-proportion test, Holm-adjusted over all agents: ``hard_work`` when
their share of tickets that arrived hard is higher, ``rework`` when their own reopen rate is
higher. Only ``hard_work`` without ``rework`` is a ``hero``: an agent whose load is their own
reopens is not called heroic.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from toolkit import formatting as fmt
from toolkit.errors import ConfigError, DataError
from toolkit.multiplicity import adjust_p_values
from toolkit.notes import notes as notes_of
from toolkit.notes import with_notes
from toolkit.ops.facts import ever_solved, reopened, reply_counts, resolution_minutes
from toolkit.ops.segments import NOT_SET, add_segment_label, segment_frame
from toolkit.schema import has_values
from toolkit.survey.scores import proportion_difference
from toolkit.validation import MIN_N, check_by, check_freq, check_min_n, check_table, check_tz, require_columns

CONCENTRATION_COLUMNS = ["segment", "agents", "tickets", "top_agents", "top_agents_ticket_share", "gini_tickets",
                         "hard_tickets", "top_agents_hard_share", "gini_hard_tickets", "small_sample"]
HARD_PRIORITIES = ("urgent", "high")
ESCALATION_TAGS = ("escalated", "escalation", "tier2", "tier-2", "tier_2", "level2", "l2")
"""Tags (compared in lower case) that mark a ticket as escalated to the agent."""
HERO_COLUMNS = ["tickets", "hard_received", "hard_received_share", "rest_hard_received_share", "hard_received_p",
                "solved", "own_reopened", "own_reopen_rate", "rest_own_reopen_rate", "own_reopen_p", "small_sample",
                "hard_work", "rework", "hero", "explanation"]
MIN_AGENTS = 5
"""Segments with fewer agents are flagged ``small_sample``: concentration needs a team to spread over."""


def hard_tickets(tickets: pd.DataFrame, messages: pd.DataFrame | None = None) -> pd.Series:
    """Boolean per ticket: hard by the rule in the module docstring (NA when no part can be judged).

    Parts of the rule that cannot be judged are named in ``attrs["notes"]``.
    """
    notes: list[str] = []
    parts = []
    again = reopened(tickets)
    if again is not None:
        parts.append(again)
    else:
        notes.append("Hard tickets: reopens unknown, left out of the rule.")
    replies = reply_counts(tickets, messages)
    agent = replies["agent_replies"]
    if agent.notna().any():
        parts.append((agent > agent.quantile(0.90)).fillna(False))
    else:
        notes.append("Hard tickets: agent replies unknown, left out of the rule.")
    minutes = resolution_minutes(tickets)
    if minutes.notna().any():
        priority = tickets["priority"].fillna(NOT_SET) if "priority" in tickets.columns else NOT_SET
        cut = minutes.groupby(priority).transform(lambda v: v.quantile(0.90))
        parts.append((minutes > cut).fillna(False))
    else:
        notes.append("Hard tickets: resolution time unknown, left out of the rule.")
    if not parts:
        return with_notes(pd.Series(pd.NA, index=tickets.index, dtype="boolean"),
                          [*notes, "Hard tickets skipped: no reopens, replies or resolution times."])
    hard = parts[0].astype(bool)
    for part in parts[1:]:
        hard = hard | part.astype(bool)
    # A fresh Series: pandas carries attrs through arithmetic, and only this rule's notes belong here.
    return with_notes(pd.Series(hard.to_numpy(dtype=bool), index=tickets.index, dtype="boolean"), notes)


def agent_workload(
    tickets: pd.DataFrame,
    messages: pd.DataFrame | None = None,
    by: str | Sequence[str] | None = None,
    freq: str | None = None,
    tz: str = "UTC",
) -> pd.DataFrame:
    """Tickets and hard tickets per agent (final ``assignee``), busiest first.

    Returns one row per segment x agent: ``segment``, the ``by`` columns, ``assignee``,
    ``tickets``, ``hard_tickets``, ``ticket_share`` and ``hard_share`` (of the segment's
    assigned tickets / hard tickets), ``cumulative_ticket_share`` (for a Lorenz-style curve).
    """
    tickets = check_table(tickets, "tickets", argument="tickets")
    check_tz(tz)
    check_freq(freq, optional=True)
    keys = segment_frame(tickets, check_by(by), freq=freq, tz=tz)
    used, notes = list(keys.columns), notes_of(keys)
    columns = ["segment", "assignee", "tickets", "hard_tickets", "ticket_share", "hard_share",
               "cumulative_ticket_share"]
    if not has_values(tickets, "assignee"):
        return with_notes(pd.DataFrame(columns=columns), notes + ["Workload skipped: no assignee values."])
    hard = hard_tickets(tickets, messages)
    hard_notes = notes_of(hard)
    notes += hard_notes
    assigned = tickets["assignee"].notna().to_numpy()
    unassigned = int((~assigned).sum())
    if unassigned:
        notes.append(f"{unassigned} tickets without an assignee are left out of workload figures.")
    frame = keys[assigned].assign(assignee=tickets.loc[assigned, "assignee"].astype("str").to_numpy(), tickets=1,
                                  hard_tickets=hard[assigned].astype("float64").to_numpy())
    out = frame.groupby([*used, "assignee"], sort=True).agg(tickets=("tickets", "sum"),
                                                            hard_tickets=("hard_tickets", "sum"))
    out = out.reset_index()
    if hard.isna().all():
        out["hard_tickets"] = np.nan
    groups = out.groupby(used, sort=False) if used else out.groupby(np.zeros(len(out)), sort=False)
    out["ticket_share"] = out["tickets"] / groups["tickets"].transform("sum")
    out["hard_share"] = out["hard_tickets"] / groups["hard_tickets"].transform("sum").replace(0, np.nan)
    out = out.sort_values([*used, "tickets", "assignee"], ascending=[True] * len(used) + [False, True],
                          kind="stable").reset_index(drop=True)
    groups = out.groupby(used, sort=False) if used else out.groupby(np.zeros(len(out)), sort=False)
    out["cumulative_ticket_share"] = groups["ticket_share"].cumsum()
    out = add_segment_label(out.reset_index(drop=True), used, freq)
    return with_notes(out, notes)


def workload_concentration(
    tickets: pd.DataFrame,
    messages: pd.DataFrame | None = None,
    by: str | Sequence[str] | None = None,
    freq: str | None = None,
    tz: str = "UTC",
    top_share: float = 0.10,
) -> pd.DataFrame:
    """Top-agent share and Gini of tickets and of hard tickets per segment (a maturity signal).

    Returns one row per segment: ``segment``, the ``by`` columns, ``agents``, ``tickets``
    (assigned), ``top_agents`` (how many agents make the top ``top_share``),
    ``top_agents_ticket_share``, ``gini_tickets``, ``hard_tickets``,
    ``top_agents_hard_share`` (top agents ranked by hard tickets), ``gini_hard_tickets`` and
    ``small_sample`` (fewer than 5 agents).
    """
    if not 0 < top_share < 1:
        raise ConfigError(f"top_share must be between 0 and 1, got {top_share!r}", key="top_share",
                          fix="pass e.g. top_share=0.10 for the busiest 10% of agents")
    per_agent = agent_workload(tickets, messages, by=by, freq=freq, tz=tz)
    notes = per_agent.attrs.get("notes", [])
    if per_agent.empty:
        return with_notes(pd.DataFrame(columns=CONCENTRATION_COLUMNS), notes)
    keys = [c for c in per_agent.columns if c not in
            ("segment", "assignee", "tickets", "hard_tickets", "ticket_share", "hard_share",
             "cumulative_ticket_share")]
    group_cols = ["segment", *keys]
    rows = []
    for values, agents in per_agent.groupby(group_cols, sort=True):
        counts = agents["tickets"].to_numpy(dtype="float64")
        hard = agents["hard_tickets"].to_numpy(dtype="float64")
        k = max(1, int(np.ceil(top_share * len(agents))))
        hard_known = not np.isnan(hard).all()
        rows.append({
            **dict(zip(group_cols, values, strict=True)),
            "agents": len(agents), "tickets": int(counts.sum()), "top_agents": k,
            "top_agents_ticket_share": np.sort(counts)[::-1][:k].sum() / counts.sum(),
            "gini_tickets": gini(counts),
            "hard_tickets": hard.sum() if hard_known else np.nan,
            "top_agents_hard_share": (np.sort(hard)[::-1][:k].sum() / hard.sum()
                                      if hard_known and hard.sum() > 0 else np.nan),
            "gini_hard_tickets": gini(hard) if hard_known else np.nan,
        })
    out = pd.DataFrame(rows)
    out["small_sample"] = out["agents"] < MIN_AGENTS
    return with_notes(out[[*group_cols, *CONCENTRATION_COLUMNS[1:]]], notes)


def gini(values: np.ndarray) -> float:
    """Gini coefficient of non-negative counts (0 = equal, -> 1 = one holds everything).

    Written here because neither scipy nor statsmodels ships one; it is the standard
    formula over sorted values: G = 2 * sum(i * x_i) / (n * sum(x)) - (n + 1) / n.
    """
    x = np.sort(np.asarray(values, dtype="float64"))
    x = x[~np.isnan(x)]
    if len(x) == 0 or x.sum() == 0:
        return np.nan if len(x) == 0 else 0.0
    n = len(x)
    return float(2 * np.sum(np.arange(1, n + 1) * x) / (n * x.sum()) - (n + 1) / n)


def hard_received(tickets: pd.DataFrame) -> pd.Series:
    """Boolean per ticket: it arrived hard (urgent or high priority, linked to a problem, or escalated).

    The parts whose columns (``priority``, ``problem_id``, ``tags``) are missing are left out,
    with a note; with none of them, a DataError names the columns to load.

    >>> tickets = pd.DataFrame({"priority": ["urgent", "low", "low", "normal"], "problem_id": [None, "P1", None, None],
    ...                         "tags": [[], [], ["Escalated"], ["billing"]]})
    >>> hard_received(tickets).tolist()
    [True, True, True, False]
    """
    parts, notes = [], []
    if has_values(tickets, "priority"):
        parts.append(tickets["priority"].isin(HARD_PRIORITIES).to_numpy(dtype=bool))
    else:
        notes.append("Hard work received: no priority values, so priority is left out of the rule.")
    if has_values(tickets, "problem_id"):
        parts.append(tickets["problem_id"].notna().to_numpy(dtype=bool))
    if has_values(tickets, "tags"):
        tags = pd.Series(tickets["tags"].to_numpy()).explode()  # one row per tag, indexed by ticket position
        escalated = tags.astype("str").str.lower().isin(ESCALATION_TAGS)
        parts.append(escalated.groupby(level=0).any().reindex(range(len(tickets)), fill_value=False)
                     .to_numpy(dtype=bool))
    if not parts and len(tickets):
        raise DataError("needs values in `priority`, `problem_id` or `tags` to tell which tickets arrived hard",
                        table="tickets", fix="load the tickets with their priority (or problem links or tags)")
    hard = np.logical_or.reduce(parts) if parts else np.zeros(len(tickets), dtype=bool)
    return with_notes(pd.Series(hard, index=tickets.index), notes)


def heroes_and_rework(
    tickets: pd.DataFrame,
    by: str | Sequence[str] | None = "team",
    *,
    alpha: float = 0.05,
    min_n: int = MIN_N,
    tz: str = "UTC",
) -> pd.DataFrame:
    """Per agent: hard work received and rework caused, each against the rest of the agent's segment.

    Parameters
    ----------
    tickets : canonical tickets with ``assignee`` and ``reopens`` (and priority, problem_id or tags).
    by : the segment an agent is compared within (default ``team``); None: all agents together.
    alpha : family-wise level of the Holm-adjusted tests behind ``hard_work`` and ``rework``.
    min_n : agents with fewer tickets are ``small_sample`` and never labelled.

    Returns
    -------
    One row per segment x agent, heroes first, then rework: ``segment``, the ``by`` columns,
    ``assignee``, ``tickets``, ``hard_received``, ``hard_received_share``,
    ``rest_hard_received_share`` (the rest of the segment), ``hard_received_p`` (Holm-adjusted),
    ``solved``, ``own_reopened``, ``own_reopen_rate``, ``rest_own_reopen_rate``, ``own_reopen_p``
    (Holm-adjusted), ``small_sample``, ``hard_work``, ``rework``, ``hero`` (booleans; the rule is
    in the module docstring) and ``explanation``.
    """
    tickets = check_table(tickets, "tickets", argument="tickets")
    require_columns(tickets, ["assignee", "reopens"], "tickets")
    check_tz(tz)
    min_n = check_min_n(min_n)
    if not 0 < alpha < 1:
        raise ConfigError(f"alpha must be between 0 and 1, got {alpha!r}", key="alpha", fix="pass e.g. alpha=0.05")
    keys = segment_frame(tickets, check_by(by), freq=None, tz=tz)
    used, notes = list(keys.columns), notes_of(keys)
    hard = hard_received(tickets)
    notes += notes_of(hard)
    assigned = tickets["assignee"].notna().to_numpy()
    if (~assigned).any():
        notes.append(f"{int((~assigned).sum())} tickets without an assignee are left out of heroes and rework.")
    solved = ever_solved(tickets).to_numpy()
    again = reopened(tickets)  # None only for an empty frame: require_columns asked for reopens values
    again = again.to_numpy() if again is not None else np.zeros(len(tickets), dtype=bool)
    frame = keys[assigned].assign(
        assignee=tickets.loc[assigned, "assignee"].astype("str").to_numpy(), tickets=1,
        hard_received=hard.to_numpy()[assigned].astype("int64"), solved=solved[assigned].astype("int64"),
        own_reopened=(again & solved)[assigned].astype("int64"))
    counts = ["tickets", "hard_received", "solved", "own_reopened"]
    out = frame.groupby([*used, "assignee"], sort=True)[counts].sum().reset_index()
    totals = out.groupby(used, sort=False)[counts].transform("sum") if used else out[counts].sum()
    rest = totals - out[counts] if used else pd.DataFrame({c: totals[c] - out[c] for c in counts})
    out["hard_received_share"] = out["hard_received"] / out["tickets"]
    out["rest_hard_received_share"] = rest["hard_received"] / rest["tickets"].replace(0, np.nan)
    out["own_reopen_rate"] = out["own_reopened"] / out["solved"].replace(0, np.nan)
    out["rest_own_reopen_rate"] = rest["own_reopened"] / rest["solved"].replace(0, np.nan)
    out["small_sample"] = out["tickets"] < min_n
    reliable = ~out["small_sample"].to_numpy()
    for column, k, n in (("hard_received_p", "hard_received", "tickets"), ("own_reopen_p", "own_reopened", "solved")):
        test = proportion_difference(out[k], out[n], rest[k], rest[n])
        # one-sided: only an agent above the rest of the team is flagged
        p = np.where(test["difference"].to_numpy() > 0, test["p_value"].to_numpy() / 2, 1.0)
        out[column] = adjust_p_values(np.where(reliable, p, np.nan))
    out["hard_work"] = (out["hard_received_p"] < alpha).to_numpy()
    out["rework"] = (out["own_reopen_p"] < alpha).to_numpy()
    out["hero"] = out["hard_work"] & ~out["rework"]
    out = add_segment_label(out, used, None)
    out["explanation"] = [_explain_hero(row) for row in out.to_dict("records")]
    out = out.sort_values(["hero", "rework", "segment", "tickets", "assignee"],
                          ascending=[False, False, True, False, True], kind="stable").reset_index(drop=True)
    return with_notes(out[["segment", *used, "assignee", *HERO_COLUMNS]], notes)


def _explain_hero(row: dict) -> str:
    who = row["assignee"]
    hard = (f"{fmt.percent(row['hard_received_share'])} of {who}'s tickets arrived hard (urgent or high priority, "
            f"a known problem or escalated), against {fmt.percent(row['rest_hard_received_share'])} for the rest of "
            "the team")
    reopens = (f"{fmt.percent(row['own_reopen_rate'])} of {who}'s solved tickets were reopened, against "
               f"{fmt.percent(row['rest_own_reopen_rate'])} for the rest of the team")
    if row["small_sample"]:
        return f"{who}: too few tickets to compare."
    if row["hero"]:
        return f"{who} carries the team's hard work: {hard}, without more reopens of their own."
    if row["rework"] and row["hard_work"]:
        return f"{who} receives hard work but also causes rework: {hard}; {reopens}."
    if row["rework"]:
        return f"{who}'s extra load is rework of their own: {reopens}."
    return f"{who}: hard work received and own reopens in line with the rest of the team."
