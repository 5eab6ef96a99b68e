"""Every deployed entry point. Thin: each function hands its request to the shared dispatcher."""

from __future__ import annotations

from typing import Any

import flask
from firebase_functions import https_fn, options, pubsub_fn, scheduler_fn, tasks_fn

from backend.api import routes_for
from backend.http.dispatch import dispatch

options.set_global_options(region="us-central1", max_instances=20)


# sessions_api and users_api embed text (a returning user's opening message, a memory search): the
# offline model's weights (~90 MB in NumPy) need more than the default 256 MiB.
@https_fn.on_request(memory=options.MemoryOption.MB_512)
def sessions_api(req: flask.Request) -> flask.Response:
    """/api/v1/sessions, /api/v1/sessions/** and /api/v1/ai/chat"""
    return dispatch(routes_for("sessions"), req)


@https_fn.on_request(memory=options.MemoryOption.MB_512)
def users_api(req: flask.Request) -> flask.Response:
    """/api/v1/user/**"""
    return dispatch(routes_for("users"), req)


@https_fn.on_request()
def admin_api(req: flask.Request) -> flask.Response:
    """/api/v1/admin/**"""
    return dispatch(routes_for("admin"), req)


@https_fn.on_request()
def rooms_api(req: flask.Request) -> flask.Response:
    """/api/v1/rooms, /api/v1/rooms/** (multi-party rooms, backend/api/rooms.py)"""
    return dispatch(routes_for("rooms"), req)


@https_fn.on_request()
def safety_api(req: flask.Request) -> flask.Response:
    """/api/v1/safety/**"""
    return dispatch(routes_for("safety"), req)


@https_fn.on_request()
def meta_api(req: flask.Request) -> flask.Response:
    """/api/v1/avatars, /api/v1/health, /api/v1/openapi.json"""
    return dispatch(routes_for("meta"), req)


@tasks_fn.on_task_dispatched(
    retry_config=options.RetryConfig(max_attempts=3, min_backoff_seconds=1),
    rate_limits=options.RateLimits(max_concurrent_dispatches=50),
)
# Task-queue ids allow only letters, digits and hyphens, so task functions are named in camelCase.
def flushSessionStats(req: Any) -> None:  # noqa: N802
    """Recompute a session's aggregates (messageCount, tokens, response time, lastMessageAt); idempotent."""
    from backend.stats import flush

    data = req.data or {}
    flush(str(data["sessionId"]), not_before=float(data.get("notBefore") or 0) or None)


# Timer tasks carry their due time. Cloud Tasks delivers them on time; the Tasks emulator delivers at
# once, and then the handler answers "not due yet" (400, quietly: an HttpsError is not logged as a crash)
# and the queue retries with backoff capped at the handler's sleep window (backend/timers.py), for as
# long as a session or a schedule can last.
_TIMER_RETRY = options.RetryConfig(
    max_attempts=30,
    min_backoff_seconds=1,
    max_backoff_seconds=10,
    max_doublings=4,
    max_retry_seconds=3 * 3600,
)
_SCHEDULE_RETRY = options.RetryConfig(
    max_attempts=30,
    min_backoff_seconds=1,
    max_backoff_seconds=10,
    max_doublings=4,
    max_retry_seconds=24 * 3600,
)


def _timer(handler: Any, req: Any) -> None:
    from backend.timers import NotDueYet

    try:
        handler(req.data or {})
    except NotDueYet as early:
        raise https_fn.HttpsError(https_fn.FunctionsErrorCode.FAILED_PRECONDITION, str(early)) from None


@tasks_fn.on_task_dispatched(
    retry_config=_TIMER_RETRY, rate_limits=options.RateLimits(max_concurrent_dispatches=200)
)
def sessionTimer(req: Any) -> None:  # noqa: N802
    """End a session at its planned duration or when its credits run out; the low-credit warning."""
    from backend.jobs import session_timer

    _timer(session_timer, req)


@tasks_fn.on_task_dispatched(
    retry_config=_SCHEDULE_RETRY, rate_limits=options.RateLimits(max_concurrent_dispatches=200)
)
def sessionReminder(req: Any) -> None:  # noqa: N802
    """Remind the user of a scheduled session (notification document + FCM); stale ones no-op."""
    from backend.jobs import session_reminder

    _timer(session_reminder, req)


@tasks_fn.on_task_dispatched(
    retry_config=_SCHEDULE_RETRY, rate_limits=options.RateLimits(max_concurrent_dispatches=200)
)
def sessionMissed(req: Any) -> None:  # noqa: N802
    """A scheduled session not started within the grace window becomes `missed`."""
    from backend.jobs import session_missed

    _timer(session_missed, req)


@tasks_fn.on_task_dispatched(
    retry_config=options.RetryConfig(max_attempts=3, min_backoff_seconds=1),
    rate_limits=options.RateLimits(max_concurrent_dispatches=50),
)
def flushRoomStats(req: Any) -> None:  # noqa: N802
    """Recompute a room's aggregates (lineCount, lastActivityAt), at most about once a second; idempotent."""
    from backend.room_jobs import flush

    data = req.data or {}
    flush(str(data["roomId"]), not_before=float(data.get("notBefore") or 0) or None)


@tasks_fn.on_task_dispatched(
    retry_config=_TIMER_RETRY, rate_limits=options.RateLimits(max_concurrent_dispatches=200)
)
def roomTimer(req: Any) -> None:  # noqa: N802
    """A room phase's end (advance, idempotent) or a dropped participant's grace end."""
    from backend.room_jobs import room_timer

    _timer(room_timer, req)


@scheduler_fn.on_schedule(schedule="every 5 minutes")
def sweep_idle_rooms(event: Any) -> None:
    """End waiting and active rooms without activity for SESSIONS_ROOM_IDLE_TIMEOUT_SECONDS."""
    from backend.room_jobs import sweep_idle_rooms as sweep

    sweep()


@scheduler_fn.on_schedule(schedule="every 5 minutes")
def sweep_idle_sessions(event: Any) -> None:
    """End live sessions without a heartbeat for SESSIONS_IDLE_TIMEOUT_SECONDS (reason `idle`)."""
    from backend.jobs import sweep_idle_sessions as sweep

    sweep()


@pubsub_fn.on_message_published(topic="safety-assessments")
def safety_assess(event: Any) -> None:
    """Deep assessment of a message screened ELEVATED_CONCERN or higher; may only raise the level."""
    from backend.safety_assess import assess

    assess(event.data.message.json)


# With an OpenAI key a memory waits on a chat call and an embedding call, with retries: allow 5 minutes.
@pubsub_fn.on_message_published(topic="session-ended", memory=options.MemoryOption.MB_512, timeout_sec=300)
def session_memory(event: Any) -> None:
    """`session.ended`: write the session's memory (summary, topics, emotions, next steps, embedding)."""
    from backend.session_memory import write_memory

    write_memory(str(event.data.message.json["sessionId"]))
