"""The enums that documents and wire formats carry. Their meaning lives with their domain: the legal
status changes in shared/sessions/statuses.py, the levels' clinical meaning in shared/safety/ and
docs/safety.md. They sit here, below both, so that the models never import a domain package."""

from __future__ import annotations

from enum import StrEnum


class SessionStatus(StrEnum):
    PENDING = "pending"
    ACTIVE = "active"
    PAUSED = "paused"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    MISSED = "missed"


class SessionAction(StrEnum):
    START = "start"
    PAUSE = "pause"
    RESUME = "resume"
    END = "end"
    CANCEL = "cancel"
    MISS = "miss"


class SafetyLevel(StrEnum):
    NORMAL = "NORMAL"  # no risk cue
    WATCH = "WATCH"  # wish to be dead, passive or ambiguous ideation
    ELEVATED_CONCERN = "ELEVATED_CONCERN"  # active suicidal thoughts without method
    HIGH_RISK = "HIGH_RISK"  # method, intent, plan, preparation or recent behaviour
    SAFETY_MODE = "SAFETY_MODE"  # imminent danger

    @property
    def rank(self) -> int:
        return _ORDER.index(self)

    def at_least(self, other: SafetyLevel) -> bool:
        return self.rank >= other.rank


_ORDER = list(SafetyLevel)


def highest(*levels: SafetyLevel) -> SafetyLevel:
    return max(levels, key=lambda level: level.rank, default=SafetyLevel.NORMAL)
