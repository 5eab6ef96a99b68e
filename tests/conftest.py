"""Tests marked `emulator` need the running suite; they fail (never skip) without it."""

from __future__ import annotations

import pytest


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if "integration" in item.path.parts:
            item.add_marker(pytest.mark.emulator)


@pytest.fixture(autouse=True)
def _emulators_present(request: pytest.FixtureRequest) -> None:
    if request.node.get_closest_marker("emulator"):
        from tests.support.emulator import require_emulators

        require_emulators()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """The adversarial suite's figures: requests per check and status (counted, not estimated)."""
    import sys

    module = sys.modules.get("tests.support.adversarial")
    tally = getattr(module, "TALLY", None)
    if not tally:
        return
    terminalreporter.section("adversarial suite")
    for check in sorted({check for check, _ in tally}):
        statuses = {status: n for (c, status), n in sorted(tally.items()) if c == check}
        total = sum(statuses.values())
        server_errors = sum(n for status, n in statuses.items() if status >= 500)
        terminalreporter.write_line(f"{check:8} requests={total:5} 5xx={server_errors} statuses={statuses}")
