"""The maturity questionnaire: an ipywidgets form a consultant fills in during an interview.

One tab per dimension, one block per question: the five level descriptors as radio
buttons (plus "not applicable" and "don't know") and a note. Every change is saved
at once to the answers CSV (canonical ``maturity_answers``) with an atomic write
(:func:`toolkit.maturity.answers.save_answers`), so a crash or a closed laptop never
loses more than the keystroke in flight and never leaves a half-written file.

Opening the questionnaire on an existing file reloads it: typing a respondent's name
shows their saved answers, and other respondents' answers in the file are kept
untouched, even when another form saves to the same file meanwhile (the file is
re-read before saving when it changed). A file that cannot be read is reported and never overwritten. A note
written before a level is chosen is saved as "don't know" with the note, so it is
not lost either.

Example (in a notebook)::

    from toolkit.widgets.questionnaire import MaturityQuestionnaire
    MaturityQuestionnaire("interviews/northwind.csv", respondent="Dana", role="head of support")
"""

from __future__ import annotations

import html
import time
from pathlib import Path

import ipywidgets as widgets
import pandas as pd

from toolkit.maturity.answers import ANSWER_COLUMNS, read_answers, save_answers
from toolkit.maturity.model import MaturityModel, load_model
from toolkit.schema import empty

NOT_APPLICABLE = "not_applicable"
DONT_KNOW = "dont_know"


