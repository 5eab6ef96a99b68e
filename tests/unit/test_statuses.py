"""The session state machine: every (status, action) pair, against a table written from the spec."""

from __future__ import annotations

import itertools

import pytest

from shared.errors import InvalidStateTransition
from shared.sessions.statuses import SessionAction, SessionStatus, allowed_actions, next_status

# The spec, written out independently of shared.sessions.statuses.TRANSITIONS.
STATUSES = ("pending", "active", "paused", "completed", "cancelled", "missed")
ACTIONS = ("start", "pause", "resume", "end", "cancel", "miss")
LEGAL: dict[tuple[str, str], str] = {
    ("pending", "start"): "active",
    ("pending", "cancel"): "cancelled",
    ("pending", "miss"): "missed",
    ("active", "pause"): "paused",
    ("active", "end"): "completed",
    ("active", "cancel"): "cancelled",
    ("paused", "resume"): "active",
    ("paused", "end"): "completed",
    ("paused", "cancel"): "cancelled",
}
TERMINAL = ("completed", "cancelled", "missed")

ALL_PAIRS = list(itertools.product(STATUSES, ACTIONS))
ILLEGAL_PAIRS = [pair for pair in ALL_PAIRS if pair not in LEGAL]


def test_the_enums_hold_exactly_the_documented_values() -> None:
    # A new status or action must come with a decision for every pair in the tables below.
    assert {s.value for s in SessionStatus} == set(STATUSES)
    assert {a.value for a in SessionAction} == set(ACTIONS)


@pytest.mark.parametrize(("status", "action"), list(LEGAL), ids=[f"{s}-{a}" for s, a in LEGAL])
def test_legal_transition_leads_to_the_documented_status(status: str, action: str) -> None:
    target = next_status(SessionStatus(status), SessionAction(action))
    assert target == SessionStatus(LEGAL[(status, action)])


@pytest.mark.parametrize(("status", "action"), ILLEGAL_PAIRS, ids=[f"{s}-{a}" for s, a in ILLEGAL_PAIRS])
def test_illegal_transition_is_a_409_with_details(status: str, action: str) -> None:
    with pytest.raises(InvalidStateTransition) as caught:
        next_status(SessionStatus(status), SessionAction(action))
    error = caught.value
    assert error.http_status == 409
    assert error.code == "INVALID_STATE_TRANSITION"
    assert error.details == {"status": status, "action": action}
    assert status in error.message and action in error.message
    envelope = error.envelope()
    assert envelope["success"] is False
    assert envelope["error"]["details"] == {"status": status, "action": action}


@pytest.mark.parametrize("status", STATUSES)
def test_allowed_actions_match_the_table(status: str) -> None:
    expected = {action for (s, action) in LEGAL if s == status}
    assert {a.value for a in allowed_actions(SessionStatus(status))} == expected


@pytest.mark.parametrize("status", TERMINAL)
def test_terminal_statuses_allow_nothing(status: str) -> None:
    assert allowed_actions(SessionStatus(status)) == []
    for action in ACTIONS:
        with pytest.raises(InvalidStateTransition):
            next_status(SessionStatus(status), SessionAction(action))
