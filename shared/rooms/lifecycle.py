"""The room lifecycle as pure functions: each takes a room (and `now`) and returns the change to write,
or None when nothing changes. Adapters read the room in a transaction, call one, and write the room and
the change's events in the same commit, so concurrent requests serialise on the room document.

    waiting --(last seat taken)--> active --(last phase over | end | everyone gone | idle)--> ended

Invariants:
- `memberIds` lists exactly the participants that are present or dropped within their grace; the
  security rules read it, so a participant who left reads nothing more.
- `participantIds` lists everyone who ever took a seat (never shrinks): the user data erase and export
  find a user's rooms by it.
- A seat's role is fixed for the room's life; roles are never reused in an active room.
- Phases only move forward, one at a time, and only from the phase the caller saw (`advance` with a
  stale `from_index` is a no-op): a timer, the host and an admin can all race without skipping one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from shared.errors import Conflict, InvalidStateTransition, NotFound
from shared.models.rooms import (
    AGENT_ROLE,
    Participant,
    Room,
    RoomEndReason,
    RoomEvent,
    RoomFormat,
    RoomHost,
    RoomPaths,
)
from shared.rooms.config import role_for_seat, seat_of


@dataclass(frozen=True)
class RoomChange:
    room: Room
    events: list[RoomEvent] = field(default_factory=list)
    # The phase that started with this change (the host introduces it), if any.
    phase_started: str | None = None
    # Seats of a waiting room given up by this change: the adapter deletes their seat claims in the
    # same commit, so the next matcher can take them (shared/rooms/matching.py).
    freed_seats: tuple[int, ...] = ()


def paths_for(room_id: str) -> RoomPaths:
    base = f"rooms/{room_id}"
    return RoomPaths(
        room=base,
        lines=f"{base}/lines",
        events=f"{base}/events",
        presence=f"{base}/presence",
        private_prefix=f"{base}/private/",
    )


def _event(kind: str, now: datetime, actor: str, **data: str | int | float | bool | None) -> RoomEvent:
    return RoomEvent(type=kind, at=now, actor=actor, data=data)


def _members(participants: list[Participant]) -> list[str]:
    return [p.uid for p in participants if p.state != "left"]


def _ever_seated(room: Room, uid: str) -> list[str]:
    return room.participant_ids if uid in room.participant_ids else [*room.participant_ids, uid]


def create_room(
    *, room_id: str, room_format: RoomFormat, uid: str, now: datetime, seat: int = 0, remember: bool = False
) -> RoomChange:
    """A waiting room with its first participant in `seat` (seat 0 is role A)."""
    first = Participant(uid=uid, role=role_for_seat(seat), joined_at=now, remember=remember)
    room = Room(
        id=room_id,
        format=room_format.id,
        status="waiting",
        seats=room_format.seats,
        participants=[first],
        member_ids=[uid],
        participant_ids=[uid],
        host=RoomHost(
            agent_id=room_format.host.agent_id,
            name=room_format.host.name,
            spiciness=room_format.host.spiciness,
        ),
        created_at=now,
        updated_at=now,
        created_by=uid,
        last_activity_at=now,
        paths=paths_for(room_id),
    )
    events = [
        _event("room.created", now, uid, format=room_format.id, seats=room_format.seats),
        _event("participant.joined", now, uid, role=first.role),
    ]
    return RoomChange(room=room, events=events)


def free_seats(room: Room) -> int:
    taken = sum(1 for p in room.participants if p.state != "left")
    return room.seats - taken


def taken_roles(room: Room) -> set[str]:
    return {p.role for p in room.participants if p.state != "left"}


def join(room: Room, *, uid: str, room_format: RoomFormat, now: datetime, time_scale: float) -> RoomChange:
    """Take the lowest free seat of a waiting room; the last seat starts the show (first phase)."""
    if room.status != "waiting" or free_seats(room) <= 0:
        raise Conflict("This room is not taking participants.", details={"status": room.status})
    used = taken_roles(room)
    seat = next(i for i in range(room.seats) if role_for_seat(i) not in used)
    return take_seat(room, uid=uid, seat=seat, room_format=room_format, now=now, time_scale=time_scale)


def take_seat(
    room: Room,
    *,
    uid: str,
    seat: int,
    room_format: RoomFormat,
    now: datetime,
    time_scale: float,
    remember: bool = False,
) -> RoomChange:
    """`uid` takes `seat` (role A, B, ... by seat number) of a waiting room; the last seat starts the
    show (first phase). Refused when the seat's role is held or the room is not waiting."""
    if uid in room.member_ids:
        raise Conflict("You are already in this room.", details={"roomId": room.id})
    if room.status != "waiting" or not 0 <= seat < room.seats or role_for_seat(seat) in taken_roles(room):
        raise Conflict("This room is not taking participants.", details={"status": room.status})
    newcomer = Participant(uid=uid, role=role_for_seat(seat), joined_at=now, remember=remember)
    kept = [p for p in room.participants if p.state != "left"]
    participants = [*kept, newcomer]
    room = room.model_copy(
        update={
            "participants": participants,
            "member_ids": _members(participants),
            "participant_ids": _ever_seated(room, uid),
            "updated_at": now,
            "last_activity_at": now,
        }
    )
    events = [_event("participant.joined", now, uid, role=newcomer.role)]
    if free_seats(room) > 0:
        return RoomChange(room=room, events=events)
    started = start(room, room_format=room_format, now=now, time_scale=time_scale)
    return RoomChange(room=started.room, events=events + started.events, phase_started=started.phase_started)


