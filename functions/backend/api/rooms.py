"""`/api/v1/rooms...`: multi-party rooms with phases and an AI host (function `rooms_api`).

Members only: a room id of a room the caller is not (or no longer) in answers 404, like a missing one.
The speaker of a line is the caller's seat in the room, never a field of the request.
"""

from __future__ import annotations

from backend.http.routing import API_PREFIX, Call, Route
from backend.wiring import room_service, room_store
from shared.errors import Conflict, InvalidStateTransition, NotFound, PermissionDenied
from shared.models.base import EmptyRequest
from shared.models.rooms import (
    AdvancePhaseRequest,
    InterruptRequest,
    LeaveRequest,
    LineResponse,
    MatchRequest,
    MemoryConsentRequest,
    PostLineRequest,
    PostLineResponse,
    RoomFormatsResponse,
    RoomResponse,
    RoomTranscriptResponse,
)
from shared.rooms.config import DEFAULT_FORMAT

GROUP = "rooms"
BASE = f"{API_PREFIX}/rooms"
ROOM = f"{BASE}/{{roomId}}"


def formats(call: Call) -> RoomFormatsResponse:
    return RoomFormatsResponse(formats=list(room_service().formats()), default_format=DEFAULT_FORMAT)


def match(call: Call) -> RoomResponse:
    body: MatchRequest = call.body
    room, role = room_service().match(uid=call.uid, format_id=body.format, remember=body.remember)
    return RoomResponse(room=room, role=role)


def _respond(call: Call, room_id: str) -> RoomResponse:
    room = room_service().get(
        uid=call.uid, room_id=room_id, is_admin=call.principal is not None and call.principal.is_admin
    )
    return RoomResponse(room=room, role=room.role_of(call.uid))


def get_one(call: Call) -> RoomResponse:
    return _respond(call, call.params["roomId"])


def transcript(call: Call) -> RoomTranscriptResponse:

    room = room_service().get(uid=call.uid, room_id=call.params["roomId"])
    return RoomTranscriptResponse(room_id=room.id, lines=room_store().all_lines(room.id))


def post_line(call: Call) -> PostLineResponse:
    result = room_service().post_line(uid=call.uid, room_id=call.params["roomId"], request=call.body)
    return PostLineResponse(line=result.line, reply=result.reply, referral=result.referral)


def advance(call: Call) -> RoomResponse:
    """Admins (operators running the show) move a phase on; the host does it when asked on air."""
    body: AdvancePhaseRequest = call.body
    room_service().get(uid=call.uid, room_id=call.params["roomId"], is_admin=True)
    room = room_service().advance(
        room_id=call.params["roomId"], from_phase=body.from_phase, actor=f"admin:{call.uid}"
    )
    return RoomResponse(room=room, role=None)


def leave(call: Call) -> RoomResponse:
    body: LeaveRequest = call.body
    room = room_service().leave(uid=call.uid, room_id=call.params["roomId"], final=body.final)
    return RoomResponse(room=room, role=room.role_of(call.uid))


def rejoin(call: Call) -> RoomResponse:
    room = room_service().rejoin(uid=call.uid, room_id=call.params["roomId"])
    return RoomResponse(room=room, role=room.role_of(call.uid))


def end(call: Call) -> RoomResponse:
    room = room_service().end_as_member(uid=call.uid, room_id=call.params["roomId"])
    return RoomResponse(room=room, role=room.role_of(call.uid))


def memory_consent(call: Call) -> RoomResponse:
    """Give or withdraw consent to a memory of this room (until it ends; see docs/realtime.md)."""
    body: MemoryConsentRequest = call.body
    room = room_service().set_memory_consent(
        uid=call.uid, room_id=call.params["roomId"], remember=body.remember
    )
    return RoomResponse(room=room, role=room.role_of(call.uid))


def interrupt(call: Call) -> LineResponse:
    line = room_service().interrupt(
        uid=call.uid, room_id=call.params["roomId"], line_id=call.params["lineId"], request=call.body
    )
    return LineResponse(line=line)


ROUTES: tuple[Route, ...] = (
    Route(
        "GET",
        f"{BASE}/formats",
        formats,
        "The room formats (phases, seats, host)",
        GROUP,
        RoomFormatsResponse,
    ),
    Route(
        "POST",
        f"{BASE}/match",
        match,
        "Join the oldest waiting room of a format, or open one; answers the room and the caller's role",
        GROUP,
        RoomResponse,
        body=MatchRequest,
        errors=(Conflict,),
    ),
    Route("GET", ROOM, get_one, "One room (members only)", GROUP, RoomResponse, errors=(NotFound,)),
    Route(
        "GET",
        f"{ROOM}/transcript",
        transcript,
        "The room's lines in order (members only)",
        GROUP,
        RoomTranscriptResponse,
        errors=(NotFound,),
    ),
    Route(
        "POST",
        f"{ROOM}/lines",
        post_line,
        "Post a transcript line as your own role; the host answers when addressed",
        GROUP,
        PostLineResponse,
        body=PostLineRequest,
        status=201,
        errors=(NotFound, InvalidStateTransition),
    ),
    Route(
        "POST",
        f"{ROOM}/phase",
        advance,
        "Move on from the given phase (admins; idempotent)",
        GROUP,
        RoomResponse,
        body=AdvancePhaseRequest,
        access="admin",
        errors=(NotFound, PermissionDenied),
    ),
    Route(
        "POST",
        f"{ROOM}/leave",
        leave,
        "Leave the room (kept for the grace period unless final)",
        GROUP,
        RoomResponse,
        body=LeaveRequest,
        errors=(NotFound,),
    ),
    Route(
        "POST",
        f"{ROOM}/rejoin",
        rejoin,
        "Rejoin within the grace period (same role)",
        GROUP,
        RoomResponse,
        body=EmptyRequest,
        errors=(NotFound, InvalidStateTransition),
    ),
    Route(
        "POST", f"{ROOM}/end", end, "End the room", GROUP, RoomResponse, body=EmptyRequest, errors=(NotFound,)
    ),
    Route(
        "POST",
        f"{ROOM}/memory",
        memory_consent,
        "Give or withdraw your consent to a memory of this room (what you said plus the shared summary)",
        GROUP,
        RoomResponse,
        body=MemoryConsentRequest,
        errors=(NotFound, InvalidStateTransition),
    ),
    Route(
        "POST",
        f"{ROOM}/lines/{{lineId}}/interrupt",
        interrupt,
        "Report a barge-in on a host line (heardMs or heardText)",
        GROUP,
        LineResponse,
        body=InterruptRequest,
        errors=(NotFound, InvalidStateTransition),
    ),
)
