"""`/api/v1/user/...`: the caller's own account (function `users_api`)."""

from __future__ import annotations

from backend.clients import firestore_client
from backend.http.routing import API_PREFIX, Call, Route
from backend.services import session_service
from backend.store.users import set_fcm_token
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
from shared.settings import get_settings

GROUP = "users"


def credits(call: Call) -> CreditsResponse:
    return CreditsResponse(credits=session_service().credits(user_id=call.uid))


def put_push_token(call: Call) -> PushTokenResponse:
    """The app registers its FCM token here; reminders, and crisis notices for the people whose
    invitation this user accepted, are pushed to it (never to a token someone else supplied)."""
    body: PushTokenRequest = call.body
    user = set_fcm_token(firestore_client(), call.uid, body.fcm_token, get_settings())
    return PushTokenResponse(fcm_token=user.fcm_token)


def get_state(call: Call) -> UserStateResponse:
    from backend.store.userdata import read_state

    return UserStateResponse(state=read_state(firestore_client(), call.uid))


def put_state(call: Call) -> UserStateResponse:
    """Replace the caller's whole state (a field left out is cleared)."""
    from backend.store.userdata import replace_state

    return UserStateResponse(state=replace_state(firestore_client(), call.uid, call.body))


def get_profile(call: Call) -> UserProfileResponse:
    from backend.store.userdata import profile

    return profile(firestore_client(), call.uid)


def get_live_sessions(call: Call) -> LiveSessionsResponse:
    from backend.store.userdata import live_sessions

    return LiveSessionsResponse(sessions=live_sessions(firestore_client(), call.uid))


def export_data(call: Call) -> UserExportResponse:
    from backend.store.userdata import export_user
    from shared.clock import utcnow

    return UserExportResponse(export=export_user(firestore_client(), call.uid), exported_at=utcnow())


def erase_data(call: Call) -> EraseResponse:
    """GDPR erase (docs/data-model.md). Idempotent by itself: a repeat finds nothing and answers zeros.
    An Idempotency-Key is accepted but no record of it is kept (it would be data about the user)."""
    from backend import logs
    from backend.store.erasure import erase_user

    deleted, alerts, contact_alerts = erase_user(firestore_client(), call.uid)
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
