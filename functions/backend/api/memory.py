"""Memory across sessions: a session's summary (`sessions_api`) and search over the caller's own past
sessions (`users_api`)."""

from __future__ import annotations

from backend.api.acting import session_owner
from backend.http.routing import API_PREFIX, Call, Response, Route
from backend.wiring import memory_search, session_service
from shared.errors import InvalidStateTransition, NotFound
from shared.models.memory import (
    MemorySearchQuery,
    MemorySearchResponse,
    SessionSummary,
    SessionSummaryResponse,
)
from shared.sessions.statuses import LIVE


def summary(call: Call) -> SessionSummaryResponse | Response:
    """200 with the summary once ready; 202 while the memory is being written; 409 while live."""
    session = session_service().get(user_id=session_owner(call), session_id=call.params["sessionId"])
    if session.status in LIVE:
        raise InvalidStateTransition(
            "The session has not ended yet; its summary is written when it ends.",
            details={"status": session.status.value},
        )
    if session.memory_status is None:
        raise NotFound("This session has no memory: it never ran, or memory was off when it ended.")
    if session.memory_status == "pending":
        pending = SessionSummaryResponse(memory_status="pending", summary=None)
        return Response(body=pending.wire(), status=202, headers={"Retry-After": "1"})
    if session.memory_status == "failed":
        return SessionSummaryResponse(memory_status="failed", summary=None)
    return SessionSummaryResponse(
        memory_status="ready",
        summary=SessionSummary(
            summary=session.summary or "",
            key_topics=session.key_topics,
            detected_emotions=session.detected_emotions,
            next_steps=session.next_steps,
            model=session.memory_model or "unknown",
        ),
    )


def search(call: Call) -> MemorySearchResponse:

    query: MemorySearchQuery = call.query
    return MemorySearchResponse(
        memories=memory_search().search(user_id=call.uid, query=query.query, limit=query.limit)
    )


ROUTES: tuple[Route, ...] = (
    Route(
        "GET",
        f"{API_PREFIX}/sessions/{{sessionId}}/summary",
        summary,
        "The session's memory: summary, key topics, emotions, next steps and model (202 while pending)",
        "sessions",
        SessionSummaryResponse,
        errors=(NotFound, InvalidStateTransition),
    ),
    Route(
        "GET",
        f"{API_PREFIX}/user/memories",
        search,
        "Semantic search over the caller's own past sessions, best first",
        "users",
        MemorySearchResponse,
        query=MemorySearchQuery,
    ),
)
