"""Probes of the AI provider and the memory models, for `GET /health`. Each returns None when the model
answered, or a detail when an offline default stands in; a failure raises (the caller reports it)."""

from __future__ import annotations

from shared.memory.embedding import find_model_dir
from shared.settings import get_settings

CHECK_TIMEOUT_SECONDS = 3.0


def ai() -> str | None:
    settings = get_settings()
    if not settings.openai_api_key:
        return "offline default responder (no OPENAI_API_KEY): no network model is used"
    from openai import OpenAI

    client = OpenAI(
        api_key=settings.openai_api_key, base_url=settings.openai_base_url, timeout=CHECK_TIMEOUT_SECONDS
    )
    client.models.list()
    return None


def memory() -> str | None:
    """Probe the path memories really take: with a network model, embed a fixed probe through it
    (a few tokens) and require the dimension the vector index was built for; never assume "ok"."""
    settings = get_settings()
    if settings.openai_api_key or settings.openai_base_url:
        import math

        from backend.ai.memory import get_embedder
        from shared.memory.embedding import MiniLMEmbedder

        expected = MiniLMEmbedder.dimensions  # the vector index serves the offline and network models alike
        vector = get_embedder().embed(["health probe"])[0]
        if len(vector) != expected or not all(math.isfinite(x) for x in vector):
            raise ValueError(f"embedding has {len(vector)} dimensions, the index expects {expected}")
        return None

    find_model_dir()  # raises (→ down) when the bundled model is missing
    return (
        "offline default memory models (no OPENAI_API_KEY): extractive summaries, all-MiniLM-L6-v2 in NumPy"
    )
