"""`/api/v1/admin/rooms...`: seed 002's operator surface for rooms (function `admin_api`, admins only)."""

from __future__ import annotations

from backend.http.routing import API_PREFIX, Call, Response, Route
from backend.store.room_log import activity_log
from backend.wiring import room_service, room_store
from shared.errors import NotFound
from shared.models.base import EmptyRequest
from shared.models.rooms import (
    ActivityLogQuery,
    RoomListQuery,
    RoomListResponse,
    RoomResponse,
    RoomStatsResponse,
    RoomTranscriptResponse,
)

GROUP = "admin"
BASE = f"{API_PREFIX}/admin/rooms"


def list_rooms(call: Call) -> RoomListResponse:
    query: RoomListQuery = call.query
    return RoomListResponse(rooms=room_store().list_rooms(status=query.status, limit=query.limit))


def get_room(call: Call) -> RoomResponse:
    return RoomResponse(room=room_service().get(uid=call.uid, room_id=call.params["roomId"], is_admin=True))


def transcript(call: Call) -> RoomTranscriptResponse:
    room = room_service().get(uid=call.uid, room_id=call.params["roomId"], is_admin=True)
    return RoomTranscriptResponse(room_id=room.id, lines=room_store().all_lines(room.id))


def end(call: Call) -> RoomResponse:
    room_service().get(uid=call.uid, room_id=call.params["roomId"], is_admin=True)
    room = room_service().end(
        room_id=call.params["roomId"], reason="ended_by_admin", actor=f"admin:{call.uid}"
    )
    return RoomResponse(room=room)


def stats(call: Call) -> RoomStatsResponse:
    store = room_store()
    return RoomStatsResponse(
        waiting_rooms=store.count("waiting"),
        active_rooms=store.count("active"),
        ended_rooms=store.count("ended"),
    )


def log(call: Call) -> Response:
    query: ActivityLogQuery = call.query
    stamp = f"{query.since:%Y%m%dT%H%M%S}-{query.until:%Y%m%dT%H%M%S}"
    return Response(
        body=activity_log(room_store(), query.since, query.until),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="rooms-activity-{stamp}.csv"'},
    )


ROUTES: tuple[Route, ...] = (
    Route(
        "GET",
        BASE,
        list_rooms,
        "Rooms by status (default: active)",
        GROUP,
        RoomListResponse,
        query=RoomListQuery,
        access="admin",
    ),
    Route("GET", f"{BASE}/stats", stats, "Room counts by status", GROUP, RoomStatsResponse, access="admin"),
    Route(
        "GET",
        f"{BASE}/activity-log",
        log,
        "CSV activity log of every room for a time range (timestamp,session_id,speaker,text), streamed",
        GROUP,
        None,
        query=ActivityLogQuery,
        access="admin",
        alternate_media=("text/csv",),
    ),
    Route(
        "GET",
        f"{BASE}/{{roomId}}",
        get_room,
        "One room",
        GROUP,
        RoomResponse,
        access="admin",
        errors=(NotFound,),
    ),
    Route(
        "GET",
        f"{BASE}/{{roomId}}/transcript",
        transcript,
        "A room's lines in order",
        GROUP,
        RoomTranscriptResponse,
        access="admin",
        errors=(NotFound,),
    ),
    Route(
        "POST",
        f"{BASE}/{{roomId}}/end",
        end,
        "End a room",
        GROUP,
        RoomResponse,
        body=EmptyRequest,
        access="admin",
        errors=(NotFound,),
    ),
)
