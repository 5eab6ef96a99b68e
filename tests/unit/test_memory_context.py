"""The reply context of memory across sessions: recall on the first reply, the rolling summary, and
how past sessions are worded for the model (in-memory store, fake clock, scripted provider)."""

from __future__ import annotations

from shared.conversation.turns import ConversationService
from shared.memory.recall import MemoryRecall, raw_turns_line, summary_line
from shared.memory.rolling import plan_roll, roll
from shared.models.messages import Message, PostMessageRequest
from shared.models.sessions import Session
from shared.settings import Settings
from tests.support.fakes import (
    FakeClock,
    InMemoryMessageStore,
    InMemorySafetyGateway,
    ScriptedProvider,
    transcript_message,
)
from tests.unit.test_turns import OWNER, SID, make_session


class RecordingRecall(MemoryRecall):
    def __init__(self, lines: list[str], store: InMemoryMessageStore) -> None:
        self.lines = lines
        self.store = store
        self.asked: list[str] = []

    def recall(self, *, session: Session, opening: str) -> list[str]:
        self.asked.append(opening)
        return self.lines

    def keep(self, *, session_id: str, lines: list[str]) -> None:
        session = self.store.sessions[session_id]
        self.store.sessions[session_id] = session.model_copy(update={"recalled_memory": lines})


def build(
    lines: list[str], **session_fields: object
) -> tuple[ConversationService, RecordingRecall, ScriptedProvider]:
    clock = FakeClock()
    session = make_session(clock).model_copy(update=session_fields)
    store = InMemoryMessageStore({SID: session})
    provider = ScriptedProvider(["Welcome", "back."], clock)
    recall = RecordingRecall(lines, store)
    service = ConversationService(
        store=store,
        provider=provider,
        safety=InMemorySafetyGateway(store.sessions, clock),
        settings=Settings(),
        clock=clock.wall,
        monotonic=clock.monotonic,
        recall=recall,
    )
    return service, recall, provider


def say(text: str, cid: str, reply: bool = True) -> PostMessageRequest:
    return PostMessageRequest.model_validate({"content": text, "clientMessageId": cid, "reply": reply})


def test_first_reply_recalls_with_the_opening_message_and_later_turns_reuse_it() -> None:
    past = ["Session on 2030-01-01 with Emma: exams were weighing on them."]
    service, recall, provider = build(past)
    service.post(user_id=OWNER, session_id=SID, request=say("The exams went better than I feared", "c1"))
    service.post(user_id=OWNER, session_id=SID, request=say("Now I want to plan the summer", "c2"))
    assert recall.asked == ["The exams went better than I feared"], "asked once, with the opening message"
    assert [r.memory for r in provider.requests] == [past, past]
    system = provider.requests[0].messages()[0].content
    assert "exams were weighing on them" in system


def test_a_first_time_user_is_asked_once_and_gets_no_memory() -> None:
    service, recall, provider = build([])
    service.post(user_id=OWNER, session_id=SID, request=say("Hello there", "c1"))
    service.post(user_id=OWNER, session_id=SID, request=say("Still here", "c2"))
    assert len(recall.asked) == 1, "an empty recall is remembered too"
    assert all(r.memory == [] for r in provider.requests)
    assert "earlier sessions" not in provider.requests[0].messages()[0].content


def test_messages_without_a_reply_do_not_trigger_recall() -> None:
    service, recall, _ = build(["something"])
    service.post(user_id=OWNER, session_id=SID, request=say("just a transcript line", "c1", reply=False))
    assert recall.asked == []


def test_the_rolling_summary_goes_into_the_system_message_and_history_stays_bounded() -> None:
    service, _, provider = build([], rolling_summary="They started by talking about moving house.")
    for i in range(15):
        service.post(user_id=OWNER, session_id=SID, request=say(f"message number {i}", f"c{i}"))
    last = provider.requests[-1]
    assert last.summary == "They started by talking about moving house."
    assert "moving house" in last.messages()[0].content
    settings = Settings()
    assert len(last.history) <= settings.context_messages + settings.rolling_summary_every - 1


def _message(i: int, text: str, speaker: str = "user") -> Message:
    return transcript_message(i, speaker, text)


def test_a_roll_is_due_only_once_enough_messages_left_the_window() -> None:
    assert plan_roll(message_count=15, through=0, window=10, every=6) is None
    plan = plan_roll(message_count=16, through=0, window=10, every=6)
    assert plan is not None and (plan.through, plan.target, plan.count) == (0, 6, 6)
    assert plan_roll(message_count=21, through=6, window=10, every=6) is None
    later = plan_roll(message_count=22, through=6, window=10, every=6)
    assert later is not None and later.count == 6, "each roll reads only the newly old messages"


def test_rolling_forward_keeps_what_mattered_before() -> None:
    first = roll(
        None,
        [
            _message(0, "I have been dreading the move to a new city for my job."),
            _message(1, "That sounds like a lot.", speaker="ai"),
        ],
    )
    assert first is not None and "move to a new city" in first
    assert "That sounds like a lot" not in first, "the AI's replies are not the user's story"
    second = roll(first, [_message(5, "My sister offered to help me pack next weekend.")])
    assert second is not None and "sister" in second
    assert roll(first, []) == first


def test_past_sessions_are_worded_with_date_avatar_and_next_steps() -> None:
    clock = FakeClock()
    line = summary_line(
        summary="Worried about exams.",
        next_steps=["Make a study plan"],
        ended_at=clock.wall(),
        avatar_name="Emma",
    )
    assert line.startswith(f"Session on {clock.wall().date().isoformat()} with Emma: Worried about exams.")
    assert line.endswith("Planned next steps: Make a study plan")
    assert len(summary_line(summary="x" * 5000, next_steps=[], ended_at=None, avatar_name="Emma")) <= 700


def test_raw_turns_stand_in_for_a_pending_summary() -> None:
    turns = [_message(0, "I argued with my brother."), _message(1, "What happened next?", speaker="ai")]
    line = raw_turns_line(messages=turns, ended_at=None, avatar_name="Alex")
    assert line is not None and "summary not ready yet" in line
    assert "User: I argued with my brother." in line and "You: What happened next?" in line
    assert raw_turns_line(messages=[], ended_at=None, avatar_name="Alex") is None
