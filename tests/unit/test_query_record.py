"""Folding a run's query log into infra/queries.recorded.jsonl: the same file whatever order the run's
queries came in, so a clean clone's regenerated file equals the committed one."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

from infra.deploy.record import fold

SHAPE = {"aggregation": True, "collection": "sessions", "equality": [["status", "in"]], "scope": "COLLECTION"}
RECORDS = [
    {**SHAPE, "caller": "backend/store/userdata.py:_count"},
    {**SHAPE, "caller": "backend/store/analytics.py:_values"},
    {**SHAPE, "caller": "tests/support/helpers.py:count"},
    {"collection": "rooms", "equality": [], "scope": "COLLECTION", "caller": "backend/store/rooms.py:load"},
]


def test_a_shape_run_by_several_callers_is_kept_once_with_the_same_caller_in_any_order(
    tmp_path: Path,
) -> None:
    folded = set()
    for order in itertools.permutations(RECORDS):
        source, target = tmp_path / "run.jsonl", tmp_path / "recorded.jsonl"
        source.write_text("".join(json.dumps(r) + "\n" for r in order))
        assert fold(source, target) == 2
        folded.add(target.read_text())
    assert len(folded) == 1
    kept = [json.loads(line) for line in folded.pop().splitlines()]
    assert [r["caller"] for r in kept] == [
        "backend/store/analytics.py:_values",
        "backend/store/rooms.py:load",
    ]
