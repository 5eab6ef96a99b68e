"""Session documents and the bodies of the session endpoints."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from typing import Annotated, Literal
from zoneinfo import available_timezones

from pydantic import AwareDatetime, Field, StringConstraints, field_validator
from pydantic.config import JsonDict

from shared.models.base import ApiModel, Pagination
from shared.models.ids import is_reserved_name
from shared.models.safety import CrisisResources, SessionReferral
from shared.models.vocabulary import SafetyLevel, SessionStatus

MetadataValue = str | int | float | bool | None
MAX_METADATA_KEYS = 20
MAX_METADATA_KEY_LENGTH = 64
MAX_METADATA_STRING_LENGTH = 500

Duration = Literal[15, 30, 45, 60]
Mode = Literal["chat", "voice", "video"]
EndReason = Literal["completed", "user_ended", "emergency", "timeout"]
# Reasons the backend ends a session by itself (timers and the idle sweep), besides "timeout".
SystemEndReason = Literal["out_of_credits", "timeout", "idle"]
MemoryStatus = Literal["pending", "ready", "failed"]
ShortText = Annotated[str, StringConstraints(min_length=1, max_length=64)]


def scalar_map_schema(
    *, max_keys: int, key: JsonDict, max_string: int, min_int: int, max_int: int
) -> JsonDict:
    """JSON schema of a flat map of scalars, as strict as its validator: documented limits and the
    same numbers (integers in range; other numbers non-integral, since an integer out of range is
    refused, not turned into a float)."""
    return {
        "maxProperties": max_keys,
        "propertyNames": key,
        "additionalProperties": {
            "anyOf": [
                {"type": "string", "maxLength": max_string},
                {"type": "integer", "minimum": min_int, "maximum": max_int},
                {"type": "number", "not": {"type": "integer"}},
                {"type": "boolean"},
                {"type": "null"},
            ]
        },
    }


METADATA_SCHEMA = scalar_map_schema(
    max_keys=MAX_METADATA_KEYS,
    key={"minLength": 1, "maxLength": MAX_METADATA_KEY_LENGTH, "pattern": "^(?!__[\\s\\S]*__$)"},
    max_string=MAX_METADATA_STRING_LENGTH,
    min_int=-(2**63),
    max_int=2**63 - 1,
)


def _check_metadata(value: dict[str, MetadataValue]) -> dict[str, MetadataValue]:
    if len(value) > MAX_METADATA_KEYS:
        raise ValueError(f"at most {MAX_METADATA_KEYS} metadata keys")
    for key, item in value.items():
        if not key or len(key) > MAX_METADATA_KEY_LENGTH:
            raise ValueError(f"metadata keys must be 1-{MAX_METADATA_KEY_LENGTH} characters")
        if is_reserved_name(key):
            raise ValueError("metadata keys of the form __name__ are reserved")
        if isinstance(item, str) and len(item) > MAX_METADATA_STRING_LENGTH:
            raise ValueError(f"metadata strings must be at most {MAX_METADATA_STRING_LENGTH} characters")
    return value


UserEmail = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, to_lower=True, max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
    ),
]
UserName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]


class StartSessionRequest(ApiModel):
    avatar: ShortText
    voice_id: ShortText | None = None
    duration: Duration
    mode: Mode = "chat"
    session_type: Literal["instant"] = "instant"
    metadata: dict[str, MetadataValue] = Field(default_factory=dict, json_schema_extra=METADATA_SCHEMA)
    # Apps that know their users by email, without Firebase accounts: a trusted server call (an admin
    # token) names the user, and the backend finds or creates them (docs/memory.md, returning users).
    user_email: UserEmail | None = None
    user_name: UserName | None = None

    _metadata = field_validator("metadata")(_check_metadata)


@lru_cache(maxsize=1)
def _zones() -> frozenset[str]:
    return frozenset(available_timezones())


def _zone_schema(schema: JsonDict) -> None:
    """The zones the validator accepts, listed (IANA names; the list is the installed tz database)."""
    options = schema.get("anyOf")
    for option in options if isinstance(options, list) else []:
        if isinstance(option, dict) and option.get("type") == "string":
            option["enum"] = list(sorted(_zones()))


def _check_timezone(value: str | None) -> str | None:
    if value is not None and value not in _zones():
        raise ValueError("timezone must be an IANA time zone name such as Europe/Berlin")
    return value


class ScheduleSessionRequest(ApiModel):
    """A session for later: `pending` until started, reminded before, `missed` if never started."""

    avatar: ShortText
    voice_id: ShortText | None = None
    # With an explicit offset ("2030-01-02T15:00:00Z" or "+01:00"): a naive time is ambiguous.
    scheduled_at: AwareDatetime
    duration: Duration
    mode: Mode = "chat"
    reminder: bool = True
    # The user's IANA zone, used to word reminders in local time; the instant is scheduledAt itself.
    timezone: ShortText | None = Field(default=None, json_schema_extra=_zone_schema)
    metadata: dict[str, MetadataValue] = Field(default_factory=dict, json_schema_extra=METADATA_SCHEMA)

    _metadata = field_validator("metadata")(_check_metadata)
    _timezone = field_validator("timezone")(_check_timezone)


class RescheduleRequest(ApiModel):
    scheduled_at: AwareDatetime


class EndSessionRequest(ApiModel):
    reason: EndReason = "user_ended"
    user_rating: int | None = Field(default=None, ge=1, le=5)


class SessionPaths(ApiModel):
    """Firestore paths a client listens to instead of a socket."""

    session: str
    events: str
    messages: str


class SessionWarning(ApiModel):
    """Shown to the user while it is set (see docs/realtime.md, `session_warning`)."""

    type: Literal["low_credits"]
    message: str


class Session(ApiModel):
    """The `sessions/{id}` document (stored without `id`) and the API's session object."""

    id: str
    user_id: str
    avatar: str
    voice_id: str | None = None
    mode: Mode
    session_type: Literal["instant", "scheduled"]
    status: SessionStatus
    planned_duration: int
    created_at: datetime
    updated_at: datetime
    started_at: datetime | None = None
    paused_at: datetime | None = None
    ended_at: datetime | None = None
    last_seen_at: datetime | None = None
    end_reason: str | None = None
    user_rating: int | None = None
    paused_seconds: float = 0.0
    credits_before: int | None = None
    credits_remaining: int
    message_count: int = 0
    metadata: dict[str, MetadataValue] = Field(default_factory=dict)
    paths: SessionPaths
    # Live conversation aggregates, written at most about once per second (see docs/realtime.md).
    ai_typing: bool = False
    last_message_at: datetime | None = None
    ai_response_time_avg: float | None = None
    tokens_used: int = 0
    stats_updated_at: datetime | None = None
    # Active time (started to ended, less paused time), set when the session ends.
    duration_seconds: float | None = None
    # Metering (docs/credits-and-scheduling.md): credits charged so far (1 per started active minute),
    # the balance before the start and after the end, the minute length in force when it started, the
    # live warning, and the generation of the session's timers (a timer task of an older one no-ops).
    credits_used: int = 0
    credits_after: int | None = None
    credit_minute_seconds: float = 60.0
    warning: SessionWarning | None = None
    timer_generation: int = 0
    # Scheduled sessions: when, the user's zone (reminder wording), whether to remind, and a counter
    # of reschedules (part of the reminder task ids, so an old reminder never fires for a new time).
    scheduled_at: datetime | None = None
    timezone: str | None = None
    reminder: bool = False
    schedule_revision: int = 0
    # Memory (docs/memory.md): set `pending` when a live session ends, then `ready` (or `failed`) by the
    # `session_memory` function, which also copies the memory's text fields here.
    returning_user: bool = False
    memory_status: MemoryStatus | None = None
    summary: str | None = None
    key_topics: list[str] = Field(default_factory=list)
    detected_emotions: list[str] = Field(default_factory=list)
    next_steps: list[str] = Field(default_factory=list)
    memory_model: str | None = None
    memory_ready_at: datetime | None = None
    # What the first reply recalled from earlier sessions (None: not asked yet; kept for the rest of the
    # session's turns), and the rolling summary of the turns older than the reply context window:
    # `rollingSummaryThrough` messages, the last of them created at `rollingSummaryUntil`.
    recalled_memory: list[str] | None = None
    rolling_summary: str | None = None
    rolling_summary_through: int = 0
    rolling_summary_until: datetime | None = None
    # Safety (docs/safety.md): the level never drops by itself within a session.
    safety_state: SafetyLevel = SafetyLevel.NORMAL
    highest_safety_state: SafetyLevel = SafetyLevel.NORMAL
    safety_events_count: int = 0
    crisis_alert_triggered: bool = False
    # The screen's context window starts after an admin's clear, so old disclosures don't re-raise it.
    safety_cleared_at: datetime | None = None
    crisis_resources: CrisisResources | None = None
    # The referral protocol (docs/safety.md): set once a message called for one; the client shows it
    # with `crisisResources` for the rest of the session.
    referral: SessionReferral | None = None


