"""`POST /api/v1/ai/chat`: one AI reply without a session (seed 000's stateless variant)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from shared.models.base import ApiModel
from shared.models.messages import MAX_CONTENT_LENGTH, MessageSafety, Sentiment
from shared.models.safety import CrisisResources, SessionReferral

ChatText = Annotated[str, StringConstraints(min_length=1, max_length=MAX_CONTENT_LENGTH)]
MAX_HISTORY = 20


class ChatTurnIn(ApiModel):
    role: Literal["user", "assistant"]
    content: ChatText


class ChatRequest(ApiModel):
    message: ChatText
    avatar: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    # The app's own record of the conversation so far, oldest first (nothing is kept on our side).
    history: list[ChatTurnIn] = Field(default_factory=list, max_length=MAX_HISTORY)
    locale: Annotated[str, StringConstraints(min_length=2, max_length=35)] | None = None


class ChatReply(ApiModel):
    content: str
    ai_model: str
    tokens_used: int | None = None
    response_time_ms: float
    status: Literal["complete", "failed"]
    safety: MessageSafety | None = Field(
        default=None, description="Set when the reply was replaced: a crisis response, or an unsafe reply."
    )


class ChatResponse(ApiModel):
    success: bool = True
    reply: ChatReply
    safety: MessageSafety = Field(description="The inline screen's verdict on `message` (with the history).")
    crisis_resources: CrisisResources | None = None
    # The same inline analysis a session message gets (mood charts, topic chips).
    sentiment: Sentiment | None = Field(default=None, description="Sentiment of `message`.")
    topics: list[str] = Field(default_factory=list, description="Topics of `message`, most relevant first.")
    referral: SessionReferral | None = Field(
        default=None, description="Set when `message` called for a referral (docs/safety.md, the protocol)."
    )
