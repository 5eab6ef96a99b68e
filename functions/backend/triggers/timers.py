"""What the timer task functions and the idle sweep do (functions/main.py only hands requests here).

Every handler is idempotent and checks the session's current state first: a stale task (older timer
generation, other scheduledAt or revision, session no longer pending/active) does nothing.
"""

from __future__ import annotations

import time
from typing import Any

from backend import logs
from backend.cloud.clients import firestore_client
from backend.cloud.push import send_push
from backend.cloud.timers import (
    EARLY_WAIT_SECONDS,
    MISSED_FUNCTION,
    REMINDER_FUNCTION,
    SESSION_TIMER_FUNCTION,
    CloudTasksTimers,
    NotDueYet,
    wait_until_due,
)
from backend.store import metering, reminders
from shared.clock import utcnow
from shared.sessions.statuses import SessionStatus
from shared.settings import get_settings

# After sleeping to the due time, an instance whose clock runs a little behind may find the moment not
# quite reached; it looks again a few times before handing the task back to the queue.
_SETTLE_ATTEMPTS = 4


def session_timer(data: dict[str, Any]) -> None:
    """`end`: end the session at its planned duration or when its credits run out. `tick`: charge the
    minute that just started (which sets the low-credit warning) and plan the next minute's tick."""
    db = firestore_client()
    settings = get_settings()
    session_id = str(data["sessionId"])
    generation = int(data["generation"])
    kind = str(data.get("kind") or "end")
    minute = int(data.get("minute") or 0)

    def stale() -> bool:
        session = metering.load_session(db, session_id)
        return (
            session is None
            or session.status is not SessionStatus.ACTIVE
            or session.timer_generation != generation
        )

    if not wait_until_due(SESSION_TIMER_FUNCTION, data, is_stale=stale):
        return
    for _ in range(_SETTLE_ATTEMPTS):
        result = metering.charge(db, session_id, settings=settings, generation=generation)
        if result is None or result.ended or result.session.status is not SessionStatus.ACTIVE:
            return
        if kind == "tick":
            if result.session.credits_used >= minute or result.session.credits_remaining <= 0:
                CloudTasksTimers(settings=settings).plan_next_tick(result.session)
                return
            time.sleep(0.25)  # this instance's clock is a little behind: the minute has not started
            continue
        left = result.seconds_to_end(utcnow())
        if left > EARLY_WAIT_SECONDS:
            raise NotDueYet(f"session ends in {left:.1f} s")
        time.sleep(max(0.05, left + 0.05))
    logs.warning("session timer found nothing due", sessionId=session_id, kind=kind)


def session_reminder(data: dict[str, Any]) -> None:
    db = firestore_client()
    settings = get_settings()
    session_id = str(data["sessionId"])
    scheduled, revision = int(data["scheduledAt"]), int(data["revision"])

    def stale() -> bool:
        return not reminders.planned_for(metering.load_session(db, session_id), scheduled, revision)

    if not wait_until_due(REMINDER_FUNCTION, data, is_stale=stale):
        return
    delivered = reminders.deliver_reminder(
        db,
        session_id=session_id,
        scheduled_epoch=scheduled,
        revision=revision,
        lead=int(data["leadSeconds"]),
        settings=settings,
    )
    if delivered is None:
        return
    logs.info("session reminder sent", sessionId=session_id, leadSeconds=int(data["leadSeconds"]))
    _push(delivered)


def session_missed(data: dict[str, Any]) -> None:
    db = firestore_client()
    settings = get_settings()
    session_id = str(data["sessionId"])
    scheduled, revision = int(data["scheduledAt"]), int(data["revision"])

    def stale() -> bool:
        return not reminders.planned_for(metering.load_session(db, session_id), scheduled, revision)

    if not wait_until_due(MISSED_FUNCTION, data, is_stale=stale):
        return
    for _ in range(_SETTLE_ATTEMPTS):
        outcome = reminders.mark_missed(
            db, session_id=session_id, scheduled_epoch=scheduled, revision=revision, settings=settings
        )
        if outcome is not None:
            session, delivered = outcome
            logs.info("scheduled session missed", sessionId=session_id, userId=session.user_id)
            if delivered is not None:
                _push(delivered)
            return
        if stale():
            return
        time.sleep(0.25)  # this instance's clock is a little behind the grace window's end


def sweep_idle_sessions() -> list[str]:
    from backend.triggers.memory import republish_pending

    ended = metering.sweep_idle(firestore_client(), settings=get_settings())
    republished = republish_pending()
    logs.info("idle sweep done", ended=len(ended), memoriesRepublished=len(republished))
    return ended


def _push(delivered: reminders.Delivered) -> None:
    if not delivered.fcm_token:
        return
    note = delivered.notification
    send_push(
        delivered.fcm_token,
        title=note.title,
        body=note.body,
        data={"type": note.type, "sessionId": note.session_id},
    )
