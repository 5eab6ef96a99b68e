"""Concurrency races on the running stack, several rounds each: starts, grants, one clientMessageId,
messages against an end (test_hardening.py holds the message/end and retry races of the review)."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

from tests.support.adversarial import ROUNDS, TALLY
from tests.support.emulator import Api, TestUser, firestore_db, new_user


def test_concurrent_starts_leave_exactly_one_live_session() -> None:
    for _ in range(ROUNDS):
        api = Api(new_user(prefix="starts"))
        with ThreadPoolExecutor(max_workers=20) as pool:
            responses = list(
                pool.map(
                    lambda _, api=api: api.post("/sessions/start", json={"avatar": "emma", "duration": 15}),
                    range(20),
                )
            )
        statuses = [r.status_code for r in responses]
        for status in statuses:
            TALLY[("races", status)] += 1
        assert statuses.count(201) == 1 and set(statuses) <= {201, 409}, statuses
        live = (firestore_db().document(f"users/{api.user.uid}").get().to_dict() or {})["liveSessionIds"]  # type: ignore[union-attr]
        assert len(live) == 1


def test_concurrent_grants_add_up_exactly(admin: TestUser) -> None:
    as_admin = Api(admin)
    for _ in range(ROUNDS):
        target = new_user(prefix="grants")
        before = Api(target).get("/user/credits").json()["credits"]["remaining"]
        with ThreadPoolExecutor(max_workers=30) as pool:
            responses = list(
                pool.map(
                    lambda n, uid=target.uid: as_admin.post(
                        f"/admin/users/{uid}/credits",
                        json={"delta": 1, "reason": f"race {n}"},
                        headers={"Idempotency-Key": uuid.uuid4().hex},
                    ),
                    range(30),
                )
            )
        ok = [r for r in responses if r.status_code == 200]
        for response in responses:
            TALLY[("races", response.status_code)] += 1
        assert {r.status_code for r in responses} <= {
            200,
            409,
            429,
        }, [  # 429: the admin's own per-user limit over rounds
            r.text for r in responses if r.status_code != 200
        ]
        after = Api(target).get("/user/credits").json()["credits"]["remaining"]
        assert after == before + len(ok), "every acknowledged grant counted once, no other"


def test_same_client_message_id_from_twenty_callers(api: Api) -> None:
    for _ in range(ROUNDS):
        started = api.post("/sessions/start", json={"avatar": "emma", "duration": 15})
        sid = started.json()["session"]["id"]
        cid = uuid.uuid4().hex
        with ThreadPoolExecutor(max_workers=20) as pool:
            responses = list(
                pool.map(
                    lambda _, sid=sid, cid=cid: api.post(
                        f"/sessions/{sid}/messages", json={"content": "hello", "clientMessageId": cid}
                    ),
                    range(20),
                )
            )
        for response in responses:
            TALLY[("races", response.status_code)] += 1
        assert all(r.status_code == 201 for r in responses), [
            r.text for r in responses if r.status_code != 201
        ]
        replies = {(r.json()["reply"]["id"], r.json()["reply"]["updatedAt"]) for r in responses}
        assert len(replies) == 1, "one generation, the same final reply for every caller"
        assert api.post(f"/sessions/{sid}/end", json={}).status_code == 200
