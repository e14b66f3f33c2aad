"""The client vocabulary: every metric a client may read, with its human name, unit and definition.

One registry, like :mod:`toolkit.schema` for the tables: the id is the frame column (or
metric name) the compute functions return, and what a report reader sees (the name, the
unit, a one-line definition) comes from here, never from a docstring or a code identifier.
``docs/vocabulary.md`` is generated from it (``support-toolkit vocabulary``) and a test
keeps the two equal.
"""

from __future__ import annotations

from dataclasses import dataclass

UNITS = {
    "fraction": "a share between 0 and 1 in every frame; shown as a percentage only in charts and report text",
    "points": "NPS points, from -100 to +100",
    "scale mean": "the mean answer on the survey's own scale (e.g. 1-7)",
    "minutes": "a duration in minutes (shown as minutes, hours or days in the report)",
    "count": "a whole number of tickets, answers or replies",
    "replies": "public agent messages per ticket (a mean)",
    "level": "a maturity level from 1 (reactive, hero-driven) to 5 (optimised, process-driven)",
}
"""The units metrics are kept in, and what each means."""


@dataclass(frozen=True)
class Metric:
    """One metric a client may read: ``id`` (frame column), human ``name``, ``unit`` (a key of
    :data:`UNITS`), a one-line ``definition`` and ``short``, the name on chart axes and legends
    where the full name is too long (empty: the name itself)."""

    id: str
    name: str
    unit: str
    definition: str
    short: str = ""

    @property
    def label(self) -> str:
        """What a chart calls the metric (:func:`toolkit.plots.theme.readable` reads it here)."""
        return self.short or self.name


def _m(id: str, name: str, unit: str, definition: str, short: str = "") -> Metric:
    if unit not in UNITS:
        raise ValueError(f"metric {id!r}: unknown unit {unit!r}")
    return Metric(id, name, unit, definition, short)


