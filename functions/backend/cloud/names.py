"""The names of this project's Pub/Sub topics and task queues: one place, shared by the functions that
declare them (functions/main.py), the adapters that publish and enqueue, and the infra scripts.

Task-queue ids allow only letters, digits and hyphens, so task functions are named in camelCase.
"""

from __future__ import annotations

from typing import Final

SESSION_ENDED_TOPIC: Final = "session-ended"
SAFETY_ASSESSMENTS_TOPIC: Final = "safety-assessments"

STATS_FLUSH_QUEUE: Final = "flushSessionStats"
SESSION_TIMER_QUEUE: Final = "sessionTimer"
REMINDER_QUEUE: Final = "sessionReminder"
MISSED_QUEUE: Final = "sessionMissed"
ROOM_TIMER_QUEUE: Final = "roomTimer"
ROOM_FLUSH_QUEUE: Final = "flushRoomStats"
AI_NOTICE_QUEUE: Final = "sessionNotice"
