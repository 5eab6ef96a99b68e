"""The served OpenAPI document is never looser than validation: for every request model, any probe
value the documented schema accepts is accepted by the model too (a client generated from the spec
never gets a 400 it could not foresee), and every status the dispatcher can answer is documented."""

from __future__ import annotations

from typing import Any

import pytest
from jsonschema import Draft202012Validator, FormatChecker

from backend.api import ROUTES
from backend.http.openapi import build_openapi
from backend.http.routing import Route
from shared.models.base import ApiModel
from tests.unit.test_models import VALID

DOC = build_openapi(ROUTES)

STRINGS: list[Any] = [
    "", " ", "   ", "\t\n", "a", "ab", " a ", "x" * 65, "x" * 101, "x" * 129, "x" * 255, "x" * 256,
    "x" * 501, "x" * 2001, "x" * 4001, "__x__", "a/b", ".", "..", "Mars/Base", "Europe/Berlin",
    "not an email", "a@b.co", "2030-01-02T15:00:00", "2030-01-02T15:00:00Z", "2030-01-02", "user", "ai",
    "system", "https://x.test/a.mp3", "ftp://x", "en-GB", "e", "\u00e9\u00e8", "\U0001f600",
]  # fmt: skip
NUMBERS: list[Any] = [
    -(2**64), -(2**63) - 1, -(2**63), -(2**53) - 1, -1, 0, 1, 2, 5, 7, 16, 20, 21, 60, 99, 101, 201, 3601,
    10_001, 2**53 + 1, 2**63 - 1, 2**63, 2**64, -0.5, 0.5, 1.5, 1e300, True, False, None,
]  # fmt: skip
OBJECTS: list[Any] = [
    [], {}, [1], ["a"], {"": 1}, {"k" * 65: 1}, {f"k{i}": i for i in range(21)}, {f"k{i}": i for i in range(51)},
    {"k": "y" * 501}, {"k": "y" * 1001}, {"k": 2**64}, {"k": 2**53 + 1}, {"k": 1.5}, {"k": [1]}, {"k": {"a": 1}},
    {"a/b": 1}, {"__x__": 1}, [{"role": "user", "content": " "}], [{"role": "system", "content": "x"}],
    [{"name": " ", "email": "a@b.co"}], [{"name": "Sam"}], [{"name": "Sam", "uid": "a/b"}],
    [{"name": "Sam", "email": "a@b.co"}] * 6,
]  # fmt: skip
PROBES = STRINGS + NUMBERS + OBJECTS

# What the schema cannot say; the validator's message names the limit instead.
UNEXPRESSIBLE = {
    ("UserStateRequest", "conversationContext"): "a byte limit on the whole object as JSON",
    **{
        (model, field): "a rule across two fields: `to` not before `from`, at most a year apart"
        for model in ("RollupRequest", "AnalyticsRangeQuery")
        for field in ("from", "to")
    },
    ("ActivityLogQuery", "since"): "a rule across two fields: `until` after `since`",
    ("ActivityLogQuery", "until"): "a rule across two fields: `until` after `since`",
    ("InterruptRequest", "heardMs"): "exactly one of heardMs and heardText",
    ("InterruptRequest", "heardText"): "exactly one of heardMs and heardText",
}


def _request_models() -> dict[str, type[ApiModel]]:
    found: dict[str, type[ApiModel]] = {}
    for route in ROUTES:
        for model in (route.body, route.query):
            if model is not None:
                found[model.__name__] = model
    return found


def _validator(name: str) -> Draft202012Validator:
    schema = {"$ref": f"#/components/schemas/{name}", "components": DOC["components"]}
    return Draft202012Validator(schema, format_checker=FormatChecker())


def _accepts(model: type[ApiModel], data: dict[str, Any]) -> bool:
    try:
        model.model_validate(data)
    except ValueError:
        return False
    return True


@pytest.mark.parametrize("name", sorted(_request_models()))
def test_the_documented_request_schema_is_never_looser_than_validation(name: str) -> None:
    model = _request_models()[name]
    validator = _validator(name)
    base = dict(VALID[model])
    assert validator.is_valid(base) and _accepts(model, base), "the example is valid both ways"
    looser = []
    for field in model.model_json_schema(by_alias=True).get("properties", {}):
        if (name, field) in UNEXPRESSIBLE:
            continue
        for probe in PROBES:
            data = {**base, field: probe}
            if validator.is_valid(data) and not _accepts(model, data):
                looser.append((field, repr(probe)[:40]))
    assert looser == [], f"{name}: the spec accepts what validation refuses"


def _statuses(route: Route) -> set[str]:
    return set(DOC["paths"][route.path][route.method.lower()]["responses"])


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: f"{r.method} {r.path}")
def test_every_status_the_dispatcher_can_answer_is_documented(route: Route) -> None:
    """The dispatcher's own answers, derived from the route's shape (the handler's own errors are in
    `route.errors`, and the emulator suite checks every status it sees against the spec too)."""
    can = {str(route.status), "429"} | {str(e.http_status) for e in route.errors}
    can |= {str(s) for s in route.other_statuses}
    if route.body is not None or route.query is not None:
        can |= {"400", "413"}
    if route.idempotent:
        can.add("400")
    if "{" in route.path:
        can.add("404")
    if route.access != "public":
        can.add("401")
    if route.access == "admin":
        can.add("403")
    assert can <= _statuses(route)
