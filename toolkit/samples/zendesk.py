"""The same tickets as a Zendesk CSV export (Admin Center > Reports > CSV export).

Column names, value spellings and date format follow Zendesk's export: dates in the
account's time zone (Europe/London) as ``2026-03-02 14:05:00``, durations in minutes
(calendar and "within business hours"), ``Resolution time`` in hours, the
satisfaction score as Not Offered / Offered / Good / Bad, and the product custom field
as ``Product [list]``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from toolkit.samples import timeline

COLUMNS = (
    "Summation column", "Id", "Requester", "Requester id", "Requester external id", "Requester email",
    "Requester domain", "Submitter", "Assignee", "Group", "Subject", "Tags", "Status", "Priority", "Via",
    "Ticket type", "Created at", "Updated at", "Assigned at", "Organization", "Due date", "Initially assigned at",
    "Solved at", "Resolution time", "Satisfaction Score", "Group stations", "Assignee stations", "Reopens",
    "Replies", "First reply time in minutes", "First reply time in minutes within business hours",
    "First resolution time in minutes", "First resolution time in minutes within business hours",
    "Full resolution time in minutes", "Full resolution time in minutes within business hours",
    "Agent wait time in minutes", "Agent wait time in minutes within business hours",
    "Requester wait time in minutes", "Requester wait time in minutes within business hours",
    "On hold time in minutes", "On hold time in minutes within business hours", "Product [list]",
)
VIA = {"email": "Mail", "web": "Web form", "chat": "Chat", "phone": "Phone call (incoming)", "other": "Web service"}
TICKET_TYPE = {"how_to": "question", "feature_request": "question", "billing_question": "question",
               "integration": "question", "account_change": "task", "data_request": "task", "cancellation": "task",
               "small_fault": "incident"}
DATE_FORMAT = "%Y-%m-%d %H:%M:%S"


def zendesk_export(rng: np.random.Generator, tickets: pd.DataFrame, messages: pd.DataFrame, people: pd.DataFrame,
                   orgs: pd.DataFrame, invited: set[str]) -> pd.DataFrame:
    """The Zendesk export frame (all values as text, empty where Zendesk leaves a cell empty).

    ``invited`` holds the ids of tickets that were offered a CSAT survey.
    """
    person = people.set_index("requester_id")
    org = orgs.set_index("organization_id")
    n = len(tickets)
    created = tickets["created_at"]
    frm = tickets["first_reply_minutes"]
    stations = 1 + (rng.random(n) < 0.12).astype(int)
    assignee_stations = stations + (rng.random(n) < 0.15).astype(int)
    assigned = created + pd.to_timedelta((frm.fillna(0) * 0.6).round(), unit="min")
    initially = created + pd.to_timedelta((frm.fillna(0) * np.where(stations > 1, 0.2, 0.6)).round(), unit="min")
    last_message = messages.groupby("ticket_id")["created_at"].max()
    updated = pd.concat([tickets["ticket_id"].map(last_message), tickets["solved_at"]], axis=1).max(axis=1)
    waits = _waits(messages, tickets)
    local = {name: timeline.utc_to_local(values) for name, values in
             (("created", created), ("updated", updated), ("assigned", assigned), ("initially", initially),
              ("solved", tickets["solved_at"]))}
    first_reply_local = timeline.utc_to_local(created + pd.to_timedelta(frm, unit="min"))
    first_solve_local = timeline.utc_to_local(created + pd.to_timedelta(tickets["_first_solve_minutes"], unit="min"))
    business_full = timeline.business_minutes_between(local["created"], local["solved"])
    full = tickets["full_resolution_minutes"].to_numpy()
    share = np.divide(business_full, full, out=np.zeros(n), where=np.nan_to_num(full) > 0)
    is_problem_ticket = tickets["_is_problem_ticket"].fillna(False).astype(bool).to_numpy()
    score = pd.to_numeric(tickets["satisfaction"], errors="coerce")
    satisfaction = np.where(score >= 4, "Good", np.where(score <= 3, "Bad",
                            np.where(tickets["ticket_id"].isin(invited), "Offered", "Not Offered")))
    ticket_type = np.where(is_problem_ticket, "problem",
                           np.where(tickets["problem_id"].notna() | (tickets["_problem"] != ""), "incident",
                                    tickets["_intent"].map(TICKET_TYPE).fillna("")))
    requester = tickets["requester_id"]
    submitter = np.where(tickets["channel"].isin(["phone", "other"]), tickets["assignee"],
                         requester.map(person["name"]))
    external = requester.map(person["organization_id"]).map(org["plan"]).eq("Enterprise")
    out = pd.DataFrame({
        "Summation column": "1",
        "Id": tickets["ticket_id"],
        "Requester": requester.map(person["name"]),
        "Requester id": requester,
        "Requester external id": np.where(external, "crm-" + requester.fillna("").str[-5:], ""),
        "Requester email": requester.map(person["email"]),
        "Requester domain": requester.map(person["email"]).str.split("@").str[-1],
        "Submitter": submitter,
        "Assignee": tickets["assignee"],
        "Group": tickets["team"],
        "Subject": tickets["subject"],
        "Tags": tickets["tags"].map(" ".join),
        "Status": tickets["status"].str.capitalize(),
        "Priority": tickets["priority"].str.capitalize(),
        "Via": tickets["channel"].map(VIA),
        "Ticket type": ticket_type,
        "Created at": _fmt(local["created"]),
        "Updated at": _fmt(local["updated"]),
        "Assigned at": _fmt(local["assigned"].where(frm.notna())),
        "Organization": tickets["organization_id"].map(org["name"]),
        "Due date": "",
        "Initially assigned at": _fmt(local["initially"].where(frm.notna())),
        "Solved at": _fmt(local["solved"]),
        "Resolution time": _minutes(tickets["full_resolution_minutes"] / 60),
        "Satisfaction Score": np.where(requester.isna(), "Not Offered", satisfaction),
        "Group stations": stations.astype(str),
        "Assignee stations": assignee_stations.astype(str),
        "Reopens": tickets["reopens"].astype(str),
        "Replies": tickets["agent_replies"].astype(str),
        "First reply time in minutes": _minutes(frm),
        "First reply time in minutes within business hours":
            _minutes(timeline.business_minutes_between(local["created"], first_reply_local)),
        "First resolution time in minutes": _minutes(tickets["_first_solve_minutes"]),
        "First resolution time in minutes within business hours":
            _minutes(timeline.business_minutes_between(local["created"], first_solve_local)),
        "Full resolution time in minutes": _minutes(tickets["full_resolution_minutes"]),
        "Full resolution time in minutes within business hours": _minutes(business_full),
        "Agent wait time in minutes": _minutes(waits["agent"].where(tickets["solved_at"].notna())),
        "Agent wait time in minutes within business hours":
            _minutes((waits["agent"] * share).where(tickets["solved_at"].notna())),
        "Requester wait time in minutes": _minutes(waits["requester"].where(tickets["solved_at"].notna())),
        "Requester wait time in minutes within business hours":
            _minutes((waits["requester"] * share).where(tickets["solved_at"].notna())),
        "On hold time in minutes": _minutes(pd.Series(0.0, index=tickets.index).where(tickets["solved_at"].notna())),
        "On hold time in minutes within business hours":
            _minutes(pd.Series(0.0, index=tickets.index).where(tickets["solved_at"].notna())),
        "Product [list]": tickets["product"],
    })
    return out[list(COLUMNS)].fillna("")


def _waits(messages: pd.DataFrame, tickets: pd.DataFrame) -> pd.DataFrame:
    """Minutes pending on the requester (after an agent message) and open for the agent (after a customer one).

    The time between a solve and the reopening reply counts as neither: the ticket was solved.
    """
    public = messages[messages["public"] & (messages["author_role"] != "system")]
    nxt = public.groupby("ticket_id")["created_at"].shift(-1)
    gap = (nxt - public["created_at"]).dt.total_seconds() / 60
    agent_wait = gap.where(public["author_role"] == "agent").groupby(public["ticket_id"]).sum()
    requester_wait = gap.where(public["author_role"] == "customer").groupby(public["ticket_id"]).sum()
    solved_gaps = ((tickets["_seg2_start"] - tickets["_seg1_end"]).fillna(0)
                   + (tickets["_seg3_start"] - tickets["_seg2_end"]).fillna(0)).where(tickets["reopens"] > 0, 0.0)
    return pd.DataFrame({
        "agent": (tickets["ticket_id"].map(agent_wait).fillna(0.0) - solved_gaps).clip(lower=0).to_numpy(),
        "requester": tickets["ticket_id"].map(requester_wait).fillna(0.0).to_numpy(),
    }, index=tickets.index)


def _fmt(local: pd.Series) -> pd.Series:
    return local.dt.strftime(DATE_FORMAT).fillna("")


def _minutes(values) -> pd.Series:
    """Whole numbers as text, empty where missing."""
    s = pd.Series(values).round()
    return s.astype("Int64").astype("str").replace("<NA>", "").fillna("")
