"""Base model: camelCase on the wire and in documents, unknown fields rejected, numbers storable.

Every number in a model is finite and every integer fits in 64 bits: NaN and Infinity are not JSON
(`JSON.parse` rejects the bare tokens, so one stored NaN breaks every list that includes it) and
Firestore cannot store an integer beyond int64. Checked here once, so no model can forget it.
"""

from __future__ import annotations

import math
from typing import Any

from pydantic import BaseModel, ConfigDict, model_validator
from pydantic.alias_generators import to_camel

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1


def storable_number_problem(value: Any) -> str | None:
    """Why `value` (or a number inside its lists and dicts) cannot be stored and sent as JSON, or None.

    Iterative, so a deeply nested value cannot exhaust the stack here either."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, bool):
            continue
        if isinstance(item, int) and not INT64_MIN <= item <= INT64_MAX:
            return "integers must fit in 64 bits"
        if isinstance(item, float) and not math.isfinite(item):
            return "numbers must be finite (no NaN or Infinity)"
        if isinstance(item, dict):
            pending.extend(item.values())
        elif isinstance(item, list | tuple | set | frozenset):
            pending.extend(item)
    return None


class ApiModel(BaseModel):
    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        extra="forbid",
        str_strip_whitespace=True,
        allow_inf_nan=False,
    )

    @model_validator(mode="after")
    def _numbers_are_storable(self) -> ApiModel:
        # Nested models ran this check themselves; only plain values and containers are walked.
        for name, value in self.__dict__.items():
            if isinstance(value, int | float | dict | list | tuple | set | frozenset):
                problem = storable_number_problem(value)
                if problem is not None:
                    raise ValueError(f"{name}: {problem}")
        return self

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
