"""The message's write on the Firestore emulator (backend/store/messages.py, create_message): on a session
this instance read and nobody has written since, one commit and no read, leaving the session document as it
was; after any write of the session elsewhere (a pause, a safety change), the same guarantee as the
transaction: the message is refused or the turn is prepared again, never stored against the old session."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest

from shared.conversation.store import SessionChanged
from shared.errors import InvalidStateTransition
from shared.models.messages import Message
from shared.models.sessions import Session
from shared.settings import Settings
from tests.support.emulator import Api, firestore_db
from tests.support.firestore_calls import FirestoreCalls

pytestmark = pytest.mark.emulator


def _store() -> Any:
    from backend.store.messages import FirestoreMessageStore

    return FirestoreMessageStore(db=firestore_db(), settings=Settings())


def _session(api: Api) -> str:
    response = api.post("/sessions/start", json={"avatar": "emma", "duration": 15})
    assert response.status_code == 201, response.text
    sid: str = response.json()["session"]["id"]
    return sid


def _message(session: Session, text: str = "Work has been a lot this week.") -> Message:
    now = datetime.now(UTC)
    return Message(
        id=f"m-{uuid.uuid4().hex[:12]}",
        session_id=session.id,
        speaker="user",
        type="text",
        content=text,
        created_at=now,
        updated_at=now,
        timestamp_in_session=1.0,
    )


def _after_a_first_message(api: Api) -> tuple[Any, str, Session]:
    """A store whose instance has read a new session and stored one message in it."""
    store = _store()
    sid = _session(api)
    session = store.load_session(sid)
    assert store.create_message(_message(session), prepared_from=session) is None
    return store, sid, session


def _stored(session_id: str, message_id: str) -> bool:
    ref = firestore_db().document(f"sessions/{session_id}/messages/{message_id}")
    return bool(ref.get().exists)


def _update_time(session_id: str) -> Any:
    return firestore_db().document(f"sessions/{session_id}").get().update_time


def test_a_message_on_a_session_unchanged_since_it_was_read_is_one_commit_and_changes_nothing(
    api: Api,
) -> None:
    store = _store()
    sid = _session(api)
    session = store.load_session(sid)
    first = _message(session)
    assert store.create_message(first, prepared_from=session) is None
    before = _update_time(sid)
    second = _message(session, "And I slept badly.")
    with FirestoreCalls(store.db) as calls:
        assert store.create_message(second, prepared_from=session) is None
    assert calls.counts == {"commit": 1}, "no read of the session, no transaction"
    assert _stored(sid, second.id)
    assert _update_time(sid) == before, "the session document is untouched (its listeners see nothing)"


def test_a_pause_written_elsewhere_refuses_the_next_message(api: Api) -> None:
    store, sid, session = _after_a_first_message(api)
    firestore_db().document(f"sessions/{sid}").update({"status": "paused"})  # another instance
    late = _message(session)
    with pytest.raises(InvalidStateTransition):
        store.create_message(late, prepared_from=session)
    assert not _stored(sid, late.id)


def test_a_safety_change_written_elsewhere_makes_the_turn_prepare_again(api: Api) -> None:
    store, sid, session = _after_a_first_message(api)
    firestore_db().document(f"sessions/{sid}").update({"safetyState": "ELEVATED_CONCERN"})
    late = _message(session)
    with pytest.raises(SessionChanged):
        store.create_message(late, prepared_from=session)
    assert not _stored(sid, late.id)
    fresh = store.load_session(sid)
    assert fresh is not None and fresh.safety_state.value == "ELEVATED_CONCERN"
    assert store.create_message(late, prepared_from=fresh) is None, "prepared again, it is stored"


def test_a_retried_message_answers_the_stored_one_and_writes_nothing(api: Api) -> None:
    store = _store()
    sid = _session(api)
    session = store.load_session(sid)
    message = _message(session)
    assert store.create_message(message, prepared_from=session) is None
    before = firestore_db().document(f"sessions/{sid}/messages/{message.id}").get().update_time
    retried = message.model_copy(update={"content": "a different body must not overwrite it"})
    found = store.create_message(retried, prepared_from=session)
    assert found is not None and found.content == message.content
    assert firestore_db().document(f"sessions/{sid}/messages/{message.id}").get().update_time == before


def test_the_replys_typing_writes_keep_the_next_message_at_one_commit(api: Api) -> None:
    store, sid, session = _after_a_first_message(api)
    store.set_ai_typing(sid, True)
    assert firestore_db().document(f"sessions/{sid}").get().get("aiTyping") is True
    store.set_ai_typing(sid, False)
    with FirestoreCalls(store.db) as calls:
        assert store.create_message(_message(session), prepared_from=session) is None
    assert calls.counts == {"commit": 1}
    assert firestore_db().document(f"sessions/{sid}").get().get("aiTyping") is False


def test_a_session_deleted_elsewhere_refuses_the_next_message(api: Api) -> None:
    store, sid, session = _after_a_first_message(api)
    firestore_db().document(f"sessions/{sid}").delete()
    late = _message(session)
    with pytest.raises(InvalidStateTransition):
        store.create_message(late, prepared_from=session)
    assert not _stored(sid, late.id)


def test_the_recalled_memory_kept_on_the_session_keeps_the_next_message_at_one_commit(api: Api) -> None:
    from backend.store.recall import FirestoreMemoryRecall

    store, sid, session = _after_a_first_message(api)
    recall = FirestoreMemoryRecall(db=store.db, settings=Settings(), messages=store, search=None)  # type: ignore[arg-type]
    recall.keep(session_id=sid, lines=["Session on 2030-01-01 with Emma: exams."])
    with FirestoreCalls(store.db) as calls:
        assert store.create_message(_message(session), prepared_from=session) is None
    assert calls.counts == {"commit": 1}
    stored = firestore_db().document(f"sessions/{sid}").get().get("recalledMemory")
    assert stored == ["Session on 2030-01-01 with Emma: exams."]
    kept = store.load_session(sid, fresh=False)
    assert kept.recalled_memory == stored, "the cached session moved with the write"
