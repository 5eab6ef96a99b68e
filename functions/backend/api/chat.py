"""`POST /api/v1/ai/chat`: one reply without a session (function `sessions_api`)."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from backend.http.routing import API_PREFIX, Call, Route
from backend.wiring import ai_provider, safety_gateway
from shared.models.chat import ChatRequest, ChatResponse
from shared.safety.escalation import ALERT_FROM
from shared.safety.levels import SafetyLevel
from shared.safety.referral import Referral, ReferralKind
from shared.settings import get_settings
from shared.text.analysis import analyze


def chat(call: Call) -> ChatResponse:
    """A crisis raises an alert even without a session: the screen's verdict decides, as on the session path."""
    from shared.conversation.stateless import chat_once

    body: ChatRequest = call.body
    response = chat_once(request=body, provider=ai_provider(), settings=get_settings())
    analysis = analyze(body.message)
    response = response.model_copy(update={"sentiment": analysis.sentiment, "topics": analysis.topics})
    level = SafetyLevel(response.safety.level)
    day = datetime.now(UTC).date().isoformat()
    key = hashlib.sha256(f"{call.uid}\n{day}\n{body.message}".encode()).hexdigest()
    if response.referral is not None:  # counted once per user, text and day, like the alert below
        shown = response.referral
        referral = Referral(ReferralKind(shown.kind), SafetyLevel(shown.level), (), shown.protocol_version)
        safety_gateway().refer_without_session(message_key=key, referral=referral)
    if level.at_least(ALERT_FROM):
        safety_gateway().alert_without_session(
            user_id=call.uid, level=level, signals=response.safety.signals, message_key=key
        )
    return response


ROUTES: tuple[Route, ...] = (
    Route(
        "POST",
        f"{API_PREFIX}/ai/chat",
        chat,
        "One AI reply without a session (screened like a session turn; nothing stored)",
        "sessions",
        ChatResponse,
        body=ChatRequest,
    ),
)
