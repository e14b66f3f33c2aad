"""On the sample client: the injected upstream problems are found, ranked, flagged and keyed.

One fit of the 20,000 sample tickets (about 20 s on two cores) serves every test here.
"""

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
