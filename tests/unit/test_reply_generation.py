"""One generation per reply under concurrent retries; no message or reply after a pause or an end."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest

from shared.conversation.generation import claimable
from shared.conversation.provider import AiProvider, ReplyChunk, ReplyRequest
from shared.conversation.turns import ConversationService, reply_id_for
from shared.errors import InvalidStateTransition
from shared.models.messages import Message, MessageStatus, PostMessageRequest
from shared.sessions.statuses import SessionStatus
from shared.settings import Settings
from tests.support.fakes import FakeClock, InMemoryMessageStore, InMemorySafetyGateway
from tests.unit.test_turns import OWNER, SID, make_session


class SlowProvider(AiProvider):
    """Streams a few words with real pauses, so concurrent retries overlap the generation."""

    model = "slow"

    def __init__(self, pause: float = 0.05, fail: bool = False) -> None:
        self.pause = pause
        self.fail = fail
        self.calls = 0
        self._lock = threading.Lock()
        self.before_chunk: list[object] = []

    def stream(self, request: ReplyRequest) -> Iterator[ReplyChunk]:
        with self._lock:
            self.calls += 1
        if self.fail:
            raise ConnectionError("down")
        for word in ["one", "two", "three", "four"]:
            time.sleep(self.pause)
            for hook in self.before_chunk:
                hook()  # type: ignore[operator]
            yield ReplyChunk(word + " ")
        yield ReplyChunk("", done=True, tokens_used=4)


def service_with(
    provider: AiProvider, **settings: object
) -> tuple[ConversationService, InMemoryMessageStore]:
    clock = FakeClock()
    store = InMemoryMessageStore({SID: make_session(clock)})
    service = ConversationService(
        store=store,
        provider=provider,
        safety=InMemorySafetyGateway(store.sessions, clock),
        settings=Settings(**settings),  # type: ignore[arg-type]
        clock=clock.wall,
        sleep=lambda s: time.sleep(0.01),
    )
    return service, store


def say(cid: str = "same") -> PostMessageRequest:
    return PostMessageRequest.model_validate({"content": "I had a long day", "clientMessageId": cid})


def test_twenty_concurrent_retries_run_one_generation_and_all_get_the_final_reply() -> None:
    provider = SlowProvider()
    service, store = service_with(provider, stream_update_interval_ms=50)
    with ThreadPoolExecutor(max_workers=20) as pool:
        turns = list(
            pool.map(lambda _: service.post(user_id=OWNER, session_id=SID, request=say()), range(20))
        )
    assert provider.calls == 1
    replies = {t.reply.id for t in turns if t.reply is not None}
    assert len(replies) == 1 and all(t.reply is not None for t in turns)
    assert all(t.reply is not None and t.reply.status == "complete" for t in turns), "never half-streamed"
    assert {t.reply.content for t in turns if t.reply is not None} == {"one two three four"}
    assert len(store.messages) == 2
    assert [w for w in store.writes if w[0] == "save:complete"] == [("save:complete", next(iter(replies)))]


def test_a_retry_after_a_failed_reply_generates_it_again() -> None:
    provider = SlowProvider(pause=0, fail=True)
    service, _ = service_with(provider, ai_max_attempts=1)
    first = service.post(user_id=OWNER, session_id=SID, request=say())
    assert first.reply is not None and first.reply.status == "failed"
    provider.fail = False
    again = service.post(user_id=OWNER, session_id=SID, request=say())
    assert again.reply is not None and again.reply.status == "complete"
    assert provider.calls == 2


def test_claim_rules() -> None:
    clock = FakeClock()
    now = clock.wall()

    def reply(status: MessageStatus, at_offset: float) -> Message:
        at = now + timedelta(seconds=at_offset)
        return Message(
            id="r",
            session_id=SID,
            speaker="ai",
            type="ai",
            content="",
            status=status,
            created_at=at,
            updated_at=at,
            timestamp_in_session=0,
        )

    assert claimable(claimed_at=None, reply=None, now=now, lease=45)
    assert not claimable(claimed_at=now, reply=None, now=now + timedelta(seconds=10), lease=45)
    assert claimable(claimed_at=now, reply=None, now=now + timedelta(seconds=46), lease=45), (
        "the claimant died"
    )
    assert not claimable(
        claimed_at=now, reply=reply("streaming", 1), now=now + timedelta(seconds=2), lease=45
    )
    assert claimable(claimed_at=now, reply=reply("failed", 3), now=now + timedelta(seconds=4), lease=45)
    assert not claimable(claimed_at=now, reply=reply("failed", -3), now=now + timedelta(seconds=4), lease=45)
    assert not claimable(claimed_at=None, reply=reply("complete", 0), now=now, lease=45)


# -- status -----------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [SessionStatus.PAUSED, SessionStatus.COMPLETED])
def test_a_message_is_refused_when_the_session_stops_between_its_read_and_its_write(
    status: SessionStatus,
) -> None:
    """The turn reads the session (active), then the pause/end commits, then the message's write."""
    service, store = service_with(SlowProvider(pause=0))
    real_recent = store.recent_messages

    def end_meanwhile(session_id: str, limit: int) -> list[Message]:
        store.sessions[SID] = store.sessions[SID].model_copy(update={"status": status})
        return real_recent(session_id, limit)

    store.recent_messages = end_meanwhile  # type: ignore[method-assign]
    with pytest.raises(InvalidStateTransition):
        service.post(user_id=OWNER, session_id=SID, request=say())
    assert store.messages == {}


def test_a_reply_stops_streaming_when_the_session_ends() -> None:
    provider = SlowProvider(pause=0.4)
    service, store = service_with(provider, stream_update_interval_ms=50)
    chunks = [0]

    def end_after_two_chunks() -> None:
        chunks[0] += 1
        if chunks[0] == 3:
            store.sessions[SID] = store.sessions[SID].model_copy(update={"status": SessionStatus.COMPLETED})

    provider.before_chunk.append(end_after_two_chunks)
    turn = service.post(user_id=OWNER, session_id=SID, request=say())
    assert turn.reply is not None
    assert turn.reply.status == "failed" and turn.reply.failure_reason == "session_ended"
    stored = store.messages[reply_id_for(turn.message.id)]
    assert stored.status == "failed"
    assert "four" not in stored.content, "nothing streamed after the end"
