"""`/api/v1/sessions/{id}/messages|transcript|export`: the live conversation (function `sessions_api`)."""

from __future__ import annotations

from backend.api.acting import session_owner
from backend.http.routing import API_PREFIX, Call, Response, Route
from backend.wiring import conversation_service, message_store, session_service
from shared.avatars import load_avatars, resolve_avatar
from shared.errors import InvalidStateTransition, NotFound
from shared.export import CONTENT_TYPES, export_filename
from shared.export.csv_export import transcript_csv
from shared.models.messages import (
    ExportQuery,
    PostMessageRequest,
    PostMessageResponse,
    Transcript,
    TranscriptMessage,
    TranscriptQuery,
    TranscriptResponse,
)
from shared.settings import get_settings

GROUP = "sessions"
BASE = f"{API_PREFIX}/sessions/{{sessionId}}"


def post_message(call: Call) -> PostMessageResponse:
    turn = conversation_service().post(
        user_id=session_owner(call), session_id=call.params["sessionId"], request=call.body
    )
    return PostMessageResponse(message=turn.message, reply=turn.reply)


def transcript(call: Call) -> TranscriptResponse:
    session = session_service().get(user_id=session_owner(call), session_id=call.params["sessionId"])
    query: TranscriptQuery = call.query
    messages, next_cursor, total = message_store().page(session.id, cursor=query.cursor, limit=query.limit)
    rows = [
        TranscriptMessage(
            id=m.id,
            speaker=m.speaker,
            type=m.type,
            content=m.content,
            status=m.status,
            timestamp=m.created_at,
            timestamp_in_session=m.timestamp_in_session,
            sentiment=m.sentiment,
            topics=m.topics,
            ai_model=m.ai_model,
            audio_url=m.audio_url,
            safety=m.safety,
        )
        for m in messages
    ]
    return TranscriptResponse(
        transcript=Transcript(
            session_id=session.id, messages=rows, total_messages=total, next_cursor=next_cursor
        )
    )


def export(call: Call) -> Response:
    from shared.export.pdf_export import transcript_pdf

    session = session_service().get(user_id=session_owner(call), session_id=call.params["sessionId"])
    fmt = call.query.format
    messages = message_store().all_messages(session.id)
    if fmt == "csv":
        body = transcript_csv(messages)
    else:
        avatar = resolve_avatar(load_avatars(get_settings().avatars_file), session.avatar)
        body = transcript_pdf(
            session=session, avatar_name=avatar.name, messages=messages, summary=session.summary or None
        )
    filename = export_filename(session, fmt)
    return Response(
        body=body,
        content_type=CONTENT_TYPES[fmt],
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


ROUTES: tuple[Route, ...] = (
    Route(
        "POST",
        f"{BASE}/messages",
        post_message,
        "Add a message (text or transcript) and optionally get the AI reply",
        GROUP,
        PostMessageResponse,
        body=PostMessageRequest,
        status=201,
        errors=(NotFound, InvalidStateTransition),
    ),
    Route(
        "GET",
        f"{BASE}/transcript",
        transcript,
        "The session's messages in order, with stable cursors",
        GROUP,
        TranscriptResponse,
        query=TranscriptQuery,
        errors=(NotFound,),
    ),
    Route(
        "GET",
        f"{BASE}/export",
        export,
        "The transcript as CSV or PDF",
        GROUP,
        None,
        query=ExportQuery,
        errors=(NotFound,),
    ),
)
