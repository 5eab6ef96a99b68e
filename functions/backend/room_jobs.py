"""Rooms in the functions: the lazily built service, Cloud Tasks timers (phase ends, grace ends),
the batched aggregate flush, the idle sweep and the cross-room activity log.

Timer task ids derive from the state they were planned for (`roomphase-{room}-{index}`,
`roomgrace-{room}-{who}-{epoch}`), so planning twice is a no-op, and a timer that arrives after the
room moved on finds its phase index stale and does nothing (`advance` only moves from the phase it
names). The flush follows backend/stats.py: all asks of one second share one task id, so the room
document takes at most about one aggregate write per second however fast lines arrive.
"""

from __future__ import annotations

import hashlib
import heapq
import math
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from backend import logs
from backend.clients import firestore_client
from shared.clock import utcnow
from shared.models.rooms import Room
from shared.rooms.service import RoomService, RoomTimers

if TYPE_CHECKING:
    from backend.store.rooms import FirestoreRoomStore

ROOM_TIMER_FUNCTION = "roomTimer"
ROOM_FLUSH_FUNCTION = "flushRoomStats"
MAX_FLUSH_WAIT_SECONDS = 5.0


@lru_cache(maxsize=1)
def room_store() -> FirestoreRoomStore:
    from backend.store.rooms import FirestoreRoomStore

    return FirestoreRoomStore(db=firestore_client())


@lru_cache(maxsize=1)
def room_service() -> RoomService:
    from backend.ai import get_provider
    from shared.rooms.config import room_settings
    from shared.settings import get_settings

    settings = get_settings()
    return RoomService(
        store=room_store(),
        provider=get_provider(),
        settings=room_settings(),
        clock=utcnow,
        monotonic=time.monotonic,
        new_id=lambda: uuid.uuid4().hex[:20],
        timers=CloudTasksRoomTimers(),
        stream_interval_s=settings.stream_update_interval_ms / 1000,
        ai_timeout_s=settings.ai_timeout_seconds,
        default_locale=settings.default_locale,
    )


# -- timers ----------------------------------------------------------------------------------------


def _who(uid: str) -> str:
    return hashlib.sha256(uid.encode()).hexdigest()[:12]


def _no_task_queue() -> bool:
    """On the emulators without the Tasks emulator (the ops CLI in a plain shell) there is no queue."""
    import os

    from backend.clients import emulated

    return emulated() and not os.environ.get("CLOUD_TASKS_EMULATOR_HOST")


@lru_cache(maxsize=1)
def _pool() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=2, thread_name_prefix="room-flush")


class CloudTasksRoomTimers(RoomTimers):
    def plan(self, room: Room) -> None:
        from backend.timers import epoch, schedule_task

        if room.status != "active" or _no_task_queue():
            return
        try:
            if room.phase_ends_at is not None:
                schedule_task(
                    ROOM_TIMER_FUNCTION,
                    {"roomId": room.id, "kind": "phase", "index": room.phase_index},
                    task_id=f"roomphase-{room.id}-{room.phase_index}",
                    due=room.phase_ends_at,
                )
            for person in room.participants:
                if person.state == "dropped" and person.grace_until is not None:
                    schedule_task(
                        ROOM_TIMER_FUNCTION,
                        {"roomId": room.id, "kind": "grace"},
                        task_id=f"roomgrace-{room.id}-{_who(person.uid)}-{epoch(person.grace_until)}",
                        due=person.grace_until,
                    )
        except Exception as exc:  # the change stands; admins, the host and the sweep still move rooms on
            logs.error("room timers not planned", roomId=room.id, errorType=type(exc).__name__)


def room_timer(data: dict[str, Any]) -> None:
    """A phase's end (advance from that phase, idempotent) or a grace end (expire dropped seats)."""
    from backend.timers import wait_until_due

    room_id = str(data["roomId"])
    kind = str(data.get("kind"))
    index = int(data.get("index") or 0)

    def stale() -> bool:
        room = room_store().load(room_id)
        return room is None or room.status != "active" or (kind == "phase" and room.phase_index != index)

    if not wait_until_due(ROOM_TIMER_FUNCTION, data, is_stale=stale):
        return
    if kind == "phase":
        room_service().advance_index(room_id=room_id, from_index=index, actor="timer")
    elif kind == "grace":
        room_service().expire_grace(room_id=room_id)


# -- aggregates ------------------------------------------------------------------------------------

_requested: dict[str, int] = {}
_lock = threading.Lock()


def request_flush(room_id: str) -> None:
    from shared.settings import get_settings

    interval = get_settings().stats_flush_interval_seconds
    bucket = math.floor(time.time() / interval) + 1
    with _lock:
        if _requested.get(room_id, -1) >= bucket:
            return
        _requested[room_id] = bucket
        if len(_requested) > 10_000:
            _requested.clear()
    _pool().submit(_enqueue, room_id, bucket, interval)


def _enqueue(room_id: str, bucket: int, interval: float) -> None:
    from backend.tasks import enqueue

    not_before = bucket * interval
    try:
        enqueue(
            ROOM_FLUSH_FUNCTION,
            {"roomId": room_id, "notBefore": not_before},
            task_id=f"roomstats-{room_id}-{bucket}",
            schedule_time=datetime.fromtimestamp(not_before, UTC),
        )
    except Exception as exc:  # recomputed by the next flush; never fail a line
        logs.warning("room flush not enqueued", roomId=room_id, errorType=type(exc).__name__)


def flush(room_id: str, not_before: float | None = None) -> dict[str, Any] | None:
    """Recompute `lineCount` and `lastActivityAt` from the lines (idempotent: a redelivery writes the
    same values). `lastActivityAt` never moves back: lifecycle changes set it too."""
    from google.api_core.exceptions import NotFound
    from google.cloud.firestore import Query

    if not_before is not None:
        time.sleep(min(MAX_FLUSH_WAIT_SECONDS, max(0.0, not_before - time.time())))
    ref = room_store().room_ref(room_id)
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


# -- the idle sweep and the activity log -----------------------------------------------------------


def sweep_idle_rooms(now: datetime | None = None, limit: int = 200) -> list[str]:
    """End waiting and active rooms without activity for SESSIONS_ROOM_IDLE_TIMEOUT_SECONDS."""
    from shared.rooms.config import room_settings

    cutoff = (now or utcnow()) - timedelta(seconds=room_settings().idle_timeout_seconds)
    ended: list[str] = []
    for status in ("waiting", "active"):
        for room in room_store().idle_rooms(status=status, before=cutoff, limit=limit):
            room_service().end(room_id=room.id, reason="idle", actor="sweep")
            ended.append(room.id)
    if ended:
        logs.info("idle rooms ended", count=len(ended))
    return ended


def activity_log(since: datetime, until: datetime) -> Iterator[bytes]:
    """The CSV activity log of every room for [since, until), streamed row by row in time order."""
    from shared.rooms.activity_log import LogRow, csv_chunks, rows_for

    store = room_store()

    def per_room(room: Room) -> Iterator[LogRow]:
        rows = rows_for(
            room.id, store.lines_between(room.id, since, until), store.events_between(room.id, since, until)
        )
        return iter(sorted(rows, key=lambda r: (r.at, r.order)))

    streams = [per_room(room) for room in store.rooms_overlapping(since, until)]
    merged = heapq.merge(*streams, key=lambda r: (r.at, r.order, r.room_id))
    return csv_chunks(merged)
