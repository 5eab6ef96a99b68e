"""A conversation turn: dedup, context, throttled streaming, fallbacks (in-memory store, fake clock)."""

from __future__ import annotations

import pytest

from shared.conversation.turns import FALLBACK_REPLY, ConversationService, message_id_for, reply_id_for
from shared.errors import InvalidStateTransition, NotFound
from shared.models.messages import PostMessageRequest
from shared.models.sessions import Session
from shared.safety.levels import SafetyLevel
from shared.sessions.lifecycle import session_paths
from shared.sessions.statuses import SessionStatus
from shared.settings import Settings
from tests.support.fakes import FakeClock, InMemoryMessageStore, InMemorySafetyGateway, ScriptedProvider

SID = "session-1"
OWNER = "user-1"


def make_session(clock: FakeClock, status: SessionStatus = SessionStatus.ACTIVE) -> Session:
    return Session(
        id=SID,
        user_id=OWNER,
        avatar="emma",
        mode="chat",
        session_type="instant",
        status=status,
        planned_duration=30,
        created_at=clock.wall(),
        updated_at=clock.wall(),
        started_at=clock.wall(),
        credits_remaining=60,
        paths=session_paths(SID),
    )


def build(
    provider_words: list[str] | None = None,
    *,
    step: float = 0.0,
    fail_times: int = 0,
    end: bool = True,
    status: SessionStatus = SessionStatus.ACTIVE,
    **settings: object,
) -> tuple[ConversationService, InMemoryMessageStore, ScriptedProvider, FakeClock]:
    clock = FakeClock()
    store = InMemoryMessageStore({SID: make_session(clock, status)})
    provider = ScriptedProvider(
        provider_words or ["I", "hear", "you."], clock, step=step, fail_times=fail_times, end=end
    )
    service = ConversationService(
        store=store,
        provider=provider,
        safety=InMemorySafetyGateway(store.sessions, clock),
        settings=Settings(**settings),  # type: ignore[arg-type]
        clock=clock.wall,
        monotonic=clock.monotonic,
    )
    return service, store, provider, clock


def say(text: str, cid: str = "c1", **extra: object) -> PostMessageRequest:
    return PostMessageRequest.model_validate({"content": text, "clientMessageId": cid, **extra})


def test_user_message_then_complete_reply_written_once_when_fast() -> None:
    service, store, _, _ = build()
    turn = service.post(user_id=OWNER, session_id=SID, request=say("I had a long day at work"))
    assert turn.message.speaker == "user" and turn.message.status == "complete"
    assert turn.message.sentiment is not None
    assert turn.reply is not None
    assert turn.reply.status == "complete" and turn.reply.content == "I hear you."
    assert turn.reply.ai_model == "scripted" and turn.reply.tokens_used == 3
    assert turn.reply.reply_to == turn.message.id
    # A reply ready before the first stream interval costs one write, never a streaming state.
    assert store.writes == [("create", turn.message.id), ("save:complete", turn.reply.id)]
    assert store.typing == []


def test_retry_with_same_client_message_id_never_stores_twice() -> None:
    service, store, provider, _ = build()
    first = service.post(user_id=OWNER, session_id=SID, request=say("hello there"))
    again = service.post(user_id=OWNER, session_id=SID, request=say("hello there"))
    assert again.message.id == first.message.id
    assert again.reply is not None and first.reply is not None and again.reply.id == first.reply.id
    assert provider.calls == 1, "the stored reply is returned, not generated again"
    assert len(store.messages) == 2


def test_ids_are_deterministic_per_session_and_client_id() -> None:
    assert message_id_for("a", "x") == message_id_for("a", "x")
    assert message_id_for("a", "x") != message_id_for("b", "x")
    assert reply_id_for("m") != "m"


def test_slow_stream_updates_at_most_once_per_interval_and_shows_typing() -> None:
    words = [f"w{i}" for i in range(20)]
    service, store, _, _ = build(words, step=0.1, stream_update_interval_ms=300)
    turn = service.post(user_id=OWNER, session_id=SID, request=say("tell me more"))
    assert turn.reply is not None and turn.reply.status == "complete"
    streaming = [w for w in store.writes if w[0] == "save:streaming"]
    # 20 chunks x 0.1 s = 2 s of streaming, written about every 0.3 s: 6 progress writes, not 20.
    assert 5 <= len(streaming) <= 7
    assert store.writes[-1] == ("save:complete", turn.reply.id)
    assert store.typing == [True, False]


