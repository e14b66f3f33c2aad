"""``support-toolkit load KIND FILE``: turn an export into a canonical Parquet table and print the load report."""

from __future__ import annotations

import click

from toolkit.validation import ENGINES

KINDS = {"tickets": "load_tickets", "messages": "load_messages", "survey": "load_survey_responses",
         "invitations": "load_invitations"}


@click.command()
@click.argument("kind", type=click.Choice(list(KINDS)))
@click.argument("file", type=click.Path())  # with --engine spark also a Parquet folder or a Spark table name
@click.option("--source", help="The exporting tool (zendesk, freshdesk, servicenow, ...); default: detected.")
@click.option("--mapping", type=click.Path(dir_okay=False), help="YAML mapping {canonical column: your column}.")
@click.option("--tz", default="UTC", show_default=True, help="Time zone of dates written without an offset.")
@click.option("--survey", type=click.Choice(["csat", "nps", "ces"]), help="Survey type (survey/invitations).")
@click.option("--scale", type=click.Choice(["0-10", "1-5", "1-7", "binary"]), help="Answer scale (survey).")
@click.option("--extra", multiple=True, help="Vendor column (or pattern) to keep in `extra`; repeatable.")
@click.option("--dayfirst", is_flag=True, help="Read 03/04/2026 as 3 April.")
@click.option("--engine", type=click.Choice(ENGINES), default=ENGINES[0], show_default=True,
              help="spark: map and check the rows in Spark (tickets and messages; FILE may also be a Parquet "
                   "folder or a Spark table name) and write a folder of Parquet parts.")
@click.option("--out", required=True, type=click.Path(), help="Parquet file (a folder with --engine spark) to write.")
@click.option("--rejected", "rejected_out", type=click.Path(dir_okay=False),
              help="Also write the rejected rows (row, column, value, reason) to this CSV.")
def load(kind, file, source, mapping, tz, survey, scale, extra, dayfirst, engine, out, rejected_out):
    """Load FILE (a helpdesk, survey or message export) as a canonical KIND table.

    KIND is tickets, messages, survey or invitations. Prints the load report: rows read,
    kept and rejected with reasons, coercions applied and columns ignored. Exit code 0 on
    success, 2 with the message on stderr when the file cannot be used.
    """
    import toolkit.io as tio
    from toolkit.files import write_csv

    kwargs = {"source": source, "mapping": mapping, "tz": tz, "dayfirst": dayfirst}
    if engine == "spark":
        _load_on_spark(kind, file, kwargs, extra, out, rejected_out)
        return
    if kind == "tickets":
        kwargs["extra"] = list(extra)
    if kind in ("survey", "invitations"):
        kwargs["survey"] = survey
    if kind == "survey":
        kwargs["scale"] = scale
    frame, report = getattr(tio, KINDS[kind])(file, **kwargs)
    tio.write_table(frame, out, table=report.table, report=report)
    if rejected_out:
        write_csv(report.rejected, rejected_out)
    click.echo(report.summary())
    click.echo(f"wrote {len(frame)} rows to {out}")


def _load_on_spark(kind, file, kwargs, extra, out, rejected_out) -> None:
    """``load --engine spark``: the same mapping and report, the rows mapped and written by Spark."""
    from toolkit.errors import ConfigError
    from toolkit.files import write_csv
    from toolkit.spark import load as spark_load

    if kind not in ("tickets", "messages"):
        raise ConfigError(f"the Spark engine loads tickets and messages, not {kind}", key="engine",
                          fix="load survey files with the pandas engine (leave out --engine spark)")
    if kind == "tickets":
        kwargs["extra"] = list(extra)
    frame, report = getattr(spark_load, f"load_{kind}")(file, **kwargs)
    spark_load.write_table(frame, out, report=report)
    if rejected_out:
        write_csv(report.rejected, rejected_out)
    click.echo(report.summary())
    click.echo(f"wrote {report.rows_kept} rows to {out}")
