"""When ephemeral documents expire (the `expiresAt` field Firestore TTL policies delete by)."""

from __future__ import annotations

from datetime import datetime, timedelta

from shared.settings import get_settings


def notification_expiry(created_at: datetime) -> datetime:
    """Notifications and the trusted-contact outbox live SESSIONS_NOTIFICATION_RETENTION_DAYS."""
    return created_at + timedelta(days=get_settings().notification_retention_days)
