"""Pure session lifecycle rules: given the current documents, compute the documents to write.

Adapters read inside a transaction, call these functions, and write what they return; the rules
themselves never touch storage, so every adapter behaves the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from shared.errors import Conflict, InsufficientCredits, InvalidStateTransition
from shared.models.credits import LedgerEntry
from shared.models.sessions import (
    ScheduleSessionRequest,
    Session,
    SessionEvent,
    SessionPaths,
    StartSessionRequest,
)
from shared.models.users import Avatar, Credits, UserDocument
from shared.sessions.metering import active_seconds, bill, low_credit_warning
from shared.sessions.scheduling import check_scheduled_at, is_missed
from shared.sessions.statuses import (
    EVENT_TYPE_BY_ACTION,
    LIVE,
    TERMINAL,
    SessionAction,
    SessionStatus,
    next_status,
)

MetadataValue = str | int | float | bool | None


@dataclass(frozen=True)
class Change:
    """What one lifecycle step writes: the session, the user doc when it changed, one event, and the
    ledger entry of a charge made on the way (same transaction as the balance)."""

    session: Session
    event: SessionEvent
    user: UserDocument | None = None
    ledger: LedgerEntry | None = None


@dataclass(frozen=True)
class MeteringRules:
    """The settings the metered lifecycle needs (a subset of shared.settings.Settings)."""

    minute_seconds: float = 60.0
    warn_minutes: int = 10
    missed_grace_seconds: float = 900.0
    schedule_skew_seconds: float = 60.0
    max_schedule_ahead_days: int = 90


def new_user(*, now: datetime, starting_credits: int) -> UserDocument:
    return UserDocument(credits=Credits(remaining=starting_credits), created_at=now, updated_at=now)


def session_paths(session_id: str) -> SessionPaths:
    base = f"sessions/{session_id}"
    return SessionPaths(session=base, events=f"{base}/events", messages=f"{base}/messages")


def _admit(user: UserDocument, max_live_sessions: int) -> None:
    """A session may start only with credits left and a free live-session slot."""
    if user.credits.remaining <= 0:
        raise InsufficientCredits(details={"remaining": user.credits.remaining})
    if len(user.live_session_ids) >= max_live_sessions:
        raise Conflict(
            "You already have a live session; end it before starting another.",
            details={"liveSessionIds": user.live_session_ids},
        )


def _started(user: UserDocument, session_id: str, now: datetime, **profile: str) -> UserDocument:
    """The user after a start: the session takes a live slot and counts towards `sessionsStarted`."""
    return user.model_copy(
        update={
            "live_session_ids": [*user.live_session_ids, session_id],
            "sessions_started": user.sessions_started + 1,
            "updated_at": now,
            **profile,
        }
    )


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
    _admit(user, max_live_sessions)
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
    updated_user = _started(user, session_id, now, **profile)
    event = SessionEvent(
        type=EVENT_TYPE_BY_ACTION[SessionAction.START],
        at=now,
        actor=user_id,
        from_status=None,
        to_status=SessionStatus.ACTIVE,
        data={"plannedDuration": request.duration, "avatar": avatar.id},
    )
    return Change(session=session, event=event, user=updated_user)


def needs_user(action: SessionAction) -> bool:
    """Whether `action` changes the owner's user document (it frees the live-session slot)."""
    return action in (SessionAction.END, SessionAction.CANCEL, SessionAction.MISS)


def apply_action(
    *,
    session: Session,
    action: SessionAction,
    actor: str,
    now: datetime,
    user: UserDocument | None = None,
    reason: str | None = None,
    user_rating: int | None = None,
) -> Change:
    target = next_status(session.status, action)
    update: dict[str, object] = {"status": target, "updated_at": now}
    data: dict[str, MetadataValue] = {}
    if action is SessionAction.PAUSE:
        update["paused_at"] = now
    if session.paused_at is not None and action is not SessionAction.PAUSE:
        update["paused_seconds"] = session.paused_seconds + (now - session.paused_at).total_seconds()
        update["paused_at"] = None
    if target in (SessionStatus.COMPLETED, SessionStatus.CANCELLED, SessionStatus.MISSED):
        update["ended_at"] = now
        if session.started_at is not None:
            paused = float(update.get("paused_seconds", session.paused_seconds))  # type: ignore[arg-type]
            update["duration_seconds"] = round((now - session.started_at).total_seconds() - paused, 3)
        update["end_reason"] = reason or action.value
        data["reason"] = reason or action.value
    if user_rating is not None:
        update["user_rating"] = user_rating
        data["userRating"] = user_rating
    updated_user = None
    if needs_user(action) and user is not None:
        remaining = [sid for sid in user.live_session_ids if sid != session.id]
        updated_user = user.model_copy(update={"live_session_ids": remaining, "updated_at": now})
    event = SessionEvent(
        type=EVENT_TYPE_BY_ACTION[action],
        at=now,
        actor=actor,
        from_status=session.status,
        to_status=target,
        data=data,
    )
    return Change(session=session.model_copy(update=update), event=event, user=updated_user)


def needs_timers(before: Session | None, after: Session) -> bool:
    """Whether a change asks for new timers: an active session of a new generation (start, resume, a
    grant), or a pending session that was just scheduled or rescheduled."""
    if after.status is SessionStatus.ACTIVE:
        return before is None or before.timer_generation != after.timer_generation
    if after.status is SessionStatus.PENDING:
        return before is None or before.schedule_revision != after.schedule_revision
    return False


def memory_due(before: Session | None, after: Session) -> bool:
    """Whether a committed change ended a live session, so its memory is to be written now."""
    return after.memory_status == "pending" and (before is None or before.memory_status != "pending")


def ensure_live(session: Session, what: str) -> None:
    """Heartbeats and similar touches are only for active or paused sessions."""
    if session.status not in LIVE:
        raise InvalidStateTransition(
            f"Cannot {what} a session that is {session.status.value}.",
            details={"status": session.status.value, "action": what},
        )


# -- scheduled sessions ---------------------------------------------------------------------------

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
    _admit(user, max_live_sessions)
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
    updated_user = _started(user, session.id, now)
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
