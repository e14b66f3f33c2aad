"""An engagement's input files loaded once for a report, with every row accounted for.

:func:`load_engagement` reads the files named in the report parameters into
canonical tables, keeps the rows inside the report period, and records for every
file how many rows were read, kept, rejected (and why) and left out as outside
the period. :func:`data_quality` and :func:`rejection_reasons` turn that record
into the data-quality appendix.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import pandas as pd

from toolkit import schema
from toolkit.errors import DataError
from toolkit.report.export import period_label
from toolkit.report.parameters import ReportParameters, input_name
from toolkit.report.people import agent_names, agent_pseudonyms, pseudonymise_text, respondent_ids
from toolkit.schema import has_values

INPUT_COLUMNS = ["file", "table", "format", "rows_read", "rows_kept", "rows_rejected", "outside_period",
                 "rows_used", "notes"]
REASON_COLUMNS = ["file", "column", "reason", "rows", "first_rows"]

# Free-text columns masked with toolkit.pii.redact at load when redact_pii is set, so no later step can show PII.
TEXT_COLUMNS = {"tickets": ("subject", "description"), "messages": ("body",), "survey_responses": ("comment",),
                "maturity_answers": ("note",)}

# The canonical table each input parameter holds, and the time column that places a row in the period.
_INPUTS = (
    ("tickets_path", "tickets_format", "tickets", "created_at"),
    ("messages_path", "messages_format", "messages", None),
    ("survey_path", "survey_format", "survey_responses", "submitted_at"),
    ("invitations_path", None, "survey_invitations", "sent_at"),
    ("maturity_path", None, "maturity_answers", None),
)


@dataclass
class Engagement:
    """The canonical tables of one client for the report period, and how each file loaded.

    Tables not given are ``None``. ``inputs`` has one row per file with the columns
    of :data:`INPUT_COLUMNS`; ``rejected`` one row per rejected input row
    (file, row, column, value, reason).
    """

    parameters: ReportParameters
    tickets: pd.DataFrame
    messages: pd.DataFrame | None = None
    survey_responses: pd.DataFrame | None = None
    survey_invitations: pd.DataFrame | None = None
    maturity_answers: pd.DataFrame | None = None
    inputs: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=INPUT_COLUMNS))
    rejected: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["file", *schema.REJECTED_COLUMNS]))

    @property
    def period(self) -> str:
        """The period the tickets really cover, in words (the report's first screen shows it)."""
        created = self.tickets["created_at"]
        if not len(created):
            return period_label(self.parameters.period_start, self.parameters.period_end)
        local = created.dt.tz_convert(self.parameters.timezone)
        return period_label(self.parameters.period_start or local.min().date(),
                            self.parameters.period_end or local.max().date())

    @property
    def span(self) -> tuple[pd.Timestamp, pd.Timestamp] | None:
        """First and last day (local) the tickets cover; trend charts leave out periods outside it in part."""
        created = self.tickets["created_at"].dropna()
        if not len(created):
            return None
        local = created.dt.tz_convert(self.parameters.timezone).dt.tz_localize(None)
        return local.min().normalize(), local.max().normalize()


def _read(path: Path | str, table: str, fmt: str, params: ReportParameters,
          tickets: pd.DataFrame | None) -> tuple[pd.DataFrame, pd.DataFrame, int, int, str]:
    """One file through its toolkit loader: (canonical frame, rejected rows, rows read, rows kept, how it was read).

    With ``engine="spark"`` tickets and messages are read, mapped and checked on Spark
    (:mod:`toolkit.spark.load`: the same mappings, rejection reasons and load report), and only the rows
    that can be in the period (tickets created within a day of it, messages of those ``tickets``) come to
    this process for the report's statistics; survey and interview files load with pandas.
    """
    if table == "maturity_answers":
        from toolkit.maturity.answers import read_answers

        answers = read_answers(path, params.maturity_model)
        return answers, pd.DataFrame(columns=schema.REJECTED_COLUMNS), len(answers), len(answers), ""
    from toolkit import io

    loader = {"tickets": io.load_tickets, "messages": io.load_messages,
              "survey_responses": io.load_survey_responses, "survey_invitations": io.load_invitations}[table]
    if params.engine == "spark":
        from toolkit.spark import load as spark_load

        if table in spark_load.TABLES:
            loader = partial(spark_load.load_collected, table=table, where=_spark_filter(table, params, tickets))
    try:
        frame, report = loader(path, source=None if fmt in ("auto", "canonical") else fmt, tz=params.timezone)
    except DataError as exc:
        if not exc.sources and exc.mapping is None:
            raise
        raise exc.with_fix(_report_fix(exc, path, table)) from None
    source = "canonical columns" if report.source == "generic" and fmt in ("auto", "canonical") else report.source
    how = f"{source} ({'detected' if report.source_detected else 'given'})"
    notes = f"{how}." + (" " + "; ".join(n.rstrip(".") for n in report.notes) + "." if report.notes else "")
    return frame, report.rejected, report.rows_read, report.rows_kept, notes


def _spark_filter(table: str, params: ReportParameters, tickets: pd.DataFrame | None):
    """Which rows Spark brings to this process: tickets created within a day of the period, the messages of the
    period's ``tickets`` (all messages when there are none)."""
    from toolkit.spark import load as spark_load

    if table == "tickets":
        return spark_load.created_near(params.period_start, params.period_end)
    return spark_load.of_tickets(tickets["ticket_id"]) if tickets is not None else None


def _report_fix(exc: DataError, path: Path, table: str) -> str:
    """The loader's fix (its ``sources`` and ``mapping``) said in the report's terms."""
    kind = {"survey_responses": "survey", "survey_invitations": "invitations"}.get(table, table)
    content = f"e.g. {exc.mapping}" if exc.mapping else "canonical column: your column"
    convert = (f"map the columns once: write my-columns.yaml ({content}), run `support-toolkit load {kind} {path} "
               f"--mapping my-columns.yaml --out {kind}.parquet` and give the report that Parquet file")
    option = {"tickets": "--tickets-format", "messages": "--messages-format", "survey_responses": "--survey-format"}
    if exc.sources and table in option:
        return (f"name the exporting tool with {option[table]} (`{option[table][2:].replace('-', '_')}` in a "
                f"batch file or notebook), one of {', '.join(exc.sources)}; or {convert}")
    return convert[0].upper() + convert[1:]


def _redact(frame: pd.DataFrame, columns: tuple[str, ...], organisations: list[str],
            domains: list[str]) -> tuple[pd.DataFrame, int]:
    """``frame`` with personal data masked in ``columns`` (the ``organisations`` named and those spelling one
    of the customers' e-mail ``domains`` included), and how many values changed."""
    from toolkit.pii import redact

    changed = 0
    for column in columns:
        if has_values(frame, column):
            masked = redact(frame[column], organisations=organisations, domains=domains)
            changed += int((frame[column].notna() & (masked != frame[column])).sum())
            frame[column] = masked
    return frame, changed


def _organisations(tickets: pd.DataFrame | None) -> list[str]:
    """The customer organisations' names when the export holds names (Zendesk's "Organization"), not ids."""
    if tickets is None or not has_values(tickets, "organization_id"):
        return []
    return [n for n in tickets["organization_id"].dropna().astype("str").unique() if not n.strip().isdigit()]


def _pseudonymise(tables: dict[str, pd.DataFrame | None], key: str) -> bool:
    """Agents replaced by their "Agent 07" labels in every column and text that holds them (in place).

    Returns whether there were agents to replace.
    """
    tickets, messages = tables.get("tickets"), tables.get("messages")
    labels = agent_pseudonyms(agent_names(tickets, messages), key=key)
    if not labels:
        return False
    if tickets is not None and "assignee" in tickets.columns:
        tickets["assignee"] = tickets["assignee"].map(labels, na_action="ignore").where(
            tickets["assignee"].notna(), tickets["assignee"]).astype(tickets["assignee"].dtype)
    if messages is not None and "author" in messages.columns:
        agent = messages["author_role"].eq("agent") & messages["author"].notna()
        messages["author"] = messages["author"].where(~agent, messages["author"].map(labels, na_action="ignore"))
    for table, columns in TEXT_COLUMNS.items():
        frame = tables.get(table)
        for column in columns:
            if frame is not None and has_values(frame, column):
                frame[column] = pseudonymise_text(frame[column], labels)
    return True


def _in_period(times: pd.Series, params: ReportParameters) -> pd.Series:
    local_dates = times.dt.tz_convert(params.timezone).dt.date
    keep = pd.Series(True, index=times.index)
    if params.period_start:
        keep &= local_dates >= params.period_start
    if params.period_end:
        keep &= local_dates <= params.period_end
    return keep.fillna(False).astype(bool)


def load_engagement(params: ReportParameters) -> Engagement:
    """Load every input file named in ``params`` and keep the rows inside the report period.

    Tickets are kept when created inside the period (in the client's time zone),
    messages when their ticket is kept, survey responses and invitations when
    submitted or sent inside the period; maturity answers are not dated. With
    ``redact_pii`` (the default) personal data in the free-text columns
    (:data:`TEXT_COLUMNS`) is masked here, before any analysis sees the text (customer
    organisations named in the tickets' organisation column included). Unless ``show_names``,
    agents become stable pseudonyms ("Agent 07") in every column and text, and interviewees
    "Respondent 1"... (the report shows them by role group; see :mod:`toolkit.report.people`).
    """
    tables: dict[str, pd.DataFrame | None] = {}
    rows, rejected = [], []
    for path_key, format_key, table, time_col in _INPUTS:
        path = getattr(params, path_key)
        if path is None:
            tables[table] = None
            continue
        fmt = getattr(params, format_key) if format_key else "auto"
        frame, bad, read, loaded, notes = _read(path, table, fmt, params, tables.get("tickets"))
        if time_col is not None:
            keep = _in_period(frame[time_col], params)
        elif table == "messages" and tables.get("tickets") is not None:
            keep = frame["ticket_id"].isin(tables["tickets"]["ticket_id"])
        else:
            keep = pd.Series(True, index=frame.index)
        frame = frame[keep.to_numpy()].reset_index(drop=True)
        outside = loaded - len(frame)  # the Spark engine leaves rows far outside the period on Spark
        if table == "maturity_answers" and not params.show_names:
            frame = respondent_ids(frame, named=params.named_respondents)
            notes = f"{notes} Interviewees shown by role group.".strip()
        if table == "tickets" and not len(frame):
            raise _no_tickets(path, read, bad, outside)
        tables[table] = frame
        rows.append({"file": input_name(path), "table": table, "format": fmt, "rows_read": read,
                     "rows_kept": loaded, "rows_rejected": len(bad), "outside_period": outside,
                     "rows_used": len(frame),
                     "notes": notes})
        if len(bad):
            rejected.append(bad.assign(file=input_name(path))[["file", *schema.REJECTED_COLUMNS]])
    if params.redact_pii:
        # every table is read first: the customers' e-mail domains anywhere name organisations everywhere
        from toolkit.pii import email_domains

        texts = [f[c] for t, f in tables.items() if f is not None for c in TEXT_COLUMNS.get(t, ()) if c in f.columns]
        domains = email_domains(pd.concat(texts, ignore_index=True) if texts else [], exclude=[params.client_name])
        organisations = _organisations(tables.get("tickets"))
        for row in rows:
            frame, masked = _redact(tables[row["table"]], TEXT_COLUMNS.get(row["table"], ()), organisations, domains)
            if masked:
                noun = "value" if masked == 1 else "values"
                row["notes"] = f"{row['notes']} Personal data masked in {masked:,} text {noun}.".strip()
    if not params.show_names and _pseudonymise(tables, key=params.client_name):
        for row in rows:
            if row["table"] in ("tickets", "messages"):
                row["notes"] = f"{row['notes']} Agents shown as pseudonyms (Agent 01...).".strip()
    return Engagement(
        parameters=params,
        tickets=tables["tickets"],
        messages=tables["messages"],
        survey_responses=tables["survey_responses"],
        survey_invitations=tables["survey_invitations"],
        maturity_answers=tables["maturity_answers"],
        inputs=pd.DataFrame(rows, columns=INPUT_COLUMNS),
        rejected=(pd.concat(rejected, ignore_index=True) if rejected
                  else pd.DataFrame(columns=["file", *schema.REJECTED_COLUMNS])),
    )


TABLE_NAMES = {"tickets": "Tickets", "messages": "Messages", "survey_responses": "Survey answers",
               "survey_invitations": "Survey invitations", "maturity_answers": "Interview answers"}
"""Each canonical table (:data:`toolkit.schema.TABLES`) as the data-quality appendix names it for the client."""
def _no_tickets(path: Path | str, read: int, bad: pd.DataFrame, outside: int) -> DataError:
    """Why a report cannot be made: no ticket is left to analyse (all rejected, none in the period, none at all)."""
    if len(bad):
        top = bad.groupby(["column", "reason"], sort=False).size().sort_values(ascending=False, kind="stable")
        (column, reason), count = top.index[0], int(top.iloc[0])
        return DataError(f"all {read:,} ticket rows were rejected; the most common reason: {reason} "
                         f"({count:,} rows)", file=str(path), column=str(column),
                         fix="check that this is the ticket export and that its format is the one named "
                             "(--tickets-format); the rows rejected are listed by `support-toolkit load tickets`")
    if outside:
        return DataError(f"none of the {outside:,} tickets was created inside the report period", file=str(path),
                         fix="check --period (period_start / period_end) against the export's dates")
    return DataError("the ticket export holds no tickets", file=str(path), fix="export the tickets again")


WARN_REJECTED_SHARE = 0.05
"""A file with at least this share of its rows rejected is named in the batch summary's warnings."""


def input_warnings(engagement: Engagement) -> list[str]:
    """What a consultant should check before sending the report: files with many rows rejected.

    One sentence per file with at least :data:`WARN_REJECTED_SHARE` of its rows rejected.
    """
    out = []
    for r in engagement.inputs.itertuples():
        if r.rows_read and r.rows_rejected / r.rows_read >= WARN_REJECTED_SHARE:
            out.append(f"{r.file}: {r.rows_rejected:,} of {r.rows_read:,} rows rejected "
                       f"({r.rows_rejected / r.rows_read:.0%})")
    return out


def data_quality(engagement: Engagement) -> pd.DataFrame:
    """One row per input file: rows read, kept, rejected, outside the period, used; plus notes.

    Rows read = rows kept + rows rejected; rows used = rows kept - outside period.
    """
    return engagement.inputs.copy()


def rejection_reasons(engagement: Engagement, examples: int = 5) -> pd.DataFrame:
    """Rejected rows grouped by file, column and reason: how many, and the first row numbers."""
    bad = engagement.rejected
    if not len(bad):
        return pd.DataFrame(columns=REASON_COLUMNS)
    grouped = bad.groupby(["file", "column", "reason"], sort=False)["row"]
    out = grouped.agg(rows="size", first_rows=lambda r: ", ".join(str(v) for v in list(r)[:examples])).reset_index()
    return out.sort_values(["file", "rows"], ascending=[True, False], kind="stable").reset_index(drop=True)
