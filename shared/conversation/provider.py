"""The AI provider port. Adapters: the offline responder (shared) and OpenAI / compatible servers."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal

Role = Literal["system", "user", "assistant"]


@dataclass(frozen=True)
class ChatTurn:
    role: Role
    content: str


@dataclass(frozen=True)
class KnowledgeChunk:
    """A knowledge-base chunk given to the model (shared/conversation/grounding.py)."""

    document_id: str
    chunk_id: str
    title: str
    text: str


@dataclass(frozen=True)
class ReplyRequest:
    """Everything a provider may use for one reply. `memory` and `summary` are filled by later features."""

    persona_prompt: str
    avatar_name: str
    history: list[ChatTurn]
    summary: str | None = None
    memory: list[str] = field(default_factory=list)
    locale: str = "en-US"
    knowledge: list[KnowledgeChunk] = field(default_factory=list)
    # Safety instructions for this reply only (the referral protocol's), after the persona.
    instructions: list[str] = field(default_factory=list)

    def messages(self) -> list[ChatTurn]:
        """The prompt as chat messages: system (persona + summary + memory), then the history."""
        system = [self.persona_prompt]
        if self.summary:
            system.append(f"Summary of the conversation so far: {self.summary}")
        if self.memory:
            system.append("What you remember from earlier sessions:\n- " + "\n- ".join(self.memory))
        if self.knowledge:
            system.append(
                "Reference material from this app's knowledge base. Use it when it answers the user, say so "
                "when it does not, and never invent beyond it:\n"
                + "\n".join(f"[doc:{c.document_id}] {c.text}" for c in self.knowledge)
            )
        system.extend(self.instructions)
        return [ChatTurn("system", "\n\n".join(system)), *self.history]


@dataclass(frozen=True)
class ReplyChunk:
    """A piece of streamed text. The last chunk has `done=True` and the usage figures."""

    text: str
    done: bool = False
    tokens_used: int | None = None


class AiProvider(ABC):
    model: str
    offline: bool = False

    @abstractmethod
    def stream(self, request: ReplyRequest) -> Iterator[ReplyChunk]:
        """Yield the reply in chunks. Raise on failure; the caller owns timeouts and fallbacks."""
