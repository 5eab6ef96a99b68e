"""Public endpoints: avatars, health and the OpenAPI document (function `meta_api`)."""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from functools import lru_cache

from backend.clients import firestore_client
from backend.http.routing import API_PREFIX, Call, Response, Route
from backend.http.single_flight import SingleFlightCache
from shared.avatars import load_avatars
from shared.models.users import AvatarsResponse, HealthCheck, HealthResponse
from shared.settings import get_settings

GROUP = "meta"
CHECK_TIMEOUT_SECONDS = 3.0


def avatars(call: Call) -> AvatarsResponse:
    return AvatarsResponse(avatars=list(load_avatars(get_settings().avatars_file)))


def _check_firestore() -> str | None:
    firestore_client().collection("_health").document("probe").get(timeout=CHECK_TIMEOUT_SECONDS)
    return None


def _check_pubsub() -> str | None:
    from google.cloud import pubsub_v1  # type: ignore[attr-defined]

    publisher = pubsub_v1.PublisherClient()
    request = {"project": f"projects/{get_settings().project_id}", "page_size": 1}
    next(iter(publisher.list_topics(request=request, timeout=CHECK_TIMEOUT_SECONDS)), None)
    return None


def _check_ai() -> str | None:
    settings = get_settings()
    if not settings.openai_api_key:
        return "offline default responder (no OPENAI_API_KEY): no network model is used"
    from openai import OpenAI

    client = OpenAI(
        api_key=settings.openai_api_key, base_url=settings.openai_base_url, timeout=CHECK_TIMEOUT_SECONDS
    )
    client.models.list()
    return None


def _check_memory() -> str | None:
    settings = get_settings()
    if settings.openai_api_key or settings.openai_base_url:
        return None
    from shared.memory.embedding import find_model_dir

    find_model_dir()  # raises (→ down) when the bundled model is missing
    return (
        "offline default memory models (no OPENAI_API_KEY): extractive summaries, all-MiniLM-L6-v2 in NumPy"
    )


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
        "firestore": _check_firestore,
        "pubsub": _check_pubsub,
        "ai": _check_ai,
        "memory": _check_memory,
    }
    results: dict[str, HealthCheck] = {}
    with ThreadPoolExecutor(max_workers=len(checks)) as pool:
        futures = {name: pool.submit(_timed, check) for name, check in checks.items()}
        for name, future in futures.items():
            try:
                results[name] = future.result(timeout=CHECK_TIMEOUT_SECONDS + 1)
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


def openapi(call: Call) -> Response:
    from backend.api import ROUTES
    from backend.http.openapi import build_openapi

    return Response(body=build_openapi(ROUTES))


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
    Route(
        "GET",
        f"{API_PREFIX}/openapi.json",
        openapi,
        "This OpenAPI document",
        GROUP,
        None,
        access="public",
        rate_limited=False,
    ),
)
