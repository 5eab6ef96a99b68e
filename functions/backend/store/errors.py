"""Firestore failures as domain errors, so that nothing above the store knows Firestore's exceptions:
a transaction that lost every attempt to concurrent writers is a `Conflict` (the request conflicted, it
did not fail; a retry may succeed), and an unreachable or slow Firestore is `DependencyUnavailable`.

Recognised by type only: the client library raises `ValueError` *from* the last `Aborted` when a
transaction's attempts run out, so the cause's type tells it apart from any other ValueError."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from shared.errors import ApiError, Conflict, DependencyUnavailable

C = TypeVar("C", bound=type)
F = TypeVar("F", bound=Callable[..., Any])

CONFLICT_MESSAGE = "The resource was changed by a concurrent request; retry."


@contextmanager
def domain_errors() -> Iterator[None]:
    from google.api_core import exceptions as google_errors

    try:
        yield
    except ApiError:
        raise
    except google_errors.Aborted as exc:
        raise Conflict(CONFLICT_MESSAGE) from exc
    except ValueError as exc:
        if isinstance(exc.__cause__, google_errors.Aborted):
            raise Conflict(CONFLICT_MESSAGE) from exc
        raise
    except (
        google_errors.ServiceUnavailable,
        google_errors.DeadlineExceeded,
        google_errors.RetryError,
    ) as exc:
        raise DependencyUnavailable() from exc


def translated(function: F) -> F:
    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with domain_errors():
            return function(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def translate_errors(cls: C) -> C:
    """Class decorator: every public method of a store adapter, its own or inherited from its port (the
    port's template methods call the adapter's primitives), raises domain errors only."""
    for name in dir(cls):
        member = getattr(cls, name)
        if not name.startswith("_") and inspect.isfunction(member):
            setattr(cls, name, translated(member))
    return cls
