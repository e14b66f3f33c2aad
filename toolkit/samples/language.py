"""Ground truth for the language measures and releases: planted into the written message threads.

After :func:`toolkit.samples.messages.write_messages`, :func:`plant` edits the bodies of some
public agent replies (it adds no rows and moves no times, so every other pattern and count
stays as it was), with its own random stream:

- **False hope** (:data:`FALSE_HOPE_AGENTS`): 35% of their public replies open with a promise
  without commitment ("I've passed your feedback on to our product team.").
- **Over-apology** (:data:`OVER_APOLOGY_AGENT`): 40% of their public replies open with an
  intensified apology ("I'm so sorry for the trouble this has caused.").
- **Repeat questions** in the watermelon team: in half of its tickets where a customer gave an
  e-mail address, the agent's next public reply that is not the ticket's last asks for it again
  ("Can you confirm the email address on your account?").

:func:`releases` is the sample client's release calendar (``releases.csv``): a release of the
sign-in service two days before the planted spike of late two-factor codes
(:data:`~toolkit.samples.problems.SPIKING_PROBLEM`), and others in quiet weeks, more than a
week before any rise in volume.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from toolkit.samples import company as co
from toolkit.samples.problems import PROBLEMS, SPIKING_PROBLEM

FALSE_HOPE_AGENTS = ("Ben Carter", "Rosa Alvarez")
OVER_APOLOGY_AGENT = "Wendy Zhou"
FALSE_HOPE_RATE, OVER_APOLOGY_RATE, REPEAT_QUESTION_RATE = 0.35, 0.4, 0.5
FALSE_HOPE_LINES = ("I've passed your feedback on to our product team.", "I've recorded your vote for this.",
                    "We'll consider it for a future update.", "I've shared your feedback with the team.")
OVER_APOLOGY_LINES = ("I'm so sorry for the trouble this has caused.", "Apologies for any inconvenience.",
                      "I'm really sorry about this, and sorry again for the wait.")
REPEAT_QUESTION = "Can you confirm the email address on your account?"
# The customer gave an e-mail address (quoted mail, which holds the agent's own, excluded).
_GAVE_EMAIL = r"(?m)^(?![ \t]*>)(?!On .* wrote:)(?!From:).*[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+\.[A-Za-z]{2,}"
# The release just before the planted spike, and a calendar of releases in quiet weeks.
SPIKE_RELEASE = ("2026-08-31", "SMS provider migration for two-factor codes", "Account & Login")
RELEASES = (
    ("2025-10-08", "Reports 3.9: new chart types", "Reports"),
    ("2025-11-26", "Billing portal 5.2", "Billing"),
    ("2026-01-21", "File Sync 2.4: faster uploads", "File Sync"),
    ("2026-02-25", "Mobile App 6.0", "Mobile App"),
    ("2026-05-20", "API v2.3: new endpoints", "API"),
    ("2026-07-01", "Report scheduler rewrite", "Reports"),
    SPIKE_RELEASE,
)


def plant(rng: np.random.Generator, messages: pd.DataFrame, plan: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The messages with the planted phrases, and one row per planted reply (ticket_id, message_id, pattern)."""
    body = messages["body"].copy()
    reply = (messages["author_role"] == "agent") & messages["public"].astype(bool)
    planted = []

    def open_with(rows: np.ndarray, lines: tuple[str, ...], pattern: str) -> None:
        chosen = rng.integers(0, len(lines), len(rows))
        for i, k in zip(rows, chosen, strict=True):
            body.iat[i] = _open_with(body.iat[i], lines[k])
        planted.append(messages.iloc[rows][["ticket_id", "message_id"]].assign(pattern=pattern))

    for agents, lines, rate, pattern in ((FALSE_HOPE_AGENTS, FALSE_HOPE_LINES, FALSE_HOPE_RATE, "false_hope_reply"),
                                         ((OVER_APOLOGY_AGENT,), OVER_APOLOGY_LINES, OVER_APOLOGY_RATE,
                                          "over_apology_reply")):
        mine = np.flatnonzero((reply & messages["author"].isin(agents)).to_numpy())
        open_with(mine[rng.random(len(mine)) < rate], lines, pattern)
    team = messages["ticket_id"].map(plan.set_index("ticket_id")["team"])
    melon = (team == co.WATERMELON_TEAM).to_numpy()
    gave = ((messages["author_role"] == "customer") & messages["public"].astype(bool)
            & messages["body"].str.contains(_GAVE_EMAIL, regex=True)).to_numpy()
    order = np.arange(len(messages))  # messages are sorted by ticket, then time
    ticket = messages["ticket_id"].to_numpy()
    minute = pd.to_datetime(messages["created_at"], utc=True).dt.tz_localize(None).to_numpy("datetime64[ns]")
    minute = minute.view("int64")
    # Asked *after* the customer gave it: a later minute (a phone note and its reply share a minute).
    first_gave = pd.Series(np.where(gave, minute, np.iinfo(np.int64).max)).groupby(ticket).transform(
        "min").to_numpy()
    last_reply = pd.Series(np.where(reply, order, -1)).groupby(ticket).transform("max").to_numpy()
    after = melon & reply.to_numpy() & (minute > first_gave) & (order < last_reply)
    candidates = pd.Series(order[after]).groupby(ticket[after]).min()
    asked = candidates.to_numpy()[rng.random(len(candidates)) < REPEAT_QUESTION_RATE]
    open_with(asked, (REPEAT_QUESTION,), "repeat_question")
    truth = pd.concat(planted, ignore_index=True).sort_values(["ticket_id", "message_id", "pattern"], kind="stable")
    return messages.assign(body=body), truth.reset_index(drop=True)


