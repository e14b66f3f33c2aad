"""``support-toolkit report``: one client's report, a batch of clients, or the sample demo."""

from __future__ import annotations

from pathlib import Path

import click

from toolkit.errors import ConfigError
from toolkit.validation import ENGINES

DEMO_NAME = "sample-engagement"


def _demo_options(after: str | None = None) -> dict[str, str]:
    """The sample client's files shipped in the package (see toolkit.samples), as engagement options.

    ``after``: the client's later engagement instead (:mod:`toolkit.samples.after`), made on demand into
    ``after/sample-after-data`` the first time.
    """
    from toolkit.samples import SAMPLES_DIR

    if after is not None:
        from toolkit.samples.after import generate_after

        folder = Path(after) / "sample-after-data"
        if not (folder / "tickets.csv.gz").is_file():
            generate_after(folder)
        options = _demo_options()
        for key, file in (("tickets", "tickets.csv.gz"), ("messages", "messages.csv.gz"),
                          ("survey", "survey_responses.csv"), ("invitations", "survey_invitations.csv.gz"),
                          ("maturity", "maturity_answers.csv")):
            options[key] = str(folder / file)
        return {**options, "name": f"{DEMO_NAME}-after"}

    def first(*names: str) -> str | None:
        return next((str(SAMPLES_DIR / n) for n in names if (SAMPLES_DIR / n).is_file()), None)

    tickets = first("tickets.csv.gz", "tickets.csv")
    if tickets is None:
        raise ConfigError(f"the sample data is missing ({SAMPLES_DIR / 'tickets.csv.gz'})", key="demo",
                          fix=f"reinstall support-toolkit, or generate it with: support-toolkit samples --out "
                              f"{SAMPLES_DIR}")
    options = {
        "client": "Northwind Cloud",
        "tickets": tickets,
        "tickets_format": "auto",
        "messages": first("messages.csv.gz", "messages.csv"),
        "messages_format": "auto",
        "survey": first("survey_responses.csv"),
        "survey_format": "auto",
        "invitations": first("survey_invitations.csv.gz", "survey_invitations.csv"),
        "maturity": first("maturity_answers.csv"),
        "portfolio": first("portfolio_scores.csv"),
        "releases": first("releases.csv"),
        "timezone": "Europe/London",
        "name": DEMO_NAME,
    }
    return {k: v for k, v in options.items() if v is not None}


def _data_options(command):
    """The client's data options, shared by ``report`` and ``tables`` (same names, same meaning)."""
    for option in reversed([
        click.option("--client", help="The client's name, shown on the report's first screen."),
        click.option("--tickets", type=click.Path(), help="Ticket export (CSV/XLSX/JSON/Parquet)."),
        click.option("--tickets-format", default="auto", show_default=True,
                     help="Source format of the ticket export (auto-detected from its header by default)."),
        click.option("--messages", type=click.Path(), help="Message/comment export (optional)."),
        click.option("--messages-format", default="auto", show_default=True,
                     help="Source format of the message export."),
        click.option("--survey", type=click.Path(), help="Survey responses: CSAT, NPS, CES (optional)."),
        click.option("--survey-format", default="auto", show_default=True,
                     help="Source format of the survey export."),
        click.option("--invitations", type=click.Path(), help="Survey invitations, for response rates (optional)."),
        click.option("--maturity", type=click.Path(), help="Maturity interview answers, CSV or YAML (optional)."),
        click.option("--portfolio", type=click.Path(), help="Earlier engagements' maturity scores (optional)."),
        click.option("--period", help="START:END as dates, e.g. 2026-01-01:2026-06-30 (default: all the data)."),
        click.option("--timezone", default="UTC", show_default=True,
                     help="The client's time zone, e.g. Europe/London."),
        click.option("--no-redact", is_flag=True, help="Show e-mail addresses, phone numbers etc. in ticket text."),
        click.option("--show-names", is_flag=True,
                     help="Name agents and interviewees (internal use; by default agents are \"Agent 07\" and "
                          "interviewees role groups)."),
        click.option("--named-respondent", "named_respondents", multiple=True,
                     help="An interviewee who agreed to be named (as in the answers file); repeat for several."),
        click.option("--duplicates-representation", default="auto", show_default=True,
                     help="How the upstream-problems section reads ticket text: auto (hybrid where the semantic "
                          "extra is installed and there are at most 100,000 tickets, else tfidf), hybrid, tfidf or "
                          "semantic (see support-toolkit duplicates --help)."),
        click.option("--engagement", type=click.Path(),
                     help="Engagement file (YAML): your commentary, finding edits, interview quotes and cover."),
        click.option("--labels", type=click.Path(),
                     help="The duplicate explorer's labels file (default: duplicate_labels.json next to the tickets, "
                          "if there is one): names, merges and statuses of the upstream problems."),
        click.option("--releases", type=click.Path(),
                     help="The client's releases and changes, CSV or YAML (date, name, product): volume spikes are "
                          "reported with the change just before them (optional)."),
        click.option("--engine", type=click.Choice(ENGINES), default=ENGINES[0], show_default=True,
                     help="spark: load the tickets and messages on Apache Spark (CSV, Parquet or Delta files and "
                          "folders, lake URIs such as s3://..., or Spark table names) and search for duplicate "
                          "tickets there (docs/spark.md)."),
        click.option("--schedule", type=click.Path(),
                     help="The helpdesk's business-hours schedule (YAML): response times, SLA attainment and the "
                          "watermelon check in business minutes, as the helpdesk counts them (default: calendar)."),
    ]):
        command = option(command)
    return command


