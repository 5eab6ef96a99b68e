"""A value computed at most once per `ttl` seconds per instance, by one caller at a time.

For answers that are costly to compute and fine to be slightly stale (the health check): concurrent
callers wait for the one computation in flight instead of each starting their own.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class SingleFlightCache(Generic[T]):
    def __init__(self, compute: Callable[[], T], *, ttl: float, clock: Callable[[], float] = time.monotonic):
        self._compute = compute
        self._ttl = ttl
        self._clock = clock
        self._lock = threading.Lock()
        self._value: T | None = None
        self._at = float("-inf")
        self.computations = 0

    def get(self) -> T:
        with self._lock:  # held while computing: that is what makes it single-flight
            if self._value is None or self._clock() - self._at >= self._ttl:
                self._value = self._compute()
                self._at = self._clock()
                self.computations += 1
            return self._value
