"""Each report section's result frames, computed once from an :class:`~toolkit.report.inputs.Engagement`.

The functions here only call the analysis capabilities (``toolkit.survey``,
``toolkit.maturity``, ``toolkit.ops``, ``toolkit.duplicates``) with the engagement's
tables and parameters, and collect their frames, so that the report notebook can
show them and :mod:`toolkit.report.findings` can compose the executive summary from
the same numbers. When an input is missing (no survey file, no maturity answers) the
affected frames are ``None`` and a sentence in ``notes`` says why; nothing is
guessed. Errors from the capabilities (:class:`~toolkit.errors.DataError`,
:class:`~toolkit.errors.ConfigError`) propagate, so a render fails naming the section.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from types import SimpleNamespace

import numpy as np
import pandas as pd

from toolkit import formatting as fmt
from toolkit.maturity import (
    EvidenceData,
    build_roadmap,
    disagreements,
    evaluate_evidence,
    evidence_checks,
    load_model,
    portfolio_percentiles,
    portfolio_standing,
    read_portfolio,
    score_dimensions,
    score_overall,
    score_questions,
    score_respondents,
)
from toolkit.notes import notes
from toolkit.report.findings import is_new
from toolkit.report.inputs import Engagement
from toolkit.report.people import group_scores, grouped_answers, hide_small_groups, interviewee_groups
from toolkit.schema import has_values


@dataclass
class CustomerExperience:
    """Survey results: headline scores, segments, trends, who answers, drivers and comment themes.

    Frames are the outputs of the named :mod:`toolkit.survey` functions (see their docstrings).
    """

    summary: pd.DataFrame | None = None  # survey_summary
    csat_by_segment: dict[str, pd.DataFrame] = field(default_factory=dict)  # compare_segments per segment
    csat_trend: pd.DataFrame | None = None  # survey_trend(csat, month)
    nps_trend: pd.DataFrame | None = None  # survey_trend(nps, quarter)
    response_rates: pd.DataFrame | None = None  # response_rates(by survey)
    nonresponse: pd.DataFrame | None = None  # nonresponse_bias(csat)
    drivers: pd.DataFrame | None = None  # satisfaction_drivers(csat)
    themes: pd.DataFrame | None = None  # comment_themes(nps)
    timing: pd.DataFrame | None = None  # survey_timing(csat, by delay_band)
    channels: pd.DataFrame | None = None  # survey_timing(csat, by survey_channel)
    early: pd.DataFrame | None = None  # early_surveys(csat, by team)
    fatigue: pd.DataFrame | None = None  # survey_fatigue(csat)
    fatigue_trend: pd.DataFrame | None = None  # fatigue_trend(fatigue)
    notes: list[str] = field(default_factory=list)
    available: bool = True  # False: no survey answers; the report leaves the section out


def _collect_notes(result) -> None:
    """Add the notes of every frame the section computed (skipped measures, caveats), each once.

    Frames carry their notes in ``attrs`` (:mod:`toolkit.notes`); reading every field that holds
    a frame, rather than a chosen few, is what keeps a skipped measure from vanishing silently.
    """
    frames = []
    for item in fields(result):
        value = getattr(result, item.name)
        if isinstance(value, pd.DataFrame):
            frames.append(value)
        elif isinstance(value, dict):
            frames.extend(v for v in value.values() if isinstance(v, pd.DataFrame))
    for note in notes(*frames):
        if note not in result.notes:
            result.notes.append(note)


def _surveys(responses: pd.DataFrame | None) -> set[str]:
    if responses is None or not len(responses):
        return set()
    return set(responses.loc[responses["score"].notna(), "survey"].dropna().unique())


def customer_experience(engagement: Engagement) -> CustomerExperience:
    """The customer-experience section's frames (CSAT, NPS, CES, response rates, drivers, themes)."""
    from toolkit import survey

    result = CustomerExperience()
    responses, tickets = engagement.survey_responses, engagement.tickets
    present = _surveys(responses)
    if not present:
        result.notes.append("No survey answers were provided for the period, so satisfaction, NPS and effort "
                            "are not reported.")
        result.available = False
        return result
    tz = engagement.parameters.timezone
    result.summary = survey.survey_summary(responses)
    if "csat" in present:
        for segment in engagement.parameters.segments:
            if has_values(tickets, segment) and "ticket_id" in responses.columns:
                result.csat_by_segment[segment] = survey.compare_segments(responses, segment, "csat", tickets=tickets)
        result.csat_trend = survey.survey_trend(responses, "csat", "month", tz=tz)
        result.drivers = survey.satisfaction_drivers(tickets, responses, "csat", messages=engagement.messages)
    if "nps" in present:
        result.nps_trend = survey.survey_trend(responses, "nps", "quarter", tz=tz)
        if has_values(responses, "comment"):
            result.themes = survey.comment_themes(responses, "nps")
    invitations = engagement.survey_invitations
    if invitations is not None and len(invitations):
        result.response_rates = survey.response_rates(invitations, responses, by="survey")
        if "csat" in present:
            result.nonresponse = survey.nonresponse_bias(invitations, responses, tickets, "csat")
            _survey_design(result, engagement)
    else:
        result.notes.append("No survey invitations were provided, so response rates and non-response bias "
                            "are not reported.")
    _collect_notes(result)
    return result


