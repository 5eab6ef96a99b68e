"""Firestore reads and writes of the user's own data: state, history, live sessions, export; admin counts.

Every read is bounded (the limits below); the erase lives in `backend.store.erasure`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from backend.store.documents import EVENTS, SESSIONS, USERS, from_document, to_document
from backend.store.preferences import memory_enabled
from backend.store.room_export import export_rooms
from backend.store.writes import LEDGER
from shared.clock import utcnow
from shared.models.credits import LedgerEntry
from shared.models.messages import SYSTEM_SPEAKER, Message
from shared.models.sessions import Session, SessionEvent
from shared.models.userdata import (
    AdminStatsResponse,
    ExportedSession,
    ExportedUser,
    ExportLimits,
    HistoryMessage,
    ProfileCounts,
    ProfileLimits,
    ProfilePreferences,
    UserExport,
    UserProfileResponse,
    UserState,
    UserStateRequest,
)
from shared.models.users import UserDocument

if TYPE_CHECKING:
    from google.cloud.firestore import Client, DocumentReference

PRIVATE = "private"
STATE = "state"
MESSAGES = "messages"
MEMORIES = "memories"
NOTIFICATIONS = "notifications"
LIVE_STATUSES = ("active", "paused")

# GET /user/profile: the newest messages of the user's newest sessions.
HISTORY_SESSIONS = 20
HISTORY_MESSAGES = 100


@dataclass(frozen=True)
class ExportBounds:
    """GET /user/export reads at most this much (about 16,000 documents, a few MB of JSON at most)."""

    sessions: int = 200
    messages: int = 5000
    events: int = 5000
    notifications: int = 500
    ledger: int = 1000
    memories: int = 200
    rooms: int = 100
    room_lines: int = 5000


def _count(query: Any) -> int:
    return int(query.count().get()[0][0].value)


# -- state ---------------------------------------------------------------------------------------


def _state_ref(db: Client, uid: str) -> DocumentReference:
    ref: DocumentReference = db.collection(USERS).document(uid).collection(PRIVATE).document(STATE)
    return ref


def read_state(db: Client, uid: str) -> UserState:
    """The stored state, or the defaults (all empty) when it was never set."""
    snapshot = _state_ref(db, uid).get()
    return from_document(UserState, snapshot.to_dict()) if snapshot.exists else UserState()


def replace_state(db: Client, uid: str, request: UserStateRequest) -> UserState:
    """Replace the whole state document (one write; a field left out of the request is cleared)."""
    state = UserState(
        language=request.language,
        conversation_context=request.conversation_context,
        active_session_id=request.active_session_id,
        updated_at=utcnow(),
    )
    _state_ref(db, uid).set(to_document(state))  # set without merge: the document is replaced
    return state


# -- history -------------------------------------------------------------------------------------


def profile(
    db: Client, uid: str, *, sessions_limit: int = HISTORY_SESSIONS, messages_limit: int = HISTORY_MESSAGES
) -> UserProfileResponse:
    """The newest `messages_limit` messages over the user's newest `sessions_limit` sessions, oldest first.

    Messages carry no userId, so this walks the sessions (newest created first) and reads each one's
    messages newest first until it has `messages_limit`: at most 2 + sessions_limit + messages_limit
    document reads (+1 per 1000 sessions for the count). Sessions that overlap in time (two devices)
    are visited by creation time, so an older session's later messages can be left out once the limit
    is reached.
    """
    from google.cloud.firestore import FieldFilter, Query

    mine = db.collection(SESSIONS).where(filter=FieldFilter("userId", "==", uid))
    sessions = mine.order_by("createdAt", direction=Query.DESCENDING).select([]).limit(sessions_limit).get()
    found: list[HistoryMessage] = []
    for session in sessions:
        remaining = messages_limit - len(found)
        if remaining <= 0:
            break
        newest = (
            session.reference.collection(MESSAGES)
            .order_by("createdAt", direction=Query.DESCENDING)
            .limit(remaining)
            .get()
        )
        for doc in newest:
            message = from_document(Message, doc.to_dict(), id=doc.id)
            if message.speaker == SYSTEM_SPEAKER:
                continue  # the backend's notices are not the conversation the app resumes from
            found.append(
                HistoryMessage(
                    id=message.id,
                    session_id=message.session_id,
                    speaker=message.speaker,
                    type=message.type,
                    status=message.status,
                    content=message.content,
                    created_at=message.created_at,
                )
            )
    found.sort(key=lambda m: (m.created_at, m.id))
    return UserProfileResponse(
        messages=found,
        preferences=ProfilePreferences(
            language=read_state(db, uid).language, memory_enabled=memory_enabled(db, uid)
        ),
        counts=ProfileCounts(sessions=_count(mine), messages=len(found)),
        limits=ProfileLimits(sessions_read=sessions_limit, messages=messages_limit),
    )


# -- live sessions, stats ------------------------------------------------------------------------


def live_sessions(db: Client, uid: str) -> list[Session]:
    """Every live session in `users/{uid}.liveSessionIds` (1 + n reads), in that order."""
    snapshot = db.collection(USERS).document(uid).get()
    if not snapshot.exists:
        return []
    ids = from_document(UserDocument, snapshot.to_dict()).live_session_ids
    if not ids:
        return []
    by_id = {
        snap.id: from_document(Session, snap.to_dict(), id=snap.id)
        for snap in db.get_all([db.collection(SESSIONS).document(sid) for sid in ids])
        if snap.exists
    }
    return [
        by_id[sid]
        for sid in ids
        if sid in by_id and by_id[sid].user_id == uid and by_id[sid].status.value in LIVE_STATUSES
    ]


def admin_stats(db: Client) -> AdminStatsResponse:
    """Three count aggregations (1 billed read per 1000 index entries each, no documents read).

    activeUsers counts `users` documents whose `liveSessionIds` is not empty (the same slot list the
    lifecycle keeps in the transaction that starts and ends sessions), not distinct session owners.
    """
    from google.cloud.firestore import FieldFilter

    users = db.collection(USERS)
    return AdminStatsResponse(
        active_users=_count(users.where(filter=FieldFilter("liveSessionIds", "!=", []))),
        active_sessions=_count(
            db.collection(SESSIONS).where(filter=FieldFilter("status", "in", list(LIVE_STATUSES)))
        ),
        total_profiles=_count(users),
    )


# -- export --------------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    """A Firestore value as JSON-ready data (datetimes stay datetimes; the model serialises them)."""
    if value is None or isinstance(value, str | int | float | bool | datetime):
        return value
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return str(value)


def _limited(query: Any, limit: int) -> tuple[list[Any], bool]:
    """At most `limit` documents, and whether there were more."""
    docs = list(query.limit(limit + 1).get())
    return docs[:limit], len(docs) > limit


def export_user(db: Client, uid: str, bounds: ExportBounds | None = None) -> UserExport:
    """Everything of the user as one document (newest first where bounded; see `ExportBounds`).

    Memories are exported without their `embedding` vector (derived from the messages, which are
    exported; 384 numbers each). Idempotency records (cached responses, gone within a day) and the
    rate-limit counters (keyed by a hash, gone within minutes) are not exported.
    """
    from google.cloud.firestore import FieldFilter, Query

    bounds = bounds or ExportBounds()
    user_ref = db.collection(USERS).document(uid)
    user_snapshot = user_ref.get()
    user: ExportedUser | None = None
    if user_snapshot.exists:
        stored = from_document(UserDocument, user_snapshot.to_dict())
        user = ExportedUser(
            credits=stored.credits,
            live_session_ids=stored.live_session_ids,
            trusted_contacts=[c.model_copy(update={"fcm_token": None}) for c in stored.trusted_contacts],
            fcm_token_present=stored.fcm_token is not None,
            email=stored.email,
            display_name=stored.display_name,
            sessions_started=stored.sessions_started,
            memory_enabled=stored.memory_enabled,
            created_at=stored.created_at,
            updated_at=stored.updated_at,
        )
    newest = Query.DESCENDING
    session_docs, truncated = _limited(
        db.collection(SESSIONS)
        .where(filter=FieldFilter("userId", "==", uid))
        .order_by("createdAt", direction=newest),
        bounds.sessions,
    )
    sessions: list[ExportedSession] = []
    messages_left, events_left = bounds.messages, bounds.events
    for doc in session_docs:
        message_docs, more_messages = _limited(
            doc.reference.collection(MESSAGES).order_by("createdAt"), messages_left
        )
        event_docs, more_events = _limited(doc.reference.collection(EVENTS).order_by("at"), events_left)
        truncated = truncated or more_messages or more_events
        messages_left -= len(message_docs)
        events_left -= len(event_docs)
        sessions.append(
            ExportedSession(
                session=from_document(Session, doc.to_dict(), id=doc.id),
                messages=[from_document(Message, m.to_dict(), id=m.id) for m in message_docs],
                events=[from_document(SessionEvent, e.to_dict()) for e in event_docs],
            )
        )
    memory_docs, more = _limited(
        db.collection(MEMORIES).where(filter=FieldFilter("userId", "==", uid)), bounds.memories
    )
    truncated = truncated or more
    memories = [
        {"id": m.id, **{k: _plain(v) for k, v in (m.to_dict() or {}).items() if k != "embedding"}}
        for m in memory_docs
    ]
    note_docs, more = _limited(
        user_ref.collection(NOTIFICATIONS).order_by("createdAt", direction=newest), bounds.notifications
    )
    truncated = truncated or more
    ledger_docs, more = _limited(user_ref.collection(LEDGER).order_by("at", direction=newest), bounds.ledger)
    truncated = truncated or more
    rooms, more = export_rooms(db, uid, rooms=bounds.rooms, lines=bounds.room_lines)
    truncated = truncated or more
    return UserExport(
        user_id=uid,
        user=user,
        state=read_state(db, uid),
        sessions=sessions,
        memories=memories,
        notifications=[{"id": n.id, **_plain(n.to_dict() or {})} for n in note_docs],
        ledger=[from_document(LedgerEntry, e.to_dict()) for e in ledger_docs],
        rooms=rooms,
        truncated=truncated,
        limits=ExportLimits(**vars(bounds)),
    )
