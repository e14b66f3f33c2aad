"""toolkit.report.parameters: every bad parameter is caught before a notebook runs, with a clear message."""

from datetime import date

import pytest

from toolkit.errors import ConfigError
from toolkit.report.parameters import ReportParameters, parse_period, validate_parameters


@pytest.fixture
def tickets(tmp_path):
    path = tmp_path / "tickets.csv"
    path.write_text("ticket_id,created_at,status,channel\n1,2026-01-01,open,email\n")
    return path


def test_valid_parameters_are_normalised(tmp_path, tickets):
    params = validate_parameters({"client_name": " Acme ", "tickets_path": "tickets.csv", "period_start": "2026-01-01",
                                  "period_end": "2026-06-30", "timezone": "Europe/London",
                                  "sla_targets": {"urgent": 60}, "segments": ["team"], "redact_pii": "false",
                                  "accent_colour": "#ABC"}, base_dir=tmp_path)
    assert params.client_name == "Acme"
    assert params.tickets_path == tickets.resolve()
    assert params.messages_path is None
    assert (params.period_start, params.period_end) == (date(2026, 1, 1), date(2026, 6, 30))
    assert params.sla_targets == {"urgent": 60.0}
    assert params.segments == ("team",)
    assert params.redact_pii is False
    notebook = params.as_notebook_parameters()
    assert notebook["tickets_path"] == str(tickets.resolve()) and notebook["messages_path"] == ""
    assert notebook["period_start"] == "2026-01-01" and notebook["segments"] == ["team"]


@pytest.mark.parametrize(("values", "message"), [
    ({"tickets_path": "missing.csv"},
     "`tickets_path`: file missing.csv does not exist. Fix: check the path; relative paths are read from {tmp}"),
    ({"tickets_path": "."},
     "`tickets_path`: . is a folder, not a file. Fix: pass the path of the exported file itself (a Parquet or "
     'Delta folder loads with engine="spark")'),
    ({"maturity_model": "."}, "`maturity_model`: . is a folder, not a file. Fix: pass the path of the exported file "
                              "itself"),
    ({"engine": "dask"}, "`engine`: 'dask' is not an engine. Fix: use one of pandas, spark"),
    ({"tickets_path": 3}, '`tickets_path`: expected text, got int 3. Fix: pass a string, e.g. tickets_path="..."'),
    ({"client_name": ""}, "`client_name`: is empty. Fix: pass a non-empty value"),
    ({"period_start": "31/01/2026"}, "`period_start`: '31/01/2026' is not a date. Fix: write it as YYYY-MM-DD, "
                                     "e.g. 2026-01-31"),
    ({"period_start": "2026-06-30", "period_end": "2026-01-01"},
     "`period_end`: the period ends (2026-01-01) before it starts (2026-06-30). Fix: swap period_start and period_end"),
    ({"timezone": "Europe/Londres"}, "`timezone`: unknown time zone 'Europe/Londres'. "
                                     "Fix: use an IANA name such as 'Europe/London', 'America/New_York' or 'UTC'"),
    ({"accent_colour": "blue"}, "`accent_colour`: 'blue' is not a hex colour. Fix: write it as \"#RRGGBB\", "
                                'e.g. "#0b6e99"'),
    ({"sla_targets": {"urgent": -5}}, "`sla_targets.urgent`: SLA target for 'urgent' must be a positive number of "
                                      "minutes, got -5. Fix: give the first-reply target in calendar minutes, e.g. 240 "
                                      "for 4 hours"),
    ({"sla_targets": {"critical": 5}}, "`sla_targets`: unknown priority 'critical' in SLA targets. "
                                       "Fix: use the priorities low, normal, high, urgent"),
    ({"sla_targets": [60]}, "`sla_targets`: expected a mapping of priority to minutes, got list. "
                            'Fix: pass e.g. {{"urgent": 60, "high": 240, "normal": 480, "low": 1440}}'),
    ({"segments": ["region"]}, "`segments`: 'region' is not a segment column. "
                               "Fix: use some of team, channel, priority, product, assignee, organization_id"),
    ({"redact_pii": "maybe"}, "`redact_pii`: expected true or false, got 'maybe'. "
                              "Fix: pass redact_pii=True or redact_pii=False"),
    ({"tickts_path": "x"}, "`tickts_path`: is not a report parameter. Fix: did you mean `tickets_path`?"),
    ({"logo_path": "tickets.csv"}, "`logo_path`: tickets.csv is not an image. Fix: use a PNG, JPEG or SVG file"),
    ({"duplicates_representation": "bert"}, "`duplicates_representation`: 'bert' is not a duplicate-clustering "
                                            "representation. Fix: use one of auto, tfidf, tfidf-cosine, "
                                            "semantic-static, semantic, hybrid"),
])
def test_bad_parameters_raise_one_clear_error(tmp_path, tickets, values, message):
    values = {"tickets_path": "tickets.csv", **values}
    with pytest.raises(ConfigError) as err:
        validate_parameters(values, base_dir=tmp_path)
    assert str(err.value) == message.format(tmp=tmp_path.resolve())


