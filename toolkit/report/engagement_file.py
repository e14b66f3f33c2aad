"""The consultant's own voice in a report: commentary, finding edits, interview quotes and the cover.

An engagement file is a small YAML file the consultant writes next to the client's data and
passes as the report parameter ``engagement_file`` (CLI ``--engagement FILE``, batch key
``engagement``)::

    cover:
      firm: Halden & Rowe Support Advisory
      author: Maria Jensen
      contact: maria.jensen@halden-rowe.example
      confidentiality: Confidential. Prepared for Northwind Cloud's support leadership.
    commentary:                  # section id -> Markdown, shown under the section's heading
      operations: |
        The Billing team's numbers are the ones to discuss first ...
    findings:
      order: [ops.watermelon.billing, cx.scores]   # shown first, in this order
      suppress: [maturity.roadmap]                 # never shown
      reword:
        cx.response_rate: Only one customer in five answers the CSAT survey ...
    quotes:
      - text: We close tickets fast because the SLA report is what gets reviewed.
        role: team leads          # a role group, never a person's name
        section: operations       # default: maturity

The file is checked against ``engagement_file.schema.json`` and :data:`SECTIONS` when read
(:func:`read_engagement_file`); finding ids can only be checked against the findings this
engagement computed, in :meth:`EngagementFile.edit_summary`. Every problem is one
:class:`~toolkit.errors.ConfigError` naming the file and the key, and listing the valid ids.

Commentary is Markdown rendered without raw HTML and without images (the report loads nothing
from the network), with headings demoted below the report's own; quotes are always masked with
:func:`toolkit.pii.redact`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd

from toolkit.errors import ConfigError
from toolkit.files import read_yaml
from toolkit.pii import redact
from toolkit.report.text import Html, safe_text

SECTIONS: dict[str, str] = {
    "summary": "Executive summary",
    "maturity": "Maturity",
    "customer_experience": "Customer experience",
    "operations": "Operations and the watermelon check",
    "upstream_problems": "Upstream problems",
    "roadmap": "Recommendations and roadmap",
    "data_quality": "Data-quality appendix",
    "methodology": "Methodology notes",
}
"""Section ids an engagement file can comment on, and the report heading each one is."""

DEFAULT_QUOTE_SECTION = "maturity"
_SCHEMA = json.loads(resources.files("toolkit.report").joinpath("engagement_file.schema.json")
                     .read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Quote:
    """One interview quote: its text (masked when shown), the role group it is attributed to, its section."""

    text: str
    role: str
    section: str = DEFAULT_QUOTE_SECTION


@dataclass(frozen=True)
class EngagementFile:
    """What the consultant wrote for one engagement; the empty default changes nothing in a report."""

    path: Path | None = None
    firm: str = ""
    author: str = ""
    contact: str = ""
    confidentiality: str = ""
    commentary: Mapping[str, str] = field(default_factory=dict)
    order: tuple[str, ...] = ()
    suppress: tuple[str, ...] = ()
    reword: Mapping[str, str] = field(default_factory=dict)
    quotes: tuple[Quote, ...] = ()

    def _error(self, key: str, problem: str, fix: str) -> ConfigError:
        return ConfigError(problem, fix=fix, file=str(self.path) if self.path else None, key=key)

    def voice(self, section: str, *, redact_pii: bool = True) -> Html:
        """The section's commentary (Markdown as safe HTML) followed by its quotes; empty markup when none."""
        if section not in SECTIONS:
            raise ConfigError(f"{section!r} is not a report section", key="section",
                              fix=f"use one of {', '.join(SECTIONS)}")
        parts = []
        text = self.commentary.get(section)
        if text:
            parts.append(f'<div class="commentary">{markdown_html(text, redact_pii=redact_pii)}</div>')
        quotes = [q for q in self.quotes if q.section == section]
        if quotes:
            items = "".join(f"<blockquote><p>“{safe_text(q.text.strip())}”</p>"
                            f"<footer>{_sentence_case(safe_text(q.role.strip()))}</footer></blockquote>"
                            for q in quotes)
            parts.append(f'<div class="quotes">{items}</div>')
        return Html("".join(parts))

    def edit_summary(self, summary: pd.DataFrame, candidates: Sequence[pd.DataFrame | None]) -> pd.DataFrame:
        """The executive summary with this file's finding edits applied.

        Parameters
        ----------
        summary : the computed summary (:func:`toolkit.report.findings.executive_summary` of ``candidates``
            with the suppressed findings left out, see :meth:`without_suppressed`).
        candidates : every findings frame the report computed; the ids the file may name.

        Returns
        -------
        The ``order`` findings first, in the file's order (also when the computed summary had left
        them out), then the rest of ``summary``; ``reword`` texts replace the computed sentences.
        The summary keeps its length unless more findings are ordered than it held.

        Raises
        ------
        ConfigError when the file names a finding id this engagement did not compute; the message
        lists the ids it did compute.
        """
        frames = [f for f in candidates if f is not None and len(f)]
        everything = (pd.concat(frames, ignore_index=True) if frames
                      else summary.iloc[0:0]).drop_duplicates("id")
        self._check_ids(everything["id"].tolist())
        pinned = everything.set_index("id").reindex(list(self.order)).reset_index()[summary.columns]
        rest = summary[~summary["id"].isin(self.order) & ~summary["id"].isin(self.suppress)]
        keep = max(len(summary), len(pinned)) - len(pinned)
        out = pd.concat([pinned, rest.head(keep)], ignore_index=True)
        reworded = out["id"].map(self.reword)
        return out.assign(finding=reworded.where(reworded.notna(), out["finding"]).astype("str"))

    def without_suppressed(self, candidates: Sequence[pd.DataFrame | None]) -> list[pd.DataFrame | None]:
        """``candidates`` without the suppressed findings, so a suppressed one frees its place in the summary."""
        return [f[~f["id"].isin(self.suppress)] if f is not None and len(f) else f for f in candidates]

    def _check_ids(self, known: list[str]) -> None:
        named = [(f"findings.order[{i}]", v) for i, v in enumerate(self.order)]
        named += [(f"findings.suppress[{i}]", v) for i, v in enumerate(self.suppress)]
        named += [(f"findings.reword.{v}", v) for v in self.reword]
        for key, value in named:
            if value not in known:
                valid = ", ".join(sorted(known)) if known else "none (no findings were computed)"
                raise self._error(key, f"{value!r} is not a finding of this report",
                                  f"use one of the finding ids this engagement computed: {valid}")


