"""The maturity model as data: load a YAML model, validate it, and expose it as tidy tables.

The model (``toolkit/maturity/models/support.yaml`` by default) is plain data: the
code only interprets it. Structure is checked with the JSON Schema kept next to
this module (``model.schema.json``); a few rules JSON Schema cannot express (unique
ids, evidence claims pointing at existing questions and known indicators) are checked
here. The model only validates and exposes data: indicators are computed in
:mod:`toolkit.maturity.indicators` and claims judged in :mod:`toolkit.maturity.evidence`.
Every problem becomes one :class:`~toolkit.errors.ConfigError` naming the file, the path
inside the YAML (``dimensions[2].questions[1].levels``) and what is expected, never a raw
YAML or jsonschema traceback.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pandas as pd

from toolkit.errors import ConfigError
from toolkit.files import read_yaml
from toolkit.maturity.indicators import INDICATORS

DEFAULT_MODEL = "support"
EFFORTS = ("low", "medium", "high")
DEFAULT_THRESHOLD = 1.5
DEFAULT_TARGET = 3.0
DEFAULT_OWNER = "Head of support"
"""Who owns a dimension's roadmap steps when the model names no owner."""
DEFAULT_CLAIM_LEVEL = 3
EVIDENCE_RULE_COLUMNS = ["claim_id", "question_id", "claim", "claim_level", "indicator", "measure", "direction",
                         "threshold"]


@cache
def model_schema() -> dict:
    """The JSON Schema that every maturity model must satisfy."""
    text = resources.files("toolkit.maturity").joinpath("model.schema.json").read_text(encoding="utf-8")
    return json.loads(text)


def default_model_path() -> Path:
    """Path of the model shipped with the toolkit."""
    return Path(str(resources.files("toolkit.maturity").joinpath("models", f"{DEFAULT_MODEL}.yaml")))


