"""Deleting personal data: the GDPR erase of one user, and the transcript retention purge.

Both delete in bounded batches (at most `BATCH` deletes per commit, queries of at most `BATCH`
documents), so they work the same for a user with three messages or three hundred thousand, and both are
resumable: a run that stopped half-way (timeout, crash) is finished by running it again.

What `erase_user` removes (and what it keeps) is listed in docs/data-model.md ("Erase and export").
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from backend.store import cache
from backend.store.contacts import CONTACT_INVITES
from backend.store.documents import SESSIONS, USERS, from_document
from backend.store.room_erasure import erase_rooms, refuse_while_seated
from backend.store.safety import ASSESSMENTS, CONTACT_OUTBOX, CRISIS_ALERTS, NOTIFICATIONS
from backend.store.users import ERASED_ACCOUNTS, erased_account_key
from shared.clock import utcnow
from shared.errors import Conflict
from shared.models.contacts import MAX_CONTACTS
from shared.models.userdata import ErasedCounts
from shared.models.users import UserDocument
from shared.settings import get_settings

if TYPE_CHECKING:
    from google.cloud.firestore import Client, CollectionReference, DocumentReference, WriteBatch

BATCH = 400  # deletes per commit (Firestore allows 500 writes per commit) and documents per query
MEMORIES = "memories"

MESSAGES = "messages"
LIVE_STATUSES = ("active", "paused")
# What an anonymised crisis alert says instead of the user, session and message it came from.
ERASED = "erased"


class _Deleter:
    """Collects deletes and commits them `BATCH` at a time, counting each by its collection id."""

    def __init__(self, db: Client, counts: ErasedCounts) -> None:
        self.db = db
        self.counts = counts
        self._batch: WriteBatch = db.batch()
        self._pending = 0

    def delete(self, ref: DocumentReference, kind: str | None = None) -> None:
        """`kind` counts the delete under another name than its collection id (a room's `private`
        documents are not the user's `private/state`)."""
        self._batch.delete(ref)
        self.counts.add(kind or ref.parent.id, 1)
        self._pending += 1
        if self._pending >= BATCH:
            self.flush()

    def flush(self) -> None:
        if self._pending:
            self._batch.commit()
        self._batch = self.db.batch()
        self._pending = 0

    def descendants(self, ref: DocumentReference) -> None:
        """Every document below `ref`, whatever its subcollections are called (one query per
        subcollection and page; pages are re-queried after each commit, so nothing is skipped)."""
        for collection in ref.collections():
            self.collection(collection)

    def collection(self, collection: CollectionReference | Any) -> None:
        from google.cloud.firestore_v1.field_path import FieldPath

        query = collection.recursive().select([FieldPath.document_id()]).limit(BATCH)
        while docs := list(query.get()):
            for doc in docs:
                self.delete(doc.reference)
            self.flush()

    def tree(self, ref: DocumentReference, *, exists: bool) -> None:
        """`ref` and everything below it (`ref` is counted only if it exists)."""
        self.descendants(ref)
        if exists:
            self.delete(ref)
        else:
            self._batch.delete(ref)  # a no-op write, in case it appeared meanwhile
            self._pending += 1


def refuse_while_live(db: Client, uid: str) -> None:
    """409 while the user has a live session: no session writer may race the erase."""
    from google.cloud.firestore import FieldFilter

    snapshot = db.collection(USERS).document(uid).get()
    live = from_document(UserDocument, snapshot.to_dict()).live_session_ids if snapshot.exists else []
    if not live:
        query = (
            db.collection(SESSIONS)
            .where(filter=FieldFilter("userId", "==", uid))
            .where(filter=FieldFilter("status", "in", list(LIVE_STATUSES)))
            .limit(5)
        )
        live = [doc.id for doc in query.get()]
    if live:
        raise Conflict(
            "End your live session first: data cannot be erased while a session is live.",
            details={"liveSessionIds": live},
        )


def erase_user(db: Client, uid: str) -> tuple[ErasedCounts, int, int]:
    """Delete everything of `uid`; returns (deleted counts, anonymised alerts, anonymised contact alerts).

    Order: sessions (with messages, events, any other subcollection, their safety assessments and
    memories), then the rooms the user sat in (backend/store/room_erasure.py: the user's lines and
    room documents go, the uid in the rooms becomes a token), then memories left by userId (room
    memories among them), then the crisis alerts (room alerts among them) are anonymised, queued
    trusted-contact notifications deleted and sent ones stripped of the sender, and `users/{uid}`
    with all of its subcollections last. The Firebase Auth account stays (the caller is using it).
    """
    refuse_while_live(db, uid)
    refuse_while_seated(db, uid)
    counts = ErasedCounts()
    deleter = _Deleter(db, counts)
    _erase_sessions(db, uid, deleter)
    erase_rooms(db, uid, deleter, counts)
    _erase_by_user_id(db, db.collection(MEMORIES), "userId", uid, deleter)
    for index in ("memoryItems", "memoryTermStats", "memoryItemSets"):  # backend/store/memory_items.py
        _erase_by_user_id(db, db.collection(index), "userId", uid, deleter)
    anonymised = anonymise_alerts(db, uid)
    _erase_by_user_id(db, db.collection(CONTACT_OUTBOX), "fromUserId", uid, deleter)
    # Invitations name both people: the ones the user sent and the ones addressed to the user go.
    _erase_by_user_id(db, db.collection(CONTACT_INVITES), "inviterUid", uid, deleter)
    _erase_by_user_id(db, db.collection(CONTACT_INVITES), "contactUid", uid, deleter)
    contact_alerts = _strip_sender(db, uid)
    user_ref = db.collection(USERS).document(uid)
    user = user_ref.get()
    if user.exists:
        _keep_balance(db, uid, user)
    deleter.tree(user_ref, exists=user.exists)
    deleter.flush()
    return counts, anonymised, contact_alerts


def _keep_balance(db: Client, uid: str, user: Any) -> None:
    """The balance outlives the erase under a hash of the uid (backend/store/users.py), so erasing is
    not a way to be granted the starting credits again. No other field is kept."""

    remaining = int((user.to_dict() or {}).get("credits", {}).get("remaining", 0))
    db.collection(ERASED_ACCOUNTS).document(erased_account_key(uid)).set(
        {"creditsRemaining": remaining, "erasedAt": utcnow()}
    )


def _erase_sessions(db: Client, uid: str, deleter: _Deleter) -> None:
    from google.cloud.firestore import FieldFilter

    page = db.collection(SESSIONS).where(filter=FieldFilter("userId", "==", uid)).select([]).limit(BATCH // 4)
    # Deleted sessions leave the query, so each round asks again from the start until none are left
    # (a session created meanwhile is found by a later round).
    while sessions := list(page.get()):
        memory_refs = [db.collection(MEMORIES).document(s.id) for s in sessions]
        memories = {snap.id for snap in db.get_all(memory_refs, field_paths=[]) if snap.exists}
        for session in sessions:
            assessments = db.collection(ASSESSMENTS).where(filter=FieldFilter("sessionId", "==", session.id))
            for assessment in assessments.select([]).get():
                deleter.delete(assessment.reference)
            if session.id in memories:
                deleter.delete(db.collection(MEMORIES).document(session.id))
            deleter.tree(session.reference, exists=True)
            cache.invalidate(session.id)
        deleter.flush()


def _erase_by_user_id(db: Client, collection: Any, field: str, uid: str, deleter: _Deleter) -> None:
    from google.cloud.firestore import FieldFilter

    query = collection.where(filter=FieldFilter(field, "==", uid)).select([]).limit(BATCH)
    while docs := list(query.get()):
        for doc in docs:
            deleter.delete(doc.reference)
        deleter.flush()


def anonymise_alerts(db: Client, uid: str) -> int:
    """Keep the user's crisis alerts for the yearly referral counts (level, status, dates), without
    the user, the message, the signals or the admin's note. Each original session becomes one random
    token (the alert counts stay exact). The alert ids are hashes of
    (session id, message id), both deleted, so they no longer point anywhere."""
    from google.cloud.firestore import FieldFilter

    tokens: dict[str, str] = {}
    total = 0
    mail = db.collection(get_settings().mail_collection)
    # One update and up to MAX_CONTACTS e-mail deletes per alert, within a commit's 500 writes.
    per_commit = BATCH // (1 + MAX_CONTACTS)
    query = db.collection(CRISIS_ALERTS).where(filter=FieldFilter("userId", "==", uid)).limit(per_commit)
    while docs := list(query.get()):
        batch = db.batch()
        for doc in docs:
            session_id = str(doc.get("sessionId"))
            token = tokens.setdefault(session_id, f"{ERASED}-{secrets.token_hex(8)}")
            batch.update(
                doc.reference,
                {
                    "userId": ERASED,
                    "sessionId": token,
                    "messageId": ERASED,
                    "signals": [],
                    "resolutionNote": None,
                },
            )
            # The e-mails to the user's contacts (`{alertId}-{position}`) hold the contacts' addresses:
            # they go with the user.
            for position in range(MAX_CONTACTS):
                batch.delete(mail.document(f"{doc.id}-{position}"))
        batch.commit()  # the updated alerts leave the query
        total += len(docs)
    return total


def _strip_sender(db: Client, uid: str) -> int:
    """Trusted-contact alerts already delivered to other users: the recipient keeps the notification
    (it never named the user or said anything), the `fromUserId` link is removed."""
    from google.cloud.firestore import DELETE_FIELD, FieldFilter

    query = db.collection_group(NOTIFICATIONS).where(filter=FieldFilter("fromUserId", "==", uid)).limit(BATCH)
    total = 0
    while docs := list(query.get()):
        batch = db.batch()
        for doc in docs:
            batch.update(doc.reference, {"fromUserId": DELETE_FIELD})
        batch.commit()
        total += len(docs)
    return total


# -- retention ----------------------------------------------------------------------------------


def purge_transcripts(
    db: Client,
    *,
    older_than_days: int,
    on_total: Callable[[int], None] | None = None,
    on_session: Callable[[int], None] | None = None,
    now: datetime | None = None,
) -> tuple[int, int]:
    """Delete the messages (and their safety assessments) of sessions that ended more than
    `older_than_days` ago; the session documents, their events and summaries stay.

    Returns (sessions visited, documents deleted). `on_total` gets the number of sessions to visit
    first, `on_session` the documents deleted per visited session (a progress bar's two hooks).
    """
    from google.cloud.firestore import FieldFilter

    cutoff = (now or utcnow()) - timedelta(days=older_than_days)
    ended: Any = db.collection(SESSIONS).where(filter=FieldFilter("endedAt", "<", cutoff))
    if on_total is not None:
        on_total(int(ended.count().get()[0][0].value))
    query = ended.order_by("endedAt").select(["endedAt"]).limit(BATCH // 4)
    visited = deleted = 0
    last = None
    while True:
        page = list((query.start_after(last) if last is not None else query).get())
        if not page:
            break
        for session in page:
            counts = ErasedCounts()
            deleter = _Deleter(db, counts)
            deleter.collection(session.reference.collection(MESSAGES))
            assessments = db.collection(ASSESSMENTS).where(filter=FieldFilter("sessionId", "==", session.id))
            for assessment in assessments.select([]).get():
                deleter.delete(assessment.reference)
            deleter.flush()
            cache.invalidate(session.id)
            visited += 1
            deleted += counts.total()
            if on_session is not None:
                on_session(counts.total())
        last = page[-1]
    return visited, deleted
