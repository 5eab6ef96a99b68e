"""Recall for a returning user's first reply, and search over a user's memories: Firestore reads with the
embedder injected (the offline MiniLM or OpenAI's, chosen by the composition root)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import TYPE_CHECKING

from backend import logs
from backend.store import memories
from backend.store.errors import translate_errors
from backend.store.memory_index import search_sessions
from backend.store.messages import FirestoreMessageStore
from backend.store.preferences import memory_enabled
from shared.avatars import load_avatars, resolve_avatar
from shared.memory.embedding import Embedder
from shared.memory.recall import MemoryRecall, match_line, raw_turns_line, summary_line
from shared.models.memory import MemoryHit
from shared.models.sessions import Session
from shared.settings import Settings

if TYPE_CHECKING:
    from google.cloud.firestore import Client

RECALL_LIMIT = 3


@translate_errors
class FirestoreMemorySearch:
    """Hybrid search (dense + lexical, fused) over one user's memory items, one hit per session."""

    def __init__(self, *, db: Client, embedder: Callable[[], Embedder]) -> None:
        self.db = db
        self._embedder = embedder  # resolved per call: the model loads only where search is used

    def search(self, *, user_id: str, query: str, limit: int) -> list[MemoryHit]:
        """Hybrid search over the user's own memory items, one hit per session, best first (nothing
        while the user has memory off)."""
        if not memory_enabled(self.db, user_id):
            return []
        return search_sessions(self.db, user_id=user_id, query=query, limit=limit, embedder=self._embedder())


@translate_errors
class FirestoreMemoryRecall(MemoryRecall):
    """Nearest memories to the opening message, else the last summaries; raw turns for a pending one."""

    def __init__(
        self,
        *,
        db: Client,
        settings: Settings,
        messages: FirestoreMessageStore,
        search: FirestoreMemorySearch,
    ) -> None:
        self.db = db
        self.settings = settings
        self.messages = messages
        self.memory_search = search

    def recall(self, *, session: Session, opening: str) -> list[str]:
        try:
            return self._recall(session, opening)
        except Exception as exc:  # remembering is a nicety: the reply goes on without it
            logs.warning("memory recall failed", sessionId=session.id, errorType=type(exc).__name__)
            return []

    def _recall(self, session: Session, opening: str) -> list[str]:
        if not memory_enabled(self.db, session.user_id):
            return []  # memory off: nothing from earlier sessions, not even the last one's raw turns
        avatars = load_avatars(self.settings.avatars_file)
        previous = memories.previous_sessions(
            self.db, user_id=session.user_id, before=session, limit=RECALL_LIMIT
        )
        if not previous:
            return []
        lines: list[str] = []
        latest = previous[0]
        if latest.memory_status != "ready":
            turns = self.messages.last_messages(latest.id, 12)
            name = resolve_avatar(avatars, latest.avatar).name
            if (
                line := raw_turns_line(messages=turns, ended_at=latest.ended_at, avatar_name=name)
            ) is not None:
                lines.append(line)
        hits: list[MemoryHit] = []
        if opening.strip():
            hits = self.memory_search.search(user_id=session.user_id, query=opening, limit=RECALL_LIMIT)
        if hits:
            for hit in hits:
                name = resolve_avatar(avatars, hit.avatar).name
                lines.append(
                    match_line(
                        summary=hit.summary,
                        snippet=hit.snippet or "",
                        when=hit.session_date or hit.session_ended_at,
                        avatar_name=name,
                    )
                )
            return lines
        for past in previous:
            if past.memory_status == "ready" and past.summary:
                name = resolve_avatar(avatars, past.avatar).name
                line = summary_line(
                    summary=past.summary, next_steps=past.next_steps, ended_at=past.ended_at, avatar_name=name
                )
                lines.append(line)
        return lines

    def keep(self, *, session_id: str, lines: list[str]) -> None:
        from google.api_core.exceptions import NotFound

        from backend.store import cache

        with contextlib.suppress(NotFound):
            # As the turn's own write: the cached session stays verifiable for the next message.
            cache.update_session(self.db, session_id, {"recalledMemory": lines}, {"recalled_memory": lines})
