from __future__ import annotations

from tests.support.emulator import Api


def test_health_reports_every_dependency() -> None:
    response = Api().get("/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] in ("healthy", "degraded")
    assert set(body["checks"]) == {"firestore", "pubsub", "ai", "memory"}
    assert body["checks"]["firestore"]["status"] == "ok"
    assert body["checks"]["ai"]["status"] == "offline_default"
    memory = body["checks"]["memory"]
    assert memory["status"] == "offline_default" and "MiniLM" in memory["detail"], (
        "the bundled model is found"
    )
