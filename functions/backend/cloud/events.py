"""What the session store announces after a change commits (the `SessionEvents` port), carried by
Pub/Sub and Cloud Tasks. Nothing here raises into a request: a lost announcement is repaired later (the
sweep republishes a pending memory; the next message asks for a stats flush again)."""

from __future__ import annotations

import math
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from functools import lru_cache

from backend import logs
from backend.cloud import tasks
from backend.cloud.names import SESSION_ENDED_TOPIC, STATS_FLUSH_QUEUE
from backend.cloud.pubsub import publish
from shared.models.sessions import Session
from shared.sessions.ports import SessionEvents
from shared.settings import Settings


class CloudSessionEvents(SessionEvents):
    """`ended` publishes `session.ended`; `messages_changed` plans one stats-flush task per interval.

    The asks of one interval share one Cloud Task (a deterministic task id: Cloud Tasks refuses a second
    task with the same id), so the session document is written at most about once per
    `stats_flush_interval_seconds`, whatever the message rate or number of instances."""

    def __init__(self, *, settings: Settings) -> None:
        self.settings = settings
        self._requested: dict[str, int] = {}
        self._lock = threading.Lock()

    def ended(self, session: Session) -> None:
        payload = {"type": "session.ended", "sessionId": session.id, "userId": session.user_id}
        try:
            publish(SESSION_ENDED_TOPIC, payload)
        except Exception as exc:  # the session stays `pending`; the sweep publishes it again
            logs.error("session.ended not published", sessionId=session.id, errorType=type(exc).__name__)

    def messages_changed(self, session_id: str) -> None:
        interval = self.settings.stats_flush_interval_seconds
        bucket = math.floor(time.time() / interval) + 1
        with self._lock:
            if self._requested.get(session_id, -1) >= bucket:
                return
            self._requested[session_id] = bucket
            if len(self._requested) > 10_000:
                self._requested.clear()
        _pool().submit(_enqueue_flush, session_id, bucket, interval)


@lru_cache(maxsize=1)
def _pool() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=2, thread_name_prefix="stats-enqueue")


def _enqueue_flush(session_id: str, bucket: int, interval: float) -> None:

    not_before = bucket * interval
    try:
        tasks.enqueue(
            STATS_FLUSH_QUEUE,
            {"sessionId": session_id, "notBefore": not_before},
            task_id=f"stats-{session_id}-{bucket}",
            schedule_time=datetime.fromtimestamp(not_before, UTC),
        )
    except Exception as exc:  # aggregates are recomputed by the next flush; never fail a message
        logs.warning("stats flush not enqueued", sessionId=session_id, errorType=type(exc).__name__)
