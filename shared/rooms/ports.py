"""The ports rooms run on: storage (the adapter owns transactions) and timers (phase and grace ends)."""

from __future__ import annotations

import hashlib
from abc import ABC, abstractmethod
from collections.abc import Callable

from shared.models.rooms import Room, RoomLine
from shared.models.safety import CrisisResources
from shared.rooms.lifecycle import RoomChange
from shared.rooms.matching import MatchOutcome
from shared.safety.levels import Screening


def line_id_for(room_id: str, uid: str, client_line_id: str) -> str:
    """Per caller: two participants reusing a client id never collide, a retry finds its line."""
    return hashlib.sha256(f"{room_id}\n{uid}\n{client_line_id}".encode()).hexdigest()[:24]


class RoomStore(ABC):
    @abstractmethod
    def match(
        self, *, uid: str, format_id: str, decide: Callable[[Room | None, list[Room]], MatchOutcome]
    ) -> MatchOutcome:
        """In one transaction: read the caller's live room and the format's lobby (its waiting rooms,
        oldest first), call `decide`, write the outcome (room, events, lobby, membership)."""

    @abstractmethod
    def load(self, room_id: str) -> Room | None: ...

    @abstractmethod
    def mutate(self, room_id: str, apply: Callable[[Room], RoomChange | None]) -> tuple[Room, bool]:
        """In one transaction: read the room, apply, write room + events. (room after, changed?)."""

    @abstractmethod
    def create_line(self, line: RoomLine) -> RoomLine | None:
        """Create the line; when one with this id exists, return it and write nothing."""

    @abstractmethod
    def get_line(self, room_id: str, line_id: str) -> RoomLine | None: ...

    @abstractmethod
    def save_line(self, line: RoomLine) -> None: ...

    @abstractmethod
    def recent_lines(self, room_id: str, limit: int) -> list[RoomLine]:
        """The newest `limit` lines, oldest first."""

    @abstractmethod
    def raise_crisis(
        self, *, room: Room, uid: str, line: RoomLine, screening: Screening, resources: CrisisResources
    ) -> None:
        """The crisis alert about `uid` (deterministic id per line) and `uid`'s private safety document."""

    @abstractmethod
    def request_flush(self, room_id: str) -> None:
        """Recompute the room's aggregates soon, at most about once a second."""


class RoomTimers(ABC):
    """Plans the current phase's end and dropped participants' grace ends. Idempotent by task id."""

    @abstractmethod
    def plan(self, room: Room) -> None: ...


class NoRoomTimers(RoomTimers):
    def plan(self, room: Room) -> None:
        return None
