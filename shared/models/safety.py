"""Safety documents and bodies: crisis alerts, resources, screening results, admin actions."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from shared.models.base import ApiModel

AlertStatus = Literal["active", "acknowledged", "resolved"]
Note = Annotated[str, StringConstraints(min_length=1, max_length=2000)]


class Helpline(ApiModel):
    name: str
    phone: str | None = None
    text: str | None = None
    url: str | None = None
    hours: str | None = None


class CrisisResources(ApiModel):
    """What the user is shown at HIGH_RISK and above, for their locale."""

    locale: str
    emergency_number: str
    helplines: list[Helpline]


class CrisisAlert(ApiModel):
    """`crisisAlerts/{id}` (admins only). The id is derived from the message that raised it."""

    id: str
    user_id: str
    session_id: str
    message_id: str
    level: str
    signals: list[str]
    source: str
    status: AlertStatus = "active"
    created_at: datetime
    updated_at: datetime
    acknowledged_at: datetime | None = None
    acknowledged_by: str | None = None
    resolved_at: datetime | None = None
    resolved_by: str | None = None
    resolution_note: str | None = None


class ScreenRequest(ApiModel):
    text: Annotated[str, StringConstraints(min_length=1, max_length=4000)]


class ScreenResponse(ApiModel):
    success: bool = True
    level: str
    confidence: float
    signals: list[str]


class SessionSafetyResponse(ApiModel):
    success: bool = True
    level: str
    confidence: float
    signals: list[str]
    safety_state: str
    highest_safety_state: str
    messages_screened: int


class NoteRequest(ApiModel):
    note: Note


class AlertListQuery(ApiModel):
    status: AlertStatus | None = None
    limit: int = Field(default=50, ge=1, le=200)


class AlertResponse(ApiModel):
    success: bool = True
    alert: CrisisAlert


class AlertListResponse(ApiModel):
    success: bool = True
    alerts: list[CrisisAlert]


class ReferralReportQuery(ApiModel):
    year: int = Field(ge=2020, le=2100)


class ReferralReport(ApiModel):
    """Counts only, no personal data (the yearly report California SB 243 asks operators for)."""

    success: bool = True
    year: int
    crisis_alerts: int
    by_level: dict[str, int]
    by_month: dict[str, int]
    acknowledged: int
    resolved: int
    sessions_shown_resources: int


class TrustedContact(ApiModel):
    """A contact as kept on the user document (see shared/models/contacts.py for the invitation that
    decides whether the contact is ever told anything). `fcm_token` is read from old documents only:
    pushes go to the contact's own registered token, never to one the user supplied."""

    name: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    uid: Annotated[str, StringConstraints(max_length=128)] | None = None
    email: Annotated[str, StringConstraints(max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")] | None = (
        None
    )
    fcm_token: Annotated[str, StringConstraints(max_length=4096)] | None = None
