"""Matchmaking on Firestore (shared/rooms/matching.py): a mixin of FirestoreRoomStore.

A seat is claimed with a create-if-absent in a transaction that reads only the caller's membership, then
the room settles in a transaction over the room and its seats; no document is shared by all the matchers
of a format (the lobby's floor is only raised, by a blind write).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from backend.store.room_documents import LOBBIES, MEMBERS, ROOMS, SEATS, room_from, with_backoff
from shared.clock import utcnow
from shared.models.rooms import Room
from shared.rooms.lifecycle import RoomChange
from shared.rooms.matching import Claim, ClaimResult, Membership, RoomView, Seat, still_seated

if TYPE_CHECKING:
    from google.cloud.firestore import Client, DocumentReference, Transaction


class FirestoreRoomMatching:
    """Seats, memberships and lobby floors; the store provides the client, room references and writes."""

    db: Client

    if TYPE_CHECKING:  # provided by FirestoreRoomStore (rooms.py); declared for the type checker only

        def room_ref(self, room_id: str) -> DocumentReference: ...

        def _write(self, transaction: Transaction, change: RoomChange) -> None: ...

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
            room = room_from(snapshot)
    return room, sorted(seats, key=lambda s: s.index)
