"""The learned part of the inline screen (`learned_risk`, shared/safety/learned.py).

Every text here was written for these tests; none comes from the benchmark.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from shared.safety import learned
from shared.safety.levels import SafetyLevel
from shared.safety.screen import SIGNAL_ORDER, _screen, screen_message
from shared.text.analysis import tokenize

ROOT = Path(__file__).resolve().parents[2]

# Ideation without the classic keywords (no "suicide", "kill myself", "want to die", ...).
IDEATION = (
    "I keep picturing my own funeral and honestly it feels like relief. Nothing has gotten better in years "
    "and I am so tired of fighting my own head every single day. I have stopped answering my friends and I "
    "gave my cat to my neighbour last week. I just want the noise to stop for good and to finally rest."
)


def test_weights_load_lazily_on_first_use() -> None:
    code = (
        "import shared.safety.screen as s, shared.safety.learned as l; "
        "assert not l.is_loaded(), 'loaded at import'; "
        "s.screen_message('hello there'); "
        "assert not l.is_loaded(), 'loaded for a short message'; "
        f"s.screen_message({IDEATION!r}); "
        "assert l.is_loaded(), 'not loaded when needed'"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)


def test_score_is_deterministic_across_processes() -> None:
    code = (
        "from shared.text.analysis import tokenize; from shared.safety import learned; "
        f"print(repr(learned.score(tokenize({IDEATION!r}), 'WATCH', ['wish_dead'])))"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", code],
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        ).stdout
        for seed in ("0", "1", "12345")
    }
    assert len(outputs) == 1
    here = learned.score(tokenize(IDEATION), "WATCH", ["wish_dead"])
    assert repr(here) == outputs.pop().strip()
    assert 0.0 <= here <= 1.0


def test_weights_file_is_small_and_holds_numbers_only() -> None:
    assert learned.WEIGHTS_FILE.stat().st_size < 1_000_000
    data = json.loads(learned.WEIGHTS_FILE.read_text(encoding="utf-8"))
    assert data["buckets"] == learned.BUCKETS
    assert all(isinstance(k, int) and 0 <= k < learned.BUCKETS for k in data["index"])
    assert all(isinstance(w, float) for w in data["weight"])
    assert 0.5 <= data["threshold"] < 1.0


def test_learned_risk_is_a_known_signal() -> None:
    assert "learned_risk" in SIGNAL_ORDER


def test_ideation_without_classic_keywords_is_at_least_elevated() -> None:
    result = screen_message(IDEATION)
    assert result.level.at_least(SafetyLevel.ELEVATED_CONCERN)
    assert "learned_risk" in result.signals
    assert not _screen(IDEATION, (), learned=False).level.at_least(SafetyLevel.ELEVATED_CONCERN)


def test_learned_risk_over_the_recent_messages() -> None:
    parts = IDEATION.split(". ")
    result = screen_message(parts[-1], recent_user_messages=[p + "." for p in parts[:-1]])
    assert result.level.at_least(SafetyLevel.ELEVATED_CONCERN)


# Long enough for the model, full of its topic words, but explained away by the rules.
HARD_CASES = [
    # negation
    "I want to be clear that I am not suicidal and I would never kill myself. I have been tired and sad "
    "since my job ended, and some days feel pointless, but I have my kids and my partner and I am seeing a "
    "counsellor every week. I just need some help sorting out my sleep and my money worries.",
    # third person
    "My best friend told me last night that she wants to die and has been cutting again. I stayed on the "
    "phone with her for hours and I am scared for her. I do not know how to help her or whether I should "
    "tell her parents. She made me promise to keep it a secret and I feel awful about it.",
    # figurative
    "This week is killing me, honestly. My laptop died on Monday, I nearly died of embarrassment in the "
    "meeting on Tuesday and my boss is going to kill me when he sees the report. I am dead tired and I "
    "could sleep for a week. Anyway, I need help planning a realistic schedule for next week.",
    # quotes and media
    'The song I keep playing goes "I want to die, I want to disappear" and my sister thinks it is too dark '
    "for me. I just like the melody and the singer's voice, I have listened to the whole album on the bus "
    "every morning this month. Can you recommend other bands with a similar sound for my playlist?",
    # past and recovered
    "I used to self-harm when I was sixteen and I tried to kill myself years ago, but I am okay now. I have "
    "been clean for six years, things got better, and I have a job I like and good friends. I am writing "
    "because I want to volunteer at a helpline and I am not sure what training they usually expect.",
]


@pytest.mark.parametrize("text", HARD_CASES)
def test_hard_cases_are_not_raised_by_the_model(text: str) -> None:
    result = screen_message(text)
    assert "learned_risk" not in result.signals
    assert not result.level.at_least(SafetyLevel.ELEVATED_CONCERN)


EVERYDAY = [
    [
        "Morning! I slept badly again, the neighbours had a party.",
        "I have a big presentation at work today and I'm nervous about it.",
        "My manager always asks hard questions and I never know what to say.",
        "Anyway I made coffee and I'm going over my slides one more time.",
        "Do you have tips for calming down before I speak in front of people?",
    ],
    [
        "My goldfish died this morning and my daughter is heartbroken.",
        "I didn't know what to say to her, she's only six.",
        "We buried him in the garden and she made a little sign.",
        "I'm worried she'll be sad for a long time.",
        "How do I talk to a young child about death in a gentle way?",
    ],
    [
        "I need to remember to take my pills every morning, I keep forgetting.",
        "My doctor put me on blood pressure medication last month.",
        "I tried setting an alarm on my phone but I just snooze it.",
        "My wife says I should use one of those weekly pill boxes.",
        "Do you have any other tricks for building a habit like this?",
    ],
]


@pytest.mark.parametrize("window", EVERYDAY)
def test_everyday_first_person_chat_is_not_raised(window: list[str]) -> None:
    result = screen_message(window[-1], recent_user_messages=window[:-1])
    assert "learned_risk" not in result.signals
    assert not result.level.at_least(SafetyLevel.ELEVATED_CONCERN)


def test_short_messages_are_left_to_the_rules() -> None:
    tokens = tokenize("I can't sleep and I feel like dying inside, it's all pointless.")
    assert not learned.applies(tokens)
    assert not learned.applies(tokenize("word " * 200))  # long, but nothing about death or self-harm
