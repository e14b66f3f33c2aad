"""Workload concentration (hero culture): how much of the work, and of the hard work, few agents carry.

A **hard ticket** is one that was reopened, or needed more agent replies than 90% of
tickets (above the 90th percentile of agent replies), or took longer to resolve than 90% of
solved tickets of its priority. Parts whose inputs are missing are left out of the rule,
with a note; with none available, hard-ticket figures are empty.

**Top-agent share**: the share of tickets handled by the busiest ``top_share`` of agents
(rounded up, at least one agent). **Gini**: 0 when every agent handles the same number of
tickets, approaching 1 when one agent handles everything. Only agents with at least one
ticket in the segment count. Tickets are attributed to their final ``assignee``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from toolkit.notes import notes as notes_of
from toolkit.notes import with_notes
from toolkit.ops.facts import reopened, reply_counts, resolution_minutes
from toolkit.ops.segments import NOT_SET, add_segment_label, segment_frame
from toolkit.schema import has_values
from toolkit.validation import check_by, check_freq, check_table, check_tz

CONCENTRATION_COLUMNS = ["segment", "agents", "tickets", "top_agents", "top_agents_ticket_share", "gini_tickets",
                         "hard_tickets", "top_agents_hard_share", "gini_hard_tickets", "small_sample"]
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
        from toolkit.errors import ConfigError

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
