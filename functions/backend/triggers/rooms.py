"""The room task and schedule handlers: a phase's or a grace's end, the idle sweep (the aggregate
flush: room_stats.py).
Each is idempotent: `advance` moves only from the phase it names, the flush writes the same values
again, and the sweep ends only rooms still idle."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from backend import logs, wiring
from backend.cloud.names import ROOM_TIMER_QUEUE
from backend.cloud.timers import wait_until_due
from shared.clock import utcnow


def room_timer(data: dict[str, Any]) -> None:
    """A phase's end (advance from that phase, idempotent) or a grace end (expire dropped seats)."""
    room_id = str(data["roomId"])
    kind = str(data.get("kind"))
    index = int(data.get("index") or 0)

    def stale() -> bool:
        room = wiring.room_store().load(room_id)
        return room is None or room.status != "active" or (kind == "phase" and room.phase_index != index)

    if not wait_until_due(ROOM_TIMER_QUEUE, data, is_stale=stale):
        return
    if kind == "phase":
        wiring.room_service().advance_index(room_id=room_id, from_index=index, actor="timer")
    elif kind == "grace":
        wiring.room_service().expire_grace(room_id=room_id)


def sweep_idle_rooms(now: datetime | None = None, limit: int = 200) -> list[str]:
    """End waiting and active rooms without activity for SESSIONS_ROOM_IDLE_TIMEOUT_SECONDS."""
    from shared.rooms.config import room_settings

    cutoff = (now or utcnow()) - timedelta(seconds=room_settings().idle_timeout_seconds)
    ended: list[str] = []
    for status in ("waiting", "active"):
        for room in wiring.room_store().idle_rooms(status=status, before=cutoff, limit=limit):
            wiring.room_service().end(room_id=room.id, reason="idle", actor="sweep")
            ended.append(room.id)
    if ended:
        logs.info("idle rooms ended", count=len(ended))
    return ended
