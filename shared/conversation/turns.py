"""One conversation turn: store the user's message, then (optionally) stream the AI reply.

Retries are safe: message ids derive from the client's `clientMessageId`, so a retried request finds
the stored message (and its reply) instead of writing twice. Streaming writes are throttled: the AI
message document is rewritten at most once per `stream_update_interval_ms`, and a reply that is
ready before the first interval is written once, already complete.
"""

from __future__ import annotations

import hashlib
import time
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime

from shared.avatars import load_avatars, resolve_avatar
from shared.conversation.personas import persona_prompt
from shared.conversation.provider import AiProvider, ChatTurn, ReplyRequest
from shared.errors import InvalidStateTransition, NotFound
from shared.memory.recall import MemoryRecall, NoRecall
from shared.models.messages import AI_SPEAKER, SYSTEM_SPEAKER, Message, MessageSafety, PostMessageRequest
from shared.models.safety import CrisisResources
from shared.models.sessions import Session
from shared.safety.embedding import MessageEmbedding, embed_message
from shared.safety.escalation import ALERT_FROM, PUBLISH_FROM
from shared.safety.gateway import SafetyGateway
from shared.safety.levels import SafetyLevel, Screening
from shared.safety.referral import (
    Referral,
    ReferralKind,
    decide_referral,
    helper_support_reply,
    referral_reply,
)
from shared.safety.referring import (
    REFERRAL_REPLY_MODEL,
    applies_to_message,
    mentions_resources,
    referral_instruction,
)
from shared.safety.resources import CRISIS_REPLY_MODEL, SAFE_REPLY_FALLBACK, crisis_reply, resources_for
from shared.safety.screen import screen_message, screen_reply
from shared.sessions.statuses import SessionStatus
from shared.settings import Settings

FALLBACK_REPLY = (
    "I'm sorry, I'm having trouble answering right now. Could you give me a moment and say that again?"
)


def message_id_for(session_id: str, client_message_id: str) -> str:
    return hashlib.sha256(f"{session_id}\n{client_message_id}".encode()).hexdigest()[:24]


def reply_id_for(message_id: str) -> str:
    return f"{message_id}-r"


