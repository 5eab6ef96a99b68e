"""The verdict on one message: which mentions stand (gated rules count only when the window shows own risk),
the level they combine to (maximum, plus the clinical combinations: method with ideation, farewell with
ideation, means with intent, WATCH cues piling up), and a confidence that grows as independent cues agree.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from shared.safety.screen.common import ELEVATED_CONCERN, HIGH_RISK, NORMAL, SAFETY_MODE, WATCH, bounded
from shared.safety.screen.scanning import Scan
from shared.safety.screen.sentence_scan import Mention
from shared.safety.screen.signals import (
    DESPAIR_SIGNALS,
    DISCOUNTING,
    FAREWELL_PARTNERS,
    GATE_SIGNALS,
    IDEATION_SIGNALS,
    MODIFIER_SIGNALS,
    WATCH_CUES,
    ordered,
)


class Verdict(NamedTuple):
    level: int
    confidence: float
    signals: tuple[str, ...]
    own: frozenset[str]  # own-risk signals that stand
    watch_cues: int  # WATCH-level own cues (for escalation across messages)
    rules: tuple[str, ...]


def _is_own(m: Mention) -> bool:
    """A cue of the user's own, taken at face value (no negation, other person, quote, joke, recovery)."""
    return m.level > NORMAL and DISCOUNTING.isdisjoint(m.mods)


def own_risk_open(mentions: Sequence[Mention]) -> bool:
    """Own risk in these mentions: an ungated cue, or two different gated action cues together."""
    if any(_is_own(m) and not m.gated and m.signal in GATE_SIGNALS for m in mentions):
        return True
    gated = [m for m in mentions if m.gated and _is_own(m) and m.level >= HIGH_RISK]
    return any(
        x.signal != y.signal
        and (x.sentence != y.sentence or x.span[1] <= y.span[0] or y.span[1] <= x.span[0])
        for n, x in enumerate(gated)
        for y in gated[n + 1 :]
    )


def decide(scan: Scan, gate_open: bool) -> Verdict:
    standing: list[tuple[int, float, str, bool]] = []  # (level, weight, signal, own) of cues that stand
    own_rules: set[str] = set()
    signals: set[str] = set()
    rules: list[str] = []
    discounted = 0
    for m in scan.mentions:
        level = m.level
        if m.gated and not gate_open:
            if m.ungated < 0:
                continue
            level = min(level, m.ungated)
        signals.update(x for x in m.mods if x != "imminent")
        rules.append(m.rule)
        if level <= NORMAL:
            discounted += 1
            continue
        own = DISCOUNTING.isdisjoint(m.mods)
        if m.signal not in MODIFIER_SIGNALS:
            signals.add(m.signal)
        if "imminent" in m.mods:
            signals.add("imminent")
        if own and m.action and m.now and level >= HIGH_RISK:
            level = SAFETY_MODE
            signals.add("imminent")
        standing.append((level, m.weight, m.signal, own))
        if own:
            own_rules.add(m.rule)
    if scan.figurative:
        signals.add("figurative")

    own_signals = frozenset(sig for lvl, _, sig, own in standing if own)
    level = max((lvl for lvl, _, _, _ in standing), default=NORMAL)
    # clinical combinations (own cues only)
    if level < HIGH_RISK and "method_mention" in own_signals and own_signals & IDEATION_SIGNALS:
        level = HIGH_RISK
    if (
        level >= HIGH_RISK
        and "farewell" in own_signals
        and (
            own_signals & FAREWELL_PARTNERS
            or ("farewell_strong" in own_rules and "preparation" in own_signals)
        )
    ):
        level = SAFETY_MODE
    if "means_access" in own_signals and own_signals & {"suicidal_thoughts", "intent", "plan"}:
        level = max(level, HIGH_RISK)
    watch_kinds = own_signals & WATCH_CUES
    watch_cues = sum(1 for _, _, sig, own in standing if own and sig in WATCH_CUES)
    if level == WATCH and (
        len(watch_kinds) >= 3 or ("wish_dead" in watch_kinds and watch_kinds & DESPAIR_SIGNALS)
    ):
        level = ELEVATED_CONCERN
    if level == SAFETY_MODE:
        signals.add("imminent")
    # confidence: independent cues that support the level agree
    if level > NORMAL:
        support = [w for lvl, w, _, _ in standing if lvl >= level]
        combined = not support  # the level comes from a combination of lower cues
        miss = 1.0
        for w in support or [w for _, w, _, own in standing if own]:
            miss *= 1.0 - w
        others = [w for lvl, w, _, _ in standing if lvl < level] if support else []
        confidence = (1.0 - miss * (0.9 ** len(others))) * (0.8 if combined else 1.0)
    else:
        confidence = 0.95 - 0.1 * min(discounted, 3)
        if scan.analysis.sentiment.score <= -0.5:
            confidence -= 0.1
    return Verdict(
        level,
        bounded(confidence),
        ordered(signals),
        own_signals,
        watch_cues,
        tuple(dict.fromkeys(rules)),
    )
