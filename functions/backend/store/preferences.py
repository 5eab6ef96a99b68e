"""The user's preferences, on the `users/{uid}` document (so erasing the account erases them too).

`memory_enabled` is read where memory is written or used: the session-end trigger, recall for a reply,
memory search (one small read each, of one field).
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from backend.store.documents import SESSIONS, USERS
from backend.store.errors import translate_errors
from backend.store.users import update_user_fields
from shared.models.preferences import UserPreferences
from shared.settings import Settings

if TYPE_CHECKING:
    from google.cloud.firestore import Client

MEMORY_ENABLED = "memoryEnabled"


def memory_enabled(db: Client, uid: str) -> bool:
    """On unless the user turned it off (a user without a document has the default, on)."""
    return _stored(db, uid)[1]


def _stored(db: Client, uid: str) -> tuple[bool, bool]:
    """(the user document exists, memory is enabled), from one read of one field."""
    snapshot = db.collection(USERS).document(uid).get(field_paths=[MEMORY_ENABLED])
    if not snapshot.exists:
        return False, True
    return True, (snapshot.to_dict() or {}).get(MEMORY_ENABLED) is not False


def forget_pending(db: Client, session_id: str) -> None:
    """A session that ended with memory off has no memory: its `memoryStatus` is cleared (so the sweep
    does not ask again and the summary endpoint answers 404), and nothing else is written."""
    from google.api_core.exceptions import NotFound

    with contextlib.suppress(NotFound):
        db.collection(SESSIONS).document(session_id).update({"memoryStatus": None})


def preferences(db: Client, uid: str) -> UserPreferences:
    return UserPreferences(memory_enabled=memory_enabled(db, uid))


def set_preferences(db: Client, uid: str, wanted: UserPreferences, settings: Settings) -> UserPreferences:
    """Idempotent: the same preferences again write nothing (a new user's document is created)."""
    exists, enabled = _stored(db, uid)
    if exists and enabled == wanted.memory_enabled:
        return wanted
    user = update_user_fields(db, uid, {"memory_enabled": wanted.memory_enabled}, settings)
    return UserPreferences(memory_enabled=user.memory_enabled)


@translate_errors
class FirestorePreferences:
    def __init__(self, *, db: Client, settings: Settings) -> None:
        self.db = db
        self.settings = settings

    def get(self, uid: str) -> UserPreferences:
        return preferences(self.db, uid)

    def put(self, uid: str, wanted: UserPreferences) -> UserPreferences:
        return set_preferences(self.db, uid, wanted, self.settings)

    def memory_enabled(self, uid: str) -> bool:
        return memory_enabled(self.db, uid)
