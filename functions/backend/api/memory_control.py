"""The user's control over what is remembered: delete a past session (with everything it left behind) or
only its memory.

`DELETE /sessions/{id}`: 409 while the session is live; otherwise the session, its messages, events and
any other subcollection, its safety assessments, its memory and its memory items go. Crisis alerts stay
(they are the safety team's record; erasing the account anonymises them). `DELETE /user/memories/{id}`:
the session stays, its memory and items go, so search and recall no longer find it.
"""

from __future__ import annotations

from backend.api.acting import session_owner
from backend.http.routing import API_PREFIX, Call, Route
from backend.wiring import forgetting, session_service
from shared.errors import InvalidStateTransition, NotFound
from shared.models.base import ApiModel
from shared.sessions.statuses import LIVE


class DeletedResponse(ApiModel):
    success: bool = True
    session_id: str
    memory_items: int


def delete_session(call: Call) -> DeletedResponse:
    owner = session_owner(call)
    session = session_service().get(user_id=owner, session_id=call.params["sessionId"])
    if session.status in LIVE:
        raise InvalidStateTransition(
            "End the session first: a live session cannot be deleted.",
            details={"status": session.status.value},
        )
    return DeletedResponse(session_id=session.id, memory_items=forgetting().delete_session(session))


def delete_memory(call: Call) -> DeletedResponse:
    session = session_service().get(user_id=session_owner(call), session_id=call.params["sessionId"])
    if session.memory_status is None:
        raise NotFound("This session has no memory.")
    return DeletedResponse(session_id=session.id, memory_items=forgetting().forget_memory(session))


ROUTES: tuple[Route, ...] = (
    Route(
        "DELETE",
        f"{API_PREFIX}/sessions/{{sessionId}}",
        delete_session,
        "Delete an ended session with its messages, events, memory and memory items (409 while live)",
        "sessions",
        DeletedResponse,
        errors=(NotFound, InvalidStateTransition),
    ),
    Route(
        "DELETE",
        f"{API_PREFIX}/user/memories/{{sessionId}}",
        delete_memory,
        "Forget one past session: its memory and memory items go, the session stays",
        "users",
        DeletedResponse,
        errors=(NotFound,),
    ),
)
