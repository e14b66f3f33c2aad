"""Which ticket attributes go with dissatisfaction: a logistic regression a client can follow.

The model is one logistic regression (statsmodels) of "this rating was unfavourable"
(CSAT not top-2-box or "bad", NPS detractor, CES not agreeing) on ticket attributes:

- yes/no attributes (reopened at least once, SLA breached, hedging wording) enter as 0/1,
  so their odds ratio compares tickets with and without; hedging is whether the ticket's
  last public agent reply (usually the resolution) hedges, by :func:`toolkit.ops.hedging`;
- counts (agent replies, i.e. back-and-forth) are standardised: the odds ratio is per
  standard deviation, and the statement says how many replies that is;
- times (first reply, resolution) are skewed over orders of magnitude, so they enter as
  log(minutes + 1), standardised: one standard deviation is "about N times as long";
- categories (channel, team) enter as indicators against the most common category.

Odds ratios are exp(coefficient) with Wald intervals; p-values are corrected together
(Holm). An odds ratio is not a risk ratio: the statements say "the odds of", which is
what the model estimates.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats

from toolkit.errors import ConfigError, DataError
from toolkit.multiplicity import adjust_p_values
from toolkit.notes import add_note, with_notes
from toolkit.notes import notes as notes_of
from toolkit.schema import has_values
from toolkit.survey.frames import survey_rows, unfavourable
from toolkit.validation import check_choice, check_confidence, require_columns

FEATURES = {
    "reopened": ("reopens", "binary", "reopened at least once"),
    "back_and_forth": ("agent_replies", "count", "agent replies"),
    "first_reply": ("first_reply_minutes", "time", "first reply time"),
    "resolution": ("full_resolution_minutes", "time", "resolution time"),
    "sla_breached": ("sla_breached", "binary", "with a breached SLA"),
    "hedging": ("hedging", "binary", "answered with hedging wording"),
    "channel": ("channel", "category", "channel"),
    "team": ("team", "category", "team"),
}
DEFAULT_FEATURES = tuple(FEATURES)
OUTCOME_WORDS = {"csat": "a dissatisfied rating", "nps": "being a detractor", "ces": "a high-effort answer"}
DRIVER_COLUMNS = ["feature", "term", "label", "kind", "unit", "coefficient", "se", "odds_ratio", "low", "high",
                  "p_value", "p_adjusted", "significant", "statement"]


def ticket_features(tickets: pd.DataFrame, features: Sequence[str] = DEFAULT_FEATURES, *,
                    min_category: int = 20) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The model's design matrix from canonical tickets: one row per ticket, one column per term.

    Features whose columns hold no values are skipped, with a note in ``design.attrs["notes"]``.
    ``hedging`` is read from a ``hedging`` column (true/false, or a share of replies,
    true when above 0) that callers may add from :mod:`toolkit.ops`. Category values
    with fewer than ``min_category`` tickets are pooled as ``"other"``.

    Returns
    -------
    (design, terms): ``design`` is indexed like ``tickets`` (NaN where a value is
    missing), its ``attrs["notes"]`` the sentences about what was skipped; ``terms`` has
    one row per column of ``design`` with ``feature``, ``term``, ``label``, ``kind``,
    ``unit``, ``scale`` (the standard deviation behind one unit), ``subject`` (how a
    sentence names the term).
    """
    unknown = [f for f in features if f not in FEATURES]
    if unknown:
        raise ConfigError(f"unknown driver feature {unknown[0]!r}", key="features",
                          fix=f"use some of {', '.join(FEATURES)}")
    columns, terms, notes = {}, [], []
    for feature in features:
        source, kind, words = FEATURES[feature]
        if not has_values(tickets, source):
            known = "no message threads were given" if source == "hedging" else f"the tickets' {source} column is empty"
            notes.append(f"Satisfaction driver '{words}' left out: {known}.")
            continue
        raw = tickets[source]
        if kind == "binary":
            if source == "reopens":
                values = (pd.to_numeric(raw, errors="coerce") >= 1).astype(float).where(raw.notna())
            elif pd.api.types.is_bool_dtype(raw.dtype) or isinstance(raw.dtype, pd.BooleanDtype):
                values = raw.astype("Float64").astype(float)
            else:
                values = (pd.to_numeric(raw, errors="coerce") > 0).astype(float).where(raw.notna())
            if values.nunique(dropna=True) < 2:
                notes.append(f"{feature} skipped: every ticket has the same value.")
                continue
            columns[feature] = values
            terms.append((feature, feature, f"tickets {words}", kind, "yes vs no", 1.0, f"Tickets {words}"))
        elif kind in ("count", "time"):
            numbers = pd.to_numeric(raw, errors="coerce").astype(float)
            if kind == "time":
                numbers = np.log(numbers.clip(lower=0) + 1)
            sd = float(numbers.std(ddof=0))
            if not np.isfinite(sd) or sd == 0:
                notes.append(f"{feature} skipped: no spread in `{source}`.")
                continue
            columns[feature] = (numbers - numbers.mean()) / sd
            if kind == "count":
                unit = f"1 SD ≈ {sd:.1f} {words}"
                subject = f"Tickets with about {sd:.1f} more {words} (one standard deviation)"
            else:
                unit = f"1 SD of log minutes ≈ {np.exp(sd):.1f}x as long"
                subject = f"Tickets whose {words} is about {np.exp(sd):.1f}x as long (one standard deviation)"
            terms.append((feature, feature, words, kind, unit, sd, subject))
        else:
            values = raw.astype("str").where(raw.notna())
            counts = values.value_counts()
            rare = counts.index[counts < min_category]
            values = values.where(~values.isin(rare), "other")
            counts = values.value_counts()
            if len(counts) < 2:
                notes.append(f"{feature} skipped: only one {words} with enough tickets.")
                continue
            reference = counts.index[0]
            for level in sorted(counts.index[1:]):
                term = f"{feature}={level}"
                columns[term] = (values == level).astype(float).where(values.notna())
                terms.append((feature, term, f"{level} tickets (vs {reference})", kind, f"vs {reference}", 1.0,
                              f"{level.capitalize()} tickets (vs {reference})" if feature == "channel"
                              else f"Tickets of {feature} {level} (vs {reference})"))
    design = with_notes(pd.DataFrame(columns, index=tickets.index), notes)
    table = pd.DataFrame(terms, columns=["feature", "term", "label", "kind", "unit", "scale", "subject"])
    return design, table


