"""Per-instance cache of a session's recent messages (the model's context), so a turn does not
re-read what this instance just wrote. After `context_cache_seconds` (2 s) one query fetches only what
other instances wrote since.

The session document is cached too, as last read by this instance, with the update time of the read,
but only to *prepare* a turn and to *verify* it: the write that stores the turn's message either re-reads
the session in its transaction, or commits only on the condition that the session document still has that
update time (see FirestoreMessageStore.create_message). Either way it refuses to commit when what the
turn was decided from (status, safety state, timing) differs, so a pause, an end or a safety change made
anywhere is never missed.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from shared.models.messages import Message
from shared.models.sessions import Session

_lock = threading.Lock()


@dataclass
class _Entry:
    messages: dict[str, Message] = field(default_factory=dict)  # by id, in arrival order
    messages_checked_at: float = 0.0
    messages_loaded: bool = False
    session: Session | None = None  # as last read here; only ever trusted after a re-read (see above)
    session_version: datetime | None = None  # the document's update time when `session` was read


_entries: dict[str, _Entry] = {}


def entry(session_id: str) -> _Entry:
    with _lock:
        found = _entries.get(session_id)
        if found is None:
            if len(_entries) > 5000:  # bound memory on long-lived instances
                _entries.clear()
            found = _entries[session_id] = _Entry()
        return found


def invalidate(session_id: str) -> None:
    with _lock:
        _entries.pop(session_id, None)


def fresh(read_at: float, ttl: float) -> bool:
    return time.monotonic() - read_at < ttl


MAX_CACHED_MESSAGES = 200


def remember(message: Message) -> None:
    """Keep this instance's own writes (and what it read) in the context window; O(1) per message."""
    cached = entry(message.session_id)
    with _lock:
        cached.messages[message.id] = message
        if len(cached.messages) > MAX_CACHED_MESSAGES:
            del cached.messages[next(iter(cached.messages))]


def keep_session(session: Session, *, version: datetime | None = None) -> None:
    """Keep the session as last read or written here; `version` is the update time of the document it
    was read from (None when unknown: the session then cannot verify a write, only prepare one)."""
    cached = entry(session.id)
    with _lock:
        cached.session, cached.session_version = session, version


def session(session_id: str) -> Session | None:
    with _lock:
        found = _entries.get(session_id)
        return found.session if found is not None else None


def session_at_version(session_id: str) -> tuple[Session, datetime] | None:
    """The cached session and the update time of the document it was read from, if both are known."""
    with _lock:
        found = _entries.get(session_id)
        if found is None or found.session is None or found.session_version is None:
            return None
        return found.session, found.session_version


def update_session(db: Any, session_id: str, fields: dict[str, Any], changes: dict[str, Any]) -> None:
    """Write `fields` to the session document. When this instance holds the session at a known update
    time, the write is conditional on it and the cached copy moves with it (`changes`: the same change
    in the model's field names), so this instance's own writes do not cost its next message the fast
    path of create_message. Otherwise, or when the document changed elsewhere since, it is written
    unconditionally and the next message reads the session again."""
    from google.api_core.exceptions import FailedPrecondition

    from backend.store.documents import SESSIONS

    ref = db.collection(SESSIONS).document(session_id)
    known = session_at_version(session_id)
    if known is not None:
        cached, version = known
        try:
            result = ref.update(fields, option=db.write_option(last_update_time=version))
        except FailedPrecondition:
            pass
        else:
            keep_session(cached.model_copy(update=changes), version=result.update_time)
            return
    ref.update(fields)
