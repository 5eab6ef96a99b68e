"""The window: the current message with up to `CONTEXT_WINDOW` earlier user messages. An earlier HIGH_RISK
disclosure carries over a later "I'm fine" (`context_carryover`), WATCH cues spread over several messages
escalate (`context_escalation`), and a window the rules leave at NORMAL or WATCH with nothing explained
away may be raised by the learned model (`learned_risk`). This is where `screen_message` lives.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from shared.safety import learned as _learned
from shared.safety.levels import Screening
from shared.safety.screen.scanning import _CACHE_LIMIT, _scan, _scan_context
from shared.safety.screen.signals import _DISCOUNTING, _E, _H, _LEVELS, _N, _W, _ordered
from shared.safety.screen.verdict import _decide, _own_open, _Verdict
from shared.text.analysis import tokenize

CONTEXT_WINDOW = 5
"""How many of the most recent earlier user messages the screen looks at."""


def screen_message(text: str, *, recent_user_messages: Sequence[str] = ()) -> Screening:
    """Screen one user message, with up to `CONTEXT_WINDOW` earlier user messages (oldest first) as
    context. The level reports what the whole window shows: an earlier HIGH_RISK disclosure is not erased
    by a later "I'm fine" (`context_carryover`), and WATCH cues piling up over the window raise it to
    ELEVATED_CONCERN (`context_escalation`). A window the rules leave at NORMAL or WATCH, with nothing
    explained away, is raised to ELEVATED_CONCERN when the learned model reads it as urgent
    (`learned_risk`, `shared/safety/learned.py`). `analysis` is the current message's sentiment and topics."""
    return _screen(text, recent_user_messages, learned=True)


def _learned_allowed(verdicts: Sequence[_Verdict]) -> bool:
    """The learned score may raise the window only if the rules explained nothing away anywhere in it: it
    never overrules a negated, figurative, quoted, recovered, second- or third-person mention."""
    return all(_DISCOUNTING.isdisjoint(v.signals) for v in verdicts)


@lru_cache(maxsize=_CACHE_LIMIT)
def _message_words(text: str) -> tuple[frozenset[str], int]:
    """The learned model's view of one message (cached: earlier messages come back on every turn)."""
    return _learned.words_of(tokenize(text))


def _window_words(window: Sequence[str], current: str) -> tuple[frozenset[str], int]:
    parts = [_message_words(message) for message in (*window, current)]
    return frozenset().union(*(words for words, _ in parts)), sum(count for _, count in parts)


def _screen(text: str, recent_user_messages: Sequence[str], *, learned: bool) -> Screening:
    """`screen_message`; `learned=False` gives the rules' verdict alone (training and the benchmark)."""
    previous = list(recent_user_messages)
    if previous and previous[-1] == text:  # the current message itself (a retried post already stored)
        previous.pop()
    window = [m for m in previous[-CONTEXT_WINDOW:] if m and m.strip()]
    scans = [_scan_context(m) for m in window]
    current = _scan(text)
    gate_open = _own_open(current.mentions) or any(_own_open(s.mentions) for s in scans)
    verdict = _decide(current, gate_open)
    level, confidence = verdict.level, verdict.confidence
    signals = list(verdict.signals)
    details: dict[str, str] = {"current_level": _LEVELS[verdict.level].value}
    if verdict.rules:
        details["rules"] = ",".join(verdict.rules)

    earlier: list[_Verdict] = []
    if scans:
        earlier = [_decide(s, gate_open) for s in scans]
        carried = _N
        carried_signals: set[str] = set()
        for age, v in enumerate(reversed(earlier)):  # age 0: the message just before this one
            lvl = v.level if age == 0 else min(v.level, _H)
            if lvl > carried:
                carried = lvl
            if v.level >= _E:
                carried_signals |= v.own
        context_level = max((v.level for v in earlier), default=_N)
        details["context_level"] = _LEVELS[context_level].value
        if carried_signals:
            details["context_signals"] = ",".join(_ordered(carried_signals))
        if carried > level:
            level = carried
            signals.append("context_carryover")
            confidence = max(0.5, round(0.85 * max(v.confidence for v in earlier if v.level >= carried), 3))
        # WATCH-level cues building up over the window
        cues = verdict.watch_cues + sum(v.watch_cues for v in earlier)
        with_cues = (verdict.watch_cues > 0) + sum(1 for v in earlier if v.watch_cues > 0)
        if level <= _W and cues >= 3 and with_cues >= 2:
            level = _E
            signals.append("context_escalation")
            confidence = round(min(0.85, 0.45 + 0.08 * cues), 3)
    words, count = _window_words(window, text) if learned and level <= _W else (frozenset(), 0)
    if _learned.applies_to_words(words, count) and _learned_allowed([verdict, *earlier]):
        rules_signals = sorted({*signals, *(x for v in earlier for x in v.signals)})
        model = _learned.load_model()
        vector = _learned.features_of_words(words, count, _LEVELS[level].value, rules_signals)
        probability = model.probability(vector)
        details["learned_score"] = f"{probability:.3f}"
        if probability >= model.threshold:
            level = _E
            signals.append("learned_risk")
            confidence = round(min(0.9, probability), 3)
    ordered = _ordered(dict.fromkeys(signals))
    return Screening(
        level=_LEVELS[level],
        confidence=confidence,
        signals=ordered,
        analysis=current.analysis,
        details=details,
    )
