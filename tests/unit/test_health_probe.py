"""/health probes the memory model path it would really use, instead of trusting a configured key."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from backend.ai import health
from backend.api import meta
from shared.settings import get_settings


class FakeEmbedder:
    def __init__(self, vector: list[float] | None) -> None:
        self.vector = vector
        self.calls = 0

    def embed(self, texts: list[str]) -> list[list[float]]:
        self.calls += 1
        if self.vector is None:
            raise ConnectionError("model unreachable")
        return [self.vector for _ in texts]


@pytest.fixture
def with_key(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def _probe(monkeypatch: pytest.MonkeyPatch, embedder: FakeEmbedder) -> str:
    import backend.ai.memory

    monkeypatch.setattr(backend.ai.memory, "get_embedder", lambda: embedder)
    check = meta._timed(health.memory)
    assert embedder.calls == 1, "the probe must call the model"
    return check.status


@pytest.mark.usefixtures("with_key")
def test_an_unreachable_memory_model_is_down_even_with_a_key(monkeypatch: pytest.MonkeyPatch) -> None:
    assert _probe(monkeypatch, FakeEmbedder(None)) == "down"


@pytest.mark.usefixtures("with_key")
def test_a_model_answering_the_wrong_dimension_is_down(monkeypatch: pytest.MonkeyPatch) -> None:
    assert _probe(monkeypatch, FakeEmbedder([0.1] * 1536)) == "down"
    assert _probe(monkeypatch, FakeEmbedder([float("nan")] * 384)) == "down"


@pytest.mark.usefixtures("with_key")
def test_a_working_model_is_ok(monkeypatch: pytest.MonkeyPatch) -> None:
    assert _probe(monkeypatch, FakeEmbedder([0.05] * 384)) == "ok"
