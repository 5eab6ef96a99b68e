"""What a screening verdict does to a session: hysteresis, events, alerts, SAFETY_MODE pause.

Pure: adapters read the session in a transaction, call `escalate`, and write what it returns. The
level never drops by itself; only `clear` (an admin, with a note) lowers it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from shared.models.safety import CrisisAlert, CrisisResources
from shared.models.sessions import Session, SessionEvent
from shared.safety.levels import SafetyLevel, highest
from shared.sessions.statuses import SessionStatus

PUBLISH_FROM = SafetyLevel.ELEVATED_CONCERN
ALERT_FROM = SafetyLevel.HIGH_RISK


def alert_id_for(session_id: str, message_id: str) -> str:
    return hashlib.sha256(f"{session_id}\n{message_id}".encode()).hexdigest()[:24]


@dataclass(frozen=True)
class Escalation:
    session: Session
    events: list[SessionEvent]
    alert: CrisisAlert | None
    paused: bool


def escalate(
    *,
    session: Session,
    level: SafetyLevel,
    signals: list[str],
    message_id: str,
    source: str,
    now: datetime,
    resources: CrisisResources,
    message_created_at: datetime | None = None,
) -> Escalation | None:
    """Raise the session to `level` if that is higher than where it is; None when nothing changes.

    A verdict on a message written before the session's last admin clear changes nothing: the admin
    dealt with it, and a late or redelivered assessment must not undo the clear."""
    if predates_clear(session, message_created_at):
        return None
    current = session.safety_state
    target = highest(current, level)
    if target == current:
        return None
    update: dict[str, object] = {
        "safety_state": target,
        "highest_safety_state": highest(session.highest_safety_state, target),
        "safety_events_count": session.safety_events_count + 1,
        "updated_at": now,
    }
    events = [
        SessionEvent(
            type="safety.level_changed",
            at=now,
            actor=f"safety:{source}",
            data={
                "from": current.value,
                "to": target.value,
                "messageId": message_id,
                "signals": ",".join(signals),
            },
        )
    ]
    alert = None
    if target.at_least(ALERT_FROM):
        update["crisis_alert_triggered"] = True
        update["crisis_resources"] = resources
        alert = CrisisAlert(
            id=alert_id_for(session.id, message_id),
            user_id=session.user_id,
            session_id=session.id,
            message_id=message_id,
            level=target.value,
            signals=signals,
            source=source,
            created_at=now,
            updated_at=now,
        )
    paused = target is SafetyLevel.SAFETY_MODE and session.status is SessionStatus.ACTIVE
    if paused:
        update["status"] = SessionStatus.PAUSED
        update["paused_at"] = now
        events.append(
            SessionEvent(
                type="session.paused",
                at=now,
                actor="safety",
                from_status=SessionStatus.ACTIVE,
                to_status=SessionStatus.PAUSED,
                data={"reason": "safety_mode"},
            )
        )
    return Escalation(session=session.model_copy(update=update), events=events, alert=alert, paused=paused)


def predates_clear(session: Session, message_created_at: datetime | None) -> bool:
    cleared = session.safety_cleared_at
    return cleared is not None and message_created_at is not None and message_created_at <= cleared


def clear(*, session: Session, admin_uid: str, note: str, now: datetime) -> tuple[Session, SessionEvent]:
    """An admin lowers the session's current level to NORMAL (the highest level stays on record)."""
    event = SessionEvent(
        type="safety.cleared",
        at=now,
        actor=admin_uid,
        data={"from": session.safety_state.value, "to": SafetyLevel.NORMAL.value, "note": note},
    )
    updated = session.model_copy(
        update={
            "safety_state": SafetyLevel.NORMAL,
            "safety_events_count": session.safety_events_count + 1,
            "safety_cleared_at": now,
            "updated_at": now,
        }
    )
    return updated, event
