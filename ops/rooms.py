"""`sessions-ops room ...`: seed 002's operator commands for rooms, an interactive shell and a demo.

The commands call the room service directly (Firestore, admin credentials), like the other ops
commands; `demo` plays a show through the HTTP API of a running local stack, as two real apps would.
"""

from __future__ import annotations

import cmd
import shlex
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from ops.common import Email, OpsError, Uid, expected_errors, handled, one_of, out, resolve_uid
from shared.models.rooms import Room, RoomLine
from shared.rooms.config import DEFAULT_FORMAT

room_app = typer.Typer(
    help="Multi-party rooms: list, show, transcript, create, join, phase, end, log, shell, demo."
)

RoomId = Annotated[str, typer.Argument(help="The room id.")]
Format = Annotated[str, typer.Option("--format", help="The room format (see GET /rooms/formats).")]


def _service() -> Any:
    from backend.wiring import room_service

    return room_service()


def _store() -> Any:
    from backend.wiring import room_store

    return room_store()


def _when(value: datetime | None) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S") if value else "-"


def rooms_table(rooms: list[Room], *, title: str) -> Table:
    table = Table(title=title, title_justify="left")
    for column in ("id", "format", "status", "phase", "participants", "created (UTC)", "lines"):
        table.add_column(column, no_wrap=column == "id")
    for room in rooms:
        people = ", ".join(f"{p.role}:{p.state}" for p in room.participants)
        table.add_row(
            room.id,
            room.format,
            room.status,
            room.phase or "-",
            people,
            _when(room.created_at),
            str(room.line_count),
        )
    return table


def _user(email: str | None, uid: str | None) -> str:
    one_of(email, uid)
    return resolve_uid(email=email, uid=uid) if email else str(uid)


@room_app.command("list")
@handled
def list_rooms(
    status: Annotated[str, typer.Option("--status", help="waiting, active or ended.")] = "active",
    limit: Annotated[int, typer.Option("--limit", min=1, max=200)] = 20,
) -> None:
    """Rooms with a status, newest first."""
    if status not in ("waiting", "active", "ended"):
        raise OpsError("--status must be waiting, active or ended.")
    rooms = _store().list_rooms(status=status, limit=limit)
    if not rooms:
        out().print(f"No {status} rooms.", highlight=False)
        return
    out().print(rooms_table(rooms, title=f"{status.capitalize()} rooms, newest first"))


@room_app.command("show")
@handled
def show(room_id: RoomId) -> None:
    """One room: status, phase, participants, host."""
    room = _service().get(uid="ops", room_id=room_id, is_admin=True)
    out().print(rooms_table([room], title=f"Room {room.id}"))
    out().print(
        f"host {room.host.name} ({room.host.agent_id}, spiciness {room.host.spiciness})", highlight=False
    )


def print_lines(lines: list[RoomLine]) -> None:
    for line in lines:
        out().print(
            f"[{_when(line.created_at)}] {line.speaker}: {line.content}", highlight=False, markup=False
        )


@room_app.command("transcript")
@handled
def transcript(room_id: RoomId) -> None:
    """The room's lines in order."""
    room = _service().get(uid="ops", room_id=room_id, is_admin=True)
    print_lines(_store().all_lines(room.id))


@room_app.command("summary")
@handled
def summary(room_id: RoomId) -> None:
    """Counts per speaker and phase, and the room's summary (rolling, or final once it ended)."""
    room = _service().get(uid="ops", room_id=room_id, is_admin=True)
    lines = _store().all_lines(room.id)
    by_speaker = Counter(line.speaker for line in lines)
    by_phase = Counter(line.phase or "-" for line in lines)
    took = (room.ended_at or datetime.now(UTC)) - (room.started_at or room.created_at)
    out().print(
        f"room {room.id}: {room.status}, {len(lines)} lines over {int(took.total_seconds())} s; "
        f"by speaker {dict(by_speaker)}; by phase {dict(by_phase)}",
        highlight=False,
    )
    if room.summary:  # the rolling summary during the show, the final one after it
        kind = "final" if room.summary_final else f"rolling, {room.summary_through} lines"
        out().print(f"summary ({kind}): {room.summary}", highlight=False, markup=False)


@room_app.command("create")
@handled
def create(email: Email = None, uid: Uid = None, room_format: Format = DEFAULT_FORMAT) -> None:
    """Open a waiting room for a user (seat A)."""
    room, role = _service().create(uid=_user(email, uid), format_id=room_format)
    out().print(f"created room {room.id} ({room.format}); role {role}", highlight=False)


@room_app.command("join")
@handled
def join(room_id: RoomId, email: Email = None, uid: Uid = None) -> None:
    """Seat a user in a waiting room."""
    room, role = _service().join(uid=_user(email, uid), room_id=room_id)
    out().print(f"joined room {room.id} as {role}; status {room.status}", highlight=False)


@room_app.command("phase")
@handled
def phase(
    room_id: RoomId,
    from_phase: Annotated[str | None, typer.Option("--from", help="Default: the current phase.")] = None,
) -> None:
    """Move the room on from its phase (idempotent with --from)."""
    room = _service().get(uid="ops", room_id=room_id, is_admin=True)
    if room.phase is None:
        raise OpsError("the room has not started.")
    moved = _service().advance(room_id=room_id, from_phase=from_phase or room.phase, actor="ops-cli")
    out().print(f"room {moved.id}: {moved.status}, phase {moved.phase}", highlight=False)


