"""User documents and the user, avatar and health bodies."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from shared.models.base import ApiModel
from shared.models.safety import TrustedContact


class Credits(ApiModel):
    remaining: int
    used: int = 0


class UserDocument(ApiModel):
    """The `users/{uid}` document."""

    credits: Credits
    live_session_ids: list[str] = Field(default_factory=list)
    trusted_contacts: list[TrustedContact] = Field(default_factory=list)
    # The app's FCM registration token for this user; reminders are pushed to it when set.
    fcm_token: str | None = None
    # Sessions started so far (instant or scheduled): a returning user has at least one.
    sessions_started: int = 0
    # Set for users an app identifies by email (start with userEmail/userName from a trusted server).
    email: str | None = None
    display_name: str | None = None
    # The user's memory preference (`PUT /user/preferences`): off, nothing is remembered across sessions.
    memory_enabled: bool = True
    # Set by the app's trusted server through the admin API (never by the user): a minor gets break
    # reminders with the AI notices (docs/safety.md, companion-chatbot notices).
    minor: bool = False
    created_at: datetime
    updated_at: datetime


class MinorFlagRequest(ApiModel):
    minor: bool


class MinorFlagResponse(ApiModel):
    success: bool = True
    uid: str
    minor: bool


class PushTokenRequest(ApiModel):
    """The app's FCM registration token for this user (null removes it)."""

    fcm_token: Annotated[str, StringConstraints(min_length=1, max_length=4096)] | None


class PushTokenResponse(ApiModel):
    success: bool = True
    fcm_token: str | None


class CreditsResponse(ApiModel):
    success: bool = True
    credits: Credits


class Avatar(ApiModel):
    id: str
    name: str
    persona: str
    voice_style: str
    default_voice_id: str


class AvatarsResponse(ApiModel):
    success: bool = True
    avatars: list[Avatar]


HealthState = Literal["healthy", "degraded", "unhealthy"]


class HealthCheck(ApiModel):
    status: Literal["ok", "down", "offline_default"]
    latency_ms: float | None = None
    detail: str | None = None


class HealthResponse(ApiModel):
    success: bool = True
    status: HealthState
    checks: dict[str, HealthCheck]


def email_user_id(email: str) -> str:
    """The user id of an app user known only by email: derived, so that concurrent first sessions of
    one email find the same user instead of creating two."""
    import hashlib

    return "email-" + hashlib.sha256(email.strip().lower().encode()).hexdigest()[:28]
