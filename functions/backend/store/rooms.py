"""Firestore adapter of the RoomStore.

Documents: `rooms/{id}` (+ `lines`, `events`, `private/{uid}`, `presence/{uid}`), `roomLobbies/{format}`
(`waiting`: the format's waiting room ids, oldest first) and `roomMembers/{uid}` (`roomId`: the
user's latest room). Matching reads the caller's membership, the lobby and the rooms it lists in one
transaction and writes room, events, lobby and membership in the same commit: racing matchers of a
format contend on the lobby document, so rooms fill exactly and nobody ends up in two live rooms.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

from backend.store.documents import from_document, to_document
from shared.clock import utcnow
from shared.errors import NotFound
from shared.models.rooms import Room, RoomEvent, RoomLine, RoomPrivate
from shared.models.safety import CrisisAlert, CrisisResources
from shared.rooms.lifecycle import RoomChange
from shared.rooms.matching import MatchOutcome
from shared.rooms.ports import RoomStore
from shared.safety.escalation import alert_id_for
from shared.safety.levels import Screening
from shared.safety.resources import crisis_reply

if TYPE_CHECKING:
    from google.cloud.firestore import Client, DocumentReference, Transaction

T = TypeVar("T")

ROOMS = "rooms"
LINES = "lines"
ROOM_EVENTS = "events"
PRIVATE = "private"
LOBBIES = "roomLobbies"
MEMBERS = "roomMembers"
CRISIS_ALERTS = "crisisAlerts"
LOBBY_READ = 10
# Racing matchers contend on the lobby document: each attempt is one transaction, and a lost attempt
# waits a random, growing delay before the next (the client library retries at once, which under
# 20 concurrent matchers livelocks on the emulator's lock manager).
MATCH_ATTEMPTS = 30
BACKOFF_BASE_S = 0.05
BACKOFF_CAP_S = 1.0


class FirestoreRoomStore(RoomStore):
    def __init__(self, *, db: Client, on_lines: Callable[[str], None] | None = None) -> None:
        self.db = db
        self._on_lines = on_lines or (lambda room_id: None)

    def room_ref(self, room_id: str) -> DocumentReference:
        return self.db.collection(ROOMS).document(room_id)

    def _write(self, transaction: Transaction, change: RoomChange) -> None:
        ref = self.room_ref(change.room.id)
        transaction.set(ref, to_document(change.room, exclude={"id"}))
        for index, event in enumerate(change.events):
            transaction.set(
                ref.collection(ROOM_EVENTS).document(event_id(event.at, index)), to_document(event)
            )

    def match(
        self, *, uid: str, format_id: str, decide: Callable[[Room | None, list[Room]], MatchOutcome]
    ) -> MatchOutcome:
        from google.cloud import firestore

        member_ref = self.db.collection(MEMBERS).document(uid)
        lobby_ref = self.db.collection(LOBBIES).document(format_id)

        @firestore.transactional
        def run(transaction: Transaction) -> MatchOutcome:
            member = member_ref.get(transaction=transaction)
            lobby = lobby_ref.get(transaction=transaction)
            current_id = (member.to_dict() or {}).get("roomId") if member.exists else None
            waiting_ids = list((lobby.to_dict() or {}).get("waiting") or [])[:LOBBY_READ]
            wanted = [i for i in [current_id, *waiting_ids] if i]
            refs = [self.room_ref(i) for i in dict.fromkeys(wanted)]
            found = {s.id: _room(s) for s in transaction.get_all(refs) if s.exists} if refs else {}
            current = found.get(current_id) if current_id else None
            outcome = decide(current, [found[i] for i in waiting_ids if i in found])
            if outcome.changed:
                self._write(transaction, outcome.change)
                transaction.set(lobby_ref, {"waiting": outcome.waiting, "updatedAt": utcnow()})
                transaction.set(member_ref, {"roomId": outcome.change.room.id, "updatedAt": utcnow()})
            return outcome

        # One matching transaction per format at a time in this instance: concurrent requests of one
        # instance would only contend on the lobby document (the emulator's lock manager, and
        # production's, turn that into lock timeouts and retries); across instances the transaction
        # (with backoff) still decides.
        with _lobby_lock(format_id):
            result: MatchOutcome = with_backoff(lambda: run(self.db.transaction(max_attempts=1)))
        return result

    def load(self, room_id: str) -> Room | None:
        snapshot = self.room_ref(room_id).get()
        return _room(snapshot) if snapshot.exists else None

    def mutate(self, room_id: str, apply: Callable[[Room], RoomChange | None]) -> tuple[Room, bool]:
        from google.cloud import firestore

        ref = self.room_ref(room_id)

        @firestore.transactional
        def run(transaction: Transaction) -> tuple[Room, bool]:
            snapshot = ref.get(transaction=transaction)
            if not snapshot.exists:
                raise NotFound("Room not found.")
            room = _room(snapshot)
            change = apply(room)
            if change is None or change.room == room:
                return room, False
            self._write(transaction, change)
            return change.room, True

        result: tuple[Room, bool] = with_backoff(lambda: run(self.db.transaction(max_attempts=1)))
        return result

    def lines(self, room_id: str) -> Any:
        return self.room_ref(room_id).collection(LINES)

    def create_line(self, line: RoomLine) -> RoomLine | None:
        from google.api_core.exceptions import AlreadyExists

        try:
            self.lines(line.room_id).document(line.id).create(to_document(line, exclude={"id"}))
        except AlreadyExists:
            return self.get_line(line.room_id, line.id)
        return None

    def get_line(self, room_id: str, line_id: str) -> RoomLine | None:
        snapshot = self.lines(room_id).document(line_id).get()
        return _line(snapshot) if snapshot.exists else None

    def save_line(self, line: RoomLine) -> None:
        self.lines(line.room_id).document(line.id).set(to_document(line, exclude={"id"}))

    def recent_lines(self, room_id: str, limit: int) -> list[RoomLine]:
        from google.cloud.firestore import Query

        docs = self.lines(room_id).order_by("createdAt", direction=Query.DESCENDING).limit(limit).get()
        return [_line(d) for d in reversed(list(docs))]

    def raise_crisis(
        self, *, room: Room, uid: str, line: RoomLine, screening: Screening, resources: CrisisResources
    ) -> None:
        """The alert is about `uid` alone (its id derives from the room and the line, so a retry writes
        the same alert); `uid`'s private document carries the referral. Nothing names `uid`'s level
        to the other participants."""
        from google.api_core.exceptions import AlreadyExists

        now = utcnow()
        alert = CrisisAlert(
            id=alert_id_for(room.id, line.id),
            user_id=uid,
            session_id=room.id,
            message_id=line.id,
            level=screening.level.value,
            signals=list(screening.signals),
            source="room_inline",
            created_at=now,
            updated_at=now,
        )
        private = RoomPrivate(
            uid=uid,
            role=line.speaker,
            safety_state=screening.level.value,
            crisis_resources=resources,
            crisis_reply=crisis_reply(resources),
            updated_at=now,
        )
        self.room_ref(room.id).collection(PRIVATE).document(uid).set(to_document(private))
        with contextlib.suppress(AlreadyExists):  # a retry: the alert is already there
            self.db.collection(CRISIS_ALERTS).document(alert.id).create(to_document(alert, exclude={"id"}))

    def request_flush(self, room_id: str) -> None:
        self._on_lines(room_id)

    def flush_stats(self, room_id: str) -> dict[str, Any] | None:
        """Recompute `lineCount` and `lastActivityAt` from the lines (idempotent: a redelivery writes the
        same values). `lastActivityAt` never moves back: lifecycle changes set it too."""
        from google.api_core.exceptions import NotFound
        from google.cloud.firestore import Query

        ref = self.room_ref(room_id)
        lines = ref.collection("lines")
        count = int(lines.count().get()[0][0].value)
        newest = list(lines.order_by("createdAt", direction=Query.DESCENDING).limit(1).get())
        current = ref.get(field_paths=["lastActivityAt"])
        if not current.exists:
            return None
        last = current.get("lastActivityAt") if current.to_dict() else None
        if newest and (last is None or newest[0].get("createdAt") > last):
            last = newest[0].get("createdAt")
        stats = {"lineCount": count, "lastActivityAt": last}
        try:
            ref.update(stats)
        except NotFound:
            return None
        return stats

    # -- admin reads ---------------------------------------------------------------------------

    def list_rooms(self, *, status: str | None, limit: int) -> list[Room]:
        from google.cloud.firestore import FieldFilter, Query

        query: Any = self.db.collection(ROOMS)
        if status is not None:
            query = query.where(filter=FieldFilter("status", "==", status))
        docs = query.order_by("createdAt", direction=Query.DESCENDING).limit(limit).get()
        return [_room(d) for d in docs]

    def count(self, status: str) -> int:
        from google.cloud.firestore import FieldFilter

        query: Any = self.db.collection(ROOMS).where(filter=FieldFilter("status", "==", status))
        return int(query.count().get()[0][0].value)

    def all_lines(self, room_id: str, *, cap: int = 5000) -> list[RoomLine]:
        return [_line(d) for d in self.lines(room_id).order_by("createdAt").limit(cap).get()]

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
        return (_line(d) for d in query.stream())

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
        rooms = [_room(d) for d in docs]
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
        return [_room(d) for d in docs]


_lobby_locks: dict[str, threading.Lock] = {}
_locks_guard = threading.Lock()


def _lobby_lock(format_id: str) -> threading.Lock:
    with _locks_guard:
        return _lobby_locks.setdefault(format_id, threading.Lock())


def with_backoff(attempt: Callable[[], T]) -> T:
    """Run a one-attempt transaction until it commits, with full-jitter exponential backoff."""
    import random
    import time

    from google.api_core.exceptions import Aborted

    for tries in range(MATCH_ATTEMPTS):
        try:
            return attempt()
        except (Aborted, ValueError) as exc:
            if isinstance(exc, ValueError) and not str(exc).startswith("Failed to commit transaction"):
                raise
            if tries == MATCH_ATTEMPTS - 1:
                raise
            time.sleep(random.uniform(0, min(BACKOFF_CAP_S, BACKOFF_BASE_S * 2**tries)))  # noqa: S311
    raise AssertionError("unreachable")


def event_id(at: datetime, index: int) -> str:
    """Sortable: events of one change share `at`, and listeners (and the activity log) order ties by
    document id, so the id keeps a change's events in the order they happened."""
    import uuid

    return f"{int(at.timestamp() * 1_000_000):017d}-{index:02d}-{uuid.uuid4().hex[:8]}"


def _room(snapshot: Any) -> Room:
    return from_document(Room, snapshot.to_dict(), id=snapshot.id)


def _line(snapshot: Any) -> RoomLine:
    return from_document(RoomLine, snapshot.to_dict(), id=snapshot.id)
