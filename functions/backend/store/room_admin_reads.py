"""Admin and ops reads of rooms on Firestore (lists, counts, the activity log's ranges, the idle sweep):
a mixin of FirestoreRoomStore."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Any

from backend.store.documents import from_document
from backend.store.room_documents import ROOM_EVENTS, ROOMS, line_from, room_from
from shared.models.rooms import Room, RoomEvent, RoomLine

if TYPE_CHECKING:
    from google.cloud.firestore import Client, DocumentReference


class FirestoreRoomAdminReads:
    db: Client

    if TYPE_CHECKING:  # provided by FirestoreRoomStore (rooms.py); declared for the type checker only

        def room_ref(self, room_id: str) -> DocumentReference: ...

        def lines(self, room_id: str) -> Any: ...

    def list_rooms(self, *, status: str | None, limit: int) -> list[Room]:
        from google.cloud.firestore import FieldFilter, Query

        query: Any = self.db.collection(ROOMS)
        if status is not None:
            query = query.where(filter=FieldFilter("status", "==", status))
        docs = query.order_by("createdAt", direction=Query.DESCENDING).limit(limit).get()
        return [room_from(d) for d in docs]

    def count(self, status: str) -> int:
        from google.cloud.firestore import FieldFilter

        query: Any = self.db.collection(ROOMS).where(filter=FieldFilter("status", "==", status))
        return int(query.count().get()[0][0].value)

    def all_lines(self, room_id: str, *, cap: int = 5000) -> list[RoomLine]:
        return [line_from(d) for d in self.lines(room_id).order_by("createdAt").limit(cap).get()]

    def events_between(self, room_id: str, since: datetime, until: datetime) -> Iterator[RoomEvent]:
        from google.cloud.firestore import FieldFilter

        query = (
            self.room_ref(room_id)
            .collection(ROOM_EVENTS)
            .where(filter=FieldFilter("at", ">=", since))
            .where(filter=FieldFilter("at", "<", until))
            .order_by("at")
            .order_by("__name__")
        )
        return (from_document(RoomEvent, d.to_dict()) for d in query.stream())

    def lines_between(self, room_id: str, since: datetime, until: datetime) -> Iterator[RoomLine]:
        from google.cloud.firestore import FieldFilter

        query = (
            self.lines(room_id)
            .where(filter=FieldFilter("createdAt", ">=", since))
            .where(filter=FieldFilter("createdAt", "<", until))
            .order_by("createdAt")
        )
        return (line_from(d) for d in query.stream())

    def rooms_overlapping(self, since: datetime, until: datetime, *, cap: int = 5000) -> list[Room]:
        """Rooms created before `until` that had not ended before `since`."""
        from google.cloud.firestore import FieldFilter

        docs = (
            self.db.collection(ROOMS)
            .where(filter=FieldFilter("createdAt", "<", until))
            .order_by("createdAt")
            .limit(cap)
            .get()
        )
        rooms = [room_from(d) for d in docs]
        return [r for r in rooms if r.ended_at is None or r.ended_at >= since]

    def idle_rooms(self, *, status: str, before: datetime, limit: int) -> list[Room]:
        from google.cloud.firestore import FieldFilter

        docs = (
            self.db.collection(ROOMS)
            .where(filter=FieldFilter("status", "==", status))
            .where(filter=FieldFilter("lastActivityAt", "<", before))
            .limit(limit)
            .get()
        )
        return [room_from(d) for d in docs]
