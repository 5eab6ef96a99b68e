"""The composition root: every adapter of this process is built here, once and lazily, with the ports it
needs injected. API handlers and trigger handlers get their services from here and never create a
client; the store, cloud and ai adapters never import this module (dependencies point down)."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from shared.settings import get_settings

if TYPE_CHECKING:
    from google.cloud.firestore import Client

    from backend.ai.facts import OpenAIFactExtractor
    from backend.cloud.events import CloudSessionEvents
    from backend.cloud.room_events import CloudRoomEvents
    from backend.cloud.room_timers import CloudTasksRoomTimers
    from backend.cloud.safety_outbound import CloudSafetyOutbound
    from backend.cloud.timers import CloudTasksTimers
    from backend.store.accounts import FirestoreAccounts
    from backend.store.alerts import FirestoreCrisisAlerts
    from backend.store.analytics import FirestoreAnalytics
    from backend.store.contacts import FirestoreContacts
    from backend.store.forgetting import FirestoreForgetting
    from backend.store.messages import FirestoreMessageStore
    from backend.store.preferences import FirestorePreferences
    from backend.store.recall import FirestoreMemoryRecall, FirestoreMemorySearch
    from backend.store.rooms import FirestoreRoomStore
    from backend.store.safety import FirestoreSafetyGateway
    from shared.anonymous_limit import AnonymousLimiter
    from shared.conversation.grounding import KnowledgeBaseGrounding
    from shared.conversation.provider import AiProvider
    from shared.conversation.turns import ConversationService
    from shared.knowledge.service import KnowledgeBase
    from shared.memory.embedding import Embedder
    from shared.memory.summarize import Summarizer
    from shared.ratelimit import LeasedRateLimiter
    from shared.rooms.service import RoomService
    from shared.sessions.ports import SessionService


def db() -> Client:
    from backend.cloud.clients import firestore_client

    return firestore_client()


@lru_cache(maxsize=1)
def session_events() -> CloudSessionEvents:
    from backend.cloud.events import CloudSessionEvents

    return CloudSessionEvents(settings=get_settings())


@lru_cache(maxsize=1)
def timers() -> CloudTasksTimers:
    from backend.cloud.timers import CloudTasksTimers

    return CloudTasksTimers(settings=get_settings())


@lru_cache(maxsize=1)
def safety_outbound() -> CloudSafetyOutbound:
    from backend.cloud.safety_outbound import CloudSafetyOutbound

    return CloudSafetyOutbound()


@lru_cache(maxsize=1)
def session_service() -> SessionService:
    from backend.store.sessions import FirestoreSessionService

    return FirestoreSessionService(settings=get_settings(), db=db(), timers=timers(), events=session_events())


@lru_cache(maxsize=1)
def message_store() -> FirestoreMessageStore:
    from backend.store.messages import FirestoreMessageStore

    return FirestoreMessageStore(db=db(), settings=get_settings(), events=session_events())


@lru_cache(maxsize=1)
def safety_gateway() -> FirestoreSafetyGateway:
    from backend.store.safety import FirestoreSafetyGateway

    return FirestoreSafetyGateway(db=db(), settings=get_settings(), outbound=safety_outbound())


@lru_cache(maxsize=1)
def crisis_alerts() -> FirestoreCrisisAlerts:
    from backend.store.alerts import FirestoreCrisisAlerts

    return FirestoreCrisisAlerts(db=db())


@lru_cache(maxsize=1)
def analytics() -> FirestoreAnalytics:
    from backend.store.analytics import FirestoreAnalytics

    return FirestoreAnalytics(db=db())


@lru_cache(maxsize=1)
def forgetting() -> FirestoreForgetting:
    from backend.store.forgetting import FirestoreForgetting

    return FirestoreForgetting(db=db())


@lru_cache(maxsize=1)
def contacts() -> FirestoreContacts:
    from backend.store.contacts import FirestoreContacts

    return FirestoreContacts(db=db(), settings=get_settings())


@lru_cache(maxsize=1)
def accounts() -> FirestoreAccounts:
    from backend.store.accounts import FirestoreAccounts

    return FirestoreAccounts(db=db(), settings=get_settings(), timers=timers())


def ai_provider() -> AiProvider:
    from backend.ai import get_provider

    return get_provider()


def summarizer() -> Summarizer:
    from backend.ai.memory import get_summarizer

    return get_summarizer()


def embedder() -> Embedder:
    from backend.ai.memory import get_embedder

    return get_embedder()


@lru_cache(maxsize=1)
def fact_extractor() -> OpenAIFactExtractor | None:
    from backend.ai.facts import get_fact_extractor

    return get_fact_extractor()


@lru_cache(maxsize=1)
def memory_search() -> FirestoreMemorySearch:
    from backend.store.recall import FirestoreMemorySearch

    return FirestoreMemorySearch(db=db(), embedder=embedder)


@lru_cache(maxsize=1)
def memory_recall() -> FirestoreMemoryRecall:
    from backend.store.recall import FirestoreMemoryRecall

    return FirestoreMemoryRecall(
        db=db(), settings=get_settings(), messages=message_store(), search=memory_search()
    )


@lru_cache(maxsize=1)
def user_preferences() -> FirestorePreferences:
    from backend.store.preferences import FirestorePreferences

    return FirestorePreferences(db=db(), settings=get_settings())


def knowledge_base() -> KnowledgeBase:
    """The app's knowledge base (cheap to build; the embedder loads only when a query needs it)."""
    from backend.store.knowledge import knowledge_base as build

    return build(db(), embedder)


