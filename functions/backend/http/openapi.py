"""OpenAPI 3.1, generated from the route table and its pydantic models (nothing written by hand)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaMode, JsonSchemaValue, models_json_schema
from pydantic_core import core_schema

from backend.http.routing import Route
from shared.errors import (
    ApiError,
    MalformedJson,
    NotFound,
    PayloadTooLarge,
    PermissionDenied,
    RateLimited,
    Unauthenticated,
    ValidationFailed,
)
from shared.models.base import ErrorEnvelope

REF = "#/components/schemas/{model}"
# (model, mode) -> {"$ref": ...}: pydantic names a model used both ways "Model-Input" / "Model-Output".
Refs = Mapping[tuple[Any, JsonSchemaMode], Mapping[str, Any]]


class _Schema(GenerateJsonSchema):
    """Pydantic's JSON schema, as strict as our validation where pydantic's is looser: every ApiModel
    strips whitespace before checking a minimum length, so "   " is no valid `minLength: 1` string."""

    def str_schema(self, schema: core_schema.StringSchema) -> JsonSchemaValue:
        json_schema = super().str_schema(schema)
        shortest = int(json_schema.get("minLength", 0))
        if shortest and "pattern" not in json_schema:
            # At least `shortest` characters from the first non-space one to the last.
            json_schema["pattern"] = r"\S" if shortest == 1 else rf"\S[\s\S]{{{shortest - 2},}}\S"
        return json_schema


def _models(routes: Sequence[Route]) -> list[tuple[type[BaseModel], JsonSchemaMode]]:
    """Request bodies in validation mode (a field with a default is optional to send), responses in
    serialization mode (every field with a default is always present): generated clients need both."""
    found: dict[tuple[str, JsonSchemaMode], type[BaseModel]] = {
        ("ErrorEnvelope", "serialization"): ErrorEnvelope
    }
    for route in routes:
        roles: tuple[tuple[type[BaseModel] | None, JsonSchemaMode], ...] = (
            (route.body, "validation"),
            (route.response, "serialization"),
            (route.query, "validation"),
        )
        for model, mode in roles:
            if model is not None:
                found[(model.__name__, mode)] = model
    return [(model, mode) for (_, mode), model in found.items()]


def _query_parameters(route: Route) -> list[dict[str, Any]]:
    if route.query is None:
        return []
    schema = route.query.model_json_schema(by_alias=True, ref_template=REF, schema_generator=_Schema)
    required = set(schema.get("required", []))
    return [
        {"name": name, "in": "query", "required": name in required, "schema": prop}
        for name, prop in schema["properties"].items()
    ]


def _errors(route: Route) -> list[type[ApiError]]:
    """Every error the dispatcher itself can answer for this route, besides the handler's own."""
    errors: list[type[ApiError]] = [*route.errors]
    if route.body is not None or route.query is not None:
        errors += [ValidationFailed, MalformedJson, PayloadTooLarge]
    if route.idempotent:
        errors.append(ValidationFailed)  # an empty or over-long Idempotency-Key
    if "{" in route.path:
        errors.append(NotFound)  # an id that names nothing, or cannot name anything of ours
    if route.access != "public":
        errors.append(Unauthenticated)
    if route.access == "admin":
        errors.append(PermissionDenied)
    # Per user on rate-limited routes; per address on public routes and after failed tokens on all.
    errors.append(RateLimited)
    return errors


def _operation(route: Route, refs: Refs) -> dict[str, Any]:
    error_ref = {"$ref": REF.format(model="ErrorEnvelope")}
    ok: dict[str, Any] = {"description": "Success"}
    if route.response is not None:
        ok["content"] = {"application/json": {"schema": refs[(route.response, "serialization")]}}
    for media in route.alternate_media:
        ok.setdefault("content", {})[media] = {"schema": {"type": "string"}}
    responses: dict[str, Any] = {str(route.status): ok}
    for status in route.other_statuses:
        responses[str(status)] = {**ok, "description": "Answered with the same body"}
    for error in _errors(route):
        responses.setdefault(
            str(error.http_status),
            {"description": error.default_message, "content": {"application/json": {"schema": error_ref}}},
        )
    operation: dict[str, Any] = {
        "operationId": re.sub(r"\W+", "_", f"{route.method} {route.path}").strip("_").lower(),
        "summary": route.summary,
        "tags": [route.group],
        "parameters": [
            {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
            for name in re.findall(r"\{(\w+)\}", route.path)
        ]
        + _query_parameters(route),
        "responses": responses,
    }
    if route.idempotent:
        operation["parameters"].append(
            {
                "name": "Idempotency-Key",
                "in": "header",
                "required": False,
                "schema": {"type": "string", "maxLength": 255},
            }
        )
    if route.body is not None:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": refs[(route.body, "validation")]}},
        }
    if route.access != "public":
        operation["security"] = [{"firebaseIdToken": []}]
    return operation


def build_openapi(routes: Sequence[Route]) -> dict[str, Any]:
    refs, schemas = models_json_schema(
        _models(routes), by_alias=True, ref_template=REF, schema_generator=_Schema
    )
    paths: dict[str, dict[str, Any]] = {}
    for route in routes:
        paths.setdefault(route.path, {})[route.method.lower()] = _operation(route, refs)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Session backend API",
            "version": "1.0.0",
            "description": "Session lifecycle for AI conversation apps. Errors use one envelope.",
        },
        "paths": paths,
        "components": {
            "schemas": schemas.get("$defs", {}),
            "securitySchemes": {
                "firebaseIdToken": {"type": "http", "scheme": "bearer", "bearerFormat": "Firebase ID token"}
            },
        },
    }
