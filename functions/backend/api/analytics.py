"""`/api/v1/admin/analytics...`: seed 000's usage metrics by day and live figures (admins only)."""

from __future__ import annotations

from datetime import UTC, datetime

from backend import logs
from backend.http.routing import API_PREFIX, Call, Route
from backend.wiring import analytics
from shared.models.analytics import (
    AnalyticsRangeQuery,
    DailyAnalyticsResponse,
    LiveMetrics,
    RollupRequest,
    RollupResponse,
)

GROUP = "admin"


def daily(call: Call) -> DailyAnalyticsResponse:
    """Stored rollups only (one read per day): a day without one is listed in `missing`."""
    query: AnalyticsRangeQuery = call.query
    days, missing = analytics().read_range(query.start, query.end)
    return DailyAnalyticsResponse(days=days, missing=missing)


def rollup(call: Call) -> RollupResponse:
    """Back-fill: recompute the range's rollups from the sessions and messages (idempotent)."""
    body: RollupRequest = call.body
    days, changed = analytics().rollup_range(body.start, body.end)
    logs.info("analytics rolled up", start=body.start.isoformat(), end=body.end.isoformat(), changed=changed)
    return RollupResponse(days=days, changed=changed)


def live(call: Call) -> LiveMetrics:
    return analytics().live(now=datetime.now(UTC))


ROUTES: tuple[Route, ...] = (
    Route(
        "GET",
        f"{API_PREFIX}/admin/analytics/daily",
        daily,
        "Seed 000's usage metrics per UTC day (sessions started that day), from the daily rollups",
        GROUP,
        DailyAnalyticsResponse,
        query=AnalyticsRangeQuery,
        access="admin",
    ),
    Route(
        "POST",
        f"{API_PREFIX}/admin/analytics/rollup",
        rollup,
        "Recompute the daily rollups of a range of UTC days (back-fill; a re-run changes nothing)",
        GROUP,
        RollupResponse,
        body=RollupRequest,
        access="admin",
    ),
    Route(
        "GET",
        f"{API_PREFIX}/admin/analytics/live",
        live,
        "Live sessions, messages per second, AI response time and error rate over the last 5 minutes",
        GROUP,
        LiveMetrics,
        access="admin",
    ),
)
