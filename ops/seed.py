"""`seed-demo`: demo users and sessions, for the local emulators only."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from itertools import cycle
from typing import Annotated, Any, get_args

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from ops.common import OpsError, err, handled, out
from shared.models.sessions import Duration, StartSessionRequest
from shared.sessions.statuses import SessionAction

EMULATOR_VARS = ("FIRESTORE_EMULATOR_HOST", "FIREBASE_AUTH_EMULATOR_HOST")
DEMO_DOMAIN = "example.test"
# Emulator-only accounts; printed in the table so you can sign in as them.
DEMO_PASSWORD = "demo-password-123"  # noqa: S105


@dataclass
class Seeded:
    email: str
    uid: str
    created: bool
    session_ids: list[str] = field(default_factory=list)
    live_session_id: str | None = None


def require_emulators() -> None:
    missing = [name for name in EMULATOR_VARS if not os.environ.get(name)]
    if missing:
        raise OpsError(
            f"seed-demo only runs against the local emulators, and {' and '.join(missing)} "
            f"{'is' if len(missing) == 1 else 'are'} not set (start them with `make dev`, then export "
            "FIRESTORE_EMULATOR_HOST=127.0.0.1:8080 FIREBASE_AUTH_EMULATOR_HOST=127.0.0.1:9099)."
        )


def demo_email(prefix: str, number: int) -> str:
    return f"{prefix}-{number}@{DEMO_DOMAIN}"


def ensure_user(email: str, number: int) -> tuple[Any, bool]:
    """The Auth-emulator user with this email, created when missing; and whether it was created."""
    from firebase_admin import auth

    from backend.cloud.clients import firebase_app

    app = firebase_app()
    try:
        return auth.get_user_by_email(email, app=app), False
    except auth.UserNotFoundError:
        pass
    try:
        user = auth.create_user(
            email=email, password=DEMO_PASSWORD, display_name=f"Demo user {number}", app=app
        )
    except auth.EmailAlreadyExistsError:  # created concurrently by another run
        return auth.get_user_by_email(email, app=app), False
    return user, True


def users_table(seeded: list[Seeded]) -> Table:
    table = Table(title=f"Demo users (password {DEMO_PASSWORD})", title_justify="left")
    table.add_column("email", no_wrap=True)
    table.add_column("uid", no_wrap=True)
    table.add_column("user")
    table.add_column("sessions added", justify="right")
    table.add_column("live session", no_wrap=True)
    for row in seeded:
        table.add_row(
            row.email,
            row.uid,
            "created" if row.created else "existing",
            str(len(row.session_ids)),
            row.live_session_id or "-",
        )
    return table


@handled
def seed_demo(
    users: Annotated[int, typer.Option("--users", min=1, max=100, help="How many demo users.")] = 3,
    sessions_per_user: Annotated[
        int, typer.Option("--sessions-per-user", min=0, max=50, help="Sessions to add for each user.")
    ] = 2,
    prefix: Annotated[
        str, typer.Option("--prefix", help="Emails are PREFIX-1@example.test, PREFIX-2@... .")
    ] = "demo",
) -> None:
    """Create demo users (reused when they exist) and sessions through the session service. Emulators only.

    Every session but each user's last is ended; a session a user still had live is ended first.
    """
    require_emulators()
    from backend.wiring import session_service
    from shared.avatars import load_avatars

    prefix = prefix.strip()
    if not prefix or "@" in prefix or " " in prefix:
        raise OpsError("--prefix must be a non-empty word without '@' or spaces.")
    service = session_service()
    avatars = cycle(load_avatars(service.settings.avatars_file))
    durations: cycle[Duration] = cycle(get_args(Duration))
    seeded: list[Seeded] = []
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=err()) as progress:
        task = progress.add_task("Seeding", total=users * (1 + sessions_per_user))
        for number in range(1, users + 1):
            email = demo_email(prefix, number)
            progress.update(task, description=f"User {email}")
            record, created = ensure_user(email, number)
            row = Seeded(email=email, uid=str(record.uid), created=created)
            seeded.append(row)
            progress.advance(task)
            if sessions_per_user and (live := service.get_live(user_id=row.uid)) is not None:
                service.act(user_id=row.uid, session_id=live.id, action=SessionAction.END, reason="completed")
            for index in range(sessions_per_user):
                progress.update(task, description=f"Session {index + 1}/{sessions_per_user} of {email}")
                request = StartSessionRequest(
                    avatar=next(avatars).id, duration=next(durations), metadata={"seed": "demo"}
                )
                session = service.start(user_id=row.uid, request=request)
                row.session_ids.append(session.id)
                if index < sessions_per_user - 1:
                    service.act(
                        user_id=row.uid, session_id=session.id, action=SessionAction.END, reason="completed"
                    )
                else:
                    row.live_session_id = session.id
                progress.advance(task)
        progress.update(task, description="Done")
    out().print(users_table(seeded))