@dataclass
class Maturity:
    """Maturity results from :mod:`toolkit.maturity` (see the named functions' docstrings)."""

    dimensions: pd.DataFrame | None = None  # score_dimensions
    portfolio: pd.DataFrame | None = None  # portfolio_percentiles, when earlier engagements are given
    standing: pd.DataFrame | None = None  # portfolio_standing: the percentiles plus the overall row
    overall: pd.DataFrame | None = None  # score_overall
    respondents: pd.DataFrame | None = None  # score_respondents
    disagreements: pd.DataFrame | None = None  # disagreements
    roadmap: pd.DataFrame | None = None  # build_roadmap
    evidence: pd.DataFrame | None = None  # evaluate_evidence: interview claims tested against the data
    checks: pd.DataFrame | None = None  # evidence_checks: each claim's checks with value and threshold
    owners: pd.Series | None = None  # the model's owner role per dimension id (for the roadmap)
    questions: pd.DataFrame | None = None  # score_questions, plus each question's fingerprint (for re-assessment)
    model: str = ""  # the maturity model's "id version"
    notes: list[str] = field(default_factory=list)
    available: bool = True  # False: no interview answers; the report leaves the section out


def _survey_design(result: CustomerExperience, engagement: Engagement) -> None:
    """When CSAT is sent (delay after the solve, channel), whether it is sent too soon, and survey fatigue."""
    from toolkit import survey

    invitations, responses, tickets = engagement.survey_invitations, engagement.survey_responses, engagement.tickets
    csat = invitations[invitations["survey"].eq("csat")]
    if has_values(csat, "ticket_id"):
        result.timing = survey.survey_timing(invitations, responses, tickets, by="delay_band")
        if has_values(csat, "survey_channel"):
            result.channels = survey.survey_timing(invitations, responses, tickets, by="survey_channel")
        if has_values(tickets, "reopens") and has_values(tickets, "solved_at"):
            by = "team" if has_values(tickets, "team") else None
            result.early = survey.early_surveys(invitations, tickets, by=by)
        else:
            result.notes.append("Whether surveys go out before reopens is not reported: the tickets carry no reopens "
                                "or solve times.")
    else:
        result.notes.append("Survey timing is not reported: the satisfaction invitations name no tickets.")
    if has_values(csat, "requester_id"):
        result.fatigue = survey.survey_fatigue(invitations, responses, survey="csat")
        result.fatigue_trend = survey.fatigue_trend(result.fatigue)
    else:
        result.notes.append("Survey fatigue is not reported: the satisfaction invitations name no customers.")


def evidence_data(engagement: Engagement, problems: UpstreamProblems | None = None) -> EvidenceData:
    """The data interview claims are tested against: the engagement's tables and the duplicate clusters.

    The report and the maturity notebook both build it here, so every input the evidence
    rules read (the clusters of :func:`upstream_problems` included) reaches them.
    """
    releases = engagement.parameters.releases_path
    if releases is not None:
        from toolkit.ops import load_releases

        releases = load_releases(releases)
    return EvidenceData(tickets=engagement.tickets, messages=engagement.messages,
                        survey_responses=engagement.survey_responses, invitations=engagement.survey_invitations,
                        duplicate_assignments=problems.assignments if problems is not None else None,
                        releases=releases)


def maturity(engagement: Engagement, problems: UpstreamProblems | None = None) -> Maturity:
    """The maturity section's frames: scores, disagreements, roadmap, portfolio, and evidence from data.

    ``problems`` (from :func:`upstream_problems`) lets the claims about upstream problems be
    tested; without it they are "not enough data".
    """
    result = Maturity()
    answers = engagement.maturity_answers
    if answers is None or not len(answers):
        result.notes.append("No maturity interview answers were provided, so the maturity assessment and its "
                            "roadmap are not part of this report.")
        result.available = False
        return result
    model = load_model(engagement.parameters.maturity_model)
    result.dimensions = score_dimensions(answers, model)
    result.overall = score_overall(result.dimensions, answers)
    result.respondents = score_respondents(answers, model)
    result.disagreements = disagreements(answers, model)
    claimers = answers
    if not engagement.parameters.show_names:
        # interviewees appear only as role groups of two or more (toolkit.report.people); scores are unchanged
        labels = interviewee_groups(answers, model.role_groups, named=engagement.parameters.named_respondents)
        result.respondents = group_scores(result.respondents, labels)
        result.disagreements = hide_small_groups(result.disagreements)
        claimers = grouped_answers(answers, labels)
    result.roadmap = build_roadmap(answers, model)
    result.model = f"{model.id} {model.version}"
    result.questions = _with_fingerprints(score_questions(answers, model), model)
    if engagement.parameters.portfolio_path is not None:
        earlier = read_portfolio(engagement.parameters.portfolio_path)
        result.portfolio = portfolio_percentiles(result.dimensions, earlier)
        result.standing = portfolio_standing(result.portfolio, result.overall, earlier)
    data = evidence_data(engagement, problems)
    result.evidence = evaluate_evidence(model, claimers, data, tz=engagement.parameters.timezone)
    result.checks = evidence_checks(model, data, tz=engagement.parameters.timezone)
    result.owners = model.dimensions.set_index("dimension_id")["owner"]
    _collect_notes(result)
    return result


