"""Lazy, cached cloud clients. Nothing is created at import time (cold start)."""

from __future__ import annotations

import os
import threading
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from shared.settings import get_settings

if TYPE_CHECKING:
    from firebase_admin import App
    from google.cloud.firestore import Client as FirestoreClient


# lru_cache does not stop two threads of a fresh instance from building a client at once, and a second
# `initialize_app` raises: the first requests of an instance arrive together, so creation is serialised.
_creating = threading.Lock()


def emulated() -> bool:
    return bool(os.environ.get("FIRESTORE_EMULATOR_HOST") or os.environ.get("FUNCTIONS_EMULATOR"))


def guard_emulators() -> None:
    """Every client starts here: emulator variables in a non-demo project stop the process's work."""
    from shared.emulator_guard import check_emulator_variables

    check_emulator_variables(os.environ, get_settings().project_id)


def _credentials() -> Any:
    """Anonymous credentials in emulator mode (there is no ADC offline); ADC in the cloud."""
    if not emulated():
        return None
    from google.auth.credentials import AnonymousCredentials

    return AnonymousCredentials()  # type: ignore[no-untyped-call]


def firebase_app() -> App:
    with _creating:
        return _firebase_app()


@lru_cache(maxsize=1)
def _firebase_app() -> App:
    import firebase_admin
    from firebase_admin import credentials

    guard_emulators()

    class _Anonymous(credentials.Base):  # type: ignore[misc]
        def get_credential(self) -> Any:
            return _credentials()

    options = {"projectId": get_settings().project_id}
    if emulated():
        return firebase_admin.initialize_app(_Anonymous(), options=options)
    return firebase_admin.initialize_app(options=options)


def firestore_client() -> FirestoreClient:
    with _creating:
        return _firestore_client()


@lru_cache(maxsize=1)
def _firestore_client() -> FirestoreClient:
    from google.cloud import firestore

    guard_emulators()
    from backend.cloud import query_log

    query_log.install()  # records query shapes for the index check when SESSIONS_RECORD_QUERIES is set
    client: FirestoreClient = firestore.Client(project=get_settings().project_id, credentials=_credentials())
    return client


def forget_clients() -> None:
    """Drop the cached clients (tests that change the environment between cases)."""
    with _creating:
        _firebase_app.cache_clear()
        _firestore_client.cache_clear()
