"""In-memory adapter of SessionService, for unit tests and as the reference behaviour."""

from __future__ import annotations

import threading
import uuid
from datetime import datetime

from shared.clock import utcnow
from shared.errors import NotFound
from shared.lifecycle import Change, apply_action, ensure_live, new_user, start_instant
from shared.models.sessions import ListSessionsQuery, Session, SessionEvent, StartSessionRequest
from shared.models.users import Credits, UserDocument
from shared.services.sessions import Idempotency, SessionPage, SessionService
from shared.settings import Settings
from shared.statuses import SessionAction


class InMemorySessionService(SessionService):
    def __init__(self, *, settings: Settings) -> None:
        super().__init__(settings=settings)
        self._lock = threading.Lock()
        self.users: dict[str, UserDocument] = {}
        self.sessions: dict[str, Session] = {}
        self.events: dict[str, list[SessionEvent]] = {}
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
        if change.user is not None:
            self.users[user_id] = change.user
        self.sessions[change.session.id] = change.session
        self.events.setdefault(change.session.id, []).append(change.event)
        if idempotency is not None:
            key = (user_id, idempotency.record_id)
            self._idempotency[key] = (idempotency.fingerprint, change.session)
        return change.session

    def start(
        self, *, user_id: str, request: StartSessionRequest, idempotency: Idempotency | None = None
    ) -> Session:
        avatar = self.avatar(request.avatar)
        with self._lock:
            if (replayed := self._replay(user_id, idempotency)) is not None:
                return replayed
            now = utcnow()
            change = start_instant(
                user=self._user(user_id, now),
                user_id=user_id,
                session_id=uuid.uuid4().hex,
                request=request,
                avatar=avatar,
                now=now,
                max_live_sessions=self.settings.max_live_sessions_per_user,
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
            change = apply_action(
                session=session,
                action=action,
                actor=user_id,
                now=now,
                user=self._user(session.user_id, now),
                reason=reason,
                user_rating=user_rating,
            )
            return self._commit(session.user_id, change, idempotency)

    def heartbeat(self, *, user_id: str, session_id: str) -> datetime:
        with self._lock:
            session = self.get(user_id=user_id, session_id=session_id)
            ensure_live(session, "heartbeat")
            now = utcnow()
            self.sessions[session_id] = session.model_copy(update={"last_seen_at": now})
            return now

    def credits(self, *, user_id: str) -> Credits:
        return self._user(user_id, utcnow()).credits
