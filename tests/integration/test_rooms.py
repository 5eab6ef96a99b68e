"""Rooms on the emulator suite: a two-person show from match to end, racing matchers, spoofed speakers,
per-participant crisis handling, rejoin within grace, the admin surface and the activity log.

Runs with the Makefile's `integration` environment: phases at 2% of their length
(SESSIONS_ROOM_PHASE_TIME_SCALE=0.02: icebreaker 3.6 s, deep_dive 6 s, decision 2.4 s) and a 6 s grace.
"""

from __future__ import annotations

import csv
import io
import os
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

import pytest
import requests

from tests.support.emulator import API_BASE, Api, TestUser, firestore_db, new_user
from tests.support.rooms import Recorder, match, post_line, rest_get, user_firestore, wait_for

pytestmark = pytest.mark.emulator

GRACE = float(os.environ.get("SESSIONS_ROOM_GRACE_SECONDS", "60"))
RACE_TIMEOUT = 180
RACE_TRIES = 4
CRISIS_LINE = "I bought the pills and I am going to take all of them tonight to end my life"


def close_waiting_rooms() -> None:
    """Other suites (the schema fuzzer, the e2e tests) leave half-filled rooms waiting: a new pair must
    not be seated into one of them."""
    waiting = firestore_db().collection("rooms").where("status", "==", "waiting").get()
    for room in waiting:
        room.reference.update({"status": "ended"})


def pair() -> tuple[TestUser, TestUser, str]:
    close_waiting_rooms()
    a, b = new_user(prefix="room-a"), new_user(prefix="room-b")
    first = match(Api(a))
    assert first["role"] == "A" and first["room"]["status"] == "waiting"
    second = match(Api(b))
    assert second["role"] == "B" and second["room"]["id"] == first["room"]["id"]
    assert second["room"]["status"] == "active" and second["room"]["phase"] == "icebreaker"
    return a, b, str(first["room"]["id"])


def sees_speakers(watch: Recorder, speakers: set[str]) -> bool:
    return speakers <= watch.speakers()


def sees_event(watch: Recorder, kind: str) -> bool:
    return kind in watch.event_types()


def room_doc(room_id: str) -> dict[str, Any]:
    data: dict[str, Any] = firestore_db().collection("rooms").document(room_id).get().to_dict()
    return data


