"""Pure rules of scheduled sessions: when they may be scheduled, when reminders go out, what they say."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from shared.errors import ValidationFailed
from shared.models.sessions import Session
from shared.sessions.statuses import SessionStatus


def check_scheduled_at(
    scheduled_at: datetime, *, now: datetime, skew_seconds: float, max_ahead_days: int
) -> datetime:
    """The scheduled instant in UTC, if it lies in the future (a little clock skew allowed) and not
    further ahead than the configured maximum; otherwise 400."""
    when = scheduled_at.astimezone(UTC)
    if when < now - timedelta(seconds=skew_seconds):
        raise ValidationFailed(
            "scheduledAt must be in the future.",
            details=[{"field": "scheduledAt", "message": "in the past"}],
        )
    if when > now + timedelta(days=max_ahead_days):
        raise ValidationFailed(
            f"scheduledAt must be at most {max_ahead_days} days ahead.",
            details=[{"field": "scheduledAt", "message": f"more than {max_ahead_days} days ahead"}],
        )
    return when


@dataclass(frozen=True)
class Reminder:
    lead_seconds: int
    due: datetime


def reminders_for(session: Session, now: datetime, leads: tuple[int, ...]) -> list[Reminder]:
    """The reminders a pending session needs: one per lead time before its start.

    A lead time that has already passed is not skipped: its reminder goes out at once. When several
    have passed (a session scheduled shortly ahead) only the latest of them is sent, not a burst.
    """
    if not session.reminder or session.status is not SessionStatus.PENDING or session.scheduled_at is None:
        return []
    start = session.scheduled_at
    upcoming = [Reminder(lead, start - timedelta(seconds=lead)) for lead in leads]
    future = [r for r in upcoming if r.due > now]
    passed = [r.lead_seconds for r in upcoming if r.due <= now]
    if passed:
        future.append(Reminder(min(passed), now))
    return sorted(future, key=lambda r: r.due)


def missed_at(session: Session, grace_seconds: float) -> datetime | None:
    """When a pending session that was never started becomes `missed`."""
    if session.scheduled_at is None:
        return None
    return session.scheduled_at + timedelta(seconds=grace_seconds)


def is_missed(session: Session, now: datetime, grace_seconds: float) -> bool:
    due = missed_at(session, grace_seconds)
    return session.status is SessionStatus.PENDING and due is not None and now >= due


def local_time(when: datetime, timezone: str | None) -> str:
    zone = timezone or "UTC"
    return f"{when.astimezone(ZoneInfo(zone)):%a %d %b %H:%M} ({zone})"


def reminder_text(
    *, avatar_name: str, scheduled_at: datetime, timezone: str | None, now: datetime
) -> tuple[str, str]:
    """Title and body of a reminder, worded from the time actually left (a late reminder stays true)."""
    seconds = (scheduled_at - now).total_seconds()
    if seconds >= 90:
        minutes = round(seconds / 60)
        when = f"in {minutes} minutes" if minutes < 120 else f"at {local_time(scheduled_at, timezone)}"
        return "Upcoming session", f"Your session with {avatar_name} starts {when}."
    return "Your session is starting", f"Your session with {avatar_name} is starting now."


def missed_text(*, avatar_name: str, scheduled_at: datetime, timezone: str | None) -> tuple[str, str]:
    return (
        "Missed session",
        f"Your session with {avatar_name} planned for {local_time(scheduled_at, timezone)} was not "
        "started. You can schedule a new one any time.",
    )
