"""The API's route table: one module per resource, each route tagged with the deployed function (group)
that serves it. The table drives dispatch and the OpenAPI document served from it."""

from __future__ import annotations

from backend.api import (
    admin,
    analytics,
    chat,
    contacts,
    knowledge,
    memory,
    memory_control,
    messages,
    meta,
    preferences,
    rooms,
    rooms_admin,
    safety,
    sessions,
    users,
    voice,
)
from backend.http.routing import API_PREFIX, Call, Response, Route


def openapi(call: Call) -> Response:
    from backend.http.openapi import build_openapi

    return Response(body=build_openapi(ROUTES))


ROUTES: tuple[Route, ...] = (
    *sessions.ROUTES,
    *messages.ROUTES,
    *voice.ROUTES,
    *memory.ROUTES,
    *memory_control.ROUTES,
    *knowledge.ROUTES,
    *chat.ROUTES,
    *safety.ROUTES,
    *users.ROUTES,
    *preferences.ROUTES,
    *contacts.ROUTES,
    *admin.ROUTES,
    *analytics.ROUTES,
    *rooms.ROUTES,
    *rooms_admin.ROUTES,
    *meta.ROUTES,
    Route(
        "GET",
        f"{API_PREFIX}/openapi.json",
        openapi,
        "This OpenAPI document",
        meta.GROUP,
        None,
        access="public",
        rate_limited=False,
    ),
)


def routes_for(group: str) -> tuple[Route, ...]:
    return tuple(route for route in ROUTES if route.group == group)
