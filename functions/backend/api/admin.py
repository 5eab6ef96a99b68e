"""`/api/v1/admin/...`: operator endpoints, for users with the `admin: true` claim (function `admin_api`)."""

from __future__ import annotations

from backend.http.routing import API_PREFIX, Call, Route
from backend.services import session_service
from shared.errors import NotFound
from shared.models.base import Pagination
from shared.models.sessions import ListSessionsQuery, SessionListResponse, SessionResponse

GROUP = "admin"


def list_all(call: Call) -> SessionListResponse:
    query: ListSessionsQuery = call.query
    found = session_service().list(user_id=None, query=query)
    return SessionListResponse(
        sessions=found.sessions,
        pagination=Pagination.of(page=query.page, limit=query.limit, total=found.total),
    )


def get_any(call: Call) -> SessionResponse:
    session = session_service().get(user_id=call.uid, session_id=call.params["sessionId"], is_admin=True)
    return SessionResponse(session=session)


ROUTES: tuple[Route, ...] = (
    Route(
        "GET",
        f"{API_PREFIX}/admin/sessions",
        list_all,
        "Every user's sessions, newest first",
        GROUP,
        SessionListResponse,
        query=ListSessionsQuery,
        access="admin",
    ),
    Route(
        "GET",
        f"{API_PREFIX}/admin/sessions/{{sessionId}}",
        get_any,
        "Any session",
        GROUP,
        SessionResponse,
        access="admin",
        errors=(NotFound,),
    ),
)
