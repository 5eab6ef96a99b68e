"""`memory`: time to "memory ready" after a session ends, through the real trigger, with the offline models.

Ours, end to end: a session of six user turns (with offline replies) through Hosting; the clock starts
when `POST /sessions/{id}/end` is sent and stops when a Firestore listener on the session document sees
`memoryStatus: ready` (the summary, the embedding and the memory document are written in one batch).
That path is the API function, Pub/Sub, the `session_memory` function and Firestore.

Measured in the same run, in this process and on the same transcripts:
- `in-process`: `write_memory()` called directly (no HTTP, no Pub/Sub): the floor of our pipeline.
- `per-message adds` (baseline): the way Mem0 and Zep ingest, one add per message: embed the message
  and write one memory document for it, sequentially.
Goal (issue 5): end-to-end p50 <= 3 s.
"""

from __future__ import annotations

import threading
import time
import uuid
from typing import Any

from bench.common import api_base, bare_client, ratio, save, summary_ms, table

N = 12
WARMUP = 2
GOAL_P50_S = 3.0
TURNS = [
    "Work has been really stressful since the reorganisation last month.",
    "My new manager changes priorities every day and I never feel finished.",
    "At home I can't switch off, I keep checking email until midnight.",
    "I used to run three times a week and I miss how calm it made me feel.",
    "I think I will block two evenings a week for running again.",
    "And maybe I should tell my manager which deadlines are realistic.",
]


def _client() -> Any:
    from tests.support.emulator import Api, new_user

    return Api(new_user(prefix="bench-memory"), base=api_base())


def _session(api: Any) -> str:
    started = api.post("/sessions/start", json={"avatar": "alex", "duration": 30})
    if started.status_code != 201:
        raise RuntimeError(f"start failed: {started.status_code} {started.text}")
    sid: str = started.json()["session"]["id"]
    for line in TURNS:
        said = api.post(
            f"/sessions/{sid}/messages", json={"content": line, "clientMessageId": uuid.uuid4().hex}
        )
        if said.status_code != 201:
            raise RuntimeError(f"message failed: {said.status_code}")
    return sid


def _end_to_ready(api: Any, db: Any, sid: str) -> float:
    ready = threading.Event()
    seen_at: list[float] = []

    def on_session(docs: Any, _: Any, __: Any) -> None:
        for doc in docs:
            if (doc.to_dict() or {}).get("memoryStatus") == "ready" and not ready.is_set():
                seen_at.append(time.perf_counter())
                ready.set()

    watch = db.collection("sessions").document(sid).on_snapshot(on_session)
    try:
        time.sleep(0.2)  # the listener's first snapshot
        sent = time.perf_counter()
        ended = api.post(f"/sessions/{sid}/end", json={"reason": "completed"})
        if ended.status_code != 200:
            raise RuntimeError(f"end failed: {ended.status_code}")
        if not ready.wait(60):
            raise RuntimeError(f"memory of {sid} not ready after 60 s")
    finally:
        watch.unsubscribe()
    return seen_at[0] - sent


def _in_process(db: Any, sid: str) -> float:
    from backend.triggers.memory import write_memory

    db.collection("sessions").document(sid).update({"memoryStatus": "pending"})
    db.collection("memories").document(sid).delete()
    started = time.perf_counter()
    if write_memory(sid) != "ready":
        raise RuntimeError("in-process memory not ready")
    return time.perf_counter() - started


def _per_message(db: Any, sid: str) -> float:
    from google.cloud.firestore_v1.vector import Vector

    from backend.store.messages import FirestoreMessageStore
    from shared.memory.embedding import default_embedder
    from shared.settings import get_settings

    messages = FirestoreMessageStore(db=db, settings=get_settings()).all_messages(sid)
    embedder = default_embedder()
    target = db.collection("benchPerMessageMemories")
    started = time.perf_counter()
    for message in messages:
        vector = embedder.embed([message.content])[0]
        target.document().set({"sessionId": sid, "text": message.content, "embedding": Vector(vector)})
    return time.perf_counter() - started


def run() -> dict[str, Any]:
    from shared.memory.embedding import default_embedder

    default_embedder()  # load once, as a warm function instance has it
    db = bare_client()
    e2e: list[float] = []
    inproc: list[float] = []
    per_message: list[float] = []
    for i in range(N + WARMUP):
        api = _client()  # a fresh user each time: `make dev` may run with short test "minutes"
        sid = _session(api)
        seconds = _end_to_ready(api, db, sid)
        floor = _in_process(db, sid)
        baseline = _per_message(db, sid)
        if i >= WARMUP:
            e2e.append(seconds)
            inproc.append(floor)
            per_message.append(baseline)
    result = {
        "end_to_ready": summary_ms(e2e),
        "in_process": summary_ms(inproc),
        "per_message_adds": summary_ms(per_message),
    }
    result["ratio"] = {
        "end_to_ready_vs_in_process_p50": ratio(result["end_to_ready"]["p50"], result["in_process"]["p50"]),
        "in_process_vs_per_message_p50": ratio(
            result["in_process"]["p50"], result["per_message_adds"]["p50"]
        ),
    }
    result["goal"] = {"p50_s": GOAL_P50_S, "met": result["end_to_ready"]["p50"] <= GOAL_P50_S * 1000}
    _print(result)
    save("memory", result)
    return result


def _print(result: dict[str, Any]) -> None:
    rows = [
        [name, result[key]["p50"], result[key]["p90"], result[key]["max"]]
        for name, key in (
            ("end -> memory ready (HTTP, Pub/Sub, function)", "end_to_ready"),
            ("in-process write_memory (floor)", "in_process"),
            ("per-message adds (baseline, 6 turns + replies)", "per_message_adds"),
        )
    ]
    print(
        table(
            f"memory ready, {N} sessions of {len(TURNS)} user turns", ["", "p50 ms", "p90 ms", "max ms"], rows
        )
    )
    ratios = result["ratio"]
    print(f"end-to-end / in-process p50: {ratios['end_to_ready_vs_in_process_p50']:.2f}x")
    print(f"in-process / per-message adds p50: {ratios['in_process_vs_per_message_p50']:.2f}x")
    verdict = "met" if result["goal"]["met"] else "MISSED"
    print(
        f"goal end-to-end p50 <= {GOAL_P50_S:g} s: {verdict} ({result['end_to_ready']['p50'] / 1000:.2f} s)"
    )
