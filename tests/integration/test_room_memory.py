"""A room's end on the emulator suite: the final summary on the room (members read it through their
listener, the rules applied) and one memory per consenting participant, written by the memory function
from `room.ended`: each holds only what that participant said, plus the shared summary of the lines of
the participants who consented. A line screened above NORMAL is in nothing shared.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.integration.test_rooms import CRISIS_LINE, close_waiting_rooms
from tests.support.emulator import Api, TestUser, firestore_db, new_user
from tests.support.rooms import post_line, rest_get, wait_for

pytestmark = pytest.mark.emulator

A_LINES = [
    "I grew up by the sea and I still swim in the harbour every morning before work.",
    "My grandmother taught me to sail when I was seven, and the harbour still feels like home.",
]
B_LINES = [
    "I collect old vinyl records and play jazz piano in a small trio on weekends.",
    "Our trio plays jazz standards, and my vinyl collection is mostly piano records.",
]


def matched_pair(*, a_remembers: bool, b_remembers: bool) -> tuple[TestUser, TestUser, str]:
    close_waiting_rooms()
    a, b = new_user(prefix="rm-a"), new_user(prefix="rm-b")
    first = Api(a).post("/rooms/match", json={"format": "dating-show", "remember": a_remembers})
    second = Api(b).post("/rooms/match", json={"format": "dating-show", "remember": b_remembers})
    assert first.status_code == second.status_code == 200, (first.text, second.text)
    room_id = str(first.json()["room"]["id"])
    assert second.json()["room"]["id"] == room_id and second.json()["room"]["status"] == "active"
    mine = {p["role"]: p["remember"] for p in second.json()["room"]["participants"]}
    assert mine == {"A": a_remembers, "B": b_remembers}
    return a, b, room_id


def words(text: str) -> set[str]:
    return set(re.findall(r"[a-z]+", text.lower()))


def memories_of(room_id: str) -> dict[str, dict[str, Any]]:
    docs = firestore_db().collection("memories").where("sessionId", "==", room_id).get()
    return {str(d.get("userId")): d.to_dict() for d in docs}


def final_summary(room_id: str) -> dict[str, Any] | None:
    doc: dict[str, Any] = firestore_db().document(f"rooms/{room_id}").get().to_dict()
    return doc if doc.get("summaryFinal") else None


def test_each_consenting_participant_keeps_only_their_own_words_and_the_shared_summary() -> None:
    a, b, room_id = matched_pair(a_remembers=True, b_remembers=True)
    for i, (mine, theirs) in enumerate(zip(A_LINES, B_LINES, strict=True)):
        post_line(Api(a), room_id, mine, f"a{i}")
        post_line(Api(b), room_id, theirs, f"b{i}")
    crisis = post_line(Api(b), room_id, CRISIS_LINE, "b-crisis")
    assert crisis["referral"] is not None
    assert Api(a).post(f"/rooms/{room_id}/end", json={}).status_code == 200

    room = wait_for(lambda: final_summary(room_id), timeout=40, what="the final summary")
    assert room["summary"] and "pills" not in room["summary"]  # B's crisis line is in nothing shared
    # The summary is made of the guests' own sentences, each under its speaker's role.
    said = {f"A: {x}" for x in A_LINES} | {f"B: {x}" for x in B_LINES}
    assert all(any(part in line for line in said) for part in room["summary"].split(". ") if part)
    # Members read it on the room document (their listener); the rules still keep strangers out.
    assert rest_get(f"rooms/{room_id}", a).status_code == 200
    assert rest_get(f"rooms/{room_id}", new_user(prefix="rm-stranger")).status_code == 403

    found = wait_for(lambda: len(memories_of(room_id)) == 2 and memories_of(room_id), timeout=40)
    host = room["host"]["agentId"]
    mem_a, mem_b = found[a.uid], found[b.uid]
    assert "harbour" in mem_a["summary"] and not {"vinyl", "jazz", "piano"} & words(mem_a["summary"])
    assert "vinyl" in mem_b["summary"] and not {"harbour", "sail", "sea"} & words(mem_b["summary"])
    for memory in (mem_a, mem_b):
        # Both consented: the shared summary in each memory is the room's.
        assert memory["sharedSummary"] == room["summary"]
        assert memory["avatar"] == host
        assert "embedding" in memory
    assert "pills" not in mem_a["summary"]


def test_no_memory_without_consent_and_the_others_keep_none_of_those_words() -> None:
    a, b, room_id = matched_pair(a_remembers=True, b_remembers=False)
    # B withdraws nothing and gives nothing; A withdraws and gives consent again before the end.
    assert Api(a).post(f"/rooms/{room_id}/memory", json={"remember": False}).status_code == 200
    again = Api(a).post(f"/rooms/{room_id}/memory", json={"remember": True})
    assert again.status_code == 200 and again.json()["room"]["participants"][0]["remember"] is True
    for i, (mine, theirs) in enumerate(zip(A_LINES, B_LINES, strict=True)):
        post_line(Api(a), room_id, mine, f"a{i}")
        post_line(Api(b), room_id, theirs, f"b{i}")
    Api(b).post(f"/rooms/{room_id}/end", json={})

    wait_for(lambda: final_summary(room_id), timeout=40, what="the final summary")
    found = wait_for(lambda: memories_of(room_id), timeout=40, what="A's memory")
    assert set(found) == {a.uid}
    shared = found[a.uid]["sharedSummary"]
    assert "harbour" in shared and not {"vinyl", "jazz", "piano", "trio"} & words(shared)
    # After the end, consent can no longer change (the memories are written).
    late = Api(b).post(f"/rooms/{room_id}/memory", json={"remember": True})
    assert late.status_code in (404, 409)
