"""Per-user rate limiting that holds across function instances without a write per request.

Each instance leases a block of tokens from a shared per-user, per-minute counter (one
transaction per block, in the storage adapter) and spends them locally. A denied window is
remembered locally, so requests over the limit cost no storage operation at all.
Leases grow with use: an instance's first lease of a window is one token, then 2, 4, ... up to
`lease_size`. Tokens leased by an instance that then goes idle are lost for that minute, so a fixed
lease of 10 let 10 fresh instances (the first concurrent requests of one user each start one) strand
90 of 100 tokens and refuse far below the limit. Growing leases keep that loss below what the instance
itself used (exact at low volume, where each instance serves a few requests) while a busy instance
still reserves only once per `lease_size` requests (cheap at high volume). Never late, at worst
slightly early.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from dataclasses import dataclass

from shared.errors import RateLimited

WINDOW_SECONDS = 60

# reserve(key, window, wanted) -> tokens granted (0..wanted) from the shared counter.
Reserve = Callable[[str, int, int], int]


@dataclass
class _Lease:
    window: int
    tokens: int
    exhausted: bool = False
    reserved: int = 0  # tokens this instance reserved in the window so far (the next lease doubles it)


class LeasedRateLimiter:
    def __init__(
        self,
        *,
        limit: int,
        lease_size: int,
        reserve: Reserve,
        clock: Callable[[], float],
        on_error: Callable[[Exception], None] | None = None,
    ) -> None:
        self.limit = limit
        self.lease_size = min(lease_size, limit)
        self._reserve = reserve
        self._clock = clock
        self._on_error = on_error
        self.reserve_failures = 0
        self._leases: dict[str, _Lease] = {}
        self._lock = threading.Lock()

    def check(self, key: str) -> None:
        now = self._clock()
        window = int(now // WINDOW_SECONDS)
        with self._lock:
            lease = self._leases.get(key)
            if lease is None or lease.window != window:
                lease = self._leases[key] = _Lease(window=window, tokens=0)
                self._forget_old(window)
            if lease.tokens == 0 and not lease.exhausted:
                wanted = min(self.lease_size, max(1, lease.reserved))
                try:
                    lease.tokens = self._reserve(key, window, wanted)
                except Exception as exc:
                    # The shared counter could not be reached or was contended: let this one request
                    # through rather than turn load into errors; the next request tries again.
                    self.reserve_failures += 1
                    if self._on_error is not None:
                        self._on_error(exc)
                    return
                lease.reserved += lease.tokens
                lease.exhausted = lease.tokens == 0
            if lease.tokens == 0:
                retry_after = max(1, math.ceil((window + 1) * WINDOW_SECONDS - now))
                raise RateLimited(
                    details={"limit": self.limit, "windowSeconds": WINDOW_SECONDS},
                    headers={"Retry-After": str(retry_after)},
                )
            lease.tokens -= 1

    def _forget_old(self, window: int) -> None:
        for key in [k for k, lease in self._leases.items() if lease.window < window]:
            del self._leases[key]
