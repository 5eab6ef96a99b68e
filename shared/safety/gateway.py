"""The port through which a conversation turn escalates safety (Firestore + Pub/Sub in the functions)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from datetime import datetime

from shared.models.sessions import Session
from shared.safety.levels import SafetyLevel


class SafetyGateway(ABC):
    @abstractmethod
    def apply(
        self,
        *,
        session_id: str,
        level: SafetyLevel,
        signals: list[str],
        message_id: str,
        source: str,
        message_created_at: datetime | None = None,
    ) -> Session:
        """Raise the session's safety state if `level` is higher (atomically, idempotently); return it.

        A verdict on a message created at or before the session's last admin clear changes nothing."""

    @abstractmethod
    def request_assessment(self, *, session: Session, message_id: str, level: SafetyLevel) -> None:
        """Ask for the deep assessment of this message (Pub/Sub); it may raise the level, never lower it."""
