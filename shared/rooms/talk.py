"""What is said in a room: participants' lines (screened, each in its speaker's own context), the AI host's
streamed replies and holds, and interruptions. A mixin of RoomService: it shares its ports and settings."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from shared.conversation.provider import AiProvider
from shared.conversation.turns import UnsafeReply
from shared.errors import Conflict, InvalidStateTransition, NotFound, PermissionDenied
from shared.models.messages import MessageSafety
from shared.models.rooms import (
    AGENT_ROLE,
    InterruptionRecord,
    InterruptRequest,
    PostLineRequest,
    Room,
    RoomFormat,
    RoomLine,
)
from shared.models.safety import CrisisResources
from shared.rooms import lifecycle
from shared.rooms.config import RoomSettings
from shared.rooms.host import HOLD_LINE, Trigger, host_request, stream_reply, trigger_for
from shared.rooms.lifecycle import RoomChange
from shared.rooms.ports import GateVersion, RoomStore, SpeakerChanged, line_id_for
from shared.safety.escalation import ALERT_FROM
from shared.safety.levels import Screening
from shared.safety.resources import resources_for
from shared.safety.screen import screen_message

FALLBACK_HOST_LINE = "Sorry, I lost my train of thought there. Please carry on!"
SAFETY_CONTEXT_LINES = 4


@dataclass(frozen=True)
class Speaking:
    """What a caller's line is prepared from: the room, the caller's role in it and the caller's own newest
    lines, all read after the caller's gate was at `gate` (shared/rooms/ports.py)."""

    room: Room
    role: str
    spoken: tuple[RoomLine, ...]
    gate: GateVersion


class Speakers:
    """Per instance, what each caller's last line here was prepared from, with the line added: the next
    line reuses it without a read, on the condition its write checks (the gate has not moved). Once the
    gate has moved, the copy is only a hint of the caller's role, which lets the context query start
    beside the room read (never an authority: RoomTalk._speaker_and_context). Bounded like the other
    per-instance caches."""

    LIMIT = 10_000

    def __init__(self) -> None:
        self._known: dict[tuple[str, str], tuple[Speaking, bool]] = {}
        self._lock = threading.Lock()

    def current(self, room_id: str, uid: str) -> Speaking | None:
        with self._lock:
            known = self._known.get((room_id, uid))
        return known[0] if known is not None and known[1] else None

    def role_hint(self, room_id: str, uid: str) -> str | None:
        with self._lock:
            known = self._known.get((room_id, uid))
        return known[0].role if known is not None else None

    def keep(self, room_id: str, uid: str, speaking: Speaking) -> None:
        with self._lock:
            if len(self._known) >= self.LIMIT:
                self._known.clear()
            self._known[(room_id, uid)] = (speaking, True)

    def outdated(self, room_id: str, uid: str) -> None:
        with self._lock:
            known = self._known.get((room_id, uid))
            if known is not None:
                self._known[(room_id, uid)] = (known[0], False)


@dataclass(frozen=True)
class LineResult:
    line: RoomLine
    reply: RoomLine | None
    referral: CrisisResources | None


