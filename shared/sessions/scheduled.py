"""Lifecycle steps of scheduled sessions: schedule, reschedule, and the start of a pending one (which
is refused after its grace window, when it is `missed`)."""

from __future__ import annotations

from datetime import datetime

from shared.errors import InvalidStateTransition
from shared.models.sessions import (
    ScheduleSessionRequest,
    Session,
    SessionEvent,
)
from shared.models.users import Avatar, UserDocument
from shared.sessions.changes import Change, MeteringRules, admit, session_paths, take_live_slot
from shared.sessions.metering import low_credit_warning
from shared.sessions.scheduling import check_scheduled_at, is_missed
from shared.sessions.statuses import (
    EVENT_TYPE_BY_ACTION,
    SessionAction,
    SessionStatus,
    next_status,
)

SCHEDULED_EVENT = "session.scheduled"
RESCHEDULED_EVENT = "session.rescheduled"


def schedule_session(
    *,
    user: UserDocument,
    user_id: str,
    session_id: str,
    request: ScheduleSessionRequest,
    avatar: Avatar,
    now: datetime,
    rules: MeteringRules,
) -> Change:
    """A `pending` session for later. Credits and the live-session limit are checked when it starts."""
    when = check_scheduled_at(
        request.scheduled_at,
        now=now,
        skew_seconds=rules.schedule_skew_seconds,
        max_ahead_days=rules.max_schedule_ahead_days,
    )
    session = Session(
        id=session_id,
        user_id=user_id,
        avatar=avatar.id,
        voice_id=request.voice_id or avatar.default_voice_id,
        mode=request.mode,
        session_type="scheduled",
        status=SessionStatus.PENDING,
        planned_duration=request.duration,
        created_at=now,
        updated_at=now,
        credits_remaining=user.credits.remaining,
        credit_minute_seconds=rules.minute_seconds,
        scheduled_at=when,
        timezone=request.timezone,
        reminder=request.reminder,
        metadata=request.metadata,
        paths=session_paths(session_id),
    )
    event = SessionEvent(
        type=SCHEDULED_EVENT,
        at=now,
        actor=user_id,
        from_status=None,
        to_status=SessionStatus.PENDING,
        data={"scheduledAt": when.isoformat(), "plannedDuration": request.duration, "avatar": avatar.id},
    )
    return Change(session=session, event=event)


def reschedule(
    *, session: Session, scheduled_at: datetime, actor: str, now: datetime, rules: MeteringRules
) -> Change:
    if session.status is not SessionStatus.PENDING:
        raise InvalidStateTransition(
            f"Cannot reschedule a session that is {session.status.value}.",
            details={"status": session.status.value, "action": "reschedule"},
        )
    when = check_scheduled_at(
        scheduled_at,
        now=now,
        skew_seconds=rules.schedule_skew_seconds,
        max_ahead_days=rules.max_schedule_ahead_days,
    )
    previous = session.scheduled_at
    updated = session.model_copy(
        update={
            "scheduled_at": when,
            # A new revision gives the new reminders new task ids; the old ones find it changed.
            "schedule_revision": session.schedule_revision + 1,
            "updated_at": now,
        }
    )
    event = SessionEvent(
        type=RESCHEDULED_EVENT,
        at=now,
        actor=actor,
        from_status=session.status,
        to_status=session.status,
        data={"from": previous.isoformat() if previous else None, "to": when.isoformat()},
    )
    return Change(session=updated, event=event)


def start_pending(
    *,
    session: Session,
    user: UserDocument,
    actor: str,
    now: datetime,
    max_live_sessions: int,
    rules: MeteringRules,
) -> Change:
    """Start a scheduled session: the same checks as an instant start, made now, not when scheduled."""
    target = next_status(session.status, SessionAction.START)
    if is_missed(session, now, rules.missed_grace_seconds):
        raise InvalidStateTransition(
            "This scheduled session was missed; schedule a new one.",
            details={"status": SessionStatus.MISSED.value, "action": "start"},
        )
    admit(user, max_live_sessions)
    remaining = user.credits.remaining
    started = session.model_copy(
        update={
            "status": target,
            "started_at": now,
            "last_seen_at": now,
            "updated_at": now,
            "credits_before": remaining,
            "credits_remaining": remaining,
            "credit_minute_seconds": rules.minute_seconds,
            "warning": low_credit_warning(remaining, rules.warn_minutes),
            "timer_generation": session.timer_generation + 1,
            "returning_user": user.sessions_started > 0,
        }
    )
    updated_user = take_live_slot(user, session.id, now)
    event = SessionEvent(
        type=EVENT_TYPE_BY_ACTION[SessionAction.START],
        at=now,
        actor=actor,
        from_status=session.status,
        to_status=target,
        data={"plannedDuration": session.planned_duration, "avatar": session.avatar},
    )
    return Change(session=started, event=event, user=updated_user)


# -- metered actions ------------------------------------------------------------------------------
