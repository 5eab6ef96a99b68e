"""`/api/v1/user/...`: the caller's own account (function `users_api`)."""

from __future__ import annotations

from backend.http.routing import API_PREFIX, Call, Route
from backend.services import session_service
from shared.models.users import CreditsResponse

GROUP = "users"


def credits(call: Call) -> CreditsResponse:
    return CreditsResponse(credits=session_service().credits(user_id=call.uid))


ROUTES: tuple[Route, ...] = (
    Route(
        "GET", f"{API_PREFIX}/user/credits", credits, "The caller's credit balance", GROUP, CreditsResponse
    ),
)
