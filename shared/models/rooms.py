"""Rooms (multi-party sessions with phases and an AI host): configuration, documents, request bodies.

Documents: `rooms/{roomId}` (Room), `rooms/{roomId}/lines/{lineId}` (RoomLine),
`rooms/{roomId}/events/{eventId}` (RoomEvent), `rooms/{roomId}/private/{uid}` (RoomPrivate, one
participant's own safety state and referral), `rooms/{roomId}/presence/{uid}` (client-written, see
firestore.rules). Only the server writes all but presence.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field, StringConstraints, model_validator

from shared.models.base import ApiModel
from shared.models.messages import MessageSafety
from shared.models.safety import CrisisResources
from shared.models.voice import InterruptionRecord, InterruptRequest

__all__ = ["InterruptRequest", "InterruptionRecord"]  # re-exported: room bodies use them

AGENT_ROLE = "AGENT"
SYSTEM_SPEAKER = "SYSTEM"
MAX_LINE_LENGTH = 4000
MAX_SEATS = 16

RoomStatus = Literal["waiting", "active", "ended"]
ParticipantState = Literal["present", "dropped", "left"]
LineType = Literal["transcript", "ai", "system"]
LineStatus = Literal["complete", "streaming", "failed"]
RoomEndReason = Literal["completed", "ended_by_participant", "ended_by_admin", "participants_left", "idle"]
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_-]{0,39}$")]
EventValue = str | int | float | bool | None


class HostConfig(ApiModel):
    """The AI host of a format (a participant with role AGENT)."""

    agent_id: Slug
    name: Annotated[str, StringConstraints(min_length=1, max_length=40)]
    persona: Annotated[str, StringConstraints(min_length=1, max_length=2000)]
    spiciness: int = Field(default=1, ge=0, le=3, description="0 tame .. 3 daring questions")


class PhaseConfig(ApiModel):
    id: Slug
    title: Annotated[str, StringConstraints(min_length=1, max_length=80)]
    duration_seconds: float | None = Field(
        default=None, gt=0, le=86400, description="None: the phase lasts until the host or an admin moves on"
    )
    host_instructions: Annotated[str, StringConstraints(min_length=1, max_length=2000)]


class RoomFormat(ApiModel):
    """One show format (shared/room_formats.json)."""

    id: Slug
    name: Annotated[str, StringConstraints(min_length=1, max_length=80)]
    description: str = ""
    seats: int = Field(ge=2, le=MAX_SEATS)
    phases: list[PhaseConfig] = Field(min_length=1, max_length=20)
    host: HostConfig
    # After a dropped participant's grace, the room ends when fewer than this many people are present.
    end_when_present_below: int = Field(default=1, ge=1, le=MAX_SEATS)

    @model_validator(mode="after")
    def _distinct_phases(self) -> RoomFormat:
        ids = [phase.id for phase in self.phases]
        if len(set(ids)) != len(ids):
            raise ValueError("phase ids must be distinct")
        return self


class Participant(ApiModel):
    uid: str
    role: str
    state: ParticipantState = "present"
    joined_at: datetime
    dropped_at: datetime | None = None
    grace_until: datetime | None = None
    left_at: datetime | None = None
    # Consent given on join (MatchRequest.remember), changeable until the end: only then does the room's
    # end leave this participant a memory (what they said plus the shared summary).
    remember: bool = False


class RoomHost(ApiModel):
    role: Literal["AGENT"] = "AGENT"
    agent_id: str
    name: str
    spiciness: int = Field(ge=0, le=3)


class RoomPaths(ApiModel):
    """Firestore paths a member listens to (seed 002's socket events, docs/realtime.md)."""

    room: str
    lines: str
    events: str
    presence: str
    private_prefix: str = Field(description="append the caller's uid: the caller's own safety document")


class Room(ApiModel):
    """`rooms/{roomId}`. `memberIds` (present and dropped-in-grace participants) is what the security
    rules check; a participant who left is no longer in it and reads nothing more. `participantIds`
    (everyone who ever took a seat, leavers included, in order of arrival) is what the user data
    erase and export query (`array_contains`): leavers are dropped from `memberIds` and, in a waiting
    room, from `participants` too."""

    id: str
    format: str
    status: RoomStatus
    seats: int = Field(ge=2, le=MAX_SEATS)
    participants: list[Participant]
    member_ids: list[str]
    participant_ids: list[str] = Field(default_factory=list)
    host: RoomHost
    phase: str | None = None
    phase_index: int = Field(default=-1, ge=-1, le=20)
    phase_started_at: datetime | None = None
    phase_ends_at: datetime | None = None
    show_paused: bool = Field(default=False, description="the host stopped show content (a safety hold)")
    created_at: datetime
    updated_at: datetime
    started_at: datetime | None = None
    ended_at: datetime | None = None
    end_reason: RoomEndReason | None = None
    created_by: str
    # Aggregates, written by the batched flush (at most about once a second), never by a line.
    line_count: int = Field(default=0, ge=0)
    last_activity_at: datetime | None = None
    # The rolling summary of the guests' lines that left the host's context (written with the aggregates),
    # then the final summary of the whole show once the room ended (`summaryFinal`). Lines screened at a
    # safety level above NORMAL are never in it: it is shared with every participant.
    summary: str | None = Field(default=None, max_length=4000)
    summary_through: int = Field(default=0, ge=0, description="lines (oldest first) folded into the summary")
    summary_final: bool = False
    paths: RoomPaths

    @model_validator(mode="after")
    def _everyone_seated_is_listed(self) -> Room:
        """A room stored before `participantIds` existed gets it on its next read (validators do not run
        on `model_copy`: the lifecycle keeps it itself, see shared/rooms/lifecycle.py)."""
        missing = [p.uid for p in self.participants if p.uid not in self.participant_ids]
        if missing:
            self.participant_ids = [*self.participant_ids, *missing]
        return self

    def participant(self, uid: str) -> Participant | None:
        return next((p for p in self.participants if p.uid == uid), None)

    def role_of(self, uid: str) -> str | None:
        found = self.participant(uid)
        return found.role if found is not None and found.state != "left" else None


class RoomLine(ApiModel):
    """`rooms/{roomId}/lines/{lineId}`: a participant's ASR line, a host reply, or a system line."""

    id: str
    room_id: str
    speaker: str
    type: LineType
    content: str
    status: LineStatus = "complete"
    created_at: datetime
    updated_at: datetime
    phase: str | None = None
    client_line_id: str | None = None
    reply_to: str | None = None
    ai_model: str | None = None
    safety: MessageSafety | None = None
    failure_reason: str | None = None
    interruption: InterruptionRecord | None = None


class RoomEvent(ApiModel):
    """`rooms/{roomId}/events/{id}`: room.created, participant.joined|dropped|rejoined|left, room.started,
    phase_changed, show.paused, room.ended. Never names a participant's safety state."""

    type: str
    at: datetime
    actor: str
    data: dict[str, EventValue] = Field(default_factory=dict)


class RoomPrivate(ApiModel):
    """`rooms/{roomId}/private/{uid}`: only that participant (and admins) read it."""

    uid: str
    role: str
    safety_state: str = "NORMAL"
    crisis_resources: CrisisResources | None = None
    crisis_reply: str | None = None
    updated_at: datetime


# -- request and response bodies -----------------------------------------------------------------


class MatchRequest(ApiModel):
    format: Slug = "dating-show"
    remember: bool = Field(
        default=False,
        description="consent to a memory of this room (what you said plus the shared summary); off by default",
    )


class MemoryConsentRequest(ApiModel):
    remember: bool = Field(description="keep (true) or withdraw (false) consent to a memory of this room")


class RoomResponse(ApiModel):
    success: bool = True
    room: Room
    role: str | None = Field(default=None, description="the caller's role (seed 002's session_info)")


class RoomFormatsResponse(ApiModel):
    success: bool = True
    formats: list[RoomFormat]
    default_format: str


class PostLineRequest(ApiModel):
    """No `speaker`: the server derives it from the caller's seat (an unknown field is refused)."""

    content: Annotated[str, StringConstraints(min_length=1, max_length=MAX_LINE_LENGTH)]
    client_line_id: Annotated[str, StringConstraints(min_length=1, max_length=128)]


class PostLineResponse(ApiModel):
    success: bool = True
    line: RoomLine
    reply: RoomLine | None = None
    referral: CrisisResources | None = Field(
        default=None, description="only in the answer to the participant whose line raised a crisis"
    )


class AdvancePhaseRequest(ApiModel):
    from_phase: Slug = Field(description="the phase the caller saw; nothing happens if it already moved on")


class LeaveRequest(ApiModel):
    final: bool = Field(default=False, description="leave for good now, without the grace period")


class LineResponse(ApiModel):
    success: bool = True
    line: RoomLine


class RoomListQuery(ApiModel):
    status: RoomStatus = "active"
    limit: int = Field(default=50, ge=1, le=200)


class RoomListResponse(ApiModel):
    success: bool = True
    rooms: list[Room]


class RoomStatsResponse(ApiModel):
    success: bool = True
    waiting_rooms: int
    active_rooms: int
    ended_rooms: int


class RoomTranscriptResponse(ApiModel):
    success: bool = True
    room_id: str
    lines: list[RoomLine]


class ActivityLogQuery(ApiModel):
    since: datetime
    until: datetime

    @model_validator(mode="after")
    def _ordered(self) -> ActivityLogQuery:
        if self.since.tzinfo is None or self.until.tzinfo is None:
            raise ValueError("since and until need a time zone offset")
        if self.until <= self.since:
            raise ValueError("until must be after since")
        return self
