"""The ops CLI against the running emulators: claims, credit grants, listings and demo seeding."""

from __future__ import annotations

import uuid
from typing import Any

from typer.testing import CliRunner, Result

from ops.cli import app
from ops.seed import DEMO_PASSWORD, demo_email
from shared.models.sessions import ListSessionsQuery
from shared.sessions.statuses import SessionStatus
from tests.support.emulator import Api, TestUser, admin_app, firestore_db, sign_in

runner = CliRunner()


def ops(*args: str) -> Result:
    # Wide output so ids are never shortened; the runner catches no unexpected exception silently.
    return runner.invoke(app, list(args), env={"COLUMNS": "200"})


def assert_ok(result: Result) -> None:
    assert result.exit_code == 0, (result.output, result.exception)


def assert_failed(result: Result, message: str) -> None:
    """Exit 1 with one red line on stderr and no traceback."""
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and message in lines[0], result.stderr


def remaining(user: TestUser) -> int:
    response = Api(user).get("/user/credits")
    assert response.status_code == 200, response.text
    value: int = response.json()["credits"]["remaining"]
    return value


def user_doc(uid: str) -> Any:
    return firestore_db().collection("users").document(uid).get()


def ledger(uid: str) -> list[dict[str, Any]]:
    entries = firestore_db().collection("users").document(uid).collection("ledger").get()
    return [entry.to_dict() for entry in entries]


def test_grant_admin_takes_effect_on_the_next_token_and_revoke_removes_it(user: TestUser) -> None:
    assert Api(user).get("/admin/sessions").status_code == 403

    result = ops("grant-admin", "--email", user.email)
    assert_ok(result)
    assert "is now an admin" in result.stdout
    admin = sign_in(user.email)
    assert Api(admin).get("/admin/sessions").status_code == 200

    again = ops("grant-admin", "--uid", user.uid)
    assert_ok(again)
    assert "was already an admin" in again.stdout

    assert_ok(ops("revoke-admin", "--uid", user.uid))
    assert Api(sign_in(user.email)).get("/admin/sessions").status_code == 403


def test_grant_admin_keeps_other_custom_claims(user: TestUser) -> None:
    from firebase_admin import auth

    auth.set_custom_user_claims(user.uid, {"tier": "beta"}, app=admin_app())
    assert_ok(ops("grant-admin", "--uid", user.uid))
    assert auth.get_user(user.uid, app=admin_app()).custom_claims == {"tier": "beta", "admin": True}
    assert_ok(ops("revoke-admin", "--email", user.email))
    assert auth.get_user(user.uid, app=admin_app()).custom_claims == {"tier": "beta"}


def test_unknown_user_is_one_clear_error() -> None:
    email = f"nobody-{uuid.uuid4().hex[:12]}@example.test"
    assert_failed(ops("grant-admin", "--email", email), "no Firebase Auth user with email")
    assert_failed(
        ops("grant-credits", "--uid", f"missing-{uuid.uuid4().hex}", "--delta", "5", "--reason", "x"),
        "no Firebase Auth user with uid",
    )
    assert_failed(ops("list-sessions", "--email", email), "no Firebase Auth user with email")


def test_grant_credits_changes_the_balance_by_delta_with_one_ledger_entry(user: TestUser) -> None:
    before = remaining(user)
    result = ops("grant-credits", "--email", user.email, "--delta", "25", "--reason", "goodwill")
    assert_ok(result)
    assert f"credits {before} -> {before + 25}" in result.stdout
    assert remaining(user) == before + 25

    [entry] = ledger(user.uid)
    assert entry["delta"] == 25 and entry["before"] == before and entry["after"] == before + 25
    assert entry["reason"] == "goodwill" and entry["actor"] == "ops-cli"
    assert "sessionId" in entry and entry["sessionId"] is None
    assert entry["at"] is not None

    assert_ok(ops("grant-credits", "--uid", user.uid, "--delta", "-10", "--reason", "correction"))
    assert remaining(user) == before + 15
    entries = sorted(ledger(user.uid), key=lambda e: e["at"])
    assert [(e["before"], e["after"], e["delta"]) for e in entries] == [
        (before, before + 25, 25),
        (before + 25, before + 15, -10),
    ]
    stored = user_doc(user.uid).to_dict()
    assert stored["credits"]["remaining"] == before + 15


