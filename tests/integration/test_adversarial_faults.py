"""Fault injection on a real turn (Firestore on the emulator, the OpenAI provider on the fake server):
a slow model, 5xx, a broken stream, a hung server, a failed publish, a failed enqueue. For each: the
user gets a clear outcome, nothing is lost or duplicated, no message goes unscreened, and a retry with
the same clientMessageId completes the work."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from shared.conversation.turns import FALLBACK_REPLY, ConversationService
from shared.models.messages import PostMessageRequest
from shared.settings import Settings
from tests.support.adversarial import TALLY
from tests.support.emulator import Api, TestUser, firestore_db
from tests.support.fake_openai import FakeOpenAI

ELEVATED = "I keep thinking about killing myself lately, the thoughts will not stop."


@pytest.fixture
def fake() -> Iterator[FakeOpenAI]:
    with FakeOpenAI(pieces=["I", " hear", " you", "."]) as server:
        yield server


def _service(fake: FakeOpenAI) -> ConversationService:
    from backend.ai.openai_provider import OpenAIProvider
    from backend.cloud.events import CloudSessionEvents
    from backend.cloud.safety_outbound import CloudSafetyOutbound
    from backend.store.messages import FirestoreMessageStore
    from backend.store.safety import FirestoreSafetyGateway
    from shared.clock import utcnow

    settings = Settings(ai_timeout_seconds=1.5, ai_max_attempts=2, stream_update_interval_ms=50)
    provider = OpenAIProvider(api_key="test", base_url=f"{fake.url}/v1", model="fake", timeout_s=1.5)
    db = firestore_db()
    return ConversationService(
        store=FirestoreMessageStore(db=db, settings=settings, events=CloudSessionEvents(settings=settings)),
        provider=provider,
        safety=FirestoreSafetyGateway(db=db, settings=settings, outbound=CloudSafetyOutbound()),
        settings=settings,
        clock=utcnow,
    )


def _session(api: Api) -> str:
    response = api.post("/sessions/start", json={"avatar": "emma", "duration": 15})
    assert response.status_code == 201, response.text
    sid: str = response.json()["session"]["id"]
    return sid


def _messages(sid: str) -> list[dict[str, Any]]:
    return [
        d.to_dict() for d in firestore_db().collection("sessions").document(sid).collection("messages").get()
    ]


def _conversation(sid: str) -> list[dict[str, Any]]:
    """The user's messages and the replies, without the backend's own notices (the start's AI notice)."""
    return [m for m in _messages(sid) if m["speaker"] != "system"]


FAULTS: dict[str, Callable[[FakeOpenAI], None]] = {
    "5xx": lambda f: setattr(f, "status", 500),
    "slow": lambda f: setattr(f, "delay_per_piece", 0.6),
    "broken-stream": lambda f: setattr(f, "break_after", 2),
    "hung": lambda f: setattr(f, "delay_before", 3.0),
}


def _heal(fake: FakeOpenAI) -> None:
    fake.status, fake.delay_per_piece, fake.break_after, fake.delay_before = 200, 0.0, None, 0.0


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_a_model_fault_gives_a_clear_outcome_and_a_retry_completes(
    fault: str, fake: FakeOpenAI, api: Api, user: TestUser
) -> None:
    service = _service(fake)
    sid = _session(api)
    request = PostMessageRequest.model_validate(
        {"content": "I had a long day", "clientMessageId": uuid.uuid4().hex}
    )
    FAULTS[fault](fake)
    turn = service.post(user_id=user.uid, session_id=sid, request=request)
    TALLY[("faults", 201)] += 1
    assert turn.message.safety is not None, "screened before anything else"
    assert turn.reply is not None and turn.reply.status == "failed" and turn.reply.content == FALLBACK_REPLY
    _heal(fake)
    retried = service.post(user_id=user.uid, session_id=sid, request=request)
    assert retried.message.id == turn.message.id
    assert (
        retried.reply is not None
        and retried.reply.status == "complete"
        and retried.reply.content == "I hear you."
    )
    stored = _conversation(sid)
    assert len(stored) == 2, "nothing lost, nothing duplicated"
    assert all(m["status"] == "complete" for m in stored)


def test_a_failed_publish_keeps_the_inline_verdict_and_a_retry_publishes(
    fake: FakeOpenAI, api: Api, user: TestUser, monkeypatch: pytest.MonkeyPatch
) -> None:
    from backend.cloud import safety_outbound

    published: list[dict[str, Any]] = []

    def down(topic: str, payload: dict[str, Any], **_: Any) -> None:
        raise ConnectionError("pubsub down")

    monkeypatch.setattr(safety_outbound, "publish", down)
    service = _service(fake)
    sid = _session(api)
    request = PostMessageRequest.model_validate({"content": ELEVATED, "clientMessageId": uuid.uuid4().hex})
    turn = service.post(user_id=user.uid, session_id=sid, request=request)
    TALLY[("faults", 201)] += 1
    assert turn.message.safety is not None and turn.message.safety.level in ("ELEVATED_CONCERN", "HIGH_RISK")
    level = firestore_db().document(f"sessions/{sid}").get().get("safetyState")
    assert level in ("ELEVATED_CONCERN", "HIGH_RISK"), "the inline verdict stands without the deep pass"
    monkeypatch.setattr(safety_outbound, "publish", lambda topic, payload, **_: published.append(payload))
    service.post(user_id=user.uid, session_id=sid, request=request)
    assert [p["messageId"] for p in published] == [turn.message.id], "the retry asks for the deep pass"
    assert len([m for m in _messages(sid) if m["speaker"] == "user"]) == 1


def test_a_failed_enqueue_loses_no_message_and_the_next_flush_counts_it(
    fake: FakeOpenAI, api: Api, user: TestUser, monkeypatch: pytest.MonkeyPatch
) -> None:
    import backend.cloud.tasks
    from backend.triggers.stats import flush

    calls: list[str] = []

    def down(function_name: str, data: dict[str, Any], **_: Any) -> bool:
        calls.append(function_name)
        raise ConnectionError("tasks down")

    monkeypatch.setattr(backend.cloud.tasks, "enqueue", down)
    service = _service(fake)
    sid = _session(api)
    request = PostMessageRequest.model_validate({"content": "hello", "clientMessageId": uuid.uuid4().hex})
    turn = service.post(user_id=user.uid, session_id=sid, request=request)
    TALLY[("faults", 201)] += 1
    assert turn.reply is not None and turn.reply.status == "complete"
    monkeypatch.undo()
    written = flush(sid)  # what the next delivered flush does
    assert written is not None and written["messageCount"] == len(_messages(sid))
    assert len(_conversation(sid)) == 2
