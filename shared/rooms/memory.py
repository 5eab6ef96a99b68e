"""In-memory RoomStore for unit tests and local tools (one process, a lock stands in for transactions)."""

from __future__ import annotations

import threading
from collections.abc import Callable

from shared.models.rooms import Room, RoomEvent, RoomLine, RoomPrivate
from shared.models.safety import CrisisResources
from shared.rooms.lifecycle import RoomChange
from shared.rooms.matching import MatchOutcome
from shared.rooms.ports import RoomStore
from shared.safety.levels import Screening
from shared.safety.resources import crisis_reply


class InMemoryRoomStore(RoomStore):
    def __init__(self) -> None:
        self.rooms: dict[str, Room] = {}
        self.events: dict[str, list[RoomEvent]] = {}
        self.lines: dict[str, dict[str, RoomLine]] = {}
        self.lobby: dict[str, list[str]] = {}
        self.membership: dict[str, str] = {}
        self.alerts: dict[str, dict[str, str]] = {}
        self.private: dict[tuple[str, str], RoomPrivate] = {}
        self.flushes: list[str] = []
        self.line_writes: dict[str, int] = {}
        self._lock = threading.RLock()

    def _write(self, change: RoomChange) -> None:
        self.rooms[change.room.id] = change.room
        self.events.setdefault(change.room.id, []).extend(change.events)

    def match(
        self, *, uid: str, format_id: str, decide: Callable[[Room | None, list[Room]], MatchOutcome]
    ) -> MatchOutcome:
        with self._lock:
            current_id = self.membership.get(uid)
            current = self.rooms.get(current_id) if current_id else None
            waiting = [self.rooms[i] for i in self.lobby.get(format_id, []) if i in self.rooms]
            outcome = decide(current, waiting)
            if outcome.changed:
                room = outcome.change.room
                self._write(outcome.change)
                self.lobby[room.format] = outcome.waiting
                self.membership[uid] = room.id
            return outcome

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
            for person in change.room.participants:
                if person.state == "left" and self.membership.get(person.uid) == room_id:
                    del self.membership[person.uid]
            if change.room.status != "waiting":
                for ids in self.lobby.values():
                    if room_id in ids:
                        ids.remove(room_id)
            return change.room, True

    def create_line(self, line: RoomLine) -> RoomLine | None:
        with self._lock:
            lines = self.lines.setdefault(line.room_id, {})
            if line.id in lines:
                return lines[line.id]
            self.save_line(line)
            return None

    def get_line(self, room_id: str, line_id: str) -> RoomLine | None:
        return self.lines.get(room_id, {}).get(line_id)

    def save_line(self, line: RoomLine) -> None:
        self.lines.setdefault(line.room_id, {})[line.id] = line
        self.line_writes[line.id] = self.line_writes.get(line.id, 0) + 1

    def recent_lines(self, room_id: str, limit: int) -> list[RoomLine]:
        ordered = sorted(self.lines.get(room_id, {}).values(), key=lambda line: line.created_at)
        return ordered[-limit:]

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
