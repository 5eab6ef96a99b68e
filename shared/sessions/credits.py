"""Credit rules of an admin grant (or removal): pure, so every adapter applies the same ones.

A grant never takes the balance below zero (InsufficientCredits, nothing written), always leaves a
ledger entry, and moves the end of the user's live sessions: their balance, their low-credit warning
and their timer generation (timers planned for the old balance then find the session changed)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from shared.errors import InsufficientCredits, ValidationFailed
from shared.models.credits import MAX_REASON_LENGTH, LedgerEntry
from shared.models.sessions import Session
from shared.models.users import Credits, UserDocument
from shared.sessions.metering import low_credit_warning
from shared.sessions.statuses import LIVE


@dataclass(frozen=True)
class Grant:
    user: UserDocument
    entry: LedgerEntry

    @property
    def before(self) -> int:
        return self.entry.before

    @property
    def after(self) -> int:
        return self.entry.after


def validate_grant(*, user_id: str, delta: int, reason: str) -> str:
    """The reason, stripped; raises ValidationFailed for a zero delta, a missing reason or user."""
    reason = reason.strip()
    if delta == 0:
        raise ValidationFailed("The credit delta must not be zero.", details=[{"field": "delta"}])
    if not reason or len(reason) > MAX_REASON_LENGTH:
        raise ValidationFailed(
            f"A reason of 1-{MAX_REASON_LENGTH} characters is required.", details=[{"field": "reason"}]
        )
    if not user_id:
        raise ValidationFailed("A user id is required.", details=[{"field": "userId"}])
    return reason


def grant(*, user: UserDocument, delta: int, reason: str, actor: str, now: datetime) -> Grant:
    before = user.credits.remaining
    after = before + delta
    if after < 0:
        raise InsufficientCredits(
            f"Cannot apply {delta:+d} credits: the user has {before}; the balance cannot go below zero.",
            details={"remaining": before, "delta": delta},
        )
    credits = Credits(remaining=after, used=user.credits.used)
    updated = user.model_copy(update={"credits": credits, "updated_at": now})
    entry = LedgerEntry(delta=delta, reason=reason, before=before, after=after, at=now, actor=actor)
    return Grant(user=UserDocument.model_validate(updated.model_dump()), entry=entry)


def moved_by_grant(session: Session, *, remaining: int, warn_minutes: int, now: datetime) -> Session | None:
    """The live session with the new balance, or None when it is no longer live."""
    if session.status not in LIVE:
        return None
    return session.model_copy(
        update={
            "credits_remaining": remaining,
            "warning": low_credit_warning(remaining, warn_minutes),
            "timer_generation": session.timer_generation + 1,
            "updated_at": now,
        }
    )
