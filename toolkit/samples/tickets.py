"""The ticket plan: who asked what, when, which team handled it and how the conversation went.

:func:`plan_tickets` returns one row per ticket with the canonical ticket columns that
are known up front plus internal planning columns (``_``-prefixed) that the message
and survey generators read: the conversation segments (first solve, reopens), the
injected patterns (too-quick solve, abandoned chat) and the topic (problem or intent).
Counts and durations that depend on the thread (replies, first reply) are finalised
from the messages, so the tables agree by construction.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from toolkit.samples import company as co
from toolkit.samples import timeline
from toolkit.samples.problems import PROBLEM_SHARE, PROBLEMS, VAGUE_REPORTS, day_weights
from toolkit.samples.text import (
    CUSTOMER_ASKS,
    CUSTOMER_GREETINGS,
    CUSTOMER_OPENERS,
    CUSTOMER_SIGNATURES,
    FAULT_ASKS,
    Writer,
    join,
    records,
)
from toolkit.samples.topics import ASPECTS, FEATURES, INTENT_WEIGHTS, INTENTS, SITUATIONS, SYMPTOMS, VERBS, WHENS

FOLLOWUP_SHARE = 0.012  # tickets that are a customer coming back after a too-quick solve
FIRST_REPLY_MEDIAN = {"urgent": 25.0, "high": 80.0, "normal": 160.0, "low": 360.0}  # email/web, before team speed
GENERIC_SUBJECTS = ("Help", "Urgent", "Problem", "Support request", "Question", "Issue with my account",
                    "(no subject)", "Please help", "Not working", "Hello", "Request", "Re: your support request",
                    "Fwd: issue", "Help needed ASAP", "Query")
KEY_MENTIONS = ("{Is this|Could this be} related to <key>{ on your status page| in the release notes|}?",
                "Your colleague said {it's|this is} tracked as <key>.", "(ref <key>)",
                "{I saw|We saw} <key> {mentioned|listed} {on the status page|in the community forum} - any update?",
                "Any news on <key>?")
FOLLOWUP_OPENERS = (
    "{I opened|I raised|We raised} {a ticket|ticket #<prev>|a request} {last week|a few days ago|on <weekday>} "
    "{about this|about the same thing} and it was {closed|marked as solved} but {it's still happening|the problem "
    "is back|nothing has changed}.",
    "{This is the same issue as|Following up on|Re} #<prev> - {it wasn't fixed|it came back|still broken}.",
    "{Your colleague|Someone} closed {my|our} {previous|last} ticket (#<prev>) {straight away|within minutes} but "
    "{didn't actually fix anything|the issue remains}.",
)
FORWARD_INTROS = ("{Forwarding|See below} {from|a message from} {a colleague|our finance team|one of our users}. "
                  "{We have the same issue.|Same here.|Can you help them?|}",
                  "{Please see|Have a look at} the {message|email} below{ from my colleague|}.",
                  "FYI - {this is affecting|now also affecting} {more of us|our office|<n> people}.")
_COLLEAGUES = ("Martin Hale", "Sophie Grant", "Ravi Mehta", "Anna Kowalczyk", "Joe Bright", "Lena Vogel",
               "Tom Reid", "Claire Dunn")
PHONE_OPENERS = ("{Customer|Caller} {called|rang} {about|regarding} this:", "Phone call from <name> (<org>):",
                 "Inbound call -", "Call summary:")


def plan_tickets(rng: np.random.Generator, writer: Writer, orgs: pd.DataFrame, people: pd.DataFrame,
                 n_tickets: int) -> pd.DataFrame:
    """Plan ``n_tickets`` tickets (about; rounding may change it by a few) with their conversation shape."""
    index = timeline.days()
    season = timeline.season(index)
    n_problem_tickets = sum(p.problem_ticket for p in PROBLEMS)
    n_problem = int(round(PROBLEM_SHARE * n_tickets))
    n_followup = int(round(FOLLOWUP_SHARE * n_tickets))
    n_oneoff = max(n_tickets - n_problem - n_followup - n_problem_tickets, 0)

    shares = np.array([p.share for p in PROBLEMS])
    per_problem = np.floor(shares / shares.sum() * n_problem).astype(int)
    per_problem[: n_problem - per_problem.sum()] += 1

    local = [timeline.arrivals(rng, season, n_oneoff)]
    problem = [np.full(n_oneoff, "", dtype=object)]
    for p, count in zip(PROBLEMS, per_problem, strict=True):
        local.append(timeline.arrivals(rng, day_weights(p, index) * season, int(count)))
        problem.append(np.full(int(count), p.name, dtype=object))
    frame = pd.DataFrame({"_local": np.concatenate(local), "_problem": np.concatenate(problem)})
    frame = _attributes(rng, frame, orgs, people)
    frame = _outcomes(rng, frame)
    followups = _followups(rng, frame, n_followup)
    frame = pd.concat([frame, followups, _problem_tickets(rng)], ignore_index=True)
    frame["_is_problem_ticket"] = frame["_is_problem_ticket"].fillna(False).astype(bool)
    frame = frame.sort_values(["_local", "_problem"], kind="stable").reset_index(drop=True)
    ids = pd.Series([str(100001 + i) for i in range(len(frame))], index=frame.index)
    frame["ticket_id"] = ids
    old_to_new = dict(zip(frame["_row"], ids, strict=True))
    frame["_followup_of"] = frame["_followup_of"].map(old_to_new)
    frame["problem_id"] = _problem_links(rng, frame)
    frame["created_at"] = timeline.local_to_utc(frame["_local"].to_numpy()).as_unit("us")
    _write_texts(writer, frame, people, orgs)
    return frame


def _attributes(rng: np.random.Generator, frame: pd.DataFrame, orgs: pd.DataFrame,
                people: pd.DataFrame) -> pd.DataFrame:
    """Channel, priority, product, requester, team and assignee for the primary tickets."""
    n = len(frame)
    local = pd.Series(frame["_local"])
    is_problem = frame["_problem"].to_numpy() != ""
    hour = local.dt.hour.to_numpy()
    business = timeline.is_business_day(pd.DatetimeIndex(local.dt.normalize()))
    in_hours = business & (hour >= 8) & (hour < 18)
    channel = np.array(co.CHANNELS)[rng.choice(len(co.CHANNELS), n, p=co.CHANNEL_WEIGHTS)]
    channel = np.where((channel == "phone") & ~in_hours, "email", channel)  # the phone line is closed
    channel = np.where((channel == "chat") & ((hour < 7) | (hour >= 22)), "web", channel)
    problem_priority = np.array([0.07, 0.5, 0.33, 0.1])
    priority = np.where(
        is_problem,
        np.array(co.PRIORITIES)[rng.choice(4, n, p=problem_priority)],
        np.array(co.PRIORITIES)[rng.choice(4, n, p=co.PRIORITY_WEIGHTS)],
    )
    by_problem = {p.name: p.product for p in PROBLEMS}
    intents = list(INTENT_WEIGHTS)
    weights = np.array(list(INTENT_WEIGHTS.values()))
    intent = np.where(is_problem, "", np.array(intents)[rng.choice(len(intents), n, p=weights / weights.sum())])
    own_product = pd.Series(intent).map({k: v.product for k, v in INTENTS.items()}).to_numpy()
    product = np.where(is_problem, frame["_problem"].map(by_problem).fillna("").to_numpy(),
                       np.array(co.PRODUCTS)[rng.choice(len(co.PRODUCTS), n, p=co.PRODUCT_WEIGHTS)])
    product = np.where(pd.notna(own_product), own_product, product)
    person = rng.choice(len(people), n, p=people["weight"].to_numpy())
    product_idx = pd.Series(product).map({p: i for i, p in enumerate(co.PRODUCTS)}).to_numpy()
    routing_cum = np.cumsum(co.ROUTING, axis=1)
    routing_cum /= routing_cum[:, -1:]
    team_idx = (rng.random(n)[:, None] > routing_cum[product_idx]).sum(axis=1)
    team = np.array(co.TEAM_NAMES)[team_idx]
    agent_pick = rng.random(n)
    assignee = np.array([co.TEAMS[t].agents[int(u * len(co.TEAMS[t].agents))] for t, u in
                         zip(team_idx, agent_pick, strict=True)], dtype=object)
    feature_pick = rng.random(n)
    feature = [FEATURES[p][int(u * len(FEATURES[p]))] for p, u in zip(product, feature_pick, strict=True)]
    return frame.assign(
        _verb=np.array(VERBS)[rng.integers(0, len(VERBS), n)],
        _aspect=np.array(ASPECTS)[rng.integers(0, len(ASPECTS), n)],
        _symptom=np.array(SYMPTOMS)[rng.integers(0, len(SYMPTOMS), n)],
        _when=np.array(WHENS)[rng.integers(0, len(WHENS), n)],
        _row=np.arange(n), channel=channel, priority=priority, product=product,
        requester_id=people["requester_id"].to_numpy()[person],
        organization_id=people["organization_id"].to_numpy()[person],
        team=team, assignee=assignee, _intent=intent, _feature=feature, _followup_of=np.nan,
    )


def _outcomes(rng: np.random.Generator, frame: pd.DataFrame, followup: bool = False) -> pd.DataFrame:
    """First reply, conversation rounds, solves and reopens, in minutes after creation."""
    n = len(frame)
    team = {t.name: t for t in co.TEAMS}
    speed = frame["team"].map({k: t.reply_speed for k, t in team.items()}).to_numpy()
    rounds_mean = frame["team"].map({k: t.rounds for k, t in team.items()}).to_numpy()
    reopen_rate = frame["team"].map({k: t.reopen_rate for k, t in team.items()}).to_numpy()
    quick_rate = frame["team"].map({k: t.too_quick_rate for k, t in team.items()}).to_numpy()
    channel = frame["channel"].to_numpy()
    is_problem = frame["_problem"].to_numpy() != ""
    chat, phone = channel == "chat", channel == "phone"
    base = frame["priority"].map(FIRST_REPLY_MEDIAN).to_numpy()
    noise = rng.lognormal(0.0, 0.8, n)
    written = base * speed * noise
    # Email and web partly wait for business hours (a small evening rota covers some); the fast team
    # covers almost everything out of hours.
    closed = timeline.minutes_to_business_open(pd.Series(frame["_local"]))
    written = written + closed * np.where(frame["team"].to_numpy() == co.WATERMELON_TEAM, 0.03, 0.45)
    frm = np.where(chat, 1.0 + 2.5 * speed * noise, np.where(phone, rng.integers(0, 3, n), written))
    frm = np.round(frm)

    too_quick = (rng.random(n) < quick_rate) & ~phone & ~np.asarray(followup, dtype=bool)
    abandoned = chat & (rng.random(n) < np.where(frame["team"].to_numpy() == co.WATERMELON_TEAM, 0.22, 0.15)) \
        & ~too_quick
    frm = np.where(too_quick, np.minimum(frm, rng.integers(3, 40, n)), frm)
    rounds1 = rng.poisson(rounds_mean + 0.5 * is_problem)
    rounds1 = np.where(too_quick, 0, np.where(abandoned, rng.poisson(0.4, n), rounds1))
    reopened = too_quick | ((rng.random(n) < reopen_rate + 0.05 * is_problem) & ~abandoned)
    reopens = np.where(reopened, 1 + (rng.random(n) < 0.2), 0)
    rounds2 = rng.poisson(rounds_mean * 0.6)
    rounds3 = rng.poisson(rounds_mean * 0.4)

    gap_customer = np.where(chat, 2.0, np.where(phone, 120.0, 240.0)) * rng.lognormal(0, 0.7, n)
    gap_agent = np.where(chat, 2.0, base * speed) * rng.lognormal(0, 0.7, n)
    seg1_end = frm + rounds1 * (gap_customer + gap_agent)
    seg1_end = np.where(abandoned, frm + rounds1 * 6 + 15, seg1_end)
    back_after = np.where(too_quick, rng.uniform(0.2, 6.0, n), np.clip(rng.lognormal(np.log(1.5), 0.8, n),
                                                                       0.05, 9)) * 1440
    seg2_start = seg1_end + back_after
    seg2_end = seg2_start + gap_agent + rounds2 * (gap_customer + gap_agent)
    seg3_start = seg2_end + np.clip(rng.lognormal(np.log(1.0), 0.8, n), 0.05, 9) * 1440
    seg3_end = seg3_start + gap_agent + rounds3 * (gap_customer + gap_agent)
    return frame.assign(
        _frm=frm, _too_quick=too_quick, _abandoned=abandoned, _reopens=reopens,
        _rounds1=rounds1, _rounds2=rounds2, _rounds3=rounds3, _gap_agent=gap_agent,
        _seg1_end=np.round(seg1_end),
        _seg2_start=np.where(reopens >= 1, np.round(seg2_start), np.nan),
        _seg2_end=np.where(reopens >= 1, np.round(seg2_end), np.nan),
        _seg3_start=np.where(reopens >= 2, np.round(seg3_start), np.nan),
        _seg3_end=np.where(reopens >= 2, np.round(seg3_end), np.nan),
    )


def _followups(rng: np.random.Generator, frame: pd.DataFrame, n_followup: int) -> pd.DataFrame:
    """New tickets from customers whose earlier ticket was solved too quickly (within 7 days)."""
    local_end = (pd.Series(frame["_local"]) + pd.to_timedelta(frame["_seg1_end"], unit="min"))
    eligible = np.flatnonzero(frame["_too_quick"].to_numpy() & (local_end < co.END - pd.Timedelta(days=8)).to_numpy())
    chosen = np.sort(rng.choice(eligible, size=min(n_followup, len(eligible)), replace=False))
    source = frame.iloc[chosen]
    # The customer comes back with a new ticket instead of replying: the old one is not reopened.
    frame.loc[frame.index[chosen], ["_reopens", "_seg2_start", "_seg2_end", "_seg3_start", "_seg3_end"]] = \
        [0, np.nan, np.nan, np.nan, np.nan]
    later = pd.to_timedelta(rng.uniform(0.3, 7.0, len(source)) * 1440, unit="min").round("s")
    new = pd.DataFrame({
        "_local": (local_end.iloc[chosen] + later).to_numpy(),
        "_problem": source["_problem"].to_numpy(),
        "channel": np.where(rng.random(len(source)) < 0.7, "email", "web"),
        "priority": np.where(source["priority"].to_numpy() == "low", "normal", source["priority"].to_numpy()),
        "product": source["product"].to_numpy(),
        "requester_id": source["requester_id"].to_numpy(),
        "organization_id": source["organization_id"].to_numpy(),
        "_intent": source["_intent"].to_numpy(),
        "_feature": source["_feature"].to_numpy(),
        "_verb": source["_verb"].to_numpy(),
        "_aspect": source["_aspect"].to_numpy(),
        "_symptom": source["_symptom"].to_numpy(),
        "_when": source["_when"].to_numpy(),
    })
    product_idx = new["product"].map({p: i for i, p in enumerate(co.PRODUCTS)}).to_numpy()
    routing_cum = np.cumsum(co.ROUTING, axis=1)
    routing_cum /= routing_cum[:, -1:]
    team_idx = (rng.random(len(new))[:, None] > routing_cum[product_idx]).sum(axis=1)
    new["team"] = np.array(co.TEAM_NAMES)[team_idx]
    new["assignee"] = [co.TEAMS[t].agents[int(u * len(co.TEAMS[t].agents))]
                       for t, u in zip(team_idx, rng.random(len(new)), strict=True)]
    new["_row"] = np.arange(len(new)) + len(frame)
    new["_followup_of"] = source["_row"].to_numpy()
    return _outcomes(rng, new, followup=True)


def _problem_tickets(rng: np.random.Generator) -> pd.DataFrame:
    """The Zendesk 'problem' tickets that engineering-facing agents open for some problems."""
    rows = []
    for i, p in enumerate(PROBLEMS):
        if not p.problem_ticket:
            continue
        opened = pd.Timestamp(p.start) + pd.Timedelta(days=int(rng.integers(4, 10)), hours=int(rng.integers(9, 17)))
        fixed = pd.Timestamp(p.end) + pd.Timedelta(days=2, hours=11)
        rows.append({
            "_local": opened, "_problem": p.name, "channel": "other", "priority": "high", "product": p.product,
            "requester_id": None, "organization_id": None, "team": "Technical Support", "assignee": "Priya Nair",
            "_intent": "", "_feature": "", "_verb": "", "_aspect": "", "_symptom": "", "_when": "",
            "_followup_of": np.nan, "_row": -1 - i, "_is_problem_ticket": True,
            "_frm": np.nan, "_too_quick": False, "_abandoned": False, "_reopens": 0, "_rounds1": 0,
            "_rounds2": 0, "_rounds3": 0, "_gap_agent": 0.0,
            "_seg1_end": float(round((fixed - opened).total_seconds() / 60)),
        })
    return pd.DataFrame(rows)


def _problem_links(rng: np.random.Generator, frame: pd.DataFrame) -> pd.Series:
    """``problem_id``: about 45% of a linked problem's later incidents point at its problem ticket."""
    links = pd.Series(None, index=frame.index, dtype="str")
    is_problem_ticket = frame["_is_problem_ticket"].fillna(False).astype(bool)
    for _, row in frame[is_problem_ticket].iterrows():
        incidents = (frame["_problem"] == row["_problem"]) & ~is_problem_ticket & (frame["_local"] > row["_local"])
        chosen = incidents & (pd.Series(rng.random(len(frame)), index=frame.index) < 0.45)
        links[chosen] = row["ticket_id"]
    return links


