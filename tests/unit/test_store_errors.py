"""Store adapters raise domain errors only: a transaction lost to concurrent writers is a Conflict and an
unreachable Firestore is DependencyUnavailable, also through methods the adapter inherits from its port."""

from __future__ import annotations

import pytest
from google.api_core import exceptions as google_errors

from backend.store.errors import translate_errors
from shared.errors import Conflict, DependencyUnavailable, ValidationFailed

ABORTED = google_errors.Aborted("contention")  # type: ignore[no-untyped-call]


def exhausted() -> ValueError:
    error = ValueError("Failed to commit transaction in 5 attempts.")
    error.__cause__ = ABORTED
    return error


class Port:
    def start(self) -> None:
        """A template method of the port: the adapter's primitive does the storage work."""
        self._create()

    def _create(self) -> None:
        raise NotImplementedError


@translate_errors
class Adapter(Port):
    def __init__(self, error: Exception) -> None:
        self.error = error

    def _create(self) -> None:
        raise self.error

    def read(self) -> None:
        raise self.error


@pytest.mark.parametrize("error", [ABORTED, exhausted()])
def test_a_lost_transaction_is_a_conflict_in_own_and_inherited_methods(error: Exception) -> None:
    with pytest.raises(Conflict):
        Adapter(error).read()
    with pytest.raises(Conflict):
        Adapter(error).start()


def test_an_unreachable_database_is_unavailable() -> None:
    down = google_errors.ServiceUnavailable("down")  # type: ignore[no-untyped-call]
    with pytest.raises(DependencyUnavailable):
        Adapter(down).start()


def test_other_errors_pass_through_unchanged() -> None:
    with pytest.raises(ValueError, match="not a transaction"):
        Adapter(ValueError("not a transaction")).read()
    with pytest.raises(ValidationFailed):
        Adapter(ValidationFailed("bad")).start()
