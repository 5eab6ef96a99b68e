"""Pure lifecycle rules: what starting and acting on a session writes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from shared.errors import Conflict, InsufficientCredits, InvalidStateTransition
from shared.models.sessions import Session, StartSessionRequest
from shared.models.users import Avatar, Credits, UserDocument
from shared.sessions.lifecycle import Change, apply_action, new_user, start_instant
from shared.sessions.statuses import SessionAction, SessionStatus

T0 = datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)
USER_ID = "user-1"
SESSION_ID = "session-1"
AVATAR = Avatar(
    id="alex", name="Alex", persona="A listener.", voice_style="warm", default_voice_id="alex-warm"
)


def user_doc(*, remaining: int = 10, live: list[str] | None = None) -> UserDocument:
    return UserDocument(
        credits=Credits(remaining=remaining), live_session_ids=live or [], created_at=T0, updated_at=T0
    )


def start(
    user: UserDocument | None = None,
    *,
    request: StartSessionRequest | None = None,
    max_live: int = 1,
    now: datetime = T0,
) -> Change:
    return start_instant(
        user=user or user_doc(),
        user_id=USER_ID,
        session_id=SESSION_ID,
        request=request or StartSessionRequest(avatar="alex", duration=30),
        avatar=AVATAR,
        now=now,
        max_live_sessions=max_live,
    )


def started() -> tuple[Session, UserDocument]:
    change = start()
    assert change.user is not None
    return change.session, change.user


# -- start_instant ------------------------------------------------------------------------


@pytest.mark.parametrize("remaining", [0, -1])
def test_start_without_credits_is_402(remaining: int) -> None:
    with pytest.raises(InsufficientCredits) as caught:
        start(user_doc(remaining=remaining))
    assert caught.value.http_status == 402
    assert caught.value.details == {"remaining": remaining}


@pytest.mark.parametrize(("max_live", "live"), [(1, ["other"]), (2, ["a", "b"])])
def test_start_beyond_the_live_session_limit_is_409(max_live: int, live: list[str]) -> None:
    with pytest.raises(Conflict) as caught:
        start(user_doc(live=live), max_live=max_live)
    assert caught.value.http_status == 409
    assert caught.value.details == {"liveSessionIds": live}


def test_start_below_the_limit_is_allowed() -> None:
    change = start(user_doc(live=["a"]), max_live=2)
    assert change.user is not None
    assert change.user.live_session_ids == ["a", SESSION_ID]


def test_start_creates_an_active_session_that_takes_the_live_slot() -> None:
    request = StartSessionRequest(avatar="alex", duration=45, mode="voice", metadata={"k": "v"})
    change = start(user_doc(remaining=7), request=request)
    session = change.session
    assert session.id == SESSION_ID
    assert session.user_id == USER_ID
    assert session.status is SessionStatus.ACTIVE
    assert session.session_type == "instant"
    assert session.mode == "voice"
    assert session.planned_duration == 45
    assert session.metadata == {"k": "v"}
    assert session.started_at == session.created_at == session.last_seen_at == T0
    assert session.ended_at is None
    assert session.credits_before == 7
    assert session.credits_remaining == 7
    assert session.paths.session == f"sessions/{SESSION_ID}"
    assert session.paths.events == f"sessions/{SESSION_ID}/events"
    assert session.paths.messages == f"sessions/{SESSION_ID}/messages"
    assert change.user is not None
    assert change.user.live_session_ids == [SESSION_ID]
    assert change.user.updated_at == T0


@pytest.mark.parametrize(("requested", "expected"), [(None, "alex-warm"), ("custom-voice", "custom-voice")])
def test_start_uses_the_requested_voice_or_the_avatar_default(requested: str | None, expected: str) -> None:
    change = start(request=StartSessionRequest(avatar="alex", duration=15, voice_id=requested))
    assert change.session.voice_id == expected


def test_start_writes_a_session_started_event() -> None:
    event = start().event
    assert event.type == "session.started"
    assert event.actor == USER_ID
    assert event.at == T0
    assert event.from_status is None
    assert event.to_status is SessionStatus.ACTIVE
    assert event.data == {"plannedDuration": 30, "avatar": "alex"}


def test_start_does_not_mutate_the_input_user() -> None:
    user = user_doc()
    start(user)
    assert user.live_session_ids == []


# -- apply_action --------------------------------------------------------------------------


def test_pause_and_resume_accumulate_paused_seconds() -> None:
    session, _ = started()
    paused = apply_action(session=session, action=SessionAction.PAUSE, actor=USER_ID, now=T0).session
    assert paused.status is SessionStatus.PAUSED
    assert paused.paused_at == T0
    resumed = apply_action(
        session=paused, action=SessionAction.RESUME, actor=USER_ID, now=T0 + timedelta(seconds=30)
    ).session
    assert resumed.status is SessionStatus.ACTIVE
    assert resumed.paused_at is None
    assert resumed.paused_seconds == pytest.approx(30)
    paused_again = apply_action(
        session=resumed, action=SessionAction.PAUSE, actor=USER_ID, now=T0 + timedelta(seconds=100)
    ).session
    resumed_again = apply_action(
        session=paused_again, action=SessionAction.RESUME, actor=USER_ID, now=T0 + timedelta(seconds=112.5)
    ).session
    assert resumed_again.paused_seconds == pytest.approx(42.5)


def test_ending_while_paused_counts_the_open_pause() -> None:
    session, user = started()
    paused = apply_action(session=session, action=SessionAction.PAUSE, actor=USER_ID, now=T0).session
    ended = apply_action(
        session=paused, action=SessionAction.END, actor=USER_ID, now=T0 + timedelta(seconds=20), user=user
    ).session
    assert ended.status is SessionStatus.COMPLETED
    assert ended.paused_seconds == pytest.approx(20)
    assert ended.paused_at is None


def test_pause_does_not_touch_the_user() -> None:
    session, user = started()
    change = apply_action(session=session, action=SessionAction.PAUSE, actor=USER_ID, now=T0, user=user)
    assert change.user is None


def test_end_frees_the_live_slot_and_records_reason_rating_and_end_time() -> None:
    session, user = started()
    user = user.model_copy(update={"live_session_ids": ["keep-me", *user.live_session_ids]})
    later = T0 + timedelta(minutes=5)
    change = apply_action(
        session=session,
        action=SessionAction.END,
        actor=USER_ID,
        now=later,
        user=user,
        reason="emergency",
        user_rating=4,
    )
    assert change.session.status is SessionStatus.COMPLETED
    assert change.session.ended_at == later
    assert change.session.updated_at == later
    assert change.session.end_reason == "emergency"
    assert change.session.user_rating == 4
    assert change.user is not None
    assert change.user.live_session_ids == ["keep-me"]
    assert change.user.updated_at == later
    assert change.event.type == "session.ended"
    assert change.event.data == {"reason": "emergency", "userRating": 4}


@pytest.mark.parametrize(
    ("action", "status", "event_type"),
    [
        (SessionAction.END, SessionStatus.COMPLETED, "session.ended"),
        (SessionAction.CANCEL, SessionStatus.CANCELLED, "session.cancelled"),
    ],
)
def test_ending_actions_without_reason_record_the_action(
    action: SessionAction, status: SessionStatus, event_type: str
) -> None:
    session, user = started()
    change = apply_action(session=session, action=action, actor=USER_ID, now=T0, user=user)
    assert change.session.status is status
    assert change.session.end_reason == action.value
    assert change.session.ended_at == T0
    assert change.user is not None
    assert SESSION_ID not in change.user.live_session_ids
    assert change.event.type == event_type


@pytest.mark.parametrize(
    ("steps", "expected"),
    [
        ([SessionAction.PAUSE], [("active", "paused", "session.paused")]),
        (
            [SessionAction.PAUSE, SessionAction.RESUME],
            [("active", "paused", "session.paused"), ("paused", "active", "session.resumed")],
        ),
        (
            [SessionAction.PAUSE, SessionAction.CANCEL],
            [("active", "paused", "session.paused"), ("paused", "cancelled", "session.cancelled")],
        ),
        ([SessionAction.END], [("active", "completed", "session.ended")]),
    ],
)
def test_events_carry_from_and_to_status(
    steps: list[SessionAction], expected: list[tuple[str, str, str]]
) -> None:
    session, user = started()
    seen = []
    for step in steps:
        change = apply_action(session=session, action=step, actor="actor-9", now=T0, user=user)
        assert change.event.actor == "actor-9"
        seen.append((str(change.event.from_status), str(change.event.to_status), change.event.type))
        session = change.session
    assert seen == expected


def test_illegal_action_raises_and_changes_nothing() -> None:
    session, user = started()
    ended = apply_action(session=session, action=SessionAction.END, actor=USER_ID, now=T0, user=user).session
    with pytest.raises(InvalidStateTransition):
        apply_action(session=ended, action=SessionAction.RESUME, actor=USER_ID, now=T0)
    assert ended.status is SessionStatus.COMPLETED


def test_duration_is_active_time_without_pauses() -> None:
    from shared.models.users import Avatar

    t0 = datetime(2030, 1, 1, tzinfo=UTC)
    avatar = Avatar(id="alex", name="Alex", persona="p", voice_style="v", default_voice_id="a")
    started = start_instant(
        user=new_user(now=t0, starting_credits=10),
        user_id="u",
        session_id="s",
        request=StartSessionRequest(avatar="alex", duration=15),
        avatar=avatar,
        now=t0,
        max_live_sessions=1,
    ).session
    paused = apply_action(
        session=started, action=SessionAction.PAUSE, actor="u", now=t0 + timedelta(seconds=60)
    ).session
    ended = apply_action(
        session=paused, action=SessionAction.END, actor="u", now=t0 + timedelta(seconds=100)
    ).session
    assert ended.paused_seconds == 40
    assert ended.duration_seconds == 60
