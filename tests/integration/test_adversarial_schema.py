"""Schema-driven requests over the served spec, against the Hosting URL of the running stack: no 5xx,
and every response conforms to the spec (status documented, body matching its schema)."""

from __future__ import annotations

from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from backend.api import ROUTES
from backend.http.openapi import build_openapi
from tests.support.adversarial import EXAMPLES, TALLY
from tests.support.emulator import API_BASE, TestUser, new_user

HOSTING = API_BASE.removesuffix("/api/v1")
# Generated from the route table: the same document the stack serves (checked below), loaded without
# a network call at import time, so collecting the tests never needs the emulators.
schema = schemathesis.openapi.from_dict(build_openapi(ROUTES))


def test_the_served_spec_is_the_one_fuzzed() -> None:
    served = requests.get(f"{API_BASE}/openapi.json", timeout=30).json()
    assert served == build_openapi(ROUTES)


@pytest.fixture
def caller(request: pytest.FixtureRequest) -> TestUser:
    """A fresh account per operation (its per-user limit is 100/min; one per run would answer most
    requests with 429), an admin for the admin operations (else they stop at 403)."""
    return new_user(prefix="fuzz", admin="/api/v1/admin/" in request.node.name)


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_no_server_error_and_every_response_conforms(case: Any, caller: TestUser) -> None:
    # A fresh user per operation keeps the per-user rate limit (documented 429) from masking the rest.
    response = case.call(base_url=HOSTING, headers=caller.headers, timeout=30)
    TALLY[("schema", response.status_code)] += 1
    case.validate_response(
        response,
        checks=[
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
        ],
    )
