"""The session state machine: the only place that knows which status changes are legal."""

from __future__ import annotations

from shared.errors import InvalidStateTransition
from shared.models.vocabulary import SessionAction, SessionStatus

__all__ = ["LIVE", "TERMINAL", "SessionAction", "SessionStatus", "allowed_actions", "next_status"]


_S = SessionStatus
_A = SessionAction

TRANSITIONS: dict[tuple[SessionStatus, SessionAction], SessionStatus] = {
    (_S.PENDING, _A.START): _S.ACTIVE,
    (_S.PENDING, _A.CANCEL): _S.CANCELLED,
    (_S.PENDING, _A.MISS): _S.MISSED,
    (_S.ACTIVE, _A.PAUSE): _S.PAUSED,
    (_S.ACTIVE, _A.END): _S.COMPLETED,
    (_S.ACTIVE, _A.CANCEL): _S.CANCELLED,
    (_S.PAUSED, _A.RESUME): _S.ACTIVE,
    (_S.PAUSED, _A.END): _S.COMPLETED,
    (_S.PAUSED, _A.CANCEL): _S.CANCELLED,
}

TERMINAL: frozenset[SessionStatus] = frozenset({_S.COMPLETED, _S.CANCELLED, _S.MISSED})
# Statuses that hold a user's "live session" slot (and accept heartbeats).
LIVE: frozenset[SessionStatus] = frozenset({_S.ACTIVE, _S.PAUSED})

EVENT_TYPE_BY_ACTION: dict[SessionAction, str] = {
    _A.START: "session.started",
    _A.PAUSE: "session.paused",
    _A.RESUME: "session.resumed",
    _A.END: "session.ended",
    _A.CANCEL: "session.cancelled",
    _A.MISS: "session.missed",
}


def next_status(current: SessionStatus, action: SessionAction) -> SessionStatus:
    """Return the status `action` leads to from `current`, or raise 409 when it is not allowed."""
    try:
        return TRANSITIONS[(current, action)]
    except KeyError:
        raise InvalidStateTransition(
            f"Cannot {action.value} a session that is {current.value}.",
            details={"status": current.value, "action": action.value},
        ) from None


def allowed_actions(current: SessionStatus) -> list[SessionAction]:
    return [action for (status, action) in TRANSITIONS if status == current]
