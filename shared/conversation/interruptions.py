"""Barge-in (seed 003): what the model may see of an AI message the listener interrupted.

The stored message keeps its full text; the model's context gets only what was heard, marked as cut
off, and the prompt notes the last few interruptions so the AI does not repeat what nobody heard or
talk over people again.
"""

from __future__ import annotations

from collections.abc import Sequence

from shared.models.voice import InterruptionRecord

# Speaking rate used to turn `heardMs` into the text a listener heard (about 150 words a minute).
CHARS_PER_SECOND = 15.0
INTERRUPTED_MARK = " [interrupted]"


def heard_text(content: str, record: InterruptionRecord) -> str:
    """The reported text (never longer than the message), or the share of the message spoken within
    `heardMs` at CHARS_PER_SECOND, cut back to a word boundary."""
    if record.heard_text is not None:
        return record.heard_text[: len(content)]
    chars = int((record.heard_ms or 0) / 1000 * CHARS_PER_SECOND)
    if chars >= len(content):
        return content
    cut = content[:chars]
    space = cut.rfind(" ")
    return cut[:space] if space > 0 else cut


def spoken(content: str, record: InterruptionRecord | None) -> str:
    """The message as the model should see it."""
    return content if record is None else heard_text(content, record) + INTERRUPTED_MARK


def interruption_note(heard: Sequence[str]) -> str | None:
    """A system-prompt line about the most recent interruptions (the caller picks how many)."""
    if not heard:
        return None
    quoted = "; ".join(f"'{text}...'" for text in heard)
    return (
        f"You were interrupted recently, after: {quoted}. Keep replies shorter, don't repeat what was "
        "cut off verbatim, and let the person finish."
    )