@pytest.mark.skipif(GRACE > 30, reason="needs the integration environment's short room phases")
def test_two_person_show_from_match_to_end(admin: TestUser) -> None:
    since = datetime.now(UTC) - timedelta(seconds=1)
    a, b, room_id = pair()
    stranger = new_user(prefix="room-stranger")
    watch_a = Recorder(user_firestore(a), room_id)
    watch_b = Recorder(user_firestore(b), room_id)
    try:
        post_line(Api(a), room_id, "Hi B, I just got back from a hiking trip", "a1")
        post_line(Api(b), room_id, "Nice, I love the mountains too", "b1")
        asked = post_line(Api(a), room_id, "Juno, what should we talk about first?", "a2")
        assert asked["reply"]["speaker"] == "AGENT" and asked["reply"]["status"] == "complete"
        # Each sees the other's lines and the host's through their own listener (rules applied).
        for watch in (watch_a, watch_b):
            wait_for(partial(sees_speakers, watch, {"A", "B", "AGENT"}), what="lines of A, B and AGENT")
        # The icebreaker ends by its timer (Cloud Tasks) ...
        wait_for(lambda: watch_b.phases()[-1:] == ["deep_dive"], what="the timer's phase change")
        # ... the deep dive by the host, asked on air ...
        moved = post_line(Api(b), room_id, "Juno, next question please", "b2")
        assert moved["reply"]["id"] == "phase-2"
        assert room_doc(room_id)["phase"] == "decision"
        # ... and the show ends when the decision phase's timer fires.
        wait_for(lambda: room_doc(room_id)["status"] == "ended", what="the show's end")
        assert room_doc(room_id)["endReason"] == "completed"
        for watch in (watch_a, watch_b):
            wait_for(partial(sees_event, watch, "room.ended"), what="room.ended seen")
            assert watch.phases() == ["icebreaker", "deep_dive", "decision"]
            assert not watch.errors
        intro_ids = {"phase-0", "phase-1", "phase-2"}
        assert intro_ids <= set(watch_a.lines) and intro_ids <= set(watch_b.lines)
    finally:
        watch_a.close()
        watch_b.close()
    # A third user is denied everywhere: the API answers 404, the rules 403.
    third = Api(stranger)
    assert third.get(f"/rooms/{room_id}").status_code == 404
    assert (
        third.post(f"/rooms/{room_id}/lines", json={"content": "hi", "clientLineId": "x"}).status_code == 404
    )
    assert third.post(f"/rooms/{room_id}/leave", json={}).status_code == 404
    assert third.post(f"/rooms/{room_id}/end", json={}).status_code == 404
    for path in (f"rooms/{room_id}", f"rooms/{room_id}/lines/phase-0", f"rooms/{room_id}/events"):
        assert rest_get(path, stranger).status_code == 403, path
    # The activity log of the range lists every line and SYSTEM event of the show, in order.
    until = datetime.now(UTC) + timedelta(seconds=1)
    response = Api(admin).get(
        "/admin/rooms/activity-log", params={"since": since.isoformat(), "until": until.isoformat()}
    )
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].startswith("text/csv")
    rows = [r for r in csv.reader(io.StringIO(response.text))]
    assert rows[0] == ["timestamp", "session_id", "speaker", "text"]
    mine = [r for r in rows[1:] if r[1] == room_id]
    assert [r[0] for r in mine] == sorted(r[0] for r in mine)
    texts = [(r[2], r[3]) for r in mine]
    assert ("A", "Hi B, I just got back from a hiking trip") in texts and (
        "B",
        "Juno, next question please",
    ) in texts
    system = [t for s, t in texts if s == "SYSTEM"]
    assert system[0].startswith("room created") and system[-1] == "room ended (completed)"
    assert [t for t in system if t.startswith("phase")] == [
        "phase - -> icebreaker",
        "phase icebreaker -> deep_dive",
        "phase deep_dive -> decision",
    ]
    assert sum(1 for s, _ in texts if s == "AGENT") >= 4  # three phase intros and one reply
    assert (
        Api(a)
        .get("/admin/rooms/activity-log", params={"since": since.isoformat(), "until": until.isoformat()})
        .status_code
        == 403
    )


def race(users: list[TestUser], body: dict[str, Any]) -> list[requests.Response]:
    """Everyone at once. The functions emulator may queue concurrent requests, so the deadline is
    generous: this checks who ends up where, not how fast."""

    def one(user: TestUser) -> requests.Response:
        # A client retries a 409 (the transaction lost to concurrent matchers) or a gateway timeout;
        # matching again is idempotent (it answers the room the user is already in).
        for _ in range(RACE_TRIES):
            response = requests.post(
                f"{API_BASE}/rooms/match", json=body, headers=user.headers, timeout=RACE_TIMEOUT
            )
            if response.status_code not in (409, 500, 502, 503, 504):
                break
        return response

    with ThreadPoolExecutor(max_workers=len(users)) as pool:
        return list(pool.map(one, users))


