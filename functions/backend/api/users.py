"""`/api/v1/user/...`: the caller's own account (function `users_api`)."""

from __future__ import annotations

from backend import logs
from backend.http.routing import API_PREFIX, Call, Route
from backend.wiring import accounts, session_service
from shared.clock import utcnow
from shared.errors import Conflict
from shared.models.userdata import (
    EraseResponse,
    LiveSessionsResponse,
    UserExportResponse,
    UserProfileResponse,
    UserStateRequest,
    UserStateResponse,
)
from shared.models.users import CreditsResponse, PushTokenRequest, PushTokenResponse

GROUP = "users"


def credits(call: Call) -> CreditsResponse:
    return CreditsResponse(credits=session_service().credits(user_id=call.uid))


def put_push_token(call: Call) -> PushTokenResponse:
    """The app registers its FCM token here; reminders, and crisis notices for the people whose
    invitation this user accepted, are pushed to it (never to a token someone else supplied)."""
    body: PushTokenRequest = call.body
    user = accounts().set_fcm_token(call.uid, body.fcm_token)
    return PushTokenResponse(fcm_token=user.fcm_token)


def get_state(call: Call) -> UserStateResponse:
    return UserStateResponse(state=accounts().state(call.uid))


def put_state(call: Call) -> UserStateResponse:
    """Replace the caller's whole state (a field left out is cleared)."""
    return UserStateResponse(state=accounts().replace_state(call.uid, call.body))


def get_profile(call: Call) -> UserProfileResponse:
    return accounts().profile(call.uid)


def get_live_sessions(call: Call) -> LiveSessionsResponse:
    return LiveSessionsResponse(sessions=accounts().live_sessions(call.uid))


def export_data(call: Call) -> UserExportResponse:

    return UserExportResponse(export=accounts().export(call.uid), exported_at=utcnow())


def erase_data(call: Call) -> EraseResponse:
    """GDPR erase (docs/data-model.md). Idempotent by itself: a repeat finds nothing and answers zeros.
    An Idempotency-Key is accepted but no record of it is kept (it would be data about the user)."""

    deleted, alerts, contact_alerts = accounts().erase(call.uid)
    logs.info("user data erased", userId=call.uid, documents=deleted.total(), anonymisedAlerts=alerts)
    return EraseResponse(deleted=deleted, anonymised_alerts=alerts, anonymised_contact_alerts=contact_alerts)


ROUTES: tuple[Route, ...] = (
    Route(
        "GET", f"{API_PREFIX}/user/credits", credits, "The caller's credit balance", GROUP, CreditsResponse
    ),
    Route(
        "PUT",
        f"{API_PREFIX}/user/push-token",
        put_push_token,
        "Set (or with null remove) the app's FCM token for reminders",
        GROUP,
        PushTokenResponse,
        body=PushTokenRequest,
    ),
    Route(
        "GET",
        f"{API_PREFIX}/user/state",
        get_state,
        "The caller's app state (defaults when never set)",
        GROUP,
        UserStateResponse,
    ),
    Route(
        "PUT",
        f"{API_PREFIX}/user/state",
        put_state,
        "Replace the caller's app state (fields left out are cleared)",
        GROUP,
        UserStateResponse,
        body=UserStateRequest,
    ),
    Route(
        "GET",
        f"{API_PREFIX}/user/profile",
        get_profile,
        "The caller's last 100 messages across their 20 newest sessions, and preferences",
        GROUP,
        UserProfileResponse,
    ),
    Route(
        "GET",
        f"{API_PREFIX}/user/sessions/active",
        get_live_sessions,
        "All of the caller's live (active or paused) sessions",
        GROUP,
        LiveSessionsResponse,
    ),
    Route(
        "GET",
        f"{API_PREFIX}/user/export",
        export_data,
        "Everything of the caller as JSON (bounded)",
        GROUP,
        UserExportResponse,
    ),
    Route(
        "DELETE",
        f"{API_PREFIX}/user/data",
        erase_data,
        "Erase all of the caller's data (409 while a session is live); the account stays",
        GROUP,
        EraseResponse,
        idempotent=True,
        errors=(Conflict,),
    ),
)
