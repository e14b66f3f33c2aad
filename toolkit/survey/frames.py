"""How the survey functions read canonical tables and shape what they return.

- :class:`ResultFrame` is the one-row (or many-row) DataFrame that every score
  function returns. It is an ordinary DataFrame, except that a one-row column also
  converts to a number, so ``float(nps(x)["score"])`` works as well as
  ``nps(x)["score"].iloc[0]``.
- :func:`survey_rows` picks one survey's answers from ``survey_responses``.
- :func:`with_ticket_columns` brings ticket attributes (team, channel...) onto responses.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from toolkit.errors import ConfigError, DataError
from toolkit.schema import SCALES, has_values
from toolkit.validation import check_choice, require_columns

SURVEY_SCALES = {"nps": ("0-10",), "csat": ("1-5", "1-7", "binary", "0-10"), "ces": ("1-5", "1-7")}


class ResultSeries(pd.Series):
    """A column of a :class:`ResultFrame`; a one-value column converts to ``float``/``int``."""

    @property
    def _constructor(self):
        return ResultSeries

    @property
    def _constructor_expanddim(self):
        return ResultFrame

    def _single(self):
        if len(self) != 1:
            raise TypeError(f"cannot convert a column of {len(self)} values to a number; use .iloc[i]")
        return self.iloc[0]

    def __float__(self) -> float:
        return float(self._single())

    def __int__(self) -> int:
        return int(self._single())

    def __format__(self, spec: str) -> str:
        if spec and len(self) == 1:
            return format(self.iloc[0], spec)
        return super().__format__(spec)


class ResultFrame(pd.DataFrame):
    """A tidy result table (pingouin style): one row per unit, one column per reported number."""

    @property
    def _constructor(self):
        return ResultFrame

    @property
    def _constructor_sliced(self):
        return ResultSeries


def result(rows: dict | list[dict] | pd.DataFrame, columns: Sequence[str] | None = None) -> ResultFrame:
    """Build a ResultFrame from one row (a dict), several rows or a frame, with columns in order."""
    if isinstance(rows, dict):
        # scalars broadcast against array values (one row per array element)
        length = max((len(v) for v in rows.values() if isinstance(v, np.ndarray | list)), default=1)
        frame = ResultFrame(rows, index=pd.RangeIndex(length))
    else:
        frame = ResultFrame(rows if not isinstance(rows, pd.DataFrame) else rows.to_dict("list"))
    if columns is not None:
        frame = frame.reindex(columns=list(columns))
    return frame


def survey_rows(survey_responses: pd.DataFrame, survey: str) -> pd.DataFrame:
    """The answered rows of one survey (``csat``, ``nps`` or ``ces``) from canonical ``survey_responses``.

    Rows with an empty ``score`` are left out. Raises DataError if the scale does not
    suit the survey (e.g. NPS not on 0-10), naming the rows.
    """
    check_choice(survey, tuple(SURVEY_SCALES), "survey")
    require_columns(survey_responses, ["survey", "score", "scale"], "survey_responses")
    rows = survey_responses[survey_responses["survey"].eq(survey) & survey_responses["score"].notna()]
    wrong = ~rows["scale"].isin(SURVEY_SCALES[survey])
    if wrong.any():
        raise DataError(f"{survey} answers on a scale this survey does not use", table="survey_responses",
                        column="scale", rows=(rows.index[wrong] + 1).tolist(), values=rows.loc[wrong, "scale"].tolist(),
                        fix=f"{survey} answers must be on {' or '.join(SURVEY_SCALES[survey])}")
    low, high = scale_bound(rows["scale"], 0), scale_bound(rows["scale"], 1)
    outside = (rows["score"] < low) | (rows["score"] > high)
    if outside.any():
        raise DataError(f"{survey} scores outside their scale", table="survey_responses", column="score",
                        rows=(rows.index[outside] + 1).tolist(), values=rows.loc[outside, "score"].tolist(),
                        fix="correct the scores or the `scale` column")
    return rows


def scale_bound(scales: pd.Series, which: int) -> pd.Series:
    """Lowest (``which`` 0) or highest (1) point of each canonical scale name; NaN for unknown names."""
    names = list(SCALES)
    values = np.select([scales.eq(name).to_numpy(dtype=bool, na_value=False) for name in names],
                       [float(SCALES[name][which]) for name in names], np.nan)
    return pd.Series(values, index=scales.index)


def favourable(scores: pd.Series, scales: pd.Series, survey: str) -> pd.Series:
    """Whether each answer is favourable: NPS promoter, CSAT top-2-box (binary: good), CES agreeing.

    Definitions: NPS 9-10; CSAT 4-5 on 1-5, 6-7 on 1-7, 9-10 on 0-10, good on binary;
    CES 4-5 on 1-5, 5-7 on 1-7 (the agreeing side of "the company made it easy").
    """
    high = scale_bound(scales, 1)
    if survey == "nps":
        return scores >= 9
    if survey == "csat":
        return np.where(scales.eq("binary"), scores >= 1, scores >= high - 1).astype(bool)
    return np.where(scales.eq("1-7"), scores >= 5, scores >= 4).astype(bool)


def unfavourable(scores: pd.Series, scales: pd.Series, survey: str) -> pd.Series:
    """Whether each answer is unfavourable: NPS detractor (0-6), CSAT not top-2-box, CES not agreeing."""
    if survey == "nps":
        return pd.Series(scores <= 6, index=scores.index)
    return pd.Series(~favourable(scores, scales, survey), index=scores.index)


def with_ticket_columns(survey_responses: pd.DataFrame, tickets: pd.DataFrame | None,
                        columns: Sequence[str]) -> pd.DataFrame:
    """``survey_responses`` with the named ticket columns added (joined on ``ticket_id``) where responses lack them.

    Columns the responses already carry are kept as they are. Responses without a
    matching ticket get missing values.
    """
    needed = [c for c in columns if not has_values(survey_responses, c)]
    if not needed:
        return survey_responses
    if tickets is None:
        raise ConfigError(f"survey_responses has no values in {', '.join(f'`{c}`' for c in needed)}",
                          key="tickets", fix="pass the tickets table so these can be taken from the tickets")
    require_columns(tickets, ["ticket_id"], "tickets")
    absent = [c for c in needed if c not in tickets.columns]
    if absent:
        raise DataError(f"has no column {', '.join(f'`{c}`' for c in absent)}", table="tickets",
                        fix="choose a column that the responses or the tickets carry")
    if not has_values(survey_responses, "ticket_id"):
        raise DataError("has no ticket_id to join the tickets on", table="survey_responses", column="ticket_id",
                        fix="load the responses with their ticket ids, or segment by a column they carry")
    lookup = tickets.drop_duplicates("ticket_id").set_index("ticket_id")[needed]
    joined = survey_responses.drop(columns=[c for c in needed if c in survey_responses.columns])
    return joined.join(lookup, on="ticket_id")
