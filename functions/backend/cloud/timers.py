"""Session timers on Cloud Tasks: the end and low-credit warning of active sessions, the reminders and
the `missed` check of pending ones (docs/credits-and-scheduling.md).

Task ids are deterministic, derived from the state they were planned for: the timer generation of an
active session, the scheduledAt epoch and reschedule revision of a pending one. Planning the same state
twice is a no-op (Cloud Tasks refuses a second task with an id it has seen), and a task planned for an
older state finds the session changed when it runs and does nothing.

Every payload carries its due time (`dueAt`, epoch seconds). Cloud Tasks honours scheduleTime, but
the Tasks emulator dispatches at once, so a handler called early waits (`wait_until_due`): it sleeps
when the due time is at most EARLY_WAIT_SECONDS away and otherwise raises NotDueYet, so that the queue
retries it with backoff (the queues' max backoff equals that window, so the handler always ends up
sleeping to the exact time). Cloud Tasks also refuses a scheduleTime more than 30 days ahead: a task
due later is scheduled 29 days ahead and, when it arrives, enqueues itself again ("hops").
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from backend import logs
from backend.cloud import tasks
from backend.cloud.clients import emulated
from backend.cloud.names import AI_NOTICE_QUEUE, MISSED_QUEUE, REMINDER_QUEUE, SESSION_TIMER_QUEUE
from shared.clock import utcnow
from shared.models.sessions import Session
from shared.safety.notices import next_notice_at, notice_index
from shared.sessions.metering import TimerKind, timers_for
from shared.sessions.ports import SessionTimers
from shared.sessions.scheduling import missed_at, reminders_for
from shared.sessions.statuses import SessionStatus
from shared.settings import Settings

# A task delivered at most this early sleeps until due; the queues' max backoff is the same.
EARLY_WAIT_SECONDS = 10.0
MAX_SCHEDULE_AHEAD = timedelta(days=29)


class NotDueYet(Exception):
    """The task arrived early (the emulator ignores scheduleTime): let the queue retry it later."""


def timer_task_id(session_id: str, kind: str, generation: int, minute: int = 0) -> str:
    suffix = f"-m{minute}" if kind == "tick" else ""
    return f"{kind}-{session_id}-g{generation}{suffix}"


def epoch(when: datetime) -> int:
    return int(when.timestamp())


def notice_task_id(session_id: str, generation: int, index: int) -> str:
    return f"notice-{session_id}-g{generation}-k{index}"


def reminder_task_id(session_id: str, scheduled_epoch: int, revision: int, lead: int) -> str:
    return f"remind-{session_id}-{scheduled_epoch}-r{revision}-l{lead}"


def missed_task_id(session_id: str, scheduled_epoch: int, revision: int) -> str:
    return f"missed-{session_id}-{scheduled_epoch}-r{revision}"


def schedule_task(function: str, data: dict[str, Any], *, task_id: str, due: datetime) -> bool:
    """Enqueue `data` for `function` to run at `due`; False when this task id was already planned."""

    now = utcnow()
    not_before = min(due, now + MAX_SCHEDULE_AHEAD)
    payload = {**data, "taskId": task_id, "dueAt": due.timestamp(), "notBefore": not_before.timestamp()}
    return tasks.enqueue(function, payload, task_id=task_id, schedule_time=not_before.astimezone(UTC))


def wait_until_due(function: str, data: dict[str, Any], *, is_stale: Callable[[], bool]) -> bool:
    """Called first by every timer handler. True: run now (after sleeping to the due time if needed).
    False: drop the task (its session changed, or it was re-enqueued as a hop toward a far due time).
    Raises NotDueYet when delivered more than EARLY_WAIT_SECONDS early."""
    now = time.time()
    due = float(data["dueAt"])
    not_before = float(data.get("notBefore") or due)
    if not_before - now > EARLY_WAIT_SECONDS:
        if is_stale():  # don't keep retrying a task that will no-op anyway
            return False
        raise NotDueYet(f"due in {not_before - now:.1f} s")
    if due - now > EARLY_WAIT_SECONDS:
        if is_stale():
            return False
        base = str(data.get("taskId") or "task")
        hop = datetime.fromtimestamp(min(due, now + MAX_SCHEDULE_AHEAD.total_seconds()), UTC)
        rest = {k: v for k, v in data.items() if k not in ("taskId", "dueAt", "notBefore")}
        schedule_task(function, rest, task_id=f"{base}-h{epoch(hop)}", due=datetime.fromtimestamp(due, UTC))
        return False
    time.sleep(max(0.0, due - time.time()))
    return True


def _no_task_queue() -> bool:
    """On the emulators without the Tasks emulator's address (the ops CLI in a plain shell) there is no
    queue to plan on: skip, instead of trying the real Cloud Tasks API offline. The functions emulator
    always sets it for the functions."""

    return emulated() and not os.environ.get("CLOUD_TASKS_EMULATOR_HOST")


def _logged_failure(session: Session, plan: Callable[[], None], *, queue: str | None = None) -> None:
    """Run `plan`; a failure is logged (with the queue when it names one) and goes no further."""
    try:
        plan()
    except Exception as exc:
        extra = {"queue": queue} if queue is not None else {}
        logs.error(
            "session timers not planned",
            sessionId=session.id,
            userId=session.user_id,
            errorType=type(exc).__name__,
            **extra,
        )


class CloudTasksTimers(SessionTimers):
    """Plans a session's timers as Cloud Tasks after the change that needs them has committed."""

    def __init__(self, *, settings: Settings) -> None:
        self.settings = settings

    def plan(self, session: Session) -> None:
        if _no_task_queue():
            return
        # The change itself stands when planning fails; heartbeats, messages and the idle sweep still end
        # the session. The notices are planned apart from the metering timers: one failing must not cost
        # the other.
        if session.status is SessionStatus.ACTIVE:
            _logged_failure(session, lambda: self._plan_active(session))
            _logged_failure(session, lambda: self._plan_notice(session), queue=AI_NOTICE_QUEUE)
        elif session.status is SessionStatus.PENDING:
            _logged_failure(session, lambda: self._plan_pending(session))

    def _plan_active(self, session: Session, kinds: tuple[TimerKind, ...] = ("end", "tick")) -> None:
        now = utcnow()
        generation = session.timer_generation
        for timer in timers_for(session, now, self.settings.low_credit_warning_minutes, kinds):
            schedule_task(
                SESSION_TIMER_QUEUE,
                {
                    "sessionId": session.id,
                    "kind": timer.kind,
                    "generation": generation,
                    "minute": timer.minute,
                },
                task_id=timer_task_id(session.id, timer.kind, generation, timer.minute),
                due=timer.due,
            )

    def _plan_notice(self, session: Session) -> None:
        """The current period's notices at once (at the start: the AI notice; after a resume: the period's,
        unless shown already); each run then plans the next period (`plan_next_notice`)."""
        now = utcnow()
        index = notice_index(session, now, self.settings.ai_notice_interval_seconds)
        self._schedule_notice(session, index, now)

    def plan_next_notice(self, session: Session, *, after: int) -> None:
        """The period after `after`, when the session will have been active that long."""
        if session.status is not SessionStatus.ACTIVE:
            return
        index, due = next_notice_at(session, utcnow(), self.settings.ai_notice_interval_seconds)
        self._schedule_notice(session, max(index, after + 1), due)

    def _schedule_notice(self, session: Session, index: int, due: datetime) -> None:
        generation = session.timer_generation
        schedule_task(
            AI_NOTICE_QUEUE,
            {"sessionId": session.id, "generation": generation, "index": index},
            task_id=notice_task_id(session.id, generation, index),
            due=due,
        )

    def plan_next_tick(self, session: Session) -> None:
        """After a tick: the next minute's (same generation, so the end timer stays as planned)."""
        if session.status is SessionStatus.ACTIVE:
            self._plan_active(session, kinds=("tick",))

    def _plan_pending(self, session: Session) -> None:
        if session.scheduled_at is None:
            return
        now = utcnow()
        scheduled = epoch(session.scheduled_at)
        revision = session.schedule_revision
        identity = {"sessionId": session.id, "scheduledAt": scheduled, "revision": revision}
        for reminder in reminders_for(session, now, self.settings.reminder_leads):
            schedule_task(
                REMINDER_QUEUE,
                {**identity, "leadSeconds": reminder.lead_seconds},
                task_id=reminder_task_id(session.id, scheduled, revision, reminder.lead_seconds),
                due=reminder.due,
            )
        missed = missed_at(session, self.settings.missed_grace_seconds)
        if missed is not None:
            schedule_task(
                MISSED_QUEUE,
                identity,
                task_id=missed_task_id(session.id, scheduled, revision),
                due=missed,
            )
