"""Sentence vectors kept on disk by the texts they embed, so that re-rendering a report or refitting the
explorer on the same tickets does not run the sentence model again (about a minute per 20,000 tickets).

One file per list of texts. Its key is a SHA-256 of the model's name, the batch size and every text in
order: batches are made from the list alone, so the same list always gives the same vectors, and a stored
file is exactly what the model would return. Files live in ``cache_dir()/vectors``; beyond
:data:`MAX_BYTES` the least recently used are deleted. They hold vectors of the texts as the caller gave
them (the report masks personal data before any text is embedded); delete the folder to forget them.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import Path

import numpy as np

from toolkit.files import atomic_path

MAX_BYTES = 2_000_000_000  # about 65 lists of 20,000 texts (384 float32 numbers each)
MIN_TEXTS = 1_000  # shorter lists embed in about a second: not worth a file


def vectors_key(model: str, batch_size: int, texts: list[str]) -> str:
    """The cache key of ``texts`` embedded by ``model`` in batches of ``batch_size``.

    >>> vectors_key("m", 32, ["a", "b"]) == vectors_key("m", 32, ["a", "b"]) != vectors_key("m", 32, ["b", "a"])
    True
    """
    digest = hashlib.sha256(f"{model}\0{batch_size}\0{len(texts)}\0".encode())
    for text in texts:
        encoded = text.encode("utf-8", "surrogatepass")
        digest.update(len(encoded).to_bytes(8, "little"))  # lengths first: ["ab", "c"] is not ["a", "bc"]
        digest.update(encoded)
    return digest.hexdigest()


def cached_vectors(folder: Path, key: str, embed: Callable[[], np.ndarray]) -> np.ndarray:
    """The vectors stored under ``key`` in ``folder``, or ``embed()``'s, stored for next time.

    A file that cannot be read is embedded again; a folder that cannot be written only costs the next run
    the embedding again.
    """
    path = folder / f"{key}.npy"
    try:
        vectors = np.load(path, allow_pickle=False)
        os.utime(path)  # most recently used: evicted last
        return vectors
    except (OSError, ValueError):
        pass
    vectors = embed()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with atomic_path(path) as tmp:
            os.chmod(tmp, 0o600)  # derived from a client's texts: readable by this user only
            with open(tmp, "wb") as fh:
                np.save(fh, vectors, allow_pickle=False)
        _evict(folder)
    except OSError:
        pass
    return vectors


def _evict(folder: Path) -> None:
    """Delete the least recently used files until the folder holds at most :data:`MAX_BYTES`."""
    files = sorted(folder.glob("*.npy"), key=lambda p: p.stat().st_mtime, reverse=True)
    kept = 0
    for file in files:
        kept += file.stat().st_size
        if kept > MAX_BYTES:
            file.unlink(missing_ok=True)
