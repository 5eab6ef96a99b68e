"""Per-instance cache of a session's recent messages (the model's context), so a turn does not
re-read what this instance just wrote. After `context_cache_seconds` (2 s) one query fetches only what
other instances wrote since. The session document itself is never cached (it carries the safety state).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

from shared.models.messages import Message

_lock = threading.Lock()


@dataclass
class _Entry:
    messages: dict[str, Message] = field(default_factory=dict)  # by id, in arrival order
    messages_checked_at: float = 0.0
    messages_loaded: bool = False


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
