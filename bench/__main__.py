"""`python -m bench <name>|all`: run benchmarks against the local emulators, print tables, write JSON."""

from __future__ import annotations

import argparse
import importlib
import sys
import time

from bench.common import OUT_DIR, BenchError, require_local_emulators

BENCHMARKS = {
    "turn": "one chat turn in-process vs a bare Firestore client (+ HTTP for context)",
    "listener": "message write -> on_snapshot callback, ours vs a raw set()",
    "ops": "billable Firestore operations per turn over a 10-turn session",
    "stream": "5 transcript messages/s for 30 s: writes/s on the session document",
    "memory": "session end -> memory ready through Pub/Sub, vs in-process and per-message adds",
    "coldstart": "process spawn -> first 2xx of sessions_api vs a bare one-write app (functions-framework)",
    "rooms": "8 participants, 5 lines/s for 60 s in one room: storage, writes/s, listener delivery",
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Benchmarks against the running Firebase Emulator Suite (127.0.0.1 only). "
        f"Tables go to stdout, figures to {OUT_DIR}/<name>.json.",
        epilog="\n".join(f"  {name:9} {what}" for name, what in BENCHMARKS.items()),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("name", choices=[*BENCHMARKS, "all"], help="benchmark to run, or all")
    args = parser.parse_args(argv)
    try:
        require_local_emulators()
        names = list(BENCHMARKS) if args.name == "all" else [args.name]
        for n, name in enumerate(names):
            if n:
                print()
            print(f"=== {name}: {BENCHMARKS[name]}", flush=True)
            started = time.perf_counter()
            importlib.import_module(f"bench.{name}").run()
            print(f"({name} took {time.perf_counter() - started:.1f} s; JSON in {OUT_DIR}/{name}.json)")
            sys.stdout.flush()
    except BenchError as exc:
        print(f"bench: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
