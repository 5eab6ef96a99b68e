"""Firestore side of the knowledge base (shared/knowledge/service.py).

Collections (server-only: clients are denied by the rules; the API and the ops CLI use admin access):
- `kbDocuments/{id}`: title, text and bookkeeping (`KbDocument` without `id`).
- `kbChunks/{documentId}-{NNN}`: one chunk, a memory item of kind "kb" with its `embedding`.
- `kbTermStats/app_{shard}`, `kbChunkSets/{documentId}`: the engine's statistics and per-set digest.

Cost. Per document written: 1 read (the record) + the engine's set write (1 read, chunks + 8 shards + 1
writes, plus deletes of chunks a replacement no longer has) + 1 write; unchanged content: 1 read, no
write. Per search: the engine's <= 58 documents + one title read per document found (<= limit).
Per list page: one count aggregation + `limit` reads without the texts.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from backend.store.documents import from_document, to_document
from backend.store.errors import translate_errors
from backend.store.memory_items import FirestoreItemStore, ItemCollections
from shared.clock import utcnow
from shared.knowledge.service import KnowledgeBase, KnowledgeDocuments
from shared.memory.embedding import Embedder
from shared.models.knowledge import KbDocument, KbDocumentSummary

if TYPE_CHECKING:
    from google.cloud.firestore import Client

KB_DOCUMENTS = "kbDocuments"
KB_COLLECTIONS = ItemCollections(items="kbChunks", term_stats="kbTermStats", item_sets="kbChunkSets")
_SUMMARY_FIELDS = [f.alias or name for name, f in KbDocumentSummary.model_fields.items() if name != "id"]


@translate_errors
class FirestoreKnowledgeDocuments(KnowledgeDocuments):
    def __init__(self, *, db: Client) -> None:
        self.db = db

    def get(self, document_id: str) -> KbDocument | None:
        snapshot = self.db.collection(KB_DOCUMENTS).document(document_id).get()
        return from_document(KbDocument, snapshot.to_dict(), id=snapshot.id) if snapshot.exists else None

    def titles(self, document_ids: Sequence[str]) -> dict[str, str]:
        refs = [self.db.collection(KB_DOCUMENTS).document(d) for d in document_ids]
        return {
            s.id: str((s.to_dict() or {}).get("title", ""))
            for s in self.db.get_all(refs, field_paths=["title"])
            if s.exists
        }

    def page(self, *, page: int, limit: int) -> tuple[list[KbDocumentSummary], int]:
        from google.cloud.firestore import Query

        collection = self.db.collection(KB_DOCUMENTS)
        total = int(collection.count().get()[0][0].value)  # type: ignore[no-untyped-call]
        query = (
            collection.order_by("updatedAt", direction=Query.DESCENDING)
            .select(_SUMMARY_FIELDS)
            .offset((page - 1) * limit)
            .limit(limit)
        )
        return [from_document(KbDocumentSummary, d.to_dict(), id=d.id) for d in query.get()], total

    def save(self, document: KbDocument) -> None:
        self.db.collection(KB_DOCUMENTS).document(document.id).set(to_document(document, exclude={"id"}))

    def delete(self, document_id: str) -> None:
        self.db.collection(KB_DOCUMENTS).document(document_id).delete()


def knowledge_base(db: Client, embedder: Callable[[], Embedder]) -> KnowledgeBase:
    """The knowledge base over Firestore, with the engine on the kb collections only."""
    return KnowledgeBase(
        documents=FirestoreKnowledgeDocuments(db=db),
        store=FirestoreItemStore(db=db, collections=KB_COLLECTIONS),
        embedder=embedder,
        clock=utcnow,
    )