def test_grant_credits_never_goes_below_zero_and_changes_nothing(user: TestUser) -> None:
    balance = remaining(user)
    result = ops("grant-credits", "--uid", user.uid, "--delta", str(-(balance + 1)), "--reason", "too much")
    assert_failed(result, "cannot go below zero")
    assert remaining(user) == balance
    assert ledger(user.uid) == []
    assert not user_doc(user.uid).exists  # not even the starting grant was written

    # Taking exactly everything is allowed.
    assert_ok(ops("grant-credits", "--uid", user.uid, "--delta", str(-balance), "--reason", "all"))
    assert remaining(user) == 0
    assert_failed(
        ops("grant-credits", "--uid", user.uid, "--delta", "-1", "--reason", "one more"), "below zero"
    )
    assert remaining(user) == 0
    assert len(ledger(user.uid)) == 1


def test_grant_credits_rejects_a_zero_delta(user: TestUser) -> None:
    assert_failed(ops("grant-credits", "--uid", user.uid, "--delta", "0", "--reason", "noop"), "zero")
    assert not user_doc(user.uid).exists


def test_list_sessions_shows_a_session_started_through_the_api(user: TestUser) -> None:
    response = Api(user).post("/sessions/start", {"avatar": "alex", "duration": 30})
    assert response.status_code == 201, response.text
    session_id = response.json()["session"]["id"]

    result = ops("list-sessions", "--email", user.email)
    assert_ok(result)
    [row] = [line for line in result.stdout.splitlines() if session_id in line]
    for cell in (user.uid, "alex", "active", "30 min"):
        assert cell in row

    by_status = ops("list-sessions", "--uid", user.uid, "--status", "active", "--limit", "5")
    assert_ok(by_status)
    assert session_id in by_status.stdout
    none = ops("list-sessions", "--uid", user.uid, "--status", "completed")
    assert_ok(none)
    assert session_id not in none.stdout and "No sessions" in none.stdout


def test_list_sessions_is_newest_first(user: TestUser) -> None:
    api = Api(user)
    first = api.post("/sessions/start", {"avatar": "alex", "duration": 15}).json()["session"]["id"]
    assert api.post(f"/sessions/{first}/end", {}).status_code == 200
    second = api.post("/sessions/start", {"avatar": "emma", "duration": 45}).json()["session"]["id"]

    result = ops("list-sessions", "--uid", user.uid)
    assert_ok(result)
    assert result.stdout.index(second) < result.stdout.index(first)


def test_seed_demo_creates_users_and_sessions_and_reuses_users_on_a_second_run() -> None:
    from firebase_admin import auth

    from backend.wiring import session_service

    prefix = f"seed-{uuid.uuid4().hex[:10]}"
    emails = [demo_email(prefix, n) for n in (1, 2)]

    first = ops("seed-demo", "--users", "2", "--sessions-per-user", "3", "--prefix", prefix)
    assert_ok(first)
    uids = [auth.get_user_by_email(email, app=admin_app()).uid for email in emails]
    for email, uid in zip(emails, uids, strict=True):
        row = next(line for line in first.stdout.splitlines() if email in line)
        assert uid in row and "created" in row

    def statuses(uid: str) -> list[SessionStatus]:
        page = session_service().list(user_id=uid, query=ListSessionsQuery(limit=100))
        return sorted(s.status for s in page.sessions)

    for uid in uids:
        assert statuses(uid) == [SessionStatus.ACTIVE] + [SessionStatus.COMPLETED] * 2

    second = ops("seed-demo", "--users", "2", "--sessions-per-user", "3", "--prefix", prefix)
    assert_ok(second)
    for email, uid in zip(emails, uids, strict=True):
        row = next(line for line in second.stdout.splitlines() if email in line)
        assert uid in row and "existing" in row
        assert auth.get_user_by_email(email, app=admin_app()).uid == uid
        # Still one live session per user: the previous run's last one was ended first.
        assert statuses(uid) == [SessionStatus.ACTIVE] + [SessionStatus.COMPLETED] * 5

    seeded = [u for u in auth.list_users(app=admin_app()).iterate_all() if (u.email or "").startswith(prefix)]
    assert sorted(u.email for u in seeded) == emails

    # The printed password signs the demo users in.
    demo = sign_in(emails[0], DEMO_PASSWORD)
    live = Api(demo).get("/sessions/active")
    assert live.status_code == 200 and live.json()["session"]["status"] == "active"