def test_racing_matchers_fill_rooms_exactly() -> None:
    users = [new_user(prefix="racer") for _ in range(20)]
    answers = race(users, {"format": "dating-show"})
    assert [r.status_code for r in answers] == [200] * 20, [r.text for r in answers if r.status_code != 200]
    rooms = {r.json()["room"]["id"] for r in answers}
    seated: dict[str, list[str]] = {}
    for room_id in rooms:
        doc = room_doc(room_id)
        assert len(doc["memberIds"]) <= doc["seats"] == 2
        assert sorted(p["role"] for p in doc["participants"]) == ["A", "B"][: len(doc["participants"])]
        for uid in doc["memberIds"]:
            seated.setdefault(uid, []).append(room_id)
    racers = {u.uid for u in users}
    assert all(len(seated[uid]) == 1 for uid in racers)  # nobody in two rooms
    assert racers <= set(seated)
    # 20 people fill 10 rooms; an earlier test's waiting room may have taken one racer. (A full room may
    # already have ended: at the test's time scale a whole show lasts 12 s.)
    full = [r for r in rooms if len(room_doc(r)["participants"]) == 2]
    assert len(full) >= 9 and len(rooms) <= 11
    for room_id in full:
        assert room_doc(room_id)["status"] in ("active", "ended")
        seats = firestore_db().collection("rooms").document(room_id).collection("seats").get()
        assert sorted(s.get("uid") for s in seats) == sorted(room_doc(room_id)["memberIds"])
    for room_id in rooms:
        if room_doc(room_id)["status"] == "waiting":
            firestore_db().collection("rooms").document(room_id).update({"status": "ended"})


def test_matching_twice_at_once_gives_one_room() -> None:
    user = new_user(prefix="twice")
    answers = race([user] * 5, {})
    assert {r.status_code for r in answers} == {200}
    assert len({r.json()["room"]["id"] for r in answers}) == 1
    Api(user).post(f"/rooms/{answers[0].json()['room']['id']}/leave", json={"final": True})


def test_posting_as_another_role_is_refused() -> None:
    a, b, room_id = pair()
    spoofed = Api(b).post(
        f"/rooms/{room_id}/lines", json={"content": "I'm A", "clientLineId": "s1", "speaker": "A"}
    )
    assert spoofed.status_code == 400 and spoofed.json()["error"]["code"] == "VALIDATION_ERROR"
    honest = post_line(Api(b), room_id, "I'm B", "s1")
    assert honest["line"]["speaker"] == "B"
    # Reusing A's client id writes B's own line, never touches A's.
    post_line(Api(a), room_id, "hello", "shared-id")
    theirs = post_line(Api(b), room_id, "hello there", "shared-id")
    assert theirs["line"]["speaker"] == "B"
    lines = firestore_db().collection("rooms").document(room_id).collection("lines").stream()
    speakers = sorted(d.get("speaker") for d in lines if d.get("type") == "transcript")
    assert speakers == ["A", "B", "B"]
    Api(a).post(f"/rooms/{room_id}/end", json={})


def test_crisis_line_from_b_alerts_about_b_only(admin: TestUser) -> None:
    a, b, room_id = pair()
    calm = post_line(Api(a), room_id, "This is my first time on a show like this", "a1")
    assert calm["referral"] is None
    crisis = post_line(Api(b), room_id, CRISIS_LINE, "b1")
    assert crisis["referral"]["helplines"] and crisis["reply"] is None
    alerts = [
        d.to_dict()
        for d in firestore_db().collection("crisisAlerts").where("sessionId", "==", room_id).stream()
    ]
    assert [x["userId"] for x in alerts] == [b.uid]
    listed = Api(admin).get("/admin/crisis-alerts").json()["alerts"]
    assert any(x["sessionId"] == room_id and x["userId"] == b.uid for x in listed)
    # B's referral is private to B; A's private document does not exist.
    assert rest_get(f"rooms/{room_id}/private/{b.uid}", b).status_code == 200
    assert rest_get(f"rooms/{room_id}/private/{b.uid}", a).status_code == 403
    assert not firestore_db().document(f"rooms/{room_id}/private/{a.uid}").get().exists
    # The host stopped show content: one hold line, then silence, no phase intros.
    doc = room_doc(room_id)
    assert doc["showPaused"] is True
    hold = firestore_db().document(f"rooms/{room_id}/lines/safety-hold").get().to_dict()
    assert hold["speaker"] == "AGENT" and "pause the show" in hold["content"]
    later = post_line(Api(a), room_id, "Juno, what's next?", "a2")
    assert later["reply"] is None and later["referral"] is None
    Api(admin).post(f"/rooms/{room_id}/phase", json={"fromPhase": "icebreaker"})
    assert not firestore_db().document(f"rooms/{room_id}/lines/phase-1").get().exists
    Api(admin).post(f"/admin/rooms/{room_id}/end", json={})


