"""Billable Firestore operations, counted at the gRPC API layer of one client.

Wraps the methods of `client._firestore_api` (the GAPIC client every reference, query, batch and
transaction of that client calls) and counts what Firestore bills:

- batch_get_documents: 1 read per document in the response (found or missing),
- run_query: 1 read per document returned, at least 1 per query,
- run_aggregation_query: 1 read per 1000 index entries (from a count result), at least 1,
- commit / batch_write: 1 write per write in the request (a transform inside a write is free),
- begin_transaction / rollback: free (counted as calls only).

Listeners (the `listen` stream) are not wrapped: the turn path does not use them.
"""

from __future__ import annotations

import math
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

_WRAPPED = ("batch_get_documents", "run_query", "run_aggregation_query", "commit", "batch_write")
_FREE = ("begin_transaction", "rollback")


@dataclass
class Ops:
    reads: int = 0
    writes: int = 0
    calls: Counter[str] = field(default_factory=Counter)
    # Time the caller spent blocked in these API methods (calls and stream reads), in seconds.
    rpc_seconds: float = 0.0

    @property
    def total(self) -> int:
        return self.reads + self.writes

    @property
    def round_trips(self) -> int:
        return sum(self.calls.values())


class OpCounter:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.ops = Ops()

    def reset(self) -> Ops:
        """Start a new count; returns the previous one."""
        with self._lock:
            previous, self.ops = self.ops, Ops()
        return previous

    def snapshot(self) -> Ops:
        with self._lock:
            return Ops(self.ops.reads, self.ops.writes, Counter(self.ops.calls), self.ops.rpc_seconds)

    def attach(self, client: Any) -> OpCounter:
        api = client._firestore_api
        for name in (*_WRAPPED, *_FREE):
            method = getattr(api, name)
            original = getattr(method, "__bench_original__", method)
            wrapper = self._wrap(name, original)
            wrapper.__bench_original__ = original  # type: ignore[attr-defined]
            setattr(api, name, wrapper)
        return self

    def _add(
        self, name: str, *, reads: int = 0, writes: int = 0, call: bool = False, seconds: float = 0.0
    ) -> None:
        with self._lock:
            self.ops.reads += reads
            self.ops.writes += writes
            self.ops.rpc_seconds += seconds
            if call:
                self.ops.calls[name] += 1

    def _wrap(self, name: str, original: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            writes = 0
            if name in ("commit", "batch_write"):
                writes = _write_count(kwargs.get("request", args[0] if args else None))
            started = time.perf_counter()
            try:
                response = original(*args, **kwargs)
            finally:
                self._add(name, writes=writes, call=True, seconds=time.perf_counter() - started)
            if name in _WRAPPED and name not in ("commit", "batch_write"):
                return _CountingStream(self, name, response)
            return response

        return wrapper


def _write_count(request: Any) -> int:
    if request is None:
        return 0
    writes = request.get("writes") if isinstance(request, dict) else getattr(request, "writes", None)
    return len(writes or ())


class _CountingStream:
    """Proxies a server-streaming response iterator, counting billable reads as responses arrive."""

    def __init__(self, counter: OpCounter, name: str, stream: Any) -> None:
        self._counter = counter
        self._name = name
        self._stream = stream
        self._documents = 0
        self._aggregate_reads = 0
        self._closed = False

    def __iter__(self) -> Iterator[Any]:
        return self

    def __next__(self) -> Any:
        started = time.perf_counter()
        try:
            response = next(self._stream)
        except StopIteration:
            self._close()
            raise
        finally:
            self._counter._add(self._name, seconds=time.perf_counter() - started)
        pb = type(response).pb(response)
        if self._name == "run_aggregation_query":
            if pb.HasField("result"):
                self._aggregate_reads += _aggregation_reads(pb.result)
        elif _carries_document(self._name, pb):
            self._documents += 1
            self._counter._add(self._name, reads=1)
        return response

    def _close(self) -> None:
        if self._closed:
            return
        self._closed = True
        if self._name == "run_query" and self._documents == 0:
            self._counter._add(self._name, reads=1)  # a query that returns nothing costs one read
        elif self._name == "run_aggregation_query":
            self._counter._add(self._name, reads=max(1, self._aggregate_reads))

    def __getattr__(self, attribute: str) -> Any:
        return getattr(self._stream, attribute)


def _carries_document(name: str, pb: Any) -> bool:
    if name == "batch_get_documents":  # found or missing: each requested document is billed
        return pb.WhichOneof("result") is not None
    return bool(pb.HasField("document"))


def _aggregation_reads(result: Any) -> int:
    """From a count aggregation (alias containing "count"); sums and averages alone cost the minimum."""
    counted = 0
    for alias, value in result.aggregate_fields.items():
        if "count" in alias.lower() and value.WhichOneof("value_type") == "integer_value":
            counted = max(counted, int(value.integer_value))
    return math.ceil(counted / 1000)
