"""The item store port the engine reads and writes through, and an in-memory adapter for tests and the
benchmark. The Firestore adapter is `backend/store/memory_items.py`; both answer the same bounded
questions, so the engine's cost is the same whichever is behind it.
"""

from __future__ import annotations

import math
import zlib
from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from shared.memory.retrieval.items import MemoryItem
from shared.memory.retrieval.timewords import DateWindow

ARRAY_CONTAINS_ANY_MAX = 10
"""Firestore accepts at most 30 values in `array_contains_any`; we send at most 10."""
TERM_SHARDS = 8
"""A user's document frequencies are split over this many small documents by a hash of the term, so a
query reads only the shards of its own terms and no document nears Firestore's 20,000-field limit."""


def term_shard(term: str) -> int:
    return zlib.crc32(term.encode()) % TERM_SHARDS


@dataclass(frozen=True)
class TermStats:
    """What BM25 needs from the whole collection, for the query's terms only."""

    item_count: int
    total_length: int
    df: dict[str, int] = field(default_factory=dict)

    @property
    def average_length(self) -> float:
        return self.total_length / self.item_count if self.item_count else 1.0

    def idf(self, term: str) -> float:
        n, df = self.item_count, self.df.get(term, 0)
        return math.log(1.0 + (n - df + 0.5) / (df + 0.5))


@dataclass(frozen=True)
class ScoredItem:
    item: MemoryItem
    similarity: float


class ItemStore(ABC):
    """Per-user memory items with their vectors and the user's term statistics."""

    @abstractmethod
    def put_session(
        self, *, items: Sequence[MemoryItem], vectors: Sequence[list[float]], digest: str
    ) -> bool:
        """Replace the session's items (all from one session and user) and update the term statistics,
        atomically; a call with the digest already stored for that session writes nothing and answers
        False (a redelivered event)."""

    @abstractmethod
    def remove_session(self, *, user_id: str, session_id: str) -> int:
        """Delete the session's items and take them out of the statistics; answers how many."""

    @abstractmethod
    def term_stats(self, *, user_id: str, terms: Sequence[str]) -> TermStats:
        """Item count, total length and document frequency of `terms` over the user's items."""

    @abstractmethod
    def with_any_term(self, *, user_id: str, terms: Sequence[str], limit: int) -> list[MemoryItem]:
        """Up to `limit` of the user's items holding at least one of `terms` (at most 10 terms)."""

    @abstractmethod
    def nearest(
        self, *, user_id: str, vector: list[float], model: str, limit: int, window: DateWindow | None = None
    ) -> list[ScoredItem]:
        """The user's `limit` items nearest to `vector` (cosine), of embedding `model`, best first,
        optionally only those dated inside `window`."""


class InMemoryItemStore(ItemStore):
    """Same answers as the Firestore adapter, in a dict (items by id order, as Firestore returns them)."""

    def __init__(self) -> None:
        self.items: dict[str, MemoryItem] = {}
        self.vectors: dict[str, list[float]] = {}
        self.digests: dict[str, str] = {}
        self.df: dict[str, Counter[str]] = {}
        self.reads = 0

    def put_session(
        self, *, items: Sequence[MemoryItem], vectors: Sequence[list[float]], digest: str
    ) -> bool:
        if not items:
            return False
        first = items[0]
        if self.digests.get(first.session_id) == digest:
            return False
        self.remove_session(user_id=first.user_id, session_id=first.session_id)
        counter = self.df.setdefault(first.user_id, Counter())
        for item, vector in zip(items, vectors, strict=True):
            self.items[item.id] = item
            self.vectors[item.id] = vector
            counter.update(item.terms)
            counter["\0items"] += 1
            counter["\0length"] += item.length
        self.digests[first.session_id] = digest
        return True

    def remove_session(self, *, user_id: str, session_id: str) -> int:
        gone = [i for i in self.items.values() if i.session_id == session_id and i.user_id == user_id]
        counter = self.df.setdefault(user_id, Counter())
        for item in gone:
            del self.items[item.id]
            del self.vectors[item.id]
            counter.subtract(item.terms)
            counter["\0items"] -= 1
            counter["\0length"] -= item.length
        self.digests.pop(session_id, None)
        return len(gone)

    def term_stats(self, *, user_id: str, terms: Sequence[str]) -> TermStats:
        counter = self.df.get(user_id, Counter())
        self.reads += len({term_shard(t) for t in terms})
        return TermStats(
            item_count=counter["\0items"],
            total_length=counter["\0length"],
            df={t: counter[t] for t in terms if counter[t] > 0},
        )

    def with_any_term(self, *, user_id: str, terms: Sequence[str], limit: int) -> list[MemoryItem]:
        wanted = set(terms[:ARRAY_CONTAINS_ANY_MAX])
        found = []
        for key in sorted(self.items):
            item = self.items[key]
            if item.user_id == user_id and wanted.intersection(item.terms):
                found.append(item)
                if len(found) == limit:
                    break
        self.reads += max(1, len(found))
        return found

    def nearest(
        self, *, user_id: str, vector: list[float], model: str, limit: int, window: DateWindow | None = None
    ) -> list[ScoredItem]:
        scored = []
        for key, item in self.items.items():
            if item.user_id != user_id or item.embedding_model != model:
                continue
            if window is not None and not window.contains(item.date):
                continue
            stored = self.vectors[key]
            scored.append(ScoredItem(item, sum(a * b for a, b in zip(vector, stored, strict=True))))
        scored.sort(key=lambda s: (-s.similarity, s.item.id))
        self.reads += max(1, min(limit, len(scored)))
        return scored[:limit]
