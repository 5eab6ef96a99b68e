"""Rooms: formats, lifecycle, matchmaking, phases, host policy, per-participant safety, activity log."""

from __future__ import annotations

import csv
import io
import threading
from datetime import timedelta

import pytest
from pydantic import ValidationError

from shared.conversation.interruptions import heard_text
from shared.errors import Conflict, InvalidStateTransition, NotFound, ValidationFailed
from shared.models.rooms import (
    AGENT_ROLE,
    InterruptionRecord,
    InterruptRequest,
    PostLineRequest,
    Room,
    RoomFormat,
)
from shared.rooms import lifecycle
from shared.rooms.activity_log import csv_chunks, ordered, rows_for
from shared.rooms.config import DEFAULT_FORMAT, FORMATS_FILE, RoomSettings, find_format, load_formats
from shared.rooms.host import HOLD_LINE, Trigger, addressed, host_request, trigger_for
from shared.rooms.memory import InMemoryRoomStore
from shared.rooms.ports import RoomEvents
from shared.rooms.service import RoomService
from shared.rooms.talk import Speaking
from tests.support.fakes import FakeClock, ScriptedProvider

CRISIS_LINE = "I bought the pills and I am going to take all of them tonight to end my life"


def service(
    clock: FakeClock, words: list[str] | None = None, **settings: float
) -> tuple[RoomService, InMemoryRoomStore, ScriptedProvider]:
    store = InMemoryRoomStore()
    provider = ScriptedProvider(words or ["Welcome", "to", "the", "show!"], clock)
    svc = RoomService(
        store=store,
        provider=provider,
        settings=RoomSettings(**settings),  # type: ignore[arg-type]
        clock=clock.wall,
        monotonic=clock.monotonic,
    )
    return svc, store, provider


def pair(svc: RoomService) -> str:
    room, role_a = svc.match(uid="ua", format_id=DEFAULT_FORMAT)
    again, role_b = svc.match(uid="ub", format_id=DEFAULT_FORMAT)
    assert (role_a, role_b) == ("A", "B") and again.id == room.id
    return room.id


def say(text: str, cid: str) -> PostLineRequest:
    return PostLineRequest(content=text, client_line_id=cid)


# -- configuration ---------------------------------------------------------------------------------


def test_default_format_is_the_dating_show_with_three_phases() -> None:
    show = find_format(load_formats(FORMATS_FILE), DEFAULT_FORMAT)
    assert show.seats == 2
    assert [p.id for p in show.phases] == ["icebreaker", "deep_dive", "decision"]
    assert 0 <= show.host.spiciness <= 3
    assert any(f.seats >= 8 for f in load_formats(FORMATS_FILE))


def test_format_config_is_validated() -> None:
    base = find_format(load_formats(FORMATS_FILE), DEFAULT_FORMAT).wire()
    with pytest.raises(ValidationError):
        RoomFormat.model_validate({**base, "seats": 1})
    with pytest.raises(ValidationError):
        RoomFormat.model_validate({**base, "host": {**base["host"], "spiciness": 4}})
    with pytest.raises(ValidationError):
        RoomFormat.model_validate({**base, "phases": [base["phases"][0], base["phases"][0]]})
    with pytest.raises(ValidationFailed):
        find_format(load_formats(FORMATS_FILE), "no-such-show")


def test_line_request_refuses_a_speaker_field() -> None:
    with pytest.raises(ValidationError):
        PostLineRequest.model_validate({"content": "hi", "clientLineId": "1", "speaker": "B"})


# -- lifecycle and matchmaking ---------------------------------------------------------------------


def test_match_fills_a_room_then_starts_the_show_with_the_host_introducing_phase_one() -> None:
    clock = FakeClock()
    svc, store, _ = service(clock)
    room_id = pair(svc)
    room = store.rooms[room_id]
    assert room.status == "active" and room.phase == "icebreaker" and room.phase_index == 0
    assert room.phase_ends_at == clock.now + timedelta(seconds=180)
    intro = store.lines[room_id]["phase-0"]
    assert (
        intro.speaker == AGENT_ROLE and intro.status == "complete" and intro.content == "Welcome to the show!"
    )
    kinds = [e.type for e in store.events[room_id]]
    assert kinds == [
        "room.created",
        "participant.joined",
        "participant.joined",
        "room.started",
        "phase_changed",
    ]


