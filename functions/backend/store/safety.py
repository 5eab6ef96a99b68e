"""Firestore adapter of the SafetyGateway: raising a session's level, its alert and the trusted contacts'
notifications in one place; what goes out afterwards (the deep assessment, pushes) through `SafetyOutbound`."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, cast

from backend import logs
from backend.store import cache
from backend.store.documents import EVENTS, SESSIONS, USERS, from_document, to_document
from backend.store.errors import translate_errors
from shared.clock import utcnow
from shared.errors import NotFound
from shared.expiry import notification_expiry
from shared.models.messages import AI_SPEAKER
from shared.models.safety import CrisisAlert
from shared.models.sessions import Session
from shared.safety.escalation import Escalation, alert_id_for, escalate
from shared.safety.gateway import NoSafetyOutbound, SafetyGateway, SafetyOutbound
from shared.safety.levels import SafetyLevel
from shared.safety.resources import resources_for
from shared.settings import Settings

if TYPE_CHECKING:
    from google.cloud.firestore import Client, Transaction

CRISIS_ALERTS = "crisisAlerts"
ASSESSMENTS = "safetyAssessments"
NOTIFICATIONS = "notifications"
CONTACT_OUTBOX = "trustedContactNotifications"


@translate_errors
class FirestoreSafetyGateway(SafetyGateway):
    def __init__(self, *, db: Client, settings: Settings, outbound: SafetyOutbound | None = None) -> None:
        self.db = db
        self.settings = settings
        self.outbound = outbound or NoSafetyOutbound()

    def apply(
        self,
        *,
        session_id: str,
        level: SafetyLevel,
        signals: list[str],
        message_id: str,
        source: str,
        message_created_at: datetime | None = None,
    ) -> Session:
        from google.cloud import firestore

        session_ref = self.db.collection(SESSIONS).document(session_id)

        @firestore.transactional
        def run(transaction: Transaction) -> tuple[Session, Escalation | None, bool]:
            snapshot = session_ref.get(transaction=transaction)
            if not snapshot.exists:
                raise NotFound("Session not found.")
            session = from_document(Session, snapshot.to_dict(), id=snapshot.id)
            locale = session.metadata.get("locale")
            change = escalate(
                session=session,
                level=level,
                signals=signals,
                message_id=message_id,
                source=source,
                now=utcnow(),
                resources=resources_for(
                    locale if isinstance(locale, str) else None, default_locale=self.settings.default_locale
                ),
                message_created_at=message_created_at,
            )
            if change is None:
                return session, None, False
            alert_ref = self.db.collection(CRISIS_ALERTS).document(change.alert.id) if change.alert else None
            existing_alert = alert_ref.get(transaction=transaction) if alert_ref else None
            # Deterministic ids: a redelivered assessment finds the same event. Events are an audit log,
            # so one that exists is never rewritten (its time and actor stand); only new ones are created.
            event_refs = [
                (
                    session_ref.collection(EVENTS).document(_event_id(event.type, message_id, event.data)),
                    event,
                )
                for event in change.events
            ]
            existing_events = {ref.id for ref, _ in event_refs if ref.get(transaction=transaction).exists}
            transaction.set(session_ref, to_document(change.session, exclude={"id"}))
            for ref, event in event_refs:
                if ref.id not in existing_events:
                    transaction.create(ref, to_document(event))
            new_alert = False
            if change.alert is not None and alert_ref is not None:
                if existing_alert is not None and existing_alert.exists:
                    transaction.update(
                        alert_ref,
                        {
                            "level": change.alert.level,
                            "signals": change.alert.signals,
                            "updatedAt": change.alert.updated_at,
                        },
                    )
                else:
                    transaction.set(alert_ref, to_document(change.alert, exclude={"id"}))
                    new_alert = True
            return change.session, change, new_alert

        session, change, new_alert = cast(tuple[Session, Escalation | None, bool], run(self.db.transaction()))
        cache.invalidate(session_id)
        if change is not None:
            logs.warning(
                "safety level raised",
                sessionId=session_id,
                userId=session.user_id,
                level=session.safety_state.value,
                source=source,
            )
        if new_alert and change is not None and change.alert is not None:
            self._notify_trusted_contacts(change.alert)
        return session

    def assessment_window(
        self, *, session_id: str, message_id: str, size: int
    ) -> tuple[str, list[str], datetime] | None:
        """The message's text, up to `size` earlier user messages (oldest first) and its creation time;
        None when it is gone."""
        messages = self.db.collection(SESSIONS).document(session_id).collection("messages")
        target = messages.document(message_id).get()
        if not target.exists:
            return None
        earlier = (
            messages.where("createdAt", "<", target.get("createdAt"))
            .order_by("createdAt", direction="DESCENDING")
            .limit(size * 2)
            .get()
        )
        context = [d.get("content") for d in reversed(list(earlier)) if d.get("speaker") != AI_SPEAKER]
        return str(target.get("content")), context[-size:], target.get("createdAt")

    def record_assessment(
        self, *, session_id: str, message_id: str, level: SafetyLevel, signals: list[str], source: str
    ) -> None:
        self.db.collection(ASSESSMENTS).document(message_id).set(
            {
                "sessionId": session_id,
                "level": level.value,
                "signals": signals,
                "source": source,
                "at": utcnow(),
            }
        )

    def alert_without_session(
        self, *, user_id: str, level: SafetyLevel, signals: list[str], message_key: str
    ) -> CrisisAlert:
        """A crisis alert for `POST /ai/chat`, which has no session: admins and trusted contacts are told
        all the same. `message_key` (a hash of the user, the text and the day) makes a retry find the same
        alert; its `sessionId` is `ai-chat-…`, so it is told apart from session alerts."""
        from google.api_core.exceptions import AlreadyExists

        now = utcnow()
        session_id = f"ai-chat-{message_key[:16]}"
        alert = CrisisAlert(
            id=alert_id_for(session_id, message_key),
            user_id=user_id,
            session_id=session_id,
            message_id=message_key,
            level=level.value,
            signals=signals,
            source="ai_chat",
            created_at=now,
            updated_at=now,
        )
        try:
            self.db.collection(CRISIS_ALERTS).document(alert.id).create(to_document(alert, exclude={"id"}))
        except AlreadyExists:
            return alert
        logs.warning("crisis alert without a session", userId=user_id, level=level.value, source="ai_chat")
        self._notify_trusted_contacts(alert)
        return alert

    def request_assessment(self, *, session: Session, message_id: str, level: SafetyLevel) -> None:
        self.outbound.assessment_requested(session=session, message_id=message_id, level=level)

    def _notify_trusted_contacts(self, alert: CrisisAlert) -> None:
        """Tell the contacts who ACCEPTED this user's invitation that the user may need support: fixed
        wording, never what was said, never text anyone typed; a push only to the token each contact
        registered for their own account. Contacts that have not accepted are told nothing."""
        from backend.store.contacts import accepted_contact_uids

        now = datetime.now(UTC)
        title = "Someone you support may need you"
        body = (
            "A person who listed you as a trusted contact may be going through a hard time. "
            "Please reach out to them. If you think they are in immediate danger, call emergency services."
        )
        for contact_uid in accepted_contact_uids(self.db, alert.user_id):
            note = {
                "type": "trusted_contact_alert",
                "title": title,
                "body": body,
                "fromUserId": alert.user_id,
                "createdAt": now,
                "read": False,
                "expiresAt": notification_expiry(now),
            }
            note_id = f"{alert.id}-{hashlib.sha256(contact_uid.encode()).hexdigest()[:12]}"
            contact_ref = self.db.collection(USERS).document(contact_uid)
            try:
                contact_ref.collection(NOTIFICATIONS).document(note_id).create(note)
            except Exception as exc:  # already notified (redelivery) or a transient failure: log, go on
                logs.info("trusted contact not notified", userId=alert.user_id, errorType=type(exc).__name__)
                continue
            token = (contact_ref.get(["fcmToken"]).to_dict() or {}).get("fcmToken")
            if isinstance(token, str) and token:
                self.outbound.push(token=token, title=title, body=body)


def _event_id(event_type: str, message_id: str, data: dict[str, Any]) -> str:
    return hashlib.sha256(f"{event_type}\n{message_id}\n{data.get('to', '')}".encode()).hexdigest()[:24]
