"""The sample client: byte-identical regeneration, schema validity, and every injected pattern."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from toolkit import samples
from toolkit.errors import ConfigError, DataError
from toolkit.samples import FILES, SAMPLES_DIR, company
from toolkit.samples.zendesk import COLUMNS
from toolkit.schema import conform

HEDGE = re.compile(r"\b(?:should be|should work|should do|should sort|looks like|i think|hopefully|seems|i believe)\b",
                   re.IGNORECASE)


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    return samples.load_sample()


@pytest.fixture(scope="module")
def truth() -> dict[str, pd.DataFrame]:
    return samples.load_ground_truth()


@pytest.fixture(scope="module")
def patterns(truth) -> dict[str, str]:
    return dict(zip(truth["patterns"]["pattern"], truth["patterns"]["value"], strict=True))


@pytest.fixture(scope="module")
def tickets(tables, truth) -> pd.DataFrame:
    """Tickets with the ground-truth problem and London local time added."""
    problem = truth["problems"].set_index("ticket_id")["problem"]
    return tables["tickets"].assign(problem=lambda t: t["ticket_id"].map(problem),
                                    local=lambda t: t["created_at"].dt.tz_convert("Europe/London"))


@pytest.fixture(scope="module")
def zendesk() -> pd.DataFrame:
    return pd.read_csv(SAMPLES_DIR / FILES["zendesk_tickets"], dtype="str", keep_default_na=False)


# -- determinism and files -----------------------------------------------------------------------------------

def _content(path: Path) -> bytes:
    """The file's bytes; for .gz the uncompressed bytes (compressed bytes depend on the zlib build)."""
    data = path.read_bytes()
    return gzip.decompress(data) if path.suffix == ".gz" else data


def test_regenerating_gives_the_committed_files_byte_for_byte(tmp_path):
    written = samples.generate(tmp_path)
    assert sorted(p.name for p in written) == sorted(FILES.values())
    for path in written:
        assert _content(path) == _content(SAMPLES_DIR / path.name), f"{path.name} differs"
        if path.suffix == ".gz":
            assert path.read_bytes()[4:8] == b"\0\0\0\0"  # no timestamp in the gzip header


def test_samples_are_small_enough_to_commit():
    total = sum(p.stat().st_size for p in SAMPLES_DIR.iterdir())
    assert total < 15_000_000


def test_another_seed_gives_other_data_and_the_same_seed_the_same():
    a = samples.build(seed=1, n_tickets=600)
    b = samples.build(seed=1, n_tickets=600)
    c = samples.build(seed=2, n_tickets=600)
    pd.testing.assert_frame_equal(a["messages"], b["messages"])
    assert not a["tickets"]["description"].equals(c["tickets"]["description"])
    assert abs(len(a["tickets"]) - 600) <= 5


def test_load_sample_returns_independent_frames():
    first = samples.load_sample()
    first["tickets"].loc[0, "team"] = "changed"
    assert samples.load_sample()["tickets"].loc[0, "team"] != "changed"


def test_build_rejects_too_few_tickets():
    with pytest.raises(ConfigError) as err:
        samples.build(n_tickets=10)
    assert str(err.value) == ("`n_tickets`: n_tickets must be a whole number of at least 500, got 10. "
                              "Fix: pass e.g. n_tickets=20000")


def test_generate_refuses_a_file_as_the_folder(tmp_path):
    file = tmp_path / "notes.txt"
    file.write_text("x")
    with pytest.raises(ConfigError) as err:
        samples.generate(file, n_tickets=500)
    assert str(err.value) == f"`out`: {file} is a file, not a folder. Fix: pass a folder, e.g. data/samples"


def test_load_sample_names_the_missing_folder(tmp_path):
    with pytest.raises(DataError) as err:
        samples.load_sample(tmp_path)
    assert str(err.value) == (f"file {tmp_path / 'tickets.csv.gz'}: no sample data in {tmp_path}. "
                              f"Fix: run `support-toolkit samples --out {tmp_path}` to generate it")


