"""Survey analysis: CSAT, NPS and CES with honest uncertainty, by segment and over time.

Scores (``scores``): :func:`nps`, :func:`nps_difference`, :func:`nps_sample_size`,
:func:`csat`, :func:`ces`. Segments and time (``segments``, ``trends``):
:func:`compare_segments`, :func:`survey_trend`, :func:`survey_summary`.
Every function returns a tidy pandas DataFrame whose columns are documented in its
docstring; the metric definitions are in :mod:`toolkit.survey.scores`.
"""

from toolkit.survey.scores import (
    ces,
    csat,
    nps,
    nps_categories,
    nps_difference,
    nps_difference_from_counts,
    nps_from_counts,
    nps_sample_size,
    nps_variance,
    proportion_difference,
    score_table,
    wilson_interval,
)
from toolkit.survey.segments import adjust_p_values, compare_segments, survey_summary
from toolkit.survey.trends import survey_trend

__all__ = [
    "adjust_p_values",
    "ces",
    "compare_segments",
    "csat",
    "nps",
    "nps_categories",
    "nps_difference",
    "nps_difference_from_counts",
    "nps_from_counts",
    "nps_sample_size",
    "nps_variance",
    "proportion_difference",
    "score_table",
    "survey_summary",
    "survey_trend",
    "wilson_interval",
]
