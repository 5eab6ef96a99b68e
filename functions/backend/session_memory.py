"""Memory across sessions: `session.ended` → the `session_memory` function → `memories/{sessionId}`,
and the recall a returning user's first reply gets.

Ending a live session sets `memoryStatus: pending` in the same commit and then publishes `session.ended`
(`announce_ended`). The function (`write_memory`) summarises the transcript and embeds the summary; a
redelivered event finds the same content hash and writes nothing. If publishing fails, the session stays
`pending` and the idle sweep publishes it again (`republish_pending`).
"""

from __future__ import annotations

import contextlib
import time
from datetime import timedelta
from typing import Any

from backend import logs
from backend.clients import firestore_client
from backend.memory_engine import index_session, search_sessions
from backend.store import memories
from backend.store.documents import SESSIONS, from_document
from backend.store.messages import FirestoreMessageStore
from shared.avatars import load_avatars, resolve_avatar
from shared.clock import utcnow
from shared.memory.embedding import Embedder
from shared.memory.recall import MemoryRecall, match_line, raw_turns_line, summary_line
from shared.memory.summarize import ExtractiveSummarizer, SessionMemoryDraft, Summarizer
from shared.models.memory import MemoryHit
from shared.models.messages import Message
from shared.models.sessions import Session
from shared.settings import Settings, get_settings
from shared.statuses import TERMINAL

SESSION_ENDED_TOPIC = "session-ended"
RECALL_LIMIT = 3


def announce_ended(session: Session) -> None:
    """Publish `session.ended` for a session whose end was just committed (never raises)."""
    from backend.pubsub import publish

    payload = {"type": "session.ended", "sessionId": session.id, "userId": session.user_id}
    try:
        publish(SESSION_ENDED_TOPIC, payload)
    except Exception as exc:  # the session stays `pending`; the sweep publishes it again
        logs.error("session.ended not published", sessionId=session.id, errorType=type(exc).__name__)


def _models() -> tuple[Summarizer, Embedder]:
    from backend.ai.memory import get_embedder, get_summarizer

    return get_summarizer(), get_embedder()


def _draft(
    messages: list[Message], summarizer: Summarizer, embedder: Embedder, session_id: str
) -> tuple[SessionMemoryDraft, str, list[float] | None, Embedder]:
    """Summary and embedding; if the configured (network) models fail, the offline ones stand in."""
    from shared.memory.embedding import default_embedder

    try:
        draft = summarizer.summarize(messages)
        model = summarizer.model
    except Exception as exc:
        logs.warning(
            "summary model failed; offline summary", sessionId=session_id, errorType=type(exc).__name__
        )
        fallback = ExtractiveSummarizer()
        draft, model = fallback.summarize(messages), fallback.model
    if not draft.summary:
        return draft, model, None, embedder
    text = memories.embedding_text(draft)
    try:
        return draft, model, embedder.embed([text])[0], embedder
    except Exception as exc:
        logs.warning("embedding model failed; offline", sessionId=session_id, errorType=type(exc).__name__)
        offline = default_embedder()
        return draft, model, offline.embed([text])[0], offline


def write_memory(session_id: str) -> str | None:
    """Write the session's memory once; returns the session's memoryStatus afterwards."""
    db = firestore_client()
    settings = get_settings()
    started = time.monotonic()
    snapshot = db.collection(SESSIONS).document(session_id).get()
    if not snapshot.exists:
        logs.info("memory for a deleted session skipped", sessionId=session_id)
        return None
    session = from_document(Session, snapshot.to_dict(), id=snapshot.id)
    if session.status not in TERMINAL or session.started_at is None:
        return session.memory_status  # not ended (or never started): nothing to remember
    store = FirestoreMessageStore(db=db, settings=settings)
    messages = store.all_messages(session_id, cap=settings.memory_max_messages)
    summarizer, embedder = _models()
    digest = memories.content_hash(messages, summarizer.model, embedder.model)
    if session.memory_status == "ready" and memories.stored_hash(db, session_id) in (digest, None):
        logs.info("memory already written", sessionId=session_id, userId=session.user_id)
        return "ready"
    try:
        draft, model, vector, used = _draft(messages, summarizer, embedder, session_id)
        index_session(db, session=session, messages=messages, digest=digest, embedder=used)
        memories.save(
            db,
            session=session,
            draft=draft,
            model=model,
            vector=vector,
            embedding_model=used.model,
            digest=digest,
            message_count=len(messages),
        )
    except Exception as exc:
        logs.error(
            "memory not written", sessionId=session_id, userId=session.user_id, errorType=type(exc).__name__
        )
        memories.mark(db, session_id, "failed")
        return "failed"
    logs.info(
        "memory ready",
        sessionId=session_id,
        userId=session.user_id,
        model=model,
        latencyMs=round((time.monotonic() - started) * 1000, 1),
    )
    return "ready"