def _write_texts(writer: Writer, frame: pd.DataFrame, people: pd.DataFrame, orgs: pd.DataFrame) -> None:
    """Subject and description for every ticket, in place."""
    person = people.set_index("requester_id")[["name", "email", "phone", "title"]].to_dict("index")
    org_name = orgs.set_index("organization_id")["name"].to_dict()
    org_domain = orgs.set_index("organization_id")["domain"].to_dict()
    problems = {p.name: p for p in PROBLEMS}
    subjects, descriptions = [], []
    by_id = {}
    local_by_id = dict(zip(frame["ticket_id"], frame["_local"], strict=True))
    columns = ["ticket_id", "requester_id", "organization_id", "product", "channel", "_feature", "_problem",
               "_intent", "_followup_of", "_local", "_is_problem_ticket", "_verb", "_aspect", "_symptom", "_when"]
    for record in records(frame, columns):
        row = _Row(record)
        values = {"product": row.product, "feature": row.feature, "verb": row.verb, "aspect": row.aspect}
        if isinstance(row.requester_id, str):
            who = person[row.requester_id]
            values.update(name=who["name"], first=who["name"].split(" ")[0], email=who["email"],
                          phone=who["phone"], title=who["title"], org=org_name[row.organization_id],
                          org_domain=org_domain[row.organization_id])
        p = problems.get(row.problem)
        if row.is_problem_ticket is True:
            subject = f"[Problem] {p.title}" + (f" ({p.bug_key})" if p.bug_key else "")
            text = (f"Tracking ticket for customer reports: {p.title.lower()}. "
                    f"{'Engineering issue ' + p.bug_key + '. ' if p.bug_key else ''}"
                    "Link incoming tickets to this problem and use the macro to update customers.")
        else:
            if p is not None:
                values["key"] = p.bug_key or ""
                subject_pool, body = p.subjects, _problem_body(writer, p, row.channel, values)
            else:
                intent = INTENTS[row.intent]
                values.update(symptom=writer.expand(row.symptom), when=writer.expand(row.when))
                body = writer.expand(writer.pick(intent.bodies), values)
                if writer.chance(0.3):
                    body = join([body, writer.expand(writer.pick(SITUATIONS))] if writer.chance(0.5)
                                else [writer.expand(writer.pick(SITUATIONS)), body])
                subject_pool = intent.subjects
            subject = writer.expand(writer.pick(GENERIC_SUBJECTS if writer.chance(0.12) else subject_pool), values)
            subject = subject[:1].upper() + subject[1:]
            if isinstance(row.followup_of, str):
                values["prev"] = row.followup_of
                body = join([writer.expand(writer.pick(FOLLOWUP_OPENERS), values), body])
                subject = writer.pick(("Re: ", "Still broken: ", "Again: ", "")) + subject
            text = _dress(writer, body, row.channel, values, fault=p is not None or row.intent == "small_fault")
            if isinstance(row.followup_of, str) and row.followup_of in by_id and writer.chance(0.6):
                stamp = local_by_id[row.followup_of]
                text += "\n\n" + writer.quote(by_id[row.followup_of], writer.date_words(stamp),
                                              f"{values['name']} <{values['email']}>")
            elif p is not None and row.channel == "email" and writer.chance(0.07):
                # A colleague's report of the same problem, forwarded: the paraphrase sits in the quote.
                name = writer.pick(_COLLEAGUES)
                colleague = f"{name} <{name.split()[0].lower()}@{values['org_domain']}>"
                forwarded = _problem_body(writer, p, "email", values)
                text = _dress(writer, writer.expand(writer.pick(FORWARD_INTROS), values), "email", values,
                              fault=True)
                text += ("\n\n---------- Forwarded message ---------\nFrom: " + colleague + "\nDate: "
                         + writer.date_words(row.local - pd.Timedelta(hours=writer.int(2, 60))) + "\n\n"
                         + forwarded)
                subject = "Fwd: " + subject
            elif row.channel == "email" and writer.chance(0.08):
                text += "\n\n" + writer.quote(
                    writer.expand("Thank you for contacting Northwind Cloud Support. {Your request|Your ticket} "
                                  "#<n><n><n> has been {received|closed}.\nReply to this email to add a comment."),
                    writer.date_words(row.local - pd.Timedelta(days=writer.int(3, 40))), co.SUPPORT_EMAIL)
            if writer.chance(0.05):
                subject = subject.upper() if writer.chance(0.5) else "URGENT - " + subject
        subjects.append(subject)
        descriptions.append(text)
        by_id[row.ticket_id] = text
    frame["subject"] = subjects
    frame["description"] = descriptions


