"""The window: the current message with up to `CONTEXT_WINDOW` earlier user messages. An earlier HIGH_RISK
disclosure carries over a later "I'm fine" (`context_carryover`), WATCH cues spread over several messages
escalate (`context_escalation`), and a window the rules leave at NORMAL or WATCH with nothing explained
away may be raised by the learned model (`learned_risk`), which reads the current message's embedding.
This is where `screen_message` lives.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from functools import lru_cache

from shared.safety import learned as _learned
from shared.safety.embedding import MessageEmbedding, embed_message
from shared.safety.levels import Screening
from shared.safety.screen.common import ELEVATED_CONCERN, HIGH_RISK, LEVELS, NORMAL, WATCH
from shared.safety.screen.scanning import scan_earlier_message, scan_message
from shared.safety.screen.signals import DISCOUNTING, ordered
from shared.safety.screen.verdict import Verdict, decide, own_risk_open
from shared.text.analysis import tokenize

CONTEXT_WINDOW = 5
"""How many of the most recent earlier user messages the screen looks at."""

_log = logging.getLogger(__name__)


def screen_message(
    text: str, *, recent_user_messages: Sequence[str] = (), embedding: MessageEmbedding | None = None
) -> Screening:
    """Screen one user message, with up to `CONTEXT_WINDOW` earlier user messages (oldest first) as
    context. The level reports what the whole window shows: an earlier HIGH_RISK disclosure is not erased
    by a later "I'm fine" (`context_carryover`), and WATCH cues piling up over the window raise it to
    ELEVATED_CONCERN (`context_escalation`). A window the rules leave at NORMAL or WATCH, with nothing
    explained away, is raised to ELEVATED_CONCERN when the learned model reads the message as urgent
    (`learned_risk`, `shared/safety/learned.py`). `analysis` is the current message's sentiment and topics.

    `embedding` is the message's `embed_message(text)` when the turn already computed it (it is then
    reused, e.g. by memory); without it the screen computes it itself, only when the model has to speak
    (a message of at least `learned.MIN_WORDS` words that the rules left at NORMAL or WATCH)."""
    return _screen(text, recent_user_messages, learned=True, embedding=embedding)


def _learned_allowed(verdicts: Sequence[Verdict]) -> bool:
    """The learned score may raise the window only if the rules explained nothing away anywhere in it: it
    never overrules a negated, figurative, quoted, recovered, second- or third-person mention."""
    return all(DISCOUNTING.isdisjoint(v.signals) for v in verdicts)


@lru_cache(maxsize=64)  # the current message's tokens (a retried post); small: a long text has ~800 tokens
def _message_tokens(text: str) -> tuple[str, ...]:
    return tuple(tokenize(text))


def _embedding_of(text: str, given: MessageEmbedding | None) -> MessageEmbedding | None:
    """The given embedding, else computed once; None (rules alone) when the bundled model is missing."""
    if given is not None:
        return given
    from shared.memory.embedding import EmbeddingModelMissingError

    try:
        return embed_message(text)
    except EmbeddingModelMissingError:
        _log.warning("crisis screen: embedding model missing, learned_risk skipped (rules only)")
        return None


def _screen(
    text: str,
    recent_user_messages: Sequence[str],
    *,
    learned: bool,
    embedding: MessageEmbedding | None = None,
) -> Screening:
    """`screen_message`; `learned=False` gives the rules' verdict alone (training and the benchmark)."""
    previous = list(recent_user_messages)
    if previous and previous[-1] == text:  # the current message itself (a retried post already stored)
        previous.pop()
    window = [m for m in previous[-CONTEXT_WINDOW:] if m and m.strip()]
    scans = [scan_earlier_message(m) for m in window]
    current = scan_message(text)
    gate_open = own_risk_open(current.mentions) or any(own_risk_open(s.mentions) for s in scans)
    verdict = decide(current, gate_open)
    level, confidence = verdict.level, verdict.confidence
    signals = list(verdict.signals)
    details: dict[str, str] = {"current_level": LEVELS[verdict.level].value}
    if verdict.rules:
        details["rules"] = ",".join(verdict.rules)

    earlier: list[Verdict] = []
    if scans:
        earlier = [decide(s, gate_open) for s in scans]
        carried = NORMAL
        carried_signals: set[str] = set()
        for age, v in enumerate(reversed(earlier)):  # age 0: the message just before this one
            lvl = v.level if age == 0 else min(v.level, HIGH_RISK)
            if lvl > carried:
                carried = lvl
            if v.level >= ELEVATED_CONCERN:
                carried_signals |= v.own
        context_level = max((v.level for v in earlier), default=NORMAL)
        details["context_level"] = LEVELS[context_level].value
        if carried_signals:
            details["context_signals"] = ",".join(ordered(carried_signals))
        if carried > level:
            level = carried
            signals.append("context_carryover")
            confidence = max(0.5, round(0.85 * max(v.confidence for v in earlier if v.level >= carried), 3))
        # WATCH-level cues building up over the window
        cues = verdict.watch_cues + sum(v.watch_cues for v in earlier)
        with_cues = (verdict.watch_cues > 0) + sum(1 for v in earlier if v.watch_cues > 0)
        if level <= WATCH and cues >= 3 and with_cues >= 2:
            level = ELEVATED_CONCERN
            signals.append("context_escalation")
            confidence = round(min(0.85, 0.45 + 0.08 * cues), 3)
    tokens = _message_tokens(text) if learned and level <= WATCH else ()
    if _learned.word_count(tokens) >= _learned.MIN_WORDS and _learned_allowed([verdict, *earlier]):
        found = _embedding_of(text, embedding)
        if found is not None:
            model = _learned.load_model()
            rules_signals = sorted({*signals, *(x for v in earlier for x in v.signals)})
            urgent, concern = model.probabilities(found.vector, LEVELS[level].value, rules_signals, tokens)
            details["learned_score"] = f"{urgent:.3f}"
            details["learned_concern_score"] = f"{concern:.3f}"
            if urgent >= model.urgent.threshold:
                level = ELEVATED_CONCERN
                signals.append("learned_risk")
                confidence = round(min(0.9, urgent), 3)
            elif level == NORMAL and concern >= model.concern.threshold:
                level = WATCH
                signals.append("learned_concern")
                confidence = round(min(0.6, concern), 3)
    final_signals = ordered(dict.fromkeys(signals))
    return Screening(
        level=LEVELS[level],
        confidence=confidence,
        signals=final_signals,
        analysis=current.analysis,
        details=details,
    )
