"""Ticket operations: volume, seasonality, response times, conversation quality, the language of
replies (hedging, false hope, over-apology), repeat questions, volume spikes after releases,
workload concentration (heroes vs rework), the watermelon effect and satisfaction despite SLA breaches.

Every measure is a plain function of canonical tables (``tickets``; ``messages`` and
``survey_responses`` where given) that returns a tidy DataFrame with documented columns.
Plot functions for each live in :mod:`toolkit.plots.ops`.

Conventions shared by every function here
-----------------------------------------
- ``by``: segment columns — ``period``, ``team``, ``channel``, ``priority``, ``product``,
  ``assignee``, ``organization_id`` (a string or a list). Results have a ``segment`` column
  (the values joined with " | ", or "all") plus one column per grouping key. A grouping
  column with no values at all is dropped from the grouping with a note; empty values in a
  column that has some are labelled ``"(not set)"``, never dropped.
- ``freq``: the bucket of the ``period`` key: day, week (starting Monday), month, quarter or
  year; ``tz``: the client's time zone (e.g. "Europe/London"). Periods, weekdays and hours
  are taken in that zone.
- ``min_n`` / ``small_sample``: True for segments below ``min_n`` (default
  :data:`MIN_N` = 30) tickets (or responses/replies, as each function says). Such rows are
  shown but never ranked or flagged as reliable.
- Units: rates and shares are fractions 0-1 (``*_rate``, ``*_share``, ``sla_attainment``,
  ``csat``), durations in minutes, NPS in points; see ``docs/vocabulary.md``.
- **Notes**: when an optional column is missing or empty, the affected measure is skipped
  (its columns are left empty, or the frame has no rows) and a sentence saying so is added
  to ``result.attrs["notes"]`` (a list of str; :func:`notes` reads it, see :mod:`toolkit.notes`). Caveats (derived
  values, rows left out) go there too. Nothing is silently dropped or guessed.
- Missing *required* columns raise the canonical validator's :class:`~toolkit.errors.DataError`;
  bad parameters raise :class:`~toolkit.errors.ConfigError` naming the argument
  (:mod:`toolkit.validation`).

Business hours: pass ``schedule`` (one schedule, or several chosen per ticket by rules; see
:mod:`toolkit.ops.business_time` and ``docs/business-hours.md``) to :func:`response_times`,
:func:`sla_attainment`, :func:`too_quick`, :func:`watermelon` and :func:`breach_experience` to measure on the helpdesk's
business-hours clock; every such frame says which clock it used in its notes.

Defaults worth knowing: first-reply SLA targets urgent 60, high 240, normal 480, low 1440
minutes (:data:`DEFAULT_FIRST_REPLY_TARGETS`); the language lexicon (hedging, false hope,
over-apology) in ``toolkit/ops/hedging_lexicon.yaml``; a release is "just before" a spike within
7 days (``docs/releases.md``).
"""

from toolkit.notes import notes
from toolkit.ops.breach import breach_experience
from toolkit.ops.business_time import (
    Schedule,
    ScheduleRules,
    business_minutes,
    business_times,
    load_schedule,
    load_schedules,
)
from toolkit.ops.conversations import (
    conversation_summary,
    incomplete_conversations,
    reply_distribution,
    too_quick,
    too_quick_tickets,
)
from toolkit.ops.facts import DEFAULT_FIRST_REPLY_TARGETS
from toolkit.ops.hedging import (
    KINDS,
    Lexicon,
    hedging,
    hedging_association,
    hedging_summary,
    language,
    language_association,
    language_summary,
    load_lexicon,
)
from toolkit.ops.releases import load_releases, volume_spikes
from toolkit.ops.repeat_questions import repeat_question_association, repeat_question_summary, repeat_questions
from toolkit.ops.seasonality import month_of_year, period_effects, weekday_hour
from toolkit.ops.times import response_times, sla_attainment
from toolkit.ops.volume import volume
from toolkit.ops.watermelon import (
    kiwi_or_watermelon,
    metric_correlations,
    ops_experience_over_time,
    segment_metrics,
    watermelon,
)
from toolkit.ops.workload import (
    agent_workload,
    gini,
    hard_received,
    hard_tickets,
    heroes_and_rework,
    workload_concentration,
)
from toolkit.validation import MIN_N

__all__ = [
    "DEFAULT_FIRST_REPLY_TARGETS",
    "KINDS",
    "MIN_N",
    "Lexicon",
    "Schedule",
    "ScheduleRules",
    "agent_workload",
    "breach_experience",
    "business_minutes",
    "business_times",
    "conversation_summary",
    "gini",
    "hard_received",
    "hard_tickets",
    "hedging",
    "hedging_association",
    "hedging_summary",
    "heroes_and_rework",
    "incomplete_conversations",
    "kiwi_or_watermelon",
    "language",
    "language_association",
    "language_summary",
    "load_lexicon",
    "load_releases",
    "load_schedule",
    "load_schedules",
    "metric_correlations",
    "month_of_year",
    "notes",
    "ops_experience_over_time",
    "period_effects",
    "repeat_question_association",
    "repeat_question_summary",
    "repeat_questions",
    "reply_distribution",
    "response_times",
    "segment_metrics",
    "sla_attainment",
    "too_quick",
    "too_quick_tickets",
    "volume",
    "volume_spikes",
    "watermelon",
    "weekday_hour",
    "workload_concentration",
]