def start(room: Room, *, room_format: RoomFormat, now: datetime, time_scale: float) -> RoomChange:
    room = room.model_copy(update={"status": "active", "started_at": now, "updated_at": now})
    moved = _enter_phase(room, 0, room_format=room_format, now=now, time_scale=time_scale, actor="system")
    return RoomChange(
        room=moved.room,
        events=[_event("room.started", now, "system"), *moved.events],
        phase_started=moved.phase_started,
    )


def _enter_phase(
    room: Room, index: int, *, room_format: RoomFormat, now: datetime, time_scale: float, actor: str
) -> RoomChange:
    phase = room_format.phases[index]
    ends = (
        now + timedelta(seconds=phase.duration_seconds * time_scale)
        if phase.duration_seconds is not None
        else None
    )
    previous = room.phase
    room = room.model_copy(
        update={
            "phase": phase.id,
            "phase_index": index,
            "phase_started_at": now,
            "phase_ends_at": ends,
            "updated_at": now,
            "last_activity_at": now,
        }
    )
    event = _event("phase_changed", now, actor, **{"from": previous, "to": phase.id, "index": index})
    return RoomChange(room=room, events=[event], phase_started=phase.id)


def advance(
    room: Room, *, from_index: int, room_format: RoomFormat, now: datetime, time_scale: float, actor: str
) -> RoomChange | None:
    """Move from phase `from_index` to the next one; after the last phase the show ends (`completed`).
    None when the room is not active or is no longer in that phase (a repeat, a late timer)."""
    if room.status != "active" or room.phase_index != from_index:
        return None
    if from_index + 1 >= len(room_format.phases):
        return end(room, reason="completed", now=now, actor=actor)
    return _enter_phase(
        room, from_index + 1, room_format=room_format, now=now, time_scale=time_scale, actor=actor
    )


def end(room: Room, *, reason: RoomEndReason, now: datetime, actor: str) -> RoomChange | None:
    """End the room; None when it already ended (ending is idempotent)."""
    if room.status == "ended":
        return None
    room = room.model_copy(
        update={
            "status": "ended",
            "ended_at": now,
            "end_reason": reason,
            "phase_ends_at": None,
            "updated_at": now,
        }
    )
    return RoomChange(room=room, events=[_event("room.ended", now, actor, reason=reason)])


def _replace(room: Room, updated: Participant) -> list[Participant]:
    return [updated if p.uid == updated.uid else p for p in room.participants]


def leave(
    room: Room, *, uid: str, now: datetime, grace_seconds: float, final: bool, end_below: int = 1
) -> RoomChange:
    """A participant leaves. In a waiting room the seat frees at once (nothing has started); in an active
    room the participant is `dropped` and keeps the seat for the grace period unless `final`. A room
    ends (`participants_left`) when fewer than `end_below` people remain present (1 for a waiting room)."""
    person = room.participant(uid)
    if person is None or person.state == "left" or room.status == "ended":
        raise NotFound("Room not found.")
    if room.status == "waiting" or final or grace_seconds <= 0:
        return _gone(room, person, now=now, actor=uid, end_below=1 if room.status == "waiting" else end_below)
    if person.state == "dropped":
        return RoomChange(room=room)
    dropped = person.model_copy(
        update={
            "state": "dropped",
            "dropped_at": now,
            "grace_until": now + timedelta(seconds=grace_seconds),
        }
    )
    participants = _replace(room, dropped)
    room = room.model_copy(update={"participants": participants, "updated_at": now})
    return RoomChange(
        room=room,
        events=[_event("participant.dropped", now, uid, role=person.role, graceSeconds=grace_seconds)],
    )


