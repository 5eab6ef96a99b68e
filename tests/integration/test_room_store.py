"""The Firestore room store's queries on the emulator, where their answers are not already covered by the
HTTP tests: a speaker's own lines (the crisis screen's context) in a busy room."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

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
