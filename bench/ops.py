"""`ops`: billable Firestore operations per chat turn over a 10-turn session, amortized.

Counted by instrumenting the gRPC API of the client the backend uses (bench/instrument.py): every
read and write the in-process turn path makes (session load, message create, context query, reply
save, typing flag). The aggregate flush runs in the task function (another process, not
instrumented here): the benchmark counts the flush tasks this process actually enqueued and adds
their documented cost from backend/triggers/stats.flush: 1 aggregation read (count/sum/avg over fewer than
1000 messages) + 1 query read (newest message) + 1 write (session aggregates) each.

Two paces: back to back, and 1.2 s apart (a person typing). At 1.2 s the per-instance caches
(a few seconds, see shared/settings.py) and the 1 s flush buckets (SESSIONS_STATS_FLUSH_INTERVAL_SECONDS)
expire between turns, so that pace costs more.
"""

from __future__ import annotations

import time
from typing import Any

from bench.common import LINES, FlushTasks, conversation, save, start_session, table
from bench.instrument import OpCounter
from shared.models.messages import PostMessageRequest

TURNS = 10
PACES = (("back-to-back", 0.0), ("human pace, 1.2 s apart", 1.2))
FLUSH_READS = 2
FLUSH_WRITES = 1
GOAL = 2.5


def run() -> dict[str, Any]:
    from backend.cloud.clients import firestore_client
    from shared.settings import get_settings

    settings = get_settings()
    flushes = FlushTasks().install()
    counter = OpCounter().attach(firestore_client())
    service = conversation()
    scenarios: list[dict[str, Any]] = []
    for label, pace in PACES:
        session = start_session()
        flushes.wait()
        flushes.reset()
        counter.reset()
        started = time.monotonic()
        for i in range(TURNS):
            if pace:
                time.sleep(max(0.0, started + i * pace - time.monotonic()))
            request = PostMessageRequest(content=LINES[i % len(LINES)], client_message_id=f"ops-{i}")
            turn = service.post(user_id=session.user_id, session_id=session.id, request=request)
            assert turn.reply is not None and turn.reply.status == "complete"
        flushes.wait()
        ops = counter.reset()
        tasks = flushes.enqueued
        reads = ops.reads + tasks * FLUSH_READS
        writes = ops.writes + tasks * FLUSH_WRITES
        scenarios.append(
            {
                "scenario": label,
                "pace_s": pace,
                "turns": TURNS,
                "in_process": {"reads": ops.reads, "writes": ops.writes, "calls": dict(ops.calls)},
                "flush_tasks": tasks,
                "flush_outcomes": dict(flushes.outcomes),
                "flush_cost_each": {"reads": FLUSH_READS, "writes": FLUSH_WRITES},
                "reads": reads,
                "writes": writes,
                "reads_per_turn": round(reads / TURNS, 2),
                "writes_per_turn": round(writes / TURNS, 2),
                "total_per_turn": round((reads + writes) / TURNS, 2),
                "goal_met": (reads + writes) / TURNS <= GOAL,
            }
        )
    result = {
        "turns": TURNS,
        "goal_total_per_turn_max": GOAL,
        "settings": _relevant_settings(settings),
        "scenarios": scenarios,
    }
    _print(result)
    save("ops", result)
    return result


def _print(result: dict[str, Any]) -> None:
    rows = []
    for s in result["scenarios"]:
        inproc = s["in_process"]
        rows.append(
            [
                s["scenario"],
                f"{inproc['reads']}/{inproc['writes']}",
                f"{s['flush_tasks']} x (2r+1w)",
                s["reads"],
                s["writes"],
                s["reads_per_turn"],
                s["writes_per_turn"],
                s["total_per_turn"],
                "met" if s["goal_met"] else "MISSED",
            ]
        )
    title = (
        f"ops: billable Firestore operations over a {result['turns']}-turn session (chat turns with replies); "
        "in-process counted at the gRPC layer, flush tasks at their documented cost"
    )
    headers = ["", "in-proc r/w", "flush tasks", "reads", "writes", "r/turn", "w/turn", "total/turn"]
    print(table(title, [*headers, f"goal <= {GOAL}"], rows))
    for s in result["scenarios"]:
        print(f"  {s['scenario']}: RPCs {s['in_process']['calls']}")
    cfg = ", ".join(f"{name}={value:g}" for name, value in result["settings"].items())
    print(f"  settings: {cfg}")
    print(
        "  flush cost per task (backend/triggers/stats.flush, runs in the task function, not instrumented here): "
        "1 aggregation read + 1 query read + 1 write"
    )


def _relevant_settings(settings: Any) -> dict[str, float]:
    """The knobs that decide the count: caches (whatever they are called) and the flush interval."""
    names = sorted(n for n in type(settings).model_fields if n.endswith("_cache_seconds"))
    names += ["stats_flush_interval_seconds", "context_messages"]
    return {name: float(getattr(settings, name)) for name in names if hasattr(settings, name)}
