"""The deep safety assessment, run by the Pub/Sub-triggered `safety_assess` function.

With an OpenAI key: the moderation endpoint (self-harm categories) plus a structured C-SSRS screener
answered by the chat model on the recent window. Without one: the offline screen's verdict on the same
window stands. Either way it may raise the session's level, never lower it, and it is idempotent: a
redelivered message re-applies the same level (no change) and the alert id is derived from the message.
"""

from __future__ import annotations

from typing import Any

from backend import logs, wiring
from shared.safety.levels import SafetyLevel
from shared.safety.screen import screen_message
from shared.settings import get_settings

WINDOW = 6


def assess(payload: dict[str, Any]) -> SafetyLevel | None:
    session_id, message_id = str(payload["sessionId"]), str(payload["messageId"])
    gateway = wiring.safety_gateway()
    window = gateway.assessment_window(session_id=session_id, message_id=message_id, size=WINDOW)
    if window is None:
        logs.warning("assessment for a missing message", sessionId=session_id)
        return None
    text, context = window

    settings = get_settings()
    if settings.openai_api_key:
        from backend.ai.assessment import assess_with_openai

        level, signals, source = assess_with_openai(text, context, settings=settings)
    else:
        screening = screen_message(text, recent_user_messages=context)
        level, signals, source = screening.level, list(screening.signals), "deep:offline"
    gateway.record_assessment(
        session_id=session_id, message_id=message_id, level=level, signals=signals, source=source
    )
    if gateway.cleared_after(session_id=session_id, message_id=message_id):
        logs.info("assessment after an admin clear: level kept", sessionId=session_id)
        return level
    gateway.apply(session_id=session_id, level=level, signals=signals, message_id=message_id, source=source)
    return level
