"""Risk without an explicit statement of intent: collecting a means, implicit farewells, and first-person
passive wishes not to be alive (C-SSRS question 1), with the hard cases that share their words.

Every sentence here was written for these tests; none comes from the benchmark data.
"""

from __future__ import annotations

import pytest

from shared.safety.levels import SafetyLevel
from shared.safety.screen import screen_message

N, W, E, H = (
    SafetyLevel.NORMAL,
    SafetyLevel.WATCH,
    SafetyLevel.ELEVATED_CONCERN,
    SafetyLevel.HIGH_RISK,
)

# Collecting a means is preparatory behaviour (C-SSRS: "collected pills, obtained a gun"): HIGH_RISK even
# with no word about suicide in the window.
STOCKPILING = [
    "I've been saving up my pills.",
    "I've been stockpiling my sleeping pills for a while now.",
    "I have 60 pills saved up.",
    "I've saved up 40 of my sleeping tablets.",
    "Been hoarding my meds for weeks.",
    "I bought a rope just in case.",
    "I got some rope, just in case things get worse.",
    "I keep a stash of pills for when it gets too bad.",
]


@pytest.mark.parametrize("text", STOCKPILING)
def test_collecting_a_means_without_stated_intent_is_high_risk(text: str) -> None:
    result = screen_message(text)
    assert result.level.at_least(H), result
    assert "preparation" in result.signals


def test_collecting_a_means_for_tonight_is_imminent() -> None:
    result = screen_message("I've been stockpiling my pills and I'm going to take them all tonight.")
    assert result.level == SafetyLevel.SAFETY_MODE, result


@pytest.mark.parametrize(
    ("text", "highest"),
    [
        ("I bought painkillers just in case my migraine comes back.", N),
        ("I bought a rope for the camping trip.", N),
        ("I'm collecting my prescription from the pharmacy later.", N),
        ("I'm not stockpiling anything, I just forgot to take my pills.", N),
        ("My grandma has been stockpiling pills, the cabinet is full.", W),  # someone else: helper support
        ("I used to hoard pills years ago, I'm okay now.", W),  # past and recovered
        ('The film opens with "I bought a rope just in case" and it gets darker from there.', N),
    ],
)
def test_the_words_of_stockpiling_in_everyday_and_qualified_use(text: str, highest: SafetyLevel) -> None:
    result = screen_message(text)
    assert not result.level.at_least(E), result
    assert highest.at_least(result.level), result


# Implicit farewells: alone they are ELEVATED_CONCERN (a referral); with another own cue the gate opens and
# they combine to HIGH_RISK or more.
FAREWELLS = [
    "I've made peace with everyone.",
    "I've been making peace with everyone I hurt.",
    "I've been giving my things away to my friends.",
    "I gave away all my stuff this week.",
    "I won't be here tomorrow.",
    "I won't be here next week.",
    "I won't be here for our next session.",
    "This is goodbye.",
]


@pytest.mark.parametrize("text", FAREWELLS)
def test_an_implicit_farewell_is_at_least_elevated(text: str) -> None:
    result = screen_message(text)
    assert result.level.at_least(E), result
    assert {"farewell", "preparation"} & set(result.signals), result


def test_two_implicit_farewell_cues_together_are_high_risk() -> None:
    result = screen_message("I've made peace with everyone and I gave away all my stuff this week.")
    assert result.level.at_least(H), result


def test_an_implicit_farewell_after_own_risk_is_high_risk() -> None:
    result = screen_message(
        "I won't be here next week.", recent_user_messages=["I'm so tired of everything, I want to die."]
    )
    assert result.level.at_least(H), result


@pytest.mark.parametrize(
    "text",
    [
        "I'm not saying goodbye, just going on holiday.",
        "I won't be here next week, I'm going on holiday to Spain.",
        "I won't be around next week, work is crazy.",
        "I'm giving my stuff away because we're moving to Canada.",
        "I'm giving away my old clothes to the charity shop.",
        "I've made peace with the fact that I didn't get the job.",
        "I made peace with my brother after the fight.",
        "My sister said she's made peace with everyone.",
        "This traffic will be the death of me.",
    ],
)
def test_farewell_words_in_everyday_use_are_not_urgent(text: str) -> None:
    result = screen_message(text)
    assert not result.level.at_least(E), result