def _open_with(body: str, line: str) -> str:
    """The reply with ``line`` first, after the greeting paragraph when there is one."""
    head, sep, rest = body.partition("\n\n")
    return f"{head}{sep}{line} {rest}" if sep else f"{line} {body}"


def releases() -> pd.DataFrame:
    """The sample client's release calendar (``releases.csv``): date, name, product."""
    return pd.DataFrame(RELEASES, columns=["date", "name", "product"]).sort_values("date", kind="stable")


def with_ground_truth(patterns: pd.DataFrame, tickets: pd.DataFrame, truth: pd.DataFrame
                      ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The ground-truth patterns and per-ticket rows with the planted language and the spike's release.

    Per ticket: ``repeat_question`` for each ticket with a planted repeat question; false hope
    and over-apology are agents' patterns (``false_hope_agents``, ``over_apology_agent``).
    """
    counts = truth["pattern"].value_counts()
    spike = next(p for p in PROBLEMS if p.name == SPIKING_PROBLEM)
    rows = [
        ("false_hope_agents", ";".join(FALSE_HOPE_AGENTS)),
        ("false_hope_rate", f"{FALSE_HOPE_RATE} of their public replies open with a promise without commitment"),
        ("false_hope_background", "everyone: the feature-request answer \"I've added your vote to the existing "
                                  "request\" (about 2% of replies)"),
        ("over_apology_agent", OVER_APOLOGY_AGENT),
        ("over_apology_rate", f"{OVER_APOLOGY_RATE} of their public replies open with an intensified apology"),
        ("repeat_question_team", co.WATERMELON_TEAM),
        ("repeat_question_rule", f"in {REPEAT_QUESTION_RATE:.0%} of the team's tickets where a customer gave an "
                                 "e-mail address, the next public agent reply that is not the last asks for it again"),
        ("repeat_question_background", "every team's agents sometimes ask for a browser, version, e-mail or "
                                       "screenshot already given; the watermelon team re-asks in 40% of updates"),
        *[(f"planted_{p}_count", str(int(counts.get(p, 0))))
          for p in ("false_hope_reply", "over_apology_reply", "repeat_question")],
        ("release_before_spike", f"{SPIKE_RELEASE[0]} {SPIKE_RELEASE[1]} | {SPIKE_RELEASE[2]} | spike "
                                 f"{SPIKING_PROBLEM} from {spike.start}"),
    ]
    asked = truth.loc[truth["pattern"] == "repeat_question", ["ticket_id", "pattern"]].assign(related_ticket_id="")
    per_ticket = pd.concat([tickets, asked], ignore_index=True).sort_values(["ticket_id", "pattern"], kind="stable")
    return (pd.concat([patterns, pd.DataFrame(rows, columns=["pattern", "value"])], ignore_index=True),
            per_ticket.reset_index(drop=True))
