"""What a returning user's first reply remembers: the `MemoryRecall` port and how memories are worded.

The conversation asks once per session, on its first reply, with the user's opening message. The adapter
answers with lines for the system prompt (`ReplyRequest.memory`): the nearest past memories to the
opening message (vector search), else the last few summaries, and, when the previous session's memory
is not ready yet, that session's last raw turns instead (a user who comes straight back still gets it).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from datetime import datetime

from shared.models.messages import AI_SPEAKER, Message
from shared.models.sessions import Session

MAX_LINE_CHARS = 700
"""Bound of one recalled line. Recall injects at most 3 lines plus one raw-turns line of twice this:
<= 3,500 characters, about 900 tokens (4 characters a token), whatever the user's history."""
_SNIPPET_CHARS = 420
RAW_TURNS = 6
_RAW_TURN_CHARS = 200


class MemoryRecall(ABC):
    @abstractmethod
    def recall(self, *, session: Session, opening: str) -> list[str]:
        """Lines for the model about the user's earlier sessions (empty for a first-time user)."""

    @abstractmethod
    def keep(self, *, session_id: str, lines: list[str]) -> None:
        """Store what was recalled on the session, so its later turns carry it without asking again."""


class NoRecall(MemoryRecall):
    def recall(self, *, session: Session, opening: str) -> list[str]:
        return []

    def keep(self, *, session_id: str, lines: list[str]) -> None:
        return None


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _day(when: datetime | None) -> str:
    return when.date().isoformat() if when is not None else "an earlier date"


def summary_line(
    *, summary: str, next_steps: Sequence[str], ended_at: datetime | None, avatar_name: str
) -> str:
    """One past session as the model sees it."""
    line = f"Session on {_day(ended_at)} with {avatar_name}: {summary}"
    if next_steps:
        line += " Planned next steps: " + "; ".join(next_steps)
    return _clip(line, MAX_LINE_CHARS)


def raw_turns_line(*, messages: Sequence[Message], ended_at: datetime | None, avatar_name: str) -> str | None:
    """The last turns of a session whose summary is not ready, quoted briefly (None if it had none)."""
    turns = [m for m in messages if m.content.strip() and m.status != "failed" and m.type != "system"]
    if not turns:
        return None
    said = " / ".join(
        ("You" if m.speaker == AI_SPEAKER else "User") + ": " + _clip(m.content, _RAW_TURN_CHARS)
        for m in turns[-RAW_TURNS:]
    )
    return _clip(
        f"Session on {_day(ended_at)} with {avatar_name} (summary not ready yet), its last turns: {said}",
        MAX_LINE_CHARS * 2,
    )


def match_line(*, summary: str, snippet: str, when: datetime | None, avatar_name: str) -> str:
    """A past session found by the retrieval engine: the part that matched, quoted, then its summary."""
    quoted = _clip(snippet.replace("\n", " / "), _SNIPPET_CHARS)
    line = f'Session on {_day(when)} with {avatar_name}: the relevant part was "{quoted}".'
    if summary:
        line += f" Summary: {summary}"
    return _clip(line, MAX_LINE_CHARS)
