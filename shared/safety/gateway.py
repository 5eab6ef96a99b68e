"""The ports through which a conversation turn escalates safety: the gateway (Firestore in the functions)
and what it sends out once a change has committed (Pub/Sub and FCM in the functions)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from datetime import datetime

from shared.models.safety import CrisisResources
from shared.models.sessions import Session
from shared.safety.levels import SafetyLevel
from shared.safety.referral import Referral


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
    def refer(
        self, *, session_id: str, message_id: str, referral: Referral, resources: CrisisResources
    ) -> Session:
        """Record the referral `message_id` called for, exactly once per message (`referrals/{messageId}`,
        no personal data), and let the session carry it with `resources` for the client to show (a
        `crisis` referral is never replaced by a later `helper_support`). Atomic and idempotent: a
        retried turn or redelivery records nothing twice. Returns the session."""

    @abstractmethod
    def request_assessment(self, *, session: Session, message_id: str, level: SafetyLevel) -> None:
        """Ask for the deep assessment of this message (Pub/Sub); it may raise the level, never lower it."""


class SafetyOutbound(ABC):
    """Messages the gateway sends after its transaction commits. Implementations never raise: the
    committed level and alert are the record; these only add to them."""

    @abstractmethod
    def assessment_requested(self, *, session: Session, message_id: str, level: SafetyLevel) -> None:
        """Ask for the deep assessment of this message."""

    @abstractmethod
    def push(self, *, token: str, title: str, body: str) -> None:
        """A push notification to a device (a trusted contact's app)."""


class NoSafetyOutbound(SafetyOutbound):
    """For adapters without a network (unit tests): the committed change is all there is."""

    def assessment_requested(self, *, session: Session, message_id: str, level: SafetyLevel) -> None:
        return None

    def push(self, *, token: str, title: str, body: str) -> None:
        return None
