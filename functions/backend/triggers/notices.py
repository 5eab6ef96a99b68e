"""The `sessionNotice` task: the companion-chatbot notices of an active session (shared/safety/notices.py).

Planned by `CloudTasksTimers` when a session becomes active (period 0: the start notice, at once) and by
each run for the next period, `SESSIONS_AI_NOTICE_INTERVAL_SECONDS` of active time later. A task planned
for an older timer generation (the session was paused, resumed or ended since) does nothing; a paused
session's notices resume with its next generation. Redelivery writes nothing twice (fixed message ids;
the next period's task id is fixed too, so Cloud Tasks refuses it a second time).
"""

from __future__ import annotations

from typing import Any

from backend import logs, wiring
from backend.cloud.names import AI_NOTICE_QUEUE
from backend.cloud.timers import wait_until_due
from backend.store import metering, notices
from shared.clock import utcnow
from shared.safety.notices import notice_index, notices_for
from shared.settings import get_settings


def session_notice(data: dict[str, Any]) -> None:
    db = wiring.db()
    settings = get_settings()
    session_id = str(data["sessionId"])
    generation = int(data["generation"])
    planned = int(data["index"])

    def stale() -> bool:
        return metering.load_timed_session(db, session_id, generation) is None

    if not wait_until_due(AI_NOTICE_QUEUE, data, is_stale=stale):
        return
    session = metering.load_timed_session(db, session_id, generation)
    if session is None:
        return
    now = utcnow()
    interval = settings.ai_notice_interval_seconds
    # Due now by the queue's clock; a late delivery writes the period it finds (never one ahead).
    index = max(planned, notice_index(session, now, interval))
    minor = notices.is_minor(db, session.user_id, settings)
    written = notices.write_notices(db, notices_for(session, index=index, minor=minor, now=now))
    if written:
        logs.info("session notices shown", sessionId=session_id, index=index, count=len(written))
    wiring.timers().plan_next_notice(session, after=index)
