"""Pure session lifecycle rules: given the current documents, compute the documents to write.

Adapters read inside a transaction, call these functions, and write what they return; the rules
themselves never touch storage, so every adapter behaves the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from shared.errors import Conflict, InsufficientCredits, InvalidStateTransition
from shared.models.sessions import Session, SessionEvent, SessionPaths, StartSessionRequest
from shared.models.users import Avatar, Credits, UserDocument
from shared.statuses import EVENT_TYPE_BY_ACTION, LIVE, SessionAction, SessionStatus, next_status

MetadataValue = str | int | float | bool | None


@dataclass(frozen=True)
class Change:
    """What one lifecycle step writes: the session, the user doc when it changed, and one event."""

    session: Session
    event: SessionEvent
    user: UserDocument | None = None


def new_user(*, now: datetime, starting_credits: int) -> UserDocument:
    return UserDocument(credits=Credits(remaining=starting_credits), created_at=now, updated_at=now)


def session_paths(session_id: str) -> SessionPaths:
    base = f"sessions/{session_id}"
    return SessionPaths(session=base, events=f"{base}/events", messages=f"{base}/messages")


def start_instant(
    *,
    user: UserDocument,
    user_id: str,
    session_id: str,
    request: StartSessionRequest,
    avatar: Avatar,
    now: datetime,
    max_live_sessions: int,
) -> Change:
    if user.credits.remaining <= 0:
        raise InsufficientCredits(details={"remaining": user.credits.remaining})
    if len(user.live_session_ids) >= max_live_sessions:
        raise Conflict(
            "You already have a live session; end it before starting another.",
            details={"liveSessionIds": user.live_session_ids},
        )
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
        metadata=request.metadata,
        paths=session_paths(session_id),
    )
    updated_user = user.model_copy(
        update={"live_session_ids": [*user.live_session_ids, session_id], "updated_at": now}
    )
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


def ensure_live(session: Session, what: str) -> None:
    """Heartbeats and similar touches are only for active or paused sessions."""
    if session.status not in LIVE:
        raise InvalidStateTransition(
            f"Cannot {what} a session that is {session.status.value}.",
            details={"status": session.status.value, "action": what},
        )
