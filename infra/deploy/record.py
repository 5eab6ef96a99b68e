"""Fold a run's query log into the committed one: one line per query shape, sorted (stable diffs)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any


def shape_key(record: dict[str, Any]) -> str:
    return json.dumps({k: v for k, v in record.items() if k != "caller"}, sort_keys=True)


def _product(record: dict[str, Any]) -> bool:
    return str(record.get("caller", "")).startswith(("backend/", "ops/"))


def _preference(record: dict[str, Any]) -> tuple[bool, str]:
    return (not _product(record), str(record.get("caller", "")))


def fold(source: Path, target: Path) -> int:
    """Replace `target` with the distinct shapes of `source` (a product caller kept when there is one,
    the first by name of several); returns their number."""
    shapes: dict[str, dict[str, Any]] = {}
    for line in source.read_text().splitlines():
        if line.strip():
            record = json.loads(line)
            key = shape_key(record)
            # Keep a product caller over a test helper's (only product queries are checked), and of
            # several, the first by name: which one ran first differs between runs, the file must not.
            if key not in shapes or _preference(record) < _preference(shapes[key]):
                shapes[key] = record
    ordered = sorted(shapes.values(), key=lambda r: (str(r.get("caller")), shape_key(r)))
    target.write_text("".join(json.dumps(r, sort_keys=True) + "\n" for r in ordered))
    return len(ordered)


if __name__ == "__main__":
    count = fold(Path(sys.argv[1]), Path(sys.argv[2]))
    print(f"{count} query shapes -> {sys.argv[2]}")
