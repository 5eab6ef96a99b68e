"""Signals: the stable output order of signals, and the signal families the decision combines (which cues
open the gate, which are actions, ideation, despair, WATCH cues). The levels are in `common`.
"""

from __future__ import annotations

from collections.abc import Iterable

# Output order of signals (stable): own-risk cues by severity, then qualifiers, then context.
SIGNAL_ORDER = (
    "imminent",
    "farewell",
    "means_access",
    "preparation",
    "plan",
    "intent",
    "recent_attempt",
    "past_attempt",
    "method_mention",
    "suicidal_thoughts",
    "self_harm",
    "harm_to_others",
    "wish_dead",
    "suicide_mention",
    "hopelessness",
    "burden",
    "worthlessness",
    "threatened",
    "past_self_harm",
    "past_ideation",
    "past_recovered",
    "negated",
    "third_person",
    "second_person",
    "figurative",
    "reported_speech",
    "context_escalation",
    "context_carryover",
    "learned_risk",
    "learned_concern",
    # screen_reply
    "method_detail",
    "encouragement",
    "dismissal",
    "discourages_help",
    "crisis_resource",
)
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
