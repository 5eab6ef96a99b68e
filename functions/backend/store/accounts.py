"""The user's account as the API sees it: balance grants, trusted contacts, push token, the minor flag,
app state, profile, live sessions, export and erase. One object over the Firestore functions of users.py,
userdata.py, credits.py and erasure.py, so handlers get it from the composition root and never hold
a client."""

from __future__ import annotations

from typing import TYPE_CHECKING

from backend.store import credits, erasure, userdata, users
from backend.store.documents import SESSIONS, USERS
from backend.store.errors import translate_errors
from shared.models.safety import TrustedContact
from shared.models.sessions import Session
from shared.models.userdata import (
    AdminStatsResponse,
    ErasedCounts,
    UserExport,
    UserProfileResponse,
    UserState,
    UserStateRequest,
)
from shared.models.users import UserDocument
from shared.sessions.ports import Idempotency, SessionTimers
from shared.settings import Settings

if TYPE_CHECKING:
    from google.cloud.firestore import Client


@translate_errors
class FirestoreAccounts:
    def __init__(self, *, db: Client, settings: Settings, timers: SessionTimers) -> None:
        self.db = db
        self.settings = settings
        self.timers = timers

    def user(self, uid: str) -> UserDocument:
        return users.read_user(self.db, uid, self.settings)

    def replace_trusted_contacts(self, uid: str, contacts: list[TrustedContact]) -> UserDocument:
        return users.replace_trusted_contacts(self.db, uid, contacts, self.settings)

    def set_fcm_token(self, uid: str, token: str | None) -> UserDocument:
        return users.set_fcm_token(self.db, uid, token, self.settings)

    def has_user_document(self, uid: str) -> bool:
        return bool(self.db.collection(USERS).document(uid).get().exists)

    def set_minor(self, uid: str, minor: bool) -> UserDocument:
        """The app's flag (admin API only): a minor gets break reminders with the AI notices."""
        return users.update_user_fields(self.db, uid, {"minor": minor}, self.settings)

    def state(self, uid: str) -> UserState:
        return userdata.read_state(self.db, uid)

    def replace_state(self, uid: str, request: UserStateRequest) -> UserState:
        return userdata.replace_state(self.db, uid, request)

    def profile(self, uid: str) -> UserProfileResponse:
        return userdata.profile(self.db, uid)

    def live_sessions(self, uid: str) -> list[Session]:
        return userdata.live_sessions(self.db, uid)

    def export(self, uid: str) -> UserExport:
        return userdata.export_user(self.db, uid)

    def erase(self, uid: str) -> tuple[ErasedCounts, int, int]:
        return erasure.erase_user(self.db, uid)

    def stats(self) -> AdminStatsResponse:
        return userdata.admin_stats(self.db)

    def grant_credits(
        self,
        *,
        user_id: str,
        delta: int,
        reason: str,
        actor: str,
        idempotency: Idempotency | None = None,
        idempotency_owner: str | None = None,
    ) -> tuple[int, int]:
        return credits.grant_credits(
            db=self.db,
            user_id=user_id,
            delta=delta,
            reason=reason,
            actor=actor,
            settings=self.settings,
            timers=self.timers,
            idempotency=idempotency,
            idempotency_owner=idempotency_owner,
        )

    def session_owner(self, session_id: str) -> str | None:
        """The owner of a session, or None when there is no such session (one field read)."""

        snapshot = self.db.collection(SESSIONS).document(session_id).get(["userId"])
        return str(snapshot.get("userId")) if snapshot.exists else None
