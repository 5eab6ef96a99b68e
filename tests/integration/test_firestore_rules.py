"""firestore.rules on the real rules emulator, called like a client: REST with an Auth-emulator ID token.

The harness's admin client seeds data (it bypasses rules). Every test uses a fresh owner and fresh
document ids, because the database is shared with other tests running at the same time.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any, Literal

import pytest
import requests
from firebase_admin import auth

from tests.support.emulator import (
    FIRESTORE_HOST,
    PROJECT_ID,
    TIMEOUT,
    TestUser,
    admin_app,
    firestore_db,
    new_user,
    sign_in,
)

DATABASE = f"projects/{PROJECT_ID}/databases/(default)"
DOCUMENTS = f"http://{FIRESTORE_HOST}/v1/{DATABASE}/documents"
# The emulator treats this bearer token as the project owner: rules are skipped entirely.
RULES_BYPASS = {"Authorization": "Bearer owner"}

Actor = Literal["owner", "other", "admin", "anonymous"]
Op = Literal["create", "update", "delete"]
ACTORS: tuple[Actor, ...] = ("owner", "other", "admin", "anonymous")
OPS: tuple[Op, ...] = ("create", "update", "delete")


# -- people and data -------------------------------------------------------------------------


@dataclass(frozen=True)
class Others:
    """The actors that never own seeded data, so one pair serves the whole module."""

    other: TestUser
    admin: TestUser


@pytest.fixture(scope="module")
def others() -> Others:
    return Others(other=new_user(prefix="rules-other"), admin=new_user(admin=True, prefix="rules-admin"))


@pytest.fixture
def owner() -> TestUser:
    return new_user(prefix="rules-owner")


def headers_for(actor: Actor, owner: TestUser, others: Others) -> dict[str, str]:
    people = {"owner": owner, "other": others.other, "admin": others.admin}
    return people[actor].headers if actor != "anonymous" else {}


@dataclass(frozen=True)
class Ids:
    uid: str
    session: str
    doc: str


def fresh_ids(owner: TestUser) -> Ids:
    return Ids(uid=owner.uid, session=f"rules-{uuid.uuid4().hex}", doc=f"rules-{uuid.uuid4().hex}")


def seed_document(path: str, owner: TestUser) -> dict[str, Any]:
    """Every seeded document names the owner, so no rule can pass just by matching `userId`."""
    data = {"userId": owner.uid, "marker": "seeded"}
    firestore_db().document(path).set(data)
    return data


@dataclass(frozen=True)
class Target:
    """A document path in one collection, and whether its owner may read it."""

    name: str
    template: str
    owner_reads: bool

    def path(self, ids: Ids) -> str:
        return self.template.format(uid=ids.uid, session=ids.session, doc=ids.doc)

    def seed(self, ids: Ids, owner: TestUser, *, with_target: bool = True) -> dict[str, Any]:
        """Seed the owner's user doc and session (the parents), then the target itself."""
        target = self.path(ids)
        for parent in (f"users/{ids.uid}", f"sessions/{ids.session}"):
            if parent != target:
                seed_document(parent, owner)
        return seed_document(target, owner) if with_target else {}


TARGETS = [
    Target("users", "users/{uid}", owner_reads=True),
    Target("users/*/idempotencyKeys", "users/{uid}/idempotencyKeys/{doc}", owner_reads=False),
    Target("users/*/ledger", "users/{uid}/ledger/{doc}", owner_reads=True),
    Target("users/*/notifications", "users/{uid}/notifications/{doc}", owner_reads=True),
    Target("users/*/private", "users/{uid}/private/{doc}", owner_reads=True),
    Target("sessions", "sessions/{session}", owner_reads=True),
    Target("sessions/*/events", "sessions/{session}/events/{doc}", owner_reads=True),
    Target("sessions/*/messages", "sessions/{session}/messages/{doc}", owner_reads=True),
    Target("rateLimits", "rateLimits/{doc}", owner_reads=False),
    Target("_health", "_health/{doc}", owner_reads=False),
    Target("crisisAlerts", "crisisAlerts/{doc}", owner_reads=False),
    Target("memories", "memories/{session}", owner_reads=False),
    Target("memoryItems", "memoryItems/{session}-000", owner_reads=False),
    Target("memoryTermStats", "memoryTermStats/{uid}_0", owner_reads=False),
    Target("memoryItemSets", "memoryItemSets/{session}", owner_reads=False),
    Target("sessions/*/prompts", "sessions/{session}/prompts/{doc}", owner_reads=False),
    Target("kbDocuments", "kbDocuments/{doc}", owner_reads=False),
    Target("kbChunks", "kbChunks/{doc}-000", owner_reads=False),
    Target("kbTermStats", "kbTermStats/{doc}_0", owner_reads=False),
    Target("kbChunkSets", "kbChunkSets/{doc}", owner_reads=False),
]
by_target = pytest.mark.parametrize("target", TARGETS, ids=[t.name for t in TARGETS])


