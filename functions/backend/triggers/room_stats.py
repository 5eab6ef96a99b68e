"""The room aggregate flush task: `lineCount` and `lastActivityAt` at most about once a second."""

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
    return wiring.room_store().flush_stats(room_id)
