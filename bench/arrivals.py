"""What a Firestore listener saw and when: the listener benches' one recorder (`listener`, `rooms`).

Times are `time.perf_counter()` at the callback, so a sample is "from just before the write call to the
callback that carries the document"."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

from bench.common import BenchError

TIMEOUT_S = 10.0


class Arrivals:
    """First arrival per document id and modifications (a collection listener), or update times (a
    document listener), with waits on any of them."""

    def __init__(self) -> None:
        self.seen: dict[str, float] = {}
        self.modified: Counter[str] = Counter()
        self.updates: list[float] = []
        self.snapshots = 0
        self._cond = threading.Condition()

    def on_collection(self, docs: Any, changes: Any, read_time: Any) -> None:
        now = time.perf_counter()
        with self._cond:
            self.snapshots += 1
            for change in changes:
                if change.type.name == "ADDED":
                    self.seen.setdefault(change.document.id, now)
                elif change.type.name == "MODIFIED":
                    self.modified[change.document.id] += 1
            self._cond.notify_all()

    def on_document(self, docs: Any, changes: Any, read_time: Any) -> None:
        with self._cond:
            self.snapshots += 1
            self.updates.extend(doc.update_time.timestamp() for doc in docs)
            self._cond.notify_all()

    def wait(self, predicate: Callable[[Arrivals], bool], timeout: float = TIMEOUT_S) -> bool:
        with self._cond:
            return bool(self._cond.wait_for(lambda: predicate(self), timeout=timeout))

    def wait_first_snapshot(self) -> None:
        if not self.wait(lambda arrivals: arrivals.snapshots > 0):
            raise BenchError("listener gave no initial snapshot")

    def wait_for(self, doc_id: str) -> float:
        """When `doc_id` first arrived; BenchError if it has not within TIMEOUT_S."""
        if not self.wait(lambda arrivals: doc_id in arrivals.seen):
            raise BenchError(f"listener never saw {doc_id} within {TIMEOUT_S:g} s")
        return self.seen[doc_id]
