"""Room use cases over two ports (RoomStore, RoomTimers): match, read, post lines, phases, leave,
rejoin, end, interruptions. Pure orchestration: the adapters own transactions and the clock's source.

Write budget: a line is one new document (plus the host's reply document, rewritten at most once per
stream interval while it streams). The room document changes only on lifecycle changes (joins,
phases, leaves, the end, a safety hold) and through the batched aggregate flush, so a busy
transcript never rewrites it more than about once a second.
"""

from __future__ import annotations

import hashlib
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from shared.conversation.provider import AiProvider
from shared.conversation.turns import UnsafeReply
from shared.errors import InvalidStateTransition, NotFound, PermissionDenied, ValidationFailed
from shared.models.messages import MessageSafety
from shared.models.rooms import (
    AGENT_ROLE,
    InterruptionRecord,
    InterruptRequest,
    PostLineRequest,
    Room,
    RoomEndReason,
    RoomFormat,
    RoomLine,
)
from shared.models.safety import CrisisResources
from shared.rooms import lifecycle
from shared.rooms.config import RoomSettings, find_format, load_formats
from shared.rooms.host import HOLD_LINE, Trigger, host_request, stream_reply, trigger_for
from shared.rooms.lifecycle import RoomChange
from shared.rooms.matching import MatchOutcome
from shared.safety.escalation import ALERT_FROM
from shared.safety.levels import Screening
from shared.safety.resources import resources_for
from shared.safety.screen import screen_message

FALLBACK_HOST_LINE = "Sorry, I lost my train of thought there. Please carry on!"
SAFETY_CONTEXT_LINES = 4


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


@dataclass(frozen=True)
class LineResult:
    line: RoomLine
    reply: RoomLine | None
    referral: CrisisResources | None


