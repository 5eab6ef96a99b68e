"""Memory across sessions: the `memories/{sessionId}` document and the memory endpoints' bodies."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Field, StringConstraints

from shared.models.base import ApiModel
from shared.models.sessions import MemoryStatus

MEMORIES = "memories"


class SessionSummary(ApiModel):
    """What one finished session leaves behind (seed 000's end response), and which model wrote it."""

    summary: str
    key_topics: list[str] = Field(default_factory=list)
    detected_emotions: list[str] = Field(default_factory=list)
    next_steps: list[str] = Field(default_factory=list)
    model: str


class MemoryDocument(ApiModel):
    """The `memories/{sessionId}` document, without its `embedding` vector field.

    One per session by construction (the id is the session's); `contentHash` covers the transcript and
    both model names, so a redelivered `session.ended` finds the same hash and writes nothing.
    """

    user_id: str
    session_id: str
    avatar: str
    summary: str
    key_topics: list[str] = Field(default_factory=list)
    detected_emotions: list[str] = Field(default_factory=list)
    next_steps: list[str] = Field(default_factory=list)
    model: str
    embedding_model: str | None = None
    content_hash: str
    message_count: int
    session_ended_at: datetime | None = None
    created_at: datetime
    # A room's memory (id `{roomId}-{who}`, `sessionId` the room's): `summary` is what this participant
    # said; this is the show's summary over the lines of the participants who consented.
    shared_summary: str | None = None


class SessionSummaryResponse(ApiModel):
    success: bool = True
    memory_status: MemoryStatus | None
    summary: SessionSummary | None


class MemorySearchQuery(ApiModel):
    query: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
    limit: int = Field(default=5, ge=1, le=20)


class MemoryHit(SessionSummary):
    """One past session found by a memory search."""

    session_id: str
    score: float = Field(
        ge=0.0,
        le=1.0,
        description="Relevance relative to the best hit (1.0): fused lexical and vector ranks.",
    )
    avatar: str
    session_ended_at: datetime | None = None
    snippet: str | None = Field(default=None, description="The part of the session that matched best.")
    session_date: datetime | None = Field(default=None, description="When the session took place.")


class MemorySearchResponse(ApiModel):
    success: bool = True
    memories: list[MemoryHit]
