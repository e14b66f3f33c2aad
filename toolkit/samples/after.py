"""The sample client's later engagement: the same support organisation a year on, with known changes.

A consultant re-assessing Northwind Cloud should find exactly these changes (they
are the ground truth of the re-assessment tests and ``make demo``):

- **the watermelon team fixed**: Rapid Response keeps its fast replies, and 80% of its
  reopens and 85% of its dissatisfied CSAT answers are gone (so CSAT and the reopen rate
  improve organisation-wide, and the team no longer looks green while customers feel red);
- **hedging reduced**: 85% of the hedging agents' hedged replies are rewritten in certain
  language (I've checked, it is fixed);
- **an upstream problem resolved**: the blank invoice PDFs (APP-1482) no longer happen;
- **a new upstream problem**: File Sync thumbnails missing (APP-2519), 600 tickets from the
  sixth month on, a fifth of them quoting the bug key;
- **NPS up**: 30% of the detractors answer 9 or 10;
- **maturity**: every roadmap step planned for the first 90 days is done.

It is derived from the committed first year (:func:`toolkit.samples.load_sample`) rather
than generated afresh, so that nothing else changes between the two engagements beyond
what these changes imply, and it is made on demand in a few seconds instead of shipping a
second 14 MB of files. Every time stamp moves 52 weeks later (weekdays are kept).
"""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pandas as pd

from toolkit.samples import DEFAULT_SEED, FILES, SAMPLES_DIR, _to_csv, load_ground_truth, load_sample
from toolkit.samples import company as co
from toolkit.samples.text import Writer
from toolkit.samples.tickets import KEY_MENTIONS

SHIFT = pd.Timedelta(weeks=52)
RESOLVED_PROBLEM = "invoice_pdf_blank"
RESOLVED_BUG_KEY = "APP-1482"
NEW_PROBLEM = "sync_thumbnails_missing"
NEW_BUG_KEY = "APP-2519"
NEW_PROBLEM_TICKETS = 600
NEW_PROBLEM_FROM_DAY = 150  # the new problem starts in the sixth month
REOPENS_REMOVED = 0.8  # share of the watermelon team's reopened tickets that are no longer reopened
CSAT_FIXED = 0.85  # share of its dissatisfied CSAT answers that are now satisfied
HEDGES_REWRITTEN = 0.85
DETRACTORS_CONVERTED = 0.3
# What a re-assessment at the 5% level (Holm-adjusted) should find, and nothing else.
EXPECTED = {
    "clear_changes": {"nps": "better", "csat": "better", "reopen_rate": "better", "hedged_share": "better"},
    "no_longer_watermelon": [co.WATERMELON_TEAM],
    "resolved": [RESOLVED_BUG_KEY],
    "new": [NEW_BUG_KEY],
}

# Templates in the first year's style ({a|b} alternatives, <slots>), written with the sample's own Writer.
_SUBJECTS = ("{Thumbnails|File thumbnails|Image thumbnails} {missing|gone|not showing}{ in File Sync|}",
             "No {thumbnails|thumbnail previews} {since the update|any more}",
             "File Sync {thumbnails|previews} broken")
_SYMPTOMS = ("{Since the {last|latest} update|Since <weekday>}, File Sync shows a grey icon instead of the thumbnail "
             "for {every|each} {image|photo|file}.",
             "The thumbnails of our {photos|images|PDFs} {have disappeared|are gone} {in|from} the synced folders"
             "{, just grey icons|}.",
             "{None of|No} our files show a thumbnail{ preview|} any more, {just|only} a grey {square|icon}.",
             "Thumbnail previews {stopped working|no longer load} for {images|photos} in File Sync{, we see grey "
             "icons|}.",
             "{Every|Each} file in the {web view|desktop app} shows a grey {placeholder|icon} instead of its "
             "thumbnail.")
_CONTEXTS = ("It happens in every folder{ we open|}.", "The files{ themselves|} open fine, only the thumbnails are "
             "missing.", "We rely on the thumbnails to find the right {photo|image}.",
             "Clearing the {cache|thumbnail cache} did not help.")
_GREETINGS = ("Hi,", "Hello,", "Hi support,", "Hello team,", "")
_SIGN_OFFS = ("Thanks", "Thanks for your help", "Kind regards", "Cheers", "")
_CERTAIN = ("I've checked this on your account and it is fixed: {what} now works as expected.",
            "I've verified the cause and corrected it, so {what} works again.",
            "The cause was a setting on our side; I've changed it and tested {what} myself.")
_PROMOTER_COMMENTS = ("Support has really improved this year.", "Quick, clear answers now.",
                      "Much better than last year.", "")


