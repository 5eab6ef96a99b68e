"""Memory items: the unit the retrieval engine indexes, finer than a session.

A finished session becomes overlapping windows of a few consecutive turns (`window_items`). Each item
carries its session, the speakers in it, the session's date, its text, and its lexical terms (unique
terms for Firestore `array_contains_any`, term frequencies and length for BM25). Ids are derived from
the session id and the window's position, so indexing the same session twice writes the same documents.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from pydantic import Field

from shared.memory.retrieval.terms import term_counts
from shared.models.base import ApiModel

MEMORY_ITEMS = "memoryItems"
ItemKind = Literal["window", "fact", "kb"]

WINDOW_TURNS = 4
WINDOW_STRIDE = 2
MAX_TURN_CHARS = 600
MAX_ITEM_TERMS = 150
"""Unique terms kept per item (the rarest words matter most; a window rarely has more)."""
MAX_ITEMS_PER_SESSION = 60
"""Bounds the writes of one ended session (and of its deletion): 60 items, 4 turns each, step 2."""


@dataclass(frozen=True)
class Turn:
    """One utterance of a session, as the indexer sees it."""

    speaker: str
    text: str


class MemoryItem(ApiModel):
    """The `memoryItems/{id}` document without its `embedding` vector field."""

    id: str
    user_id: str
    session_id: str
    kind: ItemKind = "window"
    position: int = Field(ge=0)
    speakers: list[str]
    date: datetime | None = Field(description="The session's date (when it started).")
    month: str | None = Field(
        default=None, description="YYYY-MM of `date`: an equality pre-filter for dated vector search."
    )
    text: str
    terms: list[str] = Field(description="Unique normalised terms, for array_contains_any.")
    term_freqs: dict[str, int]
    length: int = Field(ge=0, description="Number of terms, for BM25 length normalisation.")
    embedding_model: str | None = None
    source: str | None = Field(default=None, description="Knowledge-base document id, for kb items.")


def item_id(session_id: str, position: int) -> str:
    return f"{session_id}-{position:03d}"


def make_item(
    *,
    user_id: str,
    session_id: str,
    position: int,
    speakers: Sequence[str],
    date: datetime | None,
    text: str,
    kind: ItemKind = "window",
    source: str | None = None,
) -> MemoryItem:
    counts: Counter[str] = term_counts(text)
    kept = dict(counts.most_common(MAX_ITEM_TERMS))
    return MemoryItem(
        id=item_id(session_id, position),
        user_id=user_id,
        session_id=session_id,
        kind=kind,
        position=position,
        speakers=sorted(set(speakers)),
        date=date,
        month=date.strftime("%Y-%m") if date is not None else None,
        text=text,
        terms=sorted(kept),
        term_freqs=kept,
        length=sum(counts.values()),
        source=source,
    )


def _line(turn: Turn) -> str:
    text = " ".join(turn.text.split())
    if len(text) > MAX_TURN_CHARS:
        text = text[: MAX_TURN_CHARS - 1].rstrip() + "…"
    return f"{turn.speaker}: {text}"


def window_items(
    *,
    user_id: str,
    session_id: str,
    date: datetime | None,
    turns: Sequence[Turn],
    size: int = WINDOW_TURNS,
    stride: int = WINDOW_STRIDE,
) -> list[MemoryItem]:
    """Overlapping windows of `size` turns every `stride` turns (the last window reaches the end).

    Overlap keeps a question and its answer together whichever side of a boundary they fall on. Very long
    sessions are cut to MAX_ITEMS_PER_SESSION windows by widening the stride, never by dropping the end.
    """
    kept = [t for t in turns if t.text.strip()]
    if not kept:
        return []
    n = len(kept)
    while stride < n and (max(n - size, 0) + stride - 1) // stride + 1 > MAX_ITEMS_PER_SESSION:
        stride += 1
        size = max(size, stride)
    starts = list(range(0, max(n - size, 0) + 1, stride))
    if starts[-1] + size < n:
        starts.append(n - size)
    items = []
    for position, start in enumerate(starts):
        window = kept[start : start + size]
        items.append(
            make_item(
                user_id=user_id,
                session_id=session_id,
                position=position,
                speakers=[t.speaker for t in window],
                date=date,
                text="\n".join(_line(t) for t in window),
            )
        )
    return items
