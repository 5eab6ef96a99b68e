"""Pure rules of scheduled sessions and the metered lifecycle: validation, reminders, start, missed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from shared.errors import Conflict, InsufficientCredits, InvalidStateTransition, ValidationFailed
from shared.models.sessions import ScheduleSessionRequest, Session, StartSessionRequest
from shared.models.users import Avatar, Credits, UserDocument
from shared.sessions.lifecycle import (
    MeteringRules,
    metered_action,
    needs_timers,
    reschedule,
    schedule_session,
    start_instant,
    start_pending,
)
from shared.sessions.scheduling import (
    check_scheduled_at,
    is_missed,
    missed_at,
    missed_text,
    reminder_text,
    reminders_for,
)
from shared.sessions.statuses import SessionAction, SessionStatus
from shared.settings import Settings, parse_leads

T0 = datetime(2030, 1, 2, 12, 0, tzinfo=UTC)
AVATAR = Avatar(id="alex", name="Alex", persona="p", voice_style="v", default_voice_id="alex-warm")
RULES = MeteringRules(minute_seconds=60, warn_minutes=10, missed_grace_seconds=900)
LEADS = (900, 0)


def user(remaining: int = 60, live: list[str] | None = None) -> UserDocument:
    return UserDocument(
        credits=Credits(remaining=remaining), live_session_ids=live or [], created_at=T0, updated_at=T0
    )


def scheduled(at: datetime = T0 + timedelta(hours=1), **fields: object) -> Session:
    request = ScheduleSessionRequest.model_validate(
        {"avatar": "alex", "duration": 30, "scheduledAt": at.isoformat(), **fields}
    )
    change = schedule_session(
        user=user(), user_id="u1", session_id="s1", request=request, avatar=AVATAR, now=T0, rules=RULES
    )
    return change.session


# -- validation ----------------------------------------------------------------------------------


def test_scheduled_at_must_be_in_the_future_with_a_little_skew() -> None:
    with pytest.raises(ValidationFailed):
        check_scheduled_at(T0 - timedelta(seconds=61), now=T0, skew_seconds=60, max_ahead_days=90)
    assert check_scheduled_at(T0 - timedelta(seconds=30), now=T0, skew_seconds=60, max_ahead_days=90)


def test_scheduled_at_at_most_max_days_ahead_and_kept_in_utc() -> None:
    with pytest.raises(ValidationFailed):
        check_scheduled_at(T0 + timedelta(days=91), now=T0, skew_seconds=60, max_ahead_days=90)
    berlin = datetime(2030, 1, 2, 15, 0, tzinfo=timezone(timedelta(hours=1)))
    kept = check_scheduled_at(berlin, now=T0, skew_seconds=60, max_ahead_days=90)
    assert kept.tzinfo == UTC and kept == datetime(2030, 1, 2, 14, 0, tzinfo=UTC)


@pytest.mark.parametrize("zone", ["Mars/Base", "../etc/passwd", "", "utc+1"])
def test_timezone_must_be_an_iana_name(zone: str) -> None:
    with pytest.raises(ValueError, match="timezone"):
        ScheduleSessionRequest.model_validate(
            {"avatar": "alex", "duration": 30, "scheduledAt": "2030-01-02T15:00:00Z", "timezone": zone}
        )


def test_naive_scheduled_at_is_rejected() -> None:
    with pytest.raises(ValueError, match="timezone"):
        ScheduleSessionRequest.model_validate(
            {"avatar": "alex", "duration": 30, "scheduledAt": "2030-01-02T15:00"}
        )


@pytest.mark.parametrize(
    ("raw", "leads"), [("900,0", (900, 0)), ("0,900,900", (900, 0)), ("", ()), (" 60 ", (60,))]
)
def test_reminder_leads_setting(raw: str, leads: tuple[int, ...]) -> None:
    assert parse_leads(raw) == leads
    assert Settings(reminder_leads_seconds=raw).reminder_leads == leads


@pytest.mark.parametrize("raw", ["15m", "-5", "1,,x"])
def test_bad_reminder_leads_are_refused(raw: str) -> None:
    with pytest.raises(ValueError, match="reminder leads"):
        Settings(reminder_leads_seconds=raw)


# -- schedule, reschedule, start -----------------------------------------------------------------


def test_schedule_creates_a_pending_session_and_event() -> None:
    request = ScheduleSessionRequest.model_validate(
        {
            "avatar": "alex",
            "duration": 45,
            "scheduledAt": "2030-01-02T14:00:00+01:00",
            "timezone": "Europe/Berlin",
        }
    )
    change = schedule_session(
        user=user(7), user_id="u1", session_id="s1", request=request, avatar=AVATAR, now=T0, rules=RULES
    )
    session = change.session
    assert session.status is SessionStatus.PENDING and session.session_type == "scheduled"
    assert session.scheduled_at == datetime(2030, 1, 2, 13, 0, tzinfo=UTC)
    assert session.timezone == "Europe/Berlin" and session.reminder is True
    assert session.started_at is None and session.credits_remaining == 7
    assert change.user is None, "no live slot is taken"
    assert change.event.type == "session.scheduled" and change.event.to_status is SessionStatus.PENDING


def test_reschedule_moves_the_time_and_bumps_the_revision() -> None:
    pending = scheduled()
    moved = reschedule(session=pending, scheduled_at=T0 + timedelta(hours=3), actor="u1", now=T0, rules=RULES)
    assert moved.session.scheduled_at == T0 + timedelta(hours=3)
    assert moved.session.schedule_revision == 1
    assert moved.event.type == "session.rescheduled"
    assert needs_timers(pending, moved.session)
    cancelled = pending.model_copy(update={"status": SessionStatus.CANCELLED})
    with pytest.raises(InvalidStateTransition):
        reschedule(session=cancelled, scheduled_at=T0 + timedelta(hours=3), actor="u1", now=T0, rules=RULES)


def test_start_pending_checks_credits_and_the_live_limit_when_it_starts() -> None:
    pending = scheduled()
    with pytest.raises(InsufficientCredits):
        start_pending(session=pending, user=user(0), actor="u1", now=T0, max_live_sessions=1, rules=RULES)
    with pytest.raises(Conflict):
        start_pending(
            session=pending, user=user(live=["x"]), actor="u1", now=T0, max_live_sessions=1, rules=RULES
        )
    change = start_pending(
        session=pending, user=user(8), actor="u1", now=T0, max_live_sessions=1, rules=RULES
    )
    assert change.session.status is SessionStatus.ACTIVE and change.session.started_at == T0
    assert change.session.credits_before == 8 and change.session.warning is not None
    assert change.user is not None and change.user.live_session_ids == ["s1"]
    assert change.event.from_status is SessionStatus.PENDING
    assert needs_timers(pending, change.session)


def test_a_missed_session_cannot_start() -> None:
    pending = scheduled(at=T0 - timedelta(seconds=30))
    late = T0 + timedelta(seconds=900)
    assert is_missed(pending, late, RULES.missed_grace_seconds)
    with pytest.raises(InvalidStateTransition, match="missed"):
        start_pending(session=pending, user=user(), actor="u1", now=late, max_live_sessions=1, rules=RULES)


# -- metered actions -------------------------------------------------------------------------------


def active(remaining: int = 60) -> tuple[Session, UserDocument]:
    change = start_instant(
        user=user(remaining),
        user_id="u1",
        session_id="s1",
        request=StartSessionRequest(avatar="alex", duration=30),
        avatar=AVATAR,
        now=T0,
        max_live_sessions=1,
        rules=RULES,
    )
    assert change.user is not None
    return change.session, change.user


def test_start_records_the_minute_length_and_first_generation() -> None:
    session, _ = active(5)
    assert session.credit_minute_seconds == 60 and session.timer_generation == 1
    assert session.warning is not None, "starting with few credits warns at once"
    assert active(60)[0].warning is None


def test_end_charges_the_final_started_minute() -> None:
    session, owner = active()
    change = metered_action(
        session=session,
        user=owner,
        action=SessionAction.END,
        actor="u1",
        now=T0 + timedelta(seconds=125),
        rules=RULES,
        max_live_sessions=1,
        reason="completed",
    )
    assert change.session.credits_used == 3 and change.session.credits_after == 57
    assert (
        change.user is not None and change.user.credits.remaining == 57 and change.user.live_session_ids == []
    )
    assert change.ledger is not None and change.ledger.delta == -3
    assert change.session.timer_generation == 2


def test_pause_charges_and_makes_timers_stale_and_resume_plans_new_ones() -> None:
    session, owner = active()
    paused = metered_action(
        session=session,
        user=owner,
        action=SessionAction.PAUSE,
        actor="u1",
        now=T0 + timedelta(seconds=30),
        rules=RULES,
        max_live_sessions=1,
    )
    assert paused.session.credits_used == 1 and paused.user is not None
    assert paused.session.timer_generation == 2 and not needs_timers(session, paused.session)
    resumed = metered_action(
        session=paused.session,
        user=paused.user,
        action=SessionAction.RESUME,
        actor="u1",
        now=T0 + timedelta(hours=2),
        rules=RULES,
        max_live_sessions=1,
    )
    assert resumed.session.credits_used == 1, "two paused hours cost nothing"
    assert resumed.ledger is None and resumed.user is None
    assert needs_timers(paused.session, resumed.session)


def test_idle_end_bills_until_last_seen() -> None:
    session, owner = active()
    change = metered_action(
        session=session,
        user=owner,
        action=SessionAction.END,
        actor="idle-sweep",
        now=T0 + timedelta(hours=1),
        rules=RULES,
        max_live_sessions=1,
        reason="idle",
        billed_until=T0 + timedelta(seconds=90),
    )
    assert change.session.end_reason == "idle" and change.session.credits_used == 2
    assert change.session.duration_seconds == 90


def test_cancelling_a_pending_session_bills_nothing() -> None:
    change = metered_action(
        session=scheduled(),
        user=user(),
        action=SessionAction.CANCEL,
        actor="u1",
        now=T0,
        rules=RULES,
        max_live_sessions=1,
    )
    assert change.session.status is SessionStatus.CANCELLED and change.ledger is None


# -- reminders and missed ---------------------------------------------------------------------------


def test_reminders_at_each_lead_time() -> None:
    pending = scheduled(at=T0 + timedelta(hours=1))
    found = reminders_for(pending, T0, LEADS)
    assert [(r.lead_seconds, r.due) for r in found] == [
        (900, T0 + timedelta(minutes=45)),
        (0, T0 + timedelta(hours=1)),
    ]


def test_a_passed_lead_time_is_reminded_at_once_but_only_the_latest() -> None:
    soon = scheduled(at=T0 + timedelta(minutes=5))
    assert [(r.lead_seconds, r.due) for r in reminders_for(soon, T0, LEADS)] == [
        (900, T0),
        (0, T0 + timedelta(minutes=5)),
    ]
    sooner = scheduled(at=T0 + timedelta(minutes=2))
    found = reminders_for(sooner, T0, (1800, 900, 0))
    assert [(r.lead_seconds, r.due) for r in found] == [(900, T0), (0, T0 + timedelta(minutes=2))]


def test_no_reminders_when_off_or_not_pending() -> None:
    assert reminders_for(scheduled(reminder=False), T0, LEADS) == []
    started = scheduled().model_copy(update={"status": SessionStatus.ACTIVE})
    assert reminders_for(started, T0, LEADS) == []


def test_missed_after_the_grace_window() -> None:
    pending = scheduled(at=T0 + timedelta(hours=1))
    assert missed_at(pending, 900) == T0 + timedelta(hours=1, minutes=15)
    assert not is_missed(pending, T0 + timedelta(hours=1, minutes=14), 900)
    assert is_missed(pending, T0 + timedelta(hours=1, minutes=15), 900)


def test_reminder_wording_follows_the_time_left_and_the_users_zone() -> None:
    start = T0 + timedelta(minutes=15)
    assert reminder_text(avatar_name="Alex", scheduled_at=start, timezone=None, now=T0)[1] == (
        "Your session with Alex starts in 15 minutes."
    )
    assert (
        "starting now" in reminder_text(avatar_name="Alex", scheduled_at=start, timezone=None, now=start)[1]
    )
    far = reminder_text(
        avatar_name="Alex", scheduled_at=T0 + timedelta(hours=5), timezone="Asia/Tokyo", now=T0
    )
    assert "02:00 (Asia/Tokyo)" in far[1], "17:00 UTC is 02:00 next day in Tokyo"
    title, body = missed_text(avatar_name="Alex", scheduled_at=T0, timezone="America/New_York")
    assert title == "Missed session" and "07:00 (America/New_York)" in body
