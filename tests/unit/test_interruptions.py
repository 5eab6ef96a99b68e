"""Barge-in on 1:1 AI replies: the reply keeps its text, the model's context sees only what was heard."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from shared.conversation.interruptions import heard_text, spoken
from shared.models.voice import InterruptionRecord, InterruptRequest
from tests.unit.test_turns import OWNER, SID, build, say


def test_request_needs_exactly_one_of_heard_ms_or_heard_text() -> None:
    InterruptRequest.model_validate({"heardMs": 800})
    InterruptRequest.model_validate({"heardText": "I hear"})
    for bad in ({}, {"heardMs": 800, "heardText": "I"}, {"heardMs": -1}, {"heardMs": 10, "speaker": "ai"}):
        with pytest.raises(ValidationError):
            InterruptRequest.model_validate(bad)


def test_heard_ms_maps_to_whole_words_and_never_past_the_end() -> None:
    from datetime import UTC, datetime

    at = datetime(2026, 1, 1, tzinfo=UTC)
    content = "That sounds like a really heavy week for you"
    assert heard_text(content, InterruptionRecord(heard_ms=1000, at=at)) == "That sounds"
    assert heard_text(content, InterruptionRecord(heard_ms=60_000, at=at)) == content
    assert heard_text(content, InterruptionRecord(heard_text=content + " and more", at=at)) == content
    assert spoken(content, None) == content


def test_context_uses_what_was_heard_and_notes_the_last_three_interruptions() -> None:
    from datetime import UTC, datetime

    service, store, provider, clock = build(["That", "sounds", "like", "a", "really", "heavy", "week."])
    replies = []
    for i in range(5):
        clock.advance(1)
        turn = service.post(user_id=OWNER, session_id=SID, request=say(f"message number {i}", cid=f"c{i}"))
        assert turn.reply is not None
        replies.append(turn.reply)
    for i, reply in enumerate(replies[:4]):
        record = InterruptionRecord(heard_text=f"That sounds{i}", at=datetime(2026, 1, 1, tzinfo=UTC))
        store.save_message(reply.model_copy(update={"interruption": record}))
    clock.advance(1)
    service.post(user_id=OWNER, session_id=SID, request=say("sorry, go on", cid="c9"))
    request = provider.requests[-1]
    assistant = [t.content for t in request.history if t.role == "assistant"]
    assert all("really heavy week" not in text for text in assistant[:-1] if "[interrupted]" in text)
    assert "That sounds3 [interrupted]" in assistant
    system = request.messages()[0].content
    assert "interrupted recently" in system
    assert (
        "'That sounds3...'" in system and "'That sounds1...'" in system and "'That sounds0...'" not in system
    )
    # The stored reply keeps its full text.
    assert store.messages[replies[0].id].content == "That sounds like a really heavy week."
