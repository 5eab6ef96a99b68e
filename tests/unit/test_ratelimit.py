"""The leased per-user rate limiter, with an in-memory shared counter and a fake clock."""

from __future__ import annotations

import math
import random
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest

from shared.errors import RateLimited
from shared.ratelimit import WINDOW_SECONDS, LeasedRateLimiter

START = 1_000 * WINDOW_SECONDS  # the start of a window


class SharedCounter:
    """What the storage adapter does: grant up to `wanted` of the `limit` tokens per key and window."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.used: Counter[tuple[str, int]] = Counter()
        self.calls = 0
        self._lock = threading.Lock()

    def reserve(self, key: str, window: int, wanted: int) -> int:
        with self._lock:
            self.calls += 1
            granted = max(0, min(wanted, self.limit - self.used[(key, window)]))
            self.used[(key, window)] += granted
            return granted


class Clock:
    def __init__(self, now: float = START) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def make(
    limit: int, lease: int, counter: SharedCounter | None = None, clock: Clock | None = None
) -> LeasedRateLimiter:
    return LeasedRateLimiter(
        limit=limit,
        lease_size=lease,
        reserve=(counter or SharedCounter(limit)).reserve,
        clock=clock or Clock(),
    )


def allowed(limiter: LeasedRateLimiter, key: str) -> bool:
    try:
        limiter.check(key)
    except RateLimited:
        return False
    return True


def drain(limiter: LeasedRateLimiter, key: str, attempts: int) -> int:
    return sum(allowed(limiter, key) for _ in range(attempts))


CONFIGS = [(1, 1), (10, 3), (10, 10), (7, 20), (100, 10), (100, 7)]


@pytest.mark.parametrize(("limit", "lease"), CONFIGS)
def test_exactly_limit_requests_per_window_for_one_key(limit: int, lease: int) -> None:
    limiter = make(limit, lease)
    for _ in range(limit):
        limiter.check("u1")
    with pytest.raises(RateLimited):
        limiter.check("u1")


@pytest.mark.parametrize(("limit", "lease"), CONFIGS)
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_instances_sharing_a_counter_never_exceed_the_limit(limit: int, lease: int, seed: int) -> None:
    counter = SharedCounter(limit)
    clock = Clock()
    instances = [make(limit, lease, counter, clock) for _ in range(3)]
    rng = random.Random(seed)
    granted = sum(allowed(rng.choice(instances), "u1") for _ in range(limit * 4))
    assert granted <= limit
    # Instances that keep being asked use up what they leased, so nothing is lost either.
    granted += sum(drain(instance, "u1", limit) for instance in instances)
    assert granted == limit


@pytest.mark.parametrize(("limit", "lease"), CONFIGS)
def test_reserve_is_called_once_per_lease_not_per_request(limit: int, lease: int) -> None:
    counter = SharedCounter(limit)
    limiter = make(limit, lease, counter)
    for _ in range(limit):
        limiter.check("u1")
    # Leases grow 1, 1, 2, 4, ... up to `lease`: a few extra reservations while they grow, then one per lease.
    ramp = math.ceil(math.log2(min(lease, limit))) + 1
    assert counter.calls <= math.ceil(limit / min(lease, limit)) + ramp


def test_many_fresh_instances_of_one_user_are_not_refused_below_the_limit() -> None:
    """20 concurrent first requests of one user land on 20 fresh instances (limit 100, lease 10):
    none is refused, and no instance strands more than it used."""
    counter = SharedCounter(100)
    clock = Clock()
    instances = [make(100, 10, counter, clock) for _ in range(20)]
    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(lambda instance: allowed(instance, "u1"), instances))
    assert all(results)
    assert counter.used[("u1", int(START // WINDOW_SECONDS))] == 20


def test_growing_leases_strand_at_most_what_each_instance_used() -> None:
    counter = SharedCounter(100)
    clock = Clock()
    instances = [make(100, 10, counter, clock) for _ in range(10)]
    for index, instance in enumerate(instances):
        drain(instance, "u1", index % 4 + 1)  # a handful of requests each, then the instances go idle
    used = sum(index % 4 + 1 for index in range(10))
    reserved = counter.used[("u1", int(START // WINDOW_SECONDS))]
    assert used <= reserved <= 2 * used
    late = make(100, 10, counter, clock)
    assert drain(late, "u1", 200) == 100 - reserved


def test_denied_requests_cost_no_further_reservations() -> None:
    counter = SharedCounter(10)
    clock = Clock()
    limiter = make(10, 5, counter, clock)
    assert drain(limiter, "u1", 11) == 10
    calls = counter.calls
    clock.now += WINDOW_SECONDS - 1  # still the same window
    assert drain(limiter, "u1", 50) == 0
    assert counter.calls == calls


@pytest.mark.parametrize(
    ("offset", "retry_after"),
    [(0.0, 60), (0.5, 60), (17.2, 43), (30.0, 30), (59.0, 1), (59.5, 1), (59.999, 1)],
)
def test_rate_limited_is_429_with_retry_after_until_the_window_ends(offset: float, retry_after: int) -> None:
    clock = Clock(START + offset)
    limiter = make(2, 1, clock=clock)
    limiter.check("u1")
    limiter.check("u1")
    with pytest.raises(RateLimited) as caught:
        limiter.check("u1")
    error = caught.value
    assert error.http_status == 429
    assert error.code == "RATE_LIMITED"
    assert error.headers == {"Retry-After": str(retry_after)}


def test_a_new_window_allows_requests_again() -> None:
    counter = SharedCounter(5)
    clock = Clock()
    limiter = make(5, 2, counter, clock)
    assert drain(limiter, "u1", 8) == 5
    clock.now = START + WINDOW_SECONDS
    assert drain(limiter, "u1", 8) == 5
    clock.now = START + 5 * WINDOW_SECONDS + 0.1
    assert drain(limiter, "u1", 8) == 5


def test_keys_are_independent() -> None:
    limiter = make(5, 2)
    assert drain(limiter, "u1", 10) == 5
    assert drain(limiter, "u2", 10) == 5
    assert not allowed(limiter, "u1")


def test_concurrent_requests_on_one_instance_stay_within_the_limit() -> None:
    counter = SharedCounter(100)
    limiter = make(100, 10, counter)
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda _: allowed(limiter, "u1"), range(400)))
    assert sum(results) == 100


def test_an_unreachable_counter_lets_requests_through_and_reports_it() -> None:
    from shared.ratelimit import LeasedRateLimiter

    errors: list[Exception] = []
    calls = {"n": 0}

    def broken(key: str, window: int, wanted: int) -> int:
        calls["n"] += 1
        raise ConnectionError("counter down")

    limiter = LeasedRateLimiter(
        limit=5, lease_size=5, reserve=broken, clock=lambda: 1000.0, on_error=errors.append
    )
    for _ in range(3):
        limiter.check("user")  # no RateLimited, no crash
    assert limiter.reserve_failures == 3 and len(errors) == 3
    assert calls["n"] == 3, "each request tries the counter again; nothing is cached as exhausted"
