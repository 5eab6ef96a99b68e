"""Configuration from the environment (prefix SESSIONS_); one cached instance per process."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

_AVATARS_FILE = Path(__file__).with_name("avatars.json")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SESSIONS_", extra="ignore")

    project_id: str = Field(default="demo-sessions", validation_alias="GCLOUD_PROJECT")
    starting_credits: int = Field(default=60, ge=0)
    max_live_sessions_per_user: int = Field(default=1, ge=1)
    rate_limit_per_minute: int = Field(default=100, ge=1)
    # Tokens an instance reserves from the shared counter at once (see docs/rate-limiting.md).
    rate_limit_lease_size: int = Field(default=10, ge=1)
    max_body_bytes: int = Field(default=64 * 1024, ge=1024)
    idempotency_ttl_hours: int = Field(default=24, ge=1)
    avatars_file: Path = _AVATARS_FILE
    openai_api_key: str | None = Field(default=None, validation_alias="OPENAI_API_KEY")
    openai_base_url: str | None = Field(default=None, validation_alias="OPENAI_BASE_URL")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
