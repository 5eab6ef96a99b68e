"""Rooms in the user data erase: who ever sat in a room (`participantIds`), who still sits in one (the
erase is refused), and what the room keeps once a participant is erased (a token in their place)."""

from __future__ import annotations

from datetime import timedelta

from shared.models.rooms import Room, RoomFormat
from shared.models.userdata import ErasedCounts
from shared.rooms import erasure, lifecycle
from shared.rooms.config import DEFAULT_FORMAT, FORMATS_FILE, find_format, load_formats
from tests.support.fakes import FakeClock


def show(seats: int = 2) -> RoomFormat:
    return find_format(load_formats(FORMATS_FILE), DEFAULT_FORMAT).model_copy(update={"seats": seats})


def active_pair(clock: FakeClock) -> Room:
    fmt = show()
    room = lifecycle.create_room(
        room_id="r1", room_format=fmt, uid="ua", now=clock.wall(), remember=True
    ).room
    room = lifecycle.take_seat(room, uid="ub", seat=1, room_format=fmt, now=clock.wall(), time_scale=1.0).room
    assert room.status == "active"
    return room.model_copy(update={"summary": "A: I swim. B: I sail."})


def test_participant_ids_keep_everyone_who_ever_took_a_seat() -> None:
    clock = FakeClock()
    fmt = show(seats=3)
    room = lifecycle.create_room(room_id="r3", room_format=fmt, uid="ua", now=clock.wall()).room
    assert room.participant_ids == ["ua"]
    room = lifecycle.take_seat(room, uid="ub", seat=1, room_format=fmt, now=clock.wall(), time_scale=1.0).room
    # B leaves the waiting room: the seat frees at once, B is no member any more.
    room = lifecycle.leave(room, uid="ub", now=clock.wall(), grace_seconds=30, final=False).room
    assert room.member_ids == ["ua"]
    # C takes B's seat: the waiting room's leaver drops out of `participants`, never out of the record.
    room = lifecycle.take_seat(room, uid="uc", seat=1, room_format=fmt, now=clock.wall(), time_scale=1.0).room
    assert [p.uid for p in room.participants] == ["ua", "uc"]
    assert room.participant_ids == ["ua", "ub", "uc"]
    assert erasure.role_in(room, "ub") is None and erasure.role_in(room, "uc") == "B"
    # The same user sitting down again is not listed twice.
    assert lifecycle._ever_seated(room, "ua") == ["ua", "ub", "uc"]


def test_a_leaver_of_an_active_room_stays_listed_after_the_grace() -> None:
    clock = FakeClock()
    room = active_pair(clock)
    room = lifecycle.leave(room, uid="ub", now=clock.wall(), grace_seconds=30, final=False).room
    assert erasure.sits_in(room, "ub")  # dropped within the grace: still seated
    clock.advance(31)
    change = lifecycle.expire_grace(room, room_format=show(), now=clock.wall())
    assert change is not None
    room = change.room
    assert room.status == "active" and room.member_ids == ["ua"] and room.participant_ids == ["ua", "ub"]
    assert not erasure.sits_in(room, "ub") and erasure.sits_in(room, "ua")
    ended = lifecycle.end(room, reason="completed", now=clock.wall(), actor="system")
    assert ended is not None and not erasure.sits_in(ended.room, "ua")


def test_a_room_stored_before_participant_ids_gets_them_when_read() -> None:
    stored = active_pair(FakeClock()).model_dump(by_alias=True)
    del stored["participantIds"]
    assert Room.model_validate(stored).participant_ids == ["ua", "ub"]


def test_anonymised_room_names_the_token_everywhere_and_keeps_its_shape() -> None:
    room = active_pair(FakeClock())
    token = erasure.erased_token()
    assert token.startswith("erased-") and token != erasure.erased_token()
    after = erasure.anonymised(room, "ua", token)
    assert "ua" not in after.model_dump_json()
    assert after.participant_ids == [token, "ub"] and after.member_ids == [token, "ub"]
    assert after.created_by == token
    mine, theirs = after.participants
    assert (mine.uid, mine.role, mine.remember) == (token, "A", False)  # no memory for the token
    assert theirs == room.participants[1]
    # The shared summary held A's lines: it goes; the rest of the room is as it was.
    assert after.summary is None
    same = {"status", "seats", "phase", "phase_index", "line_count", "host", "format", "started_at"}
    assert after.model_dump(include=same) == room.model_dump(include=same)
    assert erasure.others(after, "ub") == []  # an erased participant holds no memory
    assert erasure.others(room, "ua") == ["ub"]


def test_a_waiting_room_leaver_never_spoke_so_the_summary_stays() -> None:
    room = active_pair(FakeClock()).model_copy(update={"participant_ids": ["ux", "ua", "ub"]})
    after = erasure.anonymised(room, "ux", "erased-0")
    assert after.summary == room.summary and after.participant_ids == ["erased-0", "ua", "ub"]
    assert not erasure.shared_in_memories(room, "ux")


def test_only_a_consenting_participant_is_in_the_others_shared_summary() -> None:
    room = active_pair(FakeClock())
    assert erasure.shared_in_memories(room, "ua")  # A consented with the match
    assert not erasure.shared_in_memories(room, "ub")


def test_room_kinds_are_counted_under_their_own_keys_and_rewrites_are_not_deletes() -> None:
    counts = ErasedCounts()
    for kind in ("roomLines", "roomLines", "roomPrivate", "roomPresence", "roomMembers", "private"):
        counts.add(kind, 1)
    counts.rooms_anonymised = 3
    counts.room_events_anonymised = 5
    assert (counts.room_lines, counts.room_private, counts.room_presence, counts.room_memberships) == (
        2,
        1,
        1,
        1,
    )
    assert counts.state == 1 and counts.other == {}
    assert counts.total() == 6
    wire = counts.model_dump(by_alias=True)
    assert wire["roomLines"] == 2 and wire["roomsAnonymised"] == 3


def test_dropped_participant_of_a_waiting_room_is_not_seated_once_gone() -> None:
    clock = FakeClock()
    room = lifecycle.create_room(room_id="r2", room_format=show(3), uid="ua", now=clock.wall()).room
    assert erasure.sits_in(room, "ua")
    left = lifecycle.leave(
        room, uid="ua", now=clock.wall() + timedelta(seconds=1), grace_seconds=30, final=False
    )
    assert left.room.status == "ended" and not erasure.sits_in(left.room, "ua")
