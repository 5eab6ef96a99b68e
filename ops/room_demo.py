"""`sessions-ops room demo`: a two-person show played through the HTTP API of the local stack.

Two fresh Auth-emulator users match into a room, exchange a few lines, address the host, ask it to
move on, and end the show; the transcript is printed as the server stored it. Emulators only: the
accounts are created through the Auth emulator's sign-up endpoint.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable
from typing import Any

from ops.common import OpsError

SCRIPT = (
    ("A", "Hi! I'm a bit nervous, I have never done a show like this."),
    ("B", "Me neither. I spent the whole afternoon baking to calm down."),
    ("A", "Juno, what should we talk about first?"),
    ("B", "I'd say travel. I just came back from the mountains."),
    ("A", "Juno, next question please!"),
    ("B", "Honestly I'm looking for someone who laughs at my bad jokes."),
)


def _identity(path: str, body: dict[str, Any]) -> dict[str, Any]:
    import requests

    host = os.environ.get("FIREBASE_AUTH_EMULATOR_HOST")
    if not host:
        raise OpsError(
            "demo runs against the local emulators: set FIREBASE_AUTH_EMULATOR_HOST=127.0.0.1:9099."
        )
    url = f"http://{host}/identitytoolkit.googleapis.com/v1/{path}?key=demo"
    response = requests.post(url, json=body, timeout=30)
    response.raise_for_status()
    data: dict[str, Any] = response.json()
    return data


def _token(name: str) -> str:
    email = f"room-demo-{name}-{uuid.uuid4().hex[:8]}@example.test"
    data = _identity(
        "accounts:signUp", {"email": email, "password": "demo-password-123", "returnSecureToken": True}
    )
    return str(data["idToken"])


def play(*, api: str, say: Callable[[str], None]) -> str:
    import requests

    tokens = {"A": _token("a"), "B": _token("b")}

    def call(role: str, method: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        response = requests.request(
            method, f"{api}{path}", json=body, headers={"Authorization": f"Bearer {tokens[role]}"}, timeout=60
        )
        if response.status_code >= 400:
            raise OpsError(f"{method} {path}: {response.status_code} {response.text[:200]}")
        data: dict[str, Any] = response.json()
        return data

    first = call("A", "POST", "/rooms/match", {"format": "dating-show"})
    room_id = str(first["room"]["id"])
    say(f"A matched into room {room_id} ({first['room']['status']}), role {first['role']}")
    second = call("B", "POST", "/rooms/match", {"format": "dating-show"})
    if second["room"]["id"] != room_id:
        raise OpsError(
            "another waiting room took B; end stale waiting rooms (room list --status waiting) and retry."
        )
    say(
        f"B matched, role {second['role']}; the show is {second['room']['status']}, phase {second['room']['phase']}"
    )
    for number, (role, text) in enumerate(SCRIPT):
        answer = call(
            role, "POST", f"/rooms/{room_id}/lines", {"content": text, "clientLineId": f"demo-{number}"}
        )
        say(f"{role}: {text}")
        if answer.get("reply"):
            say(f"AGENT: {answer['reply']['content']}")
    call("A", "POST", f"/rooms/{room_id}/end", {})
    say("--- transcript as stored ---")
    for line in call("B", "GET", f"/rooms/{room_id}/transcript")["lines"]:
        say(f"{line['speaker']}: {line['content']}")
    room = call("A", "GET", f"/rooms/{room_id}")["room"]
    say(f"room {room_id}: {room['status']} ({room['endReason']}), phase {room['phase']}")
    return room_id
