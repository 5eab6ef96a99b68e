"""`rooms`: 8 participants post 5 lines/s in total for 60 s into one room (format `roundtable`).

Lines go through the in-process RoomService (as rooms_api runs it, offline host). Measured in the same
run:
- lines stored = lines posted and no duplicate (distinct clientLineIds, one document each);
- writes per second on the busiest document: a listener on the room document counts its writes
  (every snapshot after the first), binned per clock second; a transcript line is written once (its
  update time equals its create time at the end);
- listener delivery: from just before a line's post to the lines listener's callback carrying it,
  against a bare client's raw set() of a document of the same shape into its own collection after each
  line (so both collections hold as many documents), observed by its own listener. All listeners run in
  one observer process (bench/observer.py), each on the newest lines as a transcript view shows them.
"""

from __future__ import annotations

import math
import time
import uuid
from collections import Counter
from datetime import UTC, datetime
from typing import Any

from bench.common import BenchError, bare_client, ratio, save, summary_ms, table
from bench.observer import Observer, Target
from bench.stream import WORDS, _max_sliding
from shared.models.rooms import PostLineRequest

PARTICIPANTS = 8
RATE_PER_S = 5
SECONDS = 60
EXPECTED = RATE_PER_S * SECONDS
FORMAT = "roundtable"
GOAL_WRITES = 1.0
GOAL_RATIO = 1.10


def _service() -> Any:
    """The room service as rooms_api builds it, with the offline provider answering at once."""
    import backend.ai
    from backend.wiring import room_service
    from shared.avatars import load_avatars
    from shared.conversation.offline import OfflineReflectiveProvider
    from shared.settings import get_settings

    provider = OfflineReflectiveProvider(avatars=load_avatars(get_settings().avatars_file), chunk_delay_s=0)
    original = backend.ai.get_provider
    backend.ai.get_provider = lambda: provider  # type: ignore[assignment]
    try:
        return room_service.__wrapped__()
    finally:
        backend.ai.get_provider = original


def run() -> dict[str, Any]:
    from backend.cloud.room_timers import _pool

    service = _service()
    users = [f"bench-room-{uuid.uuid4().hex[:12]}" for _ in range(PARTICIPANTS)]
    room = None
    for uid in users:
        room, _ = service.match(uid=uid, format_id=FORMAT)
    assert room is not None
    if room.status != "active" or len(room.member_ids) != PARTICIPANTS:
        raise BenchError(
            f"room {room.id} did not fill: {room.status}, {len(room.member_ids)} members "
            "(a stale waiting roundtable room? end it with `sessions-ops room end`)"
        )
    writer = bare_client()
    base_path = f"benchRooms/{uuid.uuid4().hex}/lines"
    base_root = writer.collection(base_path)
    ours_ms: list[float] = []
    base_ms: list[float] = []
    post_s: list[float] = []
    set_s: list[float] = []
    targets = [
        Target("ours", f"rooms/{room.id}/lines"),
        Target("base", base_path),
        Target("room", f"rooms/{room.id}", document=True),
    ]
    with Observer(targets) as seen:
        ours, base, room_watch = seen["ours"], seen["base"], seen["room"]
        time.sleep(1.5)  # let the start's own room writes (flush, phase intro) land before measuring
        first_update = len(room_watch.updates)
        start_wall, start = time.time(), time.perf_counter()
        for i in range(EXPECTED):
            time.sleep(max(0.0, start + i / RATE_PER_S - time.perf_counter()))
            uid = users[i % PARTICIPANTS]
            words = WORDS[i % len(WORDS) :] + WORDS[: i % len(WORDS)]
            text = " ".join(words[: 6 + i % 9])
            t0 = time.perf_counter()
            result = service.post_line(
                uid=uid, room_id=room.id, request=PostLineRequest(content=text, client_line_id=f"bench-{i}")
            )
            post_s.append(time.perf_counter() - t0)
            ours_ms.append((ours.wait_for(result.line.id) - t0) * 1000)
            # The baseline after every line, so both collections hold as many documents; same shape.
            doc_id = uuid.uuid4().hex[:24]  # random like ours (ascending ids deliver faster)
            t1 = time.perf_counter()
            base_root.document(doc_id).set(
                {
                    **result.line.model_dump(mode="python", by_alias=True, exclude={"id"}),
                    "createdAt": datetime.now(UTC),
                }
            )
            set_s.append(time.perf_counter() - t1)
            base_ms.append((base.wait_for(doc_id) - t1) * 1000)
        stream_s = time.perf_counter() - start
        _pool().shutdown(wait=True)  # every flush request has reached the Tasks emulator
        room_watch.wait(lambda w: False, timeout=4.0)  # the last flush lands at the end of its second
    lines = list(writer.collection("rooms").document(room.id).collection("lines").stream())
    transcript = [d for d in lines if d.get("type") == "transcript"]
    client_ids = [d.get("clientLineId") for d in transcript]
    room_writes = room_watch.updates[first_update:]
    per_second = Counter(math.floor(at) for at in room_writes)
    bins = [
        per_second.get(s, 0) for s in range(math.floor(start_wall), math.floor(start_wall + stream_s) + 5)
    ]
    rewritten = sum(1 for d in transcript if d.update_time != d.create_time)
    final_room = writer.collection("rooms").document(room.id).get().to_dict() or {}
    ours_p50 = summary_ms([x / 1000 for x in ours_ms])["p50"]
    base_p50 = summary_ms([x / 1000 for x in base_ms])["p50"]
    result = {
        "participants": PARTICIPANTS,
        "rate_per_s": RATE_PER_S,
        "seconds": SECONDS,
        "stream_s": round(stream_s, 2),
        "lines_posted": EXPECTED,
        "lines_stored": len(transcript),
        "duplicates": len(client_ids) - len(set(client_ids)),
        "line_docs_rewritten": rewritten,
        "room_doc": {
            "writes_seen": len(room_writes),
            "max_writes_per_s": max(bins, default=0),
            "max_in_sliding_1s": _max_sliding(room_writes),
            "per_second": bins,
            "final_line_count": final_room.get("lineCount"),
        },
        "delivery": {
            "ours": summary_ms([x / 1000 for x in ours_ms]),
            "raw_write": summary_ms([x / 1000 for x in base_ms]),
            "p50_ratio": ratio(ours_p50, base_p50),
        },
        "post_call": summary_ms(post_s),
        "raw_set_call": summary_ms(set_s),
    }
    result["goal"] = {
        "max_writes_per_s": GOAL_WRITES,
        "p50_ratio": GOAL_RATIO,
        "writes_met": result["lines_stored"] == EXPECTED
        and result["duplicates"] == 0
        and 0 < result["room_doc"]["max_writes_per_s"] <= GOAL_WRITES,
        "ratio_met": result["delivery"]["p50_ratio"] <= GOAL_RATIO,
    }
    _print(result)
    save("rooms", result)
    return result


