"""Transactions that begin with their first read (backend/store/transactions.py), on the Firestore emulator:
two round trips instead of three, and the client library's own guarantees: reads inside the transaction,
concurrent writers serialised, a failed callable rolls back and writes nothing."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from backend.store.transactions import run_read_write
from tests.support.emulator import firestore_db
from tests.support.firestore_calls import FirestoreCalls


@pytest.fixture
def collection() -> Iterator[Any]:
    db = firestore_db()
    yield db.collection(f"txTests-{uuid.uuid4().hex[:12]}")


def test_read_then_write_costs_two_round_trips_and_commits(collection: Any) -> None:
    db = firestore_db()
    ref = collection.document("counter")
    ref.set({"n": 1})
    created = collection.document("created")

    def apply(transaction: Any, snapshots: list[Any]) -> int:
        (snapshot,) = snapshots
        value = int(snapshot.get("n"))
        transaction.update(ref, {"n": value + 1})
        transaction.create(created, {"from": value})
        return value

    with FirestoreCalls(db) as calls:
        assert run_read_write(db, [ref], apply, max_attempts=3) == 1
    assert dict(calls.counts) == {"batch_get_documents": 1, "commit": 1}
    assert ref.get().get("n") == 2
    assert created.get().to_dict() == {"from": 1}


def test_missing_documents_are_read_as_absent_in_order(collection: Any) -> None:
    db = firestore_db()
    present, absent = collection.document("present"), collection.document("absent")
    present.set({"x": 1})
    seen = run_read_write(
        db, [absent, present], lambda _t, snapshots: [s.exists for s in snapshots], max_attempts=1
    )
    assert seen == [False, True]


def test_a_failing_callable_rolls_back_writes_nothing_and_releases_the_lock(collection: Any) -> None:
    db = firestore_db()
    ref = collection.document("doc")
    ref.set({"n": 0})

    def fail(transaction: Any, snapshots: list[Any]) -> None:
        transaction.update(ref, {"n": 99})
        raise LookupError("decided not to commit")

    with pytest.raises(LookupError), FirestoreCalls(db) as calls:
        run_read_write(db, [ref], fail, max_attempts=3)
    assert calls.counts["commit"] == 0 and calls.counts["rollback"] == 1
    assert ref.get().get("n") == 0
    # The read lock is gone: a plain write right after does not wait for a transaction timeout.
    ref.update({"n": 1})
    assert ref.get().get("n") == 1


def test_concurrent_increments_are_serialised_and_none_is_lost(collection: Any) -> None:
    """Every increment that returns is counted exactly once, and one that gives up (contention: the
    emulator aborts a transaction whose lock another holds, as the client library sees too) counts none."""
    db = firestore_db()
    ref = collection.document("counter")
    ref.set({"n": 0})
    committed: list[int] = []
    gave_up: list[BaseException] = []

    def increment(transaction: Any, snapshots: list[Any]) -> None:
        transaction.update(ref, {"n": int(snapshots[0].get("n")) + 1})

    def work() -> None:
        for _ in range(4):
            try:
                run_read_write(db, [ref], increment, max_attempts=5)
                committed.append(1)
            except ValueError as exc:  # attempts exhausted, from the last Aborted
                gave_up.append(exc)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert committed, "no increment committed at all"
    assert all("attempts" in str(exc) for exc in gave_up)
    assert ref.get().get("n") == len(committed)
