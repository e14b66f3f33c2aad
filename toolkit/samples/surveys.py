"""Survey invitations and responses: CSAT after solved tickets, CES on chat and web, quarterly NPS.

Each solved ticket has a latent satisfaction (1-5) driven by its experience: the
team, reopens, back-and-forth, abandoned chats, too-quick solves, SLA breaches and
upstream problems. Every solved ticket gets a CSAT invitation; unhappy customers
answer less often (non-response bias). Relationship NPS goes to up to three contacts
per organisation each quarter and depends on the organisation's recent experience.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from toolkit.samples import company as co
from toolkit.samples import timeline
from toolkit.samples.text import Writer

CSAT_RESPONSE_RATE = {1: 0.09, 2: 0.11, 3: 0.17, 4: 0.24, 5: 0.29}
CES_CHANNELS = ("chat", "web")
NPS_SEND_DATES = ("2025-11-18 10:00", "2026-02-17 10:00", "2026-05-19 10:00", "2026-08-18 10:00")
NPS_CONTACTS_PER_ORG = 3

CSAT_GOOD = ("{Quick|Fast} and {helpful|friendly}, thanks <agent>!", "Sorted in one go{.|, brilliant.}",
             "Great service as always.", "<agent> was very patient{.| with me.}", "Clear explanation, thank you.",
             "{Fast|Quick} and friendly.", "Perfect, thanks.", "Really appreciated the follow-up.",
             "{Solved|Fixed} {the same day|within the hour}.", "{Knew|Understood} exactly what I needed.",
             "Much better than last time.", "Thanks for explaining {it|the steps} {so clearly|properly}.")
CSAT_BAD = ("Had to explain my problem {three|several|multiple} times.",
            "{Ticket|My ticket} was closed before it was {fixed|solved|actually fixed}.",
            "Still not working{.|!|, why was this closed?}", "Generic answers, {nobody|no one} read my message.",
            "Took {far too|way too} long{.| for a simple question.}",
            "Fast reply but it didn't {solve|fix} anything.", "Canned responses, very frustrating.",
            "I had to open another ticket for the same thing.", "The chat just ended{.| on me.}",
            "Known bug and still no fix.", "{Asked|Was asked} for {the same|information I had already "
            "given} {twice|again}.", "Felt like talking to a {script|bot}.", "Not helpful.",
            "Answer didn't match my question.")
CES_EASY = ("Easy, thanks.", "Straightforward{.|, no fuss.}", "Quick chat, sorted.", "{Very|Really} easy.",
            "Took {two minutes|no time}.")
CES_HARD = ("Had to repeat myself{.| several times.}", "Too many steps.", "The chat dropped{.| twice.}",
            "Hard to get a straight answer.", "{Had to|Needed to} explain {everything|it} {twice|again}.",
            "{Long|Slow} {wait|replies} between messages.")
NPS_PROMOTER = ("Support is {fantastic|excellent|really responsive|second to none}.",
                "Reliable product, {great|good|fair} value.", "Easy to use and the team is always helpful.",
                "<agent> and the team go the extra mile.", "It just works for our {office|team|practice}.",
                "{We|Our staff} {love|rely on} {File Sync|the reports|the mobile app} every day.",
                "{Best|Most reliable} tool we use{.|, hands down.}",
                "Support actually {fixes|solves} things{.|, rare these days.}",
                "Onboarding was {painless|smooth} and {support|the team} {helped a lot|was great}.",
                "{Would|Already did} recommend to {other practices|friends in the industry|our partners}.")
NPS_PASSIVE = ("Good product but {pricey|getting expensive|the price went up}.",
               "Does the job; {reporting|the mobile app|the API} could be better.",
               "Fine overall, a few {bugs|annoyances|rough edges}.", "Support is OK but slow on bugs.",
               "Missing {a few features|integrations|Xero sync} we need.", "{Solid|Decent}, nothing special.",
               "{We'd score higher|Would be a 9} if {bugs got fixed faster|the app was faster}.",
               "Happy enough, {renewal|the price} will decide.", "The product is good, support is hit and miss.")
NPS_DETRACTOR = ("Too many {bugs|outages|problems} lately.", "Bugs take {months|forever|far too long} to get fixed.",
                 "We keep getting {closed tickets|tickets closed} without fixes.",
                 "Billing mistakes every {quarter|other month}.",
                 "Support replies fast but never {solves|fixes} anything.",
                 "{Considering|Looking at} {alternatives|other providers|moving} {for next year|}.",
                 "Every {ticket|issue} needs {five|several} emails before anyone understands it.",
                 "{Quality|Reliability} has gone downhill {this year|since the summer}.",
                 "We report the same problems again and again.")
NPS_PROBLEM_COMPLAINTS = {
    "sync_conflicted_copies": ("The {'conflicted copy'|duplicate} files are driving us mad.",
                               "Sync duplicates our files{ constantly|}."),
    "invoice_pdf_blank": ("Couldn't even download our invoices for weeks.", "Blank invoice PDFs{, really?|.}"),
    "password_reset_expired": ("Password resets never work for our staff.",
                               "{Reset|Password reset} links {always|} expire before we click them."),
    "sso_login_loop": ("SSO locked our whole team out.", "{Single sign-on|SSO} {loops|broke} for {weeks|months}."),
    "vat_number_rejected": ("Still being charged VAT we shouldn't pay.", "Your checkout rejects our VAT number."),
    "scheduled_report_timezone": ("Reports an hour off every time the clocks change.",
                                  "Scheduled reports {arrive|run} at the wrong time twice a year."),
    "mobile_push_android": ("Android notifications broken for months.",
                            "{Field staff|Our engineers} miss alerts on Android."),
    "csv_export_stuck": ("Exports never finish, our month-end is a nightmare.",
                         "{Big|Large} CSV exports {time out|just hang}."),
    "card_3ds_loop": ("Paying you shouldn't be this hard.", "{Card payments|The 3-D Secure check} keep{|s} failing."),
    "api_429_below_limit": ("The API throttles us for no reason.", "Rate limits broke our {integration|nightly sync}."),
    "sms_2fa_delay": ("2FA codes arrive too late to log in.", "{Can't|Couldn't} log in because SMS codes are late."),
}


def latent_satisfaction(rng: np.random.Generator, tickets: pd.DataFrame) -> np.ndarray:
    """What each customer would answer on a 1-5 CSAT survey, asked or not."""
    experience = tickets["team"].map({t.name: t.experience for t in co.TEAMS}).fillna(0).to_numpy()
    mu = (4.35 + experience
          - 0.8 * (tickets["reopens"].fillna(0).to_numpy() > 0)
          - 0.2 * np.clip(tickets["customer_replies"].fillna(1).to_numpy() - 2, 0, None)
          - 0.35 * (tickets["_problem"].to_numpy() != "")
          - 0.9 * tickets["_abandoned"].to_numpy()
          - 0.5 * tickets["_too_quick"].to_numpy()
          - 0.35 * tickets["sla_breached"].fillna(False).to_numpy().astype(bool)
          - 0.5 * tickets["_followup_of"].notna().to_numpy()
          - 0.15 * tickets["assignee"].isin(co.HEDGING_AGENTS).to_numpy())
    return np.clip(np.round(mu + rng.normal(0, 0.85, len(tickets))), 1, 5).astype(int)


def transactional(rng: np.random.Generator, writer: Writer, tickets: pd.DataFrame, orgs: pd.DataFrame,
                  latent: np.ndarray, snapshot: pd.Timestamp) -> tuple[pd.DataFrame, pd.DataFrame, pd.Series]:
    """CSAT (every solved ticket) and CES (chat and web) invitations and responses.

    Returns ``(invitations, responses, satisfaction)`` where ``satisfaction`` is the
    ticket's CSAT answer as a string ("1".."5"), indexed like ``tickets``, NA when unanswered.
    """
    solved = tickets["solved_at"].notna() & tickets["requester_id"].notna()
    effort = np.clip(np.round(
        5.7 - 1.6 * tickets["_abandoned"].to_numpy()
        - 0.35 * np.clip(tickets["customer_replies"].fillna(1).to_numpy() - 1, 0, None)
        - 1.0 * (tickets["reopens"].fillna(0).to_numpy() > 0)
        - 0.5 * (tickets["_problem"].to_numpy() != "")
        + rng.normal(0, 1.0, len(tickets))), 1, 7).astype(int)
    invitations, responses = [], []
    satisfaction = pd.Series(pd.NA, index=tickets.index, dtype="str")
    for survey, eligible, delay, score, rate, scale in (
        ("csat", solved, 60, latent, pd.Series(latent).map(CSAT_RESPONSE_RATE).to_numpy(), "1-5"),
        ("ces", solved & tickets["channel"].isin(CES_CHANNELS), 5, effort, np.where(effort <= 3, 0.14, 0.22),
         "1-7"),
    ):
        sent = tickets["solved_at"] + pd.Timedelta(minutes=delay)
        invited = eligible & (sent < snapshot)
        inv = tickets.loc[invited, ["ticket_id", "requester_id", "organization_id"]].assign(
            survey=survey, sent_at=sent[invited])
        invitations.append(inv)
        answer_after = pd.to_timedelta(rng.lognormal(np.log(180), 1.0, len(tickets)).round(), unit="min")
        submitted = sent + answer_after
        answered = invited & (rng.random(len(tickets)) < rate) & (submitted < snapshot)
        resp = tickets.loc[answered, ["ticket_id", "requester_id", "organization_id", "channel", "team"]].assign(
            survey=survey, score=score[answered.to_numpy()].astype(float), scale=scale,
            submitted_at=submitted[answered])
        resp["comment"] = [_comment(writer, survey, s, a) for s, a in
                           zip(resp["score"], tickets.loc[answered, "assignee"], strict=True)]
        responses.append(resp)
        if survey == "csat":
            satisfaction[answered] = score[answered.to_numpy()].astype(str)
    inv = pd.concat(invitations, ignore_index=True)
    resp = pd.concat(responses, ignore_index=True)
    segments = orgs.set_index("organization_id")[["region", "plan"]]
    resp = resp.join(segments, on="organization_id")
    return inv, resp, satisfaction


def _comment(writer: Writer, survey: str, score: float, agent: str) -> str:
    if not writer.chance(0.45):
        return ""
    good = score >= (4 if survey == "csat" else 5)
    if survey == "ces":
        return writer.expand(writer.pick(CES_EASY if score >= 5 else CES_HARD))
    return writer.expand(writer.pick(CSAT_GOOD if good else CSAT_BAD), {"agent": agent.split(" ")[0]})


def relationship_nps(rng: np.random.Generator, writer: Writer, tickets: pd.DataFrame, orgs: pd.DataFrame,
                     people: pd.DataFrame, latent: np.ndarray, snapshot: pd.Timestamp
                     ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Quarterly NPS invitations and responses (0-10) for up to three contacts per organisation."""
    contacts = (people.sort_values(["organization_id", "weight"], ascending=[True, False], kind="stable")
                .groupby("organization_id", sort=False).head(NPS_CONTACTS_PER_ORG))
    frame = tickets.assign(_latent=latent)
    invitations, responses = [], []
    for quarter, when in enumerate(NPS_SEND_DATES):
        sent_utc = timeline.local_to_utc(np.array([np.datetime64(when)]))[0]
        window = frame[(frame["created_at"] < sent_utc) & (frame["created_at"] >= sent_utc - pd.Timedelta(days=90))
                       & frame["organization_id"].notna()]
        by_org = window.groupby("organization_id").agg(
            csat=("_latent", "mean"), problem_share=("_problem", lambda s: (s != "").mean()),
            problems=("_problem", lambda s: sorted(set(s) - {""})))
        inv = contacts[["requester_id", "organization_id"]].assign(survey="nps", sent_at=sent_utc,
                                                                    ticket_id=pd.NA)
        invitations.append(inv)
        org = by_org.reindex(inv["organization_id"])
        plan = inv["organization_id"].map(orgs.set_index("organization_id")["plan"]).to_numpy()
        mu = (8.0 + 1.3 * (org["csat"].fillna(4.0).to_numpy() - 4.0) - 3.0 * org["problem_share"].fillna(0).to_numpy()
              - 0.4 * (plan == "Enterprise") - (0.5 if quarter == 3 else 0.0))
        score = np.clip(np.round(mu + rng.normal(0, 1.8, len(inv))), 0, 10)
        rate = np.where(score <= 6, 0.25, 0.33)
        submitted = sent_utc + pd.to_timedelta(rng.lognormal(np.log(1800), 1.2, len(inv)).round(), unit="min")
        answered = (rng.random(len(inv)) < rate) & (submitted < snapshot)
        resp = inv.loc[answered, ["requester_id", "organization_id"]].assign(
            survey="nps", score=score[answered], scale="0-10", submitted_at=submitted[answered], ticket_id=pd.NA)
        problem_lists = org["problems"].to_numpy()[answered]
        resp["comment"] = [_nps_comment(writer, s, p) for s, p in zip(score[answered], problem_lists, strict=True)]
        resp["quarter"] = ("2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3")[quarter]
        responses.append(resp)
    inv = pd.concat(invitations, ignore_index=True)
    resp = pd.concat(responses, ignore_index=True)
    resp = resp.join(orgs.set_index("organization_id")[["region", "plan"]], on="organization_id")
    return inv, resp


def _nps_comment(writer: Writer, score: float, problems) -> str:
    if not writer.chance(0.6):
        return ""
    if score >= 9:
        return writer.expand(writer.pick(NPS_PROMOTER), {"agent": writer.pick(("Priya", "Uma", "Maya", "Ben"))})
    if score >= 7:
        return writer.expand(writer.pick(NPS_PASSIVE))
    if isinstance(problems, list) and problems and writer.chance(0.7):
        return writer.expand(writer.pick(NPS_PROBLEM_COMPLAINTS[writer.pick(problems)]))
    return writer.expand(writer.pick(NPS_DETRACTOR))
