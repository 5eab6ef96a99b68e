"""The storage a conversation turn needs (the `MessageStore` port) and the deterministic ids that make
retries safe: a message's id derives from the client's `clientMessageId`, its reply's from the message."""

from __future__ import annotations

import hashlib
from abc import ABC, abstractmethod
from datetime import datetime

from shared.conversation.generation import claimable
from shared.conversation.provider import ChatTurn
from shared.models.messages import Message
from shared.models.sessions import Session
from shared.sessions.statuses import SessionStatus


def message_id_for(session_id: str, client_message_id: str) -> str:
    return hashlib.sha256(f"{session_id}\n{client_message_id}".encode()).hexdigest()[:24]


def reply_id_for(message_id: str) -> str:
    return f"{message_id}-r"


class SessionChanged(Exception):
    """The session changed between the read a turn was prepared from and the atomic write that would
    store the turn's message; nothing was written, and the turn is prepared again from the session now."""


def same_turn_inputs(prepared: Session, now: Session) -> bool:
    """Whether a turn prepared from `prepared` (screened, escalated, timed) is still right for `now`."""
    return (
        prepared.user_id == now.user_id
        and prepared.status is now.status
        and prepared.safety_state is now.safety_state
        and prepared.started_at == now.started_at
        and prepared.paused_seconds == now.paused_seconds
    )


class MessageStore(ABC):
    """Storage the conversation needs. Firestore in the functions; in memory in unit tests."""

    @abstractmethod
    def load_session(self, session_id: str, *, fresh: bool = True) -> Session | None:
        """The session. With `fresh=False` adapters may answer from what they last read: only a turn
        asks that, because `create_message(prepared_from=...)` re-reads it atomically before anything
        is stored. Everyone else (triggers deciding on the status or the memory) reads it fresh."""

    @abstractmethod
    def create_message(self, message: Message, *, prepared_from: Session | None = None) -> Message | None:
        """Create the message; if one with this id exists, return it and write nothing.

        The session is read in the same atomic write (or shown unchanged since this instance read it): a
        message racing a pause or an end is either stored before it or refused (InvalidStateTransition),
        never stored after it; and when the turn
        was prepared from a session that differs from it (`same_turn_inputs`), SessionChanged and
        nothing is written. Afterwards `load_session` answers with the session this write read."""

    def claim_generation(self, *, session_id: str, message_id: str, now: datetime, lease: float) -> bool:
        """Claim the generation of the message's reply if `claimable` (atomically in real adapters)."""
        message = self.get_message(session_id, message_id)
        if message is None:
            return False
        reply = self.get_message(session_id, reply_id_for(message_id))
        if not claimable(claimed_at=message.reply_claimed_at, reply=reply, now=now, lease=lease):
            return False
        self.save_message(message.model_copy(update={"reply_claimed_at": now}))
        return True

    def session_active(self, session_id: str) -> bool:
        """Whether the session is still active (read fresh: a pause or an end may come from anywhere)."""
        session = self.load_session(session_id)
        return session is not None and session.status is SessionStatus.ACTIVE

    @abstractmethod
    def get_message(self, session_id: str, message_id: str) -> Message | None: ...

    @abstractmethod
    def recent_messages(self, session_id: str, limit: int) -> list[Message]:
        """The newest `limit` messages, oldest first."""

    @abstractmethod
    def save_message(self, message: Message) -> None:
        """Write the whole message document (used for streaming updates of the AI reply)."""

    @abstractmethod
    def set_ai_typing(self, session_id: str, typing: bool) -> None: ...

    @abstractmethod
    def request_stats_flush(self, session_id: str) -> None:
        """Ask for the session's aggregates to be recomputed soon (at most about once a second)."""

    def record_prompt(self, session_id: str, reply_id: str, prompt: list[ChatTurn], model: str) -> None:
        """Keep the exact prompt of a reply (only with SESSIONS_RECORD_PROMPTS, for tests and debugging)."""
        return None

    def meter(self, session: Session) -> Session:
        """Charge a minute of the session that started since its last charge; the session after it
        (ended when its credits or planned time ran out). Stores without metering change nothing."""
        return session
