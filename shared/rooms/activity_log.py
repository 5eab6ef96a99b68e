"""The activity log across rooms (seed 002's CSV): `timestamp,session_id,speaker,text`.

Rows are every complete line (speaker = role, `AGENT` for the host) and a SYSTEM row for each room
event that changes the show (created, joined, dropped, rejoined, left, started, phase, paused, ended),
merged in time order (ties: lines and events keep their room's order, events before lines at the same
instant, then by room id). The SYSTEM text is generated here from the event, never from user input,
and names roles, not user ids. Cells are neutralised against spreadsheet formula injection.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime

from shared.export.csv_export import iso_utc, neutralise
from shared.models.rooms import SYSTEM_SPEAKER, RoomEvent, RoomLine

HEADER = ("timestamp", "session_id", "speaker", "text")


@dataclass(frozen=True)
class LogRow:
    at: datetime
    room_id: str
    speaker: str
    text: str
    order: int  # 0 for events, 1 for lines: at the same instant the event comes first


def event_text(event: RoomEvent) -> str | None:
    data = event.data
    texts = {
        "room.created": f"room created (format {data.get('format')}, {data.get('seats')} seats)",
        "participant.joined": f"{data.get('role')} joined",
        "participant.dropped": f"{data.get('role')} dropped (grace {data.get('graceSeconds')} s)",
        "participant.rejoined": f"{data.get('role')} rejoined",
        "participant.left": f"{data.get('role')} left",
        "room.started": "show started",
        "phase_changed": f"phase {data.get('from') or '-'} -> {data.get('to')}",
        "show.paused": "show paused by the host (safety hold)",
        "room.ended": f"room ended ({data.get('reason')})",
    }
    return texts.get(event.type)


def rows_for(room_id: str, lines: Iterable[RoomLine], events: Iterable[RoomEvent]) -> list[LogRow]:
    rows = [
        LogRow(at=e.at, room_id=room_id, speaker=SYSTEM_SPEAKER, text=text, order=0)
        for e in events
        if (text := event_text(e)) is not None
    ]
    rows += [
        LogRow(at=line.created_at, room_id=room_id, speaker=line.speaker, text=line.content, order=1)
        for line in lines
        if line.status != "streaming" and line.type != "system"
    ]
    return rows


def ordered(rows: Iterable[LogRow]) -> list[LogRow]:
    return sorted(rows, key=lambda r: (r.at, r.order, r.room_id))


def csv_chunks(rows: Iterable[LogRow]) -> Iterator[bytes]:
    """UTF-8 CSV, header first, one chunk per row (CRLF row ends), ready for a streamed response."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)

    def take() -> bytes:
        data = buffer.getvalue().encode("utf-8")
        buffer.seek(0)
        buffer.truncate()
        return data

    writer.writerow(HEADER)
    yield take()
    for row in rows:
        writer.writerow((iso_utc(row.at), row.room_id, row.speaker, neutralise(row.text.replace("\x00", ""))))
        yield take()
