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
from shared.models.safety import CrisisAlert, CrisisResources
from shared.models.sessions import Session
from shared.safety.contact_mail import trusted_contact_mail
from shared.safety.escalation import Escalation, alert_id_for, escalate
from shared.safety.gateway import NoSafetyOutbound, SafetyGateway, SafetyOutbound
from shared.safety.levels import SafetyLevel
from shared.safety.referral import Referral
from shared.safety.referring import carried_referral, referral_record
from shared.safety.resources import resources_for
from shared.settings import Settings

if TYPE_CHECKING:
    from google.cloud.firestore import Client, Transaction

CRISIS_ALERTS = "crisisAlerts"
ASSESSMENTS = "safetyAssessments"
NOTIFICATIONS = "notifications"
CONTACT_OUTBOX = "trustedContactNotifications"
REFERRALS = "referrals"


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

    def refer(
        self, *, session_id: str, message_id: str, referral: Referral, resources: CrisisResources
    ) -> Session:
        from google.cloud import firestore

        session_ref = self.db.collection(SESSIONS).document(session_id)
        record_ref = self.db.collection(REFERRALS).document(message_id)

        @firestore.transactional
        def run(transaction: Transaction) -> tuple[Session, bool]:
            snapshot = session_ref.get(transaction=transaction)
            if not snapshot.exists:
                raise NotFound("Session not found.")
            session = from_document(Session, snapshot.to_dict(), id=snapshot.id)
            if record_ref.get(transaction=transaction).exists:
                return session, False  # a retried turn: recorded and shown already
            now = utcnow()
            transaction.set(record_ref, to_document(referral_record(referral, now=now, source="session")))
            update = {
                "referral": carried_referral(session.referral, referral, now),
                "crisis_resources": session.crisis_resources or resources,
                "updated_at": now,
            }
            changed = session.model_copy(update=update)
            transaction.update(
                session_ref,
                changed.model_dump(
                    mode="python", by_alias=True, include={"referral", "crisis_resources", "updated_at"}
                ),
            )
            return changed, True

        session, recorded = cast(tuple[Session, bool], run(self.db.transaction()))
        if recorded:
            cache.invalidate(session_id)
            logs.info(
                "referral made",
                sessionId=session_id,
                kind=referral.kind.value,
                level=referral.level.value,
                protocolVersion=referral.protocol_version,
            )
        return session

    def refer_without_session(self, *, message_key: str, referral: Referral) -> bool:
        """Record a `POST /ai/chat` referral once per `message_key` (a hash of the user, the text and the
        day); False when a retry had recorded it already."""
        from google.api_core.exceptions import AlreadyExists

        record = referral_record(referral, now=utcnow(), source="ai_chat")
        try:
            self.db.collection(REFERRALS).document(f"ai-chat-{message_key[:32]}").create(to_document(record))
        except AlreadyExists:
            return False
        return True

    def request_assessment(self, *, session: Session, message_id: str, level: SafetyLevel) -> None:
        self.outbound.assessment_requested(session=session, message_id=message_id, level=level)

    def _notify_trusted_contacts(self, alert: CrisisAlert) -> None:
        """Tell the contacts who ACCEPTED this user's invitation that the user may need support: fixed
        wording, never what was said, never text anyone typed; a push only to the token each contact
        registered for their own account. Contacts that have not accepted are told nothing.

        A contact invited by e-mail (an address the accepting account proved it owns) is also e-mailed,
        through a document in the format of the "Trigger Email from Firestore" extension
        (`Settings.mail_collection`, docs/deploy.md), so a contact without the app is reached too. The
        e-mail's id is `{alertId}-{position}` (the contact's place in the user's list), so a redelivery
        writes nothing twice and an erase of the user finds it."""
        from backend.store.contacts import accepted_invites, verified_email

        now = datetime.now(UTC)
        title = "Someone you support may need you"
        body = (
            "A person who listed you as a trusted contact may be going through a hard time. "
            "Please reach out to them. If you think they are in immediate danger, call emergency services."
        )
        for invite in accepted_invites(self.db, alert.user_id):
            contact_uid = str(invite.contact_uid)
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
            address = verified_email(invite)
            if address:
                self._mail_contact(f"{alert.id}-{invite.position}", address, title, body)
            token = (contact_ref.get(["fcmToken"]).to_dict() or {}).get("fcmToken")
            if isinstance(token, str) and token:
                self.outbound.push(token=token, title=title, body=body)

    def _mail_contact(self, mail_id: str, address: str, title: str, body: str) -> None:
        mail = trusted_contact_mail(to=address, subject=title, body=body)
        try:
            self.db.collection(self.settings.mail_collection).document(mail_id).create(mail)
        except Exception as exc:  # already written (redelivery) or a transient failure: the note stands
            logs.info("trusted contact not e-mailed", errorType=type(exc).__name__)


def _event_id(event_type: str, message_id: str, data: dict[str, Any]) -> str:
    return hashlib.sha256(f"{event_type}\n{message_id}\n{data.get('to', '')}".encode()).hexdigest()[:24]
