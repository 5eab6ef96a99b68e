"""Firestore adapter of the RoomStore.

Documents: `rooms/{id}` (+ `lines`, `events`, `private/{uid}`, `presence/{uid}`, `seats/{n}`: who
claimed seat n), `roomMembers/{uid}` (`roomId`, `seat`, `format`: the seat the user claimed last) and
`roomLobbies/{format}` (`slotFloor`: below it every numbered room of the format has started or ended).
Matching (shared/rooms/matching.py) claims a seat with a create-if-absent in a transaction that reads
only the caller's membership, then settles the room in a transaction over the room and its seats; no
document is shared by all the matchers of a format (the floor is only raised, by a blind write).
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

from backend.store.documents import from_document, to_document
from shared.clock import utcnow
from shared.errors import NotFound
from shared.models.rooms import Room, RoomEvent, RoomLine, RoomPrivate
from shared.models.safety import CrisisAlert, CrisisResources
from shared.rooms.lifecycle import RoomChange
from shared.rooms.matching import Claim, ClaimResult, Membership, RoomView, Seat, still_seated
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
SEATS = "seats"
# A transaction that lost to a concurrent one (room changes, a user's own racing claims) waits a
# random, growing delay before the next attempt (the client library retries at once, which livelocks
# on the emulator's lock manager when several requests contend).
MATCH_ATTEMPTS = 30
BACKOFF_BASE_S = 0.05
BACKOFF_CAP_S = 1.0


@functools.lru_cache(maxsize=1)
def _reads() -> ThreadPoolExecutor:
    """Threads for a second read issued beside the caller's (the client is thread-safe); created on
    first use, not at import."""
    return ThreadPoolExecutor(max_workers=4, thread_name_prefix="room-reads")


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
        for seat in change.freed_seats:
            transaction.delete(self.seat_ref(change.room.id, seat))

    # -- matchmaking (shared/rooms/matching.py) ------------------------------------------------

    def seat_ref(self, room_id: str, seat: int) -> DocumentReference:
        return self.db.collection(ROOMS, room_id, SEATS).document(str(seat))

    def _seat_refs(self, room_id: str, seat_count: int) -> list[DocumentReference]:
        return [self.seat_ref(room_id, n) for n in range(seat_count)]

    def membership(self, uid: str) -> Membership | None:
        return _membership(self.db.collection(MEMBERS).document(uid).get())

    def view(self, room_id: str, seat_count: int) -> RoomView:
        room, seats = _room_and_seats(
            room_id, self.db.get_all([self.room_ref(room_id), *self._seat_refs(room_id, seat_count)])
        )
        return RoomView(room_id=room_id, room=room, seats=tuple(seats))

    def slot_floor(self, format_id: str) -> int:
        snapshot = self.db.collection(LOBBIES).document(format_id).get()
        return int((snapshot.to_dict() or {}).get("slotFloor") or 0) if snapshot.exists else 0

    def raise_slot_floor(self, format_id: str, floor: int) -> None:
        """A blind write with a `maximum` transform: no read, no transaction, and racing raises keep
        the highest floor whatever order they land in."""
        from google.cloud.firestore import Maximum

        self.db.collection(LOBBIES).document(format_id).set(
            {"slotFloor": Maximum(floor), "updatedAt": utcnow()}, merge=True
        )

    def claim_seat(
        self, *, uid: str, room_id: str, format_id: str, seat: int, now: datetime, remember: bool = False
    ) -> Claim:
        """The caller's membership document is the only one read: racing claims of different users never
        wait on each other; the seat's `create` fails the commit when someone else holds it."""
        from google.api_core.exceptions import AlreadyExists
        from google.cloud import firestore

        member_ref = self.db.collection(MEMBERS).document(uid)

        @firestore.transactional
        def run(transaction: Transaction) -> Claim:
            current = _membership(member_ref.get(transaction=transaction))
            if current is not None:
                other = self.room_ref(current.room_id)
                held = self.seat_ref(current.room_id, current.seat)
                room, seats = _room_and_seats(current.room_id, transaction.get_all([other, held]))
                if still_seated(uid, room, seats[0] if seats else None):
                    return Claim(ClaimResult.ELSEWHERE, current.room_id, current.format_id)
            transaction.create(
                self.seat_ref(room_id, seat), {"uid": uid, "claimedAt": now, "remember": remember}
            )
            transaction.set(
                member_ref, {"roomId": room_id, "seat": seat, "format": format_id, "updatedAt": now}
            )
            return Claim(ClaimResult.CLAIMED)

        try:
            result: Claim = with_backoff(lambda: run(self.db.transaction(max_attempts=1)))
        except AlreadyExists:
            return Claim(ClaimResult.TAKEN)
        return result

    def settle(
        self, room_id: str, seat_count: int, apply: Callable[[Room | None, list[Seat]], RoomChange | None]
    ) -> tuple[Room | None, RoomChange | None]:
        from google.cloud import firestore

        refs = [self.room_ref(room_id), *self._seat_refs(room_id, seat_count)]

        @firestore.transactional
        def run(transaction: Transaction) -> tuple[Room | None, RoomChange | None]:
            room, seats = _room_and_seats(room_id, transaction.get_all(refs))
            change = apply(room, seats)
            if change is None:
                return room, None
            self._write(transaction, change)
            return change.room, change

        result: tuple[Room | None, RoomChange | None] = with_backoff(
            lambda: run(self.db.transaction(max_attempts=1))
        )
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

    def speaker_lines(self, room_id: str, speaker: str, limit: int) -> list[RoomLine]:
        from google.cloud.firestore import FieldFilter, Query

        docs = (
            self.lines(room_id)
            .where(filter=FieldFilter("speaker", "==", speaker))
            .order_by("createdAt", direction=Query.DESCENDING)
            .limit(limit)
            .get()
        )
        return [_line(d) for d in reversed(list(docs))]

    def load_with_speaker_lines(
        self, room_id: str, speaker: str, limit: int
    ) -> tuple[Room | None, list[RoomLine]]:
        """Both reads in flight at once: a line waits for the slower one, not for the two in turn."""
        context = _reads().submit(self.speaker_lines, room_id, speaker, limit)
        room = self.load(room_id)
        return room, context.result()

    def lines_slice(self, room_id: str, start: int, count: int) -> list[RoomLine]:
        docs = self.lines(room_id).order_by("createdAt").offset(start).limit(count).get()
        return [_line(d) for d in docs]

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

    def flush_stats(
        self,
        room_id: str,
        roll: Callable[[Room, int], tuple[str | None, int] | None] | None = None,
        min_gap_s: float = 0.0,
    ) -> dict[str, Any] | None:
        """Recompute `lineCount` and `lastActivityAt` from the lines (idempotent: a redelivery writes the
        same values), and with them, when `roll` says one is due, the rolling summary: one room write.
        `lastActivityAt` never moves back: lifecycle changes set it too. The write is conditional on
        the room being unchanged since it was read, so a late flush never undoes the final summary.
        A room written less than `min_gap_s` ago is not written: the answer is `{"deferred": True}` and
        the caller asks for a later flush (late tasks arriving back to back would otherwise write the
        room several times in one second)."""
        from google.api_core.exceptions import FailedPrecondition, NotFound
        from google.cloud.firestore import Query

        ref = self.room_ref(room_id)
        lines = ref.collection("lines")
        for _ in range(3):
            current = ref.get()
            if not current.exists:
                return None
            if (utcnow() - current.update_time).total_seconds() < min_gap_s:
                return {"deferred": True}
            count = int(lines.count().get()[0][0].value)
            newest = list(lines.order_by("createdAt", direction=Query.DESCENDING).limit(1).get())
            room = _room(current)
            last = room.last_activity_at
            if newest and (last is None or newest[0].get("createdAt") > last):
                last = newest[0].get("createdAt")
            stats: dict[str, Any] = {"lineCount": count, "lastActivityAt": last}
            rolled = roll(room, count) if roll is not None else None
            if rolled is not None:
                stats.update({"summary": rolled[0], "summaryThrough": rolled[1]})
            try:
                ref.update(stats, option=self.db.write_option(last_update_time=current.update_time))
            except NotFound:
                return None
            except FailedPrecondition:
                continue  # the room changed meanwhile: read it again
            return stats
        return None

    def save_final_summary(
        self, room_id: str, summary: str | None, through: int, seated: list[str] | None = None
    ) -> bool:
        """The whole show's summary replaces the rolling one (no later flush rolls it again). With
        `seated` (the `participantIds` the summary's lines were read with), only while the room still
        lists exactly those: a participant erased meanwhile (backend/store/room_erasure.py) took their
        lines away, and this summary may hold them. False when not written."""
        fields = {"summary": summary, "summaryThrough": through, "summaryFinal": True}
        if seated is None:
            self.room_ref(room_id).update(fields)
            return True
        return unless_erased(self.db, room_id, seated, lambda tx: tx.update(self.room_ref(room_id), fields))

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


