"""firestore.rules for rooms on the rules emulator, with member, ex-member and stranger ID tokens.

Rooms are seeded with the harness's admin client (no functions involved), so these run fast.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.support.emulator import TestUser, firestore_db, new_user
from tests.support.rooms import rest_get, write_presence

pytestmark = pytest.mark.emulator


@pytest.fixture(scope="module")
def people() -> dict[str, TestUser]:
    return {name: new_user(prefix=f"rr-{name}") for name in ("member", "dropped", "ex", "stranger")}


@pytest.fixture
def room(people: dict[str, TestUser]) -> str:
    room_id = f"rr-{uuid.uuid4().hex}"
    db = firestore_db()
    ref = db.collection("rooms").document(room_id)
    # The functions keep memberIds = present + dropped-in-grace participants; `ex` has left.
    ref.set({"memberIds": [people["member"].uid, people["dropped"].uid], "status": "active"})
    ref.collection("lines").document("l1").set({"speaker": "A", "content": "hi"})
    ref.collection("events").document("e1").set({"type": "phase_changed"})
    for who in ("member", "ex"):
        ref.collection("private").document(people[who].uid).set({"safetyState": "NORMAL"})
    return room_id


@pytest.mark.parametrize("path", ["", "/lines/l1", "/events/e1"])
@pytest.mark.parametrize(
    ("who", "allowed"), [("member", True), ("dropped", True), ("ex", False), ("stranger", False)]
)
def test_members_read_the_room_its_lines_and_events(
    people: dict[str, TestUser], room: str, path: str, who: str, allowed: bool
) -> None:
    response = rest_get(f"rooms/{room}{path}", people[who])
    assert response.status_code == (200 if allowed else 403), response.text


def test_private_documents_are_their_owners_while_members(people: dict[str, TestUser], room: str) -> None:
    member, ex = people["member"], people["ex"]
    assert rest_get(f"rooms/{room}/private/{member.uid}", member).status_code == 200
    assert rest_get(f"rooms/{room}/private/{member.uid}", people["dropped"]).status_code == 403
    assert rest_get(f"rooms/{room}/private/{ex.uid}", ex).status_code == 403  # left: no longer


def test_a_member_writes_its_own_presence(people: dict[str, TestUser], room: str) -> None:
    member = people["member"]
    path = f"rooms/{room}/presence/{member.uid}"
    response = write_presence(path, member, {"typing": True, "muted": False, "camera": True})
    assert response.status_code == 200, response.text
    stored = firestore_db().document(path).get().to_dict()
    assert stored["typing"] is True and stored["expireAt"] > stored["updatedAt"]
    assert rest_get(path, people["dropped"]).status_code == 200  # other members see it
    assert rest_get(path, people["stranger"]).status_code == 403


BAD_PRESENCE: list[tuple[str, dict[str, Any], dict[str, Any]]] = [
    ("unknown field", {"typing": True, "role": "AGENT"}, {}),
    ("typing not a bool", {"typing": "yes"}, {}),
    ("muted not a bool", {"muted": "false"}, {}),
    ("expiry too far", {"typing": True}, {"expire_in": 600}),
    ("already expired", {"typing": True}, {"expire_in": -5}),
    ("client clock as updatedAt", {"typing": True}, {"server_time": False}),
]


@pytest.mark.parametrize(("case", "fields", "options"), BAD_PRESENCE, ids=[c[0] for c in BAD_PRESENCE])
def test_presence_breaking_the_schema_is_denied(
    people: dict[str, TestUser], room: str, case: str, fields: dict[str, Any], options: dict[str, Any]
) -> None:
    member = people["member"]
    path = f"rooms/{room}/presence/{member.uid}"
    response = write_presence(path, member, fields, **options)
    assert response.status_code == 403, f"{case}: {response.text}"
    assert not firestore_db().document(path).get().exists


@pytest.mark.parametrize("who", ["ex", "stranger"])
def test_non_members_write_no_presence(people: dict[str, TestUser], room: str, who: str) -> None:
    user = people[who]
    response = write_presence(f"rooms/{room}/presence/{user.uid}", user, {"typing": True})
    assert response.status_code == 403, response.text


def test_nobody_writes_another_members_presence(people: dict[str, TestUser], room: str) -> None:
    target = people["dropped"].uid
    response = write_presence(f"rooms/{room}/presence/{target}", people["member"], {"muted": True})
    assert response.status_code == 403, response.text


def test_clients_write_no_lines_and_touch_no_matchmaking_state(
    people: dict[str, TestUser], room: str
) -> None:
    import requests

    from tests.support.rooms import DOCUMENTS

    member = people["member"]
    created = requests.post(
        f"{DOCUMENTS}/rooms/{room}/lines",
        params={"documentId": "forged"},
        json={"fields": {"speaker": {"stringValue": "AGENT"}}},
        headers=member.headers,
        timeout=30,
    )
    assert created.status_code == 403
    # Seat claims, memberships and the lobby floor are the server's: a client can neither read them
    # nor claim a seat itself (a claim is what makes someone a member).
    firestore_db().document("roomLobbies/dating-show").set({"slotFloor": 0}, merge=True)
    firestore_db().document(f"rooms/{room}/seats/0").set({"uid": member.uid})
    firestore_db().document(f"roomMembers/{member.uid}").set({"roomId": room, "seat": 0, "format": "x"})
    assert rest_get("roomLobbies/dating-show", member).status_code == 403
    assert rest_get(f"roomMembers/{member.uid}", member).status_code == 403
    assert rest_get(f"rooms/{room}/seats/0", member).status_code == 403
    claimed = requests.post(
        f"{DOCUMENTS}/rooms/{room}/seats",
        params={"documentId": "1"},
        json={"fields": {"uid": {"stringValue": people["stranger"].uid}}},
        headers=people["stranger"].headers,
        timeout=30,
    )
    assert claimed.status_code == 403


def test_a_member_neither_reads_nor_moves_its_own_gate(people: dict[str, TestUser], room: str) -> None:
    """The gate vouches for what a function instance read before a line (backend/store/rooms.py): only
    the functions touch it."""
    import requests

    from tests.support.rooms import DOCUMENTS

    member = people["member"]
    firestore_db().document(f"rooms/{room}/gates/{member.uid}").set({"changes": 1})
    assert rest_get(f"rooms/{room}/gates/{member.uid}", member).status_code == 403
    moved = requests.patch(
        f"{DOCUMENTS}/rooms/{room}/gates/{member.uid}",
        json={"fields": {"changes": {"integerValue": "2"}}},
        headers=member.headers,
        timeout=30,
    )
    assert moved.status_code == 403
