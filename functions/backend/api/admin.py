"""`/api/v1/admin/...`: operator endpoints, for users with the `admin: true` claim (function `admin_api`)."""

from __future__ import annotations

from backend import logs
from backend.cloud.accounts import ensure_account_exists
from backend.http.routing import API_PREFIX, Call, Route
from backend.wiring import accounts, crisis_alerts, session_service
from shared.errors import (
    Conflict,
    IdempotencyKeyReused,
    InsufficientCredits,
    InvalidStateTransition,
    NotFound,
)
from shared.models.base import EmptyRequest, Pagination
from shared.models.credits import GrantCreditsRequest, GrantCreditsResponse
from shared.models.safety import (
    AlertListQuery,
    AlertListResponse,
    AlertResponse,
    NoteRequest,
    ReferralReport,
    ReferralReportQuery,
)
from shared.models.sessions import ListSessionsQuery, SessionListResponse, SessionResponse
from shared.models.userdata import AdminStatsResponse, EraseResponse
from shared.models.users import Credits

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
    return AlertListResponse(alerts=crisis_alerts().list(status=query.status, limit=query.limit))


def acknowledge(call: Call) -> AlertResponse:
    return AlertResponse(alert=crisis_alerts().acknowledge(call.params["alertId"], admin_uid=call.uid))


def resolve(call: Call) -> AlertResponse:
    alert = crisis_alerts().resolve(call.params["alertId"], admin_uid=call.uid, note=call.body.note)
    return AlertResponse(alert=alert)


def clear_safety(call: Call) -> SessionResponse:
    session = crisis_alerts().clear_session_safety(
        call.params["sessionId"], admin_uid=call.uid, note=call.body.note
    )
    return SessionResponse(session=session)


def referrals(call: Call) -> ReferralReport:
    year = call.query.year
    return ReferralReport(year=year, **crisis_alerts().referral_counts(year))


def stats(call: Call) -> AdminStatsResponse:
    """Usage counts from Firestore count aggregations (see backend.store.userdata.admin_stats)."""
    return accounts().stats()


def erase_user_data(call: Call) -> EraseResponse:
    """The same erase as `DELETE /user/data`, for users without an account of their own (apps that know
    them by email, through a trusted server) or on a request received by the operator."""

    user_id = call.params["userId"]
    deleted, alerts, contact_alerts = accounts().erase(user_id)
    logs.info("user data erased by admin", userId=user_id, adminId=call.uid, documents=deleted.total())
    return EraseResponse(deleted=deleted, anonymised_alerts=alerts, anonymised_contact_alerts=contact_alerts)


def grant(call: Call) -> GrantCreditsResponse:
    """Add (or, negative, remove) credits with a ledger entry; live sessions get their new end."""

    body: GrantCreditsRequest = call.body
    user_id = call.params["uid"]
    ensure_account_exists(user_id)
    before, after = accounts().grant_credits(
        user_id=user_id,
        delta=body.delta,
        reason=body.reason,
        actor=f"admin:{call.uid}",
        idempotency=call.idempotency,
        idempotency_owner=call.uid,
    )
    logs.info("credits granted", userId=user_id, delta=body.delta, admin=call.uid)
    used = session_service().credits(user_id=user_id).used
    return GrantCreditsResponse(
        user_id=user_id, before=before, after=after, credits=Credits(remaining=after, used=used)
    )


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
        "POST",
        f"{API_PREFIX}/admin/users/{{uid}}/credits",
        grant,
        "Grant (or remove) a user's credits, with a ledger entry",
        GROUP,
        GrantCreditsResponse,
        body=GrantCreditsRequest,
        access="admin",
        idempotent=True,
        errors=(NotFound, InsufficientCredits, IdempotencyKeyReused),
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
    Route(
        "GET",
        f"{API_PREFIX}/admin/stats",
        stats,
        "Live users, live sessions and user profiles (count aggregations)",
        GROUP,
        AdminStatsResponse,
        access="admin",
    ),
    Route(
        "DELETE",
        f"{API_PREFIX}/admin/users/{{userId}}/data",
        erase_user_data,
        "Erase everything of one user (409 while they have a live session)",
        GROUP,
        EraseResponse,
        access="admin",
        errors=(Conflict,),
    ),
)
