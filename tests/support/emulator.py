"""Users, tokens and clients for the running emulator suite (started by `make integration`)."""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import requests

PROJECT_ID = os.environ.get("GCLOUD_PROJECT", "demo-sessions")
API_BASE = os.environ.get("SESSIONS_API_BASE", "http://127.0.0.1:5000/api/v1")
AUTH_HOST = os.environ.get("FIREBASE_AUTH_EMULATOR_HOST", "127.0.0.1:9099")
FIRESTORE_HOST = os.environ.get("FIRESTORE_EMULATOR_HOST", "127.0.0.1:8080")
# Longer than the HTTP functions' own 60 s timeout, so a request always gets the server's answer (ours, or
# the emulator's timeout error): under load the emulator cold-starts one Python worker per concurrent
# request (twenty at once in the race tests), and a client giving up first would test its own patience.
TIMEOUT = 75
# The Functions emulator answers 500 with a bare Node error (`{"code":"ECONNRESET"}`) when its proxy
# loses the socket to a Python worker process it spawned (it then kills that worker). That is the
# emulator's transport failing, never our error envelope (which is always `{"error": ...}`); a real
# client retries such a 5xx, so the harness retries it once like a client would.
EMULATOR_TRANSPORT_ERRORS = ('{"code":"ECONNRESET"}', '{"code":"EPIPE"}', '{"code":"ECONNREFUSED"}')


def require_emulators() -> None:
    missing = [n for n in ("FIRESTORE_EMULATOR_HOST", "FIREBASE_AUTH_EMULATOR_HOST") if not os.environ.get(n)]
    if missing:
        raise RuntimeError(
            f"{', '.join(missing)} not set: run these tests through `make integration` "
            "(firebase emulators:exec), not on their own."
        )


@dataclass(frozen=True)
class TestUser:
    __test__ = False  # a helper, not a test class

    uid: str
    email: str
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


def _identity(path: str, body: dict[str, Any]) -> dict[str, Any]:
    url = f"http://{AUTH_HOST}/identitytoolkit.googleapis.com/v1/{path}?key=fake-api-key"
    response = requests.post(url, json=body, timeout=TIMEOUT)
    response.raise_for_status()
    data: dict[str, Any] = response.json()
    return data


def sign_in(email: str, password: str = "password-123") -> TestUser:
    data = _identity(
        "accounts:signInWithPassword", {"email": email, "password": password, "returnSecureToken": True}
    )
    return TestUser(uid=data["localId"], email=email, token=data["idToken"])


def new_user(*, admin: bool = False, prefix: str = "user") -> TestUser:
    """A fresh Auth-emulator account (unique per call, so tests never share state)."""
    email = f"{prefix}-{uuid.uuid4().hex[:12]}@example.test"
    _identity("accounts:signUp", {"email": email, "password": "password-123", "returnSecureToken": True})
    if admin:
        from firebase_admin import auth

        auth.set_custom_user_claims(sign_in(email).uid, {"admin": True}, app=admin_app())
    return sign_in(email)


@lru_cache(maxsize=1)
def admin_app() -> Any:
    from backend.cloud.clients import firebase_app

    return firebase_app()


@lru_cache(maxsize=1)
def firestore_db() -> Any:
    """The test harness's own Firestore client (admin access, bypasses rules in the emulator)."""
    from backend.cloud.clients import firestore_client

    return firestore_client()


class Api:
    """A small HTTP client for the API through Hosting (the path a real app uses)."""

    def __init__(self, user: TestUser | None = None, base: str = API_BASE) -> None:
        self.user = user
        self.base = base

    def request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        headers = dict(self.user.headers if self.user else {})
        headers.update(kwargs.pop("headers", {}) or {})
        response = requests.request(method, f"{self.base}{path}", headers=headers, timeout=TIMEOUT, **kwargs)
        if response.status_code == 500 and response.text.strip() in EMULATOR_TRANSPORT_ERRORS:
            response = requests.request(
                method, f"{self.base}{path}", headers=headers, timeout=TIMEOUT, **kwargs
            )
        return response

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, json: Any = None, **kwargs: Any) -> requests.Response:
        return self.request("POST", path, json=json if json is not None else {}, **kwargs)