# First-person passive wishes not to be alive: at least ELEVATED_CONCERN (the published protocol). The second
# group was written later, as other phrasings of the same wish: not minding death, others being better off
# if one were gone.
PASSIVE_WISHES = [
    "I don't want to be alive anymore.",
    "I wish I could disappear forever and not wake up.",
    "I just don't want to exist anymore.",
    "I'd rather be dead honestly.",
    "Some nights I pray I won't wake up.",
    "i dont want to be alive anymore",
    "Honestly I wouldn't mind if a truck ran me over.",
    "I wouldnt mind if something happened to me tbh",
    "I wouldn't mind if I just stopped breathing in my sleep.",
    "Everybody would be better off if I were gone.",
    "It'd be easier for my family if I wasn't around any more.",
    "My parents would be happier if I had never been born.",
    "Things would be better for everyone if I didn't exist.",
]


@pytest.mark.parametrize("text", PASSIVE_WISHES)
def test_a_first_person_passive_wish_not_to_be_alive_is_at_least_elevated(text: str) -> None:
    result = screen_message(text)
    assert result.level.at_least(E), result
    assert "wish_dead" in result.signals


@pytest.mark.parametrize(
    ("text", "signal"),
    [
        ("I don't not want to be alive, I'm just exhausted.", None),
        ("I never said I don't want to be alive, I said I'm tired.", None),
        ("My friend told me she doesn't want to be alive anymore.", None),
        ("My brother keeps saying he wishes he was dead.", "third_person"),
        ("The chorus goes \"I don't want to be alive anymore\" and it's stuck in my head.", None),
        ("I didn't want to be alive when I was 15, but I'm okay now.", "past_recovered"),
        ("I want to disappear for a while and go to the beach.", None),
        ("I wish I could disappear into my duvet until Monday lol.", None),
    ],
)
def test_passive_wish_words_that_are_not_the_users_own_wish_now(text: str, signal: str | None) -> None:
    result = screen_message(text)
    assert not result.level.at_least(E), result
    if signal is not None:
        assert signal in result.signals, result


@pytest.mark.parametrize(
    "text",
    [
        "I wanted to die on the last lap of the race, my legs were gone.",
        "Did the hill intervals today and wanted to die at the final climb.",
        "I burned myself again making toast, the grill is a menace.",
        "I cut my thumb yesterday peeling potatoes, nothing serious.",
    ],
)
def test_effort_in_sport_and_kitchen_accidents_are_not_urgent(text: str) -> None:
    result = screen_message(text)
    assert not result.level.at_least(E), result


def test_a_kitchen_accident_does_not_hide_self_harm_without_one() -> None:
    assert screen_message("I cut myself again last night.").level.at_least(H)


# More farewells, written after the ones above: telling people they will not have to worry much longer,
# and letters left "just in case".
MORE_FAREWELLS = [
    "Don't worry, you won't have to worry about me much longer.",
    "Nobody will have to put up with me for long.",
    "You'll all be rid of me soon.",
    "I wrote letters to everyone I love, just in case.",
    "I've left notes for my kids to read after I'm gone.",
]


@pytest.mark.parametrize("text", MORE_FAREWELLS)
def test_not_being_a_worry_much_longer_and_letters_just_in_case_are_farewells(text: str) -> None:
    result = screen_message(text)
    assert result.level.at_least(E), result
    assert "farewell" in result.signals, result


def test_not_being_a_worry_anymore_counts_only_beside_own_risk() -> None:
    text = "My parents won't have to worry about me anymore."
    assert not screen_message(text).level.at_least(E)
    after = screen_message(text, recent_user_messages=["I really want to die."])
    assert after.level.at_least(H), after
    assert "farewell" in after.signals, after


@pytest.mark.parametrize(
    ("text", "highest"),
    [
        ("I wouldn't mind if the bus came a bit sooner, it's freezing.", N),
        ("I wouldn't mind if something happened to my old car, I hate it.", N),
        ("It wouldn't be better if I was gone, my kids need me.", N),  # negated
        ("I would never think they'd be better off if I was gone.", N),  # negated
        ("My sister keeps saying everyone would be better off if she was gone.", W),  # someone else
        ('The chorus goes "you\'d be better off if I was gone" and I love it.', N),  # quoted
        ("You won't have to worry about me anymore, I got the job!", N),
        ("You won't have to worry about me much longer, I'm moving out next month.", N),
        ("You won't have to put up with me much longer, my shift ends at five.", N),
        ("I wrote letters to my kids just in case, before the surgery next week.", N),
        ("I wrote letters to everyone for Christmas.", N),
        ("I left notes for my kids in case they get home before me.", N),
        ("He wrote letters to everyone he loves, just in case.", W),  # someone else
    ],
)
def test_the_words_of_these_phrasings_in_everyday_and_qualified_use(text: str, highest: SafetyLevel) -> None:
    result = screen_message(text)
    assert not result.level.at_least(E), result
    assert highest.at_least(result.level), result