def build_after(seed: int = DEFAULT_SEED, path: str | Path | None = None) -> dict[str, pd.DataFrame]:
    """The later engagement's canonical tables (see the module docstring), from the first year at ``path``.

    Returns a dict like :func:`toolkit.samples.load_sample` (tickets, messages, survey_responses,
    survey_invitations, maturity_answers) plus ``portfolio_scores`` (unchanged) and
    ``ground_truth_patterns`` (pattern, value: what was planted).
    """
    tables, truth = load_sample(path or SAMPLES_DIR), load_ground_truth(path or SAMPLES_DIR)
    rng = np.random.default_rng([seed, 2027])
    resolved = set(truth["problems"].loc[truth["problems"]["problem"] == RESOLVED_PROBLEM, "ticket_id"])
    problem_tickets = set(truth["problems"]["ticket_id"])
    tickets = tables["tickets"]
    keep = ~tickets["ticket_id"].isin(resolved)
    out = {name: _shift(frame) for name, frame in tables.items()}
    out["tickets"] = out["tickets"][keep.to_numpy()].reset_index(drop=True)
    ids = set(out["tickets"]["ticket_id"])
    for name in ("messages", "survey_responses", "survey_invitations"):
        frame = out[name]
        linked = frame["ticket_id"].isna() | frame["ticket_id"].isin(ids)
        out[name] = frame[linked.to_numpy()].reset_index(drop=True)
    _fix_watermelon(rng, out)
    _reduce_hedging(rng, out)
    new_ids = _new_problem(rng, out, problem_tickets)
    _raise_nps(rng, out)
    out["maturity_answers"] = _roadmap_done(tables["maturity_answers"])
    out["survey_responses"]["quarter"] = _quarters(out["survey_responses"])
    portfolio = Path(path or SAMPLES_DIR) / FILES["portfolio_scores"]
    if portfolio.is_file():
        out["portfolio_scores"] = pd.read_csv(portfolio, dtype="str", keep_default_na=False)
    out["ground_truth_patterns"] = pd.DataFrame([
        ("period", f"{(co.START + SHIFT).date()} to {(co.END + SHIFT - pd.Timedelta(days=1)).date()}"),
        ("watermelon_team_fixed", co.WATERMELON_TEAM),
        ("hedging_agents_rewritten", ";".join(co.HEDGING_AGENTS)),
        ("resolved_problem", f"{RESOLVED_PROBLEM} | {RESOLVED_BUG_KEY} | {len(resolved)} tickets removed"),
        ("new_problem", f"{NEW_PROBLEM} | {NEW_BUG_KEY} | {len(new_ids)} tickets"),
        ("new_problem_tickets", ";".join(sorted(new_ids))),
        ("nps_direction", "up"),
        ("expected_clear_changes", ";".join(f"{k}={v}" for k, v in EXPECTED["clear_changes"].items())),
    ], columns=["pattern", "value"])
    return out


def generate_after(out: str | Path, seed: int = DEFAULT_SEED, path: str | Path | None = None) -> list[Path]:
    """Write the later engagement's files into ``out`` (same names and formats as the first year's)."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in build_after(seed, path).items():
        target = out / FILES[name]
        data = _to_csv(frame).encode("utf-8")
        if target.suffix == ".gz":
            data = gzip.compress(data, compresslevel=6, mtime=0)
        target.write_bytes(data)
        written.append(target)
    return written


def _shift(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for col in out.columns:
        if isinstance(out[col].dtype, pd.DatetimeTZDtype):
            out[col] = out[col] + SHIFT
    return out


def _quarters(responses: pd.DataFrame) -> pd.Series:
    """The NPS wave's quarter label (``2026-Q4``) from the shifted answer times; empty for other surveys."""
    local = responses["submitted_at"].dt.tz_convert(co.TIME_ZONE)
    label = local.dt.year.astype("str") + "-Q" + local.dt.quarter.astype("str")
    return label.where(responses["survey"] == "nps", pd.NA)


def _fix_watermelon(rng: np.random.Generator, tables: dict[str, pd.DataFrame]) -> None:
    tickets, responses = tables["tickets"], tables["survey_responses"]
    team = tickets["team"] == co.WATERMELON_TEAM
    reopened = team & (tickets["reopens"] > 0)
    tickets.loc[reopened & (rng.random(len(tickets)) < REOPENS_REMOVED), "reopens"] = 0
    bad = (responses["survey"] == "csat") & (responses["team"] == co.WATERMELON_TEAM) & (responses["score"] <= 3)
    fixed = bad & (rng.random(len(responses)) < CSAT_FIXED)
    responses.loc[fixed, "score"] = rng.choice([4.0, 5.0], size=len(responses))[fixed.to_numpy()]
    rating = responses.loc[responses["survey"] == "csat"].set_index("ticket_id")["score"]
    rated = tickets["ticket_id"].isin(rating.index) & team
    # the helpdesk's own rating column holds whole numbers as text ("4")
    tickets.loc[rated, "satisfaction"] = tickets.loc[rated, "ticket_id"].map(rating).astype("int64").astype("str")


