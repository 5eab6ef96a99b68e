"""Committing lifecycle changes: in a transaction, or as one optimistic atomic commit.

Charges and grants are optimistic (`commit_unchanged`): read the documents, compute, then commit every
write in one atomic batch whose updates are conditioned on each read document's updateTime (or on its
absence). If anything changed in between, nothing is written and the whole step runs again on fresh
data, after a short random pause so that contenders spread out. This gives the guarantee of a
transaction (the balance, its ledger entry and the session change together, from one consistent
read) without lock waits: concurrent read-then-write transactions on one document wait on each other's
locks, which the Firestore emulator resolves only after about two seconds per conflict.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from backend.store.documents import EVENTS, SESSIONS, USERS, to_document
from shared.sessions.lifecycle import Change

if TYPE_CHECKING:
    from google.cloud.firestore import Client, DocumentReference, Transaction, WriteBatch

LEDGER = "ledger"
T = TypeVar("T")


def write_change(db: Client, transaction: Transaction, user_id: str, change: Change) -> None:
    """The session, its event, the user (when it changed) and the ledger entry of a charge: one commit."""
    session_ref = db.collection(SESSIONS).document(change.session.id)
    transaction.set(session_ref, to_document(change.session, exclude={"id"}))
    transaction.set(session_ref.collection(EVENTS).document(), to_document(change.event))
    user_ref = db.collection(USERS).document(user_id)
    if change.user is not None:
        transaction.set(user_ref, to_document(change.user))
    if change.ledger is not None:
        transaction.set(user_ref.collection(LEDGER).document(), to_document(change.ledger))


def put_unchanged(
    db: Client, batch: WriteBatch, ref: DocumentReference, read: Any, data: dict[str, Any]
) -> None:
    """Write `data` (all of the document's fields) only if the document is still as it was read."""
    if read.exists:
        batch.update(ref, data, option=db.write_option(last_update_time=read.update_time))
    else:
        batch.create(ref, data)


def batch_change(
    db: Client,
    batch: WriteBatch,
    change: Change,
    *,
    session_read: Any,
    user_read: Any,
) -> None:
    """`write_change` for an optimistic commit: session and user conditioned on what was read."""
    session_ref = db.collection(SESSIONS).document(change.session.id)
    put_unchanged(db, batch, session_ref, session_read, to_document(change.session, exclude={"id"}))
    batch.create(session_ref.collection(EVENTS).document(), to_document(change.event))
    user_ref = db.collection(USERS).document(change.session.user_id)
    if change.user is not None:
        put_unchanged(db, batch, user_ref, user_read, to_document(change.user))
    if change.ledger is not None:
        batch.create(user_ref.collection(LEDGER).document(), to_document(change.ledger))


def commit_unchanged(
    db: Client, step: Callable[[WriteBatch], T], *, attempts: int = 40, max_pause: float = 0.4
) -> T:
    """Run `step` (reads, computes, adds writes to the batch, returns its result) and commit the batch;
    on a conflict run it again on fresh data. A step that adds no writes commits nothing."""
    from google.api_core.exceptions import Aborted, AlreadyExists, FailedPrecondition

    for attempt in range(attempts):
        batch = db.batch()
        result = step(batch)
        if len(batch) == 0:
            return result
        try:
            batch.commit()
            return result
        except (FailedPrecondition, AlreadyExists, Aborted):
            if attempt == attempts - 1:
                raise
            time.sleep(random.uniform(0, min(max_pause, 0.01 * 2**attempt)))  # noqa: S311 - jitter
    raise AssertionError("unreachable")