def _with_fingerprints(questions: pd.DataFrame, model) -> pd.DataFrame:
    """``questions`` with a ``fingerprint``: a hash of the question's text and level descriptors, so that a
    later engagement scored with another model version compares only the questions that did not change."""
    import hashlib

    levels = model.levels.groupby("question_id", sort=False)["descriptor"].agg("\n".join)
    text = model.questions.set_index("question_id")["text"] + "\n" + levels
    prints = text.map(lambda t: hashlib.sha256(t.encode("utf-8")).hexdigest()[:16])
    return questions.assign(fingerprint=questions["question_id"].map(prints).astype("str"))


@dataclass
class Operations:
    """Ticket-operations results from :mod:`toolkit.ops` (see the named functions' docstrings)."""

    watermelon: pd.DataFrame | None = None  # watermelon(by="team")
    over_time: pd.DataFrame | None = None  # kiwi_or_watermelon(freq="month")
    trend: pd.DataFrame | None = None  # ops_experience_over_time(freq="month")
    sla: pd.DataFrame | None = None  # sla_attainment(by="team")
    response_times: pd.DataFrame | None = None  # response_times(by="team")
    conversations: pd.DataFrame | None = None  # conversation_summary(by="team")
    too_quick: pd.DataFrame | None = None  # too_quick(by="team")
    incomplete: pd.DataFrame | None = None  # incomplete_conversations(by="channel")
    hedging: pd.DataFrame | None = None  # hedging_summary(by="author")
    hedging_effect: pd.DataFrame | None = None  # hedging_association
    period_effects: pd.DataFrame | None = None  # period_effects
    volume: pd.DataFrame | None = None  # volume(freq="month")
    weekday_hour: pd.DataFrame | None = None  # weekday_hour
    workload: pd.DataFrame | None = None  # workload_concentration(by="team")
    agents: pd.DataFrame | None = None  # agent_workload
    heroes: pd.DataFrame | None = None  # heroes_and_rework(by="team")
    breach: pd.DataFrame | None = None  # breach_experience(by="team")
    notes: list[str] = field(default_factory=list)
    available: bool = True  # tickets are always given


def operations(engagement: Engagement, by: str = "team") -> Operations:
    """The operations section's frames: the watermelon check, SLA, times, conversations, hedging, load.

    ``by`` is the segment the team-level measures use (default ``team``); when the tickets
    carry no values there, the first of the report's segments that has values is used.
    """
    from toolkit import ops

    params = engagement.parameters
    tickets, messages, responses = engagement.tickets, engagement.messages, engagement.survey_responses
    tz, targets = params.timezone, params.sla_targets or None
    clock = {"schedule": str(params.schedule_path)} if params.schedule_path else {}  # business minutes, else calendar
    result = Operations()
    if not has_values(tickets, by):
        usable = [s for s in params.segments if has_values(tickets, s)]
        by = usable[0] if usable else None
        result.notes.append(f"The tickets carry no team; segments are {by or 'not used'} instead.")
    result.watermelon = ops.watermelon(tickets, responses, by=by, messages=messages, targets=targets, tz=tz,
                                      **clock)
    result.over_time = ops.kiwi_or_watermelon(tickets, responses, freq="month", targets=targets, tz=tz, **clock)
    result.trend = ops.ops_experience_over_time(tickets, responses, freq="month", targets=targets, tz=tz,
                                                 **clock)
    result.sla = ops.sla_attainment(tickets, targets=targets, by=by, tz=tz, **clock)
    result.response_times = ops.response_times(tickets, by=by, tz=tz, **clock)
    result.conversations = ops.conversation_summary(tickets, messages, by=by, tz=tz)
    result.too_quick = ops.too_quick(tickets, by=by, tz=tz, **clock)
    result.incomplete = ops.incomplete_conversations(tickets, messages, by="channel", tz=tz)
    if messages is not None and len(messages):
        replies = ops.hedging(messages)
        result.hedging = ops.hedging_summary(replies, tickets, by="author")
        result.hedging_effect = ops.hedging_association(replies, tickets, responses)
    else:
        result.notes.append("No message threads were provided, so hedging language is not analysed.")
    result.period_effects = ops.period_effects(tickets, tz=tz)
    result.volume = ops.volume(tickets, freq="month", tz=tz)
    result.weekday_hour = ops.weekday_hour(tickets, tz=tz)
    result.workload = ops.workload_concentration(tickets, messages, by=by, tz=tz)
    result.agents = ops.agent_workload(tickets, messages, tz=tz)
    if has_values(tickets, "assignee") and has_values(tickets, "reopens"):
        result.heroes = ops.heroes_and_rework(tickets, by=by, tz=tz)
    else:
        result.notes.append("Hard work received and rework caused are not told apart: the tickets carry no "
                            "assignee or no reopens.")
    if has_values(tickets, "first_reply_minutes"):
        result.breach = ops.breach_experience(tickets, responses, by=by, targets=targets, tz=tz, **clock)
    _collect_notes(result)
    return result


