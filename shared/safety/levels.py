"""Risk levels, ordered, aligned with the C-SSRS screener (see docs/safety.md)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from shared.conversation.analysis import Analysis


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


@dataclass(frozen=True)
class Screening:
    """The verdict of one screening pass over a message (and its recent context)."""

    level: SafetyLevel
    confidence: float  # 0..1: how sure the screen is of `level`
    signals: tuple[str, ...]  # which cues fired, e.g. "method_mention", "hopelessness", "farewell"
    analysis: Analysis  # sentiment and topics, from the same pass
    details: dict[str, str] = field(default_factory=dict)
