"""Charging sessions in Firestore: one transaction reads the session and the user's balance, charges the
minutes started since the last charge (shared/sessions/metering.py), and writes the balance, its ledger entry
and the session together, or ends the session when its time or credits are used up.

Concurrent charges of one session are safe: each recomputes the target from the committed state, and
Firestore retries the losers of a conflict, which then find nothing more to take.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, cast

from backend import logs
from backend.store.documents import SESSIONS, USERS, from_document, to_document
from backend.store.users import user_from_snapshot
from backend.store.writes import LEDGER, batch_change, commit_unchanged, put_unchanged, write_change
from shared.clock import utcnow
from shared.models.sessions import Session
from shared.models.users import UserDocument
from shared.sessions.lifecycle import metered_action, new_user
from shared.sessions.metering import METERING_ACTOR, active_seconds, bill, end_limit
from shared.sessions.ports import NoEvents, SessionEvents, rules_from
from shared.sessions.statuses import LIVE, SessionAction, SessionStatus
from shared.settings import Settings

if TYPE_CHECKING:
    from google.cloud.firestore import Client, Transaction, WriteBatch

IDLE_ACTOR = "idle-sweep"
TRANSACTION_ATTEMPTS = 30


@dataclass(frozen=True)
class ChargeResult:
    session: Session
    charged: int
    ended: bool
    at: datetime

    def seconds_to_end(self, now: datetime) -> float:
        limit, _ = end_limit(self.session, self.session.credits_remaining)
        return limit - active_seconds(self.session, now)


def load_session(db: Client, session_id: str, transaction: Any = None) -> Session | None:
    snapshot = db.collection(SESSIONS).document(session_id).get(transaction=transaction)
    if not snapshot.exists:
        return None
    return from_document(Session, snapshot.to_dict(), id=snapshot.id)


def load_timed_session(db: Client, session_id: str, generation: int) -> Session | None:
    """The session while it is active under timer generation `generation`; None for a stale timer task
    (the session is gone, no longer active, or was paused, resumed or ended since the task was planned)."""
    session = load_session(db, session_id)
    if (
        session is None
        or session.status is not SessionStatus.ACTIVE
        or session.timer_generation != generation
    ):
        return None
    return session


def read_user(db: Client, user_id: str, settings: Settings, now: datetime, transaction: Any) -> UserDocument:
    snapshot = db.collection(USERS).document(user_id).get(transaction=transaction)
    if not snapshot.exists:
        return new_user(now=now, starting_credits=settings.starting_credits)
    return from_document(UserDocument, snapshot.to_dict())


def read_pair(db: Client, session_id: str, user_id: str | None) -> tuple[Any, Any]:
    """The session's and (when known) its user's snapshots in one round trip."""
    session_ref = db.collection(SESSIONS).document(session_id)
    if user_id is None:
        return session_ref.get(), None
    user_ref = db.collection(USERS).document(user_id)
    found = {snapshot.reference.path: snapshot for snapshot in db.get_all([session_ref, user_ref])}
    return found[session_ref.path], found[user_ref.path]


def charge(
    db: Client,
    session_id: str,
    *,
    settings: Settings,
    generation: int | None = None,
    seen: bool = False,
    actor: str = METERING_ACTOR,
    user_id: str | None = None,
) -> ChargeResult | None:
    """Charge an active session up to now; end it when its planned time or credits are used up (the
    caller announces an end: `result.ended`).

    `generation`: only if the session's timers are still of that generation (a timer task), else None.
    `seen`: the client itself asked (heartbeat, message), so lastSeenAt moves too.
    `user_id`: the owner, when the caller knows it (reads both documents at once).
    One optimistic commit (backend/store/writes.py): concurrent charges of one session each recompute
    from fresh data, and a charge whose documents changed meanwhile runs again.
    """
    rules = rules_from(settings)
    session_ref = db.collection(SESSIONS).document(session_id)
    owner = [user_id]

    def step(batch: WriteBatch) -> ChargeResult | None:
        now = utcnow()
        session_read, user_read = read_pair(db, session_id, owner[0])
        if not session_read.exists:
            return None
        session = from_document(Session, session_read.to_dict(), id=session_read.id)
        if generation is not None and session.timer_generation != generation:
            return None
        if session.status is not SessionStatus.ACTIVE:
            if seen and session.status in LIVE:
                batch.update(
                    session_ref,
                    {"lastSeenAt": now},
                    option=db.write_option(last_update_time=session_read.update_time),
                )
            return ChargeResult(session=session, charged=0, ended=False, at=now)
        if user_read is None or owner[0] != session.user_id:
            owner[0] = session.user_id
            session_read, user_read = read_pair(db, session_id, session.user_id)
            session = from_document(Session, session_read.to_dict(), id=session_read.id)
        user = user_from_snapshot(user_read, now=now, settings=settings, db=db)
        result = bill(session=session, user=user, now=now, warn_minutes=rules.warn_minutes, actor=actor)
        if result.end_reason is not None:
            change = metered_action(
                session=session,
                user=user,
                action=SessionAction.END,
                actor=actor,
                now=now,
                rules=rules,
                max_live_sessions=settings.max_live_sessions_per_user,
                reason=result.end_reason,
            )
            batch_change(db, batch, change, session_read=session_read, user_read=user_read)
            return ChargeResult(session=change.session, charged=result.charged, ended=True, at=now)
        user_ref = db.collection(USERS).document(session.user_id)
        if result.entry is not None:
            put_unchanged(db, batch, user_ref, user_read, to_document(result.user))
            batch.create(user_ref.collection(LEDGER).document(), to_document(result.entry))
        fields: dict[str, Any] = {}
        if result.session_changed:
            warning = result.session.warning
            fields = {
                "creditsUsed": result.session.credits_used,
                "creditsRemaining": result.session.credits_remaining,
                "warning": to_document(warning) if warning is not None else None,
                "updatedAt": now,
            }
        if seen:
            fields["lastSeenAt"] = now
        if fields:
            # Conditioned on the session as read even when the user changed too: the charge depends on both.
            batch.update(
                session_ref, fields, option=db.write_option(last_update_time=session_read.update_time)
            )
        elif result.entry is not None:
            raise AssertionError("a charge always changes the session")
        return ChargeResult(session=result.session, charged=result.charged, ended=False, at=now)

    result = commit_unchanged(db, step)
    if result is not None and result.charged:
        logs.info(
            "session charged",
            sessionId=session_id,
            userId=result.session.user_id,
            credits=result.charged,
            ended=result.ended or None,
            endReason=result.session.end_reason if result.ended else None,
        )
    return result


def end_idle(db: Client, session_id: str, *, settings: Settings, cutoff: datetime) -> Session | None:
    """End a live session not seen since before `cutoff` (reason `idle`), billing its active minutes
    only up to lastSeenAt. None when it was seen again (or ended) meanwhile."""
    from google.cloud import firestore

    rules = rules_from(settings)

    @firestore.transactional
    def run(transaction: Transaction) -> Session | None:
        now = utcnow()
        session = load_session(db, session_id, transaction)
        if session is None or session.status not in LIVE:
            return None
        seen = session.last_seen_at or session.started_at
        if seen is None or seen >= cutoff:
            return None
        user = read_user(db, session.user_id, settings, now, transaction)
        change = metered_action(
            session=session,
            user=user,
            action=SessionAction.END,
            actor=IDLE_ACTOR,
            now=now,
            rules=rules,
            max_live_sessions=settings.max_live_sessions_per_user,
            reason="idle",
            billed_until=seen,
        )
        write_change(db, transaction, session.user_id, change)
        return change.session

    return cast("Session | None", run(db.transaction(max_attempts=TRANSACTION_ATTEMPTS)))


def sweep_idle(
    db: Client,
    *,
    settings: Settings,
    events: SessionEvents | None = None,
    timeout_seconds: float | None = None,
    now: datetime | None = None,
    batch: int = 200,
    max_batches: int = 25,
) -> list[str]:
    """End every live session idle for longer than the timeout, announcing each end to `events`;
    returns the ids it ended.

    One indexed query per batch (status in live, lastSeenAt before the cutoff; index in
    firestore.indexes.json) and one transaction per idle session, which re-checks lastSeenAt.
    """
    from google.cloud.firestore import FieldFilter

    events = events or NoEvents()
    timeout = settings.idle_timeout_seconds if timeout_seconds is None else timeout_seconds
    cutoff = (now or utcnow()) - timedelta(seconds=timeout)
    ended: list[str] = []
    skipped: set[str] = set()
    for _ in range(max_batches):
        query = (
            db.collection(SESSIONS)
            .where(filter=FieldFilter("status", "in", [s.value for s in LIVE]))
            .where(filter=FieldFilter("lastSeenAt", "<", cutoff))
            .order_by("lastSeenAt")
            .limit(batch + len(skipped))
        )
        ids = [doc.id for doc in query.get() if doc.id not in skipped]
        if not ids:
            break
        for session_id in ids:
            try:
                session = end_idle(db, session_id, settings=settings, cutoff=cutoff)
            except Exception as exc:  # one bad document must not stop the sweep
                logs.error("idle session not ended", sessionId=session_id, errorType=type(exc).__name__)
                session = None
            if session is None:
                skipped.add(session_id)
                continue
            ended.append(session_id)
            logs.info("idle session ended", sessionId=session_id, userId=session.user_id)
            events.ended(session)
        if len(ids) < batch:
            break
    return ended
