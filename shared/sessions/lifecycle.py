"""Pure session lifecycle rules: given the current documents, compute the documents to write.

Adapters read inside a transaction, call these functions, and write what they return; the rules
themselves never touch storage, so every adapter behaves the same. This module is the lifecycle's public
face: the instant start and the metered action are here, the building blocks in `changes.py` and the
steps of scheduled sessions in `scheduled.py`, all importable from here.
"""

from __future__ import annotations

from datetime import datetime

from shared.models.sessions import (
    Session,
    SessionEvent,
    StartSessionRequest,
)
from shared.models.users import Avatar, UserDocument
from shared.sessions.changes import (
    Change,
    MeteringRules,
    admit,
    apply_action,
    ensure_live,
    memory_due,
    needs_timers,
    needs_user,
    new_user,
    session_paths,
    take_live_slot,
)
from shared.sessions.metering import active_seconds, bill, low_credit_warning
from shared.sessions.scheduled import (
    RESCHEDULED_EVENT,
    SCHEDULED_EVENT,
    reschedule,
    schedule_session,
    start_pending,
)
from shared.sessions.statuses import (
    EVENT_TYPE_BY_ACTION,
    LIVE,
    TERMINAL,
    SessionAction,
    SessionStatus,
)

__all__ = [
    "RESCHEDULED_EVENT",
    "SCHEDULED_EVENT",
    "Change",
    "MeteringRules",
    "apply_action",
    "ensure_live",
    "memory_due",
    "metered_action",
    "needs_timers",
    "needs_user",
    "new_user",
    "reschedule",
    "schedule_session",
    "session_paths",
    "start_instant",
    "start_pending",
]


def start_instant(
    *,
    user: UserDocument,
    user_id: str,
    session_id: str,
    request: StartSessionRequest,
    avatar: Avatar,
    now: datetime,
    max_live_sessions: int,
    rules: MeteringRules | None = None,
) -> Change:
    rules = rules or MeteringRules()
    admit(user, max_live_sessions)
    session = Session(
        id=session_id,
        user_id=user_id,
        avatar=avatar.id,
        voice_id=request.voice_id or avatar.default_voice_id,
        mode=request.mode,
        session_type="instant",
        status=SessionStatus.ACTIVE,
        planned_duration=request.duration,
        created_at=now,
        updated_at=now,
        started_at=now,
        last_seen_at=now,
        credits_before=user.credits.remaining,
        credits_remaining=user.credits.remaining,
        credit_minute_seconds=rules.minute_seconds,
        warning=low_credit_warning(user.credits.remaining, rules.warn_minutes),
        timer_generation=1,
        metadata=request.metadata,
        paths=session_paths(session_id),
        returning_user=user.sessions_started > 0,
    )
    profile = {"email": request.user_email} if request.user_email else {}
    if request.user_name:
        profile["display_name"] = request.user_name
    updated_user = take_live_slot(user, session_id, now, **profile)
    event = SessionEvent(
        type=EVENT_TYPE_BY_ACTION[SessionAction.START],
        at=now,
        actor=user_id,
        from_status=None,
        to_status=SessionStatus.ACTIVE,
        data={"plannedDuration": request.duration, "avatar": avatar.id},
    )
    return Change(session=session, event=event, user=updated_user)


def metered_action(
    *,
    session: Session,
    user: UserDocument,
    action: SessionAction,
    actor: str,
    now: datetime,
    rules: MeteringRules,
    max_live_sessions: int,
    reason: str | None = None,
    user_rating: int | None = None,
    billed_until: datetime | None = None,
) -> Change:
    """`apply_action` with metering: a live session is charged up to now (or `billed_until`, for an
    idle one) before its status changes, and every change of a live session's status bumps its timer
    generation so that timers planned for the old state no-op.
    """
    if action is SessionAction.START:
        return start_pending(
            session=session,
            user=user,
            actor=actor,
            now=now,
            max_live_sessions=max_live_sessions,
            rules=rules,
        )
    ledger = None
    billed_user = None
    was_live = session.status in LIVE
    before = session
    if was_live:
        charge = bill(
            session=session, user=user, now=now, warn_minutes=rules.warn_minutes, until=billed_until
        )
        session, ledger = charge.session, charge.entry
        user = charge.user
        billed_user = user if ledger is not None else None
    change = apply_action(
        session=session,
        action=action,
        actor=actor,
        now=now,
        user=user,
        reason=reason,
        user_rating=user_rating,
    )
    update: dict[str, object] = {}
    if was_live:
        update["timer_generation"] = session.timer_generation + 1
        if actor == session.user_id:
            update["last_seen_at"] = now  # the client itself asked: it is present
    if change.session.status in TERMINAL:
        update["credits_after"] = user.credits.remaining
        update["warning"] = None
        if billed_until is not None and before.started_at is not None:
            update["duration_seconds"] = round(active_seconds(before, billed_until), 3)
        if was_live:
            update["memory_status"] = "pending"  # the session_memory function takes it from here
    return Change(
        session=change.session.model_copy(update=update),
        event=change.event,
        user=change.user or billed_user,
        ledger=ledger,
    )
