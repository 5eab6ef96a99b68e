"""What a Firestore listener saw and when: the listener benches' one recorder (`listener`, `rooms`), fed
by the observer process (bench/observer.py).

Times are `time.perf_counter()` at the callback, so a sample is "from just before the write call to the
callback that carries the document"."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from bench.common import BenchError

TIMEOUT_S = 10.0


class Arrivals:
    """First arrival per document id (a collection listener) or update times (a document listener),
    with waits on either."""

    def __init__(self) -> None:
        self.seen: dict[str, float] = {}
        self.updates: list[float] = []
        self.snapshots = 0
        self._cond = threading.Condition()

    def record(self, kind: str, key: Any, at: float) -> None:
        """One event from an observer process (bench/observer.py): `kind` is a change type (ADDED,
        MODIFIED, REMOVED) with a document id, UPDATE with a document's update time, or SNAPSHOT."""
        with self._cond:
            if kind == "SNAPSHOT":
                self.snapshots += 1
            elif kind == "ADDED":
                self.seen.setdefault(key, at)
            elif kind == "UPDATE":
                self.updates.append(key)
            self._cond.notify_all()

    def wait(self, predicate: Callable[[Arrivals], bool], timeout: float = TIMEOUT_S) -> bool:
        with self._cond:
            return bool(self._cond.wait_for(lambda: predicate(self), timeout=timeout))

    def wait_for(self, doc_id: str) -> float:
        """When `doc_id` first arrived; BenchError if it has not within TIMEOUT_S."""
        if not self.wait(lambda arrivals: doc_id in arrivals.seen):
            raise BenchError(f"listener never saw {doc_id} within {TIMEOUT_S:g} s")
        return self.seen[doc_id]
