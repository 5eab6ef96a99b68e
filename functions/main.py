"""Every deployed entry point, grouped by trigger family: HTTP APIs, task queues, schedules, Pub/Sub.

Thin: each parses its SDK-typed event and hands it to the request pipeline (backend/http) or a trigger
handler (backend/triggers). Handlers import lazily so that a cold start loads only what its function
uses; topic and queue names come from one module (backend/cloud/names.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import flask
from firebase_functions import https_fn, options, params, pubsub_fn, scheduler_fn, tasks_fn
from firebase_functions.core import CloudEvent
from firebase_functions.https_fn import CallableRequest

from backend.api import GroupRoutes
from backend.cloud.names import SAFETY_ASSESSMENTS_TOPIC, SESSION_ENDED_TOPIC
from backend.http.dispatch import dispatch

# One region for every function and task queue, from functions/.env.PROJECT (firebase-tools resolves the
# param at deploy and sets it in the functions' environment, where settings.region reads it). Hosting
# rewrites name the region literally: `make deploy-check` proves they match.
REGION = params.StringParam("SESSIONS_REGION", default="us-central1")
# Bound to every function that can reach OpenAI (`make deploy-check` derives which from the imports).
OPENAI = ["OPENAI_API_KEY"]
options.set_global_options(region=REGION, max_instances=20)  # type: ignore[arg-type]


def _account(name: str) -> str:
    """Each function runs as its own least-privilege account (infra/iac/resources.py), not Editor."""
    return f"{name}@"  # firebase-tools completes NAME@ with PROJECT.iam.gserviceaccount.com


# -- HTTP APIs (Hosting rewrites /api/v1/** to these; see firebase.json) ----------------------------


# sessions_api and users_api embed text (a returning user's opening message, a memory search): the
# offline model's weights (~90 MB in NumPy) need more than the default 256 MiB.
@https_fn.on_request(
    memory=options.MemoryOption.MB_512, secrets=OPENAI, service_account=_account("sessions-api")
)
def sessions_api(req: flask.Request) -> flask.Response:
    """/api/v1/sessions, /api/v1/sessions/** and /api/v1/ai/chat"""
    return dispatch(GroupRoutes("sessions"), req)


@https_fn.on_request(
    memory=options.MemoryOption.MB_512, secrets=OPENAI, service_account=_account("users-api")
)
def users_api(req: flask.Request) -> flask.Response:
    """/api/v1/user/**"""
    return dispatch(GroupRoutes("users"), req)


@https_fn.on_request(secrets=OPENAI, service_account=_account("admin-api"))
def admin_api(req: flask.Request) -> flask.Response:
    """/api/v1/admin/**"""
    return dispatch(GroupRoutes("admin"), req)


@https_fn.on_request(secrets=OPENAI, service_account=_account("rooms-api"))
def rooms_api(req: flask.Request) -> flask.Response:
    """/api/v1/rooms, /api/v1/rooms/** (multi-party rooms, backend/api/rooms.py)"""
    return dispatch(GroupRoutes("rooms"), req)


@https_fn.on_request(service_account=_account("safety-api"))
def safety_api(req: flask.Request) -> flask.Response:
    """/api/v1/safety/**"""
    return dispatch(GroupRoutes("safety"), req)


@https_fn.on_request(secrets=OPENAI, service_account=_account("meta-api"))
def meta_api(req: flask.Request) -> flask.Response:
    """/api/v1/avatars, /api/v1/health, /api/v1/openapi.json"""
    return dispatch(GroupRoutes("meta"), req)


# -- Task queues (Cloud Tasks) ---------------------------------------------------------------------
# Task-queue ids allow only letters, digits and hyphens, so task functions are named in camelCase.
# Timer tasks carry their due time. Cloud Tasks delivers them on time; the Tasks emulator delivers at
# once, and then the handler answers "not due yet" (400, quietly: an HttpsError is not logged as a crash)
# and the queue retries with backoff capped at the handler's sleep window (backend/cloud/timers.py), for
# as long as a session or a schedule can last.
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
TaskRequest = CallableRequest[Any]


def _timer(handler: Callable[[dict[str, Any]], None], req: TaskRequest) -> None:
    from backend.cloud.timers import NotDueYet

    try:
        handler(req.data or {})
    except NotDueYet as early:
        raise https_fn.HttpsError(https_fn.FunctionsErrorCode.FAILED_PRECONDITION, str(early)) from None


@tasks_fn.on_task_dispatched(
    retry_config=options.RetryConfig(max_attempts=3, min_backoff_seconds=1),
    rate_limits=options.RateLimits(max_concurrent_dispatches=50),
    service_account=_account("stats-tasks"),
)
def flushSessionStats(req: TaskRequest) -> None:  # noqa: N802
    """Recompute a session's aggregates (messageCount, tokens, response time, lastMessageAt); idempotent."""
    from backend.triggers.stats import flush

    data = req.data or {}
    flush(str(data["sessionId"]), not_before=float(data.get("notBefore") or 0) or None)


@tasks_fn.on_task_dispatched(
    retry_config=_TIMER_RETRY,
    rate_limits=options.RateLimits(max_concurrent_dispatches=200),
    service_account=_account("session-tasks"),
)
def sessionTimer(req: TaskRequest) -> None:  # noqa: N802
    """End a session at its planned duration or when its credits run out; the low-credit warning."""
    from backend.triggers.timers import session_timer

    _timer(session_timer, req)


@tasks_fn.on_task_dispatched(
    retry_config=_SCHEDULE_RETRY,
    rate_limits=options.RateLimits(max_concurrent_dispatches=200),
    service_account=_account("session-tasks"),
)
def sessionReminder(req: TaskRequest) -> None:  # noqa: N802
    """Remind the user of a scheduled session (notification document + FCM); stale ones no-op."""
    from backend.triggers.timers import session_reminder

    _timer(session_reminder, req)


@tasks_fn.on_task_dispatched(
    retry_config=_SCHEDULE_RETRY,
    rate_limits=options.RateLimits(max_concurrent_dispatches=200),
    service_account=_account("session-tasks"),
)
def sessionMissed(req: TaskRequest) -> None:  # noqa: N802
    """A scheduled session not started within the grace window becomes `missed`."""
    from backend.triggers.timers import session_missed

    _timer(session_missed, req)


@tasks_fn.on_task_dispatched(
    retry_config=_TIMER_RETRY,
    rate_limits=options.RateLimits(max_concurrent_dispatches=200),
    service_account=_account("session-tasks"),
)
def sessionNotice(req: TaskRequest) -> None:  # noqa: N802
    """The "you are talking to an AI" notice at a session's start and every few hours of it; for a
    minor, a break reminder too (companion-chatbot laws; docs/safety.md)."""
    from backend.triggers.notices import session_notice

    _timer(session_notice, req)


@tasks_fn.on_task_dispatched(
    retry_config=options.RetryConfig(max_attempts=3, min_backoff_seconds=1),
    rate_limits=options.RateLimits(max_concurrent_dispatches=50),
    service_account=_account("room-tasks"),
)
def flushRoomStats(req: TaskRequest) -> None:  # noqa: N802
    """Recompute a room's aggregates (lineCount, lastActivityAt), at most about once a second; idempotent."""
    from backend.triggers.room_stats import flush

    data = req.data or {}
    flush(str(data["roomId"]), not_before=float(data.get("notBefore") or 0) or None)


@tasks_fn.on_task_dispatched(
    retry_config=_TIMER_RETRY,
    rate_limits=options.RateLimits(max_concurrent_dispatches=200),
    secrets=OPENAI,
    service_account=_account("room-tasks"),
)
def roomTimer(req: TaskRequest) -> None:  # noqa: N802
    """A room phase's end (advance, idempotent) or a dropped participant's grace end."""
    from backend.triggers.rooms import room_timer

    _timer(room_timer, req)


# -- Schedules (Cloud Scheduler) -------------------------------------------------------------------


@scheduler_fn.on_schedule(schedule="every 5 minutes", secrets=OPENAI, service_account=_account("room-jobs"))
def sweep_idle_rooms(event: scheduler_fn.ScheduledEvent) -> None:
    """End waiting and active rooms without activity for SESSIONS_ROOM_IDLE_TIMEOUT_SECONDS."""
    from backend.triggers.rooms import sweep_idle_rooms as sweep

    sweep()


@scheduler_fn.on_schedule(schedule="every 5 minutes", service_account=_account("session-jobs"))
def sweep_idle_sessions(event: scheduler_fn.ScheduledEvent) -> None:
    """End live sessions without a heartbeat for SESSIONS_IDLE_TIMEOUT_SECONDS (reason `idle`), and
    publish `session.ended` again for memories stuck in `pending`."""
    from backend.triggers.sweeps import sweep_idle_sessions as sweep

    sweep()


@scheduler_fn.on_schedule(
    schedule="every day 03:00", timezone=options.Timezone("UTC"), service_account=_account("upkeep-jobs")
)
def purge_old_transcripts(event: scheduler_fn.ScheduledEvent) -> None:
    """Transcript retention: delete the messages of sessions ended over SESSIONS_TRANSCRIPT_RETENTION_DAYS ago."""
    from backend.triggers.upkeep import purge_expired_transcripts

    purge_expired_transcripts()


@scheduler_fn.on_schedule(schedule="every 1 minutes", service_account=_account("upkeep-jobs"))
def watch_crisis_alerts(event: scheduler_fn.ScheduledEvent) -> None:
    """Log every crisis alert still unacknowledged after 5 minutes (a log-based metric pages on-call)."""
    from backend.triggers.upkeep import log_unacknowledged_alerts

    log_unacknowledged_alerts()


@scheduler_fn.on_schedule(
    schedule="every day 00:30", timezone=options.Timezone("UTC"), service_account=_account("upkeep-jobs")
)
def rollup_daily_analytics(event: scheduler_fn.ScheduledEvent) -> None:
    """Roll up the two previous UTC days (a session started late yesterday may have ended only now)."""
    from backend.triggers.analytics import rollup_recent_days

    rollup_recent_days()


# -- Pub/Sub ---------------------------------------------------------------------------------------
PubSubEvent = CloudEvent[pubsub_fn.MessagePublishedData[Any]]


def _payload(event: PubSubEvent) -> dict[str, Any]:
    """The JSON object a message carries (our publishers send only objects; anything else is {})."""
    data = event.data.message.json
    return data if isinstance(data, dict) else {}


@pubsub_fn.on_message_published(
    topic=SAFETY_ASSESSMENTS_TOPIC, secrets=OPENAI, service_account=_account("safety-events")
)
def safety_assess(event: PubSubEvent) -> None:
    """Deep assessment of a message screened ELEVATED_CONCERN or higher; may only raise the level."""
    from backend.triggers.safety import assess

    assess(_payload(event))


# With an OpenAI key a memory waits on a chat call and an embedding call, with retries: allow 5 minutes.
@pubsub_fn.on_message_published(
    topic=SESSION_ENDED_TOPIC,
    memory=options.MemoryOption.MB_512,
    timeout_sec=300,
    secrets=OPENAI,
    service_account=_account("memory-events"),
)
def session_memory(event: PubSubEvent) -> None:
    """`session.ended`: write the session's memory (summary, topics, emotions, next steps, embedding).
    `room.ended`: the room's final summary and its consenting participants' memories."""
    payload = _payload(event)
    if payload.get("type") == "room.ended":
        from backend.triggers.room_memory import write_room_memories

        write_room_memories(str(payload["roomId"]))
        return
    from backend.triggers.memory import write_memory

    write_memory(str(payload["sessionId"]))
