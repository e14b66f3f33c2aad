"""``support-toolkit duplicates``: cluster a ticket export into duplicate-issue groups."""

from __future__ import annotations

from pathlib import Path

import click
import pandas as pd

from toolkit.duplicates.representation import REPRESENTATIONS
from toolkit.errors import DataError
from toolkit.files import write_csv
from toolkit.validation import ENGINES


def summary_table(clusters: pd.DataFrame) -> pd.DataFrame:
    """The cluster summary as written to CSV: list columns joined with spaces, weekly counts with commas."""
    out = clusters.copy()
    for col in ("bug_keys", "problem_links", "representative_ids", "terms"):
        out[col] = [" ".join(map(str, v)) if col != "terms" else "; ".join(v) for v in out[col]]
    out["weekly_counts"] = [",".join(map(str, v)) for v in out["weekly_counts"]]
    return out


@click.command()
@click.argument("tickets", type=click.Path())  # with --engine spark also a Parquet folder or a Spark table name
@click.option("--source", default=None, help="Helpdesk of the export (zendesk, freshdesk, ...); default: detected.")
@click.option("--messages", type=click.Path(exists=True, dir_okay=False), default=None,
              help="Messages export, to find bug keys quoted anywhere in the conversations.")
@click.option("--out", required=True, type=click.Path(dir_okay=False),
              help="CSV with one row per ticket: ticket_id, cluster_id (-1 = unclustered), cluster_name.")
@click.option("--summary", type=click.Path(dir_okay=False), default=None,
              help="CSV with one row per cluster (default: next to --out, named *_summary.csv).")
@click.option("--threshold", type=float, default=None, help="Similarity needed to link two tickets (0-1).")
@click.option("--min-cluster-size", type=int, default=3, show_default=True, help="Smallest cluster reported.")
@click.option("--representation", type=click.Choice(list(REPRESENTATIONS)), default="auto", show_default=True,
              help="How text becomes vectors: auto (hybrid where the semantic extra is installed and there are at "
                   "most 100,000 tickets, else tfidf); hybrid (exact words and identifiers plus the sentence model, "
                   "best on technical reports); tfidf (fast, nothing to install); semantic (the packaged sentence "
                   "model, closest to how people read paraphrases, about 1,000 short texts a second; built once "
                   "and cached); semantic-static (its static word vectors, fast); tfidf-cosine (plain baseline).")
@click.option("--tz", default="UTC", show_default=True, help="Time zone of timestamps without an offset.")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--engine", type=click.Choice(ENGINES), default=ENGINES[0], show_default=True,
              help="pandas (one machine) or spark (vectors and neighbour search on a Spark session; "
                   "see docs/spark.md).")
@click.option("--save-model", type=click.Path(dir_okay=False), default=None,
              help="Also save the fitted model (reload with DuplicateFinder.load).")
@click.option("--previous", type=click.Path(exists=True, dir_okay=False), default=None,
              help="The --out CSV of an earlier run: a cluster that shares tickets with an earlier cluster keeps "
                   "its id (the one it shares most with); new clusters get ids above the earlier ones.")
def duplicates(tickets, source, messages, out, summary, threshold, min_cluster_size, representation, tz, seed,
               engine, save_model, previous) -> None:
    """Group TICKETS (a helpdesk export or canonical tickets file) into duplicate-issue clusters."""
    from toolkit.duplicates.model import DuplicateFinder
    from toolkit.io import load_messages, load_tickets

    conversation = load_messages(messages, tz=tz)[0] if messages else None
    if engine == "spark":
        found = _fit_on_spark(tickets, source, tz, conversation, representation, threshold, min_cluster_size, seed,
                              finder=bool(save_model), previous=previous)
        _write(found, out, summary, save_model)
        return
    earlier = previous_frame(previous) if previous else None
    frame, _report = load_tickets(tickets, source=source, tz=tz)
    text_fix = "export the tickets with their subject and description, or pass --messages with the conversations"
    texts = [frame[c] for c in ("subject", "description") if c in frame.columns]
    if conversation is None and not any(t.fillna("").astype("str").str.strip().ne("").any() for t in texts):
        raise DataError(f"every ticket's subject and description is empty ({len(frame)} tickets): there is no text "
                        "to group", file=tickets, fix=text_fix)
    try:
        finder = DuplicateFinder(representation=representation, threshold=threshold,
                                 min_cluster_size=min_cluster_size, seed=seed).fit(frame, messages=conversation,
                                                                                   previous=earlier)
    except ValueError as exc:
        if "empty vocabulary" not in str(exc):
            raise
        raise DataError("the tickets' text holds no words to compare (only stop words, numbers or symbols)",
                        file=tickets, fix=text_fix) from None
    _write(finder, out, summary, save_model)


PREVIOUS_COLUMNS = ("ticket_id", "cluster_id")
PREVIOUS_FIX = "pass the --out CSV of an earlier `duplicates` run as it was written"
FORMULA_QUOTE = r"^'(?=[=+\-@\t\r])"
PREVIOUS_CHUNK = 500_000
"""Rows of a --previous file checked at a time."""