class MessageStore(ABC):
    """Storage the conversation needs. Firestore in the functions; in memory in unit tests."""

    @abstractmethod
    def load_session(self, session_id: str) -> Session | None: ...

    @abstractmethod
    def create_message(self, message: Message) -> Message | None:
        """Create the message; if one with this id exists, return it and write nothing."""

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
    ) -> None:
        self.store = store
        self.recall = recall or NoRecall()
        self.provider = provider
        self.safety = safety
        self.settings = settings
        self.clock = clock
        self.monotonic = monotonic

    def live_session(self, *, user_id: str, session_id: str) -> Session:
        session = self.store.load_session(session_id)
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
        session = self.live_session(user_id=user_id, session_id=session_id)
        now = self.clock()
        # One read of the recent window serves both the safety screen and the model's context.
        window = max(self.settings.context_messages, self.settings.safety_context_messages * 2)
        recent = self.store.recent_messages(session_id, window)
        # Screened inline, before anything else happens and before any reply is generated.
        embedding = _embedding(request.content)
        screening = self._screen(session, request.content, recent, embedding)
        message = Message(
            id=message_id_for(session_id, request.client_message_id),
            session_id=session_id,
            speaker=request.speaker,
            type=request.type,
            content=request.content,
            created_at=now,
            updated_at=now,
            timestamp_in_session=_seconds_in(session, now),
            client_message_id=request.client_message_id,
            audio_url=request.audio_url,
            audio_duration=request.audio_duration,
            sentiment=screening.analysis.sentiment,
            topics=screening.analysis.topics,
            safety=MessageSafety(
                level=screening.level.value, confidence=screening.confidence, signals=list(screening.signals)
            ),
        )
        existing = self.store.create_message(message)
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
            reply = self.store.get_message(session_id, reply_id_for(existing.id))
            if reply is not None and reply.status != "failed":
                return replace(done, message=existing, reply=reply)
        history = [m for m in recent if m.id != stored.id] + [stored]
        return replace(done, reply=self._reply(session, stored, history, referral))

    def _screen(
        self, session: Session, content: str, recent: list[Message], embedding: MessageEmbedding | None
    ) -> Screening:
        window = self.settings.safety_context_messages
        if not window:
            return screen_message(content, embedding=embedding)
        context = [m.content for m in screening_window(session, recent)][-window:]
        return screen_message(content, recent_user_messages=context, embedding=embedding)

    def _resources(self, session: Session) -> CrisisResources:
        return session.crisis_resources or resources_for(
            _locale(session), default_locale=self.settings.default_locale
        )

    def _escalate(self, session: Session, message: Message, screening: Screening) -> Session:
        level = screening.level
        if level.rank > session.safety_state.rank:
            session = self.safety.apply(
                session_id=session.id,
                level=level,
                signals=list(screening.signals),
                message_id=message.id,
                source="inline",
            )
        if level.at_least(PUBLISH_FROM):
            self.safety.request_assessment(session=session, message_id=message.id, level=level)
        return session

    def _request(self, session: Session, recent: list[Message]) -> ReplyRequest:
        """Bounded context: the persona, the rolling summary of older turns, what was recalled from
        earlier sessions, and the last `context_messages` messages (never the whole history)."""
        avatar = resolve_avatar(load_avatars(self.settings.avatars_file), session.avatar)
        history = [
            ChatTurn("assistant" if m.speaker == AI_SPEAKER else "user", m.content)
            for m in recent[-self.settings.context_messages :]
            if m.status != "failed" and m.speaker != SYSTEM_SPEAKER
        ]
        return ReplyRequest(
            persona_prompt=persona_prompt(avatar),
            avatar_name=avatar.name,
            history=history,
            summary=session.rolling_summary,
            memory=self._memory(session, recent[-1]),
        )

    def _memory(self, session: Session, opening: Message) -> list[str]:
        """Asked once per session, on its first reply, with the message being answered."""
        if session.recalled_memory is not None:
            return session.recalled_memory
        lines = self.recall.recall(session=session, opening=opening.content)
        self.recall.keep(session_id=session.id, lines=lines)
        return lines

    def _reply(
        self, session: Session, message: Message, recent: list[Message], referral: Referral | None = None
    ) -> Message:
        started = self.monotonic()
        now = self.clock()
        reply = Message(
            id=reply_id_for(message.id),
            session_id=session.id,
            speaker=AI_SPEAKER,
            type="ai",
            content="",
            status="streaming",
            created_at=now,
            updated_at=now,
            timestamp_in_session=_seconds_in(session, now),
            reply_to=message.id,
            ai_model=self.provider.model,
        )
        if session.safety_state.at_least(ALERT_FROM):
            final = self._crisis_reply(session, reply)
            self.store.save_message(final)
            return final
        if referral is not None and self.provider.offline:
            final = self._referral_reply(session, reply, referral, replaced=False)
            self.store.save_message(final)
            self.store.request_stats_flush(session.id)
            return final
        streamer = _ThrottledWriter(self, reply, started)
        try:
            request = self._request(session, recent)
            if referral is not None:
                instruction = referral_instruction(referral, self._resources(session))
                request = replace(request, instructions=[*request.instructions, instruction])
            if self.settings.record_prompts:
                self.store.record_prompt(session.id, reply.id, request.messages(), self.provider.model)
            text, tokens = self._with_retries(streamer, request)
            final = reply.model_copy(update={"content": text, "status": "complete", "tokens_used": tokens})
        except UnsafeReply as unsafe:
            final = reply.model_copy(
                update={
                    "content": SAFE_REPLY_FALLBACK,
                    "status": "complete",
                    "safety": MessageSafety(
                        level=unsafe.screening.level.value,
                        confidence=unsafe.screening.confidence,
                        signals=list(unsafe.screening.signals),
                        replaced=True,
                    ),
                }
            )
        except Exception as exc:  # any provider failure ends in the fallback, never a 500
            final = reply.model_copy(
                update={"content": FALLBACK_REPLY, "status": "failed", "failure_reason": _reason(exc)}
            )
        if referral is not None and final.status == "complete" and final.safety is None:
            # The model was told to give the resources; a reply without them is replaced by the template.
            resources = self._resources(session)
            if mentions_resources(final.content, resources):
                final = final.model_copy(update={"safety": _referral_safety(referral, replaced=False)})
            else:
                final = self._referral_reply(session, final, referral, replaced=True)
        if final.status == "complete" and final.safety is None and streamer.final_screening is not None:
            final = final.model_copy(update={"sentiment": streamer.final_screening.analysis.sentiment})
        final = final.model_copy(
            update={
                "updated_at": self.clock(),
                "response_time_ms": round((self.monotonic() - started) * 1000, 1),
            }
        )
        self.store.save_message(final)
        if streamer.typing_shown:
            self.store.set_ai_typing(session.id, False)
        self.store.request_stats_flush(session.id)
        return final

    def _referral_reply(
        self, session: Session, reply: Message, referral: Referral, *, replaced: bool
    ) -> Message:
        """The protocol's template for `referral`, in the session's locale (offline, or the model's reply
        left the resources out)."""
        locale = session.crisis_resources.locale if session.crisis_resources else _locale(session)
        default = self.settings.default_locale
        text = (
            referral_reply(locale, default_locale=default)
            if referral.kind == ReferralKind.CRISIS
            else helper_support_reply(locale, default_locale=default)
        )
        return reply.model_copy(
            update={
                "content": text,
                "status": "complete",
                "ai_model": REFERRAL_REPLY_MODEL,
                "updated_at": self.clock(),
                "safety": _referral_safety(referral, replaced=replaced),
            }
        )

    def _crisis_reply(self, session: Session, reply: Message) -> Message:
        """At HIGH_RISK and above the model is not asked: a fixed, supportive reply with resources."""
        resources = session.crisis_resources or resources_for(
            _locale(session), default_locale=self.settings.default_locale
        )
        return reply.model_copy(
            update={
                "content": crisis_reply(resources),
                "status": "complete",
                "ai_model": CRISIS_REPLY_MODEL,
                "updated_at": self.clock(),
                "safety": MessageSafety(
                    level=session.safety_state.value, confidence=1.0, signals=["crisis_response"]
                ),
            }
        )

    def _with_retries(self, streamer: _ThrottledWriter, request: ReplyRequest) -> tuple[str, int | None]:
        """Retry a failed stream with backoff, but only while nothing was shown and time remains."""
        from tenacity import Retrying, retry_if_exception, stop_after_attempt, wait_exponential

        def retryable(exc: BaseException) -> bool:
            return (
                not isinstance(exc, TimeoutError | UnsafeReply)
                and not streamer.typing_shown
                and self.monotonic() < streamer.deadline
            )

        for attempt in Retrying(
            stop=stop_after_attempt(self.settings.ai_max_attempts),
            wait=wait_exponential(multiplier=0.2, max=2.0),
            retry=retry_if_exception(retryable),
            reraise=True,
        ):
            with attempt:
                return streamer.run(request)
        raise AssertionError("unreachable: tenacity reraises the last error")


