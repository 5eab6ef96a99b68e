"""What the timer task functions do (functions/main.py only hands requests here).

Every handler is idempotent and checks the session's current state first: a stale task (older timer
generation, other scheduledAt or revision, session no longer pending/active) does nothing.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from backend import logs, wiring
from backend.cloud.names import MISSED_QUEUE, REMINDER_QUEUE, SESSION_TIMER_QUEUE
from backend.cloud.push import send_push
from backend.cloud.timers import EARLY_WAIT_SECONDS, NotDueYet, wait_until_due
from backend.store import metering, reminders
from shared.clock import utcnow
from shared.sessions.statuses import SessionStatus
from shared.settings import Settings, get_settings

if TYPE_CHECKING:
    from google.cloud.firestore import Client

# After sleeping to the due time, an instance whose clock runs a little behind may find the moment not
# quite reached; it looks again a few times before handing the task back to the queue.
_SETTLE_ATTEMPTS = 4


def session_timer(data: dict[str, Any]) -> None:
    """`end`: end the session at its planned duration or when its credits run out. `tick`: charge the
    minute that just started (which sets the low-credit warning) and plan the next minute's tick."""
    db = wiring.db()
    settings = get_settings()
    session_id = str(data["sessionId"])
    generation = int(data["generation"])
    kind = str(data.get("kind") or "end")
    minute = int(data.get("minute") or 0)

    def stale() -> bool:
        return metering.load_timed_session(db, session_id, generation) is None

    if not wait_until_due(SESSION_TIMER_QUEUE, data, is_stale=stale):
        return
    for _ in range(_SETTLE_ATTEMPTS):
        result = metering.charge(db, session_id, settings=settings, generation=generation)
        if result is not None and result.ended:
            wiring.session_events().ended(result.session)
        if result is None or result.ended or result.session.status is not SessionStatus.ACTIVE:
            return
        if kind == "tick":
            if result.session.credits_used >= minute or result.session.credits_remaining <= 0:
                wiring.timers().plan_next_tick(result.session)
                return
            time.sleep(0.25)  # this instance's clock is a little behind: the minute has not started
            continue
        left = result.seconds_to_end(utcnow())
        if left > EARLY_WAIT_SECONDS:
            raise NotDueYet(f"session ends in {left:.1f} s")
        time.sleep(max(0.05, left + 0.05))
    logs.warning("session timer found nothing due", sessionId=session_id, kind=kind)


def session_reminder(data: dict[str, Any]) -> None:
    """Remind the user of a scheduled session (notification document + FCM); stale ones no-op."""

    def deliver(db: Client, settings: Settings, identity: _Scheduled) -> bool:
        delivered = reminders.deliver_reminder(
            db,
            session_id=identity.session_id,
            scheduled_epoch=identity.scheduled,
            revision=identity.revision,
            lead=int(data["leadSeconds"]),
            settings=settings,
        )
        if delivered is not None:
            logs.info(
                "session reminder sent", sessionId=identity.session_id, leadSeconds=int(data["leadSeconds"])
            )
            _push(delivered)
        return True

    _scheduled_task(REMINDER_QUEUE, data, deliver)


def session_missed(data: dict[str, Any]) -> None:
    """A scheduled session not started within the grace window becomes `missed` (and the user is told)."""

    def mark(db: Client, settings: Settings, identity: _Scheduled) -> bool:
        outcome = reminders.mark_missed(
            db,
            session_id=identity.session_id,
            scheduled_epoch=identity.scheduled,
            revision=identity.revision,
            settings=settings,
        )
        if outcome is None:
            return False
        session, delivered = outcome
        logs.info("scheduled session missed", sessionId=identity.session_id, userId=session.user_id)
        if delivered is not None:
            _push(delivered)
        return True

    _scheduled_task(MISSED_QUEUE, data, mark, attempts=_SETTLE_ATTEMPTS)


@dataclass(frozen=True)
class _Scheduled:
    """The pending session state a reminder or `missed` task was planned for."""

    session_id: str
    scheduled: int
    revision: int


def _scheduled_task(
    queue: str,
    data: dict[str, Any],
    act: Callable[[Client, Settings, _Scheduled], bool],
    *,
    attempts: int = 1,
) -> None:
    """Run `act` once the task is due, unless the session changed since it was planned. `act` returns
    False when the moment has not quite come on this instance's clock: it is tried again shortly."""
    db = wiring.db()
    settings = get_settings()
    identity = _Scheduled(str(data["sessionId"]), int(data["scheduledAt"]), int(data["revision"]))

    def stale() -> bool:
        session = metering.load_session(db, identity.session_id)
        return not reminders.planned_for(session, identity.scheduled, identity.revision)

    if not wait_until_due(queue, data, is_stale=stale):
        return
    for _ in range(attempts):
        if act(db, settings, identity) or stale():
            return
        time.sleep(0.25)  # this instance's clock is a little behind the grace window's end


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