@dataclass(frozen=True)
class MaturityModel:
    """A validated maturity model with its parts as tidy frames.

    Attributes
    ----------
    data : the model as read from YAML (validated).
    file : where it was read from (``None`` for an in-memory model).
    dimensions : one row per dimension: dimension_id, dimension, description, source, weight,
        target, owner (the role that owns its roadmap steps), order.
    questions : one row per question: question_id, dimension_id, dimension, text, weight, source,
        order (position in the model).
    levels : one row per question and level: question_id, level, descriptor.
    recommendations : one row per recommendation: question_id, dimension_id, from_level, to_level,
        action, effort.
    evidence_rules : one row per check of an evidence claim: claim_id, question_id, claim, claim_level,
        indicator, measure (what the check measures, in plain words for the client), direction,
        threshold. A claim is one sentence an answer at or above ``claim_level`` makes; it holds
        when all its checks pass.
    role_groups : lower-case role name -> group name (e.g. ``"agent" -> "frontline"``).
    disagreement_threshold : levels between role groups that make a disagreement.
    """

    data: dict
    file: str | None = None
    dimensions: pd.DataFrame = field(init=False, repr=False)
    questions: pd.DataFrame = field(init=False, repr=False)
    levels: pd.DataFrame = field(init=False, repr=False)
    recommendations: pd.DataFrame = field(init=False, repr=False)
    evidence_rules: pd.DataFrame = field(init=False, repr=False)

    def __post_init__(self) -> None:
        dims, questions, levels, recs = [], [], [], []
        for d_order, dim in enumerate(self.data["dimensions"]):
            dims.append({
                "dimension_id": dim["id"], "dimension": dim["name"], "description": dim.get("description", ""),
                "source": dim.get("source", ""), "weight": float(dim.get("weight", 1.0)),
                "target": float(dim.get("target", DEFAULT_TARGET)),
                "owner": dim.get("owner", DEFAULT_OWNER), "order": d_order,
            })
            for q in dim["questions"]:
                questions.append({
                    "question_id": q["id"], "dimension_id": dim["id"], "dimension": dim["name"], "text": q["text"],
                    "weight": float(q.get("weight", 1.0)), "source": q.get("source", ""), "order": len(questions),
                })
                levels += [{"question_id": q["id"], "level": i + 1, "descriptor": t} for i, t in enumerate(q["levels"])]
                recs += [{"question_id": q["id"], "dimension_id": dim["id"], "from_level": r["to"] - 1,
                          "to_level": r["to"], "action": r["action"], "effort": r["effort"]}
                         for r in q.get("recommendations", [])]
        rules = [{"claim_id": c["id"], "question_id": c["question"], "claim": c["claim"],
                  "claim_level": int(c.get("claim_level", DEFAULT_CLAIM_LEVEL)), "indicator": check["indicator"],
                  "measure": check["measure"], "direction": check["direction"], "threshold": float(check["threshold"])}
                 for c in self.data.get("evidence", []) for check in c["checks"]]
        set_ = object.__setattr__
        set_(self, "dimensions", pd.DataFrame(dims, columns=["dimension_id", "dimension", "description", "source",
                                                             "weight", "target", "owner", "order"]))
        set_(self, "questions", pd.DataFrame(questions, columns=["question_id", "dimension_id", "dimension", "text",
                                                                 "weight", "source", "order"]))
        set_(self, "levels", pd.DataFrame(levels, columns=["question_id", "level", "descriptor"]))
        set_(self, "recommendations", pd.DataFrame(recs, columns=["question_id", "dimension_id", "from_level",
                                                                  "to_level", "action", "effort"]))
        set_(self, "evidence_rules", pd.DataFrame(rules, columns=EVIDENCE_RULE_COLUMNS))

    @property
    def id(self) -> str:
        return self.data["id"]

    @property
    def title(self) -> str:
        return self.data["title"]

    @property
    def version(self) -> str:
        return str(self.data["version"])

    @property
    def role_groups(self) -> dict[str, str]:
        return {role.strip().lower(): group for group, roles in self.data.get("role_groups", {}).items()
                for role in roles}

    @property
    def disagreement_threshold(self) -> float:
        return float(self.data.get("disagreement_threshold", DEFAULT_THRESHOLD))

    def summary(self) -> str:
        """One line: id, version and counts."""
        where = f"{self.file}: " if self.file else ""
        return (f"{where}model '{self.id}' version {self.version} is valid: {len(self.dimensions)} dimensions, "
                f"{len(self.questions)} questions, {len(self.recommendations)} recommendations, "
                f"{_count(self.evidence_rules['claim_id'].nunique(), 'evidence claim')} "
                f"({_count(len(self.evidence_rules), 'check')})")


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def load_model(path: str | Path | MaturityModel | None = None) -> MaturityModel:
    """Read and validate a maturity model from YAML.

    Parameters
    ----------
    path : a YAML file; ``None`` for the model shipped with the toolkit. A
        :class:`MaturityModel` is returned unchanged.

    Raises
    ------
    ConfigError : naming the file, the path in the YAML and what is expected.

    Examples
    --------
    >>> model = load_model()
    >>> print(model.summary().split(": ", 1)[1])  # doctest: +NORMALIZE_WHITESPACE
    model 'support' version 1.2.0 is valid: 10 dimensions, 35 questions, 140 recommendations,
    9 evidence claims (15 checks)
    >>> model.questions.loc[0, ["question_id", "dimension_id"]].tolist()
    ['DS-1', 'destination']
    """
    if isinstance(path, MaturityModel):
        return path
    file = default_model_path() if path is None else Path(path)
    if not file.is_file():
        raise ConfigError("model file not found", file=str(file),
                          fix="pass the path of a YAML model, or omit it to use the shipped model")
    data = read_yaml(file, what="maturity model")
    return model_from_dict(data, file=str(file))


def model_from_dict(data: Any, *, file: str | None = None) -> MaturityModel:
    """Validate a model already parsed from YAML (a dict) and wrap it; see :func:`load_model`."""
    check_model(data, file=file)
    return MaturityModel(data, file)


def check_model(data: Any, *, file: str | None = None) -> None:
    """Raise :class:`ConfigError` for the first problem in ``data`` (schema first, then cross-references)."""
    if data is None:
        raise ConfigError("the model is empty", file=file, fix="start from toolkit/maturity/models/support.yaml")
    validator = jsonschema.Draft202012Validator(model_schema())
    errors = list(validator.iter_errors(data))
    if errors:
        # The first problem in the file; at the same place an unknown key (a typo) explains a missing one.
        first = min(errors, key=lambda e: (_document_order(data, list(e.absolute_path)), len(e.absolute_path),
                                           e.validator != "additionalProperties"))
        raise _schema_error(first, data, file)
    _check_references(data, file)


def yaml_path(parts: list) -> str:
    """``['dimensions', 2, 'questions', 1, 'levels']`` -> ``dimensions[2].questions[1].levels``."""
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _document_order(data: Any, path: list) -> list[int]:
    """Positions along ``path`` in the order the YAML was written: the error reported is the first in the file."""
    order, node = [], data
    for part in path:
        if isinstance(node, dict):
            keys = list(node)
            order.append(keys.index(part) if part in keys else len(keys))
        else:
            order.append(int(part))
        node = node[part] if isinstance(node, dict | list) else None
    return order


