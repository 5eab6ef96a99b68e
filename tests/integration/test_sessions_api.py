"""The session lifecycle through HTTP, Hosting -> functions -> Firestore, on the emulator suite."""

from __future__ import annotations

from typing import Any

from tests.support.emulator import Api, TestUser, firestore_db

START = {
    "avatar": "Alex",
    "duration": 30,
    "mode": "voice",
    "sessionType": "instant",
    "metadata": {"app": "demo"},
}


def start(api: Api, **overrides: Any) -> dict[str, Any]:
    response = api.post("/sessions/start", json={**START, **overrides})
    assert response.status_code == 201, response.text
    session: dict[str, Any] = response.json()["session"]
    return session


def events_of(session_id: str) -> list[dict[str, Any]]:
    docs = firestore_db().collection("sessions").document(session_id).collection("events").get()
    return sorted((d.to_dict() for d in docs), key=lambda e: e["at"])


def test_whole_lifecycle_with_event_log(api: Api, user: TestUser) -> None:
    session = start(api)
    assert session["status"] == "active"
    assert session["userId"] == user.uid
    assert session["avatar"] == "alex"
    assert session["plannedDuration"] == 30
    assert session["creditsRemaining"] == 60
    assert session["paths"]["messages"] == f"sessions/{session['id']}/messages"
    sid = session["id"]

    assert api.get("/sessions/active").json()["session"]["id"] == sid
    assert api.get(f"/sessions/{sid}").json()["session"]["id"] == sid
    beat = api.post(f"/sessions/{sid}/heartbeat")
    assert beat.status_code == 200 and beat.json()["lastSeenAt"] >= session["lastSeenAt"]
    assert api.post(f"/sessions/{sid}/pause").json()["session"]["status"] == "paused"
    resumed = api.post(f"/sessions/{sid}/resume").json()["session"]
    assert resumed["status"] == "active" and resumed["pausedAt"] is None and resumed["pausedSeconds"] > 0
    ended = api.post(f"/sessions/{sid}/end", json={"reason": "completed", "userRating": 4}).json()["session"]
    assert ended["status"] == "completed"
    assert ended["endReason"] == "completed" and ended["userRating"] == 4 and ended["endedAt"]

    assert [e["type"] for e in events_of(sid)] == [
        "session.started",
        "session.paused",
        "session.resumed",
        "session.ended",
    ]
    assert [(e["fromStatus"], e["toStatus"]) for e in events_of(sid)][-1] == ("active", "completed")
    assert api.get("/sessions/active").json() == {"success": True, "session": None, "elapsedTime": None}
    assert start(api)["id"] != sid, "ending frees the live slot"


def test_cancel_from_active_and_no_way_back(api: Api) -> None:
    sid = start(api)["id"]
    assert api.post(f"/sessions/{sid}/cancel").json()["session"]["status"] == "cancelled"
    for action in ("pause", "resume", "end", "cancel", "heartbeat"):
        response = api.post(f"/sessions/{sid}/{action}")
        assert response.status_code == 409, action
        assert response.json()["error"]["code"] == "INVALID_STATE_TRANSITION"


def test_list_is_newest_first_with_pagination_and_status_filter(api: Api) -> None:
    ids = []
    for _ in range(3):
        sid = start(api)["id"]
        api.post(f"/sessions/{sid}/end", json={"reason": "user_ended"})
        ids.append(sid)
    live = start(api)["id"]

    page1 = api.get("/sessions", params={"page": 1, "limit": 3}).json()
    assert [s["id"] for s in page1["sessions"]] == [live, ids[2], ids[1]]
    assert page1["pagination"] == {"page": 1, "limit": 3, "total": 4, "pages": 2}
    page2 = api.get("/sessions", params={"page": 2, "limit": 3}).json()
    assert [s["id"] for s in page2["sessions"]] == [ids[0]]
    completed = api.get("/sessions", params={"status": "completed"}).json()
    assert {s["id"] for s in completed["sessions"]} == set(ids)
    assert completed["pagination"]["total"] == 3


def test_another_users_session_is_404_everywhere(api: Api, other_user: TestUser) -> None:
    sid = start(api)["id"]
    intruder = Api(other_user)
    assert intruder.get(f"/sessions/{sid}").status_code == 404
    for action in ("end", "pause", "resume", "cancel", "heartbeat"):
        response = intruder.post(f"/sessions/{sid}/{action}")
        assert response.status_code == 404, action
        assert response.json()["error"]["code"] == "NOT_FOUND"
    assert intruder.get("/sessions").json()["pagination"]["total"] == 0
    assert api.get(f"/sessions/{sid}").json()["session"]["status"] == "active", "the intruder changed nothing"


def test_admin_reads_any_session_and_users_cannot_use_admin_routes(
    api: Api, admin: TestUser, user: TestUser
) -> None:
    sid = start(api)["id"]
    as_admin = Api(admin)
    assert as_admin.get(f"/admin/sessions/{sid}").json()["session"]["userId"] == user.uid
    assert as_admin.get("/admin/sessions", params={"limit": 5}).status_code == 200
    denied = api.get("/admin/sessions")
    assert denied.status_code == 403
    assert denied.json()["error"]["code"] == "PERMISSION_DENIED"
