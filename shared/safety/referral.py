"""The referral protocol, pure part: from a screening verdict, does this message call for a referral, and
of which kind; and the offline reply that acknowledges it and gives the locale's crisis resources.

Published in docs/safety.md ("The published protocol"), versioned by `PROTOCOL_VERSION`. California SB 243
and New York GBL art. 47 require an operator to refer a user who expresses suicidal ideation, suicide or
self-harm to crisis services. The rules, in order:

1. `crisis`: the user's own risk, taken at face value, at ELEVATED_CONCERN or above. The screen only
   reaches that level from first-person cues that are not negated, not quoted or reported, not someone
   else's and not past and recovered (those qualifiers cap a cue at WATCH or NORMAL), so the level is the
   test. A first-person passive wish to be dead (C-SSRS question 1) is ELEVATED_CONCERN by itself.
2. `crisis` too at WATCH for an own ideation cue that the rules keep at WATCH ("what's the point of
   living", "I'm tired of being alive"): passive ideation in other words. Not when anything in the window
   was explained away (joking, negated, quoted, someone else's): the cue's own qualifiers do not say
   which mention they belong to, so the protocol errs towards the caution already in the level.
3. `helper_support`: someone else's risk ("my friend wants to die"), with no own risk: resources for the
   helper, never a crisis alert about the user.
4. Otherwise no referral.

Pure: no I/O beyond the locale table that `resources_for` reads once. The lead wires it into the turn.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from shared.models.safety import CrisisResources
from shared.safety.levels import SafetyLevel, Screening
from shared.safety.resources import resources_for

__all__ = [
    "CRISIS_FROM",
    "HELPER_SIGNALS",
    "OWN_IDEATION_SIGNALS",
    "PROTOCOL_VERSION",
    "Referral",
    "ReferralKind",
    "decide_referral",
    "helper_support_reply",
    "referral_reply",
]

PROTOCOL_VERSION = "2026-11-29.1"
"""Version of the published protocol (docs/safety.md); stored with every referral so a report can say
which rules decided it."""

CRISIS_FROM = SafetyLevel.ELEVATED_CONCERN
"""From this level the user's own risk is a crisis referral (rule 1)."""

OWN_IDEATION_SIGNALS = frozenset({"wish_dead", "suicidal_thoughts", "self_harm"})
"""Own cues that are a referral even where the screen keeps them at WATCH (rule 2)."""

HELPER_SIGNALS = frozenset({"third_person"})
"""Someone else's risk: the user is a helper (rule 3)."""

_EXPLAINED_AWAY = frozenset({"negated", "figurative", "reported_speech", "second_person", "past_recovered"})


class ReferralKind(StrEnum):
    CRISIS = "crisis"  # the user's own suicidal ideation, suicide or self-harm: crisis services
    HELPER_SUPPORT = "helper_support"  # worry about someone else: support resources for the helper


@dataclass(frozen=True)
class Referral:
    """A referral decided from one screening verdict. `reasons` are signal names, never the user's words."""

    kind: ReferralKind
    level: SafetyLevel
    reasons: tuple[str, ...]
    protocol_version: str = PROTOCOL_VERSION


def decide_referral(screening: Screening) -> Referral | None:
    """The protocol's decision for one verdict (module docstring): `crisis`, `helper_support` or None."""
    signals = frozenset(screening.signals)
    if screening.level.at_least(CRISIS_FROM):
        own = tuple(s for s in screening.signals if s not in _EXPLAINED_AWAY and s not in HELPER_SIGNALS)
        return Referral(ReferralKind.CRISIS, screening.level, own or (screening.level.value.lower(),))
    if (
        screening.level == SafetyLevel.WATCH
        and signals & OWN_IDEATION_SIGNALS
        and not signals & _EXPLAINED_AWAY
    ):
        reasons = tuple(s for s in screening.signals if s in OWN_IDEATION_SIGNALS)
        return Referral(ReferralKind.CRISIS, screening.level, reasons)
    if signals & HELPER_SIGNALS:
        return Referral(ReferralKind.HELPER_SUPPORT, screening.level, tuple(sorted(signals & HELPER_SIGNALS)))
    return None


def _lines(resources: CrisisResources) -> str:
    rows = []
    for helpline in resources.helplines:
        ways = [f"call {helpline.phone}"] if helpline.phone else []
        if helpline.text:
            ways.append(f"text {helpline.text}" if helpline.text.isdigit() else helpline.text)
        if helpline.url:
            ways.append(helpline.url)
        hours = f" ({helpline.hours})" if helpline.hours else ""
        rows.append(f"- {helpline.name}: {', '.join(ways)}{hours}")
    return "\n".join(rows)


def referral_reply(locale: str | None, *, default_locale: str = "en-US") -> str:
    """The offline reply for a `crisis` referral below HIGH_RISK: it acknowledges what the user said,
    stays with them, and gives the locale's crisis resources. It asks, never lectures, and does not
    assume danger is imminent (the HIGH_RISK reply, `resources.crisis_reply`, does)."""
    resources = resources_for(locale, default_locale=default_locale)
    return (
        "Thank you for telling me how you're feeling. It sounds really heavy, and I'm glad you said it. "
        "When thoughts like these come up, talking with a person can help, and you can reach someone at any "
        f"time:\n{_lines(resources)}\n"
        f"If you ever feel you might act on these thoughts, please call {resources.emergency_number}. "
        "I'm an AI, so I can't be there the way a person can, but I'm here to keep talking. "
        "What has been making things so hard lately?"
    )


def helper_support_reply(locale: str | None, *, default_locale: str = "en-US") -> str:
    """The offline reply for `helper_support`: support for the person who is worried about someone else,
    with the locale's resources (which also advise helpers). Never a crisis alert about the user."""
    resources = resources_for(locale, default_locale=default_locale)
    return (
        "It sounds like you're worried about someone you care about, and that's a lot to carry. You don't "
        "have to handle it alone: these services support people who are worried about someone else, too:\n"
        f"{_lines(resources)}\n"
        f"If they are in immediate danger, call {resources.emergency_number}. "
        "Would it help to talk through how you might check in with them?"
    )