class _ThrottledWriter:
    """Consumes the provider's stream, writing progress at most once per interval, within a deadline."""

    def __init__(self, service: ConversationService, reply: Message, started: float) -> None:
        self.service = service
        self.reply = reply
        self.started = started
        self.typing_shown = False
        self.final_screening: Screening | None = None
        self.interval = service.settings.stream_update_interval_ms / 1000
        self.deadline = started + service.settings.ai_timeout_seconds

    def run(self, request: ReplyRequest) -> tuple[str, int | None]:
        service = self.service
        parts: list[str] = []
        last_write = self.started
        tokens: int | None = None
        for chunk in service.provider.stream(request):
            now = service.monotonic()
            if now > self.deadline:
                raise TimeoutError(f"no complete reply within {service.settings.ai_timeout_seconds:g} s")
            parts.append(chunk.text)
            if chunk.done:
                tokens = chunk.tokens_used
                self.final_screening = check_reply("".join(parts))
                break
            if now - last_write >= self.interval:
                self._progress("".join(parts))
                last_write = now
        else:
            raise ConnectionError("the provider's stream ended without a final chunk")
        return "".join(parts).strip(), tokens

    def _progress(self, text: str) -> None:
        service = self.service
        check_reply(text)  # nothing unsafe is ever shown, not even half-streamed
        if not self.typing_shown:
            service.store.set_ai_typing(self.reply.session_id, True)
            self.typing_shown = True
        service.store.save_message(
            self.reply.model_copy(update={"content": text, "updated_at": service.clock()})
        )


def screening_window(session: Session, messages: list[Message]) -> list[Message]:
    """The messages the safety screen may look back on: the people's, since the last admin clear
    (so a disclosure an admin has dealt with does not raise the level again)."""
    cleared = session.safety_cleared_at
    return [
        m
        for m in messages
        if m.speaker not in (AI_SPEAKER, SYSTEM_SPEAKER) and (cleared is None or m.created_at > cleared)
    ]


def _embedding(text: str) -> MessageEmbedding | None:
    """The message's embedding, once per turn; None when the bundled model is missing (the screen's rules
    still run, and the screen reports the learned model's absence itself)."""
    from shared.memory.embedding import EmbeddingModelMissingError

    try:
        return embed_message(text)
    except EmbeddingModelMissingError:
        return None


def _referral_safety(referral: Referral, *, replaced: bool) -> MessageSafety:
    """Marks a reply that carries a referral, so clients and exports can tell it (signals: the kind)."""
    return MessageSafety(
        level=referral.level.value,
        confidence=1.0,
        signals=[f"referral:{referral.kind.value}"],
        replaced=replaced,
    )


class UnsafeReply(Exception):
    def __init__(self, screening: Screening) -> None:
        super().__init__(screening.level.value)
        self.screening = screening


def check_reply(text: str) -> Screening:
    screening = screen_reply(text)
    if screening.level.at_least(SafetyLevel.ELEVATED_CONCERN):
        raise UnsafeReply(screening)
    return screening


def _locale(session: Session) -> str | None:
    locale = session.metadata.get("locale")
    return locale if isinstance(locale, str) else None


def _seconds_in(session: Session, now: datetime) -> float:
    if session.started_at is None:
        return 0.0
    return round(max(0.0, (now - session.started_at).total_seconds() - session.paused_seconds), 3)


def _reason(exc: Exception) -> str:
    if isinstance(exc, TimeoutError):
        return "timeout"
    return f"provider_error:{type(exc).__name__}"