METRICS: tuple[Metric, ...] = (
    _m("csat", "CSAT", "fraction",
       "Share of satisfied answers: the top two boxes of the scale (4-5 on 1-5), or 'good' on binary ratings."),
    _m("nps", "Net Promoter Score", "points",
       "Share of promoters (9-10) minus share of detractors (0-6) among 0-10 answers, times 100.", "NPS"),
    _m("ces", "Customer Effort Score", "scale mean",
       "Mean answer to 'the company made it easy to handle my issue'; higher is easier.", "CES"),
    _m("agree_share", "CES share agreeing", "fraction",
       "Share of effort answers that agree it was easy: 5-7 on 1-7, 4-5 on 1-5.", "Share finding it easy"),
    _m("response_rate", "Survey response rate", "fraction",
       "Survey invitations answered, over invitations sent.", "Response rate"),
    _m("sla_attainment", "First-reply SLA attainment", "fraction",
       "Tickets whose first reply came within the target for their priority, over tickets replied to.",
       "SLA attainment"),
    _m("helpdesk_sla_attainment", "SLA attainment as the helpdesk records it", "fraction",
       "Tickets the helpdesk did not mark as SLA-breached, over all tickets with that mark."),
    _m("first_reply_minutes", "First reply time", "minutes",
       "Time from the ticket's creation to the first public agent reply.", "First reply"),
    _m("full_resolution_minutes", "Resolution time", "minutes",
       "Time from the ticket's creation to its final solve, for solved tickets.", "Resolution"),
    _m("reopen_rate", "Reopen rate", "fraction",
       "Tickets reopened at least once, over tickets solved at least once."),
    _m("agent_replies", "Agent replies", "replies",
       "Public agent messages on a ticket, each counted (two in a row are two replies): the back-and-forth."),
    _m("back_and_forth", "Back-and-forth", "replies", "Mean agent replies per ticket.", "Agent replies per ticket"),
    _m("additional_exchanges", "Further agent replies", "replies",
       "Agent replies on a ticket beyond the first (a mean)."),
    _m("one_touch_rate", "One-touch resolution", "fraction",
       "Solved tickets resolved with exactly one agent reply, over solved tickets with known replies.",
       "Solved in one touch"),
    _m("fcr_rate", "First-contact resolution", "fraction",
       "Solved tickets resolved with one agent reply and never reopened, over solved tickets: one-touch that "
       "stayed solved."),
    _m("long_conversation_rate", "Long conversations", "fraction",
       "Tickets with more agent replies than the long-conversation limit (4 by default), over tickets with "
       "known replies."),
    _m("incomplete_rate", "Abandoned conversations", "fraction",
       "Finished tickets where the customer left before a resolution (an incomplete problem set), over finished "
       "tickets.", "Left before a resolution"),
    _m("came_back", "Came back", "count",
       "A solved ticket that was reopened, or whose requester opened a new ticket on the same topic soon after."),
    _m("too_quick_rate", "Too-quick resolutions", "fraction",
       "Solved tickets whose first solve was among the fastest for their priority and channel and that came "
       "back, over solved tickets."),
    _m("hard_tickets", "Hard tickets", "count",
       "Tickets that were reopened, or among the 10% with the most agent replies, or among the 10% slowest to "
       "resolve for their priority."),
    _m("survey_delay_minutes", "Survey delay", "minutes",
       "Time from the ticket's first solve to the satisfaction survey invitation.", "Delay after the solve"),
    _m("reopened_after_survey_share", "Reopens after the survey", "fraction",
       "Surveyed tickets reopened after the survey invitation went out, over surveyed tickets that were reopened: "
       "above half, customers are asked before they can know whether the fix held.", "Reopened after the survey"),
    _m("invitations_received", "Invitations received", "count",
       "Survey invitations one customer received during the period (survey fatigue)."),
    _m("satisfied_despite_breach_share", "Satisfied despite a breach", "fraction",
       "Rated tickets whose first reply missed its SLA target and whose customer was satisfied, over rated "
       "tickets that missed it.", "Satisfied despite a missed target"),
    _m("dissatisfied_despite_met_share", "Dissatisfied despite a met target", "fraction",
       "Rated tickets whose first reply met its SLA target and whose customer was not satisfied, over rated "
       "tickets that met it.", "Dissatisfied despite a met target"),
    _m("hard_received_share", "Hard work received", "fraction",
       "An agent's tickets that arrived hard (urgent or high priority, linked to a known problem, or escalated), "
       "over the agent's tickets."),
    _m("own_reopen_rate", "Own tickets reopened", "fraction",
       "An agent's solved tickets that were reopened, over the agent's solved tickets: rework the agent's own "
       "solves caused, not hard work received."),
    _m("hedged_share", "Hedged replies", "fraction",
       "Agent replies using uncertain wording ('should', 'looks like') from the hedging lexicon, over replies.",
       "Replies that hedge"),
    _m("false_hope_share", "False-hope replies", "fraction",
       "Agent replies that promise without committing to anything ('I've passed your feedback on', 'we'll consider "
       "it'), from the language lexicon, over replies.", "Replies giving false hope"),
    _m("over_apology_share", "Over-apologising replies", "fraction",
       "Agent replies that apologise beyond one plain sorry ('I'm so sorry', 'apologies for any inconvenience', "
       "'sorry again'), from the language lexicon, over replies.", "Replies over-apologising"),
    _m("repeat_question_share", "Repeat questions", "fraction",
       "Agent replies asking the customer for something they already gave earlier in the same ticket (an order "
       "number, the account e-mail, a version, a screenshot), over agent replies.", "Replies asking again"),
    _m("volume_spike", "Volume spike", "count",
       "A lasting rise in daily new tickets, found as a change point in the series; reported with the release or "
       "change in the days before it, or as 'no known change'."),
    _m("ticket_share", "Share of tickets", "fraction", "An agent's or segment's tickets over all tickets."),
    _m("maturity_level", "Maturity level", "level",
       "A dimension's questions scored by the interviewees' median answer on the five-level scale, then averaged."),
    _m("portfolio_median", "Portfolio median", "level",
       "The middle maturity level of a dimension among earlier engagements: half of them scored lower, half higher."),
    _m("small_sample", "Small sample", "count",
       "Fewer tickets, answers or replies than the cut-off (30 by default): shown, never ranked or flagged."),
)
"""Every metric a client may read, in the order the document lists them."""

BY_ID = {metric.id: metric for metric in METRICS}


def vocabulary_markdown() -> str:
    """``docs/vocabulary.md``: the unit conventions, then one table row per metric."""
    lines = [
        "# Vocabulary",
        "",
        "Generated from `toolkit/vocabulary.py` by `support-toolkit vocabulary --out docs/vocabulary.md`; "
        "do not edit by hand.",
        "",
        "## Units",
        "",
        "- Rates and shares (columns named `*_rate`, `*_share`, and `csat`, `sla_attainment`) are fractions "
        "between 0 and 1 in every frame; percentages appear only at the edge (charts, report text).",
        "- NPS is in points (-100 to +100); CES is the mean on its own scale; durations are in minutes "
        "(`*_minutes`).",
        "- Survey results (`toolkit.survey`) keep one `score` column per survey: NPS in points, CSAT (share "
        "satisfied) and CES headline (share agreeing) as fractions 0-1, with `low`/`high` in the same unit; a "
        "difference of two shares is a fraction too (0.02 reads as 2 percentage points).",
        "- Segment results have a `segment` column (the values joined with \" | \", or \"all\") and one column per "
        "grouping key; `small_sample` flags segments below `min_n` (30 by default).",
        "",
        "| unit | meaning |",
        "| --- | --- |",
        *(f"| {unit} | {meaning} |" for unit, meaning in UNITS.items()),
        "",
        "## Metrics",
        "",
        "| id | name | unit | definition |",
        "| --- | --- | --- | --- |",
        *(f"| `{m.id}` | {m.name} | {m.unit} | {m.definition} |" for m in METRICS),
        "",
    ]
    return "\n".join(lines)
