"""What every benchmark shares: the emulator guard, the service under test, statistics, output."""

from __future__ import annotations

import json
import math
import os
import platform
import subprocess
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from shared.conversation.turns import ConversationService
from shared.models.sessions import Session

REPO = Path(__file__).resolve().parents[1]
OUT_DIR = REPO / ".local" / "bench"
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})
EMULATOR_VARS = ("FIRESTORE_EMULATOR_HOST", "FIREBASE_AUTH_EMULATOR_HOST", "CLOUD_TASKS_EMULATOR_HOST")

# Human-sounding lines, so the offline responder and the sentiment/topic analysis do real work.
LINES = (
    "I feel stressed about work and my boss keeps adding deadlines.",
    "Honestly I slept badly again and I'm worried about the exam on Friday.",
    "My sister called and we argued about our parents, I feel guilty now.",
    "Today was actually good, I went for a run and felt calmer afterwards.",
    "I don't know why I keep putting things off when I know they matter.",
    "Money is tight this month and I'm anxious about paying rent.",
    "I'm proud that I finally told my friend how I felt.",
    "Sometimes I feel lonely even when I'm with other people.",
)


class BenchError(RuntimeError):
    """A benchmark cannot run (missing emulators, lost data); printed without a traceback."""


def require_local_emulators() -> None:
    """Refuse to run unless every cloud client is pointed at emulators on this machine."""
    problems: list[str] = []
    for name in EMULATOR_VARS:
        value = os.environ.get(name, "")
        host = value.rsplit(":", 1)[0] if value else ""
        if host not in LOCAL_HOSTS:
            problems.append(f"{name}={value or '(unset)'}")
    api_host = urlparse(api_base()).hostname or ""
    if api_host not in LOCAL_HOSTS:
        problems.append(f"SESSIONS_API_BASE={api_base()}")
    # The HTTP row goes through the Functions emulator, which would call a configured remote model.
    model_base = os.environ.get("OPENAI_BASE_URL", "")
    if model_base and (urlparse(model_base).hostname or "") not in LOCAL_HOSTS:
        problems.append(f"OPENAI_BASE_URL={model_base}")
    elif os.environ.get("OPENAI_API_KEY") and not model_base:
        problems.append("OPENAI_API_KEY is set (unset it: benchmarks use the offline responder)")
    project = os.environ.get("GCLOUD_PROJECT", "")
    if not project.startswith("demo-"):
        problems.append(f"GCLOUD_PROJECT={project or '(unset)'} (expected a demo- project)")
    if problems:
        raise BenchError(
            "benchmarks only run against the local emulators (127.0.0.1): "
            + ", ".join(problems)
            + ". Run `make bench`, or `. /tmp/envemu.sh` next to a running `make dev`."
        )


def api_base() -> str:
    from tests.support.emulator import API_BASE

    return API_BASE