def test_provider_failure_is_retried_then_succeeds() -> None:
    service, _, provider, _ = build(fail_times=1)
    turn = service.post(user_id=OWNER, session_id=SID, request=say("are you there"))
    assert provider.calls == 2
    assert turn.reply is not None and turn.reply.status == "complete"


def test_provider_down_gives_fallback_and_session_stays_usable() -> None:
    service, _, _, _ = build(fail_times=99, ai_max_attempts=2)
    turn = service.post(user_id=OWNER, session_id=SID, request=say("hello"))
    assert turn.reply is not None
    assert turn.reply.status == "failed" and turn.reply.content == FALLBACK_REPLY
    assert turn.reply.failure_reason == "provider_error:ConnectionError"
    later = service.post(user_id=OWNER, session_id=SID, request=say("still there?", cid="c2"))
    assert later.message.content == "still there?"


def test_timeout_fails_with_reason_timeout() -> None:
    service, _, _, _ = build([f"w{i}" for i in range(50)], step=1.0, ai_timeout_seconds=5)
    turn = service.post(user_id=OWNER, session_id=SID, request=say("hello"))
    assert turn.reply is not None and turn.reply.status == "failed" and turn.reply.failure_reason == "timeout"


def test_stream_without_final_chunk_is_a_failure_not_a_partial_reply() -> None:
    service, _, _, _ = build(end=False, ai_max_attempts=1)
    turn = service.post(user_id=OWNER, session_id=SID, request=say("hello"))
    assert turn.reply is not None and turn.reply.status == "failed"


def test_context_is_persona_plus_last_n_messages() -> None:
    # A roll due after every message that leaves the window: the prompt is exactly the last four.
    service, _, provider, clock = build(context_messages=4, rolling_summary_every=1)
    for i in range(5):
        clock.advance(1)
        service.post(user_id=OWNER, session_id=SID, request=say(f"message {i}", cid=f"c{i}"))
    request = provider.requests[-1]
    assert len(request.history) == 4
    assert request.history[-1].role == "user" and request.history[-1].content == "message 4"
    # u0 a0 ... u3 a3 u4: the newest four are a2 u3 a3 u4.
    assert [t.role for t in request.history] == ["assistant", "user", "assistant", "user"]
    assert [t.content for t in request.history if t.role == "user"] == ["message 3", "message 4"]
    system = request.messages()[0]
    assert system.role == "system" and "Emma" in system.content


def test_messages_waiting_for_the_first_roll_stay_in_the_context() -> None:
    service, _, provider, clock = build(context_messages=4, rolling_summary_every=3)
    for i in range(3):
        clock.advance(1)
        service.post(user_id=OWNER, session_id=SID, request=say(f"message {i}", cid=f"c{i}"))
    # u0 a0 u1 a1 u2: no summary yet, and up to 4 + 3 - 1 messages may wait for it.
    assert [t.content for t in provider.requests[-1].history if t.role == "user"] == [
        "message 0",
        "message 1",
        "message 2",
    ]


def test_transcript_messages_do_not_trigger_a_reply_by_default() -> None:
    service, store, provider, _ = build()
    turn = service.post(user_id=OWNER, session_id=SID, request=say("speaker two talking", type="transcript"))
    assert turn.reply is None and provider.calls == 0
    assert len(store.messages) == 1


def test_timestamp_in_session_counts_from_start() -> None:
    service, _, _, clock = build()
    clock.advance(42)
    turn = service.post(user_id=OWNER, session_id=SID, request=say("hi", reply=False))
    assert turn.message.timestamp_in_session == pytest.approx(42)


@pytest.mark.parametrize("status", [SessionStatus.PAUSED, SessionStatus.COMPLETED, SessionStatus.PENDING])
def test_messages_need_an_active_session(status: SessionStatus) -> None:
    service, store, _, _ = build(status=status)
    with pytest.raises(InvalidStateTransition):
        service.post(user_id=OWNER, session_id=SID, request=say("hello"))
    assert store.messages == {}


def test_other_users_session_is_not_found() -> None:
    service, store, _, _ = build()
    with pytest.raises(NotFound):
        service.post(user_id="intruder", session_id=SID, request=say("hello"))
    assert store.messages == {}