def test_cli_help_and_defaults_match_the_library():
    from toolkit.cli import cli
    from toolkit.samples.cli import samples as command

    result = CliRunner().invoke(cli, ["samples", "--help"])
    assert result.exit_code == 0
    assert "--out DIRECTORY" in result.output and "--seed" in result.output and "--tickets" in result.output
    defaults = {p.name: p.default for p in command.params}
    assert defaults["seed"] == samples.DEFAULT_SEED and defaults["n_tickets"] == samples.DEFAULT_TICKETS


def test_cli_writes_every_file(tmp_path):
    from toolkit.cli import cli

    result = CliRunner().invoke(cli, ["samples", "--out", str(tmp_path), "--tickets", "500", "--seed", "3"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(FILES.values())
    assert f"{len(FILES)} files" in result.output


def test_readme_describes_every_file_problem_team_and_agent(patterns):
    readme = (SAMPLES_DIR / "README.md").read_text(encoding="utf-8")
    for name in [*FILES.values(), *patterns["problems"].split(";"), *company.TEAM_NAMES,
                 *company.HEDGING_AGENTS, *company.CERTAIN_AGENTS, "support-toolkit samples --out data/samples"]:
        assert name in readme, name


# -- schema ----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["tickets", "messages", "survey_responses", "survey_invitations",
                                  "maturity_answers"])
def test_every_canonical_table_conforms_without_rejections(name, tables):
    raw = pd.read_csv(SAMPLES_DIR / FILES[name], dtype="str", keep_default_na=False, na_values=[""])
    result = conform(raw, name, tz="UTC")
    assert result.rejected.empty
    assert len(result.frame) == len(raw) == len(tables[name])


def test_tickets_are_about_20000_over_a_year_in_four_channels(tickets):
    assert len(tickets) == 20_000
    local = tickets["local"]
    assert local.min() >= pd.Timestamp("2025-10-01", tz="Europe/London")
    assert local.max() < pd.Timestamp("2026-10-01", tz="Europe/London")
    assert {"email", "chat", "phone", "web"} <= set(tickets["channel"])
    assert set(tickets["priority"]) == {"low", "normal", "high", "urgent"}
    assert 5 <= tickets["team"].nunique() <= 8 and tickets["product"].nunique() >= 5


def test_threads_agree_with_ticket_counts(tables):
    messages, tickets = tables["messages"], tables["tickets"].set_index("ticket_id")
    agent = messages[(messages["author_role"] == "agent") & messages["public"]].groupby("ticket_id").size()
    customer = messages[messages["author_role"] == "customer"].groupby("ticket_id").size()
    assert (tickets["agent_replies"] == agent.reindex(tickets.index).fillna(0)).all()
    assert (tickets["customer_replies"] == customer.reindex(tickets.index).fillna(0)).all()
    first = messages[(messages["author_role"] == "agent") & messages["public"]].groupby("ticket_id")["created_at"].min()
    minutes = (first - tickets["created_at"].reindex(first.index)).dt.total_seconds() / 60
    assert np.allclose(minutes, tickets.loc[first.index, "first_reply_minutes"])


# -- seasonality ---------------------------------------------------------------------------------------------

def _daily(tickets: pd.DataFrame) -> pd.Series:
    days = pd.date_range("2025-10-01", "2026-09-30", freq="D")
    return tickets["local"].dt.tz_localize(None).dt.normalize().value_counts().reindex(days, fill_value=0)


def test_quarter_end_weeks_carry_more_volume(tickets):
    daily = _daily(tickets[tickets["problem"].isna()])
    month_end = daily.index + pd.offsets.MonthEnd(0)
    for month in (3, 6, 9):
        in_month = daily.index.month == month
        surge = in_month & ((month_end - daily.index).days < 14)
        assert daily[surge].mean() > 1.2 * daily[in_month & ~surge].mean(), month


def test_year_end_dip_weekends_and_business_hours(tickets):
    daily = _daily(tickets)
    december = daily[daily.index.month == 12]
    assert december[december.index.day >= 18].mean() < 0.75 * december[december.index.day < 18].mean()
    weekend = daily.index.day_of_week >= 5
    assert daily[weekend].mean() < 0.4 * daily[~weekend].mean()
    hour = tickets["local"].dt.hour
    assert hour.between(9, 16).mean() > 0.6


