"""Survey analysis: CSAT, NPS and CES with honest uncertainty, by segment, over time, and why.

Every function returns a tidy pandas DataFrame whose columns are documented in its
docstring; metric definitions are written once, in :mod:`toolkit.survey.scores`. Units are
the library's (``docs/vocabulary.md``): CSAT and CES shares, rates and ``*_share`` columns
are fractions 0-1, NPS is in points (-100..100), the CES mean stays on its scale. Segment
results carry a ``segment`` column and one column per grouping key, as in :mod:`toolkit.ops`.

- scores: :func:`nps`, :func:`nps_difference`, :func:`nps_sample_size`, :func:`csat`,
  :func:`ces` (plus ``*_from_counts`` forms and :func:`nps_variance`).
- segments and time: :func:`compare_segments` (Holm / Benjamini-Hochberg, small samples
  flagged), :func:`survey_trend` (interval bands, supported changes), :func:`survey_summary`.
- who answers: :func:`response_rates`, :func:`nonresponse_bias`,
  :func:`nonresponse_adjusted_score`.
- survey timing and design: :func:`survey_timing` (by delay after the solve or survey channel),
  :func:`early_surveys` (surveys sent before reopens), :func:`survey_fatigue`, :func:`fatigue_trend`.
- why: :func:`satisfaction_drivers` (logistic regression, odds ratios, sentences),
  :func:`comment_themes` (detractors vs promoters, redacted quotes).

Whether the survey scores agree with the operations metrics (the watermelon effect) is
:func:`toolkit.ops.watermelon` and :func:`toolkit.ops.metric_correlations`. Figures for each
view are in :mod:`toolkit.plots.survey`.
"""

from toolkit.multiplicity import adjust_p_values
from toolkit.survey.drivers import satisfaction_drivers, ticket_features, ticket_hedging
from toolkit.survey.response import mark_responded, nonresponse_adjusted_score, nonresponse_bias, response_rates
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
from toolkit.survey.segments import compare_segments, survey_summary
from toolkit.survey.themes import comment_themes
from toolkit.survey.timing import early_surveys, fatigue_trend, invitation_timing, survey_fatigue, survey_timing
from toolkit.survey.trends import survey_trend

__all__ = [
    "adjust_p_values",
    "ces",
    "comment_themes",
    "compare_segments",
    "csat",
    "early_surveys",
    "fatigue_trend",
    "invitation_timing",
    "mark_responded",
    "nonresponse_adjusted_score",
    "nonresponse_bias",
    "nps",
    "nps_categories",
    "nps_difference",
    "nps_difference_from_counts",
    "nps_from_counts",
    "nps_sample_size",
    "nps_variance",
    "proportion_difference",
    "response_rates",
    "satisfaction_drivers",
    "score_table",
    "survey_fatigue",
    "survey_summary",
    "survey_timing",
    "survey_trend",
    "ticket_features",
    "ticket_hedging",
    "wilson_interval",
]
