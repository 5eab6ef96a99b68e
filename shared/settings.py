"""Configuration from the environment (prefix SESSIONS_); one cached instance per process."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

_AVATARS_FILE = Path(__file__).with_name("avatars.json")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SESSIONS_", extra="ignore")

    # GCLOUD_PROJECT is what the Functions runtime and emulators set; GOOGLE_CLOUD_PROJECT is what gcloud
    # users and the Google client libraries use (docs/deploy.md): either names the project.
    project_id: str = Field(
        default="demo-sessions", validation_alias=AliasChoices("GCLOUD_PROJECT", "GOOGLE_CLOUD_PROJECT")
    )
    # Region of every function and task queue (functions/main.py's SESSIONS_REGION param sets it).
    region: str = Field(default="us-central1", pattern=r"^[a-z]+-[a-z]+[0-9]$")
    starting_credits: int = Field(default=60, ge=0)
    max_live_sessions_per_user: int = Field(default=1, ge=1)
    rate_limit_per_minute: int = Field(default=100, ge=1)
    # Tokens an instance reserves from the shared counter at once (see docs/rate-limiting.md).
    rate_limit_lease_size: int = Field(default=10, ge=1)
    # Requests without a valid token (public routes, bad tokens): per client address and per instance.
    anonymous_rate_limit_per_minute: int = Field(default=300, ge=1)
    anonymous_total_per_minute: int = Field(default=3000, ge=1)
    # The health check's answer is reused for this long: probing costs reads and API calls.
    health_cache_seconds: float = Field(default=30.0, ge=0)
    max_body_bytes: int = Field(default=64 * 1024, ge=1024)
    idempotency_ttl_hours: int = Field(default=24, ge=1)
    avatars_file: Path = _AVATARS_FILE
    openai_api_key: str | None = Field(default=None, validation_alias="OPENAI_API_KEY")
    openai_base_url: str | None = Field(default=None, validation_alias="OPENAI_BASE_URL")
    openai_model: str = "gpt-4o-mini"
    # Memory embeddings with OpenAI; asked for 384 dimensions, like the offline model, so one index serves both.
    openai_embedding_model: str = "text-embedding-3-small"
    ai_timeout_seconds: float = Field(default=20.0, gt=0)
    ai_max_attempts: int = Field(default=3, ge=1, le=10)
    # How many recent messages go into the model's context.
    context_messages: int = Field(default=10, ge=1, le=100)
    # Older messages are folded into the session's rolling summary once this many have left the context.
    rolling_summary_every: int = Field(default=6, ge=1, le=100)
    # Tests and debugging only: store each reply's exact prompt in sessions/{id}/prompts/{replyId}, so
    # the injected memory and summary can be checked. Never in production (it copies the conversation).
    record_prompts: bool = False
    # With OpenAI configured, also index facts extracted from each ended session (one more model call).
    memory_fact_extraction: bool = True
    # A session's memory reads at most this many messages (its first ones, in order).
    memory_max_messages: int = Field(default=2000, ge=10, le=20000)
    # Pause between streamed words of the offline responder (0 = instant; >0 shows streaming locally).
    offline_stream_delay_ms: int = Field(default=0, ge=0, le=2000)
    # AI message content is rewritten at most this often while streaming.
    stream_update_interval_ms: int = Field(default=300, ge=50)
    # Session aggregates (messageCount, tokensUsed, aiResponseTimeAvg, lastMessageAt) are written at most
    # once per this many seconds: each flush costs 3 billable operations, so at a human pace of a turn
    # every second or two a 1 s window paid one flush per turn. They trail the transcript by up to this
    # long; the transcript itself, the status and the safety state are never delayed.
    stats_flush_interval_seconds: float = Field(default=5.0, gt=0, le=60)
    # A room's aggregates (lineCount, lastActivityAt, the rolling summary) at most once per this many
    # seconds: a live show's lifecycle writes the room often, and a flush defers while the room was
    # written less than this long ago, so a long interval would starve it.
    room_flush_interval_seconds: float = Field(default=1.0, gt=0, le=60)
    # An empty knowledge base is asked again (one read) at most this often per instance, instead of on
    # every reply; a first document grounds replies within this long.
    knowledge_empty_recheck_seconds: float = Field(default=60.0, ge=0, le=3600)
    # Locale for crisis resources when the session does not say (metadata.locale).
    default_locale: str = "en-US"
    # Trusted contacts without the app are e-mailed through documents in this collection, in the format
    # of Firebase's "Trigger Email from Firestore" extension (docs/deploy.md).
    mail_collection: str = Field(default="mail", pattern=r"^[A-Za-z0-9_-]{1,100}$")
    # Companion-chatbot notices (docs/safety.md): "you are talking to an AI" at the start of a session and
    # again every this many seconds of it (and, for a minor, a break reminder); 3 hours by law.
    ai_notice_interval_seconds: float = Field(default=10800.0, gt=0, le=10800.0)
    # How many recent user messages the safety screen sees with the current one.
    safety_context_messages: int = Field(default=4, ge=0, le=20)
    # How long an instance trusts its cached recent messages before asking for newer ones.
    context_cache_seconds: float = Field(default=2.0, ge=0)
    # Metering (docs/credits-and-scheduling.md): 1 credit = 1 started minute of active time. The minute
    # length is configurable so tests can run "minutes" of a few seconds; it also scales planned durations.
    credit_minute_seconds: float = Field(default=60.0, gt=0)
    # The session gets warning {type: "low_credits"} once this many credits (minutes) or fewer are left.
    low_credit_warning_minutes: int = Field(default=10, ge=0)
    # Live sessions without a heartbeat (lastSeenAt) for this long are ended by the idle sweep.
    idle_timeout_seconds: float = Field(default=1800.0, gt=0)
    # Scheduled sessions: reminders this many seconds before the start, comma-separated ("900,0").
    reminder_leads_seconds: str = "900,0"
    # A pending session not started this long after its scheduled time becomes `missed`.
    missed_grace_seconds: float = Field(default=900.0, ge=0)
    # How far ahead a session can be scheduled, and how far in the past a "now" request may be (skew).
    max_schedule_ahead_days: int = Field(default=90, ge=1, le=365)
    schedule_clock_skew_seconds: float = Field(default=60.0, ge=0)
    # Retention (infra/retention.md): `sessions-ops purge-transcripts` deletes the messages of sessions
    # that ended more than this many days ago, unless told otherwise with --older-than-days.
    transcript_retention_days: int = Field(default=365, ge=1, le=36500)
    # Notifications and the trusted-contact outbox carry expiresAt this far ahead (Firestore TTL deletes them).
    notification_retention_days: int = Field(default=90, ge=1, le=3650)

    @field_validator("reminder_leads_seconds")
    @classmethod
    def _check_leads(cls, value: str) -> str:
        parse_leads(value)
        return value

    @property
    def reminder_leads(self) -> tuple[int, ...]:
        return parse_leads(self.reminder_leads_seconds)


def parse_leads(value: str) -> tuple[int, ...]:
    """ "900,0" -> (900, 0): distinct, non-negative, largest first; "" means no reminders."""
    try:
        leads = {int(part) for part in value.split(",") if part.strip()}
    except ValueError:
        raise ValueError("reminder leads must be comma-separated whole seconds, e.g. 900,0") from None
    if any(lead < 0 for lead in leads):
        raise ValueError("reminder leads must not be negative")
    return tuple(sorted(leads, reverse=True))


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
