"""When tickets arrive: weekday x hour, month of year, end-of-quarter and year-end effects.

All calendar positions are taken in the client's time zone ``tz``.
"""

from __future__ import annotations

import calendar
import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd
import statsmodels.api as sm

from toolkit import formatting as fmt
from toolkit.notes import notes as notes_of
from toolkit.notes import with_notes
from toolkit.ops.segments import add_segment_label, local_times, segment_frame
from toolkit.validation import MIN_N, SEGMENT_COLUMNS, check_by, check_positive, check_table, check_tz

WEEKDAYS = list(calendar.day_name)
MONTHS = list(calendar.month_name)[1:]
_SEGMENTS = tuple(c for c in ("period", *SEGMENT_COLUMNS) if c != "period")
EFFECT_COLUMNS = ["segment", "effect", "window", "days_in_window", "days_rest", "tickets_in_window", "tickets_rest",
                  "rate_in_window", "rate_rest", "rate_ratio", "ci_low", "ci_high", "p_value", "small_sample",
                  "sentence"]


def weekday_hour(tickets: pd.DataFrame, by: str | Sequence[str] | None = None, tz: str = "UTC") -> pd.DataFrame:
    """Tickets created per weekday and hour of day (local time): the heatmap frame.

    Returns one row per segment x weekday x hour (all 168 cells, zeros included) with
    ``segment``, the ``by`` columns, ``weekday`` (0 = Monday), ``weekday_name``, ``hour``
    (0-23), ``tickets``, ``share`` (of the segment's tickets) and ``tickets_per_week``
    (``tickets`` divided by the number of weeks the data spans).
    """
    tickets = check_table(tickets, "tickets", argument="tickets")
    check_tz(tz)
    keys = segment_frame(tickets, check_by(by, _SEGMENTS), freq=None, tz=tz)
    used, notes = list(keys.columns), notes_of(keys)
    local = local_times(tickets["created_at"], tz)
    frame = keys.assign(weekday=local.dt.day_of_week.astype("int64"), hour=local.dt.hour.astype("int64"))
    counts = frame.groupby(used + ["weekday", "hour"]).size().rename("tickets")
    groups = [()] if not used else list(counts.index.droplevel(["weekday", "hour"]).unique())
    cells = [(*(g if isinstance(g, tuple) else (g,)), d, h) for g in groups for d in range(7) for h in range(24)]
    grid = pd.MultiIndex.from_tuples(cells, names=used + ["weekday", "hour"])
    out = counts.reindex(grid, fill_value=0).reset_index()
    total = out.groupby(used)["tickets"].transform("sum") if used else out["tickets"].sum()
    out["share"] = (out["tickets"] / total).fillna(0.0) if len(tickets) else 0.0
    weeks = max((local.max() - local.min()).total_seconds() / (7 * 86400), 1.0) if len(local) else np.nan
    out["tickets_per_week"] = out["tickets"] / weeks
    out.insert(out.columns.get_loc("hour"), "weekday_name", out["weekday"].map(dict(enumerate(WEEKDAYS))))
    out = add_segment_label(out, used, None)
    return with_notes(out, notes)


