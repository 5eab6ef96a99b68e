"""The rooms part of `GET /user/export`: each room the user sat in (`participantIds` array-contains the
uid, newest first), with the user's role, own lines and private safety document. The other participants'
ids and lines and the host's replies are theirs, not the user's: they are not exported."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from backend.store.documents import from_document
from backend.store.room_documents import LINES, PRIVATE, ROOMS
from shared.models.rooms import Room, RoomLine, RoomPrivate
from shared.models.userdata import ExportedRoom
from shared.rooms import erasure

if TYPE_CHECKING:
    from google.cloud.firestore import Client


def _limited(query: Any, limit: int) -> tuple[list[Any], bool]:
    docs = list(query.limit(limit + 1).get())
    return docs[:limit], len(docs) > limit


def export_rooms(db: Client, uid: str, *, rooms: int, lines: int) -> tuple[list[ExportedRoom], bool]:
    """At most `rooms` rooms and `lines` lines in all; True when a limit cut something off."""
    from google.cloud.firestore import FieldFilter, Query

    room_docs, truncated = _limited(
        db.collection(ROOMS)
        .where(filter=FieldFilter("participantIds", "array_contains", uid))
        .order_by("createdAt", direction=Query.DESCENDING),
        rooms,
    )
    found = [from_document(Room, d.to_dict(), id=d.id) for d in room_docs]
    privates = {
        snap.reference.parent.parent.id: from_document(RoomPrivate, snap.to_dict())
        for snap in (db.get_all([db.document(ROOMS, r.id, PRIVATE, uid) for r in found]) if found else [])
        if snap.exists
    }
    exported: list[ExportedRoom] = []
    lines_left = lines
    for room in found:
        role = erasure.role_in(room, uid)
        mine: list[RoomLine] = []
        if role is not None:
            docs, more = _limited(
                db.collection(ROOMS, room.id, LINES)
                .where(filter=FieldFilter("speaker", "==", role))
                .order_by("createdAt"),
                lines_left,
            )
            truncated = truncated or more
            lines_left -= len(docs)
            mine = [from_document(RoomLine, d.to_dict(), id=d.id) for d in docs]
        person = room.participant(uid)
        exported.append(
            ExportedRoom(
                room_id=room.id,
                format=room.format,
                status=room.status,
                role=role,
                joined_at=person.joined_at if person else None,
                left_at=person.left_at if person else None,
                created_at=room.created_at,
                started_at=room.started_at,
                ended_at=room.ended_at,
                lines=mine,
                private=privates.get(room.id),
            )
        )
    return exported, truncated
