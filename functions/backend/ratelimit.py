"""Firestore-backed token reservation for the shared LeasedRateLimiter."""

from __future__ import annotations

import hashlib
import random
import time
from datetime import UTC, datetime, timedelta
from functools import lru_cache

from backend import logs
from backend.clients import firestore_client
from shared.anonymous_limit import AnonymousLimiter
from shared.ratelimit import WINDOW_SECONDS, LeasedRateLimiter
from shared.settings import get_settings

RATE_LIMITS = "rateLimits"
RESERVE_ATTEMPTS = 8


class ConflictError(Exception):
    """The shared counter kept changing under us; the limiter lets the request through."""


def reserve_tokens(key: str, window: int, wanted: int) -> int:
    """Take up to `wanted` tokens from the user's counter for `window`: 1 read + 1 write.

    Lock-free: the write is conditioned on the document being unchanged since the read (or still
    absent), and a lost race reads again. A transaction would wait on locks instead, and many first
    requests of one user arriving together would queue behind each other.
    """
    from google.api_core.exceptions import AlreadyExists, FailedPrecondition

    db = firestore_client()
    limit = get_settings().rate_limit_per_minute
    doc_id = f"{hashlib.sha256(key.encode()).hexdigest()[:32]}_{window}"
    ref = db.collection(RATE_LIMITS).document(doc_id)
    # expiresAt is the TTL field (infra/ enables the policy), so counters clean themselves up.
    expires = datetime.fromtimestamp((window + 1) * WINDOW_SECONDS, UTC) + timedelta(minutes=5)
    for _ in range(RESERVE_ATTEMPTS):
        snapshot = ref.get()
        used = int((snapshot.to_dict() or {}).get("used", 0)) if snapshot.exists else 0
        granted = max(0, min(wanted, limit - used))
        if not granted:
            return 0
        data = {"used": used + granted, "expiresAt": expires}
        try:
            if snapshot.exists:
                ref.update(data, option=db.write_option(last_update_time=snapshot.update_time))
            else:
                ref.create(data)
        except (AlreadyExists, FailedPrecondition):
            time.sleep(random.uniform(0, 0.05))  # noqa: S311 - jitter, not security
            continue
        return granted
    raise ConflictError(f"rate-limit counter contended {RESERVE_ATTEMPTS} times")


@lru_cache(maxsize=1)
def anonymous_limiter() -> AnonymousLimiter:
    settings = get_settings()
    return AnonymousLimiter(
        per_address=settings.anonymous_rate_limit_per_minute,
        total=settings.anonymous_total_per_minute,
        clock=time.time,
    )


@lru_cache(maxsize=1)
def limiter() -> LeasedRateLimiter:
    settings = get_settings()
    return LeasedRateLimiter(
        limit=settings.rate_limit_per_minute,
        lease_size=settings.rate_limit_lease_size,
        reserve=reserve_tokens,
        clock=time.time,
        on_error=lambda exc: logs.warning("rate limit reservation failed", errorType=type(exc).__name__),
    )
