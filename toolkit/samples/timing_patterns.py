"""Planted patterns for survey timing and for heroes vs rework, with their ground truth.

- **Surveys sent too soon** (:data:`EARLY_SURVEY_TEAM`, Billing Desk): its CSAT invitations go
  out :data:`EARLY_SURVEY_MINUTES` (5) minutes after the ticket's *first* solve, so every
  reopen of a surveyed Billing Desk ticket comes after the survey was sent. Every other
  team's invitation waits 60 minutes after the final solve, so no reopen follows it. The
  answers themselves are unchanged (only when they were sent and submitted moves).
- **Survey channel**: every transactional invitation carries ``survey_channel``: ``chat`` for
  chat tickets (asked in the chat window), ``email`` for the rest.
- **Hero and rework** (in :data:`HERO_TEAM`, Technical Support, by swapping tickets between
  agents of the same style, so no message text changes): :data:`HERO_AGENT` takes every hard
  ticket (urgent or high priority, or linked to a problem ticket) of :data:`DONOR_AGENT` that
  was never reopened, in exchange for as many easy, never reopened tickets of hers;
  :data:`REWORK_AGENT` takes the easy tickets of the donor and the hero that were reopened, in
  exchange for as many easy, never reopened tickets of his. The hero's share of hard work
  received rises with no more reopens of her own; the rework agent's reopen rate rises with
  no more hard work received. Ticket counts per agent do not change.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

EARLY_SURVEY_TEAM = "Billing Desk"
EARLY_SURVEY_MINUTES = 5
HERO_TEAM = "Technical Support"
HERO_AGENT = "Rosa Alvarez"
REWORK_AGENT = "Tomas Novak"
DONOR_AGENT = "Sam Whitfield"


def plant_workload(plan: pd.DataFrame) -> pd.DataFrame:
    """The ticket plan with the hero and rework swaps made (before any message is written)."""
    plan = plan.copy()
    team = plan["team"].eq(HERO_TEAM).to_numpy() & ~plan["_is_problem_ticket"].fillna(False).to_numpy(dtype=bool)
    hard = plan["priority"].isin(("urgent", "high")).to_numpy() | plan["problem_id"].notna().to_numpy()
    again = plan["_reopens"].to_numpy() > 0
    agent = plan["assignee"].to_numpy()
    _swap(plan, team & (agent == DONOR_AGENT) & hard & ~again,
          team & (agent == HERO_AGENT) & ~hard & ~again, HERO_AGENT, DONOR_AGENT)
    agent = plan["assignee"].to_numpy()
    _swap(plan, team & np.isin(agent, (DONOR_AGENT, HERO_AGENT)) & ~hard & again,
          team & (agent == REWORK_AGENT) & ~hard & ~again, REWORK_AGENT, None)
    return plan


def _swap(plan: pd.DataFrame, taken: np.ndarray, given: np.ndarray, taker: str, giver: str | None) -> None:
    """``taker`` takes the ``taken`` tickets and hands as many of the ``given`` ones back to their previous owners."""
    taken, given = np.flatnonzero(taken), np.flatnonzero(given)
    k = min(len(taken), len(given))
    taken, given = taken[:k], given[:k]
    owners = plan["assignee"].to_numpy()[taken] if giver is None else np.full(k, giver, dtype=object)
    column = plan.columns.get_loc("assignee")
    plan.iloc[taken, column] = taker
    plan.iloc[given, column] = owners


def plant_survey_timing(tickets: pd.DataFrame, invitations: pd.DataFrame, responses: pd.DataFrame
                        ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Transactional invitations and responses with the early team's CSAT sent soon after the first solve,
    and a ``survey_channel`` on every invitation."""
    invitations, responses = invitations.copy(), responses.copy()
    by_id = tickets.set_index("ticket_id")
    team = invitations["ticket_id"].map(by_id["team"])
    early = (invitations["survey"].eq("csat") & team.eq(EARLY_SURVEY_TEAM)).to_numpy()
    first_solve = (invitations["ticket_id"].map(by_id["created_at"])
                   + pd.to_timedelta(invitations["ticket_id"].map(by_id["first_resolution_minutes"]), unit="min"))
    sent = first_solve + pd.Timedelta(minutes=EARLY_SURVEY_MINUTES)
    shift = (sent - invitations["sent_at"]).where(early, pd.Timedelta(0))
    invitations["sent_at"] = invitations["sent_at"] + shift
    moved = pd.Series(shift.to_numpy(), index=invitations["survey"] + "|" + invitations["ticket_id"])
    key = responses["survey"] + "|" + responses["ticket_id"].astype("str")
    responses["submitted_at"] = responses["submitted_at"] + key.map(moved).fillna(pd.Timedelta(0)).to_numpy()
    chat = invitations["ticket_id"].map(by_id["channel"]).eq("chat")
    invitations["survey_channel"] = np.where(chat, "chat", "email")
    return invitations, responses


def ground_truth(tickets: pd.DataFrame, invitations: pd.DataFrame) -> list[tuple[str, str]]:
    """(pattern, value) rows for ``ground_truth_patterns.csv``."""
    csat = invitations[invitations["survey"].eq("csat") & invitations["ticket_id"].notna()]
    surveyed = tickets[tickets["ticket_id"].isin(csat["ticket_id"])]
    early = surveyed[surveyed["team"].eq(EARLY_SURVEY_TEAM) & (surveyed["reopens"] > 0)]
    return [
        ("early_survey_team", EARLY_SURVEY_TEAM),
        ("early_survey_rule", f"CSAT invitation {EARLY_SURVEY_MINUTES} minutes after the first solve (other teams: "
                              "60 minutes after the final solve)"),
        ("early_survey_reopened_after_survey", str(len(early))),
        ("survey_channel_rule", "chat for chat tickets, email otherwise (CSAT and CES); NPS empty"),
        ("hero_team", HERO_TEAM),
        ("hero_agent", HERO_AGENT),
        ("rework_agent", REWORK_AGENT),
        ("hero_rule", f"{HERO_AGENT} takes {DONOR_AGENT}'s never-reopened hard tickets (urgent/high or linked to "
                      f"a problem ticket); {REWORK_AGENT} takes the easy reopened tickets of both"),
    ]
