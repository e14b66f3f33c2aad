"""The interview questionnaire, driven without a browser: saves every change, reloads, never loses an answer."""

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from toolkit.errors import DataError
from toolkit.maturity.answers import read_answers
from toolkit.maturity.model import load_model
from toolkit.widgets.questionnaire import MaturityQuestionnaire

FIXTURES = Path(__file__).parent / "fixtures" / "maturity"
TINY = FIXTURES / "tiny.yaml"


def test_every_change_is_saved_and_reloaded(tmp_path):
    path = tmp_path / "answers.csv"
    form = MaturityQuestionnaire(path, TINY, respondent="Ann", role="manager")
    assert not path.exists()
    form.controls["A-1"].value = "4"  # as if clicked
    saved = read_answers(path, TINY)
    assert saved[["respondent", "role", "question_id", "level", "status"]].values.tolist() == [
        ["Ann", "manager", "A-1", 4, "answered"]]
    form.notes["A-1"].value = "We have a written plan."
    form.set_answer("A-3", "not_applicable")
    form.set_answer("B-1", 2, note="Customers come back a lot.")
    saved = read_answers(path, TINY)
    assert saved.set_index("question_id")["note"].fillna("").to_dict() == {
        "A-1": "We have a written plan.", "A-3": "", "B-1": "Customers come back a lot."}
    assert saved.set_index("question_id")["status"].to_dict() == {
        "A-1": "answered", "A-3": "not_applicable", "B-1": "answered"}
    assert "Saved 3/6 answers for Ann" in form.status.value

    again = MaturityQuestionnaire(path, TINY, respondent="Ann")
    assert again.role.value == "manager"
    assert again.controls["A-1"].value == "4"
    assert again.controls["A-3"].value == "not_applicable"
    assert again.controls["A-2"].value is None
    assert again.notes["B-1"].value == "Customers come back a lot."


def test_other_respondents_are_kept_and_switching_loads_theirs(tmp_path):
    path = tmp_path / "answers.csv"
    form = MaturityQuestionnaire(path, TINY, respondent="Ann", role="manager")
    form.set_answer("A-1", 4)
    form.respondent.value = "Bob"
    assert form.controls["A-1"].value is None
    assert form.controls["A-1"].disabled  # no role yet: nothing can be answered under a half-known respondent
    form.role.value = "agent"
    form.set_answer("A-1", 2)
    form.set_answer("A-1", 1)  # a changed mind replaces the answer
    form.respondent.value = "Ann"
    assert form.controls["A-1"].value == "4"
    saved = read_answers(path, TINY).sort_values("respondent")
    assert saved[["respondent", "role", "level"]].values.tolist() == [["Ann", "manager", 4], ["Bob", "agent", 1]]


def test_two_forms_on_one_file_keep_each_others_answers(tmp_path):
    path = tmp_path / "answers.csv"
    first = MaturityQuestionnaire(path, TINY, respondent="Ann", role="manager")
    second = MaturityQuestionnaire(path, TINY, respondent="Bob", role="agent")
    first.set_answer("A-1", 4)
    second.set_answer("A-1", 2)
    first.set_answer("A-2", 3)
    saved = read_answers(path, TINY).sort_values(["respondent", "question_id"])
    assert saved[["respondent", "question_id", "level"]].values.tolist() == [
        ["Ann", "A-1", 4], ["Ann", "A-2", 3], ["Bob", "A-1", 2]]


def test_a_note_without_a_level_is_kept_as_dont_know(tmp_path):
    path = tmp_path / "answers.csv"
    form = MaturityQuestionnaire(path, TINY, respondent="Ann", role="manager")
    form.notes["B-2"].value = "Will check with finance."
    assert form.controls["B-2"].value == "dont_know"
    row = read_answers(path, TINY).iloc[0]
    assert (row["status"], row["note"]) == ("dont_know", "Will check with finance.")


def test_a_role_change_updates_the_saved_answers(tmp_path):
    path = tmp_path / "answers.csv"
    form = MaturityQuestionnaire(path, TINY, respondent="Ann", role="manager")
    form.set_answer("A-1", 3)
    form.role.value = "agent"
    assert read_answers(path, TINY)["role"].tolist() == ["agent"]


def test_an_unreadable_file_is_reported_and_never_overwritten(tmp_path):
    path = tmp_path / "answers.csv"
    path.write_text("respondent,role,question_id,level\nAnn,manager,NOPE,3\n")
    before = path.read_bytes()
    with pytest.raises(DataError, match="question ids not in model"):
        MaturityQuestionnaire(path, TINY, respondent="Ann", role="manager")
    assert path.read_bytes() == before


def test_a_failed_save_says_so_and_keeps_the_answer_in_the_form(tmp_path, monkeypatch):
    path = tmp_path / "answers.csv"
    form = MaturityQuestionnaire(path, TINY, respondent="Ann", role="manager")
    form.set_answer("A-1", 3)

    def full(*args, **kwargs):
        raise OSError("No space left on device")

    monkeypatch.setattr("toolkit.widgets.questionnaire.save_answers", full)
    form.set_answer("A-2", 5)
    assert "NOT SAVED: No space left on device" in form.status.value
    assert form.answers.set_index("question_id")["level"].to_dict() == {"A-1": 3, "A-2": 5}
    monkeypatch.undo()
    form.set_answer("A-3", 1)  # the next change saves everything, the failed answer included
    assert sorted(read_answers(path, TINY)["question_id"]) == ["A-1", "A-2", "A-3"]


def test_killed_in_the_middle_of_saving_leaves_a_complete_file(tmp_path):
    """A process answering as fast as it can is killed with SIGKILL; the file is always whole and readable."""
    path = tmp_path / "answers.csv"
    script = textwrap.dedent(f"""
        import itertools, sys
        from toolkit.widgets.questionnaire import MaturityQuestionnaire
        form = MaturityQuestionnaire({str(path)!r}, {str(TINY)!r}, respondent="Ann", role="manager")
        questions = list(form.controls)
        for q in questions:
            form.set_answer(q, 1, note="first pass " * 50)
        print("ready", flush=True)
        for i in itertools.count():
            form.set_answer(questions[i % len(questions)], 1 + i % 5, note=f"pass {{i}} " * 50)
    """)
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "ready"
        time.sleep(0.5)
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    saved = read_answers(path, TINY)
    assert sorted(saved["question_id"]) == ["A-1", "A-2", "A-3", "B-1", "B-2", "B-3"]
    assert saved["level"].between(1, 5).all()
    assert saved["note"].str.startswith(("first pass", "pass ")).all()
    form = MaturityQuestionnaire(path, TINY, respondent="Ann")
    assert all(form.controls[q].value is not None for q in form.controls)


def test_the_shipped_model_builds_one_tab_per_dimension(tmp_path):
    model = load_model()
    form = MaturityQuestionnaire(tmp_path / "a.csv", model)
    assert len(form.tabs.children) == len(model.dimensions)
    assert len(form.controls) == len(model.questions)
    assert len(form.controls["MO-3"].options) == 7
    assert form.controls["MO-3"].disabled
