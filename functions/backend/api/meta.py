"""Public endpoints: avatars, health and the OpenAPI document (function `meta_api`)."""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from functools import lru_cache

from backend.ai import health as model_probes
from backend.cloud import health as probes
from backend.http.routing import API_PREFIX, Call, Response, Route
from backend.http.single_flight import SingleFlightCache
from shared.avatars import load_avatars
from shared.models.users import AvatarsResponse, HealthCheck, HealthResponse
from shared.settings import get_settings

GROUP = "meta"


def avatars(call: Call) -> AvatarsResponse:
    return AvatarsResponse(avatars=list(load_avatars(get_settings().avatars_file)))


def _timed(check: Callable[[], str | None]) -> HealthCheck:
    started = time.perf_counter()
    try:
        detail = check()
    except Exception as exc:  # a health check reports failures, it never raises them
        return HealthCheck(status="down", detail=type(exc).__name__)
    latency = round((time.perf_counter() - started) * 1000, 1)
    status = "offline_default" if detail else "ok"
    return HealthCheck(status=status, latency_ms=latency, detail=detail)


@lru_cache(maxsize=1)
def _health_cache() -> SingleFlightCache[Response]:
    return SingleFlightCache(_probe, ttl=get_settings().health_cache_seconds)


def health(call: Call) -> Response:
    """The last probe's answer, probed again at most every `health_cache_seconds` per instance: the
    route is public, and each probe reads Firestore, lists topics and may call the AI provider."""
    return _health_cache().get()


def _probe() -> Response:
    checks = {
        "firestore": probes.firestore,
        "pubsub": probes.pubsub,
        "ai": model_probes.ai,
        "memory": model_probes.memory,
    }
    results: dict[str, HealthCheck] = {}
    with ThreadPoolExecutor(max_workers=len(checks)) as pool:
        futures = {name: pool.submit(_timed, check) for name, check in checks.items()}
        for name, future in futures.items():
            try:
                results[name] = future.result(timeout=probes.CHECK_TIMEOUT_SECONDS + 1)
            except FutureTimeout:
                results[name] = HealthCheck(status="down", detail="timed out")
    if results["firestore"].status == "down":
        overall = "unhealthy"
    elif any(check.status == "down" for check in results.values()):
        overall = "degraded"
    else:
        overall = "healthy"
    body = HealthResponse(status=overall, checks=results)
    return Response(body=body.wire(), status=503 if overall == "unhealthy" else 200)


ROUTES: tuple[Route, ...] = (
    Route(
        "GET",
        f"{API_PREFIX}/avatars",
        avatars,
        "The configured avatars",
        GROUP,
        AvatarsResponse,
        access="public",
        rate_limited=False,
    ),
    Route(
        "GET",
        f"{API_PREFIX}/health",
        health,
        "Health of Firestore, Pub/Sub and the AI provider",
        GROUP,
        HealthResponse,
        access="public",
        rate_limited=False,
        other_statuses=(503,),
    ),
)
