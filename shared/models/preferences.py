"""The user's preferences the backend acts on: `GET`/`PUT /user/preferences`."""

from __future__ import annotations

from pydantic import Field, StrictBool

from shared.models.base import ApiModel


class UserPreferences(ApiModel):
    memory_enabled: bool = Field(
        default=True,
        description=(
            "Remember this user across sessions. Off: ended sessions write no memory (no summary, no memory "
            "items), and replies recall nothing, and memory search finds nothing, until it is on again."
        ),
    )


class UserPreferencesRequest(ApiModel):
    """`PUT /user/preferences`: every preference, as the user wants it now (a JSON boolean: "no", 0 or
    "false" are refused, not guessed)."""

    memory_enabled: StrictBool


class UserPreferencesResponse(ApiModel):
    success: bool = True
    preferences: UserPreferences
