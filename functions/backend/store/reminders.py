"""Reminders and `missed` for scheduled sessions, in Firestore.

Each runs one transaction that reads the session and the notification document it would create: a
session that was cancelled, started or rescheduled since the task was planned gets nothing, and a
redelivered task finds its notification (deterministic id) already there. Either way nothing is sent
twice and nothing stale is sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from backend.store.documents import USERS, to_document
from backend.store.metering import load_session, read_user
from backend.store.writes import write_change
from shared.avatars import load_avatars, resolve_avatar
from shared.clock import utcnow
from shared.errors import ApiError
from shared.expiry import notification_expiry
from shared.models.notifications import Notification
from shared.models.sessions import Session
from shared.sessions.lifecycle import metered_action
from shared.sessions.ports import rules_from
from shared.sessions.scheduling import is_missed, missed_text, reminder_text
from shared.sessions.statuses import SessionAction, SessionStatus
from shared.settings import Settings

if TYPE_CHECKING:
    from google.cloud.firestore import Client, Transaction

NOTIFICATIONS = "notifications"
SCHEDULER_ACTOR = "scheduler"


@dataclass(frozen=True)
class Delivered:
    """A notification that was just created (push it now); None from the functions means nothing to do."""

    notification: Notification
    fcm_token: str | None


def planned_for(session: Session | None, scheduled_epoch: int, revision: int) -> bool:
    """Is the session still pending at the time (and revision) the task was planned for?"""
    return (
        session is not None
        and session.status is SessionStatus.PENDING
        and session.scheduled_at is not None
        and int(session.scheduled_at.timestamp()) == scheduled_epoch
        and session.schedule_revision == revision
    )


def _avatar_name(settings: Settings, avatar: str) -> str:
    try:
        return resolve_avatar(load_avatars(settings.avatars_file), avatar).name
    except ApiError:  # an avatar removed from the configuration since: still remind
        return avatar


def deliver_reminder(
    db: Client, *, session_id: str, scheduled_epoch: int, revision: int, lead: int, settings: Settings
) -> Delivered | None:
    from google.cloud import firestore

    note_id = f"reminder-{session_id}-{scheduled_epoch}-r{revision}-l{lead}"

    @firestore.transactional
    def run(transaction: Transaction) -> Delivered | None:
        session = load_session(db, session_id, transaction)
        if session is None or not session.reminder or not planned_for(session, scheduled_epoch, revision):
            return None
        note_ref = db.collection(USERS).document(session.user_id).collection(NOTIFICATIONS).document(note_id)
        if note_ref.get(transaction=transaction).exists:
            return None
        now = utcnow()
        user = read_user(db, session.user_id, settings, now, transaction)
        assert session.scheduled_at is not None  # planned_for checked it
        title, body = reminder_text(
            avatar_name=_avatar_name(settings, session.avatar),
            scheduled_at=session.scheduled_at,
            timezone=session.timezone,
            now=now,
        )
        note = Notification(
            type="session_reminder",
            title=title,
            body=body,
            session_id=session.id,
            scheduled_at=session.scheduled_at,
            lead_seconds=lead,
            created_at=now,
            expires_at=notification_expiry(now),
        )
        transaction.set(note_ref, to_document(note))
        return Delivered(notification=note, fcm_token=user.fcm_token)

    return cast("Delivered | None", run(db.transaction()))


def mark_missed(
    db: Client, *, session_id: str, scheduled_epoch: int, revision: int, settings: Settings
) -> tuple[Session, Delivered | None] | None:
    """Pending past its grace window: `missed` (event in the same commit) and a notification."""
    from google.cloud import firestore

    rules = rules_from(settings)

    @firestore.transactional
    def run(transaction: Transaction) -> tuple[Session, Delivered | None] | None:
        session = load_session(db, session_id, transaction)
        now = utcnow()
        if not planned_for(session, scheduled_epoch, revision):
            return None
        assert session is not None and session.scheduled_at is not None  # planned_for checked them
        if not is_missed(session, now, settings.missed_grace_seconds):
            return None
        note_ref = (
            db.collection(USERS)
            .document(session.user_id)
            .collection(NOTIFICATIONS)
            .document(f"missed-{session_id}-{scheduled_epoch}-r{revision}")
        )
        user = read_user(db, session.user_id, settings, now, transaction)
        change = metered_action(
            session=session,
            user=user,
            action=SessionAction.MISS,
            actor=SCHEDULER_ACTOR,
            now=now,
            rules=rules,
            max_live_sessions=settings.max_live_sessions_per_user,
            reason="missed",
        )
        write_change(db, transaction, session.user_id, change)
        title, body = missed_text(
            avatar_name=_avatar_name(settings, session.avatar),
            scheduled_at=session.scheduled_at,
            timezone=session.timezone,
        )
        note = Notification(
            type="session_missed",
            title=title,
            body=body,
            session_id=session.id,
            scheduled_at=session.scheduled_at,
            created_at=now,
            expires_at=notification_expiry(now),
        )
        transaction.set(note_ref, to_document(note))
        return change.session, Delivered(notification=note, fcm_token=user.fcm_token)

    return cast("tuple[Session, Delivered | None] | None", run(db.transaction()))