def month_of_year(tickets: pd.DataFrame, by: str | Sequence[str] | None = None, tz: str = "UTC") -> pd.DataFrame:
    """Tickets per calendar month, normalised by the days of that month the data covers.

    Returns one row per segment x month (1-12) with ``segment``, the ``by`` columns,
    ``month``, ``month_name``, ``tickets``, ``days_observed`` (days of that calendar month
    between the first and last ticket), ``tickets_per_day`` and ``index`` (tickets per day
    relative to the segment's overall tickets per day; 1.2 = 20% busier than average).
    Months the data does not cover have ``days_observed`` 0 and empty rates.
    """
    tickets = check_table(tickets, "tickets", argument="tickets")
    check_tz(tz)
    keys = segment_frame(tickets, check_by(by, _SEGMENTS), freq=None, tz=tz)
    used, notes = list(keys.columns), notes_of(keys)
    local = local_times(tickets["created_at"], tz)
    days = _covered_days(local)
    days_per_month = pd.Series(days.month).value_counts().reindex(range(1, 13), fill_value=0)
    frame = keys.assign(month=local.dt.month.astype("int64"))
    counts = frame.groupby(used + ["month"]).size().rename("tickets")
    groups = [()] if not used else list(counts.index.droplevel("month").unique())
    grid = pd.MultiIndex.from_tuples([(*(g if isinstance(g, tuple) else (g,)), m) for g in groups
                                      for m in range(1, 13)], names=used + ["month"])
    out = counts.reindex(grid, fill_value=0).reset_index()
    out["month_name"] = out["month"].map(dict(enumerate(MONTHS, start=1)))
    out["days_observed"] = out["month"].map(days_per_month).astype("int64")
    out["tickets_per_day"] = (out["tickets"] / out["days_observed"].replace(0, np.nan)).astype("float64")
    overall = out.groupby(used)["tickets"].transform("sum") if used else out["tickets"].sum()
    out["index"] = out["tickets_per_day"] / (overall / max(len(days), 1))
    out = out[[*used, "month", "month_name", "tickets", "days_observed", "tickets_per_day", "index"]]
    out = add_segment_label(out, used, None)
    return with_notes(out, notes)


