"""The sample client: a deterministic, realistic year of support data for Northwind Cloud.

``load_sample()`` reads the files shipped in the package (``toolkit/samples/data``; ``data/samples``
in the checkout links to it) as canonical tables;
``generate(out)`` writes them (``support-toolkit samples --out DIR``); ``build()``
makes them in memory. The same seed gives byte-identical files. What is injected
(the watermelon team, hedging agents, upstream problems, surges, survey bias, a team that
surveys too soon, a hero and a rework agent...) is
described in ``toolkit/samples/data/README.md`` and listed in the ground-truth files.
"""

from __future__ import annotations

import functools
import gzip
import importlib.util
import os
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from toolkit.errors import ConfigError, DataError
from toolkit.samples import company as co
from toolkit.samples import language, surveys, timeline, timing_patterns
from toolkit.samples.messages import write_messages
from toolkit.samples.problems import PROBLEMS, SPIKING_PROBLEM
from toolkit.samples.text import Writer
from toolkit.samples.tickets import finalise_tickets, plan_tickets
from toolkit.samples.zendesk import zendesk_export
from toolkit.schema import TABLES, validate

DEFAULT_SEED = 20251001
DEFAULT_TICKETS = 20_000
# Shipped inside the package (package data, about 5 MB): the demo and the notebooks' defaults read it as is,
# with no generation on first use. ``data/samples`` in the checkout is a link to this folder.
SAMPLES_DIR = Path(str(resources.files("toolkit.samples").joinpath("data")))

# File name of each table written by ``generate``; canonical tables first.
FILES = {
    "tickets": "tickets.csv.gz",
    "messages": "messages.csv.gz",
    "survey_responses": "survey_responses.csv",
    "survey_invitations": "survey_invitations.csv.gz",
    "maturity_answers": "maturity_answers.csv",
    "portfolio_scores": "portfolio_scores.csv",
    "zendesk_tickets": "zendesk_tickets.csv",
    "releases": "releases.csv",
    "ground_truth_problems": "ground_truth_problems.csv",
    "ground_truth_patterns": "ground_truth_patterns.csv",
    "ground_truth_tickets": "ground_truth_tickets.csv",
}
CANONICAL = ("tickets", "messages", "survey_responses", "survey_invitations", "maturity_answers")
_TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def build(seed: int = DEFAULT_SEED, n_tickets: int = DEFAULT_TICKETS) -> dict[str, pd.DataFrame]:
    """Generate the sample client in memory.

    Parameters
    ----------
    seed : seed of the numpy random generators; the same seed gives the same data.
    n_tickets : about how many tickets to make (the default makes the committed sample).

    Returns
    -------
    dict of DataFrames keyed like :data:`FILES`: the canonical tables (tickets,
    messages, survey_responses, survey_invitations, maturity_answers when the
    maturity model is available), ``zendesk_tickets`` (text columns named as Zendesk
    exports them) and the ground truth (``ground_truth_problems``: ticket_id, problem;
    ``ground_truth_patterns``: pattern, value; ``ground_truth_tickets``: ticket_id,
    pattern, related_ticket_id), ``releases`` (the client's release calendar: date, name, product;
    :mod:`toolkit.samples.language`) and, from the maturity generators, ``portfolio_scores``
    (anonymised scores of earlier engagements).

    Examples
    --------
    A small client for a quick experiment; the same seed gives the same tables:

    >>> from toolkit import samples
    >>> tables = samples.build(seed=7, n_tickets=500)
    >>> len(tables["tickets"]), len(tables["messages"])
    (500, 2402)
    >>> tables["messages"].equals(samples.build(seed=7, n_tickets=500)["messages"])
    True
    """
    if not isinstance(n_tickets, int | np.integer) or n_tickets < 500:
        raise ConfigError(f"n_tickets must be a whole number of at least 500, got {n_tickets!r}",
                          key="n_tickets", fix="pass e.g. n_tickets=20000")
    rng = [np.random.default_rng([seed, stage]) for stage in range(10)]
    scale = n_tickets / DEFAULT_TICKETS
    orgs, people = co.make_customers(rng[0], n_orgs=max(40, round(600 * scale)),
                                     n_people=max(120, round(4200 * scale)))
    plan = timing_patterns.plant_workload(plan_tickets(rng[1], Writer(rng[2]), orgs, people, n_tickets))
    snapshot = timeline.local_to_utc(np.array([np.datetime64(co.END)]))[0]
    messages = write_messages(Writer(rng[3]), plan, people, snapshot)
    messages, planted = language.plant(np.random.default_rng([seed, 10]), messages, plan)
    tickets = finalise_tickets(plan, messages, snapshot)
    latent = surveys.latent_satisfaction(rng[4], tickets)
    ticket_inv, ticket_resp, satisfaction = surveys.transactional(rng[5], Writer(rng[6]), tickets, orgs, latent,
                                                                  snapshot)
    tickets["satisfaction"] = satisfaction
    ticket_inv, ticket_resp = timing_patterns.plant_survey_timing(tickets, ticket_inv, ticket_resp)
    nps_inv, nps_resp = surveys.relationship_nps(rng[7], Writer(rng[9]), tickets, orgs, people, latent, snapshot)
    invitations = _number(pd.concat([ticket_inv, nps_inv], ignore_index=True), "invitation_id", "inv-", "sent_at")
    responses = pd.concat([ticket_resp, nps_resp], ignore_index=True)
    responses = _number(responses, "response_id", "resp-", "submitted_at")
    tables = {
        "tickets": tickets,
        "messages": messages,
        "survey_responses": responses,
        "survey_invitations": invitations,
    }
    tables.update(_maturity(seed))
    tables["zendesk_tickets"] = zendesk_export(rng[8], tickets, messages, people, orgs,
                                               set(ticket_inv.loc[ticket_inv["survey"] == "csat", "ticket_id"]))
    tables.update(_ground_truth(tickets, responses, invitations, latent, seed))
    tables["releases"] = language.releases()
    tables["ground_truth_patterns"], tables["ground_truth_tickets"] = language.with_ground_truth(
        tables["ground_truth_patterns"], tables["ground_truth_tickets"], planted)
    tables["tickets"] = _canonical_tickets(tickets)
    return tables


