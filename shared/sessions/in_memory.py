"""In-memory adapter of SessionService, for unit tests and as the reference behaviour."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from datetime import datetime

from shared.clock import utcnow
from shared.errors import NotFound
from shared.models.credits import LedgerEntry
from shared.models.sessions import (
    ListSessionsQuery,
    Session,
    SessionEvent,
)
from shared.models.users import Credits, UserDocument
from shared.sessions.lifecycle import (
    Change,
    ensure_live,
    memory_due,
    metered_action,
    needs_timers,
    new_user,
    reschedule,
)
from shared.sessions.metering import bill, charge_due
from shared.sessions.ports import Idempotency, SessionEvents, SessionPage, SessionService, SessionTimers
from shared.sessions.statuses import SessionAction, SessionStatus
from shared.settings import Settings


class InMemorySessionService(SessionService):
    def __init__(
        self,
        *,
        settings: Settings,
        timers: SessionTimers | None = None,
        events: SessionEvents | None = None,
    ) -> None:
        super().__init__(settings=settings, timers=timers, events=events)
        self._lock = threading.Lock()
        self.users: dict[str, UserDocument] = {}
        self.sessions: dict[str, Session] = {}
        self.history: dict[str, list[SessionEvent]] = {}
        self.ledger: dict[str, list[LedgerEntry]] = {}
        self._idempotency: dict[tuple[str, str], tuple[str, Session]] = {}

    def _user(self, user_id: str, now: datetime) -> UserDocument:
        return self.users.get(user_id) or new_user(now=now, starting_credits=self.settings.starting_credits)

    def _replay(self, user_id: str, idempotency: Idempotency | None) -> Session | None:
        if idempotency is None:
            return None
        stored = self._idempotency.get((user_id, idempotency.record_id))
        if stored is None:
            return None
        idempotency.check(stored[0])
        return stored[1]

    def _commit(self, user_id: str, change: Change, idempotency: Idempotency | None) -> Session:
        before = self.sessions.get(change.session.id)
        if change.user is not None:
            self.users[user_id] = change.user
        elif user_id not in self.users:
            self.users[user_id] = self._user(user_id, change.event.at)
        if change.ledger is not None:
            self.ledger.setdefault(user_id, []).append(change.ledger)
        self.sessions[change.session.id] = change.session
        self.history.setdefault(change.session.id, []).append(change.event)
        if idempotency is not None:
            key = (user_id, idempotency.record_id)
            self._idempotency[key] = (idempotency.fingerprint, change.session)
        if needs_timers(before, change.session):
            self.timers.plan(change.session)
        if memory_due(before, change.session):
            self.events.ended(change.session)
        return change.session

    def _create(
        self,
        *,
        user_id: str,
        decide: Callable[[UserDocument, str, datetime], Change],
        idempotency: Idempotency | None,
    ) -> Session:
        with self._lock:
            if (replayed := self._replay(user_id, idempotency)) is not None:
                return replayed
            now = utcnow()
            change = decide(self._user(user_id, now), uuid.uuid4().hex, now)
            return self._commit(user_id, change, idempotency)

    def upcoming(self, *, user_id: str, limit: int = 50) -> list[Session]:
        pending = [
            s for s in self.sessions.values() if s.user_id == user_id and s.status is SessionStatus.PENDING
        ]
        return sorted(pending, key=lambda s: s.scheduled_at or s.created_at)[:limit]

    def reschedule(
        self,
        *,
        user_id: str,
        session_id: str,
        scheduled_at: datetime,
        idempotency: Idempotency | None = None,
    ) -> Session:
        with self._lock:
            if (replayed := self._replay(user_id, idempotency)) is not None:
                return replayed
            session = self.get(user_id=user_id, session_id=session_id)
            change = reschedule(
                session=session, scheduled_at=scheduled_at, actor=user_id, now=utcnow(), rules=self.rules
            )
            return self._commit(user_id, change, idempotency)

    def get(self, *, user_id: str, session_id: str, is_admin: bool = False) -> Session:
        session = self.sessions.get(session_id)
        if session is None or (session.user_id != user_id and not is_admin):
            raise NotFound("Session not found.")
        return session

    def get_live(self, *, user_id: str) -> Session | None:
        user = self.users.get(user_id)
        if user is None or not user.live_session_ids:
            return None
        return self.sessions[user.live_session_ids[0]]

    def list(self, *, user_id: str | None, query: ListSessionsQuery) -> SessionPage:
        found = [
            s
            for s in self.sessions.values()
            if (user_id is None or s.user_id == user_id)
            and (query.status is None or s.status == query.status)
        ]
        found.sort(key=lambda s: s.created_at, reverse=True)
        start = (query.page - 1) * query.limit
        return SessionPage(sessions=found[start : start + query.limit], total=len(found))

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
        with self._lock:
            if (replayed := self._replay(user_id, idempotency)) is not None:
                return replayed
            session = self.get(user_id=user_id, session_id=session_id)
            now = utcnow()
            change = metered_action(
                session=session,
                action=action,
                actor=user_id,
                now=now,
                user=self._user(session.user_id, now),
                rules=self.rules,
                max_live_sessions=self.settings.max_live_sessions_per_user,
                reason=reason,
                user_rating=user_rating,
            )
            return self._commit(session.user_id, change, idempotency)

    def heartbeat(self, *, user_id: str, session_id: str) -> datetime:
        with self._lock:
            session = self.get(user_id=user_id, session_id=session_id)
            ensure_live(session, "heartbeat")
            now = utcnow()
            if charge_due(session, now):
                charged = bill(
                    session=session,
                    user=self._user(user_id, now),
                    now=now,
                    warn_minutes=self.settings.low_credit_warning_minutes,
                )
                self.users[user_id] = charged.user
                if charged.entry is not None:
                    self.ledger.setdefault(user_id, []).append(charged.entry)
                session = charged.session
                if charged.end_reason is not None:
                    change = metered_action(
                        session=session,
                        user=charged.user,
                        action=SessionAction.END,
                        actor="metering",
                        now=now,
                        rules=self.rules,
                        max_live_sessions=self.settings.max_live_sessions_per_user,
                        reason=charged.end_reason,
                    )
                    self._commit(user_id, change, None)
                    return now
            self.sessions[session_id] = session.model_copy(update={"last_seen_at": now})
            return now

    def credits(self, *, user_id: str) -> Credits:
        return self._user(user_id, utcnow()).credits
