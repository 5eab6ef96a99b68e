"""Firestore adapter of the conversation's MessageStore."""

from __future__ import annotations

import heapq
import random
import time
from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

from backend.store import cache
from backend.store.documents import SESSIONS, from_document, to_document
from backend.store.encoding import add_create, add_update_unchanged
from backend.store.errors import translate_errors
from backend.store.metering import charge
from backend.store.transactions import run_read_write
from shared.clock import utcnow
from shared.conversation.provider import ChatTurn
from shared.conversation.store import SessionChanged, same_turn_inputs
from shared.conversation.turns import MessageStore
from shared.models.messages import Message
from shared.models.sessions import Session
from shared.sessions.metering import charge_due
from shared.sessions.ports import NoEvents, SessionEvents
from shared.settings import Settings

if TYPE_CHECKING:
    from google.cloud.firestore import Client, CollectionReference, DocumentReference, Transaction

MESSAGES = "messages"
PROMPTS = "prompts"  # only with SESSIONS_RECORD_PROMPTS (tests)
CREATE_ATTEMPTS = 3
CREATE_ROUNDS = 8


@translate_errors
class FirestoreMessageStore(MessageStore):
    def __init__(self, *, db: Client, settings: Settings, events: SessionEvents | None = None) -> None:
        self.db = db
        self.settings = settings
        self.events = events or NoEvents()

    def _session_ref(self, session_id: str) -> DocumentReference:
        return self.db.collection(SESSIONS).document(session_id)

    def messages(self, session_id: str) -> CollectionReference:
        collection: CollectionReference = self._session_ref(session_id).collection(MESSAGES)
        return collection

    def load_session(self, session_id: str, *, fresh: bool = True) -> Session | None:
        # The session carries the status and the safety state, which other processes (the deep
        # assessment, admins, timers) change at any moment: what this instance read last only prepares a
        # turn, and create_message re-reads the session in the transaction that stores the message.
        if not fresh and (cached := cache.session(session_id)) is not None:
            return cached
        snapshot = self._session_ref(session_id).get()
        if not snapshot.exists:
            return None
        session = from_document(Session, snapshot.to_dict(), id=snapshot.id)
        cache.keep_session(session, version=snapshot.update_time)
        return session

    def create_message(self, message: Message, *, prepared_from: Session | None = None) -> Message | None:
        """The message is created only while the session is active and still what the turn was prepared
        from: a pause or an end that commits first refuses it (409); one that commits after it sees it
        (the memory and the final charge include it).

        Two ways, with the same guarantee. Usually this instance read the session at its last message
        and nothing has written it since: one commit creates the message on the condition that the session
        document still has that update time, with a write of the session's own status that changes nothing
        (Firestore then keeps the update time and listeners see no change). One round trip, no read.
        Otherwise (first message here, or the session was written since: a flush, a charge, a pause)
        that commit fails on its precondition and one transaction reads the session and decides."""
        from google.api_core.exceptions import AlreadyExists

        from shared.errors import InvalidStateTransition
        from shared.sessions.statuses import SessionStatus

        session_ref = self._session_ref(message.session_id)
        ref = self.messages(message.session_id).document(message.id)
        try:
            if self._create_if_session_unchanged(message, prepared_from, session_ref, ref):
                cache.remember(message)
                return None
        except AlreadyExists:
            if (found := self.get_message(message.session_id, message.id)) is not None:
                return found

        # The transaction reads only the session (shared by concurrent attempts, exclusive with a pause or
        # an end that writes it) and creates the message without reading it: of concurrent first attempts
        # one commits and the others fail on AlreadyExists at once, instead of all upgrading a read lock on
        # the message and aborting each other. It begins with that read (transactions.py): 2 round trips.
        def run(transaction: Transaction, snapshots: list[Any]) -> Message | None:
            # The whole session costs the same one read as its status, and replaces the turn's own read.
            (snapshot,) = snapshots
            if not snapshot.exists:
                raise InvalidStateTransition("Messages need an active session; this one is gone.")
            session = from_document(Session, snapshot.to_dict(), id=snapshot.id)
            cache.keep_session(session, version=snapshot.update_time)
            if session.status is not SessionStatus.ACTIVE:
                status = session.status.value
                raise InvalidStateTransition(
                    f"Messages need an active session; this one is {status}.",
                    details={"status": status, "action": "message"},
                )
            if prepared_from is not None and not same_turn_inputs(prepared_from, session):
                raise SessionChanged()
            transaction.create(ref, to_document(message, exclude={"id"}))
            return None

        # First attempts (nearly every call) go straight to the transaction: no read of the message
        # first, which would be billed on every turn. A retry finds its message through AlreadyExists, or,
        # if the session has ended or paused since, through the refusal: a stored message is answered
        # whatever the session's state now. Concurrent first attempts contend on the message document; a
        # round lost to contention reads whether the winner stored it, and otherwise tries again.
        for round_ in range(CREATE_ROUNDS):
            try:
                stored = run_read_write(self.db, [session_ref], run, max_attempts=CREATE_ATTEMPTS)
                break
            except (AlreadyExists, InvalidStateTransition):
                if (found := self.get_message(message.session_id, message.id)) is not None:
                    return found
                raise
            except Exception as exc:
                if not _lost_contention(exc):
                    raise
                if (found := self.get_message(message.session_id, message.id)) is not None:
                    return found
                if round_ == CREATE_ROUNDS - 1:
                    raise
                time.sleep(random.uniform(0.05, 0.1 * (round_ + 2)))  # noqa: S311 - growing jitter
        if stored is None:
            cache.remember(message)
        return stored

    def _create_if_session_unchanged(
        self,
        message: Message,
        prepared_from: Session | None,
        session_ref: DocumentReference,
        ref: DocumentReference,
    ) -> bool:
        """Create the message in one commit if the session document is unchanged since this instance
        read it (and it was active and what the turn was prepared from); False when that cannot be shown,
        and nothing was written. AlreadyExists propagates (a retried message)."""
        from google.api_core.exceptions import Aborted, FailedPrecondition, NotFound

        from shared.sessions.statuses import SessionStatus

        known = cache.session_at_version(message.session_id)
        if known is None:
            return False
        session, version = known
        if session.status is not SessionStatus.ACTIVE:
            return False  # a refusal is only ever decided on a fresh read
        if prepared_from is not None and not same_turn_inputs(prepared_from, session):
            return False
        batch = self.db.batch()
        # Encoded directly (backend/store/encoding.py): this commit is what the session's listeners wait for.
        add_create(batch, ref, to_document(message, exclude={"id"}))
        add_update_unchanged(batch, session_ref, {"status": session.status.value}, last_update_time=version)
        try:
            batch.commit()
        except (FailedPrecondition, NotFound, Aborted):
            return False  # changed or gone since: the transaction reads it and decides
        return True

    def claim_generation(self, *, session_id: str, message_id: str, now: datetime, lease: float) -> bool:
        """`claimable` in one transaction, so of concurrent retries exactly one claims."""
        from google.cloud import firestore

        from shared.conversation.generation import claimable
        from shared.conversation.turns import reply_id_for

        ref = self.messages(session_id).document(message_id)
        reply_ref = self.messages(session_id).document(reply_id_for(message_id))

        def claimable_now(snapshot: Any, reply_snapshot: Any) -> bool:
            reply = (
                from_document(Message, reply_snapshot.to_dict(), id=reply_snapshot.id)
                if reply_snapshot.exists
                else None
            )
            claimed_at = (snapshot.to_dict() or {}).get("replyClaimedAt")
            return bool(snapshot.exists) and claimable(
                claimed_at=claimed_at, reply=reply, now=now, lease=lease
            )

        # Plain reads first: waiting retries poll here, and a transaction per poll would contend with
        # the generation they wait for. Only a claim that looks possible is made in a transaction.
        if not claimable_now(ref.get(), reply_ref.get()):
            return False

        @firestore.transactional
        def run(transaction: Transaction) -> bool:
            snapshot = ref.get(transaction=transaction)
            reply_snapshot = reply_ref.get(transaction=transaction)
            if not snapshot.exists:
                return False
            reply = (
                from_document(Message, reply_snapshot.to_dict(), id=reply_snapshot.id)
                if reply_snapshot.exists
                else None
            )
            claimed_at = (snapshot.to_dict() or {}).get("replyClaimedAt")
            if not claimable(claimed_at=claimed_at, reply=reply, now=now, lease=lease):
                return False
            transaction.update(ref, {"replyClaimedAt": now})
            return True

        try:
            return cast(bool, run(self.db.transaction()))
        except Exception as exc:
            if _lost_contention(exc):
                return False  # another retry claimed it meanwhile; this one waits for it
            raise

    def session_active(self, session_id: str) -> bool:
        from shared.sessions.statuses import SessionStatus

        snapshot = self._session_ref(session_id).get(["status"])
        return bool(snapshot.exists and snapshot.get("status") == SessionStatus.ACTIVE.value)

    def get_message(self, session_id: str, message_id: str) -> Message | None:
        snapshot = self.messages(session_id).document(message_id).get()
        if not snapshot.exists:
            return None
        return from_document(Message, snapshot.to_dict(), id=snapshot.id)

    def recent_messages(self, session_id: str, limit: int) -> list[Message]:
        from google.cloud.firestore import FieldFilter, Query

        cached = cache.entry(session_id)
        ttl = self.settings.context_cache_seconds
        if not cached.messages_loaded:
            docs = (
                self.messages(session_id).order_by("createdAt", direction=Query.DESCENDING).limit(limit).get()
            )
            for doc in reversed(list(docs)):
                cache.remember(from_document(Message, doc.to_dict(), id=doc.id))
            cached.messages_loaded = True
            cached.messages_checked_at = time.monotonic()
        elif not cache.fresh(cached.messages_checked_at, ttl) and cached.messages:
            # Only what other instances wrote since our newest message (usually nothing: one read).
            newest = max(m.created_at for m in cached.messages.values())
            newer = self.messages(session_id).where(filter=FieldFilter("createdAt", ">", newest)).get()
            for doc in sorted(newer, key=lambda d: d.get("createdAt")):
                cache.remember(from_document(Message, doc.to_dict(), id=doc.id))
            cached.messages_checked_at = time.monotonic()
        return heapq.nsmallest(limit, cached.messages.values(), key=_newest_first)[::-1]

    def save_message(self, message: Message) -> None:
        self.messages(message.session_id).document(message.id).set(to_document(message, exclude={"id"}))
        cache.remember(message)

    def record_prompt(self, session_id: str, reply_id: str, prompt: list[ChatTurn], model: str) -> None:

        turns = [{"role": turn.role, "content": turn.content} for turn in prompt]
        self._session_ref(session_id).collection(PROMPTS).document(reply_id).set(
            {"messages": turns, "model": model, "createdAt": utcnow()}
        )

    def meter(self, session: Session) -> Session:

        if not charge_due(session, utcnow()):  # the usual case: no transaction, no extra read
            return session
        result = charge(self.db, session.id, settings=self.settings, seen=True, user_id=session.user_id)
        if result is None:
            return session
        cache.keep_session(result.session)
        if result.ended:
            self.events.ended(result.session)
        return result.session

    def set_ai_typing(self, session_id: str, typing: bool) -> None:
        """Keeping the cached session verifiable (create_message) across the reply's own typing writes."""
        cache.update_session(self.db, session_id, {"aiTyping": typing}, {"ai_typing": typing})

    def request_stats_flush(self, session_id: str) -> None:
        self.events.messages_changed(session_id)

    def page(
        self, session_id: str, *, cursor: str | None, limit: int
    ) -> tuple[list[Message], str | None, int]:
        """A transcript page in creation order, the next cursor (a message id) and the total count."""
        query: Any = self.messages(session_id).order_by("createdAt").order_by("__name__")
        if cursor:
            after = self.messages(session_id).document(cursor).get()
            if not after.exists:
                from shared.errors import ValidationFailed

                raise ValidationFailed("Unknown cursor.", details=[{"field": "cursor"}])
            query = query.start_after(after)
        docs = list(query.limit(limit + 1).get())
        messages = [from_document(Message, d.to_dict(), id=d.id) for d in docs[:limit]]
        next_cursor = messages[-1].id if len(docs) > limit else None
        total = int(self.messages(session_id).count().get()[0][0].value)  # type: ignore[no-untyped-call]
        return messages, next_cursor, total

    def last_messages(self, session_id: str, limit: int) -> list[Message]:
        """The newest `limit` messages in creation order, read from Firestore (not this instance's cache)."""
        from google.cloud.firestore import Query

        docs = self.messages(session_id).order_by("createdAt", direction=Query.DESCENDING).limit(limit).get()
        return [from_document(Message, d.to_dict(), id=d.id) for d in reversed(list(docs))]

    def all_messages(self, session_id: str, *, cap: int = 5000) -> list[Message]:
        docs = self.messages(session_id).order_by("createdAt").limit(cap).get()
        return [from_document(Message, d.to_dict(), id=d.id) for d in docs]


def _lost_contention(exc: Exception) -> bool:
    from google.api_core.exceptions import Aborted

    return isinstance(exc, Aborted) or (
        isinstance(exc, ValueError) and str(exc).startswith("Failed to commit transaction in")
    )


def _newest_first(message: Message) -> float:
    return -message.created_at.timestamp()