# -- SLA and the watermelon team -----------------------------------------------------------------------------

def test_sla_breached_is_first_reply_against_the_priority_target(tickets, patterns):
    targets = {p: float(patterns[f"sla_first_reply_minutes_{p}"]) for p in ("urgent", "high", "normal", "low")}
    assert targets == {"urgent": 60, "high": 240, "normal": 480, "low": 1440}
    replied = tickets[tickets["first_reply_minutes"].notna()]
    expected = replied["first_reply_minutes"] > replied["priority"].map(targets)
    assert (replied["sla_breached"] == expected).all()
    assert 0.05 < tickets["sla_breached"].mean() < 0.3


def test_watermelon_team_is_green_on_sla_and_red_on_experience(tickets, tables, patterns):
    team = patterns["watermelon_team"]
    csat = tables["survey_responses"].query("survey == 'csat'").groupby("team")["score"].mean()
    by_team = tickets.groupby("team").agg(
        sla=("sla_breached", lambda s: 1 - s.mean()), first_reply=("first_reply_minutes", "median"),
        reopened=("reopens", lambda s: (s > 0).mean()), customer_replies=("customer_replies", "mean"))
    assert by_team.loc[team, "sla"] > by_team["sla"].median()
    assert by_team["sla"].idxmax() == team and by_team["first_reply"].idxmin() == team
    assert csat.idxmin() == team and csat[team] < csat.drop(team).min() - 0.4
    assert by_team["reopened"].idxmax() == team and by_team["customer_replies"].idxmax() == team


# -- conversation quality -----------------------------------------------------------------------------------

def test_hedging_agents_hedge_more_than_certain_agents(tables, patterns):
    messages = tables["messages"]
    agent = messages[(messages["author_role"] == "agent") & messages["public"]]
    rate = agent["body"].str.contains(HEDGE).groupby(agent["author"]).mean()
    hedging, certain = patterns["hedging_agents"].split(";"), patterns["certain_agents"].split(";")
    assert rate[hedging].min() > rate[certain].max() + 0.25
    assert rate.drop(hedging + certain).median() < rate[hedging].min()
    assert agent["body"].str.contains("Should you need anything else").sum() > 100
    assert agent["body"].str.contains("is now fixed").sum() > 100


def test_too_quick_solves_come_back(tickets, truth, zendesk):
    per_ticket = truth["tickets"]
    by_id = tickets.set_index("ticket_id")
    pairs = per_ticket[per_ticket["pattern"] == "followup_of_too_quick"]
    assert len(pairs) > 100
    new, old = by_id.loc[pairs["ticket_id"]], by_id.loc[pairs["related_ticket_id"]]
    gap = new["created_at"].to_numpy() - old["solved_at"].to_numpy()
    assert (gap > pd.Timedelta(0)).all() and (gap <= pd.Timedelta(days=7)).all()
    assert (new["requester_id"].to_numpy() == old["requester_id"].to_numpy()).all()
    assert (new["product"].to_numpy() == old["product"].to_numpy()).all()
    assert (old["full_resolution_minutes"] <= 45).all()
    assert new["description"].str.contains("#").mean() > 0.3
    reopened = per_ticket.loc[per_ticket["pattern"] == "too_quick_reopened", "ticket_id"]
    assert len(reopened) > 100 and (by_id.loc[reopened, "reopens"] > 0).all()
    first_solve = pd.to_numeric(zendesk.set_index("Id").loc[reopened, "First resolution time in minutes"])
    assert (first_solve <= 45).all()
    assert (by_id.loc[reopened, "first_resolution_minutes"] <= 45).all()


def test_first_resolution_is_the_first_solve(tickets, zendesk):
    first, full = tickets["first_resolution_minutes"], tickets["full_resolution_minutes"]
    solved_once = tickets["solved_at"].notna() & (tickets["reopens"] == 0)
    assert (first[solved_once] == full[solved_once]).all()
    reopened = tickets["solved_at"].notna() & (tickets["reopens"] > 0)
    assert (first[reopened] < full[reopened]).all() and reopened.sum() > 1000
    assert first.notna().sum() > full.notna().sum()  # reopened tickets that are open again keep their first solve
    exported = pd.to_numeric(zendesk["First resolution time in minutes"]).to_numpy()
    assert np.array_equal(first.to_numpy(dtype=float), exported, equal_nan=True)


