"""Listeners in a process of their own, standing in for the app's clients on other devices.

Why not in the benchmark's process: the Python client handles each snapshot in Python while holding the
GIL (it re-sorts every document of the query on each snapshot), so an in-process listener slows the very
writes it times, and slows whichever side's collection holds more documents more. A client on a phone
pays none of that on the server's behalf. Arrival times are `time.perf_counter()` in the observer
process, which on Linux reads the system-wide monotonic clock, so they compare with the benchmark's.

Each collection target is watched as a window of its newest documents (`window`, ordered by a field),
as a transcript view shows them: the observer's own cost per snapshot then stays the same for both sides
however long the run is.
"""

from __future__ import annotations

import multiprocessing
import queue
import threading
import time
from dataclasses import dataclass
from typing import Any

from bench.arrivals import Arrivals
from bench.common import BenchError

READY_TIMEOUT_S = 30.0


@dataclass(frozen=True)
class Target:
    """A collection (newest `window` documents by `order_by`) or a single document to watch."""

    name: str
    path: str
    document: bool = False
    order_by: str = "createdAt"
    window: int = 20


def _watch(targets: list[Target], events: Any, stop: Any) -> None:
    """The observer process: one client, one listener per target, every arrival sent to the parent."""
    from google.cloud.firestore import Query

    from bench.common import bare_client

    client = bare_client()

    def on_collection(name: str) -> Any:
        def callback(docs: Any, changes: Any, read_time: Any) -> None:
            now = time.perf_counter()
            for change in changes:
                events.put((name, change.type.name, change.document.id, now))
            events.put((name, "SNAPSHOT", None, now))

        return callback

    def on_document(name: str) -> Any:
        def callback(docs: Any, changes: Any, read_time: Any) -> None:
            now = time.perf_counter()
            for doc in docs:
                events.put((name, "UPDATE", doc.update_time.timestamp(), now))
            events.put((name, "SNAPSHOT", None, now))

        return callback

    watches = []
    for target in targets:
        if target.document:
            watches.append(client.document(target.path).on_snapshot(on_document(target.name)))
        else:
            newest = (
                client.collection(target.path)
                .order_by(target.order_by, direction=Query.DESCENDING)
                .limit(target.window)
            )
            watches.append(newest.on_snapshot(on_collection(target.name)))
    stop.wait()
    for watch in watches:
        watch.unsubscribe()


class Observer:
    """`with Observer([...]) as arrivals:` watches the targets in a child process; `arrivals[name]` is
    the Arrivals of each target, fed as the child's callbacks happen."""

    def __init__(self, targets: list[Target]) -> None:
        self.targets = targets
        self.arrivals = {target.name: Arrivals() for target in targets}
        context = multiprocessing.get_context("spawn")
        self._events: Any = context.Queue()
        self._stop: Any = context.Event()
        self._process = context.Process(target=_watch, args=(targets, self._events, self._stop), daemon=True)
        self._drain = threading.Thread(target=self._deliver, daemon=True)
        self._running = True

    def _deliver(self) -> None:
        while self._running:
            try:
                name, kind, key, at = self._events.get(timeout=0.2)
            except queue.Empty:
                continue
            self.arrivals[name].record(kind, key, at)

    def __enter__(self) -> dict[str, Arrivals]:
        self._process.start()
        self._drain.start()
        for name, arrivals in self.arrivals.items():
            if not arrivals.wait(lambda a: a.snapshots > 0, timeout=READY_TIMEOUT_S):
                self.__exit__(None, None, None)
                raise BenchError(f"the observer's listener on {name} gave no initial snapshot")
        return self.arrivals

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._process.join(timeout=10)
        if self._process.is_alive():
            self._process.kill()
        self._running = False
        self._drain.join(timeout=2)
