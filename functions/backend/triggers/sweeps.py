"""The scheduled sweeps: live sessions without a heartbeat end (reason `idle`), and ended sessions whose
`session.ended` was lost get it published again. Both are idempotent: a second run finds nothing."""

from __future__ import annotations

from datetime import timedelta

from backend import logs, wiring
from backend.store import memories, metering
from shared.clock import utcnow
from shared.settings import get_settings


def sweep_idle_sessions() -> list[str]:
    ended = metering.sweep_idle(wiring.db(), settings=get_settings(), events=wiring.session_events())
    republished = republish_pending()
    logs.info("idle sweep done", ended=len(ended), memoriesRepublished=len(republished))
    return ended


def republish_pending(*, older_than_seconds: float = 120.0, limit: int = 100) -> list[str]:
    """Publish `session.ended` again for sessions still `pending` a while after they ended."""
    cutoff = utcnow() - timedelta(seconds=older_than_seconds)
    stuck = memories.pending_since(wiring.db(), cutoff=cutoff, limit=limit)
    for session in stuck:
        # Feeds the `memory_pending_stuck` metric: a memory still pending 2 minutes after the session ended.
        logs.warning(
            "memory stuck in pending; republished", event="memory_pending_stuck", sessionId=session.id
        )
        wiring.session_events().ended(session)
    return [s.id for s in stuck]
