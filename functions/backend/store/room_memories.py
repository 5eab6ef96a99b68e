"""Firestore side of a room's memories: `memories/{roomId}-{who}`, one per consenting participant, in the
same collection and shape as a session's memory (so recall, export and erasure by `userId` cover them)."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from backend.store import memories
from backend.store.rooms import unless_erased
from shared.memory.summarize import SessionMemoryDraft
from shared.models.memory import MEMORIES
from shared.models.rooms import Room

if TYPE_CHECKING:
    from google.cloud.firestore import Client


def memory_id(room_id: str, uid: str) -> str:
    return f"{room_id}-{hashlib.sha256(uid.encode()).hexdigest()[:12]}"


def stored_hash(db: Client, room_id: str, uid: str) -> str | None:
    snapshot = db.collection(MEMORIES).document(memory_id(room_id, uid)).get(field_paths=["contentHash"])
    return str(snapshot.get("contentHash")) if snapshot.exists else None


def save(
    db: Client,
    *,
    room: Room,
    uid: str,
    draft: SessionMemoryDraft,
    shared_summary: str | None,
    model: str,
    vector: list[float] | None,
    embedding_model: str | None,
    digest: str,
    line_count: int,
    seated: list[str] | None = None,
) -> bool:
    """Write `uid`'s memory of the room. With `seated` (the room's `participantIds` when its lines were
    read), only while the room still lists exactly those people (see `unless_erased`). False when not
    written."""
    document = memories.memory_document(
        user_id=uid,
        session_id=room.id,
        avatar=room.host.agent_id,
        draft=draft,
        model=model,
        vector=vector,
        embedding_model=embedding_model,
        digest=digest,
        message_count=line_count,
        ended_at=room.ended_at,
        shared_summary=shared_summary,
    )
    ref = db.collection(MEMORIES).document(memory_id(room.id, uid))
    if seated is None:
        ref.set(document)
        return True
    return unless_erased(db, room.id, seated, lambda transaction: transaction.set(ref, document))


def delete(db: Client, room_id: str, uid: str) -> None:
    db.collection(MEMORIES).document(memory_id(room_id, uid)).delete()
