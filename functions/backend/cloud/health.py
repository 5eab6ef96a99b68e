"""Probes of the services the API depends on, for `GET /health`. Each returns None when the service
answered, or a detail when an offline default stands in; a failure raises (the caller reports it)."""

from __future__ import annotations

from backend.cloud.clients import firestore_client
from shared.memory.embedding import find_model_dir
from shared.settings import get_settings

CHECK_TIMEOUT_SECONDS = 3.0


def firestore() -> str | None:
    firestore_client().collection("_health").document("probe").get(timeout=CHECK_TIMEOUT_SECONDS)
    return None


def pubsub() -> str | None:
    from google.cloud import pubsub_v1  # type: ignore[attr-defined]

    publisher = pubsub_v1.PublisherClient()
    request = {"project": f"projects/{get_settings().project_id}", "page_size": 1}
    next(iter(publisher.list_topics(request=request, timeout=CHECK_TIMEOUT_SECONDS)), None)
    return None


def ai() -> str | None:
    settings = get_settings()
    if not settings.openai_api_key:
        return "offline default responder (no OPENAI_API_KEY): no network model is used"
    from openai import OpenAI

    client = OpenAI(
        api_key=settings.openai_api_key, base_url=settings.openai_base_url, timeout=CHECK_TIMEOUT_SECONDS
    )
    client.models.list()
    return None


def memory() -> str | None:
    settings = get_settings()
    if settings.openai_api_key or settings.openai_base_url:
        return None

    find_model_dir()  # raises (→ down) when the bundled model is missing
    return (
        "offline default memory models (no OPENAI_API_KEY): extractive summaries, all-MiniLM-L6-v2 in NumPy"
    )
