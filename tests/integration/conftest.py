from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.support.emulator import Api, TestUser, new_user


@pytest.fixture
def user() -> TestUser:
    return new_user()


@pytest.fixture
def other_user() -> TestUser:
    return new_user(prefix="other")


@pytest.fixture
def admin() -> TestUser:
    return new_user(admin=True, prefix="admin")


@pytest.fixture
def api(user: TestUser) -> Api:
    return Api(user)


@pytest.fixture
def make_api() -> Callable[[TestUser | None], Api]:
    return Api
