"""The rooms part of the user data erase (backend/store/erasure.py calls it; the policy is
shared/rooms/erasure.py and docs/data-model.md, "Rooms").

Per room the user sat in (`participantIds` array-contains the uid), in this order: the user's own lines
(`speaker` is the user's role there), `private/{uid}`, `presence/{uid}`, the events the user is the
actor of (the actor becomes the room's token), the shared summary in the other participants' memories
when the user consented to share, and last, in one transaction, the room document and its seat claims
(the uid becomes the token). The room leaves the query only with that last commit, so a run that
stopped half-way is finished by the next one; a second erase finds nothing and counts zeros.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from backend.store.documents import from_document, to_document
from backend.store.room_documents import GATES, LINES, MEMBERS, PRIVATE, ROOM_EVENTS, ROOMS, SEATS
from backend.store.room_memories import memory_id
from shared.errors import Conflict
from shared.models.memory import MEMORIES
from shared.models.rooms import Room
from shared.models.userdata import ErasedCounts
from shared.rooms import erasure

if TYPE_CHECKING:
    from google.cloud.firestore import Client, DocumentReference, Transaction

PRESENCE = "presence"
PAGE = 400  # documents per query and writes per commit (Firestore allows 500 per commit)
ROOMS_PER_PAGE = 20
LIVE_ROOM_STATUSES = ("waiting", "active")


class Deleter(Protocol):
    """backend/store/erasure.py's batched deleter (counts each delete under `kind`)."""

    def delete(self, ref: DocumentReference, kind: str | None = None) -> None: ...

    def flush(self) -> None: ...


def refuse_while_seated(db: Client, uid: str) -> None:
    """409 while the user sits in a room that has not ended (waiting or active, present or dropped
    within the grace), or holds a seat claim not yet settled into its room."""
    from google.cloud.firestore import FieldFilter

    live: list[str] = []
    member = db.collection(MEMBERS).document(uid).get()
    room_id = str((member.to_dict() or {}).get("roomId") or "") if member.exists else ""
    if room_id:
        room_snap, seat_snap = _room_and_seat(db, room_id, (member.to_dict() or {}).get("seat"))
        room = _room(room_snap) if room_snap.exists else None
        claimed = seat_snap is not None and seat_snap.exists and seat_snap.get("uid") == uid
        if (room is None and claimed) or (room is not None and erasure.sits_in(room, uid)):
            live.append(room_id)
    query = (
        db.collection(ROOMS)
        .where(filter=FieldFilter("memberIds", "array_contains", uid))
        .where(filter=FieldFilter("status", "in", list(LIVE_ROOM_STATUSES)))
        .limit(5)
    )
    live.extend(doc.id for doc in query.get() if doc.id not in live)
    if live:
        raise Conflict(
            "Leave your room first: data cannot be erased while you sit in a room.",
            details={"liveRoomIds": live},
        )


def erase_rooms(db: Client, uid: str, deleter: Deleter, counts: ErasedCounts) -> None:
    """Every room `uid` sat in, then the `roomMembers/{uid}` document."""
    from google.cloud.firestore import FieldFilter

    query = db.collection(ROOMS).where(filter=FieldFilter("participantIds", "array_contains", uid))
    # Each erased room leaves the query, so each round asks again from the start until none is left.
    done: set[str] = set()
    while rooms := list(query.limit(ROOMS_PER_PAGE).get()):
        if all(snapshot.id in done for snapshot in rooms):
            raise RuntimeError("rooms still name the user after their erase")  # never loop for ever
        for snapshot in rooms:
            _erase_room(db, _room(snapshot), uid, deleter, counts)
            done.add(snapshot.id)
    member = db.collection(MEMBERS).document(uid)
    membership = member.get()
    if membership.exists:
        # A room written before `participantIds` existed is not found by the query until it is written
        # again; the membership names the last one the user sat in.
        last = db.collection(ROOMS).document(str((membership.to_dict() or {}).get("roomId") or "-")).get()
        if last.exists and uid in _room(last).participant_ids:
            _erase_room(db, _room(last), uid, deleter, counts)
        deleter.delete(member, "roomMembers")
    deleter.flush()