# -- REST calls ------------------------------------------------------------------------------


def get_document(path: str, headers: dict[str, str]) -> requests.Response:
    return requests.get(f"{DOCUMENTS}/{path}", headers=headers, timeout=TIMEOUT)


def write_document(op: Op, path: str, owner: TestUser, headers: dict[str, str]) -> requests.Response:
    """A client-style create (createDocument), update (patch of an existing doc) or delete.

    The body keeps `userId` = the owner, so even a rule that let owners write their own
    documents would be caught.
    """
    fields = {"userId": {"stringValue": owner.uid}, "marker": {"stringValue": f"written by {op}"}}
    if op == "create":
        collection, _, doc_id = path.rpartition("/")
        params = {"documentId": doc_id}
        return requests.post(
            f"{DOCUMENTS}/{collection}",
            params=params,
            json={"fields": fields},
            headers=headers,
            timeout=TIMEOUT,
        )
    if op == "update":
        params = {"currentDocument.exists": "true"}
        return requests.patch(
            f"{DOCUMENTS}/{path}", params=params, json={"fields": fields}, headers=headers, timeout=TIMEOUT
        )
    return requests.delete(f"{DOCUMENTS}/{path}", headers=headers, timeout=TIMEOUT)


def stored(path: str) -> dict[str, Any] | None:
    snapshot = firestore_db().document(path).get()
    return snapshot.to_dict() if snapshot.exists else None


# -- single-document reads -------------------------------------------------------------------


def read_allowed(target: Target, actor: Actor) -> bool:
    return actor == "admin" or (actor == "owner" and target.owner_reads)


@by_target
@pytest.mark.parametrize("actor", ACTORS)
def test_read(target: Target, actor: Actor, owner: TestUser, others: Others) -> None:
    ids = fresh_ids(owner)
    target.seed(ids, owner)

    response = get_document(target.path(ids), headers_for(actor, owner, others))

    if read_allowed(target, actor):
        assert response.status_code == 200, response.text
        assert response.json()["fields"]["marker"] == {"stringValue": "seeded"}
    else:
        assert response.status_code == 403, response.text
        assert response.json()["error"]["status"] == "PERMISSION_DENIED"


@pytest.mark.parametrize(
    ("claims", "status"),
    [
        ({"admin": True}, 200),
        ({"admin": "true"}, 403),
        ({"admin": 1}, 403),
        ({"admin": False}, 403),
        ({}, 403),
    ],
    ids=["true", "string-true", "one", "false", "none"],
)
def test_only_the_boolean_admin_claim_makes_an_admin(
    claims: dict[str, Any], status: int, owner: TestUser
) -> None:
    ids = fresh_ids(owner)
    alert = Target("crisisAlerts", "crisisAlerts/{doc}", owner_reads=False)
    alert.seed(ids, owner)
    someone = new_user(prefix="rules-claims")
    auth.set_custom_user_claims(someone.uid, claims, app=admin_app())
    signed_in = sign_in(someone.email)  # custom claims reach the ID token at the next sign-in

    assert get_document(alert.path(ids), signed_in.headers).status_code == status


# -- writes ----------------------------------------------------------------------------------


@by_target
@pytest.mark.parametrize("op", OPS)
@pytest.mark.parametrize("actor", ACTORS)
def test_client_writes_are_denied(
    target: Target, op: Op, actor: Actor, owner: TestUser, others: Others
) -> None:
    ids = fresh_ids(owner)
    seeded = target.seed(ids, owner, with_target=op != "create")
    path = target.path(ids)

    response = write_document(op, path, owner, headers_for(actor, owner, others))

    assert response.status_code == 403, response.text
    if op == "create":
        assert stored(path) is None
    else:
        assert stored(path) == seeded  # neither changed nor deleted


