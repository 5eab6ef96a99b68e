"""The user's own data: state, history, live sessions, export and erase; the admin's usage counts.

`users/{uid}/private/state` is described by `UserStateDocument`; everything else here is a body.
"""

from __future__ import annotations

import json
import math
from datetime import datetime
from typing import Annotated, Any

from pydantic import Field, StringConstraints, field_validator

from shared.models.base import ApiModel
from shared.models.credits import LedgerEntry
from shared.models.ids import is_reserved_name
from shared.models.messages import Message, MessageStatus, MessageType
from shared.models.rooms import RoomLine, RoomPrivate, RoomStatus
from shared.models.safety import TrustedContact
from shared.models.sessions import Session, SessionEvent, scalar_map_schema
from shared.models.users import Credits

# -- state ---------------------------------------------------------------------------------------

MAX_LANGUAGE_LENGTH = 35
MAX_CONTEXT_KEYS = 50
MAX_CONTEXT_KEY_LENGTH = 64
MAX_CONTEXT_STRING_LENGTH = 1000
MAX_CONTEXT_BYTES = 8 * 1024
MAX_CONTEXT_INT = 2**53  # what JSON clients (JavaScript numbers) read back exactly

# A BCP-47 tag such as "en", "en-US", "zh-Hant-TW" or "sr-Latn-RS" (shape only, no registry lookup).
Language = Annotated[
    str, StringConstraints(max_length=MAX_LANGUAGE_LENGTH, pattern=r"^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$")
]
ContextKey = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,64}$")]
ContextValue = bool | int | float | str | None
SessionId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,128}$")]


def _check_context(value: dict[str, ContextValue]) -> dict[str, ContextValue]:
    if len(value) > MAX_CONTEXT_KEYS:
        raise ValueError(f"at most {MAX_CONTEXT_KEYS} conversationContext keys")
    if any(is_reserved_name(key) for key in value):
        raise ValueError("conversationContext keys of the form __name__ are reserved")
    for item in value.values():
        if isinstance(item, str) and len(item) > MAX_CONTEXT_STRING_LENGTH:
            raise ValueError(
                f"conversationContext strings must be at most {MAX_CONTEXT_STRING_LENGTH} characters"
            )
        if isinstance(item, float) and not math.isfinite(item):
            raise ValueError("conversationContext numbers must be finite")
        if isinstance(item, int) and not isinstance(item, bool) and abs(item) > MAX_CONTEXT_INT:
            raise ValueError("conversationContext integers must be within ±2^53")
    size = len(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode())
    if size > MAX_CONTEXT_BYTES:
        raise ValueError(f"conversationContext must be at most {MAX_CONTEXT_BYTES} bytes as JSON")
    return value


class UserStateRequest(ApiModel):
    """`PUT /user/state`: the WHOLE state. A field left out is cleared (null / empty), never merged."""

    language: Language | None = None
    conversation_context: dict[ContextKey, ContextValue] = Field(
        default_factory=dict,
        json_schema_extra=scalar_map_schema(
            max_keys=MAX_CONTEXT_KEYS,
            key={"pattern": r"^(?!__[A-Za-z0-9_-]*__$)[A-Za-z0-9_-]{1,64}$"},
            max_string=MAX_CONTEXT_STRING_LENGTH,
            min_int=-MAX_CONTEXT_INT,
            max_int=MAX_CONTEXT_INT,
        ),
        description=(
            f"Flat object: keys [A-Za-z0-9_-]{{1,{MAX_CONTEXT_KEY_LENGTH}}}, values string (at most "
            f"{MAX_CONTEXT_STRING_LENGTH} characters), number, boolean or null; at most {MAX_CONTEXT_KEYS} "
            f"keys and {MAX_CONTEXT_BYTES} bytes."
        ),
    )
    active_session_id: SessionId | None = Field(
        default=None, description="The app's own pointer; not checked against the sessions."
    )

    _context = field_validator("conversation_context")(_check_context)


class UserState(ApiModel):
    """The `users/{uid}/private/state` document and the API's state object (defaults when never set)."""

    language: str | None = None
    conversation_context: dict[str, ContextValue] = Field(default_factory=dict)
    active_session_id: str | None = None
    updated_at: datetime | None = None


class UserStateResponse(ApiModel):
    success: bool = True
    state: UserState


# -- history (profile) ---------------------------------------------------------------------------


class HistoryMessage(ApiModel):
    id: str
    session_id: str
    speaker: str
    type: MessageType
    status: MessageStatus
    content: str
    created_at: datetime


class ProfilePreferences(ApiModel):
    language: str | None = None
    memory_enabled: bool = Field(default=True, description="See `PUT /user/preferences`.")


class ProfileCounts(ApiModel):
    sessions: int = Field(description="All of the user's sessions (any status).")
    messages: int = Field(description="Messages in this response.")


class ProfileLimits(ApiModel):
    sessions_read: int = Field(description="At most this many of the newest sessions are read.")
    messages: int = Field(description="At most this many messages are returned.")


class UserProfileResponse(ApiModel):
    """The caller's recent conversation history across sessions, oldest first (newest last)."""

    success: bool = True
    messages: list[HistoryMessage]
    preferences: ProfilePreferences
    counts: ProfileCounts
    limits: ProfileLimits


# -- live sessions, admin stats -----------------------------------------------------------------


class LiveSessionsResponse(ApiModel):
    """Every live (active or paused) session of the caller, across devices."""

    success: bool = True
    sessions: list[Session]


