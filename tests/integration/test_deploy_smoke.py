"""infra/smoke.py against the emulator stack: every step passes and it leaves nothing behind."""

from __future__ import annotations

from infra import smoke
from tests.support.emulator import API_BASE, admin_app, firestore_db


def test_the_smoke_check_passes_and_cleans_up() -> None:
    from firebase_admin import auth

    lines: list[str] = []
    check = smoke.Smoke(API_BASE, "emulator", log=lines.append)
    check.run()

    steps = [
        "health",
        "test account",
        "start",
        "message",
        "end",
        "summary",
        "cleanup: user data",
        "cleanup: test",
    ]
    assert len(lines) == len(steps), lines
    for line, step in zip(lines, steps, strict=True):
        assert line.startswith(f"ok   {step}"), lines
    email = lines[1].split()[-1]
    assert check.token is None and check.session_id
    assert not firestore_db().collection("sessions").document(check.session_id).get().exists
    try:
        auth.get_user_by_email(email, app=admin_app())
        raise AssertionError("the test account still exists")
    except auth.UserNotFoundError:
        pass