class SessionEvent(ApiModel):
    """A row of `sessions/{id}/events`: the audit log of every status change."""

    type: str
    at: datetime
    actor: str
    from_status: SessionStatus | None = None
    to_status: SessionStatus | None = None
    data: dict[str, MetadataValue] = Field(default_factory=dict)


class SessionResponse(ApiModel):
    success: bool = True
    session: Session


class StartSessionResponse(ApiModel):
    success: bool = True
    # Whether the user had sessions before this one (their past memories inform its first reply).
    status: Literal["created", "returning_user"]
    session: Session


class ActiveSessionResponse(ApiModel):
    success: bool = True
    session: Session | None
    elapsed_time: float | None = Field(
        default=None, ge=0, description="Active seconds of the live session so far (pauses excluded)."
    )


class UpcomingSessionsResponse(ApiModel):
    success: bool = True
    sessions: list[Session]


class SessionListResponse(ApiModel):
    success: bool = True
    sessions: list[Session]
    pagination: Pagination


class HeartbeatResponse(ApiModel):
    success: bool = True
    session_id: str
    last_seen_at: datetime


class ListSessionsQuery(ApiModel):
    page: int = Field(default=1, ge=1, le=10_000)
    limit: int = Field(default=20, ge=1, le=100)
    status: SessionStatus | None = None
