"""Firestore side of the companion-chatbot notices (shared/safety/notices.py): whether the user is a minor,
and writing a period's notices into the session's messages, each at most once (fixed ids)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from backend.store.documents import SESSIONS, to_document
from backend.store.users import read_user
from shared.models.messages import Message
from shared.settings import Settings

if TYPE_CHECKING:
    from google.cloud.firestore import Client


def is_minor(db: Client, uid: str, settings: Settings) -> bool:
    """The app's flag on the user (set only through the admin API, never by the user)."""
    return read_user(db, uid, settings).minor


def write_notices(db: Client, messages: list[Message]) -> list[str]:
    """Create each system message unless its id exists (a redelivered timer or a retry); the ids written."""
    from google.api_core.exceptions import AlreadyExists

    written = []
    for message in messages:
        ref = db.collection(SESSIONS).document(message.session_id).collection("messages").document(message.id)
        try:
            ref.create(to_document(message, exclude={"id"}))
        except AlreadyExists:
            continue
        written.append(message.id)
    return written
