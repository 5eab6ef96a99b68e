"""The referral protocol (shared/safety/referral.py): every first-person expression of suicidal ideation
(passive or active), suicide or self-harm gets a crisis referral; worry about someone else gets helper
support; negation, quotes, jokes and recovered past do not.

Every sentence here was written for these tests; none comes from the benchmark data.
"""

from __future__ import annotations

import pytest

from shared.safety.levels import SafetyLevel
from shared.safety.referral import (
    PROTOCOL_VERSION,
    Referral,
    ReferralKind,
    decide_referral,
    helper_support_reply,
    referral_reply,
)
from shared.safety.screen import screen_message


def referral_of(text: str, *, recent: tuple[str, ...] = ()) -> Referral | None:
    return decide_referral(screen_message(text, recent_user_messages=recent))


@pytest.mark.parametrize(
    "text",
    [
        "I don't want to be alive anymore.",  # passive ideation (C-SSRS 1)
        "Sometimes I wish I could go to sleep and not wake up.",
        "What's the point of living like this?",  # passive, kept at WATCH by the screen
        "I'm tired of being alive.",
        "I keep thinking about killing myself.",  # active ideation (C-SSRS 2)
        "I want to kill myself.",
        "I've been cutting again.",  # self-harm
        "I have the urge to cut again.",
        "I tried to kill myself last week.",  # suicidal behaviour
        "I've been saving up my pills.",  # preparation without a stated intent
        "Everyone would be better off if I were gone.",  # passive ideation as others' relief
        "You won't have to worry about me much longer.",  # implicit farewell
        "I'm going to kill myself tonight.",
    ],
)
def test_own_ideation_self_harm_or_suicide_is_a_crisis_referral(text: str) -> None:
    referral = referral_of(text)
    assert referral is not None and referral.kind == ReferralKind.CRISIS, referral
    assert referral.protocol_version == PROTOCOL_VERSION
    assert referral.reasons
    assert all(reason.replace("_", "").isalpha() for reason in referral.reasons)  # names, not words


@pytest.mark.parametrize(
    "text",
    [
        "My friend wants to die and I don't know how to help.",
        "My brother keeps saying he wishes he was dead.",
        "My sister has been cutting herself again.",
    ],
)
def test_someone_elses_risk_is_helper_support_never_a_crisis(text: str) -> None:
    referral = referral_of(text)
    assert referral is not None and referral.kind == ReferralKind.HELPER_SUPPORT, referral
    assert not referral.level.at_least(SafetyLevel.ELEVATED_CONCERN)


@pytest.mark.parametrize(
    "text",
    [
        "I'm not suicidal, just tired.",
        "I would never kill myself.",
        "This traffic is killing me.",
        "I'm dying to see the new season.",
        "I want to die lol this exam is brutal",
        'My favourite lyric is "I don\'t want to be alive anymore" and I sing it in the shower.',
        "I used to self-harm years ago, I'm okay now.",
        "I'm not saying goodbye, just going on holiday.",
        "Had a lovely day at the beach with my kids.",
    ],
)
def test_negated_figurative_quoted_recovered_and_ordinary_messages_get_no_crisis_referral(text: str) -> None:
    referral = referral_of(text)
    assert referral is None or referral.kind != ReferralKind.CRISIS, referral


def test_own_risk_with_someone_elses_is_a_crisis() -> None:
    referral = referral_of(
        "My friend wants to die too, and honestly I don't want to be alive anymore either."
    )
    assert referral is not None and referral.kind == ReferralKind.CRISIS, referral


def test_an_earlier_disclosure_in_the_window_keeps_the_referral() -> None:
    referral = referral_of("I'm fine, forget it.", recent=("I don't want to be alive anymore.",))
    assert referral is not None and referral.kind == ReferralKind.CRISIS, referral


@pytest.mark.parametrize(
    ("locale", "number", "helpline"),
    [
        ("en-US", "911", "988"),
        ("en-GB", "999", "116 123"),
        ("en-AU", "000", "13 11 14"),
        ("de-DE", "your local emergency number", "findahelpline.com"),
        (None, "911", "988"),
    ],
)
def test_the_offline_replies_give_the_locales_resources(
    locale: str | None, number: str, helpline: str
) -> None:
    for reply in (referral_reply(locale), helper_support_reply(locale)):
        assert number in reply
        assert helpline in reply
    assert "thank you for telling me" in referral_reply(locale).lower()
    assert "someone you care about" in helper_support_reply(locale)


@pytest.mark.parametrize(
    "text",
    [
        "My friend doesn't want to be alive anymore.",
        "My friend said she doesn't want to be alive anymore.",
        "My son doesn't want to live like this, he says school is hell.",
    ],
)
def test_someone_else_not_wanting_to_live_is_helper_support(text: str) -> None:
    referral = referral_of(text)
    assert referral is not None and referral.kind == ReferralKind.HELPER_SUPPORT, referral


@pytest.mark.parametrize(
    "text",
    ["He doesn't want to live with his parents anymore.", "She doesn't want to live in London anymore."],
)
def test_not_wanting_to_live_somewhere_is_no_referral(text: str) -> None:
    assert referral_of(text) is None