def generate(out: str | Path = SAMPLES_DIR, seed: int = DEFAULT_SEED, n_tickets: int = DEFAULT_TICKETS
             ) -> list[Path]:
    """Generate the sample client and write its files into ``out``; returns the paths written.

    CSV files are UTF-8 with ``\\n`` line ends; timestamps in canonical tables are UTC
    ISO 8601 (``2026-03-02T14:05:00Z``), tags are space-separated; the big canonical
    tables (tickets, messages, invitations) are gzip-compressed with a fixed header time,
    so the same seed gives the same bytes.

    Examples
    --------
    >>> import tempfile
    >>> from toolkit import samples
    >>> folder = tempfile.TemporaryDirectory()
    >>> [path.name for path in samples.generate(folder.name, seed=7, n_tickets=500)][:4]
    ['tickets.csv.gz', 'messages.csv.gz', 'survey_responses.csv', 'survey_invitations.csv.gz']
    >>> len(samples.load_sample(folder.name)["tickets"])
    500
    >>> folder.cleanup()
    """
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise ConfigError(f"{out} is a file, not a folder", key="out", fix="pass a folder, e.g. data/samples")
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in build(seed, n_tickets).items():
        path = out / FILES[name]
        text = _to_csv(frame)
        data = text.encode("utf-8")
        if path.suffix == ".gz":
            data = gzip.compress(data, compresslevel=6, mtime=0)
        path.write_bytes(data)
        written.append(path)
    return written


def load_sample(path: str | Path = SAMPLES_DIR) -> dict[str, pd.DataFrame]:
    """Read the sample client's canonical tables (validated, timestamps in UTC).

    Returns a dict with ``tickets``, ``messages``, ``survey_responses``,
    ``survey_invitations`` and, when present, ``maturity_answers``.
    Survey responses carry the segment columns ``region``, ``plan``, ``channel``,
    ``team`` and ``quarter`` (NPS) after the canonical ones.

    Parameters
    ----------
    path : a folder written by :func:`generate`; default: the sample client shipped in the package.

    Examples
    --------
    >>> from toolkit import samples
    >>> tables = samples.load_sample()
    >>> len(tables["tickets"]), str(tables["tickets"]["created_at"].dtype)
    (20000, 'datetime64[us, UTC]')
    >>> tables["survey_responses"]["survey"].value_counts().to_dict()
    {'csat': 4491, 'ces': 2095, 'nps': 1996}
    >>> samples.load_sample("no-such-folder")
    Traceback (most recent call last):
    ...
    toolkit.errors.DataError: file no-such-folder/tickets.csv.gz: no sample data in no-such-folder. \
Fix: run `support-toolkit samples --out no-such-folder` to generate it
    """
    path = Path(path)
    if not (path / FILES["tickets"]).exists():
        raise DataError(f"no sample data in {path}", file=str(path / FILES["tickets"]),
                        fix=f"run `support-toolkit samples --out {path}` to generate it")
    files = tuple((name, str(path / FILES[name])) for name in CANONICAL if (path / FILES[name]).exists())
    stamps = tuple(os.stat(file).st_mtime_ns for _, file in files)
    # Copy-on-write: shallow copies cannot change the cached frames.
    return {name: frame.copy(deep=False) for name, frame in _read_canonical(files, stamps).items()}


