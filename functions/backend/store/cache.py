"""Per-instance cache of a session's recent messages (the model's context), so a turn does not
re-read what this instance just wrote. After `context_cache_seconds` (2 s) one query fetches only what
other instances wrote since. The session document itself is never cached (it carries the safety state).
"""

from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import dataclass, field

from shared.models.messages import Message

_lock = threading.Lock()


@dataclass
class _Entry:
    messages: deque[Message] = field(default_factory=lambda: deque(maxlen=200))
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


def remember(message: Message) -> None:
    """Keep this instance's own writes in the context window, in creation order."""
    cached = entry(message.session_id)
    with _lock:
        for index, known in enumerate(cached.messages):
            if known.id == message.id:
                cached.messages[index] = message
                return
        cached.messages.append(message)
