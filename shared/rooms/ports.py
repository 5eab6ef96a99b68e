"""The ports rooms run on: storage (the adapter owns transactions) and timers (phase and grace ends)."""

from __future__ import annotations

import hashlib
from abc import ABC, abstractmethod
from collections.abc import Callable
from datetime import datetime

from shared.models.rooms import Room, RoomLine
from shared.models.safety import CrisisResources
from shared.rooms.erasure import ERASED_PREFIX
from shared.rooms.lifecycle import RoomChange
from shared.rooms.matching import Claim, Membership, RoomView, Seat
from shared.safety.levels import Screening


def line_id_for(room_id: str, uid: str, client_line_id: str) -> str:
    """Per caller: two participants reusing a client id never collide, a retry finds its line."""
    return hashlib.sha256(f"{room_id}\n{uid}\n{client_line_id}".encode()).hexdigest()[:24]


GateVersion = object
"""What an adapter answers for a speaker's gate (an update time, a counter); `None` when it has none yet."""


def gated(room: Room) -> set[str]:
    """Whose gates a change of `room` moves: everyone seated in it now, in any state, and everyone who
    ever was (a leaver's instance may still hold the room as it was when they could post). An erased
    participant's token names nobody who could post: no gate."""
    everyone = {person.uid for person in room.participants} | set(room.participant_ids)
    return {uid for uid in everyone if not uid.startswith(f"{ERASED_PREFIX}-")}


class SpeakerChanged(Exception):
    """The speaker's gate moved since the version the line was prepared from: the room's lifecycle
    changed (a join, leave, phase, hold, end) or the same speaker's line was stored by another
    instance. Nothing was written; the line is prepared again from fresh reads."""


class RoomStore(ABC):
    # -- matchmaking (shared/rooms/matching.py): no operation here contends on a format-wide document

    @abstractmethod
    def membership(self, uid: str) -> Membership | None:
        """The room and seat `uid` claimed last, if any."""

    @abstractmethod
    def view(self, room_id: str, seat_count: int) -> RoomView:
        """The room (None when not created yet) and its seat claims, read together, no transaction."""

    @abstractmethod
    def slot_floor(self, format_id: str) -> int:
        """The lowest room number of the format that may still take someone."""

    @abstractmethod
    def raise_slot_floor(self, format_id: str, floor: int) -> None:
        """Move the floor up to `floor` (never down; concurrent raises keep the highest)."""

    @abstractmethod
    def claim_seat(
        self, *, uid: str, room_id: str, format_id: str, seat: int, now: datetime, remember: bool = False
    ) -> Claim:
        """Atomically: unless `uid`'s membership names a room it still sits in (ELSEWHERE), create the
        seat's claim if absent (else TAKEN) and point the membership at it (CLAIMED)."""

    @abstractmethod
    def settle(
        self, room_id: str, seat_count: int, apply: Callable[[Room | None, list[Seat]], RoomChange | None]
    ) -> tuple[Room | None, RoomChange | None]:
        """In one transaction: read the room and its seat claims, apply, write room + events."""

    @abstractmethod
    def load(self, room_id: str) -> Room | None: ...

    @abstractmethod
    def mutate(self, room_id: str, apply: Callable[[Room], RoomChange | None]) -> tuple[Room, bool]:
        """In one transaction: read the room, apply, write room + events and free the change's
        `freed_seats`. (room after, changed?)."""

    @abstractmethod
    def create_line(self, line: RoomLine) -> RoomLine | None:
        """Create the line; when one with this id exists, return it and write nothing."""

    # -- a participant's lines: a per-speaker gate lets an instance reuse what it read ---------------
    # Every room change that goes through `mutate` or `settle` moves the gate of each participant in the
    # room, and every line moves its speaker's gate. A line stored on the condition that its speaker's
    # gate is still at the version read before the room and the speaker's context were read was prepared
    # from a room whose lifecycle is as it is now and from the speaker's complete context.

    @abstractmethod
    def speaker_gate(self, room_id: str, uid: str) -> GateVersion:
        """The gate's current version (`None` if it has none yet); read before the room and the
        context it vouches for."""

    @abstractmethod
    def create_speaker_line(
        self, line: RoomLine, *, uid: str, gate: GateVersion
    ) -> tuple[RoomLine | None, GateVersion]:
        """Create the line and move `uid`'s gate, both or neither, on the condition that the gate is at
        `gate`; raises SpeakerChanged otherwise. (the stored line when one with this id exists (then
        nothing is written), the gate's new version)."""

    @abstractmethod
    def get_line(self, room_id: str, line_id: str) -> RoomLine | None: ...

    @abstractmethod
    def save_line(self, line: RoomLine) -> None: ...

    @abstractmethod
    def recent_lines(self, room_id: str, limit: int) -> list[RoomLine]:
        """The newest `limit` lines, oldest first."""

    @abstractmethod
    def speaker_lines(self, room_id: str, speaker: str, limit: int) -> list[RoomLine]:
        """The newest `limit` lines said by `speaker` (a role), oldest first: the speaker's own safety
        context, however many others spoke since."""

    def load_with_speaker_lines(
        self, room_id: str, speaker: str, limit: int
    ) -> tuple[Room | None, list[RoomLine]]:
        """`load(room_id)` and `speaker_lines(room_id, speaker, limit)` together; an adapter whose reads
        are round trips issues both at once."""
        return self.load(room_id), self.speaker_lines(room_id, speaker, limit)

    @abstractmethod
    def lines_slice(self, room_id: str, start: int, count: int) -> list[RoomLine]:
        """Lines `start` .. `start + count` counted from the room's first (by creation time)."""

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


class RoomEvents(ABC):
    """What the room service announces after a change commits. Must not raise into the request."""

    @abstractmethod
    def ended(self, room: Room) -> None:
        """The room ended: write its final summary and its participants' memories (asynchronously)."""


class NoRoomEvents(RoomEvents):
    def ended(self, room: Room) -> None:
        return None
