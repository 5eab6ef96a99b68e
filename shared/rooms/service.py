"""Room use cases over two ports (RoomStore, RoomTimers): match, read, phases, leave, rejoin, end;
what is said (lines, the host, interruptions) is in talk.py. Pure orchestration: the adapters own transactions and the clock's source.

Write budget: a line is one new document (plus the host's reply document, rewritten at most once per
stream interval while it streams). The room document changes only on lifecycle changes (joins,
phases, leaves, the end, a safety hold) and through the batched aggregate flush, so a busy
transcript never rewrites it more than about once a second.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from shared.conversation.provider import AiProvider
from shared.errors import NotFound, ValidationFailed
from shared.models.rooms import (
    Room,
    RoomEndReason,
    RoomFormat,
)
from shared.rooms import lifecycle
from shared.rooms.config import RoomSettings, find_format, load_formats
from shared.rooms.host import Trigger
from shared.rooms.lifecycle import RoomChange
from shared.rooms.ports import NoRoomEvents, NoRoomTimers, RoomEvents, RoomStore, RoomTimers
from shared.rooms.seating import Seated, Seating
from shared.rooms.talk import RoomTalk, Speakers


class RoomService(RoomTalk):
    def __init__(
        self,
        *,
        store: RoomStore,
        provider: AiProvider,
        settings: RoomSettings,
        clock: Callable[[], datetime],
        monotonic: Callable[[], float],
        timers: RoomTimers | None = None,
        events: RoomEvents | None = None,
        stream_interval_s: float = 0.3,
        ai_timeout_s: float = 20.0,
        default_locale: str = "en-US",
    ) -> None:
        self.store = store
        self.provider = provider
        self.settings = settings
        self.clock = clock
        self.monotonic = monotonic
        self.timers = timers or NoRoomTimers()
        self.events = events or NoRoomEvents()
        self.stream_interval_s = stream_interval_s
        self.ai_timeout_s = ai_timeout_s
        self.default_locale = default_locale
        self.speakers = Speakers()

    # -- reading -----------------------------------------------------------------------------

    def formats(self) -> tuple[RoomFormat, ...]:
        return load_formats(self.settings.formats_file)

    def format_of(self, room: Room) -> RoomFormat:
        return find_format(self.formats(), room.format)

    def get(self, *, uid: str, room_id: str, is_admin: bool = False) -> Room:
        """Members only (present or dropped within grace); everyone else gets 404, as if absent."""
        return self.visible(self.store.load(room_id), uid=uid, is_admin=is_admin)

    @staticmethod
    def visible(room: Room | None, *, uid: str, is_admin: bool = False) -> Room:
        if room is None or not (is_admin or uid in room.member_ids):
            raise NotFound("Room not found.")
        return room

    # -- lifecycle ---------------------------------------------------------------------------

    def _seating(self) -> Seating:
        return Seating(
            store=self.store,
            format_of=lambda format_id: find_format(self.formats(), format_id),
            clock=self.clock,
            time_scale=self.settings.phase_time_scale,
        )

    def _seated(self, uid: str, seated: Seated) -> tuple[Room, str]:
        if seated.change is not None:
            self._after(seated.room, seated.change)
        role = seated.room.role_of(uid)
        assert role is not None  # seating answers only a room the caller sits in
        return seated.room, role

    def match(self, *, uid: str, format_id: str, remember: bool = False) -> tuple[Room, str]:
        """Join the oldest waiting room of the format or open one (matching.py: no hot document).
        `remember`: the caller's consent to a memory of the room (kept from the seat's claim)."""
        room_format = find_format(self.formats(), format_id)
        return self._seated(uid, self._seating().match(uid=uid, room_format=room_format, remember=remember))

    def create(self, *, uid: str, format_id: str, remember: bool = False) -> tuple[Room, str]:
        """Open a waiting room (seed 002's interactive `create`); others join it by id or by matching."""
        room_format = find_format(self.formats(), format_id)
        return self._seated(uid, self._seating().create(uid=uid, room_format=room_format, remember=remember))

    def join(self, *, uid: str, room_id: str, remember: bool = False) -> tuple[Room, str]:
        """Take a seat in the named waiting room (seed 002's interactive `join`)."""
        room = self.store.load(room_id)
        if room is None:
            raise NotFound("Room not found.")
        seated = self._seating().join(
            uid=uid, room_id=room_id, room_format=self.format_of(room), remember=remember
        )
        return self._seated(uid, seated)

    def set_memory_consent(self, *, uid: str, room_id: str, remember: bool) -> Room:
        self.get(uid=uid, room_id=room_id)
        return self._change(
            room_id,
            lambda room: lifecycle.set_memory_consent(room, uid=uid, remember=remember, now=self.clock()),
        )

    def _change(self, room_id: str, apply: Callable[[Room], RoomChange | None]) -> Room:
        captured: list[RoomChange] = []

        def run(room: Room) -> RoomChange | None:
            captured.clear()  # a retried transaction applies again: keep the last attempt's change
            change = apply(room)
            if change is not None:
                captured.append(change)
            return change

        room, changed = self.store.mutate(room_id, run)
        if changed and captured:
            self._after(room, captured[-1])
        elif room.status == "ended" and not room.summary_final:
            # The end committed but its final summary is not written: the process that ended the room may
            # have died before publishing `room.ended`, so a retried end (or any later change) publishes it
            # again. The summary and memory function is idempotent; at worst it runs twice.
            self.events.ended(room)
        return room

    def _after(self, room: Room, change: RoomChange) -> None:
        self.timers.plan(room)
        self.store.request_flush(room.id)
        if any(event.type == "room.ended" for event in change.events):
            self.events.ended(room)
        if change.phase_started is not None and not room.show_paused:
            self._host_line(
                room, trigger=Trigger.PHASE_START, line_id=f"phase-{room.phase_index}", reply_to=None
            )

    def advance(self, *, room_id: str, from_phase: str, actor: str) -> Room:
        """Move on from `from_phase` (host, admin or timer); a no-op when the room already moved on."""
        room = self._loaded(room_id)
        room_format = self.format_of(room)
        index = next((i for i, p in enumerate(room_format.phases) if p.id == from_phase), None)
        if index is None:
            raise ValidationFailed(f"Unknown phase {from_phase!r}.", details=[{"field": "fromPhase"}])
        return self.advance_index(room_id=room_id, from_index=index, actor=actor)

    def advance_index(self, *, room_id: str, from_index: int, actor: str) -> Room:
        room_format = self.format_of(self._loaded(room_id))
        return self._change(
            room_id,
            lambda room: lifecycle.advance(
                room,
                from_index=from_index,
                room_format=room_format,
                now=self.clock(),
                time_scale=self.settings.phase_time_scale,
                actor=actor,
            ),
        )

    def leave(self, *, uid: str, room_id: str, final: bool) -> Room:
        end_below = self.format_of(self.get(uid=uid, room_id=room_id)).end_when_present_below
        return self._change(
            room_id,
            lambda room: lifecycle.leave(
                room,
                uid=uid,
                now=self.clock(),
                grace_seconds=self.settings.grace_seconds,
                final=final,
                end_below=end_below,
            ),
        )

    def rejoin(self, *, uid: str, room_id: str) -> Room:
        self.get(uid=uid, room_id=room_id)
        return self._change(room_id, lambda room: lifecycle.rejoin(room, uid=uid, now=self.clock()))

    def expire_grace(self, *, room_id: str) -> Room:
        room_format = self.format_of(self._loaded(room_id))
        return self._change(
            room_id, lambda room: lifecycle.expire_grace(room, room_format=room_format, now=self.clock())
        )

    def end(self, *, room_id: str, reason: RoomEndReason, actor: str) -> Room:
        return self._change(
            room_id, lambda room: lifecycle.end(room, reason=reason, now=self.clock(), actor=actor)
        )

    def end_as_member(self, *, uid: str, room_id: str) -> Room:
        self.get(uid=uid, room_id=room_id)
        return self.end(room_id=room_id, reason="ended_by_participant", actor=uid)

    def _loaded(self, room_id: str) -> Room:
        room = self.store.load(room_id)
        if room is None:
            raise NotFound("Room not found.")
        return room
