"""Writing the AI reply of a turn: its bounded prompt (persona, rolling summary, recalled memory, knowledge,
the last messages), the throttled stream, and every way a reply ends (complete, the fallback, the
safety template, the fixed crisis reply). Called by ConversationService once the user's message is
stored; whoever stored it writes the reply (retries wait for it, generation.py).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from shared.avatars import load_avatars, resolve_avatar
from shared.conversation.grounding import KnowledgeGrounding, NoGrounding, reply_metadata
from shared.conversation.interruptions import heard_text, interruption_note, spoken
from shared.conversation.personas import persona_prompt
from shared.conversation.provider import AiProvider, ChatTurn, ReplyRequest
from shared.conversation.referrals import checked_referral_reply, referral_template
from shared.conversation.store import MessageStore, reply_id_for
from shared.conversation.streaming import (
    FALLBACK_REPLY,
    SessionNoLongerActive,
    ThrottledWriter,
    UnsafeReply,
)
from shared.memory.recall import MemoryRecall, NoRecall
from shared.memory.rolling import context_window
from shared.models.messages import AI_SPEAKER, SYSTEM_SPEAKER, Message, MessageSafety
from shared.models.safety import CrisisResources
from shared.models.sessions import Session
from shared.safety.escalation import ALERT_FROM
from shared.safety.referral import Referral
from shared.safety.referring import referral_instruction
from shared.safety.resources import CRISIS_REPLY_MODEL, SAFE_REPLY_FALLBACK, crisis_reply, resources_for
from shared.settings import Settings

INTERRUPTIONS_IN_PROMPT = 3


class ReplyWriter:
    def __init__(
        self,
        *,
        store: MessageStore,
        provider: AiProvider,
        settings: Settings,
        clock: Callable[[], datetime],
        monotonic: Callable[[], float] = time.monotonic,
        recall: MemoryRecall | None = None,
        grounding: KnowledgeGrounding | None = None,
    ) -> None:
        self.store = store
        self.provider = provider
        self.settings = settings
        self.clock = clock
        self.monotonic = monotonic
        self.recall = recall or NoRecall()
        self.grounding = grounding or NoGrounding()

    def request(self, session: Session, recent: list[Message]) -> ReplyRequest:
        """Bounded context: the persona, the rolling summary of older turns, what was recalled from
        earlier sessions, and the messages the summary does not hold yet: at least the last
        `context_messages`, at most `context_messages + rolling_summary_every - 1` (never the whole
        history; shared/memory/rolling.py)."""
        avatar = resolve_avatar(load_avatars(self.settings.avatars_file), session.avatar)
        # The backend's notices are for the person, not part of the conversation the model continues.
        window = context_window(
            [m for m in recent if m.speaker != SYSTEM_SPEAKER],
            summarised_until=session.rolling_summary_until,
            window=self.settings.context_messages,
            every=self.settings.rolling_summary_every,
        )
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

    def write(
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
            timestamp_in_session=seconds_in(session, now),
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
            request = replace(self.request(session, recent), knowledge=knowledge)
            if referral is not None:
                instruction = referral_instruction(
                    referral, session_resources(session, self.settings.default_locale)
                )
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
                session_resources(session, self.settings.default_locale),
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
            locale=session_resources(session, self.settings.default_locale).locale,
            default_locale=self.settings.default_locale,
            now=self.clock(),
            replaced=replaced,
        )

    def _crisis_reply(self, session: Session, reply: Message) -> Message:
        """At HIGH_RISK and above the model is not asked: a fixed, supportive reply with resources."""
        resources = session_resources(session, self.settings.default_locale)
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


def session_resources(session: Session, default_locale: str) -> CrisisResources:
    """The crisis resources a session shows: the ones it carries, else its locale's."""
    return session.crisis_resources or resources_for(session_locale(session), default_locale=default_locale)


def session_locale(session: Session) -> str | None:
    locale = session.metadata.get("locale")
    return locale if isinstance(locale, str) else None


def seconds_in(session: Session, now: datetime) -> float:
    if session.started_at is None:
        return 0.0
    return round(max(0.0, (now - session.started_at).total_seconds() - session.paused_seconds), 3)


def _reason(exc: Exception) -> str:
    if isinstance(exc, TimeoutError):
        return "timeout"
    return f"provider_error:{type(exc).__name__}"
