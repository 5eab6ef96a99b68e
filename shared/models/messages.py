"""Messages of a session: request bodies, the `sessions/{id}/messages/{id}` document, transcript pages."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Final, Literal

from pydantic import Field, StringConstraints

from shared.models.base import ApiModel
from shared.models.ids import DocumentId
from shared.models.knowledge import MessageMetadata
from shared.models.voice import InterruptionRecord

MAX_CONTENT_LENGTH = 4000
AI_SPEAKER = "ai"
SYSTEM_SPEAKER = (
    "system"  # the backend's notices (the AI notice, break reminders): not the screen's or model's input
)
Speaker = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_-]{0,31}$")]
MessageType = Literal["text", "transcript", "ai", "system"]
MessageStatus = Literal["complete", "streaming", "failed"]
SentimentLabel = Literal["positive", "neutral", "negative"]

USER_SPEAKER: Final = "user"


class Sentiment(ApiModel):
    label: SentimentLabel
    score: float = Field(ge=-1.0, le=1.0)


class MessageSafety(ApiModel):
    """The inline screen's verdict on this message (see docs/safety.md)."""

    level: str
    confidence: float
    signals: list[str] = Field(default_factory=list)
    replaced: bool = False


class PostMessageRequest(ApiModel):
    content: Annotated[str, StringConstraints(min_length=1, max_length=MAX_CONTENT_LENGTH)]
    # The server decides who speaks: a user's line is always `user` (`ai` and `system` lines come only
    # from the backend). The field stays for old clients, which send "user"; any other value is a 400.
    speaker: Literal["user"] = USER_SPEAKER
    type: Literal["text", "transcript"] = "text"
    audio_url: Annotated[str, StringConstraints(max_length=2048, pattern=r"^(https?|gs)://")] | None = None
    audio_duration: float | None = Field(default=None, ge=0, le=3600)
    client_message_id: Annotated[str, StringConstraints(min_length=1, max_length=128)]
    reply: bool | None = Field(
        default=None, description="Generate an AI reply; default true for text, false for transcript."
    )

    @property
    def wants_reply(self) -> bool:
        return self.reply if self.reply is not None else self.type == "text"


class Message(ApiModel):
    """The `sessions/{sessionId}/messages/{messageId}` document (stored without `id`)."""

    id: str
    session_id: str
    speaker: str
    type: MessageType
    content: str
    status: MessageStatus = "complete"
    created_at: datetime
    updated_at: datetime
    timestamp_in_session: float = Field(description="Seconds since the session started.")
    client_message_id: str | None = None
    audio_url: str | None = None
    audio_duration: float | None = None
    sentiment: Sentiment | None = None
    topics: list[str] = Field(default_factory=list)
    reply_to: str | None = None
    ai_model: str | None = None
    tokens_used: int | None = None
    response_time_ms: float | None = None
    failure_reason: str | None = None
    safety: MessageSafety | None = None
    reply_claimed_at: datetime | None = Field(
        default=None,
        description="When the generation of this message's reply was last claimed (retries wait for it).",
    )
    # A barge-in on an AI message: what the listener heard (the content stays whole).
    interruption: InterruptionRecord | None = None
    # AI replies: the knowledge-base chunks the reply was grounded on (document ids cited).
    metadata: MessageMetadata | None = None


class PostMessageResponse(ApiModel):
    success: bool = True
    message: Message
    reply: Message | None = None


class TranscriptQuery(ApiModel):
    # A message id from `nextCursor`; anything else (`/`, `.`, `..`, `__x__`) is a 400, not a lookup.
    cursor: DocumentId | None = None
    limit: int = Field(default=50, ge=1, le=200)


class TranscriptMessage(ApiModel):
    id: str
    speaker: str
    type: MessageType
    content: str
    status: MessageStatus
    timestamp: datetime
    timestamp_in_session: float
    sentiment: Sentiment | None = None
    topics: list[str] = Field(default_factory=list)
    ai_model: str | None = None
    audio_url: str | None = None
    # The inline screen's verdict (history pages mark the turns that raised the level).
    safety: MessageSafety | None = None


class Transcript(ApiModel):
    session_id: str
    messages: list[TranscriptMessage]
    total_messages: int
    next_cursor: str | None = None


class TranscriptResponse(ApiModel):
    success: bool = True
    transcript: Transcript


class ExportQuery(ApiModel):
    format: Literal["csv", "pdf"] = "csv"
