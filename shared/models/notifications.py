"""`users/{uid}/notifications/{id}`: what the app shows (and FCM pushes) outside a session."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from shared.models.base import ApiModel

NotificationType = Literal["session_reminder", "session_missed"]


class Notification(ApiModel):
    type: NotificationType
    title: str
    body: str
    session_id: str
    scheduled_at: datetime
    # Seconds before the scheduled time this reminder was planned for (None for `session_missed`).
    lead_seconds: int | None = None
    created_at: datetime
    read: bool = False
    # Firestore's TTL policy on `notifications` deletes the document after this (infra/retention.md).
    expires_at: datetime | None = None
