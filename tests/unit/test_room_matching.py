"""Matchmaking by seat claims (shared/rooms/matching.py) over the in-memory store: rooms fill exactly,
oldest first, nobody sits in two rooms, freed seats are reused, a claim never settled is not lost."""

from __future__ import annotations

import threading

import pytest

from shared.errors import Conflict
from shared.rooms.config import DEFAULT_FORMAT, RoomSettings
from shared.rooms.matching import ClaimResult, slot_room_id
from shared.rooms.memory import InMemoryRoomStore
from shared.rooms.service import RoomService
from tests.support.fakes import FakeClock, ScriptedProvider

ROUNDTABLE = "roundtable"  # the 8-seat format


def service() -> tuple[RoomService, InMemoryRoomStore, FakeClock]:
    clock = FakeClock()
    store = InMemoryRoomStore()
    svc = RoomService(
        store=store,
        provider=ScriptedProvider(["Hello"], clock),
        settings=RoomSettings(),
        clock=clock.wall,
        monotonic=clock.monotonic,
    )
    return svc, store, clock


def test_slot_ids_are_distinct_per_format_and_number_and_safe_for_task_ids() -> None:
    ids = {slot_room_id(f, n) for f in ("a", "a-1", "dating-show") for n in (0, 1, 10, 1_000_000)}
    assert len(ids) == 12
    assert all(i.replace("-", "").isalnum() for i in ids)


def test_a_user_racing_itself_gets_one_room_and_one_seat() -> None:
    svc, store, _ = service()
    results: list[str] = []
    threads = [
        threading.Thread(target=lambda: results.append(svc.match(uid="ua", format_id=DEFAULT_FORMAT)[0].id))
        for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(results)) == 1
    held = [s for seats in store.seats.values() for s in seats.values() if s.uid == "ua"]
    assert len(held) == 1


def test_racing_matchers_of_an_eight_seat_format_fill_rooms_exactly() -> None:
    svc, store, _ = service()
    users = [f"u{i}" for i in range(20)]
    threads = [threading.Thread(target=svc.match, kwargs={"uid": u, "format_id": ROUNDTABLE}) for u in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    rooms = sorted(store.rooms.values(), key=lambda r: r.id)
    assert [len(r.member_ids) for r in rooms] == [8, 8, 4]
    assert [r.status for r in rooms] == ["active", "active", "waiting"]
    for room in rooms:  # roles are the seats: A.. in order, none twice
        assert sorted(p.role for p in room.participants) == [
            chr(65 + i) for i in range(len(room.participants))
        ]
    assert sorted(u for r in rooms for u in r.member_ids) == sorted(users)


def test_the_oldest_waiting_room_fills_first_and_a_freed_seat_is_reused() -> None:
    svc, _, _ = service()
    older, _ = svc.match(uid="u1", format_id=ROUNDTABLE)
    svc.match(uid="u2", format_id=ROUNDTABLE)
    svc.match(uid="u3", format_id=ROUNDTABLE)
    newer, _ = svc.create(uid="c1", format_id=ROUNDTABLE)  # an explicitly opened room, after it
    assert newer.id != older.id
    # B leaves the older waiting room: B's seat frees at once and the next matcher takes it there.
    left = svc.leave(uid="u2", room_id=older.id, final=False)
    assert left.status == "waiting" and "u2" not in left.member_ids
    room, role = svc.match(uid="u4", format_id=ROUNDTABLE)
    assert room.id == older.id and role == "B"
    # u2 sits nowhere now and may match again (into the oldest room with a free seat).
    again, role = svc.match(uid="u2", format_id=ROUNDTABLE)
    assert again.id == older.id and role == "D"


def test_nobody_creates_or_joins_while_seated_elsewhere() -> None:
    svc, _, _ = service()
    mine, _ = svc.match(uid="ua", format_id=ROUNDTABLE)
    other, _ = svc.create(uid="ub", format_id=ROUNDTABLE)
    with pytest.raises(Conflict):
        svc.join(uid="ua", room_id=other.id)
    with pytest.raises(Conflict):
        svc.create(uid="ua", format_id=DEFAULT_FORMAT)
    # Matching another format answers the room the caller already sits in.
    assert svc.match(uid="ua", format_id=DEFAULT_FORMAT)[0].id == mine.id


def test_a_claim_never_settled_is_taken_in_by_the_next_settle() -> None:
    """A matcher that died between its claim and its settle is still seated: the next one to settle
    the room adds it, and its own next match answers that room."""
    svc, store, clock = service()
    room_id = slot_room_id(DEFAULT_FORMAT, 0)
    claim = store.claim_seat(uid="ghost", room_id=room_id, format_id=DEFAULT_FORMAT, seat=0, now=clock.wall())
    assert claim.result is ClaimResult.CLAIMED and room_id not in store.rooms
    room, role = svc.match(uid="ub", format_id=DEFAULT_FORMAT)
    assert room.id == room_id and role == "B" and room.status == "active"
    assert room.role_of("ghost") == "A"
    assert svc.match(uid="ghost", format_id=DEFAULT_FORMAT)[0].id == room_id


def test_the_floor_moves_past_started_and_ended_rooms_only() -> None:
    svc, store, _ = service()
    first, _ = svc.match(uid="ua", format_id=DEFAULT_FORMAT)
    svc.match(uid="ub", format_id=DEFAULT_FORMAT)  # room 0 is full and started
    waiting, _ = svc.match(uid="uc", format_id=DEFAULT_FORMAT)
    assert first.id == slot_room_id(DEFAULT_FORMAT, 0) and waiting.id == slot_room_id(DEFAULT_FORMAT, 1)
    assert store.floors[DEFAULT_FORMAT] == 1  # the walk passed room 0, and stops at the waiting room
    svc.match(uid="ud", format_id=ROUNDTABLE)
    assert store.floors[DEFAULT_FORMAT] == 1 and ROUNDTABLE not in store.floors
    svc.end(room_id=waiting.id, reason="idle", actor="sweep")
    opened, role = svc.match(uid="ue", format_id=DEFAULT_FORMAT)
    assert opened.id == slot_room_id(DEFAULT_FORMAT, 2) and role == "A"
    assert store.floors[DEFAULT_FORMAT] == 2