@functools.lru_cache(maxsize=2)
def _read_canonical(files: tuple[tuple[str, str], ...], stamps: tuple[int, ...]) -> dict[str, pd.DataFrame]:
    """Read and validate the canonical files once per version of the files (``stamps`` are their mtimes)."""
    tables = {}
    for name, file in files:
        raw = pd.read_csv(file, dtype="str", keep_default_na=False, na_values=[""])
        tables[name] = validate(raw, name, tz="UTC", file=file)
    return tables


def load_ground_truth(path: str | Path = SAMPLES_DIR) -> dict[str, pd.DataFrame]:
    """Read the ground truth: ``problems`` (ticket_id, problem), ``patterns`` (pattern, value) and
    ``tickets`` (ticket_id, pattern, related_ticket_id).

    Examples
    --------
    >>> from toolkit import samples
    >>> truth = samples.load_ground_truth()
    >>> patterns = truth["patterns"].set_index("pattern")["value"]
    >>> patterns["watermelon_team"], patterns["spiking_problem"]
    ('Rapid Response', 'sms_2fa_delay')
    >>> len(truth["problems"]), truth["problems"]["problem"].value_counts().idxmax()
    (4455, 'sync_conflicted_copies')
    """
    path = Path(path)
    return {key: pd.read_csv(path / FILES[f"ground_truth_{key}"], dtype="str", keep_default_na=False)
            for key in ("problems", "patterns", "tickets")}


def _to_csv(frame: pd.DataFrame) -> str:
    out = frame.copy()
    for col in out.columns:
        if isinstance(out[col].dtype, pd.DatetimeTZDtype):
            out[col] = out[col].dt.strftime(_TIME_FORMAT)
        elif col == "tags":
            out[col] = out[col].map(" ".join)
        elif col == "extra":
            out[col] = ""
    return out.to_csv(index=False, lineterminator="\n")


def _number(frame: pd.DataFrame, column: str, prefix: str, by: str) -> pd.DataFrame:
    frame = frame.sort_values([by, "survey", "requester_id"], kind="stable").reset_index(drop=True)
    frame.insert(0, column, [f"{prefix}{i:06d}" for i in range(1, len(frame) + 1)])
    return frame


def _canonical_tickets(tickets: pd.DataFrame) -> pd.DataFrame:
    names = TABLES["tickets"].names
    frame = tickets.assign(extra=[{} for _ in range(len(tickets))], parent_id=None)
    return frame[names]


def _maturity(seed: int) -> dict[str, pd.DataFrame]:
    """Interview answers and earlier engagements' scores from the maturity work's generators, when present."""
    if importlib.util.find_spec("toolkit.samples.maturity_answers") is None:
        return {}
    from toolkit.samples import maturity_answers

    return {"maturity_answers": maturity_answers.generate_maturity_answers(None, seed=seed),
            "portfolio_scores": maturity_answers.generate_portfolio_scores(None, seed=seed)}