def _describe(value: Any) -> str:
    if isinstance(value, list):
        return f"a list of {len(value)} {'entry' if len(value) == 1 else 'entries'}"
    if isinstance(value, dict):
        return "a mapping"
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"{str(value).lower()} (a yes/no value)"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"{shown!r}"
    return repr(value)


def _schema_error(error: jsonschema.ValidationError, data: Any, file: str | None) -> ConfigError:
    path = list(error.absolute_path)
    schema = error.schema if isinstance(error.schema, dict) else {}
    if error.validator == "required":
        missing = next((name for name in error.validator_value if name not in error.instance), "?")
        expected = _property_description(schema, missing)
        return ConfigError("required key is missing", file=file, key=yaml_path([*path, missing]),
                           fix=f"add `{missing}`: {expected}" if expected else f"add `{missing}`")
    if error.validator == "additionalProperties":
        allowed = list(schema.get("properties", {}))
        unknown = [k for k in error.instance if k not in allowed]  # the first in the file
        name = unknown[0] if unknown else "?"
        close = difflib.get_close_matches(str(name), allowed, n=1, cutoff=0.6)
        fix = f"did you mean `{close[0]}`? " if close else ""
        fix += f"{'Allowed' if close else 'allowed'} keys here: {', '.join(allowed)}" if allowed else ""
        return ConfigError(f"unknown key `{name}`", file=file, key=yaml_path([*path, name]), fix=fix)
    expected = schema.get("description") or error.message
    return ConfigError(f"expected {expected}, found {_describe(error.instance)}", file=file, key=yaml_path(path))


def _property_description(schema: dict, name: str) -> str:
    sub = schema.get("properties", {}).get(name, {})
    if "$ref" in sub:
        ref = sub["$ref"].rsplit("/", 1)[-1]
        sub = model_schema()["$defs"].get(ref, {})
    return sub.get("description", "")


def _check_references(data: dict, file: str | None) -> None:
    """Rules JSON Schema cannot express: unique ids, known questions and indicators, one group per role."""
    seen_dims: dict[str, str] = {}
    seen_questions: dict[str, str] = {}
    for i, dim in enumerate(data["dimensions"]):
        _unique(dim["id"], f"dimensions[{i}].id", seen_dims, "dimension", file)
        for j, q in enumerate(dim["questions"]):
            _unique(q["id"], f"dimensions[{i}].questions[{j}].id", seen_questions, "question", file)
            steps: dict[str, str] = {}
            for k, rec in enumerate(q.get("recommendations", [])):
                _unique(str(rec["to"]), f"dimensions[{i}].questions[{j}].recommendations[{k}].to", steps,
                        "recommendation level", file)
    seen_roles: dict[str, str] = {}
    for group, roles in data.get("role_groups", {}).items():
        for k, role in enumerate(roles):
            _unique(role.strip().lower(), f"role_groups.{group}[{k}]", seen_roles, "role", file)
    seen_claims: dict[str, str] = {}
    for i, claim in enumerate(data.get("evidence", [])):
        _unique(claim["id"], f"evidence[{i}].id", seen_claims, "evidence claim", file)
        if claim["question"] not in seen_questions:
            close = difflib.get_close_matches(claim["question"], list(seen_questions), n=1, cutoff=0.6)
            raise ConfigError(f"unknown question {claim['question']!r}", file=file, key=f"evidence[{i}].question",
                              fix=f"did you mean {close[0]!r}?" if close else "use a question id of this model")
        for j, check in enumerate(claim["checks"]):
            if check["indicator"] not in INDICATORS:
                close = difflib.get_close_matches(check["indicator"], list(INDICATORS), n=1, cutoff=0.6)
                raise ConfigError(f"unknown indicator {check['indicator']!r}", file=file,
                                  key=f"evidence[{i}].checks[{j}].indicator",
                                  fix=(f"did you mean {close[0]!r}? Known" if close else "use one of the known")
                                  + f" indicators: {', '.join(sorted(INDICATORS))}")


def _unique(value: str, key: str, seen: dict[str, str], what: str, file: str | None) -> None:
    if value in seen:
        raise ConfigError(f"duplicate {what} {value!r} (first used at `{seen[value]}`)", file=file, key=key,
                          fix=f"give each {what} a unique value")
    seen[value] = key
