"""The room line's direct encoding (backend/store/encoding.py) gives exactly the Write the client library
would send, for every kind of value we store, and declines what it does not encode."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from google.api_core.datetime_helpers import DatetimeWithNanoseconds
from google.auth.credentials import AnonymousCredentials
from google.cloud import firestore
from google.cloud.firestore_v1 import _helpers
from google.cloud.firestore_v1.types import write

from backend.store.encoding import add_create, add_update_unchanged, add_writes, create_write, update_write

AT = datetime(2026, 11, 29, 21, 30, 5, 123456, tzinfo=UTC)

PLAIN: dict[str, Any] = {
    "text": "so what do you all think",
    "unicode": "naïve café ☕ — 😀",
    "empty": "",
    "yes": True,
    "no": False,
    "count": 0,
    "negative": -42,
    "big": 2**63 - 1,
    "ratio": 0.95,
    "zero": 0.0,
    "huge": 1e300,
    "nothing": None,
    "at": AT,
    "naive": datetime(2026, 1, 2, 3, 4, 5, 6),
    "elsewhere": datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone(timedelta(hours=-8))),
    "nanos": DatetimeWithNanoseconds(  # type: ignore[no-untyped-call]
        2026, 11, 29, 21, 30, 5, nanosecond=123456789, tzinfo=UTC
    ),
    "safety": {"level": "NORMAL", "confidence": 0.95, "signals": ["a", "b"], "replaced": False},
    "emptyMap": {},
    "emptyList": [],
    "mixed": [1, "two", 3.0, None, {"four": [5]}, [6, AT]],
}


@pytest.fixture(scope="module")
def db() -> firestore.Client:
    return firestore.Client(project="encoding-test", credentials=AnonymousCredentials())  # type: ignore[no-untyped-call]


def _raw(pb: write.Write) -> bytes:
    raw: bytes = write.Write.pb(pb).SerializeToString(deterministic=True)
    return raw


def test_a_create_is_the_librarys_write_for_every_plain_value(db: firestore.Client) -> None:
    ref = db.collection("rooms").document("r1").collection("lines").document("l1")
    for key, value in PLAIN.items():
        ours = create_write(ref, {key: value})
        assert ours is not None, key
        (theirs,) = _helpers.pbs_for_create(ref._document_path, {key: value})
        assert _raw(ours) == _raw(theirs), key
    ours = create_write(ref, PLAIN)
    assert ours is not None
    assert _raw(ours) == _raw(_helpers.pbs_for_create(ref._document_path, PLAIN)[0])


def test_a_stored_room_line_encodes_as_the_library_encodes_it(db: firestore.Client) -> None:
    from backend.store.documents import to_document
    from shared.models.messages import MessageSafety
    from shared.models.rooms import InterruptionRecord, RoomLine

    line = RoomLine(
        id="l1",
        room_id="r1",
        speaker="B",
        type="transcript",
        content="I think the second one, honestly",
        created_at=AT,
        updated_at=AT,
        phase="deep_dive",
        client_line_id="c-7",
        safety=MessageSafety(level="WATCH", confidence=0.61, signals=["hopelessness"]),
        interruption=InterruptionRecord(heard_ms=1200, heard_text="I think", at=AT),
    )
    data = to_document(line, exclude={"id"})
    ref = db.collection("rooms").document("r1").collection("lines").document("l1")
    ours = create_write(ref, data)
    assert ours is not None
    assert _raw(ours) == _raw(_helpers.pbs_for_create(ref._document_path, data)[0])


def test_a_conditional_update_is_the_librarys_write(db: firestore.Client) -> None:
    ref = db.collection("rooms").document("r1").collection("gates").document("u1")
    seen = DatetimeWithNanoseconds(  # type: ignore[no-untyped-call]
        2026, 11, 29, 21, 30, 5, nanosecond=987654321, tzinfo=UTC
    )
    for data in ({"lastLine": "abc"}, {"lastLine": "abc", "count": 3, "at": AT}):
        ours = update_write(ref, data, last_update_time=seen)
        assert ours is not None
        (theirs,) = _helpers.pbs_for_update(ref._document_path, data, None)
        db.write_option(last_update_time=seen).modify_write(theirs)
        assert _raw(ours) == _raw(theirs)
        assert write.Write.pb(ours).current_document.update_time.nanos == 987654000


@pytest.mark.parametrize(
    "value",
    [
        firestore.SERVER_TIMESTAMP,
        firestore.Increment(1),
        firestore.DELETE_FIELD,
        b"bytes",
        firestore.GeoPoint(1.0, 2.0),
        {"nested": firestore.SERVER_TIMESTAMP},
        [firestore.Increment(1)],
        (1, 2),
    ],
)
def test_values_it_does_not_encode_are_left_to_the_library(db: firestore.Client, value: Any) -> None:
    ref = db.collection("a").document("b")
    assert create_write(ref, {"field": value}) is None
    assert update_write(ref, {"field": value}, last_update_time=AT) is None


def test_field_paths_and_empty_updates_are_left_to_the_library(db: firestore.Client) -> None:
    ref = db.collection("a").document("b")
    assert update_write(ref, {"a.b": 1}, last_update_time=AT) is None
    assert update_write(ref, {"with space": 1}, last_update_time=AT) is None
    assert update_write(ref, {}, last_update_time=AT) is None


def test_queued_writes_commit_in_order(db: firestore.Client) -> None:
    first = db.collection("a").document("1")
    second = db.collection("a").document("2")
    batch = db.batch()
    writes = [create_write(first, {"n": 1}), update_write(second, {"n": 2}, last_update_time=AT)]
    add_writes(batch, [w for w in writes if w is not None])
    names = [write.Write.pb(w).update.name for w in batch._write_pbs]
    assert names == [first._document_path, second._document_path]


def test_a_batch_gets_the_same_writes_whichever_encoder_takes_a_document(db: firestore.Client) -> None:
    line, gate = db.collection("a").document("1"), db.collection("a").document("2")
    for data in ({"n": 1, "at": AT}, {"n": 1, "at": firestore.SERVER_TIMESTAMP}):
        ours, theirs = db.batch(), db.batch()
        add_create(ours, line, data)
        add_update_unchanged(ours, gate, {"lastLine": "x"}, last_update_time=AT)
        theirs.create(line, data)
        theirs.update(gate, {"lastLine": "x"}, option=db.write_option(last_update_time=AT))
        assert [_raw(w) for w in ours._write_pbs] == [_raw(w) for w in theirs._write_pbs]
