"""One reply without a session (`POST /api/v1/ai/chat`): the same safety as the session path, nothing stored.

The message is screened first, with the user turns of the app's history as context. At HIGH_RISK and
above the model is not asked: the fixed crisis reply with the locale's resources answers instead. A
model reply is screened before it is returned and replaced if unsafe; a provider failure or timeout
answers the short fallback. There is no session, so no level is kept; the API function still raises a
crisis alert (and tells trusted contacts) at HIGH_RISK and above (`alert_without_session`).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime

from shared.avatars import load_avatars, resolve_avatar
from shared.conversation.personas import persona_prompt
from shared.conversation.provider import AiProvider, ChatTurn, ReplyRequest
from shared.conversation.turns import FALLBACK_REPLY, UnsafeReply, check_reply
from shared.models.chat import ChatReply, ChatRequest, ChatResponse
from shared.models.messages import MessageSafety
from shared.safety.escalation import ALERT_FROM
from shared.safety.levels import Screening
from shared.safety.referral import ReferralKind, decide_referral, helper_support_reply, referral_reply
from shared.safety.referring import (
    REFERRAL_REPLY_MODEL,
    applies_to_message,
    carried_referral,
    mentions_resources,
    referral_instruction,
)
from shared.safety.resources import CRISIS_REPLY_MODEL, SAFE_REPLY_FALLBACK, crisis_reply, resources_for
from shared.safety.screen import screen_message
from shared.settings import Settings


def _verdict(screening: Screening, *, replaced: bool = False) -> MessageSafety:
    return MessageSafety(
        level=screening.level.value,
        confidence=screening.confidence,
        signals=list(screening.signals),
        replaced=replaced,
    )


def chat_once(
    *,
    request: ChatRequest,
    provider: AiProvider,
    settings: Settings,
    monotonic: Callable[[], float] = time.monotonic,
) -> ChatResponse:
    started = monotonic()
    said = [turn.content for turn in request.history if turn.role == "user"]
    screening = screen_message(
        request.message, recent_user_messages=said[-settings.safety_context_messages :]
    )
    safety = _verdict(screening)

    def reply(content: str, model: str, **extra: object) -> ChatReply:
        elapsed = round((monotonic() - started) * 1000, 1)
        return ChatReply.model_validate(
            {
                "content": content,
                "ai_model": model,
                "response_time_ms": elapsed,
                "status": "complete",
                **extra,
            }
        )

    referral = applies_to_message(decide_referral(screening), screening)
    resources = resources_for(request.locale, default_locale=settings.default_locale)
    shown = carried_referral(None, referral, datetime.now(UTC)) if referral else None
    referred = {"crisis_resources": resources, "referral": shown} if referral else {}
    if screening.level.at_least(ALERT_FROM):
        fixed = MessageSafety(level=screening.level.value, confidence=1.0, signals=["crisis_response"])
        return ChatResponse(
            reply=reply(crisis_reply(resources), CRISIS_REPLY_MODEL, safety=fixed),
            safety=safety,
            crisis_resources=resources,
            referral=shown,
        )
    template = None
    if referral is not None:
        template = reply(
            referral_reply(resources.locale, default_locale=settings.default_locale)
            if referral.kind == ReferralKind.CRISIS
            else helper_support_reply(resources.locale, default_locale=settings.default_locale),
            REFERRAL_REPLY_MODEL,
            safety=MessageSafety(
                level=referral.level.value, confidence=1.0, signals=[f"referral:{referral.kind.value}"]
            ),
        )
        if provider.offline:
            return ChatResponse(reply=template, safety=safety, **referred)
    avatar = resolve_avatar(load_avatars(settings.avatars_file), request.avatar)
    history = [ChatTurn(turn.role, turn.content) for turn in request.history[-settings.context_messages :]]
    prompt = ReplyRequest(
        persona_prompt=persona_prompt(avatar),
        avatar_name=avatar.name,
        history=[*history, ChatTurn("user", request.message)],
        locale=request.locale or settings.default_locale,
    )
    if referral is not None:
        prompt = replace(prompt, instructions=[referral_instruction(referral, resources)])
    deadline = started + settings.ai_timeout_seconds
    try:
        text, tokens = _collect(provider, prompt, deadline, monotonic)
    except Exception:  # any provider failure ends in the fallback (the template when referring), never a 500
        if template is not None:
            return ChatResponse(reply=template, safety=safety, **referred)
        return ChatResponse(reply=reply(FALLBACK_REPLY, provider.model, status="failed"), safety=safety)
    try:
        check_reply(text)
    except UnsafeReply as unsafe:  # the model's text is never shown
        if template is not None:
            return ChatResponse(reply=template, safety=safety, **referred)
        verdict = _verdict(unsafe.screening, replaced=True)
        return ChatResponse(reply=reply(SAFE_REPLY_FALLBACK, provider.model, safety=verdict), safety=safety)
    if template is not None and not mentions_resources(text, resources):
        # The model was told to give the resources and did not: the protocol's template answers.
        return ChatResponse(reply=template, safety=safety, **referred)
    return ChatResponse(reply=reply(text, provider.model, tokens_used=tokens), safety=safety, **referred)


def _collect(
    provider: AiProvider, prompt: ReplyRequest, deadline: float, monotonic: Callable[[], float]
) -> tuple[str, int | None]:
    parts: list[str] = []
    for chunk in provider.stream(prompt):
        if monotonic() > deadline:
            raise TimeoutError("no complete reply in time")
        parts.append(chunk.text)
        if chunk.done:
            return "".join(parts).strip(), chunk.tokens_used
    raise ConnectionError("the provider's stream ended without a final chunk")
