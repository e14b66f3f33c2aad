"""Volume spikes and the releases or changes just before them (seed 001: anything that changes demand).

A **release file** lists the client's releases and changes, one per row: ``date`` (YYYY-MM-DD,
the client's local date), ``name`` and ``product`` (the product or component it touched; empty
means every product). It is CSV (a header row ``date,name,product``) or YAML (a list of
mappings with those keys, or ``releases:`` holding that list). :func:`load_releases` reads it
and raises one :class:`~toolkit.errors.DataError` naming the file, row, column and fix.

:func:`volume_spikes` finds lasting rises in daily new tickets, overall, per product and per
duplicate-issue cluster, and reports each with the latest release or change of the same
product in the ``window_days`` before it (default 7), or "no known change".

How a spike is found (one well-kept library does the search: ``ruptures``):

1. Daily created tickets in the client's time zone, every day from the first to the last,
   go through the Anscombe transform ``2 * sqrt(x + 3/8)``: ticket counts are roughly
   Poisson, whose variance grows with the level; after the transform the noise is close to
   1 at any level, so that one penalty serves a busy series and a quiet cluster alike.
2. The weekday pattern is removed (each weekday's median subtracted) so that weekends are
   not change points.
3. Change points in the mean are searched by kernel change-point detection with a linear
   kernel (least squares, ``ruptures.KernelCPD``), exact under a penalty.
4. **Penalty**: the Bayesian information criterion for a mean shift in Gaussian noise:
   each change point adds two parameters (its day and the new level), so a change is kept
   only when it lowers the residual sum of squares by more than ``2 * sigma^2 * ln(n)``
   (``n`` days). ``sigma`` is estimated from the series itself, robustly, as the median
   absolute first difference / (0.6745 * sqrt(2)): a few level shifts do not inflate it.
   Nothing is tuned to a data set; pass ``penalty`` to override it.
5. A change point is a **spike** when the new level is higher than the level before it and
   higher than the fitted level of the median day: a rise back from a dip to the usual level
   (e.g. after the year-end holidays) is a recovery, not a spike. Segments are at least
   ``min_days`` long.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from toolkit.errors import ConfigError, DataError
from toolkit.files import read_regular_bytes, read_yaml
from toolkit.notes import with_notes
from toolkit.ops.segments import local_times
from toolkit.validation import check_table, check_tz

RELEASE_COLUMNS = ["date", "name", "product"]
SPIKE_COLUMNS = ["level", "series", "product", "date", "before_per_day", "after_per_day", "change", "ratio",
                 "days", "release", "release_date", "release_product", "days_after_release"]
LEVELS = ("all", "product", "cluster")
DEFAULT_WINDOW_DAYS = 7
NO_KNOWN_CHANGE = "no known change"
_FIX = "write one release per row as date (YYYY-MM-DD), name and product (empty for every product)"


def load_releases(path: str | Path) -> pd.DataFrame:
    """Read a release file (CSV or YAML, see the module docstring).

    Returns
    -------
    One row per release, sorted by date: ``date`` (datetime64, the local date), ``name`` (str)
    and ``product`` (str, "" for every product).

    Raises
    ------
    DataError
        naming the file, the column, the first bad rows (1 = the first release) and the fix.
    """
    path = Path(path)
    if path.suffix.lower() in (".yaml", ".yml"):
        data = read_yaml(path, what="release file", fix=_FIX)
        if isinstance(data, dict) and "releases" in data:
            data = data["releases"]
        if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
            raise DataError("expected a list of releases, each with date, name and product", file=str(path),
                            fix="write `releases:` followed by entries like `  - {date: 2026-08-31, name: "
                                "'Login 4.2', product: Account & Login}`")
        raw = pd.DataFrame([{k: ("" if v is None else str(v)) for k, v in r.items()} for r in data])
    else:
        text = read_regular_bytes(path, error=DataError).decode("utf-8-sig", errors="replace")
        rows = list(csv.reader(io.StringIO(text)))
        if not rows:
            raise DataError("the release file is empty", file=str(path), fix=f"start with the header row "
                            f"date,name,product, then {_FIX}")
        header = [h.strip().lower() for h in rows[0]]
        raw = pd.DataFrame([r + [""] * (len(header) - len(r)) for r in rows[1:] if any(c.strip() for c in r)],
                           columns=header) if len(rows) > 1 else pd.DataFrame(columns=header)
    return check_releases(raw, file=str(path))


def check_releases(releases: pd.DataFrame, file: str | None = None) -> pd.DataFrame:
    """Check a releases frame (``date``, ``name``, optional ``product``) and return it in the shape
    :func:`load_releases` returns; errors name the column, the rows (1 = the first release) and the fix."""
    if not isinstance(releases, pd.DataFrame):
        raise ConfigError(f"expected a DataFrame of releases, got {type(releases).__name__}", key="releases",
                          fix="pass load_releases(path) or a frame with date, name and product")
    table = None if file else "releases"
    for column in ("date", "name"):
        if column not in releases.columns:
            raise DataError("required column is missing", file=file, table=table, column=column,
                            fix=f"add a `{column}` column: {_FIX}")
    text = releases.astype("object").where(releases.notna(), "").astype("str")
    names = text["name"].str.strip()
    empty = np.flatnonzero(names.eq("").to_numpy())
    if len(empty):
        raise DataError("a release has no name", file=file, table=table, column="name", rows=(empty + 1).tolist(),
                        fix="give every release a name, e.g. 'Login service 4.2'")
    dates = (releases["date"].dt.tz_localize(None).dt.normalize() if pd.api.types.is_datetime64_any_dtype(
        releases["date"]) else pd.to_datetime(text["date"].str.strip(), format="%Y-%m-%d", errors="coerce"))
    bad = np.flatnonzero(dates.isna().to_numpy())
    if len(bad):
        raise DataError("not a date in the form YYYY-MM-DD", file=file, table=table, column="date",
                        rows=(bad + 1).tolist(), values=text["date"].iloc[bad].tolist(),
                        fix="write dates like 2026-08-31 (the client's local date)")
    product = text["product"].str.strip() if "product" in text.columns else pd.Series("", index=text.index)
    out = pd.DataFrame({"date": dates.astype("datetime64[us]"), "name": names.astype("str"),
                        "product": product.astype("str")})
    return out.sort_values(["date", "name"], kind="stable").reset_index(drop=True)


def volume_spikes(
    tickets: pd.DataFrame,
    releases: pd.DataFrame | str | Path | None = None,
    *,
    levels: Sequence[str] = ("all", "product"),
    assignments: pd.DataFrame | None = None,
    cluster_names: dict | None = None,
    tz: str = "UTC",
    window_days: int = DEFAULT_WINDOW_DAYS,
    min_days: int = 7,
    min_tickets: int = 30,
    penalty: float | None = None,
) -> pd.DataFrame:
    """Lasting rises in daily new tickets, each with the release or change just before it.

    Parameters
    ----------
    tickets : canonical tickets (``created_at``; ``product`` for the product level).
    releases : :func:`load_releases`'s frame, the path of a release file, or None (every spike
        is then "no known change").
    levels : any of ``all`` (every ticket), ``product`` and ``cluster`` (needs ``assignments``).
    assignments : ticket_id, cluster_id (-1 = none), as ``DuplicateFinder.assignments_``.
    cluster_names : cluster_id -> name shown in ``series`` (default "cluster <id>").
    tz : the client's time zone: days, and release dates, are local.
    window_days : a release counts as "just before" a spike when it is at most this many days
        before the spike's first day (or on it). A week covers a weekly release train and the
        day or two a detected change point may lag the true start.
    min_days : shortest segment between change points, in days. A week by default: a lasting
        rise lasts at least that, and a segment of a whole week holds every weekday once, so a
        weekend can never be a level of its own (with 3 days, "all tickets rose from 17 to 65 a
        day" measured the rise from a weekend).
    min_tickets : series (products, clusters) with fewer tickets are not searched.
    penalty : the change-point penalty; default the BIC penalty of the module docstring.

    Returns
    -------
    One row per spike, by level, series and date: ``level``, ``series`` ("all", the product,
    or the cluster's name), ``product`` (the series' product, the cluster's most common one;
    "" for all), ``date`` (the first day of the new level, local), ``before_per_day`` and
    ``after_per_day`` (mean daily tickets in the segments before and from the change),
    ``change`` (after - before), ``ratio`` (after / before), ``days`` (length of the new
    segment, until the next change point or the end of the data), ``release`` (the latest
    release or change of that product, or of every product, in the window; else "no known
    change"), ``release_date``, ``release_product`` and ``days_after_release``.
    """
    import ruptures  # imported here: only this measure needs it

    tickets = check_table(tickets, "tickets", argument="tickets")
    check_tz(tz)
    levels = _check_levels(levels, assignments)
    for key, value in (("window_days", window_days), ("min_days", min_days), ("min_tickets", min_tickets)):
        if not isinstance(value, int | np.integer) or value < 0 or (key == "min_days" and value < 1):
            raise ConfigError(f"{key} must be a whole number of days or tickets, got {value!r}", key=key,
                              fix=f"pass e.g. {key}={DEFAULT_WINDOW_DAYS if key == 'window_days' else 3}")
    if releases is not None and not isinstance(releases, pd.DataFrame):
        releases = load_releases(releases)
    releases = check_releases(releases) if releases is not None else None
    notes: list[str] = []
    day = local_times(tickets["created_at"], tz).dt.floor("D").dt.tz_localize(None).astype("datetime64[us]")
    known = day.notna().to_numpy()
    if not known.any():
        return with_notes(pd.DataFrame(columns=SPIKE_COLUMNS), ["No ticket has a creation time."])
    days = pd.date_range(day[known].min(), day[known].max(), freq="D").astype("datetime64[us]")
    day_index = ((day[known] - days[0]) // pd.Timedelta(days=1)).to_numpy(dtype="int64")
    product = tickets["product"].astype("str").fillna("") if "product" in tickets.columns else None
    series_list = []
    if "all" in levels:
        series_list.append(("all", "all", "", np.zeros(known.sum(), dtype="int64"), ["all"]))
    if "product" in levels:
        if product is None or not product[known].replace("", np.nan).notna().any():
            notes.append("The tickets carry no product: spikes per product are not searched.")
        else:
            codes, labels = pd.factorize(product[known].fillna(""), sort=True)
            series_list.append(("product", None, None, codes, list(labels)))
    if "cluster" in levels:
        cluster = tickets["ticket_id"].astype("str").map(
            assignments.assign(ticket_id=assignments["ticket_id"].astype("str")).drop_duplicates("ticket_id")
            .set_index("ticket_id")["cluster_id"]).fillna(-1).astype("int64").to_numpy()[known]
        codes, labels = pd.factorize(np.where(cluster >= 0, cluster, -1), sort=True)
        # each cluster's most common product (ties: the first by name), for matching releases
        main_product = (pd.DataFrame({"code": codes, "product": product[known].to_numpy()})
                        .value_counts().rename("n").reset_index()
                        .sort_values(["code", "n", "product"], ascending=[True, False, True], kind="stable")
                        .drop_duplicates("code").set_index("code")["product"]
                        if product is not None else pd.Series(dtype="str"))
        series_list.append(("cluster", None, None, codes, list(labels)))
    rows = []
    for level, name, prod, codes, labels in series_list:
        counts = np.bincount(codes * len(days) + day_index, minlength=len(labels) * len(days)).reshape(
            len(labels), len(days))
        for k, label in enumerate(labels):
            if level != "all" and (label in ("", -1) or counts[k].sum() < min_tickets):
                continue
            if level == "product":
                name, prod = str(label), str(label)
            elif level == "cluster":
                name = str((cluster_names or {}).get(label, f"cluster {label}"))
                prod = str(main_product.get(k, ""))
            for spike in _spikes(counts[k], days, min_days, penalty, ruptures):
                rows.append({"level": level, "series": name, "product": prod, **spike})
    out = pd.DataFrame(rows, columns=SPIKE_COLUMNS[:9])
    out = _link_releases(out, releases, window_days)
    if releases is None:
        notes.append("No release file was given: every spike is shown as 'no known change'.")
    out = out.sort_values(["level", "series", "date"], key=lambda c: c.map(LEVELS.index) if c.name == "level" else c,
                          kind="stable").reset_index(drop=True)
    return with_notes(out[SPIKE_COLUMNS], notes)


def _check_levels(levels: Sequence[str], assignments: pd.DataFrame | None) -> tuple[str, ...]:
    levels = (levels,) if isinstance(levels, str) else tuple(levels)
    unknown = [lv for lv in levels if lv not in LEVELS]
    if unknown or not levels:
        raise ConfigError(f"unknown spike level {unknown[0] if unknown else levels!r}", key="levels",
                          fix=f"use any of {', '.join(LEVELS)}")
    if "cluster" in levels and (assignments is None or not {"ticket_id", "cluster_id"} <= set(assignments.columns)):
        raise ConfigError("spikes per cluster need the duplicate clusters", key="assignments",
                          fix="pass assignments=DuplicateFinder(...).fit(tickets).assignments_ (ticket_id, "
                              "cluster_id), or leave 'cluster' out of levels")
    return levels


def _spikes(counts: np.ndarray, days: pd.DatetimeIndex, min_days: int, penalty: float | None, ruptures) -> list:
    """The spikes of one daily series (see the module docstring for the method)."""
    n = len(counts)
    if n < 2 * min_days:
        return []
    signal = 2 * np.sqrt(counts + 3 / 8)
    weekday = days.day_of_week.to_numpy()
    medians = np.array([np.median(signal[weekday == d]) if (weekday == d).any() else 0.0 for d in range(7)])
    signal = signal - medians[weekday]
    sigma = np.median(np.abs(np.diff(signal))) / (0.6745 * np.sqrt(2))
    if penalty is None:
        penalty = 2 * max(sigma, 1e-9) ** 2 * np.log(n) if sigma > 0 else 2 * np.log(n)
    ends = ruptures.KernelCPD(kernel="linear", min_size=min_days, jump=1).fit(signal.reshape(-1, 1)).predict(
        pen=penalty)
    bounds = np.array([0, *ends])
    levels = np.array([counts[a:b].mean() for a, b in zip(bounds[:-1], bounds[1:], strict=True)])
    typical = np.median(np.repeat(levels, np.diff(bounds)))  # the fitted level of the median day
    rises = np.flatnonzero((levels[1:] > levels[:-1]) & (levels[1:] > typical)) + 1
    return [{"date": days[bounds[j]], "before_per_day": levels[j - 1], "after_per_day": levels[j],
             "change": levels[j] - levels[j - 1],
             "ratio": levels[j] / levels[j - 1] if levels[j - 1] > 0 else np.inf,
             "days": int(bounds[j + 1] - bounds[j])} for j in rises]


def _link_releases(spikes: pd.DataFrame, releases: pd.DataFrame | None, window_days: int) -> pd.DataFrame:
    """Each spike's latest release of its product (or of every product) within the window before it."""
    spikes = spikes.assign(release=NO_KNOWN_CHANGE, release_date=pd.NaT, release_product="",
                           days_after_release=pd.array([pd.NA] * len(spikes), dtype="Int64"))
    spikes["release_date"] = spikes["release_date"].astype("datetime64[us]")
    if releases is None or releases.empty or spikes.empty:
        return spikes
    # Few spikes and few releases: a small cross join is clearer than an as-of merge per product.
    pairs = spikes.reset_index().merge(releases.rename(columns={"date": "r_date", "name": "r_name",
                                                                "product": "r_product"}), how="cross")
    lag = (pairs["date"] - pairs["r_date"]).dt.days
    same = (pairs["r_product"] == "") | (pairs["level"] == "all") | (pairs["r_product"] == pairs["product"])
    pairs = pairs[same & (lag >= 0) & (lag <= window_days)]
    latest = pairs.sort_values(["index", "r_date", "r_name"]).drop_duplicates("index", keep="last").set_index("index")
    spikes.loc[latest.index, "release"] = latest["r_name"]
    spikes.loc[latest.index, "release_date"] = latest["r_date"]
    spikes.loc[latest.index, "release_product"] = latest["r_product"]
    spikes.loc[latest.index, "days_after_release"] = (latest["date"] - latest["r_date"]).dt.days.astype("Int64")
    return spikes
