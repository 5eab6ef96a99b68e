"""Request and response bodies: camelCase on the wire, strict input, documented limits."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from backend.api import ROUTES
from shared.models.analytics import AnalyticsRangeQuery, RollupRequest
from shared.models.base import ApiModel, EmptyRequest, Pagination
from shared.models.chat import ChatRequest
from shared.models.contacts import TrustedContactsInput
from shared.models.credits import GrantCreditsRequest
from shared.models.knowledge import KbDocumentRequest, KbListQuery, KbSearchQuery
from shared.models.memory import MemorySearchQuery
from shared.models.messages import ExportQuery, PostMessageRequest, TranscriptQuery
from shared.models.preferences import UserPreferencesRequest
from shared.models.rooms import (
    ActivityLogQuery,
    AdvancePhaseRequest,
    InterruptRequest,
    LeaveRequest,
    MatchRequest,
    MemoryConsentRequest,
    PostLineRequest,
    RoomListQuery,
)
from shared.models.safety import (
    AlertListQuery,
    NoteRequest,
    ReferralReportQuery,
    ScreenRequest,
)
from shared.models.sessions import (
    EndSessionRequest,
    HeartbeatResponse,
    ListSessionsQuery,
    RescheduleRequest,
    ScheduleSessionRequest,
    Session,
    SessionPaths,
    StartSessionRequest,
)
from shared.models.userdata import UserStateRequest
from shared.models.users import MinorFlagRequest, PushTokenRequest, email_user_id
from shared.sessions.statuses import SessionStatus

T0 = datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)

# A minimal valid payload for every request model (bodies and queries) the API accepts.
VALID: dict[type[BaseModel], dict[str, Any]] = {
    StartSessionRequest: {"avatar": "alex", "duration": 30},
    EndSessionRequest: {},
    EmptyRequest: {},
    ListSessionsQuery: {},
    PostMessageRequest: {"content": "hello", "clientMessageId": "c-1"},
    TranscriptQuery: {},
    ExportQuery: {"format": "pdf"},
    ScreenRequest: {"text": "hello"},
    NoteRequest: {"note": "followed up"},
    AlertListQuery: {"status": "active"},
    ReferralReportQuery: {"year": 2026},
    TrustedContactsInput: {"contacts": [{"name": "Sam", "email": "sam@example.test"}]},
    ScheduleSessionRequest: {"avatar": "alex", "duration": 30, "scheduledAt": "2030-01-02T15:00:00Z"},
    RescheduleRequest: {"scheduledAt": "2030-01-02T15:00:00+01:00"},
    GrantCreditsRequest: {"delta": 10, "reason": "goodwill"},
    PushTokenRequest: {"fcmToken": "device-token"},
    MinorFlagRequest: {"minor": True},
    MemorySearchQuery: {"query": "exam stress"},
    ChatRequest: {"message": "hello", "avatar": "alex"},
    UserStateRequest: {"language": "en-US", "conversationContext": {"topic": "sleep"}},
    AnalyticsRangeQuery: {"from": "2030-01-01", "to": "2030-01-31"},
    RollupRequest: {"from": "2030-01-01", "to": "2030-01-01"},
    MatchRequest: {"format": "dating-show", "remember": True},
    MemoryConsentRequest: {"remember": False},
    PostLineRequest: {"content": "hello", "clientLineId": "l-1"},
    LeaveRequest: {"final": True},
    AdvancePhaseRequest: {"fromPhase": "icebreaker"},
    InterruptRequest: {"heardMs": 1200},
    RoomListQuery: {"status": "active"},
    ActivityLogQuery: {"since": "2030-01-02T15:00:00Z", "until": "2030-01-02T16:00:00Z"},
    KbDocumentRequest: {"title": "Refunds", "text": "# Refunds\nWithin fourteen days."},
    KbListQuery: {"page": 2},
    KbSearchQuery: {"query": "refund"},
    UserPreferencesRequest: {"memoryEnabled": False},
}


def request_models() -> list[type[BaseModel]]:
    found: dict[str, type[BaseModel]] = {}
    for route in ROUTES:
        for model in (route.body, route.query):
            if model is not None:
                found[model.__name__] = model
    return sorted(found.values(), key=lambda m: m.__name__)


def error_fields(exc: ValidationError) -> set[str]:
    return {".".join(str(p) for p in err["loc"]) for err in exc.errors()}


def start(**fields: Any) -> StartSessionRequest:
    return StartSessionRequest.model_validate({"avatar": "alex", "duration": 30, **fields})


def session() -> Session:
    return Session(
        id="s1",
        user_id="u1",
        avatar="alex",
        voice_id="v",
        mode="chat",
        session_type="instant",
        status=SessionStatus.ACTIVE,
        planned_duration=30,
        created_at=T0,
        updated_at=T0,
        credits_remaining=5,
        paths=SessionPaths(
            session="sessions/s1", events="sessions/s1/events", messages="sessions/s1/messages"
        ),
    )


# -- camelCase -----------------------------------------------------------------------------


def test_session_is_camel_case_on_the_wire() -> None:
    wire = session().wire()
    for key in ("userId", "voiceId", "sessionType", "plannedDuration", "createdAt", "creditsRemaining"):
        assert key in wire
    assert all("_" not in key for key in wire)
    assert wire["createdAt"].startswith("2030-01-02T03:04:05")


def test_heartbeat_response_is_camel_case_on_the_wire() -> None:
    wire = HeartbeatResponse(session_id="s1", last_seen_at=T0).wire()
    assert set(wire) == {"success", "sessionId", "lastSeenAt"}


def test_request_accepts_camel_case_input() -> None:
    request = StartSessionRequest.model_validate(
        {"avatar": "alex", "duration": 15, "voiceId": "v1", "sessionType": "instant"}
    )
    assert request.voice_id == "v1"
    end = EndSessionRequest.model_validate({"reason": "timeout", "userRating": 3})
    assert end.user_rating == 3


# -- unknown fields ------------------------------------------------------------------------


def test_every_request_model_has_a_valid_example() -> None:
    assert set(request_models()) <= set(VALID), "add a valid payload for the new request model"


@pytest.mark.parametrize("model", request_models(), ids=lambda m: m.__name__)
def test_request_models_reject_unknown_fields(model: type[BaseModel]) -> None:
    model.model_validate(VALID[model])  # the example itself is valid
    with pytest.raises(ValidationError) as caught:
        model.model_validate({**VALID[model], "unexpectedField": 1})
    assert [err["type"] for err in caught.value.errors()] == ["extra_forbidden"]
    assert error_fields(caught.value) == {"unexpectedField"}


def test_all_api_models_forbid_extra_fields() -> None:
    assert ApiModel.model_config.get("extra") == "forbid"


# -- StartSessionRequest -------------------------------------------------------------------


@pytest.mark.parametrize("duration", [15, 30, 45, 60])
def test_allowed_durations(duration: int) -> None:
    assert start(duration=duration).duration == duration


@pytest.mark.parametrize("duration", [0, -15, 10, 20, 59, 61, 90, 120])
def test_other_durations_are_rejected(duration: int) -> None:
    with pytest.raises(ValidationError) as caught:
        start(duration=duration)
    assert error_fields(caught.value) == {"duration"}


def test_duration_is_required() -> None:
    with pytest.raises(ValidationError) as caught:
        StartSessionRequest.model_validate({"avatar": "alex"})
    assert error_fields(caught.value) == {"duration"}


@pytest.mark.parametrize("mode", ["chat", "voice", "video"])
def test_allowed_modes(mode: str) -> None:
    assert start(mode=mode).mode == mode


def test_mode_defaults_to_chat() -> None:
    assert start().mode == "chat"


@pytest.mark.parametrize("mode", ["audio", "text", "", "CHAT"])
def test_other_modes_are_rejected(mode: str) -> None:
    with pytest.raises(ValidationError) as caught:
        start(mode=mode)
    assert error_fields(caught.value) == {"mode"}


@pytest.mark.parametrize("session_type", ["scheduled", "later"])
def test_only_instant_sessions_can_be_started(session_type: str) -> None:
    with pytest.raises(ValidationError):
        start(sessionType=session_type)


@pytest.mark.parametrize(
    ("field", "value", "ok"),
    [
        ("avatar", "a", True),
        ("avatar", "a" * 64, True),
        ("avatar", "a" * 65, False),
        ("avatar", "", False),
        ("voiceId", "v", True),
        ("voiceId", "v" * 64, True),
        ("voiceId", "v" * 65, False),
        ("voiceId", "", False),
        ("voiceId", None, True),
    ],
)
def test_avatar_and_voice_id_length_limits(field: str, value: str | None, ok: bool) -> None:
    if ok:
        start(**{field: value})
    else:
        with pytest.raises(ValidationError) as caught:
            start(**{field: value})
        assert error_fields(caught.value) == {field}


def test_metadata_accepts_scalar_values() -> None:
    metadata = {"s": "text", "i": 3, "f": 1.5, "b": True, "n": None}
    assert start(metadata=metadata).metadata == metadata


@pytest.mark.parametrize(
    ("metadata", "ok"),
    [
        ({f"k{i}": i for i in range(20)}, True),
        ({f"k{i}": i for i in range(21)}, False),
        ({"k" * 64: 1}, True),
        ({"k" * 65: 1}, False),
        ({"": 1}, False),
        ({"k": "x" * 500}, True),
        ({"k": "x" * 501}, False),
        ({"k": {"nested": 1}}, False),
        ({"k": [1, 2]}, False),
    ],
    ids=[
        "20-keys",
        "21-keys",
        "key-64",
        "key-65",
        "empty-key",
        "string-500",
        "string-501",
        "nested-object",
        "list",
    ],
)
def test_metadata_limits(metadata: dict[str, Any], ok: bool) -> None:
    if ok:
        assert start(metadata=metadata).metadata == metadata
    else:
        with pytest.raises(ValidationError) as caught:
            start(metadata=metadata)
        assert all(field.startswith("metadata") for field in error_fields(caught.value))


# -- EndSessionRequest ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rating", "ok"), [(1, True), (5, True), (3, True), (None, True), (0, False), (6, False)]
)
def test_end_rating_is_one_to_five(rating: int | None, ok: bool) -> None:
    if ok:
        assert EndSessionRequest.model_validate({"userRating": rating}).user_rating == rating
    else:
        with pytest.raises(ValidationError) as caught:
            EndSessionRequest.model_validate({"userRating": rating})
        assert error_fields(caught.value) == {"userRating"}


@pytest.mark.parametrize(
    ("reason", "ok"),
    [(r, True) for r in ("completed", "user_ended", "emergency", "timeout")] + [("bored", False)],
)
def test_end_reasons(reason: str, ok: bool) -> None:
    if ok:
        assert EndSessionRequest.model_validate({"reason": reason}).reason == reason
    else:
        with pytest.raises(ValidationError):
            EndSessionRequest.model_validate({"reason": reason})


def test_end_reason_defaults_to_user_ended() -> None:
    assert EndSessionRequest.model_validate({}).reason == "user_ended"


# -- ListSessionsQuery (values arrive as query-string text) -------------------------------


def test_list_query_defaults() -> None:
    query = ListSessionsQuery.model_validate({})
    assert (query.page, query.limit, query.status) == (1, 20, None)


@pytest.mark.parametrize(
    ("args", "ok"),
    [
        ({"page": "1"}, True),
        ({"page": "10000"}, True),
        ({"page": "0"}, False),
        ({"page": "10001"}, False),
        ({"limit": "1"}, True),
        ({"limit": "100"}, True),
        ({"limit": "0"}, False),
        ({"limit": "101"}, False),
        ({"limit": "ten"}, False),
        ({"status": "active"}, True),
        ({"status": "missed"}, True),
        ({"status": "bogus"}, False),
    ],
)
def test_list_query_bounds(args: dict[str, str], ok: bool) -> None:
    if ok:
        query = ListSessionsQuery.model_validate(args)
        for name, text in args.items():
            assert str(getattr(query, name)) == text
    else:
        with pytest.raises(ValidationError) as caught:
            ListSessionsQuery.model_validate(args)
        assert error_fields(caught.value) == set(args)


@pytest.mark.parametrize(
    ("total", "limit", "pages"),
    [(0, 20, 1), (1, 20, 1), (20, 20, 1), (21, 20, 2), (100, 10, 10), (101, 10, 11)],
)
def test_pagination_page_count(total: int, limit: int, pages: int) -> None:
    assert Pagination.of(page=1, limit=limit, total=total).pages == pages


def test_user_email_is_normalised_and_names_one_user() -> None:
    request = start(userEmail="  Sam.Lee@Example.TEST ", userName=" Sam ")
    assert request.user_email == "sam.lee@example.test" and request.user_name == "Sam"
    assert email_user_id("Sam.Lee@Example.test") == email_user_id("sam.lee@example.test ")
    assert email_user_id("sam.lee@example.test") != email_user_id("sam.lee@example.org")


@pytest.mark.parametrize(
    "email", ["not-an-email", "a@b", "two@@example.test", "a b@example.test", "x" * 250 + "@e.io"]
)
def test_malformed_user_emails_are_rejected(email: str) -> None:
    with pytest.raises(ValidationError) as failure:
        start(userEmail=email)
    assert error_fields(failure.value) == {"userEmail"}


@pytest.mark.parametrize(
    "query", [{"query": ""}, {"query": "   "}, {"query": "x" * 501}, {"query": "a", "limit": 21}]
)
def test_memory_search_limits(query: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        MemorySearchQuery.model_validate(query)


@pytest.mark.parametrize("value", ["no", "false", 0, 1, None])
def test_the_memory_preference_takes_only_a_json_boolean(value: Any) -> None:
    with pytest.raises(ValidationError):
        UserPreferencesRequest.model_validate({"memoryEnabled": value})
    assert UserPreferencesRequest.model_validate({"memoryEnabled": False}).memory_enabled is False
