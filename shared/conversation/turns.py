"""One conversation turn: store the user's message, then (optionally) stream the AI reply.

Retries are safe: message ids derive from the client's `clientMessageId`, so a retried request finds
the stored message (and its reply) instead of writing twice. Streaming writes are throttled: the AI
message document is rewritten at most once per `stream_update_interval_ms`, and a reply that is
ready before the first interval is written once, already complete.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime

from shared.conversation.generation import lease_seconds
from shared.conversation.grounding import KnowledgeGrounding
from shared.conversation.provider import AiProvider
from shared.conversation.referrals import turn_embedding
from shared.conversation.replies import ReplyWriter, seconds_in, session_resources
from shared.conversation.store import MessageStore, SessionChanged, message_id_for, reply_id_for
from shared.conversation.streaming import (
    FALLBACK_REPLY,
    UnsafeReply,
    check_reply,
)
from shared.errors import Conflict, InvalidStateTransition, NotFound
from shared.memory.recall import MemoryRecall
from shared.models.messages import (
    AI_SPEAKER,
    SYSTEM_SPEAKER,
    USER_SPEAKER,
    Message,
    MessageSafety,
    PostMessageRequest,
)
from shared.models.safety import CrisisResources
from shared.models.sessions import Session
from shared.safety.embedding import MessageEmbedding
from shared.safety.escalation import PUBLISH_FROM
from shared.safety.gateway import SafetyGateway
from shared.safety.levels import Screening
from shared.safety.referral import Referral, decide_referral
from shared.safety.referring import applies_to_message
from shared.safety.screen import screen_message
from shared.sessions.statuses import SessionStatus
from shared.settings import Settings

__all__ = [
    "FALLBACK_REPLY",
    "ConversationService",
    "MessageStore",
    "TurnResult",
    "UnsafeReply",
    "check_reply",
    "message_id_for",
    "reply_id_for",
    "screening_window",
]


REPLY_POLL_SECONDS = 0.25


@dataclass(frozen=True)
class TurnResult:
    """`embedding` is the message's sentence embedding, computed once for the screen and kept here for
    whoever needs it next in the same turn (never stored on the message: 384 floats per message would
    double a transcript's size for a vector memory can recompute); None when the model is missing."""

    message: Message
    reply: Message | None
    referral: Referral | None = None
    embedding: MessageEmbedding | None = None


class ConversationService:
    def __init__(
        self,
        *,
        store: MessageStore,
        provider: AiProvider,
        safety: SafetyGateway,
        settings: Settings,
        clock: Callable[[], datetime],
        monotonic: Callable[[], float] = time.monotonic,
        recall: MemoryRecall | None = None,
        sleep: Callable[[float], None] = time.sleep,
        grounding: KnowledgeGrounding | None = None,
    ) -> None:
        self.sleep = sleep
        self.store = store
        self.provider = provider
        self.safety = safety
        self.settings = settings
        self.clock = clock
        self.monotonic = monotonic
        self.replies = ReplyWriter(
            store=store,
            provider=provider,
            settings=settings,
            clock=clock,
            monotonic=monotonic,
            recall=recall,
            grounding=grounding,
        )

    def live_session(self, *, user_id: str, session_id: str, fresh: bool = True) -> Session:
        session = self.store.load_session(session_id, fresh=fresh)
        if not fresh and (
            session is None or session.user_id != user_id or session.status is not SessionStatus.ACTIVE
        ):
            # What this instance read last may be out of date (a resume made elsewhere): a turn is
            # refused only on a fresh read. An accepted one is re-checked by the message's own write.
            session = self.store.load_session(session_id, fresh=True)
        if session is None or session.user_id != user_id:
            raise NotFound("Session not found.")
        if session.status is SessionStatus.ACTIVE:
            session = self.store.meter(session)  # messages charge time as it passes, like heartbeats
        if session.status is not SessionStatus.ACTIVE:
            raise InvalidStateTransition(
                f"Messages need an active session; this one is {session.status.value}.",
                details={"status": session.status.value, "action": "message"},
            )
        return session

    def post(self, *, user_id: str, session_id: str, request: PostMessageRequest) -> TurnResult:
        try:
            return self._post(user_id=user_id, session_id=session_id, request=request, fresh=False)
        except SessionChanged:
            pass  # changed elsewhere since this instance read it: prepare the turn again from a fresh read
        try:
            return self._post(user_id=user_id, session_id=session_id, request=request, fresh=True)
        except SessionChanged:
            raise Conflict(
                "The session changed while the message was being stored; retry.", headers={"Retry-After": "1"}
            ) from None

    def _post(self, *, user_id: str, session_id: str, request: PostMessageRequest, fresh: bool) -> TurnResult:
        session = self.live_session(user_id=user_id, session_id=session_id, fresh=fresh)
        now = self.clock()
        # One read of the recent window serves both the safety screen and the model's context.
        window = max(
            self.settings.context_messages + self.settings.rolling_summary_every - 1,
            self.settings.safety_context_messages * 2,
        )
        recent = self.store.recent_messages(session_id, window)
        # Screened inline, before anything else happens and before any reply is generated.
        embedding = turn_embedding(request.content)
        screening = self._screen(session, request.content, recent, embedding)
        message = Message(
            id=message_id_for(session_id, request.client_message_id),
            session_id=session_id,
            speaker=USER_SPEAKER,  # derived from the caller, never taken from the request
            type=request.type,
            content=request.content,
            created_at=now,
            updated_at=now,
            timestamp_in_session=seconds_in(session, now),
            client_message_id=request.client_message_id,
            # Whoever creates the message generates its reply; retries wait for it (generation.py).
            reply_claimed_at=now if request.wants_reply else None,
            audio_url=request.audio_url,
            audio_duration=request.audio_duration,
            sentiment=screening.analysis.sentiment,
            topics=screening.analysis.topics,
            safety=MessageSafety(
                level=screening.level.value, confidence=screening.confidence, signals=list(screening.signals)
            ),
        )
        existing = self.store.create_message(message, prepared_from=session)
        # The session as the message's own write read it: the freshest this turn can have.
        session = self.store.load_session(session_id, fresh=False) or session
        if existing is None:
            self.store.request_stats_flush(session_id)
        stored = existing or message
        # Applied on retries too: if a first attempt died after storing the message, this completes it.
        session = self._escalate(session, stored, screening)
        referral = applies_to_message(decide_referral(screening), screening)
        if referral is not None:  # recorded once per message, also when a retry completes a first attempt
            session = self.safety.refer(
                session_id=session.id,
                message_id=stored.id,
                referral=referral,
                resources=self._resources(session),
            )
        done = TurnResult(message=stored, reply=None, referral=referral, embedding=embedding)
        if not request.wants_reply:
            return done
        if existing is not None:
            reply = self._stored_reply_or_claim(session_id, existing)
            if reply is not None:
                return replace(done, message=existing, reply=reply)
        history = [m for m in recent if m.id != stored.id] + [stored]
        return replace(done, reply=self.replies.write(session, stored, history, referral))

    def _stored_reply_or_claim(self, session_id: str, message: Message) -> Message | None:
        """For a retried message: the stored reply once it is final, or None when this caller has
        claimed the generation (the first attempt failed or died). Never a half-streamed reply."""
        lease = lease_seconds(self.settings)
        reply_id = reply_id_for(message.id)
        waiting_since = self.clock()
        give_up = self.monotonic() + lease + REPLY_POLL_SECONDS * 4
        while True:
            reply = self.store.get_message(session_id, reply_id)
            if reply is not None and reply.status == "complete":
                return reply
            if reply is not None and reply.status == "failed" and reply.updated_at > waiting_since:
                return reply  # the generation this retry waited for ended in the fallback
            now = self.clock()
            if self.store.claim_generation(
                session_id=session_id, message_id=message.id, now=now, lease=lease
            ):
                return None
            if self.monotonic() >= give_up:
                raise Conflict(
                    "The reply to this message is still being generated; retry shortly.",
                    headers={"Retry-After": "2"},
                )
            self.sleep(REPLY_POLL_SECONDS)

    def _screen(
        self, session: Session, content: str, recent: list[Message], embedding: MessageEmbedding | None
    ) -> Screening:
        window = self.settings.safety_context_messages
        if not window:
            return screen_message(content, embedding=embedding)
        context = [m.content for m in screening_window(session, recent)][-window:]
        return screen_message(content, recent_user_messages=context, embedding=embedding)

    def _resources(self, session: Session) -> CrisisResources:
        return session_resources(session, self.settings.default_locale)

    def _escalate(self, session: Session, message: Message, screening: Screening) -> Session:
        level = screening.level
        if level.rank > session.safety_state.rank:
            session = self.safety.apply(
                session_id=session.id,
                level=level,
                signals=list(screening.signals),
                message_id=message.id,
                source="inline",
                message_created_at=message.created_at,
            )
        if level.at_least(PUBLISH_FROM):
            self.safety.request_assessment(session=session, message_id=message.id, level=level)
        return session


def screening_window(session: Session, messages: list[Message]) -> list[Message]:
    """The messages the safety screen may look back on: the people's, since the last admin clear
    (so a disclosure an admin has dealt with does not raise the level again)."""
    cleared = session.safety_cleared_at
    return [
        m
        for m in messages
        if m.speaker not in (AI_SPEAKER, SYSTEM_SPEAKER) and (cleared is None or m.created_at > cleared)
    ]