class RoomTalk:
    """The lifecycle half (RoomService) provides the reads and changes declared below."""

    store: RoomStore
    provider: AiProvider
    settings: RoomSettings
    clock: Callable[[], datetime]
    monotonic: Callable[[], float]
    stream_interval_s: float
    ai_timeout_s: float
    default_locale: str

    if TYPE_CHECKING:  # provided by RoomService (service.py); declared for the type checker only
        speakers: Speakers

        def get(self, *, uid: str, room_id: str, is_admin: bool = False) -> Room: ...

        @staticmethod
        def visible(room: Room | None, *, uid: str, is_admin: bool = False) -> Room: ...

        def format_of(self, room: Room) -> RoomFormat: ...

        def _change(self, room_id: str, apply: Callable[[Room], RoomChange | None]) -> Room: ...

        def advance_index(self, *, room_id: str, from_index: int, actor: str) -> Room: ...

    # -- the transcript ----------------------------------------------------------------------

    def post_line(self, *, uid: str, room_id: str, request: PostLineRequest) -> LineResult:
        """The line is stored on the condition that the caller's gate has not moved since what it was
        prepared from was read: prepared from this instance's last line by the caller when there is one
        (no read), else, or once the gate has moved, from fresh reads."""
        for fresh in (False, True, True):
            speaking = self._speaking(uid=uid, room_id=room_id, fresh=fresh)
            try:
                return self._post_line(speaking, uid=uid, room_id=room_id, request=request)
            except SpeakerChanged:
                self.speakers.outdated(room_id, uid)
        raise Conflict(
            "The room changed while the line was being stored; retry.", headers={"Retry-After": "1"}
        )

    def _speaking(self, *, uid: str, room_id: str, fresh: bool) -> Speaking:
        known = None if fresh else self.speakers.current(room_id, uid)
        if known is not None:
            return known
        gate = self.store.speaker_gate(room_id, uid)  # before the reads it vouches for
        room, role, spoken = self._speaker_and_context(uid=uid, room_id=room_id)
        return Speaking(room=room, role=role, spoken=tuple(spoken), gate=gate)

    def _post_line(
        self, speaking: Speaking, *, uid: str, room_id: str, request: PostLineRequest
    ) -> LineResult:
        room, role, spoken = speaking.room, speaking.role, speaking.spoken
        now = self.clock()
        line_id = line_id_for(room_id, uid, request.client_line_id)
        # Screened in the speaker's own context only: another guest's words never raise this one's level,
        # and however many guests spoke since, the speaker's last lines are all there (a retry's own
        # stored line is not its context).
        own = [line.content for line in spoken if line.id != line_id][-SAFETY_CONTEXT_LINES:]
        screening = screen_message(request.content, recent_user_messages=own)
        line = RoomLine(
            id=line_id,
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
        existing, gate = self.store.create_speaker_line(line, uid=uid, gate=speaking.gate)
        stored = existing or line
        if existing is None:
            self.store.request_flush(room_id)
            spoken = (*spoken, line)[-(SAFETY_CONTEXT_LINES + 1) :]
        self.speakers.keep(room_id, uid, Speaking(room=room, role=role, spoken=spoken, gate=gate))
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
        # The line may have been prepared from this instance's copy of the room, whose lifecycle the write
        # verified but whose rolling summary (the flush's) may be older: the host's prompt reads it anew.
        current = self.store.load(room_id) or room
        reply = self._host_line(current, trigger=trigger, line_id=f"{stored.id}-r", reply_to=stored.id)
        return LineResult(line=stored, reply=reply, referral=None)

    def _speaker_and_context(self, *, uid: str, room_id: str) -> tuple[Room, str, list[RoomLine]]:
        """The room as it is now, the caller's role in it, and the caller's own newest lines.

        The role comes from this fresh read of the room, never from the hint: the hint (the role this
        caller had at their last line here) only lets the context query start at the same time as the
        room read. A context fetched for a role the room does not confirm is thrown away and fetched
        again, so a wrong or stale hint costs a query, never a wrong context."""
        limit = SAFETY_CONTEXT_LINES + 1
        hint = self.speakers.role_hint(room_id, uid)
        spoken: list[RoomLine]
        if hint is None:
            room, spoken = self.get(uid=uid, room_id=room_id), []
        else:
            loaded, spoken = self.store.load_with_speaker_lines(room_id, hint, limit)
            room = self.visible(loaded, uid=uid)
        role = lifecycle.speaker_role(room, uid)
        if role != hint:  # no hint, or one the room does not confirm
            spoken = self.store.speaker_lines(room_id, role, limit)
        return room, role, spoken

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
            summary=room.summary,
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
