"""Reading interview answers from CSV, YAML and folders; checks against the model; atomic saves."""

from pathlib import Path

import pandas as pd
import pytest

from toolkit.errors import DataError
from toolkit.maturity.answers import read_answers, save_answers

FIXTURES = Path(__file__).parent / "fixtures" / "maturity"


def _key(frame):
    return frame.sort_values(["respondent", "question_id"]).reset_index(drop=True)


def test_csv_and_yaml_give_the_same_canonical_answers(model):
    from_csv = read_answers(FIXTURES / "tiny_answers.csv", model)
    from_yaml = read_answers(FIXTURES / "tiny_answers.yaml", model)
    assert list(from_csv.columns) == ["respondent", "role", "question_id", "level", "status", "note"]
    assert str(from_csv["level"].dtype) == "Int64"
    pd.testing.assert_frame_equal(_key(from_csv), _key(from_yaml))
    row = from_csv[(from_csv["respondent"] == "Cy") & (from_csv["question_id"] == "A-2")].iloc[0]
    assert row["status"] == "dont_know" and pd.isna(row["level"])


def test_a_folder_of_files_is_combined(tmp_path, model):
    answers = read_answers(FIXTURES / "tiny_answers.csv", model)
    for name, part in answers.groupby("respondent"):
        part.to_csv(tmp_path / f"{name}.csv", index=False)
    pd.testing.assert_frame_equal(_key(read_answers(tmp_path, model)), _key(answers))


def test_unknown_question_ids_name_file_rows_and_suggestion(tmp_path, model):
    file = tmp_path / "a.csv"
    file.write_text("respondent,role,question_id,level\nAnn,manager,A-1,3\nAnn,manager,B-9,2\n")
    with pytest.raises(DataError) as info:
        read_answers(file, model)
    assert str(info.value) == (f"file {file}, table maturity_answers, column `question_id`: question ids not in "
                               "model 'tiny' version 0.1 (row 3 ('B-9')). Fix: use the question ids of the model "
                               "(did you mean 'B-3'?)")


def test_bad_level_names_the_line_of_the_file(tmp_path, model):
    file = tmp_path / "a.csv"
    file.write_text("respondent,role,question_id,level\nAnn,manager,A-1,3\nAnn,manager,A-2,7\n")
    with pytest.raises(DataError) as info:
        read_answers(file, model)
    assert str(info.value) == (f"file {file}, table maturity_answers, column `level`: value is outside the allowed "
                               "range (<= 5) (row 3 ('7')). Fix: correct the values or check that the right column "
                               "was mapped")


def test_repeated_answers_and_two_roles_are_errors(tmp_path, model):
    file = tmp_path / "a.csv"
    file.write_text("respondent,role,question_id,level\nAnn,manager,A-1,3\nAnn,manager,A-1,2\n")
    with pytest.raises(DataError, match="answered the same question more than once"):
        read_answers(file, model)
    file.write_text("respondent,role,question_id,level\nAnn,manager,A-1,3\nAnn,agent,A-2,2\n")
    with pytest.raises(DataError, match="respondent 'Ann' is given more than one role"):
        read_answers(file, model)


def test_yaml_layout_errors(tmp_path, model):
    file = tmp_path / "a.yaml"
    file.write_text("who: Ann\n")
    with pytest.raises(DataError, match="expected a top-level `respondents:` list"):
        read_answers(file, model)
    file.write_text("respondents:\n  - name: Ann\n    role: manager\n")
    with pytest.raises(DataError, match=r"respondents\[0\] needs name, role and an `answers:` mapping"):
        read_answers(file, model)
    with pytest.raises(DataError, match="unsupported file type '.txt'"):
        (tmp_path / "a.txt").write_text("x")
        read_answers(tmp_path / "a.txt", model)


def test_save_answers_round_trips_and_leaves_no_temp_files(tmp_path, model):
    answers = read_answers(FIXTURES / "tiny_answers.csv", model)
    target = tmp_path / "sub" / "answers.csv"
    save_answers(answers, target)
    pd.testing.assert_frame_equal(read_answers(target, model), answers)
    assert [p.name for p in target.parent.iterdir()] == ["answers.csv"]


def test_failed_save_keeps_the_previous_file(tmp_path, model, monkeypatch):
    answers = read_answers(FIXTURES / "tiny_answers.csv", model)
    target = tmp_path / "answers.csv"
    save_answers(answers, target)
    before = target.read_bytes()

    def crash(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr("toolkit.files.os.replace", crash)
    with pytest.raises(OSError, match="disk full"):
        save_answers(answers.iloc[:2], target)
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["answers.csv"]


def test_an_answers_file_without_answers_is_a_data_error(tmp_path, model):
    header_only = tmp_path / "answers.csv"
    header_only.write_text("respondent,role,question_id,level,note\n")
    with pytest.raises(DataError) as info:
        read_answers(header_only, model)
    assert str(info.value) == (f"file {header_only}: holds no answers (only a header, or an empty list). Fix: fill in "
                               "one row per respondent and question (respondent, role, question_id, level), or pass "
                               "the file that holds the interview answers")
    empty_list = tmp_path / "answers.yaml"
    empty_list.write_text("respondents: []\n")
    with pytest.raises(DataError, match=r"holds no answers \(only a header, or an empty list\)"):
        read_answers(empty_list, model)


def test_saved_answers_neutralise_spreadsheet_formulas(tmp_path):
    frame = pd.DataFrame({"respondent": ["=cmd|' /C calc'!A0"], "role": ["agent"], "question_id": ["q1"],
                          "level": [3], "note": ["@SUM(1)"]})
    save_answers(frame, tmp_path / "a.csv")
    assert (tmp_path / "a.csv").read_text().splitlines()[1] == "'=cmd|' /C calc'!A0,agent,q1,3,,'@SUM(1)"
