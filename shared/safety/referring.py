"""Applying a referral (`shared/safety/referral.py` decides it): what the session carries, the record the
yearly report counts, and, with a model, the instruction it is given and the check of its reply.

Pure: the gateway (Firestore in the functions) and the turn call these; nothing here does I/O.
"""

from __future__ import annotations

import re
from datetime import datetime

from shared.models.safety import CrisisResources, ReferralRecord, SessionReferral
from shared.safety.levels import Screening
from shared.safety.referral import HELPER_SIGNALS, Referral, ReferralKind

__all__ = [
    "CARRIED_OVER",
    "REFERRAL_REPLY_MODEL",
    "applies_to_message",
    "carried_referral",
    "mentions_resources",
    "referral_instruction",
    "referral_record",
]

REFERRAL_REPLY_MODEL = "safety-referral-template"
"""`aiModel` of a reply that is the protocol's template (offline, or the model left the resources out)."""


CARRIED_OVER = frozenset({"context_carryover"})
"""The screen's signal for a level carried over from an earlier message in the window."""


def applies_to_message(referral: Referral | None, screening: Screening) -> Referral | None:
    """The referral, unless the message only inherits an earlier message's level (`context_carryover`
    and nothing of its own): that earlier message was referred already and the session still shows the
    referral and the resources, so "thanks, I had tea" neither gets the template again nor counts as a
    second referral in the report. A message of its own that is someone else's risk still gets
    `helper_support`."""
    if referral is None or not referral.reasons or not set(referral.reasons) <= CARRIED_OVER:
        return referral
    helper = tuple(sorted(HELPER_SIGNALS & set(screening.signals)))
    return Referral(ReferralKind.HELPER_SUPPORT, screening.level, helper) if helper else None


def carried_referral(current: SessionReferral | None, referral: Referral, now: datetime) -> SessionReferral:
    """What the session shows after `referral`: the new one, unless the session already carries a
    `crisis` referral and this one is only `helper_support` (the stronger one stays visible)."""
    if current is not None and current.kind == "crisis" and referral.kind != ReferralKind.CRISIS:
        return current
    return SessionReferral(
        kind=referral.kind.value,
        level=referral.level.value,
        protocol_version=referral.protocol_version,
        at=now,
    )


def referral_record(referral: Referral, *, now: datetime, source: str) -> ReferralRecord:
    """The `referrals/{messageId}` document: kind, level, month, protocol version, time. Nothing else."""
    return ReferralRecord.model_validate(
        {
            "kind": referral.kind.value,
            "level": referral.level.value,
            "month": f"{now.year:04d}-{now.month:02d}",
            "protocol_version": referral.protocol_version,
            "source": source,
            "created_at": now,
        }
    )


def _contacts(resources: CrisisResources) -> list[str]:
    """What identifies each helpline in a reply: its phone number, else its text number, else its URL."""
    found = []
    for helpline in resources.helplines:
        contact = helpline.phone or helpline.text or helpline.url
        if contact:
            found.append(contact)
    return found


def referral_instruction(referral: Referral, resources: CrisisResources) -> str:
    """The system instruction a model gets for a turn that calls for a referral."""
    listing = "; ".join(
        f"{h.name}: " + ", ".join(x for x in (h.phone, h.text, h.url) if x) for h in resources.helplines
    )
    if referral.kind == ReferralKind.CRISIS:
        return (
            "The user's last message expresses thoughts of suicide, of not wanting to be alive, or of "
            "self-harm. Acknowledge what they said with warmth, do not lecture or panic, and include these "
            f"crisis resources word for word: {listing}; and the emergency number "
            f"{resources.emergency_number}. Then gently invite them to keep talking."
        )
    return (
        "The user is worried about someone else's safety. Acknowledge how hard that is, offer support for "
        f"them as a helper, and include these resources word for word: {listing}; and the emergency number "
        f"{resources.emergency_number} if the other person is in immediate danger."
    )


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def mentions_resources(text: str, resources: CrisisResources) -> bool:
    """True when the reply names every helpline's contact (numbers compared by their digits, so
    "9-8-8" counts as "988"). A reply without them is replaced by the protocol's template."""
    contacts = _contacts(resources)
    if not contacts:
        return resources.emergency_number in text
    digits = _digits(text)
    lowered = text.lower()
    for contact in contacts:
        wanted = _digits(contact)
        if len(wanted) >= 3:
            if wanted not in digits:
                return False
        elif contact.lower() not in lowered:
            return False
    return True
