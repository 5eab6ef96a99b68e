"""The CSV activity log across rooms (`timestamp,session_id,speaker,text`, with SYSTEM lines for create,
join, phase and end), streamed row by row in time order for a time range."""

from __future__ import annotations

import heapq
from collections.abc import Iterator
from datetime import datetime

from backend.store.rooms import FirestoreRoomStore
from shared.models.rooms import Room
from shared.rooms.activity_log import LogRow, csv_chunks, rows_for


def activity_log(store: FirestoreRoomStore, since: datetime, until: datetime) -> Iterator[bytes]:
    """The CSV activity log of every room for [since, until), streamed row by row in time order."""

    def per_room(room: Room) -> Iterator[LogRow]:
        rows = rows_for(
            room.id, store.lines_between(room.id, since, until), store.events_between(room.id, since, until)
        )
        return iter(sorted(rows, key=lambda r: (r.at, r.order)))

    streams = [per_room(room) for room in store.rooms_overlapping(since, until)]
    merged = heapq.merge(*streams, key=lambda r: (r.at, r.order, r.room_id))
    return csv_chunks(merged)
