"""Firestore side of memory across sessions: writing a session's memory, reading it, searching it.

`memories/{sessionId}`: one document per session (its id is the session's), with the text fields, the
`embedding` vector, the models that produced them and a `contentHash` over the transcript and both model
names. The session document carries `memoryStatus` and a copy of the text fields (docs/memory.md).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from backend.store.documents import SESSIONS, from_document, to_document
from backend.store.vectors import EMBEDDING_FIELD, nearest_documents
from shared.clock import utcnow
from shared.memory.embedding import Embedder
from shared.memory.summarize import SessionMemoryDraft
from shared.models.memory import MEMORIES, MemoryDocument, MemoryHit
from shared.models.messages import Message
from shared.models.sessions import Session

if TYPE_CHECKING:
    from google.cloud.firestore import Client


def content_hash(messages: Sequence[Message], *models: str) -> str:
    """Same transcript and same models, same hash: a redelivered event finds its memory already there."""
    digest = hashlib.sha256()
    for model in models:
        digest.update(model.encode() + b"\0")
    for message in messages:
        row = [message.id, message.speaker, message.type, message.status, message.content]
        digest.update(json.dumps(row).encode() + b"\n")
    return digest.hexdigest()


def embedding_text(draft: SessionMemoryDraft) -> str:
    parts = [draft.summary]
    if draft.key_topics:
        parts.append("Topics: " + ", ".join(draft.key_topics))
    if draft.next_steps:
        parts.append("Next steps: " + " ".join(draft.next_steps))
    return "\n".join(parts)


def stored_hash(db: Client, session_id: str) -> str | None:
    snapshot = db.collection(MEMORIES).document(session_id).get(field_paths=["contentHash"])
    return str(snapshot.get("contentHash")) if snapshot.exists else None


def session_fields(draft: SessionMemoryDraft, *, model: str) -> dict[str, Any]:
    return {
        "memoryStatus": "ready",
        "summary": draft.summary,
        "keyTopics": draft.key_topics,
        "detectedEmotions": draft.detected_emotions,
        "nextSteps": draft.next_steps,
        "memoryModel": model,
        "memoryReadyAt": utcnow(),
    }


def memory_document(
    *,
    user_id: str,
    session_id: str,
    avatar: str,
    draft: SessionMemoryDraft,
    model: str,
    vector: list[float] | None,
    embedding_model: str | None,
    digest: str,
    message_count: int,
    ended_at: datetime | None,
    shared_summary: str | None = None,
) -> dict[str, Any]:
    """`memories/{id}` as stored, for a session's memory and for a room participant's (same shape, so recall,
    export and erasure by `userId` cover both); the vector only with the model that made it."""
    from google.cloud.firestore_v1.vector import Vector

    memory = MemoryDocument(
        user_id=user_id,
        session_id=session_id,
        avatar=avatar,
        summary=draft.summary,
        key_topics=draft.key_topics,
        detected_emotions=draft.detected_emotions,
        next_steps=draft.next_steps,
        model=model,
        embedding_model=embedding_model if vector is not None else None,
        content_hash=digest,
        message_count=message_count,
        session_ended_at=ended_at,
        created_at=utcnow(),
        shared_summary=shared_summary,
    )
    document = to_document(memory)
    if vector is not None:
        document[EMBEDDING_FIELD] = Vector(vector)
    return document


def save(
    db: Client,
    *,
    session: Session,
    draft: SessionMemoryDraft,
    model: str,
    vector: list[float] | None,
    embedding_model: str | None,
    digest: str,
    message_count: int,
) -> None:
    """The memory document and the session's copy in one atomic batch (nothing if the session is gone)."""
    batch = db.batch()
    session_ref = db.collection(SESSIONS).document(session.id)
    if draft.summary:
        document = memory_document(
            user_id=session.user_id,
            session_id=session.id,
            avatar=session.avatar,
            draft=draft,
            model=model,
            vector=vector,
            embedding_model=embedding_model,
            digest=digest,
            message_count=message_count,
            ended_at=session.ended_at,
        )
        batch.set(db.collection(MEMORIES).document(session.id), document)
    batch.update(session_ref, session_fields(draft, model=model))  # fails the batch if the session is gone
    batch.commit()


def mark(db: Client, session_id: str, status: str) -> None:
    from google.api_core.exceptions import NotFound

    with contextlib.suppress(NotFound):
        db.collection(SESSIONS).document(session_id).update({"memoryStatus": status})


def nearest(
    db: Client, *, user_id: str, vector: list[float], embedder: Embedder, limit: int
) -> list[MemoryHit]:
    """The user's memories closest to `vector` (cosine), best first; only vectors of the same model."""
    from google.cloud.firestore import FieldFilter

    query: Any = (
        db.collection(MEMORIES)
        .where(filter=FieldFilter("userId", "==", user_id))
        .where(filter=FieldFilter("embeddingModel", "==", embedder.model))
    )
    hits = []
    for data, similarity in nearest_documents(query, vector=vector, limit=limit):
        memory = from_document(MemoryDocument, data)
        hits.append(
            MemoryHit(
                session_id=memory.session_id,
                summary=memory.summary,
                score=round(similarity, 4),
                key_topics=memory.key_topics,
                detected_emotions=memory.detected_emotions,
                next_steps=memory.next_steps,
                avatar=memory.avatar,
                session_ended_at=memory.session_ended_at,
                model=memory.model,
            )
        )
    return hits


def previous_sessions(db: Client, *, user_id: str, before: Session, limit: int) -> list[Session]:
    """The user's latest sessions that ended before `before` started, newest first (bounded)."""
    from google.cloud.firestore import FieldFilter, Query

    query = (
        db.collection(SESSIONS)
        .where(filter=FieldFilter("userId", "==", user_id))
        .order_by("createdAt", direction=Query.DESCENDING)
        .limit(limit + 4)  # the current session and any other live one are skipped below
    )
    found = [from_document(Session, d.to_dict(), id=d.id) for d in query.get()]
    return [s for s in found if s.id != before.id and s.ended_at is not None and s.started_at][:limit]


def pending_since(db: Client, *, cutoff: datetime, limit: int) -> list[Session]:
    """Ended sessions whose memory is still `pending` since before `cutoff` (a lost `session.ended`)."""
    from google.cloud.firestore import FieldFilter

    query = (
        db.collection(SESSIONS)
        .where(filter=FieldFilter("memoryStatus", "==", "pending"))
        .where(filter=FieldFilter("endedAt", "<", cutoff))
        .limit(limit)
    )
    return [from_document(Session, d.to_dict(), id=d.id) for d in query.get()]
