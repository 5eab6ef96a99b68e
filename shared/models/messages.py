"""Messages of a session: request bodies, the `sessions/{id}/messages/{id}` document, transcript pages."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field, StringConstraints, field_validator

from shared.models.base import ApiModel

MAX_CONTENT_LENGTH = 4000
AI_SPEAKER = "ai"
SYSTEM_SPEAKER = (
    "system"  # the backend's notices (the AI notice, break reminders): not the screen's or model's input
)
Speaker = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_-]{0,31}$")]
MessageType = Literal["text", "transcript", "ai", "system"]
MessageStatus = Literal["complete", "streaming", "failed"]
SentimentLabel = Literal["positive", "neutral", "negative"]


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
    speaker: Speaker = "user"
    type: Literal["text", "transcript"] = "text"
    audio_url: Annotated[str, StringConstraints(max_length=2048, pattern=r"^(https?|gs)://")] | None = None
    audio_duration: float | None = Field(default=None, ge=0, le=3600)
    client_message_id: Annotated[str, StringConstraints(min_length=1, max_length=128)]
    reply: bool | None = Field(
        default=None, description="Generate an AI reply; default true for text, false for transcript."
    )

    @field_validator("speaker")
    @classmethod
    def _people_only(cls, value: str) -> str:
        # "ai" and "system" are the backend's own speakers: a client posting as them could forge a reply
        # or a notice, and their messages are left out of the safety screen's context.
        if value in (AI_SPEAKER, SYSTEM_SPEAKER):
            raise ValueError(f"speaker {value!r} is reserved for the backend")
        return value

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


class PostMessageResponse(ApiModel):
    success: bool = True
    message: Message
    reply: Message | None = None


class TranscriptQuery(ApiModel):
    cursor: Annotated[str, StringConstraints(max_length=512)] | None = None
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