def hero_findings(heroes: pd.DataFrame | None) -> list[str]:
    """The sentences for agents who carry hard work or cause their own rework (one saying none stands out)."""
    if heroes is None or not len(heroes):
        return []
    marked = heroes[heroes["hard_work"] | heroes["rework"]]
    if marked.empty:
        return ["No agent carries markedly more hard work, or more reopens of their own, than the rest of their team."]
    return marked["explanation"].tolist()


@dataclass
class ReplyLanguage:
    """What agents' replies say beyond hedging, from :mod:`toolkit.ops` (see the named functions).

    ``false_hope`` and ``over_apology``: :func:`~toolkit.ops.language_summary` by agent;
    ``language_effect``: :func:`~toolkit.ops.language_association` for both kinds (any reply),
    one row per kind and outcome with a ``language`` column; ``repeat_questions``:
    :func:`~toolkit.ops.repeat_question_summary` by team, ``repeat_question_effect`` its
    association with back-and-forth, reopens and CSAT.
    """

    false_hope: pd.DataFrame | None = None
    over_apology: pd.DataFrame | None = None
    language_effect: pd.DataFrame | None = None
    repeat_questions: pd.DataFrame | None = None
    repeat_question_effect: pd.DataFrame | None = None
    # A part of the operations section: without messages it says so in a note (never "unavailable",
    # which would leave the whole operations section out).
    notes: list[str] = field(default_factory=list)


LANGUAGE_KINDS = {"false_hope": "False hope", "over_apology": "Over-apology"}


def reply_language(engagement: Engagement, by: str = "team") -> ReplyLanguage:
    """False hope and over-apology by agent, repeat questions by team (``by``), and what each goes with."""
    from toolkit import ops

    tickets, messages, responses = engagement.tickets, engagement.messages, engagement.survey_responses
    result = ReplyLanguage()
    if messages is None or not len(messages):
        result.notes.append("No message threads were provided, so false hope, over-apology and repeat questions "
                            "are not analysed.")
        return result
    effects = []
    for kind, name in LANGUAGE_KINDS.items():
        replies = ops.language(messages, kind)
        setattr(result, kind, ops.language_summary(replies, kind, tickets, by="author"))
        effects.append(ops.language_association(replies, tickets, kind, responses, exposure="any_reply")
                       .assign(language=name))
    result.language_effect = pd.concat(effects, ignore_index=True)
    if not has_values(tickets, by):
        by = "author"
        result.notes.append("The tickets carry no team; repeat questions are shown per agent instead.")
    repeats = ops.repeat_questions(messages)
    result.repeat_questions = ops.repeat_question_summary(repeats, tickets, by=by)
    result.repeat_question_effect = ops.repeat_question_association(repeats, tickets, responses)
    _collect_notes(result)
    return result


@dataclass
class ChangeSpikes:
    """Rises in new tickets, overall, per product and per recurring problem, each with the release or
    change just before it (:func:`toolkit.ops.volume_spikes`), and one sentence per spike for the reader."""

    spikes: pd.DataFrame | None = None
    daily: pd.DataFrame | None = None  # volume(freq="day"): new tickets a day, for the chart
    sentences: list[str] = field(default_factory=list)
    releases: int = 0  # releases and changes in the client's file
    notes: list[str] = field(default_factory=list)


