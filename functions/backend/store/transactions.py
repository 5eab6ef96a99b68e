"""Read-write transactions that begin with their first read.

The Python client (google-cloud-firestore 2.34) begins every transaction with its own `BeginTransaction`
call, so a read-then-write transaction costs three round trips: begin, read, commit. Firestore's API can
instead start the transaction inside the first read (`BatchGetDocuments` with `new_transaction`, which
answers the new transaction's id before the documents), so the same transaction costs two. On the turn's
hot path (the message's transaction reads the session) that is one round trip in four.

Semantics are the client's own `@firestore.transactional`: the documents are read inside the transaction
(locked against concurrent writers until the commit), a commit that loses to contention (`Aborted`) is
attempted again with the failed transaction's id (its place in line), up to `max_attempts`, after which a
ValueError from the last `Aborted` is raised exactly as the client raises it; any other error rolls back
and propagates. The client's Transaction object still collects the writes and commits them, so callers
write through it as usual (`transaction.create(...)`, `transaction.set(...)`), and can read more documents
inside it (`ref.get(transaction=transaction)`).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from google.cloud.firestore import Client, DocumentReference, Transaction

T = TypeVar("T")

# The client's message when a transaction runs out of attempts (callers recognise contention by it).
_EXCEEDED = "Failed to commit transaction in {:d} attempts."


def run_read_write(
    db: Client,
    refs: Sequence[DocumentReference],
    apply: Callable[[Transaction, list[Any]], T],
    *,
    max_attempts: int,
) -> T:
    """Read `refs` in a new read-write transaction (one round trip), call `apply(transaction, snapshots)`
    (snapshots in the order of `refs`; it adds the writes), and commit; retried on contention."""
    from google.api_core.exceptions import Aborted, GoogleAPICallError

    retry_id: bytes | None = None
    last: Aborted | None = None
    for _ in range(max_attempts):
        transaction = db.transaction(max_attempts=1)
        try:
            snapshots = _begin_with_read(db, transaction, refs, retry_id=retry_id)
            retry_id = retry_id or transaction._id
            result = apply(transaction, snapshots)
            transaction._commit()
            return result
        except Aborted as exc:
            last = exc
            _roll_back(transaction, GoogleAPICallError)
        except BaseException:
            _roll_back(transaction, GoogleAPICallError)
            raise
    raise ValueError(_EXCEEDED.format(max_attempts)) from last


def _begin_with_read(
    db: Client, transaction: Transaction, refs: Sequence[DocumentReference], *, retry_id: bytes | None
) -> list[Any]:
    from google.cloud.firestore_v1.base_client import _parse_batch_get
    from google.cloud.firestore_v1.types import TransactionOptions

    paths = [ref._document_path for ref in refs]
    by_path = dict(zip(paths, refs, strict=True))
    options = TransactionOptions(read_write=TransactionOptions.ReadWrite(retry_transaction=retry_id or b""))
    responses = db._firestore_api.batch_get_documents(
        request={"database": db._database_string, "documents": paths, "new_transaction": options},
        metadata=db._rpc_metadata,
    )
    found: dict[str, Any] = {}
    for response in responses:
        if response.transaction:
            transaction._id = response.transaction  # the first response carries only the id
        if response._pb.WhichOneof("result") is not None:
            snapshot = _parse_batch_get(response, by_path, db)
            found[snapshot.reference._document_path] = snapshot
    if not transaction._id:
        raise RuntimeError("Firestore began no transaction for the read")  # never seen; not retried
    return [found[path] for path in paths]


def _roll_back(transaction: Any, errors: type[Exception]) -> None:
    """Release the read locks of a transaction that will not commit (a failed commit has ended it, and
    the rollback's own failure then says nothing the caller needs)."""
    if transaction.in_progress:
        with contextlib.suppress(errors):
            transaction._rollback()
