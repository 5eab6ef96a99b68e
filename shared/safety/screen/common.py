"""What every module of the screen shares: the five levels as named integer ranks, their `SafetyLevel`s,
and how a confidence is bounded.

Levels are ints inside the screen because they are compared and maxed on every mention; they become
`SafetyLevel`s (`LEVELS[rank]`) only in the returned `Screening`. Each rank is `SafetyLevel.X.rank`.
"""

from __future__ import annotations

from shared.safety.levels import SafetyLevel

NORMAL, WATCH, ELEVATED_CONCERN, HIGH_RISK, SAFETY_MODE = range(5)
LEVELS = (
    SafetyLevel.NORMAL,
    SafetyLevel.WATCH,
    SafetyLevel.ELEVATED_CONCERN,
    SafetyLevel.HIGH_RISK,
    SafetyLevel.SAFETY_MODE,
)
assert all(level.rank == rank for rank, level in enumerate(LEVELS))


def bounded(confidence: float) -> float:
    """A confidence never claims certainty either way, and is reported to three decimals."""
    return round(max(0.05, min(0.99, confidence)), 3)