def change_spikes(engagement: Engagement, problems: UpstreamProblems | None = None) -> ChangeSpikes:
    """Volume spikes with the release or change before them: overall, per product, and per recurring problem
    the report lists (:func:`shown_clusters`) when ``problems`` has clusters. The hundreds of small clusters
    behind them are left out: their rises are noise to a reader who never sees those clusters."""
    from toolkit import ops

    params = engagement.parameters
    releases = ops.load_releases(params.releases_path) if params.releases_path is not None else None
    result = ChangeSpikes(releases=0 if releases is None else len(releases))
    levels = ["all", "product"]
    assignments, names = None, None
    if problems is not None and problems.assignments is not None and problems.clusters is not None:
        levels.append("cluster")
        listed = shown_clusters(problems.clusters)
        assignments = problems.assignments.assign(cluster_id=problems.assignments["cluster_id"].where(
            problems.assignments["cluster_id"].isin(listed["cluster_id"]), -1))
        names = dict(zip(listed["cluster_id"], listed["name"], strict=True))
    result.spikes = ops.volume_spikes(engagement.tickets, releases, levels=levels, assignments=assignments,
                                      cluster_names=names, tz=params.timezone)
    result.daily = ops.volume(engagement.tickets, freq="day", tz=params.timezone)
    result.sentences = spike_sentences(result.spikes)
    if releases is None:
        result.notes = ["No release calendar was provided: spikes are shown without the changes before them."]
    else:
        result.notes = [n for n in ops.notes(result.spikes) if "release file" not in n]
    return result


def top_agents(summary: pd.DataFrame | None, n: int = 5) -> pd.DataFrame | None:
    """The ``n`` highest-ranked agents of a language summary with any such reply (small samples are not ranked)."""
    if summary is None:
        return None
    share = next(c for c in summary.columns if c.endswith("_share"))
    return summary[summary["rank"].notna() & (summary[share] > 0)].head(n).reset_index(drop=True)


def shown_spikes(spikes: pd.DataFrame | None) -> pd.DataFrame | None:
    """The spikes the report lists: organisation-wide ones, and any that followed a known change."""
    if spikes is None:
        return None
    keep = (spikes["level"] == "all") | (spikes["release"] != "no known change")
    return spikes[keep].reset_index(drop=True)


_LEVEL_WORDS = {"all": "All tickets", "product": "Tickets about {series}", "cluster": "Tickets about \"{series}\""}


def spike_sentences(spikes: pd.DataFrame | None) -> list[str]:
    """One plain sentence per spike that follows a known change, then one counting those that do not."""
    if spikes is None or spikes.empty:
        return []
    known = spikes[spikes["release"] != "no known change"]
    out = []
    for row in known.itertuples():  # a handful of spikes: a loop over rows of a small result frame
        what = _LEVEL_WORDS[row.level].format(series=row.series)
        days = int(row.days_after_release)
        when = "the same day" if days == 0 else f"{days} day{'s' if days != 1 else ''} after"
        before, after = (fmt.number(v, 0 if v >= 10 else 1) for v in (row.before_per_day, row.after_per_day))
        out.append(f"{what} rose from {before} to {after} "
                   f"a day from {fmt.day(row.date)}, {when} the change \"{row.release}\" "
                   f"({fmt.day(row.release_date)}).")
    unknown = len(spikes) - len(known)
    if unknown:
        out.append(f"{unknown} other rise{'s' if unknown != 1 else ''} in new tickets followed no known release or "
                   "change (seasonal peaks, or changes the calendar does not list).")
    return out


@dataclass
class UpstreamProblems:
    """Duplicate-issue clusters from :class:`toolkit.duplicates.DuplicateFinder`.

    ``clusters`` is the finder's ``clusters_`` (ranked by impact); ``examples`` holds up to
    three representative ticket subjects per cluster, differently worded (cluster_id, ticket_id,
    subject).
    """

    clusters: pd.DataFrame | None = None
    assignments: pd.DataFrame | None = None  # the finder's assignments_: ticket_id, cluster_id (-1: none)
    examples: pd.DataFrame | None = None
    weekly: pd.DataFrame | None = None  # weekly_counts: cluster_id, week, tickets
    csat_answers: pd.Series | None = None  # cluster_id -> rated tickets (the n behind each cluster's CSAT)
    clustered_tickets: int = 0
    total_tickets: int = 0
    notes: list[str] = field(default_factory=list)
    available: bool = True  # False: the tickets carry no text; the report leaves the section out
    labelled: bool = False  # True: the analyst's explorer labels name, merge and rate the clusters


