"""Forgetting on the user's request: one past session with everything it left behind, or only its
memory. Crisis alerts stay (they are the safety team's record; erasing the account anonymises them)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from backend.store import cache
from backend.store.documents import SESSIONS
from backend.store.errors import translate_errors
from backend.store.memory_items import FirestoreItemStore
from backend.store.safety import ASSESSMENTS
from shared.models.memory import MEMORIES
from shared.models.sessions import Session

if TYPE_CHECKING:
    from google.cloud.firestore import Client

REMEMBERED_FIELDS = ("memoryStatus", "summary", "keyTopics", "detectedEmotions", "nextSteps", "memoryModel")


@translate_errors
class FirestoreForgetting:
    def __init__(self, *, db: Client) -> None:
        self.db = db

    def _forget(self, session: Session) -> int:
        items = FirestoreItemStore(db=self.db).remove_session(user_id=session.user_id, session_id=session.id)
        self.db.collection(MEMORIES).document(session.id).delete()
        return items

    def delete_session(self, session: Session) -> int:
        """The session, its messages, events and every other subcollection, its safety assessments, its
        memory and memory items; answers how many memory items went."""
        from google.cloud.firestore import FieldFilter

        items = self._forget(session)
        assessments = self.db.collection(ASSESSMENTS).where(filter=FieldFilter("sessionId", "==", session.id))
        for assessment in assessments.select([]).get():
            assessment.reference.delete()
        self.db.recursive_delete(self.db.collection(SESSIONS).document(session.id))
        cache.invalidate(session.id)
        return items

    def forget_memory(self, session: Session) -> int:
        """The session stays; its memory and items go, so search and recall no longer find it."""
        from google.cloud.firestore import DELETE_FIELD

        items = self._forget(session)
        fields = dict.fromkeys(REMEMBERED_FIELDS, DELETE_FIELD)
        self.db.collection(SESSIONS).document(session.id).update(fields)
        return items
