"""The credit ledger and the admin grant bodies."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Field, StringConstraints

from shared.models.base import ApiModel
from shared.models.users import Credits

MAX_REASON_LENGTH = 500
MAX_GRANT = 1_000_000


class LedgerEntry(ApiModel):
    """A row of `users/{uid}/ledger`: one change of the user's credit balance (negative: spent)."""

    delta: int
    reason: str
    before: int
    after: int
    at: datetime
    actor: str
    session_id: str | None = None


class GrantCreditsRequest(ApiModel):
    delta: int = Field(ge=-MAX_GRANT, le=MAX_GRANT)
    reason: Annotated[str, StringConstraints(min_length=1, max_length=MAX_REASON_LENGTH)]


class GrantCreditsResponse(ApiModel):
    success: bool = True
    user_id: str
    before: int
    after: int
    credits: Credits