def upstream_problems(engagement: Engagement, *, top: int = 10, seed: int = 0) -> UpstreamProblems:
    """The upstream-problems section: duplicate clusters ranked by impact, with example subjects.

    Clusters are found in the tickets' subject and description (see :mod:`toolkit.duplicates`);
    ``examples`` are the representative tickets of the ``top`` clusters.
    """
    from toolkit.duplicates import weekly_counts
    from toolkit.duplicates.representation import DESCRIPTIONS, representation_name

    tickets = engagement.tickets
    result = UpstreamProblems(total_tickets=len(tickets))
    if not (has_values(tickets, "subject") or has_values(tickets, "description")):
        result.notes.append("The tickets carry no subject or description, so duplicate issues cannot be found.")
        result.available = False
        return result
    representation = representation_name(engagement.parameters.duplicates_representation, len(tickets))
    labels_path = engagement.parameters.labels_path
    store = _label_store(labels_path) if labels_path is not None else None
    if store is not None and _covers(store, tickets):
        finder = None  # the analyst's labels already group every ticket of this period
    else:
        finder = _find_duplicates(tickets, representation, seed, engine=engagement.parameters.engine)
        result.notes.append(f"Tickets were compared by {DESCRIPTIONS[representation]}.")
    if store is not None:
        _from_labels(result, tickets, store, finder)
    else:
        result.clusters = finder.clusters_.reset_index(drop=True)
        result.assignments = finder.assignments_.reset_index(drop=True)
        result.notes += list(finder.clusters_.attrs.get("notes", []))
    result.clustered_tickets = int((result.assignments["cluster_id"] >= 0).sum())
    labels = tickets["ticket_id"].map(result.assignments.set_index("ticket_id")["cluster_id"]).fillna(-1)
    result.weekly = weekly_counts(tickets, labels.astype("int64").to_numpy())
    if "satisfaction" in tickets.columns:
        result.csat_answers = tickets["satisfaction"].notna().groupby(labels.astype("int64").to_numpy()).sum()
    shown = shown_clusters(result.clusters, top)[["cluster_id", "representative_ids"]]
    shown = shown.explode("representative_ids").dropna()
    subjects = tickets.set_index("ticket_id")["subject"]
    examples = pd.DataFrame({
        "cluster_id": shown["cluster_id"].to_numpy(),
        "ticket_id": shown["representative_ids"].astype("str").to_numpy(),
        "subject": subjects.reindex(shown["representative_ids"].astype("str")).to_numpy(),
    }).dropna(subset=["subject"])
    # Three different-sounding subjects per cluster: representatives often share a wording.
    wording = examples["subject"].str.lower().str.replace(r"\W+", " ", regex=True).str.strip()
    examples = examples[~pd.concat([examples["cluster_id"], wording], axis=1).duplicated()]
    result.examples = examples.groupby("cluster_id", sort=False).head(3).reset_index(drop=True)
    return result


def _find_duplicates(tickets: pd.DataFrame, representation: str, seed: int, *, engine: str):
    """The tickets' clusters (``clusters_``) and each ticket's cluster (``assignments_``): a fitted DuplicateFinder;
    on Spark the same clusters from :func:`toolkit.spark.summaries.cluster_duplicates`, which leaves the vectors and
    the neighbour graph on the executors (the report needs neither)."""
    if engine == "spark":
        from toolkit.spark.load import to_spark
        from toolkit.spark.summaries import cluster_duplicates

        found = cluster_duplicates(to_spark(tickets), representation=representation, seed=seed)
        # a row per ticket of the period, whose tickets the driver holds already
        rows = found.assignments.orderBy("_row").select("ticket_id", "cluster_id").toPandas()
        return SimpleNamespace(clusters_=found.clusters_, assignments_=rows.astype({"cluster_id": "int64"}))
    from toolkit.duplicates import DuplicateFinder

    return DuplicateFinder(representation=representation, seed=seed).fit(tickets)


def _label_store(path):
    from toolkit.duplicates.labels import LabelStore

    return LabelStore(path, autosave=False)


def _covers(store, tickets: pd.DataFrame) -> bool:
    """Whether the labels were made on data reaching the period's last ticket (then nothing is re-clustered)."""
    if not store.data_until or not len(tickets):
        return False
    until = pd.Timestamp(store.data_until)
    until = until.tz_localize("UTC") if until.tzinfo is None else until
    return bool(tickets["created_at"].max() <= until)


