"""The names of the crisis screen's signals in their stable output order, in a module of their own so that
both the screen (`shared.safety.screen`) and its learned model (`shared.safety.learned`, which reads the
rules' signals as features) take them from one list without importing each other.
"""

from __future__ import annotations

__all__ = ["SIGNAL_ORDER", "WINDOW_RULE_SIGNALS"]

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
WINDOW_RULE_SIGNALS = SIGNAL_ORDER[: SIGNAL_ORDER.index("learned_risk")]
"""The signals the rules give a user message's window, in order: what the learned model reads as features
(`shared.safety.learned`), so a new rule signal reaches it with a retrain instead of a second list."""
