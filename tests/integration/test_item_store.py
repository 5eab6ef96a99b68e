"""The retrieval engine's Firestore item store (backend/store/memory_items.py) on the emulator: the BM25
statistics one session adds are never lost when another session's items touch only some shards."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest

from shared.memory.retrieval.items import Turn, window_items
from shared.memory.retrieval.port import term_shard
from shared.memory.retrieval.terms import terms
from tests.support.emulator import firestore_db

pytestmark = pytest.mark.emulator

WHEN = datetime(2026, 5, 4, 10, tzinfo=UTC)


def _store() -> Any:
    from backend.store.memory_items import FirestoreItemStore

    return FirestoreItemStore(db=firestore_db())


def _put(store: Any, user_id: str, lines: list[str]) -> list[str]:
    session_id = f"s-{uuid.uuid4().hex[:10]}"
    turns = [Turn("user" if i % 2 == 0 else "ai", line) for i, line in enumerate(lines)]
    items = window_items(user_id=user_id, session_id=session_id, date=WHEN, turns=turns)
    assert store.put_session(items=items, vectors=[[1.0, 0.0]] * len(items), digest=session_id)
    return sorted({term for item in items for term in item.terms})


def test_a_session_whose_words_touch_few_shards_keeps_every_other_words_statistics() -> None:
    store = _store()
    user_id = f"item-store-{uuid.uuid4().hex[:10]}"
    first = _put(
        store,
        user_id,
        [
            "We adopted a rescue greyhound called Biscuit from the shelter near the harbour last spring.",
            "Biscuit sleeps on the sofa, steals socks and hates thunderstorms and the vacuum cleaner.",
        ],
    )
    second = _put(store, user_id, ["Okay.", "Fine."])
    untouched = {term_shard(t) for t in first} - {term_shard(t) for t in second}
    assert untouched, "the second session's words leave some of the first one's shards alone"
    stats = store.term_stats(user_id=user_id, terms=first)
    assert {t for t in first if stats.df.get(t)} == set(first), "no earlier word lost its statistics"
    assert stats.item_count >= 2
    assert set(terms("greyhound biscuit")) <= set(stats.df)
