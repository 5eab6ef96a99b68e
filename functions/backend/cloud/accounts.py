"""Firebase Auth accounts of this project."""

from __future__ import annotations

from backend.cloud.clients import firebase_app
from shared.errors import NotFound


def ensure_account_exists(uid: str) -> None:
    """Only accounts of this project get credits (a typo must not create a stray user document)."""
    from firebase_admin import auth

    try:
        auth.get_user(uid, app=firebase_app())
    except auth.UserNotFoundError:
        raise NotFound("No user with this uid.") from None
