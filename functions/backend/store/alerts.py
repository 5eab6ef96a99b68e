"""Crisis alerts for admins: the list, acknowledge and resolve, clearing a session's level, and the yearly
referral counts (no ids, no content, no personal data)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from backend.store import cache
from backend.store.documents import EVENTS, SESSIONS, from_document, to_document
from backend.store.errors import translate_errors
from backend.store.safety import CRISIS_ALERTS, REFERRALS
from shared.clock import utcnow
from shared.errors import InvalidStateTransition, NotFound
from shared.models.safety import CrisisAlert, ReferralRecord, ReferralReport
from shared.models.sessions import Session
from shared.safety.escalation import clear
from shared.safety.report import count_referrals

if TYPE_CHECKING:
    from google.cloud.firestore import Client, Transaction


@translate_errors
class FirestoreCrisisAlerts:
    def __init__(self, *, db: Client) -> None:
        self.db = db

    def list(self, *, status: str | None, limit: int) -> list[CrisisAlert]:
        return list_alerts(self.db, status=status, limit=limit)

    def acknowledge(self, alert_id: str, *, admin_uid: str) -> CrisisAlert:
        return _alert_transition(self.db, alert_id, to="acknowledged", admin_uid=admin_uid, note=None)

    def resolve(self, alert_id: str, *, admin_uid: str, note: str) -> CrisisAlert:
        return _alert_transition(self.db, alert_id, to="resolved", admin_uid=admin_uid, note=note)

    def clear_session_safety(self, session_id: str, *, admin_uid: str, note: str) -> Session:
        return clear_session_safety(self.db, session_id, admin_uid=admin_uid, note=note)

    def referral_report(self, year: int) -> ReferralReport:
        return referral_report(self.db, year)


def list_alerts(db: Client, *, status: str | None, limit: int) -> list[CrisisAlert]:
    from google.cloud.firestore import FieldFilter, Query

    query: Any = db.collection(CRISIS_ALERTS)
    if status:
        query = query.where(filter=FieldFilter("status", "==", status))
    docs = query.order_by("createdAt", direction=Query.DESCENDING).limit(limit).get()
    return [from_document(CrisisAlert, d.to_dict(), id=d.id) for d in docs]


def _alert_transition(db: Client, alert_id: str, *, to: str, admin_uid: str, note: str | None) -> CrisisAlert:
    from google.cloud import firestore

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


def clear_session_safety(db: Client, session_id: str, *, admin_uid: str, note: str) -> Session:
    from google.cloud import firestore

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


def referral_report(db: Client, year: int) -> ReferralReport:
    """The yearly report: exact referral counts from `referrals/{messageId}` (one record per message that
    called for one) plus the alert workflow's counts. Reads counts' inputs only: no ids, no content."""
    from google.cloud.firestore import FieldFilter

    start, end = datetime(year, 1, 1, tzinfo=UTC), datetime(year + 1, 1, 1, tzinfo=UTC)
    records = (
        ReferralRecord.model_validate(doc.to_dict())
        for doc in db.collection(REFERRALS)
        .where(filter=FieldFilter("createdAt", ">=", start))
        .where(filter=FieldFilter("createdAt", "<", end))
        .get()
    )
    alerts = (
        db.collection(CRISIS_ALERTS)
        .where(filter=FieldFilter("createdAt", ">=", start))
        .where(filter=FieldFilter("createdAt", "<", end))
        .select(["status"])
        .get()
    )
    statuses = [(doc.to_dict() or {}).get("status") for doc in alerts]
    counts = {
        "crisis_alerts": len(statuses),
        "acknowledged": sum(s in ("acknowledged", "resolved") for s in statuses),
        "resolved": sum(s == "resolved" for s in statuses),
    }
    return count_referrals(year, records, counts)
