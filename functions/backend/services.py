"""Lazily built service adapters for this process."""

from __future__ import annotations

from functools import lru_cache

from backend.clients import firestore_client
from shared.services.sessions import SessionService
from shared.settings import get_settings


@lru_cache(maxsize=1)
def session_service() -> SessionService:
    from backend.store.sessions import FirestoreSessionService

    return FirestoreSessionService(settings=get_settings(), db=firestore_client())
