"""Firestore adapter of SessionService: every lifecycle change is one transaction."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, cast

from backend.store import cache
from backend.store.documents import (
    EVENTS,
    IDEMPOTENCY,
    SESSIONS,
    USERS,
    from_document,
    to_document,
)
from shared.clock import utcnow
from shared.errors import NotFound
from shared.lifecycle import Change, apply_action, ensure_live, needs_user, new_user, start_instant
from shared.models.sessions import ListSessionsQuery, Session, StartSessionRequest
from shared.models.users import Credits, UserDocument
from shared.services.sessions import Idempotency, SessionPage, SessionService
from shared.settings import Settings
from shared.statuses import SessionAction

if TYPE_CHECKING:
    from google.cloud.firestore import Client, DocumentReference, Transaction


class FirestoreSessionService(SessionService):
    def __init__(self, *, settings: Settings, db: Client) -> None:
        super().__init__(settings=settings)
        self.db = db

    # -- helpers -------------------------------------------------------------------------
    def _user_ref(self, user_id: str) -> DocumentReference:
        return self.db.collection(USERS).document(user_id)

    def _session_ref(self, session_id: str) -> DocumentReference:
        return self.db.collection(SESSIONS).document(session_id)

    def _idempotency_ref(self, user_id: str, idempotency: Idempotency) -> DocumentReference:
        records = self._user_ref(user_id).collection(IDEMPOTENCY)
        return cast("DocumentReference", records.document(idempotency.record_id))

    def _read_user(self, user_id: str, now: datetime, transaction: Any = None) -> UserDocument:
        snapshot = self._user_ref(user_id).get(transaction=transaction)
        if not snapshot.exists:
            return new_user(now=now, starting_credits=self.settings.starting_credits)
        return from_document(UserDocument, snapshot.to_dict())

    def _replay(
        self, transaction: Transaction, user_id: str, idempotency: Idempotency | None
    ) -> Session | None:
        if idempotency is None:
            return None
        snapshot = self._idempotency_ref(user_id, idempotency).get(transaction=transaction)
        if not snapshot.exists:
            return None
        record = snapshot.to_dict() or {}
        idempotency.check(record.get("fingerprint", ""))
        return Session.model_validate(record["result"])

    def _write(
        self,
        transaction: Transaction,
        user_id: str,
        change: Change,
        idempotency: Idempotency | None,
        now: datetime,
    ) -> Session:
        session_ref = self._session_ref(change.session.id)
        transaction.set(session_ref, to_document(change.session, exclude={"id"}))
        transaction.set(session_ref.collection(EVENTS).document(), to_document(change.event))
        if change.user is not None:
            transaction.set(self._user_ref(user_id), to_document(change.user))
        if idempotency is not None:
            transaction.set(
                self._idempotency_ref(user_id, idempotency),
                {
                    "fingerprint": idempotency.fingerprint,
                    "result": change.session.model_dump(mode="json"),
                    "createdAt": now,
                    "expiresAt": now + timedelta(hours=self.settings.idempotency_ttl_hours),
                },
            )
        return change.session

    def _load(self, session_id: str, transaction: Any = None) -> Session | None:
        snapshot = self._session_ref(session_id).get(transaction=transaction)
        if not snapshot.exists:
            return None
        return from_document(Session, snapshot.to_dict(), id=snapshot.id)

    def _owned(self, session: Session | None, user_id: str, is_admin: bool = False) -> Session:
        if session is None or (session.user_id != user_id and not is_admin):
            raise NotFound("Session not found.")
        return session

    # -- port ----------------------------------------------------------------------------
    def start(
        self, *, user_id: str, request: StartSessionRequest, idempotency: Idempotency | None = None
    ) -> Session:
        from google.cloud import firestore

        avatar = self.avatar(request.avatar)
        session_id = self.db.collection(SESSIONS).document().id

        @firestore.transactional
        def run(transaction: Transaction) -> Session:
            if (replayed := self._replay(transaction, user_id, idempotency)) is not None:
                return replayed
            now = utcnow()
            change = start_instant(
                user=self._read_user(user_id, now, transaction),
                user_id=user_id,
                session_id=session_id,
                request=request,
                avatar=avatar,
                now=now,
                max_live_sessions=self.settings.max_live_sessions_per_user,
            )
            return self._write(transaction, user_id, change, idempotency, now)

        return cast(Session, run(self.db.transaction()))

    def get(self, *, user_id: str, session_id: str, is_admin: bool = False) -> Session:
        return self._owned(self._load(session_id), user_id, is_admin)

    def get_live(self, *, user_id: str) -> Session | None:
        snapshot = self._user_ref(user_id).get()
        if not snapshot.exists:
            return None
        user = from_document(UserDocument, snapshot.to_dict())
        if not user.live_session_ids:
            return None
        return self._load(user.live_session_ids[0])

    def list(self, *, user_id: str | None, query: ListSessionsQuery) -> SessionPage:
        from google.cloud.firestore import FieldFilter, Query

        base: Any = self.db.collection(SESSIONS)
        if user_id is not None:
            base = base.where(filter=FieldFilter("userId", "==", user_id))
        if query.status is not None:
            base = base.where(filter=FieldFilter("status", "==", query.status.value))
        total = int(base.count().get()[0][0].value)
        ordered = base.order_by("createdAt", direction=Query.DESCENDING)
        page = ordered.offset((query.page - 1) * query.limit).limit(query.limit).get()
        sessions = [from_document(Session, doc.to_dict(), id=doc.id) for doc in page]
        return SessionPage(sessions=sessions, total=total)

    def act(
        self,
        *,
        user_id: str,
        session_id: str,
        action: SessionAction,
        reason: str | None = None,
        user_rating: int | None = None,
        idempotency: Idempotency | None = None,
    ) -> Session:
        from google.cloud import firestore

        @firestore.transactional
        def run(transaction: Transaction) -> Session:
            if (replayed := self._replay(transaction, user_id, idempotency)) is not None:
                return replayed
            session = self._owned(self._load(session_id, transaction), user_id)
            now = utcnow()
            user = self._read_user(session.user_id, now, transaction) if needs_user(action) else None
            change = apply_action(
                session=session,
                action=action,
                actor=user_id,
                now=now,
                user=user,
                reason=reason,
                user_rating=user_rating,
            )
            return self._write(transaction, session.user_id, change, idempotency, now)

        result = cast(Session, run(self.db.transaction()))
        cache.invalidate(session_id)  # the message path must see the new status at once
        return result

    def heartbeat(self, *, user_id: str, session_id: str) -> datetime:
        session = self._owned(self._load(session_id), user_id)
        ensure_live(session, "heartbeat")
        now = utcnow()
        self._session_ref(session_id).update({"lastSeenAt": now})
        return now

    def credits(self, *, user_id: str) -> Credits:
        return self._read_user(user_id, utcnow()).credits
