"""In-memory RoomStore for unit tests and local tools (one process, a lock stands in for transactions)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime

from shared.models.rooms import Room, RoomEvent, RoomLine, RoomPrivate
from shared.models.safety import CrisisResources
from shared.rooms.lifecycle import RoomChange
from shared.rooms.matching import Claim, ClaimResult, Membership, RoomView, Seat, still_seated
from shared.rooms.ports import GateVersion, RoomStore, SpeakerChanged, gated
from shared.safety.levels import Screening
from shared.safety.resources import crisis_reply


class InMemoryRoomStore(RoomStore):
    def __init__(self) -> None:
        self.rooms: dict[str, Room] = {}
        self.events: dict[str, list[RoomEvent]] = {}
        self.lines: dict[str, dict[str, RoomLine]] = {}
        self.seats: dict[str, dict[int, Seat]] = {}
        self.members: dict[str, Membership] = {}
        self.floors: dict[str, int] = {}
        self.alerts: dict[str, dict[str, str]] = {}
        self.private: dict[tuple[str, str], RoomPrivate] = {}
        self.flushes: list[str] = []
        self.line_writes: dict[str, int] = {}
        self.gates: dict[tuple[str, str], int] = {}
        self._lock = threading.RLock()

    def _write(self, change: RoomChange) -> None:
        self.rooms[change.room.id] = change.room
        self.events.setdefault(change.room.id, []).extend(change.events)
        for uid in gated(change.room):
            key = (change.room.id, uid)
            self.gates[key] = self.gates.get(key, 0) + 1

    def membership(self, uid: str) -> Membership | None:
        return self.members.get(uid)

    def view(self, room_id: str, seat_count: int) -> RoomView:
        with self._lock:
            seats = tuple(sorted(self.seats.get(room_id, {}).values(), key=lambda s: s.index))
            return RoomView(room_id=room_id, room=self.rooms.get(room_id), seats=seats)

    def slot_floor(self, format_id: str) -> int:
        return self.floors.get(format_id, 0)

    def raise_slot_floor(self, format_id: str, floor: int) -> None:
        with self._lock:
            self.floors[format_id] = max(floor, self.floors.get(format_id, 0))

    def claim_seat(
        self, *, uid: str, room_id: str, format_id: str, seat: int, now: datetime, remember: bool = False
    ) -> Claim:
        with self._lock:
            current = self.members.get(uid)
            if current is not None:
                held = self.seats.get(current.room_id, {}).get(current.seat)
                if still_seated(uid, self.rooms.get(current.room_id), held):
                    return Claim(ClaimResult.ELSEWHERE, current.room_id, current.format_id)
            claims = self.seats.setdefault(room_id, {})
            if seat in claims:
                return Claim(ClaimResult.TAKEN)
            claims[seat] = Seat(index=seat, uid=uid, claimed_at=now, remember=remember)
            self.members[uid] = Membership(room_id=room_id, seat=seat, format_id=format_id)
            return Claim(ClaimResult.CLAIMED)

    def settle(
        self, room_id: str, seat_count: int, apply: Callable[[Room | None, list[Seat]], RoomChange | None]
    ) -> tuple[Room | None, RoomChange | None]:
        with self._lock:
            room = self.rooms.get(room_id)
            change = apply(room, list(self.seats.get(room_id, {}).values()))
            if change is None:
                return room, None
            self._write(change)
            return change.room, change

    def load(self, room_id: str) -> Room | None:
        return self.rooms.get(room_id)

    def mutate(self, room_id: str, apply: Callable[[Room], RoomChange | None]) -> tuple[Room, bool]:
        with self._lock:
            room = self.rooms.get(room_id)
            if room is None:
                from shared.errors import NotFound

                raise NotFound("Room not found.")
            change = apply(room)
            if change is None or change.room == room:
                return room, False
            self._write(change)
            for seat in change.freed_seats:
                self.seats.get(room_id, {}).pop(seat, None)
            return change.room, True

    def create_line(self, line: RoomLine) -> RoomLine | None:
        with self._lock:
            lines = self.lines.setdefault(line.room_id, {})
            if line.id in lines:
                return lines[line.id]
            self.save_line(line)
            return None

    def speaker_gate(self, room_id: str, uid: str) -> GateVersion:
        with self._lock:
            return self.gates.get((room_id, uid))

    def create_speaker_line(
        self, line: RoomLine, *, uid: str, gate: GateVersion
    ) -> tuple[RoomLine | None, GateVersion]:
        with self._lock:
            existing = self.lines.get(line.room_id, {}).get(line.id)
            if existing is not None:
                return existing, gate
            key = (line.room_id, uid)
            if self.gates.get(key) != gate:
                raise SpeakerChanged()
            self.save_line(line)
            self.gates[key] = self.gates.get(key, 0) + 1
            return None, self.gates[key]

    def get_line(self, room_id: str, line_id: str) -> RoomLine | None:
        return self.lines.get(room_id, {}).get(line_id)

    def save_line(self, line: RoomLine) -> None:
        self.lines.setdefault(line.room_id, {})[line.id] = line
        self.line_writes[line.id] = self.line_writes.get(line.id, 0) + 1

    def recent_lines(self, room_id: str, limit: int) -> list[RoomLine]:
        ordered = sorted(self.lines.get(room_id, {}).values(), key=lambda line: line.created_at)
        return ordered[-limit:]

    def speaker_lines(self, room_id: str, speaker: str, limit: int) -> list[RoomLine]:
        ordered = sorted(self.lines.get(room_id, {}).values(), key=lambda line: line.created_at)
        return [line for line in ordered if line.speaker == speaker][-limit:]

    def lines_slice(self, room_id: str, start: int, count: int) -> list[RoomLine]:
        ordered = sorted(self.lines.get(room_id, {}).values(), key=lambda line: line.created_at)
        return ordered[start : start + count]

    def raise_crisis(
        self, *, room: Room, uid: str, line: RoomLine, screening: Screening, resources: CrisisResources
    ) -> None:
        self.alerts[f"{room.id}:{line.id}"] = {
            "userId": uid,
            "roomId": room.id,
            "level": screening.level.value,
        }
        self.private[(room.id, uid)] = RoomPrivate(
            uid=uid,
            role=line.speaker,
            safety_state=screening.level.value,
            crisis_resources=resources,
            crisis_reply=crisis_reply(resources),
            updated_at=line.created_at,
        )

    def request_flush(self, room_id: str) -> None:
        self.flushes.append(room_id)