class AdminStatsResponse(ApiModel):
    success: bool = True
    active_users: int = Field(description="Users documents with a non-empty liveSessionIds.")
    active_sessions: int = Field(description="Sessions with status active or paused.")
    total_profiles: int = Field(description="All users documents (created by a user's first change).")


# -- erase ---------------------------------------------------------------------------------------


class ErasedCounts(ApiModel):
    """Documents deleted, by kind."""

    users: int = 0
    sessions: int = 0
    messages: int = 0
    events: int = 0
    memories: int = 0
    memory_items: int = Field(default=0, description="Memory items (searchable parts of past sessions).")
    memory_index: int = Field(
        default=0, description="The user's memory search statistics and per-session index records."
    )
    notifications: int = 0
    ledger: int = 0
    idempotency_keys: int = 0
    state: int = 0
    safety_assessments: int = 0
    contact_notifications: int = Field(
        default=0, description="Queued trusted-contact notifications (the outbox) of the user's alerts."
    )
    contact_invites: int = Field(
        default=0, description="Trusted-contact invitations the user sent or received."
    )
    room_lines: int = Field(default=0, description="The user's own lines in the rooms the user sat in.")
    room_private: int = Field(default=0, description="The user's private (safety) documents of those rooms.")
    room_presence: int = Field(default=0, description="The user's presence documents of those rooms.")
    room_memberships: int = Field(default=0, description="The user's matchmaking record (`roomMembers`).")
    rooms_anonymised: int = Field(
        default=0,
        description=(
            "Rooms kept for the other participants with the user replaced by a random token "
            "(rewritten, not deleted; not in the total)."
        ),
    )
    room_events_anonymised: int = Field(
        default=0,
        description="Room events the user was the actor of, now naming the token (not in the total).",
    )
    room_shared_summaries_cleared: int = Field(
        default=0,
        description=(
            "Other participants' memories of those rooms whose shared summary (which held the user's "
            "lines) was removed (not in the total)."
        ),
    )
    other: dict[str, int] = Field(
        default_factory=dict, description="Documents of any other subcollection, by collection id."
    )

    def add(self, collection_id: str, count: int) -> None:
        name = _COUNTED.get(collection_id)
        if name is None:
            self.other[collection_id] = self.other.get(collection_id, 0) + count
        else:
            setattr(self, name, getattr(self, name) + count)

    def total(self) -> int:
        fields = (int(getattr(self, name)) for name in _COUNTED.values())
        return sum(fields) + sum(self.other.values())


_COUNTED = {
    "users": "users",
    "sessions": "sessions",
    "messages": "messages",
    "events": "events",
    "memories": "memories",
    "memoryItems": "memory_items",
    "memoryTermStats": "memory_index",
    "memoryItemSets": "memory_index",
    "notifications": "notifications",
    "ledger": "ledger",
    "idempotencyKeys": "idempotency_keys",
    "private": "state",
    "safetyAssessments": "safety_assessments",
    "trustedContactNotifications": "contact_notifications",
    "contactInvites": "contact_invites",
    # Kinds the erase names itself (not collection ids: a room's `private` is not `users/{uid}/private`).
    "roomLines": "room_lines",
    "roomPrivate": "room_private",
    "roomPresence": "room_presence",
    "roomMembers": "room_memberships",
}


class EraseResponse(ApiModel):
    success: bool = True
    deleted: ErasedCounts
    anonymised_alerts: int = Field(
        description="Crisis alerts kept for the yearly counts, with user, session and message removed."
    )
    anonymised_contact_alerts: int = Field(
        description="Trusted-contact alerts in other users' notifications, with the sender removed."
    )


# -- export --------------------------------------------------------------------------------------


class ExportedUser(ApiModel):
    credits: Credits
    live_session_ids: list[str] = Field(default_factory=list)
    trusted_contacts: list[TrustedContact] = Field(
        default_factory=list, description="Without the contacts' FCM tokens."
    )
    fcm_token_present: bool
    email: str | None = None
    display_name: str | None = None
    sessions_started: int = 0
    memory_enabled: bool = True
    created_at: datetime
    updated_at: datetime


class ExportedSession(ApiModel):
    session: Session
    messages: list[Message]
    events: list[SessionEvent]


class ExportedRoom(ApiModel):
    """A room the user sat in, as far as it is the user's: the user's role, seat times and own lines
    (not the other participants' ids or lines, nor the host's replies)."""

    room_id: str
    format: str
    status: RoomStatus
    role: str | None = Field(description="null: the user left the room before it started (no lines).")
    joined_at: datetime | None = None
    left_at: datetime | None = None
    created_at: datetime
    started_at: datetime | None = None
    ended_at: datetime | None = None
    lines: list[RoomLine] = Field(description="The user's own lines, oldest first.")
    private: RoomPrivate | None = Field(default=None, description="The user's safety state in the room.")


class ExportLimits(ApiModel):
    sessions: int
    messages: int
    events: int
    notifications: int
    ledger: int
    memories: int
    rooms: int
    room_lines: int


class UserExport(ApiModel):
    user_id: str
    user: ExportedUser | None = Field(description="null until the user's first change created the document.")
    state: UserState
    sessions: list[ExportedSession] = Field(description="Newest first.")
    memories: list[dict[str, Any]] = Field(description="memories/{sessionId} documents without `embedding`.")
    notifications: list[dict[str, Any]]
    ledger: list[LedgerEntry] = Field(description="Newest first.")
    rooms: list[ExportedRoom] = Field(
        default_factory=list, description="Rooms the user sat in, newest first."
    )
    truncated: bool = Field(description="True when a limit cut something off.")
    limits: ExportLimits


class UserExportResponse(ApiModel):
    success: bool = True
    export: UserExport
    exported_at: datetime
