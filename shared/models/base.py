"""Base model: camelCase on the wire and in documents, unknown fields rejected."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel


class ApiModel(BaseModel):
    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        extra="forbid",
        str_strip_whitespace=True,
    )

    def wire(self) -> dict[str, Any]:
        """JSON-ready camelCase dict (datetimes as ISO strings)."""
        return self.model_dump(mode="json", by_alias=True)


class EmptyRequest(ApiModel):
    """Body of actions that take no input; unknown fields are still rejected."""


class ErrorBody(ApiModel):
    code: str
    message: str
    details: Any = None


class ErrorEnvelope(ApiModel):
    success: bool = False
    error: ErrorBody


class Pagination(ApiModel):
    page: int
    limit: int
    total: int
    pages: int

    @classmethod
    def of(cls, *, page: int, limit: int, total: int) -> Pagination:
        return cls(page=page, limit=limit, total=total, pages=max(1, -(-total // limit)))
