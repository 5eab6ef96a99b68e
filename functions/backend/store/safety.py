"""Firestore + Pub/Sub adapter of the SafetyGateway, and the crisis-alert queries admins use."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, cast

from backend import logs
from backend.pubsub import publish
from backend.store import cache
from backend.store.documents import EVENTS, SESSIONS, USERS, from_document, to_document
from shared.clock import utcnow
from shared.errors import NotFound
from shared.models.safety import CrisisAlert
from shared.models.sessions import Session
from shared.safety.escalation import Escalation, alert_id_for, escalate
from shared.safety.gateway import SafetyGateway
from shared.safety.levels import SafetyLevel
from shared.safety.resources import resources_for
from shared.settings import Settings

if TYPE_CHECKING:
    from google.cloud.firestore import Client, Transaction

CRISIS_ALERTS = "crisisAlerts"
ASSESSMENT_TOPIC = "safety-assessments"
NOTIFICATIONS = "notifications"
CONTACT_OUTBOX = "trustedContactNotifications"


class FirestoreSafetyGateway(SafetyGateway):
    def __init__(self, *, db: Client, settings: Settings) -> None:
        self.db = db
        self.settings = settings

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
        payload = {
            "sessionId": session.id,
            "messageId": message_id,
            "userId": session.user_id,
            "inlineLevel": level.value,
        }
        try:
            publish(ASSESSMENT_TOPIC, payload)
        except Exception as exc:  # the inline verdict already stands; the deep pass can only add to it
            logs.error("safety assessment not published", sessionId=session.id, errorType=type(exc).__name__)

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
                _send_fcm(token, title, body)


def _event_id(event_type: str, message_id: str, data: dict[str, Any]) -> str:
    return hashlib.sha256(f"{event_type}\n{message_id}\n{data.get('to', '')}".encode()).hexdigest()[:24]


def _send_fcm(token: str, title: str, body: str) -> None:
    """FCM push to a trusted contact; a dry run locally (the emulators have no FCM)."""
    from firebase_admin import messaging

    from backend.clients import emulated, firebase_app

    message = messaging.Message(token=token, notification=messaging.Notification(title=title, body=body))
    try:
        messaging.send(message, dry_run=emulated(), app=firebase_app())
    except Exception as exc:
        logs.warning("FCM not sent", errorType=type(exc).__name__)


def list_alerts(db: Client, *, status: str | None, limit: int) -> list[CrisisAlert]:
    from google.cloud.firestore import FieldFilter, Query

    query: Any = db.collection(CRISIS_ALERTS)
    if status:
        query = query.where(filter=FieldFilter("status", "==", status))
    docs = query.order_by("createdAt", direction=Query.DESCENDING).limit(limit).get()
    return [from_document(CrisisAlert, d.to_dict(), id=d.id) for d in docs]


def _alert_transition(db: Client, alert_id: str, *, to: str, admin_uid: str, note: str | None) -> CrisisAlert:
    from google.cloud import firestore

    from shared.errors import InvalidStateTransition

    allowed = {"acknowledged": ("active",), "resolved": ("active", "acknowledged")}[to]
    ref = db.collection(CRISIS_ALERTS).document(alert_id)

    @firestore.transactional
    def run(transaction: Transaction) -> CrisisAlert:
        snapshot = ref.get(transaction=transaction)
        if not snapshot.exists:
            raise NotFound("Alert not found.")
        alert = from_document(CrisisAlert, snapshot.to_dict(), id=snapshot.id)
        if alert.status not in allowed:
            raise InvalidStateTransition(
                f"Cannot mark a {alert.status} alert {to}.", details={"status": alert.status}
            )
        now = utcnow()
        update: dict[str, Any] = {"status": to, "updated_at": now}
        if to == "acknowledged":
            update |= {"acknowledged_at": now, "acknowledged_by": admin_uid}
        else:
            update |= {"resolved_at": now, "resolved_by": admin_uid, "resolution_note": note}
        changed = alert.model_copy(update=update)
        transaction.set(ref, to_document(changed, exclude={"id"}))
        return changed

    result: CrisisAlert = run(db.transaction())
    return result


def acknowledge_alert(db: Client, alert_id: str, *, admin_uid: str) -> CrisisAlert:
    return _alert_transition(db, alert_id, to="acknowledged", admin_uid=admin_uid, note=None)


def resolve_alert(db: Client, alert_id: str, *, admin_uid: str, note: str) -> CrisisAlert:
    return _alert_transition(db, alert_id, to="resolved", admin_uid=admin_uid, note=note)


def clear_session_safety(db: Client, session_id: str, *, admin_uid: str, note: str) -> Session:
    from google.cloud import firestore

    from shared.safety.escalation import clear

    ref = db.collection(SESSIONS).document(session_id)

    @firestore.transactional
    def run(transaction: Transaction) -> Session:
        snapshot = ref.get(transaction=transaction)
        if not snapshot.exists:
            raise NotFound("Session not found.")
        session = from_document(Session, snapshot.to_dict(), id=snapshot.id)
        cleared, event = clear(session=session, admin_uid=admin_uid, note=note, now=utcnow())
        transaction.set(ref, to_document(cleared, exclude={"id"}))
        transaction.set(ref.collection(EVENTS).document(), to_document(event))
        return cleared

    result: Session = run(db.transaction())
    cache.invalidate(session_id)
    return result


def referral_counts(db: Client, year: int) -> dict[str, Any]:
    """Yearly counts for the crisis-referral report: no ids, no content, no personal data."""
    from google.cloud.firestore import FieldFilter

    start, end = datetime(year, 1, 1, tzinfo=UTC), datetime(year + 1, 1, 1, tzinfo=UTC)
    docs = (
        db.collection(CRISIS_ALERTS)
        .where(filter=FieldFilter("createdAt", ">=", start))
        .where(filter=FieldFilter("createdAt", "<", end))
        .select(["level", "status", "createdAt", "sessionId"])
        .get()
    )
    by_level: dict[str, int] = {}
    by_month: dict[str, int] = {f"{m:02d}": 0 for m in range(1, 13)}
    acknowledged = resolved = 0
    sessions: set[str] = set()
    for doc in docs:
        data = doc.to_dict() or {}
        by_level[data["level"]] = by_level.get(data["level"], 0) + 1
        by_month[f"{data['createdAt'].month:02d}"] += 1
        acknowledged += data["status"] in ("acknowledged", "resolved")
        resolved += data["status"] == "resolved"
        sessions.add(data["sessionId"])
    return {
        "crisis_alerts": sum(by_level.values()),
        "by_level": by_level,
        "by_month": by_month,
        "acknowledged": acknowledged,
        "resolved": resolved,
        "sessions_shown_resources": len(sessions),
    }