class FlushTasks:
    """Counts this process's flush-task enqueues and lets a benchmark wait for the in-flight ones.

    Wraps backend.cloud.tasks.enqueue (True: a task was created; False: one with that id existed) and the
    stats thread pool's submit (product code untouched), so a benchmark can wait until every flush
    request handed to the pool has reached the Tasks emulator.
    """

    def __init__(self) -> None:
        self.outcomes = {"enqueued": 0, "already_existed": 0, "failed": 0}
        self.schedule_times: list[float] = []
        self._pending = 0
        self._lock = threading.Condition()

    def reset(self) -> None:
        with self._lock:
            self.outcomes = dict.fromkeys(self.outcomes, 0)
            self.schedule_times = []

    def install(self) -> FlushTasks:
        import backend.cloud.events
        import backend.cloud.tasks

        enqueue = getattr(backend.cloud.tasks.enqueue, "__bench_original__", backend.cloud.tasks.enqueue)

        def counted_enqueue(function_name: str, data: dict[str, Any], **kwargs: Any) -> bool:
            try:
                created: bool = enqueue(function_name, data, **kwargs)
            except Exception:
                self._count("failed")
                raise
            self._count("enqueued" if created else "already_existed")
            when = kwargs.get("schedule_time")
            if created and when is not None:
                with self._lock:
                    self.schedule_times.append(when.timestamp())
            return created

        counted_enqueue.__bench_original__ = enqueue  # type: ignore[attr-defined]
        backend.cloud.tasks.enqueue = counted_enqueue

        pool = backend.cloud.events._pool()
        submit = getattr(pool.submit, "__bench_original__", pool.submit)

        def tracked_submit(fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
            with self._lock:
                self._pending += 1

            def run() -> Any:
                try:
                    return fn(*args, **kwargs)
                finally:
                    with self._lock:
                        self._pending -= 1
                        self._lock.notify_all()

            return submit(run)

        tracked_submit.__bench_original__ = submit  # type: ignore[attr-defined]
        pool.submit = tracked_submit  # type: ignore[method-assign]
        return self

    def _count(self, outcome: str) -> None:
        with self._lock:
            self.outcomes[outcome] += 1

    def wait(self, timeout_s: float = 15.0) -> None:
        """Until every flush request handed to the stats thread pool so far has been sent."""
        with self._lock:
            if not self._lock.wait_for(lambda: self._pending == 0, timeout=timeout_s):
                raise BenchError(f"{self._pending} flush enqueues still running after {timeout_s:g} s")

    @property
    def enqueued(self) -> int:
        return self.outcomes["enqueued"]


def conversation() -> ConversationService:
    """The service exactly as backend.wiring.conversation_service() builds it, but with the offline
    responder replying at once (no stream delay, never a remote model), whatever the environment says.
    """
    import backend.ai
    from backend.wiring import conversation_service
    from shared.avatars import load_avatars
    from shared.conversation.offline import OfflineReflectiveProvider
    from shared.settings import get_settings

    provider = OfflineReflectiveProvider(avatars=load_avatars(get_settings().avatars_file), chunk_delay_s=0)
    original = backend.ai.get_provider
    backend.ai.get_provider = lambda: provider  # type: ignore[assignment]
    try:
        service: ConversationService = conversation_service.__wrapped__()
    finally:
        backend.ai.get_provider = original
    return service


def start_session(*, duration: int = 60) -> Session:
    """A fresh user (uuid) and an active session, through the real session service."""
    from backend.wiring import session_service
    from shared.models.sessions import StartSessionRequest

    request = StartSessionRequest(avatar="Alex", duration=duration, mode="chat")
    return session_service().start(user_id=f"bench-{uuid.uuid4().hex}", request=request)


def bare_client() -> Any:
    """A plain google.cloud.firestore client of its own (own gRPC channel), no backend code."""
    from google.auth.credentials import AnonymousCredentials
    from google.cloud import firestore

    project = os.environ.get("GCLOUD_PROJECT", "demo-sessions")
    return firestore.Client(project=project, credentials=AnonymousCredentials())  # type: ignore[no-untyped-call]


def percentile(values: Sequence[float], q: float) -> float:
    """Linear-interpolated percentile, q in [0, 100]."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def summary_ms(seconds: Sequence[float]) -> dict[str, float]:
    ms = [s * 1000 for s in seconds]
    return {
        "n": len(ms),
        "p50": round(percentile(ms, 50), 2),
        "p90": round(percentile(ms, 90), 2),
        "p99": round(percentile(ms, 99), 2),
        "mean": round(sum(ms) / len(ms), 2) if ms else math.nan,
        "min": round(min(ms), 2) if ms else math.nan,
        "max": round(max(ms), 2) if ms else math.nan,
    }


def ratio(ours: float, baseline: float) -> float:
    return round(ours / baseline, 3) if baseline else math.nan


def timed(call: Callable[[], object]) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def table(title: str, headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    cells = [[_cell(v) for v in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) if cells else len(h) for i, h in enumerate(headers)]
    line = "  ".join("-" * w for w in widths)

    def fmt(row: Sequence[str]) -> str:
        return "  ".join(
            v.ljust(w) if i == 0 else v.rjust(w) for i, (v, w) in enumerate(zip(row, widths, strict=True))
        )

    return "\n".join([title, fmt(list(headers)), line, *(fmt(r) for r in cells)])


def _cell(value: object) -> str:
    if isinstance(value, float):
        if math.isnan(value):
            return "-"
        return f"{value:.3f}" if abs(value) < 10 else f"{value:.1f}"
    return str(value)


def save(name: str, payload: dict[str, Any]) -> Path:
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    path = OUT_DIR / f"{name}.json"
    document = {"benchmark": name, "meta": _meta(), **payload}
    path.write_text(json.dumps(document, indent=2, default=str) + "\n", encoding="utf-8")
    return path


def _meta() -> dict[str, Any]:
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True, timeout=5
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        commit = ""
    return {
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": commit or None,
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "machine": platform.machine(),
        "target": "Firebase Emulator Suite on 127.0.0.1",
    }
