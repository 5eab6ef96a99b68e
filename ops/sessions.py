"""`list-sessions`: a table of sessions, newest first, read through the session service."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import typer
from rich.table import Table

from ops.common import Email, Uid, handled, one_of, out, resolve_uid
from shared.models.sessions import ListSessionsQuery, Session
from shared.sessions.statuses import SessionStatus

MAX_LIMIT = 100


def _when(value: datetime | None) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S") if value else "-"


def sessions_table(sessions: list[Session], *, title: str) -> Table:
    table = Table(title=title, title_justify="left")
    table.add_column("id", no_wrap=True)
    table.add_column("user", no_wrap=True)
    table.add_column("avatar")
    table.add_column("status")
    table.add_column("startedAt (UTC)", no_wrap=True)
    table.add_column("plannedDuration", justify="right")
    for session in sessions:
        table.add_row(
            session.id,
            session.user_id,
            session.avatar,
            session.status.value,
            _when(session.started_at),
            f"{session.planned_duration} min",
        )
    return table


@handled
def list_sessions(
    email: Email = None,
    uid: Uid = None,
    status: Annotated[
        SessionStatus | None,
        typer.Option("--status", help="Only sessions with this status.", show_default=False),
    ] = None,
    limit: Annotated[
        int, typer.Option("--limit", min=1, max=MAX_LIMIT, help="How many sessions to show.")
    ] = 20,
) -> None:
    """Show sessions, newest first: one user's (--email/--uid) or everyone's."""
    from backend.wiring import session_service

    one_of(email, uid, required=False)
    user_id = resolve_uid(email=email, uid=None) if email else uid
    page = session_service().list(user_id=user_id, query=ListSessionsQuery(limit=limit, status=status))
    whose = f"user {email or user_id}" if user_id else "all users"
    filtered = f", status {status.value}" if status else ""
    title = f"Sessions of {whose}{filtered}: {len(page.sessions)} of {page.total}, newest first"
    if not page.sessions:
        out().print(f"No sessions ({whose}{filtered}).", highlight=False)
        return
    out().print(sessions_table(page.sessions, title=title))
