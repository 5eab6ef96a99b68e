"""The retrieval engine with OpenAI embeddings (a fake OpenAI server): same item shape, items stamped with
the OpenAI model, one embeddings request per ended session, and vectors of another model never compared."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest
from openai import OpenAI

from backend.ai.memory import OpenAIEmbedder
from shared.memory.retrieval.engine import RetrievalEngine
from shared.memory.retrieval.items import Turn, window_items
from shared.memory.retrieval.port import InMemoryItemStore
from tests.support.fake_openai import FakeOpenAI
from tests.unit.test_memory_retrieval import HashEmbedder

NOW = datetime(2026, 6, 1)
LINES = [
    "We adopted a rescue kitten and named her Clementine.",
    "How lovely, how is she settling in?",
    "She hides under the sofa all day.",
    "Give her time.",
    "My sister is visiting next week.",
]


@pytest.fixture
def server() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as fake:
        yield fake


def openai_embedder(server: FakeOpenAI) -> OpenAIEmbedder:
    client = OpenAI(api_key="sk-test", base_url=server.url + "/v1", timeout=5, max_retries=0)
    return OpenAIEmbedder(lambda: client, embedding_model="text-embedding-3-small")


def turns() -> list[Turn]:
    return [Turn("user" if i % 2 == 0 else "ai", line) for i, line in enumerate(LINES)]


def test_openai_items_have_the_same_shape_and_are_searched_only_with_their_model(server: FakeOpenAI) -> None:
    store = InMemoryItemStore()
    engine = RetrievalEngine(store=store, embedder=openai_embedder(server))
    windows = window_items(user_id="u1", session_id="s1", date=NOW, turns=turns())
    assert engine.index(items=windows, digest="d1") == len(windows) == 2
    assert len(server.requests) == 1, "one embeddings request for the whole session"
    assert engine.index(items=windows, digest="d1") == 0, "a redelivery writes nothing"
    stored = [store.items[w.id] for w in windows]
    assert {i.embedding_model for i in stored} == {"text-embedding-3-small@384"}
    assert all(len(store.vectors[i.id]) == 384 for i in stored)
    assert [i.model_dump(exclude={"embedding_model"}) for i in stored] == [
        w.model_dump(exclude={"embedding_model"}) for w in windows
    ]
    # an item embedded by another model (an older offline one) is never compared with OpenAI vectors
    offline = RetrievalEngine(store=store, embedder=HashEmbedder())
    older = window_items(user_id="u1", session_id="s0", date=NOW, turns=[Turn("user", "My cat Clementine")])
    offline.index(items=older, digest="d0")
    dense = store.nearest(
        user_id="u1", vector=store.vectors[stored[0].id], model=engine.embedder.model, limit=10
    )
    assert {h.item.session_id for h in dense} == {"s1"}
    found = engine.search(user_id="u1", query="Clementine", now=NOW)
    assert found[0].session_id == "s1" and "Clementine" in found[0].snippet
