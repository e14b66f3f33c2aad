"""Who answers the survey: response rates, and whether the answers speak for everyone.

A survey is worth only as much as its sample. :func:`response_rates` gives the share
of invitations answered, by segment, with Wilson intervals. :func:`nonresponse_bias`
compares the tickets of customers who answered with those of customers who did not
(reopens, replies, times, channel, team) with one test per attribute, corrected
together (Holm). :func:`nonresponse_adjusted_score` estimates how satisfied the
non-respondents would likely have been, given their tickets, and so whether the
satisfied are over-represented among the answers.

An invitation counts as answered when a response of the same survey exists for the
same ``ticket_id``; invitations without a ticket id (relationship NPS) are matched on
``requester_id``: each answer belongs to that person's latest invitation to the same survey
sent before it, within ``window_days`` (30).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats
from sklearn.linear_model import LogisticRegression

from toolkit import formatting as fmt
from toolkit.errors import DataError
from toolkit.multiplicity import CORRECTIONS, adjust_p_values
from toolkit.notes import notes as notes_of
from toolkit.notes import with_notes
from toolkit.ops.segments import add_segment_label
from toolkit.schema import has_values
from toolkit.survey.drivers import DEFAULT_FEATURES, rated_tickets, ticket_features
from toolkit.survey.frames import with_ticket_columns
from toolkit.survey.scores import proportion_difference, wilson_interval
from toolkit.survey.segments import NOT_SET
from toolkit.validation import MIN_N, check_choice, check_confidence, check_min_n, require_columns

BIAS_ATTRIBUTES = {
    "reopens": ("share", "reopened at least once"),
    "agent_replies": ("median", "agent replies"),
    "customer_replies": ("median", "customer messages"),
    "first_reply_minutes": ("median", "minutes to first reply"),
    "full_resolution_minutes": ("median", "minutes to resolution"),
    "sla_breached": ("share", "SLA breached"),
    "channel": ("category", "channel"),
    "team": ("category", "team"),
}


def mark_responded(invitations: pd.DataFrame, survey_responses: pd.DataFrame, window_days: float = 30) -> pd.DataFrame:
    """``invitations`` with a boolean ``responded`` column (see the module docstring for the matching rule).

    ``window_days``: for invitations matched on ``requester_id``, how long after sending an answer still counts.
    """
    require_columns(invitations, ["invitation_id", "survey"], "survey_invitations")
    require_columns(survey_responses, ["survey"], "survey_responses")
    responded = pd.Series(False, index=invitations.index)
    if has_values(invitations, "ticket_id") and has_values(survey_responses, "ticket_id"):
        answered = pd.MultiIndex.from_frame(survey_responses[["survey", "ticket_id"]].dropna())
        keys = pd.MultiIndex.from_frame(invitations[["survey", "ticket_id"]])
        responded |= keys.isin(answered) & invitations["ticket_id"].notna().to_numpy()
    no_ticket = invitations["ticket_id"].isna() if "ticket_id" in invitations.columns else ~responded
    if no_ticket.any() and has_values(invitations, "requester_id") and has_values(survey_responses, "requester_id"):
        sent = invitations.loc[no_ticket & invitations["sent_at"].notna(), ["survey", "requester_id", "sent_at"]]
        sent = sent.assign(position=np.flatnonzero((no_ticket & invitations["sent_at"].notna()).to_numpy()))
        answered = survey_responses["requester_id"].notna() & survey_responses["submitted_at"].notna()
        answers = survey_responses.loc[answered, ["survey", "requester_id", "submitted_at"]]
        # each answer belongs to the latest earlier invitation of that person to that survey, within the window
        matched = pd.merge_asof(answers.sort_values("submitted_at"), sent.sort_values("sent_at"),
                                left_on="submitted_at", right_on="sent_at", by=["survey", "requester_id"],
                                direction="backward", tolerance=pd.Timedelta(days=window_days))
        hit = matched["position"].dropna().astype(int).unique()
        responded.iloc[hit] = True
    return invitations.assign(responded=responded.to_numpy())


def response_rates(invitations: pd.DataFrame, survey_responses: pd.DataFrame, by: str | None = None, *,
                   tickets: pd.DataFrame | None = None, survey: str | None = None, confidence: float = 0.95,
                   min_n: int = MIN_N) -> pd.DataFrame:
    """Share of survey invitations answered, overall or by segment, with Wilson intervals.

    Parameters
    ----------
    invitations, survey_responses : canonical ``survey_invitations`` and ``survey_responses``.
    by : segment column of the invitations (e.g. ``survey``, ``organization_id``) or,
        joined on ``ticket_id``, of ``tickets`` (e.g. ``team``, ``channel``).
    survey : only this survey's invitations (``csat``, ``nps``, ``ces``); default all.
    min_n : segments with fewer invitations are flagged ``small_sample``.

    Returns
    -------
    DataFrame, one row per segment, largest first: ``segment`` (the ``by`` value, or
    ``"all"`` without ``by``), [``by``], ``invited``, ``responded``, ``response_rate``
    (a fraction 0-1), ``low``, ``high`` (its Wilson interval), ``small_sample``.
    """
    confidence = check_confidence(confidence)
    min_n = check_min_n(min_n)
    marked = _invited(invitations, survey_responses, survey)
    keys = [] if by is None else [by]
    if by is None:
        grouped = pd.DataFrame({"count": [len(marked)], "sum": [int(marked["responded"].sum())]})
    else:
        marked = with_ticket_columns(marked, tickets, [by])
        marked = marked.assign(**{by: marked[by].astype("str").where(marked[by].notna(), NOT_SET)})
        grouped = marked.groupby(by, sort=True)["responded"].agg(["count", "sum"]).reset_index()
    invited, answered = grouped["count"].to_numpy(), grouped["sum"].to_numpy()
    low, high = wilson_interval(answered, invited, confidence)
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = np.where(invited > 0, answered / invited, np.nan)
    out = pd.DataFrame({**{k: grouped[k] for k in keys}, "invited": invited.astype(int),
                        "responded": answered.astype(int), "response_rate": rate, "low": low, "high": high,
                        "small_sample": invited < min_n})
    out = out.sort_values(["invited", *keys], ascending=[False] + [True] * len(keys), kind="stable")
    return add_segment_label(out.reset_index(drop=True), keys, None)


def _invited(invitations: pd.DataFrame, survey_responses: pd.DataFrame, survey: str | None) -> pd.DataFrame:
    if survey is not None:
        check_choice(survey, ("csat", "nps", "ces"), "survey")
    marked = mark_responded(invitations, survey_responses)
    if survey is not None:
        marked = marked[marked["survey"].eq(survey)]
    if marked.empty:
        raise DataError("no invitations to compute a response rate from" + (f" for {survey}" if survey else ""),
                        table="survey_invitations", fix="load the survey invitations export (sent surveys)")
    return marked


def nonresponse_bias(invitations: pd.DataFrame, survey_responses: pd.DataFrame, tickets: pd.DataFrame,
                     survey: str = "csat",
                     *, attributes: Sequence[str] = tuple(BIAS_ATTRIBUTES), correction: str = "holm",
                     confidence: float = 0.95) -> pd.DataFrame:
    """Compare the tickets of respondents and non-respondents, attribute by attribute.

    Shares (reopened at least once, SLA breached) use a two-proportion z test; counts and
    times compare medians with a Mann-Whitney U test; channel and team use a chi-square
    test of the whole distribution. P-values are corrected together (``correction``).
    Attributes without data are skipped.

    Returns
    -------
    DataFrame, one row per attribute: ``attribute`` (the tickets column), ``label`` (in
    words, e.g. "reopened at least once"), ``measure`` (``share``, a fraction 0-1,
    ``median`` or ``category``), ``respondents``, ``nonrespondents`` (the measure for each
    group; for categories, the share (0-1) of the most over-represented value), ``detail``
    (for categories: that value), ``test``, ``p_value``, ``p_adjusted``, ``significant``,
    ``n_respondents``, ``n_nonrespondents``, ``statement``.
    """
    check_choice(correction, tuple(CORRECTIONS), "correction")
    confidence = check_confidence(confidence)
    require_columns(tickets, ["ticket_id"], "tickets")
    for attribute in attributes:
        check_choice(attribute, tuple(BIAS_ATTRIBUTES), "attributes")
    marked = _invited(invitations, survey_responses, survey)
    marked = marked[marked["ticket_id"].notna()] if "ticket_id" in marked.columns else marked.iloc[:0]
    joined = marked[["ticket_id", "responded"]].merge(tickets.drop_duplicates("ticket_id"), on="ticket_id")
    if joined.empty:
        raise DataError("no invitation matches a ticket", table="survey_invitations", column="ticket_id",
                        fix="load invitations with the ids of the tickets they were about")
    rows = []
    for attribute in attributes:
        if not has_values(joined, attribute):
            continue
        kind, words = BIAS_ATTRIBUTES[attribute]
        values = joined[attribute]
        resp, non = values[joined["responded"]].dropna(), values[~joined["responded"]].dropna()
        if resp.empty or non.empty:
            continue
        row = {"attribute": attribute, "label": words, "measure": kind, "detail": "", "n_respondents": len(resp),
               "n_nonrespondents": len(non)}
        if kind == "share":
            a = (pd.to_numeric(resp.astype("Float64"), errors="coerce") >= 1).astype(float)
            b = (pd.to_numeric(non.astype("Float64"), errors="coerce") >= 1).astype(float)
            test = proportion_difference(a.sum(), len(a), b.sum(), len(b), confidence)
            row.update(respondents=a.mean(), nonrespondents=b.mean(), test="two-proportion z",
                       p_value=float(test["p_value"].iloc[0]))
        elif kind == "median":
            a, b = resp.astype(float), non.astype(float)
            p = stats.mannwhitneyu(a, b, alternative="two-sided").pvalue if a.nunique() + b.nunique() > 2 else 1.0
            row.update(respondents=float(a.median()), nonrespondents=float(b.median()), test="Mann-Whitney U",
                       p_value=float(p), mean_respondents=float(a.mean()), mean_nonrespondents=float(b.mean()))
        else:
            table = pd.crosstab(values, joined["responded"])
            if table.shape[0] < 2 or table.shape[1] < 2:
                continue
            p = stats.chi2_contingency(table.to_numpy())[1]
            shares = table / table.sum()
            gap = (shares[True] - shares[False]).sort_values()
            value = gap.index[0] if abs(gap.iloc[0]) >= abs(gap.iloc[-1]) else gap.index[-1]
            row.update(respondents=shares.loc[value, True], nonrespondents=shares.loc[value, False],
                       detail=str(value), test="chi-square", p_value=float(p))
        rows.append(row)
    columns = ["attribute", "label", "measure", "respondents", "nonrespondents", "detail", "test", "p_value",
               "p_adjusted", "significant", "n_respondents", "n_nonrespondents", "statement"]
    if not rows:
        return pd.DataFrame(columns=columns)
    out = pd.DataFrame(rows)
    out["p_adjusted"] = adjust_p_values(out["p_value"].to_numpy(), correction, alpha=1 - confidence)
    out["significant"] = out["p_adjusted"] < 1 - confidence
    out["statement"] = [_bias_statement(r) for r in out.itertuples(index=False)]
    return out[columns]


def _number(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"


def _bias_statement(row) -> str:
    if row.measure == "share":
        text = (f"{row.label}: {fmt.percent(row.respondents)} of respondents' tickets vs "
                f"{fmt.percent(row.nonrespondents)} of others'")
    elif row.measure == "median" and _number(row.respondents) == _number(row.nonrespondents):
        # Mann-Whitney compares whole distributions: equal medians can differ; say what the numbers show
        text = f"{row.label}: median {_number(row.respondents)} for both"
        if _number(row.mean_respondents) != _number(row.mean_nonrespondents):
            text += (f", mean {_number(row.mean_respondents)} for respondents vs "
                     f"{_number(row.mean_nonrespondents)} for others")
        verdict = "the distributions differ" if row.significant else "no clear difference"
        return f"{text[0].upper()}{text[1:]} ({verdict}, adjusted p = {row.p_adjusted:.2g})."
    elif row.measure == "median":
        text = (f"{row.label} (median): {_number(row.respondents)} for respondents vs "
                f"{_number(row.nonrespondents)} for others")
    else:
        text = (f"{row.label} {row.detail}: {fmt.percent(row.respondents)} of respondents' tickets vs "
                f"{fmt.percent(row.nonrespondents)} of others'")
    verdict = "a real difference" if row.significant else "no clear difference"
    return f"{text[0].upper()}{text[1:]} ({verdict}, adjusted p = {row.p_adjusted:.2g})."


def nonresponse_adjusted_score(invitations: pd.DataFrame, survey_responses: pd.DataFrame, tickets: pd.DataFrame,
                               survey: str = "csat", *, features: Sequence[str] = DEFAULT_FEATURES,
                               confidence: float = 0.95, n_boot: int = 200, seed: int = 0) -> pd.DataFrame:
    """Whether the satisfied are over-represented: observed vs expected share favourable among all invited.

    A logistic regression (scikit-learn; a weak L2 penalty, C = 100, keeps it finite when
    attributes are collinear or separate the answers) of "favourable answer" on the
    ticket attributes of respondents (see :mod:`toolkit.survey.drivers`) predicts how the
    non-respondents would likely have answered, given their tickets. The all-invited
    estimate weights respondents' observed answers and non-respondents' predictions by
    their numbers. The gap (observed - all-invited) has a bootstrap interval (respondents
    and non-respondents resampled, model refitted; seeded). This corrects only the bias
    that ticket attributes explain: customers who differ in ways the tickets do not show
    are not accounted for.

    Returns
    -------
    DataFrame with one row: ``survey``, ``observed`` (share favourable among
    respondents, 0-1), ``expected_nonrespondents`` (predicted share favourable),
    ``all_invited`` (weighted estimate), ``gap`` (observed - all_invited, a fraction),
    ``gap_low``, ``gap_high``, ``over_represented`` (the satisfied are over-represented:
    gap_low > 0), ``n_respondents``, ``n_nonrespondents``, ``statement``.
    """
    check_choice(survey, ("csat", "nps", "ces"), "survey")
    confidence = check_confidence(confidence)
    marked = _invited(invitations, survey_responses, survey)
    marked = marked[marked["ticket_id"].notna()].drop_duplicates("ticket_id")
    invited = tickets[tickets["ticket_id"].isin(marked["ticket_id"])].drop_duplicates("ticket_id")
    outcome = rated_tickets(invited, survey_responses, survey)
    design, _ = ticket_features(invited, features)
    complete = design.notna().all(axis=1)
    x = design[complete].to_numpy()
    favourable = 1 - outcome[complete].to_numpy()
    answered = ~np.isnan(favourable)
    n_resp, n_non = int(answered.sum()), int((~answered).sum())
    if n_resp < 10 or n_non < 1 or len(np.unique(favourable[answered])) < 2:
        raise DataError(f"too few respondents ({n_resp}) or non-respondents ({n_non}) with ticket data",
                        table="survey_invitations", fix="use invitations whose tickets are in the tickets table")

    def estimate(rows_resp: np.ndarray, rows_non: np.ndarray) -> tuple[float, float, float]:
        model = LogisticRegression(C=100.0, solver="newton-cholesky", max_iter=200)
        model.fit(x[rows_resp], favourable[rows_resp])
        observed = favourable[rows_resp].mean()
        expected = model.predict_proba(x[rows_non])[:, 1].mean()
        total = len(rows_resp) + len(rows_non)
        return observed, expected, (len(rows_resp) * observed + len(rows_non) * expected) / total

    resp_rows, non_rows = np.flatnonzero(answered), np.flatnonzero(~answered)
    observed, expected, all_invited = estimate(resp_rows, non_rows)
    rng = np.random.default_rng(seed)
    gaps = np.empty(n_boot)
    for i in range(n_boot):  # each resample refits the model; n_boot is small by design
        boot_resp = rng.choice(resp_rows, len(resp_rows))
        boot_non = rng.choice(non_rows, len(non_rows))
        if len(np.unique(favourable[boot_resp])) < 2:
            gaps[i] = np.nan
            continue
        o, _, a = estimate(boot_resp, boot_non)
        gaps[i] = o - a
    alpha = 1 - confidence
    low, high = np.nanquantile(gaps, [alpha / 2, 1 - alpha / 2]) if n_boot else (np.nan, np.nan)
    gap = observed - all_invited
    over = bool(low > 0)
    word = {"csat": "satisfied", "nps": "promoters", "ces": "customers who found it easy"}[survey]
    if over:
        verdict = f"the {word} are over-represented among the answers"
    elif high < 0:
        verdict = f"the {word} are under-represented among the answers"
    else:
        verdict = "no clear sign that the answers over- or under-represent the " + word
    statement = (f"Respondents: {fmt.percent(observed)} favourable. Given their tickets, the {n_non:,} invited "
                 f"customers who did not answer would likely be {fmt.percent(expected)} favourable, so all invited "
                 f"customers are about {fmt.percent(all_invited)} (gap {fmt.points(100 * gap, 1)} points, "
                 f"{confidence:.0%} CI {fmt.points(100 * low, 1)} to {fmt.points(100 * high, 1)}): {verdict}.")
    out = pd.DataFrame([{
        "survey": survey, "observed": observed, "expected_nonrespondents": expected, "all_invited": all_invited,
        "gap": gap, "gap_low": low, "gap_high": high, "over_represented": over, "n_respondents": n_resp,
        "n_nonrespondents": n_non, "statement": statement}])
    left_out = [f"{int((~complete).sum())} invited tickets left out for missing attribute values."] \
        if (~complete).any() else []
    return with_notes(out, [*notes_of(design), *left_out])
