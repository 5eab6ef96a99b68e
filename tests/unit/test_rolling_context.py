"""The reply's context beside the rolling summary: no message falls between the two, and its size stays
bounded whatever state the summary is in (shared/memory/rolling.py)."""

from __future__ import annotations

from datetime import datetime

import pytest

from shared.memory.rolling import context_window, plan_roll
from shared.models.messages import Message
from tests.support.fakes import transcript_message

WINDOW, EVERY = 10, 6


def conversation(count: int) -> list[Message]:
    return [transcript_message(n, "user" if n % 2 else "ai", f"line {n}") for n in range(count)]


def rolled_through(messages: list[Message], through: int) -> datetime | None:
    return messages[through - 1].created_at if through else None


@pytest.mark.parametrize("count", range(1, 60))
def test_with_every_due_roll_done_each_message_is_in_the_summary_or_the_window(count: int) -> None:
    messages = conversation(count)
    through = 0
    for seen in range(1, count + 1):  # the flush rolls whenever a roll is due
        plan = plan_roll(message_count=seen, through=through, window=WINDOW, every=EVERY)
        if plan is not None:
            through = plan.target
    window = context_window(
        messages, summarised_until=rolled_through(messages, through), window=WINDOW, every=EVERY
    )
    held = {m.id for m in messages[:through]} | {m.id for m in window}
    assert held == {m.id for m in messages}, "a message is neither summarised nor in the prompt"
    assert WINDOW <= len(window) <= WINDOW + EVERY - 1 or len(window) == count


def test_the_last_window_messages_are_always_there_even_if_the_summary_is_ahead() -> None:
    messages = conversation(30)
    window = context_window(messages, summarised_until=messages[-1].created_at, window=WINDOW, every=EVERY)
    assert [m.id for m in window] == [m.id for m in messages[-WINDOW:]]


def test_a_lagging_roll_keeps_the_prompt_bounded() -> None:
    messages = conversation(200)
    window = context_window(messages, summarised_until=None, window=WINDOW, every=EVERY)
    assert [m.id for m in window] == [m.id for m in messages[-(WINDOW + EVERY - 1) :]]


def test_a_short_session_without_a_summary_keeps_all_its_messages() -> None:
    messages = conversation(WINDOW + 3)
    assert context_window(messages, summarised_until=None, window=WINDOW, every=EVERY) == messages
