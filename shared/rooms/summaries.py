"""What a room leaves behind, through the 1:1 memory pipeline (shared/memory): its lines become
`Message`s for the same summariser.

- **Rolling summary** (during the show): the guests' lines that left the host's context window, folded
  forward by `shared.memory.rolling` with the aggregate flush (so it costs no extra room write).
- **Final summary** (at the end): the whole show's guest lines, on the room document.
- **Per-participant memory** (at the end): for each participant who consented (`Participant.remember`),
  a memory of only that participant's own lines, plus the shared summary of the lines of the
  participants who consented: someone who did not consent leaves nothing in anyone's memory.

Nothing shared (rolling, final or shared-in-memory summary) contains a line screened above NORMAL: one
guest's disclosure is never summarised into what the others read or keep. The host's own lines are not
summarised (the summariser reads only what people said).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from shared.memory.rolling import RollPlan, plan_roll, roll
from shared.models.messages import AI_SPEAKER, USER_SPEAKER, Message
from shared.models.rooms import AGENT_ROLE, Room, RoomLine
from shared.models.vocabulary import SafetyLevel
from shared.rooms.config import RoomSettings
from shared.rooms.ports import RoomStore

MAX_SUMMARY_CHARS = 4000


def said_by_guests(lines: Iterable[RoomLine]) -> list[RoomLine]:
    return [line for line in lines if line.type == "transcript" and line.speaker != AGENT_ROLE]


def shareable(lines: Iterable[RoomLine], roles: set[str] | None = None) -> list[RoomLine]:
    """Guest lines that may go into something every participant reads: screened NORMAL, and (when
    `roles` is given) said by one of those roles."""
    return [
        line
        for line in said_by_guests(lines)
        if (line.safety is None or line.safety.level == SafetyLevel.NORMAL.value)
        and (roles is None or line.speaker in roles)
    ]


def own(lines: Iterable[RoomLine], role: str) -> list[RoomLine]:
    """Everything one participant said (their own memory, like a 1:1 session's, keeps all of it)."""
    return [line for line in said_by_guests(lines) if line.speaker == role]


def as_messages(lines: Sequence[RoomLine], *, started_at: datetime, with_roles: bool) -> list[Message]:
    """Room lines as session messages for the summariser; `with_roles` prefixes `A: ` so a summary of
    several people's lines still says who said what."""
    return [
        Message(
            id=line.id,
            session_id=line.room_id,
            speaker=AI_SPEAKER if line.speaker == AGENT_ROLE else USER_SPEAKER,
            type="ai" if line.speaker == AGENT_ROLE else "transcript",
            content=f"{line.speaker}: {line.content}" if with_roles else line.content,
            status=line.status,
            created_at=line.created_at,
            updated_at=line.updated_at,
            timestamp_in_session=max(0.0, (line.created_at - started_at).total_seconds()),
            safety=line.safety,
        )
        for line in lines
    ]


def rolling_update(
    *, store: RoomStore, room: Room, line_count: int, settings: RoomSettings
) -> tuple[str | None, int] | None:
    """(summary, lines folded) when a roll is due, for the aggregate flush to write with the counts;
    else None. Deterministic in the lines, so a redelivered flush writes the same values."""
    plan = roll_plan(room, line_count=line_count, window=settings.context_lines, every=settings.summary_every)
    if plan is None:
        return None
    return rolled(room, store.lines_slice(room.id, plan.through, plan.count)), plan.target


def roll_plan(room: Room, *, line_count: int, window: int, every: int) -> RollPlan | None:
    """Due once `every` lines (of any speaker) have left the host's window since the last roll; never
    after the final summary."""
    if room.summary_final:
        return None
    return plan_roll(message_count=line_count, through=room.summary_through, window=window, every=every)


def rolled(room: Room, newly_old: Sequence[RoomLine]) -> str | None:
    """The rolling summary after folding the lines that left the window (the previous summary and the
    shareable ones among them, summarised together)."""
    started = room.started_at or room.created_at
    text = roll(room.summary, as_messages(shareable(newly_old), started_at=started, with_roles=True))
    return text[:MAX_SUMMARY_CHARS] if text else None