def test_after_an_admin_clear_old_disclosures_do_not_re_raise_the_level() -> None:
    from shared.safety.escalation import clear

    service, store, _, clock = build()
    service.post(
        user_id=OWNER,
        session_id=SID,
        request=say("I have decided to end my life, I wrote a note and plan to do it next month", cid="a"),
    )
    assert store.sessions[SID].safety_state.at_least(SafetyLevel.HIGH_RISK)
    clock.advance(5)
    store.sessions[SID], _ = clear(
        session=store.sessions[SID], admin_uid="admin", note="ok", now=clock.wall()
    )
    clock.advance(5)
    turn = service.post(
        user_id=OWNER, session_id=SID, request=say("Thanks, I am going to make some tea now", cid="b")
    )
    assert store.sessions[SID].safety_state is SafetyLevel.NORMAL
    assert turn.reply is not None and turn.reply.ai_model == "scripted"


def test_high_risk_turn_gets_the_fixed_crisis_reply_without_calling_the_model() -> None:
    service, store, provider, _ = build()
    turn = service.post(
        user_id=OWNER,
        session_id=SID,
        request=say("I have decided to end my life, I wrote a note and plan to do it next month"),
    )
    assert turn.reply is not None and turn.reply.ai_model == "safety-fixed-response"
    assert "988" in turn.reply.content
    assert provider.calls == 0
    assert store.sessions[SID].crisis_alert_triggered


def test_unsafe_model_text_is_never_shown_even_half_streamed() -> None:
    words = ["You", "could", "take", "all", "the", "pills", "you", "have", "saved", "at", "once", "tonight"]
    service, store, _, _ = build(words, step=0.2, stream_update_interval_ms=300)
    turn = service.post(user_id=OWNER, session_id=SID, request=say("what should I do"))
    assert turn.reply is not None and turn.reply.safety is not None and turn.reply.safety.replaced
    shown = [store.messages[i].content for kind, i in store.writes if kind.startswith("save")]
    assert all("pills" not in text for text in shown)


class StaleReadStore(InMemoryMessageStore):
    """An instance that read the session before another instance changed it: a non-fresh load answers
    with that old copy (as the Firestore adapter's per-instance cache may)."""

    def __init__(self, sessions: dict[str, Session], stale: Session) -> None:
        super().__init__(sessions)
        self.stale: Session | None = stale
        self.fresh_reads = 0

    def load_session(self, session_id: str, *, fresh: bool = True) -> Session | None:
        if fresh:
            self.fresh_reads += 1
            self.stale = None  # a fresh read replaces what this instance remembered
        return self.stale or self.sessions.get(session_id)


def _stale_service(
    stale: Session, now: Session, clock: FakeClock
) -> tuple[ConversationService, StaleReadStore]:
    store = StaleReadStore({SID: now}, stale)
    service = ConversationService(
        store=store,
        provider=ScriptedProvider(["I", "hear", "you."], clock),
        safety=InMemorySafetyGateway(store.sessions, clock),
        settings=Settings(),
        clock=clock.wall,
        monotonic=clock.monotonic,
    )
    return service, store


def test_a_crisis_raised_elsewhere_after_this_instance_read_the_session_is_never_missed() -> None:
    clock = FakeClock()
    stale = make_session(clock)
    now = stale.model_copy(update={"safety_state": SafetyLevel.HIGH_RISK, "crisis_alert_triggered": True})
    service, store = _stale_service(stale, now, clock)
    turn = service.post(user_id=OWNER, session_id=SID, request=say("ok, what now?"))
    # Prepared from the old copy, refused by the write, prepared again from the session as it is.
    assert store.fresh_reads == 1
    assert turn.reply is not None and turn.reply.ai_model == "safety-fixed-response"


def test_a_pause_made_elsewhere_after_this_instance_read_the_session_refuses_the_message() -> None:
    clock = FakeClock()
    stale = make_session(clock)
    service, store = _stale_service(stale, stale.model_copy(update={"status": SessionStatus.PAUSED}), clock)
    with pytest.raises(InvalidStateTransition):
        service.post(user_id=OWNER, session_id=SID, request=say("hello"))
    assert store.messages == {}


def test_a_resume_made_elsewhere_is_seen_although_this_instance_read_the_session_paused() -> None:
    clock = FakeClock()
    paused = make_session(clock, SessionStatus.PAUSED)
    service, store = _stale_service(paused, paused.model_copy(update={"status": SessionStatus.ACTIVE}), clock)
    turn = service.post(user_id=OWNER, session_id=SID, request=say("hello again", reply=False))
    assert turn.message.id in store.messages
    assert store.fresh_reads == 1
