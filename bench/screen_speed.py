"""Inline screen speed: `python -m bench.screen_speed [--n 3000] [--seed 7]`.

Latency per `screen_message` call on CPU, over a few thousand varied messages: our hard negatives
(tests/data/hard_negatives.txt), the sentences of tests/unit/test_safety_screen.py, and long synthetic
texts stitched from them (up to the 4,000-character message limit). Scenarios:

- `single`: one message, no context;
- `context`: one message with 5 earlier messages as `recent_user_messages` (a fifth of all messages here
  are long stitched texts, so some contexts are long);
- `long`: a 4,000-character message (about 70% everyday lines, 30% risk lines) with 5 earlier chat
  messages (single lines of the corpus);
- `embedded chat`, `embedded 500` / `1,000` / `2,000`: everyday messages of 2-4 lines, and of 500, 1,000
  and 2,000 characters, that the learned model must read (20 words or more, nothing explained away), so the
  MiniLM embedding (at most 96 word pieces, both ends of a longer message) is computed in the call;
- `worst` (stress test, not typical traffic): a 4,000-character message made only of risk lines, with 5
  earlier messages of 4,000 characters each, all screened cold.

Every call starts cold (the per-message scan cache is cleared first), so context messages are re-screened
each time; the `(warm)` rows show the usual case, where earlier messages were screened on earlier turns.
Each call is timed 3 times and the best run kept. The percentiles are CPU time of the screening thread
(what a call costs on a dedicated CPU); `wall p99` is wall-clock time, which on a shared machine also
counts waiting for a CPU (the load average is printed with the table). p99 is printed against the 50 ms
budget as a ratio (below 1.00x is within budget).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import re
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from shared.safety import embedding, screen
from shared.safety.levels import SafetyLevel
from shared.safety.screen import scanning

REPO = Path(__file__).resolve().parents[1]
HARD_NEGATIVES = REPO / "tests" / "data" / "hard_negatives.txt"
TEST_FILE = REPO / "tests" / "unit" / "test_safety_screen.py"
OUT = REPO / ".local" / "bench" / "screen_speed.json"
BUDGET_MS = 50.0
"""p99 per message, the embedding included (p50 <= 15 ms)."""
EMBED_CHARS = 2000
MAX_CHARS = 4000
CONTEXT = 5
# Everyday lines (written for this benchmark) that long messages mix with the risk-word corpus.
EVERYDAY = (
    "I had a long day at work and my manager keeps moving the deadline.",
    "My sister came over for dinner and we talked about our parents.",
    "I slept badly again, maybe four hours, and I feel foggy.",
    "Honestly the new job is fine, the people are nice, I just feel out of place.",
    "We argued about money this morning and I'm still annoyed.",
    "I went for a walk by the river and it helped a little.",
    "I keep putting off the email to my landlord about the heating.",
    "My therapist suggested journaling, so I'm trying that this week.",
    "The kids were loud all afternoon and I had no time for myself.",
    "I don't know why I get so anxious before phone calls.",
    "Exams start next month and I haven't started revising properly.",
    "My friend cancelled our plans again and I feel a bit rejected.",
    "I made pasta and watched a film, which was nice.",
    "I'm worried about my dad's health, he won't go to the doctor.",
    "Sometimes I feel lonely even in a room full of people.",
    "I finished the project and nobody said anything about it.",
)


def corpus() -> list[str]:
    lines = [
        line.strip()
        for line in HARD_NEGATIVES.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    source = TEST_FILE.read_text(encoding="utf-8")
    quoted = re.findall(r'^\s+\(?"([^"\n]{8,})"', source, re.MULTILINE)
    quoted += re.findall(r"^\s+\(?'([^'\n]{8,})'", source, re.MULTILINE)
    return lines + [q.replace('\\"', '"').replace("\\'", "'") for q in quoted]


def stitched(rng: random.Random, pool: Sequence[str], size: int) -> str:
    parts: list[str] = []
    length = 0
    while length < size:
        part = rng.choice(pool)
        parts.append(part)
        length += len(part) + 1
    return (" " if rng.random() < 0.7 else "\n").join(parts)[:size]


def embedded(texts: Sequence[str]) -> list[tuple[str, list[str]]]:
    """The texts the learned model reads (so the call computes the embedding), as calls without context."""
    return [(t, []) for t in texts if "learned_score" in screen.screen_message(t).details]


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    lo = int(k)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def measure(
    calls: Sequence[tuple[str, list[str]]], *, cold: bool = True, repeats: int = 3
) -> tuple[list[float], list[float]]:
    """Per call, the best of `repeats` runs, as CPU time of this process (all threads: NumPy's BLAS may use
    several) and as wall time (ms).

    CPU time is what the screen costs on a dedicated CPU; wall time also counts waiting for the CPU when
    other processes share the machine, which only ever adds time."""
    cpu_times: list[float] = []
    wall_times: list[float] = []
    clear: Callable[[], None] = screen._clear_cache
    gc.collect()
    gc.disable()
    try:
        for text, context in calls:
            best_cpu = best_wall = float("inf")
            for _ in range(repeats):
                if cold:
                    clear()
                else:
                    scanning._cache.pop(text, None)  # the current message is always new
                embedding._clear_cache()  # ... and so is its embedding
                cpu0, wall0 = time.process_time_ns(), time.perf_counter_ns()
                screen.screen_message(text, recent_user_messages=context)
                best_cpu = min(best_cpu, (time.process_time_ns() - cpu0) / 1e6)
                best_wall = min(best_wall, (time.perf_counter_ns() - wall0) / 1e6)
            cpu_times.append(best_cpu)
            wall_times.append(best_wall)
    finally:
        gc.enable()
    return cpu_times, wall_times


def run(n: int = 3000, seed: int = 7) -> dict[str, dict[str, float]]:
    rng = random.Random(seed)
    pool = corpus()
    risky = [t for t in pool if screen.screen_message(t).level.at_least(SafetyLevel.ELEVATED_CONCERN)] or pool
    messages = [
        rng.choice(pool) if rng.random() < 0.8 else stitched(rng, pool, rng.randint(200, MAX_CHARS))
        for _ in range(n)
    ]
    screen.screen_message("warm up the compiled rules", recent_user_messages=["and the reply screen"])
    screen.screen_reply("warm up")

    plain = [e for e in EVERYDAY if not screen.screen_message(e).signals]  # nothing explained away
    mixed = [*EVERYDAY * max(1, (7 * len(risky)) // (3 * len(EVERYDAY))), *risky]  # ~70% everyday lines
    scenarios: dict[str, list[tuple[str, list[str]]]] = {
        "single": [(m, []) for m in messages],
        "context": [(m, [rng.choice(messages) for _ in range(CONTEXT)]) for m in messages],
        "long": [
            (stitched(rng, mixed, MAX_CHARS), [rng.choice(pool) for _ in range(CONTEXT)])
            for _ in range(max(300, n // 5))
        ],
        # messages the learned model must read (20+ words, nothing explained away): the embedding is computed
        "embedded chat": embedded(
            [" ".join(rng.sample(plain, rng.randint(2, 4))) for _ in range(max(200, n // 10))]
        ),
        "embedded 500": embedded([stitched(rng, plain, 500) for _ in range(max(100, n // 20))]),
        "embedded 1,000": embedded([stitched(rng, plain, 1000) for _ in range(max(100, n // 20))]),
        "embedded 2,000": embedded([stitched(rng, plain, EMBED_CHARS) for _ in range(max(100, n // 20))]),
        "worst": [
            (stitched(rng, risky, MAX_CHARS), [stitched(rng, pool, MAX_CHARS) for _ in range(CONTEXT)])
            for _ in range(max(200, n // 10))
        ],
    }
    report: dict[str, dict[str, float]] = {}
    print(
        f"{'scenario':16} {'calls':>6} {'chars':>7} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} {'p99/50ms':>8}"
        f" {'wall p99':>9}"
    )
    warm = [("context (warm)", scenarios["context"]), ("long (warm)", scenarios["long"])]
    for name, calls in [*scenarios.items(), *warm]:
        if name.endswith("(warm)"):
            for _text, context in calls:  # earlier turns screened these messages already
                for earlier in context:
                    screen.screen_message(earlier)
        cpu, wall = measure(calls, cold=not name.endswith("(warm)"))
        chars = sum(len(t) + sum(len(c) for c in ctx) for t, ctx in calls) / len(calls)
        p50, p99, wall99 = percentile(cpu, 0.5), percentile(cpu, 0.99), percentile(wall, 0.99)
        report[name] = {
            "calls": len(calls),
            "mean_chars": round(chars),
            "p50_ms": p50,
            "p99_ms": p99,
            "max_ms": max(cpu),
            "wall_p99_ms": wall99,
        }
        print(
            f"{name:16} {len(calls):6d} {chars:7.0f} {p50:8.3f} {p99:8.3f} {max(cpu):8.3f} "
            f"{p99 / BUDGET_MS:7.2f}x {wall99:9.3f}"
        )
    cpu_reply: list[float] = []
    for text in messages:
        best = float("inf")
        for _ in range(3):
            started = time.thread_time_ns()
            screen.screen_reply(text)
            best = min(best, (time.thread_time_ns() - started) / 1e6)
        cpu_reply.append(best)
    p50, p99 = percentile(cpu_reply, 0.5), percentile(cpu_reply, 0.99)
    report["screen_reply"] = {"calls": len(messages), "p50_ms": p50, "p99_ms": p99, "max_ms": max(cpu_reply)}
    print(
        f"{'screen_reply':16} {len(messages):6d} {'':>7} {p50:8.3f} {p99:8.3f} {max(cpu_reply):8.3f} "
        f"{p99 / BUDGET_MS:7.2f}x"
    )
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(report, indent=2), encoding="utf-8")
    print(f"(budget: p99 <= {BUDGET_MS:.0f} ms per message, CPU time; figures in {OUT.relative_to(REPO)})")
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.screen_speed", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--n", type=int, default=3000, help="messages per scenario")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"=== inline screen speed (CPU, one thread; load average {load:.1f} on {os.cpu_count()} CPUs)")
    run(args.n, args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
