"""`/api/v1/user/preferences`: what the caller lets the backend do with their data (function `users_api`)."""

from __future__ import annotations

from backend import logs
from backend.http.routing import API_PREFIX, Call, Route
from backend.wiring import user_preferences
from shared.models.preferences import UserPreferences, UserPreferencesRequest, UserPreferencesResponse

GROUP = "users"
PREFERENCES = f"{API_PREFIX}/user/preferences"


def get_preferences(call: Call) -> UserPreferencesResponse:
    return UserPreferencesResponse(preferences=user_preferences().get(call.uid))


def put_preferences(call: Call) -> UserPreferencesResponse:
    """Replace the caller's preferences. Memory off applies to sessions that end from now on and to
    the next replies; what is already remembered stays until deleted (`DELETE /user/memories/{id}`)."""
    body: UserPreferencesRequest = call.body
    stored = user_preferences().put(call.uid, UserPreferences(memory_enabled=body.memory_enabled))
    logs.info("preferences set", userId=call.uid, memoryEnabled=stored.memory_enabled)
    return UserPreferencesResponse(preferences=stored)


ROUTES: tuple[Route, ...] = (
    Route("GET", PREFERENCES, get_preferences, "The caller's preferences", GROUP, UserPreferencesResponse),
    Route(
        "PUT",
        PREFERENCES,
        put_preferences,
        "Set the caller's preferences (memoryEnabled: false = nothing remembered across sessions)",
        GROUP,
        UserPreferencesResponse,
        body=UserPreferencesRequest,
    ),
)