class MaturityQuestionnaire:
    """Interview form for one respondent at a time, saving every change to ``path``.

    Parameters
    ----------
    path : the answers CSV (created on the first answer; reloaded when it exists).
    model : the maturity model (default: the shipped one).
    respondent, role : who is being interviewed (can also be typed in the form).

    Attributes
    ----------
    answers : all answers in the file, canonical ``maturity_answers`` (every respondent).
    controls : question_id -> the radio buttons of that question.
    notes : question_id -> the note text area of that question.
    widget : the form (displayed when the object is the last expression of a cell).
    """

    def __init__(self, path: str | Path, model: MaturityModel | str | Path | None = None, *,
                 respondent: str = "", role: str = "") -> None:
        self.path = Path(path)
        self.model = load_model(model)
        # Reading first means a corrupt or foreign file raises here, before anything could overwrite it.
        self.answers = read_answers(self.path, self.model) if self.path.exists() else empty("maturity_answers")
        self._seen = self._stamp()
        self._loading = False
        self.respondent = widgets.Text(description="Respondent", placeholder="name or alias", continuous_update=False)
        self.role = widgets.Combobox(description="Role", placeholder="e.g. head of support",
                                     options=sorted(self.model.role_groups), ensure_option=False)
        self.status = widgets.HTML()
        self.controls: dict[str, widgets.RadioButtons] = {}
        self.notes: dict[str, widgets.Textarea] = {}
        tabs = []
        levels = self.model.levels.groupby("question_id")["descriptor"].apply(list)
        for dim in self.model.dimensions.itertuples(index=False):
            blocks = []
            for q in self.model.questions[self.model.questions["dimension_id"] == dim.dimension_id].itertuples():
                options = [(f"{i} - {text}", str(i)) for i, text in enumerate(levels[q.question_id], start=1)]
                options += [("not applicable", NOT_APPLICABLE), ("don't know", DONT_KNOW)]
                radio = widgets.RadioButtons(options=options, value=None, layout=widgets.Layout(width="auto"))
                note = widgets.Textarea(placeholder="what the respondent said (evidence)",
                                        layout=widgets.Layout(width="95%"))
                radio.observe(lambda change, qid=q.question_id: self._changed(qid), names="value")
                note.observe(lambda change, qid=q.question_id: self._changed(qid), names="value")
                self.controls[q.question_id], self.notes[q.question_id] = radio, note
                source = f"<br><small style='color:#777'>{html.escape(q.source)}</small>" if q.source else ""
                title = widgets.HTML(f"<b>{html.escape(q.question_id)}</b> {html.escape(q.text)}{source}")
                blocks.append(widgets.VBox([title, radio, note]))
            tabs.append(widgets.VBox(blocks))
        self.tabs = widgets.Tab(children=tabs, titles=list(self.model.dimensions["dimension"]))
        self.respondent.observe(lambda change: None if self._loading else self._switch_respondent(),
                                names="value")
        self.role.observe(lambda change: self._role_changed(), names="value")
        self.widget = widgets.VBox([widgets.HBox([self.respondent, self.role]), self.status, self.tabs])
        self._loading = True
        self.respondent.value = respondent
        self._loading = False
        self._switch_respondent(role)

    # -- what the consultant does -------------------------------------------------------------------
    def set_answer(self, question_id: str, level: int | str | None = None, note: str | None = None) -> None:
        """Answer a question as if clicked: ``level`` 1-5, "not_applicable" or "dont_know"; saved at once."""
        if question_id not in self.controls:
            raise KeyError(f"unknown question {question_id!r}")
        if level is not None:
            self.controls[question_id].value = str(level)
        if note is not None:
            self.notes[question_id].value = note

    def respondent_answers(self) -> pd.DataFrame:
        """The current respondent's saved answers."""
        return self.answers[self.answers["respondent"] == self.respondent.value.strip()].reset_index(drop=True)

    # -- reactions ----------------------------------------------------------------------------------
    def _ready(self) -> bool:
        return bool(self.respondent.value.strip()) and bool(self.role.value.strip())

    def _switch_respondent(self, role: str = "") -> None:
        """Show the saved answers and role of the respondent now named (blank, or ``role``, for a new one)."""
        name = self.respondent.value.strip()
        mine = self.answers[self.answers["respondent"] == name].set_index("question_id")
        self._loading = True
        try:
            # A new respondent never inherits the previous one's role.
            self.role.value = str(mine["role"].iloc[0]) if len(mine) else role
            for qid, radio in self.controls.items():
                if qid in mine.index:
                    row = mine.loc[qid]
                    radio.value = str(int(row["level"])) if row["status"] == "answered" else row["status"]
                    self.notes[qid].value = "" if pd.isna(row["note"]) else str(row["note"])
                else:
                    radio.value = None
                    self.notes[qid].value = ""
        finally:
            self._loading = False
        self._set_disabled(not self._ready())
        self._report(f"{len(mine)} saved answers for {html.escape(name)}" if name else
                     "Type the respondent's name and role to start.")

    def _role_changed(self) -> None:
        if self._loading:
            return
        name, role = self.respondent.value.strip(), self.role.value.strip()
        self._set_disabled(not self._ready())
        if name and role and (self.answers["respondent"] == name).any():
            self.answers.loc[self.answers["respondent"] == name, "role"] = role
            self._save()

    def _changed(self, question_id: str) -> None:
        if self._loading or not self._ready():
            return
        value, note = self.controls[question_id].value, self.notes[question_id].value
        if value is None and not note.strip():
            return
        if value is None:
            # A note before a level: keep it as "don't know" so it is saved, and show that.
            self._loading = True
            self.controls[question_id].value = value = DONT_KNOW
            self._loading = False
        self._merge_outside_changes()
        name = self.respondent.value.strip()
        row = {"respondent": name, "role": self.role.value.strip(), "question_id": question_id,
               "level": pd.NA if value in (NOT_APPLICABLE, DONT_KNOW) else int(value),
               "status": value if value in (NOT_APPLICABLE, DONT_KNOW) else "answered",
               "note": note.strip() or pd.NA}
        keep = ~((self.answers["respondent"] == name) & (self.answers["question_id"] == question_id))
        new = pd.DataFrame([row]).astype(self.answers.dtypes.to_dict())
        self.answers = pd.concat([self.answers[keep], new], ignore_index=True)[ANSWER_COLUMNS]
        self._save()

    def _stamp(self) -> tuple[int, int] | None:
        try:
            stat = self.path.stat()
        except OSError:
            return None
        return stat.st_mtime_ns, stat.st_size

    def _merge_outside_changes(self) -> None:
        """If another form (another notebook tab, a colleague) saved the file since we last did, start from it.

        Rows of the current respondent are taken from this form, so what is on screen wins for
        them; every other respondent's answers come from the file.
        """
        if self._stamp() == self._seen or not self.path.exists():
            return
        name = self.respondent.value.strip()
        outside = read_answers(self.path, self.model)
        mine = self.answers[self.answers["respondent"] == name]
        self.answers = pd.concat([outside[outside["respondent"] != name], mine], ignore_index=True)[ANSWER_COLUMNS]

    def _save(self) -> None:
        try:
            self._merge_outside_changes()
            save_answers(self.answers, self.path)
            self._seen = self._stamp()
        except OSError as exc:
            self._report(f"<span style='color:#b00'>NOT SAVED: {html.escape(str(exc))}. "
                         "Your answers are still in this form; fix the problem and change any answer to retry."
                         "</span>")
            return
        total = len(self.controls)
        done = len(self.respondent_answers())
        self._report(f"Saved {done}/{total} answers for {html.escape(self.respondent.value.strip())} "
                     f"at {time.strftime('%H:%M:%S')} to {html.escape(str(self.path))}")

    def _set_disabled(self, disabled: bool) -> None:
        for qid in self.controls:
            self.controls[qid].disabled = disabled
            self.notes[qid].disabled = disabled

    def _report(self, text: str) -> None:
        self.status.value = text

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)
