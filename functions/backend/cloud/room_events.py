"""The room service's announcements on Pub/Sub (the `RoomEvents` port): a room's end goes to the same
`session-ended` topic as a session's, as `room.ended`, so the memory function that summarises sessions
writes the room's final summary and its participants' memories too (backend/triggers/room_memory.py)."""

from __future__ import annotations

from backend import logs
from backend.cloud.names import SESSION_ENDED_TOPIC
from backend.cloud.pubsub import publish
from shared.models.rooms import Room
from shared.rooms.ports import RoomEvents


class CloudRoomEvents(RoomEvents):
    def ended(self, room: Room) -> None:
        try:
            publish(SESSION_ENDED_TOPIC, {"type": "room.ended", "roomId": room.id})
        except Exception as exc:  # the end stands; an admin can ask again (sessions-ops / the trigger)
            logs.error("room.ended not published", roomId=room.id, errorType=type(exc).__name__)
