"""Compile firestore.rules with the real rules compiler: the Firestore emulator's, offline.

firebase-tools has no offline rules compile; deploy compiles on Google's side. The Cloud SDK's Firestore
emulator embeds the same language implementation and answers `PUT /emulator/v1/projects/P:securityRules`
with the compile issues (what `firebase emulators:start` prints). We start a private emulator on a free
port (never the suite's fixed ports, so it can run beside a running stack), load the rules, stop it.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
STARTUP_SECONDS = 120


class CompilerUnavailable(RuntimeError):
    """Java or the emulator jar is missing (make install provides both)."""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _launcher() -> tuple[Path, Path]:
    from infra.local import toolchain

    try:
        home = toolchain.java_home()
        toolchain.check_sdk()
    except SystemExit as exc:
        raise CompilerUnavailable("the Firestore emulator or Java is missing: run `make install`") from exc
    jar = toolchain.build_launcher(ROOT / ".local" / "firestore-emulator-launcher.jar")
    return home / "bin" / "java", jar


def compile_issues(rules: str) -> list[dict[str, Any]]:
    """The compiler's issues for `rules` ([] when they compile clean): severity, description, position.

    Warnings count too: the emulator reports an unknown method (`allow reed`) as a warning and ignores
    the statement, which in production would silently deny what the author meant to allow.
    """
    return compile_many([rules])[0]


def compile_many(texts: list[str]) -> list[list[dict[str, Any]]]:
    """compile_issues for several rules texts with one emulator (it takes seconds to start)."""
    java, jar = _launcher()
    port = _free_port()
    with tempfile.TemporaryDirectory() as scratch:
        process = subprocess.Popen(
            [
                str(java),
                "-jar",
                str(jar),
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--project_id",
                "rules-check",
            ],
            cwd=scratch,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            return [_put_rules(port, text) for text in texts]
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)


def _put_rules(port: int, rules: str) -> list[dict[str, Any]]:
    body = json.dumps({"rules": {"files": [{"name": "firestore.rules", "content": rules}]}}).encode()
    url = f"http://127.0.0.1:{port}/emulator/v1/projects/rules-check:securityRules"
    deadline = time.monotonic() + STARTUP_SECONDS
    while True:
        request = urllib.request.Request(url, data=body, method="PUT")
        request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                answer = json.loads(response.read() or b"{}")
                return list(answer.get("issues", []))
        except urllib.error.HTTPError as error:
            answer = json.loads(error.read() or b"{}")
            return list(answer.get("issues") or [{"severity": "ERROR", "description": str(answer)}])
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            if time.monotonic() > deadline:
                raise CompilerUnavailable(
                    f"the Firestore emulator did not start in {STARTUP_SECONDS} s"
                ) from None
            time.sleep(0.5)
