"""Matchmaking without a hot document: numbered rooms, seats claimed one document each.

Every matched room of a format has a number `k` and a deterministic id (`slot_room_id`); its seats are
documents `rooms/{roomId}/seats/{n}`, claimed with create-if-absent. A matcher walks the rooms from the
format's floor (below it every room has started or ended) and claims the lowest free seat of the
lowest room that still has one, so the oldest waiting room fills first. Racing matchers never wait on
one another: a create either wins the seat or fails at once, and the loser tries the next seat.

- **No room over capacity**: a room has `seats` seat documents and each is created once.
- **Nobody in two rooms**: the claim of a seat is one small transaction on the caller's own membership
  document (`roomMembers/{uid}`: the room and seat it names) plus the seat's create; the claim commits
  only if the membership names no room the caller still sits in (`still_seated`). A user's racing
  claims serialise on that user's document only.
- **The room document follows the seats**: whoever claimed a seat then *settles* the room in a
  transaction that reads the room and all its seats and adds every claimed seat not yet in it
  (`seat_room`). So the last settle sees every claim made before it; the one that fills the last seat
  starts the show. A room document is contended by its own seats' holders only.

Creating a room is claiming seat 0 of a number nobody used yet, so 20 people matching into an empty
lobby open 10 rooms, not 20.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from shared.models.rooms import Room, RoomFormat
from shared.rooms.config import role_for_seat
from shared.rooms.lifecycle import RoomChange, create_room, take_seat, taken_roles


def slot_room_id(format_id: str, number: int) -> str:
    """`m000042-dating-show`: unique per (format, number) because a format id starts with a letter.
    Only letters, digits and `-`, so Cloud Tasks ids derived from it stay valid."""
    return f"m{number:06d}-{format_id}"


@dataclass(frozen=True)
class Seat:
    """`rooms/{roomId}/seats/{index}`: who claimed the seat (role `role_for_seat(index)`)."""

    index: int
    uid: str
    claimed_at: datetime
    # The holder's consent to a memory of the room, given with the match (Participant.remember).
    remember: bool = False


@dataclass(frozen=True)
class Membership:
    """`roomMembers/{uid}`: the room and seat the user claimed last (live or not: see still_seated)."""

    room_id: str
    seat: int
    format_id: str


@dataclass(frozen=True)
class RoomView:
    """A room and its seat claims as read together (outside any transaction: a hint, not a decision)."""

    room_id: str
    room: Room | None
    seats: tuple[Seat, ...]

    def free_seats(self, seat_count: int) -> list[int]:
        """Seats neither claimed nor held by a participant, lowest first; none unless still waiting."""
        if self.room is not None and self.room.status != "waiting":
            return []
        held = {s.index for s in self.seats}
        roles = taken_roles(self.room) if self.room is not None else set()
        return [n for n in range(seat_count) if n not in held and role_for_seat(n) not in roles]

    @property
    def closed(self) -> bool:
        """Started or ended: it takes nobody any more (the floor may move past it)."""
        return self.room is not None and self.room.status != "waiting"

    @property
    def untouched(self) -> bool:
        return self.room is None and not self.seats


class ClaimResult(StrEnum):
    CLAIMED = "claimed"
    TAKEN = "taken"  # someone else holds the seat
    ELSEWHERE = "elsewhere"  # the caller still sits in another room (`room_id`)


@dataclass(frozen=True)
class Claim:
    result: ClaimResult
    room_id: str | None = None
    format_id: str | None = None


def still_seated(uid: str, room: Room | None, seat: Seat | None) -> bool:
    """Does `uid` still sit in the room its membership names? Yes while its seat claim stands and the
    room has not ended and `uid` has not left it; a claim not yet settled into the room counts."""
    if seat is None or seat.uid != uid:
        return False  # the seat was freed (a waiting room's leaver) or never held
    if room is None:
        return True  # claimed, not settled yet
    if room.status == "ended":
        return False
    person = room.participant(uid)
    if person is None:
        return room.status == "waiting"  # a started room takes no claim it has not settled
    return person.state != "left"


def seat_room(
    *,
    room_id: str,
    room: Room | None,
    seats: Sequence[Seat],
    room_format: RoomFormat,
    now: datetime,
    time_scale: float,
) -> RoomChange | None:
    """The room with every claimed seat in it (None: nothing to add). The first settle creates the room
    with its lowest claimed seat; filling the last seat starts the show. A claim the room cannot take
    (it started or ended meanwhile, or the seat's role is held) is left out: its holder matches again."""
    claimed = sorted(seats, key=lambda s: s.index)
    events = []
    phase_started = None
    if room is None:
        if not claimed:
            return None
        first, claimed = claimed[0], claimed[1:]
        created = create_room(
            room_id=room_id,
            room_format=room_format,
            uid=first.uid,
            now=now,
            seat=first.index,
            remember=first.remember,
        )
        room, events = created.room, list(created.events)
    for seat in claimed:
        if room.status != "waiting":
            break
        if seat.uid in room.member_ids or role_for_seat(seat.index) in taken_roles(room):
            continue
        change = take_seat(
            room,
            uid=seat.uid,
            seat=seat.index,
            room_format=room_format,
            now=now,
            time_scale=time_scale,
            remember=seat.remember,
        )
        room, phase_started = change.room, change.phase_started or phase_started
        events.extend(change.events)
    if not events:
        return None
    return RoomChange(room=room, events=events, phase_started=phase_started)
