"""One behaviour suite for every SessionService adapter: they must be interchangeable.

`memory` runs with the unit tests; `firestore` needs the emulator (marked `emulator`). The
Firestore database is shared between tests, so every test uses fresh random user ids.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from shared.errors import (
    Conflict,
    IdempotencyKeyReused,
    InsufficientCredits,
    InvalidStateTransition,
    NotFound,
    ValidationFailed,
)
from shared.models.sessions import ListSessionsQuery, ScheduleSessionRequest, Session, StartSessionRequest
from shared.models.users import Credits, UserDocument
from shared.sessions.in_memory import InMemorySessionService
from shared.sessions.ports import Idempotency, SessionService, SessionTimers
from shared.sessions.statuses import SessionAction, SessionStatus
from shared.settings import Settings


@dataclass
class Adapter:
    service: SessionService
    set_credits: Callable[[str, int], None]
    event_types: Callable[[str], list[str]]


def memory_adapter(settings: Settings) -> Adapter:
    service = InMemorySessionService(settings=settings)

    def set_credits(user_id: str, remaining: int) -> None:
        now = datetime.now(UTC)
        service.users[user_id] = UserDocument(
            credits=Credits(remaining=remaining), created_at=now, updated_at=now
        )

    def event_types(session_id: str) -> list[str]:
        return [event.type for event in service.history.get(session_id, [])]

    return Adapter(service, set_credits, event_types)


def firestore_adapter(settings: Settings) -> Adapter:
    from backend.store.sessions import FirestoreSessionService
    from tests.support.emulator import firestore_db

    db = firestore_db()
    service = FirestoreSessionService(settings=settings, db=db)

    def set_credits(user_id: str, remaining: int) -> None:
        # What an operator does with the admin client: the documented camelCase user document.
        now = datetime.now(UTC)
        db.collection("users").document(user_id).set(
            {
                "credits": {"remaining": remaining, "used": 0},
                "liveSessionIds": [],
                "createdAt": now,
                "updatedAt": now,
            }
        )

    def event_types(session_id: str) -> list[str]:
        docs = db.collection("sessions").document(session_id).collection("events").get()
        events = sorted((doc.to_dict() for doc in docs), key=lambda e: e["at"])
        return [str(event["type"]) for event in events]

    return Adapter(service, set_credits, event_types)


ADAPTERS: dict[str, Callable[[Settings], Adapter]] = {
    "memory": memory_adapter,
    "firestore": firestore_adapter,
}


@pytest.fixture(params=["memory", pytest.param("firestore", marks=pytest.mark.emulator)])
def make_adapter(request: pytest.FixtureRequest) -> Callable[[Settings], Adapter]:
    build: Callable[[Settings], Adapter] = ADAPTERS[request.param]
    return build


@pytest.fixture
def adapter(make_adapter: Callable[[Settings], Adapter]) -> Adapter:
    return make_adapter(Settings())


@pytest.fixture
def service(adapter: Adapter) -> SessionService:
    return adapter.service


def uid() -> str:
    return f"behaviour-{uuid.uuid4().hex}"


def request(**fields: Any) -> StartSessionRequest:
    return StartSessionRequest.model_validate({"avatar": "alex", "duration": 30, **fields})


def end(service: SessionService, user_id: str, session: Session) -> Session:
    return service.act(user_id=user_id, session_id=session.id, action=SessionAction.END)


# -- start ---------------------------------------------------------------------------------


def test_start_returns_an_active_session_with_credits_and_paths(service: SessionService) -> None:
    user_id = uid()
    credits = service.credits(user_id=user_id).remaining
    session = service.start(
        user_id=user_id, request=request(avatar="Sarah", duration=45, mode="voice", metadata={"source": "t"})
    )
    assert session.status is SessionStatus.ACTIVE
    assert session.user_id == user_id
    assert session.avatar == "sarah"  # resolved from the display name
    assert session.voice_id == "sarah-bright"
    assert session.mode == "voice"
    assert session.planned_duration == 45
    assert session.metadata == {"source": "t"}
    assert session.credits_before == credits
    assert session.credits_remaining == credits
    assert session.started_at is not None and session.ended_at is None
    assert session.paths.session == f"sessions/{session.id}"
    assert session.paths.events == f"sessions/{session.id}/events"
    assert session.paths.messages == f"sessions/{session.id}/messages"
    assert service.get(user_id=user_id, session_id=session.id).wire() == session.wire()


def test_start_with_an_unknown_avatar_is_rejected(service: SessionService) -> None:
    user_id = uid()
    with pytest.raises(ValidationFailed):
        service.start(user_id=user_id, request=request(avatar="nobody"))
    assert service.get_live(user_id=user_id) is None


def test_second_start_while_live_is_a_conflict(service: SessionService) -> None:
    user_id = uid()
    first = service.start(user_id=user_id, request=request())
    with pytest.raises(Conflict) as caught:
        service.start(user_id=user_id, request=request())
    assert caught.value.http_status == 409
    page = service.list(user_id=user_id, query=ListSessionsQuery())
    assert [s.id for s in page.sessions] == [first.id]


def test_concurrent_starts_give_one_live_session(service: SessionService) -> None:
    user_id = uid()

    def attempt(_: int) -> str:
        try:
            return service.start(user_id=user_id, request=request()).id
        except Conflict:
            return "conflict"

    with ThreadPoolExecutor(max_workers=4) as pool:
        outcomes = list(pool.map(attempt, range(4)))
    started = [o for o in outcomes if o != "conflict"]
    assert len(started) == 1
    live = service.get_live(user_id=user_id)
    assert live is not None and live.id == started[0]
    assert service.list(user_id=user_id, query=ListSessionsQuery()).total == 1


def test_start_writes_exactly_one_started_event(adapter: Adapter) -> None:
    session = adapter.service.start(user_id=uid(), request=request())
    assert adapter.event_types(session.id) == ["session.started"]


def test_each_action_appends_one_event(adapter: Adapter) -> None:
    user_id = uid()
    session = adapter.service.start(user_id=user_id, request=request())
    for action in (SessionAction.PAUSE, SessionAction.RESUME, SessionAction.END):
        adapter.service.act(user_id=user_id, session_id=session.id, action=action)
    assert adapter.event_types(session.id) == [
        "session.started",
        "session.paused",
        "session.resumed",
        "session.ended",
    ]


# -- get / list ----------------------------------------------------------------------------


def test_another_users_session_is_not_found(service: SessionService) -> None:
    owner, stranger = uid(), uid()
    session = service.start(user_id=owner, request=request())
    with pytest.raises(NotFound):
        service.get(user_id=stranger, session_id=session.id)
    with pytest.raises(NotFound):
        service.act(user_id=stranger, session_id=session.id, action=SessionAction.END)
    with pytest.raises(NotFound):
        service.heartbeat(user_id=stranger, session_id=session.id)
    assert service.get(user_id=owner, session_id=session.id).status is SessionStatus.ACTIVE


def test_unknown_session_is_not_found(service: SessionService) -> None:
    with pytest.raises(NotFound):
        service.get(user_id=uid(), session_id=uuid.uuid4().hex)


def test_admin_can_get_any_session(service: SessionService) -> None:
    owner, operator = uid(), uid()
    session = service.start(user_id=owner, request=request())
    found = service.get(user_id=operator, session_id=session.id, is_admin=True)
    assert found.id == session.id
    assert found.user_id == owner


@pytest.fixture
def history(service: SessionService) -> tuple[str, list[Session]]:
    """Three sessions of one user, oldest first: completed, cancelled, active."""
    user_id = uid()
    completed = service.start(user_id=user_id, request=request())
    end(service, user_id, completed)
    cancelled = service.start(user_id=user_id, request=request())
    service.act(user_id=user_id, session_id=cancelled.id, action=SessionAction.CANCEL)
    active = service.start(user_id=user_id, request=request())
    service.start(user_id=uid(), request=request())  # someone else's session is never listed
    return user_id, [completed, cancelled, active]


def test_list_is_newest_first(service: SessionService, history: tuple[str, list[Session]]) -> None:
    user_id, sessions = history
    page = service.list(user_id=user_id, query=ListSessionsQuery())
    assert [s.id for s in page.sessions] == [s.id for s in reversed(sessions)]
    assert page.total == 3
    assert all(s.user_id == user_id for s in page.sessions)


@pytest.mark.parametrize(
    ("status", "index"),
    [
        (SessionStatus.COMPLETED, 0),
        (SessionStatus.CANCELLED, 1),
        (SessionStatus.ACTIVE, 2),
        (SessionStatus.PAUSED, None),
    ],
)
def test_list_filters_by_status(
    service: SessionService, history: tuple[str, list[Session]], status: SessionStatus, index: int | None
) -> None:
    user_id, sessions = history
    page = service.list(user_id=user_id, query=ListSessionsQuery(status=status))
    expected = [] if index is None else [sessions[index].id]
    assert [s.id for s in page.sessions] == expected
    assert page.total == len(expected)
    assert all(s.status is status for s in page.sessions)


@pytest.mark.parametrize(("page", "indexes"), [(1, [2, 1]), (2, [0]), (3, [])])
def test_list_paginates_with_totals(
    service: SessionService, history: tuple[str, list[Session]], page: int, indexes: list[int]
) -> None:
    user_id, sessions = history
    found = service.list(user_id=user_id, query=ListSessionsQuery(page=page, limit=2))
    assert [s.id for s in found.sessions] == [sessions[i].id for i in indexes]
    assert found.total == 3


def test_list_of_a_new_user_is_empty(service: SessionService) -> None:
    page = service.list(user_id=uid(), query=ListSessionsQuery())
    assert page.sessions == []
    assert page.total == 0


# -- actions -------------------------------------------------------------------------------


def test_pause_resume_end(service: SessionService) -> None:
    user_id = uid()
    session = service.start(user_id=user_id, request=request())
    paused = service.act(user_id=user_id, session_id=session.id, action=SessionAction.PAUSE)
    assert paused.status is SessionStatus.PAUSED
    assert paused.paused_at is not None
    resumed = service.act(user_id=user_id, session_id=session.id, action=SessionAction.RESUME)
    assert resumed.status is SessionStatus.ACTIVE
    assert resumed.paused_at is None
    assert resumed.paused_seconds > 0
    ended = service.act(
        user_id=user_id, session_id=session.id, action=SessionAction.END, reason="completed", user_rating=5
    )
    assert ended.status is SessionStatus.COMPLETED
    assert ended.end_reason == "completed"
    assert ended.user_rating == 5
    assert ended.ended_at is not None
    assert service.get(user_id=user_id, session_id=session.id).wire() == ended.wire()


@pytest.mark.parametrize(
    ("steps", "illegal"),
    [
        ([], SessionAction.RESUME),
        ([], SessionAction.START),
        ([SessionAction.PAUSE], SessionAction.PAUSE),
        ([SessionAction.END], SessionAction.PAUSE),
        ([SessionAction.END], SessionAction.END),
        ([SessionAction.CANCEL], SessionAction.RESUME),
    ],
)
def test_illegal_action_is_an_invalid_transition(
    service: SessionService, steps: list[SessionAction], illegal: SessionAction
) -> None:
    user_id = uid()
    session = service.start(user_id=user_id, request=request())
    for step in steps:
        session = service.act(user_id=user_id, session_id=session.id, action=step)
    with pytest.raises(InvalidStateTransition) as caught:
        service.act(user_id=user_id, session_id=session.id, action=illegal)
    assert caught.value.http_status == 409
    assert service.get(user_id=user_id, session_id=session.id).status is session.status


@pytest.mark.parametrize("finish", [SessionAction.END, SessionAction.CANCEL])
@pytest.mark.parametrize("paused_first", [False, True])
def test_finishing_frees_the_live_slot(
    service: SessionService, finish: SessionAction, paused_first: bool
) -> None:
    user_id = uid()
    first = service.start(user_id=user_id, request=request())
    if paused_first:
        service.act(user_id=user_id, session_id=first.id, action=SessionAction.PAUSE)
    service.act(user_id=user_id, session_id=first.id, action=finish)
    assert service.get_live(user_id=user_id) is None
    second = service.start(user_id=user_id, request=request())
    assert second.id != first.id
    assert second.status is SessionStatus.ACTIVE


# -- live session and heartbeats ------------------------------------------------------------


def test_get_live_follows_the_live_session(service: SessionService) -> None:
    user_id = uid()
    assert service.get_live(user_id=user_id) is None
    session = service.start(user_id=user_id, request=request())
    live = service.get_live(user_id=user_id)
    assert live is not None and live.id == session.id
    service.act(user_id=user_id, session_id=session.id, action=SessionAction.PAUSE)
    paused = service.get_live(user_id=user_id)
    assert paused is not None and paused.status is SessionStatus.PAUSED
    end(service, user_id, session)
    assert service.get_live(user_id=user_id) is None


@pytest.mark.parametrize("pause", [False, True])
def test_heartbeat_updates_last_seen(service: SessionService, pause: bool) -> None:
    user_id = uid()
    session = service.start(user_id=user_id, request=request())
    if pause:
        service.act(user_id=user_id, session_id=session.id, action=SessionAction.PAUSE)
    seen = service.heartbeat(user_id=user_id, session_id=session.id)
    assert session.last_seen_at is not None
    assert seen >= session.last_seen_at
    assert service.get(user_id=user_id, session_id=session.id).last_seen_at == seen


@pytest.mark.parametrize("finish", [SessionAction.END, SessionAction.CANCEL])
def test_heartbeat_on_a_finished_session_is_409(service: SessionService, finish: SessionAction) -> None:
    user_id = uid()
    session = service.start(user_id=user_id, request=request())
    service.act(user_id=user_id, session_id=session.id, action=finish)
    with pytest.raises(InvalidStateTransition) as caught:
        service.heartbeat(user_id=user_id, session_id=session.id)
    assert caught.value.http_status == 409


# -- idempotency ---------------------------------------------------------------------------


def test_idempotent_start_replays_the_same_session(service: SessionService) -> None:
    user_id = uid()
    key = Idempotency(key="start-1", fingerprint="fp-1")
    first = service.start(user_id=user_id, request=request(), idempotency=key)
    again = service.start(user_id=user_id, request=request(), idempotency=Idempotency("start-1", "fp-1"))
    assert again.id == first.id
    assert again.wire() == first.wire()
    assert service.list(user_id=user_id, query=ListSessionsQuery()).total == 1


def test_idempotency_key_reused_for_another_request(service: SessionService) -> None:
    user_id = uid()
    first = service.start(user_id=user_id, request=request(), idempotency=Idempotency("start-1", "fp-1"))
    with pytest.raises(IdempotencyKeyReused) as caught:
        service.start(
            user_id=user_id, request=request(duration=60), idempotency=Idempotency("start-1", "fp-2")
        )
    assert caught.value.http_status == 422
    assert [s.id for s in service.list(user_id=user_id, query=ListSessionsQuery()).sessions] == [first.id]


def test_idempotency_keys_are_per_user(service: SessionService) -> None:
    a, b = uid(), uid()
    first = service.start(user_id=a, request=request(), idempotency=Idempotency("shared", "fp"))
    second = service.start(user_id=b, request=request(), idempotency=Idempotency("shared", "fp"))
    assert first.id != second.id
    assert second.user_id == b


def test_idempotent_action_replays_after_the_state_moved_on(service: SessionService) -> None:
    user_id = uid()
    session = service.start(user_id=user_id, request=request())
    key = Idempotency("pause-1", "fp-pause")
    paused = service.act(user_id=user_id, session_id=session.id, action=SessionAction.PAUSE, idempotency=key)
    # A retried pause must not fail with "cannot pause a paused session".
    again = service.act(user_id=user_id, session_id=session.id, action=SessionAction.PAUSE, idempotency=key)
    assert again.wire() == paused.wire()


# -- credits -------------------------------------------------------------------------------


@pytest.mark.parametrize("grant", [1, 60, 250])
def test_a_new_user_has_the_starting_grant(make_adapter: Callable[[Settings], Adapter], grant: int) -> None:
    service = make_adapter(Settings(starting_credits=grant)).service
    user_id = uid()
    assert service.credits(user_id=user_id) == Credits(remaining=grant, used=0)
    session = service.start(user_id=user_id, request=request())
    assert session.credits_before == grant


def test_zero_credits_cannot_start(adapter: Adapter) -> None:
    user_id = uid()
    adapter.set_credits(user_id, 0)
    assert adapter.service.credits(user_id=user_id).remaining == 0
    with pytest.raises(InsufficientCredits) as caught:
        adapter.service.start(user_id=user_id, request=request())
    assert caught.value.http_status == 402
    assert adapter.service.get_live(user_id=user_id) is None
    assert adapter.service.list(user_id=user_id, query=ListSessionsQuery()).total == 0


# -- metering --------------------------------------------------------------------------------------


def test_ending_charges_every_started_minute_once(service: SessionService) -> None:
    user_id = uid()
    before = service.credits(user_id=user_id).remaining
    session = service.start(user_id=user_id, request=request())
    service.heartbeat(user_id=user_id, session_id=session.id)
    ended = end(service, user_id, session)
    assert ended.credits_used >= 1, "the first minute started at once"
    assert ended.credits_after == before - ended.credits_used
    assert service.credits(user_id=user_id) == Credits(
        remaining=before - ended.credits_used, used=ended.credits_used
    )


# -- scheduled sessions -----------------------------------------------------------------------------


class RecordingTimers(SessionTimers):
    def __init__(self) -> None:
        self.planned: list[tuple[str, SessionStatus, int, int]] = []

    def plan(self, session: Session) -> None:
        self.planned.append((session.id, session.status, session.timer_generation, session.schedule_revision))


def scheduling(**fields: Any) -> ScheduleSessionRequest:
    at = datetime.now(UTC) + timedelta(hours=1)
    return ScheduleSessionRequest.model_validate(
        {"avatar": "alex", "duration": 30, "scheduledAt": at.isoformat(), **fields}
    )


def test_schedule_upcoming_reschedule_and_start(service: SessionService) -> None:
    timers = RecordingTimers()
    service.timers = timers
    user_id = uid()
    later = service.schedule(user_id=user_id, request=scheduling(timezone="Europe/Paris"))
    sooner = service.schedule(
        user_id=user_id,
        request=scheduling(scheduledAt=(datetime.now(UTC) + timedelta(minutes=20)).isoformat()),
    )
    service.schedule(user_id=uid(), request=scheduling())  # someone else's
    assert later.status is SessionStatus.PENDING and later.session_type == "scheduled"
    assert service.get_live(user_id=user_id) is None
    assert [s.id for s in service.upcoming(user_id=user_id)] == [sooner.id, later.id]

    moved_to = datetime.now(UTC) + timedelta(hours=2)
    moved = service.reschedule(user_id=user_id, session_id=later.id, scheduled_at=moved_to)
    assert moved.schedule_revision == 1 and moved.scheduled_at is not None
    assert abs((moved.scheduled_at - moved_to).total_seconds()) < 0.001
    with pytest.raises(NotFound):
        service.reschedule(user_id=uid(), session_id=later.id, scheduled_at=moved_to)

    started = service.act(user_id=user_id, session_id=sooner.id, action=SessionAction.START)
    assert started.status is SessionStatus.ACTIVE and started.started_at is not None
    live = service.get_live(user_id=user_id)
    assert live is not None and live.id == sooner.id
    with pytest.raises(Conflict):
        service.act(user_id=user_id, session_id=later.id, action=SessionAction.START)
    with pytest.raises(InvalidStateTransition):
        service.reschedule(user_id=user_id, session_id=sooner.id, scheduled_at=moved_to)
    assert [s.id for s in service.upcoming(user_id=user_id)] == [later.id]

    # Timers were planned for each new schedule, the reschedule and the start, nothing else.
    mine = [(sid, status, rev) for sid, status, _, rev in timers.planned if sid in (later.id, sooner.id)]
    assert mine == [
        (later.id, SessionStatus.PENDING, 0),
        (sooner.id, SessionStatus.PENDING, 0),
        (later.id, SessionStatus.PENDING, 1),
        (sooner.id, SessionStatus.ACTIVE, 0),
    ]


def test_pause_plans_nothing_and_resume_plans_a_new_generation(service: SessionService) -> None:
    timers = RecordingTimers()
    service.timers = timers
    user_id = uid()
    session = service.start(user_id=user_id, request=request())
    service.act(user_id=user_id, session_id=session.id, action=SessionAction.PAUSE)
    resumed = service.act(user_id=user_id, session_id=session.id, action=SessionAction.RESUME)
    end(service, user_id, session)
    assert [(s, g) for _, s, g, _ in timers.planned] == [
        (SessionStatus.ACTIVE, 1),
        (SessionStatus.ACTIVE, resumed.timer_generation),
    ]
    assert resumed.timer_generation == 3


def test_scheduling_in_the_past_is_rejected(service: SessionService) -> None:
    past = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    with pytest.raises(ValidationFailed):
        service.schedule(user_id=uid(), request=scheduling(scheduledAt=past))


def test_a_second_session_is_of_a_returning_user(service: SessionService) -> None:
    user_id = uid()
    first = service.start(user_id=user_id, request=request())
    assert first.returning_user is False
    end(service, user_id, first)
    second = service.start(user_id=user_id, request=request())
    assert second.returning_user is True


def test_ending_a_live_session_leaves_its_memory_pending(service: SessionService) -> None:
    user_id = uid()
    session = service.start(user_id=user_id, request=request())
    assert session.memory_status is None, "no memory while live"
    ended = end(service, user_id, session)
    assert ended.memory_status in ("pending", "ready"), "pending until the memory function writes it"
    scheduled = service.schedule(
        user_id=user_id,
        request=ScheduleSessionRequest.model_validate(
            {"avatar": "alex", "duration": 30, "scheduledAt": datetime.now(UTC) + timedelta(hours=2)}
        ),
    )
    cancelled = service.act(user_id=user_id, session_id=scheduled.id, action=SessionAction.CANCEL)
    assert cancelled.memory_status is None, "a session that never ran has nothing to remember"