class _Row:
    """Attribute access to one record, with the leading underscore of planning columns dropped."""

    def __init__(self, record: dict) -> None:
        for key, value in record.items():
            setattr(self, key.lstrip("_"), value)


def _problem_body(writer: Writer, p, channel: str, values: dict[str, str]) -> str:
    """The core of a customer's report of an upstream problem, without greeting or signature."""
    if channel in ("chat", "phone") and writer.chance(0.15):
        return writer.expand(writer.pick(VAGUE_REPORTS[p.name]), values)
    parts = [writer.pick(p.symptoms)]
    for context in writer.sample(p.contexts, writer.int(0, 2 if channel != "chat" else 1)):
        parts.append(context)
    if writer.chance(0.4):
        parts.append(writer.pick(p.details))
    if p.bug_key and writer.chance(0.22):
        parts.append(writer.pick(KEY_MENTIONS))
    order = parts[:1] + parts[1:] if writer.chance(0.7) else parts[1:] + parts[:1]
    return writer.expand(" ".join(order), values)


def _dress(writer: Writer, body: str, channel: str, values: dict[str, str], fault: bool) -> str:
    """Add what people wrap around a request on each channel: greetings, asks, signatures, typos."""
    asks = CUSTOMER_ASKS + FAULT_ASKS if fault else CUSTOMER_ASKS
    if channel == "phone":
        return writer.expand(join([writer.pick(PHONE_OPENERS), body, "Callback on <phone>." if
                                   writer.chance(0.5) else ""]), values)
    if channel == "chat":
        text = join([writer.pick(("", "", "hi", "hello", "Hi!", "hey there")), body,
                     writer.expand(writer.pick(asks), values) if writer.chance(0.3) else ""])
        return writer.typos(text, 0.45)
    opener = writer.pick(CUSTOMER_OPENERS) if writer.chance(0.15) else ""
    ask = writer.expand(writer.pick(asks), values) if writer.chance(0.55) else ""
    core = writer.typos(join([opener, body, ask]), 0.3)
    greeting = writer.pick(CUSTOMER_GREETINGS)
    signature = writer.expand(writer.pick(CUSTOMER_SIGNATURES), values) if channel == "email" or \
        writer.chance(0.3) else ""
    sep = "\n\n" if writer.chance(0.6) else "\n"
    return join([greeting, core, signature], sep)


