"""Lazily built service adapters for this process."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from backend.cloud.clients import firestore_client

if TYPE_CHECKING:
    from backend.store.messages import FirestoreMessageStore
    from backend.store.safety import FirestoreSafetyGateway
    from shared.conversation.turns import ConversationService
from shared.sessions.ports import SessionService
from shared.settings import get_settings


@lru_cache(maxsize=1)
def session_service() -> SessionService:
    from backend.cloud.timers import CloudTasksTimers
    from backend.store.sessions import FirestoreSessionService

    settings = get_settings()
    return FirestoreSessionService(
        settings=settings, db=firestore_client(), timers=CloudTasksTimers(settings=settings)
    )


@lru_cache(maxsize=1)
def message_store() -> FirestoreMessageStore:
    from backend.store.messages import FirestoreMessageStore

    return FirestoreMessageStore(db=firestore_client(), settings=get_settings())


@lru_cache(maxsize=1)
def conversation_service() -> ConversationService:
    from backend.ai import get_provider
    from backend.triggers.memory import FirestoreMemoryRecall
    from shared.clock import utcnow
    from shared.conversation.turns import ConversationService

    settings = get_settings()
    return ConversationService(
        store=message_store(),
        provider=get_provider(),
        safety=safety_gateway(),
        settings=settings,
        clock=utcnow,
        recall=FirestoreMemoryRecall(db=firestore_client(), settings=settings),
    )


@lru_cache(maxsize=1)
def safety_gateway() -> FirestoreSafetyGateway:
    from backend.store.safety import FirestoreSafetyGateway

    return FirestoreSafetyGateway(db=firestore_client(), settings=get_settings())
