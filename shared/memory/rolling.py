"""The rolling summary of a long session: what left the reply context window, folded into a few lines.

The reply context is the persona, this summary and the last `context_messages` messages, so it stays
bounded however long the session runs (ADK #4673 loads the whole history on every turn). The summary is
rolled forward, not rebuilt: the previous summary is summarised again together with only the messages
that left the window since, so each roll reads a bounded number of messages.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from shared.memory.summarize import summarize
from shared.models.messages import Message


@dataclass(frozen=True)
class RollPlan:
    """Fold messages `through` .. `target` (counted from the session's first) into the summary."""

    through: int
    target: int

    @property
    def count(self) -> int:
        return self.target - self.through


def plan_roll(*, message_count: int, through: int, window: int, every: int) -> RollPlan | None:
    """A roll is due once `every` messages have left the context window since the last one."""
    target = message_count - window
    if target - through < every:
        return None
    return RollPlan(through=through, target=target)


def context_window(
    messages: Sequence[Message], *, summarised_until: datetime | None, window: int, every: int
) -> list[Message]:
    """The messages a reply sees beside the summary: every one the summary does not yet hold, so none
    falls between the two, bounded by the most that can be waiting for a roll (`window + every - 1`)
    and never fewer than the last `window`. `messages` is oldest first.

    A roll is due only once `every` messages have left the window, so up to `every - 1` of them wait
    outside it; a prompt of just the last `window` lost them (and, before the first roll, the session's
    opening messages) until the next roll. A roll that lags behind (its flush late) can still leave a
    gap: the bound keeps the prompt's size fixed whatever the summary's state."""
    waiting = [m for m in messages if summarised_until is None or m.created_at > summarised_until]
    keep = min(max(len(waiting), window), window + every - 1)
    return list(messages[-keep:])


def roll(previous: str | None, messages: Sequence[Message]) -> str | None:
    """The new rolling summary: the previous one and the newly old messages, summarised together."""
    if not messages:
        return previous
    folded = list(messages)
    if previous:
        first = min(messages, key=lambda m: m.timestamp_in_session)
        folded.insert(0, _as_message(previous, first.session_id, first.created_at))
    return summarize(folded).summary or previous


def _as_message(text: str, session_id: str, at: datetime) -> Message:
    return Message(
        id="rolling-summary",
        session_id=session_id,
        speaker="user",
        type="text",
        content=text,
        created_at=at,
        updated_at=at,
        timestamp_in_session=-1.0,
    )
