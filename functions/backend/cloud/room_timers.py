"""Room timers on Cloud Tasks (a phase's end, a dropped participant's grace end) and the batched
aggregate flush of rooms: the cloud side of the `RoomTimers` port.

Timer task ids derive from the state they were planned for (`roomphase-{room}-{index}`,
`roomgrace-{room}-{who}-{epoch}`), so planning twice is a no-op, and a timer that arrives after the
room moved on finds its phase index stale and does nothing. All flush asks of one interval share one
task id, so the room document takes at most about one aggregate write per second however fast lines
arrive.
"""

from __future__ import annotations

import hashlib
import math
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from functools import lru_cache

from backend import logs
from backend.cloud import tasks
from backend.cloud.clients import emulated
from backend.cloud.names import ROOM_FLUSH_QUEUE, ROOM_TIMER_QUEUE
from backend.cloud.timers import epoch, schedule_task
from shared.models.rooms import Room
from shared.rooms.ports import RoomTimers
from shared.settings import get_settings


def _who(uid: str) -> str:
    return hashlib.sha256(uid.encode()).hexdigest()[:12]


def _no_task_queue() -> bool:
    """On the emulators without the Tasks emulator (the ops CLI in a plain shell) there is no queue."""
    return emulated() and not os.environ.get("CLOUD_TASKS_EMULATOR_HOST")


@lru_cache(maxsize=1)
def _pool() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=2, thread_name_prefix="room-flush")


class CloudTasksRoomTimers(RoomTimers):
    def plan(self, room: Room) -> None:
        if room.status != "active" or _no_task_queue():
            return
        try:
            if room.phase_ends_at is not None:
                schedule_task(
                    ROOM_TIMER_QUEUE,
                    {"roomId": room.id, "kind": "phase", "index": room.phase_index},
                    task_id=f"roomphase-{room.id}-{room.phase_index}",
                    due=room.phase_ends_at,
                )
            for person in room.participants:
                if person.state == "dropped" and person.grace_until is not None:
                    schedule_task(
                        ROOM_TIMER_QUEUE,
                        {"roomId": room.id, "kind": "grace"},
                        task_id=f"roomgrace-{room.id}-{_who(person.uid)}-{epoch(person.grace_until)}",
                        due=person.grace_until,
                    )
        except Exception as exc:  # the change stands; admins, the host and the sweep still move rooms on
            logs.error("room timers not planned", roomId=room.id, errorType=type(exc).__name__)


_requested: dict[str, int] = {}
_lock = threading.Lock()


def request_flush(room_id: str) -> None:
    interval = get_settings().room_flush_interval_seconds
    bucket = math.floor(time.time() / interval) + 1
    with _lock:
        if _requested.get(room_id, -1) >= bucket:
            return
        _requested[room_id] = bucket
        if len(_requested) > 10_000:
            _requested.clear()
    _pool().submit(_enqueue, room_id, bucket, interval)


def _enqueue(room_id: str, bucket: int, interval: float) -> None:
    not_before = bucket * interval
    try:
        tasks.enqueue(
            ROOM_FLUSH_QUEUE,
            {"roomId": room_id, "notBefore": not_before},
            task_id=f"roomstats-{room_id}-{bucket}",
            schedule_time=datetime.fromtimestamp(not_before, UTC),
        )
    except Exception as exc:  # recomputed by the next flush; never fail a line
        logs.warning("room flush not enqueued", roomId=room_id, errorType=type(exc).__name__)
