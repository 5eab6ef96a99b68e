"""The stats-flush task: a session's aggregates without hammering the session document.

Every message asks for a flush (backend/cloud/events.py); the asks of one interval share one Cloud Task,
so the session document is written at most about once per `stats_flush_interval_seconds` whatever the
message rate or number of instances. The task recomputes the aggregates exactly from the messages
with one aggregation query, so it is idempotent: a redelivered task writes the same numbers again.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

from backend import wiring
from backend.store.documents import SESSIONS, from_document
from shared.memory.rolling import plan_roll, roll
from shared.models.messages import Message
from shared.settings import get_settings

MAX_WAIT_SECONDS = 5.0


def flush(session_id: str, not_before: float | None = None) -> dict[str, Any] | None:
    """Recompute and store the session's aggregates. Returns what was written (None: no session)."""
    from google.cloud.firestore import Query

    if not_before is not None:
        time.sleep(min(MAX_WAIT_SECONDS, max(0.0, not_before - time.time())))
    db = wiring.db()
    session_ref = db.collection(SESSIONS).document(session_id)
    messages = session_ref.collection("messages")
    aggregate = (
        messages.count(alias="count")
        .sum("tokensUsed", alias="tokens")
        .avg("responseTimeMs", alias="responseTime")
    )
    values = {result.alias: result.value for result in aggregate.get()[0]}
    newest = list(messages.order_by("createdAt", direction=Query.DESCENDING).limit(1).get())
    stats: dict[str, Any] = {
        "messageCount": int(values.get("count") or 0),
        "tokensUsed": int(values.get("tokens") or 0),
        "aiResponseTimeAvg": round(float(values["responseTime"]), 1) if values.get("responseTime") else None,
        "lastMessageAt": newest[0].get("createdAt") if newest else None,
        "statsUpdatedAt": datetime.now(UTC),
    }
    rolled = _roll(session_ref, stats["messageCount"])
    if rolled:
        stats.update(rolled)
    from google.api_core.exceptions import NotFound

    try:
        session_ref.update(stats)
    except NotFound:
        return None
    return stats


def _roll(session_ref: Any, message_count: int) -> dict[str, Any] | None:
    """Fold the messages that left the reply context into the rolling summary, when a roll is due
    (shared/memory/rolling.py). Reads the session only for sessions longer than the window."""
    from google.cloud.firestore import FieldFilter

    settings = get_settings()
    window, every = settings.context_messages, settings.rolling_summary_every
    if message_count < window + every:
        return None
    # What this instance last saw rolled: `through` only grows, so when even that says "not due", the
    # session is not read (one read per roll instead of one per flush).
    seen = _rolled_through.get(session_ref.id)
    if (
        seen is not None
        and plan_roll(message_count=message_count, through=seen, window=window, every=every) is None
    ):
        return None
    current = session_ref.get(field_paths=["rollingSummary", "rollingSummaryThrough", "rollingSummaryUntil"])
    known = current.to_dict() or {}
    through = int(known.get("rollingSummaryThrough") or 0)
    _remember_roll(session_ref.id, through)
    plan = plan_roll(message_count=message_count, through=through, window=window, every=every)
    if plan is None:
        return None
    query: Any = session_ref.collection("messages")
    if known.get("rollingSummaryUntil") is not None:
        query = query.where(filter=FieldFilter("createdAt", ">", known["rollingSummaryUntil"]))
    docs = query.order_by("createdAt").limit(plan.count).get()
    messages = [from_document(Message, d.to_dict(), id=d.id) for d in docs]
    if not messages:
        return None
    _remember_roll(session_ref.id, plan.through + len(messages))
    return {
        "rollingSummary": roll(known.get("rollingSummary"), messages),
        "rollingSummaryThrough": plan.through + len(messages),
        "rollingSummaryUntil": messages[-1].created_at,
    }


_rolled_through: dict[str, int] = {}


def _remember_roll(session_id: str, through: int) -> None:
    if len(_rolled_through) > 10_000:
        _rolled_through.clear()
    _rolled_through[session_id] = max(through, _rolled_through.get(session_id, 0))
