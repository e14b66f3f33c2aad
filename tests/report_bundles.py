"""Results bundles of the sample client built in-process, as the report notebook builds them."""

from __future__ import annotations

import functools
from pathlib import Path

from toolkit import report
from toolkit.report import sections
from toolkit.report.bundle import Bundle
from toolkit.samples import SAMPLES_DIR


@functools.cache
def engagement_bundle(data: Path | None) -> Bundle:
    """The bundle of the sample client's first engagement (``data`` None) or of the files in ``data``.

    Built once per test session for each ``data`` (test_report_bundle and test_report_compare share the first
    engagement's): tests read it and never change it."""
    folder = Path(data) if data else SAMPLES_DIR
    params = report.validate_parameters(dict(
        tickets_path=folder / "tickets.csv.gz", messages_path=folder / "messages.csv.gz",
        survey_path=folder / "survey_responses.csv", invitations_path=folder / "survey_invitations.csv.gz",
        maturity_path=folder / "maturity_answers.csv", portfolio_path=SAMPLES_DIR / "portfolio_scores.csv",
        timezone="Europe/London", sla_targets={"urgent": 60, "high": 240, "normal": 480, "low": 1440}))
    engagement = report.load_engagement(params)
    problems = sections.upstream_problems(engagement)
    mat = sections.maturity(engagement, problems)
    cx = sections.customer_experience(engagement)
    op = sections.operations(engagement)
    tables = {"maturity_dimensions": mat.dimensions, "maturity_portfolio": mat.standing,
              "maturity_questions": mat.questions, "survey_summary": cx.summary, "ops_watermelon": op.watermelon,
              "ops_conversations": op.conversations, "ops_incomplete": op.incomplete, "ops_sla": op.sla,
              "ops_hedging": op.hedging, "problems": sections.problem_table(problems),
              "problem_clusters": sections.cluster_table(problems), "roadmap": mat.roadmap,
              "data_quality": report.data_quality(engagement)}
    return report.results_bundle(params, engagement, tables, maturity_model=mat.model)
