"""Facts extracted from a session (with an OpenAI key): short statements indexed beside the windows.

A fact item has the window items' shape (`MemoryItem`, kind "fact"): the same session, date, speakers,
terms and embedding, so search, recall, deletion and erasure treat both alike. Facts take the positions
after the windows (ids `{sessionId}-{NNN}` stay unique and stable for the same answer), and never more
than the session's item bound leaves room for (MAX_FACTS, and at most MAX_ITEMS_PER_SESSION in all).
Extraction is optional: without it, or when it fails, the windows alone are indexed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from shared.memory.retrieval.items import MAX_ITEMS_PER_SESSION, MemoryItem, Turn, make_item, window_items

MAX_FACTS = 20
MAX_FACT_CHARS = 300


@dataclass(frozen=True)
class Fact:
    """One statement about what was said, and who it came from (a speaker of the session)."""

    text: str
    speaker: str


class FactExtractor(Protocol):
    model: str

    def extract(self, turns: Sequence[Turn]) -> list[Fact]:
        """Facts stated in the session (raise on failure; the caller indexes the windows alone)."""
        ...


def fact_items(
    *,
    user_id: str,
    session_id: str,
    date: datetime | None,
    facts: Sequence[Fact],
    first_position: int,
    speakers: Sequence[str],
) -> list[MemoryItem]:
    """Distinct, non-empty facts as items after `first_position`; a speaker not in the session is
    recorded as the session's first speaker (the model does not decide who said what)."""
    room = max(0, min(MAX_FACTS, MAX_ITEMS_PER_SESSION - first_position))
    known = set(speakers)
    seen: set[str] = set()
    items: list[MemoryItem] = []
    for fact in facts:
        text = " ".join(fact.text.split())[:MAX_FACT_CHARS]
        if not text or text.lower() in seen or len(items) >= room:
            continue
        seen.add(text.lower())
        speaker = fact.speaker if fact.speaker in known else (speakers[0] if speakers else "user")
        items.append(
            make_item(
                user_id=user_id,
                session_id=session_id,
                position=first_position + len(items),
                speakers=[speaker],
                date=date,
                text=f"{speaker}: {text}",
                kind="fact",
            )
        )
    return items


def session_items(
    *,
    user_id: str,
    session_id: str,
    date: datetime | None,
    turns: Sequence[Turn],
    facts: Sequence[Fact] = (),
) -> list[MemoryItem]:
    """The session's windows, then its facts (if any were extracted)."""
    windows = window_items(user_id=user_id, session_id=session_id, date=date, turns=turns)
    speakers = list(dict.fromkeys(t.speaker for t in turns))
    return windows + fact_items(
        user_id=user_id,
        session_id=session_id,
        date=date,
        facts=facts,
        first_position=len(windows),
        speakers=speakers,
    )
