"""Portfolio comparison: where the client stands among earlier engagements, per dimension.

Earlier engagements' scores are kept anonymised in CSV files, either long
(``engagement, dimension_id, score`` plus any descriptive columns such as year or
segment) or wide (``engagement`` and one column per dimension id). A folder of such
files is read as one portfolio.

Percentile definition: the share of earlier engagements scoring below the client on
that dimension, counting ties as half (scipy's ``percentileofscore(kind="mean")``), in
percent. 50 means the client is in the middle of the portfolio.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from toolkit.errors import DataError

PORTFOLIO_COLUMNS = ["dimension_id", "dimension", "score", "portfolio_engagements", "portfolio_p25",
                     "portfolio_median", "portfolio_p75", "percentile"]


def read_portfolio(path: str | Path) -> pd.DataFrame:
    """Read earlier engagements' anonymised dimension scores from a CSV file or a folder of CSV files.

    Returns
    -------
    Long DataFrame: engagement, dimension_id, score, and any other columns of the files.
    """
    path = Path(path)
    files = sorted(path.glob("*.csv")) if path.is_dir() else [path]
    if not files or not files[0].is_file():
        raise DataError("portfolio file or folder not found, or the folder holds no .csv files", file=str(path),
                        fix="pass a CSV of earlier engagements' scores (engagement, dimension_id, score)")
    frames = []
    for file in files:
        try:
            raw = pd.read_csv(file)
        except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
            raise DataError(f"cannot be read as CSV ({str(exc).splitlines()[0]})", file=str(file),
                            fix="save it as UTF-8 CSV with a header row") from None
        frames.append(_long(raw, str(file)))
    return pd.concat(frames, ignore_index=True)


def _long(raw: pd.DataFrame, file: str) -> pd.DataFrame:
    if "engagement" not in raw.columns:
        raise DataError("required column is missing", file=file, column="engagement",
                        fix="add an `engagement` column with an anonymised id per earlier engagement")
    if "dimension_id" not in raw.columns:
        raw = raw.melt(id_vars=["engagement"], var_name="dimension_id", value_name="score")
    if "score" not in raw.columns:
        raise DataError("required column is missing", file=file, column="score",
                        fix="add the engagement's dimension score (1-5) in a `score` column")
    score = pd.to_numeric(raw["score"], errors="coerce")
    bad = raw.index[score.isna() | (score < 1) | (score > 5)]
    if len(bad):
        raise DataError("score is not a number from 1 to 5", file=file, column="score",
                        rows=[i + 2 for i in bad], values=raw.loc[bad, "score"].tolist(),
                        fix="correct or remove these rows")
    return raw.assign(engagement=raw["engagement"].astype("str"), dimension_id=raw["dimension_id"].astype("str"),
                      score=score.astype("float64"))


def portfolio_percentiles(dimension_scores: pd.DataFrame, portfolio: pd.DataFrame) -> pd.DataFrame:
    """The client's percentile among earlier engagements, per dimension.

    Parameters
    ----------
    dimension_scores : from :func:`~toolkit.maturity.scoring.score_dimensions` (dimension_id, dimension, score).
    portfolio : from :func:`read_portfolio` (engagement, dimension_id, score).

    Returns
    -------
    DataFrame, one row per client dimension: dimension_id, dimension, score, portfolio_engagements,
    portfolio_p25, portfolio_median, portfolio_p75, percentile (NaN when the client's score or the
    portfolio for that dimension is missing).

    Examples
    --------
    >>> import pandas as pd
    >>> client = pd.DataFrame({"dimension_id": ["destination"], "dimension": ["Destination"], "score": [3.0]})
    >>> earlier = pd.DataFrame({"engagement": ["a", "b", "c", "d"], "dimension_id": "destination",
    ...                         "score": [2.0, 2.5, 3.0, 4.0]})
    >>> portfolio_percentiles(client, earlier)[["score", "portfolio_engagements", "portfolio_median", "percentile"]]
       score  portfolio_engagements  portfolio_median  percentile
    0    3.0                      4              2.75        62.5
    """
    rows = []
    for dim in dimension_scores.itertuples(index=False):
        others = portfolio.loc[portfolio["dimension_id"] == dim.dimension_id, "score"].dropna().to_numpy()
        has = len(others) > 0
        rows.append({
            "dimension_id": dim.dimension_id, "dimension": dim.dimension, "score": dim.score,
            "portfolio_engagements": len(others),
            "portfolio_p25": np.percentile(others, 25) if has else np.nan,
            "portfolio_median": np.median(others) if has else np.nan,
            "portfolio_p75": np.percentile(others, 75) if has else np.nan,
            "percentile": (stats.percentileofscore(others, dim.score, kind="mean")
                           if has and not np.isnan(dim.score) else np.nan),
        })
    return pd.DataFrame(rows, columns=PORTFOLIO_COLUMNS)


def portfolio_standing(percentiles: pd.DataFrame, overall: pd.DataFrame, portfolio: pd.DataFrame) -> pd.DataFrame:
    """:func:`portfolio_percentiles` with an ``overall`` row last: the client's overall score (from
    :func:`~toolkit.maturity.scoring.score_overall`) against each earlier engagement's mean dimension score.

    The overall row has dimension_id ``overall`` and dimension "Overall"; same columns and percentile
    definition as the dimension rows.
    """
    means = portfolio.groupby("engagement")["score"].mean().to_numpy()
    score = float(overall["score"].iloc[0]) if len(overall) else np.nan
    has = len(means) > 0
    row = {"dimension_id": "overall", "dimension": "Overall", "score": score, "portfolio_engagements": len(means),
           "portfolio_p25": np.percentile(means, 25) if has else np.nan,
           "portfolio_median": np.median(means) if has else np.nan,
           "portfolio_p75": np.percentile(means, 75) if has else np.nan,
           "percentile": (stats.percentileofscore(means, score, kind="mean")
                          if has and not np.isnan(score) else np.nan)}
    return pd.concat([percentiles, pd.DataFrame([row], columns=PORTFOLIO_COLUMNS)], ignore_index=True)


def portfolio_row(bundle) -> pd.DataFrame:
    """One engagement's anonymised portfolio rows from its results bundle (:mod:`toolkit.report.bundle`).

    Returns
    -------
    Long DataFrame in the portfolio's format: engagement (the first 12 hex digits of a hash of the
    bundle's input files: the same engagement added twice gets the same id, and the client is not
    named), year (the bundle's period end, else its generation year), dimension_id, score, and the
    headline ``nps``, ``nps_n``, ``csat``, ``csat_n`` (CSAT as a share 0-1; empty when not surveyed).
    """
    import hashlib

    dimensions = bundle.table("maturity_dimensions")
    if dimensions is None or not len(dimensions):
        raise DataError("the bundle holds no maturity scores", file=bundle.manifest.get("client", ""),
                        table="maturity_dimensions",
                        fix="add an engagement whose report assessed maturity (--maturity answers)")
    hashes = "".join(sorted(i["sha256"] for i in bundle.manifest["inputs"]))
    engagement = hashlib.sha256(hashes.encode("ascii")).hexdigest()[:12]
    end = bundle.manifest["period"]["end"] or bundle.manifest["generated"]
    summary = bundle.table("survey_summary")
    headline = {"nps": np.nan, "nps_n": pd.NA, "csat": np.nan, "csat_n": pd.NA}
    if summary is not None:
        for row in summary.itertuples():
            if row.survey == "nps":
                headline.update(nps=float(row.score), nps_n=int(row.n))
            elif row.survey == "csat":
                headline.update(csat=row.favourable / row.n if row.n else np.nan, csat_n=int(row.n))
    scored = dimensions[dimensions["score"].notna()]
    return pd.DataFrame({"engagement": engagement, "year": int(str(end)[:4]),
                         "dimension_id": scored["dimension_id"].astype("str").to_numpy(),
                         "score": scored["score"].round(3).to_numpy(), **headline})


def add_to_portfolio(bundle, portfolio: str | Path) -> pd.DataFrame:
    """Append the engagement in ``bundle`` to the portfolio CSV (created when missing); returns the rows added.

    An engagement already in the file (same id) is not added twice.
    """
    rows = portfolio_row(bundle)
    path = Path(portfolio)
    if path.is_file():
        existing = pd.read_csv(path, dtype={"engagement": "str"})
        _long(existing.copy(), str(path))  # the file must be a readable portfolio before we add to it
        if rows["engagement"].iloc[0] in set(existing["engagement"]):
            return rows.iloc[0:0]
        combined = pd.concat([existing, rows], ignore_index=True)
    else:
        combined = rows
    path.parent.mkdir(parents=True, exist_ok=True)
    combined.to_csv(path, index=False, lineterminator="\n")
    return rows