class RoomService:
    def __init__(
        self,
        *,
        store: RoomStore,
        provider: AiProvider,
        settings: RoomSettings,
        clock: Callable[[], datetime],
        monotonic: Callable[[], float],
        new_id: Callable[[], str],
        timers: RoomTimers | None = None,
        stream_interval_s: float = 0.3,
        ai_timeout_s: float = 20.0,
        default_locale: str = "en-US",
    ) -> None:
        self.store = store
        self.provider = provider
        self.settings = settings
        self.clock = clock
        self.monotonic = monotonic
        self.new_id = new_id
        self.timers = timers or NoRoomTimers()
        self.stream_interval_s = stream_interval_s
        self.ai_timeout_s = ai_timeout_s
        self.default_locale = default_locale

    # -- reading -----------------------------------------------------------------------------

    def formats(self) -> tuple[RoomFormat, ...]:
        return load_formats(self.settings.formats_file)

    def format_of(self, room: Room) -> RoomFormat:
        return find_format(self.formats(), room.format)

    def get(self, *, uid: str, room_id: str, is_admin: bool = False) -> Room:
        """Members only (present or dropped within grace); everyone else gets 404, as if absent."""
        room = self.store.load(room_id)
        if room is None or not (is_admin or uid in room.member_ids):
            raise NotFound("Room not found.")
        return room

    # -- lifecycle ---------------------------------------------------------------------------

    def match(self, *, uid: str, format_id: str) -> tuple[Room, str]:
        room_format = find_format(self.formats(), format_id)
        new_room_id = self.new_id()

        def decide(current: Room | None, waiting: list[Room]) -> MatchOutcome:
            from shared.rooms.matching import match

            return match(
                uid=uid,
                room_format=room_format,
                current=current,
                waiting=waiting,
                new_room_id=new_room_id,
                now=self.clock(),
                time_scale=self.settings.phase_time_scale,
            )

        outcome = self.store.match(uid=uid, format_id=room_format.id, decide=decide)
        room = outcome.change.room
        if outcome.changed:
            self._after(room, outcome.change)
        role = room.role_of(uid)
        assert role is not None  # the caller is a member of the room it matched into
        return room, role

    def create(self, *, uid: str, format_id: str) -> tuple[Room, str]:
        """Open a waiting room (seed 002's interactive `create`); others join it by id or by matching."""
        from shared.rooms.matching import create

        room_format = find_format(self.formats(), format_id)
        new_room_id = self.new_id()
        outcome = self.store.match(
            uid=uid,
            format_id=room_format.id,
            decide=lambda current, waiting: create(
                uid=uid,
                room_format=room_format,
                current=current,
                waiting=waiting,
                new_room_id=new_room_id,
                now=self.clock(),
            ),
        )
        self._after(outcome.change.room, outcome.change)
        return outcome.change.room, "A"

    def join(self, *, uid: str, room_id: str) -> tuple[Room, str]:
        """Take a seat in the named waiting room (seed 002's interactive `join`)."""
        from shared.rooms.matching import join_room

        room = self.store.load(room_id)
        if room is None:
            raise NotFound("Room not found.")
        room_format = self.format_of(room)
        outcome = self.store.match(
            uid=uid,
            format_id=room_format.id,
            decide=lambda current, waiting: join_room(
                uid=uid,
                room_id=room_id,
                room_format=room_format,
                current=current,
                waiting=waiting,
                now=self.clock(),
                time_scale=self.settings.phase_time_scale,
            ),
        )
        if outcome.changed:
            self._after(outcome.change.room, outcome.change)
        role = outcome.change.room.role_of(uid)
        assert role is not None
        return outcome.change.room, role

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
        return room

    def _after(self, room: Room, change: RoomChange) -> None:
        self.timers.plan(room)
        self.store.request_flush(room.id)
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

    # -- the transcript ----------------------------------------------------------------------

    def post_line(self, *, uid: str, room_id: str, request: PostLineRequest) -> LineResult:
        room = self.get(uid=uid, room_id=room_id)
        role = lifecycle.speaker_role(room, uid)
        now = self.clock()
        recent = self.store.recent_lines(room_id, self.settings.context_lines)
        # Screened in the speaker's own context only: another guest's words never raise this one's level.
        own = [line.content for line in recent if line.speaker == role][-SAFETY_CONTEXT_LINES:]
        screening = screen_message(request.content, recent_user_messages=own)
        line = RoomLine(
            id=line_id_for(room_id, uid, request.client_line_id),
            room_id=room_id,
            speaker=role,
            type="transcript",
            content=request.content,
            created_at=now,
            updated_at=now,
            phase=room.phase,
            client_line_id=request.client_line_id,
            safety=MessageSafety(
                level=screening.level.value, confidence=screening.confidence, signals=list(screening.signals)
            ),
        )
        existing = self.store.create_line(line)
        stored = existing or line
        if existing is None:
            self.store.request_flush(room_id)
        referral = None
        if screening.level.at_least(ALERT_FROM):
            # Applied on retries too, so a first attempt that died half-way is completed.
            referral = self._crisis(room, uid, stored, screening)
            return LineResult(line=stored, reply=None, referral=referral)
        trigger = trigger_for(stored.content, room)
        if trigger is None:
            return LineResult(line=stored, reply=None, referral=None)
        if existing is not None:
            previous = self.store.get_line(room_id, f"{stored.id}-r")
            if previous is not None and previous.status != "failed":
                return LineResult(line=stored, reply=previous, referral=None)
        if trigger is Trigger.MOVE_ON:
            moved = self.advance_index(room_id=room_id, from_index=room.phase_index, actor=AGENT_ROLE)
            intro = self.store.get_line(room_id, f"phase-{moved.phase_index}")
            return LineResult(line=stored, reply=intro if moved.status == "active" else None, referral=None)
        reply = self._host_line(room, trigger=trigger, line_id=f"{stored.id}-r", reply_to=stored.id)
        return LineResult(line=stored, reply=reply, referral=None)

    def _crisis(self, room: Room, uid: str, line: RoomLine, screening: Screening) -> CrisisResources:
        resources = resources_for(None, default_locale=self.default_locale)
        self.store.raise_crisis(room=room, uid=uid, line=line, screening=screening, resources=resources)
        held = self._change(room.id, lambda current: lifecycle.hold_show(current, now=self.clock()))
        if held.show_paused:
            now = self.clock()
            hold = RoomLine(
                id="safety-hold",
                room_id=room.id,
                speaker=AGENT_ROLE,
                type="ai",
                content=HOLD_LINE,
                created_at=now,
                updated_at=now,
                phase=held.phase,
                ai_model="safety-hold",
            )
            if self.store.create_line(hold) is None:
                self.store.request_flush(room.id)
        return resources

    def _host_line(self, room: Room, *, trigger: Trigger, line_id: str, reply_to: str | None) -> RoomLine:
        """Stream one host line into `lines/{line_id}` (deterministic: racing callers write one line)."""
        existing = self.store.get_line(room.id, line_id)
        if existing is not None and existing.status != "failed":
            return existing
        now = self.clock()
        draft = RoomLine(
            id=line_id,
            room_id=room.id,
            speaker=AGENT_ROLE,
            type="ai",
            content="",
            status="streaming",
            created_at=now,
            updated_at=now,
            phase=room.phase,
            reply_to=reply_to,
            ai_model=self.provider.model,
        )
        prompt = host_request(
            room=room,
            room_format=self.format_of(room),
            lines=self.store.recent_lines(room.id, self.settings.context_lines),
            trigger=trigger,
            summary=None,
            interruptions_kept=self.settings.interruptions_in_prompt,
        )

        def progress(text: str) -> None:
            self.store.save_line(draft.model_copy(update={"content": text, "updated_at": self.clock()}))

        try:
            text, model = stream_reply(
                provider=self.provider,
                prompt=prompt,
                progress=progress,
                interval_s=self.stream_interval_s,
                timeout_s=self.ai_timeout_s,
                monotonic=self.monotonic,
            )
            final = draft.model_copy(update={"content": text, "status": "complete", "ai_model": model})
        except UnsafeReply:
            final = draft.model_copy(update={"content": FALLBACK_HOST_LINE, "status": "complete"})
        except Exception as exc:  # a provider failure never fails the guest's request
            final = draft.model_copy(
                update={
                    "content": FALLBACK_HOST_LINE,
                    "status": "failed",
                    "failure_reason": type(exc).__name__,
                }
            )
        final = final.model_copy(update={"updated_at": self.clock()})
        self.store.save_line(final)
        self.store.request_flush(room.id)
        return final

    # -- voice: interruptions ----------------------------------------------------------------

    def interrupt(self, *, uid: str, room_id: str, line_id: str, request: InterruptRequest) -> RoomLine:
        """A member's client reports a barge-in on a host line: the line keeps its full text and
        records what was heard; the host's context then uses only the heard part."""
        room = self.get(uid=uid, room_id=room_id)
        if room.role_of(uid) is None:
            raise PermissionDenied()
        line = self.store.get_line(room_id, line_id)
        if line is None or line.speaker != AGENT_ROLE:
            raise NotFound("Host line not found.")
        if line.interruption is not None:
            return line  # the first report wins; a retry changes nothing
        if line.status == "streaming":
            raise InvalidStateTransition("The host line is still streaming.", details={"status": line.status})
        record = InterruptionRecord(heard_ms=request.heard_ms, heard_text=request.heard_text, at=self.clock())
        updated = line.model_copy(update={"interruption": record})
        self.store.save_line(updated)
        return updated
