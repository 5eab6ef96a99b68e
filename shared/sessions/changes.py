"""The building blocks of every lifecycle step: the `Change` an adapter writes, the metering rules, the
admission check and the live-slot bookkeeping of a start, and the plain status change of an action.
Pure: adapters read inside a transaction, call these, and write what they return."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from shared.errors import Conflict, InsufficientCredits, InvalidStateTransition
from shared.models.credits import LedgerEntry
from shared.models.sessions import (
    Session,
    SessionEvent,
    SessionPaths,
)
from shared.models.users import Credits, UserDocument
from shared.sessions.statuses import (
    EVENT_TYPE_BY_ACTION,
    LIVE,
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


def admit(user: UserDocument, max_live_sessions: int) -> None:
    """A session may start only with credits left and a free live-session slot."""
    if user.credits.remaining <= 0:
        raise InsufficientCredits(details={"remaining": user.credits.remaining})
    if len(user.live_session_ids) >= max_live_sessions:
        raise Conflict(
            "You already have a live session; end it before starting another.",
            details={"liveSessionIds": user.live_session_ids},
        )


def take_live_slot(user: UserDocument, session_id: str, now: datetime, **profile: str) -> UserDocument:
    """The user after a start: the session takes a live slot and counts towards `sessionsStarted`."""
    return user.model_copy(
        update={
            "live_session_ids": [*user.live_session_ids, session_id],
            "sessions_started": user.sessions_started + 1,
            "updated_at": now,
            **profile,
        }
    )


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
