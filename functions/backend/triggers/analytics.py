"""The scheduled daily rollup (functions/main.py `rollup_daily_analytics`)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from backend import logs, wiring

RECENT_DAYS = 2


def rollup_recent_days(today: date | None = None) -> int:
    """Recompute the rollups of the RECENT_DAYS days before `today` (UTC); returns documents written.

    Two days, not one: sessions last up to an hour, so the day before yesterday's late sessions may
    have ended (and changed figures) after yesterday's run. The rollup is idempotent, so the overlap
    costs reads, never double counts.
    """
    from backend.store.analytics import rollup_range

    today = today or datetime.now(UTC).date()
    _, changed = rollup_range(wiring.db(), today - timedelta(days=RECENT_DAYS), today - timedelta(days=1))
    logs.info("daily analytics rollup", changed=changed)
    return changed
