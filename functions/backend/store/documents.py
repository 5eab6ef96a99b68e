"""Conversion between pydantic models and Firestore documents (camelCase fields, native timestamps)."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel

from shared.models.base import ApiModel

M = TypeVar("M", bound=BaseModel)

USERS = "users"
SESSIONS = "sessions"
EVENTS = "events"
IDEMPOTENCY = "idempotencyKeys"


def to_document(model: ApiModel, *, exclude: set[str] | None = None) -> dict[str, Any]:
    return model.model_dump(mode="python", by_alias=True, exclude=exclude)


def from_document(model: type[M], data: dict[str, Any] | None, **extra: Any) -> M:
    return model.model_validate({**(data or {}), **extra})
