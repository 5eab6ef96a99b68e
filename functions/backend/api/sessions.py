"""`/api/v1/sessions...`: the session lifecycle (function `sessions_api`)."""

from __future__ import annotations

from backend.api.acting import session_owner, starting_user
from backend.http.routing import API_PREFIX, Call, Route
from backend.wiring import session_service
from shared.errors import (
    ApiError,
    Conflict,
    IdempotencyKeyReused,
    InsufficientCredits,
    InvalidStateTransition,
    NotFound,
    PermissionDenied,
)
from shared.models.base import EmptyRequest, Pagination
from shared.models.sessions import (
    ActiveSessionResponse,
    EndSessionRequest,
    HeartbeatResponse,
    ListSessionsQuery,
    RescheduleRequest,
    ScheduleSessionRequest,
    SessionListResponse,
    SessionResponse,
    StartSessionRequest,
    StartSessionResponse,
    UpcomingSessionsResponse,
)
from shared.sessions.statuses import SessionAction

GROUP = "sessions"
BASE = f"{API_PREFIX}/sessions"


def start(call: Call) -> StartSessionResponse:
    body: StartSessionRequest = call.body
    user_id = starting_user(call, body)
    session = session_service().start(user_id=user_id, request=body, idempotency=call.idempotency)
    return StartSessionResponse(
        status="returning_user" if session.returning_user else "created", session=session
    )


def schedule(call: Call) -> SessionResponse:
    session = session_service().schedule(user_id=call.uid, request=call.body, idempotency=call.idempotency)
    return SessionResponse(session=session)


def upcoming(call: Call) -> UpcomingSessionsResponse:
    return UpcomingSessionsResponse(sessions=session_service().upcoming(user_id=call.uid))


def reschedule(call: Call) -> SessionResponse:
    body: RescheduleRequest = call.body
    session = session_service().reschedule(
        user_id=call.uid,
        session_id=call.params["sessionId"],
        scheduled_at=body.scheduled_at,
        idempotency=call.idempotency,
    )
    return SessionResponse(session=session)


def active(call: Call) -> ActiveSessionResponse:
    from shared.clock import utcnow
    from shared.sessions.metering import active_seconds

    session = session_service().get_live(user_id=call.uid)
    if session is None:
        return ActiveSessionResponse(session=None)
    elapsed = round(active_seconds(session, utcnow()), 1)
    return ActiveSessionResponse(session=session, elapsed_time=elapsed)


def list_sessions(call: Call) -> SessionListResponse:
    query: ListSessionsQuery = call.query
    found = session_service().list(user_id=call.uid, query=query)
    return SessionListResponse(
        sessions=found.sessions,
        pagination=Pagination.of(page=query.page, limit=query.limit, total=found.total),
    )


def get_one(call: Call) -> SessionResponse:
    session = session_service().get(user_id=session_owner(call), session_id=call.params["sessionId"])
    return SessionResponse(session=session)


def end(call: Call) -> SessionResponse:
    body: EndSessionRequest = call.body
    session = session_service().act(
        user_id=session_owner(call),
        session_id=call.params["sessionId"],
        action=SessionAction.END,
        reason=body.reason,
        user_rating=body.user_rating,
        idempotency=call.idempotency,
    )
    return SessionResponse(session=session)


def _action(
    action: SessionAction, summary: str | None = None, errors: tuple[type[ApiError], ...] = ()
) -> Route:
    def handler(call: Call) -> SessionResponse:
        session = session_service().act(
            user_id=session_owner(call),
            session_id=call.params["sessionId"],
            action=action,
            idempotency=call.idempotency,
        )
        return SessionResponse(session=session)

    return Route(
        "POST",
        f"{BASE}/{{sessionId}}/{action.value}",
        handler,
        summary or f"{action.value.capitalize()} a session",
        GROUP,
        SessionResponse,
        body=EmptyRequest,
        idempotent=True,
        errors=(NotFound, InvalidStateTransition, IdempotencyKeyReused, *errors),
    )


def heartbeat(call: Call) -> HeartbeatResponse:
    session_id = call.params["sessionId"]
    seen = session_service().heartbeat(user_id=session_owner(call), session_id=session_id)
    return HeartbeatResponse(session_id=session_id, last_seen_at=seen)


ROUTES: tuple[Route, ...] = (
    Route(
        "POST",
        f"{BASE}/start",
        start,
        "Start an instant session",
        GROUP,
        StartSessionResponse,
        body=StartSessionRequest,
        status=201,
        idempotent=True,
        errors=(InsufficientCredits, Conflict, IdempotencyKeyReused, PermissionDenied),
    ),
    Route(
        "POST",
        f"{BASE}/schedule",
        schedule,
        "Schedule a session for later (pending, with reminders)",
        GROUP,
        SessionResponse,
        body=ScheduleSessionRequest,
        status=201,
        idempotent=True,
        errors=(IdempotencyKeyReused,),
    ),
    Route(
        "GET",
        f"{BASE}/upcoming",
        upcoming,
        "The caller's pending scheduled sessions, soonest first",
        GROUP,
        UpcomingSessionsResponse,
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
    _action(
        SessionAction.START,
        "Start a scheduled (pending) session",
        errors=(InsufficientCredits, Conflict),
    ),
    Route(
        "POST",
        f"{BASE}/{{sessionId}}/reschedule",
        reschedule,
        "Move a pending session to another time (its reminders move with it)",
        GROUP,
        SessionResponse,
        body=RescheduleRequest,
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