@lru_cache(maxsize=1)
def grounding() -> KnowledgeBaseGrounding:
    from shared.conversation.grounding import KnowledgeBaseGrounding

    return KnowledgeBaseGrounding(
        knowledge=knowledge_base, empty_recheck_seconds=get_settings().knowledge_empty_recheck_seconds
    )


@lru_cache(maxsize=1)
def conversation_service() -> ConversationService:
    from shared.clock import utcnow
    from shared.conversation.turns import ConversationService

    return ConversationService(
        store=message_store(),
        provider=ai_provider(),
        safety=safety_gateway(),
        settings=get_settings(),
        clock=utcnow,
        recall=memory_recall(),
        grounding=grounding(),
    )


@lru_cache(maxsize=1)
def rate_limiter() -> LeasedRateLimiter:
    import time
    from functools import partial

    from backend import logs
    from backend.store.rate_limits import reserve_tokens
    from shared.ratelimit import LeasedRateLimiter

    settings = get_settings()
    return LeasedRateLimiter(
        limit=settings.rate_limit_per_minute,
        lease_size=settings.rate_limit_lease_size,
        reserve=partial(reserve_tokens, db(), settings.rate_limit_per_minute),
        clock=time.time,
        on_error=lambda exc: logs.warning("rate limit reservation failed", errorType=type(exc).__name__),
    )


@lru_cache(maxsize=1)
def anonymous_limiter() -> AnonymousLimiter:
    """Requests nobody vouches for, limited in this instance's memory (no storage work for strangers)."""
    import time

    from shared.anonymous_limit import AnonymousLimiter

    settings = get_settings()
    return AnonymousLimiter(
        per_address=settings.anonymous_rate_limit_per_minute,
        total=settings.anonymous_total_per_minute,
        clock=time.time,
    )


@lru_cache(maxsize=1)
def room_timers() -> CloudTasksRoomTimers:
    from backend.cloud.room_timers import CloudTasksRoomTimers

    return CloudTasksRoomTimers()


@lru_cache(maxsize=1)
def room_events() -> CloudRoomEvents:
    from backend.cloud.room_events import CloudRoomEvents

    return CloudRoomEvents()


@lru_cache(maxsize=1)
def room_store() -> FirestoreRoomStore:
    from backend.cloud.room_timers import request_flush
    from backend.store.rooms import FirestoreRoomStore

    return FirestoreRoomStore(db=db(), on_lines=request_flush)


@lru_cache(maxsize=1)
def room_service() -> RoomService:
    import time

    from shared.clock import utcnow
    from shared.rooms.config import room_settings
    from shared.rooms.service import RoomService

    settings = get_settings()
    return RoomService(
        store=room_store(),
        provider=ai_provider(),
        settings=room_settings(),
        clock=utcnow,
        monotonic=time.monotonic,
        timers=room_timers(),
        events=room_events(),
        stream_interval_s=settings.stream_update_interval_ms / 1000,
        ai_timeout_s=settings.ai_timeout_seconds,
        default_locale=settings.default_locale,
    )
