"""The report on the Spark engine: the same results bundle as the pandas engine's, table for table."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from toolkit.report.parameters import validate_parameters
from toolkit.report.render import write_tables
from toolkit.samples import SAMPLES_DIR

SEPTEMBER = {"client_name": "Northwind Cloud", "timezone": "Europe/London", "period_start": "2026-09-01",
             "period_end": "2026-09-30", "tickets_path": str(SAMPLES_DIR / "tickets.csv.gz"),
             "messages_path": str(SAMPLES_DIR / "messages.csv.gz"),
             "survey_path": str(SAMPLES_DIR / "survey_responses.csv"),
             "invitations_path": str(SAMPLES_DIR / "survey_invitations.csv.gz"),
             "maturity_path": str(SAMPLES_DIR / "maturity_answers.csv")}
"""The sample client's last month: 2,466 tickets (Europe/London), under both engines' exact-search limit."""


@pytest.fixture(scope="module")
def bundles(spark, tmp_path_factory):
    """The September bundle by pandas from the exports, and by Spark with the tickets as a Parquet folder
    written by ``support-toolkit load tickets --engine spark`` (as a lake would hold them)."""
    from toolkit.spark.load import load_tickets, write_table

    out = tmp_path_factory.mktemp("engines")
    frame, report = load_tickets(SEPTEMBER["tickets_path"], spark=spark, tz="Europe/London")
    folder = write_table(frame, out / "tickets.parquet", report=report)
    by_pandas = write_tables(validate_parameters(SEPTEMBER), out, "pandas", progress=False)
    by_spark = write_tables(validate_parameters({**SEPTEMBER, "engine": "spark", "tickets_path": str(folder)}),
                            out, "spark", progress=False)
    return by_pandas, by_spark


def _tables(bundle) -> dict[str, pd.DataFrame]:
    return {p.stem: pd.read_parquet(p) for p in sorted((bundle / "tables").glob("*.parquet"))}


def test_the_spark_engine_gives_every_table_of_the_pandas_engine(bundles):
    by_pandas, by_spark = (_tables(b) for b in bundles)
    assert sorted(by_spark) == sorted(by_pandas)
    assert {"ops_sla", "ops_watermelon", "survey_summary", "problem_clusters", "roadmap_steps"} <= set(by_pandas)
    for name, expected in by_pandas.items():
        got = by_spark[name]
        if name == "data_quality":  # the tickets come from the Parquet folder: its name, the same rows
            assert got.loc[0, "file"] == "tickets.parquet" and expected.loc[0, "file"] == "tickets.csv.gz"
            got, expected = got.drop(columns="file"), expected.drop(columns="file")
        pd.testing.assert_frame_equal(got, expected, check_exact=False, rtol=1e-9, atol=0, obj=name)


def test_the_spark_bundle_reads_the_same_month_of_rows(bundles):
    quality = _tables(bundles[1])["data_quality"].set_index("table")
    assert quality.loc["tickets", ["rows_read", "rows_used"]].tolist() == [20000, 2466]
    assert quality.loc["messages", "rows_read"] == 94885
    manifest = json.loads((bundles[1] / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["parameters"]["engine"] == "spark"


def test_the_report_reads_tickets_from_a_spark_table_or_a_lake_uri(spark, bundles):
    """A lake's tickets by table name or URI give the same period as the Parquet folder; the manifest names the
    source as given, with no hash (there is no local file)."""
    from toolkit.report import load_engagement, results_bundle

    folder = bundles[1].parent / "tickets.parquet"
    spark.read.parquet(str(folder)).createOrReplaceTempView("lake_tickets")
    month = {k: SEPTEMBER[k] for k in ("client_name", "timezone", "period_start", "period_end")}
    by_folder = load_engagement(validate_parameters({**month, "engine": "spark", "tickets_path": str(folder)}))
    for source in ("lake_tickets", folder.as_uri()):
        params = validate_parameters({**month, "engine": "spark", "tickets_path": source})
        engagement = load_engagement(params)
        pd.testing.assert_frame_equal(engagement.tickets, by_folder.tickets)
        assert engagement.inputs.loc[0, ["file", "rows_read", "rows_used"]].tolist() == [source, 20000, 2466]
        assert results_bundle(params, engagement, {}).manifest["inputs"] == [
            {"table": "tickets", "file": source, "sha256": None, "bytes": None, "rows_read": 20000, "rows_used": 2466}]
