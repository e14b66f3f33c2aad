"""Property-based: for any generated CSV, every row read is either kept or rejected, and nothing crashes."""

import csv
import io

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import toolkit.io as tio
from toolkit.errors import DataError

HEADER = ["ticket_id", "created_at", "status", "channel", "priority", "reopens", "first_reply_minutes",
          "sla_breached", "subject"]

CELLS = {
    "ticket_id": st.one_of(st.integers(1, 30).map(str), st.just(""), st.just("T-1"), st.just("1.0")),
    "created_at": st.one_of(st.just("2026-03-02 09:14:22"), st.just("2026-03-02T09:14:22Z"), st.just("46083.5"),
                            st.just("02/03/2026"), st.just("not a date"), st.just(""),
                            st.datetimes(min_value=pd.Timestamp("2000-01-01").to_pydatetime(),
                                         max_value=pd.Timestamp("2030-01-01").to_pydatetime()).map(str)),
    "status": st.sampled_from(["open", "Solved", "on-hold", "weird", "", "CLOSED"]),
    "channel": st.sampled_from(["email", "chat", "Mail", "pigeon", ""]),
    "priority": st.sampled_from(["low", "Normal", "", "medium", "p1"]),
    "reopens": st.one_of(st.integers(-2, 5).map(str), st.just("1.5"), st.just("two"), st.just("")),
    "first_reply_minutes": st.one_of(st.floats(-10, 1e6, allow_nan=False).map(repr), st.just("1,290"),
                                     st.just("01:30:00"), st.just("x"), st.just("")),
    "sla_breached": st.sampled_from(["true", "False", "yes", "maybe", ""]),
    "subject": st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\r"),
                       max_size=40),
}

ROW = st.fixed_dictionaries(CELLS)


@st.composite
def csv_files(draw):
    """A CSV as an export might arrive: any delimiter and encoding, repeated headers, blank and ragged rows,
    Excel's ``sep=`` line, and records whose quoting is broken (a stray quote that opens a field and never
    closes it where the field ends)."""
    rows = draw(st.lists(ROW, min_size=1, max_size=25))
    delimiter = draw(st.sampled_from([",", ";", "\t", "|"]))
    records = [[r[c] for c in HEADER] for r in rows]
    if draw(st.booleans()):  # a header repeated mid-file
        records.insert(draw(st.integers(0, len(records))), list(HEADER))
    if draw(st.booleans()):  # blank rows at the end
        records += [[""] * len(HEADER)] * draw(st.integers(1, 3))
    if draw(st.integers(0, 3)) == 0:  # a row with a surplus field: the exact (slow) reader takes over
        at = draw(st.integers(0, len(records) - 1))
        records[at] = [*records[at], "surplus"]
    out = io.StringIO()
    if draw(st.integers(0, 4)) == 0:
        out.write(f"sep={delimiter}\n")
    csv.writer(out, delimiter=delimiter, lineterminator="\n").writerow(HEADER)
    broken = set(draw(st.sets(st.integers(0, len(records) - 1), max_size=3)))
    for i, record in enumerate(records):
        if i in broken:  # a stray quote at the start of the last field, nothing else quoted on the line
            plain = [str(v).replace('"', "").replace("\n", " ").replace(delimiter, " ") for v in record]
            plain[-1] = '"' + plain[-1] + "x"
            out.write(delimiter.join(plain) + "\n")
        else:
            csv.writer(out, delimiter=delimiter, lineterminator="\n").writerow(record)
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]))
    try:
        content = out.getvalue().encode(encoding)
    except UnicodeEncodeError:
        content = out.getvalue().encode("utf-8")
    return content, len(records), len(broken)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(data=csv_files())
def test_rows_read_equal_rows_kept_plus_rows_rejected(tmp_path, data):
    content, n_records, n_broken = data
    path = tmp_path / "tickets.csv"
    path.write_bytes(content)
    try:
        frame, report = tio.load_tickets(path, tz="Europe/London")
    except DataError:
        return  # a clear, user-facing error is an allowed outcome; a crash is not
    assert report.rows_read == n_records
    assert report.rows_read == report.rows_kept + report.rows_rejected
    assert len(frame) == report.rows_kept
    assert report.rejected["row"].is_unique
    assert frame["ticket_id"].is_unique
    first = 3 if content.lstrip(b"\xef\xbb\xbf").startswith(b"sep=") or "sep=".encode("utf-16-le") in content[:12] \
        else 2
    assert set(report.rejected["row"]) <= set(range(first, n_records + first))
    assert (report.rejected["reason"].str.startswith("broken quoting")).sum() == n_broken