def _from_labels(result: UpstreamProblems, tickets: pd.DataFrame, store, finder) -> None:
    """Fill ``result`` from the analyst's labels: their names, merges, statuses and tracker keys.

    Each labelled ticket is in its label's cluster. With ``finder`` (tickets newer than the labels),
    the recomputed clusters' other tickets join the labels :func:`~toolkit.duplicates.labels.carry_labels`
    gives them, and clusters no label covers keep their machine names. Clusters marked "not a problem"
    are left out and counted in a note. Evidence per cluster is :func:`toolkit.duplicates.tables.cluster_table`'s.
    """
    from toolkit.duplicates.labels import STATUSES, carry_labels
    from toolkit.duplicates.tables import bug_keys, cluster_table

    ids = tickets["ticket_id"].astype("str")
    if finder is None:
        key = ids.map(store.owner_of())
        names: dict[str, str] = {}
    else:
        created = pd.Series(tickets["created_at"].to_numpy(), index=ids.to_numpy())
        carried = carry_labels(finder.assignments_, store, created_at=created).assignments.set_index("ticket_id")
        machine = carried["cluster_id"].map(lambda c: f"machine-{c}" if isinstance(c, str) else c)
        key = ids.map(carried["label_id"].fillna(machine))
        names = {f"machine-{c}": n for c, n in zip(finder.clusters_["cluster_id"], finder.clusters_["name"],
                                                   strict=True)}
    labels = store.labels
    dismissed = [lid for lid, lab in labels.items() if lab.status == "not_a_problem" and (key == lid).any()]
    if dismissed:
        held = int(key.isin(dismissed).sum())
        n = len(dismissed)
        result.notes.append(f"{n} group{'s' if n != 1 else ''} of tickets ({held:,} tickets) that the analyst "
                            f"reviewed and marked as not a problem {'are' if n != 1 else 'is'} left out.")
    key = key.mask(key.isin(dismissed))
    shown = key.notna().to_numpy()
    ev = cluster_table(tickets, key)  # all tickets: "the rest" a cluster is compared with is every other ticket
    if has_values(tickets, "reopens"):
        reopened = (tickets.loc[shown, "reopens"].fillna(0) > 0).groupby(key[shown]).mean()
        ev["reopen_rate"] = ev["cluster"].map(reopened).astype("float64")
    else:
        ev["reopen_rate"] = float("nan")
    ev = ev.sort_values(["impact", "tickets", "cluster"], ascending=[False, False, True], kind="stable")
    ev = ev.reset_index(drop=True)
    ev["cluster_id"] = range(1, len(ev) + 1)  # charts say "#1" for the first problem
    text = tickets["subject"].fillna("").astype("str") if has_values(tickets, "subject") else ids
    if has_values(tickets, "description"):
        text = text + " . " + tickets["description"].fillna("").astype("str")
    ev["name"] = [labels[c].name if c in labels else names.get(c, c) for c in ev["cluster"]]
    status = [labels[c].status if c in labels else "unreviewed" for c in ev["cluster"]]
    ev["kind"] = ["problem" if s in ("upstream_bug", "known_issue") else k for s, k in zip(status, ev["kind"],
                                                                                         strict=True)]
    ev["status"] = [STATUSES[s] if s != "unreviewed" else "" for s in status]
    ev["bug_keys"] = [([labels[c].tracker_key] if c in labels and labels[c].tracker_key else [])
                      + [k for k in bug_keys(text[(key == c).to_numpy()])
                         if c not in labels or k != labels[c].tracker_key][:4] for c in ev["cluster"]]
    newest = tickets.loc[shown].assign(_k=key[shown]).sort_values("created_at", ascending=False, kind="stable")
    reps = newest.groupby("_k", sort=False)["ticket_id"].agg(lambda t: [str(v) for v in list(t)[:10]])
    ev["representative_ids"] = ev["cluster"].map(reps)
    ev["recent_tickets"] = ev["recent"]
    ev["terms"] = [[] for _ in range(len(ev))]
    result.clusters = ev
    result.assignments = pd.DataFrame({"ticket_id": ids.to_numpy(),
                                       "cluster_id": key.map(dict(zip(ev["cluster"], ev["cluster_id"], strict=True)))
                                       .fillna(-1).astype("int64").to_numpy()})
    result.labelled = True
    reviewed = sum(1 for s in status if s != "unreviewed")
    n = len(ev)
    lead = ({1: "The one group was", 2: "Both groups were"}.get(n, f"All {n} groups were") if reviewed == n
            else f"{reviewed} of the {n} groups {'was' if reviewed == 1 else 'were'}")
    result.notes.append(f"{lead} reviewed, named and rated by our analyst; the names, statuses and tracker keys "
                        "shown are the analyst's.")


