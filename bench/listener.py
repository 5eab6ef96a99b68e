"""`listener`: how long after a write an on_snapshot listener sees the new document.

Ours: ConversationService.post(reply=False) into a session, observed by a listener on
sessions/{id}/messages. Baseline: a bare client's .set() of a document of the same shape into a
collection of its own, observed by its own listener. Both listeners live in one observer process
(bench/observer.py, standing in for the app's clients), the two sides alternate (ABBA), and each sample
is the time from just before the write call to the callback that carries that document.
"""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime
from typing import Any

from bench.common import (
    LINES,
    FlushTasks,
    bare_client,
    conversation,
    ratio,
    save,
    start_session,
    summary_ms,
    table,
)
from bench.observer import Observer, Target
from bench.turn import _message
from shared.conversation.turns import message_id_for
from shared.models.messages import PostMessageRequest

N = 100
WARMUP = 10
GOAL = 1.10


def run() -> dict[str, Any]:
    FlushTasks().install()
    service = conversation()
    session = start_session()
    writer = bare_client()
    base_root = f"benchListener/{uuid.uuid4().hex}/messages"
    base_collection = writer.collection(base_root)
    targets = [Target("ours", f"sessions/{session.id}/messages"), Target("baseline", base_root)]
    with Observer(targets) as seen:
        ours_seen, base_seen = seen["ours"], seen["baseline"]

        def ours(i: int) -> tuple[float, float]:
            client_id = f"listen-{i}"
            request = PostMessageRequest(
                content=LINES[i % len(LINES)], client_message_id=client_id, reply=False
            )
            started = time.perf_counter()
            service.post(user_id=session.user_id, session_id=session.id, request=request)
            written = time.perf_counter()
            arrived = ours_seen.wait_for(message_id_for(session.id, client_id))
            return arrived - started, written - started

        def baseline(i: int) -> tuple[float, float]:
            # A random auto-id, like ours' hashed ids: with ascending ids ("listen-1", "listen-2", ...)
            # the emulator + listener path delivers ~3 ms faster, which would flatter the baseline.
            ref = base_collection.document()
            doc_id = ref.id
            document = _message(session.id, LINES[i % len(LINES)], datetime.now(UTC), client_id=f"listen-{i}")
            started = time.perf_counter()
            ref.set(document)
            written = time.perf_counter()
            return base_seen.wait_for(doc_id) - started, written - started

        latency: dict[str, list[float]] = {"ours": [], "baseline": []}
        write_call: dict[str, list[float]] = {"ours": [], "baseline": []}
        for i in range(WARMUP + N):
            order = (("ours", ours), ("baseline", baseline))
            for name, sample in order if i % 2 == 0 else reversed(order):
                took, wrote = sample(i)
                if i >= WARMUP:
                    latency[name].append(took)
                    write_call[name].append(wrote)

    result: dict[str, Any] = {
        "n": N,
        "warmup": WARMUP,
        "ours": summary_ms(latency["ours"]),
        "baseline": summary_ms(latency["baseline"]),
        "write_call": {name: summary_ms(values) for name, values in write_call.items()},
    }
    result["ratio"] = {q: ratio(result["ours"][q], result["baseline"][q]) for q in ("p50", "p90", "p99")}
    result["goal"] = {"p50_ratio_max": GOAL, "met": result["ratio"]["p50"] <= GOAL}
    _print(result)
    save("listener", result)
    return result


def _print(result: dict[str, Any]) -> None:
    ours, base, call = result["ours"], result["baseline"], result["write_call"]
    rows = [
        ["ours: post(reply=False) -> listener", ours["p50"], ours["p90"], ours["p99"], call["ours"]["p50"]],
        ["baseline: bare set() -> listener", base["p50"], base["p90"], base["p99"], call["baseline"]["p50"]],
        ["ratio ours/baseline", *(f"{result['ratio'][q]:.2f}x" for q in ("p50", "p90", "p99")), ""],
    ]
    title = (
        f"listener: write call start -> on_snapshot callback with that doc, N={result['n']} each "
        f"(after {result['warmup']} warm-up), alternating"
    )
    print(table(title, ["", "p50 ms", "p90 ms", "p99 ms", "write call p50 ms"], rows))
    verdict = "met" if result["goal"]["met"] else "MISSED"
    print(f"goal p50 ratio <= {GOAL}x: {verdict} ({result['ratio']['p50']:.2f}x)")