def test_abandoned_chats_end_with_an_unanswered_agent_message(tables, truth):
    ids = truth["tickets"].query("pattern == 'abandoned_chat'")["ticket_id"]
    assert len(ids) > 300
    messages = tables["messages"][tables["messages"]["ticket_id"].isin(ids)]
    last = messages.groupby("ticket_id").last()
    assert (last["author_role"] == "system").all()
    public = messages[messages["public"]].groupby("ticket_id").last()
    assert (public["author_role"] == "agent").all()
    tickets = tables["tickets"].set_index("ticket_id").loc[ids]
    assert (tickets["channel"] == "chat").all() and tickets["solved_at"].notna().all()


# -- upstream problems -------------------------------------------------------------------------------------

def test_problems_have_many_distinct_paraphrased_tickets(tickets, patterns):
    names = patterns["problems"].split(";")
    assert len(names) >= 8
    share = tickets["problem"].notna().mean()
    assert 0.15 <= share <= 0.30
    problems = tickets[tickets["problem"].notna()]
    for name, group in problems.groupby("problem"):
        assert len(group) >= 150, name
        assert group["description"].nunique() / len(group) > 0.97, name
        assert group["subject"].nunique() >= 10, name
    starts = problems.groupby("problem")["local"].min().dt.date
    assert starts.nunique() >= 7


def test_one_problem_spikes_in_the_last_four_weeks(tickets, patterns):
    recent = tickets[tickets["local"] >= pd.Timestamp("2026-09-02", tz="Europe/London")]
    counts = recent["problem"].value_counts()
    assert counts.index[0] == patterns["spiking_problem"] and counts.iloc[0] > 2 * counts.iloc[1]
    before = tickets[tickets["local"] < pd.Timestamp("2026-09-02", tz="Europe/London")]
    assert (before["problem"] == patterns["spiking_problem"]).sum() == 0


def test_bug_keys_are_mentioned_and_problem_ids_link_incidents(tables, tickets, patterns):
    keys = dict(item.split("=") for item in patterns["bug_keys"].split(";"))
    assert len(keys) >= 4
    text = tables["messages"].groupby("ticket_id")["body"].agg(" ".join)
    for problem, key in keys.items():
        ids = tickets.loc[tickets["problem"] == problem, "ticket_id"]
        assert text.reindex(ids).str.contains(key, regex=False).sum() >= 20, key
    linked = tickets[tickets["problem_id"].notna()]
    owner = tickets.set_index("ticket_id")["problem"]
    assert linked["problem_id"].nunique() == 3
    assert (linked["problem"].to_numpy() == owner.loc[linked["problem_id"]].to_numpy()).all()


def test_one_off_tickets_do_not_collapse_into_few_texts(tickets):
    one_off = tickets[tickets["problem"].isna()]
    assert len(one_off) > 12_000
    assert one_off["description"].nunique() / len(one_off) > 0.97


def test_ticket_text_contains_personal_data_to_redact(tickets, zendesk):
    text = tickets["description"]
    assert text.str.contains(r"[\w.]+@[\w.]+\.\w+").sum() > 500
    assert text.str.contains(r"\+44 7700 900\d{3}|020 7946 0\d{3}").sum() > 500
    assert zendesk["Requester email"].str.contains("@").mean() > 0.99


# -- surveys --------------------------------------------------------------------------------------------------

