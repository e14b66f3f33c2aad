"""The canonical data model: coercion, rejection and the exact errors users see."""

import pandas as pd
import pytest

from toolkit import schema
from toolkit.errors import DataError


def tickets(**overrides):
    base = {
        "ticket_id": ["1", "2", "3"],
        "created_at": ["2026-01-05 09:00", "2026-01-05 10:30", "2026-07-01 08:00"],
        "status": ["solved", "open", "closed"],
        "channel": ["email", "chat", "phone"],
    }
    base.update(overrides)
    return pd.DataFrame(base)


def test_naive_times_are_read_in_the_client_zone_and_stored_utc():
    frame = schema.validate(tickets(), "tickets", tz="Europe/London")
    assert str(frame["created_at"].dtype) == "datetime64[us, UTC]"
    # January is GMT (UTC+0), July is BST (UTC+1)
    assert frame["created_at"].tolist() == [
        pd.Timestamp("2026-01-05 09:00", tz="UTC"),
        pd.Timestamp("2026-01-05 10:30", tz="UTC"),
        pd.Timestamp("2026-07-01 07:00", tz="UTC"),
    ]


def test_explicit_offsets_are_kept():
    frame = schema.validate(tickets(created_at=["2026-01-05T09:00+02:00", "2026-01-05T10:30Z", "2026-07-01"]),
                            "tickets", tz="Europe/London")
    assert frame["created_at"].iloc[0] == pd.Timestamp("2026-01-05 07:00", tz="UTC")
    assert frame["created_at"].iloc[1] == pd.Timestamp("2026-01-05 10:30", tz="UTC")
    assert frame["created_at"].iloc[2] == pd.Timestamp("2026-06-30 23:00", tz="UTC")


def test_every_canonical_column_exists_with_its_dtype_and_unknown_columns_are_kept():
    frame = schema.validate(tickets(Region=["EU", "US", "EU"]), "tickets")
    assert list(frame.columns) == schema.TICKETS.names + ["Region"]
    for col in schema.TICKETS.columns:
        assert str(frame[col.name].dtype) == str(pd.Series(dtype=col.dtype).dtype), col.name
    assert frame["tags"].tolist() == [[], [], []]
    assert not schema.has_values(frame, "reopens")
    assert schema.has_values(frame, "ticket_id")


def test_values_are_normalised():
    frame = schema.validate(tickets(status=[" Solved", "OPEN", "closed"], reopens=["0", 2, None],
                                    tags=["billing vip", "a,b", None], sla_breached=["yes", "False", ""]),
                            "tickets")
    assert frame["status"].tolist() == ["solved", "open", "closed"]
    assert frame["reopens"].tolist() == [0, 2, pd.NA]
    assert frame["tags"].tolist() == [["billing", "vip"], ["a", "b"], []]
    assert frame["sla_breached"].tolist() == [True, False, pd.NA]


def test_missing_required_column_names_the_closest_match():
    with pytest.raises(DataError) as err:
        schema.validate(tickets().rename(columns={"created_at": "created"}), "tickets", file="export.csv")
    assert str(err.value) == ("file export.csv, table tickets, column `created_at`: required column is missing; "
                              "found `created`. Fix: pass mapping={'created_at': 'created'}")


def test_missing_required_column_without_a_close_match_lists_the_columns():
    with pytest.raises(DataError) as err:
        schema.validate(pd.DataFrame({"x": [1]}), "survey_invitations")
    assert str(err.value) == ("table survey_invitations, column `invitation_id`: required column is missing; "
                              "the frame has `x`. Fix: add a `invitation_id` column or map one of your columns to it")


def test_bad_dates_name_rows_and_values():
    with pytest.raises(DataError) as err:
        schema.validate(tickets(created_at=["2026-01-05", "yesterday", "31/02/2026"]), "tickets")
    assert str(err.value) == ("table tickets, column `created_at`: value is not a date "
                              "(rows 2 ('yesterday'), 3 ('31/02/2026')). Fix: write dates as ISO 8601 "
                              "(2026-03-31 14:05) or pass the source's date format to the loader")