@click.command()
@_data_options
@click.option("--logo", type=click.Path(), help="Logo (PNG/JPEG/SVG) for the first screen.")
@click.option("--accent", default="#0b6e99", show_default=True, help="Accent colour as #RRGGBB.")
@click.option("--baseline", type=click.Path(file_okay=False),
              help="An earlier engagement's NAME.bundle folder: adds the section \"Since the last assessment\".")
@click.option("--notebook", type=click.Path(), help="Render this notebook instead of the engagement report.")
@click.option("--name", help="Output file name without extension (default: <client>-engagement).")
@click.option("--out", default="reports", show_default=True, type=click.Path(file_okay=False),
              help="Folder for the HTML report, the executed notebook and the results bundle.")
@click.option("--batch", type=click.Path(), help="Render every engagement listed in this YAML file.")
@click.option("--demo", is_flag=True, help="Render the sample client shipped with the toolkit.")
@click.option("--demo-after", is_flag=True, help="Render the sample client's later engagement (made on demand).")
@click.option("--pdf", is_flag=True, help="Also write NAME.pdf (A4) next to the HTML, printed by headless Chromium.")
@click.option("--quiet", is_flag=True, help="No progress bar.")
def report(client, tickets, tickets_format, messages, messages_format, survey, survey_format, invitations, maturity,
           portfolio, period, timezone, no_redact, show_names, named_respondents, duplicates_representation,
           engagement, labels, releases, engine, schedule, logo, accent, baseline, notebook, name, out, batch, demo,
           demo_after, pdf, quiet) -> None:
    """Render a client's HTML report from their exports.

    \b
    support-toolkit report --client "Acme" --tickets acme/tickets.csv --survey acme/nps.csv \\
        --period 2026-01-01:2026-06-30 --out reports
    support-toolkit report --batch engagements.yaml --out reports
    support-toolkit report --demo --pdf
    support-toolkit report --demo --engagement toolkit/samples/data/engagement.yaml --labels duplicate_labels.json

    Writes OUT/NAME.html (self-contained, offline), OUT/NAME.ipynb (the executed
    notebook, for audit) and OUT/NAME.bundle/ (every table, tables.xlsx, manifest.json);
    with --pdf also OUT/NAME.pdf (without Chromium the HTML is still written and the
    command says how to install it). With --baseline an earlier NAME.bundle adds "Since
    the last assessment". --engagement adds your commentary, finding edits, quotes and cover
    (docs/engagement-file.md); --labels lets the explorer's labels name the upstream problems.
    Exit code 2 with a message for bad parameters or data; with --batch, exit code 1 when any
    client failed (the others are still rendered; OUT/batch_summary.csv lists every client as
    ok, warned or failed).
    """
    from toolkit.report.batch import job_from_options, run_batch, summary_text
    from toolkit.report.render import render_report

    if batch:
        summary = run_batch(batch, out, progress=not quiet, echo=lambda m: click.echo(m, err=True), pdf=pdf)
        click.echo(summary_text(summary))
        if (summary["status"] == "failed").any():
            raise SystemExit(1)
        return
    if demo or demo_after:
        options = _demo_options(after=out if demo_after else None)
    else:
        options = _options(client, tickets, tickets_format, messages, messages_format, survey, survey_format,
                           invitations, maturity, portfolio, period, timezone, no_redact, duplicates_representation)
        options.update({k: v for k, v in {"logo": logo, "accent": accent, "notebook": notebook, "name": name}.items()
                        if v is not None})
    if baseline:
        options["baseline"] = baseline
    options.update(_people_options(show_names, named_respondents))
    options.update({k: v for k, v in {"engagement": engagement, "labels": labels, "releases": releases,
                                      "schedule": schedule, "engine": engine}.items() if v})
    job = job_from_options(options, base_dir=Path.cwd())
    result = render_report(job.parameters, out, job.name, notebook=job.notebook, title=job.title,
                           progress=not quiet, **({"pdf": True} if pdf else {}))
    also = f", {result.pdf.name}" if result.pdf else ""
    click.echo(f"wrote {result.html} ({result.size_bytes / 1e6:.1f} MB){also}, {result.notebook.name} and "
               f"{job.name}.bundle in {result.seconds:.0f} s")
    if result.pdf_problem:
        click.echo(result.pdf_problem, err=True)