def _ground_truth(tickets: pd.DataFrame, responses: pd.DataFrame, invitations: pd.DataFrame,
                  latent: np.ndarray, seed: int) -> dict[str, pd.DataFrame]:
    problems = tickets.loc[tickets["_problem"] != "", ["ticket_id", "_problem"]].rename(
        columns={"_problem": "problem"})
    quick = tickets["_too_quick"].astype(bool)
    came_back = tickets.loc[tickets["_followup_of"].notna(), ["ticket_id", "_followup_of"]]
    rows = [
        tickets.loc[quick & (tickets["reopens"] > 0), ["ticket_id"]].assign(pattern="too_quick_reopened",
                                                                            related_ticket_id=""),
        pd.DataFrame({"ticket_id": came_back["_followup_of"].to_numpy(), "pattern": "too_quick_followed_up",
                      "related_ticket_id": came_back["ticket_id"].to_numpy()}),
        pd.DataFrame({"ticket_id": came_back["ticket_id"].to_numpy(), "pattern": "followup_of_too_quick",
                      "related_ticket_id": came_back["_followup_of"].to_numpy()}),
        tickets.loc[tickets["_abandoned"].astype(bool), ["ticket_id"]].assign(pattern="abandoned_chat",
                                                                              related_ticket_id=""),
    ]
    per_ticket = pd.concat(rows, ignore_index=True).sort_values(["ticket_id", "pattern"], kind="stable")
    csat = responses[responses["survey"] == "csat"]
    invited = tickets["ticket_id"].isin(invitations.loc[invitations["survey"] == "csat", "ticket_id"])
    linked = tickets[tickets["_is_problem_ticket"].fillna(False).astype(bool)]
    patterns = [
        ("company", co.COMPANY),
        ("time_zone", co.TIME_ZONE),
        ("period", f"{co.START.date()} to {(co.END - pd.Timedelta(days=1)).date()}"),
        ("export_snapshot_local", str(co.END)),
        ("seed", str(seed)),
        ("ticket_count", str(len(tickets))),
        ("teams", ";".join(co.TEAM_NAMES)),
        ("products", ";".join(co.PRODUCTS)),
        ("watermelon_team", co.WATERMELON_TEAM),
        ("hedging_agents", ";".join(co.HEDGING_AGENTS)),
        ("certain_agents", ";".join(co.CERTAIN_AGENTS)),
        ("hedge_rate_hedging_agents", str(co.HEDGE_RATE["hedging"])),
        ("hedge_rate_certain_agents", str(co.HEDGE_RATE["certain"])),
        ("hedge_rate_other_agents", str(co.HEDGE_RATE["mixed"])),
        *[(f"sla_first_reply_minutes_{p}", str(v)) for p, v in co.SLA_FIRST_REPLY_MINUTES.items()],
        ("sla_breached_rule", "first_reply_minutes > target for the priority (calendar minutes); "
                              "no reply yet: breached when older than the target"),
        ("business_hours", "Mon-Fri 08:00-18:00 Europe/London, England and Wales bank holidays off"),
        ("quarter_end_surge", "last 14 days of March, June and September: daily volume x1.4"),
        ("year_end_dip", "18-31 December: daily volume x0.55"),
        ("weekday_factors_mon_to_sun", ";".join(f"{f:g}" for f in timeline.WEEKDAY_FACTOR)),
        ("problems", ";".join(p.name for p in PROBLEMS)),
        *[(f"problem_{p.name}", f"{p.title} | product {p.product} | {p.start} to {p.end} | shape {p.shape}"
           f"{' | ' + p.bug_key if p.bug_key else ''}") for p in PROBLEMS],
        ("bug_keys", ";".join(f"{p.name}={p.bug_key}" for p in PROBLEMS if p.bug_key)),
        ("problem_tickets", ";".join(f"{r['_problem']}={r['ticket_id']}" for _, r in linked.iterrows())),
        ("spiking_problem", SPIKING_PROBLEM),
        ("spiking_problem_start", next(p.start for p in PROBLEMS if p.name == SPIKING_PROBLEM)),
        ("problem_ticket_share", f"{len(problems) / len(tickets):.3f}"),
        ("too_quick_rule", "solved at or right after the first reply (within 45 minutes of creation), then "
                           "reopened or followed by a new ticket from the same requester on the same topic "
                           "within 7 days"),
        ("too_quick_reopened_count", str(int((quick & (tickets["reopens"] > 0)).sum()))),
        ("too_quick_followup_count", str(len(came_back))),
        ("abandoned_chat_count", str(int(tickets["_abandoned"].astype(bool).sum()))),
        ("abandoned_chat_rule", "chat whose last public message is an unanswered agent message, followed by a "
                                "system message that the visitor left"),
        ("csat_scale", "1-5"),
        ("csat_zendesk_mapping", "4-5 Good; 1-3 Bad; invited without answer Offered; not invited Not Offered"),
        ("csat_response_rate_by_score", ";".join(f"{k}:{v}" for k, v in surveys.CSAT_RESPONSE_RATE.items())),
        ("csat_mean_all_invited_latent", f"{latent[invited.to_numpy()].mean():.3f}"),
        ("csat_mean_responses", f"{csat['score'].mean():.3f}"),
        ("csat_invitations", str(int(invited.sum()))),
        ("csat_responses", str(len(csat))),
        ("nps_scale", "0-10"),
        ("nps_send_dates_local", ";".join(surveys.NPS_SEND_DATES)),
        ("nps_contacts_per_org", str(surveys.NPS_CONTACTS_PER_ORG)),
        ("ces_scale", "1-7 (7 = very easy)"),
        ("ces_channels", ";".join(surveys.CES_CHANNELS)),
        *timing_patterns.ground_truth(tickets, invitations),
    ]
    return {
        "ground_truth_problems": problems.reset_index(drop=True),
        "ground_truth_patterns": pd.DataFrame(patterns, columns=["pattern", "value"]),
        "ground_truth_tickets": per_ticket.reset_index(drop=True),
    }