def test_values_outside_the_allowed_set():
    with pytest.raises(DataError) as err:
        schema.validate(tickets(channel=["email", "pigeon", "chat"]), "tickets", row_numbers=[10, 11, 12])
    assert str(err.value) == ("table tickets, column `channel`: value is not one of email, chat, phone, web, "
                              "social, other (row 11 ('pigeon')). Fix: map the values to the allowed ones "
                              "(a loader mapping can do this)")


def test_duplicate_keys_keep_the_first_and_reject_the_rest():
    result = schema.conform(tickets(ticket_id=["7", "7", "8"]), "tickets")
    assert result.frame["ticket_id"].tolist() == ["7", "8"]
    assert result.rejected.to_dict("records") == [
        {"row": 2, "column": "ticket_id", "value": "7",
         "reason": "duplicate ticket_id (the first occurrence is kept)"}]


def test_conform_accounts_for_every_row():
    frame = tickets(ticket_id=["1", None, "3"], reopens=[1, -1, "x"])
    result = schema.conform(frame, "tickets")
    assert len(result.frame) + len(result.rejected) == len(frame)
    assert result.rejected["reason"].tolist() == ["value is outside the allowed range (>= 0)",
                                                  "value is not a number"]
    assert result.rejected["row"].tolist() == [2, 3]


def test_many_bad_rows_are_summarised():
    n = 8
    bad = tickets(ticket_id=[str(i) for i in range(3)])
    bad = pd.concat([bad] * 3, ignore_index=True).head(n)
    bad["ticket_id"] = [str(i) for i in range(n)]
    bad["reopens"] = ["x"] * n
    with pytest.raises(DataError, match=r"rows 1 \('x'\), 2 \('x'\), 3 \('x'\), 4 \('x'\), 5 \('x'\) and 3 more"):
        schema.validate(bad, "tickets")


def test_survey_and_maturity_tables():
    responses = schema.validate(pd.DataFrame({
        "response_id": [1, 2], "survey": ["NPS", "csat"], "score": [9, 4], "scale": ["0-10", "1-5"],
        "submitted_at": ["2026-02-01", "2026-02-02"], "plan": ["pro", "free"]}), "survey_responses")
    assert responses["survey"].tolist() == ["nps", "csat"]
    assert responses["plan"].tolist() == ["pro", "free"]
    answers = schema.validate(pd.DataFrame({
        "respondent": ["Ana", "Ana", "Bo"], "role": ["agent"] * 3, "question_id": ["q1", "q2", "q1"],
        "level": [3, "n/a", "Don't know"]}), "maturity_answers")
    assert answers["level"].tolist() == [3, pd.NA, pd.NA]
    assert answers["status"].tolist() == ["answered", "not_applicable", "dont_know"]


def test_maturity_level_out_of_range():
    with pytest.raises(DataError) as err:
        schema.validate(pd.DataFrame({"respondent": ["Ana"], "role": ["agent"], "question_id": ["q1"],
                                      "level": [7]}), "maturity_answers", file="answers.csv")
    assert str(err.value) == ("file answers.csv, table maturity_answers, column `level`: value is outside the "
                              "allowed range (<= 5) (row 1 (7)). Fix: correct the values or check that the right "
                              "column was mapped")


def test_unknown_table_and_non_frame_input():
    with pytest.raises(DataError, match="unknown table 'ticket'. Fix: use one of tickets, messages"):
        schema.validate(pd.DataFrame(), "ticket")
    with pytest.raises(DataError, match="expected a pandas DataFrame, got list"):
        schema.validate([1, 2], "tickets")


def test_empty_frames_have_all_columns():
    frame = schema.empty("messages")
    assert list(frame.columns) == schema.MESSAGES.names
    assert len(schema.validate(frame, "messages")) == 0


@pytest.mark.parametrize("table", ["maturity_answers", "tickets"])
def test_validating_a_canonical_frame_again_changes_nothing(table):
    if table == "maturity_answers":
        raw = pd.DataFrame({"respondent": ["Ana", "Ana"], "role": ["agent"] * 2, "question_id": ["q1", "q2"],
                            "level": [3, "n/a"]})
    else:
        raw = tickets(reopens=[1, None, 2], first_reply_minutes=[5.5, None, 1])
    once = schema.validate(raw, table)
    pd.testing.assert_frame_equal(schema.validate(once, table), once)
