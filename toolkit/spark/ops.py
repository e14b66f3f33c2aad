"""Operations and survey tables on Spark: per-ticket facts in Spark, per-segment counts back to the driver.

The definitions are :mod:`toolkit.ops.facts`' and :mod:`toolkit.survey.scores`' (solved statuses, the
satisfaction values, first-reply targets, NPS categories), imported, not restated. Spark computes one
row per ticket and sums them per segment; only the per-segment counts (one row per segment) come back,
and the statistics (Wilson intervals, NPS intervals) run on them unchanged.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from toolkit.errors import ConfigError
from toolkit.ops.facts import SATISFACTION_VALUES, SOLVED_STATUSES, check_targets
from toolkit.survey.scores import DETRACTOR_MAX, PROMOTER_MIN, nps_from_counts, wilson_interval

SEGMENT_COUNT_COLUMNS = ["tickets", "solved", "ever_solved", "reopened", "rated", "satisfied", "first_replied",
                         "within_target", "agent_replies", "customer_replies"]
"""What :func:`segment_counts` sums per segment (counts of tickets, and replies)."""


def ticket_facts(tickets, messages=None, *, targets: Mapping[str, float] | None = None):
    """One row per ticket with the facts of :mod:`toolkit.ops.facts`, as a Spark DataFrame.

    Columns: the tickets' own, plus ``solved``, ``ever_solved``, ``reopened`` (booleans), ``agent_replies``
    and ``customer_replies`` (public messages per ticket from ``messages`` when given, tickets without one
    count 0; else the tickets' columns), ``satisfied`` (1.0/0.0/null from the ticket's ``satisfaction``) and
    ``within_target`` (1.0/0.0/null: first reply within the priority's target).
    """
    from pyspark.sql import functions as F

    targets = check_targets(targets)
    facts = tickets.withColumns({
        "solved": F.coalesce(F.col("status").isin(list(SOLVED_STATUSES)), F.lit(False)),
        "reopened": F.coalesce(F.col("reopens") > 0, F.lit(False)),
    })
    facts = facts.withColumn("ever_solved", F.col("solved") | F.col("solved_at").isNotNull() | F.col("reopened"))
    if messages is not None:
        public = F.coalesce(F.col("public"), F.lit(False))
        replies = messages.groupBy("ticket_id").agg(
            F.count_if(public & (F.col("author_role") == "agent")).cast("double").alias("agent_replies"),
            F.count_if(public & (F.col("author_role") == "customer")).cast("double").alias("customer_replies"))
        facts = (facts.drop("agent_replies", "customer_replies").join(replies, "ticket_id", "left")
                 .fillna(0.0, subset=["agent_replies", "customer_replies"]))
    else:
        facts = facts.withColumns({c: F.col(c).cast("double") for c in ("agent_replies", "customer_replies")})
    rating = F.create_map(*[F.lit(x) for k, v in SATISFACTION_VALUES.items() for x in (k, v)])
    target = F.create_map(*[F.lit(x) for k, v in targets.items() for x in (k, v)])
    minutes = F.coalesce(F.element_at(target, F.col("priority")), F.lit(targets["normal"]))
    return facts.withColumns({
        "satisfied": F.element_at(rating, F.lower(F.col("satisfaction").cast("string"))).cast("double"),
        "within_target": F.when(F.col("first_reply_minutes").isNotNull(),
                                (F.col("first_reply_minutes") <= minutes).cast("double")),
    })


def segment_counts(facts, by: Sequence[str] = ()) -> pd.DataFrame:
    """Per segment (the ``by`` columns; one row overall without), the counts in :data:`SEGMENT_COUNT_COLUMNS`.

    The only data that leaves Spark: one row per segment, sorted by the segment columns.
    """
    from pyspark.sql import functions as F

    by = [by] if isinstance(by, str) else list(by)
    missing = [c for c in by if c not in facts.columns]
    if missing:
        raise ConfigError(f"no column {missing[0]!r} to segment by", key="by",
                          fix=f"use some of {', '.join(sorted(c for c in facts.columns if not c.startswith('_')))}")
    counts = (facts.groupBy(*by) if by else facts.groupBy()).agg(
        F.count(F.lit(1)).alias("tickets"), F.count_if("solved").alias("solved"),
        F.count_if("ever_solved").alias("ever_solved"), F.count_if("reopened").alias("reopened"),
        F.count("satisfied").alias("rated"), F.count_if(F.col("satisfied") == 1).alias("satisfied"),
        F.count("within_target").alias("first_replied"),
        F.count_if(F.col("within_target") == 1).alias("within_target"),
        F.sum("agent_replies").alias("agent_replies"), F.sum("customer_replies").alias("customer_replies"))
    out = counts.toPandas()
    out = out.sort_values(by, kind="stable").reset_index(drop=True) if by else out
    for col in SEGMENT_COUNT_COLUMNS[:-2]:
        out[col] = out[col].astype("int64")
    return out[[*by, *SEGMENT_COUNT_COLUMNS]]


def segment_rates(counts: pd.DataFrame, confidence: float = 0.95) -> pd.DataFrame:
    """Rates from :func:`segment_counts` with Wilson intervals: reopen rate, CSAT, first reply within target,
    and mean replies per ticket. The statistics are :func:`toolkit.survey.scores.wilson_interval`'s."""
    out = counts.copy()
    for name, success, n in (("reopen_rate", "reopened", "ever_solved"), ("csat", "satisfied", "rated"),
                             ("within_target_rate", "within_target", "first_replied")):
        k, m = out[success].to_numpy(float), out[n].to_numpy(float)
        out[name] = pd.Series(k, index=out.index).div(pd.Series(m, index=out.index).where(m > 0))
        out[f"{name}_low"], out[f"{name}_high"] = wilson_interval(k, m, confidence)
    out["mean_agent_replies"] = out["agent_replies"] / out["tickets"]
    out["mean_customer_replies"] = out["customer_replies"] / out["tickets"]
    return out


def period_start(times, freq: str, tz: str = "UTC"):
    """Spark expression: the start of the ``freq`` bucket each UTC timestamp falls in, as wall-clock time in ``tz``.

    The buckets of :func:`toolkit.ops.segments.period_start` (weeks start on Monday); labels come from
    :func:`toolkit.ops.segments.period_label` on the driver.
    """
    from pyspark.sql import functions as F

    from toolkit.validation import FREQS

    if freq not in FREQS:
        raise ConfigError(f"unknown period {freq!r}", key="freq", fix=f"use one of {', '.join(FREQS)}")
    return F.date_trunc(freq, F.from_utc_timestamp(times, tz))


def nps_counts(responses, by: Sequence[str] = (), *, freq: str | None = None, tz: str = "UTC") -> pd.DataFrame:
    """Per segment (and ``freq`` period of ``submitted_at`` in ``tz``, as column ``period``), the NPS answers'
    categories (detractors, passives, promoters, missing) counted in Spark."""
    from pyspark.sql import functions as F

    from toolkit.ops.segments import period_label

    by = [by] if isinstance(by, str) else list(by)
    rows = responses.where(F.col("survey") == "nps")
    if freq:
        rows = rows.withColumn("period", period_start(F.col("submitted_at"), freq, tz))
        by = ["period", *by]
    score = F.col("score")
    counts = (rows.groupBy(*by) if by else rows.groupBy()).agg(
        F.count_if(score <= DETRACTOR_MAX).alias("detractors"),
        F.count_if((score > DETRACTOR_MAX) & (score < PROMOTER_MIN)).alias("passives"),
        F.count_if(score >= PROMOTER_MIN).alias("promoters"), F.count_if(score.isNull()).alias("missing"))
    out = counts.toPandas()
    out = out.sort_values(by, kind="stable").reset_index(drop=True) if by else out
    if freq:
        out["period"] = period_label(pd.to_datetime(out["period"]), freq)
    return out


def nps_by_segment(responses, by: Sequence[str] = (), method: str = "adjusted-wald", confidence: float = 0.95, *,
                   freq: str | None = None, tz: str = "UTC") -> pd.DataFrame:
    """NPS with its interval per segment (and period): counts from Spark, then
    :func:`toolkit.survey.scores.nps_from_counts` on them."""
    by = [by] if isinstance(by, str) else list(by)
    counts = nps_counts(responses, by, freq=freq, tz=tz)
    keys = (["period"] if freq else []) + by
    scores = nps_from_counts(counts["detractors"], counts["passives"], counts["promoters"], method=method,
                             confidence=confidence, missing=counts["missing"])
    return pd.concat([counts[keys].reset_index(drop=True), pd.DataFrame(scores).reset_index(drop=True)], axis=1)


def hedged_replies(messages, lexicon=None):
    """Public agent replies marked ``hedged`` as :func:`toolkit.ops.hedging.hedging` marks them, in Spark.

    The lexicon's own patterns (phrases, then guards that clear a match) run as Spark regular expressions.
    Returns a Spark DataFrame: ``ticket_id``, ``message_id``, ``created_at``, ``hedged``.
    """
    from pyspark.sql import functions as F

    from toolkit.ops.hedging import Lexicon, load_lexicon

    lex = lexicon if isinstance(lexicon, Lexicon) else load_lexicon(lexicon)
    replies = messages.where((F.col("author_role") == "agent") & F.coalesce(F.col("public"), F.lit(False)))
    body = F.coalesce(F.col("body"), F.lit(""))
    hedged = body.rlike(lex.phrase_pattern)
    if lex.guard_pattern:  # a guard ("should you need") only clears a match when no other phrase is left
        cleared = F.regexp_replace(body, lex.guard_pattern, " # ")
        hedged = hedged & (~body.rlike(lex.guard_pattern) | cleared.rlike(lex.phrase_pattern))
    message_id = F.col("message_id") if "message_id" in messages.columns else F.lit(None).cast("string")
    return replies.select("ticket_id", message_id.alias("message_id"), "created_at", hedged.alias("hedged"))


def hedging_counts(messages, tickets=None, by: Sequence[str] = (), lexicon=None) -> pd.DataFrame:
    """Per segment of the tickets (``by``; overall without), public agent replies and how many are hedged."""
    from pyspark.sql import functions as F

    by = [by] if isinstance(by, str) else list(by)
    replies = hedged_replies(messages, lexicon)
    if by:
        if tickets is None:
            raise ConfigError("segments come from the tickets", key="tickets",
                              fix="pass tickets= with the `by` columns")
        replies = replies.join(tickets.select("ticket_id", *by), "ticket_id")
    counts = (replies.groupBy(*by) if by else replies.groupBy()).agg(
        F.count(F.lit(1)).alias("replies"), F.count_if("hedged").alias("hedged"))
    out = counts.toPandas()
    out = out.sort_values(by, kind="stable").reset_index(drop=True) if by else out
    out["hedged_rate"] = out["hedged"] / out["replies"].where(out["replies"] > 0)
    return out
