"""Firestore adapter of the memory retrieval engine's item store (`shared/memory/retrieval/port.py`).

Collections (owner-read-only rules, written by the backend only):
- `memoryItems/{sessionId}-{NNN}`: one memory item plus its `embedding` vector.
- `memoryTermStats/{userId}_{shard}`: the user's BM25 statistics split by a hash of the term
  (TERM_SHARDS = 8): `items`, `length` (the same in every shard) and `df.{term}`.
  The `df` map is exempt from indexing (firestore.indexes.json), so a document never nears the index limit.
- `memoryItemSets/{sessionId}`: which digest of the session is indexed and how many items (idempotence).

Cost. Per ended session (`put_session`): 1 read (the set) [+ the old items when re-indexing a changed
session], writes = items (<= 60, typically 3-8) + the 8 shards + 1. Per query: <= 8 shard reads +
2 x 15 `array_contains_any` items + 20 vector neighbours = <= 58 documents (docs/memory.md).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from backend.store.documents import from_document, to_document
from backend.store.vectors import EMBEDDING_FIELD, nearest_documents
from shared.memory.retrieval.items import MAX_ITEMS_PER_SESSION, MEMORY_ITEMS, MemoryItem
from shared.memory.retrieval.port import (
    ARRAY_CONTAINS_ANY_MAX,
    TERM_SHARDS,
    ItemStore,
    ScoredItem,
    TermStats,
    term_shard,
)
from shared.memory.retrieval.timewords import DateWindow

if TYPE_CHECKING:
    from google.cloud.firestore import Client, Transaction

MEMORY_TERM_STATS = "memoryTermStats"
MEMORY_ITEM_SETS = "memoryItemSets"
_ITEM_FIELDS = [f.alias or name for name, f in MemoryItem.model_fields.items()]


@dataclass(frozen=True)
class ItemCollections:
    """Where one item store lives: users' memory, or the app's knowledge base (never mixed)."""

    items: str = MEMORY_ITEMS
    term_stats: str = MEMORY_TERM_STATS
    item_sets: str = MEMORY_ITEM_SETS


MEMORY_COLLECTIONS = ItemCollections()


def _months(window: DateWindow) -> list[str]:
    months: list[str] = []
    day = window.start
    while day < window.end and len(months) < 3:
        months.append(day.strftime("%Y-%m"))
        day = (day.replace(day=1) + timedelta(days=32)).replace(day=1)
    return months


class FirestoreItemStore(ItemStore):
    def __init__(self, *, db: Client, collections: ItemCollections = MEMORY_COLLECTIONS) -> None:
        self.db = db
        self.collections = collections

    def _shard_ref(self, user_id: str, shard: int) -> Any:
        return self.db.collection(self.collections.term_stats).document(f"{user_id}_{shard}")

    def _stats_writes(
        self, user_id: str, items: Sequence[MemoryItem], sign: int
    ) -> dict[int, dict[str, Any]]:
        """Per shard: the `set(merge=True)` body adding (sign=1) or removing (-1) the items' statistics."""
        from google.cloud.firestore import Increment

        df: Counter[str] = Counter()
        for item in items:
            df.update(item.terms)
        length = sum(i.length for i in items)
        # every shard carries the item count and total length, so any shard a query reads has them exact.
        # A shard none of the terms falls in gets no `df` key at all: with merge=True an empty map is a
        # value, and would replace the shard's whole `df` map (every other item's statistics) with {}.
        by_shard: dict[int, dict[str, Any]] = {shard: {} for shard in range(TERM_SHARDS)}
        for term, count in df.items():
            by_shard[term_shard(term)].setdefault("df", {})[term] = Increment(sign * count)
        for body in by_shard.values():
            body.update(userId=user_id, items=Increment(sign * len(items)), length=Increment(sign * length))
        return by_shard

    def _session_items(
        self, session_id: str, user_id: str, transaction: Transaction | None = None
    ) -> list[MemoryItem]:
        from google.cloud.firestore import FieldFilter

        query = (
            self.db.collection(self.collections.items)
            .where(filter=FieldFilter("userId", "==", user_id))
            .where(filter=FieldFilter("sessionId", "==", session_id))
            .select(_ITEM_FIELDS)
            .limit(MAX_ITEMS_PER_SESSION + 5)
        )
        docs = transaction.get(query) if transaction is not None else query.get()
        return [from_document(MemoryItem, d.to_dict()) for d in docs]

    def put_session(
        self, *, items: Sequence[MemoryItem], vectors: Sequence[list[float]], digest: str
    ) -> bool:
        from google.cloud import firestore
        from google.cloud.firestore_v1.vector import Vector

        if not items:
            return False
        first = items[0]
        set_ref = self.db.collection(self.collections.item_sets).document(first.session_id)

        @firestore.transactional
        def write(transaction: Transaction) -> bool:
            current = set_ref.get(transaction=transaction)
            if current.exists and current.get("digest") == digest:
                return False
            old = self._session_items(first.session_id, first.user_id, transaction) if current.exists else []
            writes = self._stats_writes(first.user_id, items, 1)
            for shard, body in self._stats_writes(first.user_id, old, -1).items():
                merged = writes.setdefault(shard, {"userId": first.user_id})
                # the same field cannot take two transforms in one write: net them
                for term, inc in body.get("df", {}).items():
                    merged_df = merged.setdefault("df", {})
                    add = merged_df.get(term)
                    merged_df[term] = firestore.Increment((add.value if add else 0) + inc.value)
                for key in ("items", "length"):
                    add = merged.get(key)
                    merged[key] = firestore.Increment((add.value if add else 0) + body[key].value)
            kept = {i.id for i in items}
            for item in old:
                if item.id not in kept:
                    transaction.delete(self.db.collection(self.collections.items).document(item.id))
            for item, vector in zip(items, vectors, strict=True):
                document = to_document(item)
                document[EMBEDDING_FIELD] = Vector(vector)
                transaction.set(self.db.collection(self.collections.items).document(item.id), document)
            for shard, body in writes.items():
                transaction.set(self._shard_ref(first.user_id, shard), body, merge=True)
            transaction.set(
                set_ref,
                {
                    "userId": first.user_id,
                    "sessionId": first.session_id,
                    "digest": digest,
                    "items": len(items),
                },
            )
            return True

        return bool(write(self.db.transaction()))

    def remove_session(self, *, user_id: str, session_id: str) -> int:
        items = self._session_items(session_id, user_id)
        batch = self.db.batch()
        for shard, body in self._stats_writes(user_id, items, -1).items():
            batch.set(self._shard_ref(user_id, shard), body, merge=True)
        for item in items:
            batch.delete(self.db.collection(self.collections.items).document(item.id))
        batch.delete(self.db.collection(self.collections.item_sets).document(session_id))
        batch.commit()
        return len(items)

    def term_stats(self, *, user_id: str, terms: Sequence[str]) -> TermStats:
        shards = sorted({term_shard(t) for t in terms})
        item_count = total = 0
        df: dict[str, int] = {}
        for snapshot in self.db.get_all([self._shard_ref(user_id, s) for s in shards]):
            if not snapshot.exists:
                continue
            data = snapshot.to_dict() or {}
            item_count, total = (
                max(item_count, int(data.get("items", 0))),
                max(total, int(data.get("length", 0))),
            )
            stored = data.get("df", {})
            df.update({t: int(stored[t]) for t in terms if int(stored.get(t, 0)) > 0})
        return TermStats(item_count=item_count, total_length=total, df=df)

    def with_any_term(self, *, user_id: str, terms: Sequence[str], limit: int) -> list[MemoryItem]:
        from google.cloud.firestore import FieldFilter

        query = (
            self.db.collection(self.collections.items)
            .where(filter=FieldFilter("userId", "==", user_id))
            .where(filter=FieldFilter("terms", "array_contains_any", list(terms[:ARRAY_CONTAINS_ANY_MAX])))
            .select(_ITEM_FIELDS)
            .limit(limit)
        )
        return [from_document(MemoryItem, d.to_dict()) for d in query.get()]

    def nearest(
        self, *, user_id: str, vector: list[float], model: str, limit: int, window: DateWindow | None = None
    ) -> list[ScoredItem]:
        """Dated search pre-filters on `month` (equality, up to 3 months of the window, the limit split
        between them) and keeps the items inside the window."""
        if window is None:
            return self._nearest(user_id, vector, model, limit, None)
        months = _months(window)
        per_month = max(1, limit // len(months))
        found = [hit for month in months for hit in self._nearest(user_id, vector, model, per_month, month)]
        found = [hit for hit in found if window.contains(_comparable(hit.item.date, window.start))]
        return sorted(found, key=lambda h: -h.similarity)[:limit]

    def _nearest(
        self, user_id: str, vector: list[float], model: str, limit: int, month: str | None
    ) -> list[ScoredItem]:
        from google.cloud.firestore import FieldFilter

        query: Any = (
            self.db.collection(self.collections.items)
            .where(filter=FieldFilter("userId", "==", user_id))
            .where(filter=FieldFilter("embeddingModel", "==", model))
        )
        if month is not None:
            query = query.where(filter=FieldFilter("month", "==", month))
        return [
            ScoredItem(from_document(MemoryItem, data), similarity)
            for data, similarity in nearest_documents(query, vector=vector, limit=limit)
        ]


def _comparable(when: datetime | None, like: datetime) -> datetime | None:
    """Firestore answers aware datetimes; a naive window (tests, benchmark) compares in UTC."""
    if when is None or (when.tzinfo is None) == (like.tzinfo is None):
        return when
    return when.replace(tzinfo=None) if like.tzinfo is None else when


__all__ = [
    "MEMORY_COLLECTIONS",
    "MEMORY_ITEM_SETS",
    "MEMORY_TERM_STATS",
    "TERM_SHARDS",
    "FirestoreItemStore",
    "ItemCollections",
]
