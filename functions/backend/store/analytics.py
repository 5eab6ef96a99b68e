"""Daily usage rollups and live figures from Firestore aggregation queries.

A day's rollup covers the sessions *started* on that UTC day and the AI messages *created* on it. It is
recomputed from the source documents every time (never incremented), inside a transaction that writes
only when a figure changed: re-running a day, or back-filling a range, is idempotent.

Each aggregation asks for one figure: Firestore counts, in a query with several aggregations, only
the documents that have every aggregated field.

Cost per rolled-up day (billed reads): six aggregation queries over the day's sessions and two over
its AI messages, each 1 read per started batch of 1000 index entries (so 8 reads for a day with under
1000 sessions), plus one read per session of the day for the distinct-user count (a projection of
`userId` only: Firestore has no count-distinct), plus 1 read and at most 1 write of the rollup document.
A day with 10,000 sessions costs about 10,090 reads and 1 write (about $0.006 at $0.06 per 100,000
reads). Live figures cost five aggregation queries (about 5 reads while fewer than 1000 messages arrive
per window).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from backend.store.errors import translate_errors
from shared.models.analytics import DailyMetrics, LiveMetrics

ANALYTICS_DAILY = "analyticsDaily"
SESSIONS = "sessions"
MESSAGES = "messages"
LIVE_STATUSES = ["active", "paused"]
LIVE_WINDOW_SECONDS = 300
# Figures compared to decide whether a rollup changed (computedAt is not a figure).
_VOLATILE = {"computedAt"}


def day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time.min, tzinfo=UTC)
    return start, start + timedelta(days=1)


def _values(aggregation: Any) -> dict[str, Any]:
    return {result.alias: result.value for result in aggregation.get()[0]}


def compute_day(db: Any, day: date, *, now: datetime | None = None) -> DailyMetrics:
    from google.cloud.firestore import FieldFilter

    start, end = day_bounds(day)
    sessions = (
        db.collection(SESSIONS)
        .where(filter=FieldFilter("startedAt", ">=", start))
        .where(filter=FieldFilter("startedAt", "<", end))
    )
    # One aggregation per field: a query with several aggregations only counts the documents that
    # have every aggregated field (a count next to avg(userRating) would count rated sessions only).
    total = int(_values(sessions.count(alias="n")).get("n") or 0)
    duration = _values(sessions.avg("durationSeconds", alias="v")).get("v")
    rating = _values(sessions.avg("userRating", alias="v")).get("v")
    # Rated sessions = sum / mean of the ratings (one more inequality field would need another index).
    rating_sum = _values(sessions.sum("userRating", alias="v")).get("v") or 0
    rated = round(float(rating_sum) / float(rating)) if rating else 0
    completed = _values(sessions.where(filter=FieldFilter("status", "==", "completed")).count(alias="n"))
    crisis = _values(sessions.where(filter=FieldFilter("crisisAlertTriggered", "==", True)).count(alias="n"))
    users = {snap.get("userId") for snap in sessions.select(["userId"]).stream()}
    ai = (
        db.collection_group(MESSAGES)
        .where(filter=FieldFilter("speaker", "==", "ai"))
        .where(filter=FieldFilter("createdAt", ">=", start))
        .where(filter=FieldFilter("createdAt", "<", end))
    )
    replies = int(_values(ai.count(alias="n")).get("n") or 0)
    response_time = _values(ai.avg("responseTimeMs", alias="v")).get("v")
    done = int(completed.get("n") or 0)
    return DailyMetrics(
        date=day,
        total_sessions=total,
        active_users=len(users - {None}),
        completed_sessions=done,
        completion_rate=round(done / total, 4) if total else None,
        # The emulator answers 0 for the mean of nothing; Firestore answers null. Both become None.
        average_duration_seconds=_rounded(duration, 1) if total else None,
        sessions_with_crisis_alerts=int(crisis.get("n") or 0),
        average_response_time_ms=_rounded(response_time, 1) if replies else None,
        ai_replies=replies,
        average_rating=_rounded(rating, 2) if rated else None,
        rated_sessions=rated,
        computed_at=now or datetime.now(UTC),
    )


def _rounded(value: Any, digits: int) -> float | None:
    return None if value is None else round(float(value), digits)


def _figures(document: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in document.items() if key not in _VOLATILE}


def rollup_day(db: Any, day: date) -> tuple[DailyMetrics, bool]:
    """Compute `day` and store it when any figure differs from the stored rollup. Returns (metrics, written)."""
    from google.cloud import firestore

    from backend.store.documents import to_document

    metrics = compute_day(db, day)
    fresh = to_document(metrics)
    fresh["date"] = day.isoformat()  # Firestore stores datetimes, not dates
    ref = db.collection(ANALYTICS_DAILY).document(day.isoformat())

    @firestore.transactional
    def write(transaction: Any) -> bool:
        stored = ref.get(transaction=transaction)
        if stored.exists and _figures(_comparable(stored.to_dict() or {})) == _figures(_comparable(fresh)):
            return False
        transaction.set(ref, fresh)
        return True

    written = bool(write(db.transaction()))
    return metrics, written


def _comparable(document: dict[str, Any]) -> dict[str, Any]:
    """Stored and fresh documents as equal values (Firestore returns its own datetime type)."""
    return {
        key: value.isoformat() if hasattr(value, "isoformat") else value for key, value in document.items()
    }


def rollup_range(db: Any, start: date, end: date) -> tuple[list[DailyMetrics], int]:
    days, changed = [], 0
    day = start
    while day <= end:
        metrics, written = rollup_day(db, day)
        days.append(metrics)
        changed += int(written)
        day += timedelta(days=1)
    return days, changed


def read_range(db: Any, start: date, end: date) -> tuple[list[DailyMetrics], list[date]]:
    """Stored rollups of the inclusive range (one read per day) and the days that have none."""
    refs = [
        db.collection(ANALYTICS_DAILY).document((start + timedelta(days=i)).isoformat())
        for i in range((end - start).days + 1)
    ]
    found: list[DailyMetrics] = []
    missing: list[date] = []
    for snap in db.get_all(refs):
        if snap.exists:
            found.append(DailyMetrics.model_validate(snap.to_dict()))
        else:
            missing.append(date.fromisoformat(snap.id))
    return sorted(found, key=lambda m: m.date), sorted(missing)


def live(db: Any, *, window_seconds: int = LIVE_WINDOW_SECONDS, now: datetime | None = None) -> LiveMetrics:
    from google.cloud.firestore import FieldFilter

    now = now or datetime.now(UTC)
    since = now - timedelta(seconds=window_seconds)
    live_sessions = _values(
        db.collection(SESSIONS).where(filter=FieldFilter("status", "in", LIVE_STATUSES)).count(alias="n")
    )
    recent = db.collection_group(MESSAGES).where(filter=FieldFilter("createdAt", ">=", since))
    messages = _values(recent.count(alias="n"))
    ai = recent.where(filter=FieldFilter("speaker", "==", "ai"))
    ai_count = int(_values(ai.count(alias="n")).get("n") or 0)
    response_time = _values(ai.avg("responseTimeMs", alias="v")).get("v")
    failed = _values(ai.where(filter=FieldFilter("status", "==", "failed")).count(alias="n"))
    count = int(messages.get("n") or 0)
    failed_count = int(failed.get("n") or 0)
    return LiveMetrics(
        live_sessions=int(live_sessions.get("n") or 0),
        window_seconds=window_seconds,
        messages=count,
        messages_per_second=round(count / window_seconds, 3),
        ai_replies=ai_count,
        average_response_time_ms=_rounded(response_time, 1) if ai_count else None,
        failed_replies=failed_count,
        error_rate=round(failed_count / ai_count, 4) if ai_count else None,
        computed_at=now,
    )


@translate_errors
class FirestoreAnalytics:
    """The analytics reads and rollups, bound to one database (what the admin API uses)."""

    def __init__(self, *, db: Any) -> None:
        self.db = db

    def read_range(self, start: date, end: date) -> tuple[list[DailyMetrics], list[date]]:
        return read_range(self.db, start, end)

    def rollup_range(self, start: date, end: date) -> tuple[list[DailyMetrics], int]:
        return rollup_range(self.db, start, end)

    def live(self, *, now: datetime) -> LiveMetrics:
        return live(self.db, now=now)
