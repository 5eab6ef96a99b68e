"""Pure metering rules: minutes started, charge deltas, paused time, warnings, timers, never below zero."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from shared.models.sessions import Session, SessionPaths
from shared.models.users import Credits, UserDocument
from shared.sessions.metering import (
    END_TOLERANCE_SECONDS,
    IDLE_ADJUSTMENT_REASON,
    USAGE_REASON,
    active_seconds,
    bill,
    charge_due,
    end_limit,
    low_credit_warning,
    minutes_started,
    timers_for,
)
from shared.sessions.statuses import SessionStatus

T0 = datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)
MINUTE = 60.0


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def session(**fields: object) -> Session:
    base: dict[str, object] = {
        "id": "s1",
        "user_id": "u1",
        "avatar": "alex",
        "mode": "chat",
        "session_type": "instant",
        "status": SessionStatus.ACTIVE,
        "planned_duration": 30,
        "created_at": T0,
        "updated_at": T0,
        "started_at": T0,
        "last_seen_at": T0,
        "credits_before": 60,
        "credits_remaining": 60,
        "credit_minute_seconds": MINUTE,
        "paths": SessionPaths(
            session="sessions/s1", events="sessions/s1/events", messages="sessions/s1/messages"
        ),
    }
    return Session.model_validate({**base, **fields})


def user(remaining: int = 60, used: int = 0) -> UserDocument:
    return UserDocument(credits=Credits(remaining=remaining, used=used), created_at=T0, updated_at=T0)


# -- minutes started ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("active", "minutes"),
    [
        (0.0, 0),
        (-1.0, 0),
        (0.000001, 1),
        (1.0, 1),
        (59.999, 1),
        (60.0, 1),
        (60.000001, 2),
        (120.0 + 1e-12, 2),  # float noise does not start a minute
        (3600.0, 60),
    ],
)
def test_every_started_minute_counts(active: float, minutes: int) -> None:
    assert minutes_started(active, MINUTE) == minutes


def test_minute_length_is_configurable() -> None:
    assert minutes_started(5.0, 2.0) == 3
    assert minutes_started(4.0, 2.0) == 2


# -- active time ---------------------------------------------------------------------------------


def test_active_time_of_a_running_session() -> None:
    assert active_seconds(session(), at(90)) == 90
    assert active_seconds(session(started_at=None, status=SessionStatus.PENDING), at(90)) == 0


def test_paused_time_is_not_active() -> None:
    paused_before = session(paused_seconds=30.0)
    assert active_seconds(paused_before, at(100)) == 70
    paused_now = session(status=SessionStatus.PAUSED, paused_at=at(40), paused_seconds=10.0)
    assert active_seconds(paused_now, at(40)) == 30
    assert active_seconds(paused_now, at(4000)) == 30, "a pause stops the clock"
    assert active_seconds(paused_now, at(20)) == 10, "a moment before the pause began"


def test_active_time_stops_at_the_end() -> None:
    ended = session(status=SessionStatus.COMPLETED, ended_at=at(75))
    assert active_seconds(ended, at(500)) == 75


# -- limits and the cheap check ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("planned", "used", "remaining", "limit", "reason"),
    [
        (30, 0, 60, 30 * MINUTE, "timeout"),
        (30, 0, 3, 3 * MINUTE, "out_of_credits"),
        (30, 5, 3, 8 * MINUTE, "out_of_credits"),  # paid minutes count too
        (30, 0, 30, 30 * MINUTE, "timeout"),  # a tie is the planned end
        (30, 2, -4, 2 * MINUTE, "out_of_credits"),  # a negative balance counts as zero
    ],
)
def test_end_limit(planned: int, used: int, remaining: int, limit: float, reason: str) -> None:
    assert end_limit(session(planned_duration=planned, credits_used=used), remaining) == (limit, reason)


def test_charge_due_only_when_a_new_minute_started_or_the_end_is_reached() -> None:
    fresh = session()
    assert not charge_due(fresh, T0), "nothing has started at the very start"
    assert charge_due(fresh, at(0.5)), "the first minute has started"
    charged = session(credits_used=1, credits_remaining=59)
    assert not charge_due(charged, at(59))
    assert charge_due(charged, at(61))
    assert not charge_due(session(status=SessionStatus.PAUSED, paused_at=at(10)), at(500))
    at_the_end = session(credits_used=3, credits_remaining=0)
    assert charge_due(at_the_end, at(3 * MINUTE - END_TOLERANCE_SECONDS / 2))


# -- bill -------------------------------------------------------------------------------------------


def test_bill_charges_only_the_difference_and_is_idempotent() -> None:
    first = bill(session=session(), user=user(), now=at(61), warn_minutes=10)
    assert first.charged == 2
    assert first.session.credits_used == 2 and first.session.credits_remaining == 58
    assert first.user.credits == Credits(remaining=58, used=2)
    assert first.entry is not None
    assert (first.entry.delta, first.entry.before, first.entry.after) == (-2, 60, 58)
    assert first.entry.reason == USAGE_REASON and first.entry.session_id == "s1"
    again = bill(session=first.session, user=first.user, now=at(62), warn_minutes=10)
    assert again.charged == 0 and again.entry is None and not again.session_changed
    assert again.user == first.user


def test_concurrent_bills_from_the_same_state_agree_on_the_target() -> None:
    """Two charges computed from one read take the same minutes: committing one makes the other stale,
    and recomputed from the new state it takes nothing."""
    a = bill(session=session(), user=user(), now=at(61), warn_minutes=0)
    b = bill(session=session(), user=user(), now=at(61.5), warn_minutes=0)
    assert a.session.credits_used == b.session.credits_used == 2
    retried = bill(session=a.session, user=a.user, now=at(61.5), warn_minutes=0)
    assert retried.charged == 0


def test_paused_time_is_not_billed() -> None:
    paused = session(status=SessionStatus.PAUSED, paused_at=at(30), credits_used=1, credits_remaining=59)
    result = bill(session=paused, user=user(59, 1), now=at(3600), warn_minutes=10)
    assert result.charged == 0 and result.end_reason is None
    resumed = session(paused_seconds=600.0, credits_used=1, credits_remaining=59)
    assert bill(session=resumed, user=user(59, 1), now=at(600 + 90), warn_minutes=10).charged == 1


def test_never_below_zero_and_the_unpaid_minute_ends_the_session() -> None:
    result = bill(session=session(credits_remaining=2), user=user(remaining=2), now=at(150), warn_minutes=10)
    assert result.charged == 2, "only what the balance has"
    assert result.user.credits.remaining == 0
    assert result.end_reason == "out_of_credits"
    broke = bill(session=result.session, user=result.user, now=at(200), warn_minutes=10)
    assert broke.charged == 0 and broke.user.credits.remaining == 0


def test_the_last_paid_minute_is_used_before_the_end() -> None:
    paid = session(credits_used=3, credits_remaining=0)
    assert bill(session=paid, user=user(0, 3), now=at(150), warn_minutes=0).end_reason is None
    assert bill(session=paid, user=user(0, 3), now=at(180), warn_minutes=0).end_reason == "out_of_credits"


def test_never_billed_beyond_the_planned_duration() -> None:
    late = bill(session=session(planned_duration=15), user=user(), now=at(15 * MINUTE + 7), warn_minutes=0)
    assert late.charged == 15
    assert late.end_reason == "timeout"


def test_billing_until_last_seen_gives_back_later_minutes() -> None:
    overcharged = session(credits_used=5, credits_remaining=55)
    result = bill(session=overcharged, user=user(55, 5), now=at(300), warn_minutes=0, until=at(90))
    assert result.charged == -3
    assert result.session.credits_used == 2
    assert result.user.credits == Credits(remaining=58, used=2)
    assert result.entry is not None and result.entry.reason == IDLE_ADJUSTMENT_REASON
    assert result.end_reason is None, "the caller ends it (idle)"


@pytest.mark.parametrize(
    ("remaining", "threshold", "warned"),
    [(11, 10, False), (10, 10, True), (1, 10, True), (0, 10, True), (5, 0, False)],
)
def test_low_credit_warning(remaining: int, threshold: int, warned: bool) -> None:
    warning = low_credit_warning(remaining, threshold)
    assert (warning is not None) is warned
    if warning is not None:
        assert warning.type == "low_credits" and warning.message


def test_bill_sets_and_clears_the_warning_with_the_balance() -> None:
    near = bill(session=session(credits_remaining=11), user=user(11), now=at(1), warn_minutes=10)
    assert near.session.warning is not None and near.session.credits_remaining == 10
    topped_up = near.session.model_copy(update={"credits_remaining": 40})
    cleared = bill(session=topped_up, user=user(40, 1), now=at(2), warn_minutes=10)
    assert cleared.session.warning is None


# -- timers -------------------------------------------------------------------------------------------


def test_timers_end_at_the_planned_duration_with_plenty_of_credits() -> None:
    [end] = timers_for(session(), at(0), warn_minutes=10)
    assert end.kind == "end" and end.due == at(30 * MINUTE)


def test_timers_end_when_credits_run_out_and_tick_from_the_threshold() -> None:
    running = session(credits_remaining=12)
    end, tick = timers_for(running, at(0), warn_minutes=10)
    assert end.due == at(12 * MINUTE)
    # Minute 2 leaves 10 on the balance: it starts one minute in.
    assert tick.kind == "tick" and tick.minute == 2
    assert at(MINUTE) < tick.due < at(MINUTE + 1)


def test_ticks_follow_each_minute_inside_the_threshold() -> None:
    inside = session(credits_used=4, credits_remaining=6)
    ticks = timers_for(inside, at(200), warn_minutes=10, kinds=("tick",))
    assert [(t.kind, t.minute) for t in ticks] == [("tick", 5)]
    assert at(240) < ticks[0].due < at(241)


def test_no_tick_after_the_end_and_none_while_paused() -> None:
    last = session(credits_used=3, credits_remaining=0)
    assert [t.kind for t in timers_for(last, at(170), warn_minutes=10)] == ["end"]
    assert timers_for(session(status=SessionStatus.PAUSED, paused_at=at(5)), at(10), warn_minutes=10) == []
    assert [t.kind for t in timers_for(session(credits_remaining=3), at(0), warn_minutes=0)] == ["end"]


def test_timers_account_for_paused_time() -> None:
    resumed = session(paused_seconds=300.0, planned_duration=15)
    [end] = timers_for(resumed, at(400), warn_minutes=10)
    assert end.due == at(15 * MINUTE + 300)