def shown_clusters(clusters: pd.DataFrame, top: int = 10) -> pd.DataFrame:
    """The clusters the report lists: the ``top`` problems by impact, then the ``top // 2`` recurring questions.

    Both kinds are upstream signals, kept apart: a problem points at a defect, a recurring question
    at documentation or product design (:func:`toolkit.duplicates.ranking.cluster_kind`).
    """
    if "kind" not in clusters.columns:
        return clusters.head(top)
    problems = clusters[clusters["kind"] == "problem"].head(top)
    questions = clusters[clusters["kind"] != "problem"].head(top // 2)
    return pd.concat([problems, questions])


def listed_tickets(problems: UpstreamProblems, top: int = 10) -> int:
    """Tickets in the clusters the report lists (:func:`shown_clusters`): what the methodology says was left out
    of the upstream-problems section is the rest."""
    if problems.clusters is None or not len(problems.clusters):
        return 0
    return int(shown_clusters(problems.clusters, top)["tickets"].sum())


def problem_table(problems: UpstreamProblems, top: int = 10) -> pd.DataFrame | None:
    """The clusters :func:`shown_clusters` picks: kind, name, size, dates, emerging, reopens, CSAT, keys, examples.

    Columns: ``kind`` (problem or recurring question), ``status`` (the analyst's verdict where labels
    give one, e.g. "upstream bug"; else empty), ``problem`` (the cluster's name), ``tickets``,
    ``customers``, ``first_seen``,
    ``last_seen`` (dates), ``seen`` (both as text, "2 Oct 2025 – 3 Nov 2025"), ``emerging`` (bool),
    ``recent_tickets`` (in the last four weeks), ``growth`` (its
    recent rate as a multiple of its usual one, as text, "2.6×"; "new" for a problem that had no usual rate
    yet, :func:`toolkit.report.findings.is_new`; ", emerging" after it when emerging), ``reopen_rate``,
    ``csat`` (share satisfied of its
    rated tickets), ``csat_answers`` (how many were rated: the n behind ``csat``), ``csat_rated`` (both as text, "67% of
    12"), ``csat_rest``,
    ``bug_keys`` (one per line, so a key never breaks at its hyphen),
    ``examples`` (up to three representative subjects joined with " · ").
    """
    if problems.clusters is None or not len(problems.clusters):
        return None
    top_clusters = shown_clusters(problems.clusters, top)
    examples = (problems.examples.dropna(subset=["subject"]).groupby("cluster_id", sort=False)["subject"]
                .agg(" · ".join) if problems.examples is not None and len(problems.examples)
                else pd.Series(dtype="str"))
    kind = top_clusters["kind"] if "kind" in top_clusters.columns else pd.Series("problem", index=top_clusters.index)
    status = top_clusters["status"] if "status" in top_clusters.columns else pd.Series("", index=top_clusters.index)
    as_of = problems.clusters["last_seen"].max()
    growth = [("new" if is_new(c, as_of) else f"{fmt.ratio(c['growth'])}×")
              + (", emerging" if pd.notna(c["emerging"]) and bool(c["emerging"]) else "")
              for _, c in top_clusters.iterrows()]
    answers = (problems.csat_answers.reindex(top_clusters["cluster_id"]).fillna(0).astype("int64").to_numpy()
               if problems.csat_answers is not None else np.zeros(len(top_clusters), dtype="int64"))
    return pd.DataFrame({
        "kind": kind.to_numpy(),
        "status": status.fillna("").to_numpy(),
        "problem": top_clusters["name"].to_numpy(),
        "tickets": top_clusters["tickets"].to_numpy(),
        "customers": top_clusters["customers"].to_numpy(),
        "first_seen": top_clusters["first_seen"].dt.date.to_numpy(),
        "last_seen": top_clusters["last_seen"].dt.date.to_numpy(),
        # each date unbroken: the range wraps only at its dash
        "seen": [f"{fmt.day(a)} – {fmt.day(b)}".replace(" ", "\u00a0").replace("\u00a0–\u00a0", " – ")
                 for a, b in zip(top_clusters["first_seen"], top_clusters["last_seen"], strict=True)],
        "emerging": top_clusters["emerging"].fillna(False).astype(bool).to_numpy(),
        "recent_tickets": top_clusters["recent_tickets"].to_numpy(),
        "growth": growth,
        "reopen_rate": top_clusters["reopen_rate"].to_numpy(),
        "csat": top_clusters["csat"].to_numpy(),
        "csat_answers": answers,
        "csat_rest": top_clusters["csat_rest"].to_numpy(),
        "csat_rated": [f"{fmt.percent(c)} of {fmt.count(n)}" if n and pd.notna(c) else "" for c, n in zip(
            top_clusters["csat"], answers, strict=True)],
        "bug_keys": top_clusters["bug_keys"].map(lambda keys: "\n".join(k for k in keys if not k.startswith("#"))
                                                 if isinstance(keys, list | tuple) else "").to_numpy(),
        "examples": examples.reindex(top_clusters["cluster_id"]).fillna("").to_numpy(),
    })


def cluster_table(problems: UpstreamProblems) -> pd.DataFrame | None:
    """Every duplicate cluster, for a later engagement to match against (:mod:`toolkit.report.compare`).

    Columns: ``cluster_id``, ``name``, ``tickets``, ``customers``, ``first_seen``, ``last_seen``,
    ``bug_keys`` (list of tracker keys), ``terms`` (the cluster's top terms, space-separated).
    """
    if problems.clusters is None:
        return None
    c = problems.clusters
    return pd.DataFrame({
        "cluster_id": c["cluster_id"].to_numpy(), "name": c["name"].astype("str").to_numpy(),
        "tickets": c["tickets"].to_numpy(), "customers": c["customers"].to_numpy(),
        "first_seen": c["first_seen"].reset_index(drop=True), "last_seen": c["last_seen"].reset_index(drop=True),
        "bug_keys": c["bug_keys"].map(lambda keys: [str(k) for k in keys if not str(k).startswith("#")]
                                      if isinstance(keys, list | tuple) else []).to_numpy(),
        "terms": c["terms"].map(lambda t: " ".join(map(str, t)) if isinstance(t, list | tuple) else str(t)).to_numpy(),
    })