def finalise_tickets(plan: pd.DataFrame, messages: pd.DataFrame, snapshot: pd.Timestamp) -> pd.DataFrame:
    """Derive status, first and final solve time, reopens, reply counts, first reply and SLA breach as of ``snapshot``.

    Counts and the first reply come from the messages, so tickets and threads agree.
    ``sla_breached`` is the first-reply target of the ticket's priority
    (:data:`~toolkit.samples.company.SLA_FIRST_REPLY_MINUTES`): breached when the first
    reply took longer, or when there is no reply yet and the ticket is older than the target.
    """
    frame = plan.copy()
    created = frame["created_at"]
    public_agent = messages[(messages["author_role"] == "agent") & messages["public"]]
    first_agent = public_agent.groupby("ticket_id")["created_at"].min()
    frame["first_reply_minutes"] = ((frame["ticket_id"].map(first_agent) - created).dt.total_seconds() / 60).round()
    frame["agent_replies"] = frame["ticket_id"].map(public_agent["ticket_id"].value_counts()).fillna(0).astype(int)
    customer = messages[messages["author_role"] == "customer"]
    frame["customer_replies"] = frame["ticket_id"].map(customer["ticket_id"].value_counts()).fillna(0).astype(int)
    last_end = frame["_seg3_end"].fillna(frame["_seg2_end"]).fillna(frame["_seg1_end"])
    final_solve = created + pd.to_timedelta(last_end, unit="min")
    first_solve = created + pd.to_timedelta(frame["_seg1_end"], unit="min")
    solved = final_solve < snapshot
    frame["solved_at"] = final_solve.where(solved)
    frame["_first_solve_minutes"] = frame["_seg1_end"].where(first_solve < snapshot)
    frame["full_resolution_minutes"] = last_end.where(solved).astype(float)
    # Like Zendesk's first resolution time: kept when the ticket was reopened, even if it is open again now.
    frame["first_resolution_minutes"] = frame["_first_solve_minutes"].astype(float)
    started = [created + pd.to_timedelta(frame[c], unit="min") for c in ("_seg2_start", "_seg3_start")]
    frame["reopens"] = sum(((s < snapshot) & frame[c].notna()).astype(int)
                           for s, c in zip(started, ("_seg2_start", "_seg3_start"), strict=True))
    last_public = messages[messages["public"] & (messages["author_role"] != "system")] \
        .groupby("ticket_id")["author_role"].last()
    waiting_on_customer = frame["ticket_id"].map(last_public).eq("agent")
    unsolved_status = np.where(frame["first_reply_minutes"].isna(), "new",
                               np.where(waiting_on_customer, "pending", "open"))
    unsolved_status = np.where((unsolved_status == "open") & (frame["_problem"].to_numpy() != "")
                               & (np.arange(len(frame)) % 5 == 0), "hold", unsolved_status)
    recently = final_solve >= snapshot - pd.Timedelta(days=4)
    is_problem_ticket = frame["_is_problem_ticket"].fillna(False).astype(bool)
    unsolved_status = np.where(is_problem_ticket, "open", unsolved_status)
    frame["status"] = np.where(solved, np.where(recently, "solved", "closed"), unsolved_status)
    target = frame["priority"].map(co.SLA_FIRST_REPLY_MINUTES).astype(float)
    age = (snapshot - created).dt.total_seconds() / 60
    breached = np.where(frame["first_reply_minutes"].notna(), frame["first_reply_minutes"] > target, age > target)
    frame["sla_breached"] = pd.array(np.where(is_problem_ticket, None, breached), dtype="boolean")
    frame["tags"] = _tags(frame)
    return frame


def _tags(frame: pd.DataFrame) -> pd.Series:
    """Tags as agents and triggers set them: product, channel, known issue, bug key, macro used.

    Every third problem ticket is tagged ``known_issue`` (every other one of those also with its bug
    key, e.g. ``app-1533``); three in five one-off tickets carry their macro's intent tag.
    """
    position = np.arange(len(frame))
    problem = frame["_problem"].to_numpy()
    keys = pd.Series(problem).map({p.name: (p.bug_key or "").lower() for p in PROBLEMS}).fillna("").to_numpy()
    known = (problem != "") & (position % 3 == 0)
    parts = [
        frame["product"].str.lower().str.replace(" & ", "_").str.replace(" ", "_").to_numpy(dtype=object),
        frame["channel"].to_numpy(dtype=object),
        np.where(known, "known_issue", ""),
        np.where(known & (keys != "") & (position % 2 == 0), keys, ""),
        np.where((frame["_intent"].to_numpy() != "") & (position % 5 < 3), frame["_intent"].to_numpy(), ""),
    ]
    tags = [[t for t in row if t] for row in zip(*parts, strict=True)]
    return pd.Series(tags, index=frame.index, dtype=object)
