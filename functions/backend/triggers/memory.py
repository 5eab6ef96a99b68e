"""The `session_memory` function: `session.ended` → `memories/{sessionId}`.

Ending a live session sets `memoryStatus: pending` in the same commit and then publishes `session.ended`
(backend/cloud/events.py). `write_memory` summarises the transcript and embeds the summary; a redelivered
event finds the same content hash and writes nothing. If publishing fails, the session stays `pending`
and the sweep publishes it again (backend/triggers/sweeps.py). Recall and search: backend/store/recall.py.
"""

from __future__ import annotations

import time

from backend import logs, wiring
from backend.store import memories
from backend.store.memory_index import index_session
from backend.store.preferences import forget_pending, memory_enabled
from shared.memory.embedding import Embedder
from shared.memory.summarize import ExtractiveSummarizer, SessionMemoryDraft, Summarizer
from shared.models.messages import Message
from shared.sessions.statuses import TERMINAL
from shared.settings import get_settings


def _models() -> tuple[Summarizer, Embedder]:
    return wiring.summarizer(), wiring.embedder()


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
    db = wiring.db()
    settings = get_settings()
    started = time.monotonic()
    store = wiring.message_store()
    session = store.load_session(session_id)
    if session is None:
        logs.info("memory for a deleted session skipped", sessionId=session_id)
        return None
    if session.status not in TERMINAL or session.started_at is None:
        return session.memory_status  # not ended (or never started): nothing to remember
    if session.memory_status == "pending" and not memory_enabled(db, session.user_id):
        forget_pending(db, session_id)
        logs.info("memory off: nothing written", sessionId=session_id, userId=session.user_id)
        return None
    messages = store.all_messages(session_id, cap=settings.memory_max_messages)
    summarizer, embedder = _models()
    digest = memories.content_hash(messages, summarizer.model, embedder.model)
    if session.memory_status == "ready" and memories.stored_hash(db, session_id) in (digest, None):
        logs.info("memory already written", sessionId=session_id, userId=session.user_id)
        return "ready"
    try:
        draft, model, vector, used = _draft(messages, summarizer, embedder, session_id)
        index_session(
            db,
            session=session,
            messages=messages,
            digest=digest,
            embedder=used,
            extractor=wiring.fact_extractor(),
        )
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
