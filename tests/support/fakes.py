"""Fakes of our own ports (never of Firestore, Pub/Sub or Tasks) for unit tests of the domain."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

from shared.conversation.provider import AiProvider, ReplyChunk, ReplyRequest
from shared.conversation.store import SessionChanged, same_turn_inputs
from shared.conversation.turns import MessageStore
from shared.errors import InvalidStateTransition
from shared.models.messages import Message, MessageType
from shared.models.safety import CrisisResources
from shared.models.sessions import Session
from shared.safety.escalation import escalate
from shared.safety.gateway import SafetyGateway
from shared.safety.levels import SafetyLevel
from shared.safety.referral import Referral
from shared.safety.referring import carried_referral
from shared.safety.resources import resources_for
from shared.sessions.statuses import SessionStatus


class FakeClock:
    """Wall clock and monotonic clock that only move when a test says so."""

    def __init__(self) -> None:
        self.now = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
        self.mono = 1000.0

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)
        self.mono += seconds

    def wall(self) -> datetime:
        return self.now

    def monotonic(self) -> float:
        return self.mono


class InMemoryMessageStore(MessageStore):
    def __init__(self, sessions: dict[str, Session]) -> None:
        self.sessions = sessions
        self.messages: dict[str, Message] = {}
        self.writes: list[tuple[str, str]] = []  # (kind, id) in order, to count and order writes
        self.typing: list[bool] = []
        self.flushes = 0
        self.lock = threading.RLock()
        self.claims = 0  # what a transaction gives the real store

    def load_session(self, session_id: str, *, fresh: bool = True) -> Session | None:
        return self.sessions.get(session_id)

    def create_message(self, message: Message, *, prepared_from: Session | None = None) -> Message | None:
        with self.lock:
            if message.id in self.messages:
                return self.messages[message.id]
            session = self.sessions.get(message.session_id)
            if session is None or session.status is not SessionStatus.ACTIVE:
                raise InvalidStateTransition("Messages need an active session.")
            if prepared_from is not None and not same_turn_inputs(prepared_from, session):
                raise SessionChanged()
            self.messages[message.id] = message
            self.writes.append(("create", message.id))
            return None

    def claim_generation(self, *, session_id: str, message_id: str, now: datetime, lease: float) -> bool:
        with self.lock:
            self.claims += 1
            return super().claim_generation(
                session_id=session_id, message_id=message_id, now=now, lease=lease
            )

    def get_message(self, session_id: str, message_id: str) -> Message | None:
        return self.messages.get(message_id)

    def recent_messages(self, session_id: str, limit: int) -> list[Message]:
        found = sorted(
            (m for m in self.messages.values() if m.session_id == session_id), key=lambda m: m.created_at
        )
        return found[-limit:]

    def save_message(self, message: Message) -> None:
        self.messages[message.id] = message
        self.writes.append((f"save:{message.status}", message.id))

    def set_ai_typing(self, session_id: str, typing: bool) -> None:
        self.typing.append(typing)

    def request_stats_flush(self, session_id: str) -> None:
        self.flushes += 1


class ScriptedProvider(AiProvider):
    """Streams the given words, advancing the fake clock by `step` seconds before each chunk."""

    model = "scripted"

    def __init__(
        self, words: list[str], clock: FakeClock, step: float = 0.0, fail_times: int = 0, end: bool = True
    ) -> None:
        self.words = words
        self.clock = clock
        self.step = step
        self.fail_times = fail_times
        self.end = end
        self.calls = 0
        self.requests: list[ReplyRequest] = []

    def stream(self, request: ReplyRequest) -> Iterator[ReplyChunk]:
        self.calls += 1
        self.requests.append(request)
        if self.calls <= self.fail_times:
            raise ConnectionError("provider down")
        for word in self.words:
            self.clock.advance(self.step)
            yield ReplyChunk(word + " ")
        if self.end:
            yield ReplyChunk("", done=True, tokens_used=len(self.words))


class InMemorySafetyGateway(SafetyGateway):
    """Applies the real escalation rules to the in-memory sessions; records assessment requests."""

    def __init__(self, sessions: dict[str, Session], clock: FakeClock) -> None:
        self.sessions = sessions
        self.clock = clock
        self.alerts: dict[str, object] = {}
        self.assessments: list[tuple[str, SafetyLevel]] = []
        self.referrals: dict[str, Referral] = {}

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
        session = self.sessions[session_id]
        change = escalate(
            message_created_at=message_created_at,
            session=session,
            level=level,
            signals=signals,
            message_id=message_id,
            source=source,
            now=self.clock.wall(),
            resources=resources_for(None),
        )
        if change is None:
            return session
        self.sessions[session_id] = change.session
        if change.alert is not None:
            self.alerts[change.alert.id] = change.alert
        return change.session

    def refer(
        self, *, session_id: str, message_id: str, referral: Referral, resources: CrisisResources
    ) -> Session:
        session = self.sessions[session_id]
        if message_id in self.referrals:
            return session
        self.referrals[message_id] = referral
        shown = carried_referral(session.referral, referral, self.clock.wall())
        session = session.model_copy(
            update={"referral": shown, "crisis_resources": session.crisis_resources or resources}
        )
        self.sessions[session_id] = session
        return session

    def request_assessment(self, *, session: Session, message_id: str, level: SafetyLevel) -> None:
        self.assessments.append((message_id, level))


MESSAGES_START = datetime(2026, 3, 2, 18, 0, tzinfo=UTC)


def transcript_message(n: int, speaker: str, content: str, kind: MessageType | None = None) -> Message:
    """Message number `n` of session "s1", 10 s after the previous one; `kind` follows the speaker."""
    at = MESSAGES_START + timedelta(seconds=10 * n)
    if kind is None:
        kind = "ai" if speaker == "ai" else "system" if speaker == "system" else "text"
    return Message(
        id=f"m{n}",
        session_id="s1",
        speaker=speaker,
        type=kind,
        content=content,
        created_at=at,
        updated_at=at,
        timestamp_in_session=10.0 * n,
    )