def _sentence_case(text: str) -> str:
    """First letter upper case, the rest as written ("QA team" stays "QA team")."""
    return text[:1].upper() + text[1:]


def markdown_html(text: str, *, redact_pii: bool = True) -> str:
    """Markdown as safe HTML: raw HTML shown as text, no images, only http(s)/mailto links,
    headings demoted to ``<h4>`` and below (the report's sections are ``<h2>``)."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False}).enable("table").disable("image")
    md.validateLink = lambda url: url.strip().lower().startswith(("http://", "https://", "mailto:", "#"))
    tokens = md.parse(redact(text) if redact_pii else text)
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(6, int(token.tag[1]) + 3)}"
    return md.renderer.render(tokens, md.options, {})


def read_engagement_file(path: str | Path | None) -> EngagementFile:
    """Read and check an engagement file (see the module doc); ``None`` or ``""`` gives the empty one.

    Raises :class:`ConfigError` naming the file and the key, e.g. ``commentary.operatons``.
    """
    if path is None or str(path) == "":
        return EngagementFile()
    path = Path(path)
    fix = "see docs/engagement-file.md for the keys an engagement file holds"
    data = read_yaml(path, what="engagement file")
    if data is None:
        data = {}
    if not isinstance(data, Mapping):
        raise ConfigError(f"expected a mapping of keys, got {type(data).__name__}", file=str(path),
                          fix="start with one of the keys cover:, commentary:, findings:, quotes:")
    _validate(data, path, fix)
    cover = data.get("cover") or {}
    commentary = dict(data.get("commentary") or {})
    for section in commentary:
        _check_section(section, f"commentary.{section}", path)
    quotes = []
    for i, item in enumerate(data.get("quotes") or []):
        section = item.get("section", DEFAULT_QUOTE_SECTION)
        _check_section(section, f"quotes[{i}].section", path)
        quotes.append(Quote(item["text"], item["role"], section))
    edits = data.get("findings") or {}
    return EngagementFile(
        path=path, firm=cover.get("firm", "").strip(), author=cover.get("author", "").strip(),
        contact=cover.get("contact", "").strip(), confidentiality=cover.get("confidentiality", "").strip(),
        commentary=commentary, order=tuple(edits.get("order", ())), suppress=tuple(edits.get("suppress", ())),
        reword={k: v.strip() for k, v in (edits.get("reword") or {}).items()}, quotes=tuple(quotes))


def _check_section(section: str, key: str, path: Path) -> None:
    if section not in SECTIONS:
        raise ConfigError(f"{section!r} is not a report section", file=str(path), key=key,
                          fix=f"use one of {', '.join(SECTIONS)}")


def _validate(data: Any, path: Path, fix: str) -> None:
    """Check ``data`` against the schema; the first problem (in file order) as a ConfigError naming its key."""
    from jsonschema import Draft202012Validator

    errors = sorted(Draft202012Validator(_SCHEMA).iter_errors(data), key=lambda e: [str(p) for p in e.path])
    if not errors:
        return
    error = errors[0]
    key = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.path).lstrip(".")
    if error.validator == "additionalProperties":
        extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        allowed = ", ".join(error.schema.get("properties", {}))
        raise ConfigError("is not an engagement-file key", file=str(path), key=f"{key}.{extra[0]}".lstrip("."),
                          fix=f"use some of {allowed}")
    if error.validator == "required":
        raise ConfigError(error.message.replace("'", "`", 2), file=str(path), key=key or None,
                          fix="every quote needs its text and the role group it is attributed to, e.g. "
                              "role: team leads")
    expected = {"string": "text", "object": "a mapping of keys", "array": "a list"}
    problem = (f"expected {expected.get(error.validator_value, error.validator_value)}, got "
               f"{type(error.instance).__name__} {error.instance!r}" if error.validator == "type"
               else "is empty" if error.validator == "minLength"
               else "lists an id twice" if error.validator == "uniqueItems" else error.message)
    raise ConfigError(problem, file=str(path), key=key or None,
                      fix="write each finding id once" if error.validator == "uniqueItems" else fix)
