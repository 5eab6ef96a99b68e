"""Signals: the stable output order of signals, and the signal families the decision combines (which cues
open the gate, which are actions, ideation, despair, WATCH cues). The levels are in `common`.
"""

from __future__ import annotations

from collections.abc import Iterable

from shared.safety.signal_names import SIGNAL_ORDER as SIGNAL_ORDER
from shared.safety.signal_names import WINDOW_RULE_SIGNALS as WINDOW_RULE_SIGNALS

_SIGNAL_RANK = {name: n for n, name in enumerate(SIGNAL_ORDER)}
MODIFIER_SIGNALS = frozenset(
    {"negated", "third_person", "second_person", "figurative", "reported_speech", "past_recovered"}
)
# Own cues that open the gate for context-dependent rules and count towards escalation.
GATE_SIGNALS = frozenset(
    {
        "suicidal_thoughts",
        "wish_dead",
        "self_harm",
        "method_mention",
        "intent",
        "plan",
        "preparation",
        "past_attempt",
        "recent_attempt",
        "farewell",
        "imminent",
        "means_access",
        "hopelessness",
        "burden",
        "past_self_harm",
    }
)
_ACTION_SIGNALS = frozenset(
    {"intent", "plan", "preparation", "means_access", "farewell", "method_mention", "recent_attempt"}
)
IDEATION_SIGNALS = frozenset({"suicidal_thoughts", "wish_dead", "intent", "plan", "hopelessness", "burden"})
SUICIDE_FAMILY = frozenset(
    {"intent", "plan", "suicidal_thoughts", "method_mention", "past_attempt", "preparation"}
)
FAREWELL_PARTNERS = frozenset(
    {"suicidal_thoughts", "intent", "plan", "method_mention", "means_access", "wish_dead"}
)
DESPAIR_SIGNALS = frozenset({"hopelessness", "burden", "worthlessness"})
WATCH_CUES = frozenset(
    {
        "wish_dead",
        "hopelessness",
        "burden",
        "worthlessness",
        "past_ideation",
        "past_self_harm",
        "suicide_mention",
    }
)

# A mention carrying any of these was explained away: it is not the user's own risk at face value.
DISCOUNTING = MODIFIER_SIGNALS


def ordered(signals: Iterable[str]) -> tuple[str, ...]:
    """Signals in `SIGNAL_ORDER` (unknown ones last), so outputs are stable across runs."""
    return tuple(sorted(signals, key=lambda x: _SIGNAL_RANK.get(x, len(SIGNAL_ORDER))))
