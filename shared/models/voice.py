"""Voice-session essentials shared by 1:1 sessions and rooms: barge-in reports on AI speech."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Field, StringConstraints, model_validator

from shared.models.base import ApiModel

MAX_HEARD_LENGTH = 4000


class InterruptionRecord(ApiModel):
    """What the listener heard of an AI message before talking over it (the message keeps its text)."""

    heard_ms: int | None = Field(default=None, ge=0, le=3_600_000)
    heard_text: str | None = None
    at: datetime


class InterruptRequest(ApiModel):
    """Exactly one of: how long the listener heard the AI speak, or the text the client played."""

    heard_ms: int | None = Field(default=None, ge=0, le=3_600_000)
    heard_text: Annotated[str, StringConstraints(max_length=MAX_HEARD_LENGTH)] | None = None

    @model_validator(mode="after")
    def _one_of(self) -> InterruptRequest:
        if (self.heard_ms is None) == (self.heard_text is None):
            raise ValueError("send exactly one of heardMs or heardText")
        return self