def test_every_solved_ticket_is_invited_and_unhappy_customers_answer_less(tables, patterns):
    tickets, inv, resp = tables["tickets"], tables["survey_invitations"], tables["survey_responses"]
    snapshot = pd.Timestamp("2026-10-01", tz="Europe/London").tz_convert("UTC")
    due = tickets[tickets["solved_at"].notna() & tickets["requester_id"].notna()
                  & (tickets["solved_at"] + pd.Timedelta(minutes=60) < snapshot)]
    csat_inv = inv[inv["survey"] == "csat"]
    assert set(due["ticket_id"]) == set(csat_inv["ticket_id"])
    csat = resp[resp["survey"] == "csat"]
    assert set(csat["ticket_id"]) <= set(csat_inv["ticket_id"])
    assert (csat["scale"] == "1-5").all() and csat["score"].between(1, 5).all()
    assert 0.15 < len(csat) / len(csat_inv) < 0.35
    assert float(patterns["csat_mean_responses"]) > float(patterns["csat_mean_all_invited_latent"]) + 0.15
    answered = tickets.set_index("ticket_id")["satisfaction"].dropna()
    assert answered.astype(int).to_dict() == csat.set_index("ticket_id")["score"].astype(int).to_dict()


def test_early_survey_team_is_asked_minutes_after_the_first_solve(tables, patterns):
    tickets = tables["tickets"].set_index("ticket_id")
    csat = tables["survey_invitations"].query("survey == 'csat'")
    team = csat["ticket_id"].map(tickets["team"])
    first_solve = csat["ticket_id"].map(tickets["created_at"]) + pd.to_timedelta(
        csat["ticket_id"].map(tickets["first_resolution_minutes"]), unit="min")
    delay = (csat["sent_at"] - first_solve).dt.total_seconds() / 60
    early = team == patterns["early_survey_team"]
    assert (delay[early] == 5).all()
    final = (csat["sent_at"] - csat["ticket_id"].map(tickets["solved_at"])).dt.total_seconds() / 60
    assert (final[~early] == 60).all()
    reopened_early = csat[early & (csat["ticket_id"].map(tickets["reopens"]) > 0)]
    assert len(reopened_early) == int(patterns["early_survey_reopened_after_survey"])
    chat = csat["ticket_id"].map(tickets["channel"]) == "chat"
    assert (csat.loc[chat, "survey_channel"] == "chat").all() and (csat.loc[~chat, "survey_channel"] == "email").all()


def test_hero_receives_hard_work_and_rework_agent_own_reopens(tickets, patterns):
    team = tickets[tickets["team"] == patterns["hero_team"]]
    hard = team["priority"].isin(["urgent", "high"]) | team["problem_id"].notna()
    per_agent = pd.DataFrame({"hard": hard, "reopened": team["reopens"] > 0, "agent": team["assignee"]}
                             ).groupby("agent").mean()
    hero, rework = patterns["hero_agent"], patterns["rework_agent"]
    assert per_agent["hard"].idxmax() == hero and per_agent.loc[hero, "hard"] > 0.5
    assert per_agent["reopened"].idxmax() == rework and per_agent.loc[rework, "reopened"] > 0.12
    assert per_agent.loc[hero, "reopened"] < per_agent.drop(index=[hero, rework])["reopened"].max()
    assert 0.25 < per_agent.loc[rework, "hard"] < 0.35
    assert team["assignee"].value_counts().between(800, 950).all()  # swaps keep each agent's load


def test_nps_is_quarterly_by_organisation_with_comments(tables):
    resp = tables["survey_responses"]
    nps = resp[resp["survey"] == "nps"]
    assert (nps["scale"] == "0-10").all() and nps["score"].between(0, 10).all()
    assert nps["organization_id"].notna().all() and nps["ticket_id"].isna().all()
    assert sorted(nps["quarter"].unique()) == ["2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3"]
    assert nps["organization_id"].nunique() > 300
    detractors, promoters = nps[nps["score"] <= 6], nps[nps["score"] >= 9]
    assert len(detractors) > 100 and len(promoters) > 100
    assert detractors["comment"].notna().mean() > 0.4 and promoters["comment"].notna().mean() > 0.4
    assert not set(detractors["comment"].dropna()) & set(promoters["comment"].dropna())


def test_ces_only_on_chat_and_web_and_segments_on_every_response(tables):
    resp = tables["survey_responses"]
    ces = resp[resp["survey"] == "ces"]
    assert len(ces) > 500 and (ces["scale"] == "1-7").all() and ces["score"].between(1, 7).all()
    assert set(ces["channel"]) == {"chat", "web"}
    assert resp["region"].notna().all() and resp["plan"].notna().all()
    inv = tables["survey_invitations"]
    assert set(inv["survey"]) == {"csat", "ces", "nps"}


