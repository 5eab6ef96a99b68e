"""Sentence embeddings for memory across sessions: the `Embedder` port and the offline MiniLM adapter.

`MiniLMEmbedder` runs sentence-transformers/all-MiniLM-L6-v2 in NumPy (no torch): 384 dimensions, unit
length, so the dot product of two embeddings is their cosine similarity. The model files are generated
into `functions/models/all-MiniLM-L6-v2/` by infra/fetch_model.py (see docs/memory-models.md).

Cold start: importing this module imports neither NumPy nor the model; `default_embedder()` loads it on
first use (~0.2 s, plus ~0.3 s for the onnxruntime session of `shared.memory._minilm_onnx`, which embeds
one text at a time for the crisis screen when onnxruntime is installed) and keeps it for the life of the
process.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from shared.memory._minilm import MiniLM

_log = logging.getLogger(__name__)

MODEL_NAME = "all-MiniLM-L6-v2"
MODEL_DIR_ENV = "SESSIONS_EMBEDDING_MODEL_DIR"
"""Environment variable naming the model directory, overriding the bundle's `models/all-MiniLM-L6-v2`."""
REQUIRED_FILES = ("model.safetensors", "tokenizer.json", "config.json", "1_Pooling/config.json")


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into fixed-size vectors; `model` names the model in stored records."""

    model: str
    dimensions: int

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        """One vector of `dimensions` floats per text, in order."""
        ...


class EmbeddingModelMissingError(FileNotFoundError):
    """The offline model's files are not where the embedder looks; the message says how to get them."""


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 in NumPy; the weights (~90 MB) are loaded by the constructor."""

    model = "all-MiniLM-L6-v2 (offline, numpy)"
    dimensions = 384

    def __init__(self, model_dir: Path) -> None:
        missing = [name for name in REQUIRED_FILES if not (model_dir / name).is_file()]
        if missing:
            raise EmbeddingModelMissingError(
                f"the offline embedding model is incomplete in {model_dir} (missing: {', '.join(missing)}); "
                f"run `python infra/fetch_model.py` (or `make bundle`), or set {MODEL_DIR_ENV}"
            )
        from shared.memory._minilm import MiniLM  # NumPy, safetensors and tokenizers load only here

        self.model_dir = model_dir
        self._model: MiniLM = MiniLM(model_dir)
        if self._model.dimensions != self.dimensions:
            raise ValueError(f"{model_dir}: {self._model.dimensions} dimensions, expected {self.dimensions}")
        from shared.memory import _minilm_onnx

        if _minilm_onnx.available():  # one text at a time (the crisis screen) in onnxruntime: ~2x faster
            try:
                self._model.single_text_forward = _minilm_onnx.OnnxForward(self._model)
            except Exception:  # the NumPy pass computes the same vector, only slower
                _log.exception("embedding: onnxruntime pass unavailable, using NumPy")

    def embed(self, texts: Sequence[str], *, max_tokens: int | None = None) -> list[list[float]]:
        """`max_tokens`: embed only the first word pieces (see `MiniLM.encode`); default the model's limit."""
        if isinstance(texts, str):
            raise TypeError("embed() takes a sequence of texts, not one string")
        vectors: list[list[float]] = self._model.encode(texts, max_tokens=max_tokens).tolist()
        return vectors

    def embed_ends(self, text: str, *, max_tokens: int, tail: int) -> tuple[list[float], int]:
        """One text's vector from its first and last word pieces (`MiniLM.encode_ends`), and its full
        word-piece count."""
        vector, count = self._model.encode_ends(text, max_tokens=max_tokens, tail=tail)
        values: list[float] = vector.tolist()
        return values, count

    def token_count(self, text: str) -> int:
        """Word pieces of `text` with [CLS] and [SEP] (capped at the model's limit of 256)."""
        return self._model.token_count(text)


def model_dir_candidates() -> list[Path]:
    """Where `default_embedder` looks, in order: the environment variable, then next to the package
    root: `<bundle>/models/...` when `shared` is the deployed copy in functions/, `<repo>/functions/models/...`
    when it is the repository's `shared/`."""
    override = os.environ.get(MODEL_DIR_ENV)
    if override:
        return [Path(override)]
    root = Path(__file__).resolve().parents[2]  # the directory holding the `shared` package
    return [root / "models" / MODEL_NAME, root / "functions" / "models" / MODEL_NAME]


def find_model_dir() -> Path:
    candidates = model_dir_candidates()
    for candidate in candidates:
        if (candidate / "model.safetensors").is_file():
            return candidate
    raise EmbeddingModelMissingError(
        f"the offline embedding model {MODEL_NAME} was not found (looked in: "
        f"{', '.join(str(c) for c in candidates)}); run `python infra/fetch_model.py` (or `make bundle`), "
        f"or set {MODEL_DIR_ENV}"
    )


_lock = threading.Lock()
_loaded: dict[Path, MiniLMEmbedder] = {}


def default_embedder() -> MiniLMEmbedder:
    """The offline embedder, loaded once per process (per model directory) on first call."""
    model_dir = find_model_dir().resolve()
    embedder = _loaded.get(model_dir)
    if embedder is None:
        with _lock:
            embedder = _loaded.get(model_dir)
            if embedder is None:
                embedder = _loaded[model_dir] = MiniLMEmbedder(model_dir)
    return embedder
