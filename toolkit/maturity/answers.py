"""Interview answers: read them from CSV or YAML into canonical ``maturity_answers``, save them safely.

Accepted files
--------------
- **CSV** with the canonical columns respondent, role, question_id, level (1-5, or
  "n/a" / "not applicable" / "don't know"), optional status and note.
- **YAML**, either a list of such rows, or grouped by respondent::

      respondents:
        - name: Dana
          role: head of support
          answers:
            MO-2: 4
            MO-3: {level: 4, note: "We resolve on first contact."}
            OB-3: n/a

- **A folder** of such files (e.g. one per respondent): all are read and combined.

Every answer is checked against the model: an unknown question id, a respondent
answering a question twice, or a respondent given two roles is a
:class:`~toolkit.errors.DataError` naming the file, the rows and the fix.
"""

from __future__ import annotations

import difflib
from pathlib import Path

import pandas as pd

from toolkit.errors import ConfigError, DataError
from toolkit.files import atomic_write_text, csv_text, read_yaml
from toolkit.maturity.model import MaturityModel, load_model
from toolkit.schema import MATURITY_ANSWERS, validate

ANSWER_COLUMNS = MATURITY_ANSWERS.names
SUFFIXES = (".csv", ".yaml", ".yml")


def read_answers(path: str | Path, model: MaturityModel | str | Path | None = None) -> pd.DataFrame:
    """Read interview answers from a CSV or YAML file, or a folder of them.

    Parameters
    ----------
    path : the file or folder.
    model : the model the answers refer to (default: the shipped model).

    Returns
    -------
    Canonical ``maturity_answers`` frame: respondent, role, question_id, level (Int64, empty when
    not applicable or not known), status (answered, not_applicable, dont_know), note.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> folder = Path(tempfile.mkdtemp())
    >>> import pandas as pd
    >>> pd.DataFrame({"respondent": ["Dana", "Tom"], "role": ["head of support", "agent"],
    ...               "question_id": "DS-1", "level": ["4", "n/a"]}).to_csv(folder / "answers.csv", index=False)
    >>> read_answers(folder / "answers.csv")[["respondent", "question_id", "level", "status"]]
      respondent question_id  level          status
    0       Dana        DS-1      4        answered
    1        Tom        DS-1   <NA>  not_applicable
    """
    model = load_model(model)
    path = Path(path)
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.suffix.lower() in SUFFIXES)
        if not files:
            raise DataError("the folder holds no .csv, .yaml or .yml answer files", file=str(path),
                            fix="put one answers file per respondent in it, or pass a file")
        frames = [_read_one(f) for f in files]
        answers = pd.concat(frames, ignore_index=True)
        _check_not_empty(answers, path)
        check_answers(answers, model, file=str(path))
        return answers
    answers = _read_one(path)
    _check_not_empty(answers, path)
    # Rows of a CSV are named by their line in the file (the header is line 1).
    check_answers(answers, model, file=str(path), first_row=2 if path.suffix.lower() == ".csv" else 1)
    return answers


def _check_not_empty(answers: pd.DataFrame, path: Path) -> None:
    """No answers at all would score to NaN everywhere: that is a wrong file, not a result."""
    if answers.empty:
        raise DataError("holds no answers (only a header, or an empty list)", file=str(path),
                        fix="fill in one row per respondent and question (respondent, role, question_id, level), "
                            "or pass the file that holds the interview answers")


def _read_one(path: Path) -> pd.DataFrame:
    if not path.is_file():
        raise DataError("answers file not found", file=str(path), fix="check the path")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        try:
            raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
            raise DataError(f"cannot be read as CSV ({str(exc).splitlines()[0]})", file=str(path),
                            fix="save it as UTF-8 CSV with a header row") from None
        raw.columns = [str(c).strip().lower() for c in raw.columns]
        return validate(raw, MATURITY_ANSWERS, file=str(path), row_numbers=range(2, len(raw) + 2))
    if suffix in (".yaml", ".yml"):
        return validate(_yaml_rows(path), MATURITY_ANSWERS, file=str(path))
    raise DataError(f"unsupported file type {suffix or '(none)'!r}", file=str(path),
                    fix="use a .csv, .yaml or .yml answers file")


