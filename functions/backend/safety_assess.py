"""The deep safety assessment, run by the Pub/Sub-triggered `safety_assess` function.

With an OpenAI key: the moderation endpoint (self-harm categories) plus a structured C-SSRS screener
answered by the chat model on the recent window. Without one: the offline screen's verdict on the same
window stands. Either way it may raise the session's level, never lower it, and it is idempotent: a
redelivered message re-applies the same level (no change) and the alert id is derived from the message.
"""

from __future__ import annotations

from typing import Any

from backend import logs
from backend.clients import firestore_client
from backend.services import safety_gateway
from backend.store.documents import SESSIONS
from shared.clock import utcnow
from shared.models.messages import AI_SPEAKER
from shared.safety.cssrs import SCREENER_PROMPT, ScreenerAnswers, moderation_level
from shared.safety.levels import SafetyLevel, highest
from shared.safety.screen import screen_message
from shared.settings import get_settings

ASSESSMENTS = "safetyAssessments"
WINDOW = 6


def assess(payload: dict[str, Any]) -> SafetyLevel | None:
    session_id, message_id = str(payload["sessionId"]), str(payload["messageId"])
    messages = firestore_client().collection(SESSIONS).document(session_id).collection("messages")
    target = messages.document(message_id).get()
    if not target.exists:
        logs.warning("assessment for a missing message", sessionId=session_id)
        return None
    created = target.get("createdAt")
    earlier = (
        messages.where("createdAt", "<", created)
        .order_by("createdAt", direction="DESCENDING")
        .limit(WINDOW * 2)
        .get()
    )
    context = [d.get("content") for d in reversed(list(earlier)) if d.get("speaker") != AI_SPEAKER][-WINDOW:]
    text = str(target.get("content"))

    settings = get_settings()
    if settings.openai_api_key:
        level, signals, source = _openai(text, context)
    else:
        screening = screen_message(text, recent_user_messages=context)
        level, signals, source = screening.level, list(screening.signals), "deep:offline"
    firestore_client().collection(ASSESSMENTS).document(message_id).set(
        {"sessionId": session_id, "level": level.value, "signals": signals, "source": source, "at": utcnow()}
    )
    safety_gateway().apply(
        session_id=session_id,
        level=level,
        signals=signals,
        message_id=message_id,
        source=source,
        message_created_at=created,  # a message from before an admin's clear cannot undo it
    )
    return level


def _openai(text: str, context: list[str]) -> tuple[SafetyLevel, list[str], str]:
    from openai import OpenAI

    settings = get_settings()
    client = OpenAI(
        api_key=settings.openai_api_key,
        base_url=settings.openai_base_url,
        timeout=settings.ai_timeout_seconds,
    )
    moderation = client.moderations.create(model="omni-moderation-latest", input=text)
    categories = moderation.results[0].categories.model_dump(by_alias=True)
    excerpt = "\n\n".join([*context, text])
    completion = client.chat.completions.create(
        model=settings.openai_model,
        response_format={"type": "json_object"},
        messages=[{"role": "system", "content": SCREENER_PROMPT}, {"role": "user", "content": excerpt}],
    )
    answers = ScreenerAnswers.model_validate_json(completion.choices[0].message.content or "{}")
    level = highest(moderation_level(categories), answers.level())
    signals = answers.signals() + [
        f"moderation_{k}" for k, v in categories.items() if v and k.startswith("self")
    ]
    return level, signals, "deep:openai"
