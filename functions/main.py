"""Every deployed entry point. Thin: each function hands its request to the shared dispatcher."""

from __future__ import annotations

from typing import Any

import flask
from firebase_functions import https_fn, options, pubsub_fn, tasks_fn

from backend.api import routes_for
from backend.http.dispatch import dispatch

options.set_global_options(region="us-central1", max_instances=20)


@https_fn.on_request()
def sessions_api(req: flask.Request) -> flask.Response:
    """/api/v1/sessions and /api/v1/sessions/**"""
    return dispatch(routes_for("sessions"), req)


@https_fn.on_request()
def users_api(req: flask.Request) -> flask.Response:
    """/api/v1/user/**"""
    return dispatch(routes_for("users"), req)


@https_fn.on_request()
def admin_api(req: flask.Request) -> flask.Response:
    """/api/v1/admin/**"""
    return dispatch(routes_for("admin"), req)


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


@pubsub_fn.on_message_published(topic="safety-assessments")
def safety_assess(event: Any) -> None:
    """Deep assessment of a message screened ELEVATED_CONCERN or higher; may only raise the level."""
    from backend.safety_assess import assess

    assess(event.data.message.json)
