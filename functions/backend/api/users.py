"""`/api/v1/user/...`: the caller's own account (function `users_api`)."""

from __future__ import annotations

from backend.clients import firestore_client
from backend.http.routing import API_PREFIX, Call, Route
from backend.services import session_service
from backend.store.users import read_user, replace_trusted_contacts, set_fcm_token
from shared.models.safety import TrustedContactsRequest, TrustedContactsResponse
from shared.models.users import CreditsResponse, PushTokenRequest, PushTokenResponse
from shared.settings import get_settings

GROUP = "users"


def credits(call: Call) -> CreditsResponse:
    return CreditsResponse(credits=session_service().credits(user_id=call.uid))


def get_contacts(call: Call) -> TrustedContactsResponse:
    user = read_user(firestore_client(), call.uid, get_settings())
    return TrustedContactsResponse(contacts=user.trusted_contacts)


def put_contacts(call: Call) -> TrustedContactsResponse:
    """Replace the caller's trusted contacts (told, without any content, when a crisis alert is raised)."""
    body: TrustedContactsRequest = call.body
    user = replace_trusted_contacts(firestore_client(), call.uid, body.contacts, get_settings())
    return TrustedContactsResponse(contacts=user.trusted_contacts)


def put_push_token(call: Call) -> PushTokenResponse:
    """The app registers its FCM token here; scheduled-session reminders are pushed to it."""
    body: PushTokenRequest = call.body
    user = set_fcm_token(firestore_client(), call.uid, body.fcm_token, get_settings())
    return PushTokenResponse(fcm_token=user.fcm_token)


ROUTES: tuple[Route, ...] = (
    Route(
        "GET", f"{API_PREFIX}/user/credits", credits, "The caller's credit balance", GROUP, CreditsResponse
    ),
    Route(
        "GET",
        f"{API_PREFIX}/user/trusted-contacts",
        get_contacts,
        "The caller's trusted contacts",
        GROUP,
        TrustedContactsResponse,
    ),
    Route(
        "PUT",
        f"{API_PREFIX}/user/trusted-contacts",
        put_contacts,
        "Replace the caller's trusted contacts (at most 5)",
        GROUP,
        TrustedContactsResponse,
        body=TrustedContactsRequest,
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
)
