"""``support-toolkit maturity``: validate a model, score interview answers into tidy CSVs.

    support-toolkit maturity validate MODEL.yaml
    support-toolkit maturity score --answers ANSWERS [--model MODEL.yaml] --out DIR

Mistakes (a broken model, unknown question ids) end with the message on stderr and
exit code 2, through :func:`toolkit.cli.main`.
"""

from __future__ import annotations

import click

from toolkit.errors import ConfigError
from toolkit.files import make_folder, read_yaml, write_csv


@click.group()
def maturity() -> None:
    """Maturity assessment: validate models, score interview answers, build the roadmap."""


@maturity.command()
@click.argument("model_file", metavar="MODEL.yaml", type=click.Path(dir_okay=False))
def validate(model_file: str) -> None:
    """Check a maturity model file; print a one-line summary when it is valid."""
    from toolkit.maturity.model import load_model

    click.echo(load_model(model_file).summary())


@maturity.command()
@click.option("--answers", "answers_path", required=True, type=click.Path(),
              help="Answers file (CSV or YAML) or a folder of them.")
@click.option("--model", "model_file", type=click.Path(dir_okay=False), default=None,
              help="Maturity model YAML (default: the shipped model).")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False), help="Folder for the CSVs.")
@click.option("--targets", "targets_file", type=click.Path(dir_okay=False), default=None,
              help="YAML mapping of dimension_id to the client's target level (default: the model's targets).")
@click.option("--combine", type=click.Choice(["median", "mean", "min", "max"]), default="median", show_default=True,
              help="How several respondents' levels are combined.")
@click.option("--portfolio", "portfolio_path", type=click.Path(), default=None,
              help="CSV file or folder of earlier engagements' scores, for percentiles.")
@click.option("--data", "data_dir", type=click.Path(file_okay=False), default=None,
              help="Folder of the client's canonical tables (tickets.csv, survey_responses.csv, ...) for evidence; "
              "add duplicate_assignments.csv from `support-toolkit duplicates` to test UP-1.")
@click.option("--tz", default="UTC", show_default=True, help="The client's time zone (for --data).")
def score(answers_path: str, model_file: str | None, out_dir: str, targets_file: str | None, combine: str,
          portfolio_path: str | None, data_dir: str | None, tz: str) -> None:
    """Score interview answers and write tidy CSVs.

    Writes question_scores.csv, dimension_scores.csv, overall_scores.csv, respondent_scores.csv,
    disagreements.csv and roadmap.csv into --out; also portfolio.csv with --portfolio, and
    evidence.csv (one verdict per interview claim tested against the data) with --data.
    """
    from toolkit.maturity.answers import read_answers
    from toolkit.maturity.model import load_model
    from toolkit.maturity.roadmap import roadmap_from_scores
    from toolkit.maturity.scoring import (
        disagreements,
        score_dimensions,
        score_overall,
        score_questions,
        score_respondents,
    )

    model = load_model(model_file)
    answers = read_answers(answers_path, model)
    targets = _read_targets(targets_file) if targets_file else None
    questions = score_questions(answers, model, combine=combine)
    dimensions = score_dimensions(answers, model, combine=combine, targets=targets)
    tables = {
        "question_scores": questions,
        "dimension_scores": dimensions,
        "overall_scores": score_overall(dimensions, answers),
        "respondent_scores": score_respondents(answers, model),
        "disagreements": disagreements(answers, model),
        "roadmap": roadmap_from_scores(questions, dimensions, model),
    }
    if portfolio_path:
        from toolkit.maturity.portfolio import portfolio_percentiles, read_portfolio

        tables["portfolio"] = portfolio_percentiles(dimensions, read_portfolio(portfolio_path))
    if data_dir:
        from toolkit.maturity.evidence import evaluate_evidence
        from toolkit.maturity.inputs import read_evidence_data

        tables["evidence"] = evaluate_evidence(model, answers, read_evidence_data(data_dir, tz=tz), combine=combine,
                                               tz=tz)
    out = make_folder(out_dir)  # a file in the way is a ConfigError with a fix
    for name, frame in tables.items():
        write_csv(frame.round(6), out / f"{name}.csv")
    overall = tables["overall_scores"].iloc[0]
    flagged = int(tables["disagreements"]["flagged"].sum())
    contradicted = ""
    if "evidence" in tables:
        ev = tables["evidence"]
        contradicted = (f"; the data contradicts {int((ev['verdict'] == 'contradicted').sum())} of {len(ev)} interview "
                        f"claims ({int((ev['verdict'] == 'not enough data').sum())} without enough data)")
    click.echo(f"overall {overall['score']:.2f} (target {overall['target']:.2f}, coverage {overall['coverage']:.0%}, "
               f"{int(overall['respondents'])} respondents); {flagged} dimensions with disagreements; "
               f"{len(tables['roadmap'])} roadmap steps{contradicted}; wrote {len(tables)} CSVs to {out}")


def _read_targets(path: str) -> dict[str, float]:
    data = read_yaml(path, what="targets file", fix="write a YAML mapping such as `outcomes: 4`")
    if not isinstance(data, dict):
        raise ConfigError("expected a mapping of dimension_id to target level", file=path,
                          fix="write one `dimension_id: level` line per dimension")
    return data


@click.group()
def portfolio() -> None:
    """Keep a portfolio of engagements' anonymised maturity scores, for percentiles in later reports."""


@portfolio.command("add")
@click.argument("bundle", type=click.Path(file_okay=False))
@click.option("--to", "target", required=True, type=click.Path(dir_okay=False),
              help="The portfolio CSV to append to (created when missing).")
def portfolio_add(bundle: str, target: str) -> None:
    """Append the engagement in BUNDLE (a report's NAME.bundle folder) to the portfolio file.

    \b
    support-toolkit portfolio add reports/acme-engagement.bundle --to portfolio.csv

    Adds one row per maturity dimension (score), with the headline NPS and CSAT and their
    answer counts, under an anonymous engagement id; the client is not named.
    """
    from toolkit.maturity.portfolio import add_to_portfolio
    from toolkit.report.bundle import read_bundle

    rows = add_to_portfolio(read_bundle(bundle), target)
    if rows.empty:
        click.echo(f"{target} already holds this engagement; nothing added")
    else:
        click.echo(f"added engagement {rows['engagement'].iloc[0]} ({len(rows)} dimensions) to {target}")