def _erase_room(db: Client, room: Room, uid: str, deleter: Deleter, counts: ErasedCounts) -> None:
    from google.cloud.firestore import FieldFilter

    ref = db.collection(ROOMS).document(room.id)
    role = erasure.role_in(room, uid)
    if role is not None:
        mine = ref.collection(LINES).where(filter=FieldFilter("speaker", "==", role)).select([]).limit(PAGE)
        while lines := list(mine.get()):
            for line in lines:
                deleter.delete(line.reference, "roomLines")
            deleter.flush()
    for collection, kind in ((PRIVATE, "roomPrivate"), (PRESENCE, "roomPresence")):
        doc = ref.collection(collection).document(uid)
        if doc.get(field_paths=[]).exists:
            deleter.delete(doc, kind)
    deleter.flush()
    token = erasure.erased_token()
    counts.room_events_anonymised += _rename_actor(db, ref, uid, token)
    if erasure.shared_in_memories(room, uid):
        counts.room_shared_summaries_cleared += _clear_shared_summaries(db, room, uid)
    if _anonymise(db, ref, uid, token):
        counts.rooms_anonymised += 1


def _rename_actor(db: Client, ref: DocumentReference, uid: str, token: str) -> int:
    from google.cloud.firestore import FieldFilter

    query = ref.collection(ROOM_EVENTS).where(filter=FieldFilter("actor", "==", uid)).select([]).limit(PAGE)
    total = 0
    while events := list(query.get()):  # renamed events leave the query
        batch = db.batch()
        for event in events:
            batch.update(event.reference, {"actor": token})
        batch.commit()
        total += len(events)
    return total


def _clear_shared_summaries(db: Client, room: Room, uid: str) -> int:
    """The other participants keep their memory of the room (what they said themselves); the shared
    summary in it, which holds the erased user's lines, is removed."""
    refs = [
        db.collection(MEMORIES).document(memory_id(room.id, other)) for other in erasure.others(room, uid)
    ]
    batch = db.batch()
    cleared = 0
    for snapshot in db.get_all(refs, field_paths=["sharedSummary"]) if refs else []:
        if snapshot.exists and (snapshot.to_dict() or {}).get("sharedSummary") is not None:
            batch.update(snapshot.reference, {"sharedSummary": None})
            cleared += 1
    if cleared:
        batch.commit()
    return cleared


def _anonymise(db: Client, ref: DocumentReference, uid: str, token: str) -> bool:
    """In one transaction: the room and the seat claims holding `uid`. Refused (409) if the user sat
    down in it again meanwhile. False when the room no longer names the user."""
    from google.cloud import firestore

    from backend.store.room_documents import with_backoff

    @firestore.transactional
    def run(transaction: Transaction) -> bool:
        snapshot = ref.get(transaction=transaction)
        if not snapshot.exists:
            return False
        room = _room(snapshot)
        if uid not in room.participant_ids:
            return False
        if erasure.sits_in(room, uid):
            raise Conflict("Leave your room first: data cannot be erased while you sit in a room.")
        seats = [ref.collection(SEATS).document(str(n)) for n in range(room.seats)]
        held = [s for s in transaction.get_all(seats) if s.exists and s.get("uid") == uid]
        transaction.set(ref, to_document(erasure.anonymised(room, uid, token), exclude={"id"}))
        for seat in held:
            transaction.update(seat.reference, {"uid": token, "remember": False})
        transaction.delete(ref.collection(GATES).document(uid))  # named by the uid; holds nothing else
        return True

    result: bool = with_backoff(lambda: run(db.transaction(max_attempts=1)))
    return result


def _room_and_seat(db: Client, room_id: str, seat: Any) -> tuple[Any, Any]:
    room_ref = db.collection(ROOMS).document(room_id)
    if not isinstance(seat, int):
        return room_ref.get(), None
    snaps = {
        s.reference.path: s for s in db.get_all([room_ref, room_ref.collection(SEATS).document(str(seat))])
    }
    return snaps[room_ref.path], snaps[f"{room_ref.path}/{SEATS}/{seat}"]


def _room(snapshot: Any) -> Room:
    return from_document(Room, snapshot.to_dict(), id=snapshot.id)
