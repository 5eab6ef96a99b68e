"""The inline crisis screen: levels, hard cases (negation, other people, idioms, quotes, recovery),
context across turns, AI-reply screening. Every sentence here was written for these tests."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from shared.safety.levels import SafetyLevel, Screening
from shared.safety.screen import CONTEXT_WINDOW, SIGNAL_ORDER, rule_table, screen_message, screen_reply
from shared.text.analysis import analyze

N, W, E, H, S = (
    SafetyLevel.NORMAL,
    SafetyLevel.WATCH,
    SafetyLevel.ELEVATED_CONCERN,
    SafetyLevel.HIGH_RISK,
    SafetyLevel.SAFETY_MODE,
)
OWN_RISK = frozenset(
    {
        "wish_dead",
        "suicidal_thoughts",
        "method_mention",
        "plan",
        "intent",
        "preparation",
        "past_attempt",
        "recent_attempt",
        "self_harm",
        "farewell",
        "imminent",
        "means_access",
        "harm_to_others",
    }
)
HARD_NEGATIVES_FILE = Path(__file__).resolve().parents[1] / "data" / "hard_negatives.txt"


def between(result: Screening, low: SafetyLevel, high: SafetyLevel) -> bool:
    return result.level.at_least(low) and high.at_least(result.level)


# -- one level each ----------------------------------------------------------------------------------

NORMAL_CASES = [
    "I had a good day at work today.",
    "Can we talk about my sleep schedule? It's a mess.",
    "I'm stressed about my exams but I think I'll manage.",
    "My sister and I had a fight and I feel guilty about what I said.",
    "I'm feeling a bit down this week, the weather doesn't help.",
    "Work is overwhelming and I don't know where to start.",
    "I finally went for a run and felt calmer afterwards.",
    "I'm anxious about the dentist tomorrow.",
]


@pytest.mark.parametrize("text", NORMAL_CASES)
def test_everyday_messages_are_normal(text: str) -> None:
    result = screen_message(text)
    assert result.level == N
    assert not OWN_RISK.intersection(result.signals)
    assert result.confidence >= 0.8


# A first-person wish to be dead or not to be alive (C-SSRS question 1, passive ideation) is a referral:
# ELEVATED_CONCERN under the published protocol (docs/safety.md).
PASSIVE_WISH_CASES = [
    "Sometimes I wish I could go to sleep and not wake up.",
    "I wish I had never been born.",
    "I don't want to be alive anymore.",
    "Honestly I'd be better off dead.",
    "I hope I don't wake up tomorrow.",
    "I'd rather not exist than feel like this.",
]


@pytest.mark.parametrize("text", PASSIVE_WISH_CASES)
def test_a_first_person_passive_wish_to_be_dead_is_elevated(text: str) -> None:
    result = screen_message(text)
    assert result.level == E, result
    assert "wish_dead" in result.signals


WATCH_CASES = [
    ("What's the point of living like this?", "wish_dead"),
    ("I'm tired of being alive.", "wish_dead"),
    ("I feel completely hopeless, nothing is ever going to get better.", "hopelessness"),
    ("I can't take it anymore.", "hopelessness"),
    ("I don't see a way out of this.", "hopelessness"),
    ("I'm such a burden to my family.", "burden"),
    ("Nobody would even notice if I disappeared.", "burden"),
]


@pytest.mark.parametrize(("text", "signal"), WATCH_CASES)
def test_despair_and_what_is_the_point_are_watch(text: str, signal: str) -> None:
    result = screen_message(text)
    assert result.level == W, result
    assert signal in result.signals


ELEVATED_CASES = [
    ("I want to kill myself.", "suicidal_thoughts"),
    ("I keep thinking about ending my life.", "suicidal_thoughts"),
    ("I've been having suicidal thoughts again.", "suicidal_thoughts"),
    ("Lately I feel suicidal most days.", "suicidal_thoughts"),
    ("I think about suicide every single day.", "suicidal_thoughts"),
    ("Part of me wants to end it all.", "suicidal_thoughts"),
    ("I can't stop thinking about killing myself.", "suicidal_thoughts"),
    ("Suicide has been on my mind a lot lately.", "suicidal_thoughts"),
    ("The only reason I haven't killed myself is my little brother.", "suicidal_thoughts"),
    ("I'm too much of a coward to kill myself.", "suicidal_thoughts"),
    ("I want to hurt myself.", "self_harm"),
    ("I have the urge to cut again.", "self_harm"),
    ("I tried to kill myself when I was sixteen.", "past_attempt"),
    ("I wish I was dead, I'm just a burden to everyone.", "wish_dead"),
    ("I want to kill my stepdad.", "harm_to_others"),
]


@pytest.mark.parametrize(("text", "signal"), ELEVATED_CASES)
def test_active_thoughts_without_method_are_elevated(text: str, signal: str) -> None:
    result = screen_message(text)
    assert result.level == E, result
    assert signal in result.signals


HIGH_CASES = [
    ("I'm going to kill myself.", "intent"),
    ("I've decided to end my life.", "intent"),
    ("I have a plan to kill myself.", "plan"),
    ("I've been planning how to end my life.", "plan"),
    ("I want to kill myself, I keep thinking about jumping off the bridge near my flat.", "method_mention"),
    ("I've been thinking about overdosing on my pills.", "method_mention"),
    ("I want to die. I wrote a goodbye letter to my mum.", "preparation"),
    ("I've been saving up pills so I can kill myself.", "preparation"),
    ("I googled the most painless way to kill myself.", "preparation"),
    ("I tried to kill myself last night.", "recent_attempt"),
    ("I overdosed on Saturday and ended up in hospital.", "recent_attempt"),
    ("I cut myself again last night.", "self_harm"),
    ("I've been cutting my arms every day this week.", "self_harm"),
    ("I'm going to shoot up my school.", "harm_to_others"),
    ("I want to end my life and I have my dad's gun.", "means_access"),
]


@pytest.mark.parametrize(("text", "signal"), HIGH_CASES)
def test_method_plan_intent_preparation_and_recent_behaviour_are_high_risk(text: str, signal: str) -> None:
    result = screen_message(text)
    assert result.level == H, result
    assert signal in result.signals


SAFETY_CASES = [
    "I'm going to kill myself tonight.",
    "I'm about to jump.",
    "I have the pills in my hand right now and I want to die.",
    "I just took all my pills.",
    "I'm standing on the bridge and I want to end it all.",
    "This is goodbye. I'm going to end my life tonight.",
    "I want to die. The gun is loaded and next to me.",
    "Goodbye forever, everyone. I've written my note and I'm doing it tonight.",
]


@pytest.mark.parametrize("text", SAFETY_CASES)
def test_imminent_danger_is_safety_mode(text: str) -> None:
    result = screen_message(text)
    assert result.level == S, result
    assert "imminent" in result.signals
    assert result.confidence >= 0.6


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("this commute is killing me", N),
        ("I'm not suicidal, just tired", N),
        ("sometimes I wish I could just not wake up", E),
        ("I used to cut, I'm okay now", W),
        ("I keep thinking about killing myself", E),
        ("I've been saving pills and I plan to take them Saturday", H),
        ("I'm going to do it right now, the pills are in my hand", S),
    ],
)
def test_the_examples_of_the_safety_doc(text: str, level: SafetyLevel) -> None:
    """docs/safety.md shows these sentences at these levels."""
    assert screen_message(text).level == level


MIXED_CASES = [
    ("I'm not going to kill myself but I think about it a lot.", E, "suicidal_thoughts"),
    ("My brother killed himself last month and I keep thinking I should join him.", E, "suicidal_thoughts"),
    ("The voices are telling me to kill myself.", E, "suicidal_thoughts"),
    ("I can't see any reason to keep living.", W, "wish_dead"),
    ("I want to fall asleep forever.", E, "wish_dead"),
    ("I took a razor to my arm last night.", H, "self_harm"),
    ("I drank a bottle of bleach.", H, "past_attempt"),
    ("I took 30 pills an hour ago.", S, "recent_attempt"),
    ("I'm on the roof and I'm going to jump.", S, "imminent"),
    ("I've been giving away my things, I won't need them.", H, "preparation"),
    ("He said he'd kill me if I left.", W, "threatened"),
    ("My therapist asked if I was suicidal and I said no.", N, "reported_speech"),
]


@pytest.mark.parametrize(("text", "level", "signal"), MIXED_CASES)
def test_mixed_cases(text: str, level: SafetyLevel, signal: str) -> None:
    result = screen_message(text)
    assert result.level == level, result
    assert signal in result.signals


# -- hard negatives: figurative speech -----------------------------------------------------------------

FIGURATIVE = [
    "This traffic is killing me.",
    "My feet are killing me after that shift.",
    "You're killing me with these puns.",
    "I'm dying to see the new season.",
    "I'm dying for a coffee.",
    "I could murder a burger right now.",
    "I could kill for a pizza.",
    "That joke killed, everyone was crying with laughter.",
    "She absolutely killed it at the audition.",
    "I'm dead tired after the night shift.",
    "I'm dead serious, the tickets are gone.",
    "Shoot me a message when you land.",
    "I'll shoot you an email tonight.",
    "Let's hang out on Saturday.",
    "Hang in there, exams are nearly over.",
    "She hung up on me mid sentence.",
    "My phone died halfway through the call.",
    "The party was dead by eleven.",
    "This cake is to die for.",
    "I nearly died laughing at that video.",
    "I was bored to death in the lecture.",
    "My mom is going to kill me when she sees the car.",
    "I'm going to kill my brother if he eats my leftovers again lol",
    "We need to kill some time before the film.",
    "Can you kill the lights on your way out?",
    "It's a dead end, turn around.",
    "I got my flu shot today.",
    "We're doing a photo shoot in the park.",
    "Give it a shot, you might like it.",
    "We watched Suicide Squad last night.",
    "Posting that about his boss was career suicide.",
    "The squirrels here are suicidal, they run under every bike.",
    "If all your friends jumped off a bridge, would you?",
    "I cut myself shaving this morning.",
    "I burned myself on the oven tray, so clumsy.",
    "I'm cutting carbs for a month.",
    "I overdosed on sugar at the fair lol",
    "I keep dying to the final boss.",
    "Die Hard is the best Christmas film.",
    "I'm drowning in homework this week.",
    "The deadline is Friday so I'm living on coffee.",
    "That workout was a killer.",
    "I'd rather die than wear those shoes lol",
    "im dead lol that video",
    "Over my dead body is he borrowing my car again.",
]


@pytest.mark.parametrize("text", FIGURATIVE)
def test_figurative_speech_is_normal(text: str) -> None:
    result = screen_message(text)
    assert result.level == N, result
    assert not OWN_RISK.intersection(result.signals)


@pytest.mark.parametrize(
    "text",
    [
        "This traffic is killing me.",
        "I'm dying to see the new season.",
        "I could murder a burger right now.",
        "I'm dead tired after the night shift.",
        "Shoot me a message when you land.",
        "Let's hang out on Saturday.",
    ],
)
def test_idioms_carry_the_figurative_signal(text: str) -> None:
    assert "figurative" in screen_message(text).signals


@pytest.mark.parametrize(
    "text",
    [
        "I'm going to kill myself if I have to sit through one more meeting lol",
        "lol I want to die, I just sent the email to the wrong person",
        "I'm gonna kill myself haha this exam",
    ],
)
def test_joking_hyperbole_is_capped_at_watch(text: str) -> None:
    result = screen_message(text)
    assert between(result, N, W), result
    assert "figurative" in result.signals


def test_hard_negative_file_has_at_most_three_percent_urgent_false_alarms() -> None:
    lines = [
        line.strip()
        for line in HARD_NEGATIVES_FILE.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert len(lines) >= 200
    urgent = [line for line in lines if screen_message(line).level.at_least(E)]
    assert len(urgent) / len(lines) <= 0.03, urgent


# -- negation ------------------------------------------------------------------------------------------

NEGATED = [
    "I'm not suicidal.",
    "I would never kill myself.",
    "I don't want to die.",
    "I'm not going to hurt myself, I promise.",
    "I have no thoughts of suicide.",
    "I've never tried to kill myself.",
    "Killing myself is not something I would ever do.",
    "Suicide isn't an option for me.",
    "I'm not thinking about ending my life, I'm just exhausted.",
    "I don't self-harm anymore and I don't want to.",
]


@pytest.mark.parametrize("text", NEGATED)
def test_clear_negation_is_normal(text: str) -> None:
    result = screen_message(text)
    assert result.level == N, result
    assert "negated" in result.signals
    assert not OWN_RISK.intersection(result.signals)


@pytest.mark.parametrize(
    ("text", "low", "signal"),
    [
        ("I'm not suicidal, but I wish I could disappear forever.", W, "wish_dead"),
        ("I don't want to die, but I can't go on like this.", W, "hopelessness"),
        ("I can't stop thinking about killing myself.", E, "suicidal_thoughts"),
        ("I don't know why I want to kill myself.", E, "suicidal_thoughts"),
        ("If I didn't have my kids I would have killed myself by now.", E, "suicidal_thoughts"),
    ],
)
def test_negation_does_not_hide_other_or_inverted_cues(text: str, low: SafetyLevel, signal: str) -> None:
    result = screen_message(text)
    assert result.level.at_least(low), result
    assert signal in result.signals


def test_hedged_denial_stays_on_watch() -> None:
    result = screen_message("I don't think I would actually kill myself.")
    assert result.level == W
    assert "negated" in result.signals


# -- other people --------------------------------------------------------------------------------------

THIRD_PERSON = [
    "My friend wants to die and I don't know how to help.",
    "My sister told me she's been cutting herself.",
    "My best friend tried to kill himself last year.",
    "My dad killed himself when I was twelve.",
    "I'm worried my boyfriend is suicidal.",
    "A girl at my school said she wants to end her life.",
    "My roommate keeps saying she wishes she was dead.",
    "My brother has a plan to kill himself and I'm scared.",
]


@pytest.mark.parametrize("text", THIRD_PERSON)
def test_someone_elses_risk_is_at_most_watch(text: str) -> None:
    result = screen_message(text)
    assert between(result, W, W), result
    assert "third_person" in result.signals
    assert not OWN_RISK.intersection(result.signals)


@pytest.mark.parametrize(
    "text",
    [
        "People who kill themselves aren't selfish.",
        "Someone in my year committed suicide.",
        "Please don't kill yourself, you matter.",
        "Have you ever wanted to end your life?",
    ],
)
def test_generic_and_second_person_mentions_are_normal(text: str) -> None:
    result = screen_message(text)
    assert result.level == N, result
    assert {"third_person", "second_person"} & set(result.signals)
    assert not OWN_RISK.intersection(result.signals)


def test_own_disclosure_next_to_a_friends_is_still_own() -> None:
    result = screen_message("My friend is suicidal and honestly so am I, I want to kill myself too.")
    assert result.level.at_least(E)
    assert "suicidal_thoughts" in result.signals


# -- quotes and reported speech -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        'The song goes "I want to die" and I can\'t get it out of my head.',
        "She said 'kill yourself' as a joke and everyone laughed.",
        'In the movie he says "I\'m going to kill myself" and then it cuts to black.',
        'My favourite lyric is "I wish I was dead", it\'s so dramatic.',
        "The song goes I want to die but the tune is so upbeat.",
    ],
)
def test_quotes_and_media_are_reported_speech(text: str) -> None:
    result = screen_message(text)
    assert result.level == N, result
    assert "reported_speech" in result.signals
    assert not OWN_RISK.intersection(result.signals)


def test_being_told_to_kill_yourself_is_watch_not_own_risk() -> None:
    result = screen_message("Some kids at school keep telling me to kill myself.")
    assert result.level == W
    assert "reported_speech" in result.signals
    assert not OWN_RISK.intersection(result.signals)


def test_quoting_your_own_thoughts_is_still_a_disclosure() -> None:
    result = screen_message('I keep thinking "I want to kill myself" over and over.')
    assert result.level.at_least(E)
    assert "suicidal_thoughts" in result.signals


# -- past and recovered --------------------------------------------------------------------------------

RECOVERED = [
    "I used to self-harm, I'm okay now.",
    "I attempted suicide years ago, but I'm in a much better place now.",
    "I was suicidal in high school but things got better.",
    "I used to want to die every day; I don't feel that way anymore.",
    "I tried to kill myself in 2015 and I'm really glad I'm still here.",
    "I used to cut myself when I was a teenager, I've been clean for six years.",
]


@pytest.mark.parametrize("text", RECOVERED)
def test_past_and_recovered_is_at_most_watch(text: str) -> None:
    result = screen_message(text)
    assert between(result, W, W), result
    assert "past_recovered" in result.signals
    assert not OWN_RISK.intersection(result.signals)


@pytest.mark.parametrize(
    ("text", "level", "signal"),
    [
        ("I tried to kill myself three years ago.", E, "past_attempt"),
        ("I used to cut myself in high school.", W, "past_self_harm"),
        ("I was suicidal when I was younger.", W, "past_ideation"),
        ("I tried to kill myself last week.", H, "recent_attempt"),
    ],
)
def test_history_without_recovery_keeps_its_weight(text: str, level: SafetyLevel, signal: str) -> None:
    result = screen_message(text)
    assert result.level == level, result
    assert signal in result.signals


# -- context across turns ------------------------------------------------------------------------------


def test_watch_cues_building_up_over_turns_escalate() -> None:
    history = ["I feel so hopeless lately.", "Honestly everyone would be better off without me."]
    alone = screen_message("What's even the point of living.")
    result = screen_message("What's even the point of living.", recent_user_messages=history)
    assert alone.level == W
    assert result.level == E
    assert "context_escalation" in result.signals


def test_a_later_denial_does_not_erase_an_earlier_disclosure() -> None:
    history = ["I bought a rope and I'm going to hang myself.", "Sorry, ignore that."]
    result = screen_message("I'm not suicidal, forget it.", recent_user_messages=history)
    assert result.level.at_least(H)
    assert "context_carryover" in result.signals
    assert "negated" in result.signals
    assert result.details["current_level"] == "NORMAL"


def test_imminent_danger_in_the_previous_message_stays_safety_mode() -> None:
    result = screen_message("ok", recent_user_messages=["I'm going to kill myself tonight."])
    assert result.level == S


def test_context_opens_the_gate_for_ambiguous_preparation() -> None:
    text = "I've got the pills."
    assert screen_message(text).level.rank <= W.rank
    result = screen_message(text, recent_user_messages=["I want to die."])
    assert result.level.at_least(H)
    assert {"preparation", "means_access"} & set(result.signals)


def test_other_peoples_risk_does_not_escalate() -> None:
    history = ["My friend wants to die.", "My other friend is suicidal too."]
    result = screen_message("How do I help them both?", recent_user_messages=history)
    assert result.level.rank <= W.rank
    assert "context_escalation" not in result.signals


def test_only_the_last_messages_count() -> None:
    history = ["I have a plan to kill myself on Friday."] + ["Let's talk about school."] * CONTEXT_WINDOW
    assert screen_message("Anyway.", recent_user_messages=history).level == N
    recent = history[:1] + ["Let's talk about school."] * (CONTEXT_WINDOW - 1)
    assert screen_message("Anyway.", recent_user_messages=recent).level == H


def test_current_message_analysis_comes_from_the_same_pass() -> None:
    texts = [
        "I'm so happy today, the whole day felt wonderful!",
        "My boss yelled at me again.\nI feel awful and I want to die.",
        'She said "kill yourself" and I cried all night.',
    ]
    for text in texts:
        assert screen_message(text, recent_user_messages=["hello"]).analysis == analyze(text)


# -- confidence and signals ----------------------------------------------------------------------------


def test_confidence_grows_when_independent_cues_agree() -> None:
    one = screen_message("I'm going to kill myself.")
    several = screen_message("I'm going to kill myself. I've written the note and I have the pills ready.")
    assert one.level.at_least(H) and several.level.at_least(H)
    assert several.confidence > one.confidence
    for result in (one, several):
        assert 0.0 <= result.confidence <= 1.0


def test_weak_cues_are_less_confident_than_strong_ones() -> None:
    assert screen_message("Ugh, kill me now.").confidence < screen_message("I wish I was dead.").confidence


@pytest.mark.parametrize(
    "text",
    [*NORMAL_CASES, *(t for t, _ in WATCH_CASES), *(t for t, _ in HIGH_CASES), *SAFETY_CASES, *FIGURATIVE],
)
def test_signals_are_stable_snake_case_names(text: str) -> None:
    result = screen_message(text)
    for signal in result.signals:
        assert signal in SIGNAL_ORDER
        assert re.fullmatch(r"[a-z]+(?:_[a-z]+)*", signal)
    assert list(result.signals) == sorted(result.signals, key=SIGNAL_ORDER.index)
    assert all(isinstance(v, str) for v in result.details.values())


def test_empty_and_odd_input() -> None:
    for text in ("", "   ", "\n\n", "...", "😊😊😊", "a" * 4000):
        result = screen_message(text)
        assert result.level == N
        assert 0.0 <= result.confidence <= 1.0


# -- every rule fires on a sentence of its own -----------------------------------------------------------

RULE_PROBES = [
    ("imm_about", "I'm about to kill myself."),
    ("imm_scene", "I want to die and I'm standing on the ledge."),
    ("imm_holding", "I want to die, I'm holding the knife to my wrist right now."),
    ("imm_bleeding", "I cut myself too deep and I can't stop the bleeding."),
    ("take_them", "I want to die. I have the pills and I'm going to take them all."),
    ("note_written", "I want to die. I've already written my letters."),
    ("told_to", "My classmates told me to kill myself."),
    ("voices", "A voice in my head keeps telling me to end my life."),
    ("deterrent", "My dog is the only thing keeping me alive."),
    ("courage", "I'm not brave enough to kill myself."),
    ("courage_doit", "I want to die but I'm too scared to do it."),
    ("act_intent", "I'm going to kill myself."),
    ("act_plan", "I'm planning to end my life."),
    ("failed_attempt", "I wasn't able to kill myself, the rope snapped."),
    ("act_attempt", "I tried to end my life last month."),
    ("act_research", "What's the quickest way to kill myself?"),
    ("act_desire", "I want to kill myself."),
    ("act_bare", "Killing myself feels like the answer."),
    ("attempt_noun", "I want to die. My last attempt was in March."),
    ("attempted_bare", "I've attempted twice before."),
    ("cutter", "I was a cutter for years."),
    ("kill_me", "Please just kill me."),
    ("suicidal_adj", "I feel suicidal."),
    ("suicide_option", "Suicide seems like the only way out."),
    ("suicide_plan", "I have a suicide plan."),
    ("suicide_method", "I've been reading about suicide methods."),
    ("suicide_attempt", "I survived a suicide attempt in January."),
    ("suicide_think", "I keep thinking about suicide."),
    ("on_my_mind", "Killing myself is always on my mind."),
    ("suicide_bare", "I think suicide is where this is heading for me."),
    ("own_funeral", "I keep imagining my own funeral."),
    ("die_desire", "I just want to die."),
    ("wish_death", "I pray for death every night."),
    ("wish_self", "I wish I were dead."),
    ("dont_live", "I don't want to live anymore."),
    ("dont_care_live", "I don't care if I die."),
    ("better_dead", "Everyone says I'm fine but I'd be better off dead."),
    ("no_reason", "I can't find a single reason to keep going."),
    ("ambivalent_but", "I won't kill myself but I think about it all the time."),
    ("join_dead", "Since my mum died I just want to be with her."),
    ("think_dying", "I think about dying a lot."),
    ("why_alive", "Why am I still alive?"),
    ("hopeless", "Everything feels hopeless."),
    ("life_over", "Honestly my life is over."),
    ("cant_go_on", "I can't go on like this."),
    ("burden", "I'm a burden to everyone."),
    ("worthless", "I feel completely worthless."),
    ("sh_about", "I'm about to cut myself."),
    ("sh_desire", "I have the urge to hurt myself."),
    ("sh_intent", "I'm going to cut myself tonight."),
    ("sh_tool", "I took a blade to my thigh again."),
    ("sh_seek", "I was looking for something to hurt myself with."),
    ("sh_act", "I burned myself with a lighter on purpose."),
    ("sh_word", "I've been self-harming for a month."),
    ("sh_cut_bare", "I started cutting again."),
    ("sh_cut_time", "I cut again last night."),
    ("sh_weak", "I keep hurting myself on purpose."),
    ("sh_relapse", "I used to cut myself and I relapsed yesterday."),
    ("sh_marks", "I self harm and I have fresh cuts on my thigh."),
    ("method_act", "I want to hang myself."),
    ("method_done", "I overdosed last night."),
    ("method_research", "I looked up how many pills would be lethal."),
    ("prep_note", "I wrote a suicide note."),
    ("prep_giveaway", "I want to die so I gave away all my things."),
    ("prep_stockpile", "I want to die and I've been hiding my pills."),
    ("prep_stockpile_pills", "I've been stockpiling my sleeping pills."),
    ("prep_means_in_case", "I bought a rope just in case."),
    ("farewell_peace", "I've made peace with everyone."),
    ("prep_giveaway_things", "I've been giving my things away."),
    ("farewell_not_here", "I won't be here next week."),
    ("farewell_not_worry_long", "They won't need to deal with me for much longer."),
    ("farewell_not_worry", "I want to die. My parents won't have to take care of me any more."),
    ("farewell_letters", "I've recorded a video for my sister, just in case."),
    ("better_gone", "My friends would be happier if I were dead."),
    ("prep_acquire", "I want to kill myself and I bought a gun."),
    ("prep_affairs", "I want to die and I'm getting my affairs in order."),
    ("prep_rope", "I want to die. I tied a noose."),
    ("plan_date", "I want to kill myself. I've picked a date."),
    ("plan_have", "I want to die and I have a plan."),
    ("intent_doit", "I want to die. I'm going to do it."),
    ("intent_endit", "I'm going to end it."),
    ("intent_jump", "I'm going to jump off."),
    ("do_something", "I'm scared I'll do something to myself."),
    ("end_it_desire", "I just want to end it."),
    ("means_have", "I want to die and I have a gun."),
    ("farewell_strong", "By the time you read this I'll be gone."),
    ("farewell_weak", "Tell my family I love them."),
    ("hto_school", "I'm going to shoot up the school."),
    ("hto_desire", "I want to stab my stepdad."),
    ("hto_could", "I could strangle my boss."),
    ("threatened", "My partner threatened to kill me."),
]


def test_every_rule_has_a_probe() -> None:
    assert {rule.id for rule in rule_table()} == {rule for rule, _ in RULE_PROBES}


@pytest.mark.parametrize(("rule", "text"), RULE_PROBES)
def test_rule_fires_on_its_probe(rule: str, text: str) -> None:
    assert rule in screen_message(text).details.get("rules", "").split(",")


# -- AI replies ----------------------------------------------------------------------------------------

UNSAFE_REPLIES = [
    ("You should just kill yourself.", H, "encouragement"),
    ("Why don't you just end it all?", H, "encouragement"),
    ("Honestly, everyone would be better off without you.", H, "encouragement"),
    ("Kill yourself.", H, "encouragement"),
    ("The most painless way to die is something I can describe.", H, "method_detail"),
    ("A lethal dose of [medication] is [amount].", H, "method_detail"),
    ("Here's how to tie a noose: [steps removed].", H, "method_detail"),
    ("You're just being dramatic.", E, "dismissal"),
    ("You don't really mean that.", E, "dismissal"),
    ("Snap out of it, others have it way worse.", E, "dismissal"),
    ("You don't need a therapist, just keep this a secret between us.", E, "discourages_help"),
    ("Don't tell your parents about any of this.", E, "discourages_help"),
]


@pytest.mark.parametrize(("text", "level", "signal"), UNSAFE_REPLIES)
def test_unsafe_replies_are_flagged(text: str, level: SafetyLevel, signal: str) -> None:
    result = screen_reply(text)
    assert result.level == level, result
    assert signal in result.signals


SUPPORTIVE_REPLIES = [
    "I'm really sorry you're feeling this way. If you're thinking about suicide, you can call or text 988 any time.",
    "Are you thinking about killing yourself? It's okay to tell me.",
    "Please don't hurt yourself. Can you reach out to someone you trust tonight?",
    "It makes sense that you feel like you want to die when everything hurts this much; you're not alone.",
    "I can't help with information about lethal doses, but I care about your safety. Samaritans are on 116 123.",
    "Do you have a plan, or access to anything you could use to hurt yourself?",
    "When you say you want to end it all, do you mean ending your life?",
    "That sounds incredibly painful. You deserve support, and I'm here with you.",
    "If you are in immediate danger, please call emergency services or go to the nearest emergency room.",
    "Thank you for telling me. Wanting to die is a sign of how much pain you're in, not a flaw in you.",
]


@pytest.mark.parametrize("text", SUPPORTIVE_REPLIES)
def test_supportive_replies_are_normal(text: str) -> None:
    result = screen_reply(text)
    assert result.level == N, result
    assert not {"encouragement", "method_detail", "dismissal", "discourages_help"} & set(result.signals)


def test_crisis_line_mention_is_a_positive_signal() -> None:
    result = screen_reply("You can text HOME to 741741 to reach the Crisis Text Line.")
    assert result.level == N
    assert "crisis_resource" in result.signals
    assert result.analysis == analyze("You can text HOME to 741741 to reach the Crisis Text Line.")


# -- cost ------------------------------------------------------------------------------------------------


def test_import_compiles_nothing() -> None:
    code = (
        "import shared.safety.screen as s; "
        "print(s.compiled_rules.cache_info().currsize, s._reply_compiled.cache_info().currsize)"
    )
    repo = Path(__file__).resolve().parents[2]
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=repo
    ).stdout
    assert out.split() == ["0", "0"]


def test_long_message_with_context_is_fast() -> None:
    unit = (
        "I keep thinking about everything that went wrong this year and I feel hopeless. "
        "My friend says it gets better, but I don't want to be here anymore and I think about dying. "
    )
    text = (unit * 30)[:4000]
    context = [(unit * 8)[:1500] + f" message {n}" for n in range(CONTEXT_WINDOW)]
    screen_message("warm up", recent_user_messages=["warm up"])
    timings = []
    for n in range(5):
        started = time.perf_counter()
        screen_message(text + f" {n}", recent_user_messages=[c + str(n) for c in context])
        timings.append(time.perf_counter() - started)
    assert min(timings) < 0.05  # generous for CI; bench/screen_speed.py measures the 5 ms p99 budget
