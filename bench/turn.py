"""`turn`: one chat turn in-process (ours) against a bare Firestore client doing the same round trips.

Ours: ConversationService.post() with the offline responder (no stream delay) and the real
FirestoreMessageStore: load the session, create the user message, build the reply, save it (plus
the background flush request). Baseline: a bare google.cloud.firestore client reading a session
document, creating a user message document and setting a reply document (3 round trips). The two
alternate turn by turn (ABBA order) so drift in the emulator hits both. For context only, the same
turn end to end over HTTP through Hosting (auth, rate limit, dispatch, functions emulator).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from bench.common import (
    LINES,
    FlushTasks,
    api_base,
    bare_client,
    conversation,
    ratio,
    save,
    start_session,
    summary_ms,
    table,
)
from bench.instrument import OpCounter
from shared.models.messages import PostMessageRequest

N = 200
WARMUP = 20
HTTP_N = 15
HTTP_WARMUP = 2
GOAL_P50 = 1.25
REPLY_TEXT = (
    "I can hear that work has been weighing on you. So you feel stressed about work and your boss "
    "keeps adding deadlines. What feels heaviest about it right now?"
)


def run() -> dict[str, Any]:
    from backend.cloud.clients import firestore_client

    flushes = FlushTasks().install()
    service = conversation()
    session = start_session()
    ours_ops = OpCounter().attach(firestore_client())

    db = bare_client()
    base_ops = OpCounter().attach(db)
    base_session = db.collection("benchBaseline").document(uuid.uuid4().hex)
    base_session.set(firestore_client().collection("sessions").document(session.id).get().to_dict())
    base_messages = base_session.collection("messages")

    def ours(i: int) -> float:
        request = PostMessageRequest(content=LINES[i % len(LINES)], client_message_id=f"turn-{i}")
        started = time.perf_counter()
        turn = service.post(user_id=session.user_id, session_id=session.id, request=request)
        elapsed = time.perf_counter() - started
        assert turn.reply is not None and turn.reply.status == "complete"
        return elapsed

    def baseline(i: int) -> float:
        content = LINES[i % len(LINES)]
        started = time.perf_counter()
        snapshot = base_session.get()
        if not snapshot.exists or snapshot.get("status") != "active":
            raise RuntimeError("baseline session missing")
        now = datetime.now(UTC)
        message_id = f"m-{i}"
        base_messages.document(message_id).create(_message(session.id, content, now, client_id=f"turn-{i}"))
        reply = _message(session.id, REPLY_TEXT, now, speaker="ai", reply_to=message_id)
        base_messages.document(f"{message_id}-r").set(reply)
        return time.perf_counter() - started

    samples: dict[str, list[float]] = {"ours": [], "baseline": []}
    for i in range(WARMUP + N):
        order = (("ours", ours), ("baseline", baseline))
        for name, turn in order if i % 2 == 0 else reversed(order):
            elapsed = turn(i)
            if i >= WARMUP:
                samples[name].append(elapsed)
        if i == WARMUP - 1:
            ours_ops.reset()
            base_ops.reset()
    flushes.wait()
    ours_rt, base_rt = ours_ops.snapshot(), base_ops.snapshot()

    result: dict[str, Any] = {
        "n": N,
        "warmup": WARMUP,
        "ours": summary_ms(samples["ours"]),
        "baseline": summary_ms(samples["baseline"]),
        "round_trips_per_turn": {
            "ours": round(ours_rt.round_trips / N, 3),
            "baseline": round(base_rt.round_trips / N, 3),
            "ours_rpc_ms": round(ours_rt.rpc_seconds / N * 1000, 2),
            "baseline_rpc_ms": round(base_rt.rpc_seconds / N * 1000, 2),
            "ours_calls": dict(ours_rt.calls),
            "baseline_calls": dict(base_rt.calls),
        },
        "flush_tasks": dict(flushes.outcomes),
    }
    result["ratio"] = {
        q: ratio(result["ours"][q], result["baseline"][q]) for q in ("p50", "p90", "p99", "mean")
    }
    result["goal"] = {"p50_ratio_max": GOAL_P50, "met": result["ratio"]["p50"] <= GOAL_P50}
    _print(result)
    try:
        result["http"] = _http_turns()
    except Exception as exc:  # context only: a broken or busy functions emulator must not hide the rest
        result["http"] = {"error": f"{type(exc).__name__}: {exc}"[:300]}
    _print_http(result["http"])
    save("turn", result)
    return result


def _message(
    session_id: str,
    content: str,
    now: datetime,
    *,
    speaker: str = "user",
    client_id: str | None = None,
    reply_to: str | None = None,
) -> dict[str, Any]:
    """A document of the same shape and size as a stored message."""
    return {
        "sessionId": session_id,
        "speaker": speaker,
        "type": "ai" if speaker == "ai" else "text",
        "content": content,
        "status": "complete",
        "createdAt": now,
        "updatedAt": now,
        "timestampInSession": 12.5,
        "clientMessageId": client_id,
        "audioUrl": None,
        "audioDuration": None,
        "sentiment": {"label": "negative", "score": -0.4},
        "topics": ["work"],
        "replyTo": reply_to,
        "aiModel": "offline-reflective" if speaker == "ai" else None,
        "tokensUsed": 28 if speaker == "ai" else None,
        "responseTimeMs": 1.2 if speaker == "ai" else None,
        "failureReason": None,
    }


def _http_turns() -> dict[str, Any]:
    """POST /sessions/{id}/messages through Hosting with an Auth-emulator token (context, no goal)."""
    import requests

    from tests.support.emulator import Api, new_user

    health = requests.get(f"{api_base()}/health", timeout=10)
    if health.status_code >= 500 and "status" not in health.text:
        raise RuntimeError(f"GET /health answered {health.status_code}")
    api = Api(new_user(prefix="bench"))
    started = api.post("/sessions/start", {"avatar": "Alex", "duration": 30, "mode": "chat"})
    if started.status_code != 201:
        raise RuntimeError(f"POST /sessions/start answered {started.status_code}: {started.text[:200]}")
    session_id = started.json()["session"]["id"]
    totals: list[float] = []
    generation: list[float] = []
    for i in range(HTTP_WARMUP + HTTP_N):
        body = {"content": LINES[i % len(LINES)], "clientMessageId": f"http-{i}"}
        t0 = time.perf_counter()
        response = api.post(f"/sessions/{session_id}/messages", body)
        elapsed = time.perf_counter() - t0
        if response.status_code != 201:
            raise RuntimeError(f"POST messages answered {response.status_code}: {response.text[:200]}")
        if i >= HTTP_WARMUP:
            totals.append(elapsed)
            generation.append((response.json()["reply"].get("responseTimeMs") or 0.0) / 1000)
    api.post(f"/sessions/{session_id}/end", {"reason": "completed"})
    without = [t - g for t, g in zip(totals, generation, strict=True)]
    return {
        "n": HTTP_N,
        "warmup": HTTP_WARMUP,
        "base": api_base(),
        "total": summary_ms(totals),
        "reply_generation": summary_ms(generation),
        "total_minus_generation": summary_ms(without),
    }


def _row(name: str, stats: dict[str, float], rpcs: float, rpc_ms: float) -> Sequence[object]:
    quantiles = [stats[q] for q in ("p50", "p90", "p99", "mean")]
    return [name, *quantiles, rpcs, rpc_ms, round(stats["mean"] - rpc_ms, 2)]


def _print(result: dict[str, Any]) -> None:
    ours, base, rt = result["ours"], result["baseline"], result["round_trips_per_turn"]
    rows = [
        _row("ours: ConversationService.post", ours, rt["ours"], rt["ours_rpc_ms"]),
        _row("baseline: bare get+create+set", base, rt["baseline"], rt["baseline_rpc_ms"]),
        [
            "ratio ours/baseline",
            *(f"{result['ratio'][q]:.2f}x" for q in ("p50", "p90", "p99", "mean")),
            "",
            "",
            "",
        ],
    ]
    title = (
        f"turn: user message + offline reply + stored reply, in-process, N={result['n']} each "
        f"(after {result['warmup']} warm-up), alternating"
    )
    headers = ["", "p50 ms", "p90 ms", "p99 ms", "mean ms", "RPCs/turn", "in RPCs ms", "outside ms"]
    print(table(title, headers, rows))
    print("  in RPCs / outside: mean per turn blocked in Firestore API calls / everything else (Python)")
    verdict = "met" if result["goal"]["met"] else "MISSED"
    print(f"goal p50 ratio <= {GOAL_P50}x: {verdict} ({result['ratio']['p50']:.2f}x)")
    print(f"  RPCs ours {rt['ours_calls']}  baseline {rt['baseline_calls']}", flush=True)


def _print_http(http: dict[str, Any]) -> None:
    print()
    if "error" in http:
        print(f"turn over HTTP for context: not measured ({http['error']})")
        return
    rows = [
        [name, s["p50"], s["p90"], s["p99"], s["mean"]]
        for name, s in (
            ("HTTP total (Hosting -> functions emulator)", http["total"]),
            ("  of which reply generation (responseTimeMs)", http["reply_generation"]),
            ("  total minus reply generation", http["total_minus_generation"]),
        )
    ]
    print(
        table(
            f"turn over HTTP for context (no goal): POST /sessions/{{id}}/messages, N={http['n']}",
            ["", "p50 ms", "p90 ms", "p99 ms", "mean ms"],
            rows,
        )
    )
