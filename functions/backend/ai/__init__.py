"""The process's AI provider: OpenAI (or a compatible server) when configured, else the offline responder."""

from __future__ import annotations

from functools import lru_cache

from shared.avatars import load_avatars
from shared.conversation.provider import AiProvider
from shared.settings import get_settings


@lru_cache(maxsize=1)
def get_provider() -> AiProvider:
    settings = get_settings()
    if settings.openai_api_key or settings.openai_base_url:
        from backend.ai.openai_provider import OpenAIProvider

        return OpenAIProvider(
            api_key=settings.openai_api_key,
            base_url=settings.openai_base_url,
            model=settings.openai_model,
            timeout_s=settings.ai_timeout_seconds,
        )
    from shared.conversation.offline import OfflineReflectiveProvider

    return OfflineReflectiveProvider(
        avatars=load_avatars(settings.avatars_file),
        chunk_delay_s=settings.offline_stream_delay_ms / 1000,
    )
