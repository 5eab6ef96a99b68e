"""`/api/v1/sessions/{id}/messages/{messageId}/interrupt`: a barge-in on an AI reply (function `sessions_api`).

The message keeps its full text and records what was heard; the next replies' context uses only the
heard part (shared/conversation/interruptions.py). The first report wins, so a retry changes nothing.
"""

from __future__ import annotations

from backend.api.acting import session_owner
from backend.http.routing import API_PREFIX, Call, Route
from backend.wiring import message_store, session_service
from shared.clock import utcnow
from shared.errors import InvalidStateTransition, NotFound
from shared.models.base import ApiModel
from shared.models.messages import AI_SPEAKER, Message
from shared.models.voice import InterruptionRecord, InterruptRequest

GROUP = "sessions"


class InterruptResponse(ApiModel):
    success: bool = True
    message: Message


def interrupt(call: Call) -> InterruptResponse:
    body: InterruptRequest = call.body
    session = session_service().get(user_id=session_owner(call), session_id=call.params["sessionId"])
    store = message_store()
    message = store.get_message(session.id, call.params["messageId"])
    if message is None or message.speaker != AI_SPEAKER:
        raise NotFound("AI message not found.")
    if message.interruption is not None:
        return InterruptResponse(message=message)
    if message.status == "streaming":
        raise InvalidStateTransition("The reply is still streaming.", details={"status": message.status})
    record = InterruptionRecord(heard_ms=body.heard_ms, heard_text=body.heard_text, at=utcnow())
    updated = message.model_copy(update={"interruption": record})
    store.save_message(updated)
    return InterruptResponse(message=updated)


ROUTES: tuple[Route, ...] = (
    Route(
        "POST",
        f"{API_PREFIX}/sessions/{{sessionId}}/messages/{{messageId}}/interrupt",
        interrupt,
        "Report a barge-in on an AI reply (heardMs or heardText); the reply keeps its text",
        GROUP,
        InterruptResponse,
        body=InterruptRequest,
        errors=(NotFound, InvalidStateTransition),
    ),
)
