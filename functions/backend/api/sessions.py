"""`/api/v1/sessions...`: the session lifecycle (function `sessions_api`)."""

from __future__ import annotations

from backend.http.routing import API_PREFIX, Call, Route
from backend.services import session_service
from shared.errors import (
    Conflict,
    IdempotencyKeyReused,
    InsufficientCredits,
    InvalidStateTransition,
    NotFound,
)
from shared.models.base import EmptyRequest, Pagination
from shared.models.sessions import (
    ActiveSessionResponse,
    EndSessionRequest,
    HeartbeatResponse,
    ListSessionsQuery,
    SessionListResponse,
    SessionResponse,
    StartSessionRequest,
)
from shared.statuses import SessionAction

GROUP = "sessions"
BASE = f"{API_PREFIX}/sessions"


def start(call: Call) -> SessionResponse:
    session = session_service().start(user_id=call.uid, request=call.body, idempotency=call.idempotency)
    return SessionResponse(session=session)


def active(call: Call) -> ActiveSessionResponse:
    return ActiveSessionResponse(session=session_service().get_live(user_id=call.uid))


def list_sessions(call: Call) -> SessionListResponse:
    query: ListSessionsQuery = call.query
    found = session_service().list(user_id=call.uid, query=query)
    return SessionListResponse(
        sessions=found.sessions,
        pagination=Pagination.of(page=query.page, limit=query.limit, total=found.total),
    )


def get_one(call: Call) -> SessionResponse:
    session = session_service().get(user_id=call.uid, session_id=call.params["sessionId"])
    return SessionResponse(session=session)


def end(call: Call) -> SessionResponse:
    body: EndSessionRequest = call.body
    session = session_service().act(
        user_id=call.uid,
        session_id=call.params["sessionId"],
        action=SessionAction.END,
        reason=body.reason,
        user_rating=body.user_rating,
        idempotency=call.idempotency,
    )
    return SessionResponse(session=session)


def _action(action: SessionAction) -> Route:
    def handler(call: Call) -> SessionResponse:
        session = session_service().act(
            user_id=call.uid,
            session_id=call.params["sessionId"],
            action=action,
            idempotency=call.idempotency,
        )
        return SessionResponse(session=session)

    return Route(
        "POST",
        f"{BASE}/{{sessionId}}/{action.value}",
        handler,
        f"{action.value.capitalize()} a session",
        GROUP,
        SessionResponse,
        body=EmptyRequest,
        idempotent=True,
        errors=(NotFound, InvalidStateTransition, IdempotencyKeyReused),
    )


def heartbeat(call: Call) -> HeartbeatResponse:
    session_id = call.params["sessionId"]
    seen = session_service().heartbeat(user_id=call.uid, session_id=session_id)
    return HeartbeatResponse(session_id=session_id, last_seen_at=seen)


ROUTES: tuple[Route, ...] = (
    Route(
        "POST",
        f"{BASE}/start",
        start,
        "Start an instant session",
        GROUP,
        SessionResponse,
        body=StartSessionRequest,
        status=201,
        idempotent=True,
        errors=(InsufficientCredits, Conflict, IdempotencyKeyReused),
    ),
    Route("GET", f"{BASE}/active", active, "The caller's live session, if any", GROUP, ActiveSessionResponse),
    Route(
        "GET",
        BASE,
        list_sessions,
        "The caller's sessions, newest first",
        GROUP,
        SessionListResponse,
        query=ListSessionsQuery,
    ),
    Route("GET", f"{BASE}/{{sessionId}}", get_one, "One session", GROUP, SessionResponse, errors=(NotFound,)),
    Route(
        "POST",
        f"{BASE}/{{sessionId}}/end",
        end,
        "End a session",
        GROUP,
        SessionResponse,
        body=EndSessionRequest,
        idempotent=True,
        errors=(NotFound, InvalidStateTransition, IdempotencyKeyReused),
    ),
    _action(SessionAction.PAUSE),
    _action(SessionAction.RESUME),
    _action(SessionAction.CANCEL),
    Route(
        "POST",
        f"{BASE}/{{sessionId}}/heartbeat",
        heartbeat,
        "Mark the client as present",
        GROUP,
        HeartbeatResponse,
        body=EmptyRequest,
        errors=(NotFound, InvalidStateTransition),
    ),
)
