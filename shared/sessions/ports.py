"""The session service port. Every adapter must pass tests/behaviour/test_session_service.py."""

from __future__ import annotations

import hashlib
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from shared.avatars import load_avatars, resolve_avatar
from shared.errors import IdempotencyKeyReused
from shared.models.sessions import ListSessionsQuery, ScheduleSessionRequest, Session, StartSessionRequest
from shared.models.users import Avatar, Credits, UserDocument
from shared.sessions.lifecycle import Change, MeteringRules, schedule_session, start_instant
from shared.sessions.statuses import SessionAction
from shared.settings import Settings


@dataclass(frozen=True)
class Idempotency:
    """A client's Idempotency-Key, scoped to one user, with a fingerprint of the request it named."""

    key: str
    fingerprint: str

    @property
    def record_id(self) -> str:
        return hashlib.sha256(self.key.encode()).hexdigest()[:40]

    def check(self, stored_fingerprint: str) -> None:
        if stored_fingerprint != self.fingerprint:
            raise IdempotencyKeyReused(details={"idempotencyKey": self.key})


@dataclass(frozen=True)
class SessionPage:
    sessions: list[Session]
    total: int


class SessionTimers(ABC):
    """Plans the timers a session's current state needs (its end and low-credit warning while active;
    reminders and `missed` while pending). Called after a change commits. Idempotent: the same state
    plans the same task ids, and a timer planned for an older state finds it changed and no-ops."""

    @abstractmethod
    def plan(self, session: Session) -> None: ...


class NoTimers(SessionTimers):
    """For adapters without a task queue (unit tests): nothing happens by itself."""

    def plan(self, session: Session) -> None:
        return None


class SessionEvents(ABC):
    """What an adapter announces after a change has committed, so that the store never calls a trigger or
    a cloud service itself. Implementations never raise into the caller: each announcement has a repair
    path (the sweep republishes an ended session whose memory is still pending; the next message asks
    for the aggregates again)."""

    @abstractmethod
    def ended(self, session: Session) -> None:
        """The session just ended (its memory is due)."""

    @abstractmethod
    def messages_changed(self, session_id: str) -> None:
        """Messages were added or changed: the session's aggregates are due for a recompute."""


class NoEvents(SessionEvents):
    """For adapters without a message bus (unit tests)."""

    def ended(self, session: Session) -> None:
        return None

    def messages_changed(self, session_id: str) -> None:
        return None


def rules_from(settings: Settings) -> MeteringRules:
    return MeteringRules(
        minute_seconds=settings.credit_minute_seconds,
        warn_minutes=settings.low_credit_warning_minutes,
        missed_grace_seconds=settings.missed_grace_seconds,
        schedule_skew_seconds=settings.schedule_clock_skew_seconds,
        max_schedule_ahead_days=settings.max_schedule_ahead_days,
    )


class SessionService(ABC):
    """Session lifecycle for one backend. Ownership is enforced here: foreign ids are NotFound."""

    def __init__(
        self,
        *,
        settings: Settings,
        timers: SessionTimers | None = None,
        events: SessionEvents | None = None,
    ) -> None:
        self.settings = settings
        self.timers = timers or NoTimers()
        self.events = events or NoEvents()

    @property
    def rules(self) -> MeteringRules:
        return rules_from(self.settings)

    def avatar(self, requested: str) -> Avatar:
        return resolve_avatar(load_avatars(self.settings.avatars_file), requested)

    def start(
        self, *, user_id: str, request: StartSessionRequest, idempotency: Idempotency | None = None
    ) -> Session:
        """An instant session, `active` at once (402 without credits, 409 with a live session)."""
        avatar = self.avatar(request.avatar)

        def decide(user: UserDocument, session_id: str, now: datetime) -> Change:
            return start_instant(
                user=user,
                user_id=user_id,
                session_id=session_id,
                request=request,
                avatar=avatar,
                now=now,
                max_live_sessions=self.settings.max_live_sessions_per_user,
                rules=self.rules,
            )

        return self._create(user_id=user_id, decide=decide, idempotency=idempotency)

    def schedule(
        self, *, user_id: str, request: ScheduleSessionRequest, idempotency: Idempotency | None = None
    ) -> Session:
        """A `pending` session for later (started with act(action=START))."""
        avatar = self.avatar(request.avatar)

        def decide(user: UserDocument, session_id: str, now: datetime) -> Change:
            return schedule_session(
                user=user,
                user_id=user_id,
                session_id=session_id,
                request=request,
                avatar=avatar,
                now=now,
                rules=self.rules,
            )

        return self._create(user_id=user_id, decide=decide, idempotency=idempotency)

    @abstractmethod
    def _create(
        self,
        *,
        user_id: str,
        decide: Callable[[UserDocument, str, datetime], Change],
        idempotency: Idempotency | None,
    ) -> Session:
        """Atomically: replay an idempotent retry's first result, or read the user (a new one gets the
        starting grant), `decide` the change for a fresh session id and commit it (the user too, when
        it had no document yet); then plan the timers the new session needs."""

    @abstractmethod
    def upcoming(self, *, user_id: str, limit: int = 50) -> list[Session]:
        """The user's pending sessions, soonest first."""

    @abstractmethod
    def reschedule(
        self,
        *,
        user_id: str,
        session_id: str,
        scheduled_at: datetime,
        idempotency: Idempotency | None = None,
    ) -> Session: ...

    @abstractmethod
    def get(self, *, user_id: str, session_id: str, is_admin: bool = False) -> Session: ...

    @abstractmethod
    def get_live(self, *, user_id: str) -> Session | None: ...

    @abstractmethod
    def list(self, *, user_id: str | None, query: ListSessionsQuery) -> SessionPage:
        """List one user's sessions (or everyone's when user_id is None, for admins), newest first."""

    @abstractmethod
    def act(
        self,
        *,
        user_id: str,
        session_id: str,
        action: SessionAction,
        reason: str | None = None,
        user_rating: int | None = None,
        idempotency: Idempotency | None = None,
    ) -> Session: ...

    @abstractmethod
    def heartbeat(self, *, user_id: str, session_id: str) -> datetime:
        """Mark the client present; also charges a minute that started since the last charge."""

    @abstractmethod
    def credits(self, *, user_id: str) -> Credits: ...