def republish_pending(*, older_than_seconds: float = 120.0, limit: int = 100) -> list[str]:
    """Publish `session.ended` again for sessions still `pending` a while after they ended."""
    from google.cloud.firestore import FieldFilter

    cutoff = utcnow() - timedelta(seconds=older_than_seconds)
    query = (
        firestore_client()
        .collection(SESSIONS)
        .where(filter=FieldFilter("memoryStatus", "==", "pending"))
        .where(filter=FieldFilter("endedAt", "<", cutoff))
        .limit(limit)
    )
    stuck = [from_document(Session, d.to_dict(), id=d.id) for d in query.get()]
    for session in stuck:
        announce_ended(session)
    return [s.id for s in stuck]


def search(*, user_id: str, query: str, limit: int) -> list[MemoryHit]:
    """Hybrid search over the user's own memory items, one hit per session, best first."""
    return search_sessions(firestore_client(), user_id=user_id, query=query, limit=limit)


class FirestoreMemoryRecall(MemoryRecall):
    """Nearest memories to the opening message, else the last summaries; raw turns for a pending one."""

    def __init__(self, *, db: Any, settings: Settings) -> None:
        self.db = db
        self.settings = settings

    def recall(self, *, session: Session, opening: str) -> list[str]:
        try:
            return self._recall(session, opening)
        except Exception as exc:  # remembering is a nicety: the reply goes on without it
            logs.warning("memory recall failed", sessionId=session.id, errorType=type(exc).__name__)
            return []

    def _recall(self, session: Session, opening: str) -> list[str]:
        avatars = load_avatars(self.settings.avatars_file)
        previous = memories.previous_sessions(
            self.db, user_id=session.user_id, before=session, limit=RECALL_LIMIT
        )
        if not previous:
            return []
        lines: list[str] = []
        latest = previous[0]
        if latest.memory_status != "ready":
            store = FirestoreMessageStore(db=self.db, settings=self.settings)
            turns = store.last_messages(latest.id, 12)
            name = resolve_avatar(avatars, latest.avatar).name
            if (
                line := raw_turns_line(messages=turns, ended_at=latest.ended_at, avatar_name=name)
            ) is not None:
                lines.append(line)
        hits: list[MemoryHit] = []
        if opening.strip():
            hits = search(user_id=session.user_id, query=opening, limit=RECALL_LIMIT)
        if hits:
            for hit in hits:
                name = resolve_avatar(avatars, hit.avatar).name
                lines.append(
                    match_line(
                        summary=hit.summary,
                        snippet=hit.snippet or "",
                        when=hit.session_date or hit.session_ended_at,
                        avatar_name=name,
                    )
                )
            return lines
        for past in previous:
            if past.memory_status == "ready" and past.summary:
                name = resolve_avatar(avatars, past.avatar).name
                line = summary_line(
                    summary=past.summary, next_steps=past.next_steps, ended_at=past.ended_at, avatar_name=name
                )
                lines.append(line)
        return lines

    def keep(self, *, session_id: str, lines: list[str]) -> None:
        from google.api_core.exceptions import NotFound

        with contextlib.suppress(NotFound):
            self.db.collection(SESSIONS).document(session_id).update({"recalledMemory": lines})