def period_effects(
    tickets: pd.DataFrame,
    by: str | Sequence[str] | None = None,
    tz: str = "UTC",
    window_days: int = 14,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """End-of-quarter and year-end volume as a rate ratio against the other days.

    Windows (local dates): ``end_of_quarter`` is the last ``window_days`` days of March, June
    and September; ``year_end`` is the last ``window_days`` days of December (kept apart
    because holidays usually dominate it). Both are compared with the remaining days.

    Method: daily ticket counts (every covered day, zeros included) are fitted with a Poisson
    regression on weekday, a linear trend over the covered days (growth or decline) and the two
    window indicators, with the dispersion estimated from the data (quasi-Poisson), so the
    weekday mix of a window, growth, and day-to-day variation beyond Poisson are allowed for.
    ``rate_ratio`` is the exponentiated window coefficient with its ``confidence`` interval and
    Wald p-value; ``rate_in_window`` and ``rate_rest`` are the raw
    tickets per day.

    Returns one row per segment x effect with :data:`EFFECT_COLUMNS`; ``sentence`` is the
    plain statement, e.g. "The last two weeks of a quarter carry 1.4 times the usual tickets per
    day (95% CI 1.3–1.5)." An effect whose window the data does not cover is skipped with a note.
    """
    tickets = check_table(tickets, "tickets", argument="tickets")
    check_tz(tz)
    check_positive(window_days, "window_days", integer=True)
    if not 0 < confidence < 1:
        from toolkit.errors import ConfigError

        raise ConfigError(f"confidence must be between 0 and 1, got {confidence!r}", key="confidence",
                          fix="pass e.g. confidence=0.95")
    keys = segment_frame(tickets, check_by(by, _SEGMENTS), freq=None, tz=tz)
    used, notes = list(keys.columns), notes_of(keys)
    local = local_times(tickets["created_at"], tz)
    days = _covered_days(local)
    if len(days) == 0:
        return with_notes(pd.DataFrame(columns=EFFECT_COLUMNS), notes + ["Period effects skipped: no tickets."])
    windows = _windows(days, int(window_days))
    day_of = local.dt.floor("D")
    rows = []
    groups = keys.groupby(used, sort=True).groups if used else {(): tickets.index}
    for group, index in groups.items():
        counts = day_of.loc[index].value_counts().reindex(days, fill_value=0).to_numpy()
        for effect, mask, label in windows:
            if not mask.any():
                notes.append(f"{effect} skipped: the data covers no day in its window ({label}).")
                continue
            rows.append({**dict(zip(used, group if isinstance(group, tuple) else (group,), strict=True)),
                         **_effect_row(counts, days, windows, effect, mask, label, confidence, window_days)})
    if not rows:
        return with_notes(pd.DataFrame(columns=EFFECT_COLUMNS), notes)
    out = pd.DataFrame(rows)
    out = add_segment_label(out, used, None)
    return with_notes(out[["segment", *used, *EFFECT_COLUMNS[1:]]], notes)


def _covered_days(local: pd.Series) -> pd.DatetimeIndex:
    if local.dropna().empty:
        return pd.DatetimeIndex([], dtype="datetime64[us]")
    return pd.date_range(local.min().floor("D"), local.max().floor("D"), freq="D", unit="us")


def _windows(days: pd.DatetimeIndex, window_days: int) -> list[tuple[str, np.ndarray, str]]:
    quarter_end = days.to_period("Q").end_time.floor("D")
    to_end = (quarter_end - days).days.to_numpy()
    in_window = to_end < window_days
    december = days.month.to_numpy() == 12
    return [
        ("end_of_quarter", in_window & ~december, f"last {window_days} days of March, June and September"),
        ("year_end", in_window & december, f"last {window_days} days of December"),
    ]


def _effect_row(counts, days, windows, effect, mask, label, confidence, window_days) -> dict:
    reference = ~np.logical_or.reduce([m for _, m, _ in windows])
    weekday = pd.get_dummies(pd.Series(days.day_of_week), prefix="wd", drop_first=True, dtype="float64").to_numpy()
    indicators = np.column_stack([m.astype("float64") for _, m, _ in windows if m.any()])
    trend = np.arange(len(days), dtype="float64") / max(len(days) - 1, 1)  # growth over the period
    design = np.column_stack([np.ones(len(days)), weekday, indicators, trend])
    position = 1 + weekday.shape[1] + [e for e, m, _ in windows if m.any()].index(effect)
    tickets_in, tickets_rest = int(counts[mask].sum()), int(counts[reference].sum())
    days_in, days_rest = int(mask.sum()), int(reference.sum())
    ratio = low = high = p_value = np.nan
    if tickets_in + tickets_rest > 0 and days_rest > 0:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                model = sm.GLM(counts.astype("float64"), design, family=sm.families.Poisson())
                try:
                    fit = model.fit(scale="X2")
                except ValueError:  # counts the model fits exactly: dispersion 0, use plain Poisson
                    fit = model.fit()
                coef = fit.params[position]
                low_c, high_c = fit.conf_int(alpha=1 - confidence)[position]
                ratio, low, high, p_value = np.exp(coef), np.exp(low_c), np.exp(high_c), fit.pvalues[position]
            except (ValueError, np.linalg.LinAlgError):  # degenerate data (e.g. all zeros): leave NaN
                pass
    rate_in = tickets_in / days_in
    rate_rest = tickets_rest / days_rest if days_rest else np.nan
    return {
        "effect": effect, "window": label, "days_in_window": days_in, "days_rest": days_rest,
        "tickets_in_window": tickets_in, "tickets_rest": tickets_rest, "rate_in_window": rate_in,
        "rate_rest": rate_rest, "rate_ratio": ratio, "ci_low": low, "ci_high": high, "p_value": p_value,
        "small_sample": tickets_in < MIN_N,
        "sentence": _sentence(effect, ratio, low, high, confidence, window_days),
    }


def _sentence(effect: str, ratio: float, low: float, high: float, confidence: float, window_days: int) -> str:
    span = "two weeks" if window_days == 14 else f"{window_days} days"
    where = f"The last {span} of a quarter" if effect == "end_of_quarter" else f"The last {span} of the year"
    if not np.isfinite(ratio):
        return f"{where}: not enough data to compare with the rest."
    level = f"{confidence:.0%} CI {fmt.interval(low, high, 'ratio')}"
    verdict = "" if (low > 1 or high < 1) else " — not clearly different from normal"
    return f"{where} carry {fmt.ratio(ratio)} times the usual tickets per day ({level}){verdict}."