def _yaml_rows(path: Path) -> pd.DataFrame:
    try:
        data = read_yaml(path, what="answers file")
    except ConfigError as exc:  # answers are data: the same message, as a DataError
        raise DataError(exc.problem, file=exc.file, fix=exc.fix) from None
    if isinstance(data, list):
        if not all(isinstance(r, dict) for r in data):
            raise DataError("expected a list of answers, each a mapping with respondent, role, question_id, level",
                            file=str(path), fix="write one mapping per answer")
        return pd.DataFrame(data).astype(object)
    if not isinstance(data, dict) or not isinstance(data.get("respondents"), list):
        raise DataError("expected a top-level `respondents:` list (or a list of answer rows)", file=str(path),
                        fix="see toolkit.maturity.answers for the layout")
    rows = []
    for i, person in enumerate(data["respondents"]):
        if not isinstance(person, dict) or not isinstance(person.get("answers"), dict):
            raise DataError(f"respondents[{i}] needs name, role and an `answers:` mapping of question id to level",
                            file=str(path), fix="add the missing keys")
        for qid, answer in person["answers"].items():
            item = answer if isinstance(answer, dict) else {"level": answer}
            rows.append({"respondent": person.get("name"), "role": person.get("role"), "question_id": str(qid),
                         "level": item.get("level"), "note": item.get("note")})
    return pd.DataFrame(rows, columns=["respondent", "role", "question_id", "level", "note"]).astype(object)


def check_answers(answers: pd.DataFrame, model: MaturityModel, *, file: str | None = None,
                  first_row: int = 1) -> None:
    """Raise :class:`DataError` for answers to unknown questions, repeated answers or respondents with two roles.

    ``first_row`` is the number reported for the first row (2 for a CSV file: its line number).
    """
    known = set(model.questions["question_id"])
    unknown = answers.index[~answers["question_id"].isin(known)]
    if len(unknown):
        values = answers.loc[unknown, "question_id"].tolist()
        close = difflib.get_close_matches(values[0], sorted(known), n=1, cutoff=0.5)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise DataError(f"question ids not in model '{model.id}' version {model.version}", file=file,
                        table="maturity_answers", column="question_id", rows=[i + first_row for i in unknown],
                        values=values,
                        fix=f"use the question ids of the model{hint}")
    repeated = answers.index[answers.duplicated(["respondent", "question_id"], keep="first")]
    if len(repeated):
        raise DataError("a respondent answered the same question more than once", file=file,
                        table="maturity_answers", column="question_id", rows=[i + first_row for i in repeated],
                        values=answers.loc[repeated, "question_id"].tolist(), fix="keep one answer per question")
    roles = answers.groupby("respondent")["role"].nunique()
    if (roles > 1).any():
        who = roles.index[roles > 1][0]
        raise DataError(f"respondent {who!r} is given more than one role", file=file, table="maturity_answers",
                        column="role", fix="use one role per respondent (or distinct respondent names)")


def save_answers(answers: pd.DataFrame, path: str | Path) -> None:
    """Write answers to CSV atomically: a crash mid-write leaves the previous file intact.

    The frame is written to a temporary file in the same folder, flushed to disk, then
    renamed over ``path`` (``os.replace`` is atomic on POSIX and Windows).

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> file = Path(tempfile.mkdtemp()) / "answers.csv"
    >>> import pandas as pd
    >>> from toolkit.schema import validate
    >>> answers = validate(pd.DataFrame({"respondent": ["Dana"], "role": ["head of support"],
    ...                                  "question_id": ["DS-1"], "level": ["4"]}), "maturity_answers")
    >>> save_answers(answers, file)
    >>> read_answers(file).equals(answers)
    True
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    frame = answers.reindex(columns=ANSWER_COLUMNS)
    atomic_write_text(path, csv_text(frame))  # formula-leading cells neutralised
