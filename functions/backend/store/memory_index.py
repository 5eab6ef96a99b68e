"""The memory retrieval engine on Firestore: indexing an ended session's items, searching them for
`GET /user/memories` and for a returning user's recall.

Cost per search: the engine's <= 58 documents (shared/memory/retrieval/engine.py) with LEXICAL_LIMIT and
DENSE_LIMIT as set there, plus one `memories/{sessionId}` read per returned session (its summary), i.e.
<= 63 for the default limit of 5. Per ended session: see backend/store/memory_items.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from backend import logs
from backend.store.documents import from_document
from backend.store.memory_items import FirestoreItemStore
from shared.clock import utcnow
from shared.memory.embedding import Embedder
from shared.memory.retrieval.engine import RetrievalEngine, SessionMatch
from shared.memory.retrieval.facts import Fact, FactExtractor, session_items
from shared.memory.retrieval.items import Turn
from shared.models.memory import MEMORIES, MemoryDocument, MemoryHit
from shared.models.messages import Message
from shared.models.sessions import Session


def engine(db: Any, embedder: Embedder) -> RetrievalEngine:
    return RetrievalEngine(store=FirestoreItemStore(db=db), embedder=embedder)


def turns(messages: Sequence[Message]) -> list[Turn]:
    """What was said, in order: failed and system messages are not memories."""
    return [
        Turn(m.speaker, m.content)
        for m in messages
        if m.content.strip() and m.status != "failed" and m.type != "system"
    ]


def index_session(
    db: Any,
    *,
    session: Session,
    messages: Sequence[Message],
    digest: str,
    embedder: Embedder,
    extractor: FactExtractor | None = None,
) -> int:
    """Write the session's items (idempotent: the same digest writes nothing); answers how many.
    With an `extractor`, its facts are indexed after the windows; if it fails, the windows alone."""
    if not any(m.speaker != "ai" and m.content.strip() for m in messages):
        return 0
    said = turns(messages)
    facts: list[Fact] = []
    if extractor is not None:
        try:
            facts = extractor.extract(said)
        except Exception as exc:
            logs.warning(
                "fact extraction failed; windows only", sessionId=session.id, errorType=type(exc).__name__
            )
    items = session_items(
        user_id=session.user_id,
        session_id=session.id,
        date=session.started_at or session.created_at,
        turns=said,
        facts=facts,
    )
    return engine(db, embedder).index(items=items, digest=digest)


def search_sessions(db: Any, *, user_id: str, query: str, limit: int, embedder: Embedder) -> list[MemoryHit]:
    """The caller's past sessions best matching `query`, each with its best snippet and date; only
    sessions whose memory is written (items are written first, so "ready" means searchable)."""
    matches = engine(db, embedder).search(user_id=user_id, query=query, now=utcnow(), limit=limit)
    return hits(db, matches)


def hits(db: Any, matches: Sequence[SessionMatch]) -> list[MemoryHit]:
    refs = [db.collection(MEMORIES).document(m.session_id) for m in matches]
    summaries: dict[str, MemoryDocument] = {}
    for snapshot in db.get_all(refs) if refs else []:
        if snapshot.exists:
            data = snapshot.to_dict() or {}
            data.pop("embedding", None)
            summaries[snapshot.id] = from_document(MemoryDocument, data)
    # a session without its memory document (not written yet, failed, or just forgotten) is left out
    kept = [m for m in matches if m.session_id in summaries]
    top = kept[0].score if kept else 1.0
    found = []
    for match in kept:
        memory = summaries[match.session_id]
        found.append(
            MemoryHit(
                session_id=match.session_id,
                summary=memory.summary,
                score=round(match.score / top, 4) if top > 0 else 0.0,
                key_topics=memory.key_topics,
                detected_emotions=memory.detected_emotions,
                next_steps=memory.next_steps,
                avatar=memory.avatar,
                session_ended_at=memory.session_ended_at,
                model=memory.model,
                snippet=match.snippet,
                session_date=match.date,
            )
        )
    return found
