"""A cheap, in-process limit for requests nobody has authenticated (public routes, bad tokens).

Such requests cost work (a health probe, a token signature check) but must cost no storage write,
so unlike the per-user limiter this one keeps its counts in memory only: per client address and in
total, per instance and per minute. Per instance is enough for its job, bounding what one instance
spends on strangers; the number of instances is bounded by the deployment.
"""

from __future__ import annotations

import math
import threading
from collections import Counter
from collections.abc import Callable

from shared.errors import RateLimited

WINDOW_SECONDS = 60


class AnonymousLimiter:
    def __init__(self, *, per_address: int, total: int, clock: Callable[[], float]) -> None:
        self.per_address = per_address
        self.total = total
        self._clock = clock
        self._window = -1
        self._counts: Counter[str] = Counter()
        self._sum = 0
        self._lock = threading.Lock()

    def _roll(self, now: float) -> int:
        window = int(now // WINDOW_SECONDS)
        if window != self._window:
            self._window, self._counts, self._sum = window, Counter(), 0
        return window

    def _refuse(self, now: float, window: int) -> RateLimited:
        retry_after = max(1, math.ceil((window + 1) * WINDOW_SECONDS - now))
        return RateLimited(
            "Too many unauthenticated requests; retry later.",
            details={"windowSeconds": WINDOW_SECONDS},
            headers={"Retry-After": str(retry_after)},
        )

    def check(self, address: str) -> None:
        """Count one request from `address`; RateLimited when the address or the instance is over."""
        now = self._clock()
        with self._lock:
            window = self._roll(now)
            if self._counts[address] >= self.per_address or self._sum >= self.total:
                raise self._refuse(now, window)
            self._counts[address] += 1
            self._sum += 1
