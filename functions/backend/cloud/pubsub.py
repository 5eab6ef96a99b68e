"""Publishing to this project's Pub/Sub topics (one lazily created client per process)."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from shared.settings import get_settings


@lru_cache(maxsize=1)
def _publisher() -> Any:
    from google.cloud import pubsub_v1  # type: ignore[attr-defined]

    from backend.cloud.clients import guard_emulators

    guard_emulators()
    return pubsub_v1.PublisherClient()


def publish(topic: str, payload: dict[str, Any], *, timeout: float = 10.0) -> None:
    """Publish `payload` as JSON and wait for the server's ack (raises on failure)."""
    path = f"projects/{get_settings().project_id}/topics/{topic}"
    _publisher().publish(path, json.dumps(payload).encode()).result(timeout=timeout)
