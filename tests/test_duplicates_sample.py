"""On the sample client: the injected upstream problems are found, ranked, flagged and keyed.

One fit of the 20,000 sample tickets with the default representation (hybrid where the semantic
extra is installed: about 70 s on two cores) serves every test; the incremental tests update a
copy of it with a new problem injected into the last month.
"""

import copy

import numpy as np
import pandas as pd
import pytest

from toolkit.duplicates import DuplicateFinder

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def fitted(sample_client):
    tables, truth = sample_client
    finder = DuplicateFinder(progress=False).fit(tables["tickets"], messages=tables["messages"])
    patterns = truth["patterns"].set_index("pattern")["value"]
    problems = truth["problems"]
    joined = finder.assignments_.merge(problems, on="ticket_id", how="left")
    main = (joined.dropna(subset=["problem"]).groupby("problem")["cluster_id"]
            .agg(lambda s: s.value_counts().index[0]))
    return finder, joined, main, patterns


def test_each_problem_is_one_clean_cluster(fitted):
    finder, joined, main, _ = fitted
    assert len(main) == 11 and main.nunique() == 11
    for problem, cluster in main.items():
        mine = joined[joined["problem"] == problem]
        members = joined[joined["cluster_id"] == cluster]
        recall = (mine["cluster_id"] == cluster).mean()
        purity = (members["problem"] == problem).mean()
        assert recall >= 0.7, (problem, recall)
        assert purity >= 0.85, (problem, purity)


def test_problems_rank_near_the_top(fitted):
    finder, _, main, _ = fitted
    rank = pd.Series(range(len(finder.clusters_)), index=finder.clusters_["cluster_id"])
    ranks = rank.loc[main.to_numpy()]
    assert ranks.max() < 20
    assert (ranks < 11).sum() >= 8


def test_spiking_problem_is_flagged_emerging(fitted):
    finder, _, main, patterns = fitted
    clusters = finder.clusters_.set_index("cluster_id")
    spiking = patterns["spiking_problem"]
    assert bool(clusters.loc[main[spiking], "emerging"])
    steady = [p for p in main.index if p != spiking]
    assert not clusters.loc[main[steady].to_numpy(), "emerging"].any()


def test_bug_keys_and_problem_links_are_attached(fitted):
    finder, _, main, patterns = fitted
    clusters = finder.clusters_.set_index("cluster_id")
    keys = dict(pair.split("=") for pair in patterns["bug_keys"].split(";"))
    for problem, key in keys.items():
        assert clusters.loc[main[problem], "bug_keys"][0] == key, problem
    links = dict(pair.split("=") for pair in patterns["problem_tickets"].split(";"))
    for problem, ticket in links.items():
        assert f"problem_id:{ticket}" in clusters.loc[main[problem], "problem_links"], problem


def bcubed_f1(clusters: np.ndarray, truth: pd.Series) -> float:
    """B-cubed F1 over the labelled tickets; unclustered tickets are singletons, unlabelled ones their own class."""
    clusters = np.where(clusters >= 0, clusters.astype(str), "alone" + np.arange(len(clusters)).astype(str))
    labels = np.where(truth.notna(), truth.astype(str), "none" + np.arange(len(truth)).astype(str))
    frame = pd.DataFrame({"c": clusters, "l": labels})
    both = frame.groupby(["c", "l"])["c"].transform("size")
    scored = truth.notna().to_numpy()
    precision = (both / frame.groupby("c")["c"].transform("size"))[scored].mean()
    recall = (both / frame.groupby("l")["l"].transform("size"))[scored].mean()
    return 2 * precision * recall / (precision + recall)


def test_one_off_tickets_are_mostly_left_alone_and_problems_stay_whole(fitted):
    finder, joined, _, _ = fitted
    one_off = joined["problem"].isna()
    assert (joined.loc[one_off, "cluster_id"] == -1).mean() >= 0.5
    assert bcubed_f1(joined["cluster_id"].to_numpy(), joined["problem"]) >= 0.9


def test_top_problems_are_problems_and_questions_are_told_apart(fitted):
    finder, joined, main, _ = fitted
    clusters = finder.clusters_
    assert set(clusters["kind"]) == {"problem", "recurring question"}
    top = clusters[clusters["kind"] == "problem"].head(10)
    for cluster in top["cluster_id"]:
        members = joined[joined["cluster_id"] == cluster]
        assert members["problem"].notna().mean() > 0.5, clusters.set_index("cluster_id").loc[cluster, "name"]
    assert (clusters.set_index("cluster_id").loc[main.to_numpy(), "kind"] == "problem").all()


def test_the_spike_is_one_emerging_problem_named_after_its_key(fitted):
    finder, joined, main, patterns = fitted
    spiking = patterns["spiking_problem"]
    share = joined.groupby("cluster_id")["problem"].agg(lambda s: (s == spiking).mean())
    size = joined.groupby("cluster_id").size()
    spike_clusters = [c for c in share.index if c >= 0 and share[c] > 0.5 and size[c] >= 10]
    assert spike_clusters == [main[spiking]]
    row = finder.clusters_.set_index("cluster_id").loc[main[spiking]]
    assert bool(row["emerging"]) and row["kind"] == "problem" and row["name"].startswith("APP-2210: ")


NEW_SUBJECTS = ("Calendar sync deleted my meetings", "Meetings disappearing from the calendar",
                "Calendar events deleted after sync", "Outlook calendar lost all our invites",
                "Calendar integration wiped the team calendar")
NEW_BODIES = ("Since this week the calendar integration deletes meeting invites from Outlook.",
              "Every time the calendar syncs, the meetings we booked vanish from everyone's calendar.",
              "The calendar sync removed all recurring meetings for our whole team.",
              "After connecting the calendar, invites we accept are deleted from the calendar a few minutes later.")


def injected_problem(start: pd.Timestamp, n: int = 40) -> pd.DataFrame:
    """``n`` paraphrased reports of a new failure (calendar sync deleting meetings) over 20 days from ``start``."""
    return pd.DataFrame({
        "ticket_id": [f"NEW{i}" for i in range(n)],
        "created_at": start + pd.to_timedelta(np.arange(n) * 12, unit="h"),
        "subject": [NEW_SUBJECTS[i % len(NEW_SUBJECTS)] for i in range(n)],
        "description": [NEW_BODIES[i % len(NEW_BODIES)] + f" About {5 + i} people are affected." for i in range(n)],
        "requester_id": [f"newc{i}" for i in range(n)],
    })


@pytest.fixture(scope="module")
def incremental(fitted):
    finder = copy.deepcopy(fitted[0])
    new = injected_problem(finder.tickets_["created_at"].max() - pd.Timedelta(days=25))
    before = int(finder.labels_.max())
    assigned = finder.assign(new)
    finder.update(new)
    return finder, before, assigned


def test_assign_answers_new_for_a_problem_far_from_every_cluster(incremental):
    _, _, assigned = incremental
    assert (assigned["cluster_id"] == -1).mean() >= 0.9


def test_update_groups_a_new_problem_into_one_new_emerging_cluster(incremental):
    finder, before, _ = incremental
    labels = finder.assignments_.set_index("ticket_id")["cluster_id"]
    injected = labels[[f"NEW{i}" for i in range(40)]]
    cluster = injected.mode().iloc[0]
    assert cluster > before and (injected == cluster).mean() >= 0.9  # one new cluster, not fragments of old ones
    members = labels[labels == cluster].index
    assert members.str.startswith("NEW").mean() >= 0.9
    row = finder.clusters_.set_index("cluster_id").loc[cluster]
    assert bool(row["emerging"]) and row["kind"] == "problem"