def test_rejoin_within_grace_keeps_the_room_and_a_final_leaver_loses_access() -> None:
    a, b, room_id = pair()
    dropped = Api(b).post(f"/rooms/{room_id}/leave", json={})
    assert dropped.status_code == 200 and dropped.json()["room"]["status"] == "active"
    assert rest_get(f"rooms/{room_id}", b).status_code == 200  # still a member during the grace
    back = Api(b).post(f"/rooms/{room_id}/rejoin", json={})
    assert back.status_code == 200 and back.json()["role"] == "B"
    assert post_line(Api(b), room_id, "I'm back", "b1")["line"]["speaker"] == "B"
    # Leaving for good: an ex-member reads nothing more, while A's show goes on.
    assert Api(b).post(f"/rooms/{room_id}/leave", json={"final": True}).status_code == 200
    assert Api(b).get(f"/rooms/{room_id}").status_code == 404
    assert rest_get(f"rooms/{room_id}", b).status_code == 403
    assert rest_get(f"rooms/{room_id}/lines/phase-0", b).status_code == 403
    assert room_doc(room_id)["status"] == "active"
    assert rest_get(f"rooms/{room_id}", a).status_code == 200
    Api(a).post(f"/rooms/{room_id}/end", json={})


@pytest.mark.skipif(GRACE > 30, reason="needs the integration environment's short grace")
def test_grace_expires_by_timer_without_ending_the_show_for_the_other() -> None:
    a, b, room_id = pair()
    Api(b).post(f"/rooms/{room_id}/leave", json={})
    wait_for(lambda: room_doc(room_id)["memberIds"] == [a.uid], timeout=GRACE + 20, what="grace expiry")
    assert room_doc(room_id)["status"] == "active"
    assert Api(b).post(f"/rooms/{room_id}/rejoin", json={}).status_code == 404
    Api(a).post(f"/rooms/{room_id}/end", json={})


def test_admin_surface(admin: TestUser) -> None:
    a, _, room_id = pair()
    post_line(Api(a), room_id, "hello admin", "a1")
    ops = Api(admin)
    assert room_id in {r["id"] for r in ops.get("/admin/rooms", params={"limit": 200}).json()["rooms"]}
    assert ops.get(f"/admin/rooms/{room_id}").json()["room"]["id"] == room_id
    lines = ops.get(f"/admin/rooms/{room_id}/transcript").json()["lines"]
    assert "hello admin" in [x["content"] for x in lines]
    assert ops.get("/admin/rooms/stats").json()["activeRooms"] >= 1
    assert Api(a).get("/admin/rooms/stats").status_code == 403
    ended = ops.post(f"/admin/rooms/{room_id}/end", json={})
    assert ended.json()["room"]["endReason"] == "ended_by_admin"
    formats = Api(a).get("/rooms/formats").json()
    assert formats["defaultFormat"] == "dating-show"
    assert [p["id"] for p in formats["formats"][0]["phases"]] == ["icebreaker", "deep_dive", "decision"]


def test_aggregates_are_flushed_onto_the_room() -> None:
    a, b, room_id = pair()
    for i in range(4):
        post_line(Api(a if i % 2 else b), room_id, f"line {i}", f"c{i}")
    # 4 lines plus the host's icebreaker intro.
    wait_for(lambda: room_doc(room_id).get("lineCount") == 5, what="lineCount flushed")
    Api(a).post(f"/rooms/{room_id}/end", json={})


def test_idle_rooms_are_ended_by_the_sweep() -> None:
    from backend.triggers.rooms import sweep_idle_rooms

    a, _, room_id = pair()
    ended = sweep_idle_rooms(now=datetime.now(UTC) + timedelta(days=1))
    assert room_id in ended
    assert room_doc(room_id)["endReason"] == "idle"
    assert (
        Api(a).post(f"/rooms/{room_id}/lines", json={"content": "hi", "clientLineId": "z"}).status_code == 409
    )