def test_matching_twice_returns_the_same_room_and_role() -> None:
    svc, store, _ = service(FakeClock())
    first, role = svc.match(uid="ua", format_id=DEFAULT_FORMAT)
    second, again = svc.match(uid="ua", format_id=DEFAULT_FORMAT)
    assert first.id == second.id and role == again == "A" and len(store.rooms) == 1


def test_racing_matchers_fill_rooms_exactly() -> None:
    svc, store, _ = service(FakeClock())
    users = [f"u{i}" for i in range(21)]
    threads = [
        threading.Thread(target=svc.match, kwargs={"uid": u, "format_id": DEFAULT_FORMAT}) for u in users
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seated = [p.uid for r in store.rooms.values() for p in r.participants]
    assert sorted(seated) == sorted(users)  # nobody twice, nobody lost
    assert all(len(r.participants) <= r.seats for r in store.rooms.values())
    assert sorted(r.status for r in store.rooms.values()) == ["active"] * 10 + ["waiting"]


def test_members_read_the_room_others_get_not_found() -> None:
    svc, _, _ = service(FakeClock())
    room_id = pair(svc)
    assert svc.get(uid="ua", room_id=room_id).id == room_id
    with pytest.raises(NotFound):
        svc.get(uid="stranger", room_id=room_id)
    assert svc.get(uid="admin", room_id=room_id, is_admin=True).id == room_id


def test_phase_advance_is_idempotent_and_ends_after_the_last_phase() -> None:
    svc, store, _ = service(FakeClock())
    room_id = pair(svc)
    assert svc.advance(room_id=room_id, from_phase="icebreaker", actor="timer").phase == "deep_dive"
    # A late timer and a racing admin for the same phase change nothing.
    assert svc.advance(room_id=room_id, from_phase="icebreaker", actor="admin").phase == "deep_dive"
    assert [e.data["to"] for e in store.events[room_id] if e.type == "phase_changed"] == [
        "icebreaker",
        "deep_dive",
    ]
    svc.advance(room_id=room_id, from_phase="deep_dive", actor="timer")
    ended = svc.advance(room_id=room_id, from_phase="decision", actor="timer")
    assert ended.status == "ended" and ended.end_reason == "completed"
    assert {"phase-0", "phase-1", "phase-2"} <= set(store.lines[room_id])


def test_rejoin_within_grace_keeps_the_room_and_role() -> None:
    clock = FakeClock()
    svc, _, _ = service(clock, grace_seconds=30)
    room_id = pair(svc)
    dropped = svc.leave(uid="ub", room_id=room_id, final=False)
    assert dropped.status == "active" and "ub" in dropped.member_ids
    clock.advance(20)
    back = svc.rejoin(uid="ub", room_id=room_id)
    assert back.role_of("ub") == "B" and back.participant("ub").state == "present"  # type: ignore[union-attr]


def test_grace_expiry_removes_the_leaver_but_one_leaver_does_not_end_the_show() -> None:
    clock = FakeClock()
    svc, _, _ = service(clock, grace_seconds=30)
    room_id = pair(svc)
    svc.leave(uid="ub", room_id=room_id, final=False)
    clock.advance(31)
    with pytest.raises(InvalidStateTransition):
        svc.rejoin(uid="ub", room_id=room_id)
    room = svc.expire_grace(room_id=room_id)
    assert room.status == "active" and room.member_ids == ["ua"]  # A is still on the show
    with pytest.raises(NotFound):
        svc.get(uid="ub", room_id=room_id)
    svc.leave(uid="ua", room_id=room_id, final=True)
    assert svc.get(uid="admin", room_id=room_id, is_admin=True).end_reason == "participants_left"


def test_leaving_a_waiting_room_frees_the_seat_for_the_next_matcher() -> None:
    svc, _, _ = service(FakeClock())
    room, _ = svc.match(uid="ua", format_id=DEFAULT_FORMAT)
    assert svc.leave(uid="ua", room_id=room.id, final=False).status == "ended"
    fresh, role = svc.match(uid="uc", format_id=DEFAULT_FORMAT)
    assert fresh.id != room.id and role == "A"


def test_join_is_refused_for_full_or_started_rooms() -> None:
    clock = FakeClock()
    svc, store, _ = service(clock)
    room = store.rooms[pair(svc)]
    show = find_format(load_formats(FORMATS_FILE), DEFAULT_FORMAT)
    with pytest.raises(Conflict):
        lifecycle.join(room, uid="uc", room_format=show, now=clock.now, time_scale=1.0)


# -- the transcript and the host -------------------------------------------------------------------


def test_speaker_is_the_callers_own_role_and_retries_store_once() -> None:
    svc, store, _ = service(FakeClock())
    room_id = pair(svc)
    first = svc.post_line(uid="ub", room_id=room_id, request=say("I love hiking", "c1"))
    again = svc.post_line(uid="ub", room_id=room_id, request=say("I love hiking", "c1"))
    other = svc.post_line(uid="ua", room_id=room_id, request=say("Me too", "c1"))
    assert first.line.speaker == "B" and other.line.speaker == "A"
    assert first.line.id == again.line.id != other.line.id
    assert first.reply is None  # guests talking to each other: the host stays silent
    with pytest.raises(NotFound):
        svc.post_line(uid="stranger", room_id=room_id, request=say("hi", "c9"))
    assert len([x for x in store.lines[room_id].values() if x.type == "transcript"]) == 2


def test_host_replies_when_addressed_and_moves_on_when_asked() -> None:
    svc, store, provider = service(FakeClock())
    room_id = pair(svc)
    asked = svc.post_line(uid="ua", room_id=room_id, request=say("Juno, what should we talk about?", "c1"))
    assert (
        asked.reply is not None
        and asked.reply.speaker == AGENT_ROLE
        and asked.reply.reply_to == asked.line.id
    )
    assert "A: Juno, what should we talk about?" in [t.content for t in provider.requests[-1].history]
    moved = svc.post_line(uid="ub", room_id=room_id, request=say("Host, next question please", "c2"))
    assert store.rooms[room_id].phase == "deep_dive"
    assert moved.reply is not None and moved.reply.id == "phase-1"


def test_addressing_policy_is_whole_words() -> None:
    assert addressed("Juno, hi", "Juno") and addressed("what does the host think?", "Juno")
    assert not addressed("I visited Junoville", "Juno") and not addressed("the hostel was nice", "Juno")


def test_a_crisis_line_from_b_alerts_about_b_only_and_holds_the_show() -> None:
    svc, store, _ = service(FakeClock())
    room_id = pair(svc)
    svc.post_line(uid="ua", room_id=room_id, request=say("Juno, this is fun", "a1"))
    result = svc.post_line(uid="ub", room_id=room_id, request=say(CRISIS_LINE, "b1"))
    assert result.referral is not None and result.reply is None
    assert [a["userId"] for a in store.alerts.values()] == ["ub"]
    assert (room_id, "ub") in store.private and (room_id, "ua") not in store.private
    room = store.rooms[room_id]
    assert room.show_paused
    assert store.lines[room_id]["safety-hold"].content == HOLD_LINE
    # The host stops show content: addressed lines and phase changes get no host line any more.
    later = svc.post_line(uid="ua", room_id=room_id, request=say("Juno, next question", "a2"))
    assert later.reply is None and later.referral is None
    svc.advance(room_id=room_id, from_phase="icebreaker", actor="admin")
    assert "phase-1" not in store.lines[room_id]


@pytest.mark.parametrize(
    "text",
    [
        "This quiz is killing me, I'm dying of laughter",
        "My friend said she wanted to die when she lost the match",
        "I would never hurt myself, I'm just nervous",
    ],
)
def test_figurative_third_person_and_negated_lines_do_not_hold_the_show(text: str) -> None:
    svc, store, _ = service(FakeClock())
    room_id = pair(svc)
    result = svc.post_line(uid="ub", room_id=room_id, request=say(text, "b1"))
    assert result.referral is None and not store.rooms[room_id].show_paused and not store.alerts


def test_another_guests_words_do_not_raise_this_guests_level() -> None:
    svc, store, _ = service(FakeClock())
    room_id = pair(svc)
    svc.post_line(uid="ub", room_id=room_id, request=say(CRISIS_LINE, "b1"))
    assert [a["userId"] for a in store.alerts.values()] == ["ub"]
    svc.post_line(uid="ua", room_id=room_id, request=say("I hope you are ok", "a1"))
    assert [a["userId"] for a in store.alerts.values()] == ["ub"]


def test_a_guests_own_context_survives_a_busy_room() -> None:
    """B's earlier line still counts as B's context after many lines of others: a room's crowd never
    pushes a speaker's own words out of the screen's window."""
    clock = FakeClock()
    svc, store, _ = service(clock)
    room_id = pair(svc)
    svc.post_line(uid="ub", room_id=room_id, request=say("I feel like such a burden to everyone.", "b1"))
    for n in range(RoomSettings().context_lines + 3):
        clock.advance(1)
        svc.post_line(
            uid="ua", room_id=room_id, request=say(f"My favourite season is autumn, take {n}", f"a{n}")
        )
    clock.advance(1)
    result = svc.post_line(uid="ub", room_id=room_id, request=say("I've got the pills.", "b2"))
    assert result.referral is not None
    assert list(store.alerts) == [f"{room_id}:{result.line.id}"]
    assert [a["userId"] for a in store.alerts.values()] == ["ub"]
    alone = svc.post_line(uid="ua", room_id=room_id, request=say("I've got the pills.", "a-last"))
    assert alone.referral is None  # the same words without A's own risk context raise nothing


def _count_reads(store: InMemoryRoomStore) -> list[str]:
    """Spy the reads a line can be prepared from (instance attributes, not a typed assignment)."""
    reads: list[str] = []
    for name in ("load", "speaker_lines", "load_with_speaker_lines", "speaker_gate"):
        original = getattr(store, name)

        def spy(*args: object, _name: str = name, _original: object = original) -> object:
            reads.append(_name)
            return _original(*args)  # type: ignore[operator]

        setattr(store, name, spy)
    return reads


def test_a_callers_next_line_on_the_same_instance_reads_nothing_and_keeps_its_context() -> None:
    svc, store, _ = service(FakeClock())
    room_id = pair(svc)
    reads = _count_reads(store)
    svc.post_line(uid="ub", room_id=room_id, request=say("I feel like such a burden to everyone.", "b1"))
    assert reads and reads[0] == "speaker_gate", "the gate is read before what it vouches for"
    reads.clear()
    result = svc.post_line(uid="ub", room_id=room_id, request=say("I've got the pills.", "b2"))
    assert reads == []
    assert result.referral is not None, "the context kept with the first line raised the second"


def test_after_a_room_change_the_next_line_reads_the_room_and_its_context_together() -> None:
    svc, store, _ = service(FakeClock())
    room_id = pair(svc)
    svc.post_line(uid="ub", room_id=room_id, request=say("I feel like such a burden to everyone.", "b1"))
    svc.advance(room_id=room_id, from_phase="icebreaker", actor="admin")
    reads = _count_reads(store)
    result = svc.post_line(uid="ub", room_id=room_id, request=say("I've got the pills.", "b2"))
    assert "load_with_speaker_lines" in reads, "the role hint starts the context query beside the room"
    assert result.line.phase == "deep_dive", "the line carries the phase as it is now"
    assert result.referral is not None


def two_instances(clock: FakeClock) -> tuple[RoomService, RoomService, InMemoryRoomStore]:
    """Two function instances: each its own service and per-instance caches, one store."""
    first, store, provider = service(clock)
    second = RoomService(
        store=store, provider=provider, settings=first.settings, clock=clock.wall, monotonic=clock.monotonic
    )
    return first, second, store


def test_a_room_ended_on_another_instance_refuses_the_next_line_here() -> None:
    first, second, store = two_instances(FakeClock())
    room_id = pair(first)
    first.post_line(uid="ua", room_id=room_id, request=say("Hello there", "a1"))
    second.end(room_id=room_id, reason="ended_by_admin", actor="admin")
    with pytest.raises(InvalidStateTransition):
        first.post_line(uid="ua", room_id=room_id, request=say("Still here?", "a2"))
    assert "a2" not in {line.client_line_id for line in store.lines[room_id].values()}


def test_a_guest_who_left_on_another_instance_cannot_post_here() -> None:
    first, second, _store = two_instances(FakeClock())
    room_id = pair(first)
    first.post_line(uid="ua", room_id=room_id, request=say("Hello there", "a1"))
    second.leave(uid="ua", room_id=room_id, final=True)
    with pytest.raises((NotFound, InvalidStateTransition)):
        first.post_line(uid="ua", room_id=room_id, request=say("Still here?", "a2"))


def test_a_speakers_line_stored_by_another_instance_is_in_their_context_here() -> None:
    first, second, store = two_instances(FakeClock())
    room_id = pair(first)
    first.post_line(uid="ub", room_id=room_id, request=say("The music here is nice.", "b1"))
    second.post_line(uid="ub", room_id=room_id, request=say("I feel like such a burden to everyone.", "b2"))
    result = first.post_line(uid="ub", room_id=room_id, request=say("I've got the pills.", "b3"))
    assert result.referral is not None, "the line from the other instance was in the screen's context"
    assert [a["userId"] for a in store.alerts.values()] == ["ub"]


def test_a_show_held_on_another_instance_gets_no_host_reply_here() -> None:
    first, second, store = two_instances(FakeClock())
    room_id = pair(first)
    first.post_line(uid="ua", room_id=room_id, request=say("Hello there", "a1"))
    held = second.post_line(uid="ub", room_id=room_id, request=say(CRISIS_LINE, "b1"))
    assert held.referral is not None and store.rooms[room_id].show_paused
    later = first.post_line(uid="ua", room_id=room_id, request=say("Juno, next question", "a2"))
    assert later.reply is None and store.rooms[room_id].phase_index == 0


def test_a_retried_line_answers_the_stored_one_after_the_room_changed() -> None:
    first, second, store = two_instances(FakeClock())
    room_id = pair(first)
    stored = first.post_line(uid="ua", room_id=room_id, request=say("Hello there", "a1")).line
    second.advance(room_id=room_id, from_phase="icebreaker", actor="admin")
    again = first.post_line(uid="ua", room_id=room_id, request=say("Hello there", "a1"))
    assert again.line == stored and len(store.lines[room_id]) == 1 + sum(
        1 for line in store.lines[room_id].values() if line.speaker == "AGENT"
    )


def test_a_wrong_role_hint_never_lends_another_guests_words() -> None:
    """The hint only starts a query early; the role and the context always follow the fresh room."""
    svc, store, _ = service(FakeClock())
    room_id = pair(svc)
    svc.post_line(uid="ua", room_id=room_id, request=say("I feel like such a burden to everyone.", "a1"))
    # A copy whose gate has moved: only a hint, and a wrong one (A's role).
    wrong = Speaking(room=store.rooms[room_id], role="A", spoken=(), gate=-1)
    svc.speakers.keep(room_id, "ub", wrong)
    svc.speakers.outdated(room_id, "ub")
    result = svc.post_line(uid="ub", room_id=room_id, request=say("I've got the pills.", "b1"))
    assert result.line.speaker == "B"
    assert result.referral is None and not store.alerts
    assert svc.speakers.role_hint(room_id, "ub") == "B"


def test_a_hint_does_not_let_a_guest_who_left_post() -> None:
    svc, _, _ = service(FakeClock())
    room_id = pair(svc)
    svc.post_line(uid="ua", room_id=room_id, request=say("Hello there", "a1"))
    svc.leave(uid="ua", room_id=room_id, final=True)
    with pytest.raises((NotFound, InvalidStateTransition)):
        svc.post_line(uid="ua", room_id=room_id, request=say("Still here?", "a2"))


# -- interruptions ---------------------------------------------------------------------------------


def test_interrupted_host_line_keeps_full_text_and_context_uses_only_what_was_heard() -> None:
    svc, _store, provider = service(FakeClock(), words=["one", "two", "three", "four", "five", "six"])
    room_id = pair(svc)
    cut = svc.interrupt(
        uid="ua", room_id=room_id, line_id="phase-0", request=InterruptRequest(heard_text="one two")
    )
    assert cut.content == "one two three four five six" and cut.interruption is not None
    svc.post_line(uid="ub", room_id=room_id, request=say("Juno, sorry to cut in", "b1"))
    history = [t.content for t in provider.requests[-1].history]
    assert "AGENT: one two [interrupted]" in history
    assert all("three four" not in t for t in history)
    assert "interrupted recently" in provider.requests[-1].persona_prompt
    with pytest.raises(NotFound):
        svc.interrupt(uid="ua", room_id=room_id, line_id="nope", request=InterruptRequest(heard_ms=10))


def test_heard_ms_cuts_at_a_word_boundary_and_only_three_interruptions_reach_the_prompt() -> None:
    record = InterruptionRecord(heard_ms=1000, at=FakeClock().now)
    assert heard_text("Tell me about your favourite holiday so far", record) == "Tell me about"
    svc, store, _ = service(FakeClock())
    room_id = pair(svc)
    room = store.rooms[room_id]
    base = store.lines[room_id]["phase-0"]
    lines = [
        base.model_copy(
            update={
                "id": f"h{i}",
                "content": f"line {i} text",
                "interruption": record.model_copy(update={"heard_ms": 0, "heard_text": f"line {i}"}),
            }
        )
        for i in range(5)
    ]
    prompt = host_request(
        room=room,
        room_format=svc.format_of(room),
        lines=lines,
        trigger=Trigger.ADDRESSED,
        summary=None,
        interruptions_kept=3,
    )
    note = prompt.request.persona_prompt
    assert "'line 4...'" in note and "'line 2...'" in note and "'line 1...'" not in note


def test_trigger_is_silent_when_the_room_is_not_active() -> None:
    svc, store, _ = service(FakeClock())
    room, _ = svc.match(uid="ua", format_id=DEFAULT_FORMAT)
    assert trigger_for("Juno, hello?", store.rooms[room.id]) is None


# -- the activity log ------------------------------------------------------------------------------


def test_activity_log_lists_lines_and_system_events_in_order() -> None:
    clock = FakeClock()
    svc, store, _ = service(clock)
    room_id = pair(svc)
    clock.advance(1)
    svc.post_line(uid="ua", room_id=room_id, request=say("=SUM(A1) hello", "a1"))
    clock.advance(1)
    svc.end(room_id=room_id, reason="ended_by_admin", actor="admin")
    rows = ordered(rows_for(room_id, store.lines[room_id].values(), store.events[room_id]))
    text = b"".join(csv_chunks(rows)).decode()
    parsed = list(csv.reader(io.StringIO(text)))
    assert parsed[0] == ["timestamp", "session_id", "speaker", "text"]
    speakers = [r[2] for r in parsed[1:]]
    assert speakers[:5] == ["SYSTEM"] * 5 and speakers[-1] == "SYSTEM"
    assert [r[3] for r in parsed[1:] if r[2] == "A"] == ["'=SUM(A1) hello"]
    assert parsed[-1][3] == "room ended (ended_by_admin)"
    assert [r[0] for r in parsed[1:]] == sorted(r[0] for r in parsed[1:])


def test_create_then_join_by_id_and_nobody_creates_while_in_a_live_room() -> None:
    svc, store, _ = service(FakeClock())
    room, role = svc.create(uid="host-a", format_id=DEFAULT_FORMAT)
    assert role == "A" and room.status == "waiting"
    with pytest.raises(Conflict):
        svc.create(uid="host-a", format_id=DEFAULT_FORMAT)
    joined, role_b = svc.join(uid="guest-b", room_id=room.id)
    assert role_b == "B" and joined.status == "active"
    with pytest.raises(Conflict):
        svc.join(uid="late-c", room_id=room.id)
    # Matchers walk past the started room; a newcomer opens the next one.
    fresh, role_c = svc.match(uid="late-c", format_id=DEFAULT_FORMAT)
    assert fresh.id != room.id and role_c == "A" and store.floors[DEFAULT_FORMAT] == 1


class RecordingRoomEvents(RoomEvents):
    def __init__(self) -> None:
        self.ended_rooms: list[str] = []

    def ended(self, room: Room) -> None:
        self.ended_rooms.append(room.id)


def test_a_retried_end_publishes_room_ended_again_until_the_final_summary_is_written() -> None:
    clock = FakeClock()
    svc, store, _ = service(clock)
    events = RecordingRoomEvents()
    svc.events = events
    room_id = pair(svc)
    svc.end(room_id=room_id, reason="ended_by_admin", actor="admin")
    assert events.ended_rooms == [room_id]
    # The first end's publish may have been lost with its process: the admin's retry publishes again.
    svc.end(room_id=room_id, reason="ended_by_admin", actor="admin")
    assert events.ended_rooms == [room_id, room_id]
    # The memory function wrote the final summary (as the Firestore adapter's save_final_summary does).
    store.rooms[room_id] = store.rooms[room_id].model_copy(
        update={"summary": "They talked.", "summary_final": True}
    )
    svc.end(room_id=room_id, reason="ended_by_admin", actor="admin")
    assert events.ended_rooms == [room_id, room_id]
