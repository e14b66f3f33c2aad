"""The duplicate explorer on the Spark engine: the same clusters as with pandas, and the slider regroups."""

from __future__ import annotations

import pandas as pd
import pytest

from toolkit.duplicates.engine import FinderEngine
from toolkit.errors import ConfigError
from toolkit.io import load_tickets
from toolkit.samples import SAMPLES_DIR


@pytest.fixture(scope="module")
def tickets():
    frame, _ = load_tickets(SAMPLES_DIR / "tickets.csv.gz", tz="Europe/London")
    return frame.head(600).reset_index(drop=True)


def test_the_explorer_clusters_on_spark_as_on_pandas_and_regroups_on_the_graph_it_brought_back(spark, tickets):
    on_pandas = FinderEngine(representation="tfidf")
    on_spark = FinderEngine(representation="tfidf", engine="spark")
    for threshold in (None, 0.5):  # the second fit only regroups (the slider)
        expected = on_pandas.fit(tickets, threshold=threshold, min_cluster_size=3)
        got = on_spark.fit(tickets, threshold=threshold, min_cluster_size=3)
        pd.testing.assert_frame_equal(got, expected)
        assert on_spark.threshold_ == on_pandas.threshold_
    assert (got["cluster_id"] >= 0).sum() > 0
    assert on_spark.cluster_names() == on_pandas.cluster_names()


def test_an_unknown_engine_is_named_with_the_choices():
    with pytest.raises(ConfigError, match=r"^`engine`: 'dask' is not an engine\. Fix: use one of pandas, spark$"):
        FinderEngine(engine="dask")
