"""The room aggregate flush task: `lineCount`, `lastActivityAt` and the rolling summary. At most one room
write per interval: a task that finds the room written less than an interval ago (a late task, a
lifecycle change) writes nothing and asks for the next interval's task instead."""

from __future__ import annotations

import time
from typing import Any

from backend import wiring
from backend.cloud.room_timers import request_flush
from shared.settings import get_settings

MAX_FLUSH_WAIT_SECONDS = 5.0


def flush(room_id: str, not_before: float | None = None) -> dict[str, Any] | None:
    """Recompute `lineCount` and `lastActivityAt` from the lines (idempotent: a redelivery writes the
    same values). `lastActivityAt` never moves back: lifecycle changes set it too."""
    if not_before is not None:
        time.sleep(min(MAX_FLUSH_WAIT_SECONDS, max(0.0, not_before - time.time())))
    from shared.rooms.config import room_settings
    from shared.rooms.summaries import rolling_update

    store = wiring.room_store()
    result = store.flush_stats(
        room_id,
        roll=lambda room, count: rolling_update(
            store=store, room=room, line_count=count, settings=room_settings()
        ),
        min_gap_s=get_settings().room_flush_interval_seconds,
    )
    if result is not None and result.get("deferred"):
        request_flush(room_id)  # the next interval's task (deduplicated by its id)
    return result
