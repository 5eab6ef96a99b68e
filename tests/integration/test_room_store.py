"""The Firestore room store's queries on the emulator, where their answers are not already covered by the
HTTP tests: a speaker's own lines (the crisis screen's context) in a busy room."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from backend.store.rooms import FirestoreRoomStore
from shared.models.rooms import RoomLine
from tests.support.emulator import firestore_db

pytestmark = pytest.mark.emulator


def line(room_id: str, n: int, speaker: str, content: str) -> RoomLine:
    at = datetime(2026, 3, 1, 20, 0, tzinfo=UTC) + timedelta(seconds=n)
    return RoomLine(
        id=f"line-{n:03d}",
        room_id=room_id,
        speaker=speaker,
        type="transcript",
        content=content,
        created_at=at,
        updated_at=at,
        phase="icebreaker",
        client_line_id=f"c{n}",
    )


def test_a_speakers_own_lines_are_the_newest_of_theirs_oldest_first_whoever_spoke_since() -> None:
    store = FirestoreRoomStore(db=firestore_db())
    room_id = f"room-store-{uuid.uuid4().hex[:10]}"
    said_by_b = [n for n in range(30) if n % 6 == 0]  # B speaks once in six lines
    for n in range(30):
        speaker = "B" if n in said_by_b else "A"
        assert store.create_line(line(room_id, n, speaker, f"{speaker} says {n}")) is None

    own = store.speaker_lines(room_id, "B", 4)

    assert [x.content for x in own] == [f"B says {n}" for n in said_by_b[-4:]]
    assert {x.speaker for x in own} == {"B"}
    assert store.speaker_lines(room_id, "C", 4) == []


def test_the_room_and_a_speakers_lines_read_together_answer_as_the_two_reads_do() -> None:
    store = FirestoreRoomStore(db=firestore_db())
    room_id = f"room-store-{uuid.uuid4().hex[:10]}"  # lines without a room document: the room is None
    for n in range(6):
        speaker = "B" if n % 2 else "A"
        store.create_line(line(room_id, n, speaker, f"{speaker} says {n}"))

    room, own = store.load_with_speaker_lines(room_id, "B", 2)

    assert room is None and store.load(room_id) is None
    assert [x.content for x in own] == ["B says 3", "B says 5"]
    assert own == store.speaker_lines(room_id, "B", 2)


# -- a participant's next line from what this instance read (the speaker's gate) ----------------------


def _instance() -> Any:
    """One function instance's room service: its own per-instance caches, the emulator's Firestore."""
    from shared.rooms.config import RoomSettings
    from shared.rooms.service import RoomService
    from tests.support.fakes import FakeClock, ScriptedProvider

    clock = FakeClock()
    return RoomService(
        store=FirestoreRoomStore(db=firestore_db()),
        provider=ScriptedProvider(["Hello."], clock),
        settings=RoomSettings(),
        clock=lambda: datetime.now(UTC),
        monotonic=clock.monotonic,
    )


def _pair(service: Any) -> str:
    from shared.rooms.config import DEFAULT_FORMAT

    a, b = f"ua-{uuid.uuid4().hex[:10]}", f"ub-{uuid.uuid4().hex[:10]}"
    room, _ = service.match(uid=a, format_id=DEFAULT_FORMAT)
    again, _ = service.match(uid=b, format_id=DEFAULT_FORMAT)
    assert again.id == room.id and again.status == "active"
    return f"{room.id}|{a}|{b}"


def _say(text: str) -> Any:
    from shared.models.rooms import PostLineRequest

    return PostLineRequest(content=text, client_line_id=f"c-{uuid.uuid4().hex[:10]}")


def test_a_callers_next_line_on_the_same_instance_is_one_commit_and_no_read() -> None:
    from tests.support.firestore_calls import FirestoreCalls

    service = _instance()
    room_id, _, b = _pair(service).split("|")
    service.post_line(uid=b, room_id=room_id, request=_say("The music here is nice."))
    db = service.store.db
    with FirestoreCalls(db) as calls:
        result = service.post_line(uid=b, room_id=room_id, request=_say("Shall we get a drink later?"))
    assert calls.counts == {"commit": 1}, "no read of the room, the gate or the speaker's lines"
    assert result.line.speaker == "B" and result.line.phase == "icebreaker"
    service.end(room_id=room_id, reason="ended_by_admin", actor="admin")


def test_a_room_ended_on_another_instance_refuses_the_next_line_here() -> None:
    from shared.errors import InvalidStateTransition

    here, there = _instance(), _instance()
    room_id, a, _ = _pair(here).split("|")
    here.post_line(uid=a, room_id=room_id, request=_say("Hello there"))
    there.end(room_id=room_id, reason="ended_by_admin", actor="admin")
    late = _say("Still here?")
    with pytest.raises(InvalidStateTransition):
        here.post_line(uid=a, room_id=room_id, request=late)
    said = [d.get("clientLineId") for d in firestore_db().collection(f"rooms/{room_id}/lines").get()]
    assert late.client_line_id not in said


def test_a_speakers_line_stored_by_another_instance_is_in_their_context_here() -> None:
    here, there = _instance(), _instance()
    room_id, _, b = _pair(here).split("|")
    here.post_line(uid=b, room_id=room_id, request=_say("The music here is nice."))
    there.post_line(uid=b, room_id=room_id, request=_say("I feel like such a burden to everyone."))
    result = here.post_line(uid=b, room_id=room_id, request=_say("I've got the pills."))
    assert result.referral is not None
    here.end(room_id=room_id, reason="ended_by_admin", actor="admin")
