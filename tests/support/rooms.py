"""Room helpers for the emulator tests: the API calls of a show, and Firestore clients that act as a
signed-in app user (listeners and REST reads go through the security rules, unlike the harness's
admin client)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import requests

from tests.support.emulator import FIRESTORE_HOST, PROJECT_ID, TIMEOUT, Api, TestUser

DOCUMENTS = f"http://{FIRESTORE_HOST}/v1/projects/{PROJECT_ID}/databases/(default)/documents"


def match(api: Api, room_format: str = "dating-show") -> dict[str, Any]:
    response = api.post("/rooms/match", json={"format": room_format})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def post_line(api: Api, room_id: str, text: str, cid: str) -> dict[str, Any]:
    response = api.post(f"/rooms/{room_id}/lines", json={"content": text, "clientLineId": cid})
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def wait_for(predicate: Callable[[], Any], timeout: float = 20.0, what: str = "condition") -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"{what} not met within {timeout} s")


def user_firestore(user: TestUser) -> Any:
    """A Firestore client that presents `user`'s ID token to the emulator, so the security rules apply
    as they do to the app's SDK. (The Python client sends `Bearer owner` to the emulator by default,
    which skips the rules; its metadata is replaced with the user's token.)"""
    from google.auth.credentials import AnonymousCredentials
    from google.cloud import firestore
    from google.cloud.firestore_v1 import _helpers

    client = firestore.Client(project=PROJECT_ID, credentials=AnonymousCredentials())  # type: ignore[no-untyped-call]
    client._rpc_metadata_internal = [
        *_helpers.metadata_with_prefix(client._database_string),
        ("authorization", f"Bearer {user.token}"),
    ]
    return client


class Recorder:
    """Collects what one user's listeners see: lines (by id, latest version) and events, in order."""

    def __init__(self, client: Any, room_id: str) -> None:
        self.lines: dict[str, dict[str, Any]] = {}
        self.events: list[dict[str, Any]] = []
        self.errors: list[BaseException] = []
        self._lock = threading.Lock()
        room = client.collection("rooms").document(room_id)
        self._watches = [
            room.collection("lines").on_snapshot(self._on_lines),
            room.collection("events").order_by("at").on_snapshot(self._on_events),
        ]

    def _on_lines(self, snapshots: Any, changes: Any, read_time: Any) -> None:
        with self._lock:
            for change in changes:
                self.lines[change.document.id] = change.document.to_dict()

    def _on_events(self, snapshots: Any, changes: Any, read_time: Any) -> None:
        with self._lock:
            self.events = [s.to_dict() for s in snapshots]

    def speakers(self) -> set[str]:
        with self._lock:
            return {str(line["speaker"]) for line in self.lines.values()}

    def phases(self) -> list[str]:
        with self._lock:
            return [str(e["data"]["to"]) for e in self.events if e["type"] == "phase_changed"]

    def event_types(self) -> list[str]:
        with self._lock:
            return [str(e["type"]) for e in self.events]

    def close(self) -> None:
        for watch in self._watches:
            watch.unsubscribe()


def rest_get(path: str, user: TestUser) -> requests.Response:
    return requests.get(f"{DOCUMENTS}/{path}", headers=user.headers, timeout=TIMEOUT)


def write_presence(
    path: str, user: TestUser, fields: dict[str, Any], *, server_time: bool = True, expire_in: float = 30
) -> requests.Response:
    """A client's presence write: `updatedAt` as the server's request time, `expireAt` from the
    client's clock (as the JS SDK would: serverTimestamp() and Timestamp.fromMillis(now + 30 s))."""
    expire = datetime.fromtimestamp(time.time() + expire_in, UTC).isoformat().replace("+00:00", "Z")
    values: dict[str, Any] = {"expireAt": {"timestampValue": expire}}
    for key, value in fields.items():
        values[key] = {"booleanValue": value} if isinstance(value, bool) else {"stringValue": str(value)}
    write: dict[str, Any] = {
        "update": {"name": f"projects/{PROJECT_ID}/databases/(default)/documents/{path}", "fields": values}
    }
    if server_time:
        write["updateTransforms"] = [{"fieldPath": "updatedAt", "setToServerValue": "REQUEST_TIME"}]
    return requests.post(
        f"{DOCUMENTS}:commit", json={"writes": [write]}, headers=user.headers, timeout=TIMEOUT
    )
