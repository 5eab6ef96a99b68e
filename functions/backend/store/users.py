"""Firestore writes to the `users/{uid}` document outside the session lifecycle."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import TYPE_CHECKING, Any

from backend.store.documents import USERS, from_document, to_document
from shared.clock import utcnow
from shared.models.safety import TrustedContact
from shared.models.users import UserDocument
from shared.sessions.lifecycle import new_user
from shared.settings import Settings

if TYPE_CHECKING:
    from google.cloud.firestore import Client, Transaction


# `erasedAccounts/{sha256}`: the credit balance an account had when its data was erased, under a hash of
# the uid (the uid itself is gone). Without it, erasing would be a way to get the starting grant again.
ERASED_ACCOUNTS = "erasedAccounts"


def erased_account_key(uid: str) -> str:
    return hashlib.sha256(f"erased-account:{uid}".encode()).hexdigest()


def user_from_snapshot(snapshot: Any, *, now: datetime, settings: Settings, db: Client) -> UserDocument:
    """The stored user, or the user a first request creates: with the starting grant, or for an account
    that erased its data, with the balance it had (one extra read, only for a user without a document)."""
    if not snapshot.exists:
        return new_user(now=now, starting_credits=_starting_credits(db, snapshot.reference.id, settings))
    return from_document(UserDocument, snapshot.to_dict())


def _starting_credits(db: Client, uid: str, settings: Settings) -> int:
    erased = db.collection(ERASED_ACCOUNTS).document(erased_account_key(uid)).get()
    if erased.exists:
        return int(erased.get("creditsRemaining"))
    return settings.starting_credits


def read_user(db: Client, uid: str, settings: Settings) -> UserDocument:
    return user_from_snapshot(
        db.collection(USERS).document(uid).get(), now=utcnow(), settings=settings, db=db
    )


def update_user_fields(db: Client, uid: str, fields: dict[str, Any], settings: Settings) -> UserDocument:
    """Set some of the user document's fields in a transaction; a new user gets the starting grant."""
    from google.cloud import firestore

    ref = db.collection(USERS).document(uid)

    @firestore.transactional
    def run(transaction: Transaction) -> UserDocument:
        now = utcnow()
        user = user_from_snapshot(ref.get(transaction=transaction), now=now, settings=settings, db=db)
        updated = user.model_copy(update={**fields, "updated_at": now})
        transaction.set(ref, to_document(updated))
        return updated

    result: UserDocument = run(db.transaction())
    return result


def replace_trusted_contacts(
    db: Client, uid: str, contacts: list[TrustedContact], settings: Settings
) -> UserDocument:
    """Replace (not merge) the contacts."""
    return update_user_fields(db, uid, {"trusted_contacts": contacts}, settings)


def set_fcm_token(db: Client, uid: str, token: str | None, settings: Settings) -> UserDocument:
    """Store (or with None remove) the app's FCM token; reminders are pushed to it."""
    return update_user_fields(db, uid, {"fcm_token": token}, settings)
