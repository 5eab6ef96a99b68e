"""Grounding a reply on the app's knowledge base: which chunks the model is given, and how it cites them.

Asked on every generated reply with the message being answered. Only chunks close enough to it are
given (cosine >= MIN_SIMILARITY to the message: a greeting or a feeling is not a question for the
knowledge base), at most GROUNDING_CHUNKS of them, each clipped to CHUNK_PROMPT_CHARS: the added context
is bounded by 3 x 1,000 characters, about 750 tokens. An app without knowledge pays one small read per
`empty_recheck_seconds` per instance (SESSIONS_KNOWLEDGE_EMPTY_RECHECK_SECONDS, 60 s), not one per reply:
its first document is used within that long.
Grounding is a nicety: a failure leaves the reply ungrounded, never failed.
"""

from __future__ import annotations

import logging
import time
from abc import ABC, abstractmethod
from collections.abc import Callable

from shared.conversation.provider import KnowledgeChunk
from shared.knowledge.service import KnowledgeBase
from shared.models.knowledge import KnowledgeCitation, MessageMetadata

GROUNDING_CHUNKS = 3
MIN_SIMILARITY = 0.3
"""Below this cosine (MiniLM and OpenAI's small model alike) a chunk shares words, not meaning."""
CHUNK_PROMPT_CHARS = 1000

_log = logging.getLogger(__name__)


class KnowledgeGrounding(ABC):
    @abstractmethod
    def chunks(self, *, query: str) -> list[KnowledgeChunk]:
        """The knowledge-base chunks to give the model for a reply to `query` (never raises)."""


class NoGrounding(KnowledgeGrounding):
    def chunks(self, *, query: str) -> list[KnowledgeChunk]:
        return []


class KnowledgeBaseGrounding(KnowledgeGrounding):
    def __init__(
        self,
        *,
        knowledge: Callable[[], KnowledgeBase],
        limit: int = GROUNDING_CHUNKS,
        min_similarity: float = MIN_SIMILARITY,
        empty_recheck_seconds: float = 60.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.knowledge = knowledge
        self.limit = limit
        self.min_similarity = min_similarity
        self.empty_recheck_seconds = empty_recheck_seconds
        self.monotonic = monotonic
        self._empty_until = float("-inf")  # an empty knowledge base is not asked again before this

    def chunks(self, *, query: str) -> list[KnowledgeChunk]:
        if self.limit <= 0 or not query.strip():
            return []
        if self.monotonic() < self._empty_until:
            return []
        try:
            knowledge = self.knowledge()
            if knowledge.is_empty():
                self._empty_until = self.monotonic() + self.empty_recheck_seconds
                return []
            matches = knowledge.search(query=query, limit=self.limit)
        except Exception as exc:  # the reply goes on without grounding
            _log.warning("knowledge grounding failed: %s", type(exc).__name__)
            return []
        return [
            KnowledgeChunk(
                document_id=m.document_id,
                chunk_id=m.chunk_id,
                title=m.title,
                text=_clip(m.text, CHUNK_PROMPT_CHARS),
            )
            for m in matches
            if m.similarity >= self.min_similarity
        ]


def reply_metadata(chunks: list[KnowledgeChunk]) -> MessageMetadata | None:
    """The reply's metadata: the chunks it was grounded on (None when it was not)."""
    if not chunks:
        return None
    return MessageMetadata(
        knowledge=[
            KnowledgeCitation(document_id=c.document_id, chunk_id=c.chunk_id, title=c.title) for c in chunks
        ]
    )


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
