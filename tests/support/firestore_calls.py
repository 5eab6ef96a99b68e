"""Counting a Firestore client's RPCs by name, for tests that assert what an operation costs."""

from __future__ import annotations

from collections import Counter
from typing import Any


class FirestoreCalls:
    """Counts the client's RPCs by name (wraps the GAPIC client's methods for the test's duration)."""

    NAMES = ("begin_transaction", "batch_get_documents", "run_query", "commit", "rollback")

    def __init__(self, db: Any) -> None:
        self.api = db._firestore_api
        self.counts: Counter[str] = Counter()
        self.originals = {name: getattr(self.api, name) for name in self.NAMES}

    def __enter__(self) -> FirestoreCalls:
        for name, original in self.originals.items():

            def counted(*args: Any, _name: str = name, _original: Any = original, **kwargs: Any) -> Any:
                self.counts[_name] += 1
                return _original(*args, **kwargs)

            setattr(self.api, name, counted)
        return self

    def __exit__(self, *exc: object) -> None:
        for name in self.NAMES:
            delattr(self.api, name)  # back to the class's method
