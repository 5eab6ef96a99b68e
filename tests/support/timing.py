"""Short "minutes" for the metering and scheduling tests, and polling helpers.

The functions emulator and this test process read the same SESSIONS_* environment (the Makefile's
integration target exports it); these tests need the short values, or they would wait for real minutes.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

from shared.settings import Settings

T = TypeVar("T")

SETTINGS = Settings()
MINUTE = SETTINGS.credit_minute_seconds
LEADS = SETTINGS.reminder_leads
GRACE = SETTINGS.missed_grace_seconds


def require_short_time() -> None:
    if MINUTE > 5 or GRACE > 10 or any(lead > 10 for lead in LEADS):
        raise RuntimeError(
            "These tests need short timers: run them through `make integration`, or export "
            "SESSIONS_CREDIT_MINUTE_SECONDS=2 SESSIONS_REMINDER_LEADS_SECONDS=6,0 SESSIONS_MISSED_GRACE_SECONDS=4 "
            "for both the emulators and pytest."
        )


def wait_for(check: Callable[[], T | None], *, timeout: float, interval: float = 0.25, what: str = "") -> T:
    """Poll until `check` returns something truthy; fail with `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {what or check}")
        time.sleep(interval)


def when(condition: bool, value: T) -> T | None:
    """`value` once `condition` holds (for wait_for lambdas)."""
    return value if condition else None


def doc(path: str) -> dict[str, Any]:
    from tests.support.emulator import firestore_db

    snapshot = firestore_db().document(path).get()
    data: dict[str, Any] = snapshot.to_dict() or {}
    return data