def _people_options(show_names: bool, named_respondents: tuple[str, ...]) -> dict:
    """--show-names and --named-respondent as engagement keys (only when given, so batch defaults hold)."""
    return {**({"show_names": True} if show_names else {}),
            **({"named_respondents": list(named_respondents)} if named_respondents else {})}


def _options(client, tickets, tickets_format, messages, messages_format, survey, survey_format, invitations,
             maturity, portfolio, period, timezone, no_redact, duplicates_representation) -> dict:
    """The data options as engagement keys (see toolkit.report.batch), required ones checked."""
    options = {"client": client, "tickets": tickets, "tickets_format": tickets_format, "messages": messages,
               "messages_format": messages_format, "survey": survey, "survey_format": survey_format,
               "invitations": invitations, "maturity": maturity, "portfolio": portfolio, "period": period,
               "timezone": timezone, "redact_pii": not no_redact,
               "duplicates_representation": duplicates_representation}
    if not client:
        raise ConfigError("is missing", key="--client", fix='name the client, e.g. --client "Acme"')
    if not tickets:
        raise ConfigError("is missing", key="--tickets", fix="give the path of the client's ticket export")
    return {k: v for k, v in options.items() if v is not None}


@click.command()
@_data_options
@click.option("--name", help="Bundle name without extension (default: <client>-engagement).")
@click.option("--out", default="reports", show_default=True, type=click.Path(file_okay=False),
              help="Folder for the results bundle NAME.bundle.")
@click.option("--quiet", is_flag=True, help="No progress bar.")
def tables(client, tickets, tickets_format, messages, messages_format, survey, survey_format, invitations, maturity,
           portfolio, period, timezone, no_redact, show_names, named_respondents, duplicates_representation,
           engagement, labels, releases, engine, schedule, name, out, quiet) -> None:
    """Write a client's results bundle (every report table, tables.xlsx, manifest.json) without the HTML.

    \b
    support-toolkit tables --client "Acme" --tickets acme/tickets.csv --survey acme/nps.csv --out exports

    Takes the same data options as `support-toolkit report`; the bundle holds the same tables.
    """
    from toolkit.report.batch import job_from_options
    from toolkit.report.render import write_tables

    options = _options(client, tickets, tickets_format, messages, messages_format, survey, survey_format,
                       invitations, maturity, portfolio, period, timezone, no_redact, duplicates_representation)
    if name:
        options["name"] = name
    options.update(_people_options(show_names, named_respondents))
    options.update({k: v for k, v in {"engagement": engagement, "labels": labels, "releases": releases,
                                      "schedule": schedule, "engine": engine}.items() if v})
    job = job_from_options(options, base_dir=Path.cwd())
    bundle = write_tables(job.parameters, out, job.name, notebook=job.notebook, progress=not quiet)
    click.echo(f"wrote {bundle}")
