"""Northwind Cloud's maturity interviews, and anonymised scores of earlier engagements.

Five people were interviewed: the head of support, a team lead, an agent, a product
manager and an engineering manager. The answers are built to contain findings:

- Management (head of support, product manager, engineering manager) and frontline
  (team lead, agent) disagree by at least 1.5 levels on three dimensions:
  ``capabilities`` (hero culture), ``outcomes`` (what is measured) and ``voice``
  (whether surveys lead to action). Elsewhere they differ by less than 1.5 levels.
- Some claims are contradicted by the sample tickets and surveys: the head of support
  says "we resolve on first contact" (MO-3 level 4), "no hero culture" (CP-1 level 4)
  and "we act on surveys" (VO-2 level 4); the engineering and product managers say
  "bugs reach engineering quickly" (UP-1 level 4).
- A few answers are "not applicable" or "don't know".
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from toolkit.maturity.model import MaturityModel, load_model
from toolkit.schema import validate

RESPONDENTS = (
    ("Dana", "head of support"),
    ("Sam", "team lead"),
    ("Lee", "agent"),
    ("Priya", "product manager"),
    ("Tom", "engineering manager"),
)

# What the frontline sees, per dimension (close to what the data shows).
BASE_LEVEL = {
    "destination": 2, "capabilities": 2, "obligations": 3, "patterns": 2, "outcomes": 2,
    "collaboration": 2, "upstream": 2, "people": 2, "voice": 2, "communication": 2,
}
# How much more optimistic each role is than the base, per dimension (0 when not listed).
ROLE_BIAS = {
    "head of support": {"capabilities": 2, "outcomes": 2, "voice": 2, "destination": 1},
    "product manager": {"capabilities": 1, "outcomes": 2, "voice": 2},
    "engineering manager": {"capabilities": 2, "outcomes": 1, "voice": 1},
    "team lead": {"voice": -1},
    "agent": {"capabilities": -1, "voice": -1},
}
# Dimensions where management and frontline disagree by design: no jitter, so the finding is stable.
DESIGNED_DISAGREEMENTS = ("capabilities", "outcomes", "voice")
# Fixed answers: the claims the data can test, and what the frontline says about them.
FIXED = {
    ("Dana", "CP-1"): (4, "No hero culture here: work is spread evenly over the team."),
    ("Dana", "MO-2"): (4, "We measure satisfaction on every ticket and report it with the response rate."),
    ("Dana", "MO-3"): (4, "We resolve on first contact; reopens are rare."),
    ("Dana", "MO-4"): (4, "Our SLA dashboards and CSAT tell the same story."),
    ("Dana", "VO-2"): (4, "We act on surveys: every theme goes to product with an owner."),
    ("Priya", "VO-2"): (4, "Product reviews the survey themes every sprint."),
    ("Priya", "UP-1"): (4, "Bugs reach engineering quickly; support files them the same day."),
    ("Tom", "UP-1"): (4, "Support bugs reach us quickly through the tracker."),
    ("Sam", "CP-1"): (2, "Two senior people take every hard case; when they are off, the queue stalls."),
    ("Lee", "CP-1"): (1, "I forward anything tricky to the same two colleagues."),
    ("Sam", "MO-3"): (2, "Customers often come back after we close; some tickets take five or six replies."),
    ("Lee", "MO-3"): (2, "The fast team closes quickly and the tickets come back to us."),
    ("Sam", "VO-2"): (1, "We never hear what happens with survey comments."),
    ("Lee", "VO-2"): (1, "Low scores get an apology, nothing else."),
    ("Sam", "UP-1"): (2, "The same bug gets reported for weeks before anyone links the tickets."),
}
NOT_APPLICABLE = {("Tom", "OB-3"), ("Priya", "PE-3")}
DONT_KNOW = {("Lee", "DS-3"), ("Lee", "OB-1"), ("Priya", "OB-2"), ("Tom", "EP-2")}


def generate_maturity_answers(model: MaturityModel | str | None, seed: int) -> pd.DataFrame:
    """Interview answers of Northwind Cloud's five respondents, in canonical ``maturity_answers`` form.

    Parameters
    ----------
    model : the maturity model (or its path; ``None`` for the shipped model).
    seed : randomness for the small level differences between questions.

    Returns
    -------
    DataFrame with columns respondent, role, question_id, level, status, note: one row per
    respondent and question of the model (see the module docstring for the designed findings).
    """
    model = load_model(model)
    rng = np.random.default_rng(seed)
    questions = model.questions
    rows = []
    for name, role in RESPONDENTS:
        bias = ROLE_BIAS.get(role, {})
        # -1/0/+1 jitter per question, drawn for every question so the draw does not depend on the fixed answers.
        jitter = rng.choice([-1, 0, 1], size=len(questions), p=[0.2, 0.6, 0.2])
        for q, j in zip(questions.itertuples(index=False), jitter, strict=True):
            key = (name, q.question_id)
            base = BASE_LEVEL.get(q.dimension_id, 2) + bias.get(q.dimension_id, 0)
            j = 0 if q.dimension_id in DESIGNED_DISAGREEMENTS else j
            level, note = int(np.clip(base + j, 1, 5)), ""
            if key in FIXED:
                level, note = FIXED[key]
            if key in NOT_APPLICABLE:
                rows.append((name, role, q.question_id, "not applicable", "not_applicable",
                             "Not part of my role's remit."))
            elif key in DONT_KNOW:
                rows.append((name, role, q.question_id, "don't know", "dont_know", "I don't know how this works."))
            else:
                rows.append((name, role, q.question_id, str(level), "answered", note))
    frame = pd.DataFrame(rows, columns=["respondent", "role", "question_id", "level", "status", "note"])
    return validate(frame, "maturity_answers")


def generate_portfolio_scores(model: MaturityModel | str | None, seed: int, engagements: int = 24) -> pd.DataFrame:
    """Anonymised dimension scores of earlier engagements, for portfolio comparison.

    Each engagement has an overall maturity drawn around 2.6 and per-dimension deviations,
    rounded to quarter levels like real combined scores.

    Returns
    -------
    DataFrame with columns engagement (E01...), year, segment, dimension_id, score.
    """
    model = load_model(model)
    rng = np.random.default_rng(seed)
    dims = model.dimensions["dimension_id"].tolist()
    overall = np.clip(rng.normal(2.6, 0.55, size=engagements), 1.3, 4.3)
    offsets = rng.normal(0.0, 0.5, size=(engagements, len(dims)))
    scores = np.clip(np.round((overall[:, None] + offsets) * 4) / 4, 1.0, 5.0)
    years = rng.integers(2021, 2026, size=engagements)
    segments = rng.choice(["saas", "fintech", "retail", "public sector", "manufacturing"], size=engagements)
    ids = [f"E{i + 1:02d}" for i in range(engagements)]
    frame = pd.DataFrame({
        "engagement": np.repeat(ids, len(dims)),
        "year": np.repeat(years, len(dims)),
        "segment": np.repeat(segments, len(dims)),
        "dimension_id": np.tile(dims, engagements),
        "score": scores.ravel(),
    })
    return frame
