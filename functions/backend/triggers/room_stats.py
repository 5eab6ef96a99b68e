"""The room aggregate flush task: `lineCount`, `lastActivityAt` and the rolling summary, at most about
once a second."""

from __future__ import annotations

import time
from typing import Any

from backend import wiring

MAX_FLUSH_WAIT_SECONDS = 5.0


def flush(room_id: str, not_before: float | None = None) -> dict[str, Any] | None:
    """Recompute `lineCount` and `lastActivityAt` from the lines (idempotent: a redelivery writes the
    same values). `lastActivityAt` never moves back: lifecycle changes set it too."""
    if not_before is not None:
        time.sleep(min(MAX_FLUSH_WAIT_SECONDS, max(0.0, not_before - time.time())))
    from shared.rooms.config import room_settings
    from shared.rooms.summaries import rolling_update

    store = wiring.room_store()
    return store.flush_stats(
        room_id,
        roll=lambda room, count: rolling_update(
            store=store, room=room, line_count=count, settings=room_settings()
        ),
    )
