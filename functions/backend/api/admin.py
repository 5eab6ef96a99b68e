"""`/api/v1/admin/...`: operator endpoints, for users with the `admin: true` claim (function `admin_api`)."""

from __future__ import annotations

from backend.clients import firestore_client
from backend.http.routing import API_PREFIX, Call, Route
from backend.services import session_service
from backend.store import safety
from shared.errors import InvalidStateTransition, NotFound
from shared.models.base import EmptyRequest, Pagination
from shared.models.safety import (
    AlertListQuery,
    AlertListResponse,
    AlertResponse,
    NoteRequest,
    ReferralReport,
    ReferralReportQuery,
)
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


def list_alerts(call: Call) -> AlertListResponse:
    query: AlertListQuery = call.query
    return AlertListResponse(
        alerts=safety.list_alerts(firestore_client(), status=query.status, limit=query.limit)
    )


def acknowledge(call: Call) -> AlertResponse:
    return AlertResponse(
        alert=safety.acknowledge_alert(firestore_client(), call.params["alertId"], admin_uid=call.uid)
    )


def resolve(call: Call) -> AlertResponse:
    alert = safety.resolve_alert(
        firestore_client(), call.params["alertId"], admin_uid=call.uid, note=call.body.note
    )
    return AlertResponse(alert=alert)


def clear_safety(call: Call) -> SessionResponse:
    session = safety.clear_session_safety(
        firestore_client(), call.params["sessionId"], admin_uid=call.uid, note=call.body.note
    )
    return SessionResponse(session=session)


def referrals(call: Call) -> ReferralReport:
    year = call.query.year
    return ReferralReport(year=year, **safety.referral_counts(firestore_client(), year))


ALERTS = f"{API_PREFIX}/admin/crisis-alerts"

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
    Route(
        "GET",
        ALERTS,
        list_alerts,
        "Crisis alerts, newest first",
        GROUP,
        AlertListResponse,
        query=AlertListQuery,
        access="admin",
    ),
    Route(
        "POST",
        f"{ALERTS}/{{alertId}}/acknowledge",
        acknowledge,
        "Acknowledge a crisis alert",
        GROUP,
        AlertResponse,
        body=EmptyRequest,
        access="admin",
        errors=(NotFound, InvalidStateTransition),
    ),
    Route(
        "POST",
        f"{ALERTS}/{{alertId}}/resolve",
        resolve,
        "Resolve a crisis alert with a note",
        GROUP,
        AlertResponse,
        body=NoteRequest,
        access="admin",
        errors=(NotFound, InvalidStateTransition),
    ),
    Route(
        "POST",
        f"{API_PREFIX}/admin/sessions/{{sessionId}}/clear-safety",
        clear_safety,
        "Clear a session's current safety level (the highest level stays on record)",
        GROUP,
        SessionResponse,
        body=NoteRequest,
        access="admin",
        errors=(NotFound,),
    ),
    Route(
        "GET",
        f"{API_PREFIX}/admin/reports/crisis-referrals",
        referrals,
        "Yearly crisis-referral counts (no personal data)",
        GROUP,
        ReferralReport,
        query=ReferralReportQuery,
        access="admin",
    ),
)
