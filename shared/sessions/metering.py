"""Pure metering rules: 1 credit = 1 started minute of active time; paused time is not billed.

Charging is idempotent by construction. Every charge recomputes how many minutes have started so far
(ceil(active seconds / minute)) and takes only the difference to what the session was already charged,
inside one transaction with the user's balance: two concurrent charges compute the same target, and
whichever commits second finds nothing left to take. The balance never goes below zero; a minute the
balance cannot pay for ends the session (`out_of_credits`).

The session's end is known in advance while nothing else changes the balance: it runs until its
planned duration or until the minutes it has paid for plus the user's balance are used up, whichever
comes first (`end_limit`). Timers are planned from that (`timers_for`); anything that changes the
balance from outside (an admin grant) bumps the session's timer generation and plans them again.
Near the end of the balance a tick per minute keeps the warning and `creditsRemaining` live.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from shared.models.credits import LedgerEntry
from shared.models.sessions import Session, SessionWarning, SystemEndReason
from shared.models.users import Credits, UserDocument
from shared.sessions.statuses import SessionStatus

METERING_ACTOR = "metering"
USAGE_REASON = "session_usage"
IDLE_ADJUSTMENT_REASON = "idle_adjustment"
# Float noise (microsecond timestamps divided by the minute) must not start a minute of its own.
_EPSILON = 1e-9
# An end timer that fires this close before the limit (clock differences between instances) ends the
# session: the user loses at most this much of the last paid minute, never pays an extra one.
END_TOLERANCE_SECONDS = 0.25
# A tick fires just after its minute starts, so that minute counts as started.
_WARN_OFFSET_SECONDS = 0.05

TimerKind = Literal["end", "tick"]


def active_seconds(session: Session, at: datetime) -> float:
    """Seconds the session was active from its start until `at` (or its end, if earlier), less pauses."""
    if session.started_at is None:
        return 0.0
    end = at if session.ended_at is None else min(at, session.ended_at)
    paused = session.paused_seconds
    if session.paused_at is not None:
        paused += max(0.0, (end - session.paused_at).total_seconds())
    return max(0.0, (end - session.started_at).total_seconds() - paused)


def minutes_started(active: float, minute_seconds: float) -> int:
    """How many minutes have started after `active` seconds: 0 at 0 s, 1 just after, 2 just after 60 s."""
    if active <= 0:
        return 0
    return max(0, math.ceil(active / minute_seconds - _EPSILON))


def plan_limit(session: Session) -> float:
    """Active seconds after which the planned duration is reached."""
    return session.planned_duration * session.credit_minute_seconds


def end_limit(session: Session, remaining: int) -> tuple[float, SystemEndReason]:
    """Active seconds at which the session must end and why, with `remaining` credits on the balance.

    The minutes already charged plus the balance are all the minutes it can pay for; the last one is
    used up at (charged + remaining) minutes. The planned duration wins a tie.
    """
    plan = plan_limit(session)
    credit = (session.credits_used + max(0, remaining)) * session.credit_minute_seconds
    return (plan, "timeout") if plan <= credit else (credit, "out_of_credits")


def charge_due(session: Session, now: datetime) -> bool:
    """Cheap check from the session document alone: has a minute started that is not charged yet, or
    has the session reached its end? Only then is a charge transaction (which also reads the user's
    balance) worth running, so most heartbeats cost one read and one write, as before."""
    if session.status is not SessionStatus.ACTIVE:
        return False
    active = active_seconds(session, now)
    billable = min(active, plan_limit(session))
    if minutes_started(billable, session.credit_minute_seconds) > session.credits_used:
        return True
    limit, _ = end_limit(session, session.credits_remaining)
    return active >= limit - END_TOLERANCE_SECONDS


def low_credit_warning(remaining: int, threshold_minutes: int) -> SessionWarning | None:
    if threshold_minutes <= 0 or remaining > threshold_minutes:
        return None
    if remaining <= 0:
        message = "No credits left: the session ends when this minute is over."
    elif remaining == 1:
        message = "Low credits: 1 minute left."
    else:
        message = f"Low credits: {remaining} minutes left."
    return SessionWarning(type="low_credits", message=message)


@dataclass(frozen=True)
class Bill:
    """The result of one charge: the session and user after it, the ledger entry (None when nothing
    was taken), and why the session must end now (None while it may go on)."""

    session: Session
    user: UserDocument
    entry: LedgerEntry | None
    end_reason: SystemEndReason | None
    session_changed: bool

    @property
    def charged(self) -> int:
        return -self.entry.delta if self.entry is not None else 0


def bill(
    *,
    session: Session,
    user: UserDocument,
    now: datetime,
    warn_minutes: int,
    until: datetime | None = None,
    actor: str = METERING_ACTOR,
) -> Bill:
    """Charge the session's started minutes up to `now` (or only up to `until`, e.g. lastSeenAt for an
    idle session, which may give back minutes a timer charged after it).

    Never bills beyond the planned duration nor below a zero balance.
    """
    minute = session.credit_minute_seconds
    remaining = user.credits.remaining
    billed_until = now if until is None else min(until, now)
    billable = min(active_seconds(session, billed_until), plan_limit(session))
    target = minutes_started(billable, minute)
    delta = min(target - session.credits_used, remaining)  # credits taken now; negative gives back
    if until is None:
        delta = max(0, delta)
    end_reason: SystemEndReason | None = None
    if session.status is SessionStatus.ACTIVE and until is None:
        limit, why = end_limit(session, remaining)
        if active_seconds(session, now) >= limit - END_TOLERANCE_SECONDS:
            end_reason = why
    after = remaining - delta
    entry = None
    if delta:
        entry = LedgerEntry(
            delta=-delta,
            reason=USAGE_REASON if delta > 0 else IDLE_ADJUSTMENT_REASON,
            before=remaining,
            after=after,
            at=now,
            actor=actor,
            session_id=session.id,
        )
        user = user.model_copy(
            update={
                "credits": Credits(remaining=after, used=user.credits.used + delta),
                "updated_at": now,
            }
        )
    fields: dict[str, object] = {
        "credits_used": session.credits_used + delta,
        "credits_remaining": after,
        "warning": low_credit_warning(after, warn_minutes) if session.status in _LIVE else session.warning,
    }
    changed = any(getattr(session, name) != value for name, value in fields.items())
    if changed:
        session = session.model_copy(update={**fields, "updated_at": now})
    return Bill(session=session, user=user, entry=entry, end_reason=end_reason, session_changed=changed)


_LIVE = frozenset({SessionStatus.ACTIVE, SessionStatus.PAUSED})


@dataclass(frozen=True)
class Timer:
    """`end`: the session's end. `tick`: the start of minute `minute`, charged at once; ticks begin at
    the minute that reaches the low-credit threshold and repeat each minute after it, so the warning
    and the countdown of `creditsRemaining` stay live without any client request."""

    kind: TimerKind
    due: datetime
    minute: int = 0


def timers_for(
    session: Session, now: datetime, warn_minutes: int, kinds: tuple[TimerKind, ...] = ("end", "tick")
) -> list[Timer]:
    """The timers an active session needs from `now`. A paused one needs none: resuming plans them."""
    if session.status is not SessionStatus.ACTIVE:
        return []
    minute = session.credit_minute_seconds
    remaining = session.credits_remaining
    active = active_seconds(session, now)
    limit, _ = end_limit(session, remaining)
    timers = []
    if "end" in kinds:
        timers.append(Timer("end", now + timedelta(seconds=max(0.0, limit - active))))
    if "tick" in kinds and warn_minutes > 0:
        # Minute k costs the credit that leaves (charged + remaining - k) on the balance.
        first = session.credits_used + remaining - warn_minutes
        number = max(first, minutes_started(active, minute) + 1, 1)
        at = (number - 1) * minute + min(_WARN_OFFSET_SECONDS, minute / 10)
        if at < limit - END_TOLERANCE_SECONDS:
            timers.append(Timer("tick", now + timedelta(seconds=max(0.0, at - active)), number))
    return timers