def test_the_priority_error_reads_the_same_in_the_report_and_the_helpdesk_functions(tmp_path, tickets):
    from toolkit.ops.facts import check_targets

    with pytest.raises(ConfigError) as report_error:
        validate_parameters({"tickets_path": "tickets.csv", "sla_targets": {"critical": 5}}, base_dir=tmp_path)
    with pytest.raises(ConfigError) as ops_error:
        check_targets({"critical": 5})  # what every ops function with targets= calls first
    assert report_error.value.problem == ops_error.value.problem == "unknown priority 'critical' in SLA targets"
    assert report_error.value.fix == ops_error.value.fix == "use the priorities low, normal, high, urgent"


def test_tickets_are_required(tmp_path):
    with pytest.raises(ConfigError, match="`tickets_path`: is empty"):
        validate_parameters({}, base_dir=tmp_path)


def test_parse_period():
    assert parse_period("2026-01-01:2026-06-30") == (date(2026, 1, 1), date(2026, 6, 30))
    assert parse_period("2026-01-01:") == (date(2026, 1, 1), None)
    with pytest.raises(ConfigError) as err:
        parse_period("2026-01-01..2026-06-30")
    assert str(err.value) == ("`period`: '2026-01-01..2026-06-30' is not a period. Fix: write START:END as dates, "
                              "e.g. 2026-01-01:2026-06-30 (either side may be empty)")
    with pytest.raises(ConfigError, match=r"`period`: starts \(2026-06-30\) after it ends \(2026-01-01\)"):
        parse_period("2026-06-30:2026-01-01")


def test_defaults_are_the_dataclass_defaults():
    assert ReportParameters().redact_pii is True


@pytest.mark.parametrize("engine", [None, "", "  ", " Pandas "])
def test_an_empty_engine_is_pandas(tmp_path, tickets, engine):
    assert validate_parameters({"tickets_path": "tickets.csv", "engine": engine}, base_dir=tmp_path).engine == "pandas"


def test_the_spark_engine_takes_parquet_folders_for_tickets_and_messages(tmp_path, tickets):
    (tmp_path / "tickets.parquet").mkdir()
    (tmp_path / "messages.parquet").mkdir()
    params = validate_parameters({"tickets_path": "tickets.parquet", "messages_path": "messages.parquet",
                                  "engine": "Spark"}, base_dir=tmp_path)
    assert (params.engine, params.tickets_path, params.messages_path) == (
        "spark", (tmp_path / "tickets.parquet").resolve(), (tmp_path / "messages.parquet").resolve())
    assert params.as_notebook_parameters()["engine"] == "spark"
    with pytest.raises(ConfigError, match=r"^`survey_path`: \. is a folder, not a file\. Fix: pass the path of the "
                                          r"exported file itself$"):
        validate_parameters({"tickets_path": "tickets.parquet", "survey_path": ".", "engine": "spark"},
                            base_dir=tmp_path)


def test_the_spark_engine_takes_lake_uris_and_table_names_as_given(tmp_path, tickets):
    params = validate_parameters({"tickets_path": "lake.zendesk_tickets", "messages_path": "s3://acme/comments/",
                                  "engine": "spark"}, base_dir=tmp_path)
    assert (params.tickets_path, params.messages_path, params.labels_path) == (
        "lake.zendesk_tickets", "s3://acme/comments/", None)
    assert params.as_notebook_parameters()["messages_path"] == "s3://acme/comments/"
    assert validate_parameters({"tickets_path": "tickets.csv", "engine": "spark"},
                               base_dir=tmp_path).tickets_path == (tmp_path / "tickets.csv").resolve()
    with pytest.raises(ConfigError, match=r"^`tickets_path`: file missing\.csv does not exist"):
        validate_parameters({"tickets_path": "missing.csv", "engine": "spark"}, base_dir=tmp_path)
    with pytest.raises(ConfigError, match=r"^`tickets_path`: file lake\.zendesk_tickets does not exist"):
        validate_parameters({"tickets_path": "lake.zendesk_tickets"}, base_dir=tmp_path)  # pandas reads files only


def test_the_spark_engine_without_pyspark_says_how_to_install_it(tmp_path, tickets, monkeypatch):
    monkeypatch.setitem(__import__("sys").modules, "pyspark", None)  # import pyspark raises ImportError
    with pytest.raises(ConfigError) as err:
        validate_parameters({"tickets_path": "tickets.csv", "engine": "spark"}, base_dir=tmp_path)
    assert str(err.value) == ("`engine`: the Spark engine needs pyspark, which is not installed. Fix: pip install "
                              '"support-toolkit[spark]" (and Java 17 or newer), or use --engine pandas')
