"""The onnxruntime forward pass of the bundled MiniLM (`shared/memory/_minilm_onnx.py`) computes the same
embedding as the NumPy pass, so the crisis screen's learned model (trained on NumPy embeddings) decides the
same. Texts are ours. Skipped when the model or onnxruntime is not installed."""

from __future__ import annotations

import numpy as np
import pytest

from shared.memory import _minilm_onnx
from shared.memory._minilm import MiniLM
from shared.memory._minilm_onnx import OnnxForward
from shared.memory.embedding import (
    EmbeddingModelMissingError,
    MiniLMEmbedder,
    default_embedder,
    find_model_dir,
)

try:
    find_model_dir()
    import onnx  # noqa: F401
    import onnxruntime  # noqa: F401

    READY = True
except (EmbeddingModelMissingError, ImportError):
    READY = False

pytestmark = pytest.mark.skipif(not READY, reason="the bundled MiniLM model or onnxruntime is not installed")

TEXTS = [
    "hi",
    "I slept badly again and work is stressful, I can't focus on anything today.",
    "Every night I lie awake and think that everyone would be fine without me around. " * 6,
    "Café au lait, naïve résumé — 24/7 😅 ok?",
]


@pytest.fixture(scope="module")
def minilm() -> tuple[MiniLM, OnnxForward]:
    model = default_embedder()._model
    return model, OnnxForward(model)


@pytest.mark.parametrize("text", TEXTS)
def test_onnx_and_numpy_passes_agree(minilm: tuple[MiniLM, OnnxForward], text: str) -> None:
    model, forward = minilm
    ids = model._whole_tokenizer.encode(text).ids[:96]
    ours = forward(ids)
    reference = model._forward([ids])[0]
    assert ours.shape == reference.shape == (384,)
    assert float(np.abs(ours - reference).max()) < 1e-5
    assert abs(float(np.linalg.norm(ours)) - 1.0) < 1e-5


def test_encode_ends_uses_the_onnx_pass_unless_switched_off(
    minilm: tuple[MiniLM, OnnxForward], monkeypatch: pytest.MonkeyPatch
) -> None:
    model, forward = minilm
    assert isinstance(model.single_text_forward, OnnxForward)
    vector, count = model.encode_ends(TEXTS[2], max_tokens=96, tail=32)
    ids = model._whole_tokenizer.encode(TEXTS[2]).ids
    assert count == len(ids) > 96
    assert np.array_equal(vector, forward([*ids[:63], *ids[-33:]]))  # both ends, read by onnxruntime
    monkeypatch.setenv(_minilm_onnx.RUNTIME_ENV, "numpy")
    assert not _minilm_onnx.available()


def test_a_failing_onnx_session_falls_back_to_the_same_numpy_vector(
    minilm: tuple[MiniLM, OnnxForward], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(_: MiniLM) -> OnnxForward:
        raise RuntimeError("no session")

    monkeypatch.setattr(_minilm_onnx, "OnnxForward", broken)
    fallback = MiniLMEmbedder(find_model_dir())
    assert fallback._model.single_text_forward is None
    vector, _ = fallback.embed_ends(TEXTS[1], max_tokens=96, tail=32)
    model, forward = minilm
    expected = forward(model._whole_tokenizer.encode(TEXTS[1]).ids)
    assert float(np.abs(np.array(vector) - expected).max()) < 1e-5
