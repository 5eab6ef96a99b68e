"""Firestore adapter of SessionService: every lifecycle change is one transaction."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, cast

from backend.store import cache, metering
from backend.store.documents import (
    IDEMPOTENCY,
    SESSIONS,
    USERS,
    from_document,
)
from backend.store.errors import translate_errors
from backend.store.users import user_from_snapshot
from backend.store.writes import write_change
from shared.clock import utcnow
from shared.errors import NotFound
from shared.models.sessions import ListSessionsQuery, Session
from shared.models.users import Credits, UserDocument
from shared.sessions.lifecycle import (
    Change,
    ensure_live,
    memory_due,
    metered_action,
    needs_timers,
    reschedule,
)
from shared.sessions.metering import charge_due
from shared.sessions.ports import Idempotency, SessionEvents, SessionPage, SessionService, SessionTimers
from shared.sessions.statuses import SessionAction, SessionStatus
from shared.settings import Settings

if TYPE_CHECKING:
    from google.cloud.firestore import Client, DocumentReference, Transaction


ACTION_ATTEMPTS = 25


@translate_errors
class FirestoreSessionService(SessionService):
    def __init__(
        self,
        *,
        settings: Settings,
        db: Client,
        timers: SessionTimers | None = None,
        events: SessionEvents | None = None,
    ) -> None:
        super().__init__(settings=settings, timers=timers, events=events)
        self.db = db

    # -- helpers -------------------------------------------------------------------------
    def _user_ref(self, user_id: str) -> DocumentReference:
        return self.db.collection(USERS).document(user_id)

    def _session_ref(self, session_id: str) -> DocumentReference:
        return self.db.collection(SESSIONS).document(session_id)

    def _idempotency_ref(self, user_id: str, idempotency: Idempotency) -> DocumentReference:
        records = self._user_ref(user_id).collection(IDEMPOTENCY)
        return cast("DocumentReference", records.document(idempotency.record_id))

    def _read_user(self, user_id: str, now: datetime, transaction: Any = None) -> UserDocument:
        snapshot = self._user_ref(user_id).get(transaction=transaction)
        return user_from_snapshot(snapshot, now=now, settings=self.settings, db=self.db)

    def _replay(
        self, transaction: Transaction, user_id: str, idempotency: Idempotency | None
    ) -> Session | None:
        if idempotency is None:
            return None
        snapshot = self._idempotency_ref(user_id, idempotency).get(transaction=transaction)
        if not snapshot.exists:
            return None
        record = snapshot.to_dict() or {}
        idempotency.check(record.get("fingerprint", ""))
        return Session.model_validate(record["result"])

    def _write(
        self,
        transaction: Transaction,
        user_id: str,
        change: Change,
        idempotency: Idempotency | None,
        now: datetime,
    ) -> Session:
        write_change(self.db, transaction, user_id, change)
        if idempotency is not None:
            transaction.set(
                self._idempotency_ref(user_id, idempotency),
                {
                    "fingerprint": idempotency.fingerprint,
                    "result": change.session.model_dump(mode="json"),
                    "createdAt": now,
                    "expiresAt": now + timedelta(hours=self.settings.idempotency_ttl_hours),
                },
            )
        return change.session

    def _load(self, session_id: str, transaction: Any = None) -> Session | None:
        snapshot = self._session_ref(session_id).get(transaction=transaction)
        if not snapshot.exists:
            return None
        return from_document(Session, snapshot.to_dict(), id=snapshot.id)

    def _owned(self, session: Session | None, user_id: str, is_admin: bool = False) -> Session:
        if session is None or (session.user_id != user_id and not is_admin):
            raise NotFound("Session not found.")
        return session

    # -- port ----------------------------------------------------------------------------
    def _create(
        self,
        *,
        user_id: str,
        decide: Callable[[UserDocument, str, datetime], Change],
        idempotency: Idempotency | None,
    ) -> Session:
        from google.cloud import firestore

        session_id = self.db.collection(SESSIONS).document().id

        @firestore.transactional
        def run(transaction: Transaction) -> tuple[Session, bool]:
            if (replayed := self._replay(transaction, user_id, idempotency)) is not None:
                return replayed, False
            now = utcnow()
            user_snapshot = self._user_ref(user_id).get(transaction=transaction)
            user = user_from_snapshot(user_snapshot, now=now, settings=self.settings, db=self.db)
            change = decide(user, session_id, now)
            if change.user is None and not user_snapshot.exists:  # a first request creates the user
                change = replace(change, user=user)
            return self._write(transaction, user_id, change, idempotency, now), True

        session, created = cast("tuple[Session, bool]", run(self.db.transaction()))
        return self._planned(None, session) if created else session

    def _planned(self, before: Session | None, after: Session) -> Session:
        """Plan the timers a committed change asks for (never for a replayed idempotent result), and
        announce a session that this change ended."""
        if needs_timers(before, after):
            self.timers.plan(after)
        if memory_due(before, after):
            self.events.ended(after)
        return after

    def upcoming(self, *, user_id: str, limit: int = 50) -> list[Session]:
        from google.cloud.firestore import FieldFilter

        query = (
            self.db.collection(SESSIONS)
            .where(filter=FieldFilter("userId", "==", user_id))
            .where(filter=FieldFilter("status", "==", SessionStatus.PENDING.value))
            .order_by("scheduledAt")
            .limit(limit)
        )
        return [from_document(Session, doc.to_dict(), id=doc.id) for doc in query.get()]

    def reschedule(
        self,
        *,
        user_id: str,
        session_id: str,
        scheduled_at: datetime,
        idempotency: Idempotency | None = None,
    ) -> Session:
        def decide(session: Session, transaction: Transaction, now: datetime) -> Change:
            return reschedule(
                session=session, scheduled_at=scheduled_at, actor=user_id, now=now, rules=self.rules
            )

        return self._transition(user_id, session_id, idempotency, decide)

    def get(self, *, user_id: str, session_id: str, is_admin: bool = False) -> Session:
        return self._owned(self._load(session_id), user_id, is_admin)

    def get_live(self, *, user_id: str) -> Session | None:
        snapshot = self._user_ref(user_id).get()
        if not snapshot.exists:
            return None
        user = from_document(UserDocument, snapshot.to_dict())
        if not user.live_session_ids:
            return None
        return self._load(user.live_session_ids[0])

    def list(self, *, user_id: str | None, query: ListSessionsQuery) -> SessionPage:
        from google.cloud.firestore import FieldFilter, Query

        base: Any = self.db.collection(SESSIONS)
        if user_id is not None:
            base = base.where(filter=FieldFilter("userId", "==", user_id))
        if query.status is not None:
            base = base.where(filter=FieldFilter("status", "==", query.status.value))
        total = int(base.count().get()[0][0].value)
        ordered = base.order_by("createdAt", direction=Query.DESCENDING)
        page = ordered.offset((query.page - 1) * query.limit).limit(query.limit).get()
        sessions = [from_document(Session, doc.to_dict(), id=doc.id) for doc in page]
        return SessionPage(sessions=sessions, total=total)

    def act(
        self,
        *,
        user_id: str,
        session_id: str,
        action: SessionAction,
        reason: str | None = None,
        user_rating: int | None = None,
        idempotency: Idempotency | None = None,
    ) -> Session:
        def decide(session: Session, transaction: Transaction, now: datetime) -> Change:
            # Every action of a live session charges it up to now, so it reads the balance too.
            return metered_action(
                session=session,
                user=self._read_user(session.user_id, now, transaction),
                action=action,
                actor=user_id,
                now=now,
                rules=self.rules,
                max_live_sessions=self.settings.max_live_sessions_per_user,
                reason=reason,
                user_rating=user_rating,
            )

        return self._transition(user_id, session_id, idempotency, decide)

    def _transition(
        self,
        user_id: str,
        session_id: str,
        idempotency: Idempotency | None,
        decide: Callable[[Session, Transaction, datetime], Change],
    ) -> Session:
        """One transaction over an existing session: replay an idempotent retry, else check ownership,
        `decide` the change and write it; then plan its timers and announce an end."""
        from google.cloud import firestore

        @firestore.transactional
        def run(transaction: Transaction) -> tuple[Session | None, Session]:
            if (replayed := self._replay(transaction, user_id, idempotency)) is not None:
                return replayed, replayed
            session = self._owned(self._load(session_id, transaction), user_id)
            now = utcnow()
            change = decide(session, transaction, now)
            return session, self._write(transaction, session.user_id, change, idempotency, now)

        # Messages read the session in their own transactions; a pause, end or cancel must not lose
        # to a burst of them and leave the session as it was, so it retries far longer than they do.
        before, after = cast(
            "tuple[Session | None, Session]", run(self.db.transaction(max_attempts=ACTION_ATTEMPTS))
        )
        cache.invalidate(session_id)  # the message path must see the new status at once
        return self._planned(before, after)

    def heartbeat(self, *, user_id: str, session_id: str) -> datetime:
        session = self._owned(self._load(session_id), user_id)
        ensure_live(session, "heartbeat")
        now = utcnow()
        if charge_due(session, now):
            # A new minute started (about once per minute): charge it (one optimistic commit).
            result = metering.charge(
                self.db, session_id, settings=self.settings, seen=True, user_id=session.user_id
            )
            if result is not None:
                if result.ended:
                    self.events.ended(result.session)
                return result.at
        self._session_ref(session_id).update({"lastSeenAt": now})
        return now

    def credits(self, *, user_id: str) -> Credits:
        return self._read_user(user_id, utcnow()).credits
