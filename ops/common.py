"""What every command shares: consoles, user lookup, and turning expected failures into one red line."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from typing import Annotated, Any, NoReturn, ParamSpec, TypeVar

import typer
from pydantic import ValidationError
from rich.console import Console

from shared.errors import ApiError

P = ParamSpec("P")
R = TypeVar("R")

ACTOR = "ops-cli"
# Piped output (a file, grep, CI logs) is not cut at 80 columns, so ids stay whole.
PIPED_WIDTH = 200


class OpsError(Exception):
    """An expected failure: printed as one line, exit code 1."""


def _console(*, stderr: bool) -> Console:
    console = Console(stderr=stderr)
    if not console.is_terminal and "COLUMNS" not in os.environ:
        console = Console(stderr=stderr, width=PIPED_WIDTH)
    return console


def out() -> Console:
    """Results (tables, summaries) on stdout."""
    return _console(stderr=False)


def err() -> Console:
    """Errors and progress on stderr."""
    return _console(stderr=True)


def fail(message: str) -> NoReturn:
    err().print(f"Error: {message}", style="bold red", markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(code=1)


def _describe(exc: Exception) -> str:
    from firebase_admin.exceptions import FirebaseError
    from google.api_core.exceptions import GoogleAPIError

    if isinstance(exc, OpsError):
        return str(exc)
    if isinstance(exc, ApiError):
        return exc.message
    if isinstance(exc, ValidationError):
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "value"
        return f"stored data is not valid ({exc.error_count()} problem(s)); {where}: {first['msg']}"
    if isinstance(exc, FirebaseError):
        return f"Firebase Auth: {exc}"
    if isinstance(exc, GoogleAPIError):
        return f"Firestore: {exc}"
    return str(exc)


def expected_errors() -> tuple[type[Exception], ...]:
    from firebase_admin.exceptions import FirebaseError
    from google.api_core.exceptions import GoogleAPIError

    return (OpsError, ApiError, ValidationError, FirebaseError, GoogleAPIError)


def handled(command: Callable[P, R]) -> Callable[P, R]:
    """Report expected failures as one red line and exit 1; anything else is a bug and keeps its traceback."""

    @functools.wraps(command)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except expected_errors() as exc:
            fail(_describe(exc))

    return run


def one_of(email: str | None, uid: str | None, *, required: bool = True) -> None:
    if email and uid:
        raise OpsError("give either --email or --uid, not both.")
    if required and not (email or uid):
        raise OpsError("give the user with --email or --uid.")


def auth_user(*, email: str | None, uid: str | None) -> Any:
    """The Firebase Auth user record named by exactly one of email or uid."""
    from firebase_admin import auth

    from backend.cloud.clients import firebase_app

    one_of(email, uid)
    app = firebase_app()
    try:
        if email:
            return auth.get_user_by_email(email.strip(), app=app)
        return auth.get_user(str(uid).strip(), app=app)
    except auth.UserNotFoundError:
        raise OpsError(
            f"no Firebase Auth user with {'email' if email else 'uid'} {email or uid!r}."
        ) from None
    except ValueError as exc:  # malformed email or uid, rejected before any request
        raise OpsError(str(exc)) from None


def resolve_uid(*, email: str | None, uid: str | None) -> str:
    user = auth_user(email=email, uid=uid)
    return str(user.uid)


Email = Annotated[str | None, typer.Option("--email", help="The user's email address.", show_default=False)]
Uid = Annotated[str | None, typer.Option("--uid", help="The user's Firebase Auth uid.", show_default=False)]
