"""Where rooms live in Firestore, and the small helpers every room adapter shares.

Documents: `rooms/{id}` (+ `lines`, `events`, `private/{uid}`, `presence/{uid}`, `seats/{n}`: who
claimed seat n, `gates/{uid}`: `{changes, lastLine}`, moved by every room change and every line of
`uid`, whose update time vouches for what an instance read before a line (shared/rooms/ports.py)),
`roomMembers/{uid}` (`roomId`, `seat`, `format`: the seat the user claimed last) and
`roomLobbies/{format}` (`slotFloor`: below it every numbered room of the format has started or ended).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from backend.store.documents import from_document
from shared.models.rooms import Room, RoomLine

T = TypeVar("T")

ROOMS = "rooms"
LINES = "lines"
ROOM_EVENTS = "events"
PRIVATE = "private"
LOBBIES = "roomLobbies"
MEMBERS = "roomMembers"
CRISIS_ALERTS = "crisisAlerts"
SEATS = "seats"
GATES = "gates"
# A transaction that lost to a concurrent one (room changes, a user's own racing claims) waits a
# random, growing delay before the next attempt (the client library retries at once, which livelocks
# on the emulator's lock manager when several requests contend).
MATCH_ATTEMPTS = 30
BACKOFF_BASE_S = 0.05
BACKOFF_CAP_S = 1.0


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


def room_from(snapshot: Any) -> Room:
    return from_document(Room, snapshot.to_dict(), id=snapshot.id)


def line_from(snapshot: Any) -> RoomLine:
    return from_document(RoomLine, snapshot.to_dict(), id=snapshot.id)
