"""Credit grants: one transaction changes `users/{uid}.credits.remaining` and writes its ledger entry.

Shared by the ops CLI (`sessions-ops grant-credits`) and the admin endpoint
(`POST /api/v1/admin/users/{uid}/credits`). One optimistic commit (backend/store/writes.py): the
balance, its ledger entry and the user's live sessions change together or not at all. A grant moves
the end of those sessions, so the same commit refreshes their `creditsRemaining` and warning and bumps
their timer generation; their timers are planned again after it (the old ones then no-op).
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from backend.store.documents import IDEMPOTENCY, SESSIONS, USERS, from_document, to_document
from backend.store.writes import LEDGER, commit_unchanged, put_unchanged
from shared.clock import utcnow
from shared.models.credits import MAX_REASON_LENGTH, LedgerEntry
from shared.models.sessions import Session
from shared.models.users import UserDocument
from shared.sessions.credits import grant, moved_by_grant, validate_grant
from shared.sessions.lifecycle import new_user
from shared.sessions.ports import Idempotency, NoTimers, SessionTimers
from shared.sessions.statuses import SessionStatus
from shared.settings import Settings

if TYPE_CHECKING:
    from google.cloud.firestore import Client, WriteBatch

__all__ = ["LEDGER", "MAX_REASON_LENGTH", "LedgerEntry", "grant_credits"]


def grant_credits(
    *,
    db: Client,
    user_id: str,
    delta: int,
    reason: str,
    actor: str,
    settings: Settings,
    timers: SessionTimers | None = None,
    idempotency: Idempotency | None = None,
    idempotency_owner: str | None = None,
) -> tuple[int, int]:
    """Add `delta` (negative to remove) to the user's remaining credits; return (before, after).

    A missing user document is created with the configured starting grant first. The balance never
    goes below zero: such a change raises InsufficientCredits and writes nothing. With `idempotency`
    (an admin's Idempotency-Key, kept under `idempotency_owner`) a retried grant replays its first
    result instead of granting twice.
    """
    reason = validate_grant(user_id=user_id, delta=delta, reason=reason)
    user_ref = db.collection(USERS).document(user_id)
    record_ref = None
    if idempotency is not None:
        owner = db.collection(USERS).document(idempotency_owner or actor)
        record_ref = owner.collection(IDEMPOTENCY).document(idempotency.record_id)

    def step(batch: WriteBatch) -> tuple[int, int, list[Session]]:
        now = utcnow()
        if record_ref is not None and idempotency is not None:
            record = record_ref.get()
            if record.exists:
                stored = record.to_dict() or {}
                idempotency.check(stored.get("fingerprint", ""))
                return int(stored["result"]["before"]), int(stored["result"]["after"]), []
        snapshot = user_ref.get()
        if snapshot.exists:
            user = from_document(UserDocument, snapshot.to_dict())
        else:
            user = new_user(now=now, starting_credits=settings.starting_credits)
        granted = grant(user=user, delta=delta, reason=reason, actor=actor, now=now)
        before, after = granted.before, granted.after
        put_unchanged(db, batch, user_ref, snapshot, to_document(granted.user))
        batch.create(user_ref.collection(LEDGER).document(), to_document(granted.entry))
        # The live sessions whose end this moves: their balance, warning and timer generation.
        moved = []
        refs = [db.collection(SESSIONS).document(sid) for sid in user.live_session_ids]
        for found in db.get_all(refs) if refs else []:
            if not found.exists:
                continue
            session = moved_by_grant(
                from_document(Session, found.to_dict(), id=found.id),
                remaining=after,
                warn_minutes=settings.low_credit_warning_minutes,
                now=now,
            )
            if session is None:
                continue
            batch.update(
                found.reference,
                {
                    "creditsRemaining": session.credits_remaining,
                    "warning": to_document(session.warning) if session.warning is not None else None,
                    "timerGeneration": session.timer_generation,
                    "updatedAt": now,
                },
                option=db.write_option(last_update_time=found.update_time),
            )
            moved.append(session)
        if record_ref is not None and idempotency is not None:
            batch.create(
                record_ref,
                {
                    "fingerprint": idempotency.fingerprint,
                    "result": {"before": before, "after": after},
                    "createdAt": now,
                    "expiresAt": now + timedelta(hours=settings.idempotency_ttl_hours),
                },
            )
        return before, after, moved

    before, after, moved = commit_unchanged(db, step)
    planner = timers or NoTimers()  # without a task queue, heartbeats and the sweep still end them
    for session in moved:
        if session.status is SessionStatus.ACTIVE:
            planner.plan(session)
    return before, after