def rated_tickets(tickets: pd.DataFrame, survey_responses: pd.DataFrame | None, survey: str) -> pd.Series:
    """Unfavourable (1.0) or favourable (0.0) per rated ticket, indexed like ``tickets`` (NaN if not rated).

    From ``survey_responses`` (the latest answer per ticket) when given, else from the
    tickets' own ``satisfaction`` column (CSAT only: good/bad or 1-5, top-2-box).
    """
    if survey_responses is not None:
        rows = survey_rows(survey_responses, survey)
        require_columns(rows, ["ticket_id"], "survey_responses")
        rows = rows[rows["ticket_id"].notna()].sort_values("submitted_at").drop_duplicates("ticket_id", keep="last")
        bad = unfavourable(rows["score"], rows["scale"], survey).astype(float)
        lookup = pd.Series(bad.to_numpy(), index=rows["ticket_id"].to_numpy())
        return tickets["ticket_id"].map(lookup).astype(float)
    if survey != "csat" or not has_values(tickets, "satisfaction"):
        raise ConfigError("no ratings to model", key="responses",
                          fix="pass survey_responses, or tickets with a `satisfaction` column for CSAT")
    text = tickets["satisfaction"].astype("str").str.lower()
    numbers = pd.to_numeric(text, errors="coerce")
    bad = np.where(text.eq("bad"), 1.0, np.where(text.eq("good"), 0.0, np.where(numbers.notna(),
                                                                                 (numbers <= 3).astype(float), np.nan)))
    return pd.Series(bad, index=tickets.index).where(tickets["satisfaction"].notna())


def ticket_hedging(messages: pd.DataFrame) -> pd.Series:
    """Whether each ticket's last public agent reply hedges (:func:`toolkit.ops.hedging`), indexed by ticket_id."""
    from toolkit.ops.hedging import hedging

    replies = hedging(messages).sort_values(["ticket_id", "created_at"], kind="stable")
    return replies.drop_duplicates("ticket_id", keep="last").set_index("ticket_id")["hedged"].astype(bool)


