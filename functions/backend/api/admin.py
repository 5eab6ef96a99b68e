"""`/api/v1/admin/...`: operator endpoints, for users with the `admin: true` claim (function `admin_api`)."""

from __future__ import annotations

from backend import logs
from backend.cloud.accounts import ensure_account_exists
from backend.http.routing import API_PREFIX, Call, Response, Route
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
from shared.models.users import Credits, MinorFlagRequest, MinorFlagResponse

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


def referrals(call: Call) -> ReferralReport | Response:
    """JSON by default; `?format=csv` for a filing (the same counts, one `metric,key,count` row each)."""
    query: ReferralReportQuery = call.query
    report = crisis_alerts().referral_report(query.year)
    if query.format != "csv":
        return report
    from shared.safety.report import report_csv

    return Response(
        body=report_csv(report),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="crisis-referrals-{query.year}.csv"'},
    )


def set_minor(call: Call) -> MinorFlagResponse:
    """The app's trusted server marks a user as a minor (or not): only an admin token can, never the user,
    because the flag adds break reminders the law requires for minors (docs/safety.md)."""
    uid = call.params["userId"]
    body: MinorFlagRequest = call.body
    if not accounts().has_user_document(uid):
        ensure_account_exists(uid)  # a user known by e-mail has a document; anyone else needs an account
    user = accounts().set_minor(uid, body.minor)
    logs.info("minor flag set", userId=uid, minor=user.minor, adminUid=call.uid)
    return MinorFlagResponse(uid=uid, minor=user.minor)


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
        "Yearly crisis-referral counts from the referral records, by level and month (no personal data); ?format=csv",
        GROUP,
        ReferralReport,
        query=ReferralReportQuery,
        access="admin",
        alternate_media=("text/csv",),
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
        "PUT",
        f"{API_PREFIX}/admin/users/{{userId}}/minor",
        set_minor,
        "Mark a user as a minor (break reminders with the AI notices); admin or trusted server only; 404 for unknown users",
        GROUP,
        MinorFlagResponse,
        body=MinorFlagRequest,
        access="admin",
        errors=(NotFound,),
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
