"""The user's control over what is remembered: delete a past session (with everything it left behind) or
only its memory.

`DELETE /sessions/{id}`: 409 while the session is live; otherwise the session, its messages, events and
any other subcollection, its safety assessments, its memory and its memory items go. Crisis alerts stay
(they are the safety team's record; erasing the account anonymises them). `DELETE /user/memories/{id}`:
the session stays, its memory and items go, so search and recall no longer find it.
"""

from __future__ import annotations

from typing import Any

from backend.api.acting import session_owner
from backend.clients import firestore_client
from backend.http.routing import API_PREFIX, Call, Route
from backend.services import session_service
from backend.store.memory_items import FirestoreItemStore
from shared.errors import InvalidStateTransition, NotFound
from shared.models.base import ApiModel
from shared.models.memory import MEMORIES
from shared.statuses import LIVE


class DeletedResponse(ApiModel):
    success: bool = True
    session_id: str
    memory_items: int


def _forget(db: Any, *, user_id: str, session_id: str) -> int:
    items = FirestoreItemStore(db=db).remove_session(user_id=user_id, session_id=session_id)
    db.collection(MEMORIES).document(session_id).delete()
    return items


def delete_session(call: Call) -> DeletedResponse:
    from google.cloud.firestore import FieldFilter

    from backend.store import cache
    from backend.store.documents import SESSIONS

    owner = session_owner(call)
    session = session_service().get(user_id=owner, session_id=call.params["sessionId"])
    if session.status in LIVE:
        raise InvalidStateTransition(
            "End the session first: a live session cannot be deleted.",
            details={"status": session.status.value},
        )
    db = firestore_client()
    items = _forget(db, user_id=owner, session_id=session.id)
    assessments = db.collection("safetyAssessments").where(filter=FieldFilter("sessionId", "==", session.id))
    for assessment in assessments.select([]).get():
        assessment.reference.delete()
    db.recursive_delete(db.collection(SESSIONS).document(session.id))
    cache.invalidate(session.id)
    return DeletedResponse(session_id=session.id, memory_items=items)


def delete_memory(call: Call) -> DeletedResponse:
    from google.cloud.firestore import DELETE_FIELD

    from backend.store.documents import SESSIONS

    session = session_service().get(user_id=session_owner(call), session_id=call.params["sessionId"])
    if session.memory_status is None:
        raise NotFound("This session has no memory.")
    db = firestore_client()
    items = _forget(db, user_id=session.user_id, session_id=session.id)
    fields = ("memoryStatus", "summary", "keyTopics", "detectedEmotions", "nextSteps", "memoryModel")
    db.collection(SESSIONS).document(session.id).update(dict.fromkeys(fields, DELETE_FIELD))
    return DeletedResponse(session_id=session.id, memory_items=items)


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
