"""Firestore-backed token reservation for the shared LeasedRateLimiter."""

from __future__ import annotations

import hashlib
import random
import time
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from shared.ratelimit import WINDOW_SECONDS

if TYPE_CHECKING:
    from google.cloud.firestore import Client

RATE_LIMITS = "rateLimits"
RESERVE_ATTEMPTS = 8


class ConflictError(Exception):
    """The shared counter kept changing under us; the limiter lets the request through."""


def reserve_tokens(db: Client, limit: int, key: str, window: int, wanted: int) -> int:
    """Take up to `wanted` tokens from the user's counter for `window`: 1 read + 1 write.

    Lock-free: the write is conditioned on the document being unchanged since the read (or still
    absent), and a lost race reads again. A transaction would wait on locks instead, and many first
    requests of one user arriving together would queue behind each other.
    """
    from google.api_core.exceptions import AlreadyExists, FailedPrecondition

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
