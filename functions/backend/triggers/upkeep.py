"""Scheduled upkeep: transcript retention and the unacknowledged-crisis-alert watch.

Both are safe under redelivery and overlap (Cloud Scheduler delivers at least once): the purge only
deletes what is already past the cutoff, so a second run finds nothing left to delete; the watch only
reads and logs, so a repeat logs the same alerts again and changes no document.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from backend import logs, wiring
from shared.settings import get_settings

UNACKNOWLEDGED_AFTER = timedelta(minutes=5)
CRISIS_ALERTS = "crisisAlerts"


def purge_expired_transcripts() -> tuple[int, int]:
    """Delete messages of sessions ended over SESSIONS_TRANSCRIPT_RETENTION_DAYS ago (infra/retention.md)."""
    from backend.store.erasure import purge_transcripts

    days = get_settings().transcript_retention_days
    visited, deleted = purge_transcripts(wiring.db(), older_than_days=days)
    logs.info("transcript retention done", event="retention_purge", sessions=visited, documents=deleted)
    return visited, deleted


def log_unacknowledged_alerts(limit: int = 50) -> list[str]:
    """Log one ERROR per crisis alert still `active` five minutes after it was raised; returns their ids.

    The log-based metric `crisis_alert_unacknowledged` counts these lines and pages on-call. Ids only:
    never the message or who said it beyond the ids already in the alert.
    """
    from google.cloud.firestore import FieldFilter

    from shared.clock import utcnow

    cutoff = utcnow() - UNACKNOWLEDGED_AFTER
    query: Any = (
        wiring.db()
        .collection(CRISIS_ALERTS)
        .where(filter=FieldFilter("status", "==", "active"))
        .where(filter=FieldFilter("createdAt", "<=", cutoff))
        .order_by("createdAt")
        .limit(limit)
    )
    ids = []
    for alert in query.get():
        data = alert.to_dict() or {}
        ids.append(alert.id)
        logs.error(
            "crisis alert unacknowledged",
            event="crisis_alert_unacknowledged",
            alertId=alert.id,
            sessionId=data.get("sessionId"),
            level=data.get("level"),
        )
    return ids
