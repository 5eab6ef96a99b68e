"""Firestore-backed token reservation for the shared LeasedRateLimiter."""

from __future__ import annotations

import hashlib
import time
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING

from backend import logs
from backend.clients import firestore_client
from shared.ratelimit import WINDOW_SECONDS, LeasedRateLimiter
from shared.settings import get_settings

if TYPE_CHECKING:
    from google.cloud.firestore import Transaction

RATE_LIMITS = "rateLimits"


def reserve_tokens(key: str, window: int, wanted: int) -> int:
    """Take up to `wanted` tokens from the user's counter for `window`; one transaction."""
    from google.cloud import firestore

    limit = get_settings().rate_limit_per_minute
    doc_id = f"{hashlib.sha256(key.encode()).hexdigest()[:32]}_{window}"
    ref = firestore_client().collection(RATE_LIMITS).document(doc_id)

    @firestore.transactional
    def run(transaction: Transaction) -> int:
        snapshot = ref.get(transaction=transaction)
        used = int((snapshot.to_dict() or {}).get("used", 0)) if snapshot.exists else 0
        granted = max(0, min(wanted, limit - used))
        if granted:
            window_end = datetime.fromtimestamp((window + 1) * WINDOW_SECONDS, UTC)
            # expiresAt is the TTL field (infra/ enables the policy), so counters clean themselves up.
            transaction.set(ref, {"used": used + granted, "expiresAt": window_end + timedelta(minutes=5)})
        return granted

    return int(run(firestore_client().transaction()))


@lru_cache(maxsize=1)
def limiter() -> LeasedRateLimiter:
    settings = get_settings()
    return LeasedRateLimiter(
        limit=settings.rate_limit_per_minute,
        lease_size=settings.rate_limit_lease_size,
        reserve=_reserve_with_retries,
        clock=time.time,
        on_error=lambda exc: logs.warning("rate limit reservation failed", errorType=type(exc).__name__),
    )


def _reserve_with_retries(key: str, window: int, wanted: int) -> int:
    """Contended reservations (many first requests at once) are retried briefly before giving up."""
    from tenacity import Retrying, stop_after_attempt, wait_random_exponential

    for attempt in Retrying(
        stop=stop_after_attempt(3), wait=wait_random_exponential(multiplier=0.05, max=0.5), reraise=True
    ):
        with attempt:
            return reserve_tokens(key, window, wanted)
    raise AssertionError("unreachable: tenacity reraises the last error")