def test_maturity_answers_come_from_several_roles(tables):
    answers = tables["maturity_answers"]
    assert 4 <= answers["respondent"].nunique() <= 6
    assert answers["role"].nunique() == answers["respondent"].nunique()


# -- Zendesk export ---------------------------------------------------------------------------------------------

def test_zendesk_export_has_the_real_headers_and_the_same_tickets(zendesk, tables):
    assert list(zendesk.columns) == list(COLUMNS)
    assert COLUMNS[:3] == ("Summation column", "Id", "Requester")
    assert "Product [list]" in COLUMNS and "Full resolution time in minutes within business hours" in COLUMNS
    tickets = tables["tickets"]
    assert zendesk["Id"].tolist() == tickets["ticket_id"].tolist()
    assert set(zendesk["Satisfaction Score"]) == {"Not Offered", "Offered", "Good", "Bad"}
    assert zendesk["Created at"].str.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d").all()
    local = tickets["created_at"].dt.tz_convert("Europe/London").dt.strftime("%Y-%m-%d %H:%M:%S")
    assert (zendesk["Created at"] == local).all()
    good = zendesk["Satisfaction Score"] == "Good"
    assert (pd.to_numeric(tickets.loc[good, "satisfaction"]) >= 4).all()
    business = pd.to_numeric(zendesk["First reply time in minutes within business hours"])
    calendar = pd.to_numeric(zendesk["First reply time in minutes"])
    assert (business.dropna() <= calendar.dropna() + 1).all()


def test_zendesk_dates_follow_london_summer_time(zendesk):
    row = zendesk.iloc[zendesk.index[zendesk["Created at"].str.startswith("2026-07")][0]]
    assert row["Created at"] != ""
    created = pd.Timestamp(row["Created at"]).tz_localize("Europe/London").tz_convert("UTC")
    tickets = pd.read_csv(SAMPLES_DIR / FILES["tickets"], dtype="str", usecols=["ticket_id", "created_at"])
    assert pd.Timestamp(tickets.set_index("ticket_id").loc[row["Id"], "created_at"]) == created
    assert Path(SAMPLES_DIR / FILES["zendesk_tickets"]).read_bytes()[:16] == b"Summation column"


def test_readme_numbers_match_the_ground_truth(truth, patterns):
    readme = (SAMPLES_DIR / "README.md").read_text(encoding="utf-8")
    counts = truth["problems"]["problem"].value_counts()
    rows = re.findall(r"^\| `(\w+)` \|(?:[^|]*\|){4} (\d+) \|[^|]*\| ?(\d*) ?\|$", readme, re.MULTILINE)
    assert {name: int(n) for name, n, _ in rows} == counts.to_dict()
    linked = dict(item.split("=") for item in patterns["problem_tickets"].split(";"))
    assert {name: ticket for name, _, ticket in rows if ticket} == linked
    assert f"the {len(truth['problems']):,} tickets caused" in readme
    for key in ("too_quick_reopened_count", "abandoned_chat_count"):
        assert f"({patterns[key]}" in readme, key
    assert f"({patterns['too_quick_followup_count']} pairs" in readme
    for key in ("csat_mean_all_invited_latent", "csat_mean_responses"):
        assert f"{float(patterns[key]):.2f}" in readme, key


def test_problem_tickets_are_closest_to_their_own_problem(tickets):
    from sklearn.feature_extraction.text import TfidfVectorizer

    text = tickets["subject"].fillna("") + " " + tickets["description"].fillna("")
    vectors = TfidfVectorizer(sublinear_tf=True, min_df=2, stop_words="english").fit_transform(text)
    problem = tickets["problem"].fillna("").to_numpy()
    query = np.random.default_rng(0).choice(np.flatnonzero(problem != ""), 600, replace=False)
    similarity = (vectors[query] @ vectors.T).toarray()
    similarity[np.arange(len(query)), query] = -1
    nearest = np.argsort(-similarity, axis=1)[:, :5]
    assert (problem[nearest] == problem[query][:, None]).mean() > 0.9
