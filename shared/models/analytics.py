"""Usage analytics for admins: seed 000's daily metrics (from rollup documents) and live figures."""

from __future__ import annotations

from datetime import date, datetime
from typing import Self

from pydantic import Field, model_validator

from shared.models.base import ApiModel

MAX_RANGE_DAYS = 366


class DailyMetrics(ApiModel):
    """The `analyticsDaily/{YYYY-MM-DD}` document: sessions *started* on that UTC day.

    Averages are None when no session of the day has the figure (no ended session, no rating, no AI
    reply), never 0, so a chart can tell "nothing" from "zero".
    """

    date: date
    total_sessions: int = Field(ge=0, description="Sessions started on the day (any status now).")
    active_users: int = Field(ge=0, description="Distinct users who started a session on the day.")
    completed_sessions: int = Field(ge=0, description="Of those, sessions now `completed`.")
    completion_rate: float | None = Field(default=None, ge=0, le=1, description="completed / total.")
    average_duration_seconds: float | None = Field(
        default=None, ge=0, description="Mean active time of the day's ended sessions (pauses excluded)."
    )
    sessions_with_crisis_alerts: int = Field(ge=0, description="Sessions of the day that raised an alert.")
    average_response_time_ms: float | None = Field(
        default=None, ge=0, description="Mean time to a complete AI reply, over the day's AI messages."
    )
    ai_replies: int = Field(ge=0, description="AI messages created on the day.")
    average_rating: float | None = Field(default=None, ge=1, le=5, description="Mean userRating (1-5).")
    rated_sessions: int = Field(ge=0)
    computed_at: datetime


class AnalyticsRangeQuery(ApiModel):
    """Inclusive UTC days, at most a year."""

    start: date = Field(alias="from")
    end: date = Field(alias="to")

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.end < self.start:
            raise ValueError("`to` must not be before `from`")
        if (self.end - self.start).days >= MAX_RANGE_DAYS:
            raise ValueError(f"at most {MAX_RANGE_DAYS} days")
        return self


class RollupRequest(AnalyticsRangeQuery):
    """Recompute the rollups of these inclusive UTC days (a back-fill; idempotent)."""


class DailyAnalyticsResponse(ApiModel):
    success: bool = True
    days: list[DailyMetrics] = Field(description="One entry per day with a rollup, oldest first.")
    missing: list[date] = Field(description="Days of the range without a rollup yet (back-fill them).")


class RollupResponse(ApiModel):
    success: bool = True
    days: list[DailyMetrics]
    changed: int = Field(ge=0, description="Rollup documents written; 0 when every figure was current.")


class LiveMetrics(ApiModel):
    """Figures of the last `windowSeconds`, from count and average aggregations (no documents read)."""

    success: bool = True
    live_sessions: int = Field(ge=0)
    window_seconds: int = Field(gt=0)
    messages: int = Field(ge=0, description="Messages created in the window (users' and AI).")
    messages_per_second: float = Field(ge=0)
    ai_replies: int = Field(ge=0)
    average_response_time_ms: float | None = Field(default=None, ge=0)
    failed_replies: int = Field(ge=0)
    error_rate: float | None = Field(default=None, ge=0, le=1, description="failed / AI replies.")
    computed_at: datetime
