"""Lazy, cached cloud clients. Nothing is created at import time (cold start)."""

from __future__ import annotations

import os
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from shared.settings import get_settings

if TYPE_CHECKING:
    from firebase_admin import App
    from google.cloud.firestore import Client as FirestoreClient


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


@lru_cache(maxsize=1)
def firebase_app() -> App:
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


@lru_cache(maxsize=1)
def firestore_client() -> FirestoreClient:
    from google.cloud import firestore

    guard_emulators()
    from backend.cloud import query_log

    query_log.install()  # records query shapes for the index check when SESSIONS_RECORD_QUERIES is set
    client: FirestoreClient = firestore.Client(project=get_settings().project_id, credentials=_credentials())
    return client
