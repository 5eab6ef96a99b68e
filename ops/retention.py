"""`purge-transcripts`: the transcript retention sweep (infra/retention.md)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from ops.common import err, handled, out


@handled
def purge_transcripts(
    older_than_days: Annotated[
        int | None,
        typer.Option(
            "--older-than-days",
            min=1,
            help="Purge sessions that ended more than N days ago (default SESSIONS_TRANSCRIPT_RETENTION_DAYS).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Delete the messages (and their safety assessments) of sessions that ended long ago.

    The sessions themselves, their events, summaries and memories stay. Safe to run again (it resumes).
    """
    from backend.cloud.clients import firestore_client
    from backend.store.erasure import purge_transcripts as purge
    from shared.settings import get_settings

    days = older_than_days or get_settings().transcript_retention_days
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err()) as progress:
        task = progress.add_task(f"Sessions ended over {days} days ago", total=None)
        visited, deleted = purge(
            firestore_client(),
            older_than_days=days,
            on_total=lambda total: progress.update(task, total=total),
            on_session=lambda _: progress.advance(task),
        )
    out().print(f"Purged {deleted} documents from {visited} sessions that ended over {days} days ago.")
