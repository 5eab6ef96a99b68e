"""Companion-chatbot notices (California SB 243 §22602, New York GBL §1702), pure part.

Every session shows a clear "you are talking to an AI" notice when it starts and again after every
`interval` seconds of active (continuous) time; for a user the app has marked as a minor, each later
notice comes with a reminder to take a break. Notices are system messages (`speaker: "system"`,
`type: "system"`) in `sessions/{id}/messages`, so listeners see them like any other message.

Idempotent by construction: the notices of period `index` (0 at the start, then 1, 2, ...) have fixed
message ids (`ai-notice-{index}`, `break-reminder-{index}`), so a redelivered timer or a concurrent turn
writes nothing twice. The law asks for at least one notice every 3 hours: the interval cannot exceed it
(`Settings.ai_notice_interval_seconds`).
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from shared.models.messages import SYSTEM_SPEAKER, Message
from shared.models.sessions import Session
from shared.sessions.metering import active_seconds

__all__ = [
    "AI_NOTICE",
    "AI_NOTICE_MODEL",
    "BREAK_REMINDER",
    "ai_notice_id",
    "break_reminder_id",
    "next_notice_at",
    "notice_index",
    "notices_for",
]

AI_NOTICE = (
    "Reminder: you are talking with an AI, not a person. It can make mistakes and it is not a substitute "
    "for professional help. If you are in crisis, contact your local emergency number or a crisis line."
)
BREAK_REMINDER = (
    "You have been chatting for a while. This is a good moment to take a break: stretch, get some water or "
    "spend time with people around you. Remember, you are talking with an AI, not a person."
)
AI_NOTICE_MODEL = "ai-notice"  # `aiModel` of the notices: not written by a model


def ai_notice_id(index: int) -> str:
    return f"ai-notice-{index}"


def break_reminder_id(index: int) -> str:
    return f"break-reminder-{index}"


def notice_index(session: Session, now: datetime, interval: float) -> int:
    """The notice period the session is in: 0 from its start, k after k * interval seconds of active time."""
    return int(active_seconds(session, now) // interval)


def next_notice_at(session: Session, now: datetime, interval: float) -> tuple[int, datetime]:
    """The next period's index and when it starts, if the session stays active from `now`."""
    active = active_seconds(session, now)
    index = math.floor(active / interval) + 1
    return index, now + timedelta(seconds=index * interval - active)


def notices_for(session: Session, *, index: int, minor: bool, now: datetime) -> list[Message]:
    """The system messages of period `index`: the AI notice, and for a minor after the first period a
    break reminder. The start notice is dated at the session's start, so it is always the first message."""
    at = session.started_at if index == 0 and session.started_at is not None else now
    seconds = round(max(0.0, active_seconds(session, at)), 3)

    def message(message_id: str, text: str) -> Message:
        return Message(
            id=message_id,
            session_id=session.id,
            speaker=SYSTEM_SPEAKER,
            type="system",
            content=text,
            created_at=at,
            updated_at=at,
            timestamp_in_session=seconds,
            ai_model=AI_NOTICE_MODEL,
        )

    found = [message(ai_notice_id(index), AI_NOTICE)]
    if minor and index >= 1:
        found.append(message(break_reminder_id(index), BREAK_REMINDER))
    return found