def read_previous(path, chunk: int = PREVIOUS_CHUNK):
    """An earlier run's --out CSV, ``chunk`` rows at a time, as ``ticket_id`` (text) and ``cluster_id`` (integer):
    a missing column or a cluster id that is not a whole number stops with the file, column, rows and fix."""
    header = pd.read_csv(path, nrows=0, dtype="str").columns
    missing = [c for c in PREVIOUS_COLUMNS if c not in header]
    if missing:
        raise DataError(f"is missing; found {', '.join(f'`{c}`' for c in header[:6])}",
                        file=path, column=missing[0], fix=PREVIOUS_FIX)
    for part in pd.read_csv(path, usecols=list(PREVIOUS_COLUMNS), dtype="str", keep_default_na=False,
                            chunksize=chunk):
        bad = ~part["cluster_id"].str.strip().str.fullmatch(r"-?[0-9]+")
        if bad.any():
            raise DataError("cluster_id is not a whole number", file=path, column="cluster_id",
                            rows=(part.index[bad] + 2).tolist(), values=part["cluster_id"][bad].tolist(),
                            fix=PREVIOUS_FIX)
        # write_csv put a quote before an id a spreadsheet would read as a formula ('=12'): read it as written
        part["ticket_id"] = part["ticket_id"].str.replace(FORMULA_QUOTE, "", regex=True)
        yield part.astype({"cluster_id": "int64"})


def check_previous(path) -> None:
    """Check an earlier run's --out CSV a part at a time (:func:`read_previous`) without keeping it."""
    for _part in read_previous(path):
        pass


def previous_frame(path) -> pd.DataFrame:
    """The whole of an earlier run's --out CSV (:func:`read_previous`), each ticket id listed once."""
    frame = pd.concat(list(read_previous(path)), ignore_index=True)
    twice = frame["ticket_id"][frame["ticket_id"].duplicated()]
    if len(twice):
        raise DataError("ticket ids are listed more than once", file=path, column="ticket_id",
                        rows=(twice.index + 2).tolist(), values=twice.tolist(), fix=PREVIOUS_FIX)
    return frame


def _fit_on_spark(tickets, source, tz, conversation, representation, threshold, min_cluster_size, seed, *,
                  finder: bool, previous=None):
    """``duplicates --engine spark``: tickets loaded by Spark and clustered there with only per-cluster rows on the
    driver (:mod:`toolkit.spark.summaries`); a whole finder on the driver (:mod:`toolkit.spark.duplicates`) when
    it is to be saved. ``previous`` (an earlier --out CSV) is checked a part at a time and read by Spark."""
    from toolkit.spark import load as spark_load
    from toolkit.spark.duplicates import find_duplicates
    from toolkit.spark.summaries import cluster_duplicates

    frame, _report = spark_load.load_tickets(tickets, source=source, tz=tz)
    earlier = _previous_on_spark(frame.sparkSession, previous) if previous else None
    fit = find_duplicates if finder else cluster_duplicates
    try:
        return fit(frame, representation=representation, threshold=threshold, min_cluster_size=min_cluster_size,
                   seed=seed, messages=conversation, previous=earlier)
    except ValueError as exc:
        if "empty vocabulary" not in str(exc):
            raise
        raise DataError("the tickets' text holds no words to compare (only stop words, numbers or symbols)",
                        file=tickets, fix="export the tickets with their subject and description") from None


def _previous_on_spark(spark, path):
    """An earlier run's --out CSV as a Spark table (``ticket_id``, ``cluster_id``), checked a part at a time on the
    driver (:func:`check_previous`) and for ids listed twice by Spark."""
    from pyspark.sql import functions as F

    check_previous(path)
    earlier = (spark.read.options(header=True, escape='"').csv(str(path))
               .select(F.regexp_replace("ticket_id", FORMULA_QUOTE, "").alias("ticket_id"),
                       F.trim("cluster_id").cast("long").alias("cluster_id")))
    twice = earlier.groupBy("ticket_id").count().filter(F.col("count") > 1).select("ticket_id").limit(5)
    examples = [r["ticket_id"] for r in twice.collect()]
    if examples:
        raise DataError(f"ticket ids are listed more than once (e.g. {', '.join(map(repr, examples))})",
                        file=path, column="ticket_id", fix=PREVIOUS_FIX)
    return earlier


def _write(finder, out, summary, save_model) -> None:
    """Write the per-ticket and per-cluster CSVs (and the model), and print what was found.

    ``finder`` is a fitted :class:`~toolkit.duplicates.model.DuplicateFinder`, or the
    :class:`~toolkit.spark.summaries.SparkClusters` whose assignments are streamed from Spark."""
    out = Path(out)
    summary = Path(summary) if summary else out.with_name(f"{out.stem}_summary.csv")
    if hasattr(finder, "write_assignments"):
        finder.write_assignments(out)
        n_tickets = finder.n_tickets
    else:
        names = finder.clusters_.set_index("cluster_id")["name"]
        rows = finder.assignments_.copy()
        rows["cluster_name"] = rows["cluster_id"].map(names).astype(object).fillna("")
        write_csv(rows, out)  # atomic, formula-safe; creates missing folders
        n_tickets = len(rows)
    write_csv(summary_table(finder.clusters_), summary)
    if save_model:
        finder.save(save_model)
    clustered = int(finder.clusters_["tickets"].sum())
    click.echo(f"{n_tickets} tickets: {len(finder.clusters_)} clusters holding {clustered} tickets, "
               f"{n_tickets - clustered} unclustered. Wrote {out} and {summary}.")
    for row in finder.clusters_.head(5).itertuples():
        flag = " (emerging)" if row.emerging is True else ""
        click.echo(f"  #{row.cluster_id} {row.name}: {row.tickets} tickets{flag}")
    for note in finder.clusters_.attrs.get("notes", []):
        click.echo(f"  note: {note}")
