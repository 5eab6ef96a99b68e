"""GET /api/v1/openapi.json documents every route with its request and response schemas."""

from __future__ import annotations

from typing import Any

from backend.api import ROUTES
from tests.support.emulator import Api


def _resolve(spec: dict[str, Any], ref: str) -> dict[str, Any]:
    name = ref.removeprefix("#/components/schemas/")
    schema: dict[str, Any] = spec["components"]["schemas"][name]
    return schema


def test_every_route_is_served_with_its_schemas() -> None:
    response = Api().get("/openapi.json")
    assert response.status_code == 200
    spec = response.json()
    assert spec["openapi"].startswith("3.1")
    for route in ROUTES:
        operation = spec["paths"][route.path][route.method.lower()]
        if route.body is not None:
            ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
            assert _resolve(spec, ref)["title"] == route.body.__name__
        if route.response is not None:
            ok = operation["responses"][str(route.status)]
            ref = ok["content"]["application/json"]["schema"]["$ref"]
            assert _resolve(spec, ref)["title"] == route.response.__name__
        if route.access != "public":
            assert "401" in operation["responses"]


def test_served_schemas_are_camel_case() -> None:
    spec = Api().get("/openapi.json").json()
    start = spec["components"]["schemas"]["StartSessionRequest"]["properties"]
    assert {"voiceId", "sessionType"} <= set(start)
    assert "voice_id" not in start
