"""`coldstart`: process spawn -> first 2xx of `sessions_api` for a session start, vs a bare app.

Ours: `functions-framework --target sessions_api` over functions/main.py (what Cloud Run starts for the
function), asked `POST /api/v1/sessions/start` with a fresh user's ID token until it answers 2xx.
Baseline: `functions-framework` over a one-function app that writes one Firestore document per request,
started and polled the same way. Both run from the deployed virtualenv (functions/venv) against the same
emulators, alternating (ABAB...), and each sample is the wall time from `Popen` to the first 2xx, so it
holds interpreter start, imports, client creation, the first token check and the first writes. The peak
resident memory of each process after its first answer is what the function needs at least.
"""

from __future__ import annotations

import os
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import requests

from bench.common import REPO, BenchError, percentile, ratio, save, table

RUNS = 7
GOAL = 1.15
READY_TIMEOUT_S = 60.0
POLL_S = 0.02
FUNCTIONS_DIR = REPO / "functions"
FRAMEWORK = FUNCTIONS_DIR / "venv" / "bin" / "functions-framework"

BASELINE_APP = '''\
"""A bare HTTP function: one Firestore write per request (the cold-start floor)."""
import uuid

import functions_framework
from google.cloud import firestore

_client = None


@functions_framework.http
def bare(request):
    global _client
    if _client is None:
        _client = firestore.Client()
    _client.collection("benchColdStart").document(uuid.uuid4().hex).set({"ok": True})
    return ("", 201)
'''


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _descendants(pid: int) -> list[int]:
    """The process and every process under it (functions-framework serves from worker processes)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, []))
    return found


def _peak_rss_mb(pid: int) -> float:
    """The largest VmHWM (most resident memory ever held) in the process tree (Linux)."""
    peak = float("nan")
    for member in _descendants(pid):
        try:
            for line in Path(f"/proc/{member}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    value = int(line.split()[1]) / 1024
                    peak = value if peak != peak else max(peak, value)
        except OSError:
            continue
    return peak


def _spawn_and_wait(
    *, source: Path, target: str, path: str, headers: dict[str, str], body: dict[str, Any]
) -> tuple[float, float]:
    """Seconds from spawn to the first 2xx, and the process's peak RSS in MB."""
    port = _free_port()
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "0"}
    env.setdefault("SESSIONS_REGION", "us-central1")
    started = time.perf_counter()
    process = subprocess.Popen(
        [str(FRAMEWORK), "--target", target, "--source", str(source), "--port", str(port)],
        cwd=source.parent,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        url = f"http://127.0.0.1:{port}{path}"
        while True:
            if process.poll() is not None:
                error = (process.stderr.read() if process.stderr else b"").decode()[-2000:]
                raise BenchError(f"{target} exited before answering: {error}")
            if time.perf_counter() - started > READY_TIMEOUT_S:
                raise BenchError(f"{target} did not answer 2xx within {READY_TIMEOUT_S:.0f} s")
            try:
                response = requests.post(url, json=body, headers=headers, timeout=READY_TIMEOUT_S)
            except requests.ConnectionError:
                time.sleep(POLL_S)
                continue
            if 200 <= response.status_code < 300:
                return time.perf_counter() - started, _peak_rss_mb(process.pid)
            raise BenchError(f"{target} answered {response.status_code}: {response.text[:300]}")
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def run() -> None:
    from tests.support.emulator import new_user

    if not FRAMEWORK.exists():
        raise BenchError(f"{FRAMEWORK} is missing: run `make install` first")
    with tempfile.TemporaryDirectory(prefix="coldstart-") as tmp:
        baseline_source = Path(tmp) / "main.py"
        baseline_source.write_text(BASELINE_APP)
        ours_s: list[float] = []
        bare_s: list[float] = []
        ours_mb: list[float] = []
        bare_mb: list[float] = []
        for n in range(RUNS):
            # A fresh user per run: a user with a live session would be told 409.
            user = new_user(prefix="coldstart")
            print(f"  run {n + 1}/{RUNS}", flush=True)
            seconds, mb = _spawn_and_wait(
                source=FUNCTIONS_DIR / "main.py",
                target="sessions_api",
                path="/api/v1/sessions/start",
                headers=user.headers,
                body={"avatar": "emma", "duration": 15},
            )
            ours_s.append(seconds)
            ours_mb.append(mb)
            seconds, mb = _spawn_and_wait(
                source=baseline_source, target="bare", path="/", headers={}, body={}
            )
            bare_s.append(seconds)
            bare_mb.append(mb)

    def row(name: str, values: list[float], memory: list[float]) -> list[object]:
        ms = sorted(v * 1000 for v in values)
        return [name, round(ms[0], 1), round(percentile(ms, 50), 1), round(ms[-1], 1), round(max(memory), 1)]

    ours_p50 = percentile(sorted(ours_s), 50)
    bare_p50 = percentile(sorted(bare_s), 50)
    print(
        table(
            f"coldstart: spawn -> first 2xx, functions-framework from functions/venv, N={RUNS} each, alternating",
            ["", "min ms", "median ms", "max ms", "peak RSS MB"],
            [
                row("ours: sessions_api POST /sessions/start", ours_s, ours_mb),
                row("baseline: bare app, one Firestore write", bare_s, bare_mb),
                ["ratio ours/baseline (median)", "", f"{ratio(ours_p50, bare_p50):.2f}x", "", ""],
            ],
        )
    )
    verdict = "met" if ratio(ours_p50, bare_p50) <= GOAL else "MISSED"
    print(f"goal median ratio <= {GOAL:.2f}x: {verdict} ({ratio(ours_p50, bare_p50):.2f}x)")
    save(
        "coldstart",
        {
            "runs": RUNS,
            "ours_seconds": ours_s,
            "baseline_seconds": bare_s,
            "ours_peak_rss_mb": ours_mb,
            "baseline_peak_rss_mb": bare_mb,
            "ratio_median": ratio(ours_p50, bare_p50),
            "goal": GOAL,
        },
    )
