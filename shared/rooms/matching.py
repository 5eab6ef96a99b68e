"""Matchmaking as a pure decision over what the adapter read in one transaction.

The adapter keeps, per format, a lobby document listing the waiting rooms oldest first, and per user a
membership document naming the user's live room. Reading both (and the listed rooms) and writing the
outcome in one transaction is what makes racing matchers fill rooms exactly: the lobby document is
the point every matcher of a format contends on, so two matchers can never both take the last seat,
and the membership document means nobody is ever in two live rooms.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from shared.errors import Conflict
from shared.models.rooms import Room, RoomFormat
from shared.rooms.lifecycle import RoomChange, create_room, free_seats, join


@dataclass(frozen=True)
class MatchOutcome:
    change: RoomChange
    created: bool
    # The lobby's waiting room ids after this match, oldest first.
    waiting: list[str]
    # False: the caller already had a live room and got it back (nothing to write).
    changed: bool = True


def match(
    *,
    uid: str,
    room_format: RoomFormat,
    current: Room | None,
    waiting: list[Room],
    new_room_id: str,
    now: datetime,
    time_scale: float,
) -> MatchOutcome:
    """`current`: the caller's live room, if any (answered again: matching twice is idempotent).
    `waiting`: the rooms the lobby lists, oldest first (stale entries are dropped here)."""
    open_rooms = [
        r for r in waiting if r.status == "waiting" and r.format == room_format.id and free_seats(r) > 0
    ]
    if current is not None and current.status != "ended" and uid in current.member_ids:
        return MatchOutcome(
            change=RoomChange(room=current), created=False, waiting=[r.id for r in open_rooms], changed=False
        )
    if open_rooms:
        oldest = open_rooms[0]
        change = join(oldest, uid=uid, room_format=room_format, now=now, time_scale=time_scale)
        still_open = [r.id for r in open_rooms if r.id != oldest.id]
        if change.room.status == "waiting":
            still_open.insert(0, oldest.id)
        return MatchOutcome(change=change, created=False, waiting=still_open)
    change = create_room(room_id=new_room_id, room_format=room_format, uid=uid, now=now)
    return MatchOutcome(change=change, created=True, waiting=[change.room.id])


def create(
    *,
    uid: str,
    room_format: RoomFormat,
    current: Room | None,
    waiting: list[Room],
    new_room_id: str,
    now: datetime,
) -> MatchOutcome:
    """Open a new waiting room (seed 002's `create`), listed last in the lobby so matchers fill older
    rooms first. Refused while the caller is in a live room."""
    _not_in_a_live_room(uid, current)
    change = create_room(room_id=new_room_id, room_format=room_format, uid=uid, now=now)
    still_open = [r.id for r in waiting if r.status == "waiting" and free_seats(r) > 0]
    return MatchOutcome(change=change, created=True, waiting=[*still_open, change.room.id])


def join_room(
    *,
    uid: str,
    room_id: str,
    room_format: RoomFormat,
    current: Room | None,
    waiting: list[Room],
    now: datetime,
    time_scale: float,
) -> MatchOutcome:
    """Take a seat in a named waiting room (seed 002's `join`)."""
    if current is not None and current.id == room_id and uid in current.member_ids:
        return MatchOutcome(
            change=RoomChange(room=current), created=False, waiting=[r.id for r in waiting], changed=False
        )
    _not_in_a_live_room(uid, current)
    target = next((r for r in waiting if r.id == room_id), None)
    if target is None:
        raise Conflict("That room is not waiting for participants.", details={"roomId": room_id})
    change = join(target, uid=uid, room_format=room_format, now=now, time_scale=time_scale)
    still_open = [r.id for r in waiting if r.status == "waiting" and free_seats(r) > 0 and r.id != room_id]
    if change.room.status == "waiting":
        still_open.insert(0, room_id)
    return MatchOutcome(change=change, created=False, waiting=still_open)


def _not_in_a_live_room(uid: str, current: Room | None) -> None:
    if current is not None and current.status != "ended" and uid in current.member_ids:
        raise Conflict("You are already in a live room.", details={"roomId": current.id})
