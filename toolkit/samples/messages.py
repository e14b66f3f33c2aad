"""Message threads for the planned tickets: customers, agents (hedging or certain) and system events.

A ticket's thread has one segment per solve: the customer's opening message (or the
reopening reply), the agent's first reply, rounds of back-and-forth, and the agent's
resolution. Abandoned chats end with an unanswered agent question and a system event.
Agents in :data:`~toolkit.samples.company.HEDGING_AGENTS` mostly hedge their
resolutions ("should be fixed now", "looks like", "I think", "hopefully"); those in
``CERTAIN_AGENTS`` state them ("is now fixed"). Everyone sometimes writes phrases that
contain "should" without hedging ("Should you need anything else...").
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from toolkit.samples import company as co
from toolkit.samples.problems import PROBLEMS
from toolkit.samples.text import AGENT_CLOSINGS, AGENT_GREETINGS, TRICKY_NON_HEDGES, Writer, join, records
from toolkit.samples.topics import INTENTS

CANNED_ACKS = (
    "Thanks for contacting Northwind Cloud! We've received your request and {an agent|the team} is looking into it.",
    "Thanks for your message, we're on it and will update you {shortly|as soon as we can}.",
    "We've got your request and {are|we're} investigating. {We'll be in touch soon.|Speak soon.}",
    "Thank you for reaching out to Northwind Cloud Support. Your request has been {logged|received}.",
)
AGENT_QUESTIONS = (
    "Could you {send|share} a screenshot of {what you see|the error}?",
    "Which {browser|version of the app} are you using?",
    "Can you confirm the email address on the account so I can {check|look this up}?",
    "Could you try {clearing your cache|signing out and back in} and let me know if that helps?",
    "Is this affecting {everyone in your team|just you}?",
    "When did you first notice this?",
    "Could you tell me a bit more about {the steps you took|what you were doing when it happened}?",
)
AGENT_UPDATES = (
    "Thanks for the details, I'm checking with {our engineers|the team} now.",
    "I've passed this to our {engineering|product} team and will update you as soon as I hear back.",
    "Thanks, that helps. One more thing: {which browser are you on|how many users are affected}?",
    "I'm still looking into this, thanks for your patience.",
    "Thanks. I can see the same on our side, {investigating|digging in} now.",
)
CUSTOMER_REPLIES = (
    "{Sure|Here you go}, screenshot attached.", "I'm using <browser>.", "Yes, I already tried that{, no luck|}.",
    "It affects {everyone in the team|just me|about <n> people}.", "As I said in my first {email|message}, "
    "{it's still not working|I've already done that}.", "Any update on this?",
    "Still waiting for an answer{...|, it's been days}.", "ok", "thanks, will try", "Just tried, still the same.",
    "{It started|First noticed it} <weekday>.", "My email is <email>.", "Call me on <phone> if easier.",
    "Did that, {no change|same result}.", "{Sorry|Apologies}, I don't understand what you mean.",
)
REOPEN_LINES = (
    "{This is|It's} still {happening|broken}.", "{Sorry,|Unfortunately} {the problem|it} {came back|is back}"
    "{ this morning|}.", "{Why was this closed?|You closed this but nothing was fixed.}",
    "Reopening - {same issue|not fixed}.", "{Hi again|Hello again}, {this didn't work|that didn't help}.",
)
HEDGED = (
    "<Fix>. This should be fixed now.", "It looks like <fix>, so it should work now.",
    "I think <fix>, so hopefully that's it.", "Hopefully this resolves it: <fix>.",
    "<Fix>. It seems to be working on our side, I believe it's sorted.",
    "<Fix>. That should do the trick, I think.", "Looks like <fix>. Hopefully you're all set.",
    "<Fix>, which might fix it. It should be working again now.", "I think this is resolved now: <fix>.",
)
CERTAIN = (
    "<Fix>. This is now fixed.", "<Fix>. I've tested it and it works.", "<Fix>, and the issue is resolved.",
    "<Fix>. I've confirmed it on your account.", "<Fix>. Everything is working again.",
    "<Fix>. It is fixed and I have verified it.",
)
NEUTRAL = ("<Fix>.", "<Fix>, let me know if you need anything.", "Good news: <fix>.")
KEY_NOTES = ("This was tracked as <key>.", "Engineering tracked this as <key>.", "(Internal reference: <key>.)")
INTERNAL_NOTES = ("Known issue, linking to <key>.", "Same as the other reports this week, escalated to engineering.",
                  "Checked logs, nothing obvious. Asked the customer for a HAR file.",
                  "Customer is on the <plan> plan - keep them updated.", "Macro used: known issue update.")
# Hedgers also hedge while investigating, not only when they solve.
HEDGED_ASIDES = ("I think this might be related to a recent change.", "Looks like something on our side, possibly.",
                 "Hopefully we can sort this quickly.", "It seems to be a known quirk, I believe.",
                 "I think we're close.")
ABANDON_AGENT = ("Are you still there?", "I haven't heard back, I'll close this chat for now.",
                 "Just checking you're still with me?")
ABANDON_SYSTEM = ("Chat ended: the visitor left the chat.", "Chat closed automatically after 10 minutes of inactivity.")


def write_messages(writer: Writer, plan: pd.DataFrame, people: pd.DataFrame, snapshot: pd.Timestamp
                   ) -> pd.DataFrame:
    """One row per message for every planned ticket; messages after ``snapshot`` are not yet written."""
    person = people.set_index("requester_id")
    names, emails, phones = person["name"].to_dict(), person["email"].to_dict(), person["phone"].to_dict()
    problems = {p.name: p for p in PROBLEMS}
    cols = ["ticket_id", "created_at", "channel", "team", "assignee", "requester_id", "product", "_feature", "_verb",
            "_problem", "_intent", "_frm", "_too_quick", "_abandoned", "_reopens", "_rounds1", "_rounds2",
            "_rounds3", "_gap_agent", "_seg1_end", "_seg2_start", "_seg2_end", "_seg3_start", "_seg3_end",
            "description", "_is_problem_ticket"]
    ticket_ids, times, roles, publics, bodies, authors = [], [], [], [], [], []

    def add(ticket_id, minute, role, public, body, author):
        ticket_ids.append(ticket_id)
        times.append(minute)
        roles.append(role)
        publics.append(public)
        bodies.append(body)
        authors.append(author)

    for r in records(plan, cols):
        tid, agent, channel = r["ticket_id"], r["assignee"], r["channel"]
        if r["_is_problem_ticket"] is True:
            add(tid, 0.0, "agent", False, r["description"], agent)
            add(tid, r["_seg1_end"], "agent", False, "Fix released; notifying linked incidents and solving.", agent)
            continue
        first = names.get(r["requester_id"], "there").split(" ")[0]
        problem = problems.get(r["_problem"])
        values = {"first": first, "agent": agent, "email": emails.get(r["requester_id"], ""),
                  "phone": phones.get(r["requester_id"], ""), "product": r["product"], "feature": r["_feature"],
                  "verb": r["_verb"],
                  "key": problem.bug_key if problem and problem.bug_key else "APP-1000"}
        style = co.agent_style(agent)
        rapid = r["team"] == co.WATERMELON_TEAM
        if channel == "chat":
            add(tid, 0.0, "system", False, writer.pick(("Chat started via the website widget.",
                                                        "Chat started from the in-app messenger.")), "system")
        add(tid, 0.0, "customer", True, r["description"], "customer")
        segments = [(0.0, r["_seg1_end"], r["_rounds1"])]
        if r["_reopens"] >= 1:
            segments.append((r["_seg2_start"], r["_seg2_end"], r["_rounds2"]))
        if r["_reopens"] >= 2:
            segments.append((r["_seg3_start"], r["_seg3_end"], r["_rounds3"]))
        last_agent_text, last_agent_minute = "", 0.0
        for k, (start, end, rounds) in enumerate(segments):
            first_agent = start + (r["_frm"] if k == 0 else r["_gap_agent"])
            if k > 0:
                text = writer.typos(writer.expand(join([writer.pick(REOPEN_LINES), writer.expand(
                    writer.pick(problem.followups), values) if problem and writer.chance(0.5) else ""]), values), 0.3)
                if channel == "email" and last_agent_text and writer.chance(0.4):
                    when = (r["created_at"] + pd.Timedelta(minutes=last_agent_minute)).tz_convert(co.TIME_ZONE)
                    text += "\n\n" + writer.quote(last_agent_text, writer.date_words(when),
                                                  f"{agent} <{co.SUPPORT_EMAIL}>")
                add(tid, start, "customer", True, text, "customer")
            if r["_abandoned"]:
                add(tid, first_agent, "agent", True, _reply(writer, "question", channel, values, rapid, style), agent)
                for j in range(int(rounds)):
                    add(tid, first_agent + 6 * j + 2, "customer", True, _customer(writer, problem, values), "customer")
                    add(tid, first_agent + 6 * j + 4, "agent", True,
                        _reply(writer, "question", channel, values, False, style), agent)
                add(tid, end - 5, "agent", True, writer.pick(ABANDON_AGENT), agent)
                add(tid, end, "system", False, writer.pick(ABANDON_SYSTEM), "system")
                break
            n_between = 2 * int(rounds) - 1
            between = np.sort(first_agent + writer.rng.random(max(n_between, 0)) * max(end - first_agent, 1.0))
            if rounds == 0:
                last_agent_text, last_agent_minute = _resolution(writer, problem, r["_intent"], style, channel,
                                                                 values), end
                add(tid, end, "agent", True, last_agent_text, agent)
            else:
                kind = "ack" if rapid and k == 0 and writer.chance(0.8) else "question"
                add(tid, first_agent, "agent", True, _reply(writer, kind, channel, values, rapid, style), agent)
                for j, minute in enumerate(between):
                    if j % 2 == 0:
                        add(tid, float(np.round(minute)), "customer", True, _customer(writer, problem, values),
                            "customer")
                    else:
                        add(tid, float(np.round(minute)), "agent", True,
                            _reply(writer, "update", channel, values, rapid, style), agent)
                last_agent_text, last_agent_minute = _resolution(writer, problem, r["_intent"], style, channel,
                                                                 values), end
                add(tid, end, "agent", True, last_agent_text, agent)
            if k == 0 and (problem and writer.chance(0.3) or writer.chance(0.04)):
                add(tid, first_agent + 1, "agent", False,
                    writer.expand(writer.pick(INTERNAL_NOTES), {**values, "plan": "Business"}), agent)
    frame = pd.DataFrame({"ticket_id": ticket_ids, "minute": times, "author_role": roles, "public": publics,
                          "body": bodies, "author": authors})
    created = plan.set_index("ticket_id")["created_at"]
    frame["created_at"] = created.reindex(frame["ticket_id"]).reset_index(drop=True) + \
        pd.to_timedelta(frame["minute"].round(), unit="min")
    frame = frame[frame["created_at"] < snapshot]
    frame = frame.sort_values(["ticket_id", "created_at"], kind="stable").reset_index(drop=True)
    frame["message_id"] = frame["ticket_id"] + "-" + (frame.groupby("ticket_id").cumcount() + 1).astype("str")
    return frame[["ticket_id", "created_at", "author_role", "public", "body", "message_id", "author"]]


def _reply(writer: Writer, kind: str, channel: str, values: dict[str, str], rapid: bool, style: str) -> str:
    """A non-final agent reply: a canned acknowledgement, a question or a progress update."""
    bank = {"ack": CANNED_ACKS, "question": AGENT_QUESTIONS, "update": AGENT_UPDATES}[kind]
    core = writer.expand(writer.pick(bank), values)
    if rapid and kind == "update" and writer.chance(0.4):
        core = writer.expand(writer.pick(AGENT_QUESTIONS), values)  # asks again what was already answered
    if kind != "ack" and writer.chance(co.HEDGE_RATE[style] * 0.6):
        core = join([writer.pick(HEDGED_ASIDES), core])
    return _frame_agent(writer, core, channel, values)


def _resolution(writer: Writer, problem, intent: str, style: str, channel: str, values: dict[str, str]) -> str:
    """The agent's solving reply: the fix, worded with the agent's hedging or certain style."""
    fix = writer.expand(writer.pick(problem.fixes if problem else INTENTS[intent].fixes), values)
    hedge = writer.chance(co.HEDGE_RATE[style])
    if hedge:
        template = writer.pick(HEDGED)
    elif style == "certain" or writer.chance(0.5):
        template = writer.pick(CERTAIN)
    else:
        template = writer.pick(NEUTRAL)
    core = template.replace("<Fix>", fix[:1].upper() + fix[1:]).replace("<fix>", fix)
    if problem and problem.bug_key and writer.chance(0.35):
        core = join([core, writer.expand(writer.pick(KEY_NOTES), values)])
    if writer.chance(0.3):
        core = join([core, writer.pick(TRICKY_NON_HEDGES)])
    return _frame_agent(writer, core, channel, values)


def _frame_agent(writer: Writer, core: str, channel: str, values: dict[str, str]) -> str:
    if channel in ("chat", "phone"):
        return core
    greeting = writer.expand(writer.pick(AGENT_GREETINGS), values)
    closing = writer.expand(writer.pick(AGENT_CLOSINGS), values)
    return join([greeting, core, closing], "\n\n")


def _customer(writer: Writer, problem, values: dict[str, str]) -> str:
    bank = problem.followups if problem and writer.chance(0.4) else None
    return writer.typos(writer.expand(writer.pick(bank or CUSTOMER_REPLIES), values), 0.35)