def _print(result: dict[str, Any]) -> None:
    doc, delivery, posts = result["room_doc"], result["delivery"], result["post_call"]
    rows = [
        [
            "lines posted / stored / duplicates",
            f"{result['lines_posted']} / {result['lines_stored']} / {result['duplicates']}",
        ],
        ["transcript line documents rewritten", result["line_docs_rewritten"]],
        ["room doc writes seen by a listener", doc["writes_seen"]],
        ["  max writes in one clock second", doc["max_writes_per_s"]],
        ["  max writes in any sliding 1 s window", doc["max_in_sliding_1s"]],
        ["lineCount on the room after the last flush", doc["final_line_count"]],
        [
            "delivery p50 / p90 ms: ours (post_line -> listener)",
            f"{delivery['ours']['p50']:.1f} / {delivery['ours']['p90']:.1f}",
        ],
        [
            "delivery p50 / p90 ms: raw set() -> listener (baseline)",
            f"{delivery['raw_write']['p50']:.1f} / {delivery['raw_write']['p90']:.1f}",
        ],
        ["delivery p50 ratio (ours / raw)", f"{delivery['p50_ratio']:.2f}x"],
        ["post_line() call p50 / p99 ms", f"{posts['p50']:.1f} / {posts['p99']:.1f}"],
        [
            "raw set() call p50 / p99 ms",
            f"{result['raw_set_call']['p50']:.1f} / {result['raw_set_call']['p99']:.1f}",
        ],
    ]
    title = (
        f"rooms: {result['participants']} participants, {result['rate_per_s']} lines/s for {result['seconds']} s "
        f"(in-process, took {result['stream_s']} s)"
    )
    print(table(title, ["", "value"], rows))
    print(f"  room doc writes per clock second: {doc['per_second']}")
    writes = "met" if result["goal"]["writes_met"] else "MISSED"
    ratio_verdict = "met" if result["goal"]["ratio_met"] else "MISSED"
    print(f"goal: all lines stored once and <= {GOAL_WRITES:g} write/s on the busiest document: {writes}")
    print(f"goal: delivery p50 <= {GOAL_RATIO:.2f}x a raw write: {ratio_verdict}")
