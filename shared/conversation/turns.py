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

from shared.avatars import load_avatars, resolve_avatar
from shared.conversation.generation import lease_seconds
from shared.conversation.grounding import KnowledgeGrounding, NoGrounding, reply_metadata
from shared.conversation.interruptions import heard_text, interruption_note, spoken
from shared.conversation.personas import persona_prompt
from shared.conversation.provider import AiProvider, ChatTurn, ReplyRequest
from shared.conversation.referrals import checked_referral_reply, referral_template, turn_embedding
from shared.conversation.store import MessageStore, SessionChanged, message_id_for, reply_id_for
from shared.conversation.streaming import (
    FALLBACK_REPLY,
    SessionNoLongerActive,
    ThrottledWriter,
    UnsafeReply,
    check_reply,
)
from shared.errors import Conflict, InvalidStateTransition, NotFound
from shared.memory.recall import MemoryRecall, NoRecall
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
from shared.safety.escalation import ALERT_FROM, PUBLISH_FROM
from shared.safety.gateway import SafetyGateway
from shared.safety.levels import Screening
from shared.safety.referral import Referral, decide_referral
from shared.safety.referring import applies_to_message, referral_instruction
from shared.safety.resources import CRISIS_REPLY_MODEL, SAFE_REPLY_FALLBACK, crisis_reply, resources_for
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


INTERRUPTIONS_IN_PROMPT = 3
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
        self.grounding = grounding or NoGrounding()
        self.sleep = sleep
        self.store = store
        self.recall = recall or NoRecall()
        self.provider = provider
        self.safety = safety
        self.settings = settings
        self.clock = clock
        self.monotonic = monotonic

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
        window = max(self.settings.context_messages, self.settings.safety_context_messages * 2)
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
            timestamp_in_session=_seconds_in(session, now),
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
        return replace(done, reply=self._reply(session, stored, history, referral))

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
                message_created_at=message.created_at,
            )
        if level.at_least(PUBLISH_FROM):
            self.safety.request_assessment(session=session, message_id=message.id, level=level)
        return session

    def _request(self, session: Session, recent: list[Message]) -> ReplyRequest:
        """Bounded context: the persona, the rolling summary of older turns, what was recalled from
        earlier sessions, and the last `context_messages` messages (never the whole history)."""
        avatar = resolve_avatar(load_avatars(self.settings.avatars_file), session.avatar)
        # The backend's notices are for the person, not part of the conversation the model continues.
        window = [m for m in recent if m.speaker != SYSTEM_SPEAKER][-self.settings.context_messages :]
        history = [
            ChatTurn("assistant" if m.speaker == AI_SPEAKER else "user", spoken(m.content, m.interruption))
            for m in window
            if m.status != "failed"
        ]
        # The model sees only what was heard of an interrupted reply, and the last few interruptions.
        heard = [heard_text(m.content, m.interruption) for m in recent if m.interruption is not None]
        note = interruption_note(heard[-INTERRUPTIONS_IN_PROMPT:])
        return ReplyRequest(
            persona_prompt=persona_prompt(avatar) + (f"\n\n{note}" if note else ""),
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
            final = self._referral_template(session, reply, referral, replaced=False)
            self.store.save_message(final)
            self.store.request_stats_flush(session.id)
            return final
        streamer = ThrottledWriter(
            provider=self.provider,
            store=self.store,
            settings=self.settings,
            monotonic=self.monotonic,
            clock=self.clock,
            reply=reply,
            started=started,
        )
        knowledge = self.grounding.chunks(query=message.content)  # cited in the prompt and the metadata
        try:
            request = replace(self._request(session, recent), knowledge=knowledge)
            if referral is not None:
                instruction = referral_instruction(referral, self._resources(session))
                request = replace(request, instructions=[*request.instructions, instruction])
            if self.settings.record_prompts:
                self.store.record_prompt(session.id, reply.id, request.messages(), self.provider.model)
            text, tokens = streamer.run_with_retries(request, attempts=self.settings.ai_max_attempts)
            final = reply.model_copy(update={"content": text, "status": "complete", "tokens_used": tokens})
        except SessionNoLongerActive:
            final = reply.model_copy(
                update={"content": streamer.shown, "status": "failed", "failure_reason": "session_ended"}
            )
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
        if final.status == "complete" and not streamer.still_live():
            final = final.model_copy(
                update={"content": streamer.shown, "status": "failed", "failure_reason": "session_ended"}
            )
        if referral is not None:
            # The model was told to give the resources; a reply without them is replaced by the template.
            final = checked_referral_reply(
                final,
                referral,
                self._resources(session),
                default_locale=self.settings.default_locale,
                now=self.clock(),
            )
        if final.status == "complete" and final.safety is None and streamer.final_screening is not None:
            final = final.model_copy(update={"sentiment": streamer.final_screening.analysis.sentiment})
        final = final.model_copy(
            update={
                "updated_at": self.clock(),
                "response_time_ms": round((self.monotonic() - started) * 1000, 1),
                "metadata": reply_metadata(knowledge),
            }
        )
        self.store.save_message(final)
        if streamer.typing_shown:
            self.store.set_ai_typing(session.id, False)
        self.store.request_stats_flush(session.id)
        return final

    def _referral_template(
        self, session: Session, reply: Message, referral: Referral, *, replaced: bool
    ) -> Message:
        """The protocol's template for `referral`, in the session's resources' locale."""
        return referral_template(
            reply,
            referral,
            locale=self._resources(session).locale,
            default_locale=self.settings.default_locale,
            now=self.clock(),
            replaced=replaced,
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


def screening_window(session: Session, messages: list[Message]) -> list[Message]:
    """The messages the safety screen may look back on: the people's, since the last admin clear
    (so a disclosure an admin has dealt with does not raise the level again)."""
    cleared = session.safety_cleared_at
    return [
        m
        for m in messages
        if m.speaker not in (AI_SPEAKER, SYSTEM_SPEAKER) and (cleared is None or m.created_at > cleared)
    ]


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