@room_app.command("end")
@handled
def end(room_id: RoomId) -> None:
    """End a room."""
    _service().get(uid="ops", room_id=room_id, is_admin=True)
    room = _service().end(room_id=room_id, reason="ended_by_admin", actor="ops-cli")
    out().print(f"room {room.id}: {room.status} ({room.end_reason})", highlight=False)


@room_app.command("log")
@handled
def log(
    since: Annotated[datetime, typer.Option("--since", help="ISO time (UTC if no offset).")],
    until: Annotated[datetime | None, typer.Option("--until", help="Default: now.")] = None,
    output: Annotated[
        Path | None, typer.Option("--out", help="Write the CSV here (default: stdout).")
    ] = None,
) -> None:
    """The activity log CSV (timestamp,session_id,speaker,text) of every room in the range."""
    from backend.store.room_log import activity_log
    from backend.wiring import room_store

    start = since if since.tzinfo else since.replace(tzinfo=UTC)
    stop = until or datetime.now(UTC)
    stop = stop if stop.tzinfo else stop.replace(tzinfo=UTC)
    chunks = activity_log(room_store(), start, stop)
    if output is None:
        for chunk in chunks:
            typer.echo(chunk.decode(), nl=False)
        return
    with output.open("wb") as sink:
        for chunk in chunks:
            sink.write(chunk)


class RoomShell(cmd.Cmd):
    """seed 002's interactive mode. The standard library's `cmd` is enough here: line editing and
    history come from readline, `help` from the docstrings, and each command is one of the typer
    commands above, so there is nothing a bigger shell library would add but a dependency."""

    intro = "Room shell: create, join, list, transcript, phase, summary, end, show (help <command>; quit)."
    prompt = "rooms> "

    def _run(self, command: Any, *args: Any, **kwargs: Any) -> None:
        try:
            command(*args, **kwargs)
        except typer.Exit:
            pass  # the error line is already printed
        except expected_errors() as exc:
            out().print(f"Error: {exc}", highlight=False, markup=False)

    def _args(self, line: str, count: int, usage: str) -> list[str] | None:
        parts = shlex.split(line)
        if len(parts) != count:
            out().print(f"usage: {usage}", highlight=False, markup=False)
            return None
        return parts

    def do_create(self, line: str) -> None:
        """create EMAIL [FORMAT]: open a waiting room for the user with this email."""
        parts = shlex.split(line)
        if not 1 <= len(parts) <= 2:
            out().print("usage: create EMAIL [FORMAT]", highlight=False)
            return
        self._run(
            create, email=parts[0], uid=None, room_format=parts[1] if len(parts) == 2 else DEFAULT_FORMAT
        )

    def do_join(self, line: str) -> None:
        """join ROOM_ID EMAIL: seat the user in the waiting room."""
        if parts := self._args(line, 2, "join ROOM_ID EMAIL"):
            self._run(join, parts[0], email=parts[1], uid=None)

    def do_list(self, line: str) -> None:
        """list [waiting|active|ended]: rooms with that status (default active)."""
        self._run(list_rooms, status=line.strip() or "active", limit=20)

    def do_show(self, line: str) -> None:
        """show ROOM_ID: one room."""
        if parts := self._args(line, 1, "show ROOM_ID"):
            self._run(show, parts[0])

    def do_transcript(self, line: str) -> None:
        """transcript ROOM_ID: the lines in order."""
        if parts := self._args(line, 1, "transcript ROOM_ID"):
            self._run(transcript, parts[0])

    def do_phase(self, line: str) -> None:
        """phase ROOM_ID: move on from the current phase."""
        if parts := self._args(line, 1, "phase ROOM_ID"):
            self._run(phase, parts[0], from_phase=None)

    def do_summary(self, line: str) -> None:
        """summary ROOM_ID: counts per speaker and phase."""
        if parts := self._args(line, 1, "summary ROOM_ID"):
            self._run(summary, parts[0])

    def do_end(self, line: str) -> None:
        """end ROOM_ID: end the room."""
        if parts := self._args(line, 1, "end ROOM_ID"):
            self._run(end, parts[0])

    def do_quit(self, line: str) -> bool:
        """quit: leave the shell."""
        return True

    do_EOF = do_quit  # noqa: N815 (cmd's name for Ctrl-D)

    def emptyline(self) -> bool:
        return False


@room_app.command("shell")
def shell() -> None:
    """Interactive mode: create, join, transcript, phase, summary, list, end."""
    RoomShell().cmdloop()


@room_app.command("demo")
@handled
def demo(
    api: Annotated[str, typer.Option("--api", help="The API base URL.")] = "http://127.0.0.1:5000/api/v1",
) -> None:
    """Play a two-person show against the local stack (emulators only): two new users match, talk,
    ask the host, move on, and end; prints the transcript."""
    from ops.room_demo import play

    play(api=api, say=lambda text: out().print(text, highlight=False, markup=False))