def satisfaction_drivers(tickets: pd.DataFrame, survey_responses: pd.DataFrame | None = None, survey: str = "csat", *,
                         messages: pd.DataFrame | None = None, features: Sequence[str] = DEFAULT_FEATURES,
                         confidence: float = 0.95, correction: str = "holm", min_category: int = 20) -> pd.DataFrame:
    """Odds ratios of an unfavourable rating for each ticket attribute, from one logistic regression.

    Parameters
    ----------
    tickets : canonical ``tickets``.
    survey_responses : canonical ``survey_responses`` joined on ``ticket_id``; without it the
        tickets' ``satisfaction`` column is used (CSAT).
    messages : canonical ``messages``, for the ``hedging`` feature (else a ``hedging``
        column on the tickets is used when present, else the feature is skipped).
    survey : which ratings: ``"csat"`` (unfavourable = not top-2-box / bad), ``"nps"``
        (detractor) or ``"ces"`` (not agreeing).
    features : any of ``reopened``, ``back_and_forth``, ``first_reply``, ``resolution``,
        ``sla_breached``, ``hedging``, ``channel``, ``team``; those without data are skipped.
    correction : multiple-comparison correction of the terms' p-values (Holm by default).
    min_category : channel/team values with fewer rated tickets are pooled as "other".

    Returns
    -------
    DataFrame, one row per model term, strongest effects first: ``feature``, ``term``,
    ``label``, ``kind`` (binary, count, time, category), ``unit`` (what one step of the
    term is), ``coefficient``, ``se``, ``odds_ratio``, ``low``, ``high`` (interval of the
    odds ratio), ``p_value``, ``p_adjusted``, ``significant``, ``statement``. ``attrs``
    holds ``n`` (tickets modelled), ``events`` (unfavourable ratings), ``pseudo_r2``,
    ``outcome`` and ``notes`` (skipped features, dropped rows).
    """
    check_choice(survey, ("nps", "csat", "ces"), "survey")
    confidence = check_confidence(confidence)
    require_columns(tickets, ["ticket_id"], "tickets")
    if messages is not None and "hedging" in features and not has_values(tickets, "hedging"):
        tickets = tickets.assign(hedging=tickets["ticket_id"].map(ticket_hedging(messages)).astype("boolean"))
    outcome = rated_tickets(tickets, survey_responses, survey)
    rated = tickets[outcome.notna()]
    design, terms = ticket_features(rated, features, min_category=min_category)
    y = outcome[outcome.notna()]
    complete = design.notna().all(axis=1)
    if (~complete).any():
        add_note(design, f"{int((~complete).sum())} rated tickets left out for missing attribute values.")
    notes = notes_of(design)
    design, y = design[complete], y[complete]
    # a term with no variation left after dropping rows cannot be estimated
    keep = [t for t in design.columns if design[t].nunique() > 1]
    terms = terms[terms["term"].isin(keep)].reset_index(drop=True)
    design = design[keep]
    if design.empty or len(y) < 10 or y.nunique() < 2:
        raise DataError(f"too few rated tickets with both outcomes to model ({len(y)} rated, "
                        f"{int(y.sum()) if len(y) else 0} unfavourable)", table="tickets",
                        fix="model a longer period or more tickets")
    try:
        fit = sm.Logit(y.to_numpy(), sm.add_constant(design.to_numpy(), has_constant="add")).fit(disp=0,
                                                                                                   maxiter=200)
    except (np.linalg.LinAlgError, Exception) as exc:  # perfect separation / singular matrix from statsmodels
        raise DataError(f"the model could not be fitted ({type(exc).__name__}: {exc})", table="tickets",
                        fix="drop a feature that predicts the outcome perfectly, e.g. features=[...] without it"
                        ) from None
    z = float(stats.norm.ppf(0.5 + confidence / 2))
    coef, se, p = fit.params[1:], fit.bse[1:], fit.pvalues[1:]
    out = terms.drop(columns="scale").assign(
        coefficient=coef, se=se, odds_ratio=np.exp(coef), low=np.exp(coef - z * se), high=np.exp(coef + z * se),
        p_value=p)
    out["p_adjusted"] = adjust_p_values(out["p_value"].to_numpy(), correction, alpha=1 - confidence)
    out["significant"] = out["p_adjusted"] < 1 - confidence
    words = OUTCOME_WORDS[survey]
    out["statement"] = [_statement(r, words, confidence) for r in out.itertuples(index=False)]
    out = out.iloc[np.argsort(-np.abs(out["coefficient"].to_numpy()), kind="stable")].reset_index(drop=True)
    out.attrs.update(n=len(y), events=int(y.sum()), pseudo_r2=float(fit.prsquared), outcome=words, notes=notes,
                     survey=survey, confidence=confidence)
    return out[DRIVER_COLUMNS]


def _ratio(value: float) -> str:
    return f"{value:.2f}" if value < 1 else f"{value:.1f}"


def _statement(row, outcome: str, confidence: float) -> str:
    interval = f"({confidence:.0%} CI {_ratio(row.low)}-{_ratio(row.high)})"
    text = f"{row.subject} have {_ratio(row.odds_ratio)}x the odds of {outcome} {interval}"
    if not row.significant:
        text += ("; not significant once corrected for the number of attributes tested"
                 if row.p_value < 1 - confidence else "; not distinguishable from no effect")
    return text + "."