def _gone(room: Room, person: Participant, *, now: datetime, actor: str, end_below: int | None) -> RoomChange:
    left = person.model_copy(update={"state": "left", "left_at": now, "grace_until": None})
    participants = _replace(room, left)
    room = room.model_copy(
        update={"participants": participants, "member_ids": _members(participants), "updated_at": now}
    )
    events = [_event("participant.left", now, actor, role=person.role)]
    # A waiting room's seat frees at once; in a started room a seat (and its role) is never reused.
    freed = (seat_of(person.role),) if room.status == "waiting" else ()
    present = sum(1 for p in participants if p.state == "present")
    if end_below is not None and present < end_below:
        ended = end(room, reason="participants_left", now=now, actor="system")
        if ended is not None:
            return RoomChange(room=ended.room, events=events + ended.events, freed_seats=freed)
    return RoomChange(room=room, events=events, freed_seats=freed)


def rejoin(room: Room, *, uid: str, now: datetime) -> RoomChange:
    """Back within the grace period: the same seat and role, the room as it was."""
    person = room.participant(uid)
    if person is None or person.state == "left" or room.status == "ended":
        raise NotFound("Room not found.")
    if person.state == "present":
        return RoomChange(room=room)
    if person.grace_until is not None and now > person.grace_until:
        raise InvalidStateTransition(
            "The grace period to rejoin has passed.", details={"graceUntil": person.grace_until.isoformat()}
        )
    back = person.model_copy(update={"state": "present", "dropped_at": None, "grace_until": None})
    room = room.model_copy(
        update={"participants": _replace(room, back), "updated_at": now, "last_activity_at": now}
    )
    return RoomChange(room=room, events=[_event("participant.rejoined", now, uid, role=person.role)])


def expire_grace(room: Room, *, room_format: RoomFormat, now: datetime) -> RoomChange | None:
    """Participants whose grace has passed leave for good. The room ends only when fewer than
    `endWhenPresentBelow` people remain present, so one leaver does not end a show others continue."""
    due = [
        p
        for p in room.participants
        if p.state == "dropped" and p.grace_until is not None and p.grace_until <= now
    ]
    if not due or room.status == "ended":
        return None
    events: list[RoomEvent] = []
    for index, person in enumerate(due):
        last = index == len(due) - 1
        change = _gone(
            room,
            person,
            now=now,
            actor="system",
            end_below=room_format.end_when_present_below if last else None,
        )
        room = change.room
        events.extend(change.events)
    return RoomChange(room=room, events=events)


def set_memory_consent(room: Room, *, uid: str, remember: bool, now: datetime) -> RoomChange | None:
    """A member gives or withdraws consent to a memory of this room; only before the end, since the
    end is when memories are written. No event: nobody else needs to know."""
    person = room.participant(uid)
    if person is None or person.state == "left":
        raise NotFound("Room not found.")
    if room.status == "ended":
        raise InvalidStateTransition("The room has ended.", details={"status": room.status})
    if person.remember == remember:
        return None
    updated = person.model_copy(update={"remember": remember})
    return RoomChange(
        room=room.model_copy(update={"participants": _replace(room, updated), "updated_at": now})
    )


def hold_show(room: Room, *, now: datetime) -> RoomChange | None:
    """A participant's crisis: the host stops show content for everyone (the event names nobody)."""
    if room.show_paused:
        return None
    room = room.model_copy(update={"show_paused": True, "updated_at": now})
    return RoomChange(room=room, events=[_event("show.paused", now, "safety", reason="safety_hold")])


def speaker_role(room: Room, uid: str) -> str:
    """The caller's own role, from the room (never from the request). Only present participants of an
    active room post lines."""
    person = room.participant(uid)
    if person is None or person.state == "left":
        raise NotFound("Room not found.")
    if room.status != "active":
        raise InvalidStateTransition(
            f"Lines need an active room; this one is {room.status}.", details={"status": room.status}
        )
    if person.state != "present":
        raise InvalidStateTransition("Rejoin the room before posting.", details={"state": person.state})
    if person.role == AGENT_ROLE:  # defensive: a human never holds the host's role
        raise Conflict("Invalid seat.")
    return person.role
