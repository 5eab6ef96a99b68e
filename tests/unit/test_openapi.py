"""The generated OpenAPI document describes every route, and every reference in it resolves."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from backend.api import ROUTES
from backend.http.openapi import build_openapi
from backend.http.routing import Route
from shared.errors import PermissionDenied

DOC = build_openapi(ROUTES)


def route_id(route: Route) -> str:
    return f"{route.method} {route.path}"


def operation(route: Route) -> dict[str, Any]:
    op: dict[str, Any] = DOC["paths"][route.path][route.method.lower()]
    return op


def refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield value
            else:
                yield from refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from refs(item)


def resolve(ref: str) -> Any:
    assert ref.startswith("#/"), f"external reference {ref}"
    node: Any = DOC
    for part in ref[2:].split("/"):
        assert isinstance(node, dict) and part in node, f"unresolved reference {ref}"
        node = node[part]
    return node


def schema_properties(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        props = node.get("properties")
        if isinstance(props, dict):
            yield from props
        for value in node.values():
            yield from schema_properties(value)
    elif isinstance(node, list):
        for item in node:
            yield from schema_properties(item)


ids = [route_id(r) for r in ROUTES]
authenticated = [r for r in ROUTES if r.access != "public"]
public = [r for r in ROUTES if r.access == "public"]
admin = [r for r in ROUTES if r.access == "admin"]
with_body = [r for r in ROUTES if r.body is not None]


def test_version() -> None:
    assert DOC["openapi"] == "3.1.0"
    assert DOC["info"]["title"] and DOC["info"]["version"]


def test_paths_are_exactly_the_routes() -> None:
    documented = {(m.upper(), p) for p, ops in DOC["paths"].items() for m in ops}
    assert documented == {(r.method, r.path) for r in ROUTES}


@pytest.mark.parametrize("route", ROUTES, ids=ids)
def test_every_route_is_documented_with_its_success_status(route: Route) -> None:
    op = operation(route)
    assert op["summary"] == route.summary
    assert op["tags"] == [route.group]
    assert str(route.status) in op["responses"]
    if route.response is not None:
        ref = op["responses"][str(route.status)]["content"]["application/json"]["schema"]["$ref"]
        assert ref.endswith(f"/{route.response.__name__}")


def test_operation_ids_are_unique() -> None:
    op_ids = [operation(r)["operationId"] for r in ROUTES]
    assert len(op_ids) == len(set(op_ids))


@pytest.mark.parametrize("route", ROUTES, ids=ids)
def test_path_parameters_are_declared(route: Route) -> None:
    declared = {p["name"] for p in operation(route)["parameters"] if p["in"] == "path"}
    assert declared == set(re.findall(r"\{(\w+)\}", route.path))


@pytest.mark.parametrize("route", with_body, ids=[route_id(r) for r in with_body])
def test_request_body_refers_to_its_schema(route: Route) -> None:
    assert route.body is not None
    body = operation(route)["requestBody"]
    assert body["required"] is True
    schema = resolve(body["content"]["application/json"]["schema"]["$ref"])
    assert schema["title"] == route.body.__name__
    for code in ("400", "413"):
        assert code in operation(route)["responses"]


def test_routes_without_body_have_no_request_body() -> None:
    for route in ROUTES:
        if route.body is None:
            assert "requestBody" not in operation(route), route_id(route)


def test_component_references_resolve() -> None:
    found = list(refs(DOC["components"]))
    assert found
    for ref in found:
        resolve(ref)


@pytest.mark.parametrize("route", ROUTES, ids=ids)
def test_every_reference_in_an_operation_resolves(route: Route) -> None:
    for ref in refs(operation(route)):
        resolve(ref)


def test_error_responses_use_the_error_envelope() -> None:
    envelope = resolve("#/components/schemas/ErrorEnvelope")
    assert set(envelope["properties"]) == {"success", "error"}
    for route in ROUTES:
        for code, response in operation(route)["responses"].items():
            if int(code) >= 400 and int(code) not in route.other_statuses:
                assert response["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorEnvelope")


def test_health_documents_its_503_with_the_health_body() -> None:
    responses = DOC["paths"]["/api/v1/health"]["get"]["responses"]
    assert responses["503"]["content"]["application/json"]["schema"]["$ref"].endswith("/HealthResponse")


def test_idempotency_key_errors_are_documented_on_routes_without_a_body() -> None:
    for route in ROUTES:
        if route.idempotent:
            assert "400" in operation(route)["responses"], route_id(route)


def test_every_route_with_a_path_id_documents_404() -> None:
    for route in ROUTES:
        if "{" in route.path:
            assert "404" in operation(route)["responses"], route_id(route)


def test_every_route_documents_429() -> None:
    for route in ROUTES:
        assert "429" in operation(route)["responses"], route_id(route)


def test_schemas_use_camel_case_property_names() -> None:
    start = DOC["components"]["schemas"]["StartSessionRequest"]["properties"]
    assert {"voiceId", "sessionType", "avatar", "duration", "mode", "metadata"} <= set(start)
    session = DOC["components"]["schemas"]["Session"]["properties"]
    assert {"userId", "plannedDuration", "createdAt", "creditsRemaining"} <= set(session)
    snake = [name for name in schema_properties(DOC["components"]["schemas"]) if "_" in name]
    assert snake == []


def test_documented_limits_match_the_models() -> None:
    start = DOC["components"]["schemas"]["StartSessionRequest"]
    assert sorted(start["properties"]["duration"]["enum"]) == [15, 30, 45, 60]
    assert set(start["required"]) == {"avatar", "duration"}


@pytest.mark.parametrize("route", authenticated, ids=[route_id(r) for r in authenticated])
def test_authenticated_routes_declare_401_and_security(route: Route) -> None:
    op = operation(route)
    assert "401" in op["responses"]
    assert op["security"] == [{"firebaseIdToken": []}]
    assert "firebaseIdToken" in DOC["components"]["securitySchemes"]
    if route.rate_limited:
        assert "429" in op["responses"]


@pytest.mark.parametrize("route", admin, ids=[route_id(r) for r in admin])
def test_admin_routes_declare_403(route: Route) -> None:
    assert "403" in operation(route)["responses"]


@pytest.mark.parametrize("route", public, ids=[route_id(r) for r in public])
def test_public_routes_need_no_token(route: Route) -> None:
    op = operation(route)
    assert "security" not in op
    assert "401" not in op["responses"]


def test_non_admin_routes_declare_403_only_when_they_can_refuse() -> None:
    for route in ROUTES:
        if route.access != "admin":
            declared = "403" in operation(route)["responses"]
            assert declared == (PermissionDenied in route.errors), route_id(route)
    start = next(r for r in ROUTES if r.path.endswith("/sessions/start"))
    assert "403" in operation(start)["responses"], "userEmail is for admins only"


@pytest.mark.parametrize("route", ROUTES, ids=ids)
def test_idempotent_routes_document_the_header(route: Route) -> None:
    headers = [p for p in operation(route)["parameters"] if p["in"] == "header"]
    if route.idempotent:
        assert [h["name"] for h in headers] == ["Idempotency-Key"]
        assert headers[0]["schema"]["maxLength"] == 255
    else:
        assert headers == []


@pytest.mark.parametrize("route", [r for r in ROUTES if r.query is not None], ids=lambda r: route_id(r))
def test_query_parameters_are_declared(route: Route) -> None:
    assert route.query is not None
    declared = {p["name"] for p in operation(route)["parameters"] if p["in"] == "query"}
    expected = {field.alias or name for name, field in route.query.model_fields.items()}
    assert declared == expected
    assert all("_" not in name for name in declared), "query parameters are camelCase"


def test_document_is_valid_openapi() -> None:
    from openapi_spec_validator import validate

    validate(DOC)
