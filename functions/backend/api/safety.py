"""`/api/v1/safety/screen` (function `safety_api`) and `/api/v1/sessions/{id}/analyze-safety`."""

from __future__ import annotations

from backend.http.routing import API_PREFIX, Call, Route
from backend.wiring import message_store, safety_gateway, session_service
from shared.conversation.turns import screening_window
from shared.errors import NotFound
from shared.models.base import EmptyRequest
from shared.models.safety import ScreenRequest, ScreenResponse, SessionSafetyResponse
from shared.safety.screen import screen_message
from shared.settings import get_settings


def screen(call: Call) -> ScreenResponse:
    result = screen_message(call.body.text)
    return ScreenResponse(
        level=result.level.value, confidence=result.confidence, signals=list(result.signals)
    )


def analyze_session(call: Call) -> SessionSafetyResponse:
    """Screen the session's recent user messages as one window; raise the session's level if needed."""

    session = session_service().get(user_id=call.uid, session_id=call.params["sessionId"])
    window = max(1, get_settings().safety_context_messages + 1)
    recent = screening_window(session, message_store().recent_messages(session.id, window * 3))[-window:]
    if not recent:
        return SessionSafetyResponse(
            level="NORMAL",
            confidence=1.0,
            signals=[],
            safety_state=session.safety_state.value,
            highest_safety_state=session.highest_safety_state.value,
            messages_screened=0,
        )
    result = screen_message(recent[-1].content, recent_user_messages=[m.content for m in recent[:-1]])
    if result.level.rank > session.safety_state.rank:
        session = safety_gateway().apply(
            session_id=session.id,
            level=result.level,
            signals=list(result.signals),
            message_id=recent[-1].id,
            source="analyze",
            message_created_at=recent[-1].created_at,
        )
    return SessionSafetyResponse(
        level=result.level.value,
        confidence=result.confidence,
        signals=list(result.signals),
        safety_state=session.safety_state.value,
        highest_safety_state=session.highest_safety_state.value,
        messages_screened=len(recent),
    )


ROUTES: tuple[Route, ...] = (
    Route(
        "POST",
        f"{API_PREFIX}/safety/screen",
        screen,
        "Screen a text for crisis risk (stateless, offline, no storage)",
        "safety",
        ScreenResponse,
        body=ScreenRequest,
    ),
    Route(
        "POST",
        f"{API_PREFIX}/sessions/{{sessionId}}/analyze-safety",
        analyze_session,
        "Screen the session's recent window and escalate if needed",
        "sessions",
        SessionSafetyResponse,
        body=EmptyRequest,
        errors=(NotFound,),
    ),
)
