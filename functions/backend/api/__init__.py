"""The API's route tables, one module per resource group (one deployed function each)."""

from __future__ import annotations

from backend.api import (
    admin,
    chat,
    memory,
    messages,
    meta,
    rooms,
    rooms_admin,
    safety,
    sessions,
    users,
    voice,
)
from backend.http.routing import Route

ROUTES: tuple[Route, ...] = (
    *sessions.ROUTES,
    *messages.ROUTES,
    *voice.ROUTES,
    *memory.ROUTES,
    *chat.ROUTES,
    *safety.ROUTES,
    *users.ROUTES,
    *admin.ROUTES,
    *rooms.ROUTES,
    *rooms_admin.ROUTES,
    *meta.ROUTES,
)


def routes_for(group: str) -> tuple[Route, ...]:
    return tuple(route for route in ROUTES if route.group == group)
