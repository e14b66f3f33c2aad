"""Render parameterized notebooks into self-contained HTML reports for clients.

The layers, read top to bottom:

- :mod:`~toolkit.report.parameters`: the notebooks' parameters, validated before
  anything runs (:func:`validate_parameters`).
- :mod:`~toolkit.report.inputs`: the client's files loaded once into canonical tables
  for the report period, every row accounted for (:func:`load_engagement`,
  :func:`data_quality`).
- :mod:`~toolkit.report.text`: safe HTML (PII redacted, escaped) for every piece of
  client text a report shows (:func:`table`, :func:`safe_text`, ...).
- :mod:`~toolkit.report.sections`: each report section's result frames, computed once
  by calling ``toolkit.survey``, ``toolkit.ops``, ``toolkit.duplicates`` and
  ``toolkit.maturity`` (missing inputs give a note, never a guess).
- :mod:`~toolkit.report.findings`: the executive summary's findings, computed from
  the sections' result frames, each with a stable id.
- :mod:`~toolkit.report.roadmap`: the roadmap's steps, from the findings and the maturity gaps.
- :mod:`~toolkit.report.verdict`: the executive summary's opening verdict.
- :mod:`~toolkit.report.engagement_file`: the consultant's commentary, finding edits,
  interview quotes and cover lines, read from the engagement file (:func:`read_engagement_file`).
- :mod:`~toolkit.report.methodology`: the client's glossary (from :mod:`toolkit.vocabulary`), how the
  numbers were tested, and what was excluded.
- :mod:`~toolkit.report.render` and :mod:`~toolkit.report.export`: papermill
  execution and nbconvert export with the offline ``report`` template
  (:func:`render_report`).
- :mod:`~toolkit.report.batch`: many clients from one YAML file, with a summary (ok, warned,
  failed) written as ``batch_summary.csv``.
- :mod:`~toolkit.report.bundle`: every table the report shows, written next to it with a
  manifest (:func:`results_bundle`, :func:`save_bundle`, :func:`read_bundle`).
- :mod:`~toolkit.report.compare`: the comparison with an earlier engagement's bundle
  (:func:`reassess`, :func:`reassessment_html`).

CLI: ``support-toolkit report`` (see :mod:`toolkit.report.cli`).
"""

from toolkit.report.bundle import Bundle, read_bundle, results_bundle, save_bundle, write_bundle
from toolkit.report.compare import reassess, reassessment_html, reassessment_table
from toolkit.report.inputs import TABLE_NAMES, Engagement, data_quality, load_engagement, rejection_reasons
from toolkit.report.parameters import ReportParameters, parse_period, validate_parameters
from toolkit.report.text import Display, Html, bullet_list, callout, figure, join, notes, paragraph, safe_text, table
from toolkit.report.theme import use_theme

__all__ = [
    "TABLE_NAMES",
    "Bundle",
    "Display",
    "Engagement",
    "Html",
    "ReportParameters",
    "bullet_list",
    "callout",
    "cover_facts",
    "data_quality",
    "figure",
    "join",
    "load_engagement",
    "notes",
    "paragraph",
    "parse_period",
    "read_bundle",
    "reassess",
    "reassessment_html",
    "reassessment_table",
    "rejection_reasons",
    "results_bundle",
    "save_bundle",
    "safe_text",
    "table",
    "use_theme",
    "validate_parameters",
    "write_bundle",
]


class _CoverFacts:
    """Displayed in a report notebook, tells the exporter what the first screen should say."""

    def __init__(self, facts: dict[str, str]) -> None:
        self.facts = facts

    def _repr_mimebundle_(self, include=None, exclude=None):
        from toolkit.report.export import COVER_MIMETYPE

        return {COVER_MIMETYPE: self.facts, "text/plain": f"Report cover: {self.facts}"}


def cover_facts(engagement: Engagement) -> _CoverFacts:
    """Show this (in a cell tagged ``report-hide``) to put the data's real period on the report's first screen
    and hand the renderer the input warnings a batch summary lists (:func:`~toolkit.report.inputs.input_warnings`)."""
    from toolkit.report.inputs import input_warnings

    return _CoverFacts({"period": engagement.period, "warnings": input_warnings(engagement)})
