"""Sentence vectors kept on disk: the same texts are embedded once, a damaged or crowded cache never costs a result."""

from __future__ import annotations

import os
import stat

import numpy as np
import pytest

from toolkit.duplicates import vector_cache
from toolkit.duplicates.vector_cache import cached_vectors, vectors_key


class CountingEmbed:
    """An embedding step that counts its calls and returns ``vectors``."""

    def __init__(self, vectors: np.ndarray) -> None:
        self.vectors, self.calls = vectors, 0

    def __call__(self) -> np.ndarray:
        self.calls += 1
        return self.vectors


def test_the_key_depends_on_model_batch_size_and_every_text_in_order():
    key = vectors_key("MiniLM-int8", 32, ["login fails", "sms code"])
    assert len(key) == 64
    assert key == vectors_key("MiniLM-int8", 32, ["login fails", "sms code"])
    assert len({key, vectors_key("MiniLM-float32", 32, ["login fails", "sms code"]),
                vectors_key("MiniLM-int8", 64, ["login fails", "sms code"]),
                vectors_key("MiniLM-int8", 32, ["sms code", "login fails"]),
                vectors_key("MiniLM-int8", 32, ["login failss", "ms code"])}) == 5


def test_vectors_are_embedded_once_and_read_back_exactly(tmp_path):
    embed = CountingEmbed(np.arange(12, dtype=np.float32).reshape(3, 4) / 7)
    first = cached_vectors(tmp_path / "vectors", "k1", embed)
    second = cached_vectors(tmp_path / "vectors", "k1", embed)
    assert embed.calls == 1
    np.testing.assert_array_equal(second, first)
    assert second.dtype == np.float32
    assert stat.S_IMODE((tmp_path / "vectors" / "k1.npy").stat().st_mode) == 0o600
    assert [p.name for p in (tmp_path / "vectors").iterdir()] == ["k1.npy"]  # no temporary file left


def test_a_damaged_file_is_embedded_again_and_replaced(tmp_path):
    (tmp_path / "k1.npy").write_bytes(b"not numpy")
    embed = CountingEmbed(np.ones((2, 3), dtype=np.float32))
    np.testing.assert_array_equal(cached_vectors(tmp_path, "k1", embed), np.ones((2, 3)))
    np.testing.assert_array_equal(cached_vectors(tmp_path, "k1", embed), np.ones((2, 3)))
    assert embed.calls == 1


def test_a_folder_that_cannot_be_made_only_costs_the_embedding(tmp_path):
    (tmp_path / "vectors").write_text("a file where the folder should be")
    embed = CountingEmbed(np.zeros((1, 2), dtype=np.float32))
    for _ in range(2):
        np.testing.assert_array_equal(cached_vectors(tmp_path / "vectors", "k", embed), np.zeros((1, 2)))
    assert embed.calls == 2


def test_the_least_recently_used_files_go_beyond_the_size_limit(tmp_path, monkeypatch):
    vectors = np.zeros((100, 4), dtype=np.float32)  # 1,728 bytes as a .npy file
    for age, key in enumerate(["old", "used", "new"]):
        cached_vectors(tmp_path, key, CountingEmbed(vectors))
        os.utime(tmp_path / f"{key}.npy", (1_000_000 + age, 1_000_000 + age))
    cached_vectors(tmp_path, "used", CountingEmbed(vectors))  # read again: now the most recent
    monkeypatch.setattr(vector_cache, "MAX_BYTES", 3 * 1_728)
    cached_vectors(tmp_path, "newest", CountingEmbed(vectors))
    assert sorted(p.stem for p in tmp_path.glob("*.npy")) == ["new", "newest", "used"]


def test_the_sentence_model_reads_a_long_list_back_and_maps_repeated_texts(tmp_path, monkeypatch):
    pytest.importorskip("onnxruntime", reason="the semantic extra is not installed")
    from toolkit.duplicates.representation import SentenceEmbeddingRepresentation

    texts = [f"ticket {i % 1_200}" for i in range(1_500)]  # 1,200 distinct texts, 300 repeated
    calls = []

    def fake_embed(distinct):
        calls.append(len(distinct))
        return np.array([[float(t.split()[1]), 1.0] for t in distinct], dtype=np.float32)

    kept = SentenceEmbeddingRepresentation(cache_dir=str(tmp_path))
    monkeypatch.setattr(kept, "_embed", fake_embed)
    first, second = kept.transform(texts), kept.transform(texts)
    assert calls == [1_200]
    np.testing.assert_array_equal(second, first)
    assert first[1_300].tolist() == [100.0, 1.0]  # "ticket 100", the repeated text
    assert len(list((tmp_path / "vectors").glob("*.npy"))) == 1
    fresh = SentenceEmbeddingRepresentation(cache_dir=str(tmp_path), keep_vectors=False)
    monkeypatch.setattr(fresh, "_embed", fake_embed)
    fresh.transform(texts)
    fresh.transform(texts[:999])  # short lists are never stored
    assert calls == [1_200, 1_200, 999]


def test_a_model_saved_before_the_vector_cache_loads_and_keeps_vectors(tmp_path):
    import pickle

    from toolkit.duplicates.representation import SentenceEmbeddingRepresentation

    saved = SentenceEmbeddingRepresentation(cache_dir=str(tmp_path), batch_size=16)
    del saved.keep_vectors  # as pickled by a version without the cache
    loaded = pickle.loads(pickle.dumps(saved))
    assert (loaded.keep_vectors, loaded.batch_size, loaded.cache_dir) == (True, 16, str(tmp_path))
    assert not pickle.loads(pickle.dumps(SentenceEmbeddingRepresentation(keep_vectors=False))).keep_vectors