@by_target
@pytest.mark.parametrize("op", OPS)
def test_the_same_writes_succeed_when_rules_are_bypassed(target: Target, op: Op, owner: TestUser) -> None:
    """Control: the denied requests above are well-formed, so their 403 comes from the rules."""
    ids = fresh_ids(owner)
    target.seed(ids, owner, with_target=op != "create")
    path = target.path(ids)

    response = write_document(op, path, owner, RULES_BYPASS)

    assert response.status_code == 200, response.text
    after = stored(path)
    if op == "delete":
        assert after is None
    else:
        assert after is not None
        assert after["marker"] == f"written by {op}"


# -- queries (what listeners run) ------------------------------------------------------------

# One owner's tree, seeded for every query test: name -> path.
TREE = {
    "user": "users/{uid}",
    "ledger": "users/{uid}/ledger/l",
    "notification": "users/{uid}/notifications/n",
    "idempotency key": "users/{uid}/idempotencyKeys/k",
    "session": "sessions/{session}",
    "event": "sessions/{session}/events/e",
    "message": "sessions/{session}/messages/m",
}


@pytest.fixture
def seeded_tree(owner: TestUser) -> Ids:
    ids = fresh_ids(owner)
    for path in TREE.values():
        seed_document(path.format(uid=ids.uid, session=ids.session), owner)
    return ids


@dataclass(frozen=True)
class Query:
    """A runQuery by `actor` over `collection` under `parent` (a TREE name; None is the root)."""

    name: str
    actor: Actor
    collection: str
    allowed: bool
    parent: str | None = None
    where_user: Literal["owner", "other", None] = None  # filter on `userId == <that user's uid>`
    group: bool = False  # a collection group query
    finds: str | None = None  # a TREE document the answer must contain

    def run(self, ids: Ids, owner: TestUser, others: Others) -> requests.Response:
        selector = {"collectionId": self.collection, "allDescendants": self.group}
        query: dict[str, Any] = {"from": [selector], "limit": 500}
        if self.where_user is not None:
            uid = owner.uid if self.where_user == "owner" else others.other.uid
            value = {"stringValue": uid}
            query["where"] = {
                "fieldFilter": {"field": {"fieldPath": "userId"}, "op": "EQUAL", "value": value}
            }
        parent = (
            "" if self.parent is None else "/" + TREE[self.parent].format(uid=ids.uid, session=ids.session)
        )
        return requests.post(
            f"{DOCUMENTS}{parent}:runQuery",
            json={"structuredQuery": query},
            headers=headers_for(self.actor, owner, others),
            timeout=TIMEOUT,
        )


QUERIES = [
    Query("own sessions", "owner", "sessions", True, where_user="owner", finds="session"),
    Query("all sessions", "owner", "sessions", False),
    Query("someone else's sessions", "owner", "sessions", False, where_user="other"),
    Query("own sessions unauthenticated", "anonymous", "sessions", False, where_user="owner"),
    Query("a user's sessions as admin", "admin", "sessions", True, where_user="owner", finds="session"),
    Query("all sessions as admin", "admin", "sessions", True),
    Query("all users", "owner", "users", False),
    Query("own session's messages", "owner", "messages", True, parent="session", finds="message"),
    Query("own session's events", "owner", "events", True, parent="session", finds="event"),
    Query("someone else's messages", "other", "messages", False, parent="session"),
    Query("someone else's events", "other", "events", False, parent="session"),
    Query("own ledger", "owner", "ledger", True, parent="user", finds="ledger"),
    Query("own notifications", "owner", "notifications", True, parent="user", finds="notification"),
    Query("someone else's ledger", "other", "ledger", False, parent="user"),
    Query("own idempotency keys", "owner", "idempotencyKeys", False, parent="user"),
    Query(
        "own idempotency keys as admin",
        "admin",
        "idempotencyKeys",
        True,
        parent="user",
        finds="idempotency key",
    ),
    Query("messages collection group", "owner", "messages", False, group=True),
    Query("messages collection group as admin", "admin", "messages", True, group=True),
]


@pytest.mark.parametrize("query", QUERIES, ids=[q.name for q in QUERIES])
def test_queries(query: Query, seeded_tree: Ids, owner: TestUser, others: Others) -> None:
    response = query.run(seeded_tree, owner, others)

    if not query.allowed:
        assert response.status_code == 403, response.text
        return
    assert response.status_code == 200, response.text
    if query.finds is not None:
        names = {row["document"]["name"] for row in response.json() if "document" in row}
        path = TREE[query.finds].format(uid=seeded_tree.uid, session=seeded_tree.session)
        assert f"{DATABASE}/documents/{path}" in names
