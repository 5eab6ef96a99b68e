"""Probes of the Google Cloud services the API depends on, for `GET /health` (the model probes are in
backend/ai/health.py). Each returns None when the service
answered, or a detail when an offline default stands in; a failure raises (the caller reports it)."""

from __future__ import annotations

from backend.cloud.clients import firestore_client
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
