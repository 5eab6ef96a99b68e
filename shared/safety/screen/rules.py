"""The rule table: every family's rules in one list. The order matters: within a group an earlier rule's
hit hides later overlapping hits, and mentions come out in this order.
"""

from __future__ import annotations

from shared.safety.screen import (
    rules_implicit,
    rules_others,
    rules_preparation,
    rules_self_harm_methods,
    rules_suicidal_act,
    rules_wish_despair,
)
from shared.safety.screen.rule_parts import Rule

_FAMILIES = (
    rules_suicidal_act,
    rules_wish_despair,
    rules_self_harm_methods,
    rules_implicit,
    rules_preparation,
    rules_others,
)


def rule_table() -> list[Rule]:
    return [rule for family in _FAMILIES for rule in family.rules()]
