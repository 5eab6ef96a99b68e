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
