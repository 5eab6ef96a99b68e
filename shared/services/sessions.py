"""The session service port. Every adapter must pass tests/behaviour/test_session_service.py."""

from __future__ import annotations

import hashlib
from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import datetime

from shared.avatars import load_avatars, resolve_avatar
from shared.errors import IdempotencyKeyReused
from shared.models.sessions import ListSessionsQuery, Session, StartSessionRequest
from shared.models.users import Avatar, Credits
from shared.settings import Settings
from shared.statuses import SessionAction


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


class SessionService(ABC):
    """Session lifecycle for one backend. Ownership is enforced here: foreign ids are NotFound."""

    def __init__(self, *, settings: Settings) -> None:
        self.settings = settings

    def avatar(self, requested: str) -> Avatar:
        return resolve_avatar(load_avatars(self.settings.avatars_file), requested)

    @abstractmethod
    def start(
        self, *, user_id: str, request: StartSessionRequest, idempotency: Idempotency | None = None
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
    def heartbeat(self, *, user_id: str, session_id: str) -> datetime: ...

    @abstractmethod
    def credits(self, *, user_id: str) -> Credits: ...
