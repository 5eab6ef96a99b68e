"""Post-deploy smoke check: `infra/smoke.py BASE_URL --api-key WEB_API_KEY`.

With a throwaway email/password account (created through the Identity Toolkit API, which needs the
email/password provider that infra/provision.py enables), it exercises what a user does: health, start a
session, one message with a reply, end, the summary (memory written by the Pub/Sub function); then it
erases the account's data (`DELETE /user/data`) and deletes the account, also when a step failed.
Exit status 0 only when every step passed. BASE_URL is the Hosting origin's API base, e.g.
https://PROJECT.web.app/api/v1. FIREBASE_AUTH_EMULATOR_HOST (set by the emulators) selects the Auth emulator.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import uuid
from collections.abc import Callable
from typing import Any

import requests

TIMEOUT = 60
SUMMARY_WAIT_SECONDS = 180


class SmokeFailure(RuntimeError):
    pass


def _auth_base() -> str:
    emulator = os.environ.get("FIREBASE_AUTH_EMULATOR_HOST")
    if emulator:
        return f"http://{emulator}/identitytoolkit.googleapis.com/v1"
    return "https://identitytoolkit.googleapis.com/v1"


def _expect(response: requests.Response, *statuses: int) -> dict[str, Any]:
    if response.status_code not in statuses:
        raise SmokeFailure(
            f"{response.request.method} {response.url} -> {response.status_code}: {response.text[:300]}"
        )
    body: dict[str, Any] = response.json() if response.content else {}
    return body


class Smoke:
    def __init__(self, base: str, api_key: str, log: Callable[[str], None] = print) -> None:
        self.base = base.rstrip("/")
        self.api_key = api_key
        self.log = log
        self.token: str | None = None
        self.session_id: str | None = None

    def _call(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        headers.update(kwargs.pop("headers", {}))
        return requests.request(method, f"{self.base}{path}", headers=headers, timeout=TIMEOUT, **kwargs)

    def _account(self, action: str, body: dict[str, Any]) -> dict[str, Any]:
        url = f"{_auth_base()}/accounts:{action}?key={self.api_key}"
        return _expect(requests.post(url, json=body, timeout=TIMEOUT), 200)

    def run(self) -> None:
        health = _expect(self._call("GET", "/health"), 200)
        self.log(
            f"ok   health: {health['status']} "
            + ", ".join(f"{k}={v['status']}" for k, v in health["checks"].items())
        )
        email = f"smoke-{uuid.uuid4().hex[:12]}@example.com"
        self.token = self._account(
            "signUp", {"email": email, "password": uuid.uuid4().hex, "returnSecureToken": True}
        )["idToken"]
        self.log(f"ok   test account {email}")
        try:
            self._session()
        finally:
            self.cleanup()

    def _session(self) -> None:
        avatar = _expect(self._call("GET", "/avatars"), 200)["avatars"][0]["id"]
        started = _expect(self._call("POST", "/sessions/start", json={"avatar": avatar, "duration": 15}), 201)
        self.session_id = sid = started["session"]["id"]
        self.log(f"ok   start: session {sid} ({started['session']['status']})")
        body = {
            "content": "Hello, this is a short deployment check.",
            "clientMessageId": uuid.uuid4().hex,
            "reply": True,
        }
        turn = _expect(self._call("POST", f"/sessions/{sid}/messages", json=body), 201)
        reply = turn.get("reply") or {}
        if reply.get("status") != "complete":
            raise SmokeFailure(
                f"the reply did not complete: {reply.get('status')} ({reply.get('failureReason')})"
            )
        self.log(f"ok   message: reply by {reply.get('model', '?')}")
        _expect(self._call("POST", f"/sessions/{sid}/end", json={"reason": "completed"}), 200)
        self.log("ok   end")
        deadline = time.monotonic() + SUMMARY_WAIT_SECONDS
        while True:
            response = self._call("GET", f"/sessions/{sid}/summary")
            summary = _expect(response, 200, 202)
            if response.status_code == 200:
                break
            if time.monotonic() > deadline:
                raise SmokeFailure(
                    f"the summary stayed pending for {SUMMARY_WAIT_SECONDS} s (session_memory?)"
                )
            time.sleep(2)
        if summary["memoryStatus"] != "ready":
            raise SmokeFailure(f"the memory is {summary['memoryStatus']}")
        self.log(f"ok   summary: {summary['summary']['model']}")

    def cleanup(self) -> None:
        """Erase the account's data and delete the account; a live session is ended first."""
        if self.token is None:
            return
        if self.session_id:
            self._call("POST", f"/sessions/{self.session_id}/end", json={"reason": "completed"})
        erased = self._call("DELETE", "/user/data", headers={"Idempotency-Key": uuid.uuid4().hex})
        self.log(
            f"{'ok  ' if erased.status_code == 200 else 'FAIL'} cleanup: user data erased ({erased.status_code})"
        )
        self._account("delete", {"idToken": self.token})
        self.log("ok   cleanup: test account deleted")
        self.token = None


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("base_url", help="e.g. https://PROJECT.web.app/api/v1")
    parser.add_argument("--api-key", default=os.environ.get("FIREBASE_WEB_API_KEY", "emulator"))
    args = parser.parse_args(argv)
    try:
        Smoke(args.base_url, args.api_key).run()
    except (SmokeFailure, requests.RequestException, KeyError) as exc:
        print(f"FAIL {type(exc).__name__}: {exc}", file=sys.stderr)
        raise SystemExit(1) from None
    print("smoke check passed")


if __name__ == "__main__":
    main()
