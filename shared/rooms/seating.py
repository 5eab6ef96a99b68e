"""Matchmaking over the RoomStore port: match, create and join by id (the design: matching.py).

Each call reads without locks (the caller's membership, the rooms from the format's floor up), then
claims one seat at a time; only the claim and the settle are transactions, and neither touches a
document every matcher shares. The floor moves past rooms that started or ended, so the walk stays short.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from shared.errors import Conflict, NotFound
from shared.models.rooms import Room, RoomFormat
from shared.rooms.lifecycle import RoomChange
from shared.rooms.matching import ClaimResult, seat_room, slot_room_id, still_seated
from shared.rooms.ports import RoomStore

# Rooms one call walks before giving up (409: the client matches again). Every room below the floor
# has started or ended, so a walk this long means hundreds of rooms filling at this very moment.
MAX_ROOMS_WALKED = 200


@dataclass(frozen=True)
class Seated:
    room: Room
    # What this call's settle wrote, if anything (the caller plans timers and the host's intro).
    change: RoomChange | None
    # False: the caller already sat in this room before the call.
    claimed: bool = True


class Seating:
    def __init__(
        self,
        *,
        store: RoomStore,
        format_of: Callable[[str], RoomFormat],
        clock: Callable[[], datetime],
        time_scale: float,
    ) -> None:
        self.store = store
        self.format_of = format_of
        self.clock = clock
        self.time_scale = time_scale

    def current(self, uid: str) -> Seated | None:
        """The room `uid` still sits in (settled into it first if its claim was not yet)."""
        membership = self.store.membership(uid)
        if membership is None:
            return None
        room_format = self.format_of(membership.format_id)
        view = self.store.view(membership.room_id, room_format.seats)
        seat = next((s for s in view.seats if s.index == membership.seat), None)
        if not still_seated(uid, view.room, seat):
            return None
        return self._settled(membership.room_id, room_format, uid, claimed=False)

    def match(self, *, uid: str, room_format: RoomFormat, remember: bool = False) -> Seated:
        """The lowest free seat of the oldest room still waiting, or seat A of a new one. Matching
        again answers the room the caller already sits in (of any format)."""
        return self.current(uid) or self._walk(uid, room_format, fresh_only=False, remember=remember)

    def create(self, *, uid: str, room_format: RoomFormat, remember: bool = False) -> Seated:
        """Seat A of a room nobody has claimed a seat in (seed 002's `create`); refused while the caller
        sits in a live room. Matchers fill older rooms first, so this one waits its turn."""
        self._not_elsewhere(self.current(uid))
        seated = self._walk(uid, room_format, fresh_only=True, remember=remember)
        self._not_elsewhere(seated if not seated.claimed else None)
        return seated

    def join(self, *, uid: str, room_id: str, room_format: RoomFormat, remember: bool = False) -> Seated:
        """A free seat of the named waiting room (seed 002's `join`)."""
        current = self.current(uid)
        if current is not None and current.room.id == room_id:
            return current
        self._not_elsewhere(current)
        view = self.store.view(room_id, room_format.seats)
        if view.room is None:
            raise NotFound("Room not found.")
        for seat in view.free_seats(room_format.seats):
            seated = self._claim(uid, room_id, room_format, seat, remember)
            if seated is not None:
                if seated.room.id != room_id:
                    self._not_elsewhere(seated)
                return seated
        raise Conflict("That room is not waiting for participants.", details={"roomId": room_id})

    def _walk(self, uid: str, room_format: RoomFormat, *, fresh_only: bool, remember: bool) -> Seated:
        floor = self.store.slot_floor(room_format.id)
        closed_below = floor  # every room below this one has started or ended
        try:
            for number in range(floor, floor + MAX_ROOMS_WALKED):
                room_id = slot_room_id(room_format.id, number)
                view = self.store.view(room_id, room_format.seats)
                if view.closed:
                    if closed_below == number:
                        closed_below = number + 1
                    continue
                if fresh_only and not view.untouched:
                    continue
                for seat in [0] if fresh_only else view.free_seats(room_format.seats):
                    seated = self._claim(uid, room_id, room_format, seat, remember)
                    if seated is not None:
                        return seated
        finally:
            if closed_below > floor:
                self.store.raise_slot_floor(room_format.id, closed_below)
        raise Conflict("Matching is busy; please try again.", details={"format": room_format.id})

    def _claim(
        self, uid: str, room_id: str, room_format: RoomFormat, seat: int, remember: bool
    ) -> Seated | None:
        """Claim the seat and settle its room; None when the seat was taken or the room closed first."""
        claim = self.store.claim_seat(
            uid=uid, room_id=room_id, format_id=room_format.id, seat=seat, now=self.clock(), remember=remember
        )
        if claim.result is ClaimResult.TAKEN:
            return None
        if claim.result is ClaimResult.ELSEWHERE:
            assert claim.room_id is not None and claim.format_id is not None
            return self._settled(claim.room_id, self.format_of(claim.format_id), uid, claimed=False)
        return self._settled(room_id, room_format, uid, claimed=True)

    def _settled(self, room_id: str, room_format: RoomFormat, uid: str, *, claimed: bool) -> Seated | None:
        room, change = self.store.settle(
            room_id,
            room_format.seats,
            lambda room, seats: seat_room(
                room_id=room_id,
                room=room,
                seats=seats,
                room_format=room_format,
                now=self.clock(),
                time_scale=self.time_scale,
            ),
        )
        if room is None or uid not in room.member_ids:
            return None
        return Seated(room=room, change=change, claimed=claimed)

    @staticmethod
    def _not_elsewhere(current: Seated | None) -> None:
        if current is not None:
            raise Conflict("You are already in a live room.", details={"roomId": current.room.id})
