"""The knowledge base: documents in, chunks indexed by the memory retrieval engine, search out.

Invariants:
- Chunks live in their own item store (the kb collections, owner `KB_NAMESPACE`), never among a
  user's memory items; search and grounding read only there.
- Writes are idempotent: a document's digest covers title, text, chunker and embedding model; the same
  content again writes nothing (the engine's set digest also makes a repeated chunk write a no-op).
- Order keeps search honest through partial failures: chunks are written before the document record and
  removed before it, and a hit whose document record is missing is dropped. A failed write can leave
  orphan chunks for a moment, never a listed document whose chunks are someone else's.
"""

from __future__ import annotations

import hashlib
import uuid
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from shared.errors import IdempotencyKeyReused, NotFound, ValidationFailed
from shared.knowledge.chunks import KB_NAMESPACE, chunk_items, document_digest
from shared.memory.embedding import Embedder
from shared.memory.retrieval.engine import RetrievalEngine, SearchTrace
from shared.memory.retrieval.port import ItemStore
from shared.models.knowledge import KbDocument, KbDocumentSummary


class KnowledgeDocuments(ABC):
    """The document records (`kbDocuments`): title, text and bookkeeping; chunks are the engine's."""

    @abstractmethod
    def get(self, document_id: str) -> KbDocument | None: ...

    @abstractmethod
    def titles(self, document_ids: Sequence[str]) -> dict[str, str]:
        """Titles of the documents that exist (one read each, without their text)."""

    @abstractmethod
    def page(self, *, page: int, limit: int) -> tuple[list[KbDocumentSummary], int]:
        """One page of documents, most recently updated first, and the total count."""

    @abstractmethod
    def save(self, document: KbDocument) -> None: ...

    @abstractmethod
    def delete(self, document_id: str) -> None: ...


@dataclass(frozen=True)
class KbMatch:
    """A document found for a query: its best chunk, and how close that chunk is (cosine)."""

    document_id: str
    title: str
    chunk_id: str
    text: str
    score: float
    similarity: float


def id_for_key(key: str) -> str:
    """A POST's Idempotency-Key names one document: a retry finds it instead of adding another."""
    return "kb-" + hashlib.sha256(key.encode()).hexdigest()[:24]


COVERAGE_WEIGHT = 1.0
"""A chunk holding every known word of the query counts as first in a third list of the fusion: a query
for an identifier (a product name, an error code) finds its holder first, even when a base full of
look-alike chunks fills the dense neighbours (`shared.memory.retrieval.engine.COVERAGE_WEIGHT`)."""


def id_for_source(source: str) -> str:
    """An imported file's relative path names one document: importing again replaces it."""
    return "kbf-" + hashlib.sha256(source.encode()).hexdigest()[:24]


class KnowledgeBase:
    def __init__(
        self,
        *,
        documents: KnowledgeDocuments,
        store: ItemStore,
        embedder: Callable[[], Embedder],
        clock: Callable[[], datetime],
    ) -> None:
        self.documents = documents
        self.store = store
        self._embedder = embedder  # resolved when first needed: an empty base never loads a model
        self.clock = clock

    @property
    def engine(self) -> RetrievalEngine:
        return RetrievalEngine(store=self.store, embedder=self._embedder(), coverage_weight=COVERAGE_WEIGHT)

    def add(self, *, title: str, text: str, idempotency_key: str | None = None) -> tuple[KbDocument, bool]:
        """A new document (answers it and True), or, for a repeated Idempotency-Key with the same
        content, the one it made (and False); the same key with other content is refused."""
        if idempotency_key is None:
            return self._write(uuid.uuid4().hex[:20], title, text, None, None), True
        document_id = id_for_key(idempotency_key)
        existing = self.documents.get(document_id)
        if existing is not None:
            if existing.digest != self._digest(title, text):
                raise IdempotencyKeyReused(details={"idempotencyKey": idempotency_key})
            return existing, False
        return self._write(document_id, title, text, None, None), True

    def replace(self, *, document_id: str, title: str, text: str) -> KbDocument:
        """The whole document replaced (404 if there is none); the same content writes nothing."""
        existing = self.documents.get(document_id)
        if existing is None:
            raise NotFound("No such knowledge-base document.")
        return self._write(document_id, title, text, existing, existing.source)

    def upsert(self, *, source: str, title: str, text: str) -> tuple[KbDocument, bool]:
        """Imports: the document of this source path, created or replaced; answers whether it changed."""
        document_id = id_for_source(source)
        existing = self.documents.get(document_id)
        written = self._write(document_id, title, text, existing, source)
        return written, existing is None or existing.digest != written.digest

    def get(self, *, document_id: str) -> KbDocument:
        found = self.documents.get(document_id)
        if found is None:
            raise NotFound("No such knowledge-base document.")
        return found

    def remove(self, *, document_id: str) -> int:
        """Chunks first, then the record (a retry after a failure in between still finds the record)."""
        if self.documents.get(document_id) is None:
            raise NotFound("No such knowledge-base document.")
        removed = self.store.remove_session(user_id=KB_NAMESPACE, session_id=document_id)
        self.documents.delete(document_id)
        return removed

    def search(self, *, query: str, limit: int) -> list[KbMatch]:
        """Documents best matching `query`, each with its best chunk (hybrid: lexical + dense, fused)."""
        trace = SearchTrace()
        matches = self.engine.search(
            user_id=KB_NAMESPACE, query=query, now=self.clock(), limit=limit, trace=trace
        )
        titles = self.documents.titles([m.session_id for m in matches]) if matches else {}
        return [
            KbMatch(
                document_id=m.session_id,
                title=titles[m.session_id],
                chunk_id=m.item_ids[0],
                text=m.snippet,
                score=m.score,
                similarity=trace.similarity.get(m.item_ids[0], 0.0),
            )
            for m in matches
            if m.session_id in titles and m.item_ids
        ]

    def is_empty(self) -> bool:
        """One small read: whether any chunk is indexed (so an app without knowledge pays no search)."""
        return self.store.term_stats(user_id=KB_NAMESPACE, terms=[""]).item_count <= 0

    def _digest(self, title: str, text: str) -> str:
        return document_digest(title=title, text=text, embedding_model=self.engine.embedder.model)

    def _write(
        self, document_id: str, title: str, text: str, existing: KbDocument | None, source: str | None
    ) -> KbDocument:
        engine = self.engine
        digest = document_digest(title=title, text=text, embedding_model=engine.embedder.model)
        if existing is not None and existing.digest == digest:
            return existing
        items = chunk_items(document_id=document_id, title=title, text=text)
        if not items:
            raise ValidationFailed(
                "The text has nothing to search besides headings.", details=[{"field": "text"}]
            )
        engine.index(items=items, digest=digest)
        now = self.clock()
        document = KbDocument(
            id=document_id,
            title=title,
            text=text,
            chars=len(text),
            chunks=len(items),
            source=source,
            embedding_model=engine.embedder.model,
            digest=digest,
            created_at=existing.created_at if existing is not None else now,
            updated_at=now,
        )
        self.documents.save(document)
        return document
