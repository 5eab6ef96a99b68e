"""Risk levels, ordered, aligned with the C-SSRS screener (see docs/safety.md)."""

from __future__ import annotations

from dataclasses import dataclass, field

from shared.models.vocabulary import SafetyLevel, highest
from shared.text.analysis import Analysis

__all__ = ["SafetyLevel", "Screening", "highest"]


@dataclass(frozen=True)
class Screening:
    """The verdict of one screening pass over a message (and its recent context)."""

    level: SafetyLevel
    confidence: float  # 0..1: how sure the screen is of `level`
    signals: tuple[str, ...]  # which cues fired, e.g. "method_mention", "hopelessness", "farewell"
    analysis: Analysis  # sentiment and topics, from the same pass
    details: dict[str, str] = field(default_factory=dict)