def unless_erased(db: Client, room_id: str, seated: list[str], write: Callable[[Transaction], Any]) -> bool:
    """Run `write` in a transaction that reads the room and goes ahead only if its `participantIds`
    still equal `seated`. The user data erase replaces an erased participant's uid there in a
    transaction of its own after deleting their lines, so a memory or summary computed from lines read
    before the erase is never written after it (it would bring the erased person's words back)."""
    from google.cloud import firestore

    room_ref = db.collection(ROOMS).document(room_id)

    @firestore.transactional
    def run(transaction: Transaction) -> bool:
        snapshot = room_ref.get(transaction=transaction, field_paths=["participantIds"])
        current = (snapshot.to_dict() or {}).get("participantIds") if snapshot.exists else None
        if current is not None and list(current) != list(seated):
            return False
        write(transaction)
        return True

    written: bool = with_backoff(lambda: run(db.transaction(max_attempts=1)))
    return written


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


def _membership(snapshot: Any) -> Membership | None:
    data = snapshot.to_dict() if snapshot.exists else None
    if not data or not data.get("roomId") or "format" not in data:
        return None  # none, or written before seats existed: it names no seat to hold
    return Membership(room_id=str(data["roomId"]), seat=int(data["seat"]), format_id=str(data["format"]))


def _room_and_seats(room_id: str, snapshots: Any) -> tuple[Room | None, list[Seat]]:
    """Split a batch read of a room and (some of) its seat documents, in any order."""
    room = None
    seats = []
    for snapshot in snapshots:
        if not snapshot.exists:
            continue
        if snapshot.reference.parent.id == SEATS:
            data = snapshot.to_dict() or {}
            seats.append(
                Seat(
                    index=int(snapshot.id),
                    uid=str(data["uid"]),
                    claimed_at=data["claimedAt"],
                    remember=bool(data.get("remember", False)),
                )
            )
        elif snapshot.id == room_id:
            room = _room(snapshot)
    return room, sorted(seats, key=lambda s: s.index)