def _reduce_hedging(rng: np.random.Generator, tables: dict[str, pd.DataFrame]) -> None:
    """Rewrite most hedged replies of the hedging agents: greeting and signature kept, the middle made certain."""
    from toolkit.ops.hedging import hedging

    messages = tables["messages"]
    marked = hedging(messages)
    chosen = marked[marked["hedged"] & marked["author"].isin(co.HEDGING_AGENTS)]
    chosen = chosen[rng.random(len(chosen)) < HEDGES_REWRITTEN]
    product = tables["tickets"].set_index("ticket_id")["product"]
    where = messages["message_id"].isin(chosen["message_id"])
    bodies = messages.loc[where, "body"]
    what = messages.loc[where, "ticket_id"].map(product).fillna("your account").to_numpy()
    templates = rng.choice(len(_CERTAIN), size=len(bodies))
    rewritten = []
    for body, thing, template in zip(bodies, what, templates, strict=True):
        paragraphs = body.split("\n\n")
        middle = _CERTAIN[template].format(what=str(thing))
        rewritten.append("\n\n".join([paragraphs[0], middle, paragraphs[-1]]) if len(paragraphs) >= 3 else middle)
    messages.loc[where, "body"] = rewritten


def _new_problem(rng: np.random.Generator, tables: dict[str, pd.DataFrame], problem_tickets: set) -> set:
    """Turn File Sync tickets from the sixth month on into reports of the new problem; returns their ids."""
    tickets, messages = tables["tickets"], tables["messages"]
    start = tickets["created_at"].min() + pd.Timedelta(days=NEW_PROBLEM_FROM_DAY)
    eligible = tickets.index[(tickets["product"] == "File Sync") & (tickets["created_at"] >= start)
                             & ~tickets["ticket_id"].isin(problem_tickets) & tickets["problem_id"].isna()]
    chosen = np.sort(rng.choice(eligible, size=min(NEW_PROBLEM_TICKETS, len(eligible)), replace=False))
    n = len(chosen)
    writer = Writer(rng)
    subjects = [writer.expand(writer.pick(_SUBJECTS)) for _ in range(n)]
    texts = []
    for _ in range(n):
        body = " ".join([writer.expand(writer.pick(_SYMPTOMS)),
                         *(writer.expand(c) for c in writer.sample(_CONTEXTS, writer.int(0, 2))),
                         *([writer.expand(writer.pick(KEY_MENTIONS), {"key": NEW_BUG_KEY})]
                           if writer.chance(0.22) else [])])
        texts.append("\n\n".join(part for part in (writer.pick(_GREETINGS), body, writer.pick(_SIGN_OFFS)) if part))
    tickets.loc[chosen, "subject"] = subjects
    tickets.loc[chosen, "description"] = texts
    # as the first year's generator does: every third ticket tagged as a known issue, every other one of those
    # with the bug key
    tagged = np.arange(n) % 3 == 0
    keyed = tagged & (np.arange(n) % 2 == 0)
    tickets.loc[chosen, "tags"] = pd.Series(
        [[*tags, *(["known_issue"] if t else []), *([NEW_BUG_KEY.lower()] if k else [])]
         for tags, t, k in zip(tickets.loc[chosen, "tags"], tagged, keyed, strict=True)], index=chosen, dtype=object)
    ids = tickets.loc[chosen, "ticket_id"]
    first = messages[messages["ticket_id"].isin(ids) & (messages["author_role"] == "customer")] \
        .drop_duplicates("ticket_id")
    messages.loc[first.index, "body"] = first["ticket_id"].map(dict(zip(ids, texts, strict=True)))
    reply = messages[messages["ticket_id"].isin(ids) & (messages["author_role"] == "agent")] \
        .drop_duplicates("ticket_id")
    cite = reply.index[rng.random(len(reply)) < 0.6]
    messages.loc[cite, "body"] = messages.loc[cite, "body"] + \
        f"\n\nEngineering is tracking the missing thumbnails as {NEW_BUG_KEY}."
    return set(ids)


def _raise_nps(rng: np.random.Generator, tables: dict[str, pd.DataFrame]) -> None:
    responses = tables["survey_responses"]
    detractor = (responses["survey"] == "nps") & (responses["score"] <= 6)
    converted = detractor & (rng.random(len(responses)) < DETRACTORS_CONVERTED)
    responses.loc[converted, "score"] = rng.choice([9.0, 10.0], size=len(responses))[converted.to_numpy()]
    comments = np.array(_PROMOTER_COMMENTS)[rng.integers(0, len(_PROMOTER_COMMENTS), len(responses))]
    responses.loc[converted, "comment"] = pd.Series(comments, index=responses.index)[converted].replace("", pd.NA)


def _roadmap_done(answers: pd.DataFrame) -> pd.DataFrame:
    """Every respondent now answers at least the level of each first-90-days roadmap step."""
    from toolkit.maturity.roadmap import build_roadmap

    roadmap = build_roadmap(answers)
    reached = roadmap[roadmap["phase"] == "first 90 days"].groupby("question_id")["to_level"].max()
    out = answers.copy()
    target = out["question_id"].map(reached)
    lift = target.notna() & (out["status"] == "answered") & (out["level"] < target)
    out.loc[lift, "level"] = target[lift].astype(out["level"].dtype)
    return out
