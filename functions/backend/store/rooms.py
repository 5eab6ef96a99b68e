"""Firestore adapter of the RoomStore: the room, its transcript, crisis alerts and the aggregate flush.
Matchmaking is in room_matching.py and the admin reads in room_admin_reads.py (mixins of this class);
where the documents live is in room_documents.py.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

from backend.store.documents import to_document
from backend.store.encoding import add_create, add_update_unchanged
from backend.store.room_admin_reads import FirestoreRoomAdminReads
from backend.store.room_documents import (
    CRISIS_ALERTS,
    GATES,
    LINES,
    PRIVATE,
    ROOM_EVENTS,
    ROOMS,
    event_id,
    line_from,
    room_from,
    with_backoff,
)
from backend.store.room_matching import FirestoreRoomMatching
from shared.clock import utcnow
from shared.errors import NotFound
from shared.models.rooms import Room, RoomLine, RoomPrivate
from shared.models.safety import CrisisAlert, CrisisResources
from shared.rooms.lifecycle import RoomChange
from shared.rooms.ports import GateVersion, RoomStore, SpeakerChanged, gated
from shared.safety.escalation import alert_id_for
from shared.safety.levels import Screening
from shared.safety.resources import crisis_reply

if TYPE_CHECKING:
    from google.cloud.firestore import Client, DocumentReference, Transaction


@functools.lru_cache(maxsize=1)
def _reads() -> ThreadPoolExecutor:
    """Threads for a second read issued beside the caller's (the client is thread-safe); created on
    first use, not at import."""
    return ThreadPoolExecutor(max_workers=4, thread_name_prefix="room-reads")


class FirestoreRoomStore(FirestoreRoomMatching, FirestoreRoomAdminReads, RoomStore):
    def __init__(self, *, db: Client, on_lines: Callable[[str], None] | None = None) -> None:
        self.db = db
        self._on_lines = on_lines or (lambda room_id: None)

    def room_ref(self, room_id: str) -> DocumentReference:
        return self.db.collection(ROOMS).document(room_id)

    def _write(self, transaction: Transaction, change: RoomChange) -> None:
        from google.cloud.firestore import Increment

        ref = self.room_ref(change.room.id)
        transaction.set(ref, to_document(change.room, exclude={"id"}))
        for index, event in enumerate(change.events):
            transaction.set(
                ref.collection(ROOM_EVENTS).document(event_id(event.at, index)), to_document(event)
            )
        for seat in change.freed_seats:
            transaction.delete(self.seat_ref(change.room.id, seat))
        for uid in sorted(gated(change.room)):
            transaction.set(self.gate_ref(change.room.id, uid), {"changes": Increment(1)}, merge=True)

    def gate_ref(self, room_id: str, uid: str) -> DocumentReference:
        ref: DocumentReference = self.room_ref(room_id).collection(GATES).document(uid)
        return ref

    def speaker_gate(self, room_id: str, uid: str) -> GateVersion:
        snapshot = self.gate_ref(room_id, uid).get()
        return snapshot.update_time if snapshot.exists else None

    def create_speaker_line(
        self, line: RoomLine, *, uid: str, gate: GateVersion
    ) -> tuple[RoomLine | None, GateVersion]:
        """One commit: the line's create and the gate's move, the move conditional on the gate's update
        time (or, for a gate not written yet, on its absence)."""
        from google.api_core.exceptions import Aborted, AlreadyExists, FailedPrecondition, NotFound

        gate_ref = self.gate_ref(line.room_id, uid)
        line_ref = self.lines(line.room_id).document(line.id)
        data = to_document(line, exclude={"id"})
        moved = {"lastLine": line.id}  # a new value, so the update time moves (no transform to apply)
        batch = self.db.batch()
        # Encoded directly (backend/store/encoding.py): this commit is what a room's listeners wait for.
        add_create(batch, line_ref, data)
        if gate is None:
            add_create(batch, gate_ref, moved)
        else:
            add_update_unchanged(batch, gate_ref, moved, last_update_time=cast(datetime, gate))
        try:
            results = batch.commit()
        except AlreadyExists:
            existing = self.get_line(line.room_id, line.id)
            if existing is None:
                raise SpeakerChanged() from None  # the gate was written first elsewhere
            return existing, gate
        except (FailedPrecondition, NotFound, Aborted):
            raise SpeakerChanged() from None
        return None, results[1].update_time

    def load(self, room_id: str) -> Room | None:
        snapshot = self.room_ref(room_id).get()
        return room_from(snapshot) if snapshot.exists else None

    def mutate(self, room_id: str, apply: Callable[[Room], RoomChange | None]) -> tuple[Room, bool]:
        from google.cloud import firestore

        ref = self.room_ref(room_id)

        @firestore.transactional
        def run(transaction: Transaction) -> tuple[Room, bool]:
            snapshot = ref.get(transaction=transaction)
            if not snapshot.exists:
                raise NotFound("Room not found.")
            room = room_from(snapshot)
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
        return line_from(snapshot) if snapshot.exists else None

    def save_line(self, line: RoomLine) -> None:
        self.lines(line.room_id).document(line.id).set(to_document(line, exclude={"id"}))

    def recent_lines(self, room_id: str, limit: int) -> list[RoomLine]:
        from google.cloud.firestore import Query

        docs = self.lines(room_id).order_by("createdAt", direction=Query.DESCENDING).limit(limit).get()
        return [line_from(d) for d in reversed(list(docs))]

    def speaker_lines(self, room_id: str, speaker: str, limit: int) -> list[RoomLine]:
        from google.cloud.firestore import FieldFilter, Query

        docs = (
            self.lines(room_id)
            .where(filter=FieldFilter("speaker", "==", speaker))
            .order_by("createdAt", direction=Query.DESCENDING)
            .limit(limit)
            .get()
        )
        return [line_from(d) for d in reversed(list(docs))]

    def load_with_speaker_lines(
        self, room_id: str, speaker: str, limit: int
    ) -> tuple[Room | None, list[RoomLine]]:
        """Both reads in flight at once: a line waits for the slower one, not for the two in turn."""
        context = _reads().submit(self.speaker_lines, room_id, speaker, limit)
        room = self.load(room_id)
        return room, context.result()

    def lines_slice(self, room_id: str, start: int, count: int) -> list[RoomLine]:
        docs = self.lines(room_id).order_by("createdAt").offset(start).limit(count).get()
        return [line_from(d) for d in docs]

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
            room = room_from(current)
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
